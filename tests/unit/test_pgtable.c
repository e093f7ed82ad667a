// SPDX-License-Identifier: GPL-2.0
/*
 * The core page-table walker (core/mm/pgtable.c) in every format Keel
 * uses, built from the arch format files themselves: arm64 stage 1 with
 * 39- and 48-bit input, arm64 stage 2 with concatenated start-level
 * tables, riscv Sv39, Sv48, Sv39x4 and Sv48x4, and an x86-64 long-mode
 * format written here from the manual, to show that it fits unchanged.
 *
 * Tables come from the host heap (the host's identity "physical"
 * addresses); the callbacks count allocations and frees and record every
 * flush. Every map and unmap goes through op_map/op_unmap, which look up
 * probe addresses before and after and check that each translation that
 * changed was flushed (a translation that was invalid only where the
 * format's hardware caches invalid entries), and that each table freed
 * was unreachable, empty and flushed over its whole span before it went.
 */
#include "unit.h"
#include <string.h>

#include <keel/errno.h>
#include <keel/page_alloc.h>
#include <keel/pgtable.h>
#include "../../arch/arm64/pgtable.h"
#include "../../arch/riscv/pgtable.h"
#include "../../arch/x86_64/pgtable.h"

#define PG 0x1000ULL
#define MAX_TABLES 4096
#define MAX_FLUSHES 4096
#define MAX_PROBES 2048
/* Inside every format's input range (the smallest is 2^39). */
#define VA_BASE 0x200000000ULL
#define PA_BASE 0x40000000ULL

/* x86-64 (arch/x86_64/pgtable_format.c): short names for its bits. */
#define X86_P X86_PTE_P
#define X86_RW X86_PTE_RW
#define X86_PS X86_PTE_PS
#define X86_PAT_LARGE X86_PTE_PAT_LARGE
#define X86_NX X86_PTE_NX
#define X86_ADDR X86_PTE_ADDR

static int x86_64_format(struct pgtable_format *fmt)
{
	return x86_longmode_format(fmt, true);
}

/* Without the 1 GiB page feature: 2 MiB leaves at most. */
static int x86_64_2m_format(struct pgtable_format *fmt)
{
	return x86_longmode_format(fmt, false);
}

/* ---- the formats under test ---- */

struct fcase {
	int (*make)(struct pgtable_format *fmt);
	u64 attrs, other_attrs;
	/* Attributes attrs_valid refuses; 0 when every value is accepted. */
	u64 bad_attrs;
};

static int a64_s1_39(struct pgtable_format *f)
{
	return arm64_stage1_format(f, 39);
}

static int a64_s1_48(struct pgtable_format *f)
{
	return arm64_stage1_format(f, 48);
}

/* 40 bits from level 1: two concatenated tables, an 8 KiB root. */
static int a64_s2_40c(struct pgtable_format *f)
{
	return arm64_stage2_format(f, 40, 1);
}

/* 42 bits from level 1: eight concatenated tables, a 32 KiB root. */
static int a64_s2_42c(struct pgtable_format *f)
{
	return arm64_stage2_format(f, 42, 1);
}

static int sv39(struct pgtable_format *f)
{
	return riscv_sv_format(f, 3);
}

static int sv48(struct pgtable_format *f)
{
	return riscv_sv_format(f, 4);
}

static int sv39x4(struct pgtable_format *f)
{
	return riscv_svx4_format(f, 3);
}

static int sv48x4(struct pgtable_format *f)
{
	return riscv_svx4_format(f, 4);
}

/* AttrIndx 1, inner shareable, AF; the other adds XN. */
#define A64_ATTRS ((1ULL << 2) | (3ULL << 8) | (1ULL << 10))
#define A64_OTHER (A64_ATTRS | (1ULL << 54))
#define RV_ATTRS (PTE_R | PTE_W | PTE_A | PTE_D)
#define RV_OTHER (PTE_R | PTE_A | PTE_D)

static const struct fcase f_a64_s1_39 = { a64_s1_39, A64_ATTRS, A64_OTHER, 0 };
static const struct fcase f_a64_s1_48 = { a64_s1_48, A64_ATTRS, A64_OTHER, 0 };
static const struct fcase f_a64_s2_40c = { a64_s2_40c, A64_ATTRS, A64_OTHER,
					   0 };
static const struct fcase f_a64_s2_42c = { a64_s2_42c, A64_ATTRS, A64_OTHER,
					   0 };
static const struct fcase f_sv39 = { sv39, RV_ATTRS, RV_OTHER, PTE_A };
static const struct fcase f_sv48 = { sv48, RV_ATTRS, RV_OTHER, PTE_A };
static const struct fcase f_sv39x4 = { sv39x4, RV_ATTRS, RV_OTHER, PTE_A };
static const struct fcase f_sv48x4 = { sv48x4, RV_ATTRS, RV_OTHER, PTE_A };
/* PAT (bit 7 here) must survive large leaves and their splitting. */
static const struct fcase f_x86_64 = { x86_64_format, X86_RW | X86_PS | X86_NX,
				       X86_NX, 0 };
static const struct fcase f_x86_64_2m = { x86_64_2m_format,
					  X86_RW | X86_PS | X86_NX, X86_NX, 0 };

/* ---- host callbacks: counted tables, recorded flushes ---- */

struct flush_rec {
	u64 va, size;
	/* Whether the range's first address translated during the flush. */
	bool start_mapped;
};

struct known_table {
	void *table;
	u64 base, span; /* the input range the table covers */
};

