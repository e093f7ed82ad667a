// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU's own random numbers (RDRAND, CPUID Fn0000_0001 ECX bit 30) as
 * an entropy source, below a host virtio-rng. A read that leaves CF clear
 * returned no number and is retried a few times, as the vendors advise.
 */
#include <keel/entropy.h>
#include <arch/cpu.h>
#include <asm/x86.h>

#define RDRAND_PRIORITY 100
#define RDRAND_TRIES 10
#define CPUID1_ECX_RDRAND (1U << 30)

static bool rdrand64(u64 *out)
{
	for (unsigned int i = 0; i < RDRAND_TRIES; i++) {
		u64 v;
		u8 ok;

		__asm__ volatile("rdrand %0; setc %1"
				 : "=r"(v), "=qm"(ok)
				 :
				 : "cc");
		if (ok) {
			*out = v;
			return true;
		}
	}
	return false;
}

static int rdrand_read(struct entropy_source *src, void *buf, size_t size)
{
	return entropy_fill_from_words(buf, size, rdrand64);
}

static struct entropy_source rdrand_source = {
	.name = "rdrand",
	.priority = RDRAND_PRIORITY,
	.read = rdrand_read,
};

void arch_entropy_init(void)
{
	if (x86_cpuid(1, 0).ecx & CPUID1_ECX_RDRAND)
		entropy_register(&rdrand_source);
}
