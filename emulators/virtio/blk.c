// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk for guests (VIRTIO 1.2 section 5.2) over Keel's block
 * devices (keel/blockdev.h): `keel,backend` names a block device ("vda",
 * "vda1") or a boot-bundle file ("bundle:disk.img", which gets a private
 * copy-on-write disk in RAM); `keel,read-only` makes the guest's disk
 * read-only (VIRTIO_BLK_F_RO) and its claim on the backend shared.
 *
 * A request is a header (type, sector) the device reads, the data, and a
 * status byte the device writes last; 2.6.4 lets the driver frame these
 * in any descriptors, so the device finds them by offsets within the
 * chain's readable and writable bytes, never by descriptor. Data whose
 * pieces are not whole sectors goes through a bounce buffer; the rest
 * goes to the backend as the guest's own memory.
 *
 * Requests are handed to the backend from the notification (the vCPU's
 * exit) and completed either at once (RAM backends) or from the
 * backend's completion, which takes the instance lock and drops the
 * result when the device was reset meanwhile.
 */
#include <hw/virtio_blk.h>
#include <keel/bitops.h>
#include <keel/blockdev.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/printf.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/virtio.h>

#define BLK_HEADER_SIZE sizeof(struct virtio_blk_req_header)
/*
 * Data descriptors of one request (seg_max): the chain's, less header
 * and status, and no more than the backend takes in one request.
 */
#define BLK_SEG_MAX (VIRTQUEUE_MAX_SEGS - 2)
/* The largest data descriptor offered to the driver (size_max). */
#define BLK_SIZE_MAX (1U << 20)
/* Requests framed at odd offsets are copied through this much at most. */
#define BLK_BOUNCE_MAX (1U << 20)
#define BLK_DISCARD_MAX_SECTORS 0x400000U /* 2 GiB per request */
/*
 * Requests kept for reuse: each is 8 KiB (a chain and a backend request
 * of 256 segments), a large allocation, and a notification takes two
 * (the second finds the ring empty).
 */
#define BLK_SPARES 2

struct virtio_blk {
	struct virtio_dev *vdev;
	struct blockdev *bd;
	bool read_only;
	bool bundle_disk; /* bd is ours: unregistered on remove */
	/*
	 * The backend's request shape (blockdev_max_segs, _seg_bytes),
	 * what seg_max and size_max offer the driver.
	 */
	unsigned int max_segs;
	u32 piece;
	char owner[80]; /* "<guest>/<node>" as the claim shows it */
	unsigned int in_flight; /* queued with the backend */
	struct blk_request *spare[BLK_SPARES]; /* under the instance lock */
	unsigned int nr_spare;
	u64 requests, errors, read_bytes, written_bytes;
};

struct blk_request {
	struct virtio_blk *b;
	u32 epoch;
	u32 type;
	u32 data_len; /* bytes the device writes before the status (IN) */
	u32 status_off; /* the status byte within the writable bytes */
	/*
	 * Where it is: the last writable byte, so the last byte of the last
	 * segment (writable segments come last), found without a walk.
	 */
	u8 *status;
	void *bounce;
	struct blockdev_request breq;
	struct virtqueue_chain chain;
};

/* Under the instance lock, as is req_put. */
static struct blk_request *req_get(struct virtio_blk *b)
{
	if (b->nr_spare)
		return b->spare[--b->nr_spare];
	return keel_malloc(sizeof(struct blk_request));
}

static void req_put(struct virtio_blk *b, struct blk_request *req)
{
	if (b->nr_spare < BLK_SPARES)
		b->spare[b->nr_spare++] = req;
	else
		keel_free(req);
}

static void blk_finish(struct blk_request *req, int err)
{
	struct virtio_blk *b = req->b;
	u8 status = err == -ENOTSUP ? VIRTIO_BLK_S_UNSUPP :
		    err		    ? VIRTIO_BLK_S_IOERR :
				      VIRTIO_BLK_S_OK;
	/*
	 * The status byte ends the writable bytes, and the driver may look
	 * only at the first len of them (2.7.8.2): len reaches it, whatever
	 * came of the data before it.
	 */
	u32 written = req->status_off + 1;

	if (!err && req->type == VIRTIO_BLK_T_IN)
		b->read_bytes += req->data_len;
	else if (!err && req->type == VIRTIO_BLK_T_OUT)
		b->written_bytes += req->breq.nr_sectors * BLOCKDEV_SECTOR_SIZE;
	if (err)
		b->errors++;
	/*
	 * A reset meanwhile: the driver has forgotten the chain and may
	 * have reused its memory, which the device must then leave alone
	 * (neither the bounced data nor the status byte goes there).
	 */
	if (req->epoch == b->vdev->queues[0].epoch) {
		if (!err && req->type == VIRTIO_BLK_T_IN && req->bounce)
			virtqueue_chain_write(&req->chain, 0, req->bounce,
					      req->data_len);
		WRITE_ONCE(*req->status, status);
		virtio_dev_push(b->vdev, 0, req->chain.head, written);
	}
	keel_free(req->bounce);
	req_put(b, req);
}

