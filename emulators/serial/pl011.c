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
#include <hw/pl011.h>
#include "uart_port.h"

/* RX FIFO fill that raises the receive interrupt, by UARTIFLS[5:3]. */
static const u8 rx_levels[] = {
	PL011_FIFO_DEPTH / 8, /* 1/8 */
	PL011_FIFO_DEPTH / 4, /* 1/4 */
	PL011_FIFO_DEPTH / 2, /* 1/2 */
	PL011_FIFO_DEPTH * 3 / 4, /* 3/4 */
	PL011_FIFO_DEPTH * 7 / 8, /* 7/8 */
};

struct pl011 {
	struct devemu_instance *inst;
	struct vserial *port;
	u16 rx_fifo[PL011_FIFO_DEPTH]; /* data byte and UARTDR_* error bits */
	unsigned int rx_head, rx_count;
	bool oe_pending; /* the next character received carries UARTDR_OE */
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
	return s->lcr_h & UARTLCR_H_FEN ? PL011_FIFO_DEPTH : 1;
}

static unsigned int rx_trigger(const struct pl011 *s)
{
	unsigned int sel = (s->ifls >> UARTIFLS_RXIFLSEL_SHIFT) & 7;

	if (!(s->lcr_h & UARTLCR_H_FEN))
		return 1;
	/* The TRM leaves 0b101..0b111 reserved; they act as the last level. */
	return rx_levels[MIN(sel, (unsigned int)ARRAY_SIZE(rx_levels) - 1)];
}

static bool tx_enabled(const struct pl011 *s)
{
	return (s->cr & (UARTCR_UARTEN | UARTCR_TXE)) ==
	       (UARTCR_UARTEN | UARTCR_TXE);
}

static bool rx_enabled(const struct pl011 *s)
{
	return (s->cr & (UARTCR_UARTEN | UARTCR_RXE)) ==
	       (UARTCR_UARTEN | UARTCR_RXE);
}

/*
 * The modem status inputs. Nothing is attached to the virtual line, so
 * they are inactive, except in loopback where the TRM wires the outputs
 * back: RTS to CTS, DTR to DSR, Out1 to DCD and Out2 to RI.
 */
static u32 modem_inputs(const struct pl011 *s)
{
	u32 fr = 0;

	if (!(s->cr & UARTCR_LBE))
		return 0;
	if (s->cr & UARTCR_RTS)
		fr |= UARTFR_CTS;
	if (s->cr & UARTCR_DTR)
		fr |= UARTFR_DSR;
	if (s->cr & UARTCR_OUT1)
		fr |= UARTFR_DCD;
	if (s->cr & UARTCR_OUT2)
		fr |= UARTFR_RI;
	return fr;
}

/* A modem input changed: each change is a modem status interrupt. */
static void modem_changed(struct pl011 *s, u32 old_fr)
{
	u32 changed = old_fr ^ modem_inputs(s);

	if (changed & UARTFR_RI)
		s->ris |= PL011_INT_RIM;
	if (changed & UARTFR_CTS)
		s->ris |= PL011_INT_CTSM;
	if (changed & UARTFR_DCD)
		s->ris |= PL011_INT_DCDM;
	if (changed & UARTFR_DSR)
		s->ris |= PL011_INT_DSRM;
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
	s->ris &= ~(PL011_INT_RX | PL011_INT_RT);
}

/*
 * A character reaches the receiver. With the FIFO full it is lost: an
 * overrun, flagged at once in UARTRSR and UARTRIS and, as on hardware,
 * on the next character that does get into the FIFO.
 */
static void rx_push(struct pl011 *s, u16 entry)
{
	if (s->rx_count >= fifo_depth(s)) {
		s->rsr |= UARTRSR_OE;
		s->ris |= PL011_INT_OE;
		s->oe_pending = true;
		return;
	}
	if (s->oe_pending) {
		entry |= UARTDR_OE;
		s->oe_pending = false;
	}
	if (entry & UARTDR_BE)
		s->ris |= PL011_INT_BE;
	s->rx_fifo[(s->rx_head + s->rx_count) % PL011_FIFO_DEPTH] = entry;
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
		s->ris |= PL011_INT_RX;
	else if (s->rx_count)
		s->ris |= PL011_INT_RT;
}

/* The trigger level or the FIFO mode changed: look at the fill again. */
static void rx_level_changed(struct pl011 *s)
{
	if (s->rx_count >= rx_trigger(s)) {
		s->ris |= PL011_INT_RX;
	} else {
		s->ris &= ~PL011_INT_RX;
		if (s->rx_count)
			s->ris |= PL011_INT_RT;
	}
	if (!s->rx_count)
		s->ris &= ~PL011_INT_RT;
}

