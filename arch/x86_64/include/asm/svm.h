/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AMD SVM: the VMCB (AMD64 APM vol. 2, appendix B) and the intercept,
 * exit and event encodings Keel uses. Offsets are checked at compile
 * time against the APM's tables.
 */
#ifndef ASM_SVM_H
#define ASM_SVM_H

#include <keel/types.h>

#define MSR_VM_CR 0xc0010114
#define VM_CR_SVMDIS (1ULL << 4)
#define MSR_VM_HSAVE_PA 0xc0010117

/* CPUID Fn8000_000A: EBX the number of ASIDs, EDX the features. */
#define CPUID_SVM_NPT (1U << 0)
#define CPUID_SVM_NRIPS (1U << 3)
#define CPUID_SVM_FLUSH_BY_ASID (1U << 6)
#define CPUID_SVM_DECODE_ASSISTS (1U << 7)

/* Intercept vector 3 (offset 0x0c) and 4 (0x10). */
#define SVM_INTERCEPT_INTR (1U << 0)
#define SVM_INTERCEPT_NMI (1U << 1)
#define SVM_INTERCEPT_SMI (1U << 2)
#define SVM_INTERCEPT_INIT (1U << 3)
#define SVM_INTERCEPT_VINTR (1U << 4)
#define SVM_INTERCEPT_CPUID (1U << 18)
#define SVM_INTERCEPT_INVD (1U << 22)
#define SVM_INTERCEPT_HLT (1U << 24)
#define SVM_INTERCEPT_INVLPGA (1U << 26)
#define SVM_INTERCEPT_IOIO (1U << 27)
#define SVM_INTERCEPT_MSR (1U << 28)
#define SVM_INTERCEPT_SHUTDOWN (1U << 31)
#define SVM_INTERCEPT_VMRUN (1U << 0)
#define SVM_INTERCEPT_VMMCALL (1U << 1)
#define SVM_INTERCEPT_VMLOAD (1U << 2)
#define SVM_INTERCEPT_VMSAVE (1U << 3)
#define SVM_INTERCEPT_STGI (1U << 4)
#define SVM_INTERCEPT_CLGI (1U << 5)
#define SVM_INTERCEPT_SKINIT (1U << 6)
#define SVM_INTERCEPT_XSETBV (1U << 13)

/* Control-register intercepts (the word at offset 0) */
#define SVM_INTERCEPT_CR8_READ (1U << 8)
#define SVM_INTERCEPT_CR8_WRITE (1U << 24)

/* V_INTR fields of the VMCB's offset 0x60. */
#define SVM_V_TPR_MASK 0xfULL
#define SVM_V_IRQ (1ULL << 8)
#define SVM_V_INTR_PRIO_SHIFT 16
#define SVM_V_IGN_TPR (1ULL << 20)
#define SVM_V_INTR_MASKING (1ULL << 24)

/* INTERRUPT_SHADOW: interrupts are held for one instruction (STI, MOV SS). */
#define SVM_INTERRUPT_SHADOW (1ULL << 0)

/* TLB_CONTROL */
#define SVM_TLB_NOTHING 0
#define SVM_TLB_FLUSH_ALL 1
#define SVM_TLB_FLUSH_ASID 3

/* EXITCODE values. */
#define SVM_EXIT_READ_CR8 0x08
#define SVM_EXIT_WRITE_CR8 0x18
#define SVM_EXIT_EXCEPTION(v) (0x40 + (v))
#define SVM_EXIT_INTR 0x60
#define SVM_EXIT_NMI 0x61
#define SVM_EXIT_SMI 0x62
#define SVM_EXIT_INIT 0x63
#define SVM_EXIT_VINTR 0x64
#define SVM_EXIT_CPUID 0x72
#define SVM_EXIT_INVD 0x76
#define SVM_EXIT_HLT 0x78
#define SVM_EXIT_INVLPGA 0x7a
#define SVM_EXIT_IOIO 0x7b
#define SVM_EXIT_MSR 0x7c
#define SVM_EXIT_SHUTDOWN 0x7f
#define SVM_EXIT_VMRUN 0x80
#define SVM_EXIT_VMMCALL 0x81
#define SVM_EXIT_VMLOAD 0x82
#define SVM_EXIT_VMSAVE 0x83
#define SVM_EXIT_STGI 0x84
#define SVM_EXIT_CLGI 0x85
#define SVM_EXIT_SKINIT 0x86
#define SVM_EXIT_XSETBV 0x8d
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID ((u64)-1)

/* IOIO EXITINFO1 */
#define SVM_IOIO_IN (1U << 0)
#define SVM_IOIO_STRING (1U << 2)
#define SVM_IOIO_REP (1U << 3)
#define SVM_IOIO_SIZE_SHIFT 4 /* bits 6:4: 1, 2 or 4 bytes, one-hot */
#define SVM_IOIO_ADDR_SHIFT 7 /* bits 9:7: 16-, 32-, 64-bit addresses */
#define SVM_IOIO_PORT_SHIFT 16

/* NPF EXITINFO1: the fault came from the guest's own table walk. */
#define SVM_NPF_IN_TABLE_WALK (1ULL << 33)

