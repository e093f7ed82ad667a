// SPDX-License-Identifier: GPL-2.0
/*
 * core/bundle.c against archives that GNU cpio and tools/make-bundle.sh
 * write from files the test makes, whose contents are the oracle; and
 * against hand-made archives, malformed every way a header can be, each
 * in a heap block of exactly its size so that AddressSanitizer sees any
 * read past the end. The `bundle list` command (core/term/cmd_bundle.c)
 * runs on top, found by name in the command table as the terminal finds
 * it, with its output captured.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keel/bundle.h>
#include <keel/errno.h>

#include <keel/terminal.h>

#include "unit.h"

/* ---- captured terminal output ---- */

static char term_out[1 << 16];
static size_t term_len;

int term_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = unit_vappend(term_out, sizeof(term_out), &term_len, fmt, ap);
	va_end(ap);
	return n;
}

static int run_cmd(const char *line)
{
	const struct term_command *bundle_cmd = term_command_find("bundle");
	char buf[256], *argv[TERM_MAX_ARGS];
	int argc = 0;

	term_len = 0;
	term_out[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", line);
	for (char *tok = strtok(buf, " "); tok && argc < TERM_MAX_ARGS;
	     tok = strtok(NULL, " "))
		argv[argc++] = tok;
	CHECK(bundle_cmd != NULL);
	return bundle_cmd ? bundle_cmd->run(argc, argv) : -ENOENT;
}

/* ---- files and processes ---- */

static char *workdir;

static void remove_workdir(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", workdir);
	if (system(cmd) != 0)
		printf("  could not remove %s\n", workdir);
	free(workdir);
}

/* A fresh empty directory under this run's own temporary directory. */
static char *new_dir(const char *name)
{
	static char tmpl[] = "/tmp/keel-bundle-test.XXXXXX";
	char *path;

	if (!workdir) {
		if (!mkdtemp(tmpl)) {
			perror("mkdtemp");
			exit(1);
		}
		workdir = strdup(tmpl);
		atexit(remove_workdir);
	}
	if (asprintf(&path, "%s/%s", workdir, name) < 0)
		exit(1);
	if (mkdir(path, 0755) != 0) {
		perror(path);
		exit(1);
	}
	return path;
}

static char *path_join(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		exit(1);
	return p;
}

static void write_file(const char *dir, const char *name, const void *data,
		       size_t size)
{
	char *p = path_join(dir, name);
	FILE *f = fopen(p, "wb");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror(p);
		exit(1);
	}
	free(p);
}

/* The whole file in a heap block of exactly its size. */
static u8 *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	u8 *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	status = system(cmd);
	return status == -1	 ? -1 :
	       WIFEXITED(status) ? WEXITSTATUS(status) :
				   128;
}

/* Absolute, since the tests run the script from other directories. */
static char *source_root(void)
{
	const char *env = getenv("KEEL_SRCTREE");
	const char *file = __FILE__;
	const char *suffix = "/tests/unit/test_bundle.c";
	size_t n = strlen(file), m = strlen(suffix);
	char *root = NULL, *abs;

	if (env && *env)
		root = strdup(env);
	else if (n >= m && strcmp(file + n - m, suffix) == 0)
		root = n == m ? strdup("/") : strndup(file, n - m);
	else if (strcmp(file, suffix + 1) == 0)
		root = strdup(".");
	if (!root)
		return NULL;
	abs = realpath(root, NULL);
	free(root);
	return abs;
}

static u32 rng_state = 0x2545f491;

static u32 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void fill_random(u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (u8)rng();
}

/* ---- what the bundle holds, checked against what it should ---- */

/* memcmp, but happy with NULL for no bytes. */
static bool same_bytes(const void *a, const void *b, size_t n)
{
	return !n || !memcmp(a, b, n);
}

struct want {
	const char *name; /* as Keel should report it */
	const u8 *data;
	size_t size;
};

struct visit {
	const u8 *base;
	size_t archive_size;
	const struct want *want;
	unsigned int n, seen;
	bool bad;
};

static int visit_file(const struct bundle_file *f, void *arg)
{
	struct visit *v = arg;
	uintptr_t d = (uintptr_t)f->data, base = (uintptr_t)v->base;

	/* Whatever was accepted lies inside the archive. */
	if (d < base || f->size > v->archive_size ||
	    d - base > v->archive_size - f->size) {
		printf("  %s: data outside the archive\n", f->name);
		v->bad = true;
	}
	if (!v->want) {
		v->seen++;
		return 0;
	}
	if (v->seen >= v->n) {
		printf("  extra file %s\n", f->name);
		v->bad = true;
		return 0;
	}
	const struct want *w = &v->want[v->seen++];

	if (strcmp(f->name, w->name) || f->size != w->size ||
	    !same_bytes(f->data, w->data, w->size)) {
		printf("  file %u: got %s (%zu bytes), want %s (%zu bytes)\n",
		       v->seen - 1, f->name, f->size, w->name, w->size);
		v->bad = true;
	}
	return 0;
}

/* The bundle holds exactly want, in that order, and finds each by name. */
static bool bundle_is(const u8 *base, size_t size, const struct want *want,
		      unsigned int n)
{
	struct visit v = { base, size, want, n, 0, false };
	struct bundle_file f;

	if (bundle_count() != n) {
		printf("  %u files, want %u\n", bundle_count(), n);
		return false;
	}
	if (bundle_for_each(visit_file, &v) != 0 || v.seen != n || v.bad)
		return false;
	for (unsigned int i = 0; i < n; i++) {
		if (bundle_find(want[i].name, &f) != 0 ||
		    strcmp(f.name, want[i].name) || f.size != want[i].size ||
		    !same_bytes(f.data, want[i].data, f.size)) {
			printf("  bundle_find(%s) wrong\n", want[i].name);
			return false;
		}
	}
	return true;
}

