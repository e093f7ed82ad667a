// SPDX-License-Identifier: GPL-2.0
/*
 * core/virtio/virtqueue.c, the device side of split virtqueues, against a
 * driver written here the way a guest's would be: rings and buffers laid
 * out in fake guest RAM (host arrays behind a real core/aspace.c address
 * space with two adjacent RAM regions, a hole, ROM and an emulated
 * region), chains added and the available index bumped, then popped,
 * pushed and notified. Every malformed ring or chain the header lists
 * breaks the queue; ASan checks nothing outside the fake RAM is touched.
 */
#include "unit.h"
#include <string.h>
#include <sys/mman.h>

#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/virtqueue.h>

/* The guest's memory map. */
#define RAM_A 0x40000000ULL /* 64 KiB: rings, buffers, indirect tables */
#define RAM_B 0x40010000ULL /* 64 KiB, adjacent to A in the guest only */
#define RAM_SIZE 0x10000ULL
#define HOLE 0x40020000ULL /* nothing up to ROM */
#define ROM 0x40030000ULL
#define ROM_SIZE 0x1000ULL
#define MMIO 0x09000000ULL
#define BIG 0x100000000ULL /* 8 GiB, reserved not touched: for lengths */
#define BIG_SIZE GiB(8)

/* Where the test's driver puts things in RAM_A. */
#define DESC (RAM_A + 0x0000)
#define AVAIL (RAM_A + 0x2000)
#define USED (RAM_A + 0x3000)
#define BUF (RAM_A + 0x8000)
#define TABLE (RAM_A + 0x6000)

static _Alignas(4096) u8 ram_a[RAM_SIZE];
static _Alignas(4096) u8 ram_b[RAM_SIZE];
static _Alignas(4096) u8 rom[ROM_SIZE];
static u8 *big;

static struct aspace as;
static struct virtqueue vq;
static struct virtqueue_chain chain;
static char why[160];

static void add_region(u64 gpa, u64 size, enum region_type type, void *host)
{
	struct region r;

	memset(&r, 0, sizeof(r));
	r.gpa = gpa;
	r.size = size;
	r.type = type;
	r.host = host;
	strcpy(r.name, "test");
	if (aspace_insert(&as, &r, NULL))
		abort();
}

/* ---- the driver ---- */

static struct {
	unsigned int num;
	u16 avail_idx; /* what the driver has published */
	u16 added; /* entries placed after it, not yet published */
} drv;

/* The test's view of guest RAM: only RAM_A and RAM_B are written. */
static void *gpa_host(u64 gpa)
{
	if (gpa >= RAM_A && gpa < RAM_A + RAM_SIZE)
		return ram_a + (gpa - RAM_A);
	if (gpa >= RAM_B && gpa < RAM_B + RAM_SIZE)
		return ram_b + (gpa - RAM_B);
	abort();
}

static struct virtq_desc *desc_at(u64 table, unsigned int i)
{
	return gpa_host(table + 16ULL * i);
}

