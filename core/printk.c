// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log: a ring of recent output plus the console. Each line is
 * stamped with the time since boot once a clock exists.
 */
#include <keel/chardev.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include <keel/timer.h>

#define CONSOLE_LEVEL 6 /* show up to KERN_INFO */
#define LINE_MAX 256

static char log_ring[CONFIG_LOG_BUF_SIZE];
static u64 log_written;
static DEFINE_SPINLOCK(log_lock);
static early_putc_fn early_putc;
static bool emergency;
static bool at_line_start = true;

void printk_set_early_output(early_putc_fn putc)
{
	early_putc = putc;
}

void printk_emergency_mode(void)
{
	emergency = true;
}

static void console_emit(const char *s, size_t len)
{
	struct chardev *con = console_get();

	if (con) {
		chardev_write(con, s, len);
	} else if (early_putc) {
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '\n')
				early_putc('\r');
			early_putc(s[i]);
		}
	}
}

static void log_store(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		log_ring[(log_written + i) % sizeof(log_ring)] = s[i];
	log_written += len;
}

int vprintk(const char *fmt, va_list ap)
{
	char line[LINE_MAX];
	int level = CONSOLE_LEVEL;
	size_t n = 0;
	unsigned long flags = 0;
	int len;

	if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '7' && fmt[2] == '>') {
		level = fmt[1] - '0';
		fmt += 3;
	}
	if (!emergency)
		spin_lock_irqsave(&log_lock, flags);
	if (at_line_start && timer_ready()) {
		u64 ns = timer_now_ns();

		n = snprintf(line, sizeof(line), "[%5llu.%06llu] ",
			     (unsigned long long)(ns / NSEC_PER_SEC),
			     (unsigned long long)(ns % NSEC_PER_SEC / 1000));
	}
	len = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (len < 0)
		len = 0;
	n += MIN((size_t)len, sizeof(line) - n - 1);
	if (n)
		at_line_start = line[n - 1] == '\n';
	log_store(line, n);
	if (level <= CONSOLE_LEVEL)
		console_emit(line, n);
	if (!emergency)
		spin_unlock_irqrestore(&log_lock, flags);
	return len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
