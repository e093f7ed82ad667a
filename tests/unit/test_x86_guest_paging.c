// SPDX-License-Identifier: GPL-2.0
/*
 * An x86 guest's address translation (arch/x86_64/guest_paging.c): the
 * test lays out page tables in a fake guest RAM as the SDM and APM
 * describe each mode, then asks for translations and checks the address
 * or the page-fault error code the guest's CPU would give.
 */
#include "unit.h"
#include <string.h>

#include <keel/errno.h>

#include "../../arch/x86_64/guest_paging.h"

#define RAM_SIZE (16u << 20)
#define P 0x1ULL
#define RW 0x2ULL
#define US 0x4ULL
#define PS 0x80ULL
#define NX (1ULL << 63)

static u8 ram[RAM_SIZE];
static unsigned int reads;

static int read_phys(void *ctx, u64 gpa, void *buf, size_t len)
{
	reads++;
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -EFAULT;
	memcpy(buf, ram + gpa, len);
	return 0;
}

static void put64(u64 gpa, u64 v)
{
	memcpy(ram + gpa, &v, 8);
}

static void put32(u64 gpa, u32 v)
{
	memcpy(ram + gpa, &v, 4);
}

/* Long mode, NXE and WP on, 4-level, 48-bit guest-physical addresses. */
static struct x86_guest_paging long_mode(void)
{
	return (struct x86_guest_paging){
		.cr0 = X86_CR0_PG_BIT | X86_CR0_WP_BIT | 1,
		.cr3 = 0x1000,
		.cr4 = X86_CR4_PAE_BIT,
		.efer = X86_EFER_LMA_BIT | X86_EFER_NXE_BIT | (1 << 8),
		.pa_bits = 40,
		.read_phys = read_phys,
	};
}

/*
 * Four levels at 0x1000 (PML4), 0x2000 (PDPT), 0x3000 (PD), 0x4000 (PT)
 * for linear addresses from 0x40000000 (PML4 0, PDPT 1, PD 0), each
 * table entry with the given extra bits; PTE n maps 0x100000 + n pages.
 */
static void build_4level(u64 table_bits, u64 leaf_bits)
{
	memset(ram, 0, 0x10000);
	put64(0x1000, 0x2000 | P | table_bits);
	put64(0x2000 + 1 * 8, 0x3000 | P | table_bits);
	put64(0x3000, 0x4000 | P | table_bits);
	for (u64 n = 0; n < 4; n++)
		put64(0x4000 + n * 8, (0x100000 + n * 0x1000) | P | leaf_bits);
}

static int xlate(const struct x86_guest_paging *p, u64 la, enum x86_access a,
		 bool user, u64 *gpa, u32 *err)
{
	*gpa = 0xdead;
	*err = 0xdead;
	return x86_guest_translate(p, la, a, user, gpa, err);
}

UNIT_TEST(without_paging_linear_is_physical_32_bits)
{
	struct x86_guest_paging p = long_mode();
	u64 gpa;
	u32 err;

	p.cr0 = 1;
	p.efer = 0;
	CHECK_EQ(xlate(&p, 0x12345678, X86_ACCESS_FETCH, false, &gpa, &err), 0);
	CHECK_EQ(gpa, 0x12345678);
	CHECK_EQ(xlate(&p, 0x112345678ULL, X86_ACCESS_READ, false, &gpa, &err),
		 0);
	CHECK_EQ(gpa, 0x12345678);
}

UNIT_TEST(four_levels_map_4k_pages_with_the_offset)
{
	struct x86_guest_paging p = long_mode();
	u64 gpa;
	u32 err;

	build_4level(RW | US, RW | US);
	CHECK_EQ(xlate(&p, 0x40000abc, X86_ACCESS_READ, false, &gpa, &err), 0);
	CHECK_EQ(gpa, 0x100abc);
	CHECK_EQ(xlate(&p, 0x40003fff, X86_ACCESS_WRITE, true, &gpa, &err), 0);
	CHECK_EQ(gpa, 0x103fff);
	CHECK_EQ(xlate(&p, 0x40002000, X86_ACCESS_FETCH, true, &gpa, &err), 0);
	CHECK_EQ(gpa, 0x102000);
}

