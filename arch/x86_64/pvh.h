/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PVH boot protocol's start_info (Xen's public hvm/start_info.h, the
 * layout QEMU's pvh.bin option ROM fills in for `-kernel` with an ELF
 * carrying a XEN_ELFNOTE_PHYS32_ENTRY note): where the RSDP, the command
 * line, the modules (the first is Keel's bundle) and the memory map are.
 * pvh.c reads and checks it (tests/unit/test_x86_host_fdt.c, on what
 * QEMU 7.2's q35 handed a PVH kernel).
 */
#ifndef X86_PVH_H
#define X86_PVH_H

#include <keel/types.h>

#include "acpi.h"

#define PVH_START_INFO_MAGIC 0x336ec578U
#define PVH_MAX_RAM 32U
#define PVH_CMDLINE_MAX 1024
/* Below 1 MiB: real-mode trampolines, the EBDA, option ROMs. */
#define PVH_LOW_MEMORY 0x100000ULL

struct pvh_range {
	u64 base, size;
};

struct pvh_boot {
	u64 rsdp; /* 0: the start_info names none */
	const char *cmdline; /* NUL-terminated; "" when none */
	bool has_initrd; /* the first module, when it is not empty */
	u64 initrd_base, initrd_size;
	/* RAM from the memory map, at and above PVH_LOW_MEMORY, in order. */
	unsigned int nr_ram;
	struct pvh_range ram[PVH_MAX_RAM];
};

/*
 * Read the start_info at phys (what the entry found in %ebx). 0 and *out;
 * -EINVAL and why for a bad magic, a version without a memory map, a
 * command line without its NUL, a module or RAM range that wraps, RAM
 * ranges that overlap, or no RAM above 1 MiB; -E2BIG for more RAM ranges
 * than PVH_MAX_RAM.
 */
int pvh_read_start_info(const struct acpi_memory *mem, u64 phys,
			struct pvh_boot *out, char *why, size_t why_size);

#endif
