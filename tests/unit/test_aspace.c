// SPDX-License-Identifier: GPL-2.0
/*
 * core/aspace.c: a guest's regions kept sorted by guest-physical address
 * and never overlapping, found by binary search. Checked through
 * keel/guest.h against what the header promises and, for lookups over
 * many regions, against a linear scan of the same regions; copies in
 * and out of RAM and ROM across region boundaries, refused elsewhere.
 */
#include "unit.h"
#include <string.h>

#include <keel/errno.h>
#include <keel/guest.h>

static struct aspace as;

static struct region ram(u64 gpa, u64 size)
{
	struct region r;

	memset(&r, 0, sizeof(r));
	r.gpa = gpa;
	r.size = size;
	r.type = REGION_RAM;
	strcpy(r.name, "ram");
	return r;
}

static int insert(u64 gpa, u64 size)
{
	struct region r = ram(gpa, size);

	return aspace_insert(&as, &r, NULL);
}

static void reset(void)
{
	memset(&as, 0x5a, sizeof(as));
	as.nr = 0;
}

/* Sorted, non-overlapping, and nothing but what was inserted. */
static bool well_formed(void)
{
	for (unsigned int i = 1; i < as.nr; i++) {
		const struct region *a = &as.regions[i - 1];

		if (a->gpa + a->size > as.regions[i].gpa)
			return false;
	}
	return as.nr <= ASPACE_MAX_REGIONS;
}

UNIT_TEST(empty_finds_nothing)
{
	reset();
	CHECK(aspace_find(&as, 0) == NULL);
	CHECK(aspace_find(&as, 0x40000000) == NULL);
	CHECK(aspace_find(&as, ~0ULL) == NULL);
}

UNIT_TEST(find_covers_exactly_the_region)
{
	struct region r = ram(0x40000000, 0x10000), *out = NULL;

	reset();
	r.type = REGION_EMULATED;
	strcpy(r.name, "pl011@9000000");
	CHECK_EQ(aspace_insert(&as, &r, &out), 0);
	CHECK_EQ(as.nr, 1);
	CHECK(out == &as.regions[0]);
	CHECK_EQ(out->gpa, 0x40000000);
	CHECK_EQ(out->size, 0x10000);
	CHECK_EQ(out->type, REGION_EMULATED);
	CHECK(!strcmp(out->name, "pl011@9000000"));

	CHECK(aspace_find(&as, 0x3fffffff) == NULL);
	CHECK(aspace_find(&as, 0x40000000) == out);
	CHECK(aspace_find(&as, 0x40008000) == out);
	CHECK(aspace_find(&as, 0x4000ffff) == out);
	CHECK(aspace_find(&as, 0x40010000) == NULL);
}

UNIT_TEST(inserts_in_any_order_come_out_sorted)
{
	static const u64 bases[] = { 0x50000, 0x10000, 0x90000, 0x30000,
				     0x70000, 0x00000, 0x20000 };
	struct region *out;

	reset();
	for (unsigned int i = 0; i < ARRAY_SIZE(bases); i++) {
		struct region r = ram(bases[i], 0x8000);

		out = NULL;
		CHECK_EQ(aspace_insert(&as, &r, &out), 0);
		/* out points at the stored copy, wherever it went. */
		CHECK(out != NULL && out->gpa == bases[i]);
	}
	CHECK_EQ(as.nr, ARRAY_SIZE(bases));
	CHECK(well_formed());
	for (unsigned int i = 1; i < as.nr; i++)
		CHECK(as.regions[i - 1].gpa < as.regions[i].gpa);
	for (unsigned int i = 0; i < ARRAY_SIZE(bases); i++) {
		struct region *r = aspace_find(&as, bases[i] + 0x7fff);

		CHECK(r != NULL && r->gpa == bases[i]);
		CHECK(aspace_find(&as, bases[i] + 0x8000) == NULL);
	}
}

UNIT_TEST(touching_regions_are_not_overlapping)
{
	reset();
	CHECK_EQ(insert(0x2000, 0x1000), 0);
	CHECK_EQ(insert(0x1000, 0x1000), 0); /* ends where the first starts */
	CHECK_EQ(insert(0x3000, 0x1000), 0); /* starts where it ends */
	CHECK_EQ(as.nr, 3);
	CHECK(aspace_find(&as, 0x1fff)->gpa == 0x1000);
	CHECK(aspace_find(&as, 0x2000)->gpa == 0x2000);
	CHECK(aspace_find(&as, 0x2fff)->gpa == 0x2000);
	CHECK(aspace_find(&as, 0x3000)->gpa == 0x3000);
}

