// SPDX-License-Identifier: GPL-2.0
/*
 * libs/fdt: kfdt_check_full(), the whole-blob check Keel runs on every
 * blob it is handed (the host's tree, guest descriptions) before reading
 * anything else from it.
 *
 * It refuses whatever libfdt's fdt_check_full() refuses, and more: the
 * other kfdt calls stay inside a blob whatever it holds, but a blob that
 * passes here is one a reader can take at its word. On top of libfdt:
 *  - only versions 16 and 17 (and later ones compatible with 16 or 17);
 *  - the memory reservation block is 8-byte aligned and its terminating
 *    entry ends before the next block starts; no entry wraps past 2^64;
 *  - the structure block is 4-byte aligned and (version 17) its FDT_END
 *    token is its last 4 bytes;
 *  - no two blocks overlap;
 *  - every property name lies inside the strings block (libfdt checks
 *    that only for version 17);
 *  - properties only inside a node, at most KFDT_MAX_DEPTH levels of
 *    nodes, and a root node at all.
 * Each refusal says what was wrong and where (struct kfdt_fault).
 */
#include "fdt_internal.h"

struct check {
	const u8 *fdt;
	u32 total, hdrsize, version;
	u32 rsv_off, rsv_end; /* rsv_end: just past the terminating entry */
	u32 st_off, st_size; /* st_size: the walked size before version 17 */
	u32 str_off, str_size;
	struct kfdt_fault *fault;
};

static int fail(struct check *c, int err, u64 offset, const char *reason)
{
	if (c->fault) {
		c->fault->reason = reason;
		c->fault->offset =
			offset <= (u64)KFDT_INT_MAX ? (long)offset : -1;
	}
	return err;
}

static int check_header(struct check *c, size_t bufsize)
{
	const void *fdt = c->fdt;
	u32 last_comp;

	if (bufsize < 28)
		return fail(c, -KFDT_ERR_TRUNCATED, 0,
			    "shorter than a device-tree header");
	if ((uintptr_t)fdt & 7)
		return fail(c, -KFDT_ERR_ALIGNMENT, 0,
			    "not 8-byte aligned in memory");
	if (kfdt_hdr(fdt, KFDT_H_MAGIC) != KFDT_MAGIC)
		return fail(c, -KFDT_ERR_BADMAGIC, KFDT_H_MAGIC,
			    "bad magic (not a device-tree blob)");
	c->version = kfdt_hdr(fdt, KFDT_H_VERSION);
	last_comp = kfdt_hdr(fdt, KFDT_H_LAST_COMP);
	if (last_comp > KFDT_LAST_VERSION)
		return fail(c, -KFDT_ERR_BADVERSION, KFDT_H_LAST_COMP,
			    "needs a reader of a version later than 17");
	if (c->version < last_comp)
		return fail(c, -KFDT_ERR_BADVERSION, KFDT_H_VERSION,
			    "version older than its last compatible version");
	if (c->version < KFDT_FIRST_VERSION)
		return fail(c, -KFDT_ERR_BADVERSION, KFDT_H_VERSION,
			    "version older than 2");
	c->hdrsize = c->version >= 17 ? KFDT_HDR_SIZE : 36;
	if (bufsize < c->hdrsize)
		return fail(c, -KFDT_ERR_TRUNCATED, 0,
			    "shorter than its header");
	c->total = kfdt_hdr(fdt, KFDT_H_TOTALSIZE);
	if (c->total < c->hdrsize)
		return fail(c, -KFDT_ERR_TRUNCATED, KFDT_H_TOTALSIZE,
			    "totalsize smaller than the header");
	if (c->total > (u32)KFDT_INT_MAX)
		return fail(c, -KFDT_ERR_TRUNCATED, KFDT_H_TOTALSIZE,
			    "totalsize of 2 GiB or more");
	if (c->total > bufsize)
		return fail(c, -KFDT_ERR_TRUNCATED, KFDT_H_TOTALSIZE,
			    "totalsize larger than the file");
	/* Versions 2 and 3 lay out names and values differently. */
	if (c->version < 16)
		return fail(c, -KFDT_ERR_BADVERSION, KFDT_H_VERSION,
			    "version older than 16 (not supported)");
	return 0;
}

/* A block [off, off + size) after the header and inside totalsize. */
static bool block_inside(const struct check *c, u32 off, u64 size)
{
	return off >= c->hdrsize && off <= c->total &&
	       (u64)off + size <= c->total;
}

