// SPDX-License-Identifier: GPL-2.0
/* Character devices: buffered input with blocking readers, direct output. */
#include <keel/chardev.h>
#include <keel/errno.h>
#include <keel/string.h>

static LIST_HEAD(chardevs);
static DEFINE_SPINLOCK(chardevs_lock);
static struct chardev *console;

int chardev_register(struct chardev *cd)
{
	unsigned long flags;

	if (!cd || !cd->write || !cd->name[0])
		return -EINVAL;
	if (chardev_find(cd->name))
		return -EEXIST;
	waitqueue_init(&cd->rx_wait);
	cd->rx_head = cd->rx_tail = 0;
	spin_lock_irqsave(&chardevs_lock, flags);
	list_add_tail(&cd->link, &chardevs);
	spin_unlock_irqrestore(&chardevs_lock, flags);
	return 0;
}

void chardev_unregister(struct chardev *cd)
{
	unsigned long flags;

	spin_lock_irqsave(&chardevs_lock, flags);
	list_del(&cd->link);
	spin_unlock_irqrestore(&chardevs_lock, flags);
	if (console == cd)
		console = NULL;
}

struct chardev *chardev_find(const char *name)
{
	struct chardev *cd, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&chardevs_lock, flags);
	list_for_each_entry(cd, &chardevs, link) {
		if (!strcmp(cd->name, name)) {
			found = cd;
			break;
		}
	}
	spin_unlock_irqrestore(&chardevs_lock, flags);
	return found;
}

void chardev_receive(struct chardev *cd, const char *buf, size_t len)
{
	unsigned long flags;

	spin_lock_irqsave(&cd->rx_wait.lock, flags);
	for (size_t i = 0; i < len; i++) {
		unsigned int next = (cd->rx_head + 1) % CHARDEV_RX_SIZE;

		if (next == cd->rx_tail) {
			cd->rx_dropped++;
			continue;
		}
		cd->rx[cd->rx_head] = buf[i];
		cd->rx_head = next;
		cd->rx_bytes++;
	}
	spin_unlock_irqrestore(&cd->rx_wait.lock, flags);
	waitqueue_wake_all(&cd->rx_wait);
}

/* Take up to len buffered bytes; rx_wait.lock held. */
static int take(struct chardev *cd, char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && cd->rx_tail != cd->rx_head) {
		buf[n++] = cd->rx[cd->rx_tail];
		cd->rx_tail = (cd->rx_tail + 1) % CHARDEV_RX_SIZE;
	}
	return (int)n;
}

int chardev_read(struct chardev *cd, char *buf, size_t len)
{
	unsigned long flags;
	int n;

	if (!len)
		return 0;
	spin_lock_irqsave(&cd->rx_wait.lock, flags);
	while ((n = take(cd, buf, len)) == 0)
		waitqueue_sleep_locked(&cd->rx_wait, &flags);
	spin_unlock_irqrestore(&cd->rx_wait.lock, flags);
	return n;
}

int chardev_getc_timeout(struct chardev *cd, u64 timeout_ns)
{
	u64 deadline = timer_now_ns() + timeout_ns;
	unsigned long flags;
	char c;

	for (;;) {
		spin_lock_irqsave(&cd->rx_wait.lock, flags);
		int n = take(cd, &c, 1);

		spin_unlock_irqrestore(&cd->rx_wait.lock, flags);
		if (n)
			return (unsigned char)c;
		if (timer_now_ns() >= deadline)
			return -ETIMEDOUT;
		thread_sleep_ms(5);
	}
}

int chardev_write(struct chardev *cd, const char *buf, size_t len)
{
	int n = cd->write(cd, buf, len);

	if (n > 0)
		cd->tx_bytes += n;
	return n;
}

void console_set(struct chardev *cd)
{
	console = cd;
}

struct chardev *console_get(void)
{
	return console;
}
