// SPDX-License-Identifier: GPL-2.0
/*
 * National Semiconductor PC16550D UART ("16550A") for guests, following
 * its datasheet: the UART QEMU's RISC-V virt machine has at 0x10000000.
 * The serial line is a virtual serial port (core/vserial.c), as for the
 * PL011: what the guest transmits goes to the port, what the user types
 * while bound to the port arrives in the receive FIFO.
 *
 * The line carries bytes, not waveforms: the divisor latch, word length,
 * parity and stop bits are kept for the guest to read back but change
 * nothing, so parity and framing errors never happen. Transmission takes
 * no time: a byte written to THR leaves at once, so THR and the
 * transmitter are always empty (LSR THRE and TEMT set). Input is
 * flow-controlled: the port is told how many bytes fitted and offers the
 * rest again later, so typed input never overruns; only loopback can.
 *
 * The modem inputs see a peer that is always there and ready: CTS, DSR
 * and DCD are asserted and RI is not, so software that honours carrier or
 * hardware flow control does not wait forever. In loopback they follow
 * the modem outputs as the datasheet wires them.
 *
 * The character timeout interrupt is pending whenever the FIFO holds data
 * below its trigger level: the hardware waits four idle character times
 * to be sure no more is coming, and on a virtual line nothing more is on
 * its way by the time the guest looks.
 *
 * Registers are bytes "reg-shift" bits apart (QEMU virt: 0, all eight
 * in a row). Byte accesses always work; 4-byte ones only when the node
 * says "reg-io-width = <4>", and they carry the register in their low
 * byte.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/printf.h>
#include <keel/string.h>
#include <keel/vserial.h>
#include <hw/ns16550.h>
#include "uart_port.h"

/* A received character: the byte, and UART_LSR_BI when it is a break. */
#define RX_BREAK ((u16)UART_LSR_BI << 8)

/* Receive FIFO fill that raises the data interrupt, by FCR[7:6]. */
static const u8 rx_levels[] = { 1, 4, 8, 14 };

struct ns16550 {
	struct devemu_instance *inst;
	struct vserial *port;
	unsigned int reg_shift;
	unsigned int io_width; /* 1 or 4 bytes */
	u16 rx_fifo[NS16550_FIFO_DEPTH];
	unsigned int rx_head, rx_count;
	u8 ier, lcr, mcr, scr, dll, dlm;
	u8 fcr; /* UART_FCR_FIFO_ENABLE and the trigger bits */
	u8 lsr_errors; /* UART_LSR_ERRORS as last revealed, cleared by reading LSR */
	bool fifo_error; /* UART_LSR_FIFO_ERROR */
	u8 msr_deltas;
	bool thr_int; /* the THR empty interrupt, until IIR shows it */
	bool irq_level; /* the line as last driven */
};

static bool fifo_mode(const struct ns16550 *s)
{
	return s->fcr & UART_FCR_FIFO_ENABLE;
}

static unsigned int rx_depth(const struct ns16550 *s)
{
	return fifo_mode(s) ? NS16550_FIFO_DEPTH : 1;
}

static unsigned int rx_trigger(const struct ns16550 *s)
{
	return fifo_mode(s) ? rx_levels[s->fcr >> UART_FCR_TRIGGER_SHIFT] : 1;
}

/* The modem inputs as MSR[7:4]: a ready peer, or the outputs in loopback. */
static u8 modem_inputs(const struct ns16550 *s)
{
	u8 msr = 0;

	if (!(s->mcr & UART_MCR_LOOP))
		return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	if (s->mcr & UART_MCR_RTS)
		msr |= UART_MSR_CTS;
	if (s->mcr & UART_MCR_DTR)
		msr |= UART_MSR_DSR;
	if (s->mcr & UART_MCR_OUT1)
		msr |= UART_MSR_RI;
	if (s->mcr & UART_MCR_OUT2)
		msr |= UART_MSR_DCD;
	return msr;
}

/* The inputs moved from old: record the changes the datasheet reports. */
static void modem_changed(struct ns16550 *s, u8 old)
{
	u8 now = modem_inputs(s), changed = old ^ now;

	if (changed & UART_MSR_CTS)
		s->msr_deltas |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		s->msr_deltas |= UART_MSR_DDSR;
	if (changed & UART_MSR_DCD)
		s->msr_deltas |= UART_MSR_DDCD;
	/* TERI is the trailing edge only: RI going inactive. */
	if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
		s->msr_deltas |= UART_MSR_TERI;
}