static struct {
	struct pgtable pt;
	void *root;
	int allocs, frees;
	int alloc_limit; /* allocations allowed from now on; < 0: no limit */
	void *live[MAX_TABLES];
	int nr_live;
	struct flush_rec flushes[MAX_FLUSHES];
	int nr_flushes;
	/* While an unmap runs: the tables that existed before it. */
	struct known_table known[MAX_TABLES];
	int nr_known;
	bool checking_frees;
} H;

static void *host_alloc_table(void)
{
	void *t;

	if (H.alloc_limit == 0 || H.nr_live == MAX_TABLES)
		return NULL;
	if (H.alloc_limit > 0)
		H.alloc_limit--;
	t = aligned_alloc(PG, PG);
	memset(t, 0, PG);
	H.live[H.nr_live++] = t;
	H.allocs++;
	return t;
}

static bool covered(u64 lo, u64 size)
{
	u64 at = lo, hi = lo + size;
	bool advanced = true;

	while (at < hi && advanced) {
		advanced = false;
		for (int i = 0; i < H.nr_flushes; i++) {
			const struct flush_rec *f = &H.flushes[i];

			if (f->va <= at && at < f->va + f->size) {
				at = f->va + f->size;
				advanced = true;
			}
		}
	}
	return at >= hi;
}

/* Whether `table` is still linked from the root. */
static bool reachable(const u64 *table, const u64 *t, unsigned int level)
{
	const struct pgtable_format *fmt = &H.pt.fmt;

	if (t == table)
		return true;
	if (level == 0)
		return false;
	for (unsigned int i = 0; i < (1U << fmt->index_bits[level]); i++) {
		if (fmt->ops->is_valid(t[i], level) &&
		    fmt->ops->is_table(t[i], level) &&
		    reachable(table,
			      (u64 *)(uintptr_t)fmt->ops->output_address(t[i],
									 level),
			      level - 1))
			return true;
	}
	return false;
}

static void host_free_table(void *t)
{
	int i;

	for (i = 0; i < H.nr_live && H.live[i] != t; i++)
		;
	CHECK(i < H.nr_live);
	if (i == H.nr_live)
		return;
	if (H.checking_frees) {
		int k;

		for (k = 0; k < H.nr_known && H.known[k].table != t; k++)
			;
		/* Only a table made and dropped by this very map is new. */
		if (k < H.nr_known)
			CHECK(covered(H.known[k].base, H.known[k].span));
		CHECK(!reachable(t, H.root, H.pt.fmt.levels - 1));
		for (unsigned int e = 0; e < PG / 8; e++)
			CHECK(!H.pt.fmt.ops->is_valid(((u64 *)t)[e], 0));
	}
	H.live[i] = H.live[--H.nr_live];
	H.frees++;
	free(t);
}

static void host_flush(struct pgtable *pt, u64 va, u64 size)
{
	u64 pa, attrs;

	CHECK(pt == &H.pt);
	CHECK(size > 0);
	if (H.nr_flushes < MAX_FLUSHES)
		H.flushes[H.nr_flushes++] = (struct flush_rec){
			va, size, pgtable_lookup(pt, va, &pa, &attrs) == 0
		};
}

static void index_tables(const u64 *t, unsigned int level, u64 base)
{
	const struct pgtable_format *fmt = &H.pt.fmt;

	if (level == 0)
		return;

	for (unsigned int i = 0; i < (1U << fmt->index_bits[level]); i++) {
		u64 span = pgtable_level_span(fmt, level);
		u64 *next;

		if (!fmt->ops->is_valid(t[i], level) ||
		    !fmt->ops->is_table(t[i], level))
			continue;
		next = (u64 *)(uintptr_t)fmt->ops->output_address(t[i], level);
		if (H.nr_known < MAX_TABLES)
			H.known[H.nr_known++] =
				(struct known_table){ next, base + i * span,
						      span };
		index_tables(next, level - 1, base + i * span);
	}
}

/* ---- set-up and the checked operations ---- */

static const struct pgtable_format *setup(const struct fcase *fc)
{
	struct pgtable_format fmt;
	u64 size;

	memset(&H, 0, sizeof(H));
	H.alloc_limit = -1;
	CHECK_EQ(fc->make(&fmt), 0);
	size = pgtable_root_size(&fmt);
	H.root = aligned_alloc(size, size);
	memset(H.root, 0, size);
	CHECK_EQ(pgtable_init(&H.pt, &fmt, H.root, host_alloc_table,
			      host_free_table, host_flush),
		 0);
	return &H.pt.fmt;
}

static bool root_empty(void)
{
	const struct pgtable_format *fmt = &H.pt.fmt;
	unsigned int top = fmt->levels - 1;

	for (unsigned int i = 0; i < (1U << fmt->index_bits[top]); i++)
		if (fmt->ops->is_valid(((u64 *)H.root)[i], top))
			return false;
	return true;
}

static void teardown(void)
{
	pgtable_free_tables(&H.pt);
	CHECK(root_empty());
	CHECK_EQ(H.allocs, H.frees);
	CHECK_EQ(H.nr_live, 0);
	free(H.root);
}

struct probe {
	u64 va, pa, attrs;
	int err;
};

static struct probe probes[MAX_PROBES];
static int nr_probes;

