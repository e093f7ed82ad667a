// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU's own random numbers (FEAT_RNG, Arm ARM D17.2: RNDR) as an
 * entropy source, below a host virtio-rng. ID_AA64ISAR0_EL1.RNDR (bits
 * [63:60]) says whether the CPU has it; a read that sets NZCV.Z returned
 * no random number in reasonable time and is retried a few times.
 */
#include <keel/entropy.h>
#include <arch/cpu.h>
#include <asm/sysreg.h>

#define RNDR_PRIORITY 100
#define RNDR_TRIES 10

static bool rndr_read64(u64 *out)
{
	for (unsigned int i = 0; i < RNDR_TRIES; i++) {
		u64 v, ok;

		/* RNDR by its encoding: assemblers without FEAT_RNG know it. */
		__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne"
				 : "=r"(v), "=r"(ok)
				 :
				 : "cc");
		if (ok) {
			*out = v;
			return true;
		}
	}
	return false;
}

static int rndr_read(struct entropy_source *src, void *buf, size_t size)
{
	return entropy_fill_from_words(buf, size, rndr_read64);
}

static struct entropy_source rndr_source = {
	.name = "rndr",
	.priority = RNDR_PRIORITY,
	.read = rndr_read,
};

void arch_entropy_init(void)
{
	if ((read_sysreg(id_aa64isar0_el1) >> 60) & 0xf)
		entropy_register(&rndr_source);
}
