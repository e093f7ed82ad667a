// SPDX-License-Identifier: GPL-2.0
/*
 * core/mm/memory.c on device trees that dtc builds from DTS written here,
 * over host memory mapped at the very addresses the trees give for RAM,
 * as Keel's identity map would have it. The real page allocator and
 * libs/fdt run underneath; arch_mmu_map() only records what it is asked.
 *
 * memory_init() runs once per boot and keeps what it found, so every
 * case runs in a child process of its own.
 */
#include "unit.h"
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keel/errno.h>
#include <keel/io.h>
#include <keel/memory.h>
#include <keel/page_alloc.h>
#include <arch/mmu.h>

extern unsigned int host_printk_count;
extern char host_printk_last[512];

/*
 * Where host memory stands in for RAM. Under AddressSanitizer on x86-64
 * application memory is below 0x7fff8000 and above 0x10007fff8000, so
 * LOW fits in one address cell and HIGH needs two.
 */
#define LOW 0x40000000ULL
#define HIGH 0x200000000000ULL

static paddr_t image_start, image_end;

void arch_image_range(paddr_t *start, paddr_t *end)
{
	*start = image_start;
	*end = image_end;
}

struct map_call {
	vaddr_t va;
	paddr_t pa;
	u64 size;
	enum mmu_attr attr;
};

static struct map_call map_calls[512];
static unsigned int nmap_calls;
static int map_result; /* what arch_mmu_map() answers */

int arch_mmu_map(vaddr_t va, paddr_t pa, u64 size, enum mmu_attr attr)
{
	if (nmap_calls < ARRAY_SIZE(map_calls))
		map_calls[nmap_calls] = (struct map_call){ va, pa, size, attr };
	nmap_calls++;
	return map_result;
}

static unsigned int page_reports;

void page_alloc_report_error(const char *what, const void *va)
{
	page_reports++;
}

/*
 * Run body in a child process, whose failure becomes the test's. The
 * child exits rather than returns, taking its host mappings with it.
 */
static void isolated(void (*body)(void))
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		unit_current_failed = 0;
		alarm(30); /* rather than hang on a corrupted list */
		body();
		fflush(stdout);
		_exit(unit_current_failed ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		if (pid > 0 && !WIFEXITED(status))
			printf("  child died, status %#x\n", status);
		unit_current_failed = 1;
	}
}

static bool host_ram(u64 base, u64 size)
{
	u64 start = ALIGN_DOWN(base, PAGE_SIZE);
	u64 len = ALIGN_UP(base + size, PAGE_SIZE) - start;
	void *p = mmap((void *)(uintptr_t)start, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			       MAP_FIXED_NOREPLACE,
		       -1, 0);

	if (p == (void *)(uintptr_t)start)
		return true;
	printf("  cannot map host memory at %#llx\n",
	       (unsigned long long)start);
	if (p != MAP_FAILED)
		munmap(p, len);
	return false;
}

/* DTS text, built up piece by piece. */
static char dts[1 << 16];
static size_t dts_len;

static void __printf(1, 2) out(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dts + dts_len, sizeof(dts) - dts_len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(dts) - dts_len) {
		printf("  DTS text too long\n");
		abort();
	}
	dts_len += (size_t)n;
}

static void out_cells(u64 v, int cells)
{
	for (int i = cells - 1; i >= 0; i--)
		out(" 0x%llx",
		    i >= 2 ? 0ULL : (unsigned long long)(u32)(v >> (32 * i)));
}

/* The blob dtc makes of dts, or NULL. The caller frees it. */
static void *compile_dts(size_t *size)
{
	char src[] = "/tmp/keel-memory-XXXXXX";
	char dtb[sizeof(src) + 4], cmd[3 * sizeof(src) + 64];
	void *blob = NULL;
	FILE *f;
	int fd = mkstemp(src);
	long n;

	if (fd < 0)
		return NULL;
	if (write(fd, dts, dts_len) != (ssize_t)dts_len) {
		close(fd);
		unlink(src);
		return NULL;
	}
	close(fd);
	snprintf(dtb, sizeof(dtb), "%s.dtb", src);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o %s %s", dtb, src);
	if (system(cmd) == 0 && (f = fopen(dtb, "rb"))) {
		if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
		    !fseek(f, 0, SEEK_SET)) {
			blob = malloc((size_t)n);
			if (blob && fread(blob, 1, (size_t)n, f) != (size_t)n) {
				free(blob);
				blob = NULL;
			}
			*size = (size_t)n;
		}
		fclose(f);
	}
	if (!blob)
		printf("  dtc failed on:\n%s\n", dts);
	unlink(src);
	unlink(dtb);
	return blob;
}

static u64 placed_fdt_size;

/* Compile dts and put the blob at physical address pa. */
static bool place_dtb(paddr_t pa, u64 *size)
{
	size_t n = 0;
	void *blob = compile_dts(&n);

	if (!blob)
		return false;
	memcpy(arch_phys_to_virt(pa), blob, n);
	free(blob);
	*size = placed_fdt_size = n;
	return true;
}

