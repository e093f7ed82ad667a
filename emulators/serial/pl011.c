// SPDX-License-Identifier: GPL-2.0
/*
 * ARM PrimeCell UART (PL011) r1p5 for guests, following its Technical
 * Reference Manual (ARM DDI 0183G). The serial line is a virtual serial
 * port (core/vserial.c): what the guest transmits goes to the port, what
 * the user types while bound to the port arrives in the receive FIFO.
 *
 * The line carries bytes, not waveforms: baud rate, word length, parity
 * and stop bits are kept for the guest to read back but change nothing,
 * so framing and parity errors never happen. Transmission takes no time:
 * a byte written to UARTDR leaves at once, so the transmit FIFO is always
 * empty (TXFE set, TXFF and BUSY clear). Input is flow-controlled: the
 * port is told how many bytes fitted and offers the rest again later,
 * so typed input never overruns; only loopback can overrun.
 *
 * Interrupts are latched in UARTRIS when their event happens and cleared
 * by UARTICR or when their condition ends; the one output line is
 * UARTRIS & UARTIMSC. Receive (RX) comes when the FIFO fill reaches the
 * UARTIFLS level. The receive timeout (RT) comes as soon as data sits
 * below the level: hardware waits 32 idle bit periods to be sure no more
 * is coming, and on a virtual line nothing more is on its way. Transmit
 * (TX) means "the transmit FIFO is at or below its level", which with
 * instant transmission is true whenever transmit is enabled; it is raised
 * on each byte sent, when transmit becomes enabled and when TXIM is
 * unmasked, so an unmasked, enabled transmitter always interrupts until
 * the guest clears or masks it.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/printf.h>
#include <keel/string.h>
#include <keel/vserial.h>
#include "uart_port.h"

#define UARTDR 0x000
#define UARTRSR 0x004 /* UARTECR when written */
#define UARTFR 0x018
#define UARTILPR 0x020
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define UARTDMACR 0x048
#define UARTPERIPHID0 0xfe0
#define UARTPCELLID3 0xffc

#define PL011_WINDOW 0x1000

/* UARTDR: receive error bits beside the data byte */
#define DR_FE (1U << 8)
#define DR_PE (1U << 9)
#define DR_BE (1U << 10)
#define DR_OE (1U << 11)

/* UARTRSR */
#define RSR_OE (1U << 3)
#define RSR_MASK 0xfU

/* UARTFR */
#define FR_CTS (1U << 0)
#define FR_DSR (1U << 1)
#define FR_DCD (1U << 2)
#define FR_RXFE (1U << 4)
#define FR_TXFF (1U << 5)
#define FR_RXFF (1U << 6)
#define FR_TXFE (1U << 7)
#define FR_RI (1U << 8)

/* UARTLCR_H */
#define LCR_H_BRK (1U << 0)
#define LCR_H_FEN (1U << 4)
#define LCR_H_MASK 0xffU

/* UARTCR; bits 6:3 are reserved */
#define CR_UARTEN (1U << 0)
#define CR_LBE (1U << 7)
#define CR_TXE (1U << 8)
#define CR_RXE (1U << 9)
#define CR_DTR (1U << 10)
#define CR_RTS (1U << 11)
#define CR_OUT1 (1U << 12)
#define CR_OUT2 (1U << 13)
#define CR_MASK 0xff87U
#define CR_RESET (CR_TXE | CR_RXE)

#define IFLS_MASK 0x3fU
#define IFLS_RESET 0x12U /* both FIFOs at 1/2 */
#define ILPR_MASK 0xffU
#define IBRD_MASK 0xffffU
#define FBRD_MASK 0x3fU
#define DMACR_MASK 0x7U