static void set_desc(u64 table, unsigned int i, u64 addr, u32 len, u16 flags,
		     u16 next)
{
	struct virtq_desc *d = desc_at(table, i);

	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

static struct virtq_avail *avail(void)
{
	return gpa_host(AVAIL);
}

static struct virtq_used *used(void)
{
	return gpa_host(USED);
}

static u16 *used_event(void)
{
	return &avail()->ring[drv.num];
}

static u16 *avail_event(void)
{
	return (u16 *)&used()->ring[drv.num];
}

/* Place a chain's head in the next available ring entry. */
static void offer(u16 head)
{
	avail()->ring[(u16)(drv.avail_idx + drv.added) % drv.num] = head;
	drv.added++;
}

/* Publish what was offered (2.7.13.3: barrier, then idx). */
static void kick(void)
{
	__sync_synchronize();
	drv.avail_idx += drv.added;
	drv.added = 0;
	avail()->idx = drv.avail_idx;
}

/* A driver's fresh rings (2.7.10: used flags 0) and a device's setup. */
static int setup_features(unsigned int num, u64 features)
{
	memset(ram_a, 0xa5, sizeof(ram_a));
	memset(ram_b, 0xb6, sizeof(ram_b));
	memset(gpa_host(AVAIL), 0, 0x1000);
	memset(gpa_host(USED), 0, 0x1000);
	memset(&drv, 0, sizeof(drv));
	drv.num = num;
	memset(&vq, 0, sizeof(vq));
	why[0] = 0;
	return virtqueue_setup(&vq, &as, num, DESC, AVAIL, USED, features, why,
			       sizeof(why));
}

#define F_INDIRECT (1ULL << VIRTIO_F_INDIRECT_DESC)
#define F_EVENT_IDX (1ULL << VIRTIO_F_EVENT_IDX)

static void setup(unsigned int num)
{
	if (setup_features(num, F_INDIRECT))
		abort();
}

/* One descriptor chain of one buffer: offered and kicked. */
static void offer_one(u16 id, u64 addr, u32 len, u16 flags)
{
	set_desc(DESC, id, addr, len, flags, 0);
	offer(id);
	kick();
}

/* A malformed ring: the error, the reason, the queue broken for good. */
static void check_broken(int err, const char *reason)
{
	u64 malformed = vq.stats.malformed;
	int first = virtqueue_pop(&vq, &chain);

	CHECK_EQ(first, err);
	CHECK(vq.why && strstr(vq.why, reason));
	if (!vq.why || !strstr(vq.why, reason))
		printf("  why: %s\n", vq.why ? vq.why : "(null)");
	CHECK_EQ(vq.stats.malformed, malformed + 1);
	CHECK_EQ(vq.stats.popped, 0);
	/* Still broken, counted once, even with good work offered. */
	offer_one(0, BUF, 16, 0);
	CHECK_EQ(virtqueue_pop(&vq, &chain), err);
	CHECK_EQ(vq.stats.malformed, malformed + 1);
	CHECK_EQ(used()->idx, 0);
}

__attribute__((constructor)) static void make_guest(void)
{
	big = mmap(NULL, BIG_SIZE, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (big == MAP_FAILED)
		abort();
	add_region(RAM_A, RAM_SIZE, REGION_RAM, ram_a);
	add_region(RAM_B, RAM_SIZE, REGION_RAM, ram_b);
	add_region(ROM, ROM_SIZE, REGION_ROM, rom);
	add_region(MMIO, 0x1000, REGION_EMULATED, NULL);
	add_region(BIG, BIG_SIZE, REGION_RAM, big);
}

/* ---- setup ---- */

UNIT_TEST(setup_adopts_the_rings)
{
	CHECK_EQ(setup_features(16, F_INDIRECT | F_EVENT_IDX), 0);
	CHECK_EQ(vq.num, 16);
	CHECK(vq.event_idx);
	CHECK(vq.indirect);
	CHECK(vq.as == &as);
	CHECK(vq.desc == gpa_host(DESC));
	CHECK(vq.avail == gpa_host(AVAIL));
	CHECK(vq.used == gpa_host(USED));
	CHECK_EQ(vq.last_avail, 0);
	CHECK_EQ(vq.used_idx, 0);
	CHECK_EQ(vq.broken, 0);
	CHECK_EQ(setup_features(1, 0), 0);
	CHECK(!vq.event_idx && !vq.indirect);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 0);
}

UNIT_TEST(setup_refuses_sizes_not_a_power_of_2_up_to_32768)
{
	static const unsigned int bad[] = { 0, 3, 6, 100, 32769, 65536, 65535 };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		char num[16];

		CHECK_EQ(setup_features(bad[i], 0), -EINVAL);
		snprintf(num, sizeof(num), "size %u ", bad[i]);
		CHECK(strstr(why, num) != NULL);
		CHECK_EQ(vq.num, 0);
		CHECK_EQ(virtqueue_pop(&vq, &chain), -EINVAL);
	}
	/* 32768 is the largest; its table (512 KiB) lies in BIG. */
	memset(&vq, 0, sizeof(vq));
	CHECK_EQ(virtqueue_setup(&vq, &as, 32768, BIG, BIG + MiB(1),
				 BIG + MiB(2), 0, why, sizeof(why)),
		 0);
	CHECK_EQ(vq.num, 32768);
}

UNIT_TEST(setup_refuses_misaligned_rings)
{
	memset(&vq, 0, sizeof(vq));
	CHECK_EQ(virtqueue_setup(&vq, &as, 8, DESC + 8, AVAIL, USED, 0, why,
				 sizeof(why)),
		 -EINVAL);
	CHECK(strstr(why, "descriptor table at 0x40000008") != NULL);
	CHECK(strstr(why, "16-byte aligned") != NULL);
	CHECK_EQ(virtqueue_setup(&vq, &as, 8, DESC, AVAIL + 1, USED, 0, why,
				 sizeof(why)),
		 -EINVAL);
	CHECK(strstr(why, "available ring at 0x40002001") != NULL);
	CHECK_EQ(virtqueue_setup(&vq, &as, 8, DESC, AVAIL, USED + 2, 0, why,
				 sizeof(why)),
		 -EINVAL);
	CHECK(strstr(why, "used ring at 0x40003002 is not 4-byte") != NULL);
	CHECK_EQ(vq.num, 0);
	/* The smallest alignments are enough. */
	CHECK_EQ(virtqueue_setup(&vq, &as, 8, DESC + 16, AVAIL + 2, USED + 4, 0,
				 why, sizeof(why)),
		 0);
}

