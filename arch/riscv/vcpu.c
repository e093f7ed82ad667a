// SPDX-License-Identifier: GPL-2.0
/*
 * riscv64 vCPUs: the VS-mode state around the world switch
 * (vcpu_switch.S), the virtual interrupts injected through hvip, the
 * traps a guest causes and their decoding into struct vcpu_exit.
 *
 * The guest's own exceptions and its VS-level interrupts are delegated
 * to it (hedeleg, hideleg): what reaches Keel is an ECALL (the SBI,
 * sbi_emul.c), a guest-page fault (MMIO, or an access outside the
 * guest's memory), a virtual-instruction exception (WFI with
 * hstatus.VTW; anything else becomes an illegal instruction for the
 * guest) and host interrupts.
 */
#include "riscv.h"
#include "vhart.h"
#include "insn_decode.h"
#include "sbi_emul.h"
#include <keel/cpu.h>
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/vcpu_reentry.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <keel/timer.h>
#include <arch/barrier.h>
#include <arch/vcpu.h>
#include <asm/csr.h>

/* Exception causes (scause, vscause). */
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INSN 2
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_VS 10
#define EXC_INST_GUEST_PAGE 20
#define EXC_LOAD_GUEST_PAGE 21
#define EXC_VIRTUAL_INSN 22
#define EXC_STORE_GUEST_PAGE 23

/*
 * What the guest handles itself: misaligned fetches, illegal
 * instructions, breakpoints, misaligned and faulting loads and stores,
 * ECALLs from its user mode and its own page faults. Access faults come
 * from a device that answered with an error (a pass-through region):
 * the guest's, like on hardware.
 */
#define HEDELEG_GUEST                                                      \
	((1UL << 0) | (1UL << 1) | (1UL << 2) | (1UL << 3) | (1UL << 4) |  \
	 (1UL << 5) | (1UL << 6) | (1UL << 7) | (1UL << 8) | (1UL << 12) | \
	 (1UL << 13) | (1UL << 15))
#define HIDELEG_GUEST (HVIP_VSSIP | HVIP_VSTIP | HVIP_VSEIP)
/* The guest reads cycle, time and instret itself (htimedelta applies). */
#define HCOUNTEREN_GUEST 0x7UL

#define INSN_WFI 0x10500073U

void riscv_fp_restore(const struct riscv_guest_ctx *ctx);
void riscv_fp_save(struct riscv_guest_ctx *ctx);
long riscv_guest_fetch_half(unsigned long gva);
long riscv_guest_fetch_word(unsigned long gva);

/*
 * Into the guest until its next exit (vcpu_switch.S). s4-s11 come back
 * clobbered, like the caller-saved registers: the compiler keeps what it
 * needs of them (no frame pointer in Keel's build).
 */
static __always_inline void vcpu_enter(struct riscv_guest_ctx *ctx)
{
	register struct riscv_guest_ctx *a0 __asm__("a0") = ctx;

	__asm__ volatile("call riscv_vcpu_enter"
			 : "+r"(a0)
			 :
			 : "ra", "t0", "t1", "t2", "a1", "a2", "a3", "a4", "a5",
			   "a6", "a7", "s4", "s5", "s6", "s7", "s8", "s9",
			   "s10", "s11", "t3", "t4", "t5", "t6", "memory");
}

_Static_assert(offsetof(struct riscv_guest_ctx, sepc) == GCTX_SEPC, "ctx");
_Static_assert(offsetof(struct riscv_guest_ctx, sstatus) == GCTX_SSTATUS,
	       "ctx");
_Static_assert(offsetof(struct riscv_guest_ctx, hstatus) == GCTX_HSTATUS,
	       "ctx");
_Static_assert(offsetof(struct riscv_guest_ctx, scause) == GCTX_SCAUSE, "ctx");
_Static_assert(offsetof(struct riscv_guest_ctx, htinst) == GCTX_HTINST, "ctx");
_Static_assert(offsetof(struct riscv_guest_ctx, host) == GCTX_HOST, "ctx");
_Static_assert(offsetof(struct riscv_guest_ctx, fp) == GCTX_FP, "ctx");
_Static_assert(offsetof(struct riscv_guest_ctx, fcsr) == GCTX_FCSR, "ctx");
_Static_assert(sizeof(struct riscv_guest_ctx) == GCTX_SIZE, "ctx");

