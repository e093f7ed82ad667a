// SPDX-License-Identifier: GPL-2.0
/*
 * The device side of split virtqueues (VIRTIO 1.2 section 2.7): checks a
 * guest's rings at setup, walks its descriptor chains into host segments,
 * returns them through the used ring, and decides notifications. The
 * guest is the driver and may rewrite its rings at any moment, so every
 * value it wrote is read once (READ_ONCE into locals) and checked before
 * use; nothing here follows a guest address without first finding it in
 * a REGION_RAM of the guest's address space. ROM is refused even for
 * device-readable buffers: no driver puts rings or buffers there, and one
 * rule (RAM only) is simpler to check than two.
 */
#include <arch/barrier.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/printf.h>
#include <keel/string.h>
#include <keel/virtqueue.h>

/* Rings are little-endian (2.7); they are read and written natively. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtqueue.c reads little-endian rings natively");

/*
 * The host address of [gpa, gpa + len) when all of it lies in one RAM
 * region, else NULL. len is not 0 and gpa + len does not wrap (callers
 * check).
 */
static void *ram_in_one_region(struct aspace *as, u64 gpa, u64 len)
{
	struct region *r = aspace_find(as, gpa);

	if (!r || r->type != REGION_RAM)
		return NULL;
	/* Regions never wrap (aspace_insert), so this does not either. */
	if (len > r->gpa + r->size - gpa)
		return NULL;
	return (char *)r->host + (gpa - r->gpa);
}

/* True when len bytes from gpa wrap past 2^64. */
static bool wraps(u64 gpa, u64 len)
{
	return len && gpa + (len - 1) < gpa;
}

/* Every byte of [gpa, gpa + len) in RAM, across adjacent regions. */
static bool all_ram(struct aspace *as, u64 gpa, u64 len)
{
	if (wraps(gpa, len))
		return false;
	while (len) {
		struct region *r = aspace_find(as, gpa);
		u64 chunk;

		if (!r || r->type != REGION_RAM)
			return false;
		chunk = MIN(len, r->gpa + r->size - gpa);
		gpa += chunk;
		len -= chunk;
	}
	return true;
}

/* Copy from RAM the caller has checked with all_ram(). */
static void ram_read(struct aspace *as, u64 gpa, void *dst, u64 len)
{
	while (len) {
		struct region *r = aspace_find(as, gpa);
		u64 chunk = MIN(len, r->gpa + r->size - gpa);

		memcpy(dst, (char *)r->host + (gpa - r->gpa), chunk);
		gpa += chunk;
		dst = (char *)dst + chunk;
		len -= chunk;
	}
}

/* One ring checked at setup: aligned and inside one RAM region. */
static void *setup_ring(struct aspace *as, const char *name, u64 gpa, u64 align,
			u64 size, char *why, size_t why_size)
{
	void *host;

	if (!IS_ALIGNED(gpa, align)) {
		if (why_size)
			snprintf(why, why_size,
				 "%s at 0x%llx is not %llu-byte aligned", name,
				 (unsigned long long)gpa,
				 (unsigned long long)align);
		return NULL;
	}
	host = wraps(gpa, size) ? NULL : ram_in_one_region(as, gpa, size);
	if (!host && why_size)
		snprintf(why, why_size,
			 "%s at 0x%llx (0x%llx bytes) is not inside one RAM "
			 "region of the guest",
			 name, (unsigned long long)gpa,
			 (unsigned long long)size);
	return host;
}

