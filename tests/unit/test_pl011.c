// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/serial/pl011.c driven through its emulator operations as
 * core/ drives them (instance lock held around read, write and reset),
 * with the real core/vserial.c behind it and the input callback called
 * as the console binder calls it. The emulator is found by its compatible
 * string in the emulator table (host/keel_tables.ld) by
 * core/devemu_registry.c; registers and bits are the TRM's, from
 * <hw/pl011.h>.
 */
#include "unit.h"
#include <string.h>

#include <hw/pl011.h>
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/spinlock.h>
#include <keel/vserial.h>
#include "host/fake_guest.h"

/* ---- the instance, as core/guest.c builds it ---- */

#define UART_IRQ 33

/* The emulator serving "arm,pl011", found as core finds it. */
static const struct emulator *emulator(void)
{
	const struct emulator *emu = devemu_find("arm,pl011");

	if (!emu) {
		printf("  no emulator serves arm,pl011\n");
		abort();
	}
	return emu;
}

static struct devemu_instance *instance(const char *name, u64 size)
{
	return fake_instance(emulator(), name, 0x9000000, size, UART_IRQ);
}

static struct devemu_instance *create(void)
{
	struct devemu_instance *inst;

	fake_guest_init("vm1", 1);
	inst = instance("pl011@9000000", PL011_WINDOW);
	CHECK_EQ(devemu_probe(inst, NULL), 0);
	CHECK(inst->priv != NULL);
	return inst;
}

static void destroy(struct devemu_instance *inst)
{
	fake_destroy(inst);
}

static u64 rd(struct devemu_instance *inst, u64 off)
{
	return fake_rd(inst, off, 4);
}

static void wr(struct devemu_instance *inst, u64 off, u64 v)
{
	fake_wr(inst, off, 4, v);
}

static void reset(struct devemu_instance *inst)
{
	fake_reset(inst);
}

static struct vserial *port(void)
{
	struct vserial *vs = vserial_find("vm1/pl011@9000000");

	CHECK(vs != NULL);
	return vs;
}

/* Typed input, as the binder hands it over (no lock held). */
static size_t type(const char *s, size_t len)
{
	struct vserial *vs = port();
	size_t n = vs->rx(vs, s, len);

	CHECK(!spin_is_locked(&((struct devemu_instance *)vs->priv)->lock));
	return n;
}

static size_t type_str(const char *s)
{
	return type(s, strlen(s));
}

#define ENABLED (UARTCR_UARTEN | UARTCR_TXE | UARTCR_RXE)

/* The modem status interrupts. */
#define MODEM_INTS \
	(PL011_INT_RIM | PL011_INT_CTSM | PL011_INT_DCDM | PL011_INT_DSRM)

/*
 * Enable the UART and clear the transmit interrupt that enabling raises,
 * so that tests of receiving see only their own bits.
 */
static void enable(struct devemu_instance *inst)
{
	wr(inst, UARTCR, ENABLED);
	wr(inst, UARTICR, PL011_INT_ALL);
}

/* Enabled, FIFOs on, the receive trigger at level selection sel. */
static struct devemu_instance *create_fifo(unsigned int sel)
{
	struct devemu_instance *inst = create();

	wr(inst, UARTLCR_H, UARTLCR_H_FEN | UARTLCR_H_WLEN_8);
	wr(inst, UARTIFLS, sel << UARTIFLS_RXIFLSEL_SHIFT | 2);
	enable(inst);
	return inst;
}

/* ---- the tests ---- */

UNIT_TEST(reset_values)
{
	struct devemu_instance *inst = create();
	static const u64 reserved[] = { 0x008, 0x00c, 0x010, 0x014, 0x01c,
					0x04c, 0x080, 0x090, 0xf00, 0xfdc };

	CHECK_EQ(rd(inst, UARTDR), 0);
	CHECK_EQ(rd(inst, UARTRSR), 0);
	CHECK_EQ(rd(inst, UARTFR), UARTFR_TXFE | UARTFR_RXFE);
	CHECK_EQ(rd(inst, UARTILPR), 0);
	CHECK_EQ(rd(inst, UARTIBRD), 0);
	CHECK_EQ(rd(inst, UARTFBRD), 0);
	CHECK_EQ(rd(inst, UARTLCR_H), 0);
	CHECK_EQ(rd(inst, UARTCR), UARTCR_RESET);
	CHECK_EQ(rd(inst, UARTIFLS), UARTIFLS_RESET);
	CHECK_EQ(rd(inst, UARTIMSC), 0);
	CHECK_EQ(rd(inst, UARTRIS), 0);
	CHECK_EQ(rd(inst, UARTMIS), 0);
	CHECK_EQ(rd(inst, UARTICR), 0);
	CHECK_EQ(rd(inst, UARTDMACR), 0);
	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++)
		CHECK_EQ(rd(inst, reserved[i]), 0);
	CHECK(!fake_irq_lines[UART_IRQ]);
	CHECK_EQ(fake_irq_changes, 0);
	destroy(inst);
}