UNIT_TEST(setup_refuses_rings_outside_one_ram_region)
{
	static const struct {
		u64 desc, avail, used;
		const char *reason;
	} bad[] = {
		{ HOLE, AVAIL, USED, "descriptor table at 0x40020000" },
		{ ROM, AVAIL, USED, "descriptor table at 0x40030000" },
		{ MMIO, AVAIL, USED, "descriptor table at 0x9000000" },
		{ 0, AVAIL, USED, "descriptor table at 0x0" },
		/* Ends in the hole. */
		{ RAM_B + RAM_SIZE - 0x80, AVAIL, USED, "descriptor table" },
		/* Spans the two RAM regions: one region each, by design. */
		{ RAM_B - 0x80, AVAIL, USED, "descriptor table at 0x4000ff80" },
		{ DESC, RAM_B + RAM_SIZE - 4, USED, "available ring" },
		{ DESC, AVAIL, RAM_B - 0x40, "used ring at 0x4000ffc0" },
		{ DESC, AVAIL, 0xfffffffffffffff0ULL, "used ring" },
		{ 0xfffffffffffffff0ULL, AVAIL, USED, "descriptor table" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&vq, 0, sizeof(vq));
		why[0] = 0;
		CHECK_EQ(virtqueue_setup(&vq, &as, 16, bad[i].desc,
					 bad[i].avail, bad[i].used, 0, why,
					 sizeof(why)),
			 -EINVAL);
		CHECK(strstr(why, bad[i].reason) != NULL);
		CHECK(strstr(why, "not inside one RAM region") != NULL);
		CHECK_EQ(vq.num, 0);
	}
}

UNIT_TEST(setup_counts_the_event_words_only_with_event_idx)
{
	/* An avail ring of 8 entries is 20 bytes, 22 with used_event. */
	u64 avail_end = RAM_B + RAM_SIZE - 20, used_end = RAM_B + RAM_SIZE - 68;

	memset(&vq, 0, sizeof(vq));
	CHECK_EQ(virtqueue_setup(&vq, &as, 8, DESC, avail_end, USED, 0, why,
				 sizeof(why)),
		 0);
	CHECK_EQ(virtqueue_setup(&vq, &as, 8, DESC, avail_end, USED,
				 F_EVENT_IDX, why, sizeof(why)),
		 -EINVAL);
	CHECK(strstr(why, "available ring") != NULL);
	CHECK_EQ(virtqueue_setup(&vq, &as, 8, DESC, AVAIL, used_end, 0, why,
				 sizeof(why)),
		 0);
	CHECK_EQ(virtqueue_setup(&vq, &as, 8, DESC, AVAIL, used_end,
				 F_EVENT_IDX, why, sizeof(why)),
		 -EINVAL);
	CHECK(strstr(why, "used ring") != NULL);
}

UNIT_TEST(setup_refuses_packed_rings)
{
	CHECK_EQ(setup_features(8, 1ULL << VIRTIO_F_RING_PACKED), -EINVAL);
	CHECK(strstr(why, "VIRTIO_F_RING_PACKED") != NULL);
	CHECK_EQ(vq.num, 0);
}

/* ---- pop and push ---- */

UNIT_TEST(pop_of_an_empty_ring_returns_0)
{
	setup(8);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 0);
	/* Offered but not kicked: not visible yet. */
	set_desc(DESC, 0, BUF, 16, 0, 0);
	offer(0);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 0);
	kick();
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 0);
}

UNIT_TEST(pop_one_readable_buffer)
{
	setup(8);
	offer_one(5, BUF + 0x10, 100, 0);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(chain.head, 5);
	CHECK_EQ(chain.nr_segs, 1);
	CHECK(chain.segs[0].host == gpa_host(BUF + 0x10));
	CHECK_EQ(chain.segs[0].len, 100);
	CHECK(!chain.segs[0].writable);
	CHECK_EQ(chain.readable, 100);
	CHECK_EQ(chain.writable, 0);
	CHECK_EQ(vq.last_avail, 1);
	CHECK_EQ(vq.stats.popped, 1);
	CHECK_EQ(vq.stats.bytes_read, 100);
}

