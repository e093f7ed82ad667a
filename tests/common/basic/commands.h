/* SPDX-License-Identifier: GPL-2.0 */
/* The commands the common part implements itself (private to it). */
#ifndef BASIC_COMMANDS_H
#define BASIC_COMMANDS_H

#include "basic.h"

/* IPI kinds used by the common tests. */
#define IPI_PING 1
#define IPI_PONG 2
#define IPI_BENCH 3
#define IPI_SPIN 4

int cmd_memtest(int argc, char **argv);
int cmd_timer(int argc, char **argv);
int cmd_wfi(int argc, char **argv);
int cmd_timer_limits(int argc, char **argv);
int cmd_spin(int argc, char **argv);
/* Every vCPU busy for `ticks` (smp.c). */
int basic_spin_all(uint64_t ticks);
int cmd_bench(int argc, char **argv);
/* virtio.c: the virtio-mmio conformance run and the hostile driver. */
int cmd_virtio(int argc, char **argv);
int cmd_virtio_hostile(int argc, char **argv);
int cmd_virtio_input(int argc, char **argv);
void bench_help(void);

/* The timer test's state machine, shared with the timer benchmark. */
bool timer_oneshot(uint64_t deadline, uint64_t *fired_at);

/* The IPI benchmark's handshake with the secondary CPU. */
extern unsigned int ipi_bench_seq;
extern unsigned int ipi_bench_ack;

#endif /* BASIC_COMMANDS_H */
