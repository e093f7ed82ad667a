// SPDX-License-Identifier: GPL-2.0
/*
 * libs/fdt: header checks, walking the structure block and looking things
 * up in it. Nothing here writes to the blob.
 *
 * The blob may come from a guest or a user: every read is bounded by the
 * blob's total size (and, from version 17, by the structure and strings
 * block sizes), whatever the other header fields claim. Callers must make
 * the 40-byte header itself readable.
 */
#include "fdt_internal.h"

/* ---- header ---- */

u32 kfdt_totalsize(const void *fdt)
{
	return kfdt_hdr(fdt, KFDT_H_TOTALSIZE);
}

u32 kfdt_version(const void *fdt)
{
	return kfdt_hdr(fdt, KFDT_H_VERSION);
}

u32 kfdt_boot_cpuid_phys(const void *fdt)
{
	return kfdt_hdr(fdt, KFDT_H_BOOT_CPU);
}

int kfdt_probe_ro(const void *fdt)
{
	u32 magic = kfdt_hdr(fdt, KFDT_H_MAGIC);
	u32 total = kfdt_hdr(fdt, KFDT_H_TOTALSIZE);

	if ((uintptr_t)fdt & 7)
		return -KFDT_ERR_ALIGNMENT;
	if (magic == KFDT_MAGIC) {
		if (kfdt_hdr(fdt, KFDT_H_VERSION) < KFDT_FIRST_VERSION ||
		    kfdt_hdr(fdt, KFDT_H_LAST_COMP) > KFDT_LAST_VERSION)
			return -KFDT_ERR_BADVERSION;
	} else if (magic == KFDT_SW_MAGIC) {
		/* An unfinished tree is readable once it has a node. */
		if (kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT) == 0)
			return -KFDT_ERR_BADSTATE;
	} else {
		return -KFDT_ERR_BADMAGIC;
	}
	if (total >= (u32)KFDT_INT_MAX)
		return -KFDT_ERR_TRUNCATED;
	return (int)total;
}

/* How long the header of a given version is. */
static u32 header_size(u32 version)
{
	if (version <= 1)
		return 28;
	if (version <= 2)
		return 32;
	if (version <= 16)
		return 36;
	return KFDT_HDR_SIZE;
}

/* A block [base, base + size) must start after the header and end inside. */
static bool block_ok(u32 hdrsize, u32 total, u32 base, u64 size)
{
	return base >= hdrsize && base <= total && (u64)base + size <= total;
}

int kfdt_check_header(const void *fdt)
{
	u32 version, total, hdrsize;

	if ((uintptr_t)fdt & 7)
		return -KFDT_ERR_ALIGNMENT;
	if (kfdt_hdr(fdt, KFDT_H_MAGIC) != KFDT_MAGIC)
		return -KFDT_ERR_BADMAGIC;
	version = kfdt_hdr(fdt, KFDT_H_VERSION);
	if (version < KFDT_FIRST_VERSION ||
	    kfdt_hdr(fdt, KFDT_H_LAST_COMP) > KFDT_LAST_VERSION ||
	    version < kfdt_hdr(fdt, KFDT_H_LAST_COMP))
		return -KFDT_ERR_BADVERSION;

	hdrsize = header_size(version);
	total = kfdt_hdr(fdt, KFDT_H_TOTALSIZE);
	if (total < hdrsize || total > (u32)KFDT_INT_MAX)
		return -KFDT_ERR_TRUNCATED;
	if (!block_ok(hdrsize, total, kfdt_hdr(fdt, KFDT_H_OFF_RSVMAP), 0))
		return -KFDT_ERR_TRUNCATED;
	/* Before version 17 the structure block's size is not recorded. */
	if (!block_ok(hdrsize, total, kfdt_hdr(fdt, KFDT_H_OFF_STRUCT),
		      version < 17 ? 0 : kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT)))
		return -KFDT_ERR_TRUNCATED;
	if (!block_ok(hdrsize, total, kfdt_hdr(fdt, KFDT_H_OFF_STRINGS),
		      kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS)))
		return -KFDT_ERR_TRUNCATED;
	return 0;
}

