/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 guests under AMD SVM (svm.c): per guest the nested page tables
 * and ASID, per vCPU its VMCB, the general registers the world switch
 * (svm_switch.S) swaps, and its x87/SSE state.
 */
#ifndef ASM_VCPU_H
#define ASM_VCPU_H

#ifndef __ASSEMBLY__
#include <keel/pgtable.h>
#include <keel/types.h>

/* By register number (RAX 0 ... R15 15); RAX and RSP live in the VMCB. */
struct svm_gprs {
	u64 r[16];
};

/*
 * What an MMIO exit's instruction does with its register (insn_decode.h);
 * for IN/OUT (port), RAX and where the next instruction is.
 */
struct svm_mmio {
	unsigned int len, reg, reg_size;
	bool high_byte, sign_extend;
	bool port;
	u64 next_rip;
	/*
	 * String forms (INS, OUTS; MOVS, STOS, LODS on a device), one
	 * element of reg_size bytes per exit: the index registers stepped
	 * (addr_size-byte addresses), a read's value to RAX or to the
	 * element's place in guest RAM (two parts across a page).
	 */
	bool string, rep;
	bool step_rsi, step_rdi, to_rax;
	unsigned int addr_size;
	u64 mem_gpa[2];
	unsigned int mem_len[2];
};

struct vmcb;

struct arch_vcpu {
	struct vmcb *vmcb;
	struct svm_gprs gprs;
	struct svm_mmio mmio;
	/* x87/SSE state (FXSAVE image) while not in the CPU. */
	u8 fpu[512] __aligned(16);
	bool fpu_loaded;
	int last_cpu; /* where it last ran: another CPU flushes its ASID */
	u32 tlb_generation; /* the guest's, as of its last flush here */
	u64 apic_id; /* the local APIC id the guest sees: its index */
	u64 nb_cfg; /* MSR_AMD_NB_CFG as the guest wrote it */
	/* RIP of the last entry in an interrupt shadow, else ~0 (svm.c). */
	u64 shadow_rip;
	/* The guest region its own page walks last read (aspace_ram_ptr). */
	struct region *walk_hint;
};

struct arch_guest {
	struct pgtable npt;
	u32 asid;
	/* Bumped when a translation is taken away: vCPUs flush their ASID. */
	volatile u32 tlb_generation;
	u64 tsc_offset; /* guest TSC = host TSC + tsc_offset */
	bool linux64; /* vCPU 0 starts at a bzImage's 64-bit entry */
	bool initialised;
};
#endif

#endif
