/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 Linux boot protocol (Documentation/arch/x86/boot.rst) as a
 * hypervisor uses it for a 64-bit entry: the bzImage's setup header read
 * and checked, the protected-mode kernel's place in the file, and the
 * "zero page" (struct boot_params) built from that header, the command
 * line, the initrd and an e820 map of the guest's memory (bzimage.c,
 * host-tested by tests/unit/test_x86_bzimage.c). The kernel then starts
 * at its load address + 0x200 (startup_64) with RSI pointing at the zero
 * page and identity-mapped page tables, which are the caller's.
 */
#ifndef X86_BZIMAGE_H
#define X86_BZIMAGE_H

#include <keel/types.h>

#define X86_ZERO_PAGE_SIZE 4096
#define X86_E820_MAX 128U
/* Offset of the 64-bit entry point from where the kernel is loaded. */
#define X86_BZIMAGE_ENTRY64_OFFSET 0x200

/* e820 types (ACPI's address range types). */
#define X86_E820_RAM 1
#define X86_E820_RESERVED 2
#define X86_E820_ACPI 3

struct x86_e820_entry {
	u64 addr;
	u64 size;
	u32 type;
};

/* What the setup header says, checked. */
struct x86_bzimage {
	u16 version; /* boot protocol, 0x020c is 2.12 */
	size_t setup_size; /* bytes before the protected-mode kernel */
	size_t kernel_size; /* bytes of the protected-mode kernel */
	u64 pref_address; /* where it runs unrelocated */
	u32 kernel_alignment;
	bool relocatable;
	u32 init_size; /* bytes it needs from its load address on */
	u32 cmdline_size; /* longest command line, without its NUL */
	u32 initrd_addr_max; /* highest byte an initrd may occupy */
	bool initrd_above_4g; /* XLF_CAN_BE_LOADED_ABOVE_4G */
};

/*
 * 0 and *out for a bzImage that can be entered in 64-bit mode (boot
 * protocol 2.12 or later with XLF_KERNEL_64); -EINVAL and why otherwise.
 */
int x86_bzimage_parse(const void *image, size_t size, struct x86_bzimage *out,
		      char *why, size_t why_size);

/* Where the loaded kernel and its boot data go, guest-physical. */
struct x86_boot_layout {
	u64 kernel; /* where the protected-mode kernel was put */
	u64 cmdline; /* its NUL-terminated copy */
	size_t cmdline_len; /* without the NUL */
	u64 initrd; /* 0 and initrd_size 0: none */
	u64 initrd_size;
	const struct x86_e820_entry *e820;
	unsigned int e820_entries;
};

/*
 * Fill zero_page (X86_ZERO_PAGE_SIZE bytes) for image, parsed into bz,
 * loaded as layout says. -EINVAL and why for what the kernel could not
 * take: a kernel not where it can run (not at pref_address unless
 * relocatable, misaligned), a command line too long, an initrd beyond
 * its reach, a map of more than X86_E820_MAX entries.
 */
int x86_boot_params_build(u8 *zero_page, const void *image,
			  const struct x86_bzimage *bz,
			  const struct x86_boot_layout *layout, char *why,
			  size_t why_size);

#endif
