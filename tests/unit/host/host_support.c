// SPDX-License-Identifier: GPL-2.0
/* State behind the host test build's asm/ headers. */
int host_irqs_masked;