/* ---- guests ---- */

int arch_guest_init(struct guest *g)
{
	int err = riscv_gstage_init(&g->arch);

	if (err == -ENOTSUP)
		printk(KERN_ERR "guest %s: the hart has no hypervisor "
				"extension (G-stage translation)\n",
		       g->name);
	if (err)
		return err;
	g->arch.htimedelta = -(u64)csr_read(CSR_TIME);
	/* Decided once: its device tree says sstc or not. */
	g->arch.sstc = riscv_guest_has_sstc();
	return 0;
}

void arch_guest_start(struct guest *g)
{
	/* Its time starts near 0, like a machine just powered on. */
	g->arch.htimedelta = -(u64)csr_read(CSR_TIME);
}

void arch_guest_destroy(struct guest *g)
{
	riscv_gstage_destroy(&g->arch);
}

int arch_guest_map(struct guest *g, u64 gpa, paddr_t hpa, u64 size,
		   enum guest_mem_type type)
{
	return riscv_gstage_map(&g->arch, gpa, hpa, size, type);
}

int arch_guest_unmap(struct guest *g, u64 gpa, u64 size)
{
	return riscv_gstage_unmap(&g->arch, gpa, size);
}

/* ---- vCPUs ---- */

int arch_vcpu_init(struct vcpu *v)
{
	v->arch.hartid = v->index;
	v->arch.last_cpu = -1;
	/* The guest's devices, its PLIC included, exist before its vCPUs. */
	v->arch.eip = guest_irq_output(v);
	riscv_vhart_init(v);
	return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
	riscv_vhart_destroy(v);
}

/* A guest's harts are numbered 0, 1, ... by vCPU index. */
u64 arch_vcpu_hwid(const struct vcpu *v)
{
	return v->index;
}

/*
 * As a hart leaves reset for the SBI: in S-mode (VS) with interrupts off
 * and translation off, a0 = its hart id, a1 = the boot argument (the
 * device tree for vCPU0, the opaque value of an HSM start).
 */
void arch_vcpu_reset(struct vcpu *v, u64 entry, u64 arg)
{
	struct arch_vcpu *a = &v->arch;

	/* By the vCPU's own thread (vcpu_power_on): its memory copy, then. */
	arch_vcpu_put(v);
	memset(&a->ctx, 0, sizeof(a->ctx));
	memset(&a->vs, 0, sizeof(a->vs));
	a->hartid = v->index;
	a->ctx.x[10] = arch_vcpu_hwid(v);
	a->ctx.x[11] = arg;
	a->ctx.sepc = entry;
	a->ctx.sstatus = SR_SPP;
	a->vs.vsstatus = SR_UXL_64;
	riscv_vhart_reset(a);
	a->mmio_reg = a->mmio_len = 0;
	a->mmio_signed = false;
}

/* ---- injecting exceptions ---- */

/*
 * Deliver an exception to the guest's VS-mode as the hart would: cause,
 * value and return address into the VS CSRs, the previous mode and
 * interrupt enable into vsstatus, then its trap vector, in VS-mode.
 */
static void inject_exception(struct vcpu *v, u64 cause, u64 tval)
{
	struct arch_vcpu *a = &v->arch;
	u64 s;

	/* Rare: edit the memory copy, reloaded at the next entry. */
	arch_vcpu_put(v);
	s = a->vs.vsstatus;
	a->vs.vscause = cause;
	a->vs.vstval = tval;
	a->vs.vsepc = a->ctx.sepc;
	s &= ~(SR_SPP | SR_SPIE | SR_SIE);
	if (a->ctx.sstatus & SR_SPP)
		s |= SR_SPP;
	if (a->vs.vsstatus & SR_SIE)
		s |= SR_SPIE;
	a->vs.vsstatus = s;
	/* Exceptions go to the base address in both stvec modes. */
	a->ctx.sepc = a->vs.vstvec & ~3ULL;
	a->ctx.sstatus |= SR_SPP;
}

