// SPDX-License-Identifier: GPL-2.0
/*
 * core/blockdev.c through keel/blockdev.h: the registry, claims (a disk
 * and its partitions overlapping), every check of blockdev_submit,
 * queued requests completed later by the test, the synchronous helpers
 * (including a request that never completes), MBR and GPT partition
 * tables the test builds, and disks over boot-bundle files copied on
 * write. The providers are the tests' RAM disks (host/ram_disk.h), the
 * mutex the tests' (host/fake_mutex.h); the scheduler, the clock and the
 * bundle are fakes below. libs/crc32.c is checked against known CRC-32
 * values, then builds the GPT checksums.
 */
#include "unit.h"
#include <string.h>

#include <keel/blockdev.h>
#include <keel/bundle.h>
#include <keel/crc32.h>
#include <keel/errno.h>
#include <keel/mutex.h>
#include <keel/page_alloc.h>
#include <keel/sched.h>
#include <keel/timer.h>

#include "host/fake_mutex.h"
#include "host/ram_disk.h"

extern unsigned int host_printk_count;
extern char host_printk_last[512];

/* ---- what blockdev.c needs from the rest of Keel ---- */

static u64 now_ns;

/* Threads blockdev.c creates run when the test says (the "scheduler"). */
static thread_fn created_fn;
static void *created_arg;
static unsigned int threads_created;

struct thread *thread_create(const char *name, thread_fn fn, void *arg,
			     unsigned int prio, u64 affinity)
{
	static struct thread t;

	CHECK(!strcmp(name, "blockdev-scan"));
	created_fn = fn;
	created_arg = arg;
	threads_created++;
	return &t;
}

int thread_start(struct thread *t)
{
	return 0;
}

static void run_created_thread(void)
{
	thread_fn fn = created_fn;

	CHECK(fn != NULL);
	created_fn = NULL;
	if (fn)
		fn(created_arg);
}

u64 timer_now_ns(void)
{
	return now_ns;
}

void waitqueue_init(struct waitqueue *wq)
{
	spin_lock_init(&wq->lock);
	list_init(&wq->waiters);
}

static unsigned int wakeups;

void waitqueue_wake_all(struct waitqueue *wq)
{
	CHECK(!spin_is_locked(&wq->lock));
	wakeups++;
}

/*
 * What happens while a thread sleeps: on_sleep (the device's interrupt)
 * when the test set one, else the time runs out.
 */
static void (*on_sleep)(void);
static unsigned int sleeps;

bool waitqueue_sleep_locked_until(struct waitqueue *wq, unsigned long *flags,
				  u64 deadline_ns)
{
	sleeps++;
	spin_unlock(&wq->lock);
	if (on_sleep) {
		on_sleep();
	} else {
		now_ns = deadline_ns;
	}
	spin_lock(&wq->lock);
	return !!on_sleep;
}

/* While boot waits for the scans, the pending scan thread runs. */
static unsigned int untimed_sleeps;

void waitqueue_sleep_locked(struct waitqueue *wq, unsigned long *flags)
{
	untimed_sleeps++;
	spin_unlock(&wq->lock);
	run_created_thread();
	spin_lock(&wq->lock);
}

const char *error_name(int err)
{
	return err ? "E(error)" : "OK";
}

/* Pages from libc, so that ASan and LSan see every chunk. */
static long pages_out;

void *page_alloc(unsigned int order)
{
	CHECK_EQ(order, 0);
	pages_out++;
	return aligned_alloc(PAGE_SIZE, PAGE_SIZE);
}

void page_free(void *va, unsigned int order)
{
	CHECK_EQ(order, 0);
	CHECK(va != NULL);
	pages_out--;
	free(va);
}

/* The boot bundle: files the test sets up. */
static struct bundle_file bundle_files[4];
static unsigned int nr_bundle_files;

int bundle_find(const char *name, struct bundle_file *out)
{
	for (unsigned int i = 0; i < nr_bundle_files; i++) {
		if (!strcmp(bundle_files[i].name, name)) {
			*out = bundle_files[i];
			return 0;
		}
	}
	return -ENOENT;
}

/* A device's name, or "" when missing: for checks of the registry. */
static bool exists(const char *name)
{
	return blockdev_find(name) != NULL;
}

static int count_fn(struct blockdev *bd, void *arg)
{
	(*(unsigned int *)arg)++;
	return 0;
}

static unsigned int registered(void)
{
	unsigned int n = 0;

	blockdev_for_each(count_fn, &n);
	return n;
}

/* ---- what a submitter does ---- */

static unsigned int done_calls;
static int done_status;
static u64 done_sector;

static void test_done(struct blockdev_request *req, int status)
{
	done_calls++;
	done_status = status;
	done_sector = req->sector;
}

static void request(struct blockdev_request *req, enum blockdev_op op,
		    u64 sector, void *buf, u32 len)
{
	memset(req, 0, sizeof(*req));
	req->op = op;
	req->sector = sector;
	req->done = test_done;
	if (buf) {
		req->nr_segs = 1;
		req->segs[0].buf = buf;
		req->segs[0].len = len;
	}
}

/* ---- CRC-32 ---- */

UNIT_TEST(crc32_known_values)
{
	static const char check[] = "123456789";
	u32 whole = crc32(0, "The quick brown fox jumps over the lazy dog", 43);

	CHECK_EQ(crc32(0, check, 9), 0xcbf43926); /* the standard check */
	CHECK_EQ(crc32(0, "", 0), 0);
	CHECK_EQ(whole, 0x414fa339);
	/* In pieces, the same. */
	CHECK_EQ(crc32(crc32(0, "The quick brown ", 16),
		       "fox jumps over the lazy dog", 27),
		 whole);
}

