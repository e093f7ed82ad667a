// SPDX-License-Identifier: GPL-2.0
/*
 * The guests' virtio-blk (emulators/virtio/blk.c) behind the real virtio
 * core, virtio-mmio transport and block device layer (core/blockdev.c),
 * driven by the tests' virtio driver (host/virtio_driver.h) over fake
 * guest RAM. The disks are the tests' RAM disks (host/ram_disk.h), which
 * complete a request at once, queue it until the test completes it (a
 * host disk answering from its interrupt), or fail it; and a boot-bundle
 * file.
 * VIRTIO 1.2 section 5.2 says what is right.
 */
#include "unit.h"
#include <sanitizer/lsan_interface.h>
#include <stdlib.h>
#include <string.h>

#include <hw/virtio_blk.h>
#include <hw/virtio_mmio.h>
#include <keel/blockdev.h>
#include <keel/bundle.h>
#include <keel/errno.h>
#include <keel/mutex.h>
#include <keel/page_alloc.h>
#include <keel/sched.h>

#include "host/fake_mutex.h"
#include "host/ram_disk.h"
#include "host/virtio_driver.h"

/* ---- what core/blockdev.c needs from the rest of Keel ---- */

/* Only a "disk" is scanned in a thread: the test's disks are not. */
struct thread *thread_create(const char *name, thread_fn fn, void *arg,
			     unsigned int prio, u64 affinity)
{
	CHECK(!"no thread expected");
	return NULL;
}

int thread_start(struct thread *t)
{
	return -EINVAL;
}

void waitqueue_init(struct waitqueue *wq)
{
	spin_lock_init(&wq->lock);
	list_init(&wq->waiters);
}

void waitqueue_wake_all(struct waitqueue *wq)
{
}

void waitqueue_sleep_locked(struct waitqueue *wq, unsigned long *flags)
{
	CHECK(!"nothing here sleeps");
}

bool waitqueue_sleep_locked_until(struct waitqueue *wq, unsigned long *flags,
				  u64 deadline_ns)
{
	CHECK(!"nothing here sleeps");
	return false;
}

const char *error_name(int err)
{
	return err ? "E(error)" : "OK";
}

static long pages_out;

void *page_alloc(unsigned int order)
{
	CHECK_EQ(order, 0);
	pages_out++;
	return aligned_alloc(PAGE_SIZE, PAGE_SIZE);
}

void page_free(void *va, unsigned int order)
{
	pages_out--;
	free(va);
}

static u8 bundle_image[3 * BLOCKDEV_BUNDLE_CHUNK];

int bundle_find(const char *name, struct bundle_file *out)
{
	if (!name || strcmp(name, "disk.img"))
		return -ENOENT;
	out->name = "disk.img";
	out->data = bundle_image;
	out->size = sizeof(bundle_image);
	return 0;
}

/*
 * remove() waits for requests still with the disk: time passes, the
 * disk's interrupt comes (sleep_completes) or does not.
 */
static unsigned int sleeps;
static void (*sleep_completes)(void);

void thread_sleep_ms(u64 ms)
{
	sleeps++;
	if (sleep_completes)
		sleep_completes();
	else if (sleeps > 1000)
		abort(); /* remove() would wait for ever */
}

/* ---- the RAM disk ---- */

#define DISK_SECTORS 8192 /* 4 MiB */

static struct ram_disk disk;

static u8 pattern(u64 off)
{
	return (u8)(off * 7 + off / 512);
}

static void disk_new(const char *name, u32 block_size, bool read_only)
{
	ram_init(&disk, name, "ram", DISK_SECTORS, block_size);
	disk.bd.read_only = read_only;
	for (u64 i = 0; i < DISK_SECTORS * BLOCKDEV_SECTOR_SIZE; i++)
		disk.data[i] = pattern(i);
	CHECK_EQ(blockdev_register(&disk.bd), 0);
}

static void disk_gone(void)
{
	CHECK_EQ(blockdev_unregister(&disk.bd), 0);
	ram_free(&disk);
}

static bool disk_has_pattern(u64 off, u32 len)
{
	for (u32 i = 0; i < len; i++)
		if (disk.data[off + i] != pattern(off + i))
			return false;
	return true;
}

/* ---- the guest: its RAM, the device and its driver ---- */

#define RAM VDRV_RAM
#define RAM_SIZE VDRV_RAM_MAX
#define BASE 0x0a000000ULL
#define IRQ 48
#define NODE "virtio@a000000"
#define QSIZE 128
/* Rings at RAM (0x4000 per queue), then indirect tables, then buffers. */
#define IND (RAM + 0x10000)
#define RD_AT (RAM + 0x20000) /* readable bytes: header, out data */
#define RD_MAX 0x220000U
#define WR_AT (RAM + 0x240000) /* writable bytes: in data, status */
#define WR_MAX 0x1c0000U

#define gpa vdrv_gpa

#define F_V1 BIT_ULL(VIRTIO_F_VERSION_1)
#define F_INDIRECT BIT_ULL(VIRTIO_F_INDIRECT_DESC)
#define F_EVENT_IDX BIT_ULL(VIRTIO_F_EVENT_IDX)
#define F_BLK                                                             \
	(BIT_ULL(VIRTIO_BLK_F_SIZE_MAX) | BIT_ULL(VIRTIO_BLK_F_SEG_MAX) | \
	 BIT_ULL(VIRTIO_BLK_F_BLK_SIZE) | BIT_ULL(VIRTIO_BLK_F_FLUSH) |   \
	 BIT_ULL(VIRTIO_BLK_F_DISCARD))