static int check_blocks(struct check *c)
{
	c->rsv_off = kfdt_hdr(c->fdt, KFDT_H_OFF_RSVMAP);
	c->st_off = kfdt_hdr(c->fdt, KFDT_H_OFF_STRUCT);
	c->str_off = kfdt_hdr(c->fdt, KFDT_H_OFF_STRINGS);
	c->str_size = kfdt_hdr(c->fdt, KFDT_H_SIZE_STRINGS);
	c->st_size =
		c->version >= 17 ? kfdt_hdr(c->fdt, KFDT_H_SIZE_STRUCT) : 0;

	if (!block_inside(c, c->rsv_off, 0))
		return fail(c, -KFDT_ERR_TRUNCATED, KFDT_H_OFF_RSVMAP,
			    "memory reservation block outside the blob "
			    "(or over the header)");
	if (!block_inside(c, c->st_off, c->st_size))
		return fail(c, -KFDT_ERR_TRUNCATED,
			    c->st_off < c->hdrsize || c->st_off > c->total ?
				    KFDT_H_OFF_STRUCT :
				    KFDT_H_SIZE_STRUCT,
			    "structure block outside the blob "
			    "(or over the header)");
	if (!block_inside(c, c->str_off, c->str_size))
		return fail(c, -KFDT_ERR_TRUNCATED,
			    c->str_off < c->hdrsize || c->str_off > c->total ?
				    KFDT_H_OFF_STRINGS :
				    KFDT_H_SIZE_STRINGS,
			    "strings block outside the blob "
			    "(or over the header)");
	if (c->rsv_off % 8)
		return fail(c, -KFDT_ERR_BADLAYOUT, KFDT_H_OFF_RSVMAP,
			    "memory reservation block not 8-byte aligned");
	if (c->st_off % KFDT_TAGSIZE)
		return fail(c, -KFDT_ERR_BADLAYOUT, KFDT_H_OFF_STRUCT,
			    "structure block not 4-byte aligned");
	if (c->st_size % KFDT_TAGSIZE)
		return fail(c, -KFDT_ERR_BADLAYOUT, KFDT_H_SIZE_STRUCT,
			    "structure block size not a multiple of 4");
	return 0;
}

/* Where the block starting at off can end at the latest: the next block. */
static u32 block_limit(const struct check *c, u32 off)
{
	u32 limit = c->total;

	if (c->st_off > off && c->st_off < limit)
		limit = c->st_off;
	if (c->str_off > off && c->str_off < limit && c->str_size)
		limit = c->str_off;
	if (c->rsv_off > off && c->rsv_off < limit)
		limit = c->rsv_off;
	return limit;
}

static int check_rsvmap(struct check *c)
{
	u32 limit = block_limit(c, c->rsv_off);
	u64 abs;

	for (abs = c->rsv_off; abs + KFDT_RSV_ENTRY <= limit;
	     abs += KFDT_RSV_ENTRY) {
		u64 addr = kfdt_ld64(kfdt_at(c->fdt, abs));
		u64 size = kfdt_ld64(kfdt_at(c->fdt, abs + 8));

		if (!size) {
			c->rsv_end = (u32)(abs + KFDT_RSV_ENTRY);
			return 0;
		}
		if (addr + size < addr)
			return fail(c, -KFDT_ERR_BADVALUE, abs,
				    "memory reservation wraps past the end of "
				    "the address space");
	}
	return fail(c, -KFDT_ERR_TRUNCATED, abs,
		    "memory reservation map not terminated within its block");
}

/*
 * The property name at nameoff: inside the strings block, with its NUL.
 * Returns 0 or an error; abs is the property's position for the fault.
 */
static int check_string(struct check *c, u32 nameoff, u64 abs)
{
	const u8 *s, *nul;

	if (nameoff >= c->str_size)
		return fail(c, -KFDT_ERR_BADOFFSET, abs + 8,
			    "property name offset outside the strings block");
	s = kfdt_at(c->fdt, (u64)c->str_off + nameoff);
	nul = memchr(s, '\0', c->str_size - nameoff);
	if (!nul)
		return fail(c, -KFDT_ERR_TRUNCATED, abs + 8,
			    "property name not NUL-terminated within the "
			    "strings block");
	return 0;
}