/* After any successful open: every file lies inside the archive. */
static bool all_inside(const u8 *base, size_t size)
{
	struct visit v = { base, size, NULL, 0, 0, false };

	bundle_for_each(visit_file, &v);
	return !v.bad && v.seen == bundle_count();
}

/* ---- hand-made archives ---- */

struct ar {
	u8 *buf;
	size_t len, cap;
};

static void ar_bytes(struct ar *a, const void *p, size_t n)
{
	if (!n)
		return;
	if (a->len + n > a->cap) {
		a->cap = (a->len + n) * 2 + 64;
		a->buf = realloc(a->buf, a->cap);
		if (!a->buf)
			exit(1);
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void ar_pad(struct ar *a)
{
	static const u8 zero[4];

	ar_bytes(a, zero, (4 - (a->len & 3)) & 3);
}

enum {
	H_INO,
	H_MODE,
	H_UID,
	H_GID,
	H_NLINK,
	H_MTIME,
	H_FILESIZE,
	H_DEVMAJOR,
	H_DEVMINOR,
	H_RDEVMAJOR,
	H_RDEVMINOR,
	H_NAMESIZE,
	H_CHECK,
	H_COUNT
};

static void ar_header(struct ar *a, const char *magic, const u32 *f)
{
	char hdr[6 + H_COUNT * 8 + 1];

	memcpy(hdr, magic, 6);
	for (int i = 0; i < H_COUNT; i++)
		snprintf(hdr + 6 + i * 8, 9, "%08X", f[i]);
	ar_bytes(a, hdr, 110);
}

static u32 sum_bytes(const void *p, size_t n)
{
	u32 s = 0;

	for (size_t i = 0; i < n; i++)
		s += ((const u8 *)p)[i];
	return s;
}

static u32 next_ino = 1000;

/* One entry the way cpio writes it; crc picks the "070702" format. */
static void ar_entry(struct ar *a, bool crc, const char *name, u32 mode,
		     u32 nlink, u32 ino, const void *data, size_t size)
{
	u32 f[H_COUNT] = { 0 };

	f[H_INO] = ino;
	f[H_MODE] = mode;
	f[H_NLINK] = nlink;
	f[H_MTIME] = 0x5f000000;
	f[H_FILESIZE] = (u32)size;
	f[H_DEVMAJOR] = 8;
	f[H_DEVMINOR] = 1;
	f[H_NAMESIZE] = (u32)strlen(name) + 1;
	f[H_CHECK] = crc ? sum_bytes(data, size) : 0;
	ar_header(a, crc ? "070702" : "070701", f);
	ar_bytes(a, name, strlen(name) + 1);
	ar_pad(a);
	ar_bytes(a, data, size);
	ar_pad(a);
}

static void ar_file(struct ar *a, const char *name, const void *data,
		    size_t size)
{
	ar_entry(a, false, name, 0100644, 1, next_ino++, data, size);
}

static void ar_trailer(struct ar *a)
{
	ar_entry(a, false, "TRAILER!!!", 0, 1, 0, NULL, 0);
}

/* A heap copy of exactly n bytes, so that ASan catches overreads. */
static u8 *exact_copy(const u8 *p, size_t n)
{
	u8 *c = malloc(n ? n : 1);

	if (!c)
		exit(1);
	memcpy(c, p, n);
	return c;
}

/* Open an exact-size copy of [p, p + n); checks what it accepted. */
static int open_copy(const u8 *p, size_t n)
{
	u8 *c = exact_copy(p, n);
	int ret = bundle_open(c, n);

	if (ret >= 0 && !all_inside(c, n)) {
		printf("  accepted archive reaches outside itself\n");
		unit_current_failed = 1;
	}
	bundle_open(NULL, 0); /* drop it before the copy goes */
	free(c);
	return ret;
}

/* Where each entry's header starts, up to and including the trailer. */
static unsigned int header_offsets(const u8 *p, size_t n, size_t *offs,
				   unsigned int max)
{
	size_t off = 0;
	unsigned int k = 0;

	while (off + 110 <= n && k < max) {
		char field[9] = { 0 };
		unsigned long namesize, filesize;

		offs[k++] = off;
		memcpy(field, p + off + 6 + H_NAMESIZE * 8, 8);
		namesize = strtoul(field, NULL, 16);
		memcpy(field, p + off + 6 + H_FILESIZE * 8, 8);
		filesize = strtoul(field, NULL, 16);
		if (!strcmp((const char *)p + off + 110, "TRAILER!!!"))
			break;
		off = (off + 110 + namesize + 3) & ~(size_t)3;
		off = (off + filesize + 3) & ~(size_t)3;
	}
	return k;
}

static void set_field(u8 *p, size_t hdr, int field, u32 v)
{
	char s[9];

	snprintf(s, sizeof(s), "%08X", v);
	memcpy(p + hdr + 6 + field * 8, s, 8);
}

/*
 * Open the archive cut at len for every len in [from, to) (and some of
 * the rest with a stride): it must be refused until the trailer's name
 * is complete, and read in full from there on.
 */
static void check_truncations(const u8 *p, size_t size, int expect, size_t from,
			      size_t to, size_t stride)
{
	size_t offs[256];
	unsigned int k = header_offsets(p, size, offs, 256);
	size_t trailer_end = offs[k - 1] + 110 + 11;

	for (size_t len = 0; len <= size; len++) {
		int want = !len		     ? -EINVAL :
			   len < trailer_end ? -EBADMSG :
					       expect;
		int r;

		if ((len < from || len >= to) && len % stride &&
		    len + 1 < trailer_end)
			continue;
		r = open_copy(p, len);
		if (r != want) {
			printf("  length %zu of %zu: %d, want %d\n", len, size,
			       r, want);
			unit_current_failed = 1;
			return;
		}
	}
}

/* A small archive of several kinds of entry, with its regular files. */
static struct ar small_archive(struct want *want, unsigned int *n)
{
	static const char hello[] = "hello, world\n";
	static const u8 bin[] = { 0, 1, 2, 3, 4, 5, 6 };
	struct ar a = { 0 };

	ar_entry(&a, false, ".", 040755, 2, 1, NULL, 0);
	ar_file(&a, "./hello.txt", hello, sizeof(hello) - 1);
	ar_entry(&a, false, "./sub", 040755, 2, 2, NULL, 0);
	ar_file(&a, "./sub/bin", bin, sizeof(bin));
	ar_entry(&a, false, "./sub/link", 0120777, 1, 3, "bin", 3);
	ar_entry(&a, false, "./dev-null", 020666, 1, 4, NULL, 0);
	ar_file(&a, "./empty", NULL, 0);
	ar_trailer(&a);
	want[0] = (struct want){ "hello.txt", (const u8 *)hello,
				 sizeof(hello) - 1 };
	want[1] = (struct want){ "sub/bin", bin, sizeof(bin) };
	want[2] = (struct want){ "empty", NULL, 0 };
	*n = 3;
	return a;
}

/* ---- arguments and the smallest archives ---- */

UNIT_TEST(bad_arguments)
{
	u8 byte = 0;
	struct bundle_file f;

	CHECK_EQ(bundle_open(NULL, 100), -EINVAL);
	CHECK_EQ(bundle_open(&byte, 0), -EINVAL);
	CHECK_EQ(bundle_count(), 0);
	CHECK_EQ(bundle_find("x", &f), -ENOENT);
	CHECK_EQ(bundle_find(NULL, &f), -EINVAL);
	CHECK_EQ(bundle_for_each(NULL, NULL), -EINVAL);
}

UNIT_TEST(empty_archive)
{
	struct ar a = { 0 };

	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), 0);
	/* The trailer needs no padding after its name: nothing follows. */
	CHECK_EQ(open_copy(a.buf, 110 + 11), 0);
	CHECK_EQ(open_copy(a.buf, 110 + 10), -EBADMSG);
	free(a.buf);
}

