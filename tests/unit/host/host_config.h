/* SPDX-License-Identifier: GPL-2.0 */
/* The configuration the host unit tests build core/ and libs/ with. */
#define CONFIG_MAX_CPUS 8
#define CONFIG_THREAD_STACK_SIZE 16384
#define CONFIG_SCHED_TIMESLICE_MS 10
#define CONFIG_SCHED_PRIORITIES 8
#define CONFIG_DEBUG_HEAP 1
#define CONFIG_LOG_BUF_SIZE 16384
#define CONFIG_IRQCHIP_GICV2 1