struct range {
	u64 base, size;
};

/* A device tree to boot with, and what memory_init() must make of it. */
struct scenario {
	int ac, sc; /* root #address-cells/#size-cells, 0: left out */
	struct range ram[4];
	unsigned int nram;
	bool one_node; /* every bank in the reg of one memory node */
	struct range disabled; /* a memory node with status "disabled" */
	struct range memrsv[40];
	unsigned int nmemrsv;
	int rsv_ac, rsv_sc; /* of /reserved-memory */
	struct range resmem[24];
	unsigned int nresmem;
	int initrd_cells; /* 0: no initrd in /chosen */
	u64 initrd_start, initrd_end;
	struct range image; /* Keel's own */
	paddr_t fdt_pa;
};

static int cells_or_default(int cells, int def)
{
	return cells ? cells : def;
}

static void write_dts(const struct scenario *s)
{
	int ac = cells_or_default(s->ac, 2), sc = cells_or_default(s->sc, 1);

	dts_len = 0;
	out("/dts-v1/;\n");
	for (unsigned int i = 0; i < s->nmemrsv; i++)
		out("/memreserve/ 0x%llx 0x%llx;\n",
		    (unsigned long long)s->memrsv[i].base,
		    (unsigned long long)s->memrsv[i].size);
	out("/ {\n");
	if (s->ac)
		out("\t#address-cells = <%d>;\n", s->ac);
	if (s->sc)
		out("\t#size-cells = <%d>;\n", s->sc);
	out("\tchosen {\n");
	if (s->initrd_cells == 1)
		out("\t\tlinux,initrd-start = <0x%llx>;\n"
		    "\t\tlinux,initrd-end = <0x%llx>;\n",
		    (unsigned long long)s->initrd_start,
		    (unsigned long long)s->initrd_end);
	else if (s->initrd_cells == 2)
		out("\t\tlinux,initrd-start = /bits/ 64 <0x%llx>;\n"
		    "\t\tlinux,initrd-end = /bits/ 64 <0x%llx>;\n",
		    (unsigned long long)s->initrd_start,
		    (unsigned long long)s->initrd_end);
	out("\t};\n");
	for (unsigned int i = 0; i < s->nram; i++) {
		if (i == 0 || !s->one_node)
			out("\tmemory@%llx {\n\t\tdevice_type = \"memory\";\n"
			    "\t\treg = <",
			    (unsigned long long)s->ram[i].base);
		out_cells(s->ram[i].base, ac);
		out_cells(s->ram[i].size, sc);
		if (i + 1 == s->nram || !s->one_node)
			out(" >;\n\t};\n");
	}
	if (s->disabled.size) {
		out("\tmemory@%llx {\n\t\tdevice_type = \"memory\";\n"
		    "\t\tstatus = \"disabled\";\n\t\treg = <",
		    (unsigned long long)s->disabled.base);
		out_cells(s->disabled.base, ac);
		out_cells(s->disabled.size, sc);
		out(" >;\n\t};\n");
	}
	if (s->nresmem) {
		out("\treserved-memory {\n\t\t#address-cells = <%d>;\n"
		    "\t\t#size-cells = <%d>;\n\t\tranges;\n",
		    s->rsv_ac, s->rsv_sc);
		for (unsigned int i = 0; i < s->nresmem; i++) {
			out("\t\tregion@%llx {\n\t\t\tno-map;\n\t\t\treg = <",
			    (unsigned long long)s->resmem[i].base);
			out_cells(s->resmem[i].base, s->rsv_ac);
			out_cells(s->resmem[i].size, s->rsv_sc);
			out(" >;\n\t\t};\n");
		}
		out("\t};\n");
	}
	out("};\n");
}

/* What the test knows about each page of RAM. */
enum {
	P_RESERVED = 1, /* in some reserved range */
	P_PREMAPPED = 2, /* Keel or the device tree: mapped before */
	P_MAPPED = 4, /* arch_mmu_map() was asked to map it */
	P_ALLOC = 8, /* the page allocator handed it out */
};

struct bank_pages {
	paddr_t start, end;
	u8 *flags;
};

static struct bank_pages pages[MEMORY_MAX_BANKS];
static unsigned int npage_banks;

static u8 *page_flags(paddr_t pa)
{
	for (unsigned int i = 0; i < npage_banks; i++)
		if (pa >= pages[i].start && pa < pages[i].end)
			return &pages[i].flags[(pa - pages[i].start) >>
					       PAGE_SHIFT];
	return NULL;
}

static void mark(paddr_t start, paddr_t end, u8 flag)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	for (paddr_t pa = start; pa < end; pa += PAGE_SIZE) {
		u8 *f = page_flags(pa);

		if (f)
			*f |= flag;
	}
}

static struct mem_range want_reserved[MEMORY_MAX_RESERVED + 48];
static unsigned int nwant_reserved;