#define F_RO BIT_ULL(VIRTIO_BLK_F_RO)
#define S_NEEDS_RESET VIRTIO_STATUS_DEVICE_NEEDS_RESET

static struct vdrv dev;

static void guest(void)
{
	vdrv_guest("vm1", RAM_SIZE);
	memset(&dev, 0, sizeof(dev));
	dev.irq = IRQ;
	dev.ram = RAM;
	dev.ring_stride = 0x4000;
	dev.qsize = QSIZE;
	sleeps = 0;
	sleep_completes = NULL;
	fake_dt_set_string(&dev.node, "keel,device", "block");
}

static int try_create(const char *backend, bool read_only)
{
	if (backend)
		fake_dt_set_string(&dev.node, "keel,backend", backend);
	/* keel,read-only: a property without a value. */
	if (read_only)
		fake_dt_set_string(&dev.node, "keel,read-only", "");
	return vdrv_probe(&dev, NODE, BASE);
}

/* A guest with a block device over backend, its driver at DRIVER_OK. */
static struct vdrv *create(const char *backend, bool read_only)
{
	guest();
	CHECK_EQ(try_create(backend, read_only), 0);
	if (!dev.inst)
		abort();
	vdrv_bring_up(&dev, F_V1 | F_INDIRECT | F_BLK, 1);
	return &dev;
}

static u64 cfg(struct vdrv *d, u32 off, unsigned int size)
{
	return fake_rd(d->inst, VIRTIO_MMIO_CONFIG + off, size);
}

/* ---- requests, framed every way 2.6.4 allows ---- */

#define END 0xffffffffU
/* Piece lengths, END-terminated. */
#define PIECES(...) ((const u32[]){ __VA_ARGS__, END })

struct rq {
	u32 type;
	u64 sector;
	/* Pieces of the readable bytes (header, then out data) ... */
	const u32 *rd;
	/* ... and of the writable ones (in data, then the status byte). */
	const u32 *wr;
	bool indirect;
	u16 first; /* first descriptor (and indirect table entry) */
	u64 rd_at, wr_at; /* 0: RD_AT, WR_AT */
	/* Filled by submit: */
	u32 rd_len, wr_len;
	u16 head;
};

static u32 total(const u32 *p)
{
	u32 n = 0;

	for (; p && *p != END; p++)
		n += *p;
	return n;
}

/* Where the request's out data starts, and where its in data does. */
static u8 *out_data(struct rq *r)
{
	return gpa((r->rd_at ? r->rd_at : RD_AT) + 16);
}

static u8 *in_data(struct rq *r)
{
	return gpa(r->wr_at ? r->wr_at : WR_AT);
}

static u8 *status_byte(struct rq *r)
{
	return gpa((r->wr_at ? r->wr_at : WR_AT) + r->wr_len - 1);
}

/*
 * Lay the request's descriptors out (its header written, the out data
 * left as the test put it, the writable bytes 0xee) and make it
 * available; notify when asked.
 */
static void put(struct vdrv *d, struct rq *r, bool kick)
{
	u64 rd_at = r->rd_at ? r->rd_at : RD_AT;
	u64 wr_at = r->wr_at ? r->wr_at : WR_AT;
	struct virtio_blk_req_header h = { .type = r->type,
					   .sector = r->sector };
	struct virtq_desc t[VIRTQUEUE_MAX_SEGS + 8];
	unsigned int n = 0;
	u64 at;

	r->rd_len = total(r->rd);
	r->wr_len = total(r->wr);
	if (r->rd_len > RD_MAX || r->wr_len > WR_MAX)
		abort();
	if (r->rd_len >= sizeof(h))
		memcpy(gpa(rd_at), &h, sizeof(h));
	else if (r->rd_len)
		memcpy(gpa(rd_at), &h, r->rd_len);
	/* Of a request reaching past the guest's RAM, only what is in it. */
	memset(gpa(wr_at), 0xee, MIN(r->wr_len, RAM + RAM_SIZE - wr_at));
	at = rd_at;
	for (const u32 *p = r->rd; p && *p != END; p++, n++) {
		t[n] = (struct virtq_desc){ at, *p, VIRTQ_DESC_F_NEXT,
					    (u16)(n + 1) };
		at += *p;
	}
	at = wr_at;
	for (const u32 *p = r->wr; p && *p != END; p++, n++) {
		t[n] = (struct virtq_desc){ at, *p,
					    VIRTQ_DESC_F_NEXT |
						    VIRTQ_DESC_F_WRITE,
					    (u16)(n + 1) };
		at += *p;
	}
	if (!n || n > ARRAY_SIZE(t))
		abort();
	t[n - 1].flags &= (u16)~VIRTQ_DESC_F_NEXT;
	t[n - 1].next = 0;
	if (r->indirect) {
		memcpy(gpa(IND + 16ULL * r->first), t, 16ULL * n);
		vdrv_set_desc(d, 0, r->first, IND + 16ULL * r->first, 16 * n,
			      VIRTQ_DESC_F_INDIRECT, 0);
	} else {
		for (unsigned int i = 0; i < n; i++) {
			if (t[i].flags & VIRTQ_DESC_F_NEXT)
				t[i].next = (u16)(r->first + t[i].next);
			*vdrv_desc(d, 0, r->first + i) = t[i];
		}
	}
	r->head = r->first;
	vdrv_offer(d, 0, r->head);
	if (kick)
		vdrv_notify(d, 0);
}

