// SPDX-License-Identifier: GPL-2.0
/*
 * What core/vserial.c needs of the console when no port is ever bound,
 * for tests of UART emulators over the real virtual serial ports: there
 * is no console, so output is only kept in the port's ring.
 */
#include <keel/chardev.h>
#include <keel/errno.h>
#include <keel/sched.h>

struct chardev *console_get(void)
{
	return NULL;
}

/* Reached only while a port is bound, which these tests never do. */
int chardev_write(struct chardev *cd, const char *buf, size_t len)
{
	return (int)len;
}

int chardev_getc_timeout(struct chardev *cd, u64 timeout_ns)
{
	return -ETIMEDOUT;
}

void thread_sleep_ms(u64 ms)
{
}
