// SPDX-License-Identifier: GPL-2.0
/*
 * The boot bundle: a cpio "newc" archive (or its "crc" variant) read in
 * place. The archive is whatever the loader handed over as the initrd, so
 * every field is checked before it is trusted, and every length is
 * compared with what is left of the archive rather than added to an
 * offset, so that no value in a header can make Keel read outside it.
 *
 * The index lives on the heap: one array of entries in archive order (what
 * bundle_for_each() walks) and one of their numbers sorted by name (how
 * duplicates are found and bundle_find() searches). Opening parses the
 * whole archive before anything is allocated, and the previous index is
 * dropped only once the new one is complete; a failed open leaves no
 * bundle at all, so what is loaded is always what the last call said.
 *
 * Not safe against concurrent readers: Keel opens the bundle once, at boot,
 * before the terminal can list it.
 */
#include <keel/bundle.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/string.h>

#define CPIO_HDR_SIZE 110
#define CPIO_MAGIC_NEWC "070701"
#define CPIO_MAGIC_CRC "070702"
#define CPIO_TRAILER "TRAILER!!!"

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000

/* The fields after the magic, in header order, 8 hex digits each. */
enum {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
	F_COUNT
};

struct bundle_entry {
	struct bundle_file file;
	/* What identifies the links of one file (see resolve_links()). */
	u32 ino, devmajor, devminor, mode, nlink;
};

static struct bundle_entry *entries;
static u32 *by_name;
static unsigned int nentries;

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_header(const char *hdr, u32 *f, bool *crc)
{
	if (!memcmp(hdr, CPIO_MAGIC_NEWC, 6))
		*crc = false;
	else if (!memcmp(hdr, CPIO_MAGIC_CRC, 6))
		*crc = true;
	else
		return -EBADMSG;
	for (int i = 0; i < F_COUNT; i++) {
		u32 v = 0;

		for (int j = 0; j < 8; j++) {
			int d = hex_digit(hdr[6 + i * 8 + j]);

			if (d < 0)
				return -EBADMSG;
			v = v << 4 | (u32)d;
		}
		f[i] = v;
	}
	return 0;
}

static bool valid_type(u32 mode)
{
	switch (mode & S_IFMT) {
	case S_IFSOCK:
	case S_IFLNK:
	case S_IFREG:
	case S_IFBLK:
	case S_IFDIR:
	case S_IFCHR:
	case S_IFIFO:
		return true;
	}
	return false;
}

/* Archives made with `find .` or `find /` name their files so. */
static const char *normalise(const char *name)
{
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			return name;
	}
}

/*
 * Step *off past n bytes and the padding to the next 4-byte boundary of
 * the archive; false if that leaves the archive. Offsets never exceed
 * size, so the subtractions cannot wrap.
 */
static bool advance(size_t *off, size_t n, size_t size)
{
	size_t pad;

	if (n > size - *off)
		return false;
	*off += n;
	pad = (4 - (*off & 3)) & 3;
	if (pad > size - *off)
		return false;
	*off += pad;
	return true;
}

static u32 checksum(const u8 *p, size_t n)
{
	u32 sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += p[i];
	return sum;
}

/*
 * Walk the archive up to its trailer, checking every entry; with fill,
 * also record its regular files there, at most cap of them (an earlier
 * walk counted them; the bound holds even if the archive changed since).
 * Checksums are summed on the first walk only. Returns the number of
 * regular files, or -EBADMSG (-E2BIG past INT32_MAX files).
 */
static int walk(const u8 *base, size_t size, struct bundle_entry *fill,
		unsigned int cap)
{
	size_t off = 0;
	int count = 0;

	for (;;) {
		u32 f[F_COUNT];
		const char *name;
		const u8 *data;
		bool crc, trailer;

		if (size - off < CPIO_HDR_SIZE)
			return -EBADMSG; /* truncated, or no trailer */
		if (parse_header((const char *)base + off, f, &crc))
			return -EBADMSG;
		off += CPIO_HDR_SIZE;
		name = (const char *)base + off;
		if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > size - off)
			return -EBADMSG;
		/* Exactly one NUL, at the end: no name is cut short. */
		if (strnlen(name, f[F_NAMESIZE]) != f[F_NAMESIZE] - 1)
			return -EBADMSG;
		trailer = !strcmp(name, CPIO_TRAILER);
		/* The trailer need not be padded: nothing follows it. */
		if (trailer)
			return f[F_FILESIZE] ? -EBADMSG : count;
		if (!advance(&off, f[F_NAMESIZE], size))
			return -EBADMSG;
		if ((f[F_MODE] & ~0177777u) || !valid_type(f[F_MODE]))
			return -EBADMSG;
		data = base + off;
		if (f[F_FILESIZE] > size - off)
			return -EBADMSG;
		if ((f[F_MODE] & S_IFMT) == S_IFREG) {
			/* Only regular files carry a checksum (as in Linux). */
			if (!fill && crc &&
			    checksum(data, f[F_FILESIZE]) != f[F_CHECK])
				return -EBADMSG;
			if (*normalise(name) == '\0')
				return -EBADMSG;
			if (count == INT32_MAX)
				return -E2BIG;
			if (fill && (unsigned int)count >= cap)
				return -EBADMSG;
			if (fill) {
				struct bundle_entry *e = &fill[count];

				e->file.name = normalise(name);
				e->file.data = data;
				e->file.size = f[F_FILESIZE];
				e->ino = f[F_INO];
				e->devmajor = f[F_DEVMAJOR];
				e->devminor = f[F_DEVMINOR];
				e->mode = f[F_MODE];
				e->nlink = f[F_NLINK];
			}
			count++;
		}
		/* Running out here means the trailer is missing. */
		if (!advance(&off, f[F_FILESIZE], size))
			return -EBADMSG;
	}
}

