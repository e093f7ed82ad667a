// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual serial ports: what guests' UARTs transmit, kept in a ring per
 * port, and the console bound to one port at a time.
 *
 * Lock order: ports_lock, then bind_lock, then a port's lock. An emulator
 * calls vserial_output() under its own instance lock and its receive
 * callback takes that instance lock, so the callback is only ever called
 * under bind_lock (never under ports_lock or a port's lock).
 */
#include <keel/chardev.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/printf.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/vserial.h>

/*
 * How long the binder waits for a key before looking whether its port
 * still exists: the bound user then learns within this time that the
 * guest has gone.
 */
#define BIND_POLL_NS (100 * NSEC_PER_MSEC)

#define BIND_BATCH 64

static LIST_HEAD(ports);
static DEFINE_SPINLOCK(ports_lock);

/*
 * The console serves one port at a time. bind_lock is held across every
 * call of that port's receive callback, so vserial_destroy(), which takes
 * it as well, returns only when no callback can still be running into an
 * emulator that is about to free itself. A port destroyed while bound
 * stays allocated (bound_port_gone) until the binder lets go of it.
 */
static DEFINE_SPINLOCK(bind_lock);
static struct vserial *bound_port;
static bool bound_port_gone;

/* ports_lock held. */
static struct vserial *find_locked(const char *name)
{
	struct vserial *vs;

	list_for_each_entry(vs, &ports, link) {
		if (!strcmp(vs->name, name))
			return vs;
	}
	return NULL;
}

struct vserial *vserial_create(const char *name, vserial_rx_fn rx, void *priv)
{
	struct vserial *vs;
	unsigned long flags;

	if (!name || !name[0] || strlen(name) >= VSERIAL_NAME_LEN)
		return NULL;
	vs = keel_zalloc(sizeof(*vs));
	if (!vs)
		return NULL;
	strlcpy(vs->name, name, sizeof(vs->name));
	vs->rx = rx;
	vs->priv = priv;
	spin_lock_init(&vs->lock);
	spin_lock_irqsave(&ports_lock, flags);
	if (find_locked(name)) {
		spin_unlock_irqrestore(&ports_lock, flags);
		keel_free(vs);
		return NULL;
	}
	list_add_tail(&vs->link, &ports);
	spin_unlock_irqrestore(&ports_lock, flags);
	return vs;
}

void vserial_destroy(struct vserial *vs)
{
	unsigned long flags;
	bool binder_frees = false;

	if (!vs)
		return;
	spin_lock_irqsave(&ports_lock, flags);
	list_del(&vs->link);
	spin_unlock_irqrestore(&ports_lock, flags);

	spin_lock_irqsave(&bind_lock, flags);
	if (bound_port == vs) {
		bound_port_gone = true;
		binder_frees = true;
	}
	spin_unlock_irqrestore(&bind_lock, flags);
	if (!binder_frees)
		keel_free(vs);
}

struct vserial *vserial_find(const char *name)
{
	struct vserial *vs;
	unsigned long flags;

	if (!name)
		return NULL;
	spin_lock_irqsave(&ports_lock, flags);
	vs = find_locked(name);
	spin_unlock_irqrestore(&ports_lock, flags);
	return vs;
}

void vserial_output(struct vserial *vs, const char *buf, size_t len)
{
	unsigned long flags;
	const char *keep = buf;
	size_t n = len, pos, first;
	bool bound;

	if (!len)
		return;
	/* Only the last ring's worth can survive; skip what would not. */
	if (n > VSERIAL_RING_SIZE) {
		keep += n - VSERIAL_RING_SIZE;
		n = VSERIAL_RING_SIZE;
	}
	spin_lock_irqsave(&vs->lock, flags);
	pos = (size_t)((vs->written + (len - n)) % VSERIAL_RING_SIZE);
	first = MIN(n, VSERIAL_RING_SIZE - pos);
	memcpy(vs->ring + pos, keep, first);
	memcpy(vs->ring, keep + first, n - first);
	vs->written += len;
	bound = vs->bound;
	spin_unlock_irqrestore(&vs->lock, flags);

	/*
	 * Outside the port's lock: the console may be slow, and the ring
	 * must not be held up by it.
	 */
	if (bound) {
		struct chardev *con = console_get();

		if (con)
			chardev_write(con, buf, len);
	}
}

size_t vserial_recent(struct vserial *vs, char *buf, size_t len)
{
	unsigned long flags;
	size_t n, start, first;

	spin_lock_irqsave(&vs->lock, flags);
	n = (size_t)MIN(vs->written, (u64)VSERIAL_RING_SIZE);
	n = MIN(n, len);
	start = (size_t)((vs->written - n) % VSERIAL_RING_SIZE);
	first = MIN(n, VSERIAL_RING_SIZE - start);
	memcpy(buf, vs->ring + start, first);
	memcpy(buf + first, vs->ring, n - first);
	spin_unlock_irqrestore(&vs->lock, flags);
	return n;
}

int vserial_for_each(int (*fn)(struct vserial *vs, void *arg), void *arg)
{
	struct vserial *vs;
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&ports_lock, flags);
	list_for_each_entry(vs, &ports, link) {
		ret = fn(vs, arg);
		if (ret)
			break;
	}
	spin_unlock_irqrestore(&ports_lock, flags);
	return ret;
}

