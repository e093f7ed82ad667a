// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 Linux boot protocol (arch/x86_64/bzimage.c) over bzImages made
 * here with the setup header of Documentation/arch/x86/boot.rst (the
 * fields at the offsets it gives, values like Debian's 6.1 kernels':
 * protocol 2.15, relocatable, 2 MiB alignment, header up to 0x26c), and
 * the zero page of zero-page.rst. When written, the parser was also run
 * on Debian bookworm's vmlinuz-6.1.0-57-cloud-amd64: protocol 2.15, 39
 * setup sectors, pref_address 0x1000000, 2 MiB alignment, relocatable,
 * init_size 0x3378000, cmdline_size 2047, header ending at 0x26c.
 */
#include "unit.h"

#include <keel/bitops.h>
#include <keel/errno.h>
#include <string.h>

#include "../../arch/x86_64/bzimage.h"

#define KERNEL_BYTES 8192
#define HDR_END 0x26c

static u8 img[16 * 1024];
static u8 zp[X86_ZERO_PAGE_SIZE];
static char why[160];

static void put16(u8 *p, size_t off, u16 v)
{
	p[off] = (u8)v;
	p[off + 1] = (u8)(v >> 8);
}

static void put32(u8 *p, size_t off, u32 v)
{
	le32_put(p + off, v);
}

static void put64(u8 *p, size_t off, u64 v)
{
	le64_put(p + off, v);
}

static u32 get32(const u8 *p, size_t off)
{
	return le32_get(p + off);
}

static u64 get64(const u8 *p, size_t off)
{
	return le64_get(p + off);
}

/* A bzImage with 7 setup sectors (4 KiB with the boot sector). */
static size_t make_image(void)
{
	memset(img, 0, sizeof(img));
	img[0x1f1] = 7; /* setup_sects */
	put32(img, 0x1f4, KERNEL_BYTES / 16); /* syssize */
	put16(img, 0x1fe, 0xaa55);
	img[0x200] = 0xeb;
	img[0x201] = HDR_END - 0x202;
	put32(img, 0x202, 0x53726448); /* "HdrS" */
	put16(img, 0x206, 0x020f); /* 2.15 */
	img[0x211] = 0x01; /* LOADED_HIGH */
	put32(img, 0x214, 0x100000); /* code32_start */
	put32(img, 0x22c, 0x7fffffff); /* initrd_addr_max */
	put32(img, 0x230, 0x200000); /* kernel_alignment */
	img[0x234] = 1; /* relocatable */
	put16(img, 0x236, 0x7f); /* XLF_KERNEL_64 | ..._ABOVE_4G | ... */
	put32(img, 0x238, 2047); /* cmdline_size */
	put64(img, 0x258, 0x1000000); /* pref_address */
	put32(img, 0x260, 0x2c00000); /* init_size */
	/* Past the header: not the zero page's business. */
	memset(img + HDR_END, 0xcc, 0x290 - HDR_END);
	memset(img + 0x1000, 0x90, KERNEL_BYTES);
	return 0x1000 + KERNEL_BYTES;
}

static int parse(size_t size, struct x86_bzimage *bz)
{
	why[0] = 0;
	return x86_bzimage_parse(img, size, bz, why, sizeof(why));
}

static void check_why(const char *want)
{
	if (!strstr(why, want))
		printf("  reason \"%s\" lacks \"%s\"\n", why, want);
	CHECK(strstr(why, want) != NULL);
}

UNIT_TEST(parse_reads_the_setup_header)
{
	struct x86_bzimage bz;
	size_t size = make_image();

	CHECK_EQ(parse(size, &bz), 0);
	CHECK_EQ(bz.version, 0x020f);
	CHECK_EQ(bz.setup_size, 0x1000);
	CHECK_EQ(bz.kernel_size, KERNEL_BYTES);
	CHECK_EQ(bz.pref_address, 0x1000000);
	CHECK_EQ(bz.kernel_alignment, 0x200000);
	CHECK(bz.relocatable);
	CHECK_EQ(bz.init_size, 0x2c00000);
	CHECK_EQ(bz.cmdline_size, 2047);
	CHECK_EQ(bz.initrd_addr_max, 0x7fffffff);
	CHECK(bz.initrd_above_4g);

	/* setup_sects 0 means 4 (five sectors with the boot sector). */
	img[0x1f1] = 0;
	CHECK_EQ(parse(size, &bz), 0);
	CHECK_EQ(bz.setup_size, 5 * 512);
	CHECK_EQ(bz.kernel_size, size - 5 * 512);
}

