// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 guests under AMD SVM with nested paging (AMD64 APM vol. 2,
 * ch. 15): SVM on every CPU, a guest's nested tables (the one walker, the
 * long-mode format) and ASID, a VMCB per vCPU, and the exits Keel
 * answers: host interrupts, HLT, CPUID, MSRs, VMMCALL, port I/O, nested
 * page faults (MMIO, decoded from the guest's instruction), shutdown.
 *
 * What a guest has today: vCPUs started by IPIs through its local
 * APICs (emulators/irqchip/lapic.c), whose interrupts are injected here,
 * devices in MMIO windows and in the I/O-port space (IN/OUT, INS/OUTS),
 * x87 and SSE but not XSAVE state.
 * QEMU 7.2's TCG has no next-RIP save and no decode assists, so the
 * length of each intercepted instruction is known here or decoded.
 */
#include <keel/cpu.h>
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/page_alloc.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include <keel/timer.h>
#include <keel/vlapic.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/vcpu.h>
#include <asm/svm.h>
#include <asm/x86.h>
#include <hw/apic.h>

#include "guest_paging.h"
#include "insn_decode.h"
#include "linux_boot.h"
#include "pgtable.h"
#include "x86_64.h"

#define IOPM_PAGES 3
#define MSRPM_PAGES 2
#define MAX_ASIDS 4096

#define X86_RFLAGS_FIXED 0x2
#define X86_RFLAGS_DF (1ULL << 10)
#define VEC_UD 6
#define VEC_GP 13
#define PAT_POWER_ON 0x0007040600070406ULL

#define MSR_TSC 0x10
#define MSR_PAT 0x277
/*
 * AMD's northbridge configuration (BKDG): Linux sets its extended PCI
 * configuration access bit; with no northbridge to configure, the value
 * is only kept.
 */
#define MSR_AMD_NB_CFG 0xc001001f

extern void svm_vcpu_enter(u64 vmcb_pa, u64 host_save_pa,
			   struct svm_gprs *gprs);

static bool svm_ready;
static bool flush_by_asid;
static unsigned int guest_pa_bits; /* arch_guest_pa_bits() */
static u32 nr_asids;
static u8 hsave[CONFIG_MAX_CPUS][PAGE_SIZE] __aligned(PAGE_SIZE);
static struct vmcb host_save[CONFIG_MAX_CPUS] __aligned(PAGE_SIZE);
/* Every port and every MSR intercepted: what Keel does not emulate faults. */
static u8 iopm[IOPM_PAGES * PAGE_SIZE] __aligned(PAGE_SIZE);
static u8 msrpm[MSRPM_PAGES * PAGE_SIZE] __aligned(PAGE_SIZE);
static DEFINE_SPINLOCK(asid_lock);
static u64 asid_map[MAX_ASIDS / 64];
/* The vCPU whose x87/SSE state each CPU's registers hold. */
static struct vcpu *fpu_owner[CONFIG_MAX_CPUS];
/*
 * The vCPU that last ran on each CPU: a guest's vCPUs share its ASID, and
 * the TLB entries one leaves (its process's, which CR3 does not tag) must
 * not serve another that runs there next.
 */
static struct vcpu *last_vcpu_on[CONFIG_MAX_CPUS];

static unsigned int cpu_pa_bits(void)
{
	return x86_cpuid(0x80000008, 0).eax & 0xff;
}

static bool cpu_has_svm(void)
{
	return (x86_cpuid(0x80000001, 0).ecx & CPUIDX1_ECX_SVM) &&
	       !(x86_rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) &&
	       (x86_cpuid(0x8000000a, 0).edx & CPUID_SVM_NPT);
}

/*
 * MSRs the guest reads and writes without an exit: the state VMLOAD and
 * VMSAVE switch with the rest of the VMCB (APM 15.5.2), so that each
 * guest has its own and Keel's comes back with its own VMLOAD.
 */
static const u32 msrs_in_vmcb[] = {
	0x174,
	0x175,
	0x176, /* SYSENTER_CS, _ESP, _EIP */
	0xc0000081,
	0xc0000082,
	0xc0000083,
	0xc0000084, /* STAR, LSTAR, */
	/* CSTAR, SFMASK; FS_BASE, GS_BASE, KERNEL_GS_BASE: */
	0xc0000100,
	0xc0000101,
	0xc0000102,
};

/* The permission map's two bits (read, write) for msr: cleared. */
static void msrpm_allow(u32 msr)
{
	u32 range_base[] = { 0, 0xc0000000, 0xc0010000 };

	for (unsigned int i = 0; i < ARRAY_SIZE(range_base); i++) {
		if (msr - range_base[i] < 0x2000) {
			u32 bit = (msr - range_base[i]) * 2;

			msrpm[i * 0x800 + bit / 8] &= (u8) ~(3U << (bit % 8));
			return;
		}
	}
}

/*
 * Each CPU, from arch_cpu_init(): SVM on, and its host save page. The
 * boot CPU decides whether guests can run; a secondary without SVM would
 * be a machine Keel does not handle, and says so.
 */
void x86_svm_cpu_init(void)
{
	if (!cpu_has_svm()) {
		if (cpu_id() != 0 && svm_ready)
			printk(KERN_ERR "svm: CPU %u has no SVM with nested "
					"paging: guests must not run there\n",
			       cpu_id());
		return;
	}
	x86_wrmsr(MSR_EFER, x86_rdmsr(MSR_EFER) | EFER_SVME);
	x86_wrmsr(MSR_VM_HSAVE_PA, arch_virt_to_phys(hsave[cpu_id()]));
	/* FXSAVE keeps the XMM registers only with OSFXSR. */
	x86_write_cr4(x86_read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	if (cpu_id() == 0) {
		nr_asids = MIN(x86_cpuid(0x8000000a, 0).ebx, (u32)MAX_ASIDS);
		flush_by_asid =
			x86_cpuid(0x8000000a, 0).edx & CPUID_SVM_FLUSH_BY_ASID;
		memset(iopm, 0xff, sizeof(iopm));
		memset(msrpm, 0xff, sizeof(msrpm));
		for (unsigned int i = 0; i < ARRAY_SIZE(msrs_in_vmcb); i++)
			msrpm_allow(msrs_in_vmcb[i]);
		guest_pa_bits = MIN(cpu_pa_bits(), 48U);
		svm_ready = nr_asids > 1;
	}
}

/* ---- nested page tables ---- */

/*
 * Four levels of nested tables: 48 bits, or fewer where the CPU has less.
 * Read once (boot CPU): every decoded device access asks, and CPUID is
 * an exit of its own where Keel itself runs virtualised.
 */
unsigned int arch_guest_pa_bits(void)
{
	return svm_ready ? guest_pa_bits : 0;
}
unsigned int arch_host_pa_bits(void)
{
	return MIN(cpu_pa_bits(), 52U);
}

static void *alloc_table(void)
{
	return page_alloc_zeroed(0);
}

static void free_table(void *table)
{
	page_free(table, 0);
}

/*
 * A translation taken away: every vCPU flushes the guest's ASID at its
 * next entry. Keel changes a guest's tables only while its vCPUs are
 * stopped (building, resetting or destroying it), so none is inside.
 */
static void flush_npt(struct pgtable *pt, u64 gpa, u64 size)
{
	struct arch_guest *ag = container_of(pt, struct arch_guest, npt);

	__atomic_fetch_add(&ag->tlb_generation, 1, __ATOMIC_SEQ_CST);
}

static int asid_alloc(void)
{
	unsigned long flags;
	int asid = -ENOSPC;

	spin_lock_irqsave(&asid_lock, flags);
	for (u32 a = 1; a < nr_asids; a++) {
		if (!(asid_map[a / 64] & (1ULL << (a % 64)))) {
			asid_map[a / 64] |= 1ULL << (a % 64);
			asid = (int)a;
			break;
		}
	}
	spin_unlock_irqrestore(&asid_lock, flags);
	return asid;
}

static void asid_free(u32 asid)
{
	unsigned long flags;

	spin_lock_irqsave(&asid_lock, flags);
	asid_map[asid / 64] &= ~(1ULL << (asid % 64));
	spin_unlock_irqrestore(&asid_lock, flags);
}

int arch_guest_init(struct guest *g)
{
	struct arch_guest *ag = &g->arch;
	struct pgtable_format fmt;
	bool gib = x86_cpuid(0x80000001, 0).edx & CPUIDX1_EDX_GIB_PAGES;
	void *root;
	int asid;

	if (!svm_ready) {
		printk(KERN_ERR "guest %s: this CPU has no AMD SVM with nested "
				"paging (QEMU: -cpu EPYC)\n",
		       g->name);
		return -ENODEV;
	}
	asid = asid_alloc();
	if (asid < 0) {
		printk(KERN_ERR "guest %s: no ASID left (%u)\n", g->name,
		       nr_asids);
		return asid;
	}
	root = alloc_table();
	if (!root) {
		asid_free((u32)asid);
		return -ENOMEM;
	}
	x86_longmode_format(&fmt, gib);
	fmt.input_limit = 1ULL << arch_guest_pa_bits();
	if (pgtable_init(&ag->npt, &fmt, root, alloc_table, free_table,
			 flush_npt)) {
		free_table(root);
		asid_free((u32)asid);
		return -EINVAL;
	}
	ag->asid = (u32)asid;
	ag->initialised = true;
	return 0;
}

/* The guest's time stamp counter starts near 0, as at power-on. */
void arch_guest_start(struct guest *g)
{
	g->arch.tsc_offset = -x86_rdtsc();
}

void arch_guest_destroy(struct guest *g)
{
	struct arch_guest *ag = &g->arch;

	if (!ag->initialised)
		return;
	pgtable_free_tables(&ag->npt);
	free_table(ag->npt.root);
	asid_free(ag->asid);
	ag->initialised = false;
}

/*
 * Nested paging checks every guest access as a user access (APM 15.25.5):
 * US on every entry. RAM write-back, devices uncacheable and never
 * executable.
 */
static u64 npt_attrs(enum guest_mem_type type)
{
	u64 common = X86_PTE_US | X86_PTE_A | X86_PTE_D;

	switch (type) {
	case GUEST_MEM_RAM:
		return common | X86_PTE_RW;
	case GUEST_MEM_ROM:
		return common;
	case GUEST_MEM_DEVICE:
	default:
		return common | X86_PTE_RW | X86_PTE_PCD | X86_PTE_PWT |
		       X86_PTE_NX;
	}
}

int arch_guest_map(struct guest *g, u64 gpa, paddr_t hpa, u64 size,
		   enum guest_mem_type type)
{
	return pgtable_map(&g->arch.npt, gpa, hpa, size, npt_attrs(type));
}

int arch_guest_unmap(struct guest *g, u64 gpa, u64 size)
{
	return pgtable_unmap(&g->arch.npt, gpa, size);
}

/* ---- vCPUs ---- */

static u64 vmcb_pa(const struct vcpu *v)
{
	return arch_virt_to_phys(v->arch.vmcb);
}

int arch_vcpu_init(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	struct vmcb_control *c;

	/* vCPUs beyond the first are started by IPIs, which need it. */
	if (v->index > 0 && !vlapic_of(v->guest)) {
		printk(KERN_ERR
		       "guest %s: an x86 guest with more than one vCPU "
		       "needs local APICs (a \"keel,x86-lapic\" node)\n",
		       v->guest->name);
		return -EINVAL;
	}
	a->vmcb = page_alloc_zeroed(0);
	if (!a->vmcb)
		return -ENOMEM;
	c = &a->vmcb->control;
	c->intercept_misc1 =
		SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_SMI |
		SVM_INTERCEPT_INIT | SVM_INTERCEPT_CPUID | SVM_INTERCEPT_INVD |
		SVM_INTERCEPT_HLT | SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO |
		SVM_INTERCEPT_MSR | SVM_INTERCEPT_SHUTDOWN;
	c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
			     SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
			     SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			     SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_XSETBV;
	/* CR8 is the local APIC's TPR. */
	if (vlapic_of(v->guest))
		c->intercept_cr =
			SVM_INTERCEPT_CR8_READ | SVM_INTERCEPT_CR8_WRITE;
	c->iopm_base_pa = arch_virt_to_phys(iopm);
	c->msrpm_base_pa = arch_virt_to_phys(msrpm);
	c->asid = v->guest->arch.asid;
	c->v_intr = SVM_V_INTR_MASKING;
	c->nested_ctl = 1; /* nested paging */
	c->nested_cr3 = arch_virt_to_phys(v->guest->arch.npt.root);
	a->last_cpu = -1;
	return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
	for (unsigned int c = 0; c < CONFIG_MAX_CPUS; c++) {
		__atomic_compare_exchange_n(&fpu_owner[c],
					    &(struct vcpu *){ v }, NULL, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		__atomic_compare_exchange_n(&last_vcpu_on[c],
					    &(struct vcpu *){ v }, NULL, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
	if (v->arch.vmcb)
		page_free(v->arch.vmcb, 0);
	v->arch.vmcb = NULL;
}

static void set_segment(struct vmcb_segment *s, u16 sel, u16 attrib, u32 limit)
{
	*s = (struct vmcb_segment){ sel, attrib, limit, 0 };
}

/*
 * A start-up IPI's state (SDM 9.1.1, 11.6.1): real mode at CS = the
 * vector's page >> 4, IP 0, 64 KiB segments, EDX the CPU's signature.
 */
static void reset_for_sipi(struct vcpu *v, u64 entry)
{
	struct vmcb_save *s = &v->arch.vmcb->save;

	set_segment(&s->cs, (u16)(entry >> 4), SEG_CODE16, 0xffff);
	s->cs.base = entry;
	set_segment(&s->ds, 0, SEG_DATA16, 0xffff);
	s->cr0 = X86_CR0_ET;
	s->rip = 0;
	v->arch.gprs.r[X86_REG_RDX] = x86_cpuid(1, 0).eax;
}

/*
 * The state the guest starts in: 32-bit protected mode with flat 4 GiB
 * segments and paging off (as a PVH loader leaves it), at entry with
 * EBX = arg (the device tree), interrupts off; x87 and SSE as after
 * FNINIT. A vCPU a start-up IPI starts (arg VLAPIC_SIPI_ARG) begins in
 * real mode instead, and vCPU 0 of a guest whose kernel is a bzImage at
 * its 64-bit entry (linux_boot.c).
 */
void arch_vcpu_reset(struct vcpu *v, u64 entry, u64 arg)
{
	struct arch_vcpu *a = &v->arch;
	struct vmcb_save *s = &a->vmcb->save;

	memset(s, 0, sizeof(*s));
	memset(&a->gprs, 0, sizeof(a->gprs));
	set_segment(&s->cs, 0x08, SEG_CODE32, 0xffffffff);
	set_segment(&s->ds, 0x10, SEG_DATA32, 0xffffffff);
	s->cr0 = X86_CR0_PE | X86_CR0_ET;
	s->rip = entry;
	a->gprs.r[X86_REG_RBX] = arg;
	set_segment(&s->tr, 0, SEG_TSS32_BUSY, 0xffff);
	set_segment(&s->ldtr, 0, SEG_LDT, 0xffff);
	set_segment(&s->gdtr, 0, 0, 0xffff);
	set_segment(&s->idtr, 0, 0, 0xffff);
	s->efer = EFER_SVME; /* VMRUN refuses a guest without it */
	s->rflags = X86_RFLAGS_FIXED;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = PAT_POWER_ON;
	if (arg == VLAPIC_SIPI_ARG)
		reset_for_sipi(v, entry);
	else if (v->guest->arch.linux64)
		x86_linux_boot_state(s, &a->gprs, entry, arg);
	s->es = s->ds;
	s->ss = s->ds;
	s->fs = s->ds;
	s->gs = s->ds;
	a->vmcb->control.event_inj = 0;
	a->vmcb->control.interrupt_shadow = 0;
	a->shadow_rip = ~0ULL;
	a->vmcb->control.v_intr = SVM_V_INTR_MASKING;
	a->vmcb->control.intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	memset(a->fpu, 0, sizeof(a->fpu));
	a->fpu[0] = 0x7f; /* FCW 0x037f */
	a->fpu[1] = 0x03;
	a->fpu[24] = 0x80; /* MXCSR 0x1f80 */
	a->fpu[25] = 0x1f;
	a->fpu_loaded = false;
	a->apic_id = v->index;
	a->nb_cfg = 0;
}

/* x87/SSE: loaded lazily, kept in the CPU until the vCPU's thread leaves. */
static void fpu_load(struct vcpu *v)
{
	unsigned int cpu = cpu_id();

	__asm__ volatile("fxrstor64 %0" ::"m"(v->arch.fpu));
	fpu_owner[cpu] = v;
	v->arch.fpu_loaded = true;
}

void arch_vcpu_put(struct vcpu *v)
{
	unsigned long flags = arch_irq_save();

	if (v->arch.fpu_loaded) {
		__asm__ volatile("fxsave64 %0" : "=m"(v->arch.fpu));
		v->arch.fpu_loaded = false;
		if (fpu_owner[cpu_id()] == v)
			fpu_owner[cpu_id()] = NULL;
	}
	arch_irq_restore(flags);
}

static u64 *reg_slot(struct vcpu *v, unsigned int reg)
{
	struct vmcb_save *s = &v->arch.vmcb->save;

	if (reg == X86_REG_RAX)
		return &s->rax;
	if (reg == X86_REG_RSP)
		return &s->rsp;
	return &v->arch.gprs.r[reg & 15];
}

static void inject_exception(struct vcpu *v, unsigned int vector,
			     bool has_error, u32 error)
{
	/* Real mode pushes no error code (APM 8.2). */
	if (!(v->arch.vmcb->save.cr0 & X86_CR0_PE))
		has_error = false;
	v->arch.vmcb->control.event_inj =
		vector | SVM_EVENT_TYPE_EXCEPTION | SVM_EVENT_VALID |
		(has_error ? SVM_EVENT_ERROR_VALID | (u64)error << 32 : 0);
}

static void skip(struct vcpu *v, unsigned int len)
{
	v->arch.vmcb->save.rip += len;
	v->arch.vmcb->control.interrupt_shadow = 0;
}

/* ---- CPUID, MSRs ---- */

#define CPUID1_ECX_VMX (1U << 5)
#define CPUID1_ECX_MONITOR (1U << 3)
#define CPUID1_ECX_XSAVE (1U << 26)
#define CPUID1_ECX_OSXSAVE (1U << 27)
#define CPUID1_ECX_AVX (1U << 28)
#define CPUID1_EDX_MCE (1U << 7)
#define CPUID1_EDX_APIC (1U << 9)
#define CPUID1_EDX_MTRR (1U << 12)
#define CPUID1_EDX_MCA (1U << 14)
/* IBRS/IBPB, STIBP, ARCH_CAPABILITIES, SSBD: their MSRs are not given. */
#define CPUID7_EDX_SPEC_CTRL 0xac000000U
/* IBPB, IBRS, STIBP, STIBP always on, SSBD, VIRT_SSBD (same reason). */
#define CPUIDX8_EBX_SPEC_CTRL 0x0302d000U
#define CPUIDX21_EAX_AUTOIBRS (1U << 8) /* an EFER bit Keel does not take */
#define CPUID7_ECX_RDPID (1U << 22)
#define CPUIDX1_EDX_MTRR (1U << 12)
#define CPUIDX1_EDX_RDTSCP (1U << 27)
#define CPUID7_EBX_AVX2 (1U << 5)
#define CPUID7_EBX_AVX512 0xd0230000U
/* AVX-512 forms, VAES/VPCLMULQDQ (AVX), PKU and OSPKE (PKRU unswitched). */
#define CPUID7_ECX_HIDDEN 0x00007e5aU
#define CPUID7_EDX_AVX512 0x0080010cU
#define CPUID1_ECX_FMA (1U << 12)
#define CPUID1_ECX_F16C (1U << 29)
#define CPUIDX1_ECX_XOP (1U << 11)
#define CPUIDX1_ECX_FMA4 (1U << 16)
#define KEEL_CPUID_BASE 0x40000000U
#define KEEL_CPUID_MAX 0x40000010U
/* The timing leaf VMware defined and others followed: kHz of TSC, bus. */
#define KEEL_CPUID_TIMING 0x40000010U
/* Keel's yield hypercall, the function number it has on arm64 too. */
#define KEEL_HYP_YIELD 0x86000001U

/*
 * What a guest's CPUID says (docs/x86_64.md): the host's, but a
 * hypervisor (bit 31 of leaf 1 ECX; Keel's leaves at 0x40000000, with
 * the TSC and local APIC bus frequencies at 0x40000010), no
 * SVM or VMX, a local APIC when the guest's machine has one ("keel,
 * x86-lapic") but no x2APIC or TSC-deadline timer, no XSAVE-managed state (no
 * AVX or what needs it), no PKU (PKRU is not switched), no MONITOR; one
 * CPU, whose initial APIC id is the vCPU's index; the guest-physical
 * width of nested paging.
 */
static void emulate_cpuid(struct vcpu *v)
{
	struct vmcb_save *s = &v->arch.vmcb->save;
	u32 leaf = (u32)s->rax, sub = (u32)v->arch.gprs.r[X86_REG_RCX];
	struct x86_cpuid r = { 0 };

	if (leaf >= KEEL_CPUID_BASE && leaf <= KEEL_CPUID_BASE + 0xff) {
		if (leaf == KEEL_CPUID_BASE) {
			r.eax = KEEL_CPUID_MAX;
			memcpy(&r.ebx, "Keel", 4);
			memcpy(&r.ecx, "Keel", 4);
			memcpy(&r.edx, "Keel", 4);
		} else if (leaf == KEEL_CPUID_TIMING) {
			r.eax = (u32)(timer_counter_freq() / 1000);
			r.ebx = (u32)(VLAPIC_BUS_HZ / 1000);
		}
	} else {
		r = x86_cpuid(leaf, sub);
	}
	switch (leaf) {
	case 1:
		r.ecx &= ~(CPUID1_ECX_VMX | CPUID1_ECX_MONITOR |
			   CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE |
			   CPUID1_ECX_XSAVE | CPUID1_ECX_OSXSAVE |
			   CPUID1_ECX_AVX | CPUID1_ECX_FMA | CPUID1_ECX_F16C);
		r.ecx |= CPUID1_ECX_HYPERVISOR;
		r.edx &= ~(CPUID1_EDX_APIC | CPUID1_EDX_MTRR | CPUID1_EDX_MCE |
			   CPUID1_EDX_MCA);
		if (vlapic_of(v->guest))
			r.edx |= CPUID1_EDX_APIC;
		/* One logical processor, this initial APIC id. */
		r.ebx = (r.ebx & 0xffff) | 1U << 16 |
			(u32)v->arch.apic_id << 24;
		break;
	case 7:
		if (sub == 0) {
			r.ebx &= ~(CPUID7_EBX_AVX2 | CPUID7_EBX_AVX512);
			r.ecx &= ~(CPUID7_ECX_HIDDEN | CPUID7_ECX_RDPID);
			r.edx &= ~(CPUID7_EDX_AVX512 | CPUID7_EDX_SPEC_CTRL);
		}
		break;
	case 0xb:
	case 0xd:
	case 0x1f:
	case 0x8000001e:
		/* No XSAVE state; topology: the one CPU of leaf 1. */
		r = (struct x86_cpuid){ 0 };
		break;
	case 0x80000001:
		r.ecx &=
			~(CPUIDX1_ECX_SVM | CPUIDX1_ECX_XOP | CPUIDX1_ECX_FMA4);
		r.edx &= ~(CPUIDX1_EDX_MTRR | CPUIDX1_EDX_RDTSCP);
		break;
	case 0x80000008:
		/* The guest-physical width nested paging gives. */
		r.eax = (r.eax & ~0xffU) | arch_guest_pa_bits();
		r.ebx &= ~CPUIDX8_EBX_SPEC_CTRL;
		break;
	case 0x80000021:
		r.eax &= ~CPUIDX21_EAX_AUTOIBRS;
		break;
	case 0x8000000a:
		r = (struct x86_cpuid){ 0 };
		break;
	default:
		break;
	}
	s->rax = r.eax;
	v->arch.gprs.r[X86_REG_RBX] = r.ebx;
	v->arch.gprs.r[X86_REG_RCX] = r.ecx;
	v->arch.gprs.r[X86_REG_RDX] = r.edx;
	skip(v, 2);
}

/* Every PAT entry a memory type: 0, 1, 4, 5, 6 or 7. */
static bool pat_valid(u64 pat)
{
	for (unsigned int i = 0; i < 8; i++) {
		u8 type = (u8)(pat >> (8 * i));

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/*
 * The MSRs a guest may use today: EFER (its SVME bit is Keel's and
 * reads as clear), the TSC (with the guest's offset), PAT, and
 * IA32_APIC_BASE with local APICs, NB_CFG kept; the SYSCALL, SYSENTER and
 * segment base MSRs are the guest's own without an exit (msrs_in_vmcb).
 * Any other faults (#GP), as on a CPU without it.
 */
static void emulate_msr(struct vcpu *v, bool write)
{
	struct vmcb *vmcb = v->arch.vmcb;
	u32 msr = (u32)v->arch.gprs.r[X86_REG_RCX];
	u64 value = (u32)vmcb->save.rax | v->arch.gprs.r[X86_REG_RDX] << 32;
	struct vlapic *vl = vlapic_of(v->guest);
	bool ok = true;

	if (!write) {
		switch (msr) {
		case MSR_EFER:
			value = vmcb->save.efer & ~EFER_SVME;
			break;
		case MSR_TSC:
			value = x86_rdtsc() + v->guest->arch.tsc_offset;
			break;
		case MSR_PAT:
			value = vmcb->save.g_pat;
			break;
		case MSR_APIC_BASE:
			ok = vl != NULL;
			if (ok)
				value = vlapic_base_msr_read(vl, v);
			break;
		case MSR_AMD_NB_CFG:
			value = v->arch.nb_cfg;
			break;
		default:
			ok = false;
		}
		if (ok) {
			vmcb->save.rax = (u32)value;
			v->arch.gprs.r[X86_REG_RDX] = value >> 32;
		}
	} else {
		switch (msr) {
		case MSR_EFER:
			/* SCE, LME, NXE; LMA is the CPU's own. */
			if (value &
			    ~(EFER_SCE | EFER_LME | EFER_NXE | EFER_LMA)) {
				ok = false;
				break;
			}
			/* LME may not change while paging is on (APM 3.1.7). */
			if (((value ^ vmcb->save.efer) & EFER_LME) &&
			    (vmcb->save.cr0 & X86_CR0_PG)) {
				ok = false;
				break;
			}
			vmcb->save.efer = (vmcb->save.efer & EFER_LMA) |
					  (value & ~EFER_LMA) | EFER_SVME;
			break;
		case MSR_TSC:
			v->guest->arch.tsc_offset = value - x86_rdtsc();
			break;
		case MSR_PAT:
			ok = pat_valid(value);
			if (ok)
				vmcb->save.g_pat = value;
			break;
		case MSR_APIC_BASE:
			ok = vl && !vlapic_base_msr_write(vl, v, value);
			break;
		case MSR_AMD_NB_CFG:
			v->arch.nb_cfg = value;
			break;
		default:
			ok = false;
		}
	}
	if (ok)
		skip(v, 2);
	else
		inject_exception(v, VEC_GP, true, 0);
}

/* ---- device accesses ---- */

/*
 * Reads of the guest's page-table entries and instruction bytes, several
 * per MMIO exit: straight from the region the last one came from when
 * it holds them (aspace_ram_ptr), a copy across regions otherwise.
 */
static int read_guest_phys(void *ctx, u64 gpa, void *buf, size_t len)
{
	struct vcpu *v = ctx;
	const void *p =
		aspace_ram_ptr(&v->guest->aspace, gpa, len, &v->arch.walk_hint);

	if (!p)
		return aspace_read(&v->guest->aspace, gpa, buf, len);
	/*
	 * An entry in one load, an instruction's bytes in two that may
	 * overlap: not memcpy's byte loop for short copies (x86 loads need
	 * no alignment).
	 */
	if (len == 8) {
		__builtin_memcpy(buf, p, 8);
	} else if (len == 4) {
		__builtin_memcpy(buf, p, 4);
	} else if (len > 8 && len <= 16) {
		__builtin_memcpy(buf, p, 8);
		__builtin_memcpy((u8 *)buf + len - 8, (const u8 *)p + len - 8,
				 8);
	} else {
		memcpy(buf, p, len);
	}
	return 0;
}

static enum x86_cpu_mode cpu_mode(const struct vmcb_save *s)
{
	if (!(s->cr0 & X86_CR0_PE))
		return X86_MODE_16;
	if ((s->efer & EFER_LMA) && (s->cs.attrib & SEG_ATTR_L))
		return X86_MODE_64;
	return s->cs.attrib & SEG_ATTR_DB ? X86_MODE_32 : X86_MODE_16;
}

/*
 * The bytes of the instruction at the guest's RIP, read through its own
 * page tables: 0 and *got of them; -EFAULT with the guest given the page
 * fault that fetch would take; another error when it cannot be read.
 */
static void guest_paging_of(struct vcpu *v, struct x86_guest_paging *p)
{
	const struct vmcb_save *s = &v->arch.vmcb->save;

	*p = (struct x86_guest_paging){
		.cr0 = s->cr0,
		.cr3 = s->cr3,
		.cr4 = s->cr4,
		.efer = s->efer,
		.pa_bits = arch_guest_pa_bits(),
		.read_phys = read_guest_phys,
		.ctx = v,
	};
}

/* The guest's RIP as a linear address (CS's base counts outside long mode). */
static u64 rip_linear(const struct vmcb_save *s)
{
	return cpu_mode(s) == X86_MODE_64 ? s->rip :
					    (s->cs.base + s->rip) & ~0U;
}

/* Up to n bytes at the guest's RIP, as x86_guest_fetch() reads them. */
static int fetch_at_rip(struct vcpu *v, u8 *bytes, unsigned int n,
			unsigned int *got, u32 *pf_error)
{
	const struct vmcb_save *s = &v->arch.vmcb->save;
	struct x86_guest_paging p;

	guest_paging_of(v, &p);
	return x86_guest_fetch(&p, rip_linear(s), s->cpl == 3, bytes, n, got,
			       pf_error);
}

static int fetch_insn(struct vcpu *v, u8 *bytes, unsigned int *got)
{
	struct vmcb_save *s = &v->arch.vmcb->save;
	u32 pf_error;
	int err;

	err = fetch_at_rip(v, bytes, X86_INSN_MAX_LEN, got, &pf_error);
	if (err == -EFAULT) {
		s->cr2 = rip_linear(s);
		inject_exception(v, 14, true, pf_error);
	}
	return err;
}

static bool string_element(struct vcpu *v, u64 la, unsigned int size,
			   bool write, struct svm_mmio *m);
static u64 segment_base(const struct vmcb_save *s, int seg);

static bool is_ram(struct guest *g, u64 gpa)
{
	struct region *r = aspace_find(&g->aspace, gpa);

	return r && r->type == REGION_RAM;
}

/*
 * MOVS, STOS or LODS with a device on one side (the faulting address),
 * one element per exit as INS and OUTS are: STOS writes rAX's bytes to
 * it, LODS reads it into rAX, MOVS moves an element between it and RAM
 * (MOVS between two devices is not emulated: #GP).
 */
static bool string_mmio(struct vcpu *v, struct vcpu_exit *exit,
			const struct x86_mmio_access *acc, const u8 *bytes,
			unsigned int got)
{
	struct vmcb_save *s = &v->arch.vmcb->save;
	enum x86_cpu_mode mode = cpu_mode(s);
	u64 mask = acc->addr_size == 8 ? ~0ULL :
					 (1ULL << (acc->addr_size * 8)) - 1;
	struct svm_mmio *m = &v->arch.mmio;
	u64 la_src, la_dst, gpa_dst;
	u32 pf_error;
	int err, seg = x86_decode_string_segment(bytes, got, mode);
	struct x86_guest_paging p;

	if (seg < 0)
		seg = X86_SEG_DS;
	la_src = segment_base(s, seg) + (*reg_slot(v, X86_REG_RSI) & mask);
	la_dst = segment_base(s, X86_SEG_ES) +
		 (*reg_slot(v, X86_REG_RDI) & mask);
	if (mode != X86_MODE_64) {
		la_src &= 0xffffffffULL;
		la_dst &= 0xffffffffULL;
	}
	*m = (struct svm_mmio){
		.len = acc->len,
		.reg_size = acc->size,
		.next_rip = s->rip + acc->len,
		.string = true,
		.rep = acc->rep,
		.addr_size = acc->addr_size,
	};
	exit->size = acc->size;
	switch (acc->string) {
	case X86_STRING_STOS:
		m->step_rdi = true;
		exit->write = true;
		exit->value = acc->size == 8 ?
				      s->rax :
				      s->rax & ((1ULL << (acc->size * 8)) - 1);
		break;
	case X86_STRING_LODS:
		m->step_rsi = true;
		m->to_rax = true;
		exit->write = false;
		break;
	default: /* MOVS: which side is RAM? */
		m->step_rsi = true;
		m->step_rdi = true;
		guest_paging_of(v, &p);
		err = x86_guest_translate(&p, la_dst, X86_ACCESS_WRITE,
					  s->cpl == 3, &gpa_dst, &pf_error);
		if (err == -EFAULT) {
			s->cr2 = la_dst;
			inject_exception(v, 14, true, pf_error);
			return false;
		}
		if (!err && is_ram(v->guest, gpa_dst)) {
			/* device to RAM */
			if (!string_element(v, la_dst, acc->size, true, m))
				return false;
			exit->write = false;
			break;
		}
		/* RAM to device */
		if (!string_element(v, la_src, acc->size, false, m))
			return false;
		exit->write = true;
		exit->value = 0;
		if (guest_memory_read(v->guest, m->mem_gpa[0], &exit->value,
				      m->mem_len[0]) ||
		    (m->mem_len[1] &&
		     guest_memory_read(v->guest, m->mem_gpa[1],
				       (u8 *)&exit->value + m->mem_len[0],
				       m->mem_len[1]))) {
			inject_exception(v, VEC_GP, true, 0);
			return false;
		}
		break;
	}
	exit->reason = VCPU_EXIT_MMIO;
	return true;
}

/*
 * A nested page fault outside RAM: the access of the instruction at the
 * guest's RIP, read through its own page tables and decoded. false and
 * the guest given a fault when it cannot be (its page fault, or #GP for
 * an instruction Keel does not emulate).
 */
static bool decode_mmio(struct vcpu *v, struct vcpu_exit *exit)
{
	struct vmcb_save *s = &v->arch.vmcb->save;
	enum x86_cpu_mode mode = cpu_mode(s);
	struct x86_mmio_access acc;
	u8 bytes[X86_INSN_MAX_LEN];
	unsigned int got;
	int err;

	err = fetch_insn(v, bytes, &got);
	if (err == -EFAULT)
		return false;
	if (!err)
		err = x86_decode_mmio(bytes, got, mode, &acc);
	if (!err && acc.string != X86_STRING_NONE)
		return string_mmio(v, exit, &acc, bytes, got);
	if (err) {
		printk(KERN_ERR "guest %s: vCPU%u: device access at 0x%llx by "
				"an instruction Keel does not emulate "
				"(rip 0x%llx): #GP\n",
		       v->guest->name, v->index, (unsigned long long)exit->gpa,
		       (unsigned long long)s->rip);
		inject_exception(v, VEC_GP, true, 0);
		return false;
	}
	v->arch.mmio = (struct svm_mmio){
		.len = acc.len,
		.reg = acc.reg,
		.reg_size = acc.reg_size,
		.high_byte = acc.high_byte,
		.sign_extend = acc.sign_extend,
	};
	exit->size = acc.size;
	exit->write = acc.write;
	if (acc.write) {
		u64 val = acc.operand == X86_OPERAND_IMM ?
				  acc.imm :
				  *reg_slot(v, acc.reg) >>
					  (acc.high_byte ? 8 : 0);

		exit->value = acc.size == 8 ?
				      val :
				      val & ((1ULL << (acc.size * 8)) - 1);
	}
	exit->reason = VCPU_EXIT_MMIO;
	return true;
}

static void string_done(struct vcpu *v, const struct vcpu_exit *exit,
			u64 value);

void arch_vcpu_mmio_done(struct vcpu *v, const struct vcpu_exit *exit,
			 u64 value)
{
	const struct svm_mmio *m = &v->arch.mmio;

	if (m->string) {
		string_done(v, exit, value);
		return;
	}

	if (!exit->write) {
		u64 *reg = reg_slot(v, m->reg);
		unsigned int bits = exit->size * 8;

		if (bits < 64) {
			value &= (1ULL << bits) - 1;
			if (m->sign_extend && (value >> (bits - 1)) & 1)
				value |= ~0ULL << bits;
		}
		if (m->high_byte)
			*reg = (*reg & ~0xff00ULL) | (value & 0xff) << 8;
		else if (m->reg_size == 8 || m->reg_size == 4)
			/* A 32-bit result clears bits 63:32. */
			*reg = m->reg_size == 8 ? value : (u32)value;
		else
			*reg = (*reg & ~((1ULL << (m->reg_size * 8)) - 1)) |
			       (value & ((1ULL << (m->reg_size * 8)) - 1));
	}
	if (m->port) {
		v->arch.vmcb->save.rip = m->next_rip;
		v->arch.vmcb->control.interrupt_shadow = 0;
	} else {
		skip(v, m->len);
	}
}

/*
 * A PC's bus answers an access nobody claims with all ones, and drops
 * writes: so does Keel, where other arches fault the guest.
 */
void arch_vcpu_inject_abort(struct vcpu *v, const struct vcpu_exit *exit)
{
	if (exit) /* core always names the access */
		arch_vcpu_mmio_done(v, exit, ~0ULL);
}

/* ---- INS and OUTS ---- */

/* In 64-bit mode only FS and GS have a base (APM 4.5.3). */
static u64 segment_base(const struct vmcb_save *s, int seg)
{
	const struct vmcb_segment *segs[] = { &s->es, &s->cs, &s->ss,
					      &s->ds, &s->fs, &s->gs };

	if (cpu_mode(s) == X86_MODE_64 && seg != X86_SEG_FS &&
	    seg != X86_SEG_GS)
		return 0;
	return segs[seg]->base;
}

/* A register stepped as an addr_size-byte address register is. */
static void step_address_register(u64 *reg, s64 step, unsigned int addr_size)
{
	if (addr_size == 8)
		*reg += (u64)step;
	else if (addr_size == 4)
		*reg = (u32)(*reg + (u64)step);
	else
		*reg = (*reg & ~0xffffULL) | ((*reg + (u64)step) & 0xffff);
}

/*
 * Where a string element at linear address la is in guest RAM (two parts
 * across a page): true, or false with the guest given its fault: the
 * #PF its tables give, #GP where the element is not in RAM (string I/O
 * between a port and a device is not emulated).
 */
static bool string_element(struct vcpu *v, u64 la, unsigned int size,
			   bool write, struct svm_mmio *m)
{
	struct vmcb_save *s = &v->arch.vmcb->save;
	struct x86_guest_paging p;
	unsigned int first = MIN(size, PAGE_SIZE - (unsigned int)(la & 0xfff));

	guest_paging_of(v, &p);
	m->mem_len[0] = first;
	m->mem_len[1] = size - first;
	for (unsigned int i = 0; i < 2 && m->mem_len[i]; i++) {
		u64 part = i ? la + first : la;
		struct region *r;
		u32 pf_error;
		int err;

		if (cpu_mode(s) != X86_MODE_64)
			part &= 0xffffffffULL;
		err = x86_guest_translate(
			&p, part, write ? X86_ACCESS_WRITE : X86_ACCESS_READ,
			s->cpl == 3, &m->mem_gpa[i], &pf_error);
		if (err == -EFAULT) {
			s->cr2 = part;
			inject_exception(v, 14, true, pf_error);
			return false;
		}
		r = err ? NULL : aspace_find(&v->guest->aspace, m->mem_gpa[i]);
		if (!r || r->type != REGION_RAM ||
		    m->mem_gpa[i] + m->mem_len[i] > r->gpa + r->size) {
			inject_exception(v, VEC_GP, true, 0);
			return false;
		}
	}
	return true;
}

/*
 * INS or OUTS, with or without REP: one element per exit, to or from
 * ES:rDI or (segment override) DS:rSI; with REP the instruction stays at
 * RIP until rCX runs out, so interrupts come between elements as on a
 * CPU.
 */
static void string_port_exit(struct vcpu *v, struct vcpu_exit *exit, u64 info,
			     unsigned int size)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct vmcb_save *s = &vmcb->save;
	bool in = info & SVM_IOIO_IN, rep = info & SVM_IOIO_REP;
	unsigned int addr_size = (info >> SVM_IOIO_ADDR_SHIFT) & 7;
	struct svm_mmio *m = &v->arch.mmio;
	int seg = X86_SEG_ES;
	u64 mask, la, data = 0;

	addr_size = addr_size == 4 ? 8 : addr_size == 2 ? 4 : 2;
	mask = addr_size == 8 ? ~0ULL : (1ULL << (addr_size * 8)) - 1;
	if (rep && !(v->arch.gprs.r[X86_REG_RCX] & mask)) {
		s->rip = vmcb->control.exit_info_2;
		vmcb->control.interrupt_shadow = 0;
		return;
	}
	if (!in) {
		u8 bytes[X86_INSN_MAX_LEN];
		unsigned int got;
		int err = fetch_insn(v, bytes, &got);

		if (err == -EFAULT)
			return;
		seg = err ? err :
			    x86_decode_string_segment(bytes, got, cpu_mode(s));
		if (seg < 0) {
			inject_exception(v, VEC_GP, true, 0);
			return;
		}
	}
	*m = (struct svm_mmio){
		.reg_size = size,
		.port = true,
		.next_rip = vmcb->control.exit_info_2,
		.string = true,
		.rep = rep,
		.step_rsi = !in,
		.step_rdi = in,
		.addr_size = addr_size,
	};
	la = segment_base(s, seg) +
	     (*reg_slot(v, in ? X86_REG_RDI : X86_REG_RSI) & mask);
	if (!string_element(v, la, size, in, m))
		return;
	if (!in) {
		u8 *b = (u8 *)&data;

		if (guest_memory_read(v->guest, m->mem_gpa[0], b,
				      m->mem_len[0]) ||
		    (m->mem_len[1] &&
		     guest_memory_read(v->guest, m->mem_gpa[1],
				       b + m->mem_len[0], m->mem_len[1]))) {
			inject_exception(v, VEC_GP, true, 0);
			return;
		}
	}
	exit->reason = VCPU_EXIT_PORT_IO;
	exit->gpa = (info >> SVM_IOIO_PORT_SHIFT) & 0xffff;
	exit->size = size;
	exit->write = !in;
	exit->value = data;
}

/* The element moved: RAX or RAM, the index registers, rCX and RIP. */
static void string_done(struct vcpu *v, const struct vcpu_exit *exit, u64 value)
{
	const struct svm_mmio *m = &v->arch.mmio;
	struct vmcb *vmcb = v->arch.vmcb;
	u64 mask = m->addr_size == 8 ? ~0ULL : (1ULL << (m->addr_size * 8)) - 1;
	s64 step = (s64)m->reg_size;
	u64 *rcx = reg_slot(v, X86_REG_RCX);

	if (!exit->write && m->to_rax) {
		u64 *rax = reg_slot(v, X86_REG_RAX);

		if (m->reg_size == 8)
			*rax = value;
		else if (m->reg_size == 4)
			*rax = (u32)value; /* a 32-bit result clears 63:32 */
		else
			*rax = (*rax & ~((1ULL << (m->reg_size * 8)) - 1)) |
			       (value & ((1ULL << (m->reg_size * 8)) - 1));
	} else if (!exit->write) {
		/* Checked RAM at the exit: the element is written whole. */
		(void)guest_memory_write(v->guest, m->mem_gpa[0], &value,
					 m->mem_len[0]);
		if (m->mem_len[1])
			(void)guest_memory_write(v->guest, m->mem_gpa[1],
						 (u8 *)&value + m->mem_len[0],
						 m->mem_len[1]);
	}
	if (vmcb->save.rflags & X86_RFLAGS_DF)
		step = -step;
	if (m->step_rsi)
		step_address_register(reg_slot(v, X86_REG_RSI), step,
				      m->addr_size);
	if (m->step_rdi)
		step_address_register(reg_slot(v, X86_REG_RDI), step,
				      m->addr_size);
	if (m->rep) {
		step_address_register(rcx, -1, m->addr_size);
		if (*rcx & mask)
			return; /* the next element: the same instruction */
	}
	vmcb->save.rip = m->next_rip;
	vmcb->control.interrupt_shadow = 0;
}

/*
 * IN and OUT: an exit to the port's device (core answers a port nobody
 * claims with all ones). EXITINFO2 is the next instruction's address even
 * without next-RIP save. INS and OUTS go through guest memory.
 */
static void port_exit(struct vcpu *v, struct vcpu_exit *exit)
{
	struct vmcb *vmcb = v->arch.vmcb;
	u64 info = vmcb->control.exit_info_1;
	unsigned int size = (info >> SVM_IOIO_SIZE_SHIFT) & 7;

	if (size != 1 && size != 2 && size != 4) {
		inject_exception(v, VEC_GP, true, 0);
		return;
	}
	if (info & SVM_IOIO_STRING) {
		string_port_exit(v, exit, info, size);
		return;
	}
	v->arch.mmio = (struct svm_mmio){
		.reg = X86_REG_RAX,
		.reg_size = size,
		.port = true,
		.next_rip = vmcb->control.exit_info_2,
	};
	exit->reason = VCPU_EXIT_PORT_IO;
	exit->gpa = (info >> SVM_IOIO_PORT_SHIFT) & 0xffff;
	exit->size = size;
	exit->write = !(info & SVM_IOIO_IN);
	if (exit->write)
		exit->value = vmcb->save.rax & ((1ULL << (size * 8)) - 1);
}

/*
 * MOV to or from CR8, the local APIC's TPR bits 7:4 (APM 15.23): the
 * instruction decoded, as SVM does not say which register it uses.
 * Bits of CR8 above 3 are reserved: writing them is #GP.
 */
static void emulate_cr8(struct vcpu *v)
{
	struct vmcb_save *s = &v->arch.vmcb->save;
	struct vlapic *vl = vlapic_of(v->guest);
	struct x86_cr_access acc = { 0 };
	u8 bytes[X86_INSN_MAX_LEN];
	unsigned int got;
	int err;
	u64 *reg;

	err = fetch_insn(v, bytes, &got);
	if (err == -EFAULT)
		return;
	if (!err)
		err = x86_decode_mov_cr(bytes, got, cpu_mode(s), &acc);
	if (err || acc.cr != 8 || !vl) {
		inject_exception(v, VEC_UD, false, 0);
		return;
	}
	reg = reg_slot(v, acc.reg);
	if (acc.write) {
		u64 value = cpu_mode(s) == X86_MODE_64 ? *reg : (u32)*reg;

		if (value & ~0xfULL) {
			inject_exception(v, VEC_GP, true, 0);
			return;
		}
		vlapic_cr8_write(vl, v, (u8)value);
	} else {
		*reg = vlapic_cr8_read(vl, v);
	}
	skip(v, acc.len);
}

/* ---- the run ---- */

static void handle_exit(struct vcpu *v, struct vcpu_exit *exit)
{
	struct vmcb *vmcb = v->arch.vmcb;
	u64 code = vmcb->control.exit_code;
	struct region *r;

	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
	case SVM_EXIT_INIT:
		exit->reason = VCPU_EXIT_IRQ;
		break;
	case SVM_EXIT_HLT:
		skip(v, 1);
		exit->reason = VCPU_EXIT_WFI;
		break;
	case SVM_EXIT_READ_CR8:
	case SVM_EXIT_WRITE_CR8:
		emulate_cr8(v);
		exit->reason = VCPU_EXIT_SYSREG;
		break;
	case SVM_EXIT_VINTR:
		/* The window opened: the next entry injects the interrupt. */
		vmcb->control.v_intr &= ~SVM_V_IRQ;
		vmcb->control.intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
		break;
	case SVM_EXIT_CPUID:
		emulate_cpuid(v);
		exit->reason = VCPU_EXIT_SYSREG;
		break;
	case SVM_EXIT_MSR:
		emulate_msr(v, vmcb->control.exit_info_1 & 1);
		exit->reason = VCPU_EXIT_SYSREG;
		break;
	case SVM_EXIT_INVD:
		skip(v, 2);
		exit->reason = VCPU_EXIT_SYSREG;
		break;
	case SVM_EXIT_VMMCALL:
		/* Yield, or "not supported" (-ENOSYS) in RAX. */
		exit->reason = (u32)vmcb->save.rax == KEEL_HYP_YIELD ?
				       VCPU_EXIT_YIELD :
				       VCPU_EXIT_HYPERCALL;
		vmcb->save.rax =
			exit->reason == VCPU_EXIT_YIELD ? 0 : (u64)(s64)-ENOSYS;
		skip(v, 3);
		break;
	case SVM_EXIT_IOIO:
		port_exit(v, exit);
		break;
	case SVM_EXIT_NPF:
		exit->gpa = vmcb->control.exit_info_2;
		/*
		 * The guest's own page tables, or an event's delivery (IDT,
		 * stack) outside RAM: no instruction to emulate there.
		 */
		if ((vmcb->control.exit_info_1 & SVM_NPF_IN_TABLE_WALK) ||
		    (vmcb->control.exit_int_info & SVM_EVENT_VALID)) {
			exit->reason = VCPU_EXIT_FATAL;
			exit->why = "its page tables or IDT outside RAM";
			break;
		}
		r = aspace_find(&v->guest->aspace, exit->gpa);
		if (r && r->type == REGION_RAM) {
			exit->reason = VCPU_EXIT_FATAL;
			exit->why = "nested page fault in the guest's RAM";
			break;
		}
		/* A write to ROM is dropped, as by a ROM chip. */
		if (decode_mmio(v, exit) && r && r->type == REGION_ROM) {
			exit->reason = VCPU_EXIT_NONE;
			exit->stage2_fault = true;
			/* Done as a device that drops writes (string forms too). */
			arch_vcpu_mmio_done(v, exit, 0);
		}
		break;
	case SVM_EXIT_SHUTDOWN:
		exit->reason = VCPU_EXIT_FATAL;
		exit->why = "triple fault (shutdown)";
		break;
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_XSETBV:
		/* No SVM and no XSAVE for guests (CPUID says so). */
		inject_exception(v, VEC_UD, false, 0);
		break;
	case SVM_EXIT_INVALID:
		exit->reason = VCPU_EXIT_FATAL;
		exit->why = "VMRUN refused the guest's state (VMEXIT_INVALID)";
		break;
	default:
		printk(KERN_ERR "guest %s: vCPU%u: exit code 0x%llx\n",
		       v->guest->name, v->index, (unsigned long long)code);
		exit->reason = VCPU_EXIT_FATAL;
		exit->why = "an exit Keel does not handle";
		break;
	}
}

/*
 * An interrupt the guest's controller has for v is injected when the
 * guest can take it (RFLAGS.IF, no interrupt shadow, no other event
 * going in); otherwise a virtual interrupt request with the VINTR
 * intercept makes the CPU exit as soon as it could, and the next entry
 * injects it then. The vector is taken (acknowledge) only when injected.
 */
#define X86_OPCODE_HLT 0xf4

/*
 * QEMU before 9.1 does not load the VMCB's interrupt shadow at VMRUN: a
 * guest resumed in the shadow of STI takes a pending interrupt before
 * the next instruction, and an exit there reports no shadow. After STI;
 * HLT that is a lost wake-up: the handler returns to the HLT, which then
 * waits for the interrupt already taken. So when v is in the shadow at a
 * HLT, or entered in it there and has not moved, with an interrupt to
 * take, the HLT is done here as the CPU does it (executed, then woken by
 * the interrupt: past it and out of the shadow). True if it was.
 */
static bool halt_in_shadow(struct vcpu *v)
{
	unsigned int got = 0;
	u32 pf_error;
	u8 opcode;

	if (fetch_at_rip(v, &opcode, 1, &got, &pf_error) || got != 1 ||
	    opcode != X86_OPCODE_HLT)
		return false;
	skip(v, 1);
	return true;
}

static void inject_interrupt(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct vmcb_control *c = &vmcb->control;
	int vector;

	/* A window asked for before is asked for again if still needed. */
	c->v_intr &= ~SVM_V_IRQ;
	c->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	if (!guest_irq_pending(v))
		return;
	if ((vmcb->save.rflags & X86_RFLAGS_IF) &&
	    ((c->interrupt_shadow & SVM_INTERRUPT_SHADOW) ||
	     v->arch.shadow_rip == vmcb->save.rip) &&
	    !(c->event_inj & SVM_EVENT_VALID))
		halt_in_shadow(v);
	if (!(vmcb->save.rflags & X86_RFLAGS_IF) ||
	    (c->interrupt_shadow & SVM_INTERRUPT_SHADOW) ||
	    (c->event_inj & SVM_EVENT_VALID)) {
		c->v_intr |= SVM_V_IRQ | SVM_V_IGN_TPR |
			     0xfULL << SVM_V_INTR_PRIO_SHIFT;
		c->intercept_misc1 |= SVM_INTERCEPT_VINTR;
		return;
	}
	vector = guest_irq_acknowledge(v);
	if (vector >= 0)
		c->event_inj =
			(u32)vector | SVM_EVENT_TYPE_INTR | SVM_EVENT_VALID;
}

/*
 * INIT and start-up IPIs: false when v must not enter (an INIT holds it
 * until a start-up IPI; it waits as in HLT).
 */
static bool ready_to_enter(struct vcpu *v, struct vcpu_exit *exit)
{
	struct vlapic *vl = vlapic_of(v->guest);
	u64 entry;

	if (!vl)
		return true;
	switch (vlapic_run_state(vl, v, &entry)) {
	case VLAPIC_WAIT_SIPI:
		exit->reason = VCPU_EXIT_WFI;
		return false;
	case VLAPIC_START:
		arch_vcpu_reset(v, entry, VLAPIC_SIPI_ARG);
		return true;
	default:
		return true;
	}
}

void arch_vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;
	struct vmcb_control *c = &a->vmcb->control;
	u32 generation = v->guest->arch.tlb_generation;
	int cpu = (int)cpu_id();
	u64 entry;

	vcpu_exit_clear(exit);
	if (!ready_to_enter(v, exit)) {
		exit->entry_cycles = exit->exit_cycles = x86_rdtsc();
		exit->first_entry_cycles = exit->entry_cycles;
		return;
	}
	inject_interrupt(v);
	if (!a->fpu_loaded)
		fpu_load(v);
	c->tlb_control = SVM_TLB_NOTHING;
	if (a->last_cpu != cpu || a->tlb_generation != generation ||
	    last_vcpu_on[cpu] != v) {
		c->tlb_control =
			flush_by_asid ? SVM_TLB_FLUSH_ASID : SVM_TLB_FLUSH_ALL;
		a->last_cpu = cpu;
		a->tlb_generation = generation;
		last_vcpu_on[cpu] = v;
	}
	c->tsc_offset = v->guest->arch.tsc_offset;
	c->clean = 0; /* Keel caches nothing of the VMCB in the CPU */
	a->shadow_rip = c->interrupt_shadow & SVM_INTERRUPT_SHADOW ?
				a->vmcb->save.rip :
				~0ULL;
	entry = x86_rdtsc();
	exit->first_entry_cycles = entry;
	exit->entry_cycles = entry;
	svm_vcpu_enter(vmcb_pa(v), arch_virt_to_phys(&host_save[cpu]),
		       &a->gprs);
	exit->exit_cycles = x86_rdtsc();
	/* An event the exit interrupted is delivered again at the next entry. */
	c->event_inj =
		c->exit_int_info & SVM_EVENT_VALID ? c->exit_int_info : 0;
	handle_exit(v, exit);
}

u64 arch_vcpu_hwid(const struct vcpu *v)
{
	return v->index;
}

/* The guest's timers are emulated devices' (the local APIC's), not the arch's. */
u64 arch_vcpu_timer_deadline(struct vcpu *v)
{
	return 0;
}

bool arch_vcpu_timer_wakes_loaded(struct vcpu *v)
{
	return false;
}

bool arch_vcpu_irq_pending(struct vcpu *v)
{
	return false;
}

static const char *const reg_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

void arch_vcpu_dump(struct vcpu *v, int (*print)(const char *fmt, ...))
{
	const struct vmcb *vmcb = v->arch.vmcb;
	const struct vmcb_save *s = &vmcb->save;

	for (unsigned int i = 0; i < 16; i += 2)
		print("%-3s 0x%016llx   %-3s 0x%016llx\n", reg_names[i],
		      (unsigned long long)*reg_slot(v, i), reg_names[i + 1],
		      (unsigned long long)*reg_slot(v, i + 1));
	print("rip 0x%016llx   rflags 0x%08llx   cs 0x%04x (%s)\n",
	      (unsigned long long)s->rip, (unsigned long long)s->rflags,
	      s->cs.selector,
	      cpu_mode(s) == X86_MODE_64 ? "64-bit" :
	      cpu_mode(s) == X86_MODE_32 ? "32-bit" :
					   "16-bit");
	print("cr0 0x%016llx   cr3 0x%016llx   cr4 0x%016llx\n",
	      (unsigned long long)s->cr0, (unsigned long long)s->cr3,
	      (unsigned long long)s->cr4);
	print("efer 0x%llx   cr2 0x%llx   last exit 0x%llx (info 0x%llx, "
	      "0x%llx)\n",
	      (unsigned long long)(s->efer & ~EFER_SVME),
	      (unsigned long long)s->cr2,
	      (unsigned long long)vmcb->control.exit_code,
	      (unsigned long long)vmcb->control.exit_info_1,
	      (unsigned long long)vmcb->control.exit_info_2);
	print("apic 0x%llx   asid %u\n", (unsigned long long)v->arch.apic_id,
	      v->guest->arch.asid);
	if (vlapic_of(v->guest))
		vlapic_dump(vlapic_of(v->guest), v, print);
}

/*
 * A raw binary finds its CPUs in the device tree it gets in EBX (a Linux
 * guest reads the ACPI MADT instead, linux_boot.c).
 */
int arch_guest_fdt_fixup(struct guest *g, struct devtree_node *root)
{
	struct devtree_node *cpus_node, *cpu;
	char name[16];
	int err;

	err = devtree_node_add(root, "cpus", &cpus_node);
	if (!err)
		err = devtree_prop_set_u32(cpus_node, "#address-cells", 1);
	if (!err)
		err = devtree_prop_set_u32(cpus_node, "#size-cells", 0);
	for (unsigned int i = 0; !err && i < g->nr_vcpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		err = devtree_node_add(cpus_node, name, &cpu);
		if (!err)
			err = devtree_prop_set_string(cpu, "device_type",
						      "cpu");
		if (!err)
			err = devtree_prop_set_u32(cpu, "reg", i);
	}
	return err;
}
