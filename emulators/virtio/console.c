// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console for guests (VIRTIO 1.2 section 5.3): one port (no
 * VIRTIO_CONSOLE_F_MULTIPORT, so no control queues), which Linux makes
 * its hvc0. The port is a virtual serial port (keel/vserial.h) named
 * "<guest>/<node>" like the UARTs': what the guest transmits goes to the
 * port, what the user types while bound to it goes to the guest.
 *
 * VIRTIO_CONSOLE_F_SIZE is not offered: the port has no size of its own
 * (the terminal bound to it may be anything, or nothing). EMERG_WRITE is:
 * a character written to emerg_wr goes to the port at once, before any
 * queue is set up, as 5.3.4 lets a driver do without even negotiating it.
 *
 * Input is not flow-controlled back to the terminal: bytes wait in a
 * bounded FIFO until the driver has posted receive buffers (before
 * DRIVER_OK, after a reset, or with the receive queue drained), and what
 * does not fit is dropped and counted, so a guest that never reads
 * cannot hold the console. A reset empties the FIFO: its bytes were for
 * the driver that has gone.
 *
 * Locking (keel/virtio.h): everything runs under the instance lock.
 * Terminal input arrives in vserial's receive callback, under vserial's
 * bind lock and no other, and takes the instance lock itself; transmit
 * calls vserial_output() under the instance lock, which takes only the
 * port's own lock, never the bind lock (the order core/vserial.c gives:
 * bind lock, emulator's lock, port's lock).
 */
#include <hw/virtio_console.h>
#include <keel/bitops.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/printf.h>
#include <keel/virtio.h>
#include <keel/vserial.h>

/* Typed bytes kept while the guest has no receive buffer for them. */
#define CONSOLE_RX_FIFO 4096U
/*
 * Bytes one transmit buffer sends at most: output is written under the
 * instance lock, to a console that may be a slow UART, and a guest's
 * multi-megabyte buffer must not hold a host CPU that long. Linux's hvc
 * sends at most a page per buffer; the rest is dropped and counted.
 */
#define CONSOLE_TX_MAX (64U * 1024)

#define RXQ VIRTIO_CONSOLE_RECEIVEQ_PORT0
#define TXQ VIRTIO_CONSOLE_TRANSMITQ_PORT0

struct virtio_console {
	struct virtio_dev *vdev;
	struct vserial *port;
	u8 fifo[CONSOLE_RX_FIFO]; /* typed, not yet in a guest buffer */
	unsigned int fifo_head, fifo_count;
	/* To the guest, from the guest, and lost either way. */
	u64 bytes_in, bytes_out, dropped;
	struct virtqueue_chain chain;
};

/* Move what the FIFO holds into the receive buffers the driver posted. */
static void flush_rx(struct virtio_console *c)
{
	struct virtio_dev *vdev = c->vdev;
	struct virtqueue_chain *chain = &c->chain;

	while (c->fifo_count) {
		u32 written = 0;
		int ret = virtio_dev_pop(vdev, RXQ, chain);

		if (ret <= 0)
			return;
		/* 5.3.6.1: only device-writable buffers in a receiveq. */
		if (chain->readable || !chain->writable) {
			virtio_dev_needs_reset(vdev,
					       "receiveq buffer %u is not "
					       "device-writable only",
					       chain->head);
			return;
		}
		while (c->fifo_count && written < chain->writable) {
			u32 run = MIN(c->fifo_count,
				      CONSOLE_RX_FIFO - c->fifo_head);

			run = MIN(run, chain->writable - written);
			virtqueue_chain_write(chain, written,
					      c->fifo + c->fifo_head, run);
			written += run;
			c->fifo_head = (c->fifo_head + run) % CONSOLE_RX_FIFO;
			c->fifo_count -= run;
		}
		c->bytes_in += written;
		virtio_dev_push(vdev, RXQ, chain->head, written);
	}
}

/* Send every transmit buffer the driver posted to the port. */
static void serve_tx(struct virtio_console *c)
{
	struct virtio_dev *vdev = c->vdev;
	struct virtqueue_chain *chain = &c->chain;

	for (;;) {
		u32 left;
		int ret = virtio_dev_pop(vdev, TXQ, chain);

		if (ret <= 0)
			return;
		/* 5.3.6.1: only device-readable buffers in a transmitq. */
		if (chain->writable) {
			virtio_dev_needs_reset(vdev,
					       "transmitq buffer %u is "
					       "device-writable",
					       chain->head);
			return;
		}
		left = MIN(chain->readable, CONSOLE_TX_MAX);
		c->dropped += chain->readable - left;
		c->bytes_out += left;
		for (unsigned int i = 0; i < chain->nr_segs && left; i++) {
			u32 n = MIN(chain->segs[i].len, left);

			vserial_output(c->port, chain->segs[i].host, n);
			left -= n;
		}
		virtio_dev_push(vdev, TXQ, chain->head, 0);
	}
}