/* The highest-priority interrupt pending and enabled, as IIR[3:0]. */
static u8 current_interrupt(const struct ns16550 *s)
{
	if ((s->ier & UART_IER_ELSI) && (s->lsr_errors & UART_LSR_ERRORS))
		return UART_IIR_RLSI;
	if ((s->ier & UART_IER_ERBFI) && s->rx_count) {
		if (s->rx_count >= rx_trigger(s))
			return UART_IIR_RDI;
		return UART_IIR_CTI;
	}
	if ((s->ier & UART_IER_ETBEI) && s->thr_int)
		return UART_IIR_THRI;
	if ((s->ier & UART_IER_EDSSI) && s->msr_deltas)
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

static void update_irq(struct ns16550 *s)
{
	bool level = current_interrupt(s) != UART_IIR_NO_INT;

	if (level == s->irq_level)
		return;
	s->irq_level = level;
	devemu_irq_set(s->inst, 0, level);
}

/* The character now at the top of the FIFO reveals its errors in LSR. */
static void reveal_top(struct ns16550 *s)
{
	if (s->rx_count)
		s->lsr_errors |= (u8)(s->rx_fifo[s->rx_head] >> 8);
}

static void rx_flush(struct ns16550 *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
}

/*
 * A character reaches the receiver. With no room it is an overrun: in
 * FIFO mode the new character is lost, without FIFOs it overwrites the
 * one in RBR that was not read in time.
 */
static void rx_push(struct ns16550 *s, u16 entry)
{
	if (s->rx_count >= rx_depth(s)) {
		s->lsr_errors |= UART_LSR_OE;
		if (fifo_mode(s))
			return;
		rx_flush(s);
	}
	s->rx_fifo[(s->rx_head + s->rx_count) % NS16550_FIFO_DEPTH] = entry;
	s->rx_count++;
	if ((entry & RX_BREAK) && fifo_mode(s))
		s->fifo_error = true;
	if (s->rx_count == 1)
		reveal_top(s);
}

static u8 rx_pop(struct ns16550 *s)
{
	u16 entry;

	if (!s->rx_count)
		return 0;
	entry = s->rx_fifo[s->rx_head];
	s->rx_head = (s->rx_head + 1) % NS16550_FIFO_DEPTH;
	s->rx_count--;
	reveal_top(s);
	return (u8)entry;
}

static bool break_in_fifo(const struct ns16550 *s)
{
	for (unsigned int i = 0; i < s->rx_count; i++)
		if (s->rx_fifo[(s->rx_head + i) % NS16550_FIFO_DEPTH] &
		    RX_BREAK)
			return true;
	return false;
}

static void transmit(struct ns16550 *s, u8 c)
{
	if (s->mcr & UART_MCR_LOOP) {
		/* The transmitter's output is the receiver's input. */
		rx_push(s, c);
	} else {
		char ch = (char)c;

		vserial_output(s->port, &ch, 1);
	}
	/* The byte left at once: THR is empty again and says so. */
	s->thr_int = true;
}

static u8 lsr_read(struct ns16550 *s)
{
	u8 lsr = UART_LSR_THRE | UART_LSR_TEMT | s->lsr_errors;

	if (s->rx_count)
		lsr |= UART_LSR_DR;
	if (s->fifo_error)
		lsr |= UART_LSR_FIFO_ERROR;
	s->lsr_errors = 0;
	/* Cleared by this read unless more errors wait in the FIFO. */
	s->fifo_error = fifo_mode(s) && break_in_fifo(s);
	return lsr;
}

static u8 reg_read(struct ns16550 *s, unsigned int reg)
{
	bool dlab = s->lcr & UART_LCR_DLAB;
	u8 v;

	switch (reg) {
	case UART_RBR:
		return dlab ? s->dll : rx_pop(s);
	case UART_IER:
		return dlab ? s->dlm : s->ier;
	case UART_IIR:
		v = current_interrupt(s);
		/* Reading IIR is how the THR empty interrupt is taken. */
		if (v == UART_IIR_THRI)
			s->thr_int = false;
		return v | (fifo_mode(s) ? UART_IIR_FIFOS_ON : 0);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		return lsr_read(s);
	case UART_MSR:
		v = modem_inputs(s) | s->msr_deltas;
		s->msr_deltas = 0;
		return v;
	case UART_SCR:
		return s->scr;
	}
	return 0;
}

static void fcr_write(struct ns16550 *s, u8 val)
{
	bool was_fifo = fifo_mode(s);

	/* The datasheet: other bits are programmed only along with FCR0. */
	if (!(val & UART_FCR_FIFO_ENABLE)) {
		s->fcr &= ~UART_FCR_FIFO_ENABLE;
	} else {
		s->fcr = val & (UART_FCR_FIFO_ENABLE | UART_FCR_TRIGGER_MASK);
		if (val & UART_FCR_RX_RESET)
			rx_flush(s);
		/*
		 * UART_FCR_TX_RESET finds the transmit FIFO empty already; DMA mode
		 * only changes the RXRDY and TXRDY pins, which nothing reads.
		 */
	}
	/* Switching between FIFO and 16450 mode empties the FIFOs. */
	if (was_fifo != fifo_mode(s)) {
		rx_flush(s);
		s->fifo_error = false;
	}
}

static void reg_write(struct ns16550 *s, unsigned int reg, u8 val)
{
	bool dlab = s->lcr & UART_LCR_DLAB;
	u8 old;

	switch (reg) {
	case UART_THR:
		if (dlab) {
			s->dll = val;
		} else {
			/*
			 * Writing THR takes its empty interrupt; the byte
			 * leaves at once and transmit() raises it again.
			 */
			transmit(s, val);
		}
		break;
	case UART_IER:
		if (dlab) {
			s->dlm = val;
			break;
		}
		old = s->ier;
		s->ier = val & UART_IER_MASK;
		/* Enabling it with THR empty interrupts at once, as on the chip. */
		if (s->ier & ~old & UART_IER_ETBEI)
			s->thr_int = true;
		break;
	case UART_FCR:
		fcr_write(s, val);
		break;
	case UART_LCR:
		old = s->lcr;
		s->lcr = val;
		/* A break sent in loopback is received: a 0 with BI. */
		if ((s->lcr & ~old & UART_LCR_BREAK) &&
		    (s->mcr & UART_MCR_LOOP))
			rx_push(s, RX_BREAK);
		break;
	case UART_MCR:
		old = modem_inputs(s);
		s->mcr = val & UART_MCR_MASK;
		modem_changed(s, old);
		break;
	case UART_SCR:
		s->scr = val;
		break;
	default:
		break; /* LSR and MSR: writes are for factory testing only */
	}
}

/*
 * The register an access reaches: 0 and *reg, with *reg = -1 for the gaps
 * between registers (read as zero, writes ignored); -EINVAL for an access
 * size the node does not allow.
 */
static int decode(const struct ns16550 *s, u64 offset, unsigned int size,
		  int *reg)
{
	u64 n = offset >> s->reg_shift;

	if (size != 1 && !(size == 4 && s->io_width == 4))
		return -EINVAL;
	if (offset & (size - 1))
		return -EINVAL;
	if ((offset & ((1ULL << s->reg_shift) - 1)) || n >= NS16550_NR_REGS)
		*reg = -1;
	else
		*reg = (int)n;
	return 0;
}

static int ns16550_read(struct devemu_instance *inst, u64 offset,
			unsigned int size, u64 *value)
{
	struct ns16550 *s = inst->priv;
	int reg, err = decode(s, offset, size, &reg);

	if (err)
		return err;
	*value = reg < 0 ? 0 : reg_read(s, (unsigned int)reg);
	/*
	 * A read clears causes (IIR's THR empty, LSR's errors, MSR's
	 * deltas) and raises none, but for RBR's, which brings the next
	 * character's errors to the top: with the line low, only that one
	 * can change it. Drivers poll LSR, so this is the common read.
	 */
	if (s->irq_level || reg == UART_RBR)
		update_irq(s);
	return 0;
}

static int ns16550_write(struct devemu_instance *inst, u64 offset,
			 unsigned int size, u64 value)
{
	struct ns16550 *s = inst->priv;
	int reg, err = decode(s, offset, size, &reg);

	if (err)
		return err;
	if (reg >= 0)
		reg_write(s, (unsigned int)reg, (u8)value);
	update_irq(s);
	return 0;
}

/* Input from the virtual serial port; runs in the binder's thread. */
static size_t ns16550_rx(struct vserial *vs, const char *buf, size_t len)
{
	struct devemu_instance *inst = vs->priv;
	struct ns16550 *s = inst->priv;
	unsigned long flags;
	size_t n = 0;

	spin_lock_irqsave(&inst->lock, flags);
	/* In loopback the receiver is cut off from the line. */
	if (!(s->mcr & UART_MCR_LOOP)) {
		unsigned int depth = rx_depth(s);
		size_t room = s->rx_count < depth ? depth - s->rx_count : 0;

		n = MIN(len, room);
		for (size_t i = 0; i < n; i++)
			rx_push(s, (u8)buf[i]);
		update_irq(s);
	}
	spin_unlock_irqrestore(&inst->lock, flags);
	return n;
}

/*
 * The datasheet's master reset clears IER, IIR, FCR, LCR, MCR, LSR and
 * the MSR deltas; it leaves the divisor latch and SCR alone, which start
 * at 0 here as at power-on.
 */
static void reset_state(struct ns16550 *s)
{
	rx_flush(s);
	s->ier = 0;
	s->lcr = 0;
	s->mcr = 0;
	s->scr = 0;
	s->dll = 0;
	s->dlm = 0;
	s->fcr = 0;
	s->lsr_errors = 0;
	s->fifo_error = false;
	s->msr_deltas = 0;
	s->thr_int = false;
	update_irq(s);
}

static void ns16550_reset(struct devemu_instance *inst)
{
	reset_state(inst->priv);
}

static int read_layout(struct devemu_instance *inst,
		       const struct devtree_node *node, u32 *shift, u32 *width)
{
	u32 reg_offset;
	int err;

	err = devtree_prop_read_u32(node, "reg-shift", shift);
	if (err == -ENOENT)
		*shift = 0;
	else if (err || *shift > 4) {
		devemu_error(inst, "reg-shift must be 0 to 4");
		return -EINVAL;
	}
	err = devtree_prop_read_u32(node, "reg-io-width", width);
	if (err == -ENOENT)
		*width = 1;
	else if (err || (*width != 1 && *width != 4)) {
		devemu_error(inst, "reg-io-width must be 1 or 4");
		return -EINVAL;
	}
	if (*width == 4 && *shift < 2) {
		devemu_error(inst, "reg-io-width 4 needs a reg-shift of 2 or "
				   "more (registers 4 bytes apart)");
		return -EINVAL;
	}
	/* Registers elsewhere in the window than where they start: not modelled. */
	if (!devtree_prop_read_u32(node, "reg-offset", &reg_offset) &&
	    reg_offset) {
		devemu_error(inst, "reg-offset is not supported");
		return -EINVAL;
	}
	if (inst->size < (u64)NS16550_NR_REGS << *shift) {
		devemu_error(inst,
			     "register window of %#llx bytes is smaller than "
			     "the %u bytes of eight registers at reg-shift %u",
			     (unsigned long long)inst->size,
			     NS16550_NR_REGS << *shift, *shift);
		return -EINVAL;
	}
	return 0;
}

static int ns16550_probe(struct devemu_instance *inst,
			 const struct devtree_node *node)
{
	char name[VSERIAL_NAME_LEN];
	struct ns16550 *s = inst->priv;
	u32 shift, width;
	int err;

	err = read_layout(inst, node, &shift, &width);
	if (err)
		return err;
	err = uart_port_name(inst, name);
	if (err)
		return err;
	s->inst = inst;
	s->reg_shift = shift;
	s->io_width = width;
	reset_state(s);
	s->port = uart_port_create(inst, name, ns16550_rx);
	return s->port ? 0 : -ENOMEM;
}

static void ns16550_remove(struct devemu_instance *inst)
{
	struct ns16550 *s = inst->priv;

	/* Once this returns no input callback can be running any more. */
	vserial_destroy(s->port);
}

static const char *const ns16550_compatible[] = { "ns16550a", "ns16550", NULL };

static const struct emulator ns16550_emulator = {
	.name = "ns16550",
	.compatible = ns16550_compatible,
	.probe = ns16550_probe,
	.read = ns16550_read,
	.write = ns16550_write,
	.reset = ns16550_reset,
	.remove = ns16550_remove,
	.priv_size = sizeof(struct ns16550),
};
EMULATOR_REGISTER(ns16550_emulator);