UNIT_TEST(id_registers)
{
	struct devemu_instance *inst = create();
	u64 v;

	/* UARTPeriphID0-3, then UARTPCellID0-3: one byte each. */
	for (unsigned int i = 0; i < 8; i++) {
		u32 id = i < 4 ? PL011_PERIPHID : PL011_PCELLID;
		u64 want = (id >> (8 * (i % 4))) & 0xff;

		CHECK_EQ(rd(inst, UARTPERIPHID0 + 4 * i), want);
		CHECK_EQ(fake_read(inst, UARTPERIPHID0 + 4 * i, 1, &v), 0);
		CHECK_EQ(v, want);
		CHECK_EQ(fake_read(inst, UARTPERIPHID0 + 4 * i + 1, 1, &v), 0);
		CHECK_EQ(v, 0);
	}
	/* Read-only: writes change nothing. */
	wr(inst, UARTPERIPHID0, 0xff);
	wr(inst, UARTPCELLID3, 0);
	CHECK_EQ(rd(inst, UARTPERIPHID0), PL011_PERIPHID & 0xff);
	CHECK_EQ(rd(inst, UARTPCELLID3), PL011_PCELLID >> 24);
	destroy(inst);
}

UNIT_TEST(probe_creates_named_port)
{
	struct devemu_instance *inst = create();
	struct devemu_instance *dup = instance("pl011@9000000", PL011_WINDOW);
	struct vserial *vs = port();

	CHECK(vs->priv == inst);
	/* Its input callback is this UART's receiver. */
	enable(inst);
	CHECK_EQ(vs->rx(vs, "k", 1), 1);
	CHECK_EQ(rd(inst, UARTDR), 'k');
	/* A second UART of the same name in the same guest is refused. */
	fake_error_msg[0] = 0;
	CHECK_EQ(devemu_probe(dup, NULL), -EEXIST);
	CHECK(dup->priv == NULL);
	CHECK(strstr(fake_error_msg, "vm1/pl011@9000000") != NULL);
	free(dup);
	destroy(inst);
	CHECK(vserial_find("vm1/pl011@9000000") == NULL);
}

UNIT_TEST(probe_refuses_bad_windows_and_names)
{
	struct devemu_instance *small = instance("uart@0", 0x100);
	struct devemu_instance *lng =
		instance("a-very-long-node-name-for-a-uart@123456789abcdef",
			 PL011_WINDOW);
	struct guest long_guest = { .name = "guest-with-a-long-name-0123456" };

	fake_error_msg[0] = 0;
	CHECK_EQ(devemu_probe(small, NULL), -EINVAL);
	CHECK(strstr(fake_error_msg, "0x100") != NULL);
	CHECK(small->priv == NULL);
	lng->guest = &long_guest;
	fake_error_msg[0] = 0;
	CHECK_EQ(devemu_probe(lng, NULL), -EINVAL);
	CHECK(strstr(fake_error_msg, "too long") != NULL);
	CHECK(lng->priv == NULL);
	free(small);
	free(lng);
}

