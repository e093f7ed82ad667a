/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boot bundle (core/bundle.c): a cpio archive (the "newc" format that
 * `cpio -H newc` writes) the loader passes as the initrd. Keel reads it in
 * place, read-only, and offers its regular files by name.
 */
#ifndef KEEL_BUNDLE_H
#define KEEL_BUNDLE_H

#include <keel/types.h>

struct bundle_file {
	const char *name; /* as stored, without a leading "./" */
	const void *data;
	size_t size;
};

/*
 * Index the archive at [data, data + size). Returns the number of regular
 * files, or -EINVAL / -EBADMSG for a malformed archive (nothing is kept).
 * A later call replaces the previous bundle.
 */
int bundle_open(const void *data, size_t size);
/* The file called name: 0, or -ENOENT. */
int bundle_find(const char *name, struct bundle_file *out);
/* Visit every regular file in archive order; stops early on non-zero. */
int bundle_for_each(int (*fn)(const struct bundle_file *f, void *arg),
		    void *arg);
unsigned int bundle_count(void);

#endif