/* The request came back with used len and status byte status. */
static void check_done(struct vdrv *d, struct rq *r, u32 len, u8 status)
{
	struct virtq_used_elem e = vdrv_next_used(d, 0);

	CHECK_EQ(e.id, r->head);
	CHECK_EQ(e.len, len);
	CHECK_EQ(*status_byte(r), status);
}

/* Submit and expect an answer at once. */
static void run(struct vdrv *d, struct rq *r, u32 len, u8 status)
{
	put(d, r, true);
	check_done(d, r, len, status);
}

static void check_needs_reset(struct vdrv *d, const char *why)
{
	CHECK_EQ(vdrv_status(d), VDRV_S_OK | S_NEEDS_RESET);
	CHECK(vdrv_rd(d, VIRTIO_MMIO_INTERRUPT_STATUS) &
	      VIRTIO_MMIO_INT_CONFIG);
	if (!strstr(vdrv_vdev(d)->why, why)) {
		printf("  why: %s\n", vdrv_vdev(d)->why);
		CHECK(!"the reason");
	}
	CHECK_EQ(vdrv_used_idx(d, 0), d->used_seen[0]);
}

static void destroy(struct vdrv *d)
{
	vdrv_destroy(d);
	CHECK_EQ(disk.bd.users, 0);
	disk_gone();
	CHECK_EQ(virtio_snapshot(NULL, NULL, 0), 0);
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
}

/* ---- probe, features, configuration ---- */

UNIT_TEST(features_and_configuration_of_a_writable_disk)
{
	struct vdrv *d;

	disk_new("rd0", 512, false);
	guest();
	CHECK_EQ(try_create("rd0", false), 0);
	d = &dev;
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	CHECK_EQ(vdrv_device_features(d),
		 F_V1 | F_INDIRECT | F_EVENT_IDX | F_BLK);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_CAPACITY, 8), DISK_SECTORS);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_SIZE_MAX, 4), 1U << 20);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_SEG_MAX, 4), VIRTQUEUE_MAX_SEGS - 2);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_BLK_SIZE, 4), 512);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, 4), 0x400000);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 4), 1);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_DISCARD_SECTOR_ALIGNMENT, 4), 1);
	/* Read-only for the driver. */
	fake_wr(d->inst, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY, 8, 1);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_CAPACITY, 8), DISK_SECTORS);
	/* Claimed exclusively, in the guest's and node's name. */
	CHECK(disk.bd.owner && !strcmp(disk.bd.owner, "vm1/" NODE));
	CHECK(!strcmp(vdrv_describe(d),
		      "backend rd0 (ram, rw), 0 requests, 0 bytes read, 0 "
		      "written, 0 errors, 0 in flight"));
	/* Everything offered is accepted. */
	CHECK_EQ(vdrv_negotiate(d, F_V1 | F_INDIRECT | F_EVENT_IDX | F_BLK),
		 VDRV_S_UP);
	destroy(d);
}

UNIT_TEST(a_4k_disk_says_so_and_refuses_unaligned_requests)
{
	struct vdrv *d;
	struct rq r = { .type = VIRTIO_BLK_T_IN,
			.sector = 1,
			.rd = PIECES(16),
			.wr = PIECES(4096, 1) };
	struct rq ok = { .type = VIRTIO_BLK_T_IN,
			 .sector = 8,
			 .rd = PIECES(16),
			 .wr = PIECES(4096, 1) };

	disk_new("rd0", 4096, false);
	d = create("rd0", false);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_BLK_SIZE, 4), 4096);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_DISCARD_SECTOR_ALIGNMENT, 4), 8);
	run(d, &r, 4097, VIRTIO_BLK_S_IOERR);
	run(d, &ok, 4097, VIRTIO_BLK_S_OK);
	CHECK(!memcmp(in_data(&ok), disk.data + 8 * 512, 4096));
	destroy(d);
}

UNIT_TEST(read_only_disks_offer_ro_and_share_the_claim)
{
	struct vdrv *d;

	/* keel,read-only on a writable disk. */
	disk_new("rd0", 512, false);
	d = create("rd0", true);
	CHECK(vdrv_device_features(d) & F_RO);
	CHECK(disk.bd.owner == NULL);
	CHECK_EQ(disk.bd.users, 1);
	CHECK(strstr(vdrv_describe(d), "(ram, ro)") != NULL);
	destroy(d);

	/* A read-only backend makes a read-only disk without being asked. */
	disk_new("rd0", 512, true);
	d = create("rd0", false);
	CHECK(vdrv_device_features(d) & F_RO);
	destroy(d);
}

UNIT_TEST(probe_refusals_name_what_was_wrong)
{
	struct vdrv other = { .irq = IRQ + 1 };

	guest();
	CHECK_EQ(try_create(NULL, false), -EINVAL);
	CHECK(strstr(fake_error_msg, "keel,backend") != NULL);
	guest();
	CHECK_EQ(try_create("nosuch", false), -ENOENT);
	CHECK(strstr(fake_error_msg, "\"nosuch\"") != NULL);
	CHECK(strstr(fake_error_msg, "blockdev list") != NULL);
	guest();
	CHECK_EQ(try_create("bundle:nosuch.img", false), -ENOENT);
	CHECK(strstr(fake_error_msg, "no such file in the boot bundle") !=
	      NULL);
	CHECK(blockdev_find("bundle0") == NULL);

	/* A disk claimed by a writable device is refused to a second one. */
	disk_new("rd0", 512, false);
	create("rd0", false);
	fake_dt_set_string(&other.node, "keel,device", "block");
	fake_dt_set_string(&other.node, "keel,backend", "rd0");
	CHECK_EQ(vdrv_probe(&other, "virtio@a000200", BASE + 0x200), -EBUSY);
	CHECK(strstr(fake_error_msg, "vm1/" NODE) != NULL);
	CHECK(other.inst == NULL);
	CHECK_EQ(virtio_snapshot(NULL, NULL, 0), 1);
	destroy(&dev);
}