/* The backend's completion of a queued request: any context. */
static void blk_done(struct blockdev_request *breq, int status)
{
	struct blk_request *req = breq->cookie;
	struct devemu_instance *inst = req->b->vdev->inst;
	unsigned long flags;

	spin_lock_irqsave(&inst->lock, flags);
	req->b->in_flight--;
	blk_finish(req, status);
	spin_unlock_irqrestore(&inst->lock, flags);
}

/*
 * Add len bytes at buf to the backend's segments, in pieces the backend
 * takes (b->piece bytes, b->max_segs of them); false when they do not
 * fit its request.
 */
static bool add_pieces(const struct virtio_blk *b,
		       struct blockdev_request *breq, u8 *buf, u32 len)
{
	while (len) {
		u32 n = MIN(len, b->piece);

		if (breq->nr_segs == b->max_segs)
			return false;
		breq->segs[breq->nr_segs].buf = buf;
		breq->segs[breq->nr_segs].len = n;
		breq->nr_segs++;
		buf += n;
		len -= n;
	}
	return true;
}

/*
 * The backend's segments for len bytes at offset of one direction of
 * the chain: the guest's own memory when every piece is whole sectors
 * and they fit one backend request, else one bounce buffer (filled now
 * for a write).
 */
static int map_data(struct blk_request *req, bool writable, u32 offset, u32 len)
{
	struct blockdev_request *breq = &req->breq;
	const struct virtqueue_chain *c = &req->chain;
	bool whole = true;
	u32 skip = offset, left = len;

	breq->nr_segs = 0;
	for (unsigned int i = 0; i < c->nr_segs && left; i++) {
		const struct virtqueue_seg *s = &c->segs[i];
		u32 n;

		if (s->writable != writable)
			continue;
		if (skip >= s->len) {
			skip -= s->len;
			continue;
		}
		n = MIN(s->len - skip, left);
		if (n % BLOCKDEV_SECTOR_SIZE ||
		    !add_pieces(req->b, breq, (u8 *)s->host + skip, n)) {
			whole = false;
			break;
		}
		left -= n;
		skip = 0;
	}
	if (whole && !left)
		return 0;
	if (len > BLK_BOUNCE_MAX)
		return -EIO;
	req->bounce = keel_malloc(len);
	if (!req->bounce)
		return -ENOMEM;
	if (!writable)
		virtqueue_chain_read(c, offset, req->bounce, len);
	breq->nr_segs = 0;
	if (!add_pieces(req->b, breq, req->bounce, len))
		return -EIO;
	return 0;
}

static void blk_get_id(struct virtio_blk *b, struct blk_request *req)
{
	char id[VIRTIO_BLK_ID_BYTES];
	u32 n = MIN(req->data_len, (u32)VIRTIO_BLK_ID_BYTES);

	/* 5.2.6: 20 bytes, NUL-padded when shorter. */
	memset(id, 0, sizeof(id));
	memcpy(id, b->bd->name, MIN(strlen(b->bd->name), sizeof(id)));
	req->data_len = (u32)virtqueue_chain_write(&req->chain, 0, id, n);
}

/*
 * Turn a popped chain into a backend request. Returns 0 to complete it
 * now with status err (*err), 1 when it went to the backend, or -EINVAL
 * when the chain cannot even be answered (no header, no status byte).
 */
