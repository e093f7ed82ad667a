// SPDX-License-Identifier: GPL-2.0
/*
 * The host UARTs' register-level drivers (drivers/serial/ns16550.c and
 * pl011.c) on register blocks in host memory: each register is reached at
 * its offset (reg-shift stride for the NS16550) with the access width the
 * layout says, init writes what the datasheets ask for, and the ready
 * tests read the status bits. Register offsets come from include/hw/;
 * the values expected in them are written out as numbers, so that a wrong
 * bit in a shared header is caught here rather than copied.
 */
#include "unit.h"
#include <string.h>

#include <hw/ns16550.h>
#include <hw/pl011.h>

#include "../../drivers/serial/ns16550.h"
#include "../../drivers/serial/pl011.h"

static union {
	u8 b[0x1000];
	u32 w[0x400];
} regs;

static u8 reg8(unsigned int off)
{
	return regs.b[off];
}

static u32 reg32(unsigned int off)
{
	u32 v;

	memcpy(&v, &regs.b[off], sizeof(v));
	return v;
}

static void set_reg32(unsigned int off, u32 v)
{
	memcpy(&regs.b[off], &v, sizeof(v));
}

/*
 * The I/O-port space the port form of the NS16550 reaches (the driver's
 * ns16550_pio_read/write, here instead of ns16550_pio.c's IN and OUT).
 */
static u8 ports[0x10000];
static unsigned int port_reads, port_writes;

u8 ns16550_pio_read(u16 port)
{
	port_reads++;
	return ports[port];
}

void ns16550_pio_write(u16 port, u8 v)
{
	port_writes++;
	ports[port] = v;
}

static struct ns16550_hw ns16550_at(unsigned int shift, unsigned int width)
{
	memset(&regs, 0xee, sizeof(regs));
	return (struct ns16550_hw){ .base = (char *)regs.b,
				    .shift = shift,
				    .width = width };
}

UNIT_TEST(ns16550_init_byte_registers_one_apart)
{
	struct ns16550_hw hw = ns16550_at(0, 1);

	ns16550_init(&hw);
	CHECK_EQ(reg8(UART_IER), 0x00); /* IER: all off */
	CHECK_EQ(reg8(UART_FCR), 0x07); /* FCR: FIFOs on, both cleared */
	CHECK_EQ(reg8(UART_LCR), 0x03); /* LCR: 8N1, DLAB clear */
	CHECK_EQ(reg8(UART_MCR), 0x0b); /* MCR: DTR, RTS, OUT2 */
	CHECK_EQ(reg8(UART_THR), 0xee); /* nothing sent */
	/* nothing past the eight registers */
	CHECK_EQ(reg8(NS16550_NR_REGS), 0xee);
}

UNIT_TEST(ns16550_in_io_ports_uses_ports_one_apart_and_no_memory)
{
	struct ns16550_hw hw = ns16550_at(2, 4);

	memset(ports, 0xee, sizeof(ports));
	hw.io_port = true;
	hw.port = 0x3f8;
	hw.width = 1;
	port_reads = port_writes = 0;
	ns16550_init(&hw);
	CHECK_EQ(ports[0x3f8 + UART_IER], 0x00);
	CHECK_EQ(ports[0x3f8 + UART_FCR], 0x07);
	CHECK_EQ(ports[0x3f8 + UART_LCR], 0x03);
	CHECK_EQ(ports[0x3f8 + UART_MCR], 0x0b);
	CHECK_EQ(ports[0x3f8 + UART_THR], 0xee); /* nothing sent */
	CHECK_EQ(ports[0x2f8 + UART_LCR], 0xee); /* COM2 untouched */
	CHECK(port_writes >= 4);
	CHECK_EQ(port_reads, 2); /* LSR and IIR, to clear stale status */
	/* The memory block the base points at was never touched. */
	for (unsigned int i = 0; i < sizeof(regs.b); i++)
		CHECK_EQ(regs.b[i], 0xee);

	ports[0x3f8 + UART_LSR] = 0x20; /* THRE */
	CHECK(ns16550_tx_ops.tx_ready(&hw));
	ns16550_tx_ops.tx_byte(&hw, 'k');
	CHECK_EQ(ports[0x3f8 + UART_THR], 'k');
	ports[0x3f8 + UART_LSR] = 0x01; /* DR */
	ports[0x3f8 + UART_RBR] = 'x';
	CHECK(ns16550_rx_ready(&hw));
	CHECK_EQ(ns16550_rx_byte(&hw), 'x');
}

UNIT_TEST(ns16550_init_word_registers_four_apart)
{
	struct ns16550_hw hw = ns16550_at(2, 4);

	ns16550_init(&hw);
	/* 32-bit accesses: the upper bytes are written too. */
	CHECK_EQ(reg32(UART_IER << 2), 0x00);
	CHECK_EQ(reg32(UART_FCR << 2), 0x07);
	CHECK_EQ(reg32(UART_LCR << 2), 0x03);
	CHECK_EQ(reg32(UART_MCR << 2), 0x0b);
	CHECK_EQ(reg32(NS16550_NR_REGS << 2), 0xeeeeeeee);
}