UNIT_TEST(transmit_reaches_port)
{
	struct devemu_instance *inst = create();
	struct vserial *vs = port();
	char buf[16];

	wr(inst, UARTCR, ENABLED);
	/* Bits above the data byte are ignored, as hardware does. */
	wr(inst, UARTDR, 0xffffff00 | 'h');
	CHECK_EQ(fake_write(inst, UARTDR, 1, 'e'), 0);
	CHECK_EQ(fake_write(inst, UARTDR, 2, 0x0f00 | 'l'), 0);
	wr(inst, UARTDR, 'l');
	wr(inst, UARTDR, 'o');
	CHECK_EQ(vs->written, 5);
	CHECK_EQ(vserial_recent(vs, buf, sizeof(buf)), 5);
	CHECK(!memcmp(buf, "hello", 5));
	/* Instantaneous: never busy, never full. */
	CHECK_EQ(rd(inst, UARTFR) & (UARTFR_TXFE | UARTFR_TXFF | UARTFR_BUSY),
		 UARTFR_TXFE);
	/* A write to the error-bit lanes of UARTDR sends nothing. */
	CHECK_EQ(fake_write(inst, UARTDR + 1, 1, 'x'), 0);
	CHECK_EQ(vs->written, 5);
	destroy(inst);
}

UNIT_TEST(transmit_needs_uarten_and_txe)
{
	struct devemu_instance *inst = create();
	struct vserial *vs = port();

	/* Reset state: TXE and RXE set, but the UART disabled. */
	wr(inst, UARTDR, 'a');
	CHECK_EQ(vs->written, 0);
	wr(inst, UARTCR, UARTCR_UARTEN | UARTCR_RXE);
	wr(inst, UARTDR, 'b');
	CHECK_EQ(vs->written, 0);
	wr(inst, UARTCR, UARTCR_UARTEN | UARTCR_TXE);
	wr(inst, UARTDR, 'c');
	CHECK_EQ(vs->written, 1);
	CHECK_EQ(rd(inst, UARTFR) & (UARTFR_TXFE | UARTFR_TXFF), UARTFR_TXFE);
	destroy(inst);
}

/* The guest's console leaves reset enabled, as boot firmware leaves it. */
UNIT_TEST(console_uart_comes_out_of_reset_enabled)
{
	struct devemu_instance *inst;
	struct vserial *vs;

	fake_guest_init("vm1", 1);
	fake_dt_set_string(&fake_guest_config, "console", "pl011@9000000");
	inst = instance("pl011@9000000", PL011_WINDOW);
	CHECK_EQ(devemu_probe(inst, NULL), 0);
	vs = port();
	CHECK_EQ(rd(inst, UARTCR), UARTCR_RESET | UARTCR_UARTEN);
	wr(inst, UARTDR, 'a');
	CHECK_EQ(vs->written, 1);
	/* A guest reset brings the same state back. */
	wr(inst, UARTCR, 0);
	fake_reset(inst);
	CHECK_EQ(rd(inst, UARTCR), UARTCR_RESET | UARTCR_UARTEN);
	destroy(inst);
}

UNIT_TEST(fifo_fill_and_overflow_with_fen)
{
	struct devemu_instance *inst = create_fifo(2);
	char in[40];

	for (int i = 0; i < 40; i++)
		in[i] = (char)('A' + i);
	CHECK_EQ(type(in, 40), 32);
	CHECK_EQ(rd(inst, UARTFR) & (UARTFR_RXFF | UARTFR_RXFE), UARTFR_RXFF);
	/* Flow-controlled: nothing was lost, so no overrun. */
	CHECK_EQ(type(in + 32, 8), 0);
	CHECK_EQ(rd(inst, UARTRSR), 0);
	CHECK_EQ(rd(inst, UARTRIS) & PL011_INT_OE, 0);
	for (int i = 0; i < 32; i++)
		CHECK_EQ(rd(inst, UARTDR), 'A' + i);
	CHECK_EQ(rd(inst, UARTFR) & (UARTFR_RXFF | UARTFR_RXFE), UARTFR_RXFE);
	/* Reading an empty FIFO gives nothing and changes nothing. */
	CHECK_EQ(rd(inst, UARTDR), 0);
	/* Room again: the rest is accepted, wrapping around the ring. */
	CHECK_EQ(type(in + 32, 8), 8);
	CHECK_EQ(type(in, 30), 24);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(rd(inst, UARTDR), 'A' + 32 + i);
	for (int i = 0; i < 24; i++)
		CHECK_EQ(rd(inst, UARTDR), 'A' + i);
	CHECK(rd(inst, UARTFR) & UARTFR_RXFE);
	destroy(inst);
}

