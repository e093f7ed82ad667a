// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the host driver's split virtqueue (drivers/virtio/
 * virtio_ring.c). The device is the tests' (host/vq_device.h): it walks
 * the available ring and descriptor table the driver laid out (physical
 * addresses are host addresses, as in tests/unit/host/include/asm/mmu.h)
 * and returns chains through the used ring, correctly or not.
 */
#include <stdlib.h>
#include <string.h>

#include <drivers/virtio.h>
#include <keel/errno.h>
#include <keel/page_alloc.h>

#include "unit.h"
#include "host/vq_device.h"

extern unsigned int host_printk_count;

static unsigned int notifies;

static void count_notify(struct host_vq *vq)
{
	(void)vq;
	notifies++;
}

/* ---- the fake device (host/vq_device.h) ---- */

static u16 dev_last_avail;

static void setup(struct host_vq *vq, unsigned int num)
{
	dev_last_avail = 0;
	notifies = 0;
	CHECK_EQ(host_vq_init(vq, "test/vq0", 0, num, count_notify), 0);
}

/* ---- tests ---- */

UNIT_TEST(init_refuses_bad_sizes)
{
	struct host_vq vq;

	CHECK_EQ(host_vq_init(&vq, "t", 0, 0, count_notify), -EINVAL);
	CHECK_EQ(host_vq_init(&vq, "t", 0, 3, count_notify), -EINVAL);
	CHECK_EQ(host_vq_init(&vq, "t", 0, 65536, count_notify), -EINVAL);
	CHECK_EQ(host_vq_init(&vq, "t", 0, 8, NULL), -EINVAL);
}

UNIT_TEST(layout_is_aligned_and_contiguous)
{
	struct host_vq vq;

	setup(&vq, 256);
	CHECK(((uintptr_t)vq.desc & (PAGE_SIZE - 1)) == 0);
	CHECK_EQ(vq.desc_pa, (uintptr_t)vq.desc);
	CHECK_EQ(vq.avail_pa, vq.desc_pa + 16 * 256);
	CHECK_EQ(vq.used_pa % VIRTQ_USED_ALIGN, 0);
	CHECK(vq.used_pa >= vq.avail_pa + 4 + 2 * 256);
	CHECK((vq.used_pa + 4 + 8 * 256) <=
	      vq.desc_pa + (PAGE_SIZE << vq.order));
	host_vq_free(&vq);
}

