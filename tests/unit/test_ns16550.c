// SPDX-License-Identifier: GPL-2.0
/*
 * emulators/serial/ns16550.c driven through its emulator operations as
 * core/ drives them (instance lock held around read, write and reset), on
 * the shared fake guest, with the real core/vserial.c behind it and the
 * input callback called as the console binder calls it. Expected values
 * are the PC16550D datasheet's; registers and bits come from
 * <hw/ns16550.h>. The emulator is found by its compatible string in the
 * emulator table (host/keel_tables.ld) by core/devemu_registry.c.
 */
#include "unit.h"
#include <string.h>

#include <hw/ns16550.h>
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/spinlock.h>
#include <keel/vserial.h>
#include "host/fake_guest.h"

#define UART_BASE 0x10000000ULL
#define UART_IRQ 10 /* QEMU virt's, a PLIC source */
#define PORT_NAME "vm1/serial@10000000"

static struct devtree_node uart_node;

/* The emulator serving "ns16550a", found as core finds it. */
static const struct emulator *emulator(void)
{
	const struct emulator *emu = devemu_find("ns16550a");

	if (!emu) {
		printf("  no emulator serves ns16550a\n");
		abort();
	}
	return emu;
}

/* The modem inputs of the peer that is always there: CTS, DSR, DCD. */
#define READY_PEER (UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD)

/* Register offsets at the shift the instance under test uses. */
static unsigned int shift;

static struct devemu_instance *instance(u64 size)
{
	return fake_instance(emulator(), "serial@10000000", UART_BASE, size,
			     UART_IRQ);
}

/* A UART at reg-shift sh and reg-io-width width (0: property absent). */
static struct devemu_instance *create_layout(u32 sh, u32 width)
{
	struct devemu_instance *inst;

	fake_guest_init("vm1", 1);
	if (sh)
		fake_dt_set_u32(&uart_node, "reg-shift", sh);
	if (width)
		fake_dt_set_u32(&uart_node, "reg-io-width", width);
	shift = sh;
	inst = instance(0x100);
	CHECK_EQ(devemu_probe(inst, &uart_node), 0);
	CHECK(inst->priv != NULL);
	return inst;
}

/* QEMU virt's UART: byte registers in a row. */
static struct devemu_instance *create(void)
{
	return create_layout(0, 0);
}

static void destroy(struct devemu_instance *inst)
{
	fake_destroy(inst);
	CHECK(vserial_find(PORT_NAME) == NULL);
}

static u64 rd(struct devemu_instance *inst, unsigned int reg)
{
	return fake_rd(inst, reg << shift, 1);
}

static void wr(struct devemu_instance *inst, unsigned int reg, u64 v)
{
	fake_wr(inst, reg << shift, 1, v);
}

static bool irq(void)
{
	return fake_irq_lines[UART_IRQ];
}

static struct vserial *port(void)
{
	struct vserial *vs = vserial_find(PORT_NAME);

	CHECK(vs != NULL);
	return vs;
}

/* Typed input, as the binder hands it over (no lock held). */
static size_t type(const char *s)
{
	struct vserial *vs = port();
	size_t n = vs->rx(vs, s, strlen(s));

	CHECK(!spin_is_locked(&((struct devemu_instance *)vs->priv)->lock));
	return n;
}

/* The IIR interrupt identification, without the FIFO bits. */
static u64 iir_id(struct devemu_instance *inst)
{
	return rd(inst, UART_IIR) & UART_IIR_ID_MASK;
}

/* ---- reset values and read-only bits ---- */