UNIT_TEST(hand_made_archive)
{
	struct want want[3];
	unsigned int n;
	struct ar a = small_archive(want, &n);
	u8 *c = exact_copy(a.buf, a.len);
	struct bundle_file f;

	CHECK_EQ(bundle_open(c, a.len), 3);
	CHECK(bundle_is(c, a.len, want, n));
	/* Lookups are normalised the way names are. */
	CHECK_EQ(bundle_find("./sub/bin", &f), 0);
	CHECK_EQ(bundle_find("/sub/bin", NULL), 0);
	CHECK_EQ(bundle_find("sub", &f), -ENOENT);
	CHECK_EQ(bundle_find("sub/link", &f), -ENOENT);
	CHECK_EQ(bundle_find("dev-null", &f), -ENOENT);
	CHECK_EQ(bundle_find("TRAILER!!!", &f), -ENOENT);
	CHECK_EQ(bundle_find("", &f), -ENOENT);
	bundle_open(NULL, 0);
	free(c);
	free(a.buf);
}

UNIT_TEST(unaligned_base_and_junk_after_trailer)
{
	struct want want[3];
	unsigned int n;
	struct ar a = small_archive(want, &n);
	u8 *c = malloc(a.len + 1 + 37);

	/* Offsets count from the archive, not from memory. */
	memcpy(c + 1, a.buf, a.len);
	memset(c + 1 + a.len, 'J', 37);
	CHECK_EQ(bundle_open(c + 1, a.len + 37), 3);
	CHECK(bundle_is(c + 1, a.len + 37, want, n));
	bundle_open(NULL, 0);
	free(c);
	free(a.buf);
}

UNIT_TEST(lowercase_hex)
{
	struct ar a = { 0 };
	u8 data[200];

	fill_random(data, sizeof(data));
	ar_file(&a, "x", data, sizeof(data));
	ar_trailer(&a);
	/* filesize 200 = 0xC8 */
	CHECK(!memcmp(a.buf + 6 + H_FILESIZE * 8, "000000C8", 8));
	memcpy(a.buf + 6 + H_FILESIZE * 8, "000000c8", 8);
	CHECK_EQ(open_copy(a.buf, a.len), 1);
	free(a.buf);
}

/* ---- malformed archives ---- */

UNIT_TEST(every_truncation)
{
	struct want want[3];
	unsigned int n;
	struct ar a = small_archive(want, &n);

	check_truncations(a.buf, a.len, 3, 0, a.len + 1, 1);
	free(a.buf);
}

static void corrupt_every_field(const u8 *p, size_t len, const char *what)
{
	static const char bad[] = { 'g', 'G', ' ', '\0', '-', 'x', '\xff' };
	size_t offs[64];
	unsigned int k = header_offsets(p, len, offs, 64);
	u8 *c = exact_copy(p, len);

	CHECK(k >= 2);
	for (unsigned int e = 0; e < k; e++) {
		for (size_t i = 0; i < 110; i++) {
			for (size_t b = 0; b < sizeof(bad); b++) {
				int r;

				c[offs[e] + i] = (u8)bad[b];
				r = bundle_open(c, len);
				c[offs[e] + i] = p[offs[e] + i];
				if (r == -EBADMSG)
					continue;
				printf("  %s: entry %u byte %zu = %#x: %d\n",
				       what, e, i, (u8)bad[b], r);
				unit_current_failed = 1;
			}
		}
	}
	CHECK(bundle_open(c, len) > 0);
	bundle_open(NULL, 0);
	free(c);
}

UNIT_TEST(every_header_byte_not_hex)
{
	struct want want[3];
	unsigned int n;
	struct ar a = small_archive(want, &n);

	corrupt_every_field(a.buf, a.len, "hand-made");
	free(a.buf);
}