UNIT_TEST(fifo_is_one_deep_without_fen)
{
	struct devemu_instance *inst = create();

	enable(inst);
	CHECK_EQ(type_str("ab"), 1);
	CHECK_EQ(rd(inst, UARTFR) & (UARTFR_RXFF | UARTFR_RXFE), UARTFR_RXFF);
	CHECK_EQ(type_str("b"), 0);
	CHECK_EQ(rd(inst, UARTDR), 'a');
	CHECK_EQ(rd(inst, UARTFR) & (UARTFR_RXFF | UARTFR_RXFE), UARTFR_RXFE);
	CHECK_EQ(type_str("b"), 1);
	CHECK_EQ(rd(inst, UARTDR), 'b');
	destroy(inst);
}

UNIT_TEST(clearing_fen_flushes)
{
	struct devemu_instance *inst = create_fifo(2);

	CHECK_EQ(type_str("hello"), 5);
	wr(inst, UARTLCR_H, UARTLCR_H_WLEN_8);
	CHECK(rd(inst, UARTFR) & UARTFR_RXFE);
	CHECK_EQ(rd(inst, UARTDR), 0);
	/* Setting FEN keeps what the holding register has. */
	CHECK_EQ(type_str("x"), 1);
	wr(inst, UARTLCR_H, UARTLCR_H_FEN);
	CHECK_EQ(rd(inst, UARTDR), 'x');
	destroy(inst);
}

UNIT_TEST(receive_needs_uarten_and_rxe)
{
	struct devemu_instance *inst = create();

	CHECK_EQ(type_str("a"), 0); /* reset: UART disabled */
	wr(inst, UARTCR, UARTCR_UARTEN | UARTCR_TXE);
	CHECK_EQ(type_str("a"), 0);
	wr(inst, UARTCR, ENABLED | UARTCR_LBE);
	CHECK_EQ(type_str("a"), 0); /* loopback: the line is not heard */
	wr(inst, UARTCR, ENABLED);
	CHECK_EQ(type_str("a"), 1);
	/* What was received stays readable after disabling. */
	wr(inst, UARTCR, 0);
	CHECK_EQ(rd(inst, UARTDR), 'a');
	destroy(inst);
}

UNIT_TEST(rx_interrupt_at_each_ifls_level)
{
	static const unsigned int levels[] = { 4, 8, 16, 24, 28, 28, 28, 28 };

	for (unsigned int sel = 0; sel < 8; sel++) {
		struct devemu_instance *inst = create_fifo(sel);
		unsigned int level = levels[sel];

		wr(inst, UARTIMSC, PL011_INT_RX);
		for (unsigned int i = 0; i + 1 < level; i++)
			CHECK_EQ(type_str("x"), 1);
		CHECK_EQ(rd(inst, UARTRIS) & (PL011_INT_RX | PL011_INT_RT),
			 PL011_INT_RT);
		CHECK(!fake_irq_lines[UART_IRQ]);
		CHECK_EQ(type_str("y"), 1);
		CHECK_EQ(rd(inst, UARTRIS) & PL011_INT_RX, PL011_INT_RX);
		CHECK_EQ(rd(inst, UARTMIS), PL011_INT_RX);
		CHECK(fake_irq_lines[UART_IRQ]);
		/* One read takes the FIFO below the level. */
		CHECK_EQ(rd(inst, UARTDR), 'x');
		CHECK_EQ(rd(inst, UARTRIS) & PL011_INT_RX, 0);
		CHECK(!fake_irq_lines[UART_IRQ]);
		destroy(inst);
	}
}

UNIT_TEST(rx_interrupt_without_fifo_is_per_character)
{
	struct devemu_instance *inst = create();

	enable(inst);
	wr(inst, UARTIMSC, PL011_INT_RX);
	CHECK_EQ(type_str("a"), 1);
	CHECK_EQ(rd(inst, UARTMIS), PL011_INT_RX);
	CHECK(fake_irq_lines[UART_IRQ]);
	CHECK_EQ(rd(inst, UARTDR), 'a');
	CHECK_EQ(rd(inst, UARTRIS), 0);
	CHECK(!fake_irq_lines[UART_IRQ]);
	destroy(inst);
}