/*
 * An in-place heapsort of entry numbers: no recursion and no allocation,
 * and n log n however the names are chosen.
 */
typedef int (*cmp_fn)(const struct bundle_entry *e, u32 a, u32 b);

static void sift_down(const struct bundle_entry *e, u32 *v, size_t root,
		      size_t n, cmp_fn cmp)
{
	for (;;) {
		size_t child = 2 * root + 1, max = root;
		u32 t;

		if (child < n && cmp(e, v[child], v[max]) > 0)
			max = child;
		if (child + 1 < n && cmp(e, v[child + 1], v[max]) > 0)
			max = child + 1;
		if (max == root)
			return;
		t = v[root];
		v[root] = v[max];
		v[max] = t;
		root = max;
	}
}

static void sort_entries(const struct bundle_entry *e, u32 *v, size_t n,
			 cmp_fn cmp)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(e, v, i, n, cmp);
	for (size_t i = n; i-- > 1;) {
		u32 t = v[0];
		v[0] = v[i];
		v[i] = t;
		sift_down(e, v, 0, i, cmp);
	}
}

static int cmp_u32(u32 a, u32 b)
{
	return a < b ? -1 : a > b;
}

static int cmp_name(const struct bundle_entry *e, u32 a, u32 b)
{
	return strcmp(e[a].file.name, e[b].file.name);
}

/* Links of one file together, in archive order among themselves. */
static int cmp_link(const struct bundle_entry *e, u32 a, u32 b)
{
	int c = cmp_u32(e[a].ino, e[b].ino);

	if (!c)
		c = cmp_u32(e[a].devmajor, e[b].devmajor);
	if (!c)
		c = cmp_u32(e[a].devminor, e[b].devminor);
	if (!c)
		c = cmp_u32(e[a].mode, e[b].mode);
	return c ? c : cmp_u32(a, b);
}

static bool same_file(const struct bundle_entry *x,
		      const struct bundle_entry *y)
{
	return x->ino == y->ino && x->devmajor == y->devmajor &&
	       x->devminor == y->devminor && x->mode == y->mode;
}

/*
 * newc stores the data of a file with several names (hard links) once,
 * with the last of them; the others say size 0. Give every name of such
 * a file that data, so that each reads as the file it is.
 */
static void resolve_links(struct bundle_entry *e, u32 *v, unsigned int n)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++)
		if (e[i].nlink > 1)
			v[k++] = i;
	sort_entries(e, v, k, cmp_link);
	for (unsigned int i = 0; i < k;) {
		unsigned int end = i + 1;
		const struct bundle_entry *donor = NULL;

		while (end < k && same_file(&e[v[i]], &e[v[end]]))
			end++;
		for (unsigned int j = i; j < end; j++)
			if (e[v[j]].file.size)
				donor = &e[v[j]];
		for (unsigned int j = i; donor && j < end; j++) {
			if (!e[v[j]].file.size) {
				e[v[j]].file.data = donor->file.data;
				e[v[j]].file.size = donor->file.size;
			}
		}
		i = end;
	}
}

static void bundle_close(void)
{
	keel_free(entries);
	keel_free(by_name);
	entries = NULL;
	by_name = NULL;
	nentries = 0;
}

int bundle_open(const void *data, size_t size)
{
	struct bundle_entry *e = NULL;
	u32 *v = NULL;
	int n;

	bundle_close();
	if (!data || !size)
		return -EINVAL;
	n = walk(data, size, NULL, 0);
	if (n <= 0)
		return n;
	e = keel_calloc((size_t)n, sizeof(*e));
	v = keel_calloc((size_t)n, sizeof(*v));
	if (!e || !v) {
		n = -ENOMEM;
		goto fail;
	}
	if (walk(data, size, e, (unsigned int)n) != n) {
		n = -EBADMSG;
		goto fail;
	}
	resolve_links(e, v, (unsigned int)n);
	for (int i = 0; i < n; i++)
		v[i] = (u32)i;
	sort_entries(e, v, (size_t)n, cmp_name);
	for (int i = 1; i < n; i++) {
		if (!cmp_name(e, v[i - 1], v[i])) {
			n = -EBADMSG;
			goto fail;
		}
	}
	entries = e;
	by_name = v;
	nentries = (unsigned int)n;
	return n;
fail:
	keel_free(e);
	keel_free(v);
	return n;
}

int bundle_find(const char *name, struct bundle_file *out)
{
	size_t lo = 0, hi = nentries;

	if (!name)
		return -EINVAL;
	name = normalise(name);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct bundle_entry *e = &entries[by_name[mid]];
		int c = strcmp(name, e->file.name);

		if (!c) {
			if (out)
				*out = e->file;
			return 0;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -ENOENT;
}

int bundle_for_each(int (*fn)(const struct bundle_file *f, void *arg),
		    void *arg)
{
	if (!fn)
		return -EINVAL;
	for (unsigned int i = 0; i < nentries; i++) {
		int ret = fn(&entries[i].file, arg);

		if (ret)
			return ret;
	}
	return 0;
}

unsigned int bundle_count(void)
{
	return nentries;
}