UNIT_TEST(reset_values)
{
	struct devemu_instance *inst = create();

	CHECK_EQ(rd(inst, UART_RBR), 0);
	CHECK_EQ(rd(inst, UART_IER), 0);
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_NO_INT); /* no FIFOs */
	CHECK_EQ(rd(inst, UART_LCR), 0);
	CHECK_EQ(rd(inst, UART_MCR), 0);
	CHECK_EQ(rd(inst, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	/* A ready peer: CTS, DSR and DCD, no RI, no changes. */
	CHECK_EQ(rd(inst, UART_MSR), READY_PEER);
	CHECK_EQ(rd(inst, UART_SCR), 0);
	wr(inst, UART_LCR, UART_LCR_DLAB);
	CHECK_EQ(rd(inst, UART_DLL), 0);
	CHECK_EQ(rd(inst, UART_DLM), 0);
	/* Past the eight registers the window reads as zero. */
	CHECK_EQ(rd(inst, NS16550_NR_REGS), 0);
	CHECK_EQ(rd(inst, 0xff), 0);
	CHECK(!irq());
	CHECK_EQ(fake_irq_changes, 0);
	destroy(inst);
}

UNIT_TEST(read_only_and_reserved_bits)
{
	struct devemu_instance *inst = create();

	/* IER bits 7:4 and MCR bits 7:5 are always 0. */
	wr(inst, UART_IER, 0xf0);
	CHECK_EQ(rd(inst, UART_IER), 0);
	wr(inst, UART_MCR, 0xe3);
	CHECK_EQ(rd(inst, UART_MCR), 0xe3 & UART_MCR_MASK);
	/* LCR and SCR keep every bit. */
	wr(inst, UART_LCR, 0x7f);
	CHECK_EQ(rd(inst, UART_LCR), 0x7f);
	wr(inst, UART_SCR, 0xa5);
	CHECK_EQ(rd(inst, UART_SCR), 0xa5);
	/* LSR and MSR ignore writes (factory test only). */
	wr(inst, UART_LSR, 0xff);
	CHECK_EQ(rd(inst, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	wr(inst, UART_MSR, 0x0f);
	CHECK_EQ(rd(inst, UART_MSR), READY_PEER);
	/* IIR bits 5:4 stay 0, FCR being write-only at the same offset. */
	wr(inst, UART_FCR, 0x31);
	CHECK_EQ(rd(inst, UART_IIR) & 0x30, 0);
	CHECK(!irq());
	destroy(inst);
}

/* ---- divisor latch ---- */

UNIT_TEST(dlab_switches_registers)
{
	struct devemu_instance *inst = create();
	struct vserial *vs = port();

	wr(inst, UART_IER, UART_IER_ERBFI | UART_IER_ELSI);
	wr(inst, UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
	/* With DLAB the first two registers are the divisor latch. */
	wr(inst, UART_DLL, 0x0c);
	wr(inst, UART_DLM, 0x01);
	CHECK_EQ(rd(inst, UART_DLL), 0x0c);
	CHECK_EQ(rd(inst, UART_DLM), 0x01);
	CHECK_EQ(vs->written, 0); /* nothing was transmitted */
	CHECK_EQ(type("x"), 1);
	CHECK_EQ(rd(inst, UART_DLL), 0x0c); /* and nothing received taken */
	CHECK(rd(inst, UART_LSR) & UART_LSR_DR);
	/* Other registers are unaffected by DLAB. */
	CHECK_EQ(rd(inst, UART_LCR), UART_LCR_DLAB | UART_LCR_WLEN8);
	CHECK_EQ(rd(inst, UART_IIR) & UART_IIR_ID_MASK, UART_IIR_RDI);
	/* Without it, back to IER, RBR and THR. */
	wr(inst, UART_LCR, UART_LCR_WLEN8);
	CHECK_EQ(rd(inst, UART_IER), UART_IER_ERBFI | UART_IER_ELSI);
	CHECK_EQ(rd(inst, UART_RBR), 'x');
	wr(inst, UART_THR, 'y');
	CHECK_EQ(vs->written, 1);
	/* The divisor is kept while DLAB is clear. */
	wr(inst, UART_LCR, UART_LCR_DLAB);
	CHECK_EQ(rd(inst, UART_DLL), 0x0c);
	CHECK_EQ(rd(inst, UART_DLM), 0x01);
	destroy(inst);
}

/* ---- transmitting ---- */

UNIT_TEST(transmit_reaches_port)
{
	struct devemu_instance *inst = create();
	struct vserial *vs = port();
	char buf[16];
	size_t n;

	for (const char *c = "hello"; *c; c++)
		wr(inst, UART_THR, (u8)*c);
	n = vserial_recent(vs, buf, sizeof(buf));
	CHECK_EQ(n, 5);
	CHECK(!memcmp(buf, "hello", 5));
	/* Transmission takes no time: THR and the shifter stay empty. */
	CHECK_EQ(rd(inst, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	destroy(inst);
}

UNIT_TEST(thr_empty_interrupt)
{
	struct devemu_instance *inst = create();

	/* Enabling it with THR empty interrupts at once. */
	wr(inst, UART_IER, UART_IER_ETBEI);
	CHECK(irq());
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_THRI);
	/* Reading IIR took it. */
	CHECK(!irq());
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_NO_INT);
	/* Each byte sent empties THR again. */
	wr(inst, UART_THR, 'a');
	CHECK(irq());
	/* Masking lowers the line; unmasking with THR empty raises it. */
	wr(inst, UART_IER, 0);
	CHECK(!irq());
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_NO_INT);
	wr(inst, UART_IER, UART_IER_ETBEI);
	CHECK(irq());
	/* Rewriting IER with ETBEI already set is no new event. */
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_THRI);
	wr(inst, UART_IER, UART_IER_ETBEI);
	CHECK(!irq());
	/* Reading IIR while another interrupt is shown leaves THRE pending. */
	wr(inst, UART_THR, 'b');
	wr(inst, UART_IER, UART_IER_ETBEI | UART_IER_ERBFI);
	CHECK_EQ(type("z"), 1);
	CHECK_EQ(iir_id(inst), UART_IIR_RDI);
	CHECK_EQ(rd(inst, UART_RBR), 'z');
	CHECK_EQ(iir_id(inst), UART_IIR_THRI);
	CHECK_EQ(iir_id(inst), UART_IIR_NO_INT);
	destroy(inst);
}

/* ---- receiving ---- */

UNIT_TEST(receive_without_fifo_holds_one_byte)
{
	struct devemu_instance *inst = create();

	CHECK_EQ(rd(inst, UART_LSR) & UART_LSR_DR, 0);
	/* The holding register takes one byte; the port keeps the rest. */
	CHECK_EQ(type("ab"), 1);
	CHECK_EQ(rd(inst, UART_LSR),
		 UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	CHECK(!irq()); /* not enabled */
	wr(inst, UART_IER, UART_IER_ERBFI);
	CHECK(irq());
	/* Without FIFOs there is no timeout: one byte is the trigger. */
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_RDI);
	CHECK_EQ(rd(inst, UART_RBR), 'a');
	CHECK(!irq());
	CHECK_EQ(rd(inst, UART_LSR) & UART_LSR_DR, 0);
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_NO_INT);
	CHECK_EQ(type("b"), 1);
	CHECK(irq());
	CHECK_EQ(rd(inst, UART_RBR), 'b');
	destroy(inst);
}

UNIT_TEST(fifo_fills_to_sixteen)
{
	struct devemu_instance *inst = create();
	char got[17] = { 0 };

	wr(inst, UART_FCR, UART_FCR_FIFO_ENABLE);
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_FIFOS_ON | UART_IIR_NO_INT);
	CHECK_EQ(type("0123456789abcdefXYZ"), 16);
	CHECK_EQ(type("X"), 0);
	/* Typed input is flow-controlled: never an overrun. */
	CHECK_EQ(rd(inst, UART_LSR),
		 UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	for (int i = 0; i < 16; i++)
		got[i] = (char)rd(inst, UART_RBR);
	CHECK(!strcmp(got, "0123456789abcdef"));
	CHECK_EQ(rd(inst, UART_LSR) & UART_LSR_DR, 0);
	CHECK_EQ(rd(inst, UART_RBR), 0);
	CHECK_EQ(type("XYZ"), 3);
	destroy(inst);
}

UNIT_TEST(fifo_trigger_levels_and_timeout)
{
	static const struct {
		u8 fcr;
		unsigned int level;
	} levels[] = {
		{ 0 << UART_FCR_TRIGGER_SHIFT | UART_FCR_FIFO_ENABLE, 1 },
		{ 1 << UART_FCR_TRIGGER_SHIFT | UART_FCR_FIFO_ENABLE, 4 },
		{ 2 << UART_FCR_TRIGGER_SHIFT | UART_FCR_FIFO_ENABLE, 8 },
		{ 3 << UART_FCR_TRIGGER_SHIFT | UART_FCR_FIFO_ENABLE, 14 },
	};

	for (size_t l = 0; l < ARRAY_SIZE(levels); l++) {
		struct devemu_instance *inst = create();
		unsigned int level = levels[l].level;

		wr(inst, UART_FCR, levels[l].fcr);
		wr(inst, UART_IER, UART_IER_ERBFI);
		/* Below the level: the character timeout, at once. */
		for (unsigned int n = 1; n < level; n++) {
			CHECK_EQ(type("."), 1);
			CHECK_EQ(rd(inst, UART_IIR),
				 UART_IIR_FIFOS_ON | UART_IIR_CTI);
			CHECK(irq());
		}
		/* At the level: received data available. */
		CHECK_EQ(type("!"), 1);
		CHECK_EQ(rd(inst, UART_IIR), UART_IIR_FIFOS_ON | UART_IIR_RDI);
		CHECK(irq());
		/* Reading below the level: the rest times out. */
		CHECK_EQ(rd(inst, UART_RBR), level > 1 ? '.' : '!');
		if (level > 1) {
			CHECK_EQ(iir_id(inst), UART_IIR_CTI);
			for (unsigned int n = 1; n < level; n++)
				rd(inst, UART_RBR);
		}
		CHECK_EQ(iir_id(inst), UART_IIR_NO_INT);
		CHECK(!irq());
		destroy(inst);
	}
}

UNIT_TEST(fcr_programs_only_with_fifo_enable)
{
	struct devemu_instance *inst = create();

	/* Switching to FIFO mode empties the holding register. */
	CHECK_EQ(type("a"), 1);
	wr(inst, UART_FCR, UART_FCR_TRIGGER_MASK | UART_FCR_FIFO_ENABLE);
	CHECK_EQ(rd(inst, UART_LSR) & UART_LSR_DR, 0);
	CHECK_EQ(type("abcdefghijklmn"), 14);
	wr(inst, UART_IER, UART_IER_ERBFI);
	CHECK_EQ(iir_id(inst), UART_IIR_RDI);
	/* A write without bit 0 turns the FIFOs off, emptying them. */
	wr(inst, UART_FCR, 1 << UART_FCR_TRIGGER_SHIFT);
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_NO_INT);
	CHECK_EQ(rd(inst, UART_LSR) & UART_LSR_DR, 0);
	wr(inst, UART_FCR, UART_FCR_FIFO_ENABLE); /* back on, trigger level 1 */
	CHECK_EQ(type("a"), 1);
	CHECK_EQ(iir_id(inst), UART_IIR_RDI);
	/* Receive FIFO reset clears its data and is self-clearing. */
	CHECK_EQ(type("bc"), 2);
	wr(inst, UART_FCR, UART_FCR_FIFO_ENABLE | UART_FCR_RX_RESET);
	CHECK_EQ(rd(inst, UART_LSR) & UART_LSR_DR, 0);
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_FIFOS_ON | UART_IIR_NO_INT);
	CHECK_EQ(type("d"), 1);
	CHECK_EQ(rd(inst, UART_RBR), 'd');
	/* A transmit FIFO reset leaves received data alone. */
	CHECK_EQ(type("e"), 1);
	wr(inst, UART_FCR, UART_FCR_FIFO_ENABLE | UART_FCR_TX_RESET);
	CHECK_EQ(rd(inst, UART_RBR), 'e');
	destroy(inst);
}