/* Interrupt bits: UARTIMSC, UARTRIS, UARTMIS, UARTICR */
#define INT_RIM (1U << 0)
#define INT_CTSM (1U << 1)
#define INT_DCDM (1U << 2)
#define INT_DSRM (1U << 3)
#define INT_RX (1U << 4)
#define INT_TX (1U << 5)
#define INT_RT (1U << 6)
#define INT_FE (1U << 7)
#define INT_PE (1U << 8)
#define INT_BE (1U << 9)
#define INT_OE (1U << 10)
#define INT_ALL 0x7ffU

/* r1p5 has 32-entry FIFOs; with FEN clear they are 1-entry holding registers. */
#define FIFO_DEPTH 32

static const u8 pl011_id[] = {
	0x11, 0x10, 0x14, 0x00, /* UARTPeriphID0-3: PL011, ARM, r1p5 */
	0x0d, 0xf0, 0x05, 0xb1, /* UARTPCellID0-3 */
};

/* RX FIFO fill that raises the receive interrupt, by UARTIFLS[5:3]. */
static const u8 rx_levels[] = {
	FIFO_DEPTH / 8, /* 1/8 */
	FIFO_DEPTH / 4, /* 1/4 */
	FIFO_DEPTH / 2, /* 1/2 */
	FIFO_DEPTH * 3 / 4, /* 3/4 */
	FIFO_DEPTH * 7 / 8, /* 7/8 */
};

struct pl011 {
	struct devemu_instance *inst;
	struct vserial *port;
	u16 rx_fifo[FIFO_DEPTH]; /* data byte and DR_* error bits */
	unsigned int rx_head, rx_count;
	bool oe_pending; /* the next character received carries DR_OE */
	u32 rsr, ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
	bool irq_level; /* the line as last driven */
	/*
	 * The guest's console (its "console" names this UART): it leaves
	 * reset enabled, as the boot firmware leaves a console UART, so that
	 * a kernel's early console can print before any driver sets it up.
	 */
	bool is_console;
};

static unsigned int fifo_depth(const struct pl011 *s)
{
	return s->lcr_h & LCR_H_FEN ? FIFO_DEPTH : 1;
}

static unsigned int rx_trigger(const struct pl011 *s)
{
	unsigned int sel = (s->ifls >> 3) & 7;

	if (!(s->lcr_h & LCR_H_FEN))
		return 1;
	/* The TRM leaves 0b101..0b111 reserved; they act as the last level. */
	return rx_levels[MIN(sel, (unsigned int)ARRAY_SIZE(rx_levels) - 1)];
}

static bool tx_enabled(const struct pl011 *s)
{
	return (s->cr & (CR_UARTEN | CR_TXE)) == (CR_UARTEN | CR_TXE);
}

static bool rx_enabled(const struct pl011 *s)
{
	return (s->cr & (CR_UARTEN | CR_RXE)) == (CR_UARTEN | CR_RXE);
}

/*
 * The modem status inputs. Nothing is attached to the virtual line, so
 * they are inactive, except in loopback where the TRM wires the outputs
 * back: RTS to CTS, DTR to DSR, Out1 to DCD and Out2 to RI.
 */
static u32 modem_inputs(const struct pl011 *s)
{
	u32 fr = 0;

	if (!(s->cr & CR_LBE))
		return 0;
	if (s->cr & CR_RTS)
		fr |= FR_CTS;
	if (s->cr & CR_DTR)
		fr |= FR_DSR;
	if (s->cr & CR_OUT1)
		fr |= FR_DCD;
	if (s->cr & CR_OUT2)
		fr |= FR_RI;
	return fr;
}

/* A modem input changed: each change is a modem status interrupt. */
static void modem_changed(struct pl011 *s, u32 old_fr)
{
	u32 changed = old_fr ^ modem_inputs(s);

	if (changed & FR_RI)
		s->ris |= INT_RIM;
	if (changed & FR_CTS)
		s->ris |= INT_CTSM;
	if (changed & FR_DCD)
		s->ris |= INT_DCDM;
	if (changed & FR_DSR)
		s->ris |= INT_DSRM;
}