/* Any value in any field: either a clean error or files inside. */
UNIT_TEST(every_header_field_any_value)
{
	static const u32 values[] = { 0,	  1,	      2,
				      3,	  4,	      0x7f,
				      0x100,	  0xfff,      0x7fffffff,
				      0x80000000, 0xfffffff0, 0xfffffffc,
				      0xfffffffd, 0xffffffff };
	struct want want[3];
	unsigned int n;
	struct ar a = small_archive(want, &n);
	size_t offs[64];
	unsigned int k = header_offsets(a.buf, a.len, offs, 64);
	u8 *c = exact_copy(a.buf, a.len);

	for (unsigned int e = 0; e < k; e++) {
		for (int fld = 0; fld < H_COUNT; fld++) {
			for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
				int r;

				set_field(c, offs[e], fld, values[v]);
				r = bundle_open(c, a.len);
				if (r > 0 && !all_inside(c, a.len))
					unit_current_failed = 1;
				if (r < 0 && r != -EBADMSG) {
					printf("  entry %u field %d: %d\n", e,
					       fld, r);
					unit_current_failed = 1;
				}
				if ((fld == H_NAMESIZE || fld == H_FILESIZE) &&
				    values[v] >= 0x7fffffff && r != -EBADMSG) {
					printf("  entry %u field %d = %#x "
					       "accepted\n",
					       e, fld, values[v]);
					unit_current_failed = 1;
				}
				memcpy(c + offs[e], a.buf + offs[e], 110);
			}
		}
	}
	bundle_open(NULL, 0);
	free(c);
	free(a.buf);
}

UNIT_TEST(bad_magic)
{
	static const char *const magics[] = { "070707",	     "070700", "070703",
					      "070711",	     "170701", "07070",
					      "\0\0\0\0\0\0" };
	struct ar a = { 0 };

	ar_file(&a, "a", "abc", 3);
	ar_trailer(&a);
	for (size_t i = 0; i < ARRAY_SIZE(magics); i++) {
		u8 *c = exact_copy(a.buf, a.len);

		memcpy(c, magics[i], 6);
		CHECK_EQ(bundle_open(c, a.len), -EBADMSG);
		free(c);
	}
	/* In the trailer too: then the archive has no end. */
	memcpy(a.buf + 116, "070707", 6);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	free(a.buf);
}

/* A header with fields of our choosing followed by the given name bytes. */
static void ar_raw(struct ar *a, u32 mode, u32 namesize, const void *name,
		   size_t name_len, u32 filesize, const void *data,
		   size_t data_len)
{
	u32 f[H_COUNT] = { 0 };

	f[H_MODE] = mode;
	f[H_NLINK] = 1;
	f[H_NAMESIZE] = namesize;
	f[H_FILESIZE] = filesize;
	ar_header(a, "070701", f);
	ar_bytes(a, name, name_len);
	ar_pad(a);
	ar_bytes(a, data, data_len);
	ar_pad(a);
}

UNIT_TEST(bad_names)
{
	struct ar a = { 0 };

	/* namesize 0 */
	ar_raw(&a, 0100644, 0, "", 0, 0, NULL, 0);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	a.len = 0;
	/* no NUL within namesize */
	ar_raw(&a, 0100644, 4, "abcd", 4, 0, NULL, 0);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	a.len = 0;
	/* a NUL before the end */
	ar_raw(&a, 0100644, 5, "ab\0d", 5, 0, NULL, 0);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	a.len = 0;
	/* the name runs past the end of the archive */
	ar_raw(&a, 0100644, 64, "abc", 4, 0, NULL, 0);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	a.len = 0;
	/* nothing left of a regular file's name once normalised */
	ar_raw(&a, 0100644, 3, "./", 3, 0, NULL, 0);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	a.len = 0;
	ar_raw(&a, 0100644, 2, "/", 2, 0, NULL, 0);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	a.len = 0;
	/* ...but a directory may be called that */
	ar_raw(&a, 040755, 2, "/", 2, 0, NULL, 0);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), 0);
	free(a.buf);
}

UNIT_TEST(data_past_end)
{
	struct ar a = { 0 };

	ar_raw(&a, 0100644, 2, "a", 2, 100, "xyz", 3);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	/* A symlink's target is checked as well. */
	a.len = 0;
	ar_raw(&a, 0120777, 2, "l", 2, 100, "xyz", 3);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	free(a.buf);
}

UNIT_TEST(huge_sizes)
{
	static const u32 huge[] = { 0xffffffff, 0xfffffffe, 0xfffffffd,
				    0xfffffffc, 0x80000000, 0x7fffffff };
	struct ar a = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(huge); i++) {
		a.len = 0;
		ar_raw(&a, 0100644, huge[i], "a", 2, 0, NULL, 0);
		ar_trailer(&a);
		CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
		a.len = 0;
		ar_raw(&a, 0100644, 2, "a", 2, huge[i], NULL, 0);
		ar_trailer(&a);
		CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
		a.len = 0;
		ar_raw(&a, 040755, 2, "d", 2, huge[i], NULL, 0);
		ar_trailer(&a);
		CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
		/* The last entry before the end, where offset + size wraps
		 * soonest. */
		a.len = 0;
		ar_file(&a, "first", "0123456789", 10);
		ar_raw(&a, 0100644, 2, "b", 2, huge[i], NULL, 0);
		CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	}
	free(a.buf);
}

UNIT_TEST(missing_or_bad_trailer)
{
	struct ar a = { 0 };

	ar_file(&a, "a", "abc", 3);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	/* Zeros where the trailer should be. */
	ar_bytes(&a, (const u8[512]){ 0 }, 512);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	/* A trailer that claims data. */
	a.len = 0;
	ar_file(&a, "a", "abc", 3);
	ar_entry(&a, false, "TRAILER!!!", 0, 1, 0, "junk", 4);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	/* Near misses are ordinary names. */
	a.len = 0;
	ar_file(&a, "TRAILER!!", "x", 1);
	ar_file(&a, "./TRAILER!!!", "y", 1);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), 2);
	free(a.buf);
}