static void want(paddr_t start, paddr_t end, const char *what)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	if (end > start && nwant_reserved < ARRAY_SIZE(want_reserved))
		want_reserved[nwant_reserved++] =
			(struct mem_range){ start, end, what };
}

/* The reserved list holds exactly the ranges wanted, in any order. */
static bool reserved_as_wanted(const struct memory_map *m)
{
	bool used[MEMORY_MAX_RESERVED] = { 0 };
	bool ok = m->nr_reserved == nwant_reserved;

	for (unsigned int i = 0; ok && i < nwant_reserved; i++) {
		const struct mem_range *w = &want_reserved[i];
		bool found = false;

		for (unsigned int j = 0; j < m->nr_reserved && !found; j++) {
			const struct mem_range *r = &m->reserved[j];

			if (!used[j] && r->start == w->start &&
			    r->end == w->end && r->what &&
			    !strcmp(r->what, w->what))
				used[j] = found = true;
		}
		ok = found;
		if (!ok)
			printf("  reserved [%#llx, %#llx) %s missing\n",
			       (unsigned long long)w->start,
			       (unsigned long long)w->end, w->what);
	}
	if (!ok)
		for (unsigned int j = 0; j < m->nr_reserved; j++)
			printf("  have [%#llx, %#llx) %s\n",
			       (unsigned long long)m->reserved[j].start,
			       (unsigned long long)m->reserved[j].end,
			       m->reserved[j].what);
	return ok;
}

/* Each arch_mmu_map() call covers RAM pages not premapped, once each. */
static bool mappings_as_wanted(void)
{
	bool ok = true;

	for (unsigned int i = 0; i < nmap_calls && i < ARRAY_SIZE(map_calls);
	     i++) {
		const struct map_call *c = &map_calls[i];

		if (c->va != c->pa || c->attr != MMU_NORMAL_RW ||
		    !IS_ALIGNED(c->pa | c->size, PAGE_SIZE) || !c->size) {
			printf("  bad map call %#llx+%#llx attr %d\n",
			       (unsigned long long)c->pa,
			       (unsigned long long)c->size, c->attr);
			ok = false;
			continue;
		}
		for (paddr_t pa = c->pa; pa < c->pa + c->size;
		     pa += PAGE_SIZE) {
			u8 *f = page_flags(pa);

			if (!f || (*f & (P_PREMAPPED | P_MAPPED))) {
				printf("  map call %#llx+%#llx: page %#llx "
				       "%s\n",
				       (unsigned long long)c->pa,
				       (unsigned long long)c->size,
				       (unsigned long long)pa,
				       !f		? "is not RAM" :
				       *f & P_PREMAPPED ? "was premapped" :
							  "mapped twice");
				ok = false;
				break;
			}
			*f |= P_MAPPED;
		}
	}
	for (unsigned int b = 0; ok && b < npage_banks; b++) {
		u64 n = (pages[b].end - pages[b].start) >> PAGE_SHIFT;

		for (u64 i = 0; i < n && ok; i++) {
			u8 f = pages[b].flags[i];

			if (!(f & P_PREMAPPED) != !!(f & P_MAPPED)) {
				printf("  page %#llx left unmapped\n",
				       (unsigned long long)(pages[b].start +
							    (i << PAGE_SHIFT)));
				ok = false;
			}
		}
	}
	return ok;
}

/*
 * The smallest number of pages at the start of an n-page range that hold
 * one state byte for each page after them (page_alloc.h's bookkeeping).
 */
static u64 bookkeeping(u64 n)
{
	u64 m = 0;

	while (m * PAGE_SIZE < n - m)
		m++;
	return m;
}

/*
 * Take every page the allocator has and check it got exactly the runs
 * of RAM no reservation touches, each as one range (runs under four
 * pages are not worth it, memory.c says).
 */