int virtqueue_setup(struct virtqueue *vq, struct aspace *as, unsigned int num,
		    u64 desc, u64 avail, u64 used, u64 features, char *why,
		    size_t why_size)
{
	bool event_idx = features & (1ULL << VIRTIO_F_EVENT_IDX);
	struct virtq_desc *desc_host;
	struct virtq_avail *avail_host;
	struct virtq_used *used_host;

	virtqueue_reset(vq);
	if (features & (1ULL << VIRTIO_F_RING_PACKED)) {
		if (why_size)
			snprintf(why, why_size,
				 "features 0x%llx: VIRTIO_F_RING_PACKED, "
				 "only split virtqueues are supported",
				 (unsigned long long)features);
		return -EINVAL;
	}
	/* 2.7: a power of 2, at most 32768 (a 16-bit idx tells full from empty). */
	if (!num || num > VIRTQ_MAX_SIZE || (num & (num - 1))) {
		if (why_size)
			snprintf(
				why, why_size,
				"queue size %u is not a power of 2 from 1 to %u",
				num, VIRTQ_MAX_SIZE);
		return -EINVAL;
	}
	/*
	 * One region each, so that the hot path indexes host pointers
	 * instead of searching the address space for every access. Drivers
	 * allocate each part as one contiguous block, so a part straddling
	 * two regions is not worth a slower path.
	 */
	desc_host = setup_ring(as, "descriptor table", desc, VIRTQ_DESC_ALIGN,
			       VIRTQ_DESC_SIZE(num), why, why_size);
	if (!desc_host)
		return -EINVAL;
	avail_host =
		setup_ring(as, "available ring", avail, VIRTQ_AVAIL_ALIGN,
			   VIRTQ_AVAIL_SIZE(num, event_idx), why, why_size);
	if (!avail_host)
		return -EINVAL;
	used_host = setup_ring(as, "used ring", used, VIRTQ_USED_ALIGN,
			       VIRTQ_USED_SIZE(num, event_idx), why, why_size);
	if (!used_host)
		return -EINVAL;

	vq->as = as;
	vq->event_idx = event_idx;
	vq->indirect = features & (1ULL << VIRTIO_F_INDIRECT_DESC);
	vq->desc_gpa = desc;
	vq->avail_gpa = avail;
	vq->used_gpa = used;
	vq->desc = desc_host;
	vq->avail = avail_host;
	vq->used = used_host;
	/*
	 * The driver initialised used->idx to 0 with the ring (2.7.8 starts
	 * it at 0); ours is authoritative from here and is written on each
	 * push, so the guest's value is not read.
	 */
	vq->num = num;
	return 0;
}

void virtqueue_reset(struct virtqueue *vq)
{
	/* The statistics describe the device's life, not one setup. */
	struct virtqueue_stats stats = vq->stats;

	memset(vq, 0, sizeof(*vq));
	vq->stats = stats;
}

/* used_event follows the available ring, avail_event the used (2.7.6, 2.7.8). */
static u16 *used_event(struct virtqueue *vq)
{
	return &vq->avail->ring[vq->num];
}

static u16 *avail_event(struct virtqueue *vq)
{
	return (u16 *)&vq->used->ring[vq->num];
}

/* Break the queue: every later pop returns err until setup or reset. */
static int malformed(struct virtqueue *vq, int err, const char *why)
{
	vq->broken = err;
	vq->why = why;
	vq->stats.malformed++;
	return err;
}

/*
 * Append [gpa, gpa + len) to the chain, one segment per RAM region it
 * crosses. len is not 0. *hint is the region of the previous buffer (or
 * NULL): a driver's buffers are nearly always in one region, and looking
 * there first saves a search per descriptor.
 */