/* ---- memory reservation block ---- */

/* Find reservation entry n: false unless all of it is inside the blob. */
static bool rsv_entry(const void *fdt, int n, u64 *abs)
{
	if (n < 0)
		return false;
	*abs = kfdt_hdr(fdt, KFDT_H_OFF_RSVMAP) + (u64)n * KFDT_RSV_ENTRY;
	return *abs + KFDT_RSV_ENTRY <= kfdt_hdr(fdt, KFDT_H_TOTALSIZE);
}

int kfdt_num_mem_rsv(const void *fdt)
{
	int i;
	u64 abs;

	/* The list ends with an entry of size 0. */
	for (i = 0; rsv_entry(fdt, i, &abs); i++) {
		if (kfdt_ld64(kfdt_at(fdt, abs + 8)) == 0)
			return i;
	}
	return -KFDT_ERR_TRUNCATED;
}

int kfdt_get_mem_rsv(const void *fdt, int n, u64 *address, u64 *size)
{
	int err = kfdt_probe_ro(fdt);
	u64 abs;

	if (err < 0)
		return err;
	if (!rsv_entry(fdt, n, &abs))
		return -KFDT_ERR_BADOFFSET;
	*address = kfdt_ld64(kfdt_at(fdt, abs));
	*size = kfdt_ld64(kfdt_at(fdt, abs + 8));
	return 0;
}

/* ---- tokens ---- */

/* How many bytes at structure offset offset may be read (offset >= 0). */
static u64 struct_room(const void *fdt, int offset)
{
	u64 abs = kfdt_sabs(fdt, offset);
	u64 total = kfdt_hdr(fdt, KFDT_H_TOTALSIZE);
	u64 room = abs < total ? total - abs : 0;

	if (kfdt_hdr(fdt, KFDT_H_VERSION) >= 17) {
		u64 ssize = kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT);
		u64 left = (u32)offset < ssize ? ssize - (u32)offset : 0;

		if (left < room)
			room = left;
	}
	return room;
}

const void *kfdt_struct_ptr(const void *fdt, int offset, unsigned int len)
{
	if (offset < 0 || struct_room(fdt, offset) < len)
		return NULL;
	return kfdt_at(fdt, kfdt_sabs(fdt, offset));
}

u32 kfdt_next_tag(const void *fdt, int offset, int *next)
{
	const u8 *p;
	const u8 *nul;
	u64 end, room;
	u32 tag, len;

	*next = -KFDT_ERR_TRUNCATED;
	if (offset < 0)
		return KFDT_END;
	room = struct_room(fdt, offset);
	if (room < KFDT_TAGSIZE)
		return KFDT_END;
	p = kfdt_at(fdt, kfdt_sabs(fdt, offset));
	tag = kfdt_ld32(p);

	*next = -KFDT_ERR_BADSTRUCTURE;
	end = (u64)offset + KFDT_TAGSIZE;
	switch (tag) {
	case KFDT_BEGIN_NODE:
		/* The name runs to a NUL that must be inside the block. */
		nul = memchr(p + KFDT_TAGSIZE, '\0', room - KFDT_TAGSIZE);
		if (!nul)
			return KFDT_END;
		end += (u64)(nul - (p + KFDT_TAGSIZE)) + 1;
		break;
	case KFDT_PROP:
		if (room < KFDT_PROP_HDR)
			return KFDT_END;
		len = kfdt_ld32(p + 4);
		end = (u64)offset + KFDT_PROP_HDR + len;
		/* Before version 16, values of 8 bytes or more were 8-aligned. */
		if (kfdt_hdr(fdt, KFDT_H_VERSION) < 16 && len >= 8 &&
		    ((u64)offset + KFDT_PROP_HDR) % 8 != 0)
			end += 4;
		break;
	case KFDT_END:
	case KFDT_END_NODE:
	case KFDT_NOP:
		break;
	default:
		return KFDT_END;
	}
	if (end - (u64)offset > room)
		return KFDT_END;
	end = KFDT_TAGALIGN(end);
	if (end > (u64)KFDT_INT_MAX)
		return KFDT_END;
	*next = (int)end;
	return tag;
}