/* ---- loopback ---- */

UNIT_TEST(loopback_receives_own_output)
{
	struct devemu_instance *inst = create();
	struct vserial *vs = port();

	wr(inst, UART_FCR, UART_FCR_FIFO_ENABLE);
	wr(inst, UART_MCR, UART_MCR_LOOP);
	wr(inst, UART_THR, 'L');
	wr(inst, UART_THR, 'B');
	/* The line is cut off both ways. */
	CHECK_EQ(vs->written, 0);
	CHECK_EQ(type("x"), 0);
	CHECK_EQ(rd(inst, UART_RBR), 'L');
	CHECK_EQ(rd(inst, UART_RBR), 'B');
	CHECK_EQ(rd(inst, UART_LSR) & UART_LSR_DR, 0);
	wr(inst, UART_MCR, 0);
	wr(inst, UART_THR, 'o');
	CHECK_EQ(vs->written, 1);
	CHECK_EQ(type("x"), 1);
	destroy(inst);
}

UNIT_TEST(loopback_overrun_without_fifo_keeps_newest)
{
	struct devemu_instance *inst = create();

	wr(inst, UART_MCR, UART_MCR_LOOP);
	wr(inst, UART_IER, UART_IER_ELSI | UART_IER_ERBFI);
	wr(inst, UART_THR, 'x');
	CHECK_EQ(iir_id(inst), UART_IIR_RDI);
	wr(inst, UART_THR, 'y');
	/* Line status outranks received data. */
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_RLSI);
	CHECK_EQ(rd(inst, UART_LSR),
		 UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR | UART_LSR_OE);
	/* Reading LSR cleared OE and its interrupt. */
	CHECK_EQ(rd(inst, UART_LSR),
		 UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_RDI);
	CHECK_EQ(rd(inst, UART_RBR), 'y');
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_NO_INT);
	CHECK(!irq());
	destroy(inst);
}