/* Probes over [lo, hi) widened by a 2 MiB margin, at most MAX_PROBES. */
static void take_probes(u64 lo, u64 size)
{
	u64 margin = 2 * 1024 * 1024;
	u64 limit = H.pt.fmt.input_limit;
	u64 start = lo > margin ? lo - margin : 0;
	u64 end = lo + size < limit - margin ? lo + size + margin : limit;
	u64 step = PG;

	while ((end - start) / step > MAX_PROBES - 8)
		step *= 2;
	nr_probes = 0;
	for (u64 va = start; va < end && nr_probes < MAX_PROBES - 8; va += step)
		probes[nr_probes++].va = va;
	/* The edges themselves, whatever the step. */
	if (lo >= PG)
		probes[nr_probes++].va = lo - PG;
	probes[nr_probes++].va = lo;
	if (lo + size <= limit && size >= PG) {
		probes[nr_probes++].va = lo + size - PG;
		if (lo + size < limit)
			probes[nr_probes++].va = lo + size;
	}
	for (int i = 0; i < nr_probes; i++)
		probes[i].err = pgtable_lookup(&H.pt, probes[i].va,
					       &probes[i].pa, &probes[i].attrs);
}

static void check_probes(void)
{
	for (int i = 0; i < nr_probes; i++) {
		struct probe now = { .va = probes[i].va };
		bool changed;

		now.err = pgtable_lookup(&H.pt, now.va, &now.pa, &now.attrs);
		changed = now.err != probes[i].err ||
			  (!now.err && (now.pa != probes[i].pa ||
					now.attrs != probes[i].attrs));
		if (changed && (!probes[i].err || H.pt.fmt.caches_invalid) &&
		    !covered(now.va, PG)) {
			printf("  change at %#llx not flushed\n",
			       (unsigned long long)now.va);
			CHECK(false);
		}
	}
}

static void begin_op(u64 va, u64 size)
{
	H.nr_flushes = 0;
	H.nr_known = 0;
	index_tables(H.root, H.pt.fmt.levels - 1, 0);
	H.checking_frees = true;
	if (va < H.pt.fmt.input_limit)
		take_probes(va, size);
	else
		nr_probes = 0;
}

static void end_op(void)
{
	H.checking_frees = false;
	check_probes();
}

static int op_map(u64 va, u64 pa, u64 size, u64 attrs)
{
	int err;

	begin_op(va, size);
	err = pgtable_map(&H.pt, va, pa, size, attrs);
	end_op();
	return err;
}

static int op_unmap(u64 va, u64 size)
{
	int err;

	begin_op(va, size);
	err = pgtable_unmap(&H.pt, va, size);
	end_op();
	return err;
}

/* Whether va translates to pa with attrs. */
static bool maps(u64 va, u64 pa, u64 attrs)
{
	u64 got_pa = 0, got_attrs = 0;

	return pgtable_lookup(&H.pt, va, &got_pa, &got_attrs) == 0 &&
	       got_pa == pa && got_attrs == attrs;
}

static bool unmapped(u64 va)
{
	u64 pa, attrs;

	return pgtable_lookup(&H.pt, va, &pa, &attrs) == -ENOENT;
}

static unsigned int top_leaf_level(const struct pgtable_format *fmt)
{
	unsigned int l = 0;

	while (fmt->leaf_levels >> (l + 1))
		l++;
	return l;
}

/* ---- the scenarios, each run for every format ---- */

static void t_map_pages(const struct fcase *fc)
{
	const struct pgtable_format *fmt = setup(fc);
	u64 va = VA_BASE + 3 * PG, pa = PA_BASE + 5 * PG;

	CHECK_EQ(op_map(va, pa, 3 * PG, fc->attrs), 0);
	CHECK_EQ(H.allocs, (int)fmt->levels - 1);
	for (int i = 0; i < 3; i++)
		CHECK(maps(va + i * PG, pa + i * PG, fc->attrs));
	CHECK(maps(va + PG + 0x234, pa + PG + 0x234, fc->attrs));
	CHECK(unmapped(va - PG));
	CHECK(unmapped(va + 3 * PG));
	CHECK_EQ(op_unmap(va, 3 * PG), 0);
	CHECK(unmapped(va));
	teardown();
}

static void t_map_blocks(const struct fcase *fc)
{
	const struct pgtable_format *fmt = setup(fc);
	u64 s1 = pgtable_level_span(fmt, 1);
	unsigned int top = top_leaf_level(fmt);
	u64 stop = pgtable_level_span(fmt, top);
	u64 sub = pgtable_level_span(fmt, top - 1);
	u64 va = VA_BASE + s1 - PG, pa = PA_BASE + s1 - PG;
	int before;

	/* A page, two level-1 blocks, a page: two page tables, no more. */
	CHECK_EQ(op_map(va, pa, 2 * s1 + 2 * PG, fc->attrs), 0);
	CHECK_EQ(H.allocs, (int)fmt->levels);
	CHECK(maps(va, pa, fc->attrs));
	CHECK(maps(va + PG + 0x12345, pa + PG + 0x12345, fc->attrs));
	CHECK(maps(va + 2 * s1 + PG, pa + 2 * s1 + PG, fc->attrs));
	CHECK(unmapped(va + 2 * s1 + 2 * PG));
	CHECK_EQ(op_unmap(va, 2 * s1 + 2 * PG), 0);
	CHECK_EQ(H.frees, H.allocs);
	CHECK(root_empty());

	/* The largest leaf the format allows, where it is allowed. */
	before = H.allocs;
	CHECK_EQ(op_map(stop, stop, stop, fc->attrs), 0);
	CHECK_EQ(H.allocs - before, (int)(fmt->levels - 1 - top));
	CHECK(maps(stop + stop / 2 + 0x123, stop + stop / 2 + 0x123,
		   fc->attrs));
	CHECK(unmapped(stop - PG));
	CHECK(unmapped(2 * stop));
	/* Misaligned output: the same range takes the next level down. */
	CHECK_EQ(op_map(2 * stop, 3 * stop + sub, stop, fc->attrs), 0);
	CHECK(maps(2 * stop + sub + PG, 3 * stop + 2 * sub + PG, fc->attrs));
	CHECK_EQ(op_unmap(stop, 2 * stop), 0);
	CHECK_EQ(H.frees, H.allocs);
	teardown();
}

