// SPDX-License-Identifier: GPL-2.0
/*
 * SBI v2.0 for guests. Extension and function IDs, error codes and HSM
 * states are those of the RISC-V Supervisor Binary Interface
 * specification. Hart ids are the vCPUs' (arch_vcpu_hwid()); addresses a
 * guest passes are guest-physical.
 */
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/printf.h>
#include <keel/devtree.h>
#include <keel/vserial.h>
#include "sbi_emul.h"
#include "vhart.h"

#define SBI_SUCCESS 0L
#define SBI_ERR_FAILED (-1L)
#define SBI_ERR_NOT_SUPPORTED (-2L)
#define SBI_ERR_INVALID_PARAM (-3L)
#define SBI_ERR_INVALID_ADDRESS (-5L)
#define SBI_ERR_ALREADY_AVAILABLE (-6L)

#define EXT_BASE 0x10UL
#define EXT_TIME 0x54494d45UL
#define EXT_IPI 0x735049UL
#define EXT_RFENCE 0x52464e43UL
#define EXT_HSM 0x48534dUL
#define EXT_SRST 0x53525354UL
#define EXT_DBCN 0x4442434eUL

#define BASE_GET_SPEC_VERSION 0
#define BASE_GET_IMPL_ID 1
#define BASE_GET_IMPL_VERSION 2
#define BASE_PROBE_EXTENSION 3
#define BASE_GET_MVENDORID 4
#define BASE_GET_MARCHID 5
#define BASE_GET_MIMPID 6

#define RFENCE_FENCE_I 0
#define RFENCE_SFENCE_VMA 1
#define RFENCE_SFENCE_VMA_ASID 2

#define HSM_HART_START 0
#define HSM_HART_STOP 1
#define HSM_HART_GET_STATUS 2
#define HSM_HART_SUSPEND 3
#define HSM_STARTED 0
#define HSM_STOPPED 1
#define HSM_SUSPENDED 4
#define HSM_SUSPEND_RETENTIVE 0x00000000UL
#define HSM_SUSPEND_NON_RETENTIVE 0x80000000UL

#define SRST_SHUTDOWN 0
#define SRST_COLD_REBOOT 1
#define SRST_WARM_REBOOT 2
#define SRST_REASON_NONE 0
#define SRST_REASON_SYSTEM_FAILURE 1

#define DBCN_WRITE 0
#define DBCN_READ 1
#define DBCN_WRITE_BYTE 2

#define SPEC_VERSION_2_0 0x02000000UL
/*
 * Keel has no registered SBI implementation ID. A firmware-specific EID's
 * low 24 bits must be the implementation ID's: "KEL", as SBI_EXT_KEEL.
 */
#define KEEL_IMPL_ID (SBI_EXT_KEEL & 0xffffffUL)
#define KEEL_IMPL_VERSION 0x00000100UL /* 0.1 */

struct sbiret {
	long error;
	unsigned long value;
};

static const unsigned long supported[] = {
	EXT_BASE, EXT_TIME, EXT_IPI,  EXT_RFENCE,
	EXT_HSM,  EXT_SRST, EXT_DBCN, SBI_EXT_KEEL,
};

static struct sbiret base_call(unsigned long fid, unsigned long arg)
{
	struct sbiret r = { SBI_SUCCESS, 0 };

	switch (fid) {
	case BASE_GET_SPEC_VERSION:
		r.value = SPEC_VERSION_2_0;
		break;
	case BASE_GET_IMPL_ID:
		r.value = KEEL_IMPL_ID;
		break;
	case BASE_GET_IMPL_VERSION:
		r.value = KEEL_IMPL_VERSION;
		break;
	case BASE_PROBE_EXTENSION:
		for (unsigned int i = 0; i < ARRAY_SIZE(supported); i++)
			if (supported[i] == arg)
				r.value = 1;
		break;
	case BASE_GET_MVENDORID:
	case BASE_GET_MARCHID:
	case BASE_GET_MIMPID:
		/* A virtual hart of no particular make. */
		break;
	default:
		r.error = SBI_ERR_NOT_SUPPORTED;
	}
	return r;
}

/*
 * Call fn for the vCPUs a hart mask names: bit i is hart base + i; a base
 * of -1 means every hart. SBI_ERR_INVALID_PARAM, and no call at all, if a
 * named hart does not exist.
 */