UNIT_TEST(loopback_overrun_with_fifo_drops_newest)
{
	struct devemu_instance *inst = create();

	wr(inst, UART_FCR, UART_FCR_TRIGGER_MASK | UART_FCR_FIFO_ENABLE);
	wr(inst, UART_MCR, UART_MCR_LOOP);
	for (int i = 0; i < 16; i++)
		wr(inst, UART_THR, 'a' + i);
	CHECK_EQ(rd(inst, UART_LSR) & UART_LSR_OE, 0);
	wr(inst, UART_THR, '!');
	wr(inst, UART_IER, UART_IER_ELSI | UART_IER_ERBFI);
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_FIFOS_ON | UART_IIR_RLSI);
	CHECK(rd(inst, UART_LSR) & UART_LSR_OE);
	CHECK_EQ(rd(inst, UART_LSR) & UART_LSR_OE, 0);
	CHECK_EQ(iir_id(inst), UART_IIR_RDI);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(rd(inst, UART_RBR), 'a' + i);
	CHECK_EQ(rd(inst, UART_LSR) & UART_LSR_DR, 0);
	destroy(inst);
}

UNIT_TEST(loopback_break_is_received)
{
	struct devemu_instance *inst = create();

	wr(inst, UART_FCR, UART_FCR_FIFO_ENABLE);
	wr(inst, UART_MCR, UART_MCR_LOOP);
	wr(inst, UART_IER, UART_IER_ELSI);
	wr(inst, UART_THR, 'a');
	wr(inst, UART_LCR, UART_LCR_BREAK | UART_LCR_WLEN8);
	/* The break waits behind 'a': only LSR bit 7 tells of it yet. */
	CHECK_EQ(rd(inst, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT |
					     UART_LSR_DR | UART_LSR_FIFO_ERROR);
	CHECK(!irq());
	CHECK_EQ(rd(inst, UART_RBR), 'a');
	/* At the top of the FIFO it shows BI and interrupts. */
	CHECK(irq());
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_FIFOS_ON | UART_IIR_RLSI);
	CHECK_EQ(rd(inst, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT |
					     UART_LSR_DR | UART_LSR_BI |
					     UART_LSR_FIFO_ERROR);
	CHECK(!irq());
	/* Bit 7 stays while the break is in the FIFO; BI went with the read. */
	CHECK_EQ(rd(inst, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT |
					     UART_LSR_DR | UART_LSR_FIFO_ERROR);
	CHECK_EQ(rd(inst, UART_RBR), 0);
	/* The FIFO is clean now: the next LSR read clears bit 7. */
	CHECK_EQ(rd(inst, UART_LSR),
		 UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_FIFO_ERROR);
	CHECK_EQ(rd(inst, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	/* Holding the break is one break; a new one needs a new edge. */
	wr(inst, UART_LCR, UART_LCR_BREAK | UART_LCR_WLEN8);
	CHECK_EQ(rd(inst, UART_LSR) & UART_LSR_DR, 0);
	/* Out of loopback a break goes nowhere. */
	wr(inst, UART_LCR, UART_LCR_WLEN8);
	wr(inst, UART_MCR, 0);
	wr(inst, UART_LCR, UART_LCR_BREAK | UART_LCR_WLEN8);
	CHECK_EQ(rd(inst, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	destroy(inst);
}

UNIT_TEST(loopback_break_without_fifo)
{
	struct devemu_instance *inst = create();

	wr(inst, UART_MCR, UART_MCR_LOOP);
	wr(inst, UART_IER, UART_IER_ELSI);
	/* Straight into the holding register: BI at once, never bit 7. */
	wr(inst, UART_LCR, UART_LCR_BREAK);
	CHECK(irq());
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_RLSI);
	CHECK_EQ(rd(inst, UART_LSR),
		 UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR | UART_LSR_BI);
	CHECK(!irq());
	CHECK_EQ(rd(inst, UART_RBR), 0);
	CHECK_EQ(rd(inst, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	destroy(inst);
}

UNIT_TEST(loopback_modem_lines)
{
	struct devemu_instance *inst = create();

	wr(inst, UART_IER, UART_IER_EDSSI);
	/* Into loopback: the peer's CTS, DSR and DCD drop away. */
	wr(inst, UART_MCR, UART_MCR_LOOP);
	CHECK(irq());
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_MSI);
	CHECK_EQ(rd(inst, UART_MSR),
		 UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
	CHECK(!irq());
	CHECK_EQ(rd(inst, UART_MSR), 0);
	/* RTS to CTS, DTR to DSR, OUT1 to RI, OUT2 to DCD. */
	wr(inst, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
	CHECK_EQ(rd(inst, UART_MSR), UART_MSR_CTS | UART_MSR_DCTS);
	wr(inst, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_DTR);
	CHECK_EQ(rd(inst, UART_MSR),
		 UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DDSR);
	wr(inst, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	CHECK_EQ(rd(inst, UART_MSR),
		 UART_MSR_DCD | UART_MSR_DDCD | UART_MSR_DCTS | UART_MSR_DDSR);
	/* RI's leading edge is no event; its trailing edge is TERI. */
	wr(inst, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_OUT1);
	CHECK_EQ(rd(inst, UART_MSR), UART_MSR_DCD | UART_MSR_RI);
	CHECK(!irq());
	wr(inst, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	CHECK(irq());
	CHECK_EQ(rd(inst, UART_MSR), UART_MSR_DCD | UART_MSR_TERI);
	CHECK(!irq());
	/* Out of loopback: the ready peer again. */
	wr(inst, UART_MCR, UART_MCR_OUT2);
	CHECK_EQ(rd(inst, UART_MSR),
		 READY_PEER | UART_MSR_DCTS | UART_MSR_DDSR);
	destroy(inst);
}

/* ---- interrupt priorities ---- */

UNIT_TEST(iir_priorities)
{
	struct devemu_instance *inst = create();

	/* Make all four pending: overrun, data, THR empty, modem change. */
	wr(inst, UART_MCR, UART_MCR_LOOP);
	wr(inst, UART_THR, '1');
	wr(inst, UART_THR, '2');
	wr(inst, UART_IER, UART_IER_MASK);
	CHECK(irq());
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_RLSI);
	CHECK_EQ(rd(inst, UART_IIR),
		 UART_IIR_RLSI); /* reading IIR is not enough */
	rd(inst, UART_LSR);
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_RDI);
	rd(inst, UART_RBR);
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_THRI);
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_MSI);
	CHECK(irq());
	rd(inst, UART_MSR);
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_NO_INT);
	CHECK(!irq());
	destroy(inst);
}

UNIT_TEST(line_follows_iir)
{
	struct devemu_instance *inst = create();

	wr(inst, UART_FCR, UART_FCR_FIFO_ENABLE);
	CHECK_EQ(type("abc"), 3);
	CHECK_EQ(fake_irq_changes, 0);
	wr(inst, UART_IER, UART_IER_ERBFI);
	CHECK(irq());
	CHECK_EQ(fake_irq_changes, 1);
	/* More input while it is high changes nothing on the line. */
	CHECK_EQ(type("d"), 1);
	CHECK_EQ(fake_irq_changes, 1);
	for (int i = 0; i < 4; i++)
		rd(inst, UART_RBR);
	CHECK(!irq());
	CHECK_EQ(fake_irq_changes, 2);
	destroy(inst);
}

/* ---- access sizes and layouts ---- */

UNIT_TEST(access_sizes_byte_registers)
{
	struct devemu_instance *inst = create();
	u64 v;

	CHECK_EQ(fake_read(inst, UART_LSR, 2, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, 0, 4, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, 0, 8, &v), -EINVAL);
	CHECK_EQ(fake_write(inst, UART_THR, 4, 'x'), -EINVAL);
	CHECK_EQ(fake_write(inst, UART_SCR, 2, 1), -EINVAL);
	CHECK_EQ(port()->written, 0);
	CHECK_EQ(rd(inst, UART_SCR), 0);
	/* Only the low byte of a byte access is taken. */
	CHECK_EQ(fake_write(inst, UART_SCR, 1, 0x1234), 0);
	CHECK_EQ(rd(inst, UART_SCR), 0x34);
	destroy(inst);
}

UNIT_TEST(access_sizes_word_registers)
{
	struct devemu_instance *inst = create_layout(2, 4);
	u64 v;

	/* Registers 4 bytes apart, 4-byte accesses carrying the low byte. */
	CHECK_EQ(fake_write(inst, UART_SCR << 2, 4, 0xffffff5a), 0);
	CHECK_EQ(fake_read(inst, UART_SCR << 2, 4, &v), 0);
	CHECK_EQ(v, 0x5a);
	CHECK_EQ(fake_read(inst, UART_LSR << 2, 4, &v), 0);
	CHECK_EQ(v, UART_LSR_THRE | UART_LSR_TEMT);
	/* Byte accesses to a register still work. */
	CHECK_EQ(fake_read(inst, UART_SCR << 2, 1, &v), 0);
	CHECK_EQ(v, 0x5a);
	/* The bytes between registers are no register. */
	CHECK_EQ(fake_read(inst, (UART_LSR << 2) + 1, 1, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(fake_write(inst, (UART_SCR << 2) + 1, 1, 0x11), 0);
	CHECK_EQ(rd(inst, UART_SCR), 0x5a);
	/* Misaligned and other sizes are refused. */
	CHECK_EQ(fake_read(inst, (UART_LSR << 2) + 2, 4, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, UART_LSR << 2, 2, &v), -EINVAL);
	CHECK_EQ(fake_read(inst, UART_LSR << 2, 8, &v), -EINVAL);
	/* Transmitting through a 4-byte THR. */
	CHECK_EQ(fake_write(inst, UART_THR << 2, 4, 'W'), 0);
	CHECK_EQ(port()->written, 1);
	destroy(inst);
}

UNIT_TEST(reg_shift_without_io_width)
{
	struct devemu_instance *inst = create_layout(2, 0);
	u64 v;

	CHECK_EQ(rd(inst, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	CHECK_EQ(fake_read(inst, UART_LSR << 2, 4, &v), -EINVAL);
	destroy(inst);
}

/* ---- probing, reset ---- */

UNIT_TEST(probe_creates_named_port)
{
	struct devemu_instance *inst = create();
	struct devemu_instance *dup = instance(0x100);
	struct vserial *vs = port();

	CHECK(vs->priv == inst);
	/* Its input callback is this UART's receiver. */
	CHECK_EQ(vs->rx(vs, "k", 1), 1);
	CHECK_EQ(rd(inst, UART_RBR), 'k');
	CHECK_EQ(devemu_probe(dup, &uart_node), -EEXIST);
	CHECK(dup->priv == NULL);
	CHECK(strstr(fake_error_msg, PORT_NAME) != NULL);
	free(dup);
	destroy(inst);
}

UNIT_TEST(probe_refuses_bad_nodes)
{
	static const struct {
		u32 shift, width, reg_offset;
		u64 size;
		const char *why;
	} bad[] = {
		{ 0, 0, 0, 0x4, "0x4" },
		{ 2, 0, 0, 0x10, "0x10" },
		{ 5, 0, 0, 0x1000, "reg-shift" },
		{ 2, 2, 0, 0x100, "reg-io-width" },
		{ 0, 4, 0, 0x100, "reg-shift of 2" },
		{ 0, 0, 4, 0x100, "reg-offset" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct devemu_instance *inst;

		fake_guest_init("vm1", 1);
		if (bad[i].shift)
			fake_dt_set_u32(&uart_node, "reg-shift", bad[i].shift);
		if (bad[i].width)
			fake_dt_set_u32(&uart_node, "reg-io-width",
					bad[i].width);
		if (bad[i].reg_offset)
			fake_dt_set_u32(&uart_node, "reg-offset",
					bad[i].reg_offset);
		inst = instance(bad[i].size);
		CHECK_EQ(devemu_probe(inst, &uart_node), -EINVAL);
		CHECK(inst->priv == NULL);
		CHECK(strstr(fake_error_msg, bad[i].why) != NULL);
		CHECK(vserial_find(PORT_NAME) == NULL);
		free(inst);
	}
}

UNIT_TEST(serves_both_compatibles)
{
	const struct emulator *emu = emulator();

	CHECK(!strcmp(emu->compatible[0], "ns16550a"));
	CHECK(!strcmp(emu->compatible[1], "ns16550"));
	CHECK(emu->compatible[2] == NULL);
}

UNIT_TEST(reset_restores_power_on_state)
{
	struct devemu_instance *inst = create();
	struct vserial *vs = port();

	wr(inst, UART_LCR, UART_LCR_DLAB);
	wr(inst, UART_DLL, 3);
	wr(inst, UART_LCR, 0x1b);
	wr(inst, UART_FCR, UART_FCR_TRIGGER_MASK | UART_FCR_FIFO_ENABLE);
	wr(inst, UART_IER, UART_IER_MASK);
	wr(inst, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	wr(inst, UART_SCR, 9);
	wr(inst, UART_THR, 'q');
	CHECK(irq());
	fake_reset(inst);
	CHECK(!irq());
	CHECK_EQ(rd(inst, UART_IER), 0);
	CHECK_EQ(rd(inst, UART_IIR), UART_IIR_NO_INT);
	CHECK_EQ(rd(inst, UART_LCR), 0);
	CHECK_EQ(rd(inst, UART_MCR), 0);
	CHECK_EQ(rd(inst, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	CHECK_EQ(rd(inst, UART_MSR), READY_PEER);
	CHECK_EQ(rd(inst, UART_SCR), 0);
	wr(inst, UART_LCR, UART_LCR_DLAB);
	CHECK_EQ(rd(inst, UART_DLL), 0);
	/* The port and what the guest said before stay. */
	CHECK(port() == vs);
	CHECK_EQ(type("r"), 1);
	destroy(inst);
}

UNIT_MAIN()
