// SPDX-License-Identifier: GPL-2.0
/*
 * Block devices: the registry, claims, request checks and accounting,
 * synchronous reads and writes, partitions (MBR, GPT) and disks over
 * boot-bundle files. See include/keel/blockdev.h.
 */
#include <keel/blockdev.h>
#include <keel/bundle.h>
#include <keel/crc32.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/mutex.h>
#include <keel/page_alloc.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/timer.h>

#define MAX_BLOCK_SIZE 65536U
#define SCAN_OWNER "partition scan"
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))

static LIST_HEAD(devices);
static DEFINE_MUTEX(registry);
/* Partition scans handed to threads and not finished yet. */
static unsigned int scans_pending;
static struct waitqueue scans_done = WAITQUEUE_INIT(scans_done);

/* Registry */

bool blockdev_name_valid(const char *name)
{
	size_t len = strnlen(name, BLOCKDEV_NAME_LEN);

	if (len == 0 || len == BLOCKDEV_NAME_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

static struct blockdev *find_locked(const char *name)
{
	struct blockdev *bd;

	list_for_each_entry(bd, &devices, link) {
		if (!strcmp(bd->name, name))
			return bd;
	}
	return NULL;
}

/* Whether this thread may sleep until a queued request completes. */
static bool can_wait(void)
{
	struct thread *self = thread_current();

	return self && !self->is_idle;
}

static bool is_disk(const struct blockdev *bd)
{
	return bd->kind && !strcmp(bd->kind, "disk");
}

static void scan_finished(void)
{
	unsigned long flags;

	bool last;

	spin_lock_irqsave(&scans_done.lock, flags);
	last = !--scans_pending;
	spin_unlock_irqrestore(&scans_done.lock, flags);
	if (last) /* it takes the lock itself */
		waitqueue_wake_all(&scans_done);
}

static void scan_thread(void *arg)
{
	struct blockdev *bd = arg;

	blockdev_scan_partitions(bd);
	blockdev_release(bd, false); /* the claim register took for us */
	scan_finished();
}

void blockdev_wait_scans(void)
{
	unsigned long flags;

	spin_lock_irqsave(&scans_done.lock, flags);
	while (scans_pending)
		waitqueue_sleep_locked(&scans_done, &flags);
	spin_unlock_irqrestore(&scans_done.lock, flags);
}

/*
 * A driver's probe at boot runs on the idle thread, which must not sleep
 * (and interrupts are still off): hand the scan to a thread, holding a
 * shared claim so that the disk stays until it has run.
 */
static void scan_later(struct blockdev *bd)
{
	unsigned long flags;
	struct thread *t;
	char why[64];

	if (blockdev_claim(bd, SCAN_OWNER, false, why, sizeof(why))) {
		printk(KERN_WARN "blockdev: %s: partitions not scanned: %s\n",
		       bd->name, why);
		return;
	}
	/* Counted before it can run, so that it never finishes uncounted. */
	spin_lock_irqsave(&scans_done.lock, flags);
	scans_pending++;
	spin_unlock_irqrestore(&scans_done.lock, flags);
	t = thread_create("blockdev-scan", scan_thread, bd, THREAD_PRIO_NORMAL,
			  CPU_MASK_ALL);
	if (!t || thread_start(t)) {
		printk(KERN_ERR "blockdev: %s: partitions not scanned: "
				"no thread for the scan\n",
		       bd->name);
		blockdev_release(bd, false);
		scan_finished();
	}
}

int blockdev_register(struct blockdev *bd)
{
	u32 bs = bd->block_size;

	if (!blockdev_name_valid(bd->name) || !bd->ops || !bd->ops->submit ||
	    !bd->kind)
		return -EINVAL;
	if (bs < BLOCKDEV_SECTOR_SIZE || bs > MAX_BLOCK_SIZE || (bs & (bs - 1)))
		return -EINVAL;
	if (!bd->nr_sectors || bd->nr_sectors % (bs / BLOCKDEV_SECTOR_SIZE))
		return -EINVAL;
	if (bd->nr_sectors > ~0ULL / BLOCKDEV_SECTOR_SIZE)
		return -EINVAL; /* its size in bytes must fit 64 bits */
	if (bd->max_seg_bytes && bd->max_seg_bytes < BLOCKDEV_SECTOR_SIZE)
		return -EINVAL; /* no request could move a sector */

	mutex_lock(&registry);
	if (find_locked(bd->name)) {
		mutex_unlock(&registry);
		return -EEXIST;
	}
	spin_lock_init(&bd->lock);
	bd->owner = NULL;
	bd->users = 0;
	memset(&bd->stats, 0, sizeof(bd->stats));
	list_add_tail(&bd->link, &devices);
	mutex_unlock(&registry);

	if (is_disk(bd)) {
		if (!can_wait())
			scan_later(bd);
		else
			blockdev_scan_partitions(bd);
	}
	return 0;
}

unsigned int blockdev_max_segs(const struct blockdev *bd)
{
	return bd->max_segs && bd->max_segs < BLOCKDEV_MAX_SEGS ?
		       bd->max_segs :
		       BLOCKDEV_MAX_SEGS;
}

u32 blockdev_max_seg_bytes(const struct blockdev *bd)
{
	return bd->max_seg_bytes ? bd->max_seg_bytes : ~0U;
}

static bool has_users(const struct blockdev *bd)
{
	return bd->users || bd->owner;
}

int blockdev_unregister(struct blockdev *bd)
{
	struct blockdev *p, *n;
	LIST_HEAD(gone);

	mutex_lock(&registry);
	if (has_users(bd)) {
		mutex_unlock(&registry);
		return -EBUSY;
	}
	list_for_each_entry(p, &devices, link) {
		if (p->parent == bd && has_users(p)) {
			mutex_unlock(&registry);
			return -EBUSY;
		}
	}
	list_for_each_entry_safe(p, n, &devices, link) {
		if (p->parent == bd) {
			list_del(&p->link);
			list_add_tail(&p->link, &gone);
		}
	}
	list_del(&bd->link);
	mutex_unlock(&registry);

	list_for_each_entry_safe(p, n, &gone, link) {
		list_del(&p->link);
		if (p->ops->release)
			p->ops->release(p);
	}
	if (bd->ops->release)
		bd->ops->release(bd);
	return 0;
}

struct blockdev *blockdev_find(const char *name)
{
	struct blockdev *bd;

	mutex_lock(&registry);
	bd = find_locked(name);
	mutex_unlock(&registry);
	return bd;
}

int blockdev_for_each(int (*fn)(struct blockdev *bd, void *arg), void *arg)
{
	struct blockdev *bd;
	int ret = 0;

	mutex_lock(&registry);
	list_for_each_entry(bd, &devices, link) {
		ret = fn(bd, arg);
		if (ret)
			break;
	}
	mutex_unlock(&registry);
	return ret;
}

/* Claims */

/* Why d stands in the way of a claim (exclusive or not), or false. */
static bool conflict(const struct blockdev *d, bool exclusive, char *why,
		     size_t why_size)
{
	if (d->owner) {
		snprintf(why, why_size, "%s is in use by %s", d->name,
			 d->owner);
		return true;
	}
	if (exclusive && d->users) {
		snprintf(why, why_size, "%s is in use by %u shared user%s",
			 d->name, d->users, d->users == 1 ? "" : "s");
		return true;
	}
	return false;
}

int blockdev_claim(struct blockdev *bd, const char *owner, bool exclusive,
		   char *why, size_t why_size)
{
	struct blockdev *p;
	bool busy = false;

	mutex_lock(&registry);
	/* The device, the disk it is part of, the partitions it holds. */
	busy = conflict(bd, exclusive, why, why_size) ||
	       (bd->parent && conflict(bd->parent, exclusive, why, why_size));
	if (!busy) {
		list_for_each_entry(p, &devices, link) {
			if (p->parent == bd &&
			    conflict(p, exclusive, why, why_size)) {
				busy = true;
				break;
			}
		}
	}
	if (!busy) {
		bd->users++;
		if (exclusive)
			bd->owner = owner;
	}
	mutex_unlock(&registry);
	return busy ? -EBUSY : 0;
}

void blockdev_release(struct blockdev *bd, bool exclusive)
{
	mutex_lock(&registry);
	if (bd->users)
		bd->users--;
	if (exclusive)
		bd->owner = NULL;
	mutex_unlock(&registry);
}

/* Requests */

static void account(struct blockdev *bd, const struct blockdev_request *req,
		    u64 bytes, int status)
{
	for (; bd; bd = bd->parent) {
		struct blockdev_stats *st = &bd->stats;
		unsigned long flags;

		spin_lock_irqsave(&bd->lock, flags);
		if (status) {
			st->errors++;
		} else if (req->op == BLOCKDEV_READ) {
			st->reads++;
			st->read_bytes += bytes;
		} else if (req->op == BLOCKDEV_WRITE) {
			st->writes++;
			st->written_bytes += bytes;
		} else if (req->op == BLOCKDEV_FLUSH) {
			st->flushes++;
		} else {
			st->discards++;
		}
		spin_unlock_irqrestore(&bd->lock, flags);
	}
}

/* The checks of blockdev_submit; sets nr_sectors for reads and writes. */
static int check_request(const struct blockdev *bd,
			 struct blockdev_request *req)
{
	u64 block_sectors = bd->block_size / BLOCKDEV_SECTOR_SIZE;
	u64 bytes = 0;

	if (!req->done)
		return -EINVAL;
	switch (req->op) {
	case BLOCKDEV_READ:
	case BLOCKDEV_WRITE:
		if (req->nr_segs == 0 || req->nr_segs > blockdev_max_segs(bd))
			return -EINVAL;
		for (unsigned int i = 0; i < req->nr_segs; i++) {
			if (req->segs[i].len % BLOCKDEV_SECTOR_SIZE ||
			    req->segs[i].len > blockdev_max_seg_bytes(bd) ||
			    !req->segs[i].buf)
				return -EINVAL;
			/* 256 x 4 GiB: no overflow */
			bytes += req->segs[i].len;
		}
		if (!bytes)
			return -EINVAL;
		req->nr_sectors = bytes / BLOCKDEV_SECTOR_SIZE;
		break;
	case BLOCKDEV_DISCARD:
		if (!req->nr_sectors)
			return -EINVAL;
		break;
	case BLOCKDEV_FLUSH:
		return 0;
	default:
		return -EINVAL;
	}
	if (req->op != BLOCKDEV_READ && bd->read_only)
		return -EROFS;
	if (req->nr_sectors > bd->nr_sectors ||
	    req->sector > bd->nr_sectors - req->nr_sectors)
		return -ERANGE;
	if (req->sector % block_sectors || req->nr_sectors % block_sectors)
		return -EINVAL;
	return 0;
}

static u64 request_bytes(const struct blockdev_request *req)
{
	if (req->op == BLOCKDEV_READ || req->op == BLOCKDEV_WRITE)
		return req->nr_sectors * BLOCKDEV_SECTOR_SIZE;
	return 0;
}

/* Every queued request ends here: undo what submit changed, count, pass on. */
static void request_done(struct blockdev_request *req, int status)
{
	req->sector = req->user_sector;
	req->done = req->user_done;
	if (status)
		account(req->bd, req, 0, status);
	req->done(req, status);
}

int blockdev_submit(struct blockdev *bd, struct blockdev_request *req)
{
	int ret = check_request(bd, req);

	if (ret) {
		account(bd, req, 0, ret);
		return ret;
	}
	/*
	 * Count it before the provider sees it: once queued, the request
	 * may be completed (and reused) on another CPU before submit
	 * returns here.
	 */
	account(bd, req, request_bytes(req), 0);
	req->bd = bd;
	req->user_sector = req->sector;
	req->user_done = req->done;
	req->done = request_done;
	ret = bd->ops->submit(bd, req);
	if (ret == 1)
		return 1;
	req->sector = req->user_sector;
	req->done = req->user_done;
	if (ret > 1)
		ret = -EIO; /* a provider's bug: no such answer */
	if (ret)
		account(bd, req, 0, ret);
	return ret;
}

/* Synchronous requests */

struct sync_request {
	struct blockdev_request req;
	struct waitqueue wq; /* its lock guards the fields below */
	bool done;
	int status;
	unsigned int refs; /* the waiter's and the provider's */
	u8 bounce[];
};

static void sync_put(struct sync_request *s)
{
	unsigned long flags;
	bool last;

	spin_lock_irqsave(&s->wq.lock, flags);
	last = --s->refs == 0;
	spin_unlock_irqrestore(&s->wq.lock, flags);
	if (last)
		keel_free(s);
}

static void sync_done(struct blockdev_request *req, int status)
{
	struct sync_request *s = container_of(req, struct sync_request, req);
	unsigned long flags;

	spin_lock_irqsave(&s->wq.lock, flags);
	s->status = status;
	s->done = true;
	spin_unlock_irqrestore(&s->wq.lock, flags);
	waitqueue_wake_all(&s->wq);
	sync_put(s);
}

static int sync_io(struct blockdev *bd, enum blockdev_op op, u64 sector,
		   void *buf, u32 len)
{
	struct sync_request *s;
	unsigned long flags;
	u64 deadline;
	u32 piece;
	int ret;

	if (!len)
		return -EINVAL;
	if (!can_wait())
		return -EAGAIN; /* it could not wait for a queued request */
	s = keel_zalloc(sizeof(*s) + len);
	if (!s)
		return -ENOMEM;
	waitqueue_init(&s->wq);
	s->refs = 2;
	s->req.op = op;
	s->req.sector = sector;
	/* One bounce buffer, in as many pieces as the device wants. */
	piece = blockdev_max_seg_bytes(bd) & ~(BLOCKDEV_SECTOR_SIZE - 1);
	for (u32 off = 0; off < len; off += piece) {
		if (!piece || s->req.nr_segs == BLOCKDEV_MAX_SEGS) {
			keel_free(s);
			return -EINVAL;
		}
		s->req.segs[s->req.nr_segs].buf = s->bounce + off;
		s->req.segs[s->req.nr_segs].len = MIN(piece, len - off);
		s->req.nr_segs++;
	}
	s->req.done = sync_done;
	if (op == BLOCKDEV_WRITE)
		memcpy(s->bounce, buf, len);

	ret = blockdev_submit(bd, &s->req);
	if (ret == 1) {
		deadline =
			timer_add_ns(timer_now_ns(),
				     BLOCKDEV_SYNC_TIMEOUT_MS * NSEC_PER_MSEC);
		spin_lock_irqsave(&s->wq.lock, flags);
		while (!s->done && timer_now_ns() < deadline)
			waitqueue_sleep_locked_until(&s->wq, &flags, deadline);
		ret = s->done ? s->status : -ETIMEDOUT;
		spin_unlock_irqrestore(&s->wq.lock, flags);
		if (ret == -ETIMEDOUT)
			printk(KERN_WARN "blockdev: %s: %s of sector %llu not "
					 "done after %u ms: given up\n",
			       bd->name, op == BLOCKDEV_READ ? "read" : "write",
			       (unsigned long long)sector,
			       BLOCKDEV_SYNC_TIMEOUT_MS);
	} else {
		s->refs = 1; /* done will not be called */
	}
	if (ret == 0 && op == BLOCKDEV_READ)
		memcpy(buf, s->bounce, len);
	sync_put(s);
	return ret;
}

int blockdev_read(struct blockdev *bd, u64 sector, void *buf, u32 len)
{
	return sync_io(bd, BLOCKDEV_READ, sector, buf, len);
}

int blockdev_write(struct blockdev *bd, u64 sector, const void *buf, u32 len)
{
	return sync_io(bd, BLOCKDEV_WRITE, sector, (void *)buf, len);
}

/* Partitions */

static int partition_submit(struct blockdev *bd, struct blockdev_request *req)
{
	/* Checked against the partition, hence inside the disk. */
	req->sector += bd->start;
	return bd->parent->ops->submit(bd->parent, req);
}

static void partition_release(struct blockdev *bd)
{
	keel_free(bd);
}

static const struct blockdev_ops partition_ops = {
	.submit = partition_submit,
	.release = partition_release,
};

struct scan {
	struct blockdev *disk;
	u32 lba_size; /* tables count in logical blocks */
	u64 nr_lbas;
	unsigned int found;
	/* Accepted so far, to refuse overlaps: first and last LBA. */
	u64 first[128], last[128];
	unsigned int nr;
};

static u16 get_le16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static u32 get_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 get_le64(const u8 *p)
{
	return get_le32(p) | (u64)get_le32(p + 4) << 32;
}

/* Register entry index (0-based) at [first, last] in LBAs, or log why not. */
static void add_partition(struct scan *sc, unsigned int index, u64 first,
			  u64 last)
{
	struct blockdev *disk = sc->disk, *p;
	size_t len = strlen(disk->name);
	bool digit =
		len && disk->name[len - 1] >= '0' && disk->name[len - 1] <= '9';
	u64 per_lba = sc->lba_size / BLOCKDEV_SECTOR_SIZE;
	char name[BLOCKDEV_NAME_LEN + 8];
	int err;

	snprintf(name, sizeof(name), "%s%s%u", disk->name, digit ? "p" : "",
		 index + 1);
	if (first == 0 || first > last || last >= sc->nr_lbas) {
		printk(KERN_WARN
		       "blockdev: %s: partition %u (blocks %llu-%llu) "
		       "does not fit the disk (%llu blocks): refused\n",
		       disk->name, index + 1, (unsigned long long)first,
		       (unsigned long long)last,
		       (unsigned long long)sc->nr_lbas);
		return;
	}
	for (unsigned int i = 0; i < sc->nr; i++) {
		if (first <= sc->last[i] && sc->first[i] <= last) {
			printk(KERN_WARN "blockdev: %s: partition %u overlaps "
					 "an earlier one: refused\n",
			       disk->name, index + 1);
			return;
		}
	}
	if (strlen(name) >= BLOCKDEV_NAME_LEN ||
	    sc->nr == ARRAY_SIZE(sc->first)) {
		printk(KERN_WARN "blockdev: %s: partition %u: no name or room "
				 "for it: refused\n",
		       disk->name, index + 1);
		return;
	}
	p = keel_zalloc(sizeof(*p));
	if (!p) {
		printk(KERN_ERR "blockdev: %s: partition %u: out of memory\n",
		       disk->name, index + 1);
		return;
	}
	strlcpy(p->name, name, sizeof(p->name));
	p->nr_sectors = (last - first + 1) * per_lba;
	p->block_size = disk->block_size;
	p->read_only = disk->read_only;
	p->max_segs = disk->max_segs;
	p->max_seg_bytes = disk->max_seg_bytes;
	p->kind = "partition";
	p->ops = &partition_ops;
	p->parent = disk;
	p->start = first * per_lba;
	err = blockdev_register(p);
	if (err) {
		printk(KERN_WARN
		       "blockdev: %s: partition %u: %s not registered "
		       "(%s)\n",
		       disk->name, index + 1, name, error_name(err));
		keel_free(p);
		return;
	}
	sc->first[sc->nr] = first;
	sc->last[sc->nr] = last;
	sc->nr++;
	sc->found++;
}

/* UEFI 2.10, 5.3.2: the GPT header. */
#define GPT_SIGNATURE "EFI PART"
#define GPT_HEADER_MIN 92
#define GPT_ENTRY_MIN 128
#define GPT_MAX_ARRAY (1U << 20) /* 8192 entries of 128 bytes */

static const char *scan_gpt(struct scan *sc, u8 *block)
{
	u32 header_size, header_crc, nr_entries, entry_size, array_crc;
	u64 array_lba, array_lbas;
	u32 array_bytes;
	u8 *array;
	int err;

	err = blockdev_read(sc->disk, sc->lba_size / BLOCKDEV_SECTOR_SIZE,
			    block, sc->lba_size);
	if (err)
		return "the GPT header cannot be read";
	if (memcmp(block, GPT_SIGNATURE, 8))
		return "no GPT header (signature) behind the protective MBR";
	header_size = get_le32(block + 12);
	if (header_size < GPT_HEADER_MIN || header_size > sc->lba_size)
		return "the GPT header has a bad size";
	header_crc = get_le32(block + 16);
	memset(block + 16, 0, 4);
	if (crc32(0, block, header_size) != header_crc)
		return "the GPT header's CRC32 does not match";
	if (get_le64(block + 24) != 1)
		return "the GPT header does not say it is at block 1";
	array_lba = get_le64(block + 72);
	nr_entries = get_le32(block + 80);
	entry_size = get_le32(block + 84);
	array_crc = get_le32(block + 88);
	if (entry_size < GPT_ENTRY_MIN || entry_size % GPT_ENTRY_MIN ||
	    (entry_size & (entry_size - 1)))
		return "the GPT entry size is not 128 x 2^n";
	if (!nr_entries || nr_entries > GPT_MAX_ARRAY / entry_size)
		return "the GPT entry count is 0 or too large";
	array_bytes = ALIGN_UP(nr_entries * entry_size, sc->lba_size);
	array_lbas = array_bytes / sc->lba_size;
	if (array_lba < 2 || array_lba >= sc->nr_lbas ||
	    array_lbas > sc->nr_lbas - array_lba)
		return "the GPT entry array lies outside the disk";
	array = keel_malloc(array_bytes);
	if (!array)
		return "out of memory for the GPT entry array";
	err = blockdev_read(sc->disk,
			    array_lba * (sc->lba_size / BLOCKDEV_SECTOR_SIZE),
			    array, array_bytes);
	if (err) {
		keel_free(array);
		return "the GPT entry array cannot be read";
	}
	if (crc32(0, array, nr_entries * entry_size) != array_crc) {
		keel_free(array);
		return "the GPT entry array's CRC32 does not match";
	}
	for (u32 i = 0; i < nr_entries; i++) {
		const u8 *e = array + (size_t)i * entry_size;
		static const u8 unused[16];

		if (!memcmp(e, unused, 16))
			continue; /* the type GUID of an unused entry */
		add_partition(sc, i, get_le64(e + 32), get_le64(e + 40));
	}
	keel_free(array);
	return NULL;
}

/* The classic table in the first block (4 entries at byte 446). */
#define MBR_TABLE 446
#define MBR_TYPE_GPT 0xee

static bool mbr_extended(u8 type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

static const char *scan_mbr(struct scan *sc, u8 *block, bool *gpt)
{
	*gpt = false;
	if (get_le16(block + 510) != 0xaa55)
		return NULL; /* no table at all: a disk without partitions */
	for (unsigned int i = 0; i < 4; i++) {
		const u8 *e = block + MBR_TABLE + 16 * i;

		/* Like Linux: a boot sector that is not a table. */
		if (e[0] != 0 && e[0] != 0x80)
			return NULL;
		if (e[4] == MBR_TYPE_GPT)
			*gpt = true;
	}
	if (*gpt)
		return NULL;
	for (unsigned int i = 0; i < 4; i++) {
		const u8 *e = block + MBR_TABLE + 16 * i;
		u32 start = get_le32(e + 8), count = get_le32(e + 12);

		if (!e[4] || !count)
			continue;
		if (mbr_extended(e[4])) {
			printk(KERN_INFO "blockdev: %s: extended partition %u "
					 "(type 0x%02x) skipped: logical "
					 "partitions are not supported\n",
			       sc->disk->name, i + 1, e[4]);
			continue;
		}
		add_partition(sc, i, start, (u64)start + count - 1);
	}
	return NULL;
}

int blockdev_scan_partitions(struct blockdev *bd)
{
	struct scan *sc;
	struct blockdev *p;
	const char *why = NULL;
	char busy[64];
	bool gpt;
	u8 *block;
	int err;

	if (bd->parent)
		return -EINVAL;
	mutex_lock(&registry);
	list_for_each_entry(p, &devices, link) {
		if (p->parent == bd) {
			mutex_unlock(&registry);
			return -EEXIST;
		}
	}
	mutex_unlock(&registry);
	/* Shared: the scan only reads, and the disk stays while it does. */
	err = blockdev_claim(bd, SCAN_OWNER, false, busy, sizeof(busy));
	if (err) {
		printk(KERN_WARN "blockdev: %s: partitions not scanned: %s\n",
		       bd->name, busy);
		return err;
	}
	sc = keel_zalloc(sizeof(*sc));
	block = keel_malloc(bd->block_size);
	if (!sc || !block) {
		err = -ENOMEM;
		goto out;
	}
	sc->disk = bd;
	sc->lba_size = bd->block_size;
	sc->nr_lbas = bd->nr_sectors / (bd->block_size / BLOCKDEV_SECTOR_SIZE);
	err = blockdev_read(bd, 0, block, bd->block_size);
	if (err) {
		printk(KERN_WARN "blockdev: %s: partitions not scanned: block "
				 "0 cannot be read (%s)\n",
		       bd->name, error_name(err));
		goto out;
	}
	why = scan_mbr(sc, block, &gpt);
	if (gpt)
		why = scan_gpt(sc, block);
	if (why)
		printk(KERN_WARN "blockdev: %s: %s: no partitions\n", bd->name,
		       why);
	else if (sc->found)
		printk(KERN_INFO "blockdev: %s: %u partition%s (%s)\n",
		       bd->name, sc->found, sc->found == 1 ? "" : "s",
		       gpt ? "GPT" : "MBR");
	err = sc->found;
out:
	keel_free(block);
	keel_free(sc);
	blockdev_release(bd, false);
	return err;
}

/* Disks over boot-bundle files */

/*
 * Written chunks are whole pages: from the heap, a 4 KiB block would take
 * two (its header does not fit in one).
 */
_Static_assert(BLOCKDEV_BUNDLE_CHUNK == PAGE_SIZE, "a chunk is one page");

/* A chunk that was discarded: it reads as zeroes and has no memory. */
static u8 discarded_chunk;
#define DISCARDED (&discarded_chunk)

struct bundle_disk {
	struct blockdev bd;
	const u8 *data; /* the file, never written */
	size_t size;
	u64 nr_chunks;
	u8 **chunks; /* NULL: the file's bytes; DISCARDED; or a copy */
	spinlock_t lock; /* the chunk table */
};

/* The file's bytes of [off, off + len) and zeroes past its end. */
static void copy_original(const struct bundle_disk *d, u8 *dst, u64 off,
			  u32 len)
{
	u32 n = off < d->size ?
			(u32)(d->size - off < len ? d->size - off : len) :
			0;

	if (n)
		memcpy(dst, d->data + off, n);
	memset(dst + n, 0, len - n);
}

static int bundle_rw(struct bundle_disk *d, bool write, u64 off, u8 *buf,
		     u32 len)
{
	while (len) {
		u64 c = off / BLOCKDEV_BUNDLE_CHUNK;
		u32 in = off % BLOCKDEV_BUNDLE_CHUNK;
		u32 n = BLOCKDEV_BUNDLE_CHUNK - in < len ?
				BLOCKDEV_BUNDLE_CHUNK - in :
				len;
		u8 *chunk = d->chunks[c];

		if (write && (!chunk || chunk == DISCARDED)) {
			u8 *copy = page_alloc(0);

			if (!copy)
				return -ENOMEM;
			if (chunk == DISCARDED)
				memset(copy, 0, BLOCKDEV_BUNDLE_CHUNK);
			else if (n != BLOCKDEV_BUNDLE_CHUNK)
				copy_original(d, copy,
					      c * BLOCKDEV_BUNDLE_CHUNK,
					      BLOCKDEV_BUNDLE_CHUNK);
			d->chunks[c] = chunk = copy;
		}
		if (write)
			memcpy(chunk + in, buf, n);
		else if (chunk == DISCARDED)
			memset(buf, 0, n);
		else if (chunk)
			memcpy(buf, chunk + in, n);
		else
			copy_original(d, buf, off, n);
		off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static void bundle_discard(struct bundle_disk *d, u64 off, u64 len)
{
	/* Whole chunks only; partial ones keep their data. */
	u64 first = DIV_ROUND_UP(off, BLOCKDEV_BUNDLE_CHUNK);
	u64 end = (off + len) / BLOCKDEV_BUNDLE_CHUNK;

	/* The last chunk ends at the disk's end even when that is short. */
	if (off + len == d->bd.nr_sectors * BLOCKDEV_SECTOR_SIZE)
		end = d->nr_chunks;
	for (u64 c = first; c < end; c++) {
		if (d->chunks[c] && d->chunks[c] != DISCARDED)
			page_free(d->chunks[c], 0);
		d->chunks[c] = DISCARDED;
	}
}

static int bundle_submit(struct blockdev *bd, struct blockdev_request *req)
{
	struct bundle_disk *d = container_of(bd, struct bundle_disk, bd);
	u64 off = req->sector * BLOCKDEV_SECTOR_SIZE;
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&d->lock, flags);
	switch (req->op) {
	case BLOCKDEV_READ:
	case BLOCKDEV_WRITE:
		for (unsigned int i = 0; i < req->nr_segs && !err; i++) {
			err = bundle_rw(d, req->op == BLOCKDEV_WRITE, off,
					req->segs[i].buf, req->segs[i].len);
			off += req->segs[i].len;
		}
		break;
	case BLOCKDEV_DISCARD:
		bundle_discard(d, off, req->nr_sectors * BLOCKDEV_SECTOR_SIZE);
		break;
	case BLOCKDEV_FLUSH:
		break; /* RAM: written is kept */
	}
	spin_unlock_irqrestore(&d->lock, flags);
	return err;
}

static void bundle_release(struct blockdev *bd)
{
	struct bundle_disk *d = container_of(bd, struct bundle_disk, bd);

	for (u64 c = 0; c < d->nr_chunks; c++) {
		if (d->chunks[c] && d->chunks[c] != DISCARDED)
			page_free(d->chunks[c], 0);
	}
	keel_free(d->chunks);
	keel_free(d);
}

static const struct blockdev_ops bundle_ops = {
	.submit = bundle_submit,
	.release = bundle_release,
};

int blockdev_create_bundle(const char *file, const char *name, bool read_only,
			   struct blockdev **out)
{
	struct bundle_file f;
	struct bundle_disk *d;
	int err;

	err = bundle_find(file, &f);
	if (err)
		return err;
	if (!f.size)
		return -EINVAL;
	d = keel_zalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->data = f.data;
	d->size = f.size;
	d->bd.nr_sectors = DIV_ROUND_UP((u64)f.size, BLOCKDEV_SECTOR_SIZE);
	d->nr_chunks = DIV_ROUND_UP(d->bd.nr_sectors * BLOCKDEV_SECTOR_SIZE,
				    BLOCKDEV_BUNDLE_CHUNK);
	d->chunks = keel_calloc(d->nr_chunks, sizeof(*d->chunks));
	if (!d->chunks) {
		keel_free(d);
		return -ENOMEM;
	}
	spin_lock_init(&d->lock);
	if (strlen(name) >= sizeof(d->bd.name)) {
		err = -EINVAL;
		goto fail;
	}
	strlcpy(d->bd.name, name, sizeof(d->bd.name));
	d->bd.block_size = BLOCKDEV_SECTOR_SIZE;
	d->bd.read_only = read_only;
	d->bd.kind = "bundle";
	d->bd.ops = &bundle_ops;
	d->bd.priv = d;
	err = blockdev_register(&d->bd);
	if (err)
		goto fail;
	if (out)
		*out = &d->bd;
	return 0;
fail:
	keel_free(d->chunks);
	keel_free(d);
	return err;
}