UNIT_TEST(missing_pages_fault_with_the_access_bits)
{
	struct x86_guest_paging p = long_mode();
	u64 gpa;
	u32 err;

	build_4level(RW | US, RW | US);
	/* PTE 4 is empty; PML4 entry 1 is empty. */
	CHECK_EQ(xlate(&p, 0x40004000, X86_ACCESS_WRITE, true, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_WRITE | X86_PF_USER);
	CHECK_EQ(gpa, 0xdead);
	CHECK_EQ(
		xlate(&p, 0x8000000000ULL, X86_ACCESS_FETCH, false, &gpa, &err),
		-EFAULT);
	CHECK_EQ(err, X86_PF_FETCH);
	CHECK_EQ(xlate(&p, 0x40004000, X86_ACCESS_READ, false, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, 0);
}

UNIT_TEST(permissions_are_those_of_every_level)
{
	struct x86_guest_paging p = long_mode();
	u64 gpa;
	u32 err;

	/* The PD entry alone withholds user access and writes. */
	build_4level(RW | US, RW | US);
	put64(0x3000, 0x4000 | P);
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_READ, true, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_USER);
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_WRITE, false, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_WRITE);
	/* Without CR0.WP the kernel writes read-only pages. */
	p.cr0 &= ~X86_CR0_WP_BIT;
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_WRITE, false, &gpa, &err), 0);
	CHECK_EQ(gpa, 0x100000);
	/* ...but user mode still does not. */
	put64(0x3000, 0x4000 | P | US);
	put64(0x4000, 0x100000 | P | US);
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_WRITE, true, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_WRITE | X86_PF_USER);
}

UNIT_TEST(no_execute_with_nxe_and_reserved_without)
{
	struct x86_guest_paging p = long_mode();
	u64 gpa;
	u32 err;

	build_4level(RW | US, RW | US | NX);
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_READ, false, &gpa, &err), 0);
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_FETCH, false, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_FETCH);
	/* NX in a table entry forbids everything below it. */
	build_4level(RW | US, RW | US);
	put64(0x2000 + 8, 0x3000 | P | RW | US | NX);
	CHECK_EQ(xlate(&p, 0x40001000, X86_ACCESS_FETCH, true, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_FETCH | X86_PF_USER);
	/* EFER.NXE clear: bit 63 is reserved, even for a read. */
	p.efer &= ~X86_EFER_NXE_BIT;
	CHECK_EQ(xlate(&p, 0x40001000, X86_ACCESS_READ, false, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_RSVD);
	/* ...and a fetch fault then has no fetch bit (neither NX nor SMEP). */
	build_4level(RW | US, RW | US);
	CHECK_EQ(xlate(&p, 0x40004000, X86_ACCESS_FETCH, false, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, 0);
}

UNIT_TEST(smep_refuses_kernel_fetches_from_user_pages)
{
	struct x86_guest_paging p = long_mode();
	u64 gpa;
	u32 err;

	build_4level(RW | US, RW | US);
	p.cr4 |= X86_CR4_SMEP_BIT;
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_FETCH, false, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_FETCH);
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_FETCH, true, &gpa, &err), 0);
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_READ, false, &gpa, &err), 0);
	/* A supervisor page somewhere on the path makes it the kernel's. */
	put64(0x3000, 0x4000 | P | RW);
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_FETCH, false, &gpa, &err), 0);
}