UNIT_TEST(receive_timeout_below_level)
{
	struct devemu_instance *inst = create_fifo(2); /* level 16 */
	char many[20];

	wr(inst, UARTIMSC, PL011_INT_RT);
	CHECK_EQ(type_str("abc"), 3);
	CHECK_EQ(rd(inst, UARTRIS) & (PL011_INT_RX | PL011_INT_RT),
		 PL011_INT_RT);
	CHECK_EQ(rd(inst, UARTMIS), PL011_INT_RT);
	CHECK(fake_irq_lines[UART_IRQ]);
	/* Cleared, it stays clear until more data arrives. */
	wr(inst, UARTICR, PL011_INT_RT);
	CHECK(!fake_irq_lines[UART_IRQ]);
	CHECK_EQ(rd(inst, UARTDR), 'a');
	CHECK_EQ(rd(inst, UARTRIS) & PL011_INT_RT, 0);
	CHECK_EQ(type_str("d"), 1);
	CHECK(fake_irq_lines[UART_IRQ]);
	/* Reading everything ends it. */
	while (!(rd(inst, UARTFR) & UARTFR_RXFE))
		rd(inst, UARTDR);
	CHECK_EQ(rd(inst, UARTRIS), 0);
	CHECK(!fake_irq_lines[UART_IRQ]);

	/* Above the level it is RX; reading below the level brings RT. */
	memset(many, 'm', sizeof(many));
	CHECK_EQ(type(many, 17), 17);
	wr(inst, UARTICR, PL011_INT_ALL);
	CHECK_EQ(rd(inst, UARTRIS), 0);
	CHECK_EQ(rd(inst, UARTDR), 'm');
	CHECK_EQ(rd(inst, UARTRIS), 0); /* 16 left: still at the level */
	CHECK_EQ(rd(inst, UARTDR), 'm');
	CHECK_EQ(rd(inst, UARTRIS), PL011_INT_RT);
	CHECK(fake_irq_lines[UART_IRQ]);
	destroy(inst);
}

UNIT_TEST(ifls_change_reevaluates)
{
	struct devemu_instance *inst = create_fifo(4); /* level 28 */

	CHECK_EQ(type_str("0123456789"), 10);
	CHECK_EQ(rd(inst, UARTRIS), PL011_INT_RT);
	wr(inst, UARTIFLS,
	   1 << UARTIFLS_RXIFLSEL_SHIFT); /* level 8: now above it */
	CHECK_EQ(rd(inst, UARTRIS) & PL011_INT_RX, PL011_INT_RX);
	wr(inst, UARTIFLS, 3 << UARTIFLS_RXIFLSEL_SHIFT); /* level 24 */
	CHECK_EQ(rd(inst, UARTRIS), PL011_INT_RT);
	CHECK_EQ(rd(inst, UARTIFLS), 3 << UARTIFLS_RXIFLSEL_SHIFT);
	destroy(inst);
}

UNIT_TEST(imsc_masks_and_line_follows_mis)
{
	struct devemu_instance *inst = create();

	enable(inst);
	CHECK_EQ(type_str("a"), 1);
	CHECK_EQ(rd(inst, UARTRIS), PL011_INT_RX);
	CHECK_EQ(rd(inst, UARTMIS), 0);
	CHECK(!fake_irq_lines[UART_IRQ]);
	CHECK_EQ(fake_irq_changes, 0);
	wr(inst, UARTIMSC, PL011_INT_RX | PL011_INT_RT);
	CHECK(fake_irq_lines[UART_IRQ]);
	CHECK_EQ(fake_irq_changes, 1);
	/* Unrelated writes do not drive the line again. */
	wr(inst, UARTIBRD, 26);
	wr(inst, UARTIMSC, PL011_INT_RX | PL011_INT_OE);
	CHECK_EQ(fake_irq_changes, 1);
	wr(inst, UARTIMSC, 0);
	CHECK(!fake_irq_lines[UART_IRQ]);
	CHECK_EQ(fake_irq_changes, 2);
	CHECK_EQ(rd(inst, UARTRIS), PL011_INT_RX); /* raw status stays */
	wr(inst, UARTIMSC, PL011_INT_RX);
	CHECK(fake_irq_lines[UART_IRQ]);
	CHECK_EQ(fake_irq_changes, 3);
	destroy(inst);
}

