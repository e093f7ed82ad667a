// SPDX-License-Identifier: GPL-2.0
/* The RAM disks of host tests (ram_disk.h). */
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "host/ram_disk.h"

/* A discard reads back as zeroes; a flush has nothing to move. */
static void ram_transfer(struct ram_disk *rd, struct blockdev_request *req)
{
	u64 off = req->sector * BLOCKDEV_SECTOR_SIZE;

	if (req->op == BLOCKDEV_FLUSH) {
		rd->flushes++;
		return;
	}
	if (req->op == BLOCKDEV_DISCARD) {
		rd->discards++;
		memset(rd->data + off, 0,
		       req->nr_sectors * BLOCKDEV_SECTOR_SIZE);
		return;
	}
	for (unsigned int i = 0; i < req->nr_segs; i++) {
		if (req->op == BLOCKDEV_READ)
			memcpy(req->segs[i].buf, rd->data + off,
			       req->segs[i].len);
		else
			memcpy(rd->data + off, req->segs[i].buf,
			       req->segs[i].len);
		off += req->segs[i].len;
	}
}

static int ram_submit(struct blockdev *bd, struct blockdev_request *req)
{
	struct ram_disk *rd = bd->priv;

	rd->submits++;
	rd->last_sector = req->sector;
	rd->last_segs = req->nr_segs;
	for (unsigned int i = 0; i < req->nr_segs; i++)
		CHECK(req->segs[i].len <= blockdev_max_seg_bytes(bd));
	if (rd->fail)
		return rd->fail;
	/* Checked already: never past the end. */
	CHECK(req->op == BLOCKDEV_FLUSH ||
	      req->sector + req->nr_sectors <= rd->bd.nr_sectors);
	if (rd->queue) {
		CHECK(rd->nr_queued < RAM_DISK_MAX_QUEUED);
		if (rd->nr_queued == RAM_DISK_MAX_QUEUED)
			abort();
		rd->queued[rd->nr_queued++] = req;
		return 1;
	}
	ram_transfer(rd, req);
	return 0;
}

static void ram_release(struct blockdev *bd)
{
	struct ram_disk *rd = bd->priv;

	rd->releases++;
}

const struct blockdev_ops ram_ops = {
	.submit = ram_submit,
	.release = ram_release,
};

void ram_complete(struct ram_disk *rd, int status)
{
	unsigned int n = rd->nr_queued;

	rd->nr_queued = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (!status)
			ram_transfer(rd, rd->queued[i]);
		rd->queued[i]->done(rd->queued[i], status);
	}
}

void ram_init(struct ram_disk *rd, const char *name, const char *kind,
	      u64 sectors, u32 block_size)
{
	memset(rd, 0, sizeof(*rd));
	strcpy(rd->bd.name, name);
	rd->bd.nr_sectors = sectors;
	rd->bd.block_size = block_size;
	rd->bd.kind = kind;
	rd->bd.ops = &ram_ops;
	rd->bd.priv = rd;
	rd->data = calloc(sectors, BLOCKDEV_SECTOR_SIZE);
	if (!rd->data)
		abort();
}

void ram_free(struct ram_disk *rd)
{
	free(rd->data);
	rd->data = NULL;
}