UNIT_TEST(pop_a_request_of_readable_then_writable_descriptors)
{
	/* A virtio-blk read: header, then data and status to write. */
	setup(8);
	set_desc(DESC, 2, BUF, 16, VIRTQ_DESC_F_NEXT, 7);
	set_desc(DESC, 7, BUF + 0x200, 512,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
	set_desc(DESC, 0, BUF + 0x1000, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(2);
	kick();
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(chain.head, 2);
	CHECK_EQ(chain.nr_segs, 3);
	CHECK(chain.segs[0].host == gpa_host(BUF));
	CHECK_EQ(chain.segs[0].len, 16);
	CHECK(!chain.segs[0].writable);
	CHECK(chain.segs[1].host == gpa_host(BUF + 0x200));
	CHECK_EQ(chain.segs[1].len, 512);
	CHECK(chain.segs[1].writable);
	CHECK(chain.segs[2].host == gpa_host(BUF + 0x1000));
	CHECK_EQ(chain.segs[2].len, 1);
	CHECK(chain.segs[2].writable);
	CHECK_EQ(chain.readable, 16);
	CHECK_EQ(chain.writable, 513);
}

UNIT_TEST(buffer_across_adjacent_ram_regions_is_two_segments)
{
	setup(8);
	offer_one(1, RAM_B - 0x30, 0x100, VIRTQ_DESC_F_WRITE);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(chain.nr_segs, 2);
	CHECK(chain.segs[0].host == ram_a + RAM_SIZE - 0x30);
	CHECK_EQ(chain.segs[0].len, 0x30);
	CHECK(chain.segs[1].host == ram_b);
	CHECK_EQ(chain.segs[1].len, 0xd0);
	CHECK(chain.segs[0].writable && chain.segs[1].writable);
	CHECK_EQ(chain.writable, 0x100);
}

UNIT_TEST(push_fills_the_used_ring_then_its_index)
{
	setup(8);
	offer_one(3, BUF, 64, VIRTQ_DESC_F_WRITE);
	offer_one(6, BUF + 64, 64, 0);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(vq.in_flight, 2);
	/* Out of order is allowed: the driver matches by id. */
	CHECK_EQ(virtqueue_push(&vq, 6, 0), 0);
	CHECK_EQ(used()->idx, 1);
	CHECK_EQ(used()->ring[0].id, 6);
	CHECK_EQ(used()->ring[0].len, 0);
	CHECK_EQ(virtqueue_push(&vq, 3, 40), 0);
	CHECK_EQ(used()->idx, 2);
	CHECK_EQ(used()->ring[1].id, 3);
	CHECK_EQ(used()->ring[1].len, 40);
	CHECK_EQ(vq.in_flight, 0);
	CHECK_EQ(vq.stats.pushed, 2);
	CHECK_EQ(vq.stats.bytes_written, 40);
	CHECK_EQ(vq.stats.bytes_read, 64);
	/* The device never writes the avail ring or the flags. */
	CHECK_EQ(used()->flags, 0);
	CHECK_EQ(avail()->idx, 2);
}

UNIT_TEST(push_refuses_device_bugs_and_touches_nothing)
{
	struct virtq_used before;

	memset(&vq, 0, sizeof(vq));
	CHECK_EQ(virtqueue_push(&vq, 0, 0), -EINVAL);
	CHECK(strstr(vq.why, "not set up") != NULL);
	setup(8);
	memcpy(&before, used(), sizeof(before));
	CHECK_EQ(virtqueue_push(&vq, 0, 0), -EINVAL);
	CHECK(strstr(vq.why, "no chain in flight") != NULL);
	offer_one(0, BUF, 8, 0);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(virtqueue_push(&vq, 8, 0), -EINVAL);
	CHECK(strstr(vq.why, "outside the descriptor table") != NULL);
	CHECK(!memcmp(&before, used(), sizeof(before)));
	CHECK_EQ(used()->ring[0].id, 0);
	CHECK_EQ(vq.in_flight, 1);
	CHECK_EQ(vq.broken, 0); /* the device's bug, not the guest's */
	CHECK_EQ(virtqueue_push(&vq, 0, 0), 0);
}

UNIT_TEST(unpop_gives_the_chain_back_for_the_next_pop)
{
	setup(8);
	CHECK_EQ(virtqueue_unpop(&vq), -EINVAL);
	offer_one(4, BUF, 32, 0);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(virtqueue_unpop(&vq), 0);
	CHECK_EQ(vq.in_flight, 0);
	CHECK_EQ(vq.last_avail, 0);
	CHECK_EQ(used()->idx, 0);
	memset(&chain, 0, sizeof(chain));
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(chain.head, 4);
	CHECK_EQ(chain.readable, 32);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 0);
}

UNIT_TEST(indices_wrap_at_65536)
{
	/* Far past 2^16 entries, one at a time, through a ring of 4. */
	setup(4);
	for (unsigned int n = 0; n < 70000; n++) {
		u16 id = n % 4;

		offer_one(id, BUF + id, 1 + id, 0);
		if (virtqueue_pop(&vq, &chain) != 1 || chain.head != id ||
		    chain.readable != 1u + id) {
			CHECK(!"pop failed");
			return;
		}
		if (virtqueue_push(&vq, id, id)) {
			CHECK(!"push failed");
			return;
		}
	}
	CHECK_EQ(vq.last_avail, (u16)70000);
	CHECK_EQ(used()->idx, (u16)70000);
	CHECK_EQ(used()->ring[(70000 - 1) % 4].id, (70000 - 1) % 4);
	CHECK_EQ(vq.stats.popped, 70000);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 0);
}

UNIT_TEST(a_full_ring_pops_num_chains)
{
	setup(8);
	for (u16 i = 0; i < 8; i++) {
		set_desc(DESC, i, BUF + 0x100 * i, 0x100, 0, 0);
		offer(7 - i);
	}
	kick();
	for (u16 i = 0; i < 8; i++) {
		CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
		CHECK_EQ(chain.head, 7 - i);
		CHECK(chain.segs[0].host == gpa_host(BUF + 0x100 * (7 - i)));
	}
	CHECK_EQ(virtqueue_pop(&vq, &chain), 0);
	CHECK_EQ(vq.in_flight, 8);
}

/* ---- indirect descriptors (2.7.5.3) ---- */

UNIT_TEST(indirect_table_is_walked)
{
	setup(8);
	set_desc(TABLE, 0, BUF, 12, VIRTQ_DESC_F_NEXT, 2);
	set_desc(TABLE, 2, BUF + 0x100, 1500, VIRTQ_DESC_F_NEXT, 1);
	set_desc(TABLE, 1, BUF + 0x1000, 64, VIRTQ_DESC_F_WRITE, 0);
	offer_one(3, TABLE, 3 * 16, VIRTQ_DESC_F_INDIRECT);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(chain.head, 3);
	CHECK_EQ(chain.nr_segs, 3);
	CHECK(chain.segs[0].host == gpa_host(BUF));
	CHECK_EQ(chain.segs[0].len, 12);
	CHECK(chain.segs[1].host == gpa_host(BUF + 0x100));
	CHECK_EQ(chain.segs[1].len, 1500);
	CHECK(!chain.segs[1].writable);
	CHECK(chain.segs[2].host == gpa_host(BUF + 0x1000));
	CHECK(chain.segs[2].writable);
	CHECK_EQ(chain.readable, 1512);
	CHECK_EQ(chain.writable, 64);
	CHECK_EQ(virtqueue_push(&vq, 3, 64), 0);
	CHECK_EQ(used()->ring[0].id, 3);
}