/* ---- the data path ---- */

enum framing { STANDARD, MERGED, MANY, ODD, INDIRECT, NR_FRAMINGS };

/*
 * A read or write of len bytes (a multiple of 512, at most 8 KiB)
 * framed as how says.
 */
static struct rq framed(u32 type, u64 sector, u32 len, enum framing how)
{
	static u32 rd[24], wr[24];
	struct rq r = { .type = type, .sector = sector, .rd = rd, .wr = wr };
	bool in = type == VIRTIO_BLK_T_IN;
	unsigned int nr = 0, nw = 0;

	switch (how) {
	case STANDARD:
	case INDIRECT:
		rd[nr++] = 16;
		if (in)
			wr[nw++] = len;
		else
			rd[nr++] = len;
		wr[nw++] = 1;
		r.indirect = how == INDIRECT;
		break;
	case MERGED: /* data shares a descriptor with header or status */
		if (in) {
			rd[nr++] = 16;
			wr[nw++] = len + 1;
		} else {
			rd[nr++] = 16 + len;
			wr[nw++] = 1;
		}
		break;
	case MANY: /* header in two, data a sector a piece, zero lengths */
		rd[nr++] = 4;
		rd[nr++] = 0;
		rd[nr++] = 12;
		for (u32 i = 0; i < len / 512; i++) {
			if (in)
				wr[nw++] = 512;
			else
				rd[nr++] = 512;
		}
		wr[nw++] = 1;
		break;
	case ODD: /* pieces that are not whole sectors: the bounce path */
		rd[nr++] = 16;
		if (in) {
			wr[nw++] = 100;
			wr[nw++] = len - 100 - 3;
			wr[nw++] = 4; /* the data's last 3 bytes and status */
		} else {
			rd[nr++] = 100;
			rd[nr++] = len - 100;
			wr[nw++] = 1;
		}
		break;
	default:
		abort();
	}
	rd[nr] = END;
	wr[nw] = END;
	return r;
}

UNIT_TEST(reads_and_writes_whatever_the_framing)
{
	struct vdrv *d;
	u64 sector = 16;
	u64 in_bytes = 0, out_bytes = 0;
	char want[160];

	disk_new("rd0", 512, false);
	d = create("rd0", false);
	for (unsigned int how = 0; how < NR_FRAMINGS; how++) {
		for (u32 len = 512; len <= 8192; len *= 4) {
			struct rq w =
				framed(VIRTIO_BLK_T_OUT, sector, len, how);
			struct rq r;

			for (u32 i = 0; i < len; i++)
				out_data(&w)[i] = (u8)(i * 13 + how + len);
			run(d, &w, 1, VIRTIO_BLK_S_OK);
			CHECK(!memcmp(disk.data + sector * 512, out_data(&w),
				      len));
			r = framed(VIRTIO_BLK_T_IN, sector, len, how);
			memset(disk.data + sector * 512 + len, 0x55, 512);
			run(d, &r, len + 1, VIRTIO_BLK_S_OK);
			CHECK(!memcmp(in_data(&r), disk.data + sector * 512,
				      len));
			sector += len / 512 + 1;
			in_bytes += len;
			out_bytes += len;
		}
	}
	CHECK(!disk_has_pattern(16 * 512, 512));
	CHECK(disk_has_pattern(sector * 512, 512));
	snprintf(want, sizeof(want),
		 "backend rd0 (ram, rw), %u requests, %llu bytes read, %llu "
		 "written, 0 errors, 0 in flight",
		 (unsigned int)NR_FRAMINGS * 3 * 2,
		 (unsigned long long)in_bytes, (unsigned long long)out_bytes);
	CHECK(!strcmp(vdrv_describe(d), want));
	CHECK_EQ(vdrv_status(d), VDRV_S_OK);
	CHECK(vdrv_line(d));
	destroy(d);
}