static int add_buffer(struct virtqueue *vq, struct virtqueue_chain *chain,
		      u64 gpa, u32 len, bool writable, struct region **hint)
{
	if (wraps(gpa, len))
		return malformed(vq, -EFAULT, "buffer wraps past 2^64");
	while (len) {
		struct region *r = *hint;
		struct virtqueue_seg *seg;
		u32 chunk;

		if (!r || gpa < r->gpa || gpa - r->gpa >= r->size) {
			r = aspace_find(vq->as, gpa);
			if (!r || r->type != REGION_RAM)
				return malformed(vq, -EFAULT,
						 "buffer outside guest RAM");
			*hint = r;
		}
		if (chain->nr_segs == VIRTQUEUE_MAX_SEGS)
			return malformed(vq, -EINVAL,
					 "chain has too many segments");
		chunk = MIN((u64)len, r->gpa + r->size - gpa);
		seg = &chain->segs[chain->nr_segs++];
		seg->host = (char *)r->host + (gpa - r->gpa);
		seg->len = chunk;
		seg->writable = writable;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

/* One descriptor of a table in Keel's view, each field read once. */
static inline struct virtq_desc read_desc(const struct virtq_desc *table, u16 i)
{
	return (struct virtq_desc){ .addr = READ_ONCE(table[i].addr),
				    .len = READ_ONCE(table[i].len),
				    .flags = READ_ONCE(table[i].flags),
				    .next = READ_ONCE(table[i].next) };
}

/*
 * The same for an indirect table across RAM regions (checked by all_ram),
 * copied once: the guest may change it meanwhile. Out of line, so that
 * the walk's own copy stays in registers.
 */
static __attribute__((noinline)) struct virtq_desc
read_desc_across(struct aspace *as, u64 table, u16 i)
{
	struct virtq_desc d;

	ram_read(as, table + (u64)i * sizeof(d), &d, sizeof(d));
	return d;
}

/*
 * Walk the chain starting at head into chain: zero or more descriptors of
 * the ring's table, the last of which may refer to an indirect table
 * (2.7.5.3.2: "zero or more normal chained descriptors followed by a
 * single descriptor with VIRTQ_DESC_F_INDIRECT").
 */
static int walk_chain(struct virtqueue *vq, u16 head,
		      struct virtqueue_chain *chain)
{
	/* Descriptors left in the current table: more means a loop. */
	unsigned int budget = vq->num, table_size = vq->num;
	bool in_indirect = false, seen_writable = false;
	const struct virtq_desc *host_table = NULL;
	struct region *hint = NULL;
	u64 table = 0, total = 0;
	u16 i = head;
	int err;

	chain->head = head;
	chain->nr_segs = 0;
	chain->readable = 0;
	chain->writable = 0;
	for (;;) {
		struct virtq_desc d;
		bool writable;

		if (!budget--)
			return malformed(vq, -EINVAL,
					 "descriptor chain longer than its "
					 "table (a loop)");
		if (!in_indirect)
			d = read_desc(vq->desc, i);
		else if (host_table)
			d = read_desc(host_table, i);
		else
			d = read_desc_across(vq->as, table, i);

		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			/* 2.7.5.3.1's driver rules, each a device check here. */
			if (!vq->indirect)
				return malformed(vq, -EINVAL,
						 "indirect descriptor without "
						 "VIRTIO_F_INDIRECT_DESC");
			if (in_indirect)
				return malformed(vq, -EINVAL,
						 "indirect descriptor inside "
						 "an indirect table");
			if (d.flags & VIRTQ_DESC_F_NEXT)
				return malformed(vq, -EINVAL,
						 "indirect descriptor with "
						 "NEXT");
			if (!d.len || d.len % sizeof(d))
				return malformed(vq, -EINVAL,
						 "indirect table length not a "
						 "non-zero multiple of 16");
			if (d.len / sizeof(d) > VIRTQUEUE_MAX_INDIRECT)
				return malformed(vq, -EINVAL,
						 "indirect table too large");
			if (!all_ram(vq->as, d.addr, d.len))
				return malformed(vq, -EFAULT,
						 "indirect table outside "
						 "guest RAM");
			/* Its WRITE flag is ignored (2.7.5.3.2). */
			in_indirect = true;
			table = d.addr;
			/* In one region (always, in practice): read in place. */
			host_table = ram_in_one_region(vq->as, d.addr, d.len);
			table_size = d.len / sizeof(d);
			budget = table_size;
			i = 0;
			continue;
		}

		writable = d.flags & VIRTQ_DESC_F_WRITE;
		/* 2.7.4.2: device-writable elements come after all readable. */
		if (seen_writable && !writable)
			return malformed(vq, -EINVAL,
					 "device-readable descriptor after a "
					 "device-writable one");
		seen_writable |= writable;
		if (d.len) {
			total += d.len;
			if (total > VIRTQUEUE_MAX_CHAIN_BYTES)
				return malformed(vq, -EINVAL,
						 "chain longer than 4 GiB - 1");
			err = add_buffer(vq, chain, d.addr, d.len, writable,
					 &hint);
			if (err)
				return err;
			if (writable)
				chain->writable += d.len;
			else
				chain->readable += d.len;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= table_size)
			return malformed(vq, -EINVAL,
					 "next index outside the descriptor "
					 "table");
		i = d.next;
	}
}

int virtqueue_pop(struct virtqueue *vq, struct virtqueue_chain *chain)
{
	u16 avail_idx, head;
	int err;

	if (!vq->num) {
		vq->why = "queue not set up";
		return -EINVAL;
	}
	if (vq->broken)
		return vq->broken;

	avail_idx = READ_ONCE(vq->avail->idx);
	if (avail_idx == vq->last_avail)
		return 0;
	/* 2.7.13: the driver never has more than num chains outstanding. */
	if ((u16)(avail_idx - vq->last_avail) > vq->num)
		return malformed(vq, -EINVAL,
				 "available index more than the queue size "
				 "ahead");
	/*
	 * The driver wrote the ring entry and the descriptors before idx,
	 * with a barrier between (2.7.13.3.1); read them after it.
	 */
	smp_mb();
	head = READ_ONCE(vq->avail->ring[vq->last_avail & (vq->num - 1)]);
	if (head >= vq->num)
		return malformed(vq, -EINVAL,
				 "head index outside the descriptor table");
	err = walk_chain(vq, head, chain);
	if (err)
		return err;

	vq->last_avail++;
	vq->in_flight++;
	vq->stats.popped++;
	vq->stats.bytes_read += chain->readable;
	if (vq->event_idx)
		WRITE_ONCE(*avail_event(vq), vq->last_avail);
	return 1;
}

int virtqueue_unpop(struct virtqueue *vq)
{
	if (!vq->num || !vq->in_flight) {
		vq->why = "unpop with no chain in flight";
		return -EINVAL;
	}
	/* stats.popped keeps counting it: it is popped again later. */
	vq->last_avail--;
	vq->in_flight--;
	return 0;
}

int virtqueue_push(struct virtqueue *vq, u16 head, u32 written)
{
	struct virtq_used_elem *elem;

	if (!vq->num) {
		vq->why = "queue not set up";
		return -EINVAL;
	}
	if (head >= vq->num) {
		vq->why = "push of a head outside the descriptor table";
		return -EINVAL;
	}
	if (!vq->in_flight) {
		vq->why = "push with no chain in flight";
		return -EINVAL;
	}
	elem = &vq->used->ring[vq->used_idx & (vq->num - 1)];
	WRITE_ONCE(elem->id, head);
	WRITE_ONCE(elem->len, written);
	/* 2.7.8: the element (and the data written) before the idx. */
	smp_mb();
	vq->used_idx++;
	WRITE_ONCE(vq->used->idx, vq->used_idx);
	vq->in_flight--;
	vq->stats.pushed++;
	vq->stats.bytes_written += written;
	return 0;
}

bool virtqueue_should_notify(struct virtqueue *vq)
{
	u16 old = vq->notified_used, new_idx = vq->used_idx;

	if (!vq->num || old == new_idx)
		return false;
	vq->notified_used = new_idx;
	/*
	 * The used idx visible before reading what the driver asked for, or
	 * a driver re-enabling interrupts meanwhile could miss this one.
	 */
	smp_mb();
	if (vq->event_idx)
		return vring_need_event(READ_ONCE(*used_event(vq)), new_idx,
					old);
	return !(READ_ONCE(vq->avail->flags) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void virtqueue_notify_disable(struct virtqueue *vq)
{
	if (!vq->num || vq->event_idx)
		return;
	WRITE_ONCE(vq->used->flags, VIRTQ_USED_F_NO_NOTIFY);
}

bool virtqueue_notify_enable(struct virtqueue *vq)
{
	if (!vq->num)
		return false;
	if (vq->event_idx)
		WRITE_ONCE(*avail_event(vq), vq->last_avail);
	else
		WRITE_ONCE(vq->used->flags, 0);
	/* The enable visible before looking again (2.7.10). */
	smp_mb();
	return READ_ONCE(vq->avail->idx) != vq->last_avail;
}

/*
 * Readable segments come first in a chain (pop checks it), so one walk
 * with a direction filter finds either part by its own offsets.
 */
static size_t chain_copy(const struct virtqueue_chain *chain, bool writable,
			 u32 offset, u8 *buf, size_t len, bool to_chain)
{
	size_t done = 0;

	for (unsigned int i = 0; i < chain->nr_segs && done < len; i++) {
		const struct virtqueue_seg *s = &chain->segs[i];
		size_t n;

		if (s->writable != writable)
			continue;
		if (offset >= s->len) {
			offset -= s->len;
			continue;
		}
		n = MIN((size_t)(s->len - offset), len - done);
		if (to_chain)
			memcpy((u8 *)s->host + offset, buf + done, n);
		else
			memcpy(buf + done, (const u8 *)s->host + offset, n);
		done += n;
		offset = 0;
	}
	return done;
}

size_t virtqueue_chain_read(const struct virtqueue_chain *chain, u32 offset,
			    void *dst, size_t len)
{
	return chain_copy(chain, false, offset, dst, len, false);
}

size_t virtqueue_chain_write(const struct virtqueue_chain *chain, u32 offset,
			     const void *src, size_t len)
{
	return chain_copy(chain, true, offset, (u8 *)src, len, true);
}
