// SPDX-License-Identifier: GPL-2.0
/* NS16550 registers in the x86 I/O-port space (COM1 at 0x3f8 and kin). */
#include <asm/pio.h>
#include "ns16550.h"

u8 ns16550_pio_read(u16 port)
{
	return inb(port);
}

void ns16550_pio_write(u16 port, u8 v)
{
	outb(v, port);
}
