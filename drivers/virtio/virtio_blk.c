// SPDX-License-Identifier: GPL-2.0
/*
 * The host's virtio block devices (VIRTIO 1.2 section 5.2) as Keel block
 * devices "vda", "vdb" ... in probe order, of kind "disk" so that the
 * block layer scans them for partitions. A request is a device-readable
 * header (type, sector), the data segments (device-readable for writes,
 * device-writable for reads) and a status byte the device writes; it
 * completes from the interrupt handler (or the transport's polling). A
 * request that finds the ring full waits in a FIFO until completions
 * make room.
 */
#include <drivers/virtio.h>
#include <keel/blockdev.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/list.h>
#include <keel/printk.h>
#include <keel/string.h>

#include <hw/virtio_blk.h>
#include <hw/virtio_mmio.h>

/* QEMU's queue-size: requests of seg_max 254 buffers fit the ring. */
#define VBLK_QUEUE_SIZE 256
/* Ranges one DISCARD request carries at most (and its own limit). */
#define VBLK_MAX_DISCARD_RANGES 16
/* Buffers of one request: header, data, status. */
#define VBLK_MAX_BUFS (2 + BLOCKDEV_MAX_SEGS)
/* Requests kept for reuse (each over 4 KiB: a large allocation). */
#define VBLK_SPARES 2

struct vblk {
	struct blockdev bd;
	struct virtio_device *vdev;
	struct host_vq *vq;
	spinlock_t lock; /* pending, and adding to the ring in order */
	struct list_head pending; /* requests waiting for ring space */
	u32 seg_max; /* data descriptors per request */
	u32 size_max; /* bytes per data descriptor; 0: no limit */
	u32 max_discard_sectors, max_discard_ranges;
	u64 errors; /* requests the device failed */
	struct vblk_req *spare[VBLK_SPARES]; /* under lock */
	unsigned int nr_spare;
};

struct vblk_req {
	/* What the device reads and writes besides the data. */
	struct virtio_blk_req_header hdr;
	struct virtio_blk_discard_write_zeroes ranges[VBLK_MAX_DISCARD_RANGES];
	u8 status;
	struct list_head link; /* in vblk.pending */
	struct blockdev_request *req;
	unsigned int nr_out, nr_in;
	struct host_vq_buf bufs[VBLK_MAX_BUFS]; /* out ones, then in ones */
};

static unsigned int disks_named; /* vda, vdb ... in probe order */

static int errno_of(u8 status)
{
	switch (status) {
	case VIRTIO_BLK_S_OK:
		return 0;
	case VIRTIO_BLK_S_UNSUPP:
		return -ENOTSUP;
	default:
		return -EIO;
	}
}

static int build_discard(struct vblk *vb, struct vblk_req *r)
{
	const struct blockdev_request *req = r->req;
	u64 sector = req->sector, left = req->nr_sectors;
	unsigned int n = 0;

	while (left) {
		u64 len = MIN(left, (u64)vb->max_discard_sectors);

		if (n == vb->max_discard_ranges) {
			printk(KERN_ERR
			       "%s: discard of %llu sectors needs more "
			       "than %u ranges of %u sectors\n",
			       vb->bd.name, (unsigned long long)req->nr_sectors,
			       vb->max_discard_ranges, vb->max_discard_sectors);
			return -EINVAL;
		}
		r->ranges[n++] = (struct virtio_blk_discard_write_zeroes){
			.sector = sector, .num_sectors = (u32)len
		};
		sector += len;
		left -= len;
	}
	r->bufs[1] =
		(struct host_vq_buf){ r->ranges, n * sizeof(r->ranges[0]) };
	return 0;
}

/* Lay out the request's buffers: header, data, status. */
static int build(struct vblk *vb, struct vblk_req *r)
{
	const struct blockdev_request *req = r->req;
	unsigned int n = 1, data_start;
	int err = 0;

	r->bufs[0] = (struct host_vq_buf){ &r->hdr, sizeof(r->hdr) };
	switch (req->op) {
	case BLOCKDEV_READ:
	case BLOCKDEV_WRITE:
		r->hdr.type = req->op == BLOCKDEV_READ ? VIRTIO_BLK_T_IN :
							 VIRTIO_BLK_T_OUT;
		r->hdr.sector = req->sector;
		/*
		 * blockdev_submit kept the request within bd.max_segs and
		 * max_seg_bytes, which are the device's seg_max and size_max:
		 * a buffer each.
		 */
		if (req->nr_segs > vb->seg_max) {
			printk(KERN_ERR "%s: request of %u segments needs more "
					"than the device's %u descriptors\n",
			       vb->bd.name, req->nr_segs, vb->seg_max);
			return -EINVAL;
		}
		for (unsigned int i = 0; i < req->nr_segs; i++)
			r->bufs[n++] = (struct host_vq_buf){ req->segs[i].buf,
							     req->segs[i].len };
		break;
	case BLOCKDEV_FLUSH:
		r->hdr.type = VIRTIO_BLK_T_FLUSH;
		break;
	case BLOCKDEV_DISCARD:
		r->hdr.type = VIRTIO_BLK_T_DISCARD;
		err = build_discard(vb, r);
		if (err)
			return err;
		n = 2;
		break;
	default:
		return -EINVAL;
	}
	data_start = 1;
	/* Reads fill their data buffers: those belong with the status. */
	if (req->op == BLOCKDEV_READ) {
		r->nr_out = data_start;
		r->nr_in = n - data_start + 1;
	} else {
		r->nr_out = n;
		r->nr_in = 1;
	}
	r->bufs[n] = (struct host_vq_buf){ &r->status, 1 };
	r->status = 0xff; /* not VIRTIO_BLK_S_*: a device that never wrote */
	return 0;
}