static u32 rx_pop(struct pl011 *s)
{
	unsigned int trigger = rx_trigger(s);
	bool was_at_level = s->rx_count >= trigger;
	u16 entry;

	if (!s->rx_count)
		return 0;
	entry = s->rx_fifo[s->rx_head];
	s->rx_head = (s->rx_head + 1) % PL011_FIFO_DEPTH;
	s->rx_count--;
	/* UARTRSR reports the errors of the character just read. */
	s->rsr |= (entry >> 8) & (UARTRSR_MASK & ~UARTRSR_OE);
	if (s->rx_count < trigger) {
		s->ris &= ~PL011_INT_RX;
		/* What is left now sits below the level: its timeout runs out. */
		if (was_at_level && s->rx_count)
			s->ris |= PL011_INT_RT;
	}
	if (!s->rx_count)
		s->ris &= ~PL011_INT_RT;
	return entry;
}

static void transmit(struct pl011 *s, u8 c)
{
	/* The TRM: nothing is sent unless both UARTEN and TXE are set. */
	if (!tx_enabled(s))
		return;
	if (s->cr & UARTCR_LBE) {
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
	s->ris |= PL011_INT_TX;
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
		return s->rsr & UARTRSR_MASK;
	case UARTFR: {
		u32 fr = UARTFR_TXFE | modem_inputs(s);

		if (!s->rx_count)
			fr |= UARTFR_RXFE;
		if (s->rx_count >= fifo_depth(s))
			fr |= UARTFR_RXFF;
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
		return pl011_id_byte((unsigned int)reg);
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
		if (mask & UARTDR_DATA)
			transmit(s, (u8)val);
		break;
	case UARTRSR:
		s->rsr = 0; /* UARTECR: any write clears every error */
		break;
	case UARTILPR:
		s->ilpr = merge(s->ilpr, val, mask, UARTILPR_MASK);
		break;
	case UARTIBRD:
		s->ibrd = merge(s->ibrd, val, mask, UARTIBRD_MASK);
		break;
	case UARTFBRD:
		s->fbrd = merge(s->fbrd, val, mask, UARTFBRD_MASK);
		break;
	case UARTLCR_H:
		old = s->lcr_h;
		s->lcr_h = merge(old, val, mask, UARTLCR_H_MASK);
		/* The TRM's way to flush the FIFOs is to clear FEN. */
		if ((old & UARTLCR_H_FEN) && !(s->lcr_h & UARTLCR_H_FEN))
			rx_flush(s);
		if ((old ^ s->lcr_h) & UARTLCR_H_FEN)
			rx_level_changed(s);
		/* A break sent in loopback is received as one: a 0 with BE. */
		if (!(old & UARTLCR_H_BRK) && (s->lcr_h & UARTLCR_H_BRK) &&
		    (s->cr & UARTCR_LBE) && tx_enabled(s) && rx_enabled(s)) {
			rx_push(s, UARTDR_BE);
			rx_arrived(s);
		}
		break;
	case UARTCR: {
		u32 old_fr = modem_inputs(s);
		bool was_tx = tx_enabled(s);

		s->cr = merge(s->cr, val, mask, UARTCR_MASK);
		modem_changed(s, old_fr);
		/* An enabled, empty transmit FIFO is at or below any level. */
		if (!tx_enabled(s))
			s->ris &= ~PL011_INT_TX;
		else if (!was_tx)
			s->ris |= PL011_INT_TX;
		break;
	}
	case UARTIFLS:
		old = rx_trigger(s);
		s->ifls = merge(s->ifls, val, mask, UARTIFLS_MASK);
		if (rx_trigger(s) != old)
			rx_level_changed(s);
		break;
	case UARTIMSC:
		old = s->imsc;
		s->imsc = merge(old, val, mask, PL011_INT_ALL);
		/*
		 * Drivers unmask TXIM to hear when there is room to transmit.
		 * The FIFO always has room, so they hear at once: a driver
		 * with nothing left to send masks TXIM again, and one that
		 * waits for the first interrupt before writing is not stuck
		 * on the real PL011's rule that the interrupt only follows a
		 * transition through the level.
		 */
		if ((s->imsc & ~old & PL011_INT_TX) && tx_enabled(s))
			s->ris |= PL011_INT_TX;
		break;
	case UARTICR:
		s->ris &= ~(val & mask & PL011_INT_ALL);
		break;
	case UARTDMACR:
		/* No DMA controller is emulated: requests are never made. */
		s->dmacr = merge(s->dmacr, val, mask, UARTDMACR_MASK);
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
	if (rx_enabled(s) && !(s->cr & UARTCR_LBE)) {
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
	s->cr = UARTCR_RESET | (s->is_console ? UARTCR_UARTEN : 0);
	s->ifls = UARTIFLS_RESET;
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
