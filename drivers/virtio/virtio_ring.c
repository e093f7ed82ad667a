// SPDX-License-Identifier: GPL-2.0
/*
 * The driver side of a split virtqueue (VIRTIO 1.2 section 2.7), shared
 * by every host virtio device driver: Keel lays out the rings, makes
 * chains available and takes back what the device used. The device side
 * (guests' devices) is core/virtio/virtqueue.c.
 *
 * Free descriptors are chained through a private next[] array rather
 * than through the descriptors' own next fields, which the device can
 * read and a faulty one could write: the free list, the cookies and the
 * per-chain lengths are Keel's alone, so a used entry is checked against
 * what was really posted and a bad one cannot corrupt them.
 */
#include <drivers/virtio.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/page_alloc.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <arch/barrier.h>
#include <arch/mmu.h>

/* The rings are little-endian in memory; Keel's arches are too. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "host virtqueues assume a little-endian CPU");

struct ring_layout {
	u64 avail_off, used_off, size;
};

/* Descriptors, then the available ring, then the used ring (2.7). */
static struct ring_layout layout_for(unsigned int num)
{
	struct ring_layout l;

	l.avail_off = VIRTQ_DESC_SIZE(num);
	l.used_off = ALIGN_UP(l.avail_off + VIRTQ_AVAIL_SIZE(num, false),
			      (u64)VIRTQ_USED_ALIGN);
	l.size = l.used_off + VIRTQ_USED_SIZE(num, false);
	return l;
}