static bool allocator_as_wanted(void)
{
	struct page_alloc_stats st;
	u64 want_pages = 0, got_pages = 0;
	unsigned int want_zones = 0;
	bool ok = true;

	for (int o = PAGE_MAX_ORDER; o >= 0; o--) {
		u8 *p;

		while ((p = page_alloc((unsigned int)o))) {
			paddr_t pa = arch_virt_to_phys(p);

			for (u64 i = 0; i < (1ULL << o); i++) {
				u8 *f = page_flags(pa + i * PAGE_SIZE);

				if (!f || (*f & (P_RESERVED | P_ALLOC))) {
					printf("  allocated page %#llx %s\n",
					       (unsigned long long)(pa +
								    i * PAGE_SIZE),
					       !f	       ? "is not RAM" :
					       *f & P_RESERVED ? "is reserved" :
								 "twice");
					ok = false;
					break;
				}
				*f |= P_ALLOC;
			}
			got_pages += 1ULL << o;
		}
	}
	for (unsigned int b = 0; b < npage_banks; b++) {
		u64 n = (pages[b].end - pages[b].start) >> PAGE_SHIFT;
		const u8 *f = pages[b].flags;

		for (u64 i = 0; i < n;) {
			u64 j = i, m;

			if (f[i] & P_RESERVED) {
				i++;
				continue;
			}
			while (j < n && !(f[j] & P_RESERVED))
				j++;
			m = j - i >= 4 ? bookkeeping(j - i) : j - i;
			if (j - i >= 4) {
				want_zones++;
				want_pages += j - i - m;
			}
			for (u64 k = i; k < j; k++) {
				if (!(f[k] & P_ALLOC) != (k < i + m)) {
					printf("  page %#llx (free run "
					       "[%#llx, %#llx)) %s\n",
					       (unsigned long long)(pages[b].start +
								    (k
								     << PAGE_SHIFT)),
					       (unsigned long long)(pages[b].start +
								    (i
								     << PAGE_SHIFT)),
					       (unsigned long long)(pages[b].start +
								    (j
								     << PAGE_SHIFT)),
					       k < i + m ? "handed out" :
							   "never handed out");
					ok = false;
					break;
				}
			}
			i = j;
		}
	}
	page_alloc_get_stats(&st);
	if (st.zones != want_zones || st.total_pages != want_pages ||
	    got_pages != want_pages || st.free_pages != 0) {
		printf("  allocator: %u zones, %llu pages, %llu handed out; "
		       "wanted %u zones, %llu pages\n",
		       st.zones, (unsigned long long)st.total_pages,
		       (unsigned long long)got_pages, want_zones,
		       (unsigned long long)want_pages);
		ok = false;
	}
	return ok && page_reports == 0;
}

/*
 * Map host memory for the scenario, boot memory.c with its tree and
 * check everything it produced. Returns memory_init()'s result.
 */
static int boot(const struct scenario *s, bool check)
{
	const struct memory_map *m = memory_get_map();
	u64 fdt_size = 0, ram_bytes = 0;
	paddr_t istart = 0, iend = 0;
	int err;

	for (unsigned int i = 0; i < s->nram; i++)
		if (!host_ram(s->ram[i].base, s->ram[i].size))
			return -999;
	if (s->disabled.size && !host_ram(s->disabled.base, s->disabled.size))
		return -999;
	write_dts(s);
	if (!place_dtb(s->fdt_pa, &fdt_size))
		return -999;
	image_start = s->image.base;
	image_end = s->image.base + s->image.size;

	err = memory_init(arch_phys_to_virt(s->fdt_pa), s->fdt_pa);
	if (!check)
		return err;
	CHECK_EQ(err, 0);

	/* Banks are rounded inward to whole pages. */
	CHECK_EQ(m->nr_banks, s->nram);
	npage_banks = 0;
	for (unsigned int i = 0; i < s->nram; i++) {
		paddr_t bs = ALIGN_UP(s->ram[i].base, PAGE_SIZE);
		paddr_t be =
			ALIGN_DOWN(s->ram[i].base + s->ram[i].size, PAGE_SIZE);
		bool found = false;

		for (unsigned int j = 0; j < m->nr_banks; j++)
			found |= m->banks[j].start == bs &&
				 m->banks[j].end == be;
		CHECK(found);
		ram_bytes += be - bs;
		pages[npage_banks] = (struct bank_pages){
			bs, be, calloc((be - bs) >> PAGE_SHIFT, 1)
		};
		npage_banks++;
	}
	CHECK_EQ(m->ram_bytes, ram_bytes);

	/* Reserved ranges are rounded outward. */
	nwant_reserved = 0;
	want(s->image.base, s->image.base + s->image.size, "keel");
	want(s->fdt_pa, s->fdt_pa + fdt_size, "device tree");
	for (unsigned int i = 0; i < s->nmemrsv; i++)
		want(s->memrsv[i].base, s->memrsv[i].base + s->memrsv[i].size,
		     "memreserve");
	if (s->initrd_cells)
		want(s->initrd_start, s->initrd_end, "initrd");
	for (unsigned int i = 0; i < s->nresmem; i++)
		want(s->resmem[i].base, s->resmem[i].base + s->resmem[i].size,
		     "reserved-memory");
	CHECK(reserved_as_wanted(m));
	for (unsigned int i = 0; i < nwant_reserved; i++)
		mark(want_reserved[i].start, want_reserved[i].end, P_RESERVED);
	mark(s->image.base, s->image.base + s->image.size, P_PREMAPPED);
	mark(s->fdt_pa, s->fdt_pa + fdt_size, P_PREMAPPED);

	if (s->initrd_cells && s->initrd_end > s->initrd_start) {
		CHECK_EQ(memory_initrd(&istart, &iend), 0);
		CHECK_EQ(istart, s->initrd_start);
		CHECK_EQ(iend, s->initrd_end);
	} else {
		CHECK_EQ(memory_initrd(&istart, &iend), -ENOENT);
	}

	CHECK(mappings_as_wanted());
	CHECK(allocator_as_wanted());
	for (unsigned int i = 0; i < npage_banks; i++)
		free(pages[i].flags);
	return err;
}