static void t_remap(const struct fcase *fc)
{
	const struct pgtable_format *fmt = setup(fc);
	u64 s1 = pgtable_level_span(fmt, 1);
	u64 va = VA_BASE, pa = PA_BASE;
	int allocs;

	CHECK_EQ(op_map(va, pa, 2 * PG, fc->attrs), 0);
	allocs = H.allocs;
	/* Identical again, and one page further: allowed. */
	CHECK_EQ(op_map(va, pa, 2 * PG, fc->attrs), 0);
	CHECK_EQ(op_map(va + PG, pa + PG, 2 * PG, fc->attrs), 0);
	CHECK_EQ(H.allocs, allocs);
	CHECK(maps(va + 2 * PG, pa + 2 * PG, fc->attrs));
	/* Other output or other attributes: refused, nothing changed. */
	CHECK_EQ(op_map(va, pa + PG, PG, fc->attrs), -EEXIST);
	CHECK_EQ(op_map(va, pa, PG, fc->other_attrs), -EEXIST);
	CHECK(maps(va, pa, fc->attrs));
	/* Partly conflicting: what precedes the conflict is mapped. */
	CHECK_EQ(op_map(va + 6 * PG, pa + 100 * PG, PG, fc->attrs), 0);
	CHECK_EQ(op_map(va + 4 * PG, pa + 2 * PG, 4 * PG, fc->attrs), -EEXIST);
	CHECK(maps(va + 4 * PG, pa + 2 * PG, fc->attrs));
	CHECK(maps(va + 5 * PG, pa + 3 * PG, fc->attrs));
	CHECK(maps(va + 6 * PG, pa + 100 * PG, fc->attrs));
	CHECK(unmapped(va + 7 * PG));

	/* A block, then pages inside it. */
	CHECK_EQ(op_map(va + s1, pa + s1, s1, fc->attrs), 0);
	allocs = H.allocs;
	CHECK_EQ(op_map(va + s1 + 7 * PG, pa + s1 + 7 * PG, 2 * PG, fc->attrs),
		 0);
	CHECK_EQ(H.allocs, allocs);
	CHECK_EQ(op_map(va + s1 + 7 * PG, pa + 7 * PG, PG, fc->attrs), -EEXIST);
	CHECK_EQ(
		op_map(va + s1 + 7 * PG, pa + s1 + 7 * PG, PG, fc->other_attrs),
		-EEXIST);
	CHECK(maps(va + s1 + 7 * PG, pa + s1 + 7 * PG, fc->attrs));

	/* A block over pages with identical output: the pages are kept. */
	CHECK_EQ(op_map(va + 2 * s1, pa + 2 * s1, PG, fc->attrs), 0);
	CHECK_EQ(op_map(va + 2 * s1, pa + 2 * s1, s1, fc->attrs), 0);
	CHECK(maps(va + 3 * s1 - PG, pa + 3 * s1 - PG, fc->attrs));
	CHECK_EQ(op_map(va + 2 * s1, pa, s1, fc->attrs), -EEXIST);
	teardown();
}

static void t_split(const struct fcase *fc)
{
	const struct pgtable_format *fmt = setup(fc);
	u64 s1 = pgtable_level_span(fmt, 1);
	u64 s2 = pgtable_level_span(fmt, 2);
	u64 va = VA_BASE, pa = PA_BASE;
	bool saw_break = false, saw_live_flush = false;
	int allocs;

	CHECK_EQ(op_map(va, pa, s1, fc->attrs), 0);
	allocs = H.allocs;
	CHECK_EQ(op_unmap(va + 5 * PG, PG), 0);
	CHECK_EQ(H.allocs, allocs + 1);
	CHECK(maps(va, pa, fc->attrs));
	CHECK(maps(va + 4 * PG, pa + 4 * PG, fc->attrs));
	CHECK(unmapped(va + 5 * PG));
	CHECK(maps(va + 6 * PG, pa + 6 * PG, fc->attrs));
	CHECK(maps(va + s1 - PG, pa + s1 - PG, fc->attrs));
	/* The block was flushed whole: broken first where the format says. */
	for (int i = 0; i < H.nr_flushes; i++) {
		if (H.flushes[i].va != va || H.flushes[i].size != s1)
			continue;
		if (H.flushes[i].start_mapped)
			saw_live_flush = true;
		else
			saw_break = true;
	}
	CHECK_EQ(saw_break, fmt->break_before_make);
	CHECK_EQ(saw_live_flush, !fmt->break_before_make);

	/* The rest, in two pieces: the split table goes with the last. */
	CHECK_EQ(op_unmap(va, 5 * PG), 0);
	CHECK_EQ(H.frees, 0);
	CHECK_EQ(op_unmap(va + 6 * PG, s1 - 6 * PG), 0);
	CHECK_EQ(H.frees, H.allocs);
	CHECK(root_empty());

	/* A level-2 leaf, where allowed, splits twice for one page. */
	if (fmt->leaf_levels & (1U << 2)) {
		u64 g = 2 * s2;

		CHECK_EQ(op_map(g, g, s2, fc->attrs), 0);
		allocs = H.allocs;
		CHECK_EQ(op_unmap(g + 3 * s1 + 9 * PG, PG), 0);
		CHECK_EQ(H.allocs, allocs + 2);
		CHECK(maps(g + 3 * s1 + 8 * PG, g + 3 * s1 + 8 * PG,
			   fc->attrs));
		CHECK(unmapped(g + 3 * s1 + 9 * PG));
		CHECK(maps(g + 7 * s1 + 0x777, g + 7 * s1 + 0x777, fc->attrs));
		/* Across two level-1 blocks. */
		CHECK_EQ(op_unmap(g + 5 * s1 - 2 * PG, 4 * PG), 0);
		CHECK(maps(g + 5 * s1 - 3 * PG, g + 5 * s1 - 3 * PG,
			   fc->attrs));
		CHECK(unmapped(g + 5 * s1 - 2 * PG));
		CHECK(unmapped(g + 5 * s1 + PG));
		CHECK(maps(g + 5 * s1 + 2 * PG, g + 5 * s1 + 2 * PG,
			   fc->attrs));
		CHECK_EQ(op_unmap(g, s2), 0);
		CHECK_EQ(H.frees, H.allocs);
		CHECK(root_empty());
	}
	teardown();
}