UNIT_TEST(ns16550_byte_access_at_a_wide_stride_writes_one_byte)
{
	struct ns16550_hw hw = ns16550_at(2, 1);

	ns16550_init(&hw);
	CHECK_EQ(reg8(UART_LCR << 2), 0x03);
	CHECK_EQ(reg8((3 << 2) + 1), 0xee);
	CHECK_EQ(reg8(UART_LCR), 0xee); /* not at the one-byte stride */
}

UNIT_TEST(ns16550_transmit_waits_on_lsr_thre)
{
	for (unsigned int shift = 0; shift <= SERIAL_REG_SHIFT_MAX; shift++) {
		unsigned int width = shift >= 2 ? 4 : 1;
		struct ns16550_hw hw = ns16550_at(shift, width);
		unsigned int lsr = UART_LSR << shift, thr = UART_THR;

		regs.b[lsr] = 0x00;
		CHECK(!ns16550_tx_ops.tx_ready(&hw));
		regs.b[lsr] = 0x20; /* THRE */
		CHECK(ns16550_tx_ops.tx_ready(&hw));
		regs.b[lsr] = 0xdf; /* everything but THRE */
		CHECK(!ns16550_tx_ops.tx_ready(&hw));
		ns16550_tx_ops.tx_byte(&hw, 'K');
		CHECK_EQ(width == 4 ? reg32(thr) : reg8(thr), 'K');
		/* A byte above 0x7f is not sign-extended into the register. */
		ns16550_tx_ops.tx_byte(&hw, (char)0xe9);
		CHECK_EQ(width == 4 ? reg32(thr) : reg8(thr), 0xe9);
	}
}

UNIT_TEST(ns16550_receive_reads_lsr_dr_and_rbr)
{
	struct ns16550_hw hw = ns16550_at(2, 4);

	set_reg32(UART_LSR << 2, 0x60);
	CHECK(!ns16550_rx_ready(&hw));
	set_reg32(UART_LSR << 2, 0x61); /* DR */
	CHECK(ns16550_rx_ready(&hw));
	set_reg32(UART_RBR, 'x');
	CHECK_EQ(ns16550_rx_byte(&hw), 'x');
	ns16550_rx_on(&hw);
	CHECK_EQ(reg32(UART_IER << 2), 0x01); /* IER: received data available */
}

static struct pl011_hw pl011_fresh(void)
{
	memset(&regs, 0xee, sizeof(regs));
	return (struct pl011_hw){ .base = (char *)regs.b };
}

UNIT_TEST(pl011_init_enables_uart_fifos_and_clears_interrupts)
{
	struct pl011_hw hw = pl011_fresh();

	pl011_init(&hw);
	CHECK_EQ(reg32(UARTLCR_H), 0x70); /* UARTLCR_H: FEN, WLEN 8 bits */
	CHECK_EQ(reg32(UARTCR), 0x301); /* UARTCR: UARTEN, TXE, RXE */
	CHECK_EQ(reg32(UARTICR), 0x7ff); /* UARTICR: all */
	CHECK_EQ(reg32(UARTDR), 0xeeeeeeee); /* nothing sent */
}

UNIT_TEST(pl011_transmit_waits_while_the_fifo_is_full)
{
	struct pl011_hw hw = pl011_fresh();

	set_reg32(UARTFR, 0x20); /* UARTFR: TXFF */
	CHECK(!pl011_tx_ops.tx_ready(&hw));
	set_reg32(UARTFR, 0xdf); /* every flag but TXFF */
	CHECK(pl011_tx_ops.tx_ready(&hw));
	pl011_tx_ops.tx_byte(&hw, (char)0xe9);
	CHECK_EQ(reg32(UARTDR), 0xe9);
}

UNIT_TEST(pl011_receive_reads_rxfe_and_dr_and_acks)
{
	struct pl011_hw hw = pl011_fresh();

	set_reg32(UARTFR, 0x10); /* UARTFR: RXFE */
	CHECK(!pl011_rx_ready(&hw));
	set_reg32(UARTFR, 0x00);
	CHECK(pl011_rx_ready(&hw));
	set_reg32(UARTDR, 'q');
	CHECK_EQ(pl011_rx_byte(&hw), 'q');
	pl011_rx_on(&hw);
	CHECK_EQ(reg32(UARTIMSC), 0x50); /* UARTIMSC: RX, RT */
	set_reg32(UARTICR, 0);
	pl011_rx_ack(&hw);
	CHECK_EQ(reg32(UARTICR), 0x50); /* UARTICR: RX, RT */
}

UNIT_MAIN();