static void one_bank_32bit(void)
{
	static const struct scenario s = {
		.ac = 1,
		.sc = 1,
		.ram = { { LOW, MiB(256) } },
		.nram = 1,
		.memrsv = { { LOW + MiB(96), 0x123456 } },
		.nmemrsv = 1,
		.initrd_cells = 1,
		.initrd_start = LOW + MiB(128) + 0x123,
		.initrd_end = LOW + MiB(136) - 1,
		.image = { LOW + KiB(512), 0x5a3210 },
		.fdt_pa = LOW + MiB(64) + KiB(2),
	};

	boot(&s, true);
}

UNIT_TEST(one_bank_32bit_cells)
{
	isolated(one_bank_32bit);
}

static void two_banks_one_node(void)
{
	/*
	 * Reservations at a bank's edge, across its end and in no RAM at
	 * all; a disabled memory node that must stay unused.
	 */
	static const struct scenario s = {
		.ac = 1,
		.sc = 1,
		.ram = { { LOW, MiB(64) }, { LOW + MiB(256), MiB(32) } },
		.nram = 2,
		.one_node = true,
		.disabled = { LOW + MiB(512), MiB(16) },
		.rsv_ac = 1,
		.rsv_sc = 1,
		.resmem = { { LOW, MiB(1) },
			    { LOW + MiB(63), MiB(2) },
			    { LOW + MiB(256) + MiB(8), KiB(20) },
			    { LOW + MiB(128), MiB(4) } },
		.nresmem = 4,
		.image = { LOW + MiB(2), MiB(3) },
		.fdt_pa = LOW + MiB(256) + MiB(31),
	};

	boot(&s, true);
}

UNIT_TEST(two_banks_in_one_node_with_reserved_memory)
{
	isolated(two_banks_one_node);
}

static void two_banks_64bit(void)
{
	/* The second bank is above 4 GiB and more than 4 GiB long. */
	static const struct scenario s = {
		.ac = 2,
		.sc = 2,
		.ram = { { LOW, MiB(64) }, { HIGH, GiB(4) + MiB(64) } },
		.nram = 2,
		.memrsv = { { HIGH + GiB(2), MiB(2) },
			    { LOW + MiB(32), KiB(4) } },
		.nmemrsv = 2,
		.rsv_ac = 2,
		.rsv_sc = 2,
		.resmem = { { HIGH + MiB(256), MiB(16) },
			    { HIGH + GiB(4) + MiB(60), GiB(1) } },
		.nresmem = 2,
		.initrd_cells = 2,
		.initrd_start = HIGH + GiB(4) + MiB(32),
		.initrd_end = HIGH + GiB(4) + MiB(40) + 0x10,
		.image = { LOW + MiB(1), MiB(2) },
		.fdt_pa = HIGH + GiB(4) + KiB(4),
	};

	boot(&s, true);
}

UNIT_TEST(two_banks_64bit_cells_above_4gib)
{
	isolated(two_banks_64bit);
}

static void default_cells(void)
{
	/* No #address-cells/#size-cells at the root: 2 and 1. */
	static const struct scenario s = {
		.ram = { { LOW, MiB(128) } },
		.nram = 1,
		.rsv_ac = 2,
		.rsv_sc = 1,
		.resmem = { { LOW + MiB(100), MiB(1) } },
		.nresmem = 1,
		.initrd_cells = 2,
		.initrd_start = LOW + MiB(80),
		.initrd_end = LOW + MiB(90),
		.image = { LOW, MiB(2) },
		.fdt_pa = LOW + MiB(127),
	};

	boot(&s, true);
}

UNIT_TEST(root_cells_default_to_2_and_1)
{
	isolated(default_cells);
}

static void address_1_size_2(void)
{
	static const struct scenario s = {
		.ac = 1,
		.sc = 2,
		.ram = { { LOW, MiB(128) }, { LOW + MiB(192), MiB(64) } },
		.nram = 2,
		.rsv_ac = 2,
		.rsv_sc = 2,
		.resmem = { { LOW + MiB(200), MiB(1) } },
		.nresmem = 1,
		.image = { LOW + MiB(192), MiB(2) },
		.fdt_pa = LOW,
	};

	boot(&s, true);
}

UNIT_TEST(address_cells_1_size_cells_2)
{
	isolated(address_1_size_2);
}

