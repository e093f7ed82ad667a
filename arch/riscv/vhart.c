// SPDX-License-Identifier: GPL-2.0
/*
 * What a riscv64 vCPU holds as a hart besides its registers, and what the
 * SBI (sbi_emul.c) and other vCPUs do to it: its timer (the SBI TIME
 * deadline, or vstimecmp where guests have Sstc), its supervisor software
 * interrupt (SBI IPI), remote fences it owes (SBI RFENCE) and HSM
 * suspension; and, at every entry (vcpu.c), the virtual interrupt lines
 * that follow from them and from the guest's interrupt controller.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/guest.h>
#include <keel/timer.h>
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <asm/csr.h>
#include <asm/isa.h>
#include "vhart.h"

/* The VS-level enables as vsie shows them (S-level bit numbers). */
#define VSIE_SSIE SIE_SSIE
#define VSIE_STIE SIE_STIE

/* ---- Sstc for guests ---- */

static struct {
	bool probed;
	bool stce; /* henvcfg.STCE sticks: vstimecmp works */
} stce_probe;

/*
 * henvcfg.STCE is writable only when the firmware enabled Sstc for
 * S-mode (menvcfg.STCE); otherwise guests get the SBI timer. The probe
 * is harmless: henvcfg applies only while a guest runs.
 */
static bool sstc_usable(void)
{
	if (!READ_ONCE(stce_probe.probed)) {
		unsigned long old = csr_read(CSR_HENVCFG);

		csr_write(CSR_HENVCFG, old | HENVCFG_STCE);
		stce_probe.stce = csr_read(CSR_HENVCFG) & HENVCFG_STCE;
		csr_write(CSR_HENVCFG, old);
		WRITE_ONCE(stce_probe.probed, true);
	}
	return stce_probe.stce;
}

/*
 * Every host hart lists Sstc and henvcfg.STCE can be set, so VS-mode has
 * vstimecmp too.
 */
bool riscv_guest_has_sstc(void)
{
	struct devtree_node *cpus =
		devtree_find_path(devtree_host_root(), "/cpus");
	struct devtree_node *cpu;
	bool any = false;

	if (!cpus)
		return false;
	devtree_for_each_child(cpu, cpus) {
		const char *isa;

		if (devtree_prop_read_string(cpu, "riscv,isa", &isa))
			continue;
		if (!riscv_isa_has(isa, "sstc"))
			return false;
		any = true;
	}
	return any && sstc_usable();
}

/* ---- the hart's life ---- */

static void timer_fired(struct timer_event *ev)
{
	vcpu_kick(ev->arg);
}

void riscv_vhart_init(struct vcpu *v)
{
	timer_event_init(&v->arch.timer_event, timer_fired, v);
}

void riscv_vhart_destroy(struct vcpu *v)
{
	timer_event_cancel(&v->arch.timer_event);
}

void riscv_vhart_reset(struct arch_vcpu *a)
{
	/*
	 * timer_event stays as it is: this runs under the vCPU's wait lock,
	 * which a firing event's kick takes, so cancelling here could wait
	 * for ever. A stale event only kicks once; the next entry re-arms.
	 */
	a->vs.vstimecmp = TIME_NONE;
	a->timer_deadline = TIME_NONE;
	a->vssip = false;
	a->suspended = false;
	a->resume = false;
	WRITE_ONCE(a->ipi_pending, 0);
	WRITE_ONCE(a->fence_pending, 0);
}

/* ---- timer, IPIs, fences, suspension ---- */

static u64 guest_time(const struct vcpu *v)
{
	return csr_read(CSR_TIME) + v->guest->arch.htimedelta;
}

u64 riscv_vhart_timer_compare(const struct vcpu *v)
{
	return riscv_vcpu_sstc(v) ? v->arch.vs.vstimecmp :
				    v->arch.timer_deadline;
}

void riscv_vcpu_set_timer(struct vcpu *v, u64 guest_time_value)
{
	/* With Sstc the SBI call is the same compare register. */
	if (riscv_vcpu_sstc(v)) {
		v->arch.vs.vstimecmp = guest_time_value;
		/* Its own SBI call: a loaded vCPU's register is the hart's. */
		if (v->arch.loaded)
			csr_write(CSR_VSTIMECMP, guest_time_value);
	} else
		v->arch.timer_deadline = guest_time_value;
}

void riscv_vcpu_suspend(struct vcpu *v, bool non_retentive, u64 addr,
			u64 opaque)
{
	v->arch.resume = non_retentive;
	v->arch.resume_addr = addr;
	v->arch.resume_opaque = opaque;
	WRITE_ONCE(v->arch.suspended, true);
}

