/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block devices (core/blockdev.c): the layer between whatever stores
 * blocks (a host disk driver, a partition of one, a file of the boot
 * bundle copied on write in RAM) and whoever uses them (guests' virtual
 * disks, the terminal). Every device has a short unique name ("vda",
 * "vda1", "bundle0"), a size in 512-byte sectors, the size of its
 * logical block and a read-only flag; `blockdev list` shows them.
 *
 * Requests are asynchronous so that a driver can complete them from its
 * interrupt handler: blockdev_submit() either finishes a request at once
 * (RAM-backed devices) or queues it and calls req->done later, from any
 * context (interrupt handler included, on any CPU), but never from
 * inside blockdev_submit() on the caller's stack. A user may therefore
 * hold its own lock (irqsave) across submit and take it again in done.
 */
#ifndef KEEL_BLOCKDEV_H
#define KEEL_BLOCKDEV_H

#include <keel/list.h>
#include <keel/spinlock.h>
#include <keel/types.h>

#define BLOCKDEV_NAME_LEN 16
#define BLOCKDEV_SECTOR_SIZE 512U
/* Buffers one request may carry (virtio-blk's seg_max follows it). */
#define BLOCKDEV_MAX_SEGS 64

struct blockdev;

enum blockdev_op {
	BLOCKDEV_READ,
	BLOCKDEV_WRITE,
	BLOCKDEV_FLUSH, /* everything completed before is on the medium */
	BLOCKDEV_DISCARD, /* the range's contents may be dropped */
};

struct blockdev_seg {
	void *buf; /* Keel's address */
	u32 len; /* a multiple of BLOCKDEV_SECTOR_SIZE */
};

struct blockdev_request {
	enum blockdev_op op;
	u64 sector; /* first 512-byte sector (READ, WRITE, DISCARD) */
	u64 nr_sectors; /* DISCARD only; READ/WRITE: the segments' total */
	unsigned int nr_segs; /* READ/WRITE */
	struct blockdev_seg segs[BLOCKDEV_MAX_SEGS];
	/*
	 * Queued requests only: status 0 or -errno (-EIO: the medium
	 * failed). Called once, from any context.
	 */
	void (*done)(struct blockdev_request *req, int status);
	void *cookie; /* the submitter's */
};

/* What a block device does; a provider fills this in. */
struct blockdev_ops {
	/*
	 * Same contract as blockdev_submit(); the request is already
	 * checked against the device's size, read-only flag and block
	 * size. DISCARD may be NULL-op'd by returning 0.
	 */
	int (*submit)(struct blockdev *bd, struct blockdev_request *req);
	/* Optional: let go of priv when the device is unregistered. */
	void (*release)(struct blockdev *bd);
};

struct blockdev_stats {
	u64 reads, writes, flushes, discards; /* requests */
	u64 read_bytes, written_bytes;
	u64 errors; /* requests that failed or were refused */
};

struct blockdev {
	char name[BLOCKDEV_NAME_LEN];
	u64 nr_sectors; /* size in 512-byte sectors */
	u32 block_size; /* logical block: 512, 4096 ... */
	bool read_only;
	const char *kind; /* "disk", "partition", "bundle" ... for the list */
	const struct blockdev_ops *ops;
	void *priv;
	/* A partition: its disk and first sector there; NULL otherwise. */
	struct blockdev *parent;
	u64 start;
	/* Private to core/blockdev.c */
	struct list_head link;
	const char *owner; /* who claimed it exclusively, or NULL */
	unsigned int users; /* claims of any kind */
	struct blockdev_stats stats;
	spinlock_t lock;
};

/*
 * Add a device (name, nr_sectors, block_size, read_only, kind, ops
 * filled in). -EEXIST for a name in use, -EINVAL for a bad size. A disk
 * registered by a driver is then scanned for an MBR or GPT and each
 * partition it finds registered as "<disk><n>" (vda1, vda2 ...).
 */
int blockdev_register(struct blockdev *bd);
/* Remove a device nobody has claimed: -EBUSY otherwise. */
int blockdev_unregister(struct blockdev *bd);
struct blockdev *blockdev_find(const char *name);
int blockdev_for_each(int (*fn)(struct blockdev *bd, void *arg), void *arg);

/*
 * A user takes a device: exclusive (a guest's writable disk) or shared
 * (read-only users). -EBUSY naming the holder in why when another user
 * holds it exclusively, or an exclusive claim meets any user; a disk
 * and its partitions count as overlapping.
 */
int blockdev_claim(struct blockdev *bd, const char *owner, bool exclusive,
		   char *why, size_t why_size);
void blockdev_release(struct blockdev *bd, bool exclusive);

/*
 * Check and carry out a request: 0 when it completed (done is not
 * called), 1 when it was queued (done will be), or -errno when refused
 * or failed at once: -EROFS writing a read-only device, -ERANGE past its
 * end, -EINVAL for a length that is not a multiple of the sector size or
 * a sector not on a logical block boundary, -EIO for a failed medium.
 */
int blockdev_submit(struct blockdev *bd, struct blockdev_request *req);

/*
 * Synchronous helpers for the terminal and tests: wait for a queued
 * request (threads only, not interrupt context).
 */
int blockdev_read(struct blockdev *bd, u64 sector, void *buf, u32 len);
int blockdev_write(struct blockdev *bd, u64 sector, const void *buf, u32 len);

/*
 * A private disk over a boot-bundle file, copied on write in RAM so the
 * bundle never changes: registered as name (the file's size rounded up
 * to a sector; the tail reads as zeroes). The guest that asked for it
 * unregisters it when it goes (blockdev_unregister frees it).
 */
int blockdev_create_bundle(const char *file, const char *name, bool read_only,
			   struct blockdev **out);

#endif
