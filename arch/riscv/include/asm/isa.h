/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device tree's "riscv,isa" string: "rv64" and single-letter
 * extensions, then multi-letter ones each after an underscore, e.g.
 * "rv64imafdch_zicsr_zifencei_sstc". Letters are case-insensitive.
 */
#ifndef ASM_ISA_H
#define ASM_ISA_H

#include <keel/types.h>

static inline char riscv_isa_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether isa lists ext (one letter such as "h", or a name like "sstc"). */
static inline bool riscv_isa_has(const char *isa, const char *ext)
{
	size_t ext_len = 0;
	const char *p = isa;

	while (ext[ext_len])
		ext_len++;
	if (!isa || riscv_isa_lower(p[0]) != 'r' ||
	    riscv_isa_lower(p[1]) != 'v')
		return false;
	p += 2;
	while (*p >= '0' && *p <= '9')
		p++;
	if (ext_len == 1) {
		/* z and x only ever start multi-letter names. */
		for (; *p && *p != '_' && riscv_isa_lower(*p) != 'z' &&
		       riscv_isa_lower(*p) != 'x';
		     p++)
			if (riscv_isa_lower(*p) == riscv_isa_lower(ext[0]))
				return true;
		return false;
	}
	while (*p) {
		size_t i = 0;

		while (*p == '_')
			p++;
		while (i < ext_len && p[i] &&
		       riscv_isa_lower(p[i]) == riscv_isa_lower(ext[i]))
			i++;
		if (i == ext_len && (p[i] == '_' || !p[i]))
			return true;
		while (*p && *p != '_')
			p++;
	}
	return false;
}

#endif