static void crowded_reservations(void)
{
	/*
	 * Adjacent and overlapping reservations, gaps of one to five pages
	 * between them, a bank that is not page aligned, reservations
	 * covering each end of it, /reserved-memory cells that differ from
	 * the root's, and a chain (at 20 MiB) whose first link comes last in
	 * the reserved list.
	 */
	static const struct scenario s = {
		.ac = 1,
		.sc = 1,
		.ram = { { LOW + 0x1234, MiB(32) - 0x2000 } },
		.nram = 1,
		.memrsv = { { LOW, KiB(24) },
			    { LOW + MiB(4), KiB(16) },
			    { LOW + MiB(4) + KiB(16), KiB(8) },
			    { LOW + MiB(4) + KiB(20), KiB(40) },
			    { LOW + MiB(4) + KiB(64), KiB(4) },
			    { LOW + MiB(4) + KiB(76), KiB(4) },
			    { LOW + MiB(4) + KiB(96), KiB(4) },
			    { LOW + MiB(4) + KiB(120), KiB(4) },
			    { LOW + MiB(31), MiB(2) },
			    { LOW + MiB(20) + KiB(32), KiB(64) } },
		.nmemrsv = 10,
		.rsv_ac = 2,
		.rsv_sc = 1,
		.resmem = { { LOW + MiB(8), MiB(1) },
			    { LOW + MiB(8) + KiB(512), MiB(1) },
			    { LOW + MiB(9) + KiB(12), KiB(4) },
			    { LOW + MiB(20), KiB(64) } },
		.nresmem = 4,
		.initrd_cells = 1,
		.initrd_start = LOW + MiB(12) + 1,
		.initrd_end = LOW + MiB(12) + 2,
		.image = { LOW + MiB(16), KiB(700) },
		.fdt_pa = LOW + MiB(16) + KiB(700),
	};

	boot(&s, true);
}

UNIT_TEST(adjacent_overlapping_and_tiny_gaps)
{
	isolated(crowded_reservations);
}

static void boot_raw(const char *text, paddr_t fdt_pa, int want_err)
{
	const struct memory_map *m = memory_get_map();
	struct page_alloc_stats st;
	paddr_t a, b;
	u64 size;

	dts_len = 0;
	out("%s", text);
	if (!host_ram(LOW, MiB(64)) || !place_dtb(fdt_pa, &size)) {
		CHECK(!"set-up");
		return;
	}
	image_start = LOW;
	image_end = LOW + MiB(1);
	CHECK_EQ(memory_init(arch_phys_to_virt(fdt_pa), fdt_pa), want_err);
	if (want_err) {
		page_alloc_get_stats(&st);
		CHECK_EQ(m->nr_banks, 0);
		CHECK_EQ(m->ram_bytes, 0);
		CHECK_EQ(nmap_calls, 0);
		CHECK_EQ(st.zones, 0);
		CHECK_EQ(memory_initrd(&a, &b), -ENOENT);
	}
}

static void no_memory_node(void)
{
	boot_raw("/dts-v1/;\n/ {\n\t#address-cells = <1>;\n"
		 "\t#size-cells = <1>;\n\tchosen { };\n"
		 "\tram@40000000 { reg = <0x40000000 0x4000000>; };\n};\n",
		 LOW + MiB(32), -ENOENT);
}

UNIT_TEST(no_memory_node_is_enoent)
{
	isolated(no_memory_node);
}

static void only_unusable_memory(void)
{
	boot_raw("/dts-v1/;\n/ {\n\t#address-cells = <1>;\n"
		 "\t#size-cells = <1>;\n"
		 "\tmemory@40000000 { device_type = \"memory\";\n"
		 "\t\tstatus = \"disabled\";\n"
		 "\t\treg = <0x40000000 0x4000000>; };\n"
		 "\tmemory@41000000 { device_type = \"memory\";\n"
		 "\t\tstatus = \"fail\";\n"
		 "\t\treg = <0x41000000 0x1000000>; };\n"
		 "\tmemory@42000000 { device_type = \"memory\";\n"
		 "\t\treg = <0x42000000 0x0>; };\n"
		 "\tmemory@43000000 { device_type = \"memory\"; };\n};\n",
		 LOW + MiB(32), -ENOENT);
}

UNIT_TEST(disabled_or_empty_memory_is_enoent)
{
	isolated(only_unusable_memory);
}

static void unusable_root_cells(void)
{
	/* Three address cells, then none: nothing Keel can read. */
	boot_raw("/dts-v1/;\n/ {\n\t#address-cells = <3>;\n"
		 "\t#size-cells = <1>;\n"
		 "\tmemory@40000000 { device_type = \"memory\";\n"
		 "\t\treg = <0 0x40000000 0 0x4000000>; };\n};\n",
		 LOW + MiB(32), -ENOENT);
}

static void zero_root_cells(void)
{
	boot_raw("/dts-v1/;\n/ {\n\t#address-cells = <0>;\n"
		 "\t#size-cells = <1>;\n"
		 "\tmemory@40000000 { device_type = \"memory\";\n"
		 "\t\treg = <0x40000000 0x4000000>; };\n};\n",
		 LOW + MiB(32), -ENOENT);
}

UNIT_TEST(unusable_root_cells_are_ignored)
{
	isolated(unusable_root_cells);
	isolated(zero_root_cells);
}