UNIT_TEST(flush_get_id_and_discard)
{
	struct vdrv *d;
	struct rq flush = { .type = VIRTIO_BLK_T_FLUSH,
			    .sector = 0,
			    .rd = PIECES(16),
			    .wr = PIECES(1) };
	struct rq id = { .type = VIRTIO_BLK_T_GET_ID,
			 .sector = 0,
			 .rd = PIECES(16),
			 .wr = PIECES(20, 1) };
	struct rq shortid = { .type = VIRTIO_BLK_T_GET_ID,
			      .sector = 0,
			      .rd = PIECES(16),
			      .wr = PIECES(3, 1) };
	struct rq discard = { .type = VIRTIO_BLK_T_DISCARD,
			      .sector = 0,
			      .rd = PIECES(16, 16),
			      .wr = PIECES(1) };
	struct virtio_blk_discard_write_zeroes range = { 100, 8, 0 };

	disk_new("rd0", 512, false);
	d = create("rd0", false);
	run(d, &flush, 1, VIRTIO_BLK_S_OK);
	CHECK_EQ(disk.flushes, 1);
	run(d, &id, 21, VIRTIO_BLK_S_OK);
	CHECK(!memcmp(in_data(&id), "rd0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
		      20));
	run(d, &shortid, 4, VIRTIO_BLK_S_OK);
	CHECK(!memcmp(in_data(&shortid), "rd0", 3));
	memcpy(out_data(&discard), &range, sizeof(range));
	run(d, &discard, 1, VIRTIO_BLK_S_OK);
	CHECK_EQ(disk.discards, 1);
	CHECK(disk_has_pattern(99 * 512, 512));
	CHECK(disk.data[100 * 512] == 0 && disk.data[108 * 512 - 1] == 0);
	CHECK(disk_has_pattern(108 * 512, 512));
	/* Past the end; too big; without its range: IOERR. */
	range = (struct virtio_blk_discard_write_zeroes){ DISK_SECTORS - 1, 2,
							  0 };
	memcpy(out_data(&discard), &range, sizeof(range));
	run(d, &discard, 1, VIRTIO_BLK_S_IOERR);
	range = (struct virtio_blk_discard_write_zeroes){ 0, 0x400001, 0 };
	memcpy(out_data(&discard), &range, sizeof(range));
	run(d, &discard, 1, VIRTIO_BLK_S_IOERR);
	discard.rd = PIECES(16, 15);
	run(d, &discard, 1, VIRTIO_BLK_S_IOERR);
	/* Two ranges where max_discard_seg is 1: neither is done. */
	discard.rd = PIECES(16, 32);
	range = (struct virtio_blk_discard_write_zeroes){ 0, 8, 0 };
	memcpy(out_data(&discard), &range, sizeof(range));
	memcpy((u8 *)out_data(&discard) + 16, &range, sizeof(range));
	run(d, &discard, 1, VIRTIO_BLK_S_IOERR);
	/* 5.2.6.1: the unmap flag is write-zeroes', UNSUPP for discard. */
	discard.rd = PIECES(16, 16);
	range = (struct virtio_blk_discard_write_zeroes){ 0, 8, 1 };
	memcpy(out_data(&discard), &range, sizeof(range));
	run(d, &discard, 1, VIRTIO_BLK_S_UNSUPP);
	CHECK_EQ(disk.discards, 1);
	CHECK(disk_has_pattern(0, 8 * 512));
	destroy(d);
}

UNIT_TEST(unknown_types_are_unsupp_and_the_end_of_the_disk_ioerr)
{
	struct vdrv *d;
	struct rq wz = { .type = VIRTIO_BLK_T_WRITE_ZEROES,
			 .sector = 0,
			 .rd = PIECES(16, 16),
			 .wr = PIECES(1) };
	struct rq odd = {
		.type = 99, .sector = 0, .rd = PIECES(16), .wr = PIECES(1)
	};
	struct rq past = { .type = VIRTIO_BLK_T_IN,
			   .sector = DISK_SECTORS - 1,
			   .rd = PIECES(16),
			   .wr = PIECES(1024, 1) };
	struct rq huge = { .type = VIRTIO_BLK_T_OUT,
			   .sector = ~0ULL,
			   .rd = PIECES(16, 512),
			   .wr = PIECES(1) };
	struct rq last = { .type = VIRTIO_BLK_T_IN,
			   .sector = DISK_SECTORS - 1,
			   .rd = PIECES(16),
			   .wr = PIECES(512, 1) };
	struct rq partial = { .type = VIRTIO_BLK_T_IN,
			      .sector = 0,
			      .rd = PIECES(16),
			      .wr = PIECES(500, 1) };

	disk_new("rd0", 512, false);
	d = create("rd0", false);
	run(d, &wz, 1, VIRTIO_BLK_S_UNSUPP);
	run(d, &odd, 1, VIRTIO_BLK_S_UNSUPP);
	/* used len reaches the status byte, for failed requests too. */
	run(d, &past, 1025, VIRTIO_BLK_S_IOERR);
	run(d, &huge, 1, VIRTIO_BLK_S_IOERR);
	run(d, &last, 513, VIRTIO_BLK_S_OK);
	/* Data that is not whole sectors. */
	run(d, &partial, 501, VIRTIO_BLK_S_IOERR);
	CHECK(disk_has_pattern(0, DISK_SECTORS * 512));
	CHECK(strstr(vdrv_describe(d), ", 6 requests, 512 bytes read, 0 "
				       "written, 5 errors") != NULL);
	CHECK_EQ(vdrv_status(d), VDRV_S_OK);
	destroy(d);
}

UNIT_TEST(a_read_only_disk_refuses_writes_and_discards)
{
	struct vdrv *d;
	struct rq w = { .type = VIRTIO_BLK_T_OUT,
			.sector = 0,
			.rd = PIECES(16, 512),
			.wr = PIECES(1) };
	struct rq disc = { .type = VIRTIO_BLK_T_DISCARD,
			   .sector = 0,
			   .rd = PIECES(16, 16),
			   .wr = PIECES(1) };
	struct rq r = { .type = VIRTIO_BLK_T_IN,
			.sector = 0,
			.rd = PIECES(16),
			.wr = PIECES(512, 1) };
	struct virtio_blk_discard_write_zeroes range = { 0, 8, 0 };

	disk_new("rd0", 512, false);
	d = create("rd0", true);
	memset(out_data(&w), 0, 512);
	run(d, &w, 1, VIRTIO_BLK_S_IOERR);
	memcpy(out_data(&disc), &range, sizeof(range));
	run(d, &disc, 1, VIRTIO_BLK_S_IOERR);
	run(d, &r, 513, VIRTIO_BLK_S_OK);
	CHECK(disk_has_pattern(0, 8 * 512));
	CHECK_EQ(disk.discards, 0);
	destroy(d);
}