int kfdt_check_node(const void *fdt, int offset)
{
	if (offset < 0 || offset % KFDT_TAGSIZE ||
	    kfdt_next_tag(fdt, offset, &offset) != KFDT_BEGIN_NODE)
		return -KFDT_ERR_BADOFFSET;
	return offset;
}

static int check_prop(const void *fdt, int offset)
{
	if (offset < 0 || offset % KFDT_TAGSIZE ||
	    kfdt_next_tag(fdt, offset, &offset) != KFDT_PROP)
		return -KFDT_ERR_BADOFFSET;
	return offset;
}

/* ---- strings ---- */

const char *kfdt_string(const void *fdt, int stroffset, int *lenp)
{
	int total = kfdt_probe_ro(fdt);
	int err = total;
	u32 magic, abs, size;
	size_t len;
	const char *s, *nul;

	if (total < 0)
		goto fail;
	err = -KFDT_ERR_BADOFFSET;
	/* 32-bit wrap-around is intended: unfinished blobs use offsets < 0. */
	abs = (u32)stroffset + kfdt_hdr(fdt, KFDT_H_OFF_STRINGS);
	if (abs >= (u32)total)
		goto fail;
	len = (u32)total - abs;
	size = kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS);
	magic = kfdt_hdr(fdt, KFDT_H_MAGIC);
	if (magic == KFDT_MAGIC) {
		if (stroffset < 0)
			goto fail;
		if (kfdt_hdr(fdt, KFDT_H_VERSION) >= 17) {
			if ((u32)stroffset >= size)
				goto fail;
			if (size - (u32)stroffset < len)
				len = size - (u32)stroffset;
		}
	} else {
		/* The unfinished string table grows down from the end. */
		u32 back = -(u32)stroffset;

		if (stroffset >= 0 || back > size)
			goto fail;
		if (back < len)
			len = back;
	}
	s = (const char *)kfdt_at(fdt, abs);
	nul = memchr(s, '\0', len);
	if (!nul) {
		err = -KFDT_ERR_TRUNCATED;
		goto fail;
	}
	if (lenp)
		*lenp = (int)(nul - s);
	return s;
fail:
	if (lenp)
		*lenp = err;
	return NULL;
}

const char *kfdt_find_string(const char *tab, u32 size, const char *s)
{
	size_t len = strlen(s) + 1;
	const char *p, *last;

	if (len > size)
		return NULL;
	last = tab + size - len;
	for (p = tab; p <= last; p++) {
		if (*p == *s && memcmp(p, s, len) == 0)
			return p;
	}
	return NULL;
}

/* ---- walking ---- */

int kfdt_next_node(const void *fdt, int offset, int *depth)
{
	int next = 0;
	u32 tag;

	if (offset >= 0) {
		next = kfdt_check_node(fdt, offset);
		if (next < 0)
			return next;
	}
	do {
		offset = next;
		tag = kfdt_next_tag(fdt, offset, &next);
		switch (tag) {
		case KFDT_BEGIN_NODE:
			if (depth)
				(*depth)++;
			break;
		case KFDT_END_NODE:
			if (depth && --(*depth) < 0)
				return next;
			break;
		case KFDT_END:
			/*
			 * A clean end of the block, or running off it while
			 * walking without a depth, means "no more nodes".
			 */
			if (next >= 0 ||
			    (next == -KFDT_ERR_TRUNCATED && !depth))
				return -KFDT_ERR_NOTFOUND;
			return next;
		default:
			break;
		}
	} while (tag != KFDT_BEGIN_NODE);
	return offset;
}

int kfdt_first_subnode(const void *fdt, int offset)
{
	int depth = 0;

	offset = kfdt_next_node(fdt, offset, &depth);
	if (offset < 0 || depth != 1)
		return -KFDT_ERR_NOTFOUND;
	return offset;
}