UNIT_TEST(direct_descriptors_then_an_indirect_table)
{
	/* 2.7.5.3.2: the device MUST handle this layout. */
	setup(8);
	set_desc(DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	/* The WRITE flag of the table's descriptor is ignored. */
	set_desc(DESC, 1, TABLE, 32, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE,
		 0);
	set_desc(TABLE, 0, BUF + 8, 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(TABLE, 1, BUF + 16, 8, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	kick();
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(chain.nr_segs, 3);
	CHECK(!chain.segs[0].writable && !chain.segs[1].writable);
	CHECK(chain.segs[2].writable);
	CHECK_EQ(chain.readable, 16);
	CHECK_EQ(chain.writable, 8);
}

UNIT_TEST(indirect_table_across_adjacent_ram_regions)
{
	u64 table = RAM_B - 16; /* entry 0 in A, entry 1 in B */

	setup(8);
	set_desc(table, 0, BUF, 4, VIRTQ_DESC_F_NEXT, 1);
	set_desc(table, 1, BUF + 4, 4, VIRTQ_DESC_F_WRITE, 0);
	offer_one(0, table, 32, VIRTQ_DESC_F_INDIRECT);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(chain.readable, 4);
	CHECK_EQ(chain.writable, 4);
}

UNIT_TEST(zero_length_descriptors_give_no_segment)
{
	/* 2.7.5 does not forbid them; they add nothing to the chain. */
	setup(8);
	set_desc(DESC, 0, BUF, 0, VIRTQ_DESC_F_NEXT, 1);
	set_desc(DESC, 1, BUF, 10, VIRTQ_DESC_F_NEXT, 2);
	/* Even at an address outside RAM: no byte of it is described. */
	set_desc(DESC, 2, HOLE, 0, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
	set_desc(DESC, 3, BUF + 10, 6, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	kick();
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(chain.nr_segs, 2);
	CHECK_EQ(chain.segs[0].len, 10);
	CHECK_EQ(chain.segs[1].len, 6);
	CHECK_EQ(chain.readable, 10);
	CHECK_EQ(chain.writable, 6);
	/* A zero-length readable one after a writable is still refused. */
	setup(8);
	set_desc(DESC, 0, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(DESC, 1, BUF, 0, 0, 0);
	offer(0);
	kick();
	check_broken(-EINVAL, "device-readable descriptor after");
}

UNIT_TEST(limits_are_inclusive)
{
	u16 i;

	/* VIRTQUEUE_MAX_SEGS segments, and a chain of 4 GiB - 1 bytes. */
	setup(512);
	for (i = 0; i < VIRTQUEUE_MAX_SEGS; i++)
		set_desc(DESC, i, BUF + i, 1, VIRTQ_DESC_F_NEXT, i + 1);
	desc_at(DESC, VIRTQUEUE_MAX_SEGS - 1)->flags = 0;
	offer(0);
	set_desc(DESC, 300, BIG, 0xfffffffe, VIRTQ_DESC_F_NEXT, 301);
	set_desc(DESC, 301, BIG + GiB(5), 1, VIRTQ_DESC_F_WRITE, 0);
	offer(300);
	kick();
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(chain.nr_segs, VIRTQUEUE_MAX_SEGS);
	CHECK_EQ(chain.readable, VIRTQUEUE_MAX_SEGS);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(chain.nr_segs, 2);
	CHECK(chain.segs[0].host == big);
	CHECK_EQ(chain.segs[0].len, 0xfffffffe);
	CHECK(chain.segs[1].host == big + GiB(5));
	CHECK_EQ(chain.readable + (u64)chain.writable, 0xffffffffULL);
	/* An indirect table of the largest size. */
	setup(8);
	for (i = 0; i < VIRTQUEUE_MAX_INDIRECT; i++)
		set_desc(RAM_B, i, BUF, 0, 0, 0);
	set_desc(RAM_B, 0, BUF, 1, 0, 0);
	offer_one(0, RAM_B, VIRTQUEUE_MAX_INDIRECT * 16, VIRTQ_DESC_F_INDIRECT);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(chain.readable, 1);
}

/* ---- malformed rings and chains: each breaks the queue ---- */

UNIT_TEST(malformed_avail_idx_too_far_ahead)
{
	setup(8);
	avail()->idx = 9;
	check_broken(-EINVAL, "available index more than the queue size");
	/* Exactly num ahead is a full ring, not malformed. */
	setup(8);
	for (u16 i = 0; i < 8; i++)
		set_desc(DESC, i, BUF, 1, 0, 0);
	avail()->idx = 8;
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	/* Behind (an idx that went down) is as far ahead as it wraps. */
	setup(8);
	avail()->idx = 0xffff;
	check_broken(-EINVAL, "available index");
}

UNIT_TEST(malformed_head_outside_the_table)
{
	setup(8);
	set_desc(DESC, 0, BUF, 1, 0, 0);
	offer(8);
	kick();
	check_broken(-EINVAL, "head index outside");
	setup(8);
	offer(0xffff);
	kick();
	check_broken(-EINVAL, "head index outside");
}

UNIT_TEST(malformed_next_outside_the_table)
{
	setup(8);
	set_desc(DESC, 0, BUF, 1, VIRTQ_DESC_F_NEXT, 8);
	offer(0);
	kick();
	check_broken(-EINVAL, "next index outside");
	/* In an indirect table, next counts in the table's entries. */
	setup(8);
	set_desc(TABLE, 0, BUF, 1, VIRTQ_DESC_F_NEXT, 2);
	offer_one(0, TABLE, 32, VIRTQ_DESC_F_INDIRECT);
	check_broken(-EINVAL, "next index outside");
}

UNIT_TEST(malformed_loops_end)
{
	setup(8);
	set_desc(DESC, 0, BUF, 1, VIRTQ_DESC_F_NEXT, 0);
	offer(0);
	kick();
	check_broken(-EINVAL, "a loop");
	/* A longer loop, of zero-length descriptors (no segments). */
	setup(8);
	for (u16 i = 0; i < 8; i++)
		set_desc(DESC, i, BUF, 0, VIRTQ_DESC_F_NEXT, (i + 3) % 8);
	offer(5);
	kick();
	check_broken(-EINVAL, "a loop");
	/* And inside an indirect table. */
	setup(8);
	set_desc(TABLE, 0, BUF, 0, VIRTQ_DESC_F_NEXT, 1);
	set_desc(TABLE, 1, BUF, 0, VIRTQ_DESC_F_NEXT, 0);
	offer_one(0, TABLE, 64, VIRTQ_DESC_F_INDIRECT);
	check_broken(-EINVAL, "a loop");
}

UNIT_TEST(malformed_indirect_with_next)
{
	setup(8);
	set_desc(DESC, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT,
		 1);
	set_desc(DESC, 1, BUF, 1, 0, 0);
	set_desc(TABLE, 0, BUF, 1, 0, 0);
	offer(0);
	kick();
	check_broken(-EINVAL, "indirect descriptor with NEXT");
}

UNIT_TEST(malformed_indirect_inside_an_indirect_table)
{
	setup(8);
	set_desc(TABLE, 0, BUF, 1, VIRTQ_DESC_F_NEXT, 1);
	set_desc(TABLE, 1, TABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	offer_one(0, TABLE, 32, VIRTQ_DESC_F_INDIRECT);
	check_broken(-EINVAL, "inside an indirect table");
}

UNIT_TEST(malformed_indirect_table_sizes)
{
	static const u32 bad[] = { 0, 8, 17, 33, 0xfffffff0 };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		setup(8);
		set_desc(TABLE, 0, BUF, 1, 0, 0);
		offer_one(0, TABLE, bad[i], VIRTQ_DESC_F_INDIRECT);
		check_broken(-EINVAL, bad[i] == 0xfffffff0 ? "too large" :
							     "multiple of 16");
	}
	setup(8);
	set_desc(RAM_B, 0, BUF, 1, 0, 0);
	offer_one(0, RAM_B, (VIRTQUEUE_MAX_INDIRECT + 1) * 16,
		  VIRTQ_DESC_F_INDIRECT);
	check_broken(-EINVAL, "indirect table too large");
}

UNIT_TEST(malformed_indirect_not_negotiated)
{
	CHECK_EQ(setup_features(8, F_EVENT_IDX), 0);
	set_desc(TABLE, 0, BUF, 1, 0, 0);
	offer_one(0, TABLE, 16, VIRTQ_DESC_F_INDIRECT);
	check_broken(-EINVAL, "without VIRTIO_F_INDIRECT_DESC");
}

UNIT_TEST(malformed_indirect_table_outside_ram)
{
	static const u64 bad[] = { HOLE, ROM, MMIO, RAM_B + RAM_SIZE - 16,
				   0xfffffffffffffff0ULL };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		setup(8);
		offer_one(0, bad[i], 32, VIRTQ_DESC_F_INDIRECT);
		check_broken(-EFAULT, "indirect table outside guest RAM");
	}
}

UNIT_TEST(malformed_readable_after_writable)
{
	setup(8);
	set_desc(DESC, 0, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(DESC, 1, BUF + 4, 4, 0, 0);
	offer(0);
	kick();
	check_broken(-EINVAL, "device-readable descriptor after");
	/* Across the switch into an indirect table too. */
	setup(8);
	set_desc(DESC, 0, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(DESC, 1, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	set_desc(TABLE, 0, BUF + 4, 4, 0, 0);
	offer(0);
	kick();
	check_broken(-EINVAL, "device-readable descriptor after");
}

UNIT_TEST(malformed_buffers_outside_guest_ram)
{
	static const struct {
		u64 addr;
		u32 len;
		int err;
		const char *reason;
	} bad[] = {
		{ HOLE, 1, -EFAULT, "outside guest RAM" },
		{ HOLE - 1, 2, -EFAULT, "outside guest RAM" }, /* ends in it */
		{ ROM, 1, -EFAULT, "outside guest RAM" },
		{ MMIO, 4, -EFAULT, "outside guest RAM" },
		{ 0, 1, -EFAULT, "outside guest RAM" },
		{ RAM_A - 1, 2, -EFAULT, "outside guest RAM" },
		{ BUF, 0xfffffff0, -EFAULT, "outside guest RAM" },
		{ 0xffffffffffffff00ULL, 0x100, -EFAULT, "outside guest RAM" },
		{ 0xffffffffffffff00ULL, 0x101, -EFAULT, "wraps past 2^64" },
		{ ~0ULL, 2, -EFAULT, "wraps past 2^64" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		setup(8);
		set_desc(DESC, 0, BUF, 4, VIRTQ_DESC_F_NEXT, 1);
		set_desc(DESC, 1, bad[i].addr, bad[i].len, VIRTQ_DESC_F_WRITE,
			 0);
		offer(0);
		kick();
		check_broken(bad[i].err, bad[i].reason);
	}
	/* The same in an indirect table. */
	setup(8);
	set_desc(TABLE, 0, ROM, 16, 0, 0);
	offer_one(0, TABLE, 16, VIRTQ_DESC_F_INDIRECT);
	check_broken(-EFAULT, "outside guest RAM");
}

UNIT_TEST(malformed_chains_too_long)
{
	u16 i;

	/* VIRTQUEUE_MAX_SEGS + 1 one-byte segments. */
	setup(512);
	for (i = 0; i <= VIRTQUEUE_MAX_SEGS; i++)
		set_desc(DESC, i, BUF + i, 1, VIRTQ_DESC_F_NEXT, i + 1);
	desc_at(DESC, VIRTQUEUE_MAX_SEGS)->flags = 0;
	offer(0);
	kick();
	check_broken(-EINVAL, "too many segments");
	/* VIRTQUEUE_MAX_SEGS descriptors, the last spanning two regions. */
	setup(512);
	for (i = 0; i < VIRTQUEUE_MAX_SEGS; i++)
		set_desc(DESC, i, BUF + i, 1, VIRTQ_DESC_F_NEXT, i + 1);
	set_desc(DESC, VIRTQUEUE_MAX_SEGS - 1, RAM_B - 1, 2, 0, 0);
	offer(0);
	kick();
	check_broken(-EINVAL, "too many segments");
	/* 4 GiB: one byte more than a chain may hold. */
	setup(8);
	set_desc(DESC, 0, BIG, 0xffffffff, VIRTQ_DESC_F_NEXT, 1);
	set_desc(DESC, 1, BIG + GiB(5), 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	kick();
	check_broken(-EINVAL, "chain longer than 4 GiB - 1");
	/* Lengths whose u32 sum would wrap to a small number. */
	setup(8);
	set_desc(DESC, 0, BIG, 0x80000000, VIRTQ_DESC_F_NEXT, 1);
	set_desc(DESC, 1, BIG + GiB(2), 0x80000000, VIRTQ_DESC_F_NEXT, 2);
	set_desc(DESC, 2, BIG + GiB(4), 0x10, 0, 0);
	offer(0);
	kick();
	check_broken(-EINVAL, "chain longer than 4 GiB - 1");
}

UNIT_TEST(broken_queue_recovers_only_by_setup_or_reset)
{
	setup(8);
	offer_one(0, HOLE, 1, 0);
	check_broken(-EFAULT, "outside guest RAM");
	CHECK_EQ(vq.broken, -EFAULT);
	/* Reset forgets the queue but not what happened to it. */
	virtqueue_reset(&vq);
	CHECK_EQ(vq.num, 0);
	CHECK_EQ(vq.broken, 0);
	CHECK_EQ(vq.stats.malformed, 1);
	CHECK_EQ(virtqueue_pop(&vq, &chain), -EINVAL);
	CHECK(strstr(vq.why, "not set up") != NULL);
	CHECK_EQ(vq.stats.malformed, 1);
	CHECK_EQ(virtqueue_setup(&vq, &as, 8, DESC, AVAIL, USED, F_INDIRECT,
				 why, sizeof(why)),
		 0);
	/* The driver starts again from index 0 (2.7.6). */
	drv.avail_idx = 0;
	drv.added = 0;
	offer_one(1, BUF, 3, 0);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(chain.head, 1);
	CHECK_EQ(vq.stats.malformed, 1);
}

/* ---- notifications (2.7.7, 2.7.10) ---- */

UNIT_TEST(need_event_across_the_16_bit_wrap)
{
	/* Notify when event lies in [old, new). */
	CHECK(vring_need_event(0, 1, 0));
	CHECK(!vring_need_event(1, 1, 0));
	CHECK(vring_need_event(0xffff, 0, 0xffff));
	CHECK(vring_need_event(0xfffe, 2, 0xfffd));
	CHECK(vring_need_event(0xffff, 2, 0xfffd));
	CHECK(vring_need_event(0, 2, 0xfffd));
	CHECK(vring_need_event(1, 2, 0xfffd));
	CHECK(!vring_need_event(2, 2, 0xfffd));
	CHECK(!vring_need_event(0xfffc, 2, 0xfffd));
	CHECK(!vring_need_event(5, 5, 5));
}

/* Pop and push n chains of descriptor 0. */
static void complete(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		offer_one(0, BUF, 1, 0);
		CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
		CHECK_EQ(virtqueue_push(&vq, 0, 0), 0);
	}
}

UNIT_TEST(notify_follows_no_interrupt_without_event_idx)
{
	setup(8);
	CHECK(!virtqueue_should_notify(&vq)); /* nothing pushed */
	complete(1);
	CHECK(virtqueue_should_notify(&vq));
	CHECK(!virtqueue_should_notify(&vq)); /* nothing since */
	avail()->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	complete(2);
	CHECK(!virtqueue_should_notify(&vq));
	avail()->flags = 0;
	/* used_event means nothing without EVENT_IDX. */
	*used_event() = 100;
	complete(1);
	CHECK(virtqueue_should_notify(&vq));
}

UNIT_TEST(notify_follows_used_event_with_event_idx)
{
	CHECK_EQ(setup_features(8, F_EVENT_IDX), 0);
	/* The NO_INTERRUPT bit is ignored with EVENT_IDX (2.7.7). */
	avail()->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	*used_event() = 0;
	complete(1); /* entry 0 written: used_event 0 reached */
	CHECK(virtqueue_should_notify(&vq));
	complete(1);
	CHECK(!virtqueue_should_notify(&vq));
	*used_event() = 4;
	complete(2); /* entries 2, 3 */
	CHECK(!virtqueue_should_notify(&vq));
	complete(3); /* entries 4..6 hold 4 */
	CHECK(virtqueue_should_notify(&vq));
	CHECK(!virtqueue_should_notify(&vq));
}

UNIT_TEST(notify_with_event_idx_across_the_wrap)
{
	CHECK_EQ(setup_features(4, F_EVENT_IDX), 0);
	*used_event() = 0xffff; /* not before entry 65535 */
	for (unsigned int n = 0; n < 0xfffe; n += 2) {
		complete(2);
		if (virtqueue_should_notify(&vq)) {
			CHECK(!"notified early");
			return;
		}
	}
	CHECK_EQ(vq.used_idx, 0xfffe);
	complete(1); /* entry 0xfffe */
	CHECK(!virtqueue_should_notify(&vq));
	complete(2); /* entries 0xffff and 0 */
	CHECK(virtqueue_should_notify(&vq));
	CHECK_EQ(used()->idx, 1);
	*used_event() = 1;
	complete(1);
	CHECK(virtqueue_should_notify(&vq));
}

UNIT_TEST(pop_with_event_idx_asks_for_the_next_entry)
{
	CHECK_EQ(setup_features(8, F_EVENT_IDX), 0);
	*avail_event() = 0x1234;
	offer_one(0, BUF, 1, 0);
	offer_one(1, BUF, 1, 0);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(*avail_event(), 1);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(*avail_event(), 2);
	/* Disable changes nothing with EVENT_IDX; flags stay 0 (2.7.10). */
	virtqueue_notify_disable(&vq);
	CHECK_EQ(used()->flags, 0);
	CHECK_EQ(*avail_event(), 2);
	CHECK(!virtqueue_notify_enable(&vq));
	CHECK_EQ(*avail_event(), 2);
	/* A driver that added meanwhile is seen by enable's re-check. */
	offer_one(2, BUF, 1, 0);
	CHECK(virtqueue_notify_enable(&vq));
	/* Without EVENT_IDX, avail_event is never written. */
	setup(8);
	*avail_event() = 0x1234;
	offer_one(0, BUF, 1, 0);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK_EQ(*avail_event(), 0x1234);
}

UNIT_TEST(notify_flag_without_event_idx)
{
	setup(8);
	virtqueue_notify_disable(&vq);
	CHECK_EQ(used()->flags, VIRTQ_USED_F_NO_NOTIFY);
	CHECK(!virtqueue_notify_enable(&vq));
	CHECK_EQ(used()->flags, 0);
	virtqueue_notify_disable(&vq);
	offer_one(0, BUF, 1, 0);
	CHECK(virtqueue_notify_enable(&vq));
	CHECK_EQ(used()->flags, 0);
	CHECK_EQ(virtqueue_pop(&vq, &chain), 1);
	CHECK(!virtqueue_notify_enable(&vq));
}

UNIT_TEST(calls_on_a_queue_not_set_up_touch_nothing)
{
	memset(&vq, 0, sizeof(vq));
	CHECK_EQ(virtqueue_pop(&vq, &chain), -EINVAL);
	CHECK(!virtqueue_should_notify(&vq));
	CHECK(!virtqueue_notify_enable(&vq));
	virtqueue_notify_disable(&vq);
	CHECK_EQ(virtqueue_unpop(&vq), -EINVAL);
	CHECK_EQ(vq.stats.malformed, 0);
}

UNIT_MAIN();
