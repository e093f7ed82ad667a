/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host test build: one thread plays every CPU. A test makes it "CPU n" by
 * handing arch_set_cpu_local() that CPU's struct cpu; nothing waits, since
 * no other CPU could ever send the event.
 */
#ifndef HOST_ASM_CPU_H
#define HOST_ASM_CPU_H

#define ARCH_CPU_HWID_NAME "hwid"

extern void *host_cpu_local;

static inline void *arch_cpu_local(void)
{
	return host_cpu_local;
}

static inline void arch_set_cpu_local(void *p)
{
	host_cpu_local = p;
}

static inline void arch_cpu_relax(void)
{
}

static inline void arch_wait_event(void)
{
}

static inline void arch_send_event(void)
{
}

#endif