UNIT_TEST(bad_mode)
{
	static const u32 modes[] = { 0,	      0644,    0030644, 0050644,
				     0070644, 0110644, 0130644, 0150644,
				     0160644, 0170644, 0200644, 0x80008000 };
	struct ar a = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		a.len = 0;
		ar_raw(&a, modes[i], 2, "a", 2, 0, NULL, 0);
		ar_trailer(&a);
		CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	}
	free(a.buf);
}

UNIT_TEST(duplicate_names)
{
	struct ar a = { 0 };

	ar_file(&a, "a", "1", 1);
	ar_file(&a, "b", "2", 1);
	ar_file(&a, "a", "3", 1);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	/* The same once normalised. */
	a.len = 0;
	ar_file(&a, "./dir/x", "1", 1);
	ar_file(&a, "/dir/x", "2", 1);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	a.len = 0;
	ar_file(&a, "dir/x", "1", 1);
	ar_file(&a, "/.//./dir/x", "2", 1);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), -EBADMSG);
	/* A directory does not clash with a file of its name's prefix. */
	a.len = 0;
	ar_entry(&a, false, "dir", 040755, 2, 7, NULL, 0);
	ar_file(&a, "dir/x", "1", 1);
	ar_file(&a, "dirx", "2", 1);
	ar_trailer(&a);
	CHECK_EQ(open_copy(a.buf, a.len), 2);
	free(a.buf);
}

UNIT_TEST(checksums)
{
	struct ar a = { 0 };
	u8 data[3000];
	size_t offs[8];
	u8 *c;

	fill_random(data, sizeof(data));
	ar_entry(&a, true, "big", 0100644, 1, 1, data, sizeof(data));
	ar_entry(&a, true, "small", 0100644, 1, 2, "abc", 3);
	ar_entry(&a, true, "link", 0120777, 1, 3, "small", 5);
	ar_entry(&a, true, "TRAILER!!!", 0, 1, 0, NULL, 0);
	CHECK_EQ(open_copy(a.buf, a.len), 2);
	CHECK_EQ(header_offsets(a.buf, a.len, offs, 8), 4);
	c = exact_copy(a.buf, a.len);
	/* One changed byte of data. */
	c[offs[0] + 110 + 4 + 1234] ^= 0x10;
	CHECK_EQ(bundle_open(c, a.len), -EBADMSG);
	memcpy(c, a.buf, a.len);
	set_field(c, offs[1], H_CHECK, sum_bytes("abc", 3) + 1);
	CHECK_EQ(bundle_open(c, a.len), -EBADMSG);
	/* A symlink's checksum is not one (cpio writes 0; Linux ignores). */
	memcpy(c, a.buf, a.len);
	set_field(c, offs[2], H_CHECK, 12345);
	CHECK_EQ(bundle_open(c, a.len), 2);
	/* The newc magic does not check at all. */
	memcpy(c, a.buf, a.len);
	set_field(c, offs[1], H_CHECK, 1);
	memcpy(c + offs[1], "070701", 6);
	CHECK_EQ(bundle_open(c, a.len), 2);
	bundle_open(NULL, 0);
	free(c);
	free(a.buf);
}

UNIT_TEST(hard_links_hand_made)
{
	struct ar a = { 0 };
	struct bundle_file f;
	u8 *c;

	/* newc keeps the data with the last link only. */
	ar_entry(&a, false, "one", 0100644, 3, 77, NULL, 0);
	ar_entry(&a, false, "other", 0100644, 1, 78, "zz", 2);
	ar_entry(&a, false, "two", 0100644, 3, 77, NULL, 0);
	ar_entry(&a, false, "three", 0100644, 3, 77, "shared", 6);
	/* Same inode on another device: a different file. */
	u32 fl[H_COUNT] = { 0 };

	fl[H_INO] = 77;
	fl[H_MODE] = 0100644;
	fl[H_NLINK] = 2;
	fl[H_DEVMINOR] = 9;
	fl[H_NAMESIZE] = 6;
	ar_header(&a, "070701", fl);
	ar_bytes(&a, "elsew", 6);
	ar_pad(&a);
	/* An empty file with two names stays empty. */
	ar_entry(&a, false, "e1", 0100644, 2, 90, NULL, 0);
	ar_entry(&a, false, "e2", 0100644, 2, 90, NULL, 0);
	ar_trailer(&a);
	c = exact_copy(a.buf, a.len);
	CHECK_EQ(bundle_open(c, a.len), 7);
	CHECK(all_inside(c, a.len));
	for (int i = 0; i < 3; i++) {
		static const char *const names[] = { "one", "two", "three" };

		CHECK_EQ(bundle_find(names[i], &f), 0);
		CHECK_EQ(f.size, 6);
		CHECK(f.size == 6 && !memcmp(f.data, "shared", 6));
	}
	CHECK_EQ(bundle_find("other", &f), 0);
	CHECK_EQ(f.size, 2);
	CHECK_EQ(bundle_find("elsew", &f), 0);
	CHECK_EQ(f.size, 0);
	CHECK_EQ(bundle_find("e1", &f), 0);
	CHECK_EQ(f.size, 0);
	CHECK_EQ(bundle_find("e2", &f), 0);
	CHECK_EQ(f.size, 0);
	bundle_open(NULL, 0);
	free(c);
	free(a.buf);
}