static int blk_start(struct virtio_blk *b, struct blk_request *req, int *err)
{
	struct virtio_blk_req_header h;
	struct blockdev_request *breq = &req->breq;
	struct virtio_blk_discard_write_zeroes range;
	const struct virtqueue_seg *last;
	u32 data;
	int ret;

	if (req->chain.readable < BLK_HEADER_SIZE || !req->chain.writable)
		return -EINVAL;
	virtqueue_chain_read(&req->chain, 0, &h, sizeof(h));
	req->type = h.type;
	req->status_off = req->chain.writable - 1;
	last = &req->chain.segs[req->chain.nr_segs - 1];
	req->status = (u8 *)last->host + last->len - 1;
	*err = 0;
	memset(breq, 0, offsetof(struct blockdev_request, segs));
	breq->done = blk_done;
	breq->cookie = req;

	switch (h.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		data = h.type == VIRTIO_BLK_T_IN ?
			       req->chain.writable - 1 :
			       req->chain.readable - (u32)BLK_HEADER_SIZE;
		if (data % BLOCKDEV_SECTOR_SIZE) {
			*err = -EINVAL;
			return 0;
		}
		req->data_len = h.type == VIRTIO_BLK_T_IN ? data : 0;
		breq->op = h.type == VIRTIO_BLK_T_IN ? BLOCKDEV_READ :
						       BLOCKDEV_WRITE;
		breq->sector = h.sector;
		breq->nr_sectors = data / BLOCKDEV_SECTOR_SIZE;
		if (h.type == VIRTIO_BLK_T_OUT && b->read_only) {
			*err = -EROFS;
			return 0;
		}
		if (!data)
			return 0; /* nothing to move: done */
		ret = map_data(req, h.type == VIRTIO_BLK_T_IN,
			       h.type == VIRTIO_BLK_T_IN ? 0 :
							   (u32)BLK_HEADER_SIZE,
			       data);
		if (ret) {
			*err = ret;
			return 0;
		}
		break;
	case VIRTIO_BLK_T_FLUSH:
		breq->op = BLOCKDEV_FLUSH;
		break;
	case VIRTIO_BLK_T_GET_ID:
		req->data_len = req->chain.writable - 1;
		blk_get_id(b, req);
		return 0;
	case VIRTIO_BLK_T_DISCARD:
		/*
		 * max_discard_seg is 1: exactly one range follows. More would
		 * be ranges left undone under an OK status.
		 */
		if (req->chain.readable - BLK_HEADER_SIZE != sizeof(range) ||
		    b->read_only) {
			*err = -EIO;
			return 0;
		}
		virtqueue_chain_read(&req->chain, (u32)BLK_HEADER_SIZE, &range,
				     sizeof(range));
		if (range.flags) { /* unmap is write-zeroes' only */
			*err = -ENOTSUP;
			return 0;
		}
		if (range.num_sectors > BLK_DISCARD_MAX_SECTORS) {
			*err = -EIO;
			return 0;
		}
		breq->op = BLOCKDEV_DISCARD;
		breq->sector = range.sector;
		breq->nr_sectors = range.num_sectors;
		break;
	default:
		*err = -ENOTSUP;
		return 0;
	}
	ret = blockdev_submit(b->bd, breq);
	if (ret == 1)
		return 1;
	*err = ret;
	return 0;
}

static void blk_queue_notify(struct virtio_dev *vdev, unsigned int q)
{
	struct virtio_blk *b = vdev->priv;
	struct blk_request *req;
	int ret, err;

	for (;;) {
		req = req_get(b);
		if (!req) {
			/* The driver notifies again when it adds more. */
			b->errors++;
			return;
		}
		req->b = b;
		req->epoch = vdev->queues[q].epoch;
		req->bounce = NULL;
		ret = virtio_dev_pop(vdev, q, &req->chain);
		if (ret <= 0) {
			req_put(b, req);
			return;
		}
		b->requests++;
		ret = blk_start(b, req, &err);
		if (ret < 0) {
			virtio_dev_needs_reset(vdev,
					       "request without a header or a "
					       "status byte");
			req_put(b, req);
			return;
		}
		if (ret == 1)
			b->in_flight++;
		else
			blk_finish(req, err);
	}
}

static void put_config(struct virtio_blk *b)
{
	struct virtio_dev *vdev = b->vdev;
	u32 align = b->bd->block_size / BLOCKDEV_SECTOR_SIZE;

	virtio_config_put(vdev, VIRTIO_BLK_CFG_CAPACITY, b->bd->nr_sectors, 8);
	virtio_config_put(vdev, VIRTIO_BLK_CFG_SIZE_MAX,
			  MIN(BLK_SIZE_MAX, b->piece), 4);
	virtio_config_put(vdev, VIRTIO_BLK_CFG_SEG_MAX,
			  MIN((u32)BLK_SEG_MAX, b->max_segs), 4);
	virtio_config_put(vdev, VIRTIO_BLK_CFG_BLK_SIZE, b->bd->block_size, 4);
	virtio_config_put(vdev, VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS,
			  BLK_DISCARD_MAX_SECTORS, 4);
	virtio_config_put(vdev, VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 1, 4);
	virtio_config_put(vdev, VIRTIO_BLK_CFG_DISCARD_SECTOR_ALIGNMENT,
			  align ? align : 1, 4);
	vdev->config_size = VIRTIO_BLK_CFG_SIZE;
}

static unsigned int bundle_disks; /* names bundle-backed disks */

