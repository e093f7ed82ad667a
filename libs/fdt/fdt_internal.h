/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libs/fdt internals: the blob layout (devicetree specification, chapter
 * "Flattened Devicetree (DTB) Format") and the helpers the read-only,
 * sequential-write and read-write parts share.
 *
 * Everything in a blob is big-endian and nothing in it can be trusted to
 * be aligned, so fields are read and written through __builtin_memcpy()
 * (a single unaligned access) and byte-swapped.
 * Offsets handed to and returned by the public API are relative to the
 * start of the structure block, as in libfdt; "absolute" offsets are
 * relative to the start of the blob.
 */
#ifndef KEEL_LIBS_FDT_INTERNAL_H
#define KEEL_LIBS_FDT_INTERNAL_H

#include <keel/fdt.h>
#include <keel/string.h>

/* The magic an unfinished sequential-write blob carries. */
#define KFDT_SW_MAGIC (~KFDT_MAGIC)

/* Structure block tokens. */
#define KFDT_BEGIN_NODE 0x1U
#define KFDT_END_NODE 0x2U
#define KFDT_PROP 0x3U
#define KFDT_NOP 0x4U
#define KFDT_END 0x9U

#define KFDT_TAGSIZE 4
#define KFDT_TAGALIGN(x) (((x) + (KFDT_TAGSIZE - 1)) & ~(KFDT_TAGSIZE - 1))

/* A property token is followed by its value length and its name offset. */
#define KFDT_PROP_HDR 12
/* One memory reservation entry: address and size, 64 bits each. */
#define KFDT_RSV_ENTRY 16

/* Versions: the oldest read, the one written, the oldest it is compatible with. */
#define KFDT_FIRST_VERSION 2U
#define KFDT_LAST_VERSION 17U
#define KFDT_LAST_COMP_VERSION 16U

#define KFDT_MAX_NCELLS 4U

/* Header fields, by byte offset. Older versions have shorter headers. */
#define KFDT_H_MAGIC 0
#define KFDT_H_TOTALSIZE 4
#define KFDT_H_OFF_STRUCT 8
#define KFDT_H_OFF_STRINGS 12
#define KFDT_H_OFF_RSVMAP 16
#define KFDT_H_VERSION 20
#define KFDT_H_LAST_COMP 24
#define KFDT_H_BOOT_CPU 28 /* since version 2 */
#define KFDT_H_SIZE_STRINGS 32 /* since version 3 */
#define KFDT_H_SIZE_STRUCT 36 /* since version 17 */
#define KFDT_HDR_SIZE 40 /* a version 17 header, already 8-byte aligned */

#define KFDT_INT_MAX 0x7fffffff

/* Unaligned big-endian loads and stores. */
static inline u32 kfdt_ld32(const void *p)
{
	u32 v;

	__builtin_memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline u64 kfdt_ld64(const void *p)
{
	u64 v;

	__builtin_memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void kfdt_st32(void *p, u32 v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	__builtin_memcpy(p, &v, sizeof(v));
}

static inline void kfdt_st64(void *p, u64 v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	__builtin_memcpy(p, &v, sizeof(v));
}

static inline u32 kfdt_hdr(const void *fdt, unsigned int field)
{
	return kfdt_ld32((const u8 *)fdt + field);
}

static inline void kfdt_set_hdr(void *fdt, unsigned int field, u32 v)
{
	kfdt_st32((u8 *)fdt + field, v);
}

/* A pointer to an absolute offset; the caller has checked the bounds. */
static inline const u8 *kfdt_at(const void *fdt, u64 abs)
{
	return (const u8 *)fdt + abs;
}

static inline u8 *kfdt_at_w(void *fdt, u64 abs)
{
	return (u8 *)fdt + abs;
}

/* Absolute offset of a structure-block offset. */
static inline u64 kfdt_sabs(const void *fdt, int offset)
{
	return (u64)kfdt_hdr(fdt, KFDT_H_OFF_STRUCT) + (u32)offset;
}

/*
 * The checks every read-only entry point makes: alignment, magic, version
 * and a total size below 2 GiB. Returns the total size or an error.
 */
int kfdt_probe_ro(const void *fdt);

/*
 * What walking the structure block needs from the header, read once: the
 * block may be read from st up to limit bytes, which stay inside both the
 * blob's total size and (from version 17) the block's recorded size.
 */
struct kfdt_view {
	const u8 *st;
	u64 limit;
	bool old; /* before version 16: realigned values, full-path names */
	int node,
		node_next; /* a node met last, and the offset after its name */
};

void kfdt_view_init(struct kfdt_view *v, const void *fdt);

/*
 * Decode the token at structure offset offset. Returns the token and sets
 * *next to the offset of the following token; on a blob that ends early
 * or is malformed returns KFDT_END with *next set to the (negative) error.
 */
u32 kfdt_view_tag(const struct kfdt_view *v, int offset, int *next);
u32 kfdt_next_tag(const void *fdt, int offset, int *next);

/* Offset just past the BEGIN_NODE token and name at offset, or an error. */
int kfdt_check_node(const void *fdt, int offset);

/*
 * The NUL-terminated string at offset stroffset of the strings block, with
 * its length in *lenp; NULL and an error in *lenp if it is out of bounds
 * or unterminated.
 */
const char *kfdt_string(const void *fdt, int stroffset, int *lenp);

/*
 * The first place the NUL-terminated string s (terminator included) occurs
 * in the size bytes at tab, as libfdt matches it (a suffix of a longer
 * string counts), or NULL.
 */
const char *kfdt_find_string(const char *tab, u32 size, const char *s);

/*
 * Find the property called name (namelen bytes) of the node at nodeoffset.
 * Returns its structure offset and sets *lenp to its length; or returns an
 * error (also stored in *lenp).
 */
int kfdt_find_prop(const void *fdt, int nodeoffset, const char *name,
		   int namelen, int *lenp);

int kfdt_subnode_offset_namelen(const void *fdt, int parentoffset,
				const char *name, int namelen);

/* Offset just past the END_NODE token of the node at nodeoffset. */
int kfdt_node_end(const void *fdt, int nodeoffset);

#endif