static int post(struct vblk *vb, struct vblk_req *r)
{
	return host_vq_add(vb->vq, r->bufs, r->nr_out, r->bufs + r->nr_out,
			   r->nr_in, r);
}

/* Move waiting requests into the ring while it has room; lock held. */
static bool post_pending(struct vblk *vb)
{
	bool posted = false;

	while (!list_empty(&vb->pending)) {
		struct vblk_req *r =
			list_first_entry(&vb->pending, struct vblk_req, link);

		if (post(vb, r))
			break;
		list_del(&r->link);
		posted = true;
	}
	return posted;
}

static struct vblk_req *req_get(struct vblk *vb)
{
	struct vblk_req *r = NULL;
	unsigned long flags;

	spin_lock_irqsave(&vb->lock, flags);
	if (vb->nr_spare)
		r = vb->spare[--vb->nr_spare];
	spin_unlock_irqrestore(&vb->lock, flags);
	return r ? r : keel_malloc(sizeof(*r));
}

static void req_put(struct vblk *vb, struct vblk_req *r)
{
	unsigned long flags;

	spin_lock_irqsave(&vb->lock, flags);
	if (vb->nr_spare < VBLK_SPARES) {
		vb->spare[vb->nr_spare++] = r;
		r = NULL;
	}
	spin_unlock_irqrestore(&vb->lock, flags);
	keel_free(r);
}

static void vblk_done(struct host_vq *vq)
{
	struct vblk *vb = vq->priv;
	struct vblk_req *r;
	unsigned long flags;
	bool posted;
	u32 len;

	while ((r = host_vq_get_buf(vq, &len))) {
		struct blockdev_request *req = r->req;
		int status = len ? errno_of(r->status) : -EIO;

		if (status) {
			vb->errors++;
			printk(KERN_ERR "%s: %s at sector %llu failed: status "
					"%u, %u bytes written back\n",
			       vb->bd.name,
			       req->op == BLOCKDEV_READ	 ? "read" :
			       req->op == BLOCKDEV_WRITE ? "write" :
			       req->op == BLOCKDEV_FLUSH ? "flush" :
							   "discard",
			       (unsigned long long)req->sector, r->status, len);
		}
		req_put(vb, r);
		req->done(req, status);
	}
	spin_lock_irqsave(&vb->lock, flags);
	posted = post_pending(vb);
	spin_unlock_irqrestore(&vb->lock, flags);
	if (posted)
		virtio_queue_kick(vb->vdev, vq);
}

static int vblk_submit(struct blockdev *bd, struct blockdev_request *req)
{
	struct vblk *vb = bd->priv;
	struct vblk_req *r;
	unsigned long flags;
	bool queued;
	int err;

	if ((req->op == BLOCKDEV_FLUSH &&
	     !virtio_has_feature(vb->vdev, VIRTIO_BLK_F_FLUSH)) ||
	    (req->op == BLOCKDEV_DISCARD &&
	     !virtio_has_feature(vb->vdev, VIRTIO_BLK_F_DISCARD)))
		return 0; /* no write cache to flush; discard is a hint */
	/* bufs (4 KiB) is filled by build: zero only what precedes it. */
	r = req_get(vb);
	if (!r)
		return -ENOMEM;
	memset(r, 0, offsetof(struct vblk_req, bufs));
	r->req = req;
	err = build(vb, r);
	if (err) {
		req_put(vb, r);
		return err;
	}
	spin_lock_irqsave(&vb->lock, flags);
	/* Behind those already waiting, so requests keep their order. */
	queued = !list_empty(&vb->pending) || post(vb, r) == -ENOSPC;
	if (queued)
		list_add_tail(&r->link, &vb->pending);
	spin_unlock_irqrestore(&vb->lock, flags);
	if (!queued)
		virtio_queue_kick(vb->vdev, vb->vq);
	return 1;
}