UNIT_TEST(parse_refuses_what_cannot_be_entered_in_64bit_mode)
{
	struct x86_bzimage bz = { .version = 0x1234 };
	size_t size = make_image();

	put16(img, 0x1fe, 0x55aa);
	CHECK_EQ(parse(size, &bz), -EINVAL);
	check_why("not a bzImage");
	make_image();
	put32(img, 0x202, 0x53726449);
	CHECK_EQ(parse(size, &bz), -EINVAL);
	check_why("not a bzImage");
	CHECK_EQ(parse(0x200, &bz), -EINVAL);
	check_why("not a bzImage");

	make_image();
	put16(img, 0x206, 0x020b);
	CHECK_EQ(parse(size, &bz), -EINVAL);
	check_why("boot protocol 2.11");

	make_image();
	put16(img, 0x236, 0x7e);
	CHECK_EQ(parse(size, &bz), -EINVAL);
	check_why("XLF_KERNEL_64");

	make_image();
	img[0x211] = 0;
	CHECK_EQ(parse(size, &bz), -EINVAL);
	check_why("zImage");

	make_image();
	img[0x201] = 0x40; /* header ends at 0x242, before pref_address */
	CHECK_EQ(parse(size, &bz), -EINVAL);
	check_why("header too short");

	/* Truncated: the kernel shorter than syssize says, or no kernel. */
	make_image();
	CHECK_EQ(parse(size - 16, &bz), -EINVAL);
	check_why("truncated");
	CHECK_EQ(parse(0x1000, &bz), -EINVAL);
	img[0x1f1] = 40;
	CHECK_EQ(parse(size, &bz), -EINVAL);

	make_image();
	put32(img, 0x230, 0x300000);
	CHECK_EQ(parse(size, &bz), -EINVAL);
	check_why("power of two");

	/* Refusals leave *out alone. */
	CHECK_EQ(bz.version, 0x1234);
}

static const struct x86_e820_entry map[] = {
	{ 0, 0x9fc00, X86_E820_RAM },
	{ 0x9fc00, 0x400, X86_E820_RESERVED },
	{ 0x100000, 0x3ff00000, X86_E820_RAM },
	{ 0x140000000ULL, 0x40000000, X86_E820_RAM },
};

static struct x86_boot_layout layout(void)
{
	return (struct x86_boot_layout){
		.kernel = 0x1000000,
		.cmdline = 0x20000,
		.cmdline_len = 30,
		.initrd = 0x30000000,
		.initrd_size = 0x123456,
		.e820 = map,
		.e820_entries = ARRAY_SIZE(map),
	};
}

static int build(const struct x86_bzimage *bz, const struct x86_boot_layout *l)
{
	memset(zp, 0xee, sizeof(zp));
	why[0] = 0;
	return x86_boot_params_build(zp, img, bz, l, why, sizeof(why));
}

