/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A RAM disk provider for host tests of the block device layer and what
 * stands on it (keel/blockdev.h): it completes a request at once, queues
 * it until the test completes it (a host disk answering from its
 * interrupt), or fails it, and counts what it was asked. It checks what
 * blockdev_submit() promises a provider: no buffer over the device's
 * max_seg_bytes, nothing past the disk's end.
 */
#ifndef KEEL_UNIT_RAM_DISK_H
#define KEEL_UNIT_RAM_DISK_H

#include <keel/blockdev.h>

#define RAM_DISK_MAX_QUEUED 16

struct ram_disk {
	struct blockdev bd;
	u8 *data;
	bool queue; /* queue requests; the test completes them */
	int fail; /* answer every request with this */
	struct blockdev_request *queued[RAM_DISK_MAX_QUEUED];
	unsigned int nr_queued;
	unsigned int submits, releases, flushes, discards;
	u64 last_sector; /* of the last request submitted, as the disk saw it */
	unsigned int last_segs;
};

extern const struct blockdev_ops ram_ops;

/*
 * A disk called name of sectors zeroed sectors, not registered; its
 * block_size and kind as given, everything else 0.
 */
void ram_init(struct ram_disk *rd, const char *name, const char *kind,
	      u64 sectors, u32 block_size);
void ram_free(struct ram_disk *rd);
/*
 * The disk's interrupt: complete what it queued, oldest first, moving
 * the data unless status is an error. A request submitted from a done()
 * is queued for the next time.
 */
void ram_complete(struct ram_disk *rd, int status);

#endif
