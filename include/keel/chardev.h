/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Character devices (core/chardev.c): the layer between serial drivers
 * and their users. A driver registers a chardev with a write operation
 * and feeds received bytes with chardev_receive(); readers block in
 * chardev_read(). The terminal uses the console chardev; guests' virtual
 * serial ports will attach the same way.
 */
#ifndef KEEL_CHARDEV_H
#define KEEL_CHARDEV_H

#include <keel/list.h>
#include <keel/sched.h>
#include <keel/spinlock.h>
#include <keel/types.h>

#define CHARDEV_NAME_LEN 32
#define CHARDEV_RX_SIZE 512

struct chardev {
	char name[CHARDEV_NAME_LEN];
	/* Write all of buf (may poll); returns bytes written or -errno. */
	int (*write)(struct chardev *cd, const char *buf, size_t len);
	void *priv;
	/* Private to core/chardev.c */
	struct list_head link;
	struct waitqueue rx_wait; /* its lock also guards rx[] */
	char rx[CHARDEV_RX_SIZE];
	unsigned int rx_head, rx_tail;
	u64 rx_bytes, tx_bytes, rx_dropped;
};

int chardev_register(struct chardev *cd);
void chardev_unregister(struct chardev *cd);
struct chardev *chardev_find(const char *name);
/* Driver side: bytes arrived (any context). Bytes beyond space drop. */
void chardev_receive(struct chardev *cd, const char *buf, size_t len);
/* Read at least one byte (blocking) up to len; returns the count. */
int chardev_read(struct chardev *cd, char *buf, size_t len);
/* Read one byte, waiting at most timeout_ns; -ETIMEDOUT. */
int chardev_getc_timeout(struct chardev *cd, u64 timeout_ns);
int chardev_write(struct chardev *cd, const char *buf, size_t len);

/* The console: the device /chosen/stdout-path names. */
void console_set(struct chardev *cd);
struct chardev *console_get(void);

#endif