static int check_structure(struct check *c)
{
	/* Before version 17 the block may run up to the next one. */
	u64 limit = c->version >= 17 ? c->st_size :
				       block_limit(c, c->st_off) - c->st_off;
	const u8 *st = kfdt_at(c->fdt, c->st_off);
	bool root_seen = false;
	unsigned int depth = 0;
	u64 off = 0, abs;
	int err;

	for (;;) {
		u32 tag, len;
		const u8 *name, *nul;

		abs = c->st_off + off;
		if (off + KFDT_TAGSIZE > limit)
			return fail(c, -KFDT_ERR_TRUNCATED, abs,
				    "structure block ends without FDT_END");
		tag = kfdt_ld32(st + off);
		if (root_seen && !depth && tag != KFDT_END)
			return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
				    "token after the root node's end (a "
				    "second root, or FDT_END replaced)");
		switch (tag) {
		case KFDT_BEGIN_NODE:
			name = st + off + KFDT_TAGSIZE;
			nul = memchr(name, '\0', limit - off - KFDT_TAGSIZE);
			if (!nul)
				return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
					    "node name not NUL-terminated "
					    "within the structure block");
			if (!depth && nul != name)
				return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
					    "root node name not empty");
			if (++depth > KFDT_MAX_DEPTH)
				return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
					    "nodes nested too deep");
			root_seen = true;
			off = KFDT_TAGALIGN((u64)(nul + 1 - st));
			if (off > limit)
				return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
					    "node name padding past the end "
					    "of the structure block");
			break;
		case KFDT_END_NODE:
			if (!depth)
				return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
					    "FDT_END_NODE without a node to "
					    "end");
			depth--;
			off += KFDT_TAGSIZE;
			break;
		case KFDT_PROP:
			if (!depth)
				return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
					    "property outside any node");
			if (limit - off < KFDT_PROP_HDR)
				return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
					    "property header past the end of "
					    "the structure block");
			len = kfdt_ld32(st + off + 4);
			if ((u64)len > limit - off - KFDT_PROP_HDR)
				return fail(c, -KFDT_ERR_BADSTRUCTURE, abs + 4,
					    "property value runs past the end "
					    "of the structure block");
			err = check_string(c, kfdt_ld32(st + off + 8), abs);
			if (err)
				return err;
			off = KFDT_TAGALIGN(off + KFDT_PROP_HDR + len);
			if (off > limit)
				return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
					    "property padding past the end of "
					    "the structure block");
			break;
		case KFDT_NOP:
			off += KFDT_TAGSIZE;
			break;
		case KFDT_END:
			if (depth)
				return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
					    "FDT_END inside an open node");
			if (!root_seen)
				return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
					    "no root node");
			off += KFDT_TAGSIZE;
			if (c->version < 17)
				c->st_size = (u32)off;
			else if (off != limit)
				return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
					    "FDT_END before the end of the "
					    "structure block");
			return 0;
		default:
			return fail(c, -KFDT_ERR_BADSTRUCTURE, abs,
				    "unknown token in the structure block");
		}
	}
}

static bool overlap(u32 a, u32 asize, u32 b, u32 bsize)
{
	return asize && bsize && (u64)a < (u64)b + bsize &&
	       (u64)b < (u64)a + asize;
}

/* No two blocks share a byte (the structure block's size is known). */
static int check_overlaps(struct check *c)
{
	u32 rsv_size = c->rsv_end - c->rsv_off;

	if (overlap(c->rsv_off, rsv_size, c->st_off, c->st_size))
		return fail(c, -KFDT_ERR_BADLAYOUT, KFDT_H_OFF_STRUCT,
			    "structure block overlaps the memory "
			    "reservation block");
	if (overlap(c->rsv_off, rsv_size, c->str_off, c->str_size))
		return fail(c, -KFDT_ERR_BADLAYOUT, KFDT_H_OFF_STRINGS,
			    "strings block overlaps the memory "
			    "reservation block");
	if (overlap(c->st_off, c->st_size, c->str_off, c->str_size))
		return fail(c, -KFDT_ERR_BADLAYOUT, KFDT_H_OFF_STRINGS,
			    "strings block overlaps the structure block");
	return 0;
}

int kfdt_check_full(const void *fdt, size_t bufsize, struct kfdt_fault *fault)
{
	struct check c = { .fdt = fdt, .fault = fault };
	int err;

	if (fault) {
		fault->reason = NULL;
		fault->offset = -1;
	}
	if (!fdt)
		return fail(&c, -KFDT_ERR_BADMAGIC, 0, "no blob");
	err = check_header(&c, bufsize);
	if (!err)
		err = check_blocks(&c);
	if (!err)
		err = check_rsvmap(&c);
	/* Before version 17 the structure block's size comes from its walk. */
	if (!err && c.version >= 17)
		err = check_overlaps(&c);
	if (!err)
		err = check_structure(&c);
	if (!err && c.version < 17)
		err = check_overlaps(&c);
	return err;
}
