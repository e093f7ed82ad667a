/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An x86 guest's own address translation, as its CPU would do it: a
 * linear address to a guest-physical one through the guest's page tables
 * (in guest memory), for whatever paging mode its CR0, CR4 and EFER
 * select (none, 32-bit, PAE, 4- and 5-level long mode), with the checks a
 * page fault would report (AMD APM vol. 2, 5.2-5.7; Intel SDM vol. 3A,
 * 4.3-4.6). Keel needs it where SVM gives a guest-physical address and
 * not the access: to read the instruction behind a nested page fault.
 *
 * This is not the host page-table walker (core/mm/pgtable.c): that one
 * builds and walks tables Keel owns, in its memory, in one format per
 * table; this one only reads a guest's tables, through guest memory, in
 * the guest's current mode, and accumulates the guest's permissions.
 */
#ifndef X86_GUEST_PAGING_H
#define X86_GUEST_PAGING_H

#include <keel/types.h>

/* The paging controls of the guest's CPU state. */
#define X86_CR0_WP_BIT (1ULL << 16)
#define X86_CR0_PG_BIT (1ULL << 31)
#define X86_CR4_PSE_BIT (1ULL << 4)
#define X86_CR4_PAE_BIT (1ULL << 5)
#define X86_CR4_LA57_BIT (1ULL << 12)
#define X86_CR4_SMEP_BIT (1ULL << 20)
#define X86_EFER_LMA_BIT (1ULL << 10)
#define X86_EFER_NXE_BIT (1ULL << 11)

/* Page-fault error code bits (the #PF a failed translation would raise). */
#define X86_PF_PRESENT (1U << 0) /* a protection fault, not a missing page */
#define X86_PF_WRITE (1U << 1)
#define X86_PF_USER (1U << 2)
#define X86_PF_RSVD (1U << 3) /* a reserved bit was set in an entry */
#define X86_PF_FETCH (1U << 4)

enum x86_access {
	X86_ACCESS_READ,
	X86_ACCESS_WRITE,
	X86_ACCESS_FETCH,
};

struct x86_guest_paging {
	u64 cr0, cr3, cr4, efer;
	/* The guest's physical address width (CPUID Fn8000_0008 EAX[7:0]). */
	unsigned int pa_bits;
	/*
	 * Copy len bytes of guest-physical memory at gpa (RAM only): 0, or
	 * -EFAULT where there is none.
	 */
	int (*read_phys)(void *ctx, u64 gpa, void *buf, size_t len);
	void *ctx;
};

/*
 * Translate linear address la for an access of kind acc at CPL 3 (user)
 * or not. 0 and *gpa; -EFAULT with *pf_error (X86_PF_*) when the guest's
 * tables refuse it (the page fault the guest would take); -EIO when an
 * entry could not be read (not in the guest's RAM), -EINVAL for a
 * non-canonical address in long mode.
 */
int x86_guest_translate(const struct x86_guest_paging *p, u64 la,
			enum x86_access acc, bool user, u64 *gpa,
			u32 *pf_error);

/*
 * Read up to n instruction bytes at la (they may cross into the next
 * page): *got is how many could be fetched; 0 when at least the first
 * one could, else the first byte's error as above.
 */
int x86_guest_fetch(const struct x86_guest_paging *p, u64 la, bool user,
		    u8 *buf, unsigned int n, unsigned int *got, u32 *pf_error);

#endif