UNIT_TEST(large_pages_of_2m_and_1g)
{
	struct x86_guest_paging p = long_mode();
	u64 gpa;
	u32 err;

	build_4level(RW, RW);
	/* PD entry 1: a 2 MiB page at 0x600000. */
	put64(0x3000 + 8, 0x600000 | P | RW | PS);
	CHECK_EQ(xlate(&p, 0x40212345, X86_ACCESS_READ, false, &gpa, &err), 0);
	CHECK_EQ(gpa, 0x612345);
	/* PDPT entry 2: a 1 GiB page at 0x40000000 (above this fake RAM). */
	put64(0x2000 + 2 * 8, 0x40000000 | P | RW | PS);
	CHECK_EQ(xlate(&p, 0x80000000ULL + 0x3456789, X86_ACCESS_READ, false,
		       &gpa, &err),
		 0);
	CHECK_EQ(gpa, 0x43456789);
	/* A large page's address below its size is reserved. */
	put64(0x3000 + 8, 0x602000 | P | RW | PS);
	CHECK_EQ(xlate(&p, 0x40200000, X86_ACCESS_READ, false, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_RSVD);
	/* Its bit 12 is PAT, not address. */
	put64(0x3000 + 8, 0x600000 | 0x1000 | P | RW | PS);
	CHECK_EQ(xlate(&p, 0x40200010, X86_ACCESS_READ, false, &gpa, &err), 0);
	CHECK_EQ(gpa, 0x600010);
}

UNIT_TEST(reserved_bits_above_the_physical_width_and_pml4_ps)
{
	struct x86_guest_paging p = long_mode();
	u64 gpa;
	u32 err;

	build_4level(RW, RW);
	put64(0x4000, (1ULL << 40) | 0x100000 | P | RW);
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_WRITE, false, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_WRITE | X86_PF_RSVD);
	p.pa_bits = 41;
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_WRITE, false, &gpa, &err), 0);
	CHECK_EQ(gpa, (1ULL << 40) | 0x100000);
	put64(0x1000, 0x2000 | P | RW | PS);
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_READ, false, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_RSVD);
}

UNIT_TEST(non_canonical_and_unreadable_tables)
{
	struct x86_guest_paging p = long_mode();
	u64 gpa;
	u32 err;

	build_4level(RW, RW);
	CHECK_EQ(xlate(&p, 0x0000800000000000ULL, X86_ACCESS_READ, false, &gpa,
		       &err),
		 -EINVAL);
	CHECK_EQ(xlate(&p, 0xffff800000000000ULL, X86_ACCESS_READ, false, &gpa,
		       &err),
		 -EFAULT); /* canonical, just not mapped */
	/* A table outside the guest's RAM. */
	put64(0x3000, 0x7f000000 | P | RW);
	CHECK_EQ(xlate(&p, 0x40000000, X86_ACCESS_READ, false, &gpa, &err),
		 -EIO);
}

UNIT_TEST(five_levels_with_la57)
{
	struct x86_guest_paging p = long_mode();
	u64 gpa;
	u32 err;
	u64 la = (2ULL << 48) | 0x40000123; /* PML5 index 2 */

	build_4level(RW, RW);
	memset(ram + 0x5000, 0, 0x1000);
	put64(0x5000 + 2 * 8, 0x1000 | P | RW);
	p.cr3 = 0x5000;
	p.cr4 |= X86_CR4_LA57_BIT;
	CHECK_EQ(xlate(&p, la, X86_ACCESS_READ, false, &gpa, &err), 0);
	CHECK_EQ(gpa, 0x100123);
	/* 57-bit canonical: bit 56 extends upwards. */
	CHECK_EQ(xlate(&p, 0x0200000000000000ULL, X86_ACCESS_READ, false, &gpa,
		       &err),
		 -EINVAL);
	/* A PML4 entry with PS is reserved under five levels too. */
	put64(0x1000, 0x2000 | P | RW | PS);
	CHECK_EQ(xlate(&p, la, X86_ACCESS_READ, false, &gpa, &err), -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_RSVD);
}

