// SPDX-License-Identifier: GPL-2.0
/*
 * Free RAM and the memory pattern test.
 *
 * memtest covers every 64-bit word of the RAM above the firmware image,
 * minus the device tree and /memreserve/ ranges, with four write-then-
 * verify passes: each word's own address (catches address lines that are
 * stuck, shorted or aliased: a wrong line makes two words share storage
 * and one of them reads back the other's address), walking ones (word i
 * holds 1 << (i % 64), so every data bit is set alone somewhere in each
 * 512-byte run), 0x55.. and 0xaa.. (every bit both ways, neighbours
 * opposite). Writes and reads are plain 64-bit accesses in tight loops so
 * that 64 MiB takes well under two seconds under QEMU TCG.
 */
#include "commands.h"

#define PAGE 4096UL
#define MAX_REPORTED 8

uint64_t basic_ram_total(void)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < platform.nr_ram; i++)
		total += platform.ram[i].size;
	return total;
}

/* Remove [lo, hi) from the ranges in r[0..*n). */
static void carve(struct basic_range *r, unsigned int *n, unsigned int max,
		  uint64_t lo, uint64_t hi)
{
	unsigned int i = 0;

	while (i < *n) {
		uint64_t b = r[i].base, e = r[i].base + r[i].size;

		if (hi <= b || lo >= e) {
			i++;
		} else if (lo <= b && hi >= e) {
			/* Swallowed whole: the last range takes its slot. */
			r[i] = r[--(*n)];
		} else if (lo > b && hi < e) {
			/* Split: the tail becomes a new range. */
			if (*n < max) {
				r[*n].base = hi;
				r[*n].size = e - hi;
				(*n)++;
			}
			r[i++].size = lo - b;
		} else if (lo > b) {
			r[i++].size = lo - b;
		} else {
			r[i].base = hi;
			r[i++].size = e - hi;
		}
	}
}

unsigned int basic_free_ram(struct basic_range *out, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < platform.nr_ram && n < max; i++) {
		uint64_t b = platform.ram[i].base;
		uint64_t e = ALIGN_DOWN(b + platform.ram[i].size, PAGE);

		/* Only what lies above the image. */
		if (b < platform.image_end)
			b = platform.image_end;
		b = ALIGN_UP(b, PAGE);
		if (b < e) {
			out[n].base = b;
			out[n].size = e - b;
			n++;
		}
	}
	for (i = 0; i < platform.nr_reserved; i++) {
		const struct basic_range *r = &platform.reserved[i];

		carve(out, &n, max, ALIGN_DOWN(r->base, PAGE),
		      ALIGN_UP(r->base + r->size, PAGE));
	}
	return n;
}

static uint64_t errors;

static void report(const uint64_t *p, uint64_t want, uint64_t got,
		   const char *pattern)
{
	if (errors++ < MAX_REPORTED)
		printf("memtest error at 0x%lx (%s): wrote 0x%016lx read 0x%016lx\n",
		       (uint64_t)(uintptr_t)p, pattern, want, got);
}

static void pass_address(uint64_t *start, uint64_t *end)
{
	uint64_t *p;

	for (p = start; p < end; p++)
		*p = (uintptr_t)p;
	/* Make the compiler read memory back instead of its own stores. */
	barrier();
	for (p = start; p < end; p++) {
		if (*p != (uintptr_t)p)
			report(p, (uintptr_t)p, *p, "address");
	}
}

static void pass_walking_ones(uint64_t *start, uint64_t *end)
{
	uint64_t *p;
	unsigned int bit;

	for (p = start, bit = 0; p < end; p++, bit = (bit + 1) & 63)
		*p = 1UL << bit;
	barrier();
	for (p = start, bit = 0; p < end; p++, bit = (bit + 1) & 63) {
		if (*p != 1UL << bit)
			report(p, 1UL << bit, *p, "walking ones");
	}
}

static void pass_constant(uint64_t *start, uint64_t *end, uint64_t v)
{
	uint64_t *p;

	for (p = start; p < end; p++)
		*p = v;
	barrier();
	for (p = start; p < end; p++) {
		if (*p != v)
			report(p, v, *p,
			       v == 0x5555555555555555UL ? "0x55" : "0xaa");
	}
}

int cmd_memtest(int argc, char **argv)
{
	struct basic_range r[BASIC_MAX_FREE];
	uint64_t total = 0, t0;
	unsigned int i, n;

	if (argc > 1)
		return fail("usage: memtest");
	if (!basic_ram_total())
		return fail("no RAM size in the device tree");
	n = basic_free_ram(r, ARRAY_SIZE(r));
	if (!n)
		return fail("no free RAM above the image");

	errors = 0;
	t0 = arch_counter();
	for (i = 0; i < n; i++) {
		uint64_t *s = (uint64_t *)(uintptr_t)r[i].base;
		uint64_t *e = (uint64_t *)(uintptr_t)(r[i].base + r[i].size);

		printf("memtest 0x%lx-0x%lx (%lu KiB)\n", r[i].base,
		       r[i].base + r[i].size, r[i].size / 1024);
		pass_address(s, e);
		pass_walking_ones(s, e);
		pass_constant(s, e, 0x5555555555555555UL);
		pass_constant(s, e, 0xaaaaaaaaaaaaaaaaUL);
		total += r[i].size;
	}
	printf("memtest tested %lu MiB (%lu KiB) in ", total / MiB,
	       total / 1024);
	print_ms(arch_counter() - t0);
	printf(": address, walking ones, 0x55, 0xaa on every word\n");
	if (errors)
		return fail("%lu bad words", errors);
	return 0;
}