/* ---- registry ---- */

UNIT_TEST(register_find_unregister)
{
	struct ram_disk a, b;
	unsigned int n = 0;

	ram_init(&a, "rd0", "ram", 64, 512);
	ram_init(&b, "rd0", "ram", 64, 512);
	CHECK_EQ(registered(), 0);
	CHECK_EQ(blockdev_register(&a.bd), 0);
	CHECK_EQ(blockdev_register(&b.bd), -EEXIST);
	CHECK(blockdev_find("rd0") == &a.bd);
	CHECK(blockdev_find("rd") == NULL);
	strcpy(b.bd.name, "rd1");
	CHECK_EQ(blockdev_register(&b.bd), 0);
	CHECK_EQ(registered(), 2);
	/* for_each stops at the first non-zero answer and returns it. */
	CHECK_EQ(blockdev_for_each(count_fn, &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(blockdev_unregister(&a.bd), 0);
	CHECK_EQ(a.releases, 1);
	CHECK(!exists("rd0"));
	CHECK_EQ(blockdev_unregister(&b.bd), 0);
	CHECK_EQ(registered(), 0);
	CHECK_EQ(fake_mutexes_held, 0);
	ram_free(&a);
	ram_free(&b);
}

static int stop_at_second(struct blockdev *bd, void *arg)
{
	return ++*(unsigned int *)arg == 2 ? 42 : 0;
}

UNIT_TEST(for_each_stops_early)
{
	struct ram_disk a, b, c;
	unsigned int n = 0;

	ram_init(&a, "a", "ram", 8, 512);
	ram_init(&b, "b", "ram", 8, 512);
	ram_init(&c, "c", "ram", 8, 512);
	blockdev_register(&a.bd);
	blockdev_register(&b.bd);
	blockdev_register(&c.bd);
	CHECK_EQ(blockdev_for_each(stop_at_second, &n), 42);
	CHECK_EQ(n, 2);
	CHECK_EQ(fake_mutexes_held, 0);
	blockdev_unregister(&a.bd);
	blockdev_unregister(&b.bd);
	blockdev_unregister(&c.bd);
	ram_free(&a);
	ram_free(&b);
	ram_free(&c);
}

UNIT_TEST(register_refuses_bad_devices)
{
	static const char *const bad_names[] = { "", "Rd0", "rd 0", "rd/0",
						 "sixteen-chars-xx" };
	struct ram_disk rd;

	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		ram_init(&rd, "x", "ram", 8, 512);
		strncpy(rd.bd.name, bad_names[i], sizeof(rd.bd.name));
		CHECK_EQ(blockdev_register(&rd.bd), -EINVAL);
		ram_free(&rd);
	}
	ram_init(&rd, "fifteen-chars-x", "ram", 8, 512);
	CHECK_EQ(blockdev_register(&rd.bd), 0);
	blockdev_unregister(&rd.bd);
	/* Block sizes: powers of 2 from 512 to 64 KiB; whole blocks. */
	rd.bd.block_size = 0;
	CHECK_EQ(blockdev_register(&rd.bd), -EINVAL);
	rd.bd.block_size = 256;
	CHECK_EQ(blockdev_register(&rd.bd), -EINVAL);
	rd.bd.block_size = 1536;
	CHECK_EQ(blockdev_register(&rd.bd), -EINVAL);
	rd.bd.block_size = 131072;
	rd.bd.nr_sectors = 256;
	CHECK_EQ(blockdev_register(&rd.bd), -EINVAL);
	rd.bd.block_size = 4096;
	rd.bd.nr_sectors = 12; /* 1.5 blocks */
	CHECK_EQ(blockdev_register(&rd.bd), -EINVAL);
	rd.bd.nr_sectors = 0;
	rd.bd.block_size = 512;
	CHECK_EQ(blockdev_register(&rd.bd), -EINVAL);
	rd.bd.nr_sectors = ~0ULL; /* bytes beyond 64 bits */
	CHECK_EQ(blockdev_register(&rd.bd), -EINVAL);
	rd.bd.nr_sectors = 8;
	rd.bd.ops = NULL;
	CHECK_EQ(blockdev_register(&rd.bd), -EINVAL);
	rd.bd.ops = &ram_ops;
	rd.bd.kind = NULL;
	CHECK_EQ(blockdev_register(&rd.bd), -EINVAL);
	CHECK_EQ(registered(), 0);
	ram_free(&rd);
}

/* ---- claims ---- */

UNIT_TEST(claims_exclusive_and_shared)
{
	struct ram_disk rd;
	char why[64] = "";

	ram_init(&rd, "rd0", "ram", 64, 512);
	blockdev_register(&rd.bd);
	CHECK_EQ(blockdev_claim(&rd.bd, "guest a", true, why, sizeof(why)), 0);
	CHECK_EQ(blockdev_claim(&rd.bd, "guest b", true, why, sizeof(why)),
		 -EBUSY);
	CHECK(!strcmp(why, "rd0 is in use by guest a"));
	CHECK_EQ(blockdev_claim(&rd.bd, "guest b", false, why, sizeof(why)),
		 -EBUSY);
	CHECK_EQ(blockdev_unregister(&rd.bd), -EBUSY);
	blockdev_release(&rd.bd, true);
	/* Shared users together; an exclusive claim meets them. */
	CHECK_EQ(blockdev_claim(&rd.bd, "guest b", false, why, sizeof(why)), 0);
	CHECK_EQ(blockdev_claim(&rd.bd, "guest c", false, why, sizeof(why)), 0);
	CHECK_EQ(blockdev_claim(&rd.bd, "guest a", true, why, sizeof(why)),
		 -EBUSY);
	CHECK(!strcmp(why, "rd0 is in use by 2 shared users"));
	CHECK_EQ(blockdev_unregister(&rd.bd), -EBUSY);
	blockdev_release(&rd.bd, false);
	blockdev_release(&rd.bd, false);
	CHECK_EQ(blockdev_claim(&rd.bd, "guest a", true, why, sizeof(why)), 0);
	blockdev_release(&rd.bd, true);
	CHECK_EQ(blockdev_unregister(&rd.bd), 0);
	ram_free(&rd);
}

/* ---- MBR and GPT images ---- */

static void put_le32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void put_le64(u8 *p, u64 v)
{
	put_le32(p, (u32)v);
	put_le32(p + 4, (u32)(v >> 32));
}

static void mbr_entry(u8 *disk, unsigned int i, u8 type, u32 start, u32 count)
{
	u8 *e = disk + 446 + 16 * i;

	e[0] = 0;
	e[4] = type;
	put_le32(e + 8, start);
	put_le32(e + 12, count);
	disk[510] = 0x55;
	disk[511] = 0xaa;
}

/* A GPT on disk (lba bytes per block): entries at block 2, 128 of 128. */
static void gpt_entry(u8 *disk, u32 lba, unsigned int i, u64 first, u64 last)
{
	u8 *e = disk + 2 * lba + 128 * i;

	memset(e, 0, 128);
	e[0] = 0xaf; /* any non-zero type GUID */
	e[15] = 0x3d;
	put_le64(e + 32, first);
	put_le64(e + 40, last);
}

static void gpt_seal(u8 *disk, u32 lba, u64 nr_lbas)
{
	u8 *h = disk + lba;

	mbr_entry(disk, 0, 0xee, 1, (u32)(nr_lbas - 1));
	memset(h, 0, 92);
	memcpy(h, "EFI PART", 8);
	put_le32(h + 8, 0x00010000);
	put_le32(h + 12, 92);
	put_le64(h + 24, 1);
	put_le64(h + 32, nr_lbas - 1);
	put_le64(h + 40, 34);
	put_le64(h + 48, nr_lbas - 34);
	put_le64(h + 72, 2);
	put_le32(h + 80, 128);
	put_le32(h + 84, 128);
	put_le32(h + 88, crc32(0, disk + 2 * lba, 128 * 128));
	put_le32(h + 16, crc32(0, h, 92));
}

UNIT_TEST(mbr_primary_partitions)
{
	struct ram_disk rd;
	struct blockdev *p1, *p2;

	ram_init(&rd, "vda", "disk", 2048, 512);
	rd.bd.read_only = true;
	mbr_entry(rd.data, 0, 0x83, 64, 100);
	mbr_entry(rd.data, 1, 0x05, 200, 100); /* extended: skipped */
	mbr_entry(rd.data, 2, 0x0c, 1024, 1024); /* to the last sector */
	mbr_entry(rd.data, 3, 0x83, 1500, 1000); /* past the end */
	CHECK_EQ(blockdev_register(&rd.bd), 0);
	p1 = blockdev_find("vda1");
	p2 = blockdev_find("vda3"); /* named by entry, like Linux */
	CHECK(p1 && p2);
	CHECK(!exists("vda2") && !exists("vda4"));
	CHECK_EQ(registered(), 3);
	if (p1 && p2) {
		CHECK_EQ(p1->start, 64);
		CHECK_EQ(p1->nr_sectors, 100);
		CHECK_EQ(p2->start, 1024);
		CHECK_EQ(p2->nr_sectors, 1024);
		CHECK(p1->parent == &rd.bd);
		CHECK(p1->read_only);
		CHECK_EQ(p1->block_size, 512);
		CHECK(!strcmp(p1->kind, "partition"));
	}
	/* The scan's claim is gone. */
	CHECK_EQ(rd.bd.users, 0);
	CHECK_EQ(blockdev_scan_partitions(&rd.bd), -EEXIST);
	if (p1)
		CHECK_EQ(blockdev_scan_partitions(p1), -EINVAL);
	CHECK_EQ(blockdev_unregister(&rd.bd), 0);
	CHECK_EQ(registered(), 0);
	ram_free(&rd);
}

UNIT_TEST(mbr_logs_what_it_refuses)
{
	struct ram_disk rd;
	unsigned int before;

	ram_init(&rd, "vda", "disk", 2048, 512);
	mbr_entry(rd.data, 0, 0x83, 1500, 1000);
	before = host_printk_count;
	blockdev_register(&rd.bd);
	CHECK(host_printk_count > before);
	CHECK(strstr(host_printk_last, "vda: partition 1") &&
	      strstr(host_printk_last, "refused"));
	CHECK_EQ(registered(), 1);
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
	/* Extended partitions are said to be skipped. */
	ram_init(&rd, "vda", "disk", 2048, 512);
	mbr_entry(rd.data, 1, 0x0f, 100, 100);
	blockdev_register(&rd.bd);
	CHECK(strstr(host_printk_last, "extended partition 2") != NULL);
	CHECK_EQ(registered(), 1);
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
	/* Overlapping primaries: the second is refused. */
	ram_init(&rd, "vda", "disk", 2048, 512);
	mbr_entry(rd.data, 0, 0x83, 100, 100);
	mbr_entry(rd.data, 1, 0x83, 150, 100);
	blockdev_register(&rd.bd);
	CHECK(exists("vda1") && !exists("vda2"));
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

UNIT_TEST(mbr_absent_or_not_a_table)
{
	struct ram_disk rd;

	ram_init(&rd, "vda", "disk", 2048, 512);
	blockdev_register(&rd.bd); /* zeroes: no signature */
	CHECK_EQ(registered(), 1);
	blockdev_unregister(&rd.bd);
	/* A boot sector whose "status" bytes are code, not 0 or 0x80. */
	mbr_entry(rd.data, 0, 0x83, 64, 100);
	rd.data[446 + 16] = 0x31;
	blockdev_register(&rd.bd);
	CHECK_EQ(registered(), 1);
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

UNIT_TEST(partition_names_after_a_digit)
{
	struct ram_disk rd;

	ram_init(&rd, "disk0", "disk", 2048, 512);
	mbr_entry(rd.data, 1, 0x83, 64, 100);
	blockdev_register(&rd.bd);
	CHECK(exists("disk0p2"));
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

UNIT_TEST(gpt_partitions)
{
	struct ram_disk rd;
	struct blockdev *p;

	ram_init(&rd, "vda", "disk", 4096, 512);
	gpt_entry(rd.data, 512, 0, 34, 1033);
	gpt_entry(rd.data, 512, 2, 2048, 4095 - 34);
	gpt_entry(rd.data, 512, 5, 3000, 5000); /* past the end */
	gpt_seal(rd.data, 512, 4096);
	CHECK_EQ(blockdev_register(&rd.bd), 0);
	CHECK(exists("vda1") && exists("vda3"));
	CHECK(!exists("vda2") && !exists("vda6"));
	CHECK_EQ(registered(), 3);
	p = blockdev_find("vda3");
	if (p) {
		CHECK_EQ(p->start, 2048);
		CHECK_EQ(p->nr_sectors, 4095 - 34 - 2048 + 1);
	}
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

UNIT_TEST(gpt_with_4k_blocks)
{
	struct ram_disk rd;
	struct blockdev *p;

	/* Tables count in logical blocks: 4 KiB each here. */
	ram_init(&rd, "vdb", "disk", 1024 * 8, 4096);
	gpt_entry(rd.data, 4096, 0, 6, 105);
	gpt_seal(rd.data, 4096, 1024);
	CHECK_EQ(blockdev_register(&rd.bd), 0);
	p = blockdev_find("vdb1");
	CHECK(p != NULL);
	if (p) {
		CHECK_EQ(p->start, 6 * 8);
		CHECK_EQ(p->nr_sectors, 100 * 8);
		CHECK_EQ(p->block_size, 4096);
	}
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

UNIT_TEST(gpt_bad_checksums_give_no_partitions)
{
	struct ram_disk rd;

	ram_init(&rd, "vda", "disk", 4096, 512);
	gpt_entry(rd.data, 512, 0, 34, 1033);
	gpt_seal(rd.data, 512, 4096);
	rd.data[512 + 40] ^= 1; /* first usable LBA, under the header CRC */
	blockdev_register(&rd.bd);
	CHECK_EQ(registered(), 1);
	CHECK(strstr(host_printk_last, "GPT header's CRC32") != NULL);
	blockdev_unregister(&rd.bd);

	gpt_seal(rd.data, 512, 4096);
	rd.data[2 * 512 + 32] ^= 1; /* an entry's first LBA */
	blockdev_register(&rd.bd);
	CHECK_EQ(registered(), 1);
	CHECK(strstr(host_printk_last, "entry array's CRC32") != NULL);
	blockdev_unregister(&rd.bd);

	/* Protective MBR without a GPT header behind it. */
	gpt_seal(rd.data, 512, 4096);
	memset(rd.data + 512, 0, 8);
	blockdev_register(&rd.bd);
	CHECK_EQ(registered(), 1);
	CHECK(strstr(host_printk_last, "signature") != NULL);
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

UNIT_TEST(scan_of_a_disk_registered_at_boot_is_deferred)
{
	struct ram_disk rd;

	ram_init(&rd, "vda", "disk", 2048, 512);
	mbr_entry(rd.data, 0, 0x83, 64, 100);
	fake_self.is_idle = true; /* a driver's probe at boot */
	threads_created = 0;
	CHECK_EQ(blockdev_register(&rd.bd), 0);
	fake_self.is_idle = false;
	CHECK_EQ(threads_created, 1);
	CHECK(!exists("vda1"));
	/* Held until the scan has run. */
	CHECK_EQ(blockdev_unregister(&rd.bd), -EBUSY);
	run_created_thread();
	CHECK(exists("vda1"));
	CHECK_EQ(rd.bd.users, 0);
	CHECK_EQ(blockdev_unregister(&rd.bd), 0);
	ram_free(&rd);
}

UNIT_TEST(boot_waits_for_deferred_scans)
{
	struct ram_disk rd;

	ram_init(&rd, "vda", "disk", 2048, 512);
	mbr_entry(rd.data, 0, 0x83, 64, 100);
	fake_self.is_idle = true;
	CHECK_EQ(blockdev_register(&rd.bd), 0);
	fake_self.is_idle = false;
	untimed_sleeps = 0;
	wakeups = 0;
	blockdev_wait_scans(); /* the scan runs while it sleeps */
	CHECK_EQ(untimed_sleeps, 1);
	CHECK_EQ(wakeups, 1);
	CHECK(exists("vda1"));
	/* Nothing pending: no sleep. */
	blockdev_wait_scans();
	CHECK_EQ(untimed_sleeps, 1);
	CHECK_EQ(blockdev_unregister(&rd.bd), 0);
	ram_free(&rd);
}

UNIT_TEST(disk_and_partitions_overlap_in_claims)
{
	struct ram_disk rd;
	struct blockdev *p1, *p2;
	char why[64];

	ram_init(&rd, "vda", "disk", 2048, 512);
	mbr_entry(rd.data, 0, 0x83, 64, 100);
	mbr_entry(rd.data, 1, 0x83, 200, 100);
	blockdev_register(&rd.bd);
	p1 = blockdev_find("vda1");
	p2 = blockdev_find("vda2");
	CHECK(p1 && p2);
	if (!p1 || !p2)
		return;
	CHECK_EQ(blockdev_claim(&rd.bd, "guest linux1", true, why, sizeof(why)),
		 0);
	CHECK_EQ(blockdev_claim(p1, "guest b", true, why, sizeof(why)), -EBUSY);
	CHECK(!strcmp(why, "vda is in use by guest linux1"));
	CHECK_EQ(blockdev_claim(p1, "guest b", false, why, sizeof(why)),
		 -EBUSY);
	blockdev_release(&rd.bd, true);

	CHECK_EQ(blockdev_claim(p1, "guest b", true, why, sizeof(why)), 0);
	CHECK_EQ(blockdev_claim(&rd.bd, "guest c", true, why, sizeof(why)),
		 -EBUSY);
	CHECK(!strcmp(why, "vda1 is in use by guest b"));
	CHECK_EQ(blockdev_claim(&rd.bd, "guest c", false, why, sizeof(why)),
		 -EBUSY);
	/* Another partition of the same disk is apart. */
	CHECK_EQ(blockdev_claim(p2, "guest c", true, why, sizeof(why)), 0);
	/* A claimed partition keeps its disk. */
	CHECK_EQ(blockdev_unregister(&rd.bd), -EBUSY);
	blockdev_release(p1, true);
	blockdev_release(p2, true);
	/* A shared partition user and a shared disk user get along. */
	CHECK_EQ(blockdev_claim(p1, "guest b", false, why, sizeof(why)), 0);
	CHECK_EQ(blockdev_claim(&rd.bd, "guest c", false, why, sizeof(why)), 0);
	CHECK_EQ(blockdev_claim(p2, "guest d", true, why, sizeof(why)), -EBUSY);
	CHECK(!strcmp(why, "vda is in use by 1 shared user"));
	blockdev_release(p1, false);
	blockdev_release(&rd.bd, false);
	CHECK_EQ(blockdev_unregister(&rd.bd), 0);
	CHECK_EQ(registered(), 0);
	ram_free(&rd);
}

/* ---- submit ---- */

UNIT_TEST(submit_checks)
{
	static u8 buf[8192];
	struct blockdev_request req;
	struct ram_disk rd;

	ram_init(&rd, "rd0", "ram", 64, 512);
	blockdev_register(&rd.bd);
	request(&req, BLOCKDEV_READ, 0, buf, 1024);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), 0);
	CHECK_EQ(req.nr_sectors, 2); /* set from the segments */
	request(&req, (enum blockdev_op)7, 0, buf, 512);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EINVAL);
	request(&req, BLOCKDEV_READ, 0, buf, 100);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EINVAL);
	request(&req, BLOCKDEV_READ, 0, NULL, 0); /* no segments */
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EINVAL);
	request(&req, BLOCKDEV_READ, 0, buf, 0); /* nothing to move */
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EINVAL);
	request(&req, BLOCKDEV_READ, 0, buf, 512);
	req.done = NULL;
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EINVAL);
	/* Segments: the device's max_segs, not one more. */
	rd.bd.max_segs = 64;
	request(&req, BLOCKDEV_READ, 0, buf, 512);
	req.nr_segs = 64;
	for (unsigned int i = 0; i < BLOCKDEV_MAX_SEGS; i++)
		req.segs[i] = (struct blockdev_seg){ buf, 512 };
	CHECK_EQ(blockdev_submit(&rd.bd, &req), 0);
	req.nr_segs = 65;
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EINVAL);
	/* Without a limit of its own: up to BLOCKDEV_MAX_SEGS (the 65 */
	/* sectors are then past the disk's 64). */
	rd.bd.max_segs = 0;
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -ERANGE);
	req.nr_segs = BLOCKDEV_MAX_SEGS + 1;
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EINVAL);
	/* Buffers: the device's max_seg_bytes, not a sector more. */
	rd.bd.max_seg_bytes = 512;
	request(&req, BLOCKDEV_READ, 0, buf, 1024);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EINVAL);
	request(&req, BLOCKDEV_READ, 0, buf, 512);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), 0);
	rd.bd.max_seg_bytes = 0;
	/* The end of the disk, and past it, without wrapping. */
	request(&req, BLOCKDEV_WRITE, 62, buf, 1024);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), 0);
	request(&req, BLOCKDEV_WRITE, 63, buf, 1024);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -ERANGE);
	request(&req, BLOCKDEV_READ, ~0ULL, buf, 512);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -ERANGE);
	request(&req, BLOCKDEV_DISCARD, 60, NULL, 0);
	req.nr_sectors = 5;
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -ERANGE);
	req.nr_sectors = 0;
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EINVAL);
	req.nr_sectors = 4;
	CHECK_EQ(blockdev_submit(&rd.bd, &req), 0);
	request(&req, BLOCKDEV_FLUSH, 0, NULL, 0);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), 0);
	/* 13 refused, 7 done: 3 reads (one of 64 segments), a write... */
	CHECK_EQ(rd.bd.stats.errors, 13);
	CHECK_EQ(rd.bd.stats.reads, 3);
	CHECK_EQ(rd.bd.stats.read_bytes, 1024 + 64 * 512 + 512);
	CHECK_EQ(rd.bd.stats.writes, 1);
	CHECK_EQ(rd.bd.stats.written_bytes, 1024);
	CHECK_EQ(rd.bd.stats.discards, 1);
	CHECK_EQ(rd.bd.stats.flushes, 1);
	CHECK_EQ(rd.submits, 6);
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