static void t_free_empty(const struct fcase *fc)
{
	const struct pgtable_format *fmt = setup(fc);
	u64 s1 = pgtable_level_span(fmt, 1);
	u64 a = VA_BASE, b = VA_BASE + 3 * s1;

	CHECK_EQ(op_map(a, PA_BASE, PG, fc->attrs), 0);
	CHECK_EQ(op_map(b, PA_BASE, PG, fc->attrs), 0);
	CHECK_EQ(H.allocs, (int)fmt->levels);
	CHECK_EQ(op_unmap(a, PG), 0);
	CHECK_EQ(H.frees, 1);
	CHECK(maps(b, PA_BASE, fc->attrs));
	/* Unmapping what is not mapped changes nothing and frees nothing. */
	CHECK_EQ(op_unmap(a, s1), 0);
	CHECK_EQ(H.frees, 1);
	CHECK_EQ(op_unmap(b, PG), 0);
	CHECK_EQ(H.frees, H.allocs);
	CHECK(root_empty());
	teardown();
}

/* More emptied tables than one batch: each still flushed before freed. */
static void t_free_many(const struct fcase *fc)
{
	const struct pgtable_format *fmt = setup(fc);
	u64 s1 = pgtable_level_span(fmt, 1);

	for (int i = 0; i < 40; i++)
		CHECK_EQ(op_map(VA_BASE + i * s1 + i * PG, PA_BASE, PG,
				fc->attrs),
			 0);
	CHECK_EQ(H.allocs, (int)fmt->levels - 2 + 40);
	CHECK_EQ(op_unmap(VA_BASE, 40 * s1), 0);
	CHECK_EQ(H.frees, H.allocs);
	CHECK(root_empty());
	CHECK(H.nr_flushes <= 4);
	teardown();
}

static void t_refused(const struct fcase *fc)
{
	const struct pgtable_format *fmt = setup(fc);
	u64 limit = fmt->input_limit, pa, attrs;

	CHECK_EQ(op_map(VA_BASE + 0x800, PA_BASE, PG, fc->attrs), -EINVAL);
	CHECK_EQ(op_map(VA_BASE, PA_BASE + 0x10, PG, fc->attrs), -EINVAL);
	CHECK_EQ(op_map(VA_BASE, PA_BASE, PG + 1, fc->attrs), -EINVAL);
	CHECK_EQ(op_map(VA_BASE, PA_BASE, 0, fc->attrs), -EINVAL);
	CHECK_EQ(op_map(limit, PA_BASE, PG, fc->attrs), -EINVAL);
	CHECK_EQ(op_map(limit - PG, PA_BASE, 2 * PG, fc->attrs), -EINVAL);
	CHECK_EQ(op_map(~0ULL - PG + 1, PA_BASE, 2 * PG, fc->attrs), -EINVAL);
	if (fc->bad_attrs)
		CHECK_EQ(op_map(VA_BASE, PA_BASE, PG, fc->bad_attrs), -EINVAL);
	CHECK_EQ(op_unmap(VA_BASE + 0x800, PG), -EINVAL);
	CHECK_EQ(op_unmap(VA_BASE, 0), -EINVAL);
	CHECK_EQ(op_unmap(limit - PG, 2 * PG), -EINVAL);
	CHECK_EQ(pgtable_lookup(&H.pt, limit, &pa, &attrs), -EINVAL);
	CHECK_EQ(H.allocs, 0);
	CHECK_EQ(H.nr_flushes, 0);
	/* The last page of the range is fine. */
	CHECK_EQ(op_map(limit - PG, PA_BASE, PG, fc->attrs), 0);
	CHECK(maps(limit - PG + 8, PA_BASE + 8, fc->attrs));
	CHECK(unmapped(VA_BASE));
	teardown();
}