static void malformed_properties(void)
{
	/*
	 * One good bank, "ok" for status, among regs with a trailing
	 * partial entry, a byte count that is no whole cell, and nothing;
	 * reserved-memory nodes whose cells or regs cannot be read; an
	 * initrd of three cells. Only the good entries count.
	 */
	const struct memory_map *m = memory_get_map();
	paddr_t a, b;

	boot_raw("/dts-v1/;\n/ {\n\t#address-cells = <1>;\n"
		 "\t#size-cells = <1>;\n"
		 "\tchosen {\n"
		 "\t\tlinux,initrd-start = <0 0x40100000 0>;\n"
		 "\t\tlinux,initrd-end = <0 0x40200000 0>;\n\t};\n"
		 "\tmemory@40000000 { device_type = \"memory\";\n"
		 "\t\tstatus = \"ok\";\n"
		 "\t\treg = <0x40000000 0x2000000 0x42000000>; };\n"
		 "\tmemory@50000000 { device_type = \"memory\";\n"
		 "\t\treg = [50 00]; };\n"
		 "\tmemory@51000000 { device_type = \"memory\";\n"
		 "\t\treg; };\n"
		 "\treserved-memory {\n\t\t#address-cells = <1>;\n"
		 "\t\t#size-cells = <1>;\n\t\tranges;\n"
		 "\t\ta@40400000 { reg = <0x40400000>; };\n"
		 "\t\tb@40500000 { size = <0x100000>; };\n"
		 "\t\tc@40600000 { reg = [40 60 00 00 00 10]; };\n\t};\n"
		 "};\n",
		 LOW + MiB(30), 0);
	CHECK_EQ(m->nr_banks, 1);
	CHECK_EQ(m->banks[0].start, LOW);
	CHECK_EQ(m->banks[0].end, LOW + MiB(32));
	CHECK_EQ(m->nr_reserved, 2); /* Keel and the device tree */
	CHECK_EQ(memory_initrd(&a, &b), -ENOENT);
}

/* /reserved-memory cells of 3 (too many for Keel) or 5 (for anyone). */
static void reserved_memory_bad_cells(int ac, int sc)
{
	const struct memory_map *m = memory_get_map();
	char text[1024];

	snprintf(text, sizeof(text),
		 "/dts-v1/;\n/ {\n\t#address-cells = <1>;\n"
		 "\t#size-cells = <1>;\n"
		 "\tmemory@40000000 { device_type = \"memory\";\n"
		 "\t\treg = <0x40000000 0x2000000>; };\n"
		 "\treserved-memory {\n\t\t#address-cells = <%d>;\n"
		 "\t\t#size-cells = <%d>;\n\t\tranges;\n"
		 "\t\ta@0 { reg = <0 0 0 0x40400000 0 0 0 0 0x1000>; };\n"
		 "\t};\n};\n",
		 ac, sc);
	boot_raw(text, LOW + MiB(30), 0);
	CHECK_EQ(m->nr_banks, 1);
	CHECK_EQ(m->nr_reserved, 2);
}

static void reserved_memory_3_cells(void)
{
	reserved_memory_bad_cells(3, 3);
}

static void reserved_memory_5_cells(void)
{
	reserved_memory_bad_cells(5, 1);
}

UNIT_TEST(malformed_regs_are_skipped)
{
	isolated(malformed_properties);
	isolated(reserved_memory_3_cells);
	isolated(reserved_memory_5_cells);
}

static void initrd_backwards(void)
{
	static const struct scenario s = {
		.ac = 1,
		.sc = 1,
		.ram = { { LOW, MiB(64) } },
		.nram = 1,
		.initrd_cells = 1,
		.initrd_start = LOW + MiB(40),
		.initrd_end = LOW + MiB(30),
		.image = { LOW, MiB(1) },
		.fdt_pa = LOW + MiB(63),
	};

	boot(&s, true);
}

UNIT_TEST(initrd_ending_before_it_starts_is_ignored)
{
	isolated(initrd_backwards);
}

static void map_fails(void)
{
	static const struct scenario s = {
		.ac = 1,
		.sc = 1,
		.ram = { { LOW, MiB(64) } },
		.nram = 1,
		.image = { LOW + MiB(8), MiB(1) },
		.fdt_pa = LOW + MiB(63),
	};
	struct page_alloc_stats st;

	map_result = -ENOMEM;
	CHECK_EQ(boot(&s, false), -ENOMEM);
	page_alloc_get_stats(&st);
	/* Nothing unmapped may reach the allocator. */
	CHECK_EQ(st.zones, 0);
	CHECK_EQ(nmap_calls, 1);
}

UNIT_TEST(mapping_failure_is_returned)
{
	isolated(map_fails);
}