int kfdt_next_subnode(const void *fdt, int offset)
{
	/* Relative to the parent, siblings sit at depth 1. */
	int depth = 1;

	do {
		offset = kfdt_next_node(fdt, offset, &depth);
		if (offset < 0 || depth < 1)
			return -KFDT_ERR_NOTFOUND;
	} while (depth > 1);
	return offset;
}

int kfdt_node_end(const void *fdt, int nodeoffset)
{
	int depth = 0;

	while (nodeoffset >= 0 && depth >= 0)
		nodeoffset = kfdt_next_node(fdt, nodeoffset, &depth);
	return nodeoffset;
}

const char *kfdt_get_name(const void *fdt, int nodeoffset, int *lenp)
{
	const char *name;
	int err;

	err = kfdt_probe_ro(fdt);
	if (err >= 0)
		err = kfdt_check_node(fdt, nodeoffset);
	if (err < 0) {
		if (lenp)
			*lenp = err;
		return NULL;
	}
	/* kfdt_check_node() found the terminating NUL inside the block. */
	name = (const char *)kfdt_at(fdt, kfdt_sabs(fdt, nodeoffset)) +
	       KFDT_TAGSIZE;
	if (kfdt_version(fdt) < 16) {
		/* Old blobs store full paths; give the last component. */
		const char *leaf = strrchr(name, '/');

		if (!leaf) {
			if (lenp)
				*lenp = -KFDT_ERR_BADSTRUCTURE;
			return NULL;
		}
		name = leaf + 1;
	}
	if (lenp)
		*lenp = (int)strlen(name);
	return name;
}

/* ---- properties ---- */

/*
 * From structure offset offset, skip NOPs to the next property: its
 * offset, -NOTFOUND at the next node or node end, or an error.
 */
static int next_prop(const void *fdt, int offset)
{
	int next;
	u32 tag;

	for (;;) {
		tag = kfdt_next_tag(fdt, offset, &next);
		if (tag == KFDT_END)
			return next >= 0 ? -KFDT_ERR_BADSTRUCTURE : next;
		if (tag == KFDT_PROP)
			return offset;
		if (tag != KFDT_NOP)
			return -KFDT_ERR_NOTFOUND;
		offset = next;
	}
}

int kfdt_first_property_offset(const void *fdt, int nodeoffset)
{
	int offset = kfdt_check_node(fdt, nodeoffset);

	if (offset < 0)
		return offset;
	return next_prop(fdt, offset);
}

int kfdt_next_property_offset(const void *fdt, int offset)
{
	offset = check_prop(fdt, offset);
	if (offset < 0)
		return offset;
	return next_prop(fdt, offset);
}

/* Where a property's value starts, allowing for pre-16 realignment. */
static const void *prop_value(const void *fdt, int offset, u32 len)
{
	u64 abs = kfdt_sabs(fdt, offset) + KFDT_PROP_HDR;

	if (kfdt_version(fdt) < 16 && len >= 8 &&
	    ((u64)offset + KFDT_PROP_HDR) % 8 != 0)
		abs += 4;
	return kfdt_at(fdt, abs);
}

const void *kfdt_getprop_by_offset(const void *fdt, int offset,
				   const char **namep, int *lenp)
{
	int err = check_prop(fdt, offset);
	const u8 *prop;
	u32 len;

	if (err < 0) {
		if (lenp)
			*lenp = err;
		return NULL;
	}
	prop = kfdt_at(fdt, kfdt_sabs(fdt, offset));
	len = kfdt_ld32(prop + 4);
	if (lenp)
		*lenp = (int)len;
	if (namep) {
		int namelen;

		*namep = kfdt_string(fdt, (int)kfdt_ld32(prop + 8), &namelen);
		if (!*namep) {
			if (lenp)
				*lenp = namelen;
			return NULL;
		}
	}
	return prop_value(fdt, offset, len);
}