UNIT_TEST(chain_out_then_in_and_cookie_back)
{
	char hdr[16], data[512], status;
	struct host_vq_buf out[] = { { hdr, sizeof(hdr) } };
	struct host_vq_buf in[] = { { data, sizeof(data) }, { &status, 1 } };
	struct vq_chain c;
	struct host_vq vq;
	int cookie;
	u32 len = 0;

	setup(&vq, 8);
	CHECK_EQ(host_vq_add(&vq, out, 1, in, 2, &cookie), 0);
	CHECK_EQ(host_vq_in_flight(&vq), 1);
	CHECK(vq_dev_pop(&vq, &dev_last_avail, &c));
	CHECK_EQ(c.nr, 3);
	CHECK_EQ(c.nr_out, 1);
	CHECK_EQ(c.d[0].addr, (uintptr_t)hdr);
	CHECK_EQ(c.d[0].len, 16);
	CHECK_EQ(c.d[0].flags, VIRTQ_DESC_F_NEXT);
	CHECK_EQ(c.d[1].addr, (uintptr_t)data);
	CHECK_EQ(c.d[1].flags, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
	CHECK_EQ(c.d[2].addr, (uintptr_t)&status);
	CHECK_EQ(c.d[2].flags, VIRTQ_DESC_F_WRITE);

	host_vq_kick(&vq);
	CHECK_EQ(notifies, 1);
	vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;
	host_vq_kick(&vq);
	CHECK_EQ(notifies, 1);

	CHECK(host_vq_get_buf(&vq, &len) == NULL);
	vq_dev_push(&vq, c.head, 513);
	CHECK(host_vq_get_buf(&vq, &len) == &cookie);
	CHECK_EQ(len, 513);
	CHECK(host_vq_get_buf(&vq, &len) == NULL);
	CHECK_EQ(host_vq_in_flight(&vq), 0);
	CHECK_EQ(vq.num_free, 8);
	CHECK_EQ(vq.stats.completed, 1);
	CHECK_EQ(vq.stats.bad_used, 0);
	host_vq_free(&vq);
}

UNIT_TEST(add_refuses_what_cannot_be_posted)
{
	char b[4] = { 0 };
	struct host_vq_buf bufs[9];
	struct host_vq vq;
	int cookie;

	for (unsigned int i = 0; i < 9; i++)
		bufs[i] = (struct host_vq_buf){ b, sizeof(b) };
	setup(&vq, 8);
	CHECK_EQ(host_vq_add(&vq, NULL, 0, NULL, 0, &cookie), -EINVAL);
	CHECK_EQ(host_vq_add(&vq, bufs, 1, NULL, 0, NULL), -EINVAL);
	CHECK_EQ(host_vq_add(&vq, bufs, 9, NULL, 0, &cookie), -EINVAL);
	CHECK_EQ(host_vq_add(&vq, bufs, 5, NULL, 0, &cookie), 0);
	CHECK_EQ(host_vq_add(&vq, bufs, 4, NULL, 0, &cookie), -ENOSPC);
	CHECK_EQ(host_vq_add(&vq, bufs, 3, NULL, 0, &cookie), 0);
	CHECK_EQ(vq.num_free, 0);
	CHECK_EQ(host_vq_add(&vq, bufs, 1, NULL, 0, &cookie), -ENOSPC);
	host_vq_free(&vq);
}

/*
 * Chains of varying lengths, completed out of order, through more than
 * 65536 available entries: every cookie comes back once and the free
 * list never loses a descriptor.
 */
UNIT_TEST(out_of_order_completion_across_index_wrap)
{
	static char bufs[4][64];
	struct host_vq_buf in[3] = { { bufs[0], 64 },
				     { bufs[1], 64 },
				     { bufs[2], 64 } };
	struct host_vq vq;
	unsigned long tokens[4];
	unsigned int returned = 0;

	setup(&vq, 16);
	for (unsigned int round = 0; round < 70000 / 4; round++) {
		struct vq_chain c[4];
		unsigned int order[4] = { 2, 0, 3, 1 };

		for (unsigned int i = 0; i < 4; i++) {
			tokens[i] = round * 4 + i;
			CHECK_EQ(host_vq_add(&vq, NULL, 0, in, 1 + i % 3,
					     &tokens[i]),
				 0);
		}
		for (unsigned int i = 0; i < 4; i++)
			CHECK(vq_dev_pop(&vq, &dev_last_avail, &c[i]));
		for (unsigned int i = 0; i < 4; i++)
			vq_dev_push(&vq, c[order[i]].head, 10);
		for (unsigned int i = 0; i < 4; i++) {
			u32 len;
			unsigned long *t = host_vq_get_buf(&vq, &len);

			CHECK(t == &tokens[order[i]]);
			CHECK_EQ(len, 10);
			returned++;
		}
		if (unit_current_failed)
			break;
	}
	CHECK_EQ(returned, 70000 / 4 * 4);
	CHECK(vq.avail_idx == (u16)(70000 / 4 * 4));
	CHECK_EQ(vq.num_free, 16);
	CHECK_EQ(vq.stats.bad_used, 0);
	host_vq_free(&vq);
}

UNIT_TEST(bad_used_entries_are_ignored)
{
	char data[32];
	struct host_vq_buf in[] = { { data, sizeof(data) } };
	struct host_vq_buf out[] = { { data, sizeof(data) } };
	struct vq_chain c;
	struct host_vq vq;
	unsigned int logged = host_printk_count;
	int a, b;
	u32 len;

	setup(&vq, 8);
	CHECK_EQ(host_vq_add(&vq, out, 1, in, 1, &a), 0);
	CHECK(vq_dev_pop(&vq, &dev_last_avail, &c));
	/* Out of range, a non-head descriptor, then the real one. */
	vq_dev_push(&vq, 8, 0);
	vq_dev_push(&vq, 1000000, 0);
	vq_dev_push(&vq, c.head + 1, 0);
	vq_dev_push(&vq, c.head, 32);
	CHECK(host_vq_get_buf(&vq, &len) == &a);
	CHECK_EQ(len, 32);
	CHECK_EQ(vq.stats.bad_used, 3);
	CHECK(host_printk_count >= logged + 3);
	/* Returned twice: the second is refused. */
	vq_dev_push(&vq, c.head, 32);
	CHECK(host_vq_get_buf(&vq, &len) == NULL);
	CHECK_EQ(vq.stats.bad_used, 4);
	/* A length beyond the chain's writable bytes is cut to them. */
	CHECK_EQ(host_vq_add(&vq, out, 1, in, 1, &b), 0);
	CHECK(vq_dev_pop(&vq, &dev_last_avail, &c));
	vq_dev_push(&vq, c.head, 4096);
	CHECK(host_vq_get_buf(&vq, &len) == &b);
	CHECK_EQ(len, 32);
	CHECK_EQ(vq.stats.bad_used, 5);
	CHECK_EQ(vq.num_free, 8);
	host_vq_free(&vq);
}

UNIT_TEST(wild_used_index_stops_the_queue)
{
	char data[8];
	struct host_vq_buf in[] = { { data, sizeof(data) } };
	struct host_vq vq;
	int a;

	setup(&vq, 8);
	CHECK_EQ(host_vq_add(&vq, NULL, 0, in, 1, &a), 0);
	vq.used->idx = 9; /* more entries than the queue has */
	CHECK(host_vq_get_buf(&vq, NULL) == NULL);
	CHECK(vq.broken);
	CHECK_EQ(vq.stats.bad_used, 1);
	CHECK(host_vq_get_buf(&vq, NULL) == NULL);
	host_vq_free(&vq);
}

UNIT_TEST(interrupt_suppression_flag)
{
	struct host_vq vq;

	setup(&vq, 4);
	host_vq_set_interrupts(&vq, false);
	CHECK_EQ(vq.avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	host_vq_set_interrupts(&vq, true);
	CHECK_EQ(vq.avail->flags, 0);
	host_vq_free(&vq);
}

UNIT_MAIN();