UNIT_TEST(zero_page_fields)
{
	struct x86_bzimage bz;
	struct x86_boot_layout l = layout();

	CHECK_EQ(parse(make_image(), &bz), 0);
	CHECK_EQ(build(&bz, &l), 0);
	/* The header as the image has it, up to its end and no further. */
	CHECK_EQ(memcmp(zp + 0x1f1, img + 0x1f1, 0x210 - 0x1f1), 0);
	CHECK_EQ(get32(zp, 0x202), 0x53726448);
	CHECK_EQ(get64(zp, 0x258), 0x1000000);
	CHECK_EQ(get32(zp, 0x260), 0x2c00000);
	for (size_t off = HDR_END; off < 0x290; off++)
		CHECK_EQ(zp[off], 0);
	/* What the loader fills in. */
	CHECK_EQ(zp[0x210], 0xff);
	CHECK_EQ(zp[0x211] & 1, 1);
	CHECK_EQ(get32(zp, 0x214), 0x1000000);
	CHECK_EQ(get32(zp, 0x228), 0x20000);
	CHECK_EQ(get32(zp, 0x0c8), 0);
	CHECK_EQ(get32(zp, 0x218), 0x30000000);
	CHECK_EQ(get32(zp, 0x0c0), 0);
	CHECK_EQ(get32(zp, 0x21c), 0x123456);
	CHECK_EQ(get32(zp, 0x23c), 0);
	/* The e820 map: packed 20-byte entries from 0x2d0. */
	CHECK_EQ(zp[0x1e8], ARRAY_SIZE(map));
	for (unsigned int i = 0; i < ARRAY_SIZE(map); i++) {
		size_t off = 0x2d0 + i * 20;

		CHECK_EQ(get64(zp, off), map[i].addr);
		CHECK_EQ(get64(zp, off + 8), map[i].size);
		CHECK_EQ(get32(zp, off + 16), map[i].type);
	}
	CHECK_EQ(zp[0x2d0 + ARRAY_SIZE(map) * 20], 0);
	/* Everything else zero. */
	CHECK_EQ(zp[0], 0);
	CHECK_EQ(zp[0x1e7], 0);
	CHECK_EQ(zp[X86_ZERO_PAGE_SIZE - 1], 0);
}

UNIT_TEST(zero_page_above_4g)
{
	struct x86_bzimage bz;
	struct x86_boot_layout l = layout();

	CHECK_EQ(parse(make_image(), &bz), 0);
	l.cmdline = 0x123456000ULL;
	l.initrd = 0x180000000ULL;
	l.initrd_size = 0x100000000ULL + 0x1000;
	CHECK_EQ(build(&bz, &l), 0);
	CHECK_EQ(get32(zp, 0x228), 0x23456000);
	CHECK_EQ(get32(zp, 0x0c8), 0x1);
	CHECK_EQ(get32(zp, 0x218), 0x80000000);
	CHECK_EQ(get32(zp, 0x0c0), 0x1);
	CHECK_EQ(get32(zp, 0x21c), 0x1000);
	CHECK_EQ(get32(zp, 0x0c4), 0x1);
}

UNIT_TEST(zero_page_refusals)
{
	struct x86_e820_entry many[X86_E820_MAX + 1] = { 0 };
	struct x86_bzimage bz;
	struct x86_boot_layout l;

	CHECK_EQ(parse(make_image(), &bz), 0);

	l = layout();
	l.kernel = 0x1100000; /* 1 MiB past a 2 MiB boundary */
	CHECK_EQ(build(&bz, &l), -EINVAL);
	check_why("not aligned");
	bz.relocatable = false;
	l.kernel = 0x2000000;
	CHECK_EQ(build(&bz, &l), -EINVAL);
	check_why("not relocatable");
	l.kernel = 0x1000000;
	CHECK_EQ(build(&bz, &l), 0);
	bz.relocatable = true;

	l = layout();
	l.cmdline_len = 2048;
	CHECK_EQ(build(&bz, &l), -EINVAL);
	check_why("command line of 2048 bytes");
	l.cmdline_len = 2047;
	CHECK_EQ(build(&bz, &l), 0);

	l = layout();
	bz.initrd_above_4g = false;
	l.initrd = 0x7ff00000;
	l.initrd_size = 0x100001;
	CHECK_EQ(build(&bz, &l), -EINVAL);
	check_why("above the kernel's limit");
	l.initrd_size = 0x100000;
	CHECK_EQ(build(&bz, &l), 0);
	bz.initrd_above_4g = true;
	l.initrd = 0xfffffffffff00000ULL;
	l.initrd_size = 0x200000;
	CHECK_EQ(build(&bz, &l), -EINVAL);
	check_why("wraps around");

	l = layout();
	l.e820 = many;
	l.e820_entries = X86_E820_MAX + 1;
	CHECK_EQ(build(&bz, &l), -EINVAL);
	check_why("129 memory map entries");
	l.e820_entries = X86_E820_MAX;
	CHECK_EQ(build(&bz, &l), 0);
	CHECK_EQ(zp[0x1e8], X86_E820_MAX);
	/* 128 entries end exactly where the zero page's table does. */
	CHECK(0x2d0 + X86_E820_MAX * 20 <= X86_ZERO_PAGE_SIZE);
}

UNIT_MAIN();