static int open_backend(struct virtio_blk *b, const char *backend)
{
	char name[BLOCKDEV_NAME_LEN];
	int err;

	if (!strncmp(backend, "bundle:", 7)) {
		snprintf(
			name, sizeof(name), "bundle%u",
			__atomic_fetch_add(&bundle_disks, 1, __ATOMIC_RELAXED));
		err = blockdev_create_bundle(backend + 7, name, b->read_only,
					     &b->bd);
		if (err) {
			devemu_error(b->vdev->inst, "keel,backend \"%s\": %s",
				     backend,
				     err == -ENOENT ?
					     "no such file in the boot bundle" :
					     "could not make a disk of it");
			return err;
		}
		b->bundle_disk = true;
		return 0;
	}
	b->bd = blockdev_find(backend);
	if (!b->bd) {
		devemu_error(b->vdev->inst,
			     "keel,backend \"%s\" is no block device of this "
			     "machine (see blockdev list)",
			     backend);
		return -ENOENT;
	}
	return 0;
}

static int blk_probe(struct virtio_dev *vdev, const struct devtree_node *node)
{
	struct virtio_blk *b = vdev->priv;
	const char *backend;
	char why[96];
	int err;

	b->vdev = vdev;
	if (devtree_prop_read_string(node, "keel,backend", &backend)) {
		devemu_error(vdev->inst, "a block device needs keel,backend "
					 "(a block device name or "
					 "\"bundle:<file>\")");
		return -EINVAL;
	}
	b->read_only = devtree_prop_find(node, "keel,read-only") != NULL;
	err = open_backend(b, backend);
	if (err)
		return err;
	b->read_only |= b->bd->read_only;
	/*
	 * Requests shaped so the backend takes them without a bounce
	 * (registered devices take at least a sector per buffer).
	 */
	b->max_segs = blockdev_max_segs(b->bd);
	b->piece = blockdev_max_seg_bytes(b->bd) & ~(BLOCKDEV_SECTOR_SIZE - 1);
	snprintf(b->owner, sizeof(b->owner), "%s/%s",
		 guest_name(vdev->inst->guest), vdev->inst->name);
	err = blockdev_claim(b->bd, b->owner, !b->read_only, why, sizeof(why));
	if (err) {
		devemu_error(vdev->inst, "keel,backend \"%s\": %s", backend,
			     why);
		if (b->bundle_disk)
			blockdev_unregister(b->bd);
		return err;
	}
	vdev->device_features =
		BIT_ULL(VIRTIO_BLK_F_SIZE_MAX) | BIT_ULL(VIRTIO_BLK_F_SEG_MAX) |
		BIT_ULL(VIRTIO_BLK_F_BLK_SIZE) | BIT_ULL(VIRTIO_BLK_F_FLUSH) |
		BIT_ULL(VIRTIO_BLK_F_DISCARD);
	if (b->read_only)
		vdev->device_features |= BIT_ULL(VIRTIO_BLK_F_RO);
	put_config(b);
	return 0;
}

static void blk_remove(struct virtio_dev *vdev)
{
	struct virtio_blk *b = vdev->priv;
	struct devemu_instance *inst = vdev->inst;
	unsigned long flags;
	unsigned int left;

	/*
	 * A queued request's buffers are this guest's memory and its
	 * completion uses b: both must outlive it.
	 */
	for (;;) {
		spin_lock_irqsave(&inst->lock, flags);
		left = b->in_flight;
		spin_unlock_irqrestore(&inst->lock, flags);
		if (!left)
			break;
		thread_sleep_ms(1);
	}
	while (b->nr_spare)
		keel_free(b->spare[--b->nr_spare]);
	blockdev_release(b->bd, !b->read_only);
	if (b->bundle_disk)
		blockdev_unregister(b->bd);
}

static bool blk_busy(struct virtio_dev *vdev)
{
	const struct virtio_blk *b = vdev->priv;

	return b->in_flight;
}

static void blk_describe(struct virtio_dev *vdev, char *buf, size_t size)
{
	struct virtio_blk *b = vdev->priv;

	snprintf(buf, size,
		 "backend %s (%s, %s), %llu requests, %llu bytes read, "
		 "%llu written, %llu errors, %u in flight",
		 b->bd->name, b->bd->kind ? b->bd->kind : "disk",
		 b->read_only ? "ro" : "rw", (unsigned long long)b->requests,
		 (unsigned long long)b->read_bytes,
		 (unsigned long long)b->written_bytes,
		 (unsigned long long)b->errors, b->in_flight);
}

static const struct virtio_device_model virtio_blk_model = {
	.name = "block",
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.priv_size = sizeof(struct virtio_blk),
	.probe = blk_probe,
	.remove = blk_remove,
	.queue_notify = blk_queue_notify,
	.busy = blk_busy,
	.describe = blk_describe,
};
VIRTIO_DEVICE_MODEL_REGISTER(virtio_blk_model);