UNIT_TEST(overlaps_refused_and_nothing_changes)
{
	struct aspace before;
	struct region r = ram(0x1800, 0x100), *out = (struct region *)&as;

	reset();
	CHECK_EQ(insert(0x1000, 0x1000), 0);
	CHECK_EQ(insert(0x4000, 0x1000), 0);
	memcpy(&before, &as, sizeof(as));

	CHECK_EQ(insert(0x1000, 0x1000), -EEXIST); /* the same */
	CHECK_EQ(insert(0x0800, 0x1000), -EEXIST); /* over the start */
	CHECK_EQ(insert(0x1fff, 0x0002), -EEXIST); /* over the end */
	CHECK_EQ(insert(0x1400, 0x0100), -EEXIST); /* inside */
	CHECK_EQ(insert(0x0000, 0x8000), -EEXIST); /* around both */
	CHECK_EQ(insert(0x3fff, 0x0002), -EEXIST); /* the next one's start */
	CHECK_EQ(insert(0x1fff, 0x2002), -EEXIST); /* both ends */
	CHECK_EQ(aspace_insert(&as, &r, &out), -EEXIST);
	CHECK(out == (struct region *)&as); /* not written on failure */
	CHECK(!memcmp(&before, &as, sizeof(as)));

	/* The gap between them is still free. */
	CHECK_EQ(insert(0x2000, 0x2000), 0);
	CHECK_EQ(as.nr, 3);
}

UNIT_TEST(empty_and_wrapping_regions_refused)
{
	reset();
	CHECK_EQ(insert(0x1000, 0), -EINVAL);
	CHECK_EQ(insert(~0ULL, 2), -EINVAL);
	CHECK_EQ(insert(0xfffffffffffff000ULL, 0x2000), -EINVAL);
	/* One ending at 2^64 wraps to 0 too: the top page cannot be had. */
	CHECK_EQ(insert(0xfffffffffffff000ULL, 0x1000), -EINVAL);
	CHECK_EQ(as.nr, 0);
	/* Up to the last page below it can. */
	CHECK_EQ(insert(0xffffffffffffe000ULL, 0x1000), 0);
	CHECK(aspace_find(&as, 0xffffffffffffefffULL) != NULL);
	CHECK(aspace_find(&as, 0xfffffffffffff000ULL) == NULL);
	CHECK(aspace_find(&as, ~0ULL) == NULL);
}

UNIT_TEST(full_table_refuses_with_enospc)
{
	reset();
	for (unsigned int i = 0; i < ASPACE_MAX_REGIONS; i++)
		CHECK_EQ(insert((u64)i * 0x10000, 0x1000), 0);
	CHECK_EQ(as.nr, ASPACE_MAX_REGIONS);
	CHECK_EQ(insert((u64)ASPACE_MAX_REGIONS * 0x10000, 0x1000), -ENOSPC);
	CHECK_EQ(insert(0x8000, 0x1000), -ENOSPC); /* in a gap, still full */
	CHECK_EQ(insert(0x8000, 0), -EINVAL); /* bad before full */
	CHECK_EQ(as.nr, ASPACE_MAX_REGIONS);
	CHECK(well_formed());
	for (unsigned int i = 0; i < ASPACE_MAX_REGIONS; i++) {
		struct region *r = aspace_find(&as, (u64)i * 0x10000 + 0xfff);

		CHECK(r == &as.regions[i]);
		CHECK(aspace_find(&as, (u64)i * 0x10000 + 0x1000) == NULL);
	}
}

/* A linear scan: what aspace_find must agree with. */
static struct region *find_by_scan(u64 gpa)
{
	for (unsigned int i = 0; i < as.nr; i++)
		if (gpa >= as.regions[i].gpa &&
		    gpa - as.regions[i].gpa < as.regions[i].size)
			return &as.regions[i];
	return NULL;
}

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

UNIT_TEST(find_agrees_with_a_scan_over_random_layouts)
{
	for (unsigned int round = 0; round < 200; round++) {
		unsigned int tries = 0;

		reset();
		/* Random pages and sizes in a small space: many collisions. */
		while (as.nr < ASPACE_MAX_REGIONS && tries++ < 200) {
			u64 gpa = (rng() % 256) * 0x1000;
			u64 size = (rng() % 8 + 1) * 0x1000;
			bool overlaps = false;
			int err;

			for (unsigned int i = 0; i < as.nr; i++)
				if (gpa < as.regions[i].gpa +
						    as.regions[i].size &&
				    as.regions[i].gpa < gpa + size)
					overlaps = true;
			err = insert(gpa, size);
			CHECK_EQ(err, overlaps ? -EEXIST : 0);
		}
		CHECK(well_formed());
		for (u64 gpa = 0; gpa < 0x108000; gpa += 0x800) {
			CHECK(aspace_find(&as, gpa) == find_by_scan(gpa));
			CHECK(aspace_find(&as, gpa + 0x7ff) ==
			      find_by_scan(gpa + 0x7ff));
		}
	}
}