static void t_nomem(const struct fcase *fc)
{
	const struct pgtable_format *fmt = setup(fc);
	u64 s1 = pgtable_level_span(fmt, 1);

	/* The last table of the path missing: the others go again. */
	H.alloc_limit = (int)fmt->levels - 2;
	CHECK_EQ(op_map(VA_BASE, PA_BASE, PG, fc->attrs), -ENOMEM);
	CHECK_EQ(H.allocs, (int)fmt->levels - 2);
	CHECK_EQ(H.frees, H.allocs);
	CHECK(root_empty());
	CHECK(unmapped(VA_BASE));

	/* No table for a split: the block stays as it was. */
	H.alloc_limit = -1;
	CHECK_EQ(op_map(VA_BASE, PA_BASE, s1, fc->attrs), 0);
	H.alloc_limit = 0;
	CHECK_EQ(op_unmap(VA_BASE + PG, PG), -ENOMEM);
	CHECK(maps(VA_BASE + PG, PA_BASE + PG, fc->attrs));
	H.alloc_limit = -1;
	CHECK_EQ(op_unmap(VA_BASE + PG, PG), 0);
	CHECK(unmapped(VA_BASE + PG));
	teardown();
}

static void t_free_tables(const struct fcase *fc)
{
	const struct pgtable_format *fmt = setup(fc);
	u64 s1 = pgtable_level_span(fmt, 1);

	CHECK_EQ(op_map(VA_BASE, PA_BASE, 5 * PG, fc->attrs), 0);
	CHECK_EQ(op_map(VA_BASE + 7 * s1, PA_BASE, s1, fc->attrs), 0);
	CHECK_EQ(op_map(fmt->input_limit - PG, PA_BASE, PG, fc->attrs), 0);
	CHECK(H.allocs > 0);
	/* teardown checks that every table went and the root is empty. */
	teardown();
}