int kfdt_find_prop(const void *fdt, int nodeoffset, const char *name,
		   int namelen, int *lenp)
{
	int offset, next, slen;
	const u8 *prop;
	const char *s;
	u32 tag;

	offset = kfdt_check_node(fdt, nodeoffset);
	while (offset >= 0) {
		tag = kfdt_next_tag(fdt, offset, &next);
		if (tag == KFDT_END) {
			offset = next >= 0 ? -KFDT_ERR_BADSTRUCTURE : next;
			break;
		}
		if (tag == KFDT_NOP) {
			offset = next;
			continue;
		}
		if (tag != KFDT_PROP) {
			offset = -KFDT_ERR_NOTFOUND;
			break;
		}
		prop = kfdt_at(fdt, kfdt_sabs(fdt, offset));
		if (lenp)
			*lenp = (int)kfdt_ld32(prop + 4);
		s = kfdt_string(fdt, (int)kfdt_ld32(prop + 8), &slen);
		if (s && slen == namelen && memcmp(s, name, namelen) == 0)
			return offset;
		offset = next;
	}
	if (lenp)
		*lenp = offset;
	return offset;
}

static const void *getprop_namelen(const void *fdt, int nodeoffset,
				   const char *name, int namelen, int *lenp)
{
	int len;
	int offset = kfdt_find_prop(fdt, nodeoffset, name, namelen, &len);

	if (lenp)
		*lenp = len;
	if (offset < 0)
		return NULL;
	return prop_value(fdt, offset, (u32)len);
}

const void *kfdt_getprop(const void *fdt, int nodeoffset, const char *name,
			 int *lenp)
{
	return getprop_namelen(fdt, nodeoffset, name, (int)strlen(name), lenp);
}

/* ---- lookups ---- */

/*
 * Does the node at offset have the name s (len bytes)? A name given
 * without a unit address also matches "s@unit".
 */
static bool nodename_eq(const void *fdt, int offset, const char *s, int len)
{
	int olen;
	const char *p = kfdt_get_name(fdt, offset, &olen);

	if (!p || olen < len || memcmp(p, s, len) != 0)
		return false;
	if (p[len] == '\0')
		return true;
	return p[len] == '@' && !memchr(s, '@', len);
}

int kfdt_subnode_offset_namelen(const void *fdt, int offset, const char *name,
				int namelen)
{
	int depth = 0;
	int err = kfdt_probe_ro(fdt);

	if (err < 0)
		return err;
	while (offset >= 0 && depth >= 0) {
		if (depth == 1 && nodename_eq(fdt, offset, name, namelen))
			return offset;
		offset = kfdt_next_node(fdt, offset, &depth);
	}
	if (depth < 0)
		return -KFDT_ERR_NOTFOUND;
	return offset;
}

int kfdt_subnode_offset(const void *fdt, int parentoffset, const char *name)
{
	return kfdt_subnode_offset_namelen(fdt, parentoffset, name,
					   (int)strlen(name));
}

/* Aliases may name aliases; a chain longer than this is taken as a loop. */
#define KFDT_ALIAS_DEPTH 8

static int path_offset(const void *fdt, const char *path, int len, int nest)
{
	const char *end = path + len;
	const char *p = path;
	const char *q;
	int offset = 0;
	int err = kfdt_probe_ro(fdt);

	if (err < 0)
		return err;

	if (*path != '/') {
		/* The first component names an alias in /aliases. */
		int aliases, vlen;
		const char *val;

		q = memchr(path, '/', (size_t)len);
		if (!q)
			q = end;
		aliases = path_offset(fdt, "/aliases", 8, nest);
		if (aliases < 0)
			return -KFDT_ERR_BADPATH;
		val = getprop_namelen(fdt, aliases, p, (int)(q - p), &vlen);
		if (!val || !memchr(val, '\0', (size_t)vlen) ||
		    nest >= KFDT_ALIAS_DEPTH)
			return -KFDT_ERR_BADPATH;
		offset = path_offset(fdt, val, (int)strlen(val), nest + 1);
		p = q;
	}

	while (p < end) {
		while (*p == '/') {
			if (++p == end)
				return offset;
		}
		q = memchr(p, '/', (size_t)(end - p));
		if (!q)
			q = end;
		offset = kfdt_subnode_offset_namelen(fdt, offset, p,
						     (int)(q - p));
		if (offset < 0)
			return offset;
		p = q;
	}
	return offset;
}