UNIT_TEST(icr_clears_only_written_bits)
{
	struct devemu_instance *inst = create();

	/* Raise several sources through loopback: RX, modem, overrun. */
	wr(inst, UARTCR, ENABLED | UARTCR_LBE | UARTCR_RTS);
	wr(inst, UARTDR, 'a');
	wr(inst, UARTDR, 'b'); /* one-deep FIFO: overrun */
	wr(inst, UARTIMSC, PL011_INT_ALL);
	CHECK_EQ(rd(inst, UARTRIS),
		 PL011_INT_CTSM | PL011_INT_RX | PL011_INT_TX | PL011_INT_OE);
	wr(inst, UARTICR, PL011_INT_OE | PL011_INT_CTSM);
	CHECK_EQ(rd(inst, UARTRIS), PL011_INT_RX | PL011_INT_TX);
	CHECK(fake_irq_lines[UART_IRQ]);
	wr(inst, UARTICR, PL011_INT_RX | PL011_INT_TX);
	CHECK_EQ(rd(inst, UARTRIS), 0);
	CHECK_EQ(rd(inst, UARTMIS), 0);
	CHECK(!fake_irq_lines[UART_IRQ]);
	/* UARTICR is write-only; reading it does not clear anything. */
	CHECK_EQ(rd(inst, UARTICR), 0);
	destroy(inst);
}

UNIT_TEST(tx_interrupt)
{
	struct devemu_instance *inst = create();

	/* Transmit disabled: no transmit interrupt even when unmasked. */
	wr(inst, UARTIMSC, PL011_INT_TX);
	CHECK_EQ(rd(inst, UARTRIS), 0);
	CHECK(!fake_irq_lines[UART_IRQ]);
	/* Enabling transmit with an empty FIFO raises it. */
	wr(inst, UARTCR, ENABLED);
	CHECK_EQ(rd(inst, UARTRIS), PL011_INT_TX);
	CHECK(fake_irq_lines[UART_IRQ]);
	wr(inst, UARTICR, PL011_INT_TX);
	CHECK(!fake_irq_lines[UART_IRQ]);
	/* Each byte sent passes the FIFO through its level again. */
	wr(inst, UARTDR, 'z');
	CHECK_EQ(rd(inst, UARTMIS), PL011_INT_TX);
	CHECK(fake_irq_lines[UART_IRQ]);
	/* Masked and unmasked again: heard at once. */
	wr(inst, UARTIMSC, 0);
	wr(inst, UARTICR, PL011_INT_TX);
	wr(inst, UARTIMSC, PL011_INT_TX);
	CHECK(fake_irq_lines[UART_IRQ]);
	/* Disabling the UART or the transmitter drops it. */
	wr(inst, UARTCR, UARTCR_TXE | UARTCR_RXE);
	CHECK_EQ(rd(inst, UARTRIS), 0);
	CHECK(!fake_irq_lines[UART_IRQ]);
	wr(inst, UARTCR, ENABLED);
	CHECK(fake_irq_lines[UART_IRQ]);
	wr(inst, UARTCR, UARTCR_UARTEN | UARTCR_RXE);
	CHECK(!fake_irq_lines[UART_IRQ]);
	destroy(inst);
}

UNIT_TEST(loopback_overrun_and_errors)
{
	struct devemu_instance *inst = create();
	struct vserial *vs = port();

	wr(inst, UARTCR, ENABLED | UARTCR_LBE);
	wr(inst, UARTDR, 'a');
	CHECK_EQ(vs->written, 0); /* looped back, not sent */
	wr(inst, UARTDR, 'b'); /* lost: the holding register is full */
	CHECK_EQ(rd(inst, UARTRSR), UARTRSR_OE);
	CHECK(rd(inst, UARTRIS) & PL011_INT_OE);
	CHECK_EQ(rd(inst, UARTDR), 'a');
	/* The next character to get in carries the overrun flag. */
	wr(inst, UARTDR, 'c');
	CHECK_EQ(rd(inst, UARTDR), UARTDR_OE | 'c');
	wr(inst, UARTDR, 'd');
	CHECK_EQ(rd(inst, UARTDR), 'd');
	/* Any write to UARTECR clears the status. */
	CHECK_EQ(rd(inst, UARTRSR), UARTRSR_OE);
	wr(inst, UARTECR, 0);
	CHECK_EQ(rd(inst, UARTRSR), 0);

	/* A break is received as a 0 with BE. */
	wr(inst, UARTLCR_H, UARTLCR_H_BRK);
	CHECK_EQ(rd(inst, UARTDR), UARTDR_BE);
	CHECK_EQ(rd(inst, UARTRSR), UARTRSR_BE);
	CHECK(rd(inst, UARTRIS) & PL011_INT_BE);
	/* Holding the break sends no more. */
	wr(inst, UARTLCR_H, UARTLCR_H_BRK | UARTLCR_H_FEN);
	CHECK(rd(inst, UARTFR) & UARTFR_RXFE);
	destroy(inst);
}

