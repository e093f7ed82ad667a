// SPDX-License-Identifier: GPL-2.0
/*
 * The host's virtio entropy device (VIRTIO 1.2 section 5.4) as Keel's
 * preferred entropy source: a read posts one device-writable buffer on
 * the only queue and sleeps until the device fills it (interrupt, or the
 * transport's polling), giving up after RNG_TIMEOUT_MS with -EIO. One
 * read at a time; a buffer the device never returned stays posted, and
 * reads fail until it comes back.
 */
#include <drivers/virtio.h>
#include <keel/entropy.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/mutex.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <arch/irqflags.h>

#include <hw/virtio_mmio.h>

#define RNG_BUF_SIZE 64
#define RNG_TIMEOUT_MS 1000
/* Above the CPU's own generators: the host's device is the better one. */
#define RNG_PRIORITY 200

struct virtio_rng {
	struct entropy_source src;
	char name[48];
	struct virtio_device *vdev;
	struct host_vq *vq;
	struct mutex read_lock; /* one buffer in flight */
	struct waitqueue wait; /* its lock guards done, got */
	bool posted; /* the buffer is the device's */
	bool done;
	u32 got;
	u8 buf[RNG_BUF_SIZE]; /* heap memory: RAM the device can write */
};

static void rng_done(struct host_vq *vq)
{
	struct virtio_rng *rng = vq->priv;
	unsigned long flags;
	bool woke = false;
	u32 len;

	while (host_vq_get_buf(vq, &len)) {
		spin_lock_irqsave(&rng->wait.lock, flags);
		rng->got = len;
		rng->done = true;
		spin_unlock_irqrestore(&rng->wait.lock, flags);
		woke = true;
	}
	if (woke)
		waitqueue_wake_all(&rng->wait);
}

/* Sleep until the buffer is back or the deadline: whether it is back. */
static bool rng_wait(struct virtio_rng *rng)
{
	u64 deadline = timer_now_ns() + RNG_TIMEOUT_MS * NSEC_PER_MSEC;
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&rng->wait.lock, flags);
	while (!rng->done &&
	       waitqueue_sleep_locked_until(&rng->wait, &flags, deadline))
		;
	done = rng->done;
	spin_unlock_irqrestore(&rng->wait.lock, flags);
	if (done)
		return true;
	/* A lost interrupt: look at the used ring once more ourselves. */
	flags = arch_irq_save();
	rng_done(rng->vq);
	arch_irq_restore(flags);
	return READ_ONCE(rng->done);
}

static int rng_read(struct entropy_source *src, void *buf, size_t size)
{
	struct virtio_rng *rng = src->priv;
	struct host_vq_buf b = { rng->buf, RNG_BUF_SIZE };
	int ret;

	mutex_lock(&rng->read_lock);
	if (!rng->posted) {
		rng->done = false;
		ret = host_vq_add(rng->vq, NULL, 0, &b, 1, rng);
		if (ret)
			goto out;
		rng->posted = true;
		virtio_queue_kick(rng->vdev, rng->vq);
	}
	if (!rng_wait(rng)) {
		printk(KERN_ERR "%s: no answer in %u ms\n", rng->name,
		       RNG_TIMEOUT_MS);
		ret = -EIO;
		goto out;
	}
	rng->posted = false;
	if (!rng->got) {
		ret = -EAGAIN;
		goto out;
	}
	ret = (int)MIN((size_t)rng->got, size);
	memcpy(buf, rng->buf, ret);
	/* What was handed out is not handed out again. */
	memset(rng->buf, 0, sizeof(rng->buf));
out:
	mutex_unlock(&rng->read_lock);
	return ret;
}

static int rng_probe(struct virtio_device *vdev)
{
	const char *unit = strchr(vdev->name, '@');
	struct virtio_rng *rng;
	int err;

	rng = keel_zalloc(sizeof(*rng));
	if (!rng)
		return -ENOMEM;
	snprintf(rng->name, sizeof(rng->name), "virtio-rng%s",
		 unit ? unit : "");
	rng->vdev = vdev;
	rng->read_lock = (struct mutex)MUTEX_INIT(rng->read_lock);
	waitqueue_init(&rng->wait);
	err = virtio_queue_setup(vdev, 0, 8, rng_done, rng, &rng->vq);
	if (err) {
		keel_free(rng);
		return err;
	}
	vdev->priv = rng;
	virtio_device_ready(vdev);
	rng->src.name = rng->name;
	rng->src.priority = RNG_PRIORITY;
	rng->src.read = rng_read;
	rng->src.priv = rng;
	err = entropy_register(&rng->src);
	if (err)
		keel_free(rng); /* the transport resets the device */
	return err;
}

static const struct virtio_driver virtio_rng_driver = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.features = 0,
	.probe = rng_probe,
};
VIRTIO_DRIVER_REGISTER(virtio_rng_driver);