static unsigned int order_for(u64 size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

int host_vq_init(struct host_vq *vq, const char *name, unsigned int index,
		 unsigned int num, void (*notify)(struct host_vq *vq))
{
	struct ring_layout l;
	char *rings;

	if (!num || num > VIRTQ_MAX_SIZE || (num & (num - 1)) || !notify)
		return -EINVAL;
	memset(vq, 0, sizeof(*vq));
	l = layout_for(num);
	vq->order = order_for(l.size);
	if (vq->order > PAGE_MAX_ORDER)
		return -EINVAL;
	rings = page_alloc_zeroed(vq->order);
	vq->cookies = keel_calloc(num, sizeof(*vq->cookies));
	vq->chain_len = keel_calloc(num, sizeof(*vq->chain_len));
	vq->in_bytes = keel_calloc(num, sizeof(*vq->in_bytes));
	vq->next = keel_calloc(num, sizeof(*vq->next));
	if (!rings || !vq->cookies || !vq->chain_len || !vq->in_bytes ||
	    !vq->next) {
		if (rings)
			page_free(rings, vq->order);
		vq->desc = NULL;
		host_vq_free(vq);
		return -ENOMEM;
	}
	vq->desc = (struct virtq_desc *)rings;
	vq->avail = (struct virtq_avail *)(rings + l.avail_off);
	vq->used = (struct virtq_used *)(rings + l.used_off);
	vq->desc_pa = arch_virt_to_phys(vq->desc);
	vq->avail_pa = arch_virt_to_phys(vq->avail);
	vq->used_pa = arch_virt_to_phys(vq->used);
	for (unsigned int i = 0; i < num; i++)
		vq->next[i] = (u16)(i + 1); /* the last one is never followed */
	vq->num = (u16)num;
	vq->num_free = (u16)num;
	vq->index = index;
	vq->name = name;
	vq->notify = notify;
	spin_lock_init(&vq->lock);
	return 0;
}

void host_vq_free(struct host_vq *vq)
{
	if (vq->desc)
		page_free(vq->desc, vq->order);
	keel_free(vq->cookies);
	keel_free(vq->chain_len);
	keel_free(vq->in_bytes);
	keel_free(vq->next);
	memset(vq, 0, sizeof(*vq));
}

static void fill(struct host_vq *vq, unsigned int d,
		 const struct host_vq_buf *b, u16 flags)
{
	vq->desc[d].addr = arch_virt_to_phys(b->addr);
	vq->desc[d].len = b->len;
	vq->desc[d].flags = flags;
	vq->desc[d].next = vq->next[d];
}

int host_vq_add(struct host_vq *vq, const struct host_vq_buf *out,
		unsigned int nr_out, const struct host_vq_buf *in,
		unsigned int nr_in, void *cookie)
{
	unsigned int total = nr_out + nr_in, head, d, last = 0;
	unsigned long flags;
	u64 in_bytes = 0;

	if (!total || !cookie || total > vq->num || nr_out > vq->num)
		return -EINVAL;
	for (unsigned int i = 0; i < nr_in; i++)
		in_bytes += in[i].len;
	if (in_bytes > 0xffffffffULL) /* used lengths are 32 bits */
		return -EINVAL;

	spin_lock_irqsave(&vq->lock, flags);
	if (vq->num_free < total) {
		spin_unlock_irqrestore(&vq->lock, flags);
		return -ENOSPC;
	}
	head = d = vq->free_head;
	for (unsigned int i = 0; i < total; i++) {
		bool writable = i >= nr_out;
		const struct host_vq_buf *b =
			writable ? &in[i - nr_out] : &out[i];
		u16 f = (writable ? VIRTQ_DESC_F_WRITE : 0) |
			(i + 1 < total ? VIRTQ_DESC_F_NEXT : 0);

		fill(vq, d, b, f);
		last = d;
		d = vq->next[d];
	}
	vq->free_head = vq->next[last];
	vq->num_free -= total;
	vq->cookies[head] = cookie;
	vq->chain_len[head] = (u16)total;
	vq->in_bytes[head] = (u32)in_bytes;
	vq->in_flight++;

	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = (u16)head;
	/* The device may see the new index only after the entry (2.7.13). */
	wmb();
	vq->avail_idx++;
	WRITE_ONCE(vq->avail->idx, vq->avail_idx);
	vq->stats.added++;
	spin_unlock_irqrestore(&vq->lock, flags);
	return 0;
}

void host_vq_kick(struct host_vq *vq)
{
	unsigned long flags;
	bool notify;

	spin_lock_irqsave(&vq->lock, flags);
	/* The index must be visible before we read the device's flags. */
	mb();
	notify = !(READ_ONCE(vq->used->flags) & VIRTQ_USED_F_NO_NOTIFY);
	if (notify)
		vq->stats.notifications++;
	spin_unlock_irqrestore(&vq->lock, flags);
	if (notify)
		vq->notify(vq);
}

/* Give a returned chain's descriptors back to the free list. */
static void free_chain(struct host_vq *vq, unsigned int head)
{
	unsigned int d = head, n = vq->chain_len[head];

	for (unsigned int i = 1; i < n; i++)
		d = vq->next[d];
	vq->next[d] = vq->free_head;
	vq->free_head = (u16)head;
	vq->num_free += n;
	vq->cookies[head] = NULL;
	vq->chain_len[head] = 0;
	vq->in_flight--;
}

void *host_vq_get_buf(struct host_vq *vq, u32 *len)
{
	unsigned long flags;
	void *cookie = NULL;

	spin_lock_irqsave(&vq->lock, flags);
	while (!cookie && !vq->broken) {
		u16 used_idx = READ_ONCE(vq->used->idx);
		struct virtq_used_elem e;

		if (used_idx == vq->last_used)
			break;
		if ((u16)(used_idx - vq->last_used) > vq->num) {
			printk(KERN_ERR "%s: used index %u is %u entries past "
					"ours (%u), more than the queue holds: "
					"queue stopped\n",
			       vq->name, used_idx,
			       (u16)(used_idx - vq->last_used), vq->last_used);
			vq->stats.bad_used++;
			vq->broken = true;
			break;
		}
		/* The entry only after the index that published it. */
		rmb();
		e = vq->used->ring[vq->last_used & (vq->num - 1)];
		vq->last_used++;
		if (e.id >= vq->num || !vq->cookies[e.id]) {
			printk(KERN_ERR
			       "%s: used entry names descriptor %u, "
			       "which heads no posted chain: ignored\n",
			       vq->name, e.id);
			vq->stats.bad_used++;
			continue;
		}
		if (e.len > vq->in_bytes[e.id]) {
			printk(KERN_ERR "%s: device says it wrote %u bytes "
					"into a chain of %u writable bytes\n",
			       vq->name, e.len, vq->in_bytes[e.id]);
			vq->stats.bad_used++;
			e.len = vq->in_bytes[e.id];
		}
		cookie = vq->cookies[e.id];
		free_chain(vq, e.id);
		vq->stats.completed++;
		if (len)
			*len = e.len;
	}
	spin_unlock_irqrestore(&vq->lock, flags);
	return cookie;
}

unsigned int host_vq_in_flight(struct host_vq *vq)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&vq->lock, flags);
	n = vq->in_flight;
	spin_unlock_irqrestore(&vq->lock, flags);
	return n;
}

void host_vq_set_interrupts(struct host_vq *vq, bool on)
{
	WRITE_ONCE(vq->avail->flags, on ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT);
	mb();
}
