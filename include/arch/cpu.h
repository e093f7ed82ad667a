/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What core/ asks of the CPU it runs on.
 *
 * From asm/cpu.h (inline):
 *   ARCH_CPU_HWID_NAME                  what the hardware id is called
 *   void *arch_cpu_local(void)          this CPU's struct cpu (set below)
 *   void arch_set_cpu_local(void *p)
 *   void arch_cpu_relax(void)           a polite pause inside a spin-wait
 *   void arch_wait_event(void)          sleep until an event or interrupt
 *   void arch_send_event(void)          wake CPUs in arch_wait_event
 *
 * From arch/<arch>/:
 *   arch_cpu_idle()       wait for an interrupt; called with interrupts
 *                         masked, returns with them still masked. The
 *                         interrupt that ends the wait may already have
 *                         been handled (x86: HLT wakes only for one it
 *                         can take) or still be pending (WFI)
 *   arch_cpu_hwid()       this CPU's hardware id as the device tree's cpu
 *                         nodes give it in "reg" (MPIDR affinity, hart id)
 *   arch_secondary_entry() physical address where a CPU started by the
 *                         firmware (PSCI, SBI HSM) must begin; the firmware's
 *                         context argument is the logical CPU number
 *   arch_cpu_describe()   one line naming the CPU model and mode
 *   arch_cpu_init()       per-CPU set-up (vectors, system registers);
 *                         called on every CPU before it takes interrupts
 *   arch_halt()           stop this CPU for good (panic, power-off failure)
 *   arch_entropy_init()   register the CPU's own random number generator
 *                         as an entropy source (keel/entropy.h) when the
 *                         CPU has one Keel may use; boot CPU, once, after
 *                         the drivers probed
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <keel/types.h>
#include <asm/cpu.h>

void arch_cpu_idle(void);
u64 arch_cpu_hwid(void);
paddr_t arch_secondary_entry(void);
int arch_cpu_describe(char *buf, size_t len);
void arch_cpu_init(void);
void __noreturn arch_halt(void);
void arch_entropy_init(void);

/*
 * Entry points arch/ calls in core/ (defined in core/):
 *   keel_main(boot_arg)       boot CPU, MMU on, stack set; boot_arg is the
 *                             device tree's physical address
 *   secondary_main(cpu)       a secondary CPU, MMU on, on its boot stack
 *   irq_handle_entry()        an interrupt was taken
 */
void __noreturn keel_main(paddr_t fdt_pa);
void __noreturn secondary_main(unsigned int cpu);
void irq_handle_entry(void);

#endif
