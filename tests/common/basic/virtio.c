// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio driver written from the specification (VIRTIO 1.2) to test the
 * devices a hypervisor gives the firmware, one implementation for every
 * arch: the virtio-mmio transport version 2 (4.2), split virtqueues (2.7)
 * with indirect descriptors and VIRTIO_F_EVENT_IDX, the network device
 * (5.1), the block device (5.2), the console (5.3) and the entropy device
 * (5.4). It polls the used ring instead of taking interrupts, but reads
 * InterruptStatus where the spec says what it shows.
 *
 * `virtio` is a conformance run: every register, the initialisation
 * sequence of 3.1.1 with the feature negotiation's refusals, and each
 * request type with its status and used length, framed in the ways 2.6.4
 * allows. `virtio-hostile` is the driver the spec forbids: each case
 * breaks one rule (rings or buffers outside RAM, loops, huge lengths,
 * malformed indirect tables, registers written out of order or with the
 * wrong width), checks that the device refused it (DEVICE_NEEDS_RESET,
 * a queue that does not become ready, an access that faults, a write
 * that is ignored), then resets the device and checks it works again.
 * Malformed chains go on the queue the device walks when notified (a
 * network device's or console's transmit queue, whose buffers it reads;
 * their receive queues are walked only when a frame or input arrives),
 * ring set-up cases on every queue the device has, and each device type
 * gets its own cases as well (a block header the device cannot read,
 * packets shorter than their header or over the MTU, a console buffer
 * over what Keel sends of one).
 *
 * Guest-physical addresses are the firmware's own pointers: the MMU is
 * off (an identity map) while these run.
 */
#include "commands.h"

/* ---- virtio-mmio registers (4.2.2) ---- */
#define VIO_MAGIC 0x000
#define VIO_VERSION 0x004
#define VIO_DEVICE_ID 0x008
#define VIO_VENDOR_ID 0x00c
#define VIO_DEVICE_FEATURES 0x010
#define VIO_DEVICE_FEATURES_SEL 0x014
#define VIO_DRIVER_FEATURES 0x020
#define VIO_DRIVER_FEATURES_SEL 0x024
#define VIO_QUEUE_SEL 0x030
#define VIO_QUEUE_NUM_MAX 0x034
#define VIO_QUEUE_NUM 0x038
#define VIO_QUEUE_READY 0x044
#define VIO_QUEUE_NOTIFY 0x050
#define VIO_INTERRUPT_STATUS 0x060
#define VIO_INTERRUPT_ACK 0x064
#define VIO_STATUS 0x070
#define VIO_QUEUE_DESC_LOW 0x080
#define VIO_QUEUE_DESC_HIGH 0x084
#define VIO_QUEUE_DRIVER_LOW 0x090
#define VIO_QUEUE_DRIVER_HIGH 0x094
#define VIO_QUEUE_DEVICE_LOW 0x0a0
#define VIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIO_CONFIG_GENERATION 0x0fc
#define VIO_CONFIG 0x100
#define VIO_WINDOW 0x200

#define VIO_MAGIC_VALUE 0x74726976 /* "virt" */
#define INT_VRING 1 /* used buffer notification */
#define INT_CONFIG 2 /* configuration change */

/* ---- device status (2.1) ---- */
#define S_ACKNOWLEDGE 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 64
#define S_READY (S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)

/* ---- feature bits (5.2.3, 6) ---- */
#define BIT(n) (1ULL << (n))
#define F_BLK_SIZE_MAX 1
#define F_BLK_SEG_MAX 2
#define F_BLK_RO 5
#define F_BLK_BLK_SIZE 6
#define F_BLK_FLUSH 9
#define F_BLK_DISCARD 13
#define F_INDIRECT_DESC 28
#define F_EVENT_IDX 29
#define F_VERSION_1 32
#define F_RING_PACKED 34

#define F_NET_CSUM 0
#define F_NET_GUEST_CSUM 1
#define F_NET_MTU 3
#define F_NET_MAC 5
#define F_NET_MRG_RXBUF 15
#define F_NET_STATUS 16
#define F_NET_CTRL_VQ 17
#define F_CONS_SIZE 0
#define F_CONS_MULTIPORT 1
#define F_CONS_EMERG_WRITE 2
/* Bits 0-23 are the device type's (6). */
#define TYPE_FEATURES 0xffffffUL

#define ID_NET 1
#define ID_BLOCK 2
#define ID_CONSOLE 3
#define ID_RNG 4

/* ---- split virtqueue (2.7) ---- */
#define D_NEXT 1
#define D_WRITE 2
#define D_INDIRECT 4
#define AVAIL_NO_INTERRUPT 1

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* then used_event */
};

struct vq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vq_used {
	uint16_t flags;
	uint16_t idx;
	struct vq_used_elem ring[]; /* then avail_event */
};

/* ---- block requests (5.2.6) ---- */
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define T_DISCARD 11
#define BLK_S_OK 0
#define BLK_S_IOERR 1
#define BLK_S_UNSUPP 2
#define BLK_ID_BYTES 20
#define SECTOR 512
#define BLK_CFG_CAPACITY 0x00
#define BLK_CFG_SIZE_MAX 0x08
#define BLK_CFG_SEG_MAX 0x0c
#define BLK_CFG_BLK_SIZE 0x14

struct blk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct blk_discard {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags; /* bit 0: unmap */
};

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* The queue size this driver uses; a device must offer at least this. */
#define QSIZE 16
#define TIMEOUT_MS 2000
/* Indirect tables: the largest a device must refuse, 1024 + 1 entries. */
#define BIG_TABLE 1025

#define WANT_COMMON (BIT(F_VERSION_1) | BIT(F_INDIRECT_DESC) | BIT(F_EVENT_IDX))

/* Rings: descriptor table, available ring, used ring, a page each. */
static uint8_t ring_mem[3][4096] __aligned(4096);
static uint8_t data[4][4096] __aligned(4096);
static struct vq_desc itable[264] __aligned(16);
static struct vq_desc big_table[BIG_TABLE] __aligned(16);
static struct blk_hdr hdr __aligned(16);
static struct blk_discard discard_range __aligned(16);
static volatile uint8_t blk_status[16] __aligned(16);

/* One split virtqueue as the driver keeps it. */
struct vq {
	uint16_t size;
	struct vq_desc *desc;
	struct vq_avail *avail;
	struct vq_used *used;
	uint16_t next_avail, last_used;
};

struct vio {
	const char *node;
	uint64_t base;
	uint32_t id;
	uint64_t offered, features;
	uint16_t qmax;
	/* Queue 0, which block and entropy devices have alone; then 1. */
	struct vq q[2];
	/* virtio-hostile: the queue the current case is about. */
	unsigned int hq;
	unsigned int checks;
	uint64_t capacity; /* block: sectors */
	uint32_t run; /* block: which run of `virtio`, for the patterns */
};

/* What a device is asked for: everything this driver knows of its type. */
static uint64_t want_features(const struct vio *d)
{
	switch (d->id) {
	case ID_BLOCK:
		return WANT_COMMON | BIT(F_BLK_SIZE_MAX) | BIT(F_BLK_SEG_MAX) |
		       BIT(F_BLK_RO) | BIT(F_BLK_BLK_SIZE) | BIT(F_BLK_FLUSH) |
		       BIT(F_BLK_DISCARD);
	case ID_NET:
		return WANT_COMMON | BIT(F_NET_MAC) | BIT(F_NET_STATUS) |
		       BIT(F_NET_MTU);
	case ID_CONSOLE:
		return WANT_COMMON | BIT(F_CONS_EMERG_WRITE);
	default:
		return WANT_COMMON;
	}
}

/* Network and console devices have two queues (no MQ, CTRL_VQ, MULTIPORT). */
static unsigned int nqueues(const struct vio *d)
{
	return d->id == ID_NET || d->id == ID_CONSOLE ? 2 : 1;
}

static char why[200];

static __printf(1, 2) int vfail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return -1;
}

/* Put what in front of the reason already recorded. */
static int vfail_in(const char *what)
{
	char inner[sizeof(why)];

	memcpy(inner, why, sizeof(inner));
	return vfail("%s: %s", what, inner);
}

/* A spec rule (or Keel's documented choice) that must hold; counted. */
#define CHECK(d, cond, ...)                        \
	do {                                       \
		if (!(cond))                       \
			return vfail(__VA_ARGS__); \
		(d)->checks++;                     \
	} while (0)