/* ---- copies in and out of the memory behind the regions ---- */

static char mem_a[0x2000], mem_b[0x1000];

static int insert_backed(u64 gpa, u64 size, enum region_type type, void *host)
{
	struct region r = ram(gpa, size);

	r.type = type;
	r.host = host;
	return aspace_insert(&as, &r, NULL);
}

UNIT_TEST(copies_span_adjacent_ram_and_rom)
{
	char in[0x100], out[0x100];

	reset();
	memset(mem_a, 0, sizeof(mem_a));
	memset(mem_b, 0, sizeof(mem_b));
	CHECK_EQ(insert_backed(0x10000, 0x2000, REGION_RAM, mem_a), 0);
	CHECK_EQ(insert_backed(0x12000, 0x1000, REGION_ROM, mem_b), 0);
	for (unsigned int i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 7 + 1);
	/* 0x80 bytes at the end of the RAM, 0x80 at the start of the ROM */
	CHECK_EQ(aspace_write(&as, 0x11f80, in, sizeof(in)), 0);
	CHECK(!memcmp(mem_a + 0x1f80, in, 0x80));
	CHECK(!memcmp(mem_b, in + 0x80, 0x80));
	memset(out, 0, sizeof(out));
	CHECK_EQ(aspace_read(&as, 0x11f80, out, sizeof(out)), 0);
	CHECK(!memcmp(out, in, sizeof(in)));
	CHECK_EQ(aspace_read(&as, 0x12fff, out, 1), 0);
	CHECK_EQ(aspace_read(&as, 0x12fff, out, 2), -EFAULT);
	CHECK_EQ(aspace_write(&as, 0x0, in, 0), 0);
}

UNIT_TEST(copies_refuse_holes_and_devices)
{
	char buf[0x20] = { 0 };
	struct region dev = ram(0x20000, 0x1000);

	reset();
	CHECK_EQ(insert_backed(0x10000, 0x1000, REGION_RAM, mem_a), 0);
	dev.type = REGION_EMULATED;
	CHECK_EQ(aspace_insert(&as, &dev, NULL), 0);
	/* a hole right after the RAM, a device, nothing at all */
	CHECK_EQ(aspace_write(&as, 0x10ff0, buf, sizeof(buf)), -EFAULT);
	CHECK_EQ(aspace_read(&as, 0x20000, buf, 4), -EFAULT);
	CHECK_EQ(aspace_write(&as, 0x20000, buf, 4), -EFAULT);
	CHECK_EQ(aspace_read(&as, 0x30000, buf, 4), -EFAULT);
	CHECK_EQ(aspace_read(&as, 0xfffffffffffffff0ULL, buf, 4), -EFAULT);
}

UNIT_TEST(ram_ptr_inside_one_region_only)
{
	struct region dev = ram(0x20000, 0x1000), *hint = NULL;

	reset();
	CHECK_EQ(insert_backed(0x10000, 0x2000, REGION_RAM, mem_a), 0);
	CHECK_EQ(insert_backed(0x12000, 0x1000, REGION_ROM, mem_b), 0);
	dev.type = REGION_EMULATED;
	CHECK_EQ(aspace_insert(&as, &dev, NULL), 0);
	CHECK(aspace_ram_ptr(&as, 0x10008, 8, NULL) == mem_a + 8);
	CHECK(aspace_ram_ptr(&as, 0x11ff8, 8, &hint) == mem_a + 0x1ff8);
	CHECK(hint && hint->gpa == 0x10000);
	/* The hint's region again, then another: the hint follows. */
	CHECK(aspace_ram_ptr(&as, 0x10000, 0x2000, &hint) == mem_a);
	CHECK(aspace_ram_ptr(&as, 0x12010, 4, &hint) == mem_b + 0x10);
	CHECK(hint && hint->gpa == 0x12000);
	/* Across the RAM-ROM seam, past the end, a device, a hole: NULL. */
	CHECK(!aspace_ram_ptr(&as, 0x11ffc, 8, &hint));
	CHECK(!aspace_ram_ptr(&as, 0x12ff9, 8, &hint));
	CHECK(!aspace_ram_ptr(&as, 0x20000, 4, &hint));
	CHECK(!aspace_ram_ptr(&as, 0x30000, 4, &hint));
	CHECK(!aspace_ram_ptr(&as, 0xfffffffffffffff8ULL, 8, &hint));
	/* A length that wraps is not inside anything. */
	CHECK(!aspace_ram_ptr(&as, 0x10000, (size_t)-1, NULL));
}

UNIT_MAIN();