UNIT_TEST(pae_paging_from_four_pdptes)
{
	struct x86_guest_paging p = long_mode();
	u64 gpa;
	u32 err;

	memset(ram, 0, 0x10000);
	p.efer = X86_EFER_NXE_BIT;
	p.cr3 = 0x1020; /* 32-byte aligned PDPT */
	put64(0x1020 + 3 * 8, 0x3000 | P); /* 0xc0000000-0xffffffff */
	put64(0x3000 + 1 * 8, 0x4000 | P | RW | US); /* 0xc0200000 */
	put64(0x4000 + 5 * 8, 0x200000 | P | RW | US | NX);
	put64(0x3000 + 2 * 8, 0xa00000 | P | RW | PS); /* 0xc0400000 */
	CHECK_EQ(xlate(&p, 0xc0205678, X86_ACCESS_WRITE, true, &gpa, &err), 0);
	CHECK_EQ(gpa, 0x200678);
	CHECK_EQ(xlate(&p, 0xc0205678, X86_ACCESS_FETCH, true, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_FETCH | X86_PF_USER);
	CHECK_EQ(xlate(&p, 0xc0412345, X86_ACCESS_READ, false, &gpa, &err), 0);
	CHECK_EQ(gpa, 0xa12345);
	/* The address is 32 bits wide outside long mode. */
	CHECK_EQ(xlate(&p, 0x1c0205678ULL, X86_ACCESS_READ, true, &gpa, &err),
		 0);
	CHECK_EQ(gpa, 0x200678);
	/* A PDPTE's RW bit is reserved. */
	put64(0x1020 + 3 * 8, 0x3000 | P | RW);
	CHECK_EQ(xlate(&p, 0xc0205678, X86_ACCESS_READ, true, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, X86_PF_PRESENT | X86_PF_USER | X86_PF_RSVD);
}

UNIT_TEST(thirty_two_bit_paging_with_and_without_pse)
{
	struct x86_guest_paging p = long_mode();
	u64 gpa;
	u32 err;

	memset(ram, 0, 0x10000);
	p.efer = 0;
	p.cr4 = 0;
	p.cr3 = 0x1000;
	put32(0x1000 + 0x300 * 4, 0x2000 | P | RW); /* 0xc0000000 */
	put32(0x2000 + 7 * 4, 0x345000 | P | RW);
	put32(0x1000 + 0x301 * 4, 0x800000 | P | RW | PS); /* 0xc0400000 */
	CHECK_EQ(xlate(&p, 0xc0007abc, X86_ACCESS_READ, false, &gpa, &err), 0);
	CHECK_EQ(gpa, 0x345abc);
	/*
	 * Without CR4.PSE a PDE's PS bit is ignored: it names a table, at
	 * 0x800000, whose entries are all empty.
	 */
	CHECK_EQ(xlate(&p, 0xc0400000, X86_ACCESS_READ, false, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, 0);
	p.cr4 = X86_CR4_PSE_BIT;
	CHECK_EQ(xlate(&p, 0xc0512345, X86_ACCESS_READ, false, &gpa, &err), 0);
	CHECK_EQ(gpa, 0x912345);
	/* PSE-36: PDE bits 20:13 are address bits 39:32. */
	put32(0x1000 + 0x301 * 4, 0x800000 | (0x5 << 13) | P | RW | PS);
	CHECK_EQ(xlate(&p, 0xc0400004, X86_ACCESS_READ, false, &gpa, &err), 0);
	CHECK_EQ(gpa, 0x500800004ULL);
	/* No NX here: a fetch fault has no fetch bit, bit 31 is address. */
	CHECK_EQ(xlate(&p, 0xc0800000, X86_ACCESS_FETCH, false, &gpa, &err),
		 -EFAULT);
	CHECK_EQ(err, 0);
}

UNIT_TEST(fetch_crosses_into_the_next_page_or_stops_there)
{
	struct x86_guest_paging p = long_mode();
	u8 buf[15];
	unsigned int got;
	u32 err;

	build_4level(RW, RW);
	for (unsigned int i = 0; i < 16; i++) {
		ram[0x100ff8 + i] = (u8)(0x10 + i);
	}
	/* The bytes at the end of page 0 and the start of page 1. */
	CHECK_EQ(x86_guest_fetch(&p, 0x40000ff8, false, buf, 15, &got, &err),
		 0);
	CHECK_EQ(got, 15);
	CHECK_EQ(buf[0], 0x10);
	CHECK_EQ(buf[7], 0x17);
	CHECK_EQ(buf[8], ram[0x101000]);
	/* Page 4 is not mapped: the fetch stops at the end of page 3. */
	CHECK_EQ(x86_guest_fetch(&p, 0x40003ffc, false, buf, 15, &got, &err),
		 0);
	CHECK_EQ(got, 4);
	/* Nothing at all: the first byte's fault. */
	CHECK_EQ(x86_guest_fetch(&p, 0x40004000, true, buf, 15, &got, &err),
		 -EFAULT);
	CHECK_EQ(got, 0);
	CHECK_EQ(err, X86_PF_FETCH | X86_PF_USER);
	CHECK(reads > 0);
}

UNIT_MAIN()