UNIT_TEST(segments_and_sizes_at_and_past_the_limits)
{
	static u32 many[VIRTQUEUE_MAX_SEGS + 2];
	struct vdrv *d;
	/* In an indirect table: the ring has fewer descriptors. */
	struct rq r = { .type = VIRTIO_BLK_T_OUT,
			.sector = 0,
			.rd = many,
			.wr = PIECES(1),
			.indirect = true };
	struct rq big = { .type = VIRTIO_BLK_T_OUT,
			  .sector = 0,
			  .rd = PIECES(16, 1U << 20, 1U << 20),
			  .wr = PIECES(1) };
	struct rq odd_big = { .type = VIRTIO_BLK_T_OUT,
			      .sector = 0,
			      .rd = PIECES(16, 100, (2U << 20) - 100),
			      .wr = PIECES(1) };

	disk_new("rd0", 512, false);
	d = create("rd0", false);
	/* seg_max data descriptors: header, seg_max sectors, status. */
	many[0] = 16;
	for (unsigned int i = 1; i <= VIRTQUEUE_MAX_SEGS - 2; i++)
		many[i] = 512;
	many[VIRTQUEUE_MAX_SEGS - 1] = END;
	memset(out_data(&r), 0x11, (VIRTQUEUE_MAX_SEGS - 2) * 512);
	run(d, &r, 1, VIRTIO_BLK_S_OK);
	CHECK_EQ(disk.data[(VIRTQUEUE_MAX_SEGS - 2) * 512 - 1], 0x11);
	/* Two segments of size_max: 2 MiB in one request. */
	memset(out_data(&big), 0x22, 2U << 20);
	run(d, &big, 1, VIRTIO_BLK_S_OK);
	CHECK_EQ(disk.data[(2U << 20) - 1], 0x22);
	/* The same through the bounce buffer is more than it takes. */
	memset(out_data(&odd_big), 0x33, 2U << 20);
	run(d, &odd_big, 1, VIRTIO_BLK_S_IOERR);
	CHECK_EQ(disk.data[0], 0x22);
	/* One descriptor more than the walker takes: malformed. */
	many[VIRTQUEUE_MAX_SEGS - 1] = 512;
	many[VIRTQUEUE_MAX_SEGS] = END;
	put(d, &r, true);
	check_needs_reset(d, "segments");
	destroy(d);
}

/*
 * A backend that takes fewer or smaller buffers per request (the host
 * driver's seg_max and size_max): the driver is offered its limits, and
 * a descriptor larger than a buffer goes to it in pieces.
 */
UNIT_TEST(backend_request_shape_is_offered_and_kept)
{
	struct vdrv *d;
	struct rq whole = { .type = VIRTIO_BLK_T_OUT,
			    .sector = 8,
			    .rd = PIECES(16, 16384),
			    .wr = PIECES(1) };
	struct rq too_many = { .type = VIRTIO_BLK_T_IN,
			       .sector = 0,
			       .rd = PIECES(16),
			       .wr = PIECES(16384, 16384, 16384, 1) };

	disk_new("rd0", 512, false);
	disk.bd.max_segs = 8;
	disk.bd.max_seg_bytes = 4096 + 100; /* whole sectors: 4096 */
	d = create("rd0", false);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_SEG_MAX, 4), 8);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_SIZE_MAX, 4), 4096);
	/* 16 KiB in one descriptor: four buffers of 4 KiB. */
	memset(out_data(&whole), 0x44, 16384);
	run(d, &whole, 1, VIRTIO_BLK_S_OK);
	CHECK_EQ(disk.last_segs, 4);
	CHECK_EQ(disk.data[8 * 512], 0x44);
	CHECK_EQ(disk.data[8 * 512 + 16383], 0x44);
	CHECK(disk_has_pattern(8 * 512 + 16384, 512));
	/* 48 KiB is 12 such buffers, more than a request takes: refused. */
	run(d, &too_many, 3 * 16384 + 1, VIRTIO_BLK_S_IOERR);
	destroy(d);
}

/* ---- malformed requests ---- */

static void check_malformed(struct rq *r, const char *why)
{
	struct vdrv *d;
	struct rq good = { .type = VIRTIO_BLK_T_IN,
			   .sector = 0,
			   .rd = PIECES(16),
			   .wr = PIECES(512, 1) };

	disk_new("rd0", 512, false);
	d = create("rd0", false);
	put(d, r, true);
	check_needs_reset(d, why);
	CHECK_EQ(vdrv_vdev(d)->needs_reset, 1);
	/* The driver resets it and it works again. */
	vdrv_bring_up(d, F_V1 | F_INDIRECT | F_BLK, 1);
	run(d, &good, 513, VIRTIO_BLK_S_OK);
	destroy(d);
}

UNIT_TEST(malformed_requests_need_reset)
{
	struct rq status_readable = { .type = VIRTIO_BLK_T_OUT,
				      .sector = 0,
				      .rd = PIECES(16, 512, 1),
				      .wr = NULL };
	struct rq header_writable = { .type = VIRTIO_BLK_T_IN,
				      .sector = 0,
				      .rd = NULL,
				      .wr = PIECES(16, 512, 1) };
	struct rq header_short = { .type = VIRTIO_BLK_T_IN,
				   .sector = 0,
				   .rd = PIECES(15),
				   .wr = PIECES(512, 1) };
	struct rq no_status = { .type = VIRTIO_BLK_T_FLUSH,
				.sector = 0,
				.rd = PIECES(16),
				.wr = NULL };
	struct rq outside = { .type = VIRTIO_BLK_T_IN,
			      .sector = 0,
			      .rd = PIECES(16),
			      .wr = PIECES(512, 1),
			      .wr_at = RAM + RAM_SIZE - 256 };

	check_malformed(&status_readable, "status");
	check_malformed(&header_writable, "header");
	check_malformed(&header_short, "header");
	check_malformed(&no_status, "status");
	check_malformed(&outside, "RAM");
}

