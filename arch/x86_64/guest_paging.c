// SPDX-License-Identifier: GPL-2.0
/*
 * An x86 guest's linear-to-physical translation (guest_paging.h). One
 * loop serves every mode: a mode is the entry size, the bits each level
 * indexes, and which levels may map a large page; the 32-bit mode's
 * 4 MiB pages keep address bits 39:32 in entry bits 20:13 (PSE-36).
 */
#include <keel/errno.h>
#include <keel/string.h>

#include "guest_paging.h"

#define PTE_P (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_US (1ULL << 2)
#define PTE_PS (1ULL << 7)
#define PTE_NX (1ULL << 63)
#define PAGE_MASK_4K 0xfffULL

struct paging_mode {
	unsigned int levels;
	unsigned int entry_size; /* 4 or 8 bytes */
	unsigned int top_shift; /* bit the root level indexes from */
	unsigned int index_bits; /* per level below the root */
	unsigned int root_index_bits;
	unsigned int large_levels; /* bit l: level l (0 = the PTE) may be PS */
	bool nx; /* entries have NX (bit 63) and reserved bits above pa_bits */
	bool pae_root; /* PAE's four PDPTEs: only P and the address count */
};

static const struct paging_mode mode_32 = {
	2, 4, 22, 10, 10, 0x2, false, false
};
static const struct paging_mode mode_pae = { 3, 8, 30, 9, 2, 0x2, true, true };
static const struct paging_mode mode_4level = {
	4, 8, 39, 9, 9, 0x6, true, false
};
static const struct paging_mode mode_5level = {
	5, 8, 48, 9, 9, 0x6, true, false
};