#define FORMAT_TESTS(f)                \
	UNIT_TEST(map_pages_##f)       \
	{                              \
		t_map_pages(&f_##f);   \
	}                              \
	UNIT_TEST(map_blocks_##f)      \
	{                              \
		t_map_blocks(&f_##f);  \
	}                              \
	UNIT_TEST(remap_##f)           \
	{                              \
		t_remap(&f_##f);       \
	}                              \
	UNIT_TEST(split_##f)           \
	{                              \
		t_split(&f_##f);       \
	}                              \
	UNIT_TEST(free_empty_##f)      \
	{                              \
		t_free_empty(&f_##f);  \
	}                              \
	UNIT_TEST(free_many_##f)       \
	{                              \
		t_free_many(&f_##f);   \
	}                              \
	UNIT_TEST(refused_##f)         \
	{                              \
		t_refused(&f_##f);     \
	}                              \
	UNIT_TEST(nomem_##f)           \
	{                              \
		t_nomem(&f_##f);       \
	}                              \
	UNIT_TEST(free_tables_##f)     \
	{                              \
		t_free_tables(&f_##f); \
	}

FORMAT_TESTS(a64_s1_39)
FORMAT_TESTS(a64_s1_48)
FORMAT_TESTS(a64_s2_40c)
FORMAT_TESTS(a64_s2_42c)
FORMAT_TESTS(sv39)
FORMAT_TESTS(sv48)
FORMAT_TESTS(sv39x4)
FORMAT_TESTS(sv48x4)
FORMAT_TESTS(x86_64)
FORMAT_TESTS(x86_64_2m)

/* ---- the format descriptions themselves ---- */

UNIT_TEST(arm64_geometry)
{
	struct pgtable_format f;

	CHECK_EQ(arm64_pgtable_start_level(48), 0);
	CHECK_EQ(arm64_pgtable_start_level(40), 0);
	CHECK_EQ(arm64_pgtable_start_level(39), 1);
	CHECK_EQ(arm64_pgtable_start_level(32), 1);
	CHECK_EQ(arm64_pgtable_start_level(30), 2);

	CHECK_EQ(arm64_stage1_format(&f, 39), 0);
	CHECK_EQ(f.levels, 3);
	CHECK_EQ(pgtable_root_size(&f), PG);
	CHECK_EQ(f.leaf_levels, 0x7);
	CHECK_EQ(arm64_stage1_format(&f, 48), 0);
	CHECK_EQ(f.levels, 4);
	/* No 512 GiB blocks with a 4 KiB granule. */
	CHECK_EQ(f.leaf_levels, 0x7);
	CHECK_EQ(pgtable_level_span(&f, 3), 1ULL << 39);
	CHECK_EQ(arm64_stage1_format(&f, 32), 0);
	CHECK_EQ(f.levels, 3);
	CHECK_EQ(f.index_bits[2], 2);
	CHECK_EQ(arm64_stage1_format(&f, 49), -EINVAL);

	/* Stage 2 as Keel programs it: no concatenation. */
	CHECK_EQ(arm64_stage2_format(&f, 40, arm64_pgtable_start_level(40)), 0);
	CHECK_EQ(f.levels, 4);
	CHECK_EQ(pgtable_root_size(&f), PG);
	/* Concatenated: 2, 8 and 16 tables; 32 would be too many. */
	CHECK_EQ(arm64_stage2_format(&f, 40, 1), 0);
	CHECK_EQ(f.levels, 3);
	CHECK_EQ(pgtable_root_size(&f), 2 * PG);
	CHECK_EQ(arm64_stage2_format(&f, 42, 1), 0);
	CHECK_EQ(pgtable_root_size(&f), 8 * PG);
	CHECK_EQ(arm64_stage2_format(&f, 31, 2), 0);
	CHECK_EQ(pgtable_root_size(&f), 2 * PG);
	CHECK_EQ(arm64_stage2_format(&f, 34, 2), 0);
	CHECK_EQ(pgtable_root_size(&f), 16 * PG);
	CHECK_EQ(arm64_stage2_format(&f, 35, 2), -EINVAL);
	CHECK_EQ(arm64_stage2_format(&f, 43, 1), 0);
	CHECK_EQ(pgtable_root_size(&f), 16 * PG);
	CHECK_EQ(arm64_stage2_format(&f, 44, 1), -EINVAL);
	CHECK_EQ(arm64_stage2_format(&f, 30, 1), -EINVAL);
	CHECK_EQ(arm64_stage2_format(&f, 40, 3), -EINVAL);
}

UNIT_TEST(riscv_geometry)
{
	struct pgtable_format f;

	CHECK_EQ(riscv_sv_format(&f, 3), 0);
	CHECK_EQ(f.input_limit, 1ULL << 39);
	CHECK_EQ(pgtable_root_size(&f), PG);
	CHECK_EQ(f.leaf_levels, 0x7);
	CHECK_EQ(riscv_sv_format(&f, 4), 0);
	CHECK_EQ(f.input_limit, 1ULL << 48);
	CHECK_EQ(f.leaf_levels, 0xf);
	CHECK_EQ(riscv_svx4_format(&f, 3), 0);
	CHECK_EQ(f.input_limit, 1ULL << 41);
	CHECK_EQ(pgtable_root_size(&f), 4 * PG);
	CHECK_EQ(riscv_svx4_format(&f, 4), 0);
	CHECK_EQ(f.input_limit, 1ULL << 50);
	CHECK_EQ(pgtable_root_size(&f), 4 * PG);
	CHECK_EQ(riscv_sv_format(&f, 5), -EINVAL);
	CHECK_EQ(riscv_svx4_format(&f, 2), -EINVAL);
}

/* The bits the hardware reads, for one page and one block each. */
UNIT_TEST(arm64_descriptors)
{
	setup(&f_a64_s1_39);
	u64 s1 = pgtable_level_span(&H.pt.fmt, 1);
	u64 *root = H.root, *l1, *l0;

	CHECK_EQ(op_map(VA_BASE, PA_BASE, PG, A64_ATTRS), 0);
	CHECK_EQ(op_map(VA_BASE + s1, PA_BASE + s1, s1, A64_ATTRS), 0);
	/* 39 bits: root at the architecture's level 1 (1 GiB entries). */
	CHECK_EQ(root[VA_BASE >> 30] & 3, 3);
	l1 = (u64 *)(uintptr_t)(root[VA_BASE >> 30] & PT_ADDR_MASK);
	CHECK_EQ(l1[0] & 3, 3);
	CHECK_EQ(l1[1], (PA_BASE + s1) | A64_ATTRS | PT_DESC_VALID);
	l0 = (u64 *)(uintptr_t)(l1[0] & PT_ADDR_MASK);
	CHECK_EQ(l0[0], PA_BASE | A64_ATTRS | PT_DESC_VALID | PT_DESC_TABLE);
	teardown();
}

UNIT_TEST(riscv_ptes)
{
	setup(&f_sv39);
	u64 s1 = pgtable_level_span(&H.pt.fmt, 1);
	u64 *root = H.root, *l1, *l0;

	CHECK_EQ(op_map(VA_BASE, PA_BASE, PG, RV_ATTRS), 0);
	CHECK_EQ(op_map(VA_BASE + s1, PA_BASE + s1, s1, RV_ATTRS), 0);
	CHECK_EQ(root[VA_BASE >> 30] & (PTE_V | PTE_R | PTE_W | PTE_X), PTE_V);
	l1 = (u64 *)(uintptr_t)((root[VA_BASE >> 30] >> 10) << 12);
	CHECK_EQ(l1[1], ((PA_BASE + s1) >> 12) << 10 | RV_ATTRS | PTE_V);
	l0 = (u64 *)(uintptr_t)((l1[0] >> 10) << 12);
	CHECK_EQ(l0[0], (PA_BASE >> 12) << 10 | RV_ATTRS | PTE_V);
	teardown();
}

UNIT_TEST(x86_64_entries)
{
	setup(&f_x86_64);
	u64 s1 = pgtable_level_span(&H.pt.fmt, 1);
	u64 *pml4 = H.root, *pdpt, *pd;

	CHECK_EQ(op_map(VA_BASE + s1, PA_BASE + s1, s1, f_x86_64.attrs), 0);
	CHECK_EQ(pml4[VA_BASE >> 39] & (X86_P | X86_PS), X86_P);
	pdpt = (u64 *)(uintptr_t)(pml4[VA_BASE >> 39] & X86_ADDR);
	CHECK_EQ(pdpt[(VA_BASE >> 30) & 511] & (X86_P | X86_PS), X86_P);
	pd = (u64 *)(uintptr_t)(pdpt[(VA_BASE >> 30) & 511] & X86_ADDR);
	/* PS marks the 2 MiB leaf, PAT moved to bit 12. */
	CHECK_EQ(pd[1], (PA_BASE + s1) | X86_P | X86_RW | X86_PS | X86_NX |
				X86_PAT_LARGE);
	teardown();
}

/* Without 1 GiB pages, a GiB-aligned GiB is 512 large leaves of 2 MiB. */
UNIT_TEST(x86_64_without_gib_pages)
{
	setup(&f_x86_64_2m);
	u64 s1 = pgtable_level_span(&H.pt.fmt, 1);
	u64 s2 = pgtable_level_span(&H.pt.fmt, 2);
	u64 *pml4 = H.root, *pdpt, *pd;

	CHECK_EQ(op_map(VA_BASE, PA_BASE, s2, X86_RW), 0);
	pdpt = (u64 *)(uintptr_t)(pml4[VA_BASE >> 39] & X86_ADDR);
	CHECK_EQ(pdpt[(VA_BASE >> 30) & 511] & (X86_P | X86_PS), X86_P);
	pd = (u64 *)(uintptr_t)(pdpt[(VA_BASE >> 30) & 511] & X86_ADDR);
	CHECK_EQ(pd[0], PA_BASE | X86_P | X86_RW | X86_PS);
	CHECK_EQ(pd[511], (PA_BASE + 511 * s1) | X86_P | X86_RW | X86_PS);
	teardown();
}

UNIT_TEST(init_refuses_bad_formats)
{
	struct pgtable_format good, f;
	struct pgtable pt;
	u64 root[512];

	CHECK_EQ(riscv_sv_format(&good, 3), 0);
	CHECK_EQ(pgtable_init(&pt, &good, root, host_alloc_table,
			      host_free_table, host_flush),
		 0);
	f = good;
	f.leaf_levels = 0x6; /* blocks without pages */
	CHECK_EQ(pgtable_init(&pt, &f, root, host_alloc_table, host_free_table,
			      host_flush),
		 -EINVAL);
	f = good;
	f.leaf_levels = 0x5; /* a hole */
	CHECK_EQ(pgtable_init(&pt, &f, root, host_alloc_table, host_free_table,
			      host_flush),
		 -EINVAL);
	f = good;
	f.leaf_levels = 0xf; /* a level that does not exist */
	CHECK_EQ(pgtable_init(&pt, &f, root, host_alloc_table, host_free_table,
			      host_flush),
		 -EINVAL);
	f = good;
	f.index_bits[1] = 10; /* a non-root table of two pages */
	CHECK_EQ(pgtable_init(&pt, &f, root, host_alloc_table, host_free_table,
			      host_flush),
		 -EINVAL);
	f = good;
	f.input_limit = 1ULL << 40; /* more than three levels index */
	CHECK_EQ(pgtable_init(&pt, &f, root, host_alloc_table, host_free_table,
			      host_flush),
		 -EINVAL);
	f = good;
	f.levels = PGTABLE_MAX_LEVELS + 1;
	CHECK_EQ(pgtable_init(&pt, &f, root, host_alloc_table, host_free_table,
			      host_flush),
		 -EINVAL);
	CHECK_EQ(pgtable_init(&pt, &good, root, host_alloc_table,
			      host_free_table, NULL),
		 -EINVAL);
}

/* ---- the boot pool of Keel's own tables (core/mm/pgtable_pool.c) ---- */

static int page_alloc_errors;

void page_alloc_report_error(const char *what, const void *va)
{
	page_alloc_errors++;
}

static u64 pool_pages[3][PG / 8] __aligned(PG);
static struct pgtable_pool pool = PGTABLE_POOL(pool_pages);

static void *pool_alloc(void)
{
	return pgtable_pool_alloc(&pool);
}

static void pool_free(void *table)
{
	pgtable_pool_free(&pool, table);
}

static void pool_flush(struct pgtable *pt, u64 va, u64 size)
{
}

static u64 free_pages(void)
{
	struct page_alloc_stats st;

	page_alloc_get_stats(&st);
	return st.free_pages;
}

UNIT_TEST(boot_pool_then_page_allocator)
{
	void *arena = aligned_alloc(PG, 64 * PG);
	u64 *root = aligned_alloc(PG, PG);
	struct pgtable_format fmt;
	struct pgtable pt;
	u64 all;

	page_alloc_reset();
	CHECK_EQ(page_alloc_add_range((vaddr_t)arena, 64 * PG), 0);
	all = free_pages();
	memset(root, 0, PG);
	CHECK_EQ(riscv_sv_format(&fmt, 3), 0);
	CHECK_EQ(pgtable_init(&pt, &fmt, root, pool_alloc, pool_free,
			      pool_flush),
		 0);
	/* Two tables from the pool, the third, then two pages. */
	CHECK_EQ(pgtable_map(&pt, VA_BASE, PA_BASE, PG, RV_ATTRS), 0);
	CHECK_EQ(pool.used, 2);
	CHECK_EQ(free_pages(), all);
	CHECK_EQ(pgtable_map(&pt, VA_BASE + 5 * pgtable_level_span(&fmt, 1),
			     PA_BASE, PG, RV_ATTRS),
		 0);
	CHECK_EQ(pgtable_map(&pt, VA_BASE + 2 * pgtable_level_span(&fmt, 2),
			     PA_BASE, PG, RV_ATTRS),
		 0);
	CHECK_EQ(pool.used, 3);
	CHECK_EQ(free_pages(), all - 2);
	/* Emptied: the allocator's pages go back, the pool's stay. */
	CHECK_EQ(pgtable_unmap(&pt, VA_BASE, 3 * pgtable_level_span(&fmt, 2)),
		 0);
	CHECK_EQ(free_pages(), all);
	CHECK_EQ(pool.used, 3);
	CHECK_EQ(page_alloc_errors, 0);
	/* Reset: zeroed and handed out again from the first. */
	pool_pages[1][7] = 1;
	pgtable_pool_reset(&pool);
	CHECK_EQ(pool.used, 0);
	CHECK_EQ(pool_pages[1][7], 0);
	CHECK(pool_alloc() == pool_pages[0]);
	page_alloc_reset();
	free(root);
	free(arena);
}

UNIT_MAIN();