/* EVENTINJ (and EXITINTINFO, same layout) */
#define SVM_EVENT_VALID (1ULL << 31)
#define SVM_EVENT_ERROR_VALID (1ULL << 11)
#define SVM_EVENT_TYPE_INTR (0ULL << 8)
#define SVM_EVENT_TYPE_EXCEPTION (3ULL << 8)

/* Segment attributes (descriptor bits 47:40 and 55:52, packed). */
#define SEG_CODE32 0xc9b /* G, D, P, S, execute/read, accessed */
#define SEG_CODE64 0xa9b /* G, L, P, S, execute/read, accessed */
#define SEG_DATA32 0xc93 /* G, B, P, S, read/write, accessed */
#define SEG_TSS32_BUSY 0x08b
#define SEG_LDT 0x082
#define SEG_CODE16 0x09b /* P, S, execute/read, accessed */
#define SEG_DATA16 0x093 /* P, S, read/write, accessed */
#define SEG_ATTR_L (1U << 9)
#define SEG_ATTR_DB (1U << 10)

/* A segment in the save area; attrib packs descriptor bits 47:40, 55:52. */
struct vmcb_segment {
	u16 selector;
	u16 attrib;
	u32 limit;
	u64 base;
};

struct vmcb_control {
	u32 intercept_cr;
	u32 intercept_dr;
	u32 intercept_exceptions;
	u32 intercept_misc1;
	u32 intercept_misc2;
	u32 intercept_misc3;
	u8 reserved_1[0x3c - 0x18];
	u16 pause_filter_threshold;
	u16 pause_filter_count;
	u64 iopm_base_pa;
	u64 msrpm_base_pa;
	u64 tsc_offset;
	u32 asid;
	u8 tlb_control;
	u8 reserved_2[3];
	u64 v_intr;
	u64 interrupt_shadow;
	u64 exit_code;
	u64 exit_info_1;
	u64 exit_info_2;
	u64 exit_int_info;
	u64 nested_ctl;
	u64 avic_apic_bar;
	u64 ghcb_pa;
	u64 event_inj;
	u64 nested_cr3;
	u64 virt_ext;
	u32 clean;
	u32 reserved_3;
	u64 next_rip;
	u8 insn_len;
	u8 insn_bytes[15];
	u8 reserved_4[0x400 - 0xe0];
};

struct vmcb_save {
	struct vmcb_segment es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
	u8 reserved_1[0xcb - 0xa0];
	u8 cpl;
	u32 reserved_2;
	u64 efer;
	u8 reserved_3[0x148 - 0xd8];
	u64 cr4;
	u64 cr3;
	u64 cr0;
	u64 dr7;
	u64 dr6;
	u64 rflags;
	u64 rip;
	u8 reserved_4[0x1d8 - 0x180];
	u64 rsp;
	u8 reserved_5[0x1f8 - 0x1e0];
	u64 rax;
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
	u64 sysenter_cs, sysenter_esp, sysenter_eip;
	u64 cr2;
	u8 reserved_6[0x268 - 0x248];
	u64 g_pat;
	u64 dbgctl;
	u8 reserved_7[0xc00 - 0x278];
};

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
};

_Static_assert(__builtin_offsetof(struct vmcb, control.iopm_base_pa) == 0x40,
	       "VMCB IOPM_BASE_PA");
_Static_assert(__builtin_offsetof(struct vmcb, control.asid) == 0x58,
	       "VMCB ASID");
_Static_assert(__builtin_offsetof(struct vmcb, control.exit_code) == 0x70,
	       "VMCB EXITCODE");
_Static_assert(__builtin_offsetof(struct vmcb, control.nested_ctl) == 0x90,
	       "VMCB NP_ENABLE");
_Static_assert(__builtin_offsetof(struct vmcb, control.event_inj) == 0xa8,
	       "VMCB EVENTINJ");
_Static_assert(__builtin_offsetof(struct vmcb, control.nested_cr3) == 0xb0,
	       "VMCB N_CR3");
_Static_assert(__builtin_offsetof(struct vmcb, control.next_rip) == 0xc8,
	       "VMCB nRIP");
_Static_assert(__builtin_offsetof(struct vmcb, save.cs) == 0x410, "VMCB CS");
_Static_assert(__builtin_offsetof(struct vmcb, save.tr) == 0x490, "VMCB TR");
_Static_assert(__builtin_offsetof(struct vmcb, save.cpl) == 0x4cb, "VMCB CPL");
_Static_assert(__builtin_offsetof(struct vmcb, save.efer) == 0x4d0,
	       "VMCB EFER");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr4) == 0x548, "VMCB CR4");
_Static_assert(__builtin_offsetof(struct vmcb, save.rflags) == 0x570,
	       "VMCB RFLAGS");
_Static_assert(__builtin_offsetof(struct vmcb, save.rip) == 0x578, "VMCB RIP");
_Static_assert(__builtin_offsetof(struct vmcb, save.rsp) == 0x5d8, "VMCB RSP");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5f8, "VMCB RAX");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr2) == 0x640, "VMCB CR2");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668,
	       "VMCB G_PAT");
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB size");

#endif
