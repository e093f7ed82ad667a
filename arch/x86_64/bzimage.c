// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 Linux boot protocol's setup header and zero page (bzimage.h).
 * Offsets are those of Documentation/arch/x86/boot.rst and zero-page.rst:
 * the setup header sits at 0x1f1 both in the bzImage and in struct
 * boot_params, which is why it is copied across as it is.
 */
#include <keel/bitops.h>
#include <keel/errno.h>
#include <keel/printf.h>
#include <keel/string.h>

#include "bzimage.h"

/* The setup header, at these offsets in the file and the zero page. */
#define HDR_START 0x1f1
#define HDR_SETUP_SECTS 0x1f1 /* u8; 0 means 4 */
#define HDR_SYSSIZE 0x1f4 /* u32, 16-byte units */
#define HDR_BOOT_FLAG 0x1fe /* u16 */
#define HDR_JUMP 0x200 /* u16: a short jump past the header */
#define HDR_MAGIC 0x202 /* u32 */
#define HDR_VERSION 0x206 /* u16 */
#define HDR_TYPE_OF_LOADER 0x210 /* u8 */
#define HDR_LOADFLAGS 0x211 /* u8 */
#define HDR_CODE32_START 0x214 /* u32 */
#define HDR_RAMDISK_IMAGE 0x218 /* u32 */
#define HDR_RAMDISK_SIZE 0x21c /* u32 */
#define HDR_CMD_LINE_PTR 0x228 /* u32 */
#define HDR_INITRD_ADDR_MAX 0x22c /* u32 */
#define HDR_KERNEL_ALIGNMENT 0x230 /* u32 */
#define HDR_RELOCATABLE 0x234 /* u8 */
#define HDR_XLOADFLAGS 0x236 /* u16 */
#define HDR_CMDLINE_SIZE 0x238 /* u32 */
#define HDR_HARDWARE_SUBARCH 0x23c /* u32 */
#define HDR_PREF_ADDRESS 0x258 /* u64 */
#define HDR_INIT_SIZE 0x260 /* u32 */
/* The end of the last field above: a header must reach it. */
#define HDR_NEEDED_END 0x264
/* Where struct boot_params's header area ends (edd_mbr_sig_buffer). */
#define HDR_AREA_END 0x290

/* Zero-page fields outside the header. */
#define BP_EXT_RAMDISK_IMAGE 0x0c0 /* u32 */
#define BP_EXT_RAMDISK_SIZE 0x0c4 /* u32 */
#define BP_EXT_CMD_LINE_PTR 0x0c8 /* u32 */
#define BP_E820_ENTRIES 0x1e8 /* u8 */
#define BP_E820_TABLE 0x2d0 /* X86_E820_MAX entries of 20 bytes */
#define E820_ENTRY_SIZE 20

#define BOOT_FLAG 0xaa55
#define HDR_MAGIC_HDRS 0x53726448 /* "HdrS" */
#define JUMP_SHORT 0xeb
#define PROTOCOL_2_12 0x020c /* xloadflags */
#define LOADFLAGS_LOADED_HIGH 0x01
#define XLF_KERNEL_64 0x0001
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x0002
#define LOADER_UNDEFINED 0xff /* a boot loader without an assigned ID */
#define SECTOR 512

static u8 get8(const u8 *p, size_t off)
{
	return p[off];
}

static u16 get16(const u8 *p, size_t off)
{
	return le16_get(p + off);
}

static u32 get32(const u8 *p, size_t off)
{
	return le32_get(p + off);
}

static u64 get64(const u8 *p, size_t off)
{
	return le64_get(p + off);
}

/* Bytes of the setup header the image carries, from HDR_START. */
static size_t header_length(const u8 *p)
{
	size_t end = HDR_JUMP + 2 + get8(p, HDR_JUMP + 1);

	return (end > HDR_AREA_END ? HDR_AREA_END : end) - HDR_START;
}