static void ioremaps(void)
{
	char *p;

	map_result = 0;
	CHECK(ioremap(0x9000000, 0) == NULL);
	CHECK_EQ(nmap_calls, 0);
	p = ioremap(0x9000abc, 0x1000);
	CHECK(p == (char *)0x9000abc);
	CHECK_EQ(nmap_calls, 1);
	CHECK_EQ(map_calls[0].va, 0x9000000);
	CHECK_EQ(map_calls[0].pa, 0x9000000);
	CHECK_EQ(map_calls[0].size, 0x2000);
	CHECK_EQ(map_calls[0].attr, MMU_DEVICE);
	CHECK(ioremap(0xfffffffffffff000ULL, 0x2000) == NULL);
	map_result = -ENOMEM;
	CHECK(ioremap(0x9000000, 4) == NULL);
}

UNIT_TEST(ioremap_maps_whole_device_pages)
{
	isolated(ioremaps);
}

static void fragmented_ram(void)
{
	/* 20 small reservations cut one bank into 21 usable pieces. */
	struct scenario s = {
		.ac = 1,
		.sc = 1,
		.ram = { { LOW, MiB(256) } },
		.nram = 1,
		.image = { LOW, MiB(2) },
		.fdt_pa = LOW + MiB(2),
	};

	for (unsigned int i = 0; i < 20; i++)
		s.memrsv[s.nmemrsv++] =
			(struct range){ LOW + MiB(8 + 8 * i), MiB(1) };
	boot(&s, true);
}

/*
 * Each free piece of RAM becomes a zone of the page allocator; when it
 * took only 16, a board whose reservations cut RAM finer (Qualcomm trees
 * carry 20-odd /reserved-memory regions) failed memory_init() with
 * -ENOSPC and so panicked at boot.
 */
UNIT_TEST(many_reservations_fragmenting_ram)
{
	isolated(fragmented_ram);
}

static void over_reserved(void)
{
	/*
	 * More reservations than MEMORY_MAX_RESERVED, side by side so that
	 * RAM is cut into few pieces: every one of them must stay out of the
	 * allocator all the same.
	 */
	struct scenario s = {
		.ac = 1,
		.sc = 1,
		.ram = { { LOW, MiB(64) } },
		.nram = 1,
		.image = { LOW, MiB(2) },
		.fdt_pa = LOW + MiB(2),
	};
	const struct memory_map *m = memory_get_map();
	unsigned int printed;

	for (unsigned int i = 0; i < 40; i++)
		s.memrsv[s.nmemrsv++] =
			(struct range){ LOW + MiB(16) + i * KiB(64), KiB(64) };
	host_printk_count = 0;
	if (boot(&s, false)) {
		CHECK(!"memory_init");
		return;
	}
	printed = host_printk_count;
	CHECK(printed > 0); /* at least it said so */
	CHECK_EQ(m->nr_banks, 1);
	npage_banks = 1;
	pages[0] = (struct bank_pages){ LOW, LOW + MiB(64),
					calloc(MiB(64) >> PAGE_SHIFT, 1) };
	nwant_reserved = 0;
	mark(LOW, LOW + MiB(2) + placed_fdt_size, P_RESERVED);
	mark(LOW + MiB(16), LOW + MiB(16) + 40 * KiB(64), P_RESERVED);
	CHECK(allocator_as_wanted());
	free(pages[0].flags);
}

/*
 * Past MEMORY_MAX_RESERVED (32, two of them Keel and the device tree) a
 * reservation was once dropped with a warning, and the RAM it protected
 * went to the page allocator.
 */
UNIT_TEST(more_reservations_than_the_table_holds)
{
	isolated(over_reserved);
}

static void initrd_widths(const char *start, const char *end)
{
	/* Each property says its own size, as Linux reads them. */
	char text[512];
	paddr_t a = 0, b = 0;

	snprintf(text, sizeof(text),
		 "/dts-v1/;\n/ {\n\t#address-cells = <1>;\n"
		 "\t#size-cells = <1>;\n"
		 "\tchosen {\n"
		 "\t\tlinux,initrd-start = %s;\n"
		 "\t\tlinux,initrd-end = %s;\n\t};\n"
		 "\tmemory@40000000 { device_type = \"memory\";\n"
		 "\t\treg = <0x40000000 0x4000000>; };\n};\n",
		 start, end);
	boot_raw(text, LOW + MiB(32), 0);
	CHECK_EQ(memory_initrd(&a, &b), 0);
	CHECK_EQ(a, 0x41000000);
	CHECK_EQ(b, 0x41800000);
}

static void initrd_64_32(void)
{
	initrd_widths("/bits/ 64 <0x41000000>", "<0x41800000>");
}

static void initrd_32_64(void)
{
	initrd_widths("<0x41000000>", "/bits/ 64 <0x41800000>");
}

/*
 * linux,initrd-end was once read with linux,initrd-start's length: past
 * its end (into the node's end token) in the first case, as 0 in the
 * second.
 */
UNIT_TEST(initrd_start_and_end_of_different_widths)
{
	isolated(initrd_64_32);
	isolated(initrd_32_64);
}

UNIT_MAIN();