void arch_vcpu_inject_abort(struct vcpu *v, const struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;
	u64 cause;

	if (SCAUSE_CODE(a->ctx.scause) == EXC_INST_GUEST_PAGE)
		cause = EXC_INST_ACCESS;
	else if (exit && exit->write)
		cause = EXC_STORE_ACCESS;
	else
		cause = EXC_LOAD_ACCESS;
	/* stval of a guest-page fault is the guest's virtual address. */
	inject_exception(v, cause, a->ctx.stval);
}

/* ---- MMIO ---- */

static u64 get_reg(const struct arch_vcpu *a, unsigned int reg)
{
	return reg && reg < 32 ? a->ctx.x[reg] : 0;
}

static void set_reg(struct arch_vcpu *a, unsigned int reg, u64 value)
{
	if (reg && reg < 32)
		a->ctx.x[reg] = value;
}

/*
 * The trapping instruction: htinst's transformed form when the hart
 * gives one (bit 0 set; bit 1 clear for a compressed original), else
 * read from the guest's pc. Returns its length (2 or 4), 0 if it cannot
 * be read.
 */
static __always_inline unsigned int fetch_insn(struct arch_vcpu *a, u32 *insn)
{
	unsigned int len =
		a->ctx.htinst ? riscv_htinst_insn(a->ctx.htinst, insn) : 0;
	long lo, hi;

	if (len)
		return len;
	/* Aligned: one read, within one page whatever the length. */
	if (!(a->ctx.sepc & 3)) {
		lo = riscv_guest_fetch_word(a->ctx.sepc);
		if (lo < 0)
			return 0;
		len = riscv_insn_len((u32)lo);
		*insn = len == 2 ? (u32)lo & 0xffff : (u32)lo;
		return len;
	}
	lo = riscv_guest_fetch_half(a->ctx.sepc);
	if (lo < 0)
		return 0;
	if (riscv_insn_len((u32)lo) == 2) {
		*insn = (u32)lo;
		return 2;
	}
	hi = riscv_guest_fetch_half(a->ctx.sepc + 2);
	if (hi < 0)
		return 0;
	*insn = (u32)lo | (u32)hi << 16;
	return 4;
}

static __always_inline void decode_guest_page_fault(struct vcpu *v,
						    struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;
	bool write = SCAUSE_CODE(a->ctx.scause) == EXC_STORE_GUEST_PAGE;
	struct riscv_mmio_access access;
	unsigned int len;
	u32 insn = 0;

	exit->reason = VCPU_EXIT_MMIO;
	exit->gpa = a->ctx.htval << 2 | (a->ctx.stval & 3);
	exit->write = write;
	exit->size = 0;
	/*
	 * A pseudoinstruction in htinst (bit 0 clear, non-zero): the fault
	 * was the guest's own page-table walk touching a device or nothing.
	 * Core answers size 0 with an access fault.
	 */
	if (riscv_htinst_is_pseudo(a->ctx.htinst))
		return;
	len = fetch_insn(a, &insn);
	if (!len) {
		/* The guest's mapping of its pc changed meanwhile: retry. */
		exit->reason = VCPU_EXIT_NONE;
		exit->stage2_fault = true;
		return;
	}
	if (riscv_decode_access(insn, &access) || access.write != write)
		return; /* not an access Keel emulates: core injects a fault */
	exit->size = access.size;
	a->mmio_reg = access.reg;
	a->mmio_len = len;
	a->mmio_signed = access.sign_extend;
	if (write)
		exit->value = riscv_mmio_store_value(access.size,
						     get_reg(a, access.reg));
}

void arch_vcpu_mmio_done(struct vcpu *v, const struct vcpu_exit *exit,
			 u64 value)
{
	struct arch_vcpu *a = &v->arch;

	if (!exit->write)
		set_reg(a, a->mmio_reg,
			riscv_mmio_load_value(exit->size, a->mmio_signed,
					      value));
	a->ctx.sepc += a->mmio_len;
}

/* ---- traps from the guest ---- */