static u64 bits(unsigned int n)
{
	return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

/*
 * Bits every 8-byte entry must have clear: above pa_bits, NX without
 * NXE. Once per walk; the level's own come from reserved_bits().
 */
static u64 reserved_bits_common(const struct x86_guest_paging *p,
				const struct paging_mode *m)
{
	u64 rsvd = bits(52) & ~bits(p->pa_bits);

	if (m->entry_size == 4)
		return 0;
	if (!(p->efer & X86_EFER_NXE_BIT))
		rsvd |= PTE_NX;
	return rsvd;
}

/* Bits an entry of this level must have clear, given the common ones. */
static u64 reserved_bits(const struct paging_mode *m, u64 rsvd,
			 unsigned int level, bool large)
{
	if (m->entry_size == 4)
		return 0;
	if (m->pae_root && level == m->levels - 1)
		/* PDPTEs (SDM 4.4.1): bits 2:1, 8:5 and 63 are reserved. */
		rsvd |= 0x1e6 | PTE_NX;
	if (large)
		/* A large page's address is aligned: bits 12 up to it are 0. */
		rsvd |= bits(level * 9 + 12) & ~bits(13);
	if (m->levels >= 4 && level >= 3)
		rsvd |= PTE_PS; /* PML4Es and PML5Es map no pages */
	return rsvd;
}

static int read_entry(const struct x86_guest_paging *p,
		      const struct paging_mode *m, u64 addr, u64 *e)
{
	u32 e32;

	if (m->entry_size == 4) {
		if (p->read_phys(p->ctx, addr, &e32, 4))
			return -EIO;
		*e = e32;
		return 0;
	}
	return p->read_phys(p->ctx, addr, e, 8) ? -EIO : 0;
}

static const struct paging_mode *current_mode(const struct x86_guest_paging *p)
{
	if (p->efer & X86_EFER_LMA_BIT)
		return p->cr4 & X86_CR4_LA57_BIT ? &mode_5level : &mode_4level;
	return p->cr4 & X86_CR4_PAE_BIT ? &mode_pae : &mode_32;
}

/* Whether la is canonical for a long-mode walk of this many levels. */
static bool canonical(u64 la, unsigned int levels)
{
	unsigned int top = levels == 5 ? 56 : 47;
	u64 upper = la >> top;

	return upper == 0 || upper == bits(64 - top);
}

/* The physical address a large leaf of level l maps la to. */
static u64 large_page_address(const struct x86_guest_paging *p,
			      const struct paging_mode *m, u64 e,
			      unsigned int level, u64 la)
{
	if (m->entry_size == 4) {
		/* PSE-36: entry bits 20:13 are address bits 39:32. */
		u64 high = (e >> 13) & 0xff;

		return (e & 0xffc00000ULL) | high << 32 | (la & bits(22));
	}
	unsigned int page_bits = 12 + 9 * level;

	return (e & bits(52) & ~bits(page_bits)) | (la & bits(page_bits));
}

int x86_guest_translate(const struct x86_guest_paging *p, u64 la,
			enum x86_access acc, bool user, u64 *gpa, u32 *pf_error)
{
	const struct paging_mode *m;
	u32 err = (acc == X86_ACCESS_WRITE ? X86_PF_WRITE : 0) |
		  (user ? X86_PF_USER : 0) |
		  (acc == X86_ACCESS_FETCH ? X86_PF_FETCH : 0);
	bool writable = true, user_ok = true, exec_ok = true;
	u64 table, e = 0, rsvd;
	int level;

	if (!(p->cr0 & X86_CR0_PG_BIT)) {
		/* No paging: linear is physical (32 bits outside long mode). */
		*gpa = la & bits(32);
		return 0;
	}
	m = current_mode(p);
	if (m->levels >= 4 && !canonical(la, m->levels))
		return -EINVAL;
	if (!(p->efer & X86_EFER_LMA_BIT))
		la &= bits(32);
	/*
	 * The fetch bit only where a fetch could be refused as such (SDM
	 * 4.7): with SMEP, or with NX (PAE paging and EFER.NXE).
	 */
	if (!(p->cr4 & X86_CR4_SMEP_BIT) &&
	    !(m->nx && (p->efer & X86_EFER_NXE_BIT)))
		err &= ~X86_PF_FETCH;
	rsvd = reserved_bits_common(p, m);
	table = m->pae_root ? p->cr3 & bits(32) & ~0x1fULL :
			      p->cr3 & bits(52) & ~PAGE_MASK_4K;
	for (level = (int)m->levels - 1; level >= 0; level--) {
		unsigned int shift =
			m->top_shift - (m->levels - 1 - level) * m->index_bits;
		unsigned int ibits = level == (int)m->levels - 1 ?
					     m->root_index_bits :
					     m->index_bits;
		u64 index = (la >> shift) & bits(ibits);
		bool large;

		if (read_entry(p, m, table + index * m->entry_size, &e))
			return -EIO;
		if (!(e & PTE_P)) {
			*pf_error = err;
			return -EFAULT;
		}
		large = level > 0 && (m->large_levels >> level & 1) &&
			(e & PTE_PS) &&
			(m->entry_size == 8 || (p->cr4 & X86_CR4_PSE_BIT));
		if (e & reserved_bits(m, rsvd, (unsigned int)level, large)) {
			*pf_error = err | X86_PF_PRESENT | X86_PF_RSVD;
			return -EFAULT;
		}
		/* PAE's PDPTEs carry no permissions (SDM 4.4.1). */
		if (!(m->pae_root && level == (int)m->levels - 1)) {
			writable &= !!(e & PTE_RW);
			user_ok &= !!(e & PTE_US);
			if (m->nx && (p->efer & X86_EFER_NXE_BIT))
				exec_ok &= !(e & PTE_NX);
		}
		if (level == 0 || large)
			break;
		table = e & bits(52) & ~PAGE_MASK_4K;
		if (m->entry_size == 4)
			table &= bits(32);
	}
	if ((user && !user_ok) ||
	    (acc == X86_ACCESS_WRITE && !writable &&
	     (user || (p->cr0 & X86_CR0_WP_BIT))) ||
	    (acc == X86_ACCESS_FETCH && !exec_ok) ||
	    (acc == X86_ACCESS_FETCH && !user && user_ok &&
	     (p->cr4 & X86_CR4_SMEP_BIT))) {
		*pf_error = err | X86_PF_PRESENT;
		return -EFAULT;
	}
	if (level > 0)
		*gpa = large_page_address(p, m, e, (unsigned int)level, la);
	else
		*gpa = (e & bits(52) & ~PAGE_MASK_4K) | (la & PAGE_MASK_4K);
	if (m->entry_size == 4 && level == 0)
		*gpa &= bits(32);
	return 0;
}

int x86_guest_fetch(const struct x86_guest_paging *p, u64 la, bool user,
		    u8 *buf, unsigned int n, unsigned int *got, u32 *pf_error)
{
	*got = 0;
	while (*got < n) {
		u64 at = la + *got, gpa;
		unsigned int chunk = (unsigned int)MIN(
			(u64)(n - *got), 0x1000 - (at & PAGE_MASK_4K));
		int err = x86_guest_translate(p, at, X86_ACCESS_FETCH, user,
					      &gpa, pf_error);

		if (!err && p->read_phys(p->ctx, gpa, buf + *got, chunk))
			err = -EIO;
		if (err)
			return *got ? 0 : err;
		*got += chunk;
	}
	return 0;
}
