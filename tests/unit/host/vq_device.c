// SPDX-License-Identifier: GPL-2.0
/* The device's side of host tests' virtqueues (vq_device.h). */
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include <keel/page_alloc.h>

#include "host/vq_device.h"

/* Pages for the rings: aligned host memory, checked for leaks by ASan. */
void *page_alloc_zeroed(unsigned int order)
{
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);

	if (p)
		memset(p, 0, PAGE_SIZE << order);
	return p;
}

void page_free(void *va, unsigned int order)
{
	(void)order;
	free(va);
}

bool vq_dev_pop(struct host_vq *vq, u16 *last_avail, struct vq_chain *c)
{
	u16 i;

	if (vq->avail->idx == *last_avail)
		return false;
	c->head = vq->avail->ring[(*last_avail)++ & (vq->num - 1)];
	c->nr = c->nr_out = 0;
	i = c->head;
	for (;;) {
		CHECK(i < vq->num);
		CHECK(c->nr < ARRAY_SIZE(c->d));
		if (i >= vq->num || c->nr >= ARRAY_SIZE(c->d))
			return false;
		c->d[c->nr] = vq->desc[i];
		if (!(c->d[c->nr].flags & VIRTQ_DESC_F_WRITE))
			c->nr_out++;
		c->nr++;
		if (!(vq->desc[i].flags & VIRTQ_DESC_F_NEXT))
			return true;
		i = vq->desc[i].next;
	}
}

void vq_dev_push(struct host_vq *vq, u32 id, u32 len)
{
	vq->used->ring[vq->used->idx & (vq->num - 1)] =
		(struct virtq_used_elem){ .id = id, .len = len };
	vq->used->idx++;
}