static void update_irq(struct pl011 *s)
{
	bool level = (s->ris & s->imsc) != 0;

	if (level == s->irq_level)
		return;
	s->irq_level = level;
	devemu_irq_set(s->inst, 0, level);
}

static void rx_flush(struct pl011 *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
	s->oe_pending = false;
	s->ris &= ~(INT_RX | INT_RT);
}

/*
 * A character reaches the receiver. With the FIFO full it is lost: an
 * overrun, flagged at once in UARTRSR and UARTRIS and, as on hardware,
 * on the next character that does get into the FIFO.
 */
static void rx_push(struct pl011 *s, u16 entry)
{
	if (s->rx_count >= fifo_depth(s)) {
		s->rsr |= RSR_OE;
		s->ris |= INT_OE;
		s->oe_pending = true;
		return;
	}
	if (s->oe_pending) {
		entry |= DR_OE;
		s->oe_pending = false;
	}
	if (entry & DR_BE)
		s->ris |= INT_BE;
	s->rx_fifo[(s->rx_head + s->rx_count) % FIFO_DEPTH] = entry;
	s->rx_count++;
}

/*
 * After characters arrived: at or above the trigger level the receive
 * interrupt is raised. Below it, hardware raises the receive timeout
 * once the line has been idle for 32 bit periods; on a virtual line the
 * sender has said all it had to say by the time we run, so the timeout
 * has as good as elapsed and is raised at once.
 */
static void rx_arrived(struct pl011 *s)
{
	if (s->rx_count >= rx_trigger(s))
		s->ris |= INT_RX;
	else if (s->rx_count)
		s->ris |= INT_RT;
}

/* The trigger level or the FIFO mode changed: look at the fill again. */
static void rx_level_changed(struct pl011 *s)
{
	if (s->rx_count >= rx_trigger(s)) {
		s->ris |= INT_RX;
	} else {
		s->ris &= ~INT_RX;
		if (s->rx_count)
			s->ris |= INT_RT;
	}
	if (!s->rx_count)
		s->ris &= ~INT_RT;
}

static u32 rx_pop(struct pl011 *s)
{
	unsigned int trigger = rx_trigger(s);
	bool was_at_level = s->rx_count >= trigger;
	u16 entry;

	if (!s->rx_count)
		return 0;
	entry = s->rx_fifo[s->rx_head];
	s->rx_head = (s->rx_head + 1) % FIFO_DEPTH;
	s->rx_count--;
	/* UARTRSR reports the errors of the character just read. */
	s->rsr |= (entry >> 8) & (RSR_MASK & ~RSR_OE);
	if (s->rx_count < trigger) {
		s->ris &= ~INT_RX;
		/* What is left now sits below the level: its timeout runs out. */
		if (was_at_level && s->rx_count)
			s->ris |= INT_RT;
	}
	if (!s->rx_count)
		s->ris &= ~INT_RT;
	return entry;
}

static void transmit(struct pl011 *s, u8 c)
{
	/* The TRM: nothing is sent unless both UARTEN and TXE are set. */
	if (!tx_enabled(s))
		return;
	if (s->cr & CR_LBE) {
		/* Loopback feeds the receiver instead of the line. */
		if (rx_enabled(s)) {
			rx_push(s, c);
			rx_arrived(s);
		}
	} else {
		char ch = (char)c;

		vserial_output(s->port, &ch, 1);
	}
	/*
	 * The byte left the transmit FIFO at once, taking it through its
	 * trigger level: that transition raises the transmit interrupt.
	 */
	s->ris |= INT_TX;
}

/* Write the bits of mask in a stored register. */
static u32 merge(u32 old, u32 val, u32 mask, u32 reg_mask)
{
	return ((old & ~mask) | (val & mask)) & reg_mask;
}