static const struct blockdev_ops vblk_ops = {
	.submit = vblk_submit,
};

static u32 read_blk_size(struct virtio_device *vdev)
{
	u32 size;

	if (!virtio_has_feature(vdev, VIRTIO_BLK_F_BLK_SIZE))
		return VIRTIO_BLK_SECTOR_SIZE;
	size = virtio_config_read32(vdev, VIRTIO_BLK_CFG_BLK_SIZE);
	if (size < VIRTIO_BLK_SECTOR_SIZE || size > 65536 ||
	    (size & (size - 1))) {
		printk(KERN_WARN "%s: block size %u is not a power of 2 in "
				 "512..65536: using 512\n",
		       vdev->name, size);
		return VIRTIO_BLK_SECTOR_SIZE;
	}
	return size;
}

static void read_limits(struct vblk *vb)
{
	struct virtio_device *vdev = vb->vdev;
	/* Without SEG_MAX only the ring limits a chain (header, status). */
	u32 seg_max = vb->vq->num - 2;

	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SEG_MAX)) {
		u32 s = virtio_config_read32(vdev, VIRTIO_BLK_CFG_SEG_MAX);

		if (s)
			seg_max = MIN(seg_max, s);
	}
	vb->seg_max = MIN(seg_max, (u32)(VBLK_MAX_BUFS - 2));
	/* Requests come shaped for the device: a descriptor per buffer. */
	vb->bd.max_segs = vb->seg_max;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SIZE_MAX))
		vb->size_max =
			virtio_config_read32(vdev, VIRTIO_BLK_CFG_SIZE_MAX);
	if (vb->size_max && vb->size_max < VIRTIO_BLK_SECTOR_SIZE)
		vb->size_max = VIRTIO_BLK_SECTOR_SIZE;
	vb->bd.max_seg_bytes = vb->size_max & ~(BLOCKDEV_SECTOR_SIZE - 1);
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_DISCARD)) {
		vb->max_discard_sectors = virtio_config_read32(
			vdev, VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS);
		vb->max_discard_ranges =
			MIN(virtio_config_read32(
				    vdev, VIRTIO_BLK_CFG_MAX_DISCARD_SEG),
			    (u32)VBLK_MAX_DISCARD_RANGES);
		if (!vb->max_discard_sectors || !vb->max_discard_ranges)
			vdev->features &= ~(1ULL << VIRTIO_BLK_F_DISCARD);
	}
}

static int vblk_probe(struct virtio_device *vdev)
{
	struct vblk *vb;
	int err;

	if (disks_named >= 26)
		return -ENOSPC;
	vb = keel_zalloc(sizeof(*vb));
	if (!vb)
		return -ENOMEM;
	vb->vdev = vdev;
	spin_lock_init(&vb->lock);
	list_init(&vb->pending);
	err = virtio_queue_setup(vdev, 0, VBLK_QUEUE_SIZE, vblk_done, vb,
				 &vb->vq);
	if (err) {
		keel_free(vb);
		return err;
	}
	read_limits(vb);
	snprintf(vb->bd.name, sizeof(vb->bd.name), "vd%c", 'a' + disks_named);
	vb->bd.nr_sectors = virtio_config_read64(vdev, VIRTIO_BLK_CFG_CAPACITY);
	vb->bd.block_size = read_blk_size(vdev);
	vb->bd.read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
	vb->bd.kind = "disk";
	vb->bd.ops = &vblk_ops;
	vb->bd.priv = vb;
	vdev->priv = vb;
	virtio_device_ready(vdev);
	err = blockdev_register(&vb->bd);
	if (err) {
		printk(KERN_ERR "%s: %s not registered: %s\n", vdev->name,
		       vb->bd.name, error_name(err));
		keel_free(vb); /* the transport resets the device first */
		return err;
	}
	disks_named++;
	printk(KERN_INFO "virtio-blk: %s: %llu sectors (%llu MiB), %u-byte "
			 "blocks%s%s%s\n",
	       vb->bd.name, (unsigned long long)vb->bd.nr_sectors,
	       (unsigned long long)(vb->bd.nr_sectors >> 11), vb->bd.block_size,
	       vb->bd.read_only ? ", read-only" : "",
	       virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH) ? ", flush" : "",
	       virtio_has_feature(vdev, VIRTIO_BLK_F_DISCARD) ? ", discard" :
								"");
	return 0;
}

static const struct virtio_driver virtio_blk_driver = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = 1ULL << VIRTIO_BLK_F_SIZE_MAX |
		    1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_RO |
		    1ULL << VIRTIO_BLK_F_BLK_SIZE | 1ULL << VIRTIO_BLK_F_FLUSH |
		    1ULL << VIRTIO_BLK_F_DISCARD,
	.probe = vblk_probe,
};
VIRTIO_DRIVER_REGISTER(virtio_blk_driver);