static __noinline long for_each_hart(struct vcpu *v, unsigned long mask,
				     unsigned long base,
				     void (*fn)(struct vcpu *t, void *),
				     void *arg)
{
	struct guest *g = v->guest;
	struct vcpu *targets[GUEST_MAX_VCPUS];
	unsigned int n = 0;

	if (base == (unsigned long)-1) {
		for (unsigned int i = 0; i < g->nr_vcpus; i++)
			targets[n++] = g->vcpus[i];
	} else {
		for (unsigned int bit = 0; mask; bit++, mask >>= 1) {
			struct vcpu *t;

			if (!(mask & 1))
				continue;
			/* Hart ids past the guest's: no such hart. */
			if (base + bit < base)
				return SBI_ERR_INVALID_PARAM;
			t = vcpu_find_by_hwid(g, base + bit);
			if (!t || n == GUEST_MAX_VCPUS)
				return SBI_ERR_INVALID_PARAM;
			targets[n++] = t;
		}
	}
	/* Checked first, acted on after: a bad mask changes nothing. */
	for (unsigned int i = 0; i < n; i++)
		fn(targets[i], arg);
	return SBI_SUCCESS;
}

/*
 * The sender may let the target run first: told before the kick, which
 * makes a target waiting in WFI look runnable.
 */
static void ipi_one(struct vcpu *t, void *arg)
{
	vcpu_ipi_sent(t);
	riscv_vcpu_send_ipi(t);
}

static void fence_one(struct vcpu *t, void *arg)
{
	riscv_vcpu_fence(t, *(bool *)arg);
}

static __noinline struct sbiret rfence_call(struct vcpu *v, unsigned long fid,
					    const u64 *a)
{
	struct sbiret r = { SBI_SUCCESS, 0 };
	bool i_cache = fid == RFENCE_FENCE_I;

	switch (fid) {
	case RFENCE_FENCE_I:
	case RFENCE_SFENCE_VMA:
	case RFENCE_SFENCE_VMA_ASID:
		/* Any range or ASID: the whole guest TLB goes, which covers it. */
		r.error = for_each_hart(v, a[0], a[1], fence_one, &i_cache);
		break;
	default:
		/* The HFENCE calls are for guests with the H extension: none. */
		r.error = SBI_ERR_NOT_SUPPORTED;
	}
	return r;
}

/*
 * Whether all of [gpa, gpa + len) is guest memory: RAM, or ROM too when
 * Keel will not write there. Regions never wrap, so neither does the walk.
 */
static bool in_guest_memory(struct guest *g, u64 gpa, u64 len, bool write)
{
	while (len) {
		struct region *r = aspace_find(&g->aspace, gpa);
		u64 n;

		if (!r || !(r->type == REGION_RAM ||
			    (!write && r->type == REGION_ROM)))
			return false;
		n = MIN(len, r->gpa + r->size - gpa);
		gpa += n;
		len -= n;
	}
	return true;
}

static __noinline struct sbiret hsm_call(struct vcpu *v, unsigned long fid,
					 const u64 *a,
					 enum vcpu_exit_reason *exit)
{
	struct sbiret r = { SBI_SUCCESS, 0 };
	struct vcpu *t;
	int err;

	switch (fid) {
	case HSM_HART_START:
		t = vcpu_find_by_hwid(v->guest, a[0]);
		if (!t) {
			r.error = SBI_ERR_INVALID_PARAM;
		} else if (!in_guest_memory(v->guest, a[1], 1, false)) {
			r.error = SBI_ERR_INVALID_ADDRESS;
		} else {
			err = vcpu_power_on(t, a[1], a[2]);
			if (err == -EALREADY)
				r.error = SBI_ERR_ALREADY_AVAILABLE;
			else if (err)
				r.error = SBI_ERR_FAILED;
		}
		break;
	case HSM_HART_STOP:
		*exit = VCPU_EXIT_CPU_OFF;
		break;
	case HSM_HART_GET_STATUS:
		t = vcpu_find_by_hwid(v->guest, a[0]);
		if (!t)
			r.error = SBI_ERR_INVALID_PARAM;
		else if (t->state == VCPU_OFF || t->state == VCPU_STOPPING)
			r.value = HSM_STOPPED;
		else
			r.value = riscv_vcpu_suspended(t) ? HSM_SUSPENDED :
							    HSM_STARTED;
		break;
	case HSM_HART_SUSPEND:
		if ((u32)a[0] == HSM_SUSPEND_RETENTIVE) {
			/* Wait for an interrupt, then carry on: a WFI. */
			riscv_vcpu_suspend(v, false, 0, 0);
			*exit = VCPU_EXIT_WFI;
		} else if ((u32)a[0] == HSM_SUSPEND_NON_RETENTIVE) {
			/* The same wait, then a fresh start at resume_addr. */
			if (!in_guest_memory(v->guest, a[1], 1, false)) {
				r.error = SBI_ERR_INVALID_ADDRESS;
			} else {
				riscv_vcpu_suspend(v, true, a[1], a[2]);
				*exit = VCPU_EXIT_WFI;
			}
		} else {
			/* Reserved, or platform-specific: Keel has none. */
			r.error = SBI_ERR_INVALID_PARAM;
		}
		break;
	default:
		r.error = SBI_ERR_NOT_SUPPORTED;
	}
	return r;
}