int kfdt_path_offset(const void *fdt, const char *path)
{
	return path_offset(fdt, path, (int)strlen(path), 0);
}

int kfdt_get_path(const void *fdt, int nodeoffset, char *buf, int buflen)
{
	int pdepth = 0, p = 0;
	int offset, depth, namelen;
	const char *name;
	int err = kfdt_probe_ro(fdt);

	if (err < 0)
		return err;
	if (buflen < 2)
		return -KFDT_ERR_NOSPACE;

	/*
	 * Walk from the root to nodeoffset keeping buf as the path of the
	 * current node ("/a/b/"); pdepth counts the components in buf, which
	 * lags depth once a name does not fit.
	 */
	for (offset = 0, depth = 0; offset >= 0 && offset <= nodeoffset;
	     offset = kfdt_next_node(fdt, offset, &depth)) {
		if (depth < 0)
			return -KFDT_ERR_BADOFFSET; /* past the root node */
		while (pdepth > depth) {
			do {
				p--;
			} while (p > 0 && buf[p - 1] != '/');
			pdepth--;
		}
		if (pdepth >= depth) {
			name = kfdt_get_name(fdt, offset, &namelen);
			if (!name)
				return namelen;
			if (p + namelen + 1 <= buflen) {
				memcpy(buf + p, name, (size_t)namelen);
				p += namelen;
				buf[p++] = '/';
				pdepth++;
			}
		}
		if (offset == nodeoffset) {
			if (pdepth < depth + 1)
				return -KFDT_ERR_NOSPACE;
			if (p > 1) /* the root is "/", every other path has no '/' at the end */
				p--;
			buf[p] = '\0';
			return 0;
		}
	}
	if (offset == -KFDT_ERR_NOTFOUND || offset >= 0)
		return -KFDT_ERR_BADOFFSET;
	if (offset == -KFDT_ERR_BADOFFSET)
		return -KFDT_ERR_BADSTRUCTURE;
	return offset;
}

/*
 * Walk from the root to nodeoffset. Returns the depth of nodeoffset (the
 * root is 0) and stores in *super the offset of the last node seen at
 * depth superdepth on the way (-KFDT_ERR_INTERNAL if none); or returns an
 * error if nodeoffset is not reached. A node past the end of the root
 * node comes back with a negative depth via *depthp and return value 0.
 */
static int walk_to(const void *fdt, int nodeoffset, int superdepth,
		   int *super, int *depthp)
{
	int offset, depth;

	*super = -KFDT_ERR_INTERNAL;
	for (offset = 0, depth = 0; offset >= 0 && offset <= nodeoffset;
	     offset = kfdt_next_node(fdt, offset, &depth)) {
		if (depth == superdepth)
			*super = offset;
		if (offset == nodeoffset) {
			*depthp = depth;
			return 0;
		}
	}
	if (offset == -KFDT_ERR_NOTFOUND || offset >= 0)
		return -KFDT_ERR_BADOFFSET;
	if (offset == -KFDT_ERR_BADOFFSET)
		return -KFDT_ERR_BADSTRUCTURE;
	return offset;
}

int kfdt_node_depth(const void *fdt, int nodeoffset)
{
	int super, depth;
	int err = kfdt_probe_ro(fdt);

	if (err < 0)
		return err;
	err = walk_to(fdt, nodeoffset, 0, &super, &depth);
	if (err < 0)
		return err;
	if (depth < 0)
		return -KFDT_ERR_NOTFOUND;
	/* The depth-0 node on the way must be the one at offset 0. */
	if (super != 0)
		return super < 0 ? super : -KFDT_ERR_INTERNAL;
	return depth;
}