static u32 reg_read(struct pl011 *s, u64 reg)
{
	switch (reg) {
	case UARTDR:
		return rx_pop(s);
	case UARTRSR:
		return s->rsr & RSR_MASK;
	case UARTFR: {
		u32 fr = FR_TXFE | modem_inputs(s);

		if (!s->rx_count)
			fr |= FR_RXFE;
		if (s->rx_count >= fifo_depth(s))
			fr |= FR_RXFF;
		return fr;
	}
	case UARTILPR:
		return s->ilpr;
	case UARTIBRD:
		return s->ibrd;
	case UARTFBRD:
		return s->fbrd;
	case UARTLCR_H:
		return s->lcr_h;
	case UARTCR:
		return s->cr;
	case UARTIFLS:
		return s->ifls;
	case UARTIMSC:
		return s->imsc;
	case UARTRIS:
		return s->ris;
	case UARTMIS:
		return s->ris & s->imsc;
	case UARTDMACR:
		return s->dmacr;
	}
	if (reg >= UARTPERIPHID0 && reg <= UARTPCELLID3)
		return pl011_id[(reg - UARTPERIPHID0) / 4];
	return 0; /* UARTICR is write-only; the rest is reserved */
}

/*
 * A write of the bits in mask (the byte lanes the access covers) with
 * val already shifted into those lanes.
 */
static void reg_write(struct pl011 *s, u64 reg, u32 val, u32 mask)
{
	u32 old;

	switch (reg) {
	case UARTDR:
		/* Lanes above the data byte hold only read-only error bits. */
		if (mask & 0xff)
			transmit(s, (u8)val);
		break;
	case UARTRSR:
		s->rsr = 0; /* UARTECR: any write clears every error */
		break;
	case UARTILPR:
		s->ilpr = merge(s->ilpr, val, mask, ILPR_MASK);
		break;
	case UARTIBRD:
		s->ibrd = merge(s->ibrd, val, mask, IBRD_MASK);
		break;
	case UARTFBRD:
		s->fbrd = merge(s->fbrd, val, mask, FBRD_MASK);
		break;
	case UARTLCR_H:
		old = s->lcr_h;
		s->lcr_h = merge(old, val, mask, LCR_H_MASK);
		/* The TRM's way to flush the FIFOs is to clear FEN. */
		if ((old & LCR_H_FEN) && !(s->lcr_h & LCR_H_FEN))
			rx_flush(s);
		if ((old ^ s->lcr_h) & LCR_H_FEN)
			rx_level_changed(s);
		/* A break sent in loopback is received as one: a 0 with BE. */
		if (!(old & LCR_H_BRK) && (s->lcr_h & LCR_H_BRK) &&
		    (s->cr & CR_LBE) && tx_enabled(s) && rx_enabled(s)) {
			rx_push(s, DR_BE);
			rx_arrived(s);
		}
		break;
	case UARTCR: {
		u32 old_fr = modem_inputs(s);
		bool was_tx = tx_enabled(s);

		s->cr = merge(s->cr, val, mask, CR_MASK);
		modem_changed(s, old_fr);
		/* An enabled, empty transmit FIFO is at or below any level. */
		if (!tx_enabled(s))
			s->ris &= ~INT_TX;
		else if (!was_tx)
			s->ris |= INT_TX;
		break;
	}
	case UARTIFLS:
		old = rx_trigger(s);
		s->ifls = merge(s->ifls, val, mask, IFLS_MASK);
		if (rx_trigger(s) != old)
			rx_level_changed(s);
		break;
	case UARTIMSC:
		old = s->imsc;
		s->imsc = merge(old, val, mask, INT_ALL);
		/*
		 * Drivers unmask TXIM to hear when there is room to transmit.
		 * The FIFO always has room, so they hear at once: a driver
		 * with nothing left to send masks TXIM again, and one that
		 * waits for the first interrupt before writing is not stuck
		 * on the real PL011's rule that the interrupt only follows a
		 * transition through the level.
		 */
		if ((s->imsc & ~old & INT_TX) && tx_enabled(s))
			s->ris |= INT_TX;
		break;
	case UARTICR:
		s->ris &= ~(val & mask & INT_ALL);
		break;
	case UARTDMACR:
		/* No DMA controller is emulated: requests are never made. */
		s->dmacr = merge(s->dmacr, val, mask, DMACR_MASK);
		break;
	default:
		break; /* read-only and reserved registers */
	}
}