/* Input from the virtual serial port; runs in the binder's thread. */
static size_t console_rx(struct vserial *vs, const char *buf, size_t len)
{
	struct virtio_console *c = vs->priv;
	struct devemu_instance *inst = c->vdev->inst;
	unsigned long flags;
	size_t take, tail;

	spin_lock_irqsave(&inst->lock, flags);
	take = MIN(len, (size_t)(CONSOLE_RX_FIFO - c->fifo_count));
	for (size_t i = 0; i < take; i++) {
		tail = (c->fifo_head + c->fifo_count) % CONSOLE_RX_FIFO;
		c->fifo[tail] = (u8)buf[i];
		c->fifo_count++;
	}
	c->dropped += len - take;
	flush_rx(c);
	spin_unlock_irqrestore(&inst->lock, flags);
	/* All of it taken: what did not fit is gone, not offered again. */
	return len;
}

static void console_queue_notify(struct virtio_dev *vdev, unsigned int q)
{
	struct virtio_console *c = vdev->priv;

	if (q == RXQ)
		flush_rx(c);
	else
		serve_tx(c);
}

/* Buffers posted before DRIVER_OK were not served then: serve them now. */
static void console_driver_ok(struct virtio_dev *vdev)
{
	struct virtio_console *c = vdev->priv;

	serve_tx(c);
	flush_rx(c);
}

static void console_reset(struct virtio_dev *vdev)
{
	struct virtio_console *c = vdev->priv;

	c->fifo_head = 0;
	c->fifo_count = 0;
}

/*
 * Every field reads as the device has it: cols, rows and max_nr_ports
 * mean nothing without their features and stay 0, emerg_wr is
 * write-only.
 */
static void put_config(struct virtio_dev *vdev)
{
	virtio_config_put(vdev, VIRTIO_CONSOLE_CFG_COLS, 0, 8);
	virtio_config_put(vdev, VIRTIO_CONSOLE_CFG_EMERG_WR, 0, 4);
	vdev->config_size = VIRTIO_CONSOLE_CFG_SIZE;
}

static void console_config_write(struct virtio_dev *vdev, u32 offset, u32 size)
{
	struct virtio_console *c = vdev->priv;

	/* The character is emerg_wr's low byte (little-endian). */
	if (offset <= VIRTIO_CONSOLE_CFG_EMERG_WR &&
	    offset + size > VIRTIO_CONSOLE_CFG_EMERG_WR) {
		char ch = (char)vdev->config[VIRTIO_CONSOLE_CFG_EMERG_WR];

		vserial_output(c->port, &ch, 1);
		c->bytes_out++;
	}
	put_config(vdev);
}

static int console_probe(struct virtio_dev *vdev,
			 const struct devtree_node *node)
{
	struct virtio_console *c = vdev->priv;
	struct devemu_instance *inst = vdev->inst;
	char name[VSERIAL_NAME_LEN];

	(void)node;
	c->vdev = vdev;
	if (vserial_port_name(name, guest_name(inst->guest), inst->name)) {
		devemu_error(inst, "serial port name '%s/%s' is too long",
			     guest_name(inst->guest), inst->name);
		return -EINVAL;
	}
	if (vserial_find(name)) {
		devemu_error(inst, "a serial port named '%s' already exists",
			     name);
		return -EEXIST;
	}
	c->port = vserial_create(name, console_rx, c);
	if (!c->port) {
		devemu_error(inst, "cannot create serial port '%s'", name);
		return -ENOMEM;
	}
	vdev->device_features = BIT_ULL(VIRTIO_CONSOLE_F_EMERG_WRITE);
	put_config(vdev);
	return 0;
}

static void console_remove(struct virtio_dev *vdev)
{
	struct virtio_console *c = vdev->priv;

	/* Once this returns no input callback can be running any more. */
	vserial_destroy(c->port);
}

static void console_describe(struct virtio_dev *vdev, char *buf, size_t size)
{
	struct virtio_console *c = vdev->priv;

	snprintf(buf, size,
		 "port %s, %llu bytes in, %llu out, %llu dropped, %u waiting",
		 c->port->name, (unsigned long long)c->bytes_in,
		 (unsigned long long)c->bytes_out,
		 (unsigned long long)c->dropped, c->fifo_count);
}

static const struct virtio_device_model virtio_console_model = {
	.name = "console",
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.priv_size = sizeof(struct virtio_console),
	.probe = console_probe,
	.remove = console_remove,
	.queue_notify = console_queue_notify,
	.config_write = console_config_write,
	.reset = console_reset,
	.driver_ok = console_driver_ok,
	.describe = console_describe,
};
VIRTIO_DEVICE_MODEL_REGISTER(virtio_console_model);