UNIT_TEST(random_mutations)
{
	struct want want[3];
	unsigned int n, accepted = 0;
	struct ar a = small_archive(want, &n);
	u8 *c = malloc(a.len);

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = a.len;
		u8 *t;
		int r;

		memcpy(c, a.buf, a.len);
		for (u32 m = rng() % 4 + 1; m > 0; m--) {
			size_t at = rng() % a.len;

			switch (rng() % 3) {
			case 0:
				c[at] = (u8)rng();
				break;
			case 1:
				c[at] = "0123456789abcdefF"[rng() % 17];
				break;
			default:
				len = rng() % a.len + 1;
				break;
			}
		}
		t = exact_copy(c, len);
		r = bundle_open(t, len);
		if (r >= 0) {
			accepted++;
			if (!all_inside(t, len))
				unit_current_failed = 1;
		} else if (r != -EBADMSG) {
			printf("  iteration %d: %d\n", iter, r);
			unit_current_failed = 1;
		}
		bundle_open(NULL, 0);
		free(t);
	}
	/* Some mutations (mtime, uid, padding) are harmless. */
	CHECK(accepted > 0);
	free(c);
	free(a.buf);
}

/* ---- many files, re-opening, visiting ---- */

UNIT_TEST(many_files)
{
	enum { N = 3000 };
	static char names[N][24];
	static u8 datas[N][8];
	struct ar a = { 0 };
	struct bundle_file f;
	u8 *c;

	for (int i = 0; i < N; i++) {
		/* Neither sorted nor reversed. */
		snprintf(names[i], sizeof(names[i]), "d%d/f%05d", i % 7,
			 (i * 7919) % N);
		memcpy(datas[i], &i, sizeof(i));
		ar_file(&a, names[i], datas[i], (size_t)(i % 9));
	}
	ar_trailer(&a);
	c = exact_copy(a.buf, a.len);
	CHECK_EQ(bundle_open(c, a.len), N);
	for (int i = 0; i < N; i++) {
		if (bundle_find(names[i], &f) || f.size != (size_t)(i % 9) ||
		    !same_bytes(f.data, datas[i], f.size)) {
			printf("  %s not found right\n", names[i]);
			unit_current_failed = 1;
			break;
		}
	}
	CHECK_EQ(bundle_find("d0/f99999", &f), -ENOENT);
	CHECK_EQ(bundle_find("a", &f), -ENOENT);
	CHECK_EQ(bundle_find("z", &f), -ENOENT);
	bundle_open(NULL, 0);
	free(c);
	free(a.buf);
}

static int stop_after_two(const struct bundle_file *f, void *arg)
{
	int *seen = arg;

	return ++*seen == 2 ? 42 : 0;
}

UNIT_TEST(for_each_stops)
{
	struct want want[3];
	unsigned int n;
	struct ar a = small_archive(want, &n);
	u8 *c = exact_copy(a.buf, a.len);
	int seen = 0;

	CHECK_EQ(bundle_open(c, a.len), 3);
	CHECK_EQ(bundle_for_each(stop_after_two, &seen), 42);
	CHECK_EQ(seen, 2);
	bundle_open(NULL, 0);
	seen = 0;
	CHECK_EQ(bundle_for_each(stop_after_two, &seen), 0);
	CHECK_EQ(seen, 0);
	free(c);
	free(a.buf);
}

UNIT_TEST(reopen_replaces)
{
	struct want want[3];
	unsigned int n;
	struct ar a = small_archive(want, &n), b = { 0 }, bad = { 0 };
	struct want wb[] = { { "other", (const u8 *)"data", 4 } };
	struct bundle_file f;

	ar_file(&b, "other", "data", 4);
	ar_trailer(&b);
	ar_file(&bad, "x", "1", 1);
	CHECK_EQ(bundle_open(a.buf, a.len), 3);
	CHECK(bundle_is(a.buf, a.len, want, n));
	CHECK_EQ(bundle_open(b.buf, b.len), 1);
	CHECK(bundle_is(b.buf, b.len, wb, 1));
	CHECK_EQ(bundle_find("hello.txt", &f), -ENOENT);
	CHECK_EQ(bundle_open(a.buf, a.len), 3);
	CHECK(bundle_is(a.buf, a.len, want, n));
	/* A failed open leaves nothing behind, not the old bundle. */
	CHECK_EQ(bundle_open(bad.buf, bad.len), -EBADMSG);
	CHECK_EQ(bundle_count(), 0);
	CHECK_EQ(bundle_find("hello.txt", &f), -ENOENT);
	CHECK_EQ(bundle_open(b.buf, b.len), 1);
	CHECK_EQ(bundle_open(NULL, 0), -EINVAL);
	CHECK_EQ(bundle_count(), 0);
	free(a.buf);
	free(b.buf);
	free(bad.buf);
}

/* ---- archives written by GNU cpio ---- */

struct tree {
	char *dir;
	struct want files[16];
	u8 *bufs[16];
	unsigned int n;
};

static void tree_add(struct tree *t, const char *name, size_t size)
{
	u8 *b = malloc(size ? size : 1);

	fill_random(b, size);
	write_file(t->dir, name, b, size);
	t->bufs[t->n] = b;
	t->files[t->n] = (struct want){ strdup(name), b, size };
	t->n++;
}

static void tree_free(struct tree *t)
{
	for (unsigned int i = 0; i < t->n; i++) {
		free((char *)t->files[i].name);
		free(t->bufs[i]);
	}
	free(t->dir);
}

static int cmp_want(const void *a, const void *b)
{
	return strcmp(((const struct want *)a)->name,
		      ((const struct want *)b)->name);
}

/*
 * Files of sizes around every padding case and a block, in
 * subdirectories, next to a symlink, an empty directory and a FIFO.
 */