static uint64_t gpa(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static uint32_t rd(struct vio *d, uint32_t off)
{
	return (uint32_t)arch_mmio_read(d->base + off, 4);
}

static void wr(struct vio *d, uint32_t off, uint32_t v)
{
	arch_mmio_write(d->base + off, 4, v);
}

static uint64_t ms_ticks(uint64_t ms)
{
	return ticks_from_us(ms * 1000);
}

static void pause_ms(uint64_t ms)
{
	uint64_t end = arch_counter() + ms_ticks(ms);

	while (arch_counter() < end)
		;
}

static uint32_t status(struct vio *d)
{
	return rd(d, VIO_STATUS);
}

static uint32_t isr(struct vio *d)
{
	return rd(d, VIO_INTERRUPT_STATUS);
}

static uint64_t device_features(struct vio *d)
{
	uint64_t lo, hi;

	wr(d, VIO_DEVICE_FEATURES_SEL, 0);
	lo = rd(d, VIO_DEVICE_FEATURES);
	wr(d, VIO_DEVICE_FEATURES_SEL, 1);
	hi = rd(d, VIO_DEVICE_FEATURES);
	return hi << 32 | lo;
}

static void driver_features(struct vio *d, uint64_t f)
{
	wr(d, VIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIO_DRIVER_FEATURES, (uint32_t)f);
	wr(d, VIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

/* 4.2.3.1: write 0 and wait until Status reads 0. */
static int vio_reset(struct vio *d)
{
	uint64_t end = arch_counter() + ms_ticks(TIMEOUT_MS);
	uint32_t s;

	wr(d, VIO_STATUS, 0);
	while ((s = status(d)) != 0) {
		if (arch_counter() > end)
			return vfail("reset: Status reads 0x%x, not 0", s);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(d->q); i++) {
		d->q[i].next_avail = 0;
		d->q[i].last_used = 0;
	}
	return 0;
}

/* Queue i's rings in mem (three pages: table, available, used), zeroed. */
static void rings_at(struct vio *d, unsigned int i, uint8_t (*mem)[4096])
{
	struct vq *q = &d->q[i];

	memset(mem, 0, 3 * 4096);
	q->desc = (struct vq_desc *)mem[0];
	q->avail = (struct vq_avail *)mem[1];
	q->used = (struct vq_used *)mem[2];
	q->size = QSIZE;
}

/* Queue 0's rings at the default, aligned places, zeroed. */
static void rings_default(struct vio *d)
{
	rings_at(d, 0, ring_mem);
}

static void queue_program_at(struct vio *d, unsigned int i, uint32_t num,
			     uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(d, VIO_QUEUE_SEL, i);
	wr(d, VIO_QUEUE_NUM, num);
	wr(d, VIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(d, VIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(d, VIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	wr(d, VIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	wr(d, VIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	wr(d, VIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
}

static void queue_program(struct vio *d, uint32_t num, uint64_t desc,
			  uint64_t avail, uint64_t used)
{
	queue_program_at(d, 0, num, desc, avail, used);
}

/* 3.1.1 steps 1-6: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK. */
static int vio_negotiate(struct vio *d, uint64_t want)
{
	if (vio_reset(d))
		return -1;
	wr(d, VIO_STATUS, S_ACKNOWLEDGE);
	wr(d, VIO_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	d->offered = device_features(d);
	d->features = want & d->offered;
	driver_features(d, d->features);
	wr(d, VIO_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
	if (!(status(d) & S_FEATURES_OK))
		return vfail("features 0x%lx (of 0x%lx offered) refused",
			     d->features, d->offered);
	return 0;
}

/* Queue i at its rings (set already) made ready. */
static int queue_ready(struct vio *d, unsigned int i)
{
	struct vq *q = &d->q[i];

	wr(d, VIO_QUEUE_SEL, i);
	d->qmax = (uint16_t)rd(d, VIO_QUEUE_NUM_MAX);
	if (d->qmax < QSIZE)
		return vfail("queue %u: QueueNumMax %u is less than %u", i,
			     d->qmax, QSIZE);
	queue_program_at(d, i, QSIZE, gpa(q->desc), gpa(q->avail),
			 gpa(q->used));
	wr(d, VIO_QUEUE_READY, 1);
	if (rd(d, VIO_QUEUE_READY) != 1)
		return vfail("queue %u did not become ready (Status 0x%x)", i,
			     status(d));
	return 0;
}

static int driver_ok(struct vio *d)
{
	wr(d, VIO_STATUS, S_READY);
	if (status(d) != S_READY)
		return vfail("Status 0x%x after DRIVER_OK", status(d));
	wr(d, VIO_INTERRUPT_ACK, isr(d));
	return 0;
}

/* The whole of 3.1.1 with queue 0 at the default rings. */
static int vio_init(struct vio *d, uint64_t want)
{
	if (vio_negotiate(d, want))
		return -1;
	rings_default(d);
	if (queue_ready(d, 0))
		return -1;
	return driver_ok(d);
}

/* The whole of 3.1.1 with queues 0 and 1 (receive and transmit) in mem. */
static int vio_init2(struct vio *d, uint64_t want, uint8_t (*mem)[3][4096])
{
	if (vio_negotiate(d, want))
		return -1;
	for (unsigned int i = 0; i < 2; i++) {
		rings_at(d, i, mem[i]);
		if (queue_ready(d, i))
			return -1;
	}
	return driver_ok(d);
}

static void set_desc(struct vq_desc *t, unsigned int i, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	t[i].addr = addr;
	t[i].len = len;
	t[i].flags = flags;
	t[i].next = next;
}

static volatile uint16_t *used_event(struct vio *d)
{
	return &d->q[0].avail->ring[d->q[0].size];
}

/* Make chain `head` of queue i available (without notifying). */
static void qpost(struct vio *d, unsigned int i, uint16_t head)
{
	struct vq *q = &d->q[i];

	q->avail->ring[q->next_avail % q->size] = head;
	/* 2.7.13.3: the ring entry before the index that publishes it. */
	arch_mb();
	q->next_avail++;
	WRITE_ONCE(q->avail->idx, q->next_avail);
	arch_mb();
}

static void post(struct vio *d, uint16_t head)
{
	qpost(d, 0, head);
}

static void qnotify(struct vio *d, unsigned int i)
{
	wr(d, VIO_QUEUE_NOTIFY, i);
}

static void notify(struct vio *d)
{
	qnotify(d, 0);
}

/* Whether queue i used a buffer within ms (without consuming it). */
static bool qused_within(struct vio *d, unsigned int i, uint64_t ms)
{
	uint64_t end = arch_counter() + ms_ticks(ms);

	do {
		if (READ_ONCE(d->q[i].used->idx) != d->q[i].last_used)
			return true;
	} while (arch_counter() < end);
	return false;
}

/* The next used element of queue i: 0 with its id and len, or -1. */
static int qtake_used(struct vio *d, unsigned int i, uint32_t *id,
		      uint32_t *len)
{
	volatile struct vq_used_elem *e;
	struct vq *q = &d->q[i];

	if (!qused_within(d, i, TIMEOUT_MS))
		return vfail("queue %u: no used buffer within %u ms (Status "
			     "0x%x)",
			     i, TIMEOUT_MS, status(d));
	arch_mb();
	e = &q->used->ring[q->last_used % q->size];
	*id = e->id;
	*len = e->len;
	q->last_used++;
	return 0;
}

static int take_used(struct vio *d, uint32_t *id, uint32_t *len)
{
	return qtake_used(d, 0, id, len);
}

/* Post head on queue i, notify, and wait for it: its used len, or -1. */
static int qsubmit(struct vio *d, unsigned int i, uint16_t head, uint32_t *len)
{
	uint32_t id;

	qpost(d, i, head);
	qnotify(d, i);
	if (qtake_used(d, i, &id, len))
		return -1;
	if (id != head)
		return vfail("queue %u: used id %u, not the head %u posted", i,
			     id, head);
	return 0;
}

static int submit(struct vio *d, uint16_t head, uint32_t *len)
{
	return qsubmit(d, 0, head, len);
}

/* ---- block ---- */

/*
 * A block request framed the plain way (2.6.4 lets it be any): the
 * header, the data in one descriptor, the status byte. Descriptors from
 * `first` on in table t; the status byte, or -1.
 */
static int blk_request(struct vio *d, uint32_t type, uint64_t sector, void *buf,
		       uint32_t len, uint32_t *used_len)
{
	bool dev_writes = type == T_IN || type == T_GET_ID;
	unsigned int n = 0;

	hdr.type = type;
	hdr.reserved = 0;
	hdr.sector = sector;
	blk_status[0] = 0xff;
	set_desc(d->q[0].desc, n, gpa(&hdr), sizeof(hdr), D_NEXT, n + 1);
	n++;
	if (len) {
		set_desc(d->q[0].desc, n, gpa(buf), len,
			 D_NEXT | (dev_writes ? D_WRITE : 0), n + 1);
		n++;
	}
	set_desc(d->q[0].desc, n, gpa(blk_status), 1, D_WRITE, 0);
	if (submit(d, 0, used_len))
		return -1;
	return blk_status[0];
}

static const char *blk_status_name(int s)
{
	switch (s) {
	case BLK_S_OK:
		return "OK";
	case BLK_S_IOERR:
		return "IOERR";
	case BLK_S_UNSUPP:
		return "UNSUPP";
	default:
		return "not a status";
	}
}

/*
 * A failed request's used len: the spec asks only that it not claim more
 * than was written (2.7.8.2); devices write just the status byte, at the
 * end of the writable bytes, and report 1 or all of them.
 */
#define ANY_LEN 0xffffffffU

/* One request whose status must be `want` with used len `want_len`. */
static int blk_expect(struct vio *d, const char *what, uint32_t type,
		      uint64_t sector, void *buf, uint32_t len, int want,
		      uint32_t want_len)
{
	uint32_t writable = 1 + (type == T_IN || type == T_GET_ID ? len : 0);
	uint32_t used_len;
	int s = blk_request(d, type, sector, buf, len, &used_len);

	if (s < 0)
		return vfail_in(what);
	CHECK(d, s == want, "%s: status %d (%s), expected %s", what, s,
	      blk_status_name(s), blk_status_name(want));
	if (want_len == ANY_LEN)
		CHECK(d, used_len <= writable,
		      "%s: used len %u, more than the %u writable bytes", what,
		      used_len, writable);
	else
		CHECK(d, used_len == want_len, "%s: used len %u, expected %u",
		      what, used_len, want_len);
	return 0;
}

/*
 * The test disk (Makefile: vdisk.img): sector s holds "KEELVDSK" and s
 * in 8 hex digits, then 496 bytes of s's low byte.
 */
static bool is_disk_pattern(const uint8_t *p, uint64_t s)
{
	char head[17];

	snprintf(head, sizeof(head), "KEELVDSK%08lx", s);
	if (memcmp(p, head, 16))
		return false;
	for (unsigned int i = 16; i < SECTOR; i++)
		if (p[i] != (uint8_t)s)
			return false;
	return true;
}

/* What this driver writes: different per run, sector and byte. */
static void fill_pattern(uint8_t *p, uint32_t len, uint32_t run, uint64_t s)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(run * 131 + s * 7 + i * 13 + (i >> 9));
}

static int blk_config(struct vio *d)
{
	uint32_t gen, lo, hi, v;

	/* 4.2.2: 64-bit fields as two 32-bit reads, generation around. */
	do {
		gen = rd(d, VIO_CONFIG_GENERATION);
		lo = rd(d, VIO_CONFIG + BLK_CFG_CAPACITY);
		hi = rd(d, VIO_CONFIG + BLK_CFG_CAPACITY + 4);
	} while (gen != rd(d, VIO_CONFIG_GENERATION));
	d->capacity = (uint64_t)hi << 32 | lo;
	CHECK(d, d->capacity >= 64, "capacity %lu sectors, expected >= 64",
	      d->capacity);
	CHECK(d, arch_mmio_read(d->base + VIO_CONFIG, 1) == (lo & 0xff),
	      "an 8-bit read of capacity gives 0x%lx, not 0x%x",
	      arch_mmio_read(d->base + VIO_CONFIG, 1), lo & 0xff);
	if (d->features & BIT(F_BLK_BLK_SIZE)) {
		v = rd(d, VIO_CONFIG + BLK_CFG_BLK_SIZE);
		CHECK(d, v >= SECTOR && !(v & (v - 1)),
		      "blk_size %u is not a power of 2 >= 512", v);
	}
	if (d->features & BIT(F_BLK_SEG_MAX)) {
		v = rd(d, VIO_CONFIG + BLK_CFG_SEG_MAX);
		CHECK(d, v >= 1, "seg_max is 0");
	}
	if (d->features & BIT(F_BLK_SIZE_MAX)) {
		v = rd(d, VIO_CONFIG + BLK_CFG_SIZE_MAX);
		CHECK(d, v >= SECTOR, "size_max %u is less than a sector", v);
	}
	printf("  capacity %lu sectors, features 0x%lx\n", d->capacity,
	       d->features);
	return 0;
}

/* Read sectors [s, s + n) (n <= 8) into data[1] the plain way. */
static int blk_read(struct vio *d, uint64_t s, unsigned int n)
{
	memset(data[1], 0xee, n * SECTOR);
	return blk_expect(d, "read", T_IN, s, data[1], n * SECTOR, BLK_S_OK,
			  n * SECTOR + 1);
}

/* Requests framed in the odd ways 2.6.4 allows, and indirect ones. */
static int blk_framing(struct vio *d)
{
	struct vq_desc *t = d->q[0].desc;
	uint8_t *w = data[0], *r = data[1];
	uint32_t len;
	uint64_t s = 24;

	/* OUT: header and data in one readable descriptor. */
	hdr.type = T_OUT;
	hdr.reserved = 0;
	hdr.sector = s;
	memcpy(w, &hdr, sizeof(hdr));
	fill_pattern(w + sizeof(hdr), SECTOR, d->run, s);
	blk_status[0] = 0xff;
	set_desc(t, 3, gpa(w), sizeof(hdr) + SECTOR, D_NEXT, 5);
	set_desc(t, 5, gpa(blk_status), 1, D_WRITE, 0);
	if (submit(d, 3, &len))
		return -1;
	CHECK(d, blk_status[0] == BLK_S_OK && len == 1,
	      "write with header and data in one descriptor: status %u, "
	      "len %u",
	      blk_status[0], len);

	/* IN: header alone, data and status in one writable descriptor. */
	hdr.type = T_IN;
	hdr.sector = s;
	memset(r, 0xee, SECTOR + 1);
	set_desc(t, 7, gpa(&hdr), sizeof(hdr), D_NEXT, 2);
	set_desc(t, 2, gpa(r), SECTOR + 1, D_WRITE, 0);
	if (submit(d, 7, &len))
		return -1;
	CHECK(d, r[SECTOR] == BLK_S_OK && len == SECTOR + 1,
	      "read with data and status in one descriptor: status %u, len "
	      "%u",
	      r[SECTOR], len);
	CHECK(d, !memcmp(r, w + sizeof(hdr), SECTOR),
	      "sector %lu read back differs (one-descriptor framing)", s);

	/* OUT of two sectors split at 7, 505, 300, 212 bytes. */
	s = 26;
	fill_pattern(w, 2 * SECTOR, d->run, s);
	hdr.type = T_OUT;
	hdr.sector = s;
	blk_status[0] = 0xff;
	set_desc(t, 0, gpa(&hdr), sizeof(hdr), D_NEXT, 1);
	set_desc(t, 1, gpa(w), 7, D_NEXT, 2);
	set_desc(t, 2, gpa(w + 7), 505, D_NEXT, 3);
	set_desc(t, 3, gpa(w + 512), 300, D_NEXT, 4);
	set_desc(t, 4, gpa(w + 812), 212, D_NEXT, 5);
	set_desc(t, 5, gpa(blk_status), 1, D_WRITE, 0);
	if (submit(d, 0, &len))
		return -1;
	CHECK(d, blk_status[0] == BLK_S_OK && len == 1,
	      "write split at odd offsets: status %u, len %u", blk_status[0],
	      len);

	/* IN of the same, header in 10 + 6 bytes, data at 100, 700, 224. */
	hdr.type = T_IN;
	memset(r, 0xee, 2 * SECTOR);
	blk_status[0] = 0xff;
	set_desc(t, 0, gpa(&hdr), 10, D_NEXT, 1);
	set_desc(t, 1, gpa(&hdr) + 10, 6, D_NEXT, 2);
	set_desc(t, 2, gpa(r), 100, D_NEXT | D_WRITE, 3);
	set_desc(t, 3, gpa(r + 100), 700, D_NEXT | D_WRITE, 4);
	set_desc(t, 4, gpa(r + 800), 224, D_NEXT | D_WRITE, 5);
	set_desc(t, 5, gpa(blk_status), 1, D_WRITE, 0);
	if (submit(d, 0, &len))
		return -1;
	CHECK(d, blk_status[0] == BLK_S_OK && len == 2 * SECTOR + 1,
	      "read split at odd offsets: status %u, len %u", blk_status[0],
	      len);
	CHECK(d, !memcmp(r, w, 2 * SECTOR),
	      "sectors %lu-%lu read back differ (split framing)", s, s + 1);

	if (!(d->features & BIT(F_INDIRECT_DESC)))
		return 0;
	/* 2.7.5.3: the whole request in an indirect table. */
	memset(r, 0xee, 2 * SECTOR);
	blk_status[0] = 0xff;
	set_desc(itable, 0, gpa(&hdr), sizeof(hdr), D_NEXT, 1);
	set_desc(itable, 1, gpa(r), 2 * SECTOR, D_NEXT | D_WRITE, 2);
	set_desc(itable, 2, gpa(blk_status), 1, D_WRITE, 0);
	set_desc(t, 9, gpa(itable), 3 * sizeof(struct vq_desc), D_INDIRECT, 0);
	if (submit(d, 9, &len))
		return -1;
	CHECK(d, blk_status[0] == BLK_S_OK && len == 2 * SECTOR + 1,
	      "indirect read: status %u, len %u", blk_status[0], len);
	CHECK(d, !memcmp(r, w, 2 * SECTOR), "indirect read: data differs");

	/* A direct header, then the data and status in an indirect table. */
	memset(r, 0xee, 2 * SECTOR);
	blk_status[0] = 0xff;
	set_desc(itable, 0, gpa(r), 2 * SECTOR, D_NEXT | D_WRITE, 1);
	set_desc(itable, 1, gpa(blk_status), 1, D_WRITE, 0);
	set_desc(t, 10, gpa(&hdr), sizeof(hdr), D_NEXT, 11);
	set_desc(t, 11, gpa(itable), 2 * sizeof(struct vq_desc), D_INDIRECT, 0);
	if (submit(d, 10, &len))
		return -1;
	CHECK(d, blk_status[0] == BLK_S_OK && len == 2 * SECTOR + 1,
	      "direct then indirect read: status %u, len %u", blk_status[0],
	      len);
	CHECK(d, !memcmp(r, w, 2 * SECTOR),
	      "direct then indirect read: data differs");
	return 0;
}

/*
 * 2.7.7 and 2.7.10: with EVENT_IDX the device notifies only when the
 * used index passes used_event; without it, AVAIL_NO_INTERRUPT asks for
 * none. Polling sees the used buffer before or after InterruptStatus is
 * updated, so a notification is waited for and an absent one given time.
 */
static int notifications(struct vio *d, int (*one)(struct vio *d))
{
	uint32_t v;

	CHECK(d, d->features & BIT(F_EVENT_IDX),
	      "VIRTIO_F_EVENT_IDX not offered (features 0x%lx)", d->offered);
	wr(d, VIO_INTERRUPT_ACK, isr(d));
	CHECK(d, isr(d) == 0, "InterruptStatus 0x%x after acknowledging it",
	      isr(d));
	WRITE_ONCE(*used_event(d), (uint16_t)(d->q[0].last_used + 4));
	if (one(d))
		return -1;
	pause_ms(20);
	v = isr(d);
	CHECK(d, !(v & INT_VRING),
	      "used buffer notification although used_event asked for none "
	      "(InterruptStatus 0x%x)",
	      v);
	WRITE_ONCE(*used_event(d), d->q[0].last_used);
	if (one(d))
		return -1;
	for (unsigned int i = 0; i < 100 && !(isr(d) & INT_VRING); i++)
		pause_ms(1);
	v = isr(d);
	CHECK(d, v & INT_VRING,
	      "no used buffer notification when the used index passed "
	      "used_event (InterruptStatus 0x%x)",
	      v);
	wr(d, VIO_INTERRUPT_ACK, INT_VRING);
	CHECK(d, !(isr(d) & INT_VRING),
	      "InterruptACK did not clear the used buffer bit (0x%x)", isr(d));

	/* Without EVENT_IDX: the flag. */
	if (vio_init(d, want_features(d) & ~BIT(F_EVENT_IDX)))
		return -1;
	WRITE_ONCE(d->q[0].avail->flags, AVAIL_NO_INTERRUPT);
	if (one(d))
		return -1;
	pause_ms(20);
	v = isr(d);
	CHECK(d, !(v & INT_VRING),
	      "used buffer notification despite VIRTQ_AVAIL_F_NO_INTERRUPT "
	      "(InterruptStatus 0x%x)",
	      v);
	WRITE_ONCE(d->q[0].avail->flags, 0);
	if (one(d))
		return -1;
	for (unsigned int i = 0; i < 100 && !(isr(d) & INT_VRING); i++)
		pause_ms(1);
	CHECK(d, isr(d) & INT_VRING,
	      "no used buffer notification with interrupts enabled");
	wr(d, VIO_INTERRUPT_ACK, isr(d));
	return 0;
}

static int blk_one(struct vio *d)
{
	return blk_read(d, 0, 1);
}

static int blk_conformance(struct vio *d)
{
	static uint32_t runs;
	bool ro = d->features & BIT(F_BLK_RO);
	uint8_t *w = data[0], *r = data[1];
	char id[BLK_ID_BYTES + 1];
	uint64_t last;
	unsigned int i;

	d->run = ++runs;
	if (blk_config(d))
		return -1;
	last = d->capacity - 1;

	/* The backend is the test disk: its first and last sectors. */
	if (blk_read(d, 0, 1))
		return -1;
	CHECK(d, is_disk_pattern(r, 0), "sector 0 is not the test disk's");
	if (blk_read(d, last, 1))
		return -1;
	CHECK(d, is_disk_pattern(r, last),
	      "sector %lu (the last) is not the test disk's", last);

	/* Write 8 sectors and read them back. */
	fill_pattern(w, 8 * SECTOR, d->run, 8);
	if (ro) {
		if (blk_expect(d, "write to a read-only disk", T_OUT, 8, w,
			       8 * SECTOR, BLK_S_IOERR, ANY_LEN) ||
		    blk_read(d, 8, 8))
			return -1;
		for (i = 0; i < 8; i++)
			CHECK(d, is_disk_pattern(r + i * SECTOR, 8 + i),
			      "read-only disk: sector %u changed", 8 + i);
	} else {
		if (blk_expect(d, "write", T_OUT, 8, w, 8 * SECTOR, BLK_S_OK,
			       1) ||
		    blk_read(d, 8, 8))
			return -1;
		CHECK(d, !memcmp(r, w, 8 * SECTOR),
		      "sectors 8-15 read back differ from what was written");
		if (blk_framing(d))
			return -1;
	}

	/* GET_ID: 20 bytes, NUL-padded when shorter (5.2.6). */
	memset(id, 0xee, sizeof(id));
	if (blk_expect(d, "GET_ID", T_GET_ID, 0, id, BLK_ID_BYTES, BLK_S_OK,
		       BLK_ID_BYTES + 1))
		return -1;
	for (i = 0; i < BLK_ID_BYTES && id[i]; i++)
		;
	for (unsigned int j = i; j < BLK_ID_BYTES; j++)
		CHECK(d, !id[j], "GET_ID: byte %u after the id's end is 0x%x",
		      j, (uint8_t)id[j]);
	id[BLK_ID_BYTES] = '\0';
	printf("  id \"%s\"\n", id);

	if (d->features & BIT(F_BLK_FLUSH) &&
	    blk_expect(d, "FLUSH", T_FLUSH, 0, NULL, 0, BLK_S_OK, 1))
		return -1;
	if (d->features & BIT(F_BLK_DISCARD) && !ro) {
		discard_range.sector = 40;
		discard_range.num_sectors = 8;
		discard_range.flags = 0;
		if (blk_expect(d, "DISCARD", T_DISCARD, 0, &discard_range,
			       sizeof(discard_range), BLK_S_OK, 1))
			return -1;
		/* 5.2.6.2: unmap is for write zeroes only. */
		discard_range.flags = 1;
		if (blk_expect(d, "DISCARD with unmap", T_DISCARD, 0,
			       &discard_range, sizeof(discard_range),
			       BLK_S_UNSUPP, ANY_LEN))
			return -1;
	}

	/* Outside the disk: IOERR (5.2.6.2), nothing written. */
	if (blk_expect(d, "read at the capacity", T_IN, d->capacity, r, SECTOR,
		       BLK_S_IOERR, ANY_LEN) ||
	    blk_expect(d, "read across the end", T_IN, last, r, 2 * SECTOR,
		       BLK_S_IOERR, ANY_LEN) ||
	    blk_expect(d, "read at sector 2^64-1", T_IN, ~0ULL, r, SECTOR,
		       BLK_S_IOERR, ANY_LEN) ||
	    blk_expect(d, "read at sector 2^63", T_IN, 1ULL << 63, r,
		       2 * SECTOR, BLK_S_IOERR, ANY_LEN) ||
	    (!ro && blk_expect(d, "write at the capacity", T_OUT, d->capacity,
			       w, SECTOR, BLK_S_IOERR, ANY_LEN)) ||
	    blk_expect(d, "read of 100 bytes", T_IN, 0, r, 100, BLK_S_IOERR,
		       ANY_LEN))
		return -1;
	/* 5.2.6.2: an unknown type is UNSUPP. */
	if (blk_expect(d, "request type 0x7fff", 0x7fff, 0, NULL, 0,
		       BLK_S_UNSUPP, ANY_LEN))
		return -1;
	return notifications(d, blk_one);
}

/* ---- entropy ---- */

static bool all_equal(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++)
		if (p[i] != p[0])
			return false;
	return true;
}

static int rng_one(struct vio *d)
{
	uint32_t len;

	set_desc(d->q[0].desc, 0, gpa(data[0]), 64, D_WRITE, 0);
	if (submit(d, 0, &len))
		return -1;
	CHECK(d, len >= 1 && len <= 64, "used len %u for a 64-byte buffer",
	      len);
	return 0;
}

static int rng_conformance(struct vio *d)
{
	uint8_t *a = data[0], *b = data[1];
	uint32_t id0, id1, len0, len1, len;

	/* Two 64-byte buffers at once; 5.4.6: each gets 1 to 64 bytes. */
	memset(a, 0, 64);
	memset(b, 0, 64);
	set_desc(d->q[0].desc, 0, gpa(a), 64, D_WRITE, 0);
	set_desc(d->q[0].desc, 1, gpa(b), 64, D_WRITE, 0);
	post(d, 0);
	post(d, 1);
	notify(d);
	if (take_used(d, &id0, &len0) || take_used(d, &id1, &len1))
		return -1;
	CHECK(d, (id0 == 0 && id1 == 1) || (id0 == 1 && id1 == 0),
	      "used ids %u and %u, expected 0 and 1", id0, id1);
	if (id0 == 1) {
		uint32_t t = len0;

		len0 = len1;
		len1 = t;
	}
	CHECK(d, len0 >= 1 && len0 <= 64 && len1 >= 1 && len1 <= 64,
	      "used lens %u and %u for 64-byte buffers", len0, len1);
	CHECK(d, len0 < 16 || !all_equal(a, len0), "%u random bytes all 0x%02x",
	      len0, a[0]);
	CHECK(d, MIN(len0, len1) < 16 || memcmp(a, b, MIN(len0, len1)),
	      "two buffers got the same bytes");

	/* One buffer in three descriptors; and a large one. */
	set_desc(d->q[0].desc, 2, gpa(a), 10, D_WRITE | D_NEXT, 3);
	set_desc(d->q[0].desc, 3, gpa(a) + 10, 30, D_WRITE | D_NEXT, 4);
	set_desc(d->q[0].desc, 4, gpa(a) + 40, 24, D_WRITE, 0);
	if (submit(d, 2, &len))
		return -1;
	CHECK(d, len >= 1 && len <= 64,
	      "used len %u for a 64-byte buffer in three descriptors", len);
	set_desc(d->q[0].desc, 5, gpa(data[2]), 8192, D_WRITE, 0);
	if (submit(d, 5, &len))
		return -1;
	CHECK(d, len >= 1 && len <= 8192, "used len %u for an 8 KiB buffer",
	      len);
	if (d->features & BIT(F_INDIRECT_DESC)) {
		set_desc(itable, 0, gpa(a), 32, D_WRITE | D_NEXT, 1);
		set_desc(itable, 1, gpa(a) + 32, 32, D_WRITE, 0);
		set_desc(d->q[0].desc, 6, gpa(itable),
			 2 * sizeof(struct vq_desc), D_INDIRECT, 0);
		if (submit(d, 6, &len))
			return -1;
		CHECK(d, len >= 1 && len <= 64,
		      "used len %u for a 64-byte indirect buffer", len);
	}
	return notifications(d, rng_one);
}

/* ---- network and console: two queues, receive (0) and transmit (1) ---- */

/*
 * 5.1.6: every packet starts with this header (VERSION_1: num_buffers is
 * always there). Without offloads a received one reads flags 0,
 * gso_type NONE and num_buffers 1 (5.1.6.4.1).
 */
struct net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};

#define NET_HDR 12
#define NET_HDR_F_NEEDS_CSUM 1
#define NET_CFG_MAC 0
#define NET_CFG_STATUS 6
#define NET_CFG_MTU 10
#define NET_S_LINK_UP 1
#define ETH_HLEN 14
#define ETH_MAX 1514 /* the MTU of 1500 and the 14-byte header, no FCS */
/* 5.1.6.3.1: without MRG_RXBUF a buffer takes a whole packet. */
#define NET_RXBUF (NET_HDR + ETH_MAX)
#define NET_NRX 4
#define CONS_CFG_EMERG_WR 8

/* Both queues of the device under test and of its peer. */
static uint8_t pair_rings[2][2][3][4096] __aligned(4096);
static uint8_t rxbufs[2][NET_NRX][1536] __aligned(16);
static uint8_t txbuf[2048] __aligned(16);
static uint8_t frame[2048];
static struct net_hdr txhdr __aligned(16);

/* The receive buffers of device k (0: under test, 1: its peer). */
static void rx_post_all(struct vio *d, unsigned int k, uint32_t len)
{
	for (uint16_t i = 0; i < NET_NRX; i++) {
		set_desc(d->q[0].desc, i, gpa(rxbufs[k][i]), len, D_WRITE, 0);
		qpost(d, 0, i);
	}
	qnotify(d, 0);
}

static void net_mac(struct vio *d, uint8_t mac[6])
{
	for (unsigned int i = 0; i < 6; i++)
		mac[i] = (uint8_t)arch_mmio_read(
			d->base + VIO_CONFIG + NET_CFG_MAC + i, 1);
}

static uint32_t make_frame(const uint8_t *dst, const uint8_t *src, uint32_t len,
			   uint32_t seed)
{
	memcpy(frame, dst, 6);
	memcpy(frame + 6, src, 6);
	/* IEEE 802 local experimental EtherType: no one else's protocol. */
	frame[12] = 0x88;
	frame[13] = 0xb5;
	for (uint32_t i = ETH_HLEN; i < len; i++)
		frame[i] = (uint8_t)(seed * 7 + i * 13 + (i >> 8));
	return len;
}

/*
 * Transmit frame[0, len) from d with header flags `flags`: in one
 * descriptor with its header, or header and frame apart. The device
 * writes nothing into a transmit buffer: used len 0.
 */
static int net_send(struct vio *d, uint32_t len, uint8_t flags, bool one)
{
	uint32_t used;

	memset(&txhdr, 0, sizeof(txhdr));
	txhdr.flags = flags;
	if (flags & NET_HDR_F_NEEDS_CSUM) {
		txhdr.csum_start = ETH_HLEN;
		txhdr.csum_offset = 6;
	}
	if (one) {
		memcpy(txbuf, &txhdr, NET_HDR);
		memcpy(txbuf + NET_HDR, frame, len);
		set_desc(d->q[1].desc, 0, gpa(txbuf), NET_HDR + len, 0, 0);
	} else {
		memcpy(txbuf, frame, len);
		set_desc(d->q[1].desc, 0, gpa(&txhdr), NET_HDR, D_NEXT, 1);
		set_desc(d->q[1].desc, 1, gpa(txbuf), len, 0, 0);
	}
	if (qsubmit(d, 1, 0, &used))
		return vfail_in("transmit");
	CHECK(d, used == 0, "transmit buffer returned with used len %u, not 0",
	      used);
	return 0;
}

/*
 * The next packet r (k: its buffers) received is frame[0, len), whole,
 * after a header saying no offload; its buffer goes back to the ring.
 */
static int net_expect_rx(struct vio *d, struct vio *r, unsigned int k,
			 uint32_t len, const char *what)
{
	const struct net_hdr *h;
	uint32_t id, used;

	if (qtake_used(r, 0, &id, &used))
		return vfail_in(what);
	CHECK(d, id < NET_NRX, "%s: used id %u, not a receive buffer posted",
	      what, id);
	h = (const struct net_hdr *)rxbufs[k][id];
	CHECK(d, used == NET_HDR + len,
	      "%s: used len %u for a %u-byte frame and its header", what, used,
	      len);
	CHECK(d, h->flags == 0 && h->gso_type == 0,
	      "%s: header flags 0x%x gso_type %u without offloads", what,
	      h->flags, h->gso_type);
	CHECK(d, h->num_buffers == 1, "%s: num_buffers %u, not 1", what,
	      h->num_buffers);
	CHECK(d, !memcmp(rxbufs[k][id] + NET_HDR, frame, len),
	      "%s: the frame arrived changed", what);
	set_desc(r->q[0].desc, id, gpa(rxbufs[k][id]), NET_RXBUF, D_WRITE, 0);
	qpost(r, 0, (uint16_t)id);
	qnotify(r, 0);
	return 0;
}

/* A packet whose header is split 5 + 7 and frame in three pieces. */
static int net_send_odd(struct vio *d, uint32_t len)
{
	struct vq_desc *t = d->q[1].desc;
	uint32_t used;

	memset(&txhdr, 0, sizeof(txhdr));
	memcpy(txbuf, frame, len);
	set_desc(t, 3, gpa(&txhdr), 5, D_NEXT, 7);
	set_desc(t, 7, gpa(&txhdr) + 5, NET_HDR - 5, D_NEXT, 2);
	set_desc(t, 2, gpa(txbuf), 1, D_NEXT, 9);
	set_desc(t, 9, gpa(txbuf) + 1, 0, D_NEXT, 10);
	set_desc(t, 10, gpa(txbuf) + 1, len - 1, 0, 0);
	if (qsubmit(d, 1, 3, &used))
		return vfail_in("transmit of a packet in five descriptors");
	CHECK(d, used == 0, "transmit buffer returned with used len %u", used);
	if (!(d->features & BIT(F_INDIRECT_DESC)))
		return 0;
	/* The same packet once more, through an indirect table. */
	set_desc(itable, 0, gpa(&txhdr), NET_HDR, D_NEXT, 1);
	set_desc(itable, 1, gpa(txbuf), len, 0, 0);
	set_desc(t, 4, gpa(itable), 2 * sizeof(struct vq_desc), D_INDIRECT, 0);
	if (qsubmit(d, 1, 4, &used))
		return vfail_in("transmit through an indirect table");
	CHECK(d, used == 0,
	      "indirect transmit buffer returned with used len %u", used);
	return 0;
}

static int net_send_gso(struct vio *d, uint32_t len)
{
	uint32_t used;

	memset(&txhdr, 0, sizeof(txhdr));
	txhdr.gso_type = 1; /* VIRTIO_NET_HDR_GSO_TCPV4 */
	txhdr.gso_size = 500;
	memcpy(txbuf, frame, len);
	set_desc(d->q[1].desc, 0, gpa(&txhdr), NET_HDR, D_NEXT, 1);
	set_desc(d->q[1].desc, 1, gpa(txbuf), len, 0, 0);
	if (qsubmit(d, 1, 0, &used))
		return vfail_in("transmit with a GSO type");
	CHECK(d, used == 0, "GSO transmit buffer returned with used len %u",
	      used);
	return 0;
}

/*
 * 2.6.4: a receive buffer in pieces (header apart, frame across two
 * descriptors of odd sizes) takes a frame as one buffer does.
 */
static int net_rx_split(struct vio *d, struct vio *p, const uint8_t *mac,
			const uint8_t *pmac)
{
	static uint8_t hdrbuf[NET_HDR] __aligned(16);
	static uint8_t piece[2][1024] __aligned(16);
	struct vq_desc *t = p->q[0].desc;
	uint32_t id, used, len = 1000;

	/* The peer's buffers 0-3 are posted; a fresh ring takes this one. */
	if (vio_reset(p) || vio_init2(p, want_features(p), pair_rings[1]))
		return vfail_in(p->node);
	memset(hdrbuf, 0xee, sizeof(hdrbuf));
	memset(piece, 0xee, sizeof(piece));
	set_desc(t, 5, gpa(hdrbuf), NET_HDR, D_WRITE | D_NEXT, 6);
	set_desc(t, 6, gpa(piece[0]), 333, D_WRITE | D_NEXT, 8);
	set_desc(t, 8, gpa(piece[1]), NET_RXBUF - NET_HDR - 333, D_WRITE, 0);
	qpost(p, 0, 5);
	qnotify(p, 0);
	if (net_send(d, make_frame(pmac, mac, len, 16), 0, false) ||
	    qtake_used(p, 0, &id, &used))
		return vfail_in("a receive buffer in three descriptors");
	CHECK(d, id == 5 && used == NET_HDR + len,
	      "receive buffer in three descriptors: used id %u len %u", id,
	      used);
	CHECK(d, ((struct net_hdr *)hdrbuf)->num_buffers == 1 && !hdrbuf[0],
	      "receive buffer in three descriptors: header wrong");
	CHECK(d,
	      !memcmp(piece[0], frame, 333) &&
		      !memcmp(piece[1], frame + 333, len - 333) &&
		      piece[1][len - 333] == 0xee,
	      "receive buffer in three descriptors: frame wrong");
	rx_post_all(p, 1, NET_RXBUF);
	return 0;
}

/* Nothing arrived at either device within ms. */
static int net_expect_none(struct vio *d, struct vio *p, uint64_t ms,
			   const char *what)
{
	pause_ms(ms);
	CHECK(d, READ_ONCE(d->q[0].used->idx) == d->q[0].last_used,
	      "%s: the sender received a packet", what);
	CHECK(d, READ_ONCE(p->q[0].used->idx) == p->q[0].last_used,
	      "%s: the peer received a packet", what);
	return 0;
}

/* DEVICE_NEEDS_RESET within the timeout, with a configuration change. */
static int wait_needs_reset(struct vio *d)
{
	uint64_t end = arch_counter() + ms_ticks(TIMEOUT_MS);
	uint32_t s, v;

	while (!((s = status(d)) & S_NEEDS_RESET))
		if (arch_counter() > end)
			return vfail("no DEVICE_NEEDS_RESET (Status 0x%x)", s);
	v = isr(d);
	if ((s & S_DRIVER_OK) && !(v & INT_CONFIG))
		return vfail("DEVICE_NEEDS_RESET without a configuration "
			     "change notification (InterruptStatus 0x%x)",
			     v);
	return 0;
}

/* The device under test and its peer, both with both queues live. */
static int net_pair_init(struct vio *d, struct vio *p)
{
	if (vio_init2(d, want_features(d), pair_rings[0]))
		return vfail_in("the device under test");
	if (vio_init2(p, want_features(p), pair_rings[1]))
		return vfail_in(p->node);
	rx_post_all(d, 0, NET_RXBUF);
	rx_post_all(p, 1, NET_RXBUF);
	return 0;
}

struct peer_search {
	uint64_t self;
	uint32_t id;
	struct vio *peer;
};

static int find_peer(const char *name, const struct basic_range *reg,
		     uint32_t irq, void *arg)
{
	struct peer_search *ps = arg;
	struct vio probe = { .base = reg->base };

	if (reg->base == ps->self || reg->size < VIO_WINDOW ||
	    rd(&probe, VIO_MAGIC) != VIO_MAGIC_VALUE ||
	    rd(&probe, VIO_DEVICE_ID) != ps->id)
		return 0;
	memset(ps->peer, 0, sizeof(*ps->peer));
	ps->peer->node = name;
	ps->peer->base = reg->base;
	ps->peer->id = ps->id;
	return 1;
}

/* The expected MAC: the node's local-mac-address, or NULL. */
static const uint8_t *described_mac(const char *node)
{
	char path[80];
	const uint8_t *p;
	int len;

	snprintf(path, sizeof(path), "/%s", node);
	p = fdt_getprop_path(platform.fdt, path, "local-mac-address", &len);
	return p && len == 6 ? p : NULL;
}

static int net_config(struct vio *d, uint8_t mac[6])
{
	const uint8_t *want = described_mac(d->node);
	uint64_t v8;
	uint32_t v;

	net_mac(d, mac);
	printf("  mac %02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1], mac[2],
	       mac[3], mac[4], mac[5]);
	if (want) {
		CHECK(d, !memcmp(mac, want, 6),
		      "mac is not the description's local-mac-address");
	} else {
		/* Keel's documented choice: 02:4b and a hash of the name. */
		CHECK(d, mac[0] == 0x02 && mac[1] == 0x4b,
		      "derived mac does not start 02:4b");
	}
	CHECK(d, !(mac[0] & 1), "mac is a group address");
	v = (uint32_t)arch_mmio_read(d->base + VIO_CONFIG + NET_CFG_STATUS, 2);
	CHECK(d, v & NET_S_LINK_UP, "status 0x%x: link not up", v);
	v = (uint32_t)arch_mmio_read(d->base + VIO_CONFIG + NET_CFG_MTU, 2);
	CHECK(d, v == 1500, "mtu %u, expected 1500", v);
	/* Each width reads the same little-endian bytes (4.2.2). */
	v = rd(d, VIO_CONFIG);
	CHECK(d,
	      v == (uint32_t)(mac[0] | mac[1] << 8 | mac[2] << 16 |
			      (uint32_t)mac[3] << 24),
	      "a 32-bit read of mac[0..3] gives 0x%x", v);
	v = (uint32_t)arch_mmio_read(d->base + VIO_CONFIG + 4, 2);
	CHECK(d, v == (uint32_t)(mac[4] | mac[5] << 8),
	      "a 16-bit read of mac[4..5] gives 0x%x", v);
	v8 = arch_mmio_read(d->base + VIO_CONFIG, 8);
	CHECK(d,
	      (uint32_t)v8 == rd(d, VIO_CONFIG) &&
		      (uint16_t)(v8 >> 32) ==
			      (uint16_t)(mac[4] | mac[5] << 8) &&
		      (uint16_t)(v8 >> 48) ==
			      arch_mmio_read(
				      d->base + VIO_CONFIG + NET_CFG_STATUS, 2),
	      "a 64-bit read of mac and status gives 0x%lx", v8);
	v = rd(d, VIO_CONFIG + 8);
	CHECK(d, v >> 16 == 1500, "a 32-bit read at 8 gives mtu %u", v >> 16);
	return 0;
}

/* 2.2.1 and 5.1.3: an offload or feature not offered is refused. */
static int refused_features(struct vio *d, uint64_t f, const char *what)
{
	uint32_t s;

	if (vio_reset(d))
		return -1;
	wr(d, VIO_STATUS, S_ACKNOWLEDGE);
	wr(d, VIO_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	driver_features(d, f);
	wr(d, VIO_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
	s = status(d);
	CHECK(d, !(s & S_FEATURES_OK),
	      "FEATURES_OK kept with %s asked for (Status 0x%x)", what, s);
	return 0;
}

static int net_conformance(struct vio *d)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t other[6] = { 0x02, 0x4b, 0x00, 0x00, 0x00, 0x99 };
	struct peer_search ps;
	struct vio peer;
	struct vio *p = &peer;
	uint8_t mac[6], pmac[6];

	CHECK(d,
	      (d->offered & TYPE_FEATURES) ==
		      (BIT(F_NET_MAC) | BIT(F_NET_STATUS) | BIT(F_NET_MTU)),
	      "network features 0x%lx offered, expected MAC, STATUS and MTU "
	      "alone",
	      d->offered & TYPE_FEATURES);
	if (net_config(d, mac) ||
	    refused_features(d, want_features(d) | BIT(F_NET_CSUM), "CSUM") ||
	    refused_features(d, want_features(d) | BIT(F_NET_GUEST_CSUM),
			     "GUEST_CSUM") ||
	    refused_features(d, want_features(d) | BIT(F_NET_MRG_RXBUF),
			     "MRG_RXBUF") ||
	    refused_features(d, want_features(d) | BIT(F_NET_CTRL_VQ),
			     "CTRL_VQ"))
		return -1;

	ps = (struct peer_search){ d->base, ID_NET, p };
	if (fdt_for_each_compatible(platform.fdt, "virtio,mmio", find_peer,
				    &ps) != 1) {
		printf("  no second network device: no frames sent\n");
		return vio_init2(d, want_features(d), pair_rings[0]);
	}
	printf("  frames to and from %s\n", p->node);
	if (net_pair_init(d, p))
		return -1;
	net_mac(p, pmac);
	CHECK(d, memcmp(mac, pmac, 6), "%s has the same mac", p->node);
	CHECK(d, qused_within(d, 0, 20) == false && !qused_within(p, 0, 1),
	      "a packet arrived with nothing sent");

	/* Broadcast, header apart: the peer gets it, the sender does not. */
	if (net_send(d, make_frame(bcast, mac, 60, 1), 0, false) ||
	    net_expect_rx(d, p, 1, 60, "broadcast") ||
	    net_expect_none(d, p, 20, "after the broadcast"))
		return -1;
	CHECK(d, isr(p) & INT_VRING,
	      "no used buffer notification on the receiving device (0x%x)",
	      isr(p));
	wr(p, VIO_INTERRUPT_ACK, isr(p));
	/* Unicast of the largest frame, header and frame in one buffer. */
	if (net_send(d, make_frame(pmac, mac, ETH_MAX, 2), 0, true) ||
	    net_expect_rx(d, p, 1, ETH_MAX, "unicast of 1514 bytes"))
		return -1;
	/* The smallest frame, to an address nobody has: flooded. */
	if (net_send(d, make_frame(other, mac, ETH_HLEN, 3), 0, false) ||
	    net_expect_rx(d, p, 1, ETH_HLEN, "14-byte frame to an unknown mac"))
		return -1;
	/* The switch learned the sender's port: a frame for it stays there. */
	if (net_send(d, make_frame(mac, mac, 60, 4), 0, false) ||
	    net_expect_none(d, p, 20, "a frame to the sender's own mac"))
		return -1;
	/* And the peer answers: the other direction. */
	if (net_send(p, make_frame(mac, pmac, 100, 5), 0, true) ||
	    net_expect_rx(d, d, 0, 100, "unicast back from the peer"))
		return -1;

	/* 5.1.6.2: dropped, their buffers returned, nothing sent. */
	make_frame(pmac, mac, 1600, 6);
	if (net_send(d, ETH_HLEN - 1, 0, false) ||
	    net_send(d, ETH_MAX + 1, 0, false) ||
	    net_send(d, 60, NET_HDR_F_NEEDS_CSUM, false) ||
	    net_expect_none(d, p, 20,
			    "frames of 13 and 1515 bytes, NEEDS_CSUM"))
		return -1;
	if (net_send(d, make_frame(pmac, mac, 64, 7), 0, false) ||
	    net_expect_rx(d, p, 1, 64, "a good frame after the dropped ones"))
		return -1;

	/* 2.6.4: a packet may be framed any way; and in an indirect table. */
	if (net_send_odd(d, make_frame(pmac, mac, 300, 13)) ||
	    net_expect_rx(d, p, 1, 300,
			  "header and frame split at odd places") ||
	    ((d->features & BIT(F_INDIRECT_DESC)) &&
	     net_expect_rx(d, p, 1, 300, "a packet in an indirect table")))
		return -1;
	if (net_rx_split(d, p, mac, pmac))
		return -1;
	/* 5.1.6.2: a GSO type without the offload: dropped. */
	if (net_send_gso(d, make_frame(pmac, mac, 60, 14)) ||
	    net_expect_none(d, p, 20, "a frame with gso_type TCPV4") ||
	    net_send(d, make_frame(pmac, mac, 61, 15), 0, false) ||
	    net_expect_rx(d, p, 1, 61, "a good frame after the GSO one"))
		return -1;

	/*
	 * A receive buffer with room for the header but not the frame is
	 * not used for it (5.1.6.3.1: 1526 bytes are what it needs): the
	 * frame is lost, and the buffer takes a later, smaller one.
	 */
	if (vio_reset(p) || vio_init2(p, want_features(p), pair_rings[1]))
		return vfail_in(p->node);
	set_desc(p->q[0].desc, 0, gpa(rxbufs[1][0]), NET_HDR + 100, D_WRITE, 0);
	qpost(p, 0, 0);
	qnotify(p, 0);
	if (net_send(d, make_frame(pmac, mac, 200, 8), 0, false) ||
	    net_expect_none(d, p, 20, "a 200-byte frame for a 112-byte buffer"))
		return -1;
	if (net_send(d, make_frame(pmac, mac, 100, 9), 0, false) ||
	    net_expect_rx(d, p, 1, 100, "a 100-byte frame for that buffer"))
		return -1;

	/* A receive buffer without room for the header: needs reset. */
	if (vio_reset(p) || vio_init2(p, want_features(p), pair_rings[1]))
		return vfail_in(p->node);
	set_desc(p->q[0].desc, 0, gpa(rxbufs[1][0]), NET_HDR - 4, D_WRITE, 0);
	qpost(p, 0, 0);
	qnotify(p, 0);
	if (net_send(d, make_frame(pmac, mac, 60, 10), 0, false))
		return -1;
	if (wait_needs_reset(p))
		return vfail_in("an 8-byte receive buffer");
	d->checks++;
	CHECK(d, READ_ONCE(p->q[0].used->idx) == 0,
	      "the 8-byte receive buffer was used");

	/* 5.1.6.3: a device-readable receive buffer: needs reset. */
	if (vio_reset(p) || vio_init2(p, want_features(p), pair_rings[1]))
		return vfail_in(p->node);
	set_desc(p->q[0].desc, 0, gpa(rxbufs[1][0]), NET_RXBUF, 0, 0);
	qpost(p, 0, 0);
	qnotify(p, 0);
	if (net_send(d, make_frame(pmac, mac, 60, 17), 0, false))
		return -1;
	if (wait_needs_reset(p))
		return vfail_in("a device-readable receive buffer");
	d->checks++;

	/* 5.1.6.2: a packet shorter than its header: needs reset. */
	if (vio_reset(p) || net_pair_init(d, p))
		return -1;
	set_desc(d->q[1].desc, 0, gpa(&txhdr), NET_HDR - 2, 0, 0);
	qpost(d, 1, 0);
	qnotify(d, 1);
	if (wait_needs_reset(d))
		return vfail_in("a 10-byte transmit packet");
	d->checks++;
	if (vio_reset(d))
		return -1;

	/* A device-writable transmit descriptor: needs reset, none sent. */
	if (vio_reset(p) || net_pair_init(d, p))
		return -1;
	make_frame(pmac, mac, 60, 11);
	memset(&txhdr, 0, sizeof(txhdr));
	memcpy(txbuf, frame, 60);
	set_desc(d->q[1].desc, 0, gpa(&txhdr), NET_HDR, D_NEXT, 1);
	set_desc(d->q[1].desc, 1, gpa(txbuf), 60, D_WRITE, 0);
	qpost(d, 1, 0);
	qnotify(d, 1);
	if (wait_needs_reset(d))
		return vfail_in("a device-writable transmit descriptor");
	d->checks++;
	if (net_expect_none(d, p, 20, "a device-writable transmit buffer"))
		return -1;
	CHECK(d, READ_ONCE(d->q[1].used->idx) == 0,
	      "the device-writable transmit buffer was used");

	/* A reset brings both back. */
	if (vio_reset(d) || vio_reset(p) || net_pair_init(d, p) ||
	    net_send(d, make_frame(pmac, mac, 60, 12), 0, false) ||
	    net_expect_rx(d, p, 1, 60, "a frame after reset"))
		return -1;
	return vio_reset(p);
}

/* ---- console ---- */

static int cons_write(struct vio *d, const char *text, bool split)
{
	uint32_t n = (uint32_t)strlen(text), used;

	memcpy(txbuf, text, n);
	if (split && n > 1) {
		set_desc(d->q[1].desc, 0, gpa(txbuf), n / 2, D_NEXT, 1);
		set_desc(d->q[1].desc, 1, gpa(txbuf) + n / 2, n - n / 2, 0, 0);
	} else {
		set_desc(d->q[1].desc, 0, gpa(txbuf), n, 0, 0);
	}
	if (qsubmit(d, 1, 0, &used))
		return vfail_in("transmit");
	CHECK(d, used == 0, "transmit buffer returned with used len %u", used);
	return 0;
}

static int cons_conformance(struct vio *d)
{
	char line[96];
	uint32_t v;

	CHECK(d, (d->offered & TYPE_FEATURES) == BIT(F_CONS_EMERG_WRITE),
	      "console features 0x%lx offered, expected EMERG_WRITE alone",
	      d->offered & TYPE_FEATURES);
	if (refused_features(d, want_features(d) | BIT(F_CONS_MULTIPORT),
			     "MULTIPORT") ||
	    refused_features(d, want_features(d) | BIT(F_CONS_SIZE), "SIZE"))
		return -1;
	/*
	 * 5.3.4: emerg_wr works before negotiation (the device offers
	 * EMERG_WRITE), one character a write; and after DRIVER_OK.
	 */
	if (vio_reset(d))
		return -1;
	snprintf(line, sizeof(line), "early emergency write from %s\n",
		 d->node);
	for (const char *c = line; *c; c++)
		wr(d, VIO_CONFIG + CONS_CFG_EMERG_WR, (uint8_t)*c);
	if (vio_init2(d, want_features(d), pair_rings[0]))
		return -1;

	snprintf(line, sizeof(line), "emergency write from %s\n", d->node);
	for (const char *c = line; *c; c++)
		wr(d, VIO_CONFIG + CONS_CFG_EMERG_WR, (uint8_t)*c);
	v = rd(d, VIO_CONFIG + CONS_CFG_EMERG_WR);
	CHECK(d, v == 0, "emerg_wr reads 0x%x after writes", v);

	/* Receive buffers posted: nothing comes that was not typed. */
	rx_post_all(d, 0, 64);
	CHECK(d, !qused_within(d, 0, 50), "input arrived with nothing typed");

	snprintf(line, sizeof(line),
		 "virtio-console %s: hello from the guest\n", d->node);
	if (cons_write(d, line, false))
		return -1;
	snprintf(line, sizeof(line),
		 "virtio-console %s: a line in two descriptors\n", d->node);
	if (cons_write(d, line, true))
		return -1;

	/* 5.3.6.1: a device-writable transmit descriptor. */
	set_desc(d->q[1].desc, 0, gpa(txbuf), 8, D_WRITE, 0);
	qpost(d, 1, 0);
	qnotify(d, 1);
	if (wait_needs_reset(d))
		return vfail_in("a device-writable transmit descriptor");
	d->checks++;
	CHECK(d, READ_ONCE(d->q[1].used->idx) == d->q[1].last_used,
	      "the device-writable transmit buffer was used");
	if (vio_reset(d) || vio_init2(d, want_features(d), pair_rings[0]))
		return -1;
	snprintf(line, sizeof(line), "virtio-console %s: after reset\n",
		 d->node);
	return cons_write(d, line, false);
}

/* ---- the conformance run (4.2.3.1, 3.1.1, 2.1, 2.2) ---- */

static int conformance(struct vio *d)
{
	uint32_t v, s;
	uint64_t unoffered = 0;
	unsigned int bit, nq;
	int err;

	v = rd(d, VIO_MAGIC);
	CHECK(d, v == VIO_MAGIC_VALUE, "MagicValue 0x%x", v);
	v = rd(d, VIO_VERSION);
	CHECK(d, v == 2, "Version %u, expected 2 (no legacy)", v);
	d->id = rd(d, VIO_DEVICE_ID);
	CHECK(d, d->id >= ID_NET && d->id <= ID_RNG,
	      "DeviceID %u: not a network (1), block (2), console (3) or "
	      "entropy (4) device",
	      d->id);
	printf("  device id %u vendor 0x%x\n", d->id, rd(d, VIO_VENDOR_ID));

	/* Reset: Status 0, no interrupt pending, no queue ready. */
	wr(d, VIO_STATUS, 0);
	CHECK(d, status(d) == 0, "Status 0x%x after writing 0", status(d));
	CHECK(d, isr(d) == 0, "InterruptStatus 0x%x after reset", isr(d));
	wr(d, VIO_STATUS, S_ACKNOWLEDGE);
	CHECK(d, status(d) == S_ACKNOWLEDGE, "Status 0x%x after ACKNOWLEDGE",
	      status(d));
	wr(d, VIO_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	CHECK(d, status(d) == (S_ACKNOWLEDGE | S_DRIVER),
	      "Status 0x%x after DRIVER", status(d));

	d->offered = device_features(d);
	CHECK(d, d->offered & BIT(F_VERSION_1),
	      "VIRTIO_F_VERSION_1 not offered (features 0x%lx)", d->offered);

	/*
	 * 6.1 lets a device refuse a driver that does not accept VERSION_1;
	 * one without a legacy interface (Keel) must: FEATURES_OK stays clear.
	 */
	driver_features(d, d->offered & ~BIT(F_VERSION_1));
	wr(d, VIO_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
	s = status(d);
	CHECK(d, !(s & S_FEATURES_OK),
	      "FEATURES_OK kept without VIRTIO_F_VERSION_1 (Status 0x%x)", s);

	/* 2.2.1: nor with a bit the device did not offer. */
	for (bit = 24; bit < 64 && !unoffered; bit++)
		if (!(d->offered & BIT(bit)))
			unoffered = BIT(bit);
	wr(d, VIO_STATUS, 0);
	CHECK(d, status(d) == 0, "Status 0x%x after reset", status(d));
	wr(d, VIO_STATUS, S_ACKNOWLEDGE);
	wr(d, VIO_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	driver_features(d, d->offered | unoffered);
	wr(d, VIO_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
	s = status(d);
	CHECK(d, !(s & S_FEATURES_OK),
	      "FEATURES_OK kept with feature 0x%lx not offered (Status 0x%x)",
	      unoffered, s);

	/* An acceptable subset is kept. */
	if (vio_negotiate(d, want_features(d)))
		return -1;
	d->checks++;

	/*
	 * 4.2.2: QueueNumMax 0 for a queue the device does not have: block
	 * and entropy devices have one here (no MQ), network and console
	 * devices two (no CTRL_VQ, no MULTIPORT).
	 */
	nq = nqueues(d);
	wr(d, VIO_QUEUE_SEL, nq);
	CHECK(d, rd(d, VIO_QUEUE_NUM_MAX) == 0,
	      "QueueNumMax %u for queue %u, which the device does not have",
	      rd(d, VIO_QUEUE_NUM_MAX), nq);
	wr(d, VIO_QUEUE_SEL, nq - 1);
	CHECK(d, rd(d, VIO_QUEUE_NUM_MAX) >= QSIZE,
	      "QueueNumMax %u for queue %u, less than %u",
	      rd(d, VIO_QUEUE_NUM_MAX), nq - 1, QSIZE);
	wr(d, VIO_QUEUE_SEL, 0);
	CHECK(d, rd(d, VIO_QUEUE_READY) == 0, "queue 0 ready before set-up");
	d->qmax = (uint16_t)rd(d, VIO_QUEUE_NUM_MAX);
	CHECK(d, d->qmax >= QSIZE, "QueueNumMax %u, less than %u", d->qmax,
	      QSIZE);
	rings_default(d);
	queue_program(d, QSIZE, gpa(d->q[0].desc), gpa(d->q[0].avail),
		      gpa(d->q[0].used));
	wr(d, VIO_QUEUE_READY, 1);
	CHECK(d, rd(d, VIO_QUEUE_READY) == 1,
	      "QueueReady reads %u after writing 1 (Status 0x%x)",
	      rd(d, VIO_QUEUE_READY), status(d));
	wr(d, VIO_STATUS, S_READY);
	CHECK(d, status(d) == S_READY, "Status 0x%x after DRIVER_OK",
	      status(d));
	v = rd(d, VIO_CONFIG_GENERATION);
	CHECK(d, v == rd(d, VIO_CONFIG_GENERATION),
	      "ConfigGeneration changes by itself");
	CHECK(d, isr(d) == 0, "InterruptStatus 0x%x with nothing done", isr(d));

	switch (d->id) {
	case ID_BLOCK:
		err = blk_conformance(d);
		break;
	case ID_RNG:
		err = rng_conformance(d);
		break;
	case ID_NET:
		err = net_conformance(d);
		break;
	default:
		err = cons_conformance(d);
		break;
	}
	if (err)
		return -1;

	/* A reset forgets the queue and any pending interrupt. */
	wr(d, VIO_STATUS, 0);
	CHECK(d, status(d) == 0, "Status 0x%x after the final reset",
	      status(d));
	wr(d, VIO_QUEUE_SEL, 0);
	CHECK(d, rd(d, VIO_QUEUE_READY) == 0,
	      "queue 0 still ready after reset");
	CHECK(d, isr(d) == 0, "InterruptStatus 0x%x after reset", isr(d));
	return 0;
}

/* ---- hostile input ---- */

/* Addresses no buffer or ring may use, found from the device tree. */
struct bad_addr {
	const char *what;
	uint64_t addr;
	uint32_t len;
};

#define MAX_BAD 16
static struct bad_addr bad[MAX_BAD];
static unsigned int nr_bad;

static bool in_ram(uint64_t addr, uint64_t len)
{
	for (unsigned int i = 0; i < platform.nr_ram; i++)
		if (addr + len > platform.ram[i].base &&
		    addr < platform.ram[i].base + platform.ram[i].size)
			return true;
	return false;
}

static void add_bad(const char *what, uint64_t addr, uint32_t len)
{
	/* Only addresses wholly outside RAM, or deliberately across its end. */
	if (nr_bad < MAX_BAD)
		bad[nr_bad++] = (struct bad_addr){ what, addr, len };
}

static void add_bad_node(const char *what, const char *const *compat)
{
	struct basic_range reg;

	for (; *compat; compat++)
		if (!fdt_find_compatible(platform.fdt, *compat, &reg, NULL) &&
		    !in_ram(reg.base, 1)) {
			add_bad(what, reg.base, 512);
			return;
		}
}

static void find_bad_addresses(const struct vio *d)
{
	static const char *const irqchip[] = {
		"arm,gic-v3",	     "arm,cortex-a15-gic", "riscv,plic0",
		"sifive,plic-1.0.0", "keel,x86-ioapic",	   NULL
	};
	static const char *const uart[] = { "arm,pl011", "ns16550a", NULL };
	static const char *const rom[] = { "keel,rom", NULL };
	const struct basic_range *ram = &platform.ram[0];
	uint64_t end = ram->base + ram->size;

	nr_bad = 0;
	if (ram->base >= 0x1000 && !in_ram(ram->base - 0x1000, 0x1000))
		add_bad("below RAM", ram->base - 0x1000, 512);
	if (!in_ram(end, 512))
		add_bad("RAM's end", end, 512);
	add_bad("across RAM's end", end - 256, 512);
	if (!in_ram(ram->base + 0x10000000, 512))
		add_bad("host RAM past the guest's", ram->base + 0x10000000,
			512);
	add_bad_node("the interrupt controller", irqchip);
	add_bad_node("the UART", uart);
	add_bad_node("the ROM", rom);
	add_bad("the device's own registers", d->base, 512);
	if (!in_ram(0, 512))
		add_bad("address 0", 0, 512);
	add_bad("2^64-16", ~0ULL - 15, 16);
	add_bad("wrapping past 2^64", ~0ULL - 7, 16);
}

static uint64_t gic_or_hole(void)
{
	for (unsigned int i = 0; i < nr_bad; i++)
		if (!strcmp(bad[i].what, "the interrupt controller"))
			return bad[i].addr;
	return bad[0].addr;
}

/*
 * The queue a malformed chain goes on: one the device walks when the
 * driver notifies it. Network and console devices walk their receive
 * queue only when a frame or typed input arrives, so chains go on the
 * transmit queue (1); block and entropy devices have queue 0 alone.
 */
static unsigned int walked_queue(const struct vio *d)
{
	return nqueues(d) == 2 ? 1 : 0;
}

/* The direction of that queue's buffers: D_WRITE, or 0 for transmitq. */
static uint16_t hdir(const struct vio *d)
{
	return walked_queue(d) ? 0 : D_WRITE;
}

static struct vq *hvq(struct vio *d)
{
	return &d->q[d->hq];
}

static void hpost(struct vio *d, uint16_t head)
{
	qpost(d, d->hq, head);
}

static void hnotify(struct vio *d)
{
	qnotify(d, d->hq);
}

/* The three pages of rings of the case's queue. */
static uint8_t (*hrings(const struct vio *d))[4096]
{
	return nqueues(d) == 2 ? pair_rings[0][d->hq] : ring_mem;
}

/* 3.1.1 with every queue of the device. */
static int vio_init_all(struct vio *d, uint64_t want)
{
	return nqueues(d) == 2 ? vio_init2(d, want, pair_rings[0]) :
				 vio_init(d, want);
}

/*
 * A good request of the device's kind in table t from index i on
 * (chained i, i + 1, ...): a sector read, 64 bytes of entropy, a
 * 60-byte broadcast frame after its header, or a line for the console.
 * The number of descriptors.
 */
static unsigned int good_chain(struct vio *d, struct vq_desc *t, uint16_t i)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t mac[6];
	int n;

	switch (d->id) {
	case ID_BLOCK:
		hdr.type = T_IN;
		hdr.reserved = 0;
		hdr.sector = 0;
		blk_status[0] = 0xff;
		memset(data[0], 0, SECTOR);
		set_desc(t, i, gpa(&hdr), sizeof(hdr), D_NEXT, i + 1);
		set_desc(t, i + 1, gpa(data[0]), SECTOR, D_NEXT | D_WRITE,
			 i + 2);
		set_desc(t, i + 2, gpa(blk_status), 1, D_WRITE, 0);
		return 3;
	case ID_NET:
		net_mac(d, mac);
		memset(data[0], 0, NET_HDR);
		memcpy(data[0] + NET_HDR, frame,
		       make_frame(bcast, mac, 60, 99));
		set_desc(t, i, gpa(data[0]), NET_HDR + 60, 0, 0);
		return 1;
	case ID_CONSOLE:
		n = snprintf((char *)data[0], 128,
			     "virtio-hostile %s: a good line\n", d->node);
		set_desc(t, i, gpa(data[0]), (uint32_t)n, 0, 0);
		return 1;
	default:
		set_desc(t, i, gpa(data[0]), 64, D_WRITE, 0);
		return 1;
	}
}

/* What the device answered a good request with (its used len). */
static int good_result(struct vio *d, uint32_t len)
{
	switch (d->id) {
	case ID_BLOCK:
		if (blk_status[0] != BLK_S_OK || len != SECTOR + 1)
			return vfail("read of sector 0: status %u, len %u",
				     blk_status[0], len);
		return is_disk_pattern(data[0], 0) ?
			       0 :
			       vfail("sector 0 read wrong");
	case ID_NET:
	case ID_CONSOLE:
		/* Transmit buffers are read, not written. */
		return len ? vfail("transmit buffer used with len %u, not 0",
				   len) :
			     0;
	default:
		return len >= 1 && len <= 64 ?
			       0 :
			       vfail("used len %u for 64 bytes of entropy",
				     len);
	}
}

/*
 * The device flagged what it was given: DEVICE_NEEDS_RESET (2.1.2), a
 * configuration change notification after DRIVER_OK, the bad chain not
 * used, and no request served until the reset.
 */
static int expect_needs_reset(struct vio *d)
{
	uint64_t end = arch_counter() + ms_ticks(TIMEOUT_MS);
	uint32_t s, v;

	while (!((s = status(d)) & S_NEEDS_RESET))
		if (arch_counter() > end)
			return vfail("no DEVICE_NEEDS_RESET (Status 0x%x)", s);
	v = isr(d);
	if ((s & S_DRIVER_OK) && !(v & INT_CONFIG))
		return vfail("DEVICE_NEEDS_RESET without a configuration "
			     "change notification (InterruptStatus 0x%x)",
			     v);
	if (READ_ONCE(hvq(d)->used->idx) != hvq(d)->last_used)
		return vfail("the device used the malformed chain");
	if (s & S_DRIVER_OK) {
		/* A good request now must wait for the reset. */
		good_chain(d, hvq(d)->desc, 13);
		hpost(d, 13);
		hnotify(d);
		if (qused_within(d, d->hq, 20))
			return vfail("a request was served while the device "
				     "needed a reset");
	}
	return 0;
}

/* Set-up refused: the queue is not ready (and Keel says needs reset). */
static int expect_refused(struct vio *d)
{
	wr(d, VIO_QUEUE_SEL, d->hq);
	if (rd(d, VIO_QUEUE_READY))
		return vfail("the queue became ready (Status 0x%x)", status(d));
	if (!(status(d) & S_NEEDS_RESET))
		return vfail("refused without DEVICE_NEEDS_RESET (Status "
			     "0x%x)",
			     status(d));
	return 0;
}

/* A good request, the device's kind, at head on the case's queue. */
static int good_request(struct vio *d, uint16_t head)
{
	uint32_t len;

	good_chain(d, hvq(d)->desc, head);
	if (qsubmit(d, d->hq, head, &len))
		return -1;
	return good_result(d, len);
}

/*
 * One chain the device must refuse, posted at head 0: for a block device
 * a request header goes first, for a network device a packet header, so
 * that the malformed part is what the device walks into after a good
 * start.
 */
static int bad_chain(struct vio *d, const struct vq_desc *chain, unsigned int n)
{
	struct vq_desc *t = hvq(d)->desc;
	unsigned int first = 0;

	if (d->id == ID_BLOCK) {
		hdr.type = T_IN;
		hdr.sector = 0;
		set_desc(t, 0, gpa(&hdr), sizeof(hdr), D_NEXT, 1);
		first = 1;
	} else if (d->id == ID_NET) {
		memset(&txhdr, 0, sizeof(txhdr));
		set_desc(t, 0, gpa(&txhdr), NET_HDR, D_NEXT, 1);
		first = 1;
	}
	for (unsigned int i = 0; i < n; i++) {
		t[first + i] = chain[i];
		/* The case's own next indices count from its first. */
		if (chain[i].flags & D_NEXT)
			t[first + i].next = (uint16_t)(chain[i].next + first);
	}
	hpost(d, 0);
	hnotify(d);
	return expect_needs_reset(d);
}

/*
 * A buffer at addr, in the queue's direction (written by a disk read or
 * an entropy device, read by a transmit queue): outside RAM, the device
 * must refuse it.
 */
static int case_bad_buffer(struct vio *d, uint64_t addr, uint32_t len)
{
	bool blk = d->id == ID_BLOCK;
	struct vq_desc c[2] = {
		{ addr, len, (uint16_t)(hdir(d) | (blk ? D_NEXT : 0)), 1 },
		{ gpa(blk_status), 1, D_WRITE, 0 },
	};

	return bad_chain(d, c, blk ? 2 : 1);
}

static int case_bad_header(struct vio *d)
{
	/* A block header the device would read from the interrupt controller. */
	set_desc(hvq(d)->desc, 0, gic_or_hole(), sizeof(hdr), D_NEXT, 1);
	set_desc(hvq(d)->desc, 1, gpa(blk_status), 1, D_WRITE, 0);
	hpost(d, 0);
	hnotify(d);
	return expect_needs_reset(d);
}

static int case_huge_len(struct vio *d)
{
	return case_bad_buffer(d, platform.ram[0].base, 0xffffffffU);
}

static int case_loop2(struct vio *d)
{
	struct vq_desc c[2] = {
		{ gpa(data[0]), 8, (uint16_t)(hdir(d) | D_NEXT), 1 },
		{ gpa(data[1]), 8, (uint16_t)(hdir(d) | D_NEXT), 0 },
	};

	return bad_chain(d, c, 2);
}

static int case_self_loop(struct vio *d)
{
	struct vq_desc c[1] = { { gpa(data[0]), 8, (uint16_t)(hdir(d) | D_NEXT),
				  0 } };

	return bad_chain(d, c, 1);
}

static int case_zero_len_loop(struct vio *d)
{
	/* Empty descriptors move no data but still count as a loop. */
	struct vq_desc c[2] = {
		{ gpa(data[0]), 0, (uint16_t)(hdir(d) | D_NEXT), 1 },
		{ gpa(data[0]), 0, (uint16_t)(hdir(d) | D_NEXT), 0 },
	};

	return bad_chain(d, c, 2);
}

static int case_next_outside(struct vio *d)
{
	struct vq_desc c[1] = { { gpa(data[0]), 8, (uint16_t)(hdir(d) | D_NEXT),
				  200 } };

	return bad_chain(d, c, 1);
}

static int case_head_outside(struct vio *d)
{
	hpost(d, QSIZE + 3);
	hnotify(d);
	return expect_needs_reset(d);
}

static int case_avail_jump(struct vio *d)
{
	set_desc(hvq(d)->desc, 0, gpa(data[0]), 8, hdir(d), 0);
	for (unsigned int i = 0; i < QSIZE; i++)
		hvq(d)->avail->ring[i] = 0;
	arch_mb();
	WRITE_ONCE(hvq(d)->avail->idx,
		   (uint16_t)(hvq(d)->next_avail + QSIZE + 1));
	arch_mb();
	hnotify(d);
	return expect_needs_reset(d);
}

static int case_readable_after_writable(struct vio *d)
{
	struct vq_desc c[2] = {
		{ gpa(data[0]), 8, D_WRITE | D_NEXT, 1 },
		{ gpa(data[1]), 8, D_NEXT, 2 },
	};
	struct vq_desc c3[3];

	memcpy(c3, c, sizeof(c));
	c3[2] = (struct vq_desc){ gpa(blk_status), 1, D_WRITE, 0 };
	return bad_chain(d, c3, 3);
}

/* An indirect descriptor for table t of n entries, with extra flags. */
static int indirect(struct vio *d, uint64_t t, uint32_t bytes, uint16_t flags)
{
	struct vq_desc c[2] = {
		{ t, bytes, D_INDIRECT | flags, 1 },
		{ gpa(blk_status), 1, D_WRITE, 0 },
	};

	return bad_chain(d, c, flags & D_NEXT ? 2 : 1);
}

static int case_indirect_loop(struct vio *d)
{
	set_desc(itable, 0, gpa(data[0]), 8, hdir(d) | D_NEXT, 1);
	set_desc(itable, 1, gpa(data[1]), 8, hdir(d) | D_NEXT, 0);
	return indirect(d, gpa(itable), 2 * sizeof(struct vq_desc), 0);
}

static int case_indirect_next_outside(struct vio *d)
{
	set_desc(itable, 0, gpa(data[0]), 8, hdir(d) | D_NEXT, 2);
	return indirect(d, gpa(itable), 2 * sizeof(struct vq_desc), 0);
}

static int case_indirect_nested(struct vio *d)
{
	set_desc(itable, 1, gpa(data[0]), 8, hdir(d), 0);
	set_desc(itable, 0, gpa(&itable[1]), sizeof(struct vq_desc), D_INDIRECT,
		 0);
	return indirect(d, gpa(itable), sizeof(struct vq_desc), 0);
}

static int case_indirect_with_next(struct vio *d)
{
	set_desc(itable, 0, gpa(data[0]), 8, hdir(d), 0);
	return indirect(d, gpa(itable), sizeof(struct vq_desc), D_NEXT);
}

static int case_indirect_len24(struct vio *d)
{
	set_desc(itable, 0, gpa(data[0]), 8, hdir(d), 0);
	return indirect(d, gpa(itable), 24, 0);
}

static int case_indirect_len0(struct vio *d)
{
	return indirect(d, gpa(itable), 0, 0);
}

static int case_indirect_outside(struct vio *d)
{
	return indirect(d, gic_or_hole(), 4 * sizeof(struct vq_desc), 0);
}

static int case_indirect_huge(struct vio *d)
{
	/* 1025 entries: one more than 2.7.5.3.1 allows a table. */
	memset(big_table, 0, sizeof(big_table));
	for (unsigned int i = 0; i < BIG_TABLE; i++)
		set_desc(big_table, i, gpa(data[0]), 1, hdir(d), 0);
	return indirect(d, gpa(big_table), sizeof(big_table), 0);
}

static int case_too_many_segments(struct vio *d)
{
	/*
	 * 260 eight-byte buffers: more than seg_max, QEMU's 254, or Keel's
	 * 256 segments per chain.
	 */
	for (unsigned int i = 0; i < 260; i++)
		set_desc(itable, i, gpa(data[0]) + 8 * i, 8,
			 hdir(d) | (i < 259 ? D_NEXT : 0), (uint16_t)(i + 1));
	return indirect(d, gpa(itable), 260 * sizeof(struct vq_desc), 0);
}

static int case_blk_no_status(struct vio *d)
{
	hdr.type = T_IN;
	hdr.sector = 0;
	set_desc(hvq(d)->desc, 0, gpa(&hdr), sizeof(hdr), 0, 0);
	hpost(d, 0);
	hnotify(d);
	return expect_needs_reset(d);
}

static int case_blk_short_header(struct vio *d)
{
	set_desc(hvq(d)->desc, 0, gpa(&hdr), 8, D_NEXT, 1);
	set_desc(hvq(d)->desc, 1, gpa(blk_status), 1, D_WRITE, 0);
	hpost(d, 0);
	hnotify(d);
	return expect_needs_reset(d);
}

static int case_indirect_not_negotiated(struct vio *d)
{
	if (vio_init_all(d, want_features(d) & ~BIT(F_INDIRECT_DESC)))
		return -1;
	set_desc(itable, 0, gpa(data[0]), 8, hdir(d), 0);
	return indirect(d, gpa(itable), sizeof(struct vq_desc), 0);
}

/* Up to FEATURES_OK, then a queue the device must refuse. */
static int refused_queue(struct vio *d, uint32_t num, uint64_t desc,
			 uint64_t avail, uint64_t used)
{
	if (vio_negotiate(d, want_features(d)))
		return -1;
	rings_at(d, d->hq, hrings(d));
	queue_program_at(d, d->hq, num, desc, avail, used);
	wr(d, VIO_QUEUE_READY, 1);
	return expect_refused(d);
}

static int case_desc_unaligned(struct vio *d)
{
	uint8_t(*m)[4096] = hrings(d);

	return refused_queue(d, QSIZE, gpa(m[0]) + 8, gpa(m[1]), gpa(m[2]));
}

static int case_avail_unaligned(struct vio *d)
{
	uint8_t(*m)[4096] = hrings(d);

	return refused_queue(d, QSIZE, gpa(m[0]), gpa(m[1]) + 1, gpa(m[2]));
}

static int case_used_unaligned(struct vio *d)
{
	uint8_t(*m)[4096] = hrings(d);

	return refused_queue(d, QSIZE, gpa(m[0]), gpa(m[1]), gpa(m[2]) + 2);
}

static int case_desc_outside(struct vio *d)
{
	uint8_t(*m)[4096] = hrings(d);

	return refused_queue(d, QSIZE, gic_or_hole(), gpa(m[1]), gpa(m[2]));
}

static int case_used_across_end(struct vio *d)
{
	const struct basic_range *ram = &platform.ram[0];
	uint8_t(*m)[4096] = hrings(d);

	return refused_queue(d, QSIZE, gpa(m[0]), gpa(m[1]),
			     ram->base + ram->size - 64);
}

static int case_used_wraps(struct vio *d)
{
	uint8_t(*m)[4096] = hrings(d);

	return refused_queue(d, QSIZE, gpa(m[0]), gpa(m[1]), ~0ULL - 63);
}

static int case_size_12(struct vio *d)
{
	uint8_t(*m)[4096] = hrings(d);

	return refused_queue(d, 12, gpa(m[0]), gpa(m[1]), gpa(m[2]));
}

static int case_size_0(struct vio *d)
{
	uint8_t(*m)[4096] = hrings(d);

	return refused_queue(d, 0, gpa(m[0]), gpa(m[1]), gpa(m[2]));
}

static int case_size_over_max(struct vio *d)
{
	uint8_t(*m)[4096] = hrings(d);
	uint32_t num;

	/* 4.2.2.2: QueueNum at most QueueNumMax; twice it is a power of 2. */
	wr(d, VIO_QUEUE_SEL, d->hq);
	num = 2u * rd(d, VIO_QUEUE_NUM_MAX);
	if (num > 32768 || (num & (num - 1)))
		num = 65536; /* not even a valid queue size */
	return refused_queue(d, num, gpa(m[0]), gpa(m[1]), gpa(m[2]));
}

static int case_ready_before_features_ok(struct vio *d)
{
	struct vq *q = hvq(d);

	if (vio_reset(d))
		return -1;
	wr(d, VIO_STATUS, S_ACKNOWLEDGE);
	wr(d, VIO_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	rings_at(d, d->hq, hrings(d));
	queue_program_at(d, d->hq, QSIZE, gpa(q->desc), gpa(q->avail),
			 gpa(q->used));
	wr(d, VIO_QUEUE_READY, 1);
	return expect_refused(d);
}

static int case_driver_ok_before_features_ok(struct vio *d)
{
	uint32_t s;

	if (vio_reset(d))
		return -1;
	wr(d, VIO_STATUS, S_ACKNOWLEDGE);
	wr(d, VIO_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	driver_features(d, BIT(F_VERSION_1));
	wr(d, VIO_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_DRIVER_OK);
	s = status(d);
	return s & S_DRIVER_OK ? vfail("DRIVER_OK taken before FEATURES_OK "
				       "(Status 0x%x)",
				       s) :
				 0;
}

static int case_features_ok_without_driver(struct vio *d)
{
	uint32_t s;

	if (vio_reset(d))
		return -1;
	wr(d, VIO_STATUS, S_ACKNOWLEDGE);
	wr(d, VIO_STATUS, S_ACKNOWLEDGE | S_FEATURES_OK);
	s = status(d);
	return s & S_FEATURES_OK ? vfail("FEATURES_OK taken without DRIVER "
					 "(Status 0x%x)",
					 s) :
				   0;
}

/* The write must be ignored: Status stays, a request still works. */
static int expect_ignored(struct vio *d, uint16_t head)
{
	uint32_t s = status(d);

	if (s != S_READY)
		return vfail("Status 0x%x, expected 0x%x", s, S_READY);
	return good_request(d, head);
}

static int case_queue_num_after_ready(struct vio *d)
{
	/* Were QueueNum 4 taken, head 12 would be outside the table. */
	wr(d, VIO_QUEUE_SEL, d->hq);
	wr(d, VIO_QUEUE_NUM, 4);
	return expect_ignored(d, 12);
}

static int case_queue_desc_after_ready(struct vio *d)
{
	wr(d, VIO_QUEUE_SEL, d->hq);
	wr(d, VIO_QUEUE_DESC_LOW, 0x10);
	wr(d, VIO_QUEUE_DESC_HIGH, 0xffff);
	return expect_ignored(d, 0);
}

static int case_features_after_features_ok(struct vio *d)
{
	unsigned int n;
	uint32_t len;

	/* Were 0 taken, INDIRECT would be gone and this chain malformed. */
	driver_features(d, 0);
	if (!(d->features & BIT(F_INDIRECT_DESC)))
		return expect_ignored(d, 0);
	n = good_chain(d, itable, 0);
	set_desc(hvq(d)->desc, 0, gpa(itable), n * sizeof(struct vq_desc),
		 D_INDIRECT, 0);
	if (qsubmit(d, d->hq, 0, &len) || good_result(d, len))
		return -1;
	return status(d) == S_READY ? 0 :
				      vfail("Status 0x%x after an indirect "
					    "request",
					    status(d));
}

static int case_clear_status_bit(struct vio *d)
{
	/* 2.1.1: only a reset clears bits; this write is not one. */
	wr(d, VIO_STATUS, S_ACKNOWLEDGE);
	return expect_ignored(d, 0);
}

static int case_driver_sets_needs_reset(struct vio *d)
{
	wr(d, VIO_STATUS, S_READY | S_NEEDS_RESET);
	return expect_ignored(d, 0);
}

static int case_notify_other_queue(struct vio *d)
{
	wr(d, VIO_QUEUE_NOTIFY, 5);
	wr(d, VIO_QUEUE_SEL, 7);
	wr(d, VIO_QUEUE_READY, 1);
	if (rd(d, VIO_QUEUE_READY) || rd(d, VIO_QUEUE_NUM_MAX))
		return vfail("queue 7 ready or with a QueueNumMax");
	wr(d, VIO_QUEUE_SEL, 0);
	return expect_ignored(d, 0);
}

static int case_config_write(struct vio *d)
{
	uint32_t before = rd(d, VIO_CONFIG);

	/*
	 * capacity (5.2.4) and mac (5.1.4: the driver uses it, and has no
	 * way to set it without VIRTIO_NET_F_CTRL_MAC_ADDR) are the
	 * device's to set.
	 */
	wr(d, VIO_CONFIG, ~before);
	if (rd(d, VIO_CONFIG) != before)
		return vfail("a write changed the configuration's first word");
	return expect_ignored(d, 0);
}

/*
 * An access of the wrong width or place: refused, and nothing changes. It
 * faults where refused accesses do; on a PC a read gives all ones.
 */
static int wrong_access(struct vio *d, uint32_t off, unsigned int size,
			bool write, uint64_t v)
{
	struct basic_fault f;
	uint64_t got = 0, ones = size >= 8 ? ~0ULL : (1ULL << size * 8) - 1;
	bool faulted;

	fault_catch_begin();
	if (write)
		arch_mmio_write(d->base + off, size, v);
	else
		got = arch_mmio_read(d->base + off, size);
	arch_mb();
	faulted = fault_catch_end(&f);
	if (arch_refused_access_faults && !faulted)
		return vfail("%u-byte %s at 0x%x did not fault", size,
			     write ? "write" : "read", off);
	if (!arch_refused_access_faults && faulted)
		return vfail("%u-byte %s at 0x%x faulted", size,
			     write ? "write" : "read", off);
	if (!arch_refused_access_faults && !write && got != ones)
		return vfail("%u-byte read at 0x%x gave 0x%lx, not all ones",
			     size, off, got);
	return expect_ignored(d, 0);
}

static int case_read8_status(struct vio *d)
{
	return wrong_access(d, VIO_STATUS, 1, false, 0);
}

static int case_read16_magic(struct vio *d)
{
	return wrong_access(d, VIO_MAGIC, 2, false, 0);
}

static int case_read64_magic(struct vio *d)
{
	return wrong_access(d, VIO_MAGIC, 8, false, 0);
}

static int case_write8_status(struct vio *d)
{
	/* Were it taken, 0 would reset the device. */
	return wrong_access(d, VIO_STATUS, 1, true, 0);
}

static int case_write16_notify(struct vio *d)
{
	return wrong_access(d, VIO_QUEUE_NOTIFY, 2, true, 0);
}

static int case_write64_status(struct vio *d)
{
	return wrong_access(d, VIO_STATUS, 8, true, 0);
}

static int case_config_end(struct vio *d)
{
	/* The last word of the window: past any device's configuration. */
	return wrong_access(d, VIO_WINDOW - 4, 4, false, 0);
}

static int case_rng_config(struct vio *d)
{
	/* 5.4.4: the entropy device has no configuration. */
	return wrong_access(d, VIO_CONFIG, 4, false, 0);
}

/* ---- network and console: what their transmit queues must refuse ---- */

/* A chain of n descriptors (chained in order) from c at head 0. */
static void tx_chain(struct vio *d, const struct vq_desc *c, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		hvq(d)->desc[i] = c[i];
		if (i + 1 < n)
			hvq(d)->desc[i].flags |= D_NEXT;
		hvq(d)->desc[i].next = (uint16_t)(i + 1);
	}
	hpost(d, 0);
	hnotify(d);
}

/*
 * A transmit chain the device must take and drop: its buffer comes back
 * with used len 0 and nothing else changes.
 */
static int expect_dropped(struct vio *d, const struct vq_desc *c,
			  unsigned int n)
{
	uint32_t id, len;

	tx_chain(d, c, n);
	if (qtake_used(d, d->hq, &id, &len))
		return -1;
	if (id != 0 || len != 0)
		return vfail("used id %u len %u, not 0 and 0", id, len);
	return expect_ignored(d, 1);
}

/* 5.1.6.2: every packet starts with the 12-byte header. */
static int case_net_short_packet(struct vio *d)
{
	struct vq_desc c[1] = { { gpa(&txhdr), NET_HDR - 2, 0, 0 } };

	memset(&txhdr, 0, sizeof(txhdr));
	tx_chain(d, c, 1);
	return expect_needs_reset(d);
}

static int case_net_short_split_header(struct vio *d)
{
	struct vq_desc c[2] = { { gpa(&txhdr), 5, 0, 0 },
				{ gpa(&txhdr) + 5, 4, 0, 0 } };

	memset(&txhdr, 0, sizeof(txhdr));
	tx_chain(d, c, 2);
	return expect_needs_reset(d);
}

/* 5.1.6.2: the device only reads a transmit buffer. */
static int case_net_writable_frame(struct vio *d)
{
	struct vq_desc c[2] = { { gpa(&txhdr), NET_HDR, 0, 0 },
				{ gpa(data[1]), 60, D_WRITE, 0 } };

	memset(&txhdr, 0, sizeof(txhdr));
	tx_chain(d, c, 2);
	return expect_needs_reset(d);
}

/* A header and a frame of len bytes at addr, flags and gso_type set. */
static int net_dropped(struct vio *d, uint64_t addr, uint32_t len,
		       uint8_t flags, uint8_t gso)
{
	struct vq_desc c[2] = { { gpa(&txhdr), NET_HDR, 0, 0 },
				{ addr, len, 0, 0 } };

	memset(&txhdr, 0, sizeof(txhdr));
	txhdr.flags = flags;
	txhdr.gso_type = gso;
	txhdr.gso_size = gso ? 500 : 0;
	return expect_dropped(d, c, len ? 2 : 1);
}

static int case_net_header_alone(struct vio *d)
{
	return net_dropped(d, 0, 0, 0, 0);
}

static int case_net_runt(struct vio *d)
{
	return net_dropped(d, gpa(data[1]), ETH_HLEN - 1, 0, 0);
}

/* 5.1.4.2: no frame longer than mtu and its Ethernet header. */
static int case_net_over_mtu(struct vio *d)
{
	return net_dropped(d, gpa(data[1]), ETH_MAX + 1, 0, 0);
}

static int case_net_64k_frame(struct vio *d)
{
	/* The firmware's own image: 64 KiB of RAM the device may read. */
	return net_dropped(d, platform.ram[0].base, 65536, 0, 0);
}

/* 5.1.6.2.1: flags 0 and GSO_NONE without the offloads negotiated. */
static int case_net_needs_csum(struct vio *d)
{
	return net_dropped(d, gpa(data[1]), 60, NET_HDR_F_NEEDS_CSUM, 0);
}

static int case_net_gso(struct vio *d)
{
	return net_dropped(d, gpa(data[1]), 60, 0, 1);
}

/* 5.3.6.1: the device only reads a transmit buffer. */
static int case_cons_writable(struct vio *d)
{
	struct vq_desc c[2] = { { gpa(data[1]), 8, 0, 0 },
				{ gpa(data[2]), 8, D_WRITE, 0 } };

	memcpy(data[1], "partial\n", 8);
	tx_chain(d, c, 2);
	return expect_needs_reset(d);
}

/* Keel sends at most 64 KiB of one buffer; the rest is dropped. */
static int case_cons_huge(struct vio *d)
{
	uint8_t *dots = data[0];
	struct vq_desc c[5];

	/* Five times 16 KiB of dots, a line each 64 bytes: 80 KiB. */
	for (unsigned int i = 0; i < sizeof(data); i++)
		dots[i] = (uint8_t)(i % 64 == 63 ? '\n' : '.');
	for (unsigned int i = 0; i < ARRAY_SIZE(c); i++)
		c[i] = (struct vq_desc){ gpa(dots), sizeof(data), 0, 0 };
	return expect_dropped(d, c, ARRAY_SIZE(c));
}

static int case_cons_empty(struct vio *d)
{
	struct vq_desc c[1] = { { gpa(data[1]), 0, 0, 0 } };

	return expect_dropped(d, c, 1);
}

struct hostile_case {
	const char *name;
	uint32_t only; /* a device id, or 0 for every device */
	/* Set-up of each queue the device has, not chains on one. */
	bool each_queue;
	int (*run)(struct vio *d);
};

static const struct hostile_case cases[] = {
	{ "huge length 0xffffffff", 0, false, case_huge_len },
	{ "block header at the interrupt controller", ID_BLOCK, false,
	  case_bad_header },
	{ "loop of two descriptors", 0, false, case_loop2 },
	{ "descriptor chained to itself", 0, false, case_self_loop },
	{ "loop of empty descriptors", 0, false, case_zero_len_loop },
	{ "next index outside the table", 0, false, case_next_outside },
	{ "head index outside the table", 0, false, case_head_outside },
	{ "avail idx ahead by more than the queue size", 0, false,
	  case_avail_jump },
	{ "readable after writable", 0, false, case_readable_after_writable },
	{ "indirect table chained into itself", 0, false, case_indirect_loop },
	{ "indirect next outside its table", 0, false,
	  case_indirect_next_outside },
	{ "indirect inside indirect", 0, false, case_indirect_nested },
	{ "indirect with NEXT", 0, false, case_indirect_with_next },
	{ "indirect table of 24 bytes", 0, false, case_indirect_len24 },
	{ "indirect table of 0 bytes", 0, false, case_indirect_len0 },
	{ "indirect table outside RAM", 0, false, case_indirect_outside },
	{ "indirect table of 1025 entries", 0, false, case_indirect_huge },
	{ "260 segments in one chain", 0, false, case_too_many_segments },
	{ "indirect without VIRTIO_F_INDIRECT_DESC", 0, false,
	  case_indirect_not_negotiated },
	{ "block request without a status byte", ID_BLOCK, false,
	  case_blk_no_status },
	{ "block header of 8 bytes", ID_BLOCK, false, case_blk_short_header },
	{ "packet of 10 bytes, shorter than its header", ID_NET, false,
	  case_net_short_packet },
	{ "header of 5 + 4 bytes", ID_NET, false, case_net_short_split_header },
	{ "device-writable frame", ID_NET, false, case_net_writable_frame },
	{ "header without a frame: dropped", ID_NET, false,
	  case_net_header_alone },
	{ "frame of 13 bytes: dropped", ID_NET, false, case_net_runt },
	{ "frame of 1515 bytes, over the MTU: dropped", ID_NET, false,
	  case_net_over_mtu },
	{ "frame of 64 KiB: dropped", ID_NET, false, case_net_64k_frame },
	{ "NEEDS_CSUM without VIRTIO_NET_F_CSUM: dropped", ID_NET, false,
	  case_net_needs_csum },
	{ "GSO type without GSO: dropped", ID_NET, false, case_net_gso },
	{ "device-writable transmit buffer", ID_CONSOLE, false,
	  case_cons_writable },
	{ "transmit buffer of 80 KiB: cut at 64 KiB", ID_CONSOLE, false,
	  case_cons_huge },
	{ "empty transmit buffer", ID_CONSOLE, false, case_cons_empty },
	{ "descriptor table not 16-byte aligned", 0, true,
	  case_desc_unaligned },
	{ "available ring not 2-byte aligned", 0, true, case_avail_unaligned },
	{ "used ring not 4-byte aligned", 0, true, case_used_unaligned },
	{ "descriptor table outside RAM", 0, true, case_desc_outside },
	{ "used ring across RAM's end", 0, true, case_used_across_end },
	{ "used ring wrapping past 2^64", 0, true, case_used_wraps },
	{ "queue size 12", 0, true, case_size_12 },
	{ "queue size 0", 0, true, case_size_0 },
	{ "queue size above QueueNumMax", 0, true, case_size_over_max },
	{ "QueueReady before FEATURES_OK", 0, true,
	  case_ready_before_features_ok },
	{ "DRIVER_OK before FEATURES_OK", 0, false,
	  case_driver_ok_before_features_ok },
	{ "FEATURES_OK without DRIVER", 0, false,
	  case_features_ok_without_driver },
	{ "QueueNum after QueueReady", 0, false, case_queue_num_after_ready },
	{ "QueueDesc after QueueReady", 0, false, case_queue_desc_after_ready },
	{ "DriverFeatures after FEATURES_OK", 0, false,
	  case_features_after_features_ok },
	{ "Status bit cleared without reset", 0, false, case_clear_status_bit },
	{ "driver sets DEVICE_NEEDS_RESET", 0, false,
	  case_driver_sets_needs_reset },
	{ "notify and QueueReady of queues that do not exist", 0, false,
	  case_notify_other_queue },
	{ "write to the capacity", ID_BLOCK, false, case_config_write },
	{ "write to the mac", ID_NET, false, case_config_write },
	{ "8-bit read of Status", 0, false, case_read8_status },
	{ "16-bit read of MagicValue", 0, false, case_read16_magic },
	{ "64-bit read of MagicValue", 0, false, case_read64_magic },
	{ "8-bit write of 0 to Status", 0, false, case_write8_status },
	{ "16-bit write to QueueNotify", 0, false, case_write16_notify },
	{ "64-bit write to Status", 0, false, case_write64_status },
	{ "read past the configuration", 0, false, case_config_end },
	{ "configuration read of the entropy device", ID_RNG, false,
	  case_rng_config },
};

/* After a case: reset, then the device must work as new. */
static int recover(struct vio *d)
{
	if (vio_reset(d))
		return -1;
	if (isr(d))
		return vfail("InterruptStatus 0x%x after reset", isr(d));
	if (vio_init_all(d, want_features(d)))
		return -1;
	return good_request(d, 0);
}

/* One case on queue d->hq, then recovery: 0 or -1 with why set. */
static int one_case(struct vio *d, const char *name, int (*run)(struct vio *d))
{
	char full[128];

	/* The queue is named where the device has more than one. */
	if (nqueues(d) > 1)
		snprintf(full, sizeof(full), "%s (queue %u)", name, d->hq);
	else
		snprintf(full, sizeof(full), "%s", name);
	if (run(d))
		return vfail_in(full);
	d->hq = walked_queue(d);
	if (recover(d)) {
		snprintf(full + strlen(full), sizeof(full) - strlen(full),
			 ", after reset");
		return vfail_in(full);
	}
	printf("  %s: refused\n", full);
	d->checks++;
	return 0;
}

static int hostile(struct vio *d)
{
	char name[96];
	unsigned int i, q;

	d->id = rd(d, VIO_DEVICE_ID);
	if (d->id < ID_NET || d->id > ID_RNG)
		return vfail("DeviceID %u: not a network, block, console or "
			     "entropy device",
			     d->id);
	d->hq = walked_queue(d);
	find_bad_addresses(d);
	if (recover(d))
		return vfail_in("before any case");
	for (i = 0; i < nr_bad; i++) {
		snprintf(name, sizeof(name), "buffer at %s (0x%lx + %u)",
			 bad[i].what, bad[i].addr, bad[i].len);
		d->hq = walked_queue(d);
		if (case_bad_buffer(d, bad[i].addr, bad[i].len))
			return vfail_in(name);
		if (recover(d)) {
			snprintf(name + strlen(name),
				 sizeof(name) - strlen(name), ", after reset");
			return vfail_in(name);
		}
		printf("  %s: refused\n", name);
		d->checks++;
	}
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct hostile_case *c = &cases[i];

		if (c->only && c->only != d->id)
			continue;
		for (q = 0; q < nqueues(d); q++) {
			if (!c->each_queue && q != walked_queue(d))
				continue;
			d->hq = q;
			if (one_case(d, c->name, c->run))
				return -1;
		}
	}
	return vio_reset(d);
}

/* ---- the commands ---- */

struct vio_run {
	int (*fn)(struct vio *d);
	const char *cmd, *unit;
	unsigned int devices, failed;
};

static int run_device(const char *name, const struct basic_range *reg,
		      uint32_t irq, void *arg)
{
	struct vio_run *r = arg;
	struct vio d;

	memset(&d, 0, sizeof(d));
	d.node = name;
	d.base = reg->base;
	r->devices++;
	if (reg->size < VIO_WINDOW) {
		printf("%s %s: FAIL registers of 0x%lx bytes, less than 0x%x\n",
		       r->cmd, name, reg->size, VIO_WINDOW);
		r->failed++;
		return 0;
	}
	why[0] = '\0';
	/* 4.2.3.1.1: a slot with DeviceID 0 has no device; ignore it. */
	if (rd(&d, VIO_MAGIC) == VIO_MAGIC_VALUE && !rd(&d, VIO_DEVICE_ID)) {
		r->devices--;
		return 0;
	}
	if (r->fn(&d)) {
		/* Leave the device reset, not half-broken, for the next run. */
		wr(&d, VIO_STATUS, 0);
		printf("%s %s: FAIL %s\n", r->cmd, name, why);
		r->failed++;
	} else {
		printf("%s %s: PASS %u %s\n", r->cmd, name, d.checks, r->unit);
	}
	return 0;
}

static int run_all(struct vio_run *r)
{
	if (fdt_for_each_compatible(platform.fdt, "virtio,mmio", run_device,
				    r) < 0)
		return fail("the device tree is malformed");
	if (!r->devices)
		return fail("no virtio,mmio node in the device tree");
	if (r->failed)
		return fail("%u of %u devices failed", r->failed, r->devices);
	return 0;
}

int cmd_virtio(int argc, char **argv)
{
	struct vio_run r = { conformance, "virtio", "checks", 0, 0 };

	return run_all(&r);
}

int cmd_virtio_hostile(int argc, char **argv)
{
	struct vio_run r = { hostile, "virtio-hostile", "cases", 0, 0 };

	return run_all(&r);
}

/*
 * `virtio-input`: a line typed into the first console device's port
 * (vserial bind <guest>/<node>) arrives in the receive buffers posted,
 * each used len within its buffer; it is echoed back on the transmit
 * queue. Waits up to 60 s for the line.
 */
int cmd_virtio_input(int argc, char **argv)
{
	static char got[256], echo[sizeof(got) + 8];
	struct vio d;
	struct peer_search ps = { ~0ULL, ID_CONSOLE, &d };
	uint64_t end;
	uint32_t id, len, n = 0;
	bool eol = false;

	if (fdt_for_each_compatible(platform.fdt, "virtio,mmio", find_peer,
				    &ps) != 1)
		return fail("no virtio console device");
	why[0] = '\0';
	if (vio_init2(&d, want_features(&d), pair_rings[0]))
		return fail("%s: %s", d.node, why);
	rx_post_all(&d, 0, 16);
	printf("virtio-input %s: type a line\n", d.node);
	end = arch_counter() + ms_ticks(60000);
	while (!eol && arch_counter() < end) {
		if (!qused_within(&d, 0, 10))
			continue;
		if (qtake_used(&d, 0, &id, &len))
			break;
		if (id >= NET_NRX || len > 16) {
			vio_reset(&d);
			return fail("%s: used id %u len %u for 16-byte buffers",
				    d.node, id, len);
		}
		for (uint32_t i = 0; i < len; i++) {
			char c = (char)rxbufs[0][id][i];

			if (c == '\r' || c == '\n')
				eol = true;
			else if (!eol && n < sizeof(got) - 1)
				got[n++] = c;
		}
		set_desc(d.q[0].desc, (uint16_t)id, gpa(rxbufs[0][id]), 16,
			 D_WRITE, 0);
		qpost(&d, 0, (uint16_t)id);
		qnotify(&d, 0);
	}
	got[n] = '\0';
	if (!eol) {
		vio_reset(&d);
		return fail("%s: no line within 60 s (got \"%s\")", d.node,
			    got);
	}
	printf("virtio-input %s: got \"%s\"\n", d.node, got);
	snprintf(echo, sizeof(echo), "echo: %s\n", got);
	if (cons_write(&d, echo, true)) {
		vio_reset(&d);
		return fail("%s: %s", d.node, why);
	}
	return vio_reset(&d) ? fail("%s: %s", d.node, why) : 0;
}