static int pl011_read(struct devemu_instance *inst, u64 offset,
		      unsigned int size, u64 *value)
{
	struct pl011 *s = inst->priv;
	struct reg32_lanes l;
	int err = devemu_reg32_lanes(offset, size, &l);

	if (err)
		return err;
	*value = (reg_read(s, l.reg) & l.mask) >> l.shift;
	update_irq(s);
	return 0;
}

static int pl011_write(struct devemu_instance *inst, u64 offset,
		       unsigned int size, u64 value)
{
	struct pl011 *s = inst->priv;
	struct reg32_lanes l;
	int err = devemu_reg32_lanes(offset, size, &l);

	if (err)
		return err;
	reg_write(s, l.reg, ((u32)value << l.shift) & l.mask, l.mask);
	update_irq(s);
	return 0;
}

/* Input from the virtual serial port; runs in the binder's thread. */
static size_t pl011_rx(struct vserial *vs, const char *buf, size_t len)
{
	struct devemu_instance *inst = vs->priv;
	struct pl011 *s = inst->priv;
	unsigned long flags;
	size_t n = 0;

	spin_lock_irqsave(&inst->lock, flags);
	/* In loopback the receiver listens to the transmitter only. */
	if (rx_enabled(s) && !(s->cr & CR_LBE)) {
		unsigned int depth = fifo_depth(s);
		size_t room = s->rx_count < depth ? depth - s->rx_count : 0;

		n = MIN(len, room);
		for (size_t i = 0; i < n; i++)
			rx_push(s, (u8)buf[i]);
		if (n)
			rx_arrived(s);
		update_irq(s);
	}
	spin_unlock_irqrestore(&inst->lock, flags);
	return n;
}

static void reset_state(struct pl011 *s)
{
	rx_flush(s);
	s->rsr = 0;
	s->ilpr = 0;
	s->ibrd = 0;
	s->fbrd = 0;
	s->lcr_h = 0;
	s->cr = CR_RESET | (s->is_console ? CR_UARTEN : 0);
	s->ifls = IFLS_RESET;
	s->imsc = 0;
	s->ris = 0;
	s->dmacr = 0;
	update_irq(s);
}

static bool is_console(const struct devemu_instance *inst)
{
	const char *console;

	return !devtree_prop_read_string(inst->guest->config, "console",
					 &console) &&
	       !strcmp(console, inst->name);
}

static void pl011_reset(struct devemu_instance *inst)
{
	reset_state(inst->priv);
}

static int pl011_probe(struct devemu_instance *inst,
		       const struct devtree_node *node)
{
	char name[VSERIAL_NAME_LEN];
	struct pl011 *s = inst->priv;
	int err;

	err = uart_port_name(inst, name);
	if (err)
		return err;
	s->inst = inst;
	s->is_console = is_console(inst);
	reset_state(s);
	s->port = uart_port_create(inst, name, pl011_rx);
	return s->port ? 0 : -ENOMEM;
}

static void pl011_remove(struct devemu_instance *inst)
{
	struct pl011 *s = inst->priv;

	/* Once this returns no input callback can be running any more. */
	vserial_destroy(s->port);
}

static const char *const pl011_compatible[] = { "arm,pl011", NULL };

static const struct emulator pl011_emulator = {
	.name = "pl011",
	.compatible = pl011_compatible,
	.probe = pl011_probe,
	.read = pl011_read,
	.write = pl011_write,
	.reset = pl011_reset,
	.remove = pl011_remove,
	.priv_size = sizeof(struct pl011),
	.min_window = PL011_WINDOW,
};
EMULATOR_REGISTER(pl011_emulator);