static void make_tree(struct tree *t, const char *name)
{
	char *sub;

	memset(t, 0, sizeof(*t));
	t->dir = new_dir(name);
	sub = path_join(t->dir, "sub");
	mkdir(sub, 0755);
	free(sub);
	sub = path_join(t->dir, "sub/deeper");
	mkdir(sub, 0755);
	free(sub);
	sub = path_join(t->dir, "emptydir");
	mkdir(sub, 0755);
	free(sub);
	tree_add(t, "zero", 0);
	tree_add(t, "one", 1);
	tree_add(t, "two", 2);
	tree_add(t, "three", 3);
	tree_add(t, "four", 4);
	tree_add(t, "five", 5);
	tree_add(t, "sub/511", 511);
	tree_add(t, "sub/512", 512);
	tree_add(t, "sub/deeper/513", 513);
	tree_add(t, "with space", 77);
	tree_add(t, "big.bin", 70001);
	CHECK_EQ(sh("cd '%s' && ln -s sub/511 symlink && mkfifo fifo", t->dir),
		 0);
	/* cpio stores them in the order find | sort lists them. */
	qsort(t->files, t->n, sizeof(t->files[0]), cmp_want);
}

static void check_cpio_archive(const char *tag, const char *format,
			       const char *list_cmd)
{
	struct tree t;
	char *archive, *name;
	u8 *buf;
	size_t size;

	make_tree(&t, tag);
	if (asprintf(&name, "../%s.cpio", tag) < 0)
		exit(1);
	archive = path_join(t.dir, name);
	free(name);
	CHECK_EQ(sh("cd '%s' && %s | LC_ALL=C sort | cpio -o -H %s --quiet "
		    "> '%s'",
		    t.dir, list_cmd, format, archive),
		 0);
	buf = read_file(archive, &size);
	CHECK(buf != NULL);
	if (buf) {
		CHECK_EQ(bundle_open(buf, size), t.n);
		CHECK(bundle_is(buf, size, t.files, t.n));
		corrupt_every_field(buf, size, format);
		/* Every length through the headers before the big file's
		 * data, every one from its last bytes on. */
		check_truncations(buf, size, t.n, 0, 4096, 509);
		check_truncations(buf, size, t.n, size - 8192, size + 1, 509);
	}
	bundle_open(NULL, 0);
	free(buf);
	unlink(archive);
	free(archive);
	tree_free(&t);
}

UNIT_TEST(gnu_cpio_newc)
{
	check_cpio_archive("newc", "newc", "find .");
}

UNIT_TEST(gnu_cpio_newc_bare_names)
{
	check_cpio_archive("newc-bare", "newc",
			   "find . -mindepth 1 -printf '%P\\n'");
}

UNIT_TEST(gnu_cpio_crc)
{
	check_cpio_archive("crc", "crc", "find .");
}

UNIT_TEST(gnu_cpio_crc_corrupt_data)
{
	struct tree t;
	char *archive;
	u8 *buf;
	size_t size;

	make_tree(&t, "crc-corrupt");
	archive = path_join(t.dir, "../crc-corrupt.cpio");
	CHECK_EQ(sh("cd '%s' && find . | LC_ALL=C sort | "
		    "cpio -o -H crc --quiet > '%s'",
		    t.dir, archive),
		 0);
	buf = read_file(archive, &size);
	CHECK(buf != NULL);
	CHECK_EQ(buf ? bundle_open(buf, size) : -1, t.n);
	for (unsigned int i = 0; buf && i < t.n; i++) {
		const struct want *w = &t.files[i];
		struct bundle_file f;
		u8 *at;

		if (!w->size || bundle_find(w->name, &f))
			continue;
		/* Flip a bit of the file's data: its sum changes by one. */
		at = buf + ((const u8 *)f.data - buf);
		at[w->size / 2] ^= 0x01;
		CHECK_EQ(bundle_open(buf, size), -EBADMSG);
		at[w->size / 2] ^= 0x01;
		CHECK_EQ(bundle_open(buf, size), t.n);
	}
	bundle_open(NULL, 0);
	free(buf);
	free(archive);
	tree_free(&t);
}

UNIT_TEST(gnu_cpio_hard_links)
{
	char *dir = new_dir("links"), *archive;
	u8 a[1000], b[10], *buf;
	size_t size;
	struct want want[] = {
		{ "a", a, sizeof(a) },	       { "b", b, sizeof(b) },
		{ "link1", a, sizeof(a) },     { "sub/link2", a, sizeof(a) },
		{ "sub/link3", b, sizeof(b) },
	};

	fill_random(a, sizeof(a));
	fill_random(b, sizeof(b));
	write_file(dir, "a", a, sizeof(a));
	write_file(dir, "b", b, sizeof(b));
	CHECK_EQ(sh("cd '%s' && mkdir sub && ln a link1 && ln a sub/link2 && "
		    "ln b sub/link3",
		    dir),
		 0);
	archive = path_join(dir, "../links.cpio");
	CHECK_EQ(sh("cd '%s' && find . -mindepth 1 -printf '%%P\\n' | "
		    "LC_ALL=C sort | cpio -o -H newc --quiet > '%s'",
		    dir, archive),
		 0);
	buf = read_file(archive, &size);
	CHECK(buf != NULL);
	if (buf) {
		struct visit v = { buf, size, NULL, 0, 0, false };
		struct bundle_file f;

		CHECK_EQ(bundle_open(buf, size), 5);
		for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
			CHECK_EQ(bundle_find(want[i].name, &f), 0);
			CHECK_EQ(f.size, want[i].size);
			CHECK(f.size == want[i].size &&
			      !!same_bytes(f.data, want[i].data, f.size));
		}
		bundle_for_each(visit_file, &v);
		CHECK(!v.bad);
	}
	bundle_open(NULL, 0);
	free(buf);
	free(archive);
	free(dir);
}

/* ---- tools/make-bundle.sh ---- */

static char *make_bundle_script(void)
{
	char *root = source_root(), *script;

	if (!root) {
		printf("  cannot find the source tree; set KEEL_SRCTREE\n");
		return NULL;
	}
	script = path_join(root, "tools/make-bundle.sh");
	free(root);
	return script;
}

