// SPDX-License-Identifier: GPL-2.0
/*
 * Entropy sources (keel/entropy.h). Registration happens while drivers
 * probe; reads come later from guests' device models. The list is only
 * ever added to, so readers walk it under the lock and call the chosen
 * source outside it (a source may sleep or poll its hardware).
 */
#include <keel/entropy.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <keel/string.h>

static DEFINE_SPINLOCK(sources_lock);
static struct entropy_source *sources; /* highest priority first */

int entropy_register(struct entropy_source *src)
{
	struct entropy_source **pos;
	unsigned long flags;

	if (!src || !src->name || !src->read)
		return -EINVAL;
	spin_lock_irqsave(&sources_lock, flags);
	for (pos = &sources; *pos; pos = &(*pos)->next) {
		if (*pos == src) {
			spin_unlock_irqrestore(&sources_lock, flags);
			return -EEXIST;
		}
		if ((*pos)->priority < src->priority)
			break;
	}
	src->next = *pos;
	*pos = src;
	spin_unlock_irqrestore(&sources_lock, flags);
	printk(KERN_INFO "entropy: source %s (priority %d)\n", src->name,
	       src->priority);
	return 0;
}

const struct entropy_source *entropy_source(void)
{
	struct entropy_source *src;
	unsigned long flags;

	spin_lock_irqsave(&sources_lock, flags);
	src = sources;
	spin_unlock_irqrestore(&sources_lock, flags);
	return src;
}

int entropy_read(void *buf, size_t size)
{
	struct entropy_source *src = (struct entropy_source *)entropy_source();

	if (!src)
		return -ENODEV;
	if (!size)
		return -EINVAL;
	return src->read(src, buf, size);
}

int entropy_fill_from_words(void *buf, size_t size, bool (*word)(u64 *out))
{
	size_t done = 0;

	size = MIN(size, (size_t)ENTROPY_WORDS_MAX); /* fits the result */
	while (done < size) {
		size_t n = MIN(size - done, sizeof(u64));
		u64 v;

		if (!word(&v))
			break;
		memcpy((u8 *)buf + done, &v, n);
		done += n;
	}
	return done ? (int)done : -EAGAIN;
}