bool riscv_vcpu_suspended(struct vcpu *target)
{
	return READ_ONCE(target->arch.suspended);
}

/*
 * Back from hart_suspend (the vCPU runs again: an interrupt woke it). A
 * non-retentive one resumes as a started hart does (SBI v2.0, HSM): in
 * S-mode at resume_addr, a0 = hart id, a1 = opaque, satp and
 * sstatus.SIE 0.
 */
void riscv_vhart_resume(struct arch_vcpu *a)
{
	WRITE_ONCE(a->suspended, false);
	if (!a->resume)
		return;
	a->resume = false;
	a->ctx.sepc = a->resume_addr;
	a->ctx.x[10] = a->hartid;
	a->ctx.x[11] = a->resume_opaque;
	a->ctx.sstatus |= SR_SPP;
	a->vs.vsstatus &= ~SR_SIE;
	a->vs.vsatp = 0;
}

void riscv_vcpu_send_ipi(struct vcpu *target)
{
	WRITE_ONCE(target->arch.ipi_pending, 1);
	smp_mb();
	vcpu_kick(target);
}

/*
 * The target fences before it next enters its guest. One in guest mode
 * now is kicked out and waited for, so that the SBI call returns only
 * when no target can still use a stale translation (the spec's remote
 * fence semantics). The wait ends when the target leaves guest mode or
 * has fenced: both happen without the caller's help, and the caller,
 * being in Keel itself, is never waited for in turn.
 */
void riscv_vcpu_fence(struct vcpu *target, bool i_cache)
{
	struct arch_vcpu *t = &target->arch;

	__atomic_fetch_or(&t->fence_pending, i_cache ? 3U : 1U,
			  __ATOMIC_SEQ_CST);
	vcpu_kick(target);
	while (__atomic_load_n(&t->in_guest, __ATOMIC_SEQ_CST) &&
	       __atomic_load_n(&t->fence_pending, __ATOMIC_SEQ_CST))
		arch_cpu_relax();
}

/*
 * When the guest's timer interrupt is due, in host ns; 0 if it is not
 * armed or the guest has it disabled (vsie.STIE).
 */
u64 arch_vcpu_timer_deadline(struct vcpu *v)
{
	u64 cmp = riscv_vhart_timer_compare(v), now_g, now_ns, delta;

	if (cmp == TIME_NONE || !(v->arch.vs.vsie & VSIE_STIE))
		return 0;
	now_g = guest_time(v);
	now_ns = timer_now_ns();
	if (cmp <= now_g)
		return now_ns;
	delta = cmp - now_g;
	/* Decades away: nothing to wait for (and no overflow below). */
	if (delta > (1ULL << 52))
		return 0;
	/* Round up: waking a tick early would find the timer not due. */
	return now_ns + timer_cycles_to_ns(delta) + 1;
}

/*
 * With Sstc a loaded vCPU's vstimecmp is the hart's: its VSTIP, enabled
 * by the guest's vsie.STIE (an alias of hie.VSTIE), ends a WFI of the
 * hart's though HS-mode never takes it, and the waiting vCPU then finds
 * it pending (arch_vcpu_irq_pending). The SBI timer is Keel's event.
 */
bool arch_vcpu_timer_wakes_loaded(struct vcpu *v)
{
	return riscv_vcpu_sstc(v) && v->arch.loaded;
}

/* Interrupts local to the hart (not the PLIC's): WFI must not sleep. */
bool arch_vcpu_irq_pending(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	u64 cmp = riscv_vhart_timer_compare(v);

	if ((a->vssip || READ_ONCE(a->ipi_pending)) && (a->vs.vsie & VSIE_SSIE))
		return true;
	return cmp != TIME_NONE && (a->vs.vsie & VSIE_STIE) &&
	       cmp <= guest_time(v);
}

bool riscv_vhart_take_ipi(struct arch_vcpu *a)
{
	return __atomic_exchange_n(&a->ipi_pending, 0, __ATOMIC_SEQ_CST);
}

unsigned long riscv_vhart_sbi_timer_hvip(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	if (a->timer_deadline <= guest_time(v)) {
		timer_event_cancel(&a->timer_event);
		return HVIP_VSTIP;
	}
	/* Make the running guest exit when it is due. */
	timer_event_set(&a->timer_event, arch_vcpu_timer_deadline(v));
	return 0;
}
