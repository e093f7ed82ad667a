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
 *
 * The registry is guarded by a mutex: register, unregister, find,
 * for_each and claims are for threads (and for drivers' probe at boot,
 * when nothing contends). submit may be called from any context.
 */
#ifndef KEEL_BLOCKDEV_H
#define KEEL_BLOCKDEV_H

#include <keel/list.h>
#include <keel/spinlock.h>
#include <keel/types.h>

#define BLOCKDEV_NAME_LEN 16
#define BLOCKDEV_SECTOR_SIZE 512U
/*
 * Buffers one request may carry at most; a device may take fewer
 * (blockdev.max_segs). 256 lets a guest's 1 MiB of scattered pages be one
 * request, as on QEMU's own virtio-blk (seg_max 254).
 */
#define BLOCKDEV_MAX_SEGS 256

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
	/* DISCARD: given; READ/WRITE: blockdev_submit sets the segments' total */
	u64 nr_sectors;
	unsigned int nr_segs; /* READ/WRITE */
	struct blockdev_seg segs[BLOCKDEV_MAX_SEGS];
	/*
	 * Required (the submitter cannot know whether the device queues):
	 * called for queued requests only, once, from any context, with
	 * status 0 or -errno (-EIO: the medium failed). The request is the
	 * submitter's again when done is called.
	 */
	void (*done)(struct blockdev_request *req, int status);
	void *cookie; /* the submitter's */
	/*
	 * Private to core/blockdev.c while the request is in flight: a
	 * partition's provider sees the disk's sector, the submitter its
	 * own again in done.
	 */
	struct blockdev *bd;
	u64 user_sector;
	void (*user_done)(struct blockdev_request *req, int status);
};

/* What a block device does; a provider fills this in. */
struct blockdev_ops {
	/*
	 * Same contract as blockdev_submit(); the request is already
	 * checked against the device's size, read-only flag and block
	 * size, and nr_sectors is set. DISCARD may be a no-op returning 0.
	 */
	int (*submit)(struct blockdev *bd, struct blockdev_request *req);
	/* Optional: let go of priv when the device is unregistered. */
	void (*release)(struct blockdev *bd);
};

struct blockdev_stats {
	u64 reads, writes, flushes, discards; /* requests */
	u64 read_bytes, written_bytes;
	u64 errors; /* requests that failed or were refused */
	/* A disk's figures include its partitions' requests. */
};

struct blockdev {
	char name[BLOCKDEV_NAME_LEN];
	u64 nr_sectors; /* size in 512-byte sectors */
	u32 block_size; /* logical block: 512, 4096 ... */
	bool read_only;
	/*
	 * Buffers per request the provider takes (0: BLOCKDEV_MAX_SEGS), and
	 * bytes per buffer (0: any); partitions inherit their disk's. Guest
	 * devices offer these on, so that requests are never refused for
	 * their shape.
	 */
	unsigned int max_segs;
	u32 max_seg_bytes;
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
 * filled in; the rest zero). -EEXIST for a name in use, -EINVAL for a
 * bad name (empty, too long, not [a-z0-9_-]), size (0 sectors, not whole
 * logical blocks), block size (a power of 2 from 512 to 64 KiB) or
 * max_seg_bytes (less than a sector).
 *
 * A device of kind "disk" is then scanned for an MBR or GPT, and each
 * partition it finds is registered as "<disk><n>" (vda1, vda2 ...; as
 * Linux, "<disk>p<n>" when the disk's name ends in a digit), n being the
 * entry's index + 1. Reading the table may mean waiting for the
 * driver's interrupt, which a thread can do but not a driver's probe at
 * boot (it runs on the boot CPU's idle thread with interrupts still
 * off): from an idle thread, the scan is left to a short-lived thread
 * ("blockdev-scan") and the partitions appear once the boot CPU
 * schedules; from any other thread it is done before register returns.
 * The scan holds a shared claim on the disk ("partition scan") while it
 * runs. Its outcome is logged; a table that is damaged gives no
 * partitions, never wrong ones.
 */
int blockdev_register(struct blockdev *bd);
/* The request shape bd takes: buffers per request, bytes per buffer. */
unsigned int blockdev_max_segs(const struct blockdev *bd);
u32 blockdev_max_seg_bytes(const struct blockdev *bd);
/* A name register accepts: 1..15 characters of a-z, 0-9, '_' and '-'. */
bool blockdev_name_valid(const char *name);
/*
 * Remove a device nobody has claimed, with its partitions (which nobody
 * may have claimed either): -EBUSY otherwise. Its provider calls it once
 * no request of its is in flight; ops->release then runs.
 */
int blockdev_unregister(struct blockdev *bd);
struct blockdev *blockdev_find(const char *name);
/* fn runs under the registry's mutex: it must not call blockdev_*. */
int blockdev_for_each(int (*fn)(struct blockdev *bd, void *arg), void *arg);
/*
 * Read bd's partition table and register its partitions (thread context;
 * blockdev_register calls it for disks). Returns how many were
 * registered, or -errno: -EEXIST when bd already has partitions, -EBUSY
 * when it is claimed exclusively, -EINVAL for a partition.
 */
int blockdev_scan_partitions(struct blockdev *bd);
/*
 * Sleep until the partition scans of disks registered at boot (which
 * run in threads, as probe cannot wait for the disk) have finished, so
 * that boot guests find the partitions they name.
 */
void blockdev_wait_scans(void);

/*
 * A user takes a device: exclusive (a guest's writable disk) or shared
 * (read-only users). -EBUSY naming the holder in why ("vda is in use by
 * guest linux1") when another user holds it exclusively, or an exclusive
 * claim meets any user; a disk and its partitions count as overlapping,
 * two partitions of one disk do not. owner must outlive the claim.
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
 * Synchronous helpers for the terminal, the partition scan and tests:
 * one request through a bounce buffer of len bytes, waiting for it when
 * queued (threads only: -EAGAIN from an idle thread or before the
 * scheduler runs threads). A request the device has not completed after
 * BLOCKDEV_SYNC_TIMEOUT_MS gives -ETIMEDOUT; the bounce buffer stays
 * allocated until the device completes it, if ever, so a late
 * completion never touches the caller's buffer or freed memory.
 */
#define BLOCKDEV_SYNC_TIMEOUT_MS 30000
int blockdev_read(struct blockdev *bd, u64 sector, void *buf, u32 len);
int blockdev_write(struct blockdev *bd, u64 sector, const void *buf, u32 len);

/*
 * A private disk over a boot-bundle file, copied on write in RAM so the
 * bundle never changes: registered as name, kind "bundle" (the file's
 * size rounded up to a sector; the tail reads as zeroes). Written
 * BLOCKDEV_BUNDLE_CHUNK-byte chunks are copied into pages of their own
 * (page_alloc), found through a table of pointers; a discard of whole
 * chunks frees them and they read as zeroes afterwards (partial chunks
 * keep their data, which VIRTIO allows); flush does nothing (RAM).
 * Requests complete at once. -ENOENT without the file, -EINVAL for an
 * empty one, -ENOMEM, or register's errors. The guest that asked for it
 * unregisters it when it goes (blockdev_unregister frees it).
 */
#define BLOCKDEV_BUNDLE_CHUNK 4096U
int blockdev_create_bundle(const char *file, const char *name, bool read_only,
			   struct blockdev **out);

#endif