static void set_bound(struct vserial *vs, bool bound)
{
	unsigned long flags;

	spin_lock_irqsave(&vs->lock, flags);
	vs->bound = bound;
	spin_unlock_irqrestore(&vs->lock, flags);
}

/* Claim the console for vs: -ENOENT if it is not registered, -EBUSY. */
static int claim(struct vserial *vs)
{
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&ports_lock, flags);
	if (find_locked(vs->name) != vs) {
		err = -ENOENT;
	} else {
		spin_lock(&bind_lock);
		if (bound_port) {
			err = -EBUSY;
		} else {
			bound_port = vs;
			bound_port_gone = false;
		}
		spin_unlock(&bind_lock);
	}
	spin_unlock_irqrestore(&ports_lock, flags);
	return err;
}

/* Let go of the console; frees vs if it was destroyed meanwhile. */
static bool release(struct vserial *vs)
{
	unsigned long flags;
	bool gone;

	spin_lock_irqsave(&bind_lock, flags);
	gone = bound_port_gone;
	if (!gone)
		set_bound(vs, false);
	bound_port = NULL;
	bound_port_gone = false;
	spin_unlock_irqrestore(&bind_lock, flags);
	if (gone)
		keel_free(vs);
	return gone;
}

static bool port_gone(void)
{
	unsigned long flags;
	bool gone;

	spin_lock_irqsave(&bind_lock, flags);
	gone = bound_port_gone;
	spin_unlock_irqrestore(&bind_lock, flags);
	return gone;
}

/* Hand typed bytes to the guest; false when the port has gone. */
static bool send_to_guest(struct vserial *vs, const char *buf, size_t len)
{
	unsigned int idle = 0;
	size_t done = 0;

	while (done < len) {
		unsigned long flags;
		size_t took;

		spin_lock_irqsave(&bind_lock, flags);
		if (bound_port_gone) {
			spin_unlock_irqrestore(&bind_lock, flags);
			return false;
		}
		/* A port nobody receives on swallows what is typed. */
		took = vs->rx ? vs->rx(vs, buf + done, len - done) : len - done;
		spin_unlock_irqrestore(&bind_lock, flags);
		done += MIN(took, len - done);
		if (took) {
			idle = 0;
			continue;
		}
		if (++idle > VSERIAL_RX_RETRIES)
			break;
		thread_sleep_ms(VSERIAL_RX_RETRY_MS);
	}
	return true;
}

static __printf(2, 3) void console_print(struct chardev *con, const char *fmt,
					 ...)
{
	char line[VSERIAL_NAME_LEN + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		chardev_write(con, line, MIN((size_t)n, sizeof(line) - 1));
}

/*
 * The escape is Ctrl-] followed by 'q'. Ctrl-] followed by anything else
 * sends both bytes to the guest, so that a guest program that wants a
 * Ctrl-] still gets one (type Ctrl-] twice, or Ctrl-] and the next key).
 */
int vserial_bind_console(struct vserial *vs)
{
	struct chardev *con = console_get();
	char name[VSERIAL_NAME_LEN];
	bool escape = false, gone = false;
	char buf[BIND_BATCH];
	int err;

	if (!con)
		return -ENODEV;
	if (!vs)
		return -ENOENT;
	err = claim(vs);
	if (err)
		return err;
	strlcpy(name, vs->name, sizeof(name));
	/* The banner first, so that no guest output comes before it. */
	console_print(con,
		      "[connected to %s; " VSERIAL_ESCAPE_HELP
		      " returns to keel#]\n",
		      name);
	set_bound(vs, true);

	while (!gone) {
		int c = chardev_getc_timeout(con, BIND_POLL_NS);
		size_t n = 0;

		if (port_gone()) {
			gone = true;
			break;
		}
		if (c < 0)
			continue;
		if (escape) {
			escape = false;
			if (c == VSERIAL_ESCAPE_QUIT)
				break;
			buf[n++] = VSERIAL_ESCAPE_CHAR;
		}
		if (c == VSERIAL_ESCAPE_CHAR && n == 0) {
			escape = true;
			continue;
		}
		buf[n++] = (char)c;
		/* Take what else is already typed (a paste) in one go. */
		while (n < sizeof(buf)) {
			c = chardev_getc_timeout(con, 0);
			if (c < 0)
				break;
			if (c == VSERIAL_ESCAPE_CHAR) {
				escape = true;
				break;
			}
			buf[n++] = (char)c;
		}
		gone = !send_to_guest(vs, buf, n);
	}

	gone = release(vs) || gone;
	if (gone) {
		console_print(con, "\n[%s has gone]\n", name);
		return -ENODEV;
	}
	console_print(con, "\n[disconnected from %s]\n", name);
	return 0;
}