UNIT_TEST(loopback_modem_lines)
{
	struct devemu_instance *inst = create();

	/* Not in loopback, nothing is attached: inputs inactive. */
	wr(inst, UARTCR,
	   ENABLED | UARTCR_RTS | UARTCR_DTR | UARTCR_OUT1 | UARTCR_OUT2);
	CHECK_EQ(rd(inst, UARTFR) &
			 (UARTFR_CTS | UARTFR_DSR | UARTFR_DCD | UARTFR_RI),
		 0);
	CHECK_EQ(rd(inst, UARTRIS) & MODEM_INTS, 0);
	wr(inst, UARTCR, ENABLED | UARTCR_LBE | UARTCR_RTS | UARTCR_OUT2);
	CHECK_EQ(rd(inst, UARTFR) &
			 (UARTFR_CTS | UARTFR_DSR | UARTFR_DCD | UARTFR_RI),
		 UARTFR_CTS | UARTFR_RI);
	CHECK_EQ(rd(inst, UARTRIS) & MODEM_INTS,
		 PL011_INT_CTSM | PL011_INT_RIM);
	wr(inst, UARTICR, MODEM_INTS);
	wr(inst, UARTCR,
	   ENABLED | UARTCR_LBE | UARTCR_RTS | UARTCR_DTR | UARTCR_OUT1);
	CHECK_EQ(rd(inst, UARTFR) &
			 (UARTFR_CTS | UARTFR_DSR | UARTFR_DCD | UARTFR_RI),
		 UARTFR_CTS | UARTFR_DSR | UARTFR_DCD);
	CHECK_EQ(rd(inst, UARTRIS) & MODEM_INTS,
		 PL011_INT_DSRM | PL011_INT_DCDM | PL011_INT_RIM);
	destroy(inst);
}

UNIT_TEST(access_sizes_and_lanes)
{
	struct devemu_instance *inst = create();
	u64 v;

	CHECK_EQ(fake_read(inst, UARTCR, 8, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, UARTCR, 8, 0), -EINVAL);
	CHECK_EQ(fake_read(inst, UARTCR, 3, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, UARTCR + 1, 2, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, UARTCR + 2, 4, 0), -EINVAL);
	CHECK_EQ(rd(inst, UARTCR), UARTCR_RESET);

	/* Narrow reads see their byte lanes. */
	CHECK_EQ(fake_read(inst, UARTCR + 1, 1, &v), 0);
	CHECK_EQ(v, UARTCR_RESET >> 8);
	CHECK_EQ(fake_read(inst, UARTCR, 1, &v), 0);
	CHECK_EQ(v, UARTCR_RESET & 0xff);
	CHECK_EQ(fake_read(inst, UARTCR, 2, &v), 0);
	CHECK_EQ(v, UARTCR_RESET);
	CHECK_EQ(fake_read(inst, UARTCR + 2, 2, &v), 0);
	CHECK_EQ(v, 0);

	/* Narrow writes change only their lanes; upper bits are ignored. */
	CHECK_EQ(fake_write(inst, UARTCR, 2, 0xffff0301), 0);
	CHECK_EQ(rd(inst, UARTCR), UARTCR_RESET | UARTCR_UARTEN);
	CHECK_EQ(fake_write(inst, UARTCR + 1, 1, 0x01), 0);
	CHECK_EQ(rd(inst, UARTCR), 0x101);
	CHECK_EQ(fake_write(inst, UARTCR + 2, 2, 0xffff), 0);
	CHECK_EQ(rd(inst, UARTCR), 0x101);
	wr(inst, UARTCR, 0xffffffff);
	CHECK_EQ(rd(inst, UARTCR), UARTCR_MASK); /* bits 6:3 reserved */

	wr(inst, UARTIBRD, 0x12345);
	CHECK_EQ(rd(inst, UARTIBRD), 0x12345 & UARTIBRD_MASK);
	wr(inst, UARTFBRD, 0xff);
	CHECK_EQ(rd(inst, UARTFBRD), UARTFBRD_MASK);
	wr(inst, UARTILPR, 0x1ff);
	CHECK_EQ(rd(inst, UARTILPR), UARTILPR_MASK);
	wr(inst, UARTLCR_H, 0x1fe);
	CHECK_EQ(rd(inst, UARTLCR_H), 0x1fe & UARTLCR_H_MASK);
	wr(inst, UARTIFLS, 0xff);
	CHECK_EQ(rd(inst, UARTIFLS), UARTIFLS_MASK);
	wr(inst, UARTIMSC, 0xffff);
	CHECK_EQ(rd(inst, UARTIMSC), PL011_INT_ALL);
	wr(inst, UARTDMACR, 0xff);
	CHECK_EQ(rd(inst, UARTDMACR), UARTDMACR_MASK);

	/* Read-only and reserved registers ignore writes. */
	wr(inst, UARTIMSC, 0);
	wr(inst, UARTFR, 0);
	wr(inst, UARTRIS, PL011_INT_ALL);
	wr(inst, UARTMIS, PL011_INT_ALL);
	wr(inst, 0x008, 0xffffffff);
	wr(inst, 0x04c, 0xffffffff);
	CHECK_EQ(rd(inst, UARTFR) & (UARTFR_TXFE | UARTFR_RXFE),
		 UARTFR_TXFE | UARTFR_RXFE);
	CHECK_EQ(rd(inst, 0x008), 0);
	CHECK_EQ(rd(inst, 0x04c), 0);
	destroy(inst);
}

