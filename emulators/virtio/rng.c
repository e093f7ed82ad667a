// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng for guests (VIRTIO 1.2 section 5.4): one queue of
 * device-writable buffers, each filled with bytes from the host's
 * entropy source (keel/entropy.h). A machine without a source refuses
 * the device when the guest is created: predictable bytes handed out as
 * random ones would be worse than no device.
 *
 * The host's source may have to wait for its hardware (a host
 * virtio-rng answers through its interrupt), which the vCPU's exit
 * path must not do under the device lock; so each device has a thread
 * that a notification wakes, and which fills the buffers with the lock
 * dropped.
 */
#include <keel/entropy.h>
#include <keel/errno.h>
#include <keel/printf.h>
#include <keel/sched.h>
#include <keel/virtio.h>

/* Bytes one buffer gets at most: the driver may offer far more. */
#define RNG_MAX_PER_BUFFER 4096U
/* A source failing this many times in a row fails the device. */
#define RNG_SOURCE_TRIES 20
#define RNG_RETRY_MS 10

struct virtio_rng {
	struct virtio_dev *vdev;
	struct thread *worker;
	struct waitqueue wait; /* its lock guards the three flags */
	bool work, stop, stopped;
	u64 bytes; /* handed to the guest; under the instance lock */
	struct virtqueue_chain chain; /* the worker's */
};

/* Fill the chain's writable bytes (up to the cap); the count, or -EIO. */
static int fill_chain(struct virtqueue_chain *chain)
{
	u32 want = MIN(chain->writable, RNG_MAX_PER_BUFFER);
	u32 done = 0;
	unsigned int fails = 0;

	for (unsigned int i = 0; i < chain->nr_segs && done < want; i++) {
		struct virtqueue_seg *s = &chain->segs[i];
		u32 off = 0;

		if (!s->writable)
			continue;
		while (off < s->len && done < want) {
			int n = entropy_read((u8 *)s->host + off,
					     MIN(s->len - off, want - done));

			if (n <= 0) {
				if (++fails >= RNG_SOURCE_TRIES)
					return done ? (int)done : -EIO;
				thread_sleep_ms(RNG_RETRY_MS);
				continue;
			}
			fails = 0;
			off += (u32)n;
			done += (u32)n;
		}
	}
	return (int)done;
}

static void serve_queue(struct virtio_rng *r)
{
	struct devemu_instance *inst = r->vdev->inst;
	unsigned long flags;
	u32 epoch;
	int ret;

	for (;;) {
		spin_lock_irqsave(&inst->lock, flags);
		epoch = r->vdev->queues[0].epoch;
		ret = virtio_dev_pop(r->vdev, 0, &r->chain);
		/*
		 * 5.4.6.2: the driver offers device-writable buffers only,
		 * and the device must put at least one byte in each.
		 */
		if (ret > 0 && (r->chain.readable || !r->chain.writable)) {
			virtio_dev_needs_reset(
				r->vdev, "requestq buffer %u %s", r->chain.head,
				r->chain.readable ? "is device-readable" :
						    "has no bytes to fill");
			ret = 0;
		}
		spin_unlock_irqrestore(&inst->lock, flags);
		if (ret <= 0)
			return;
		ret = fill_chain(&r->chain);
		spin_lock_irqsave(&inst->lock, flags);
		/* Reset meanwhile: the driver has forgotten the buffer. */
		if (r->vdev->queues[0].epoch == epoch) {
			if (ret < 0)
				virtio_dev_needs_reset(r->vdev,
						       "the host's entropy "
						       "source failed");
			else {
				r->bytes += (u32)ret;
				virtio_dev_push(r->vdev, 0, r->chain.head,
						(u32)ret);
			}
		}
		spin_unlock_irqrestore(&inst->lock, flags);
	}
}

static void rng_worker(void *arg)
{
	struct virtio_rng *r = arg;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&r->wait.lock, flags);
		while (!r->work && !r->stop)
			waitqueue_sleep_locked(&r->wait, &flags);
		if (r->stop) {
			r->stopped = true;
			spin_unlock_irqrestore(&r->wait.lock, flags);
			thread_exit();
		}
		r->work = false;
		spin_unlock_irqrestore(&r->wait.lock, flags);
		serve_queue(r);
	}
}

static void rng_queue_notify(struct virtio_dev *vdev, unsigned int q)
{
	struct virtio_rng *r = vdev->priv;
	unsigned long flags;

	(void)q;
	spin_lock_irqsave(&r->wait.lock, flags);
	r->work = true;
	spin_unlock_irqrestore(&r->wait.lock, flags);
	waitqueue_wake_all(&r->wait);
}

static int rng_probe(struct virtio_dev *vdev, const struct devtree_node *node)
{
	struct virtio_rng *r = vdev->priv;
	char name[THREAD_NAME_LEN];
	int err;

	(void)node;
	if (!entropy_source()) {
		devemu_error(vdev->inst,
			     "virtio-rng needs an entropy source and this "
			     "machine has none (no host virtio-rng, no CPU "
			     "random number instruction)");
		return -ENODEV;
	}
	r->vdev = vdev;
	waitqueue_init(&r->wait);
	/* A thread's name is short: the node's may be cut. */
	snprintf(name, sizeof(name), "rng/%.*s", THREAD_NAME_LEN - 5,
		 vdev->inst->name);
	r->worker = thread_create(name, rng_worker, r, THREAD_PRIO_NORMAL,
				  CPU_MASK_ALL);
	if (!r->worker) {
		devemu_error(vdev->inst, "no memory for its thread");
		return -ENOMEM;
	}
	err = thread_start(r->worker);
	if (err) {
		/* Never run: ours to free. */
		thread_reap(r->worker);
		devemu_error(vdev->inst, "its thread did not start (%d)", err);
		return err;
	}
	return 0;
}

static void rng_remove(struct virtio_dev *vdev)
{
	struct virtio_rng *r = vdev->priv;
	unsigned long flags;
	bool stopped = false;

	spin_lock_irqsave(&r->wait.lock, flags);
	r->stop = true;
	spin_unlock_irqrestore(&r->wait.lock, flags);
	waitqueue_wake_all(&r->wait);
	/* The thread uses r until it exits; the scheduler frees it. */
	while (!stopped) {
		spin_lock_irqsave(&r->wait.lock, flags);
		stopped = r->stopped;
		spin_unlock_irqrestore(&r->wait.lock, flags);
		if (!stopped)
			thread_sleep_ms(1);
	}
}

static void rng_describe(struct virtio_dev *vdev, char *buf, size_t size)
{
	struct virtio_rng *r = vdev->priv;
	const struct entropy_source *src = entropy_source();

	snprintf(buf, size, "source %s, %llu bytes given",
		 src ? src->name : "none", (unsigned long long)r->bytes);
}

static const struct virtio_device_model virtio_rng_model = {
	.name = "rng",
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.priv_size = sizeof(struct virtio_rng),
	.probe = rng_probe,
	.remove = rng_remove,
	.queue_notify = rng_queue_notify,
	.describe = rng_describe,
};
VIRTIO_DEVICE_MODEL_REGISTER(virtio_rng_model);