int x86_bzimage_parse(const void *image, size_t size, struct x86_bzimage *out,
		      char *why, size_t why_size)
{
	const u8 *p = image;
	struct x86_bzimage bz = { 0 };
	unsigned int setup_sects;
	u16 xloadflags;

	if (size < HDR_NEEDED_END || get16(p, HDR_BOOT_FLAG) != BOOT_FLAG ||
	    get32(p, HDR_MAGIC) != HDR_MAGIC_HDRS) {
		snprintf(why, why_size,
			 "not a bzImage (no boot flag 0xaa55 and \"HdrS\" "
			 "header)");
		return -EINVAL;
	}
	bz.version = get16(p, HDR_VERSION);
	if (bz.version < PROTOCOL_2_12) {
		snprintf(why, why_size,
			 "boot protocol %u.%02u: a 64-bit entry needs 2.12 "
			 "or later",
			 (unsigned int)bz.version >> 8,
			 (unsigned int)bz.version & 0xff);
		return -EINVAL;
	}
	if (get8(p, HDR_JUMP) != JUMP_SHORT ||
	    HDR_JUMP + 2 + get8(p, HDR_JUMP + 1) < HDR_NEEDED_END) {
		snprintf(why, why_size,
			 "setup header too short for protocol %u.%02u",
			 (unsigned int)bz.version >> 8,
			 (unsigned int)bz.version & 0xff);
		return -EINVAL;
	}
	xloadflags = get16(p, HDR_XLOADFLAGS);
	if (!(xloadflags & XLF_KERNEL_64)) {
		snprintf(why, why_size,
			 "no 64-bit entry point (XLF_KERNEL_64 clear)");
		return -EINVAL;
	}
	if (!(get8(p, HDR_LOADFLAGS) & LOADFLAGS_LOADED_HIGH)) {
		snprintf(why, why_size, "a zImage (loaded low), not a bzImage");
		return -EINVAL;
	}
	setup_sects = get8(p, HDR_SETUP_SECTS);
	if (!setup_sects)
		setup_sects = 4;
	bz.setup_size = (size_t)(setup_sects + 1) * SECTOR;
	if (bz.setup_size >= size ||
	    (u64)get32(p, HDR_SYSSIZE) * 16 > size - bz.setup_size) {
		snprintf(why, why_size,
			 "truncated: %zu bytes, the header says %zu of setup "
			 "and %llu of kernel",
			 size, bz.setup_size,
			 (unsigned long long)get32(p, HDR_SYSSIZE) * 16);
		return -EINVAL;
	}
	bz.kernel_size = size - bz.setup_size;
	bz.pref_address = get64(p, HDR_PREF_ADDRESS);
	bz.kernel_alignment = get32(p, HDR_KERNEL_ALIGNMENT);
	bz.relocatable = get8(p, HDR_RELOCATABLE);
	bz.init_size = get32(p, HDR_INIT_SIZE);
	bz.cmdline_size = get32(p, HDR_CMDLINE_SIZE);
	bz.initrd_addr_max = get32(p, HDR_INITRD_ADDR_MAX);
	bz.initrd_above_4g = xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G;
	if (bz.relocatable &&
	    (!bz.kernel_alignment ||
	     (bz.kernel_alignment & (bz.kernel_alignment - 1)))) {
		snprintf(why, why_size,
			 "kernel_alignment 0x%x is not a power of two",
			 bz.kernel_alignment);
		return -EINVAL;
	}
	*out = bz;
	return 0;
}

static int place_checks(const struct x86_bzimage *bz,
			const struct x86_boot_layout *l, char *why,
			size_t why_size)
{
	if (!bz->relocatable && l->kernel != bz->pref_address) {
		snprintf(why, why_size,
			 "the kernel is not relocatable and runs at 0x%llx "
			 "only, not at 0x%llx",
			 (unsigned long long)bz->pref_address,
			 (unsigned long long)l->kernel);
		return -EINVAL;
	}
	if (bz->relocatable && (l->kernel & (bz->kernel_alignment - 1))) {
		snprintf(why, why_size,
			 "the kernel at 0x%llx is not aligned to its 0x%x",
			 (unsigned long long)l->kernel, bz->kernel_alignment);
		return -EINVAL;
	}
	if (l->cmdline_len > bz->cmdline_size) {
		snprintf(why, why_size,
			 "command line of %zu bytes, the kernel takes %u",
			 l->cmdline_len, bz->cmdline_size);
		return -EINVAL;
	}
	if (l->initrd_size > ~0ULL - l->initrd) {
		snprintf(why, why_size,
			 "initrd of 0x%llx bytes at 0x%llx "
			 "wraps around",
			 (unsigned long long)l->initrd_size,
			 (unsigned long long)l->initrd);
		return -EINVAL;
	}
	if (l->initrd_size &&
	    (l->initrd + l->initrd_size - 1 > bz->initrd_addr_max &&
	     !bz->initrd_above_4g)) {
		snprintf(why, why_size,
			 "initrd ends at 0x%llx, above the kernel's limit "
			 "0x%x",
			 (unsigned long long)(l->initrd + l->initrd_size - 1),
			 bz->initrd_addr_max);
		return -EINVAL;
	}
	if (l->e820_entries > X86_E820_MAX) {
		snprintf(why, why_size,
			 "%u memory map entries, the zero page holds %u",
			 l->e820_entries, X86_E820_MAX);
		return -EINVAL;
	}
	return 0;
}

int x86_boot_params_build(u8 *zero_page, const void *image,
			  const struct x86_bzimage *bz,
			  const struct x86_boot_layout *layout, char *why,
			  size_t why_size)
{
	const u8 *p = image;
	int err = place_checks(bz, layout, why, why_size);

	if (err)
		return err;
	memset(zero_page, 0, X86_ZERO_PAGE_SIZE);
	memcpy(zero_page + HDR_START, p + HDR_START, header_length(p));
	zero_page[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	le32_put(zero_page + HDR_CODE32_START, (u32)layout->kernel);
	le32_put(zero_page + HDR_HARDWARE_SUBARCH, 0); /* a PC */
	le32_put(zero_page + HDR_CMD_LINE_PTR, (u32)layout->cmdline);
	le32_put(zero_page + BP_EXT_CMD_LINE_PTR, (u32)(layout->cmdline >> 32));
	le32_put(zero_page + HDR_RAMDISK_IMAGE, (u32)layout->initrd);
	le32_put(zero_page + BP_EXT_RAMDISK_IMAGE, (u32)(layout->initrd >> 32));
	le32_put(zero_page + HDR_RAMDISK_SIZE, (u32)layout->initrd_size);
	le32_put(zero_page + BP_EXT_RAMDISK_SIZE,
		 (u32)(layout->initrd_size >> 32));
	zero_page[BP_E820_ENTRIES] = (u8)layout->e820_entries;
	for (unsigned int i = 0; i < layout->e820_entries; i++) {
		size_t off = BP_E820_TABLE + (size_t)i * E820_ENTRY_SIZE;

		le64_put(zero_page + off, layout->e820[i].addr);
		le64_put(zero_page + off + 8, layout->e820[i].size);
		le32_put(zero_page + off + 16, layout->e820[i].type);
	}
	return 0;
}
