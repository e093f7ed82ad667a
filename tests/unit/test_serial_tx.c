// SPDX-License-Identifier: GPL-2.0
/*
 * The host UARTs' shared polled transmit (drivers/serial/serial_tx.c)
 * against a fake transmitter that is busy for a set number of polls
 * before each byte and notes any byte handed over without a "ready"
 * first: "\n" goes out as "\r\n", every byte waits, the port's chardev
 * write holds its lock with interrupts masked and returns the length, and
 * the early console writes each byte as printk hands it over.
 */
#include "unit.h"
#include <string.h>

#include <keel/printk.h>
#include "../../drivers/serial/serial.h"

extern int host_irqs_masked;

struct fake_uart {
	unsigned int busy_polls; /* "not ready" answers before each byte */
	unsigned int busy_left;
	bool granted; /* the last poll said ready, no byte since */
	unsigned int polls;
	unsigned int unready_writes; /* bytes written without a ready first */
	struct serial_port *port; /* when set: its lock must be held */
	unsigned int unlocked_writes;
	char out[256];
	size_t n;
};

static bool fake_tx_ready(void *hw)
{
	struct fake_uart *f = hw;

	f->polls++;
	if (f->busy_left) {
		f->busy_left--;
		return false;
	}
	f->granted = true;
	return true;
}

static void fake_tx_byte(void *hw, char c)
{
	struct fake_uart *f = hw;

	if (!f->granted)
		f->unready_writes++;
	if (f->port &&
	    (!spin_is_locked(&f->port->tx_lock) || !host_irqs_masked))
		f->unlocked_writes++;
	f->granted = false;
	f->busy_left = f->busy_polls;
	if (f->n < sizeof(f->out))
		f->out[f->n++] = c;
}

static const struct serial_tx_ops fake_ops = {
	.tx_ready = fake_tx_ready,
	.tx_byte = fake_tx_byte,
};

static void fake_init(struct fake_uart *f, unsigned int busy_polls)
{
	memset(f, 0, sizeof(*f));
	f->busy_polls = busy_polls;
	f->busy_left = busy_polls;
}

static bool out_is(const struct fake_uart *f, const char *want)
{
	return f->n == strlen(want) && !memcmp(f->out, want, f->n);
}

UNIT_TEST(bytes_go_out_in_order_each_after_ready)
{
	struct fake_uart f;

	fake_init(&f, 0);
	serial_tx_chars(&fake_ops, &f, "abc", 3);
	CHECK(out_is(&f, "abc"));
	CHECK_EQ(f.polls, 3);
	CHECK_EQ(f.unready_writes, 0);
}

UNIT_TEST(newline_goes_out_as_cr_lf)
{
	struct fake_uart f;

	fake_init(&f, 0);
	serial_tx_chars(&fake_ops, &f, "a\nb\n\n", 5);
	CHECK(out_is(&f, "a\r\nb\r\n\r\n"));
	/* "\r" already there is not doubled, nor a lone "\r" translated. */
	fake_init(&f, 0);
	serial_tx_chars(&fake_ops, &f, "x\r\ny\r", 5);
	CHECK(out_is(&f, "x\r\r\ny\r"));
}

UNIT_TEST(a_busy_transmitter_is_waited_for_before_every_byte)
{
	struct fake_uart f;

	fake_init(&f, 7);
	serial_tx_chars(&fake_ops, &f, "hi\n", 3);
	CHECK(out_is(&f, "hi\r\n"));
	/* Four bytes, each after seven "busy" polls and one "ready". */
	CHECK_EQ(f.polls, 4 * 8);
	CHECK_EQ(f.unready_writes, 0);
}

UNIT_TEST(nothing_to_send_touches_nothing)
{
	struct fake_uart f;

	fake_init(&f, 3);
	serial_tx_chars(&fake_ops, &f, "unused", 0);
	CHECK_EQ(f.n, 0);
	CHECK_EQ(f.polls, 0);
}

UNIT_TEST(nul_bytes_are_sent_as_they_are)
{
	struct fake_uart f;

	fake_init(&f, 1);
	serial_tx_chars(&fake_ops, &f, "a\0b", 3);
	CHECK_EQ(f.n, 3);
	CHECK(!memcmp(f.out, "a\0b", 3));
}

UNIT_TEST(port_write_sends_under_its_lock_and_returns_the_length)
{
	struct serial_port port;
	struct fake_uart f;

	memset(&port, 0, sizeof(port));
	fake_init(&f, 2);
	f.port = &port;
	serial_port_init(&port, "serial@9000000", &fake_ops, &f);
	CHECK(!strcmp(port.cd.name, "serial@9000000"));
	CHECK(port.cd.priv == &f);
	host_irqs_masked = 0;
	CHECK_EQ(port.cd.write(&port.cd, "ok\n", 3), 3);
	CHECK(out_is(&f, "ok\r\n"));
	CHECK_EQ(f.unready_writes, 0);
	CHECK_EQ(f.unlocked_writes, 0);
	/* Lock released and the interrupt mask as it was. */
	CHECK(!spin_is_locked(&port.tx_lock));
	CHECK_EQ(host_irqs_masked, 0);
}

UNIT_TEST(port_name_is_cut_to_the_chardev_limit)
{
	struct serial_port port;
	struct fake_uart f;
	char name[CHARDEV_NAME_LEN + 8];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	fake_init(&f, 0);
	serial_port_init(&port, name, &fake_ops, &f);
	CHECK_EQ(strlen(port.cd.name), CHARDEV_NAME_LEN - 1);
}

static early_putc_fn early_output;

/* core/printk.c's, as the early console sees it. */
void printk_set_early_output(early_putc_fn putc)
{
	early_output = putc;
}

UNIT_TEST(early_console_sends_each_byte_after_ready_untranslated)
{
	struct fake_uart f;

	fake_init(&f, 4);
	early_output = NULL;
	serial_early_console(&fake_ops, &f);
	CHECK(early_output != NULL);
	if (!early_output)
		return;
	/* printk's early path sends "\r" before "\n" itself. */
	early_output('\r');
	early_output('\n');
	early_output('K');
	CHECK(out_is(&f, "\r\nK"));
	CHECK_EQ(f.polls, 3 * 5);
	CHECK_EQ(f.unready_writes, 0);
}

UNIT_MAIN();
