// SPDX-License-Identifier: GPL-2.0
/* State behind the host test build's asm/ headers. */
int host_irqs_masked;
/* What arch_cpu_local() returns: the struct cpu the test is playing. */
void *host_cpu_local;