static __noinline struct sbiret srst_call(unsigned long fid, const u64 *a,
					  enum vcpu_exit_reason *exit)
{
	struct sbiret r = { SBI_SUCCESS, 0 };

	if (fid != 0) {
		r.error = SBI_ERR_NOT_SUPPORTED;
		return r;
	}
	/* Other reasons are reserved, Keel's or a vendor's: none is defined. */
	if ((u32)a[1] != SRST_REASON_NONE &&
	    (u32)a[1] != SRST_REASON_SYSTEM_FAILURE) {
		r.error = SBI_ERR_INVALID_PARAM;
		return r;
	}
	switch ((u32)a[0]) {
	case SRST_SHUTDOWN:
		*exit = VCPU_EXIT_SYSTEM_OFF;
		break;
	case SRST_COLD_REBOOT:
	case SRST_WARM_REBOOT:
		*exit = VCPU_EXIT_SYSTEM_RESET;
		break;
	default:
		r.error = SBI_ERR_INVALID_PARAM;
	}
	return r;
}

/* The port of the guest's "console" device: where the debug console goes. */
static struct vserial *console_port(struct guest *g)
{
	const char *console;
	char name[VSERIAL_NAME_LEN];

	if (devtree_prop_read_string(g->config, "console", &console) ||
	    vserial_port_name(name, guest_name(g), console))
		return NULL;
	return vserial_find(name);
}

static __noinline struct sbiret dbcn_call(struct vcpu *v, unsigned long fid,
					  const u64 *a)
{
	struct sbiret r = { SBI_SUCCESS, 0 };
	struct vserial *port = console_port(v->guest);
	/* RV64: the address is base_addr_lo; base_addr_hi holds bits 64+. */
	u64 gpa = a[1];
	char buf[64];

	if (fid <= DBCN_READ && a[2]) {
		r.error = SBI_ERR_INVALID_PARAM;
		return r;
	}
	switch (fid) {
	case DBCN_WRITE:
		if (!port) {
			r.error = SBI_ERR_FAILED;
			break;
		}
		/* All of it the guest's, or not a byte written. */
		if (!in_guest_memory(v->guest, gpa, a[0], false)) {
			r.error = SBI_ERR_INVALID_PARAM;
			break;
		}
		while (r.value < a[0]) {
			size_t n = MIN(sizeof(buf), a[0] - r.value);

			if (guest_memory_read(v->guest, gpa + r.value, buf,
					      n)) {
				if (!r.value)
					r.error = SBI_ERR_FAILED;
				break;
			}
			vserial_output(port, buf, n);
			r.value += n;
		}
		break;
	case DBCN_READ:
		/* Input goes to the guest's UART: none arrives here. */
		if (!in_guest_memory(v->guest, gpa, a[0], true))
			r.error = SBI_ERR_INVALID_PARAM;
		break;
	case DBCN_WRITE_BYTE:
		if (!port) {
			r.error = SBI_ERR_FAILED;
			break;
		}
		buf[0] = (char)a[0];
		vserial_output(port, buf, 1);
		break;
	default:
		r.error = SBI_ERR_NOT_SUPPORTED;
	}
	return r;
}

/*
 * The calls that need much stack or many registers are out of line
 * (__noinline): inlined, they made every SBI call pay their frame.
 */
enum vcpu_exit_reason riscv_sbi_call(struct vcpu *v, u64 *a)
{
	enum vcpu_exit_reason exit = VCPU_EXIT_HYPERCALL;
	unsigned long ext = a[7], fid = a[6];
	struct sbiret r = { SBI_ERR_NOT_SUPPORTED, 0 };

	switch (ext) {
	case EXT_BASE:
		r = base_call(fid, a[0]);
		break;
	case EXT_TIME:
		if (fid == 0) {
			riscv_vcpu_set_timer(v, a[0]);
			r.error = SBI_SUCCESS;
		}
		break;
	case EXT_IPI:
		if (fid == 0)
			r.error = for_each_hart(v, a[0], a[1], ipi_one, NULL);
		break;
	case EXT_RFENCE:
		r = rfence_call(v, fid, a);
		break;
	case EXT_HSM:
		r = hsm_call(v, fid, a, &exit);
		break;
	case EXT_SRST:
		r = srst_call(fid, a, &exit);
		break;
	case EXT_DBCN:
		r = dbcn_call(v, fid, a);
		break;
	case SBI_EXT_KEEL:
		if (fid == SBI_KEEL_YIELD) {
			r.error = SBI_SUCCESS;
			exit = VCPU_EXIT_YIELD;
		}
		break;
	default:
		break;
	}
	a[0] = (unsigned long)r.error;
	a[1] = r.value;
	return exit;
}
