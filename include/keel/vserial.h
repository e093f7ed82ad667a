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

#include <keel/errno.h>
#include <keel/list.h>
#include <keel/printf.h>
#include <keel/spinlock.h>
#include <keel/types.h>

#define VSERIAL_NAME_LEN 64
#define VSERIAL_RING_SIZE 4096

struct vserial;

/*
 * Accept up to len bytes of input for the guest; returns how many were
 * taken. It is called under the binder's lock, which vserial_destroy()
 * takes too, and under no port's lock nor the registry's: it may take
 * its emulator's lock, under which that emulator calls vserial_output().
 *
 * What it takes none of is offered again up to VSERIAL_RX_RETRIES times,
 * VSERIAL_RX_RETRY_MS apart (a guest drains its FIFO at interrupt speed,
 * a paste outruns it); then the rest is dropped, so that a guest that
 * does not read cannot freeze the console.
 */
typedef size_t (*vserial_rx_fn)(struct vserial *vs, const char *buf,
				size_t len);
#define VSERIAL_RX_RETRIES 20
#define VSERIAL_RX_RETRY_MS 5

struct vserial {
	char name[VSERIAL_NAME_LEN]; /* "<guest>/<uart node name>" */
	vserial_rx_fn rx;
	void *priv; /* the emulator instance */
	/* Read-only outside core/vserial.c, with READ_ONCE. */
	u64 written; /* total bytes ever output */
	bool bound; /* the console is connected to it */
	/* private to core/vserial.c */
	struct list_head link;
	spinlock_t lock;
	char ring[VSERIAL_RING_SIZE];
};

/*
 * The name of the port a guest's device gives the user, "<guest>/<node>"
 * (its UART, its virtio console, the UART its SBI console writes to):
 * 0, or -EINVAL when it does not fit in VSERIAL_NAME_LEN.
 */
static inline int vserial_port_name(char name[VSERIAL_NAME_LEN],
				    const char *guest, const char *node)
{
	int n = snprintf(name, VSERIAL_NAME_LEN, "%s/%s", guest, node);

	return n < 0 || n >= VSERIAL_NAME_LEN ? -EINVAL : 0;
}

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
 * (VSERIAL_ESCAPE_HELP); runs in the calling (terminal) thread. The
 * escape character followed by anything but VSERIAL_ESCAPE_QUIT sends
 * both to the guest.
 */
#define VSERIAL_ESCAPE_CHAR 0x1d /* Ctrl-] */
#define VSERIAL_ESCAPE_QUIT 'q'
#define VSERIAL_ESCAPE_HELP "Ctrl-] then q"
int vserial_bind_console(struct vserial *vs);

#endif
