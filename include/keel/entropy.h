/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entropy (core/entropy.c): true random bytes from the host's hardware,
 * for guests' virtio-rng devices. Sources register by priority: the
 * host's virtio-rng device where there is one, else the CPU's own
 * generator (arm64 RNDR, RISC-V seed) where it has one. Without any
 * source, entropy_read() fails: Keel never serves predictable bytes as
 * random ones.
 */
#ifndef KEEL_ENTROPY_H
#define KEEL_ENTROPY_H

#include <keel/types.h>

struct entropy_source {
	const char *name; /* "virtio-rng@a003e00", "rndr" ... */
	int priority; /* the highest registered source serves */
	/*
	 * Fill up to size bytes of buf; returns the count (> 0), or
	 * -errno (-EIO: the hardware failed, -EAGAIN: none ready now).
	 * Called from threads, never from interrupt context.
	 */
	int (*read)(struct entropy_source *src, void *buf, size_t size);
	void *priv;
	struct entropy_source *next; /* private to core/entropy.c */
};

int entropy_register(struct entropy_source *src);
/* The source that serves, or NULL when the machine has none. */
const struct entropy_source *entropy_source(void);
/* Up to size bytes (> 0), or -ENODEV without a source, -EIO. */
int entropy_read(void *buf, size_t size);

/*
 * A source's read() for a CPU instruction that yields 64 random bits or
 * says it has none ready (RNDR, RDRAND): word() fills one or fails; up to
 * ENTROPY_WORDS_MAX bytes of buf are filled. The count, or -EAGAIN when
 * the first word already failed.
 */
#define ENTROPY_WORDS_MAX 4096
int entropy_fill_from_words(void *buf, size_t size, bool (*word)(u64 *out));

#endif