UNIT_TEST(a_request_without_a_status_byte_of_its_own_is_ioerr)
{
	struct vdrv *d;
	/* The data's last byte is taken for the status: 511 bytes of data. */
	struct rq r = { .type = VIRTIO_BLK_T_IN,
			.sector = 0,
			.rd = PIECES(16),
			.wr = PIECES(512) };

	disk_new("rd0", 512, false);
	d = create("rd0", false);
	run(d, &r, 512, VIRTIO_BLK_S_IOERR);
	CHECK_EQ(vdrv_status(d), VDRV_S_OK);
	destroy(d);
}

/* ---- a disk that answers later, or fails ---- */

UNIT_TEST(queued_requests_complete_later_in_any_order_of_framing)
{
	struct vdrv *d;
	struct rq r1 = { .type = VIRTIO_BLK_T_IN,
			 .sector = 0,
			 .rd = PIECES(16),
			 .wr = PIECES(1024, 1) };
	struct rq r2 = { .type = VIRTIO_BLK_T_IN,
			 .sector = 8,
			 .rd = PIECES(16),
			 .wr = PIECES(100, 412, 1),
			 .first = 8,
			 .rd_at = RD_AT + 0x1000,
			 .wr_at = WR_AT + 0x1000 };

	disk_new("rd0", 512, false);
	d = create("rd0", false);
	disk.queue = true;
	put(d, &r1, false);
	put(d, &r2, true);
	CHECK_EQ(vdrv_used_idx(d, 0), 0);
	CHECK_EQ(disk.nr_queued, 2);
	CHECK(strstr(vdrv_describe(d), "2 in flight") != NULL);
	CHECK(!vdrv_line(d));
	ram_complete(&disk, 0);
	check_done(d, &r1, 1025, VIRTIO_BLK_S_OK);
	check_done(d, &r2, 513, VIRTIO_BLK_S_OK);
	CHECK(!memcmp(in_data(&r1), disk.data, 1024));
	CHECK(!memcmp(in_data(&r2), disk.data + 8 * 512, 512));
	CHECK(vdrv_line(d));
	CHECK(strstr(vdrv_describe(d), "0 in flight") != NULL);
	destroy(d);
}

UNIT_TEST(backend_errors_are_ioerr_and_counted)
{
	struct vdrv *d;
	struct rq r = { .type = VIRTIO_BLK_T_IN,
			.sector = 0,
			.rd = PIECES(16),
			.wr = PIECES(1024, 1) };
	struct rq b = { .type = VIRTIO_BLK_T_IN,
			.sector = 0,
			.rd = PIECES(16),
			.wr = PIECES(24, 1000, 1) };
	struct rq w = { .type = VIRTIO_BLK_T_OUT,
			.sector = 0,
			.rd = PIECES(16, 512),
			.wr = PIECES(1) };

	disk_new("rd0", 512, false);
	d = create("rd0", false);
	/* Failing at once. */
	disk.fail = -EIO;
	run(d, &r, 1025, VIRTIO_BLK_S_IOERR);
	run(d, &w, 1, VIRTIO_BLK_S_IOERR);
	/* Failing later, direct and through the bounce buffer. */
	disk.fail = 0;
	disk.queue = true;
	put(d, &r, true);
	ram_complete(&disk, -EIO);
	check_done(d, &r, 1025, VIRTIO_BLK_S_IOERR);
	CHECK_EQ(*in_data(&r), 0xee); /* nothing read */
	put(d, &b, true);
	ram_complete(&disk, -EIO);
	check_done(d, &b, 1025, VIRTIO_BLK_S_IOERR);
	CHECK_EQ(*in_data(&b), 0xee);
	CHECK(strstr(vdrv_describe(d),
		     ", 4 requests, 0 bytes read, 0 "
		     "written, 4 errors, 0 in flight") != NULL);
	CHECK_EQ(disk.bd.stats.errors, 4); /* the block layer's count too */
	CHECK_EQ(vdrv_status(d), VDRV_S_OK);
	destroy(d);
}