UNIT_TEST(reset_restores_power_on_state)
{
	struct devemu_instance *inst = create_fifo(0);
	struct vserial *vs = port();

	wr(inst, UARTDR, 'o');
	wr(inst, UARTIMSC, PL011_INT_RX | PL011_INT_TX);
	wr(inst, UARTIBRD, 13);
	wr(inst, UARTDMACR, 1);
	CHECK_EQ(type_str("typed"), 5);
	CHECK(fake_irq_lines[UART_IRQ]);
	reset(inst);
	CHECK(!fake_irq_lines[UART_IRQ]);
	CHECK_EQ(rd(inst, UARTFR), UARTFR_TXFE | UARTFR_RXFE);
	CHECK_EQ(rd(inst, UARTCR), UARTCR_RESET);
	CHECK_EQ(rd(inst, UARTLCR_H), 0);
	CHECK_EQ(rd(inst, UARTIFLS), UARTIFLS_RESET);
	CHECK_EQ(rd(inst, UARTIBRD), 0);
	CHECK_EQ(rd(inst, UARTIMSC), 0);
	CHECK_EQ(rd(inst, UARTRIS), 0);
	CHECK_EQ(rd(inst, UARTDMACR), 0);
	/* The port and what the guest said before stay. */
	CHECK(port() == vs);
	CHECK_EQ(vs->written, 1);
	destroy(inst);
}

UNIT_TEST(two_uarts_two_ports)
{
	struct devemu_instance *a = create();
	struct devemu_instance *b = instance("pl011@9001000", PL011_WINDOW);
	struct vserial *pa = port();
	struct vserial *pb;

	CHECK_EQ(devemu_probe(b, NULL), 0);
	pb = vserial_find("vm1/pl011@9001000");
	CHECK(pb != NULL && pb != pa);
	wr(a, UARTCR, ENABLED);
	wr(b, UARTCR, ENABLED);
	wr(a, UARTDR, 'A');
	wr(b, UARTDR, 'B');
	wr(b, UARTDR, 'B');
	CHECK_EQ(pa->written, 1);
	CHECK_EQ(pb->written, 2);
	CHECK_EQ(pb->rx(pb, "q", 1), 1);
	CHECK_EQ(rd(a, UARTFR) & UARTFR_RXFE, UARTFR_RXFE);
	CHECK_EQ(rd(b, UARTDR), 'q');
	destroy(b);
	destroy(a);
}

UNIT_MAIN()