UNIT_TEST(make_bundle_script_archives)
{
	char *script = make_bundle_script();
	char *d1 = new_dir("mb-one"), *d2 = new_dir("mb-two");
	char *out1 = path_join(d1, "out1.cpio"),
	     *out2 = path_join(d2, "o.cpio");
	u8 k[5000], cfg[33], dtb[4], *buf, *buf2;
	size_t size, size2;
	struct want want[] = {
		/* Sorted by name, whatever the command line's order. */
		{ "Image", k, sizeof(k) },
		{ "empty", (const u8 *)"", 0 },
		{ "guest.cfg", cfg, sizeof(cfg) },
		{ "virt.dtb", dtb, sizeof(dtb) },
	};

	if (!script) {
		unit_current_failed = 1;
		return;
	}
	fill_random(k, sizeof(k));
	fill_random(cfg, sizeof(cfg));
	fill_random(dtb, sizeof(dtb));
	write_file(d1, "Image", k, sizeof(k));
	write_file(d1, "empty", "", 0);
	write_file(d2, "guest.cfg", cfg, sizeof(cfg));
	write_file(d2, "virt.dtb", dtb, sizeof(dtb));
	CHECK_EQ(sh("cd '%s' && ln -s ../mb-one/Image kernel-link", d2), 0);
	CHECK_EQ(sh("'%s' '%s' '%s/virt.dtb' '%s/Image' '%s/guest.cfg' "
		    "'%s/empty'",
		    script, out1, d2, d1, d2, d1),
		 0);
	buf = read_file(out1, &size);
	CHECK(buf != NULL);
	if (buf) {
		CHECK_EQ(bundle_open(buf, size), 4);
		CHECK(bundle_is(buf, size, want, ARRAY_SIZE(want)));
		bundle_open(NULL, 0);
	}
	/* Same files, another order, other times, from elsewhere: same bytes. */
	CHECK_EQ(sh("touch -d @12345 '%s/Image' && chmod 0600 '%s/guest.cfg'",
		    d1, d2),
		 0);
	CHECK_EQ(sh("cd '%s' && '%s' o.cpio empty ../mb-two/guest.cfg "
		    "../mb-two/virt.dtb Image && mv o.cpio '%s'",
		    d1, script, out2),
		 0);
	buf2 = read_file(out2, &size2);
	CHECK(buf && buf2 && size == size2 && !memcmp(buf, buf2, size));
	free(buf2);
	/* A symlink is followed and stored under its own name. */
	CHECK_EQ(sh("cd '%s' && '%s' l.cpio kernel-link", d2, script), 0);
	free(out2);
	out2 = path_join(d2, "l.cpio");
	buf2 = read_file(out2, &size2);
	CHECK(buf2 != NULL);
	if (buf2) {
		struct want wl[] = { { "kernel-link", k, sizeof(k) } };

		CHECK_EQ(bundle_open(buf2, size2), 1);
		CHECK(bundle_is(buf2, size2, wl, 1));
		bundle_open(NULL, 0);
	}
	free(buf2);
	free(buf);
	free(out1);
	free(out2);
	free(d1);
	free(d2);
	free(script);
}

UNIT_TEST(make_bundle_script_refuses)
{
	char *script = make_bundle_script();
	char *d = new_dir("mb-refuse"), *sub = path_join(d, "sub");
	char *out = path_join(d, "out.cpio");

	if (!script) {
		unit_current_failed = 1;
		return;
	}
	mkdir(sub, 0755);
	write_file(d, "a", "1", 1);
	write_file(sub, "a", "2", 1);
	write_file(d, "TRAILER!!!", "3", 1);
	/* Two files of one base name. */
	CHECK(sh("'%s' '%s' '%s/a' '%s/a' 2>/dev/null", script, out, d, sub) !=
	      0);
	/* A directory, a missing file, a name that ends archives. */
	CHECK(sh("'%s' '%s' '%s' 2>/dev/null", script, out, sub) != 0);
	CHECK(sh("'%s' '%s' '%s/nope' 2>/dev/null", script, out, d) != 0);
	CHECK(sh("'%s' '%s' '%s/TRAILER!!!' 2>/dev/null", script, out, d) != 0);
	/* No files, no output name. */
	CHECK(sh("'%s' '%s' 2>/dev/null", script, out) != 0);
	CHECK(sh("'%s' 2>/dev/null", script) != 0);
	/* Nothing half-written was left behind. */
	CHECK(access(out, F_OK) != 0);
	CHECK_EQ(sh("test -z \"$(ls -A '%s' | grep -v -e '^a$' -e '^sub$' "
		    "-e '^TRAILER!!!$')\"",
		    d),
		 0);
	free(out);
	free(sub);
	free(d);
	free(script);
}

/* ---- bundle list ---- */

UNIT_TEST(bundle_list_command)
{
	struct ar a = { 0 };
	static u8 big[123456];

	bundle_open(NULL, 0);
	CHECK_EQ(run_cmd("bundle list"), 0);
	CHECK(!strcmp(term_out, "no bundle (start Keel with an initrd "
				"holding a cpio archive)\n"));
	CHECK_EQ(run_cmd("bundle"), -EINVAL);
	CHECK_EQ(run_cmd("bundle lst"), -EINVAL);
	CHECK(strstr(term_out, "unknown subcommand 'lst'") != NULL);
	CHECK_EQ(run_cmd("bundle list extra"), -EINVAL);

	ar_file(&a, "Image", big, sizeof(big));
	ar_file(&a, "./guests/linux.cfg", "abc", 3);
	ar_file(&a, "e", NULL, 0);
	ar_trailer(&a);
	CHECK_EQ(bundle_open(a.buf, a.len), 3);
	CHECK_EQ(run_cmd("bundle list"), 0);
	CHECK(!strcmp(term_out, "NAME                     SIZE\n"
				"Image                  123456\n"
				"guests/linux.cfg            3\n"
				"e                           0\n"
				"3 files, 123459 bytes\n"));
	if (unit_current_failed)
		printf("%s", term_out);
	bundle_open(NULL, 0);
	free(a.buf);
}

UNIT_MAIN();