UNIT_TEST(a_reset_drops_the_late_completion)
{
	struct vdrv *d;
	struct rq r = { .type = VIRTIO_BLK_T_IN,
			.sector = 0,
			.rd = PIECES(16),
			.wr = PIECES(100, 412, 1) };
	struct rq again = { .type = VIRTIO_BLK_T_IN,
			    .sector = 0,
			    .rd = PIECES(16),
			    .wr = PIECES(512, 1),
			    .first = 4,
			    .wr_at = WR_AT + 0x1000 };

	disk_new("rd0", 512, false);
	d = create("rd0", false);
	disk.queue = true;
	put(d, &r, true);
	CHECK_EQ(disk.nr_queued, 1);
	/* The driver resets the device and reuses the buffer's memory. */
	vdrv_wr(d, VIRTIO_MMIO_STATUS, 0);
	memset(in_data(&r), 0x5a, 513);
	vdrv_bring_up(d, F_V1 | F_INDIRECT | F_BLK, 1);
	put(d, &again, true);
	CHECK_EQ(disk.nr_queued, 2);
	ram_complete(&disk, 0);
	/* Only the new request comes back; the old one touched nothing. */
	CHECK_EQ(vdrv_used_idx(d, 0), 1);
	check_done(d, &again, 513, VIRTIO_BLK_S_OK);
	for (unsigned int i = 0; i < 513; i++)
		if (in_data(&r)[i] != 0x5a) {
			printf("  byte %u of the forgotten buffer is %#x\n", i,
			       in_data(&r)[i]);
			CHECK(!"the forgotten buffer was written");
			break;
		}
	CHECK(strstr(vdrv_describe(d), "0 in flight") != NULL);
	CHECK_EQ(vdrv_status(d), VDRV_S_OK);
	/* The guest's own reset (a reboot) too. */
	put(d, &again, true);
	fake_reset(d->inst);
	ram_complete(&disk, 0);
	CHECK_EQ(vdrv_status(d), 0);
	destroy(d);
}

/*
 * 2.4.1/2.4.2: a read the host disk still fills (straight into the
 * guest's buffer) when the driver resets: Status is not 0, so a driver
 * that waits for 0 before reusing its memory never sees it written
 * afterwards; 0 once the disk let go.
 */
UNIT_TEST(a_reset_completes_once_the_disk_lets_go)
{
	struct vdrv *d;
	struct rq r = { .type = VIRTIO_BLK_T_IN,
			.sector = 0,
			.rd = PIECES(16),
			.wr = PIECES(512, 1) };

	disk_new("rd0", 512, false);
	d = create("rd0", false);
	disk.queue = true;
	put(d, &r, true);
	CHECK_EQ(disk.nr_queued, 1);
	vdrv_wr(d, VIRTIO_MMIO_STATUS, 0);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), VDRV_S_OK);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), VDRV_S_OK);
	ram_complete(&disk, 0);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), 0);
	/* Nothing came back through the forgotten queue. */
	CHECK_EQ(vdrv_used_idx(d, 0), 0);
	/* A reset with nothing in flight completes at once. */
	disk.queue = false;
	vdrv_bring_up(d, F_V1 | F_INDIRECT | F_BLK, 1);
	run(d, &r, 513, VIRTIO_BLK_S_OK);
	vdrv_wr(d, VIRTIO_MMIO_STATUS, 0);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_STATUS), 0);
	destroy(d);
}

static void disk_interrupt(void)
{
	ram_complete(&disk, 0);
}

UNIT_TEST(remove_waits_for_requests_with_the_disk)
{
	struct vdrv *d;
	struct rq r = { .type = VIRTIO_BLK_T_IN,
			.sector = 0,
			.rd = PIECES(16),
			.wr = PIECES(100, 412, 1) };

	disk_new("rd0", 512, false);
	d = create("rd0", false);
	disk.queue = true;
	put(d, &r, true);
	sleep_completes = disk_interrupt;
	vdrv_destroy(d);
	CHECK(sleeps >= 1);
	CHECK_EQ(disk.nr_queued, 0);
	CHECK_EQ(disk.bd.users, 0);
	disk_gone();
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
}

/* ---- a disk over a boot-bundle file ---- */

UNIT_TEST(a_bundle_file_backs_a_private_copy_on_write_disk)
{
	struct vdrv *d;
	struct rq w = { .type = VIRTIO_BLK_T_OUT,
			.sector = 1,
			.rd = PIECES(16, 512),
			.wr = PIECES(1) };
	struct rq r = { .type = VIRTIO_BLK_T_IN,
			.sector = 0,
			.rd = PIECES(16),
			.wr = PIECES(1024, 1) };
	struct rq id = { .type = VIRTIO_BLK_T_GET_ID,
			 .sector = 0,
			 .rd = PIECES(16),
			 .wr = PIECES(20, 1) };
	char name[16] = "";

	for (unsigned int i = 0; i < sizeof(bundle_image); i++)
		bundle_image[i] = (u8)(i * 3);
	guest();
	CHECK_EQ(try_create("bundle:disk.img", false), 0);
	d = &dev;
	vdrv_bring_up(d, F_V1 | F_BLK, 1);
	/* Named bundle<n>, n counting every guest's bundle disks. */
	CHECK_EQ(sscanf(vdrv_describe(d), "backend %15[a-z0-9] (bundle, rw)",
			name),
		 1);
	CHECK(!strncmp(name, "bundle", 6));
	CHECK(blockdev_find(name) != NULL);
	CHECK_EQ(cfg(d, VIRTIO_BLK_CFG_CAPACITY, 8),
		 sizeof(bundle_image) / 512);
	memset(out_data(&w), 0x77, 512);
	run(d, &w, 1, VIRTIO_BLK_S_OK);
	run(d, &r, 1025, VIRTIO_BLK_S_OK);
	CHECK(!memcmp(in_data(&r), bundle_image, 512));
	CHECK_EQ(in_data(&r)[512], 0x77);
	CHECK_EQ(in_data(&r)[1023], 0x77);
	CHECK_EQ(bundle_image[512], (u8)(512 * 3)); /* never changed */
	run(d, &id, 21, VIRTIO_BLK_S_OK);
	CHECK(!strcmp((char *)in_data(&id), name));
	vdrv_destroy(d);
	CHECK(blockdev_find(name) == NULL);
	CHECK_EQ(pages_out, 0);
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
}

UNIT_MAIN();
