// SPDX-License-Identifier: GPL-2.0
/* The virtio driver of host tests (virtio_driver.h). */
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include <keel/errno.h>

#include "host/virtio_driver.h"

static _Alignas(4096) u8 ram[VDRV_RAM_MAX];
static u64 ram_size;

void vdrv_guest(const char *name, u64 size)
{
	struct region r;

	if (size > VDRV_RAM_MAX)
		abort();
	fake_guest_init(name, 1);
	memset(&r, 0, sizeof(r));
	r.gpa = VDRV_RAM;
	r.size = size;
	r.type = REGION_RAM;
	r.host = ram;
	strcpy(r.name, "ram");
	if (aspace_insert(&fake_guest.aspace, &r, NULL))
		abort();
	memset(ram, 0, size);
	ram_size = size;
}

void *vdrv_gpa(u64 gpa)
{
	if (gpa < VDRV_RAM || gpa >= VDRV_RAM + ram_size)
		abort();
	return ram + (gpa - VDRV_RAM);
}

int vdrv_probe(struct vdrv *d, const char *name, u64 base)
{
	const struct emulator *emu = devemu_find("virtio,mmio");
	int err;

	if (!emu)
		abort();
	d->inst = fake_instance(emu, name, base, 0x200, d->irq);
	err = devemu_probe(d->inst, &d->node);
	if (err) {
		CHECK(d->inst->priv == NULL);
		free(d->inst);
		d->inst = NULL;
	}
	return err;
}

void vdrv_destroy(struct vdrv *d)
{
	fake_destroy(d->inst);
	d->inst = NULL;
}

struct virtio_dev *vdrv_vdev(const struct vdrv *d)
{
	return d->inst->priv;
}

const char *vdrv_describe(const struct vdrv *d)
{
	static struct virtio_dev_info infos[8];
	unsigned int n = virtio_snapshot(guest_name(&fake_guest), infos,
					 ARRAY_SIZE(infos));

	for (unsigned int i = 0; i < n && i < ARRAY_SIZE(infos); i++)
		if (!strcmp(infos[i].node, d->inst->name))
			return infos[i].backend;
	CHECK(!"no such device in virtio list");
	return "";
}

bool vdrv_line(const struct vdrv *d)
{
	return fake_irq_lines[d->irq];
}

u32 vdrv_rd(struct vdrv *d, u64 off)
{
	return (u32)fake_rd(d->inst, off, 4);
}

void vdrv_wr(struct vdrv *d, u64 off, u32 v)
{
	fake_wr(d->inst, off, 4, v);
}

u32 vdrv_status(struct vdrv *d)
{
	return vdrv_rd(d, VIRTIO_MMIO_STATUS);
}

u64 vdrv_device_features(struct vdrv *d)
{
	u64 f;

	vdrv_wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (u64)vdrv_rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	vdrv_wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | vdrv_rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
}

u32 vdrv_negotiate(struct vdrv *d, u64 features)
{
	vdrv_wr(d, VIRTIO_MMIO_STATUS, 0);
	vdrv_wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	vdrv_wr(d, VIRTIO_MMIO_STATUS,
		VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	vdrv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vdrv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (u32)features);
	vdrv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vdrv_wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (u32)(features >> 32));
	vdrv_wr(d, VIRTIO_MMIO_STATUS, VDRV_S_UP);
	return vdrv_status(d);
}

static u64 desc_addr(const struct vdrv *d, unsigned int q)
{
	return d->ram + d->ring_stride * q;
}

static u64 avail_addr(const struct vdrv *d, unsigned int q)
{
	return desc_addr(d, q) + d->ring_stride / 4;
}

static u64 used_addr(const struct vdrv *d, unsigned int q)
{
	return desc_addr(d, q) + d->ring_stride / 2;
}

void vdrv_queue_setup(struct vdrv *d, unsigned int q)
{
	u64 desc = desc_addr(d, q), avail = avail_addr(d, q),
	    used = used_addr(d, q);

	memset(vdrv_gpa(desc), 0, d->ring_stride);
	d->avail_idx[q] = 0;
	d->used_seen[q] = 0;
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_NUM, d->qsize);
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)desc);
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (u32)(desc >> 32));
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)avail);
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (u32)(avail >> 32));
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)used);
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (u32)(used >> 32));
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
	CHECK_EQ(vdrv_rd(d, VIRTIO_MMIO_QUEUE_READY), 1);
}

void vdrv_bring_up(struct vdrv *d, u64 features, unsigned int nr_queues)
{
	CHECK_EQ(vdrv_negotiate(d, features), VDRV_S_UP);
	for (unsigned int q = 0; q < nr_queues; q++)
		vdrv_queue_setup(d, q);
	vdrv_wr(d, VIRTIO_MMIO_STATUS, VDRV_S_OK);
	CHECK_EQ(vdrv_status(d), VDRV_S_OK);
}

struct virtq_desc *vdrv_desc(struct vdrv *d, unsigned int q, unsigned int i)
{
	return vdrv_gpa(desc_addr(d, q) + 16ULL * i);
}

void vdrv_set_desc(struct vdrv *d, unsigned int q, unsigned int i, u64 addr,
		   u32 len, u16 flags, u16 next)
{
	struct virtq_desc *x = vdrv_desc(d, q, i);

	x->addr = addr;
	x->len = len;
	x->flags = flags;
	x->next = next;
}

void vdrv_offer(struct vdrv *d, unsigned int q, u16 head)
{
	struct virtq_avail *a = vdrv_gpa(avail_addr(d, q));

	a->ring[d->avail_idx[q] % d->qsize] = head;
	__sync_synchronize();
	a->idx = ++d->avail_idx[q];
}

void vdrv_notify(struct vdrv *d, unsigned int q)
{
	vdrv_wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

struct virtq_used *vdrv_used(struct vdrv *d, unsigned int q)
{
	return vdrv_gpa(used_addr(d, q));
}

u16 vdrv_used_idx(struct vdrv *d, unsigned int q)
{
	return vdrv_used(d, q)->idx;
}

const struct virtq_used_elem *vdrv_used_elem(struct vdrv *d, unsigned int q,
					     u16 idx)
{
	return &vdrv_used(d, q)->ring[idx % d->qsize];
}

struct virtq_used_elem vdrv_next_used(struct vdrv *d, unsigned int q)
{
	struct virtq_used_elem e = { 0xffff, 0xffffffff };

	CHECK(vdrv_used_idx(d, q) != d->used_seen[q]);
	if (vdrv_used_idx(d, q) != d->used_seen[q])
		e = *vdrv_used_elem(d, q, d->used_seen[q]++);
	return e;
}