static void handle_ecall(struct vcpu *v, struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;

	/* Past the ECALL first: an HSM stop or reset may reset the pc. */
	a->ctx.sepc += 4;
	/* a0-a7 in place: the call reads them and writes a0 and a1 last. */
	exit->reason = riscv_sbi_call(v, &a->ctx.x[10]);
}

static void handle_virtual_insn(struct vcpu *v, struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;
	u32 insn = (u32)a->ctx.stval;
	unsigned int len = 4;

	/* A hart may leave stval 0: then read the instruction itself. */
	if (!insn) {
		len = fetch_insn(a, &insn);
		if (!len) {
			exit->reason = VCPU_EXIT_NONE;
			return;
		}
	}
	if (len == 4 && insn == INSN_WFI) {
		a->ctx.sepc += 4;
		exit->reason = VCPU_EXIT_WFI;
		return;
	}
	/* Hypervisor instructions and CSRs the guest may not use. */
	inject_exception(v, EXC_ILLEGAL_INSN, insn);
	exit->reason = VCPU_EXIT_SYSREG;
}

/* Inline in both of arch_vcpu_run()'s paths: a call here costs each exit. */
static __always_inline void handle_trap(struct vcpu *v, struct vcpu_exit *exit)
{
	struct arch_vcpu *a = &v->arch;
	u64 code = SCAUSE_CODE(a->ctx.scause);

	if (a->ctx.scause & SCAUSE_INTERRUPT) {
		exit->reason = VCPU_EXIT_IRQ;
		return;
	}
	if (code == EXC_ECALL_VS) {
		handle_ecall(v, exit);
		return;
	}
	/* Still the trap's: no interrupt was taken since (the exit's asm). */
	a->ctx.stval = csr_read(CSR_STVAL);
	a->ctx.htval = csr_read(CSR_HTVAL);
	a->ctx.htinst = csr_read(CSR_HTINST);
	switch (code) {
	case EXC_LOAD_GUEST_PAGE:
	case EXC_STORE_GUEST_PAGE:
		decode_guest_page_fault(v, exit);
		break;
	case EXC_INST_GUEST_PAGE:
		/* Executing outside RAM and ROM: a bus error for the guest. */
		arch_vcpu_inject_abort(v, NULL);
		exit->reason = VCPU_EXIT_NONE;
		exit->stage2_fault = true;
		break;
	case EXC_VIRTUAL_INSN:
		handle_virtual_insn(v, exit);
		break;
	case EXC_ILLEGAL_INSN:
	case EXC_LOAD_ACCESS:
	case EXC_STORE_ACCESS:
	case EXC_INST_ACCESS:
		/* Delegated, but should one arrive: the guest's own. */
		inject_exception(v, code, a->ctx.stval);
		exit->reason = VCPU_EXIT_NONE;
		break;
	default:
		exit->reason = VCPU_EXIT_FATAL;
		exit->why = "unexpected trap from the guest";
		break;
	}
}

static void hfence_vvma_all(void)
{
	__asm__ volatile(".insn r 0x73, 0, 0x11, x0, x0, x0" ::: "memory");
}

