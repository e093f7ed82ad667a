// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the PVH start_info (pvh.h). Everything in it is firmware's
 * word about memory Keel has not yet reserved, so every pointer is mapped
 * for exactly what is read and every range is checked for wrapping.
 */
#include <keel/bitops.h>
#include <keel/errno.h>
#include <keel/printf.h>
#include <keel/string.h>

#include "pvh.h"

/* struct hvm_start_info */
#define SI_MAGIC 0
#define SI_VERSION 4
#define SI_NR_MODULES 12
#define SI_MODLIST 16
#define SI_CMDLINE 24
#define SI_RSDP 32
#define SI_MEMMAP 40
#define SI_MEMMAP_ENTRIES 48
#define SI_LENGTH 56
/* struct hvm_modlist_entry */
#define MOD_PADDR 0
#define MOD_SIZE 8
#define MOD_LENGTH 32
/* struct hvm_memmap_table_entry */
#define MAP_ADDR 0
#define MAP_SIZE 8
#define MAP_TYPE 16
#define MAP_LENGTH 24
#define MAP_TYPE_RAM 1
/* More entries than any firmware writes: a garbage count. */
#define MAP_MAX_ENTRIES 1024

static int refuse(char *why, size_t why_size, const char *what, u64 phys)
{
	snprintf(why, why_size, "start_info at 0x%llx: %s",
		 (unsigned long long)phys, what);
	return -EINVAL;
}

static const u8 *map(const struct acpi_memory *mem, u64 phys, size_t len)
{
	return mem->map(mem->ctx, phys, len);
}

/* The NUL-terminated string at phys, or NULL. */
static const char *read_string(const struct acpi_memory *mem, u64 phys)
{
	for (size_t len = 1; len <= PVH_CMDLINE_MAX; len++) {
		const u8 *p = map(mem, phys, len);

		if (!p)
			return NULL;
		if (!p[len - 1])
			return (const char *)p;
	}
	return NULL;
}

/* Insert [base, base + size) into out's sorted RAM list; 0 or -errno. */
static int add_ram(struct pvh_boot *out, u64 base, u64 size)
{
	unsigned int i = out->nr_ram;

	if (base < PVH_LOW_MEMORY) {
		if (size <= PVH_LOW_MEMORY - base)
			return 0;
		size -= PVH_LOW_MEMORY - base;
		base = PVH_LOW_MEMORY;
	}
	if (!size)
		return 0;
	if (out->nr_ram == PVH_MAX_RAM)
		return -E2BIG;
	while (i && out->ram[i - 1].base > base) {
		out->ram[i] = out->ram[i - 1];
		i--;
	}
	out->ram[i] = (struct pvh_range){ base, size };
	out->nr_ram++;
	return 0;
}

static bool ram_overlaps(const struct pvh_boot *out)
{
	for (unsigned int i = 1; i < out->nr_ram; i++)
		if (out->ram[i].base - out->ram[i - 1].base <
		    out->ram[i - 1].size)
			return true;
	return false;
}

static int read_memmap(const struct acpi_memory *mem, u64 phys, u64 map_pa,
		       u32 entries, struct pvh_boot *out, char *why,
		       size_t why_size)
{
	const u8 *e;

	if (!entries || entries > MAP_MAX_ENTRIES)
		return refuse(why, why_size,
			      entries ? "implausible memory map size" :
					"empty memory map",
			      phys);
	e = map(mem, map_pa, (size_t)entries * MAP_LENGTH);
	if (!e)
		return refuse(why, why_size, "memory map not in memory", phys);
	for (u32 i = 0; i < entries; i++, e += MAP_LENGTH) {
		u64 base = le64_get(e + MAP_ADDR),
		    size = le64_get(e + MAP_SIZE);
		int err;

		if (le32_get(e + MAP_TYPE) != MAP_TYPE_RAM)
			continue;
		if (size && base + size - 1 < base)
			return refuse(why, why_size, "a memory map range wraps",
				      phys);
		err = add_ram(out, base, size);
		if (err) {
			snprintf(
				why, why_size,
				"start_info at 0x%llx: more than %u RAM ranges",
				(unsigned long long)phys, PVH_MAX_RAM);
			return err;
		}
	}
	if (ram_overlaps(out))
		return refuse(why, why_size, "RAM ranges overlap", phys);
	if (!out->nr_ram)
		return refuse(why, why_size, "no RAM above 1 MiB", phys);
	return 0;
}

static int read_initrd(const struct acpi_memory *mem, u64 phys, const u8 *si,
		       struct pvh_boot *out, char *why, size_t why_size)
{
	const u8 *mod;
	u64 base, size;

	if (!le32_get(si + SI_NR_MODULES))
		return 0;
	mod = map(mem, le64_get(si + SI_MODLIST), MOD_LENGTH);
	if (!mod)
		return refuse(why, why_size, "module list not in memory", phys);
	base = le64_get(mod + MOD_PADDR);
	size = le64_get(mod + MOD_SIZE);
	if (!size)
		return 0;
	if (base + size - 1 < base)
		return refuse(why, why_size, "the first module wraps", phys);
	out->has_initrd = true;
	out->initrd_base = base;
	out->initrd_size = size;
	return 0;
}

int pvh_read_start_info(const struct acpi_memory *mem, u64 phys,
			struct pvh_boot *out, char *why, size_t why_size)
{
	const u8 *si = map(mem, phys, SI_LENGTH);
	u64 cmdline_pa;
	int err;

	memset(out, 0, sizeof(*out));
	out->cmdline = "";
	if (!si)
		return refuse(why, why_size, "not in memory", phys);
	if (le32_get(si + SI_MAGIC) != PVH_START_INFO_MAGIC)
		return refuse(why, why_size, "bad magic", phys);
	/* Version 0 ends before the memory map, which Keel cannot do without. */
	if (!le32_get(si + SI_VERSION))
		return refuse(why, why_size, "version 0 has no memory map",
			      phys);
	out->rsdp = le64_get(si + SI_RSDP);
	cmdline_pa = le64_get(si + SI_CMDLINE);
	if (cmdline_pa) {
		out->cmdline = read_string(mem, cmdline_pa);
		if (!out->cmdline) {
			out->cmdline = "";
			return refuse(
				why, why_size,
				"command line unterminated or not in memory",
				phys);
		}
	}
	err = read_initrd(mem, phys, si, out, why, why_size);
	if (err)
		return err;
	return read_memmap(mem, phys, le64_get(si + SI_MEMMAP),
			   le32_get(si + SI_MEMMAP_ENTRIES), out, why,
			   why_size);
}