int kfdt_parent_offset(const void *fdt, int nodeoffset)
{
	int depth = kfdt_node_depth(fdt, nodeoffset);
	int super, d;
	int err;

	if (depth < 0)
		return depth;
	if (depth == 0)
		return -KFDT_ERR_NOTFOUND;
	err = walk_to(fdt, nodeoffset, depth - 1, &super, &d);
	if (err < 0)
		return err;
	return super;
}

u32 kfdt_get_phandle(const void *fdt, int nodeoffset)
{
	const u8 *php;
	int len;

	php = kfdt_getprop(fdt, nodeoffset, "phandle", &len);
	if (!php || len != 4) {
		php = kfdt_getprop(fdt, nodeoffset, "linux,phandle", &len);
		if (!php || len != 4)
			return 0;
	}
	return kfdt_ld32(php);
}

int kfdt_node_offset_by_phandle(const void *fdt, u32 phandle)
{
	int offset;
	int err;

	if (phandle == 0 || phandle == ~0U)
		return -KFDT_ERR_BADPHANDLE;
	err = kfdt_probe_ro(fdt);
	if (err < 0)
		return err;
	for (offset = kfdt_next_node(fdt, -1, NULL); offset >= 0;
	     offset = kfdt_next_node(fdt, offset, NULL)) {
		if (kfdt_get_phandle(fdt, offset) == phandle)
			return offset;
	}
	return offset;
}

/* Is str one of the NUL-terminated strings in the len bytes at list? */
static bool stringlist_contains(const char *list, int len, const char *str)
{
	size_t slen = strlen(str);
	const char *nul;

	while (len > 0 && (size_t)len > slen) {
		if (memcmp(list, str, slen + 1) == 0)
			return true;
		nul = memchr(list, '\0', (size_t)len);
		if (!nul)
			return false;
		len -= (int)(nul - list) + 1;
		list = nul + 1;
	}
	return false;
}

int kfdt_node_check_compatible(const void *fdt, int nodeoffset,
			       const char *compatible)
{
	int len;
	const char *prop = kfdt_getprop(fdt, nodeoffset, "compatible", &len);

	if (!prop)
		return len;
	return stringlist_contains(prop, len, compatible) ? 0 : 1;
}

int kfdt_node_offset_by_compatible(const void *fdt, int startoffset,
				   const char *compatible)
{
	int offset, err;

	err = kfdt_probe_ro(fdt);
	if (err < 0)
		return err;
	for (offset = kfdt_next_node(fdt, startoffset, NULL); offset >= 0;
	     offset = kfdt_next_node(fdt, offset, NULL)) {
		err = kfdt_node_check_compatible(fdt, offset, compatible);
		if (err < 0 && err != -KFDT_ERR_NOTFOUND)
			return err;
		if (err == 0)
			return offset;
	}
	return offset;
}

/* #address-cells or #size-cells: one cell, at most KFDT_MAX_NCELLS. */
static int ncells(const void *fdt, int nodeoffset, const char *name)
{
	int len;
	u32 val;
	const u8 *c = kfdt_getprop(fdt, nodeoffset, name, &len);

	if (!c)
		return len;
	if (len != 4)
		return -KFDT_ERR_BADNCELLS;
	val = kfdt_ld32(c);
	if (val > KFDT_MAX_NCELLS)
		return -KFDT_ERR_BADNCELLS;
	return (int)val;
}

int kfdt_address_cells(const void *fdt, int nodeoffset)
{
	int val = ncells(fdt, nodeoffset, "#address-cells");

	if (val == 0)
		return -KFDT_ERR_BADNCELLS;
	if (val == -KFDT_ERR_NOTFOUND)
		return 2;
	return val;
}

int kfdt_size_cells(const void *fdt, int nodeoffset)
{
	int val = ncells(fdt, nodeoffset, "#size-cells");

	if (val == -KFDT_ERR_NOTFOUND)
		return 1;
	return val;
}