static void hfence_gvma_all(void)
{
	__asm__ volatile(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory");
}

/*
 * The hgatp each hart last ran a guest with. Without VMID bits every
 * guest is VMID 0, and translations cached for one would serve another:
 * a hart that changes guests then drops them all.
 */
static unsigned long last_hgatp[CONFIG_MAX_CPUS];
/*
 * The vCPU each hart last ran (compared, never dereferenced). Two vCPUs
 * of one guest share a VMID, but the guest believes they are two harts
 * with two TLBs: one must not find the other's translations.
 */
static const struct vcpu *last_vcpu[CONFIG_MAX_CPUS];

/*
 * Load the guest's G-stage and fence what the TLBs may hold wrongly; with
 * the vCPU (vcpu_load), since nothing else enters a guest on this hart
 * until it is put.
 */
static void load_translation(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	struct arch_guest *ag = &v->guest->arch;
	unsigned int cpu = cpu_id();
	bool flush = false;

	csr_write(CSR_HGATP, ag->hgatp);
	if (!ag->vmid && last_hgatp[cpu] != ag->hgatp) {
		hfence_gvma_all();
		flush = true;
	}
	last_hgatp[cpu] = ag->hgatp;
	/*
	 * The guest's TLB fences reach only the hart it ran on: a vCPU that
	 * moved or that follows another vCPU here drops its guest
	 * translations (HFENCE.VVMA applies to hgatp's VMID).
	 */
	if (a->last_cpu != (int)cpu || last_vcpu[cpu] != v || flush)
		hfence_vvma_all();
	a->last_cpu = (int)cpu;
	last_vcpu[cpu] = v;
}

/* The fences other vCPUs asked for (SBI RFENCE), once some are pending. */
static __noinline void take_fences_slow(struct arch_vcpu *a)
{
	u32 fences =
		__atomic_exchange_n(&a->fence_pending, 0, __ATOMIC_SEQ_CST);

	if (fences)
		hfence_vvma_all();
	if (fences & 2)
		__asm__ volatile("fence.i" ::: "memory");
}

/*
 * At every entry, in_guest already set (see riscv_vcpu_fence()). Looked
 * at first without the atomic swap, which costs its fences at every exit
 * otherwise.
 */
static __always_inline void take_fences(struct arch_vcpu *a)
{
	if (__atomic_load_n(&a->fence_pending, __ATOMIC_RELAXED))
		take_fences_slow(a);
}

static void vs_restore(const struct riscv_vs_state *s, bool sstc)
{
	csr_write(CSR_VSSTATUS, s->vsstatus);
	csr_write(CSR_VSIE, s->vsie);
	csr_write(CSR_VSTVEC, s->vstvec);
	csr_write(CSR_VSSCRATCH, s->vsscratch);
	csr_write(CSR_VSEPC, s->vsepc);
	csr_write(CSR_VSCAUSE, s->vscause);
	csr_write(CSR_VSTVAL, s->vstval);
	csr_write(CSR_VSATP, s->vsatp);
	/*
	 * Only when it changed: writing it reprograms a timer (expensive
	 * under QEMU), and the same vCPU re-entering is the common case.
	 */
	if (sstc && csr_read(CSR_VSTIMECMP) != s->vstimecmp)
		csr_write(CSR_VSTIMECMP, s->vstimecmp);
}

static void vs_save(struct riscv_vs_state *s, bool sstc)
{
	s->vsstatus = csr_read(CSR_VSSTATUS);
	s->vsie = csr_read(CSR_VSIE);
	s->vstvec = csr_read(CSR_VSTVEC);
	s->vsscratch = csr_read(CSR_VSSCRATCH);
	s->vsepc = csr_read(CSR_VSEPC);
	s->vscause = csr_read(CSR_VSCAUSE);
	s->vstval = csr_read(CSR_VSTVAL);
	s->vsatp = csr_read(CSR_VSATP);
	/* vsie and vstimecmp are read back at every exit (arch_vcpu_run). */
	/*
	 * The guest's enables must not stay live in hie: Keel's own WFI
	 * would wake on the guest's pending interrupts (a VSTIP from a
	 * vstimecmp left in place included).
	 */
	csr_write(CSR_VSIE, 0);
}

/*
 * A vCPU's state that only it uses stays in the hart from the first entry
 * after it was switched in until it is switched out (arch_vcpu_put): the
 * VS CSRs, the FP registers and the hypervisor CSRs its guest sets. An
 * exit that Keel answers without switching costs none of it. Only this
 * vCPU's own thread touches the live copies; everyone else sees the
 * memory copy, current whenever the vCPU is not loaded (always when it
 * is parked).
 */
static void vcpu_load(struct vcpu *v, bool sstc)
{
	struct arch_vcpu *a = &v->arch;
	unsigned long hstatus, sstatus;

	/*
	 * The status the entry's sret takes. A trap from the guest leaves
	 * them as the next entry wants them (hstatus.SPV and SPVP set,
	 * sstatus.SPP the guest's mode, SPIE and SIE clear, Keel's own bits
	 * kept) and Keel edits them only with the vCPU put: only FS needs
	 * resetting per entry (arch_vcpu_run).
	 */
	hstatus = (csr_read(CSR_HSTATUS) & HSTATUS_VSXL_MASK) | HSTATUS_SPV |
		  HSTATUS_VTW;
	if (a->ctx.sstatus & SR_SPP)
		hstatus |= HSTATUS_SPVP;
	sstatus = csr_read(CSR_SSTATUS) &
		  ~(SR_SPP | SR_SPIE | SR_SIE | SR_FS | SR_VS);
	a->ctx.hstatus = hstatus;
	a->ctx.sstatus = sstatus | (a->ctx.sstatus & SR_SPP);
	load_translation(v);
	csr_write(CSR_HEDELEG, HEDELEG_GUEST);
	csr_write(CSR_HIDELEG, HIDELEG_GUEST);
	csr_write(CSR_HCOUNTEREN, HCOUNTEREN_GUEST);
	csr_write(CSR_HENVCFG, sstc ? HENVCFG_STCE : 0);
	csr_write(CSR_HTIMEDELTA, v->guest->arch.htimedelta);
	vs_restore(&a->vs, sstc);
	riscv_fp_restore(&a->ctx);
	a->fp_dirty = false;
	a->loaded = true;
}

/*
 * Masked here too: a caller with interrupts enabled (an injected
 * exception, when core answers an MMIO exit the arch returned
 * unanswered) must not be preempted half-way, by a switch whose own put
 * would then save another hart's CSRs when this one resumes.
 */
void arch_vcpu_put(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	unsigned long flags;

	if (!a->loaded)
		return;
	flags = arch_irq_save();
	if (a->loaded) {
		vs_save(&a->vs, riscv_vcpu_sstc(v));
		if (a->fp_dirty)
			riscv_fp_save(&a->ctx);
		a->fp_dirty = false;
		a->loaded = false;
	}
	arch_irq_restore(flags);
}

/*
 * The virtual interrupt lines at every entry: the PLIC's output, owed
 * IPIs, the SBI timer. Inline; the atomic swap of an owed IPI and the
 * SBI timer (no Sstc) out of line, so that the common entry pays no
 * frame.
 */
static inline unsigned long entry_hvip(struct vcpu *v, bool sstc)
{
	struct arch_vcpu *a = &v->arch;
	unsigned long hvip = 0;

	/* The swap only when set: its fences cost every entry otherwise. */
	if (__atomic_load_n(&a->ipi_pending, __ATOMIC_RELAXED) &&
	    riscv_vhart_take_ipi(a))
		a->vssip = true;
	if (a->vssip)
		hvip |= HVIP_VSSIP;
	if (a->eip && *a->eip)
		hvip |= HVIP_VSEIP;
	if (!sstc && a->timer_deadline != TIME_NONE)
		hvip |= riscv_vhart_sbi_timer_hvip(v);
	return hvip;
}

/*
 * A host interrupt is pending and enabled: Keel would take it the moment
 * the guest ran (HS-mode interrupts are never masked while V=1).
 */
static inline bool host_irq_pending(void)
{
	return csr_read(CSR_SIP) & csr_read(CSR_SIE);
}

/* Into the guest and back, and the exit answered as far as the arch can. */
static __always_inline void run_once(struct vcpu *v, struct vcpu_exit *exit,
				     bool sstc, bool again)
{
	struct arch_vcpu *a = &v->arch;
	u64 entry;

	/*
	 * At every entry, not once per run: an exit answered here may have
	 * put the vCPU to edit its memory copy (an injected exception, an
	 * HSM suspend), to be reloaded before it goes in.
	 */
	if (a->suspended) {
		/* A non-retentive resume edits the VS CSRs' memory copy. */
		arch_vcpu_put(v);
		riscv_vhart_resume(a);
	}
	if (!a->loaded)
		vcpu_load(v, sstc);
	/*
	 * Before the fences are taken, and ordered before that look (a store
	 * then a load: only a full fence keeps them in order): see
	 * riscv_vcpu_fence(), which does the same the other way round.
	 */
	__atomic_store_n(&a->in_guest, true, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	take_fences(a);
	csr_write(CSR_HVIP, entry_hvip(v, sstc));
	/* Clean, so that Dirty at the exit says the guest wrote them. */
	a->ctx.sstatus = (a->ctx.sstatus & ~SR_FS) | SR_FS_CLEAN;

	/* The counter the host clock reads (riscv_timer.c): see vcpu.h. */
	entry = csr_read(CSR_TIME);
	vcpu_exit_entering(v, exit, entry, again);
	vcpu_enter(&a->ctx);
	exit->exit_cycles = csr_read(CSR_TIME);
	__atomic_store_n(&a->in_guest, false, __ATOMIC_SEQ_CST);

	/* The guest clears its software interrupt through sip. */
	a->vssip = csr_read(CSR_HVIP) & HVIP_VSSIP;
	csr_write(CSR_HVIP, 0);
	/* What Keel decides on while the rest stays in the hart. */
	a->vs.vsie = csr_read(CSR_VSIE);
	if (sstc)
		a->vs.vstimecmp = csr_read(CSR_VSTIMECMP);
	if ((a->ctx.sstatus & SR_FS) == SR_FS)
		a->fp_dirty = true;
	handle_trap(v, exit);
}

/* Answered here: straight back in (keel/vcpu_reentry.h). */
static __always_inline bool may_reenter(struct vcpu *v, struct vcpu_exit *exit)
{
	return vcpu_answer_for_reentry(v, exit) && !host_irq_pending();
}

/* Out of line: the loop's registers would cost every other exit. */
static __noinline void run_again(struct vcpu *v, struct vcpu_exit *exit,
				 bool sstc)
{
	do
		run_once(v, exit, sstc, true);
	while (may_reenter(v, exit));
}

void arch_vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
	bool sstc = riscv_vcpu_sstc(v);

	vcpu_exit_clear(exit);
	run_once(v, exit, sstc, false);
	if (may_reenter(v, exit))
		run_again(v, exit, sstc);
}

static const char *const reg_names[32] = {
	"zero", "ra", "sp", "gp", "tp",	 "t0",	"t1", "t2", "s0", "s1", "a0",
	"a1",	"a2", "a3", "a4", "a5",	 "a6",	"a7", "s2", "s3", "s4", "s5",
	"s6",	"s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

void arch_vcpu_dump(struct vcpu *v, int (*print)(const char *fmt, ...))
{
	const struct arch_vcpu *a = &v->arch;
	const struct riscv_vs_state *s = &a->vs;

	for (unsigned int i = 1; i < 32; i += 2) {
		if (i + 1 < 32)
			print("%-4s 0x%016llx   %-4s 0x%016llx\n", reg_names[i],
			      (unsigned long long)a->ctx.x[i], reg_names[i + 1],
			      (unsigned long long)a->ctx.x[i + 1]);
		else
			print("%-4s 0x%016llx\n", reg_names[i],
			      (unsigned long long)a->ctx.x[i]);
	}
	print("pc   0x%016llx   mode %s\n", (unsigned long long)a->ctx.sepc,
	      (a->ctx.sstatus & SR_SPP) ? "VS" : "VU");
	print("vsstatus 0x%016llx   vsie   0x%016llx\n",
	      (unsigned long long)s->vsstatus, (unsigned long long)s->vsie);
	print("vstvec   0x%016llx   vsatp  0x%016llx\n",
	      (unsigned long long)s->vstvec, (unsigned long long)s->vsatp);
	print("vsepc    0x%016llx   vscause 0x%016llx\n",
	      (unsigned long long)s->vsepc, (unsigned long long)s->vscause);
	print("vstval   0x%016llx   vsscratch 0x%016llx\n",
	      (unsigned long long)s->vstval, (unsigned long long)s->vsscratch);
	print("timer    0x%016llx   (%s)   vssip %u\n",
	      (unsigned long long)riscv_vhart_timer_compare(v),
	      riscv_vcpu_sstc(v) ? "vstimecmp" : "SBI", a->vssip ? 1U : 0U);
	/* stval and htval are read only at the exits that use them. */
	print("scause   0x%016llx   last fault: stval 0x%016llx   "
	      "htval 0x%016llx\n",
	      (unsigned long long)a->ctx.scause,
	      (unsigned long long)a->ctx.stval,
	      (unsigned long long)a->ctx.htval);
	print("hart     0x%llx\n", (unsigned long long)a->hartid);
}
