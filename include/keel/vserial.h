/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual serial ports (core/vserial.c). A guest's emulated UART owns a
 * vserial port: what the guest transmits goes to vserial_output() (kept
 * in a ring for `vserial dump` and forwarded to the console while the port
 * is bound); what the user types while bound arrives through the port's
 * receive callback, which feeds the UART's receive FIFO.
 */
#ifndef KEEL_VSERIAL_H
#define KEEL_VSERIAL_H

#include <keel/list.h>
#include <keel/spinlock.h>
#include <keel/types.h>

#define VSERIAL_NAME_LEN 64
#define VSERIAL_RING_SIZE 4096

struct vserial;

/*
 * Accept up to len bytes of input for the guest; returns how many were
 * taken (the rest the user must retype or they are dropped).
 */
typedef size_t (*vserial_rx_fn)(struct vserial *vs, const char *buf,
				size_t len);

struct vserial {
	char name[VSERIAL_NAME_LEN]; /* "<guest>/<uart node name>" */
	vserial_rx_fn rx;
	void *priv; /* the emulator instance */
	/* private to core/vserial.c */
	struct list_head link;
	spinlock_t lock;
	char ring[VSERIAL_RING_SIZE];
	u64 written; /* total bytes ever output */
	bool bound;
};

/* Create a port; NULL when out of memory or the name is taken. */
struct vserial *vserial_create(const char *name, vserial_rx_fn rx, void *priv);
void vserial_destroy(struct vserial *vs);
struct vserial *vserial_find(const char *name);
/* Guest output (any context). */
void vserial_output(struct vserial *vs, const char *buf, size_t len);
/* Copy the most recent output (up to len bytes); returns the count. */
size_t vserial_recent(struct vserial *vs, char *buf, size_t len);
int vserial_for_each(int (*fn)(struct vserial *vs, void *arg), void *arg);

/*
 * Connect the console to vs until the user types the escape sequence
 * (VSERIAL_ESCAPE_HELP); runs in the calling (terminal) thread.
 */
#define VSERIAL_ESCAPE_HELP "Ctrl-] then q"
int vserial_bind_console(struct vserial *vs);

#endif