/* Synchronous I/O cuts its buffer into pieces the device takes. */
UNIT_TEST(sync_io_follows_the_device_shape)
{
	static u8 buf[2048];
	struct ram_disk rd;

	ram_init(&rd, "rd0", "ram", 64, 512);
	rd.bd.max_seg_bytes = 511; /* no request could move a sector */
	CHECK_EQ(blockdev_register(&rd.bd), -EINVAL);
	rd.bd.max_seg_bytes = 700; /* whole sectors of it: 512 */
	CHECK_EQ(blockdev_register(&rd.bd), 0);
	memset(rd.data + 512, 0x5a, 2048);
	CHECK_EQ(blockdev_read(&rd.bd, 1, buf, sizeof(buf)), 0);
	CHECK_EQ(rd.last_segs, 4);
	CHECK_EQ(buf[2047], 0x5a);
	/* More pieces than it takes in one request: refused, not cut short. */
	rd.bd.max_segs = 3;
	CHECK_EQ(blockdev_read(&rd.bd, 1, buf, sizeof(buf)), -EINVAL);
	rd.bd.max_seg_bytes = 100; /* not even a sector */
	rd.bd.max_segs = 0;
	CHECK_EQ(blockdev_read(&rd.bd, 1, buf, 512), -EINVAL);
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

UNIT_TEST(submit_read_only_and_block_size)
{
	static u8 buf[8192];
	struct blockdev_request req;
	struct ram_disk rd;

	ram_init(&rd, "rd0", "ram", 64, 4096);
	rd.bd.read_only = true;
	blockdev_register(&rd.bd);
	request(&req, BLOCKDEV_WRITE, 0, buf, 4096);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EROFS);
	request(&req, BLOCKDEV_DISCARD, 0, NULL, 0);
	req.nr_sectors = 8;
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EROFS);
	request(&req, BLOCKDEV_FLUSH, 0, NULL, 0);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), 0);
	request(&req, BLOCKDEV_READ, 8, buf, 4096);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), 0);
	/* Off a 4 KiB block, or part of one. */
	request(&req, BLOCKDEV_READ, 1, buf, 4096);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EINVAL);
	request(&req, BLOCKDEV_READ, 8, buf, 512);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EINVAL);
	/* Segments of 512 bytes adding up to blocks are fine. */
	request(&req, BLOCKDEV_READ, 8, buf, 512);
	req.nr_segs = 8;
	for (unsigned int i = 0; i < 8; i++)
		req.segs[i] = (struct blockdev_seg){ buf + 512 * i, 512 };
	CHECK_EQ(blockdev_submit(&rd.bd, &req), 0);
	CHECK_EQ(rd.bd.stats.errors, 4);
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

