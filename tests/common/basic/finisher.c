// SPDX-License-Identifier: GPL-2.0
/*
 * `finisher`: power off or reset through the SiFive test finisher the
 * device tree names (QEMU riscv virt's; Keel emulates it on every arch).
 * A write that works never returns: the machine is off or starts again.
 */
#include "commands.h"

#define FINISHER_FAIL 0x3333
#define FINISHER_PASS 0x5555
#define FINISHER_RESET 0x7777

int cmd_finisher(int argc, char **argv)
{
	struct basic_range r;
	uint64_t code = 0;
	uint32_t v;

	if (argc < 2)
		return fail("usage: finisher pass|fail <code>|reset");
	if (!strcmp(argv[1], "pass"))
		v = FINISHER_PASS;
	else if (!strcmp(argv[1], "reset"))
		v = FINISHER_RESET;
	else if (!strcmp(argv[1], "fail") && argc > 2 &&
		 parse_u64(argv[2], &code) && code <= 0xffff)
		v = (uint32_t)code << 16 | FINISHER_FAIL;
	else
		return fail("usage: finisher pass|fail <code>|reset");
	if (fdt_find_compatible(platform.fdt, "sifive,test1", &r, NULL) &&
	    fdt_find_compatible(platform.fdt, "sifive,test0", &r, NULL))
		return fail(
			"no sifive,test1 or sifive,test0 in the device tree");
	printf("finisher: writing 0x%x to 0x%lx\n", v, (unsigned long)r.base);
	arch_mmio_write(r.base, 4, v);
	return fail("still running after the write");
}