UNIT_TEST(submit_failures_count_as_errors)
{
	static u8 buf[512];
	struct blockdev_request req;
	struct ram_disk rd;

	ram_init(&rd, "rd0", "ram", 64, 512);
	blockdev_register(&rd.bd);
	rd.fail = -EIO;
	request(&req, BLOCKDEV_READ, 5, buf, 512);
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EIO);
	CHECK(req.done == test_done); /* the submitter's again */
	CHECK_EQ(req.sector, 5);
	CHECK_EQ(rd.bd.stats.errors, 1);
	rd.fail = 3; /* no such answer: a provider's bug */
	CHECK_EQ(blockdev_submit(&rd.bd, &req), -EIO);
	CHECK_EQ(rd.bd.stats.errors, 2);
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

UNIT_TEST(queued_requests_through_a_partition)
{
	static u8 buf[1024];
	struct blockdev_request req;
	struct ram_disk rd;
	struct blockdev *p;

	ram_init(&rd, "vda", "disk", 2048, 512);
	mbr_entry(rd.data, 0, 0x83, 64, 100);
	blockdev_register(&rd.bd);
	p = blockdev_find("vda1");
	CHECK(p != NULL);
	if (!p)
		return;
	rd.queue = true;
	memset(buf, 0x5a, sizeof(buf));
	request(&req, BLOCKDEV_WRITE, 10, buf, 1024);
	done_calls = 0;
	CHECK_EQ(blockdev_submit(p, &req), 1);
	CHECK_EQ(done_calls, 0); /* never from inside submit */
	CHECK_EQ(rd.last_sector, 74); /* the disk's sector */
	ram_complete(&rd, 0);
	CHECK_EQ(done_calls, 1);
	CHECK_EQ(done_status, 0);
	CHECK_EQ(done_sector, 10); /* the submitter's sector again */
	CHECK(req.done == test_done);
	CHECK_EQ(rd.data[74 * 512], 0x5a);
	CHECK_EQ(rd.data[76 * 512], 0);
	/* Past the partition's end, though inside the disk. */
	request(&req, BLOCKDEV_READ, 99, buf, 1024);
	CHECK_EQ(blockdev_submit(p, &req), -ERANGE);
	/* A failure reported later counts on the partition and the disk. */
	request(&req, BLOCKDEV_READ, 0, buf, 512);
	CHECK_EQ(blockdev_submit(p, &req), 1);
	ram_complete(&rd, -EIO);
	CHECK_EQ(done_status, -EIO);
	CHECK_EQ(p->stats.errors, 2);
	CHECK_EQ(rd.bd.stats.errors, 2);
	/* The disk's figures include its partition's. */
	CHECK_EQ(p->stats.writes, 1);
	CHECK_EQ(rd.bd.stats.writes, 1);
	CHECK_EQ(rd.bd.stats.written_bytes, 1024);
	CHECK_EQ(rd.bd.stats.reads, p->stats.reads + 1); /* + the scan's */
	rd.queue = false;
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

/* ---- blockdev_read / blockdev_write ---- */

static struct ram_disk *interrupting;

static void device_interrupt(void)
{
	ram_complete(interrupting, 0);
}

UNIT_TEST(sync_read_write)
{
	u8 out[1024], in[1024];
	struct ram_disk rd;

	ram_init(&rd, "rd0", "ram", 64, 512);
	blockdev_register(&rd.bd);
	for (unsigned int i = 0; i < sizeof(out); i++)
		out[i] = (u8)(i * 7);
	CHECK_EQ(blockdev_write(&rd.bd, 3, out, sizeof(out)), 0);
	CHECK(!memcmp(rd.data + 3 * 512, out, sizeof(out)));
	CHECK_EQ(blockdev_read(&rd.bd, 3, in, sizeof(in)), 0);
	CHECK(!memcmp(in, out, sizeof(in)));
	/* Queued: the thread sleeps until the device's interrupt. */
	rd.queue = true;
	interrupting = &rd;
	on_sleep = device_interrupt;
	sleeps = 0;
	memset(in, 0, sizeof(in));
	CHECK_EQ(blockdev_read(&rd.bd, 3, in, sizeof(in)), 0);
	CHECK(!memcmp(in, out, sizeof(in)));
	CHECK_EQ(sleeps, 1);
	on_sleep = NULL;
	rd.queue = false;
	/* Errors come back; from an idle thread it would not wait. */
	CHECK_EQ(blockdev_read(&rd.bd, 64, in, 512), -ERANGE);
	CHECK_EQ(blockdev_read(&rd.bd, 0, in, 0), -EINVAL);
	fake_self.is_idle = true;
	CHECK_EQ(blockdev_read(&rd.bd, 0, in, 512), -EAGAIN);
	fake_self.is_idle = false;
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

UNIT_TEST(sync_read_times_out)
{
	u8 in[512];
	struct ram_disk rd;
	u64 start = now_ns;

	ram_init(&rd, "rd0", "ram", 64, 512);
	memset(rd.data, 0x77, 512);
	blockdev_register(&rd.bd);
	rd.queue = true;
	memset(in, 0, sizeof(in));
	CHECK_EQ(blockdev_read(&rd.bd, 0, in, sizeof(in)), -ETIMEDOUT);
	CHECK_EQ(now_ns - start, BLOCKDEV_SYNC_TIMEOUT_MS * NSEC_PER_MSEC);
	CHECK(strstr(host_printk_last, "given up") != NULL);
	/*
	 * The device answers late: into the bounce buffer, which it then
	 * frees (ASan would see a use after free, LSan a leak), never into
	 * the caller's buffer.
	 */
	CHECK_EQ(rd.nr_queued, 1);
	ram_complete(&rd, 0);
	CHECK_EQ(in[0], 0);
	rd.queue = false;
	blockdev_unregister(&rd.bd);
	ram_free(&rd);
}

/* ---- disks over bundle files ---- */

static u8 file_bytes[10000]; /* 20 sectors, the last one partly */

static void bundle_setup(void)
{
	for (unsigned int i = 0; i < sizeof(file_bytes); i++)
		file_bytes[i] = (u8)(i % 251 + 1);
	bundle_files[0] = (struct bundle_file){ "disk.img", file_bytes,
						sizeof(file_bytes) };
	bundle_files[1] = (struct bundle_file){ "empty", file_bytes, 0 };
	nr_bundle_files = 2;
}

static bool bundle_untouched(void)
{
	for (unsigned int i = 0; i < sizeof(file_bytes); i++) {
		if (file_bytes[i] != (u8)(i % 251 + 1))
			return false;
	}
	return true;
}

UNIT_TEST(bundle_disk_reads_the_file)
{
	static u8 buf[10240];
	struct blockdev *bd = NULL;

	bundle_setup();
	CHECK_EQ(blockdev_create_bundle("disk.img", "rd0", false, &bd), 0);
	CHECK(bd && bd == blockdev_find("rd0"));
	if (!bd)
		return;
	CHECK_EQ(bd->nr_sectors, 20);
	CHECK_EQ(bd->block_size, 512);
	CHECK(!strcmp(bd->kind, "bundle"));
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(blockdev_read(bd, 0, buf, sizeof(buf)), 0);
	CHECK(!memcmp(buf, file_bytes, sizeof(file_bytes)));
	for (unsigned int i = sizeof(file_bytes); i < sizeof(buf); i++)
		CHECK_EQ(buf[i], 0); /* the tail */
	CHECK_EQ(blockdev_read(bd, 20, buf, 512), -ERANGE);
	CHECK_EQ(blockdev_unregister(bd), 0);
}

UNIT_TEST(bundle_disk_copies_on_write)
{
	static u8 buf[10240], expect[10240];
	struct blockdev_request req;
	struct blockdev *bd = NULL;

	bundle_setup();
	CHECK_EQ(blockdev_create_bundle("disk.img", "rd0", false, &bd), 0);
	if (!bd)
		return;
	memcpy(expect, file_bytes, sizeof(file_bytes));
	/* Sectors 7-9 straddle the first chunk boundary (byte 4096). */
	memset(buf, 0xa1, 1536);
	CHECK_EQ(blockdev_write(bd, 7, buf, 1536), 0);
	memset(expect + 7 * 512, 0xa1, 1536);
	/* Into the tail past the file's end. */
	memset(buf, 0xb2, 512);
	CHECK_EQ(blockdev_write(bd, 19, buf, 512), 0);
	memset(expect + 19 * 512, 0xb2, 512);
	CHECK(bundle_untouched());
	CHECK_EQ(pages_out, 3); /* chunks 0, 1 and 2: one page each */
	CHECK_EQ(blockdev_read(bd, 0, buf, sizeof(buf)), 0);
	CHECK(!memcmp(buf, expect, sizeof(buf)));
	/* A read straddling written and original chunks, in two segments. */
	request(&req, BLOCKDEV_READ, 6, buf, 1024);
	req.nr_segs = 2;
	req.segs[1] = (struct blockdev_seg){ buf + 1024, 2048 };
	CHECK_EQ(blockdev_submit(bd, &req), 0);
	CHECK(!memcmp(buf, expect + 6 * 512, 3072));
	/* A flush does nothing and succeeds. */
	request(&req, BLOCKDEV_FLUSH, 0, NULL, 0);
	CHECK_EQ(blockdev_submit(bd, &req), 0);
	/* A second disk over the same file starts from the file. */
	struct blockdev *other = NULL;

	CHECK_EQ(blockdev_create_bundle("disk.img", "rd1", false, &other), 0);
	if (other) {
		CHECK_EQ(blockdev_read(other, 0, buf,
				       sizeof(file_bytes) / 512 * 512),
			 0);
		CHECK(!memcmp(buf, file_bytes, sizeof(file_bytes) / 512 * 512));
		blockdev_unregister(other);
	}
	/* Unregistering frees every chunk (LeakSanitizer checks too). */
	CHECK_EQ(blockdev_unregister(bd), 0);
	CHECK_EQ(pages_out, 0);
}

UNIT_TEST(bundle_disk_discard)
{
	static u8 buf[10240], zero[4096];
	struct blockdev_request req;
	struct blockdev *bd = NULL;

	bundle_setup();
	CHECK_EQ(blockdev_create_bundle("disk.img", "rd0", false, &bd), 0);
	if (!bd)
		return;
	memset(buf, 0xc3, 4096);
	CHECK_EQ(blockdev_write(bd, 0, buf, 4096), 0); /* chunk 0 copied */
	CHECK_EQ(pages_out, 1);
	/* Whole chunks 0 (written) and 1 (original) read as zeroes. */
	request(&req, BLOCKDEV_DISCARD, 0, NULL, 0);
	req.nr_sectors = 16;
	CHECK_EQ(blockdev_submit(bd, &req), 0);
	CHECK_EQ(pages_out, 0);
	CHECK_EQ(blockdev_read(bd, 0, buf, 8192), 0);
	CHECK(!memcmp(buf, zero, 4096) && !memcmp(buf + 4096, zero, 4096));
	/* A partial chunk keeps its data. */
	request(&req, BLOCKDEV_DISCARD, 17, NULL, 0);
	req.nr_sectors = 2;
	CHECK_EQ(blockdev_submit(bd, &req), 0);
	CHECK_EQ(blockdev_read(bd, 17, buf, 1024), 0);
	CHECK(!memcmp(buf, file_bytes + 17 * 512, 1024));
	/* The short last chunk, to the disk's end, is whole. */
	request(&req, BLOCKDEV_DISCARD, 16, NULL, 0);
	req.nr_sectors = 4;
	CHECK_EQ(blockdev_submit(bd, &req), 0);
	CHECK_EQ(blockdev_read(bd, 16, buf, 2048), 0);
	CHECK(!memcmp(buf, zero, 2048));
	/* Written after a discard: zeroes around the new bytes. */
	memset(buf, 0xd4, 512);
	CHECK_EQ(blockdev_write(bd, 1, buf, 512), 0);
	CHECK_EQ(blockdev_read(bd, 0, buf, 4096), 0);
	CHECK(!memcmp(buf, zero, 512) && buf[512] == 0xd4 &&
	      buf[1023] == 0xd4 && !memcmp(buf + 1024, zero, 3072));
	CHECK(bundle_untouched());
	CHECK_EQ(bd->stats.discards, 3);
	CHECK_EQ(blockdev_unregister(bd), 0);
}

UNIT_TEST(bundle_disk_refusals)
{
	static u8 buf[512];
	struct blockdev *bd = NULL, *other = NULL;

	bundle_setup();
	CHECK_EQ(blockdev_create_bundle("nope.img", "rd0", false, &bd),
		 -ENOENT);
	CHECK_EQ(blockdev_create_bundle("empty", "rd0", false, &bd), -EINVAL);
	CHECK_EQ(blockdev_create_bundle("disk.img", "Bad Name", false, &bd),
		 -EINVAL);
	CHECK_EQ(blockdev_create_bundle("disk.img", "a-name-much-too-long",
					false, &bd),
		 -EINVAL);
	CHECK(bd == NULL);
	CHECK_EQ(blockdev_create_bundle("disk.img", "rd0", true, &bd), 0);
	CHECK_EQ(blockdev_create_bundle("disk.img", "rd0", false, &other),
		 -EEXIST);
	CHECK(other == NULL);
	if (!bd)
		return;
	CHECK(bd->read_only);
	CHECK_EQ(blockdev_write(bd, 0, buf, 512), -EROFS);
	CHECK(bundle_untouched());
	CHECK_EQ(blockdev_unregister(bd), 0);
	CHECK_EQ(registered(), 0);
}

UNIT_MAIN();
