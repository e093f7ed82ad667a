// SPDX-License-Identifier: GPL-2.0
/*
 * libs/fdt: header checks, walking the structure block and looking things
 * up in it. Nothing here writes to the blob.
 *
 * The blob may come from a guest or a user: every read is bounded by the
 * blob's total size (and, from version 17, by the structure and strings
 * block sizes), whatever the other header fields claim. So the one thing
 * a caller must check itself is that its buffer holds the 40-byte header
 * and kfdt_totalsize() bytes. Where libfdt 1.6.1 would read past a value
 * (an unterminated alias, a property length that wraps its arithmetic,
 * get_path() on an offset past the root node) kfdt returns an error.
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

void kfdt_view_init(struct kfdt_view *v, const void *fdt)
{
	u64 total = kfdt_hdr(fdt, KFDT_H_TOTALSIZE);
	u64 soff = kfdt_hdr(fdt, KFDT_H_OFF_STRUCT);
	u32 version = kfdt_hdr(fdt, KFDT_H_VERSION);

	v->limit = soff < total ? total - soff : 0;
	if (version >= 17 && kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT) < v->limit)
		v->limit = kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT);
	v->st = v->limit ? kfdt_at(fdt, soff) : fdt;
	v->old = version < 16;
	v->node = -1;
	v->node_next = 0;
}

/* Does the word hold a zero byte? (Either byte order.) */
static inline bool has_nul(u32 w)
{
	return ((w - 0x01010101U) & ~w & 0x80808080U) != 0;
}

/*
 * kfdt_view_tag() with the view's fields passed in, so that walking loops
 * keep them in registers: this is where walks spend their time.
 */
static inline __attribute__((always_inline)) u32
tag_at(const u8 *st, u64 limit, bool old, int offset, int *next)
{
	const u8 *p, *s, *e;
	u64 end;
	u32 tag, len, w;

	if (offset < 0 || (u64)offset + KFDT_TAGSIZE > limit) {
		*next = -KFDT_ERR_TRUNCATED;
		return KFDT_END;
	}
	p = st + offset;
	tag = kfdt_ld32(p);
	switch (tag) {
	case KFDT_BEGIN_NODE:
		/* The name runs to a NUL that must be inside the block. */
		s = p + KFDT_TAGSIZE;
		e = st + limit;
		while (e - s >= 4) {
			__builtin_memcpy(&w, s, sizeof(w));
			if (has_nul(w))
				break;
			s += 4;
		}
		while (s < e && *s)
			s++;
		if (s == e)
			goto bad;
		end = (u64)(s + 1 - st);
		break;
	case KFDT_PROP:
		if (limit - (u64)offset < KFDT_PROP_HDR)
			goto bad;
		len = kfdt_ld32(p + 4);
		end = (u64)offset + KFDT_PROP_HDR + len;
		/* Before version 16, values of 8 bytes or more were 8-aligned. */
		if (old && len >= 8 && ((u64)offset + KFDT_PROP_HDR) % 8)
			end += 4;
		if (end > limit)
			goto bad;
		break;
	case KFDT_END:
	case KFDT_END_NODE:
	case KFDT_NOP:
		end = (u64)offset + KFDT_TAGSIZE;
		break;
	default:
		goto bad;
	}
	end = KFDT_TAGALIGN(end);
	if (end > (u64)KFDT_INT_MAX)
		goto bad;
	*next = (int)end;
	return tag;
bad:
	/* The token was read: whatever is wrong is the structure's fault. */
	*next = -KFDT_ERR_BADSTRUCTURE;
	return KFDT_END;
}

u32 kfdt_view_tag(const struct kfdt_view *v, int offset, int *next)
{
	return tag_at(v->st, v->limit, v->old, offset, next);
}

u32 kfdt_next_tag(const void *fdt, int offset, int *next)
{
	struct kfdt_view v;

	kfdt_view_init(&v, fdt);
	return kfdt_view_tag(&v, offset, next);
}

/*
 * Offset just past the BEGIN_NODE token and name at offset, or an error.
 * The last node a walk met is remembered: walks check each node they
 * step from, which is usually the one they just found.
 */
static int check_node_v(struct kfdt_view *v, int offset)
{
	int next;

	if (offset == v->node && offset >= 0)
		return v->node_next;
	if (offset < 0 || offset % KFDT_TAGSIZE ||
	    kfdt_view_tag(v, offset, &next) != KFDT_BEGIN_NODE)
		return -KFDT_ERR_BADOFFSET;
	v->node = offset;
	v->node_next = next;
	return next;
}

int kfdt_check_node(const void *fdt, int offset)
{
	struct kfdt_view v;

	kfdt_view_init(&v, fdt);
	return check_node_v(&v, offset);
}

static int check_prop_v(const struct kfdt_view *v, int offset)
{
	if (offset < 0 || offset % KFDT_TAGSIZE ||
	    kfdt_view_tag(v, offset, &offset) != KFDT_PROP)
		return -KFDT_ERR_BADOFFSET;
	return offset;
}

/* ---- strings ---- */

/* What looking up names needs from the header, read once. */
struct strs {
	const u8 *fdt;
	int err; /* from kfdt_probe_ro(): nothing can be looked up */
	u32 total, off, size;
	bool sw, v17;
};

static void strs_init(struct strs *s, const void *fdt)
{
	int total = kfdt_probe_ro(fdt);

	s->fdt = fdt;
	s->err = total < 0 ? total : 0;
	s->total = (u32)total;
	s->off = kfdt_hdr(fdt, KFDT_H_OFF_STRINGS);
	s->size = kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS);
	s->sw = kfdt_hdr(fdt, KFDT_H_MAGIC) == KFDT_SW_MAGIC;
	s->v17 = kfdt_hdr(fdt, KFDT_H_VERSION) >= 17;
}

/*
 * Where the string at stroffset starts and how far it may extend (*room),
 * or NULL and an error in *room.
 */
static const char *strs_span(const struct strs *s, int stroffset, u32 *room)
{
	/* 32-bit wrap-around is intended: unfinished blobs use offsets < 0. */
	u32 abs = (u32)stroffset + s->off;
	u32 len;

	if (s->err) {
		*room = (u32)s->err;
		return NULL;
	}
	*room = (u32)-KFDT_ERR_BADOFFSET;
	if (abs >= s->total)
		return NULL;
	len = s->total - abs;
	if (!s->sw) {
		if (stroffset < 0)
			return NULL;
		if (s->v17) {
			if ((u32)stroffset >= s->size)
				return NULL;
			if (s->size - (u32)stroffset < len)
				len = s->size - (u32)stroffset;
		}
	} else {
		/* The unfinished string table grows down from the end. */
		u32 back = -(u32)stroffset;

		if (stroffset >= 0 || back > s->size)
			return NULL;
		if (back < len)
			len = back;
	}
	*room = len;
	return (const char *)s->fdt + abs;
}

static const char *strs_get(const struct strs *s, int stroffset, int *lenp)
{
	u32 room;
	const char *str = strs_span(s, stroffset, &room);
	const char *nul;

	if (!str) {
		if (lenp)
			*lenp = (int)room;
		return NULL;
	}
	nul = memchr(str, '\0', room);
	if (!nul) {
		if (lenp)
			*lenp = -KFDT_ERR_TRUNCATED;
		return NULL;
	}
	if (lenp)
		*lenp = (int)(nul - str);
	return str;
}

/* Is the string at stroffset the len bytes at name (which hold no NUL)? */
static bool strs_eq(const struct strs *s, int stroffset, const char *name,
		    int len)
{
	u32 room;
	const char *str = strs_span(s, stroffset, &room);

	return str && (u32)len < room && memcmp(str, name, len) == 0 &&
	       str[len] == '\0';
}

const char *kfdt_string(const void *fdt, int stroffset, int *lenp)
{
	struct strs s;

	strs_init(&s, fdt);
	return strs_get(&s, stroffset, lenp);
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

static int next_node_v(struct kfdt_view *v, int offset, int *depth)
{
	const u8 *st = v->st;
	u64 limit = v->limit;
	bool old = v->old;
	int d = depth ? *depth : 0;
	int next = 0;
	u32 tag;

	if (offset >= 0) {
		next = check_node_v(v, offset);
		if (next < 0)
			return next;
	}
	do {
		offset = next;
		tag = tag_at(st, limit, old, offset, &next);
		switch (tag) {
		case KFDT_BEGIN_NODE:
			v->node = offset;
			v->node_next = next;
			d++;
			break;
		case KFDT_END_NODE:
			if (--d < 0 && depth) {
				*depth = d;
				return next;
			}
			break;
		case KFDT_END:
			if (depth)
				*depth = d;
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
	if (depth)
		*depth = d;
	return offset;
}

int kfdt_next_node(const void *fdt, int offset, int *depth)
{
	struct kfdt_view v;

	kfdt_view_init(&v, fdt);
	return next_node_v(&v, offset, depth);
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
	struct kfdt_view v;
	/* Relative to the parent, siblings sit at depth 1. */
	int depth = 1;

	kfdt_view_init(&v, fdt);
	do {
		offset = next_node_v(&v, offset, &depth);
		if (offset < 0 || depth < 1)
			return -KFDT_ERR_NOTFOUND;
	} while (depth > 1);
	return offset;
}

int kfdt_node_end(const void *fdt, int nodeoffset)
{
	struct kfdt_view v;
	int depth = 0;

	kfdt_view_init(&v, fdt);
	while (nodeoffset >= 0 && depth >= 0)
		nodeoffset = next_node_v(&v, nodeoffset, &depth);
	return nodeoffset;
}

/* The name of the node at nodeoffset once the blob has been probed. */
static const char *node_name_v(struct kfdt_view *v, int nodeoffset, int *lenp)
{
	int err = check_node_v(v, nodeoffset);
	const char *name;

	if (err < 0) {
		*lenp = err;
		return NULL;
	}
	/* check_node_v() found the terminating NUL inside the block. */
	name = (const char *)v->st + nodeoffset + KFDT_TAGSIZE;
	if (v->old) {
		/* Old blobs store full paths; give the last component. */
		const char *leaf = strrchr(name, '/');

		if (!leaf) {
			*lenp = -KFDT_ERR_BADSTRUCTURE;
			return NULL;
		}
		name = leaf + 1;
	}
	*lenp = (int)strlen(name);
	return name;
}

const char *kfdt_get_name(const void *fdt, int nodeoffset, int *lenp)
{
	struct kfdt_view v;
	const char *name = NULL;
	int len = kfdt_probe_ro(fdt);

	if (len >= 0) {
		kfdt_view_init(&v, fdt);
		name = node_name_v(&v, nodeoffset, &len);
	}
	if (lenp)
		*lenp = len;
	return name;
}

/* ---- properties ---- */

/*
 * From structure offset offset, skip NOPs to the next property: its
 * offset, -NOTFOUND at the next node or node end, or an error.
 */
static int next_prop_v(const struct kfdt_view *v, int offset)
{
	int next;
	u32 tag;

	for (;;) {
		tag = kfdt_view_tag(v, offset, &next);
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
	struct kfdt_view v;
	int offset;

	kfdt_view_init(&v, fdt);
	offset = check_node_v(&v, nodeoffset);
	if (offset < 0)
		return offset;
	return next_prop_v(&v, offset);
}

int kfdt_next_property_offset(const void *fdt, int offset)
{
	struct kfdt_view v;

	kfdt_view_init(&v, fdt);
	offset = check_prop_v(&v, offset);
	if (offset < 0)
		return offset;
	return next_prop_v(&v, offset);
}

/* Where a property's value starts, allowing for pre-16 realignment. */
static const void *prop_value(const struct kfdt_view *v, int offset, u32 len)
{
	const u8 *val = v->st + offset + KFDT_PROP_HDR;

	if (v->old && len >= 8 && ((u64)offset + KFDT_PROP_HDR) % 8)
		val += 4;
	return val;
}

const void *kfdt_getprop_by_offset(const void *fdt, int offset,
				   const char **namep, int *lenp)
{
	struct kfdt_view v;
	const u8 *prop;
	u32 len;
	int err;

	kfdt_view_init(&v, fdt);
	err = check_prop_v(&v, offset);
	if (err < 0) {
		if (lenp)
			*lenp = err;
		return NULL;
	}
	prop = v.st + offset;
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
	return prop_value(&v, offset, len);
}

/* kfdt_find_prop() on a view; also gives the value. */
static int find_prop_v(struct kfdt_view *v, const void *fdt, int nodeoffset,
		       const char *name, int namelen, int *lenp,
		       const void **valp)
{
	struct strs s;
	int offset, next;
	const u8 *prop;
	u32 tag;

	strs_init(&s, fdt);
	offset = check_node_v(v, nodeoffset);
	while (offset >= 0) {
		tag = kfdt_view_tag(v, offset, &next);
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
		prop = v->st + offset;
		*lenp = (int)kfdt_ld32(prop + 4);
		if (strs_eq(&s, (int)kfdt_ld32(prop + 8), name, namelen)) {
			if (valp)
				*valp = prop_value(v, offset, (u32)*lenp);
			return offset;
		}
		offset = next;
	}
	*lenp = offset;
	return offset;
}

int kfdt_find_prop(const void *fdt, int nodeoffset, const char *name,
		   int namelen, int *lenp)
{
	struct kfdt_view v;
	int len;
	int offset;

	kfdt_view_init(&v, fdt);
	offset = find_prop_v(&v, fdt, nodeoffset, name, namelen, &len, NULL);
	if (lenp)
		*lenp = len;
	return offset;
}

static const void *getprop_namelen(const void *fdt, int nodeoffset,
				   const char *name, int namelen, int *lenp)
{
	struct kfdt_view v;
	const void *val = NULL;
	int len;

	kfdt_view_init(&v, fdt);
	find_prop_v(&v, fdt, nodeoffset, name, namelen, &len, &val);
	if (lenp)
		*lenp = len;
	return val;
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
static bool nodename_eq(struct kfdt_view *v, int offset, const char *s, int len)
{
	int olen;
	const char *p = node_name_v(v, offset, &olen);

	if (!p || olen < len || memcmp(p, s, len) != 0)
		return false;
	if (p[len] == '\0')
		return true;
	return p[len] == '@' && !memchr(s, '@', len);
}

int kfdt_subnode_offset_namelen(const void *fdt, int offset, const char *name,
				int namelen)
{
	struct kfdt_view v;
	int depth = 0;
	int err = kfdt_probe_ro(fdt);

	if (err < 0)
		return err;
	kfdt_view_init(&v, fdt);
	while (offset >= 0 && depth >= 0) {
		if (depth == 1 && nodename_eq(&v, offset, name, namelen))
			return offset;
		offset = next_node_v(&v, offset, &depth);
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
		/* The value must be a string; libfdt would read past it. */
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

/* The error for a walk from the root that stopped before nodeoffset. */
static int walk_error(int offset)
{
	if (offset == -KFDT_ERR_NOTFOUND || offset >= 0)
		return -KFDT_ERR_BADOFFSET;
	if (offset == -KFDT_ERR_BADOFFSET)
		return -KFDT_ERR_BADSTRUCTURE;
	return offset;
}

int kfdt_get_path(const void *fdt, int nodeoffset, char *buf, int buflen)
{
	struct kfdt_view v;
	int pdepth = 0, p = 0;
	int offset, depth, namelen;
	const char *name;
	int err = kfdt_probe_ro(fdt);

	if (err < 0)
		return err;
	if (buflen < 2)
		return -KFDT_ERR_NOSPACE;
	kfdt_view_init(&v, fdt);

	/*
	 * Walk from the root to nodeoffset keeping buf as the path of the
	 * current node ("/a/b/"); pdepth counts the components in buf, which
	 * lags depth once a name does not fit.
	 */
	for (offset = 0, depth = 0; offset >= 0 && offset <= nodeoffset;
	     offset = next_node_v(&v, offset, &depth)) {
		if (depth < 0)
			return -KFDT_ERR_BADOFFSET; /* past the root node */
		while (pdepth > depth) {
			do {
				p--;
			} while (p > 0 && buf[p - 1] != '/');
			pdepth--;
		}
		if (pdepth >= depth) {
			name = node_name_v(&v, offset, &namelen);
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
			/* Drop the trailing '/', except for the root's "/". */
			if (p > 1)
				p--;
			buf[p] = '\0';
			return 0;
		}
	}
	return walk_error(offset);
}

/*
 * Walk from the root to nodeoffset. Returns 0 with the depth of nodeoffset
 * (the root is 0; below 0 past the end of the root node) in *depthp and
 * in *super the offset of the last node seen at depth superdepth on the
 * way (-KFDT_ERR_INTERNAL if none); or returns an error if nodeoffset is
 * not reached. If last is given, last[d] is the last node seen at each
 * depth d below WALK_DEPTHS.
 */
#define WALK_DEPTHS 16

static int walk_to(const void *fdt, int nodeoffset, int superdepth, int *super,
		   int *depthp, int *last)
{
	struct kfdt_view v;
	int offset, depth;

	kfdt_view_init(&v, fdt);
	*super = -KFDT_ERR_INTERNAL;
	for (offset = 0, depth = 0; offset >= 0 && offset <= nodeoffset;
	     offset = next_node_v(&v, offset, &depth)) {
		if (depth == superdepth)
			*super = offset;
		if (last && depth >= 0 && depth < WALK_DEPTHS)
			last[depth] = offset;
		if (offset == nodeoffset) {
			*depthp = depth;
			return 0;
		}
	}
	return walk_error(offset);
}

/* The depth of nodeoffset given a walk to it that saw root at depth 0. */
static int depth_of(int err, int super, int depth)
{
	if (err < 0)
		return err;
	if (depth < 0)
		return -KFDT_ERR_NOTFOUND;
	/* The depth-0 node on the way must be the one at offset 0. */
	if (super != 0)
		return super < 0 ? super : -KFDT_ERR_INTERNAL;
	return depth;
}

int kfdt_node_depth(const void *fdt, int nodeoffset)
{
	int super = 0, depth = 0;
	int err = kfdt_probe_ro(fdt);

	if (err < 0)
		return err;
	err = walk_to(fdt, nodeoffset, 0, &super, &depth, NULL);
	return depth_of(err, super, depth);
}

int kfdt_parent_offset(const void *fdt, int nodeoffset)
{
	int last[WALK_DEPTHS];
	int super = 0, depth = 0, d;
	int err = kfdt_probe_ro(fdt);

	if (err < 0)
		return err;
	/* One walk finds the depth and, unless it is deep, the parent. */
	err = walk_to(fdt, nodeoffset, 0, &super, &depth, last);
	depth = depth_of(err, super, depth);
	if (depth < 0)
		return depth;
	if (depth == 0)
		return -KFDT_ERR_NOTFOUND;
	if (depth - 1 < WALK_DEPTHS)
		return last[depth - 1];
	err = walk_to(fdt, nodeoffset, depth - 1, &super, &d, NULL);
	return err < 0 ? err : super;
}

/*
 * The phandle of the node at nodeoffset: its "phandle" property if that is
 * one cell, else its "linux,phandle" property if that is, else 0. One pass
 * over the properties finds the first of each.
 */
static u32 phandle_v(struct kfdt_view *v, const struct strs *s, int nodeoffset)
{
	int offset = check_node_v(v, nodeoffset);
	bool seen = false, linux_seen = false;
	u32 linux_ph = 0;
	const u8 *prop;
	int next, nameoff;
	u32 tag;

	while (offset >= 0 && !(seen && linux_seen)) {
		tag = kfdt_view_tag(v, offset, &next);
		if (tag == KFDT_NOP) {
			offset = next;
			continue;
		}
		if (tag != KFDT_PROP)
			break;
		prop = v->st + offset;
		nameoff = (int)kfdt_ld32(prop + 8);
		if (!seen && strs_eq(s, nameoff, "phandle", 7)) {
			if (kfdt_ld32(prop + 4) == 4)
				return kfdt_ld32(prop + KFDT_PROP_HDR);
			/* The wrong size: only "linux,phandle" can count. */
			seen = true;
		} else if (!linux_seen &&
			   strs_eq(s, nameoff, "linux,phandle", 13)) {
			linux_seen = true;
			if (kfdt_ld32(prop + 4) == 4)
				linux_ph = kfdt_ld32(prop + KFDT_PROP_HDR);
		}
		offset = next;
	}
	return linux_ph;
}

u32 kfdt_get_phandle(const void *fdt, int nodeoffset)
{
	struct kfdt_view v;
	struct strs s;

	kfdt_view_init(&v, fdt);
	strs_init(&s, fdt);
	return phandle_v(&v, &s, nodeoffset);
}

int kfdt_node_offset_by_phandle(const void *fdt, u32 phandle)
{
	struct kfdt_view v;
	struct strs s;
	int offset;
	int err;

	if (phandle == 0 || phandle == ~0U)
		return -KFDT_ERR_BADPHANDLE;
	err = kfdt_probe_ro(fdt);
	if (err < 0)
		return err;
	kfdt_view_init(&v, fdt);
	strs_init(&s, fdt);
	for (offset = next_node_v(&v, -1, NULL); offset >= 0;
	     offset = next_node_v(&v, offset, NULL)) {
		if (phandle_v(&v, &s, offset) == phandle)
			return offset;
	}
	return offset;
}

/*
 * Is str one of the strings in the len bytes at list? Like libfdt, the
 * last string may end in the byte just after the list (the padding
 * after a property value); that byte is looked at only if it is inside
 * the blob (room says how many bytes from list are).
 */
static bool stringlist_contains(const char *list, u64 len, u64 room,
				const char *str)
{
	size_t slen = strlen(str);
	const char *nul;

	while (len >= slen) {
		if (slen + 1 <= room && memcmp(list, str, slen + 1) == 0)
			return true;
		nul = memchr(list, '\0', (size_t)len);
		if (!nul)
			return false;
		len -= (u64)(nul - list) + 1;
		room -= (u64)(nul - list) + 1;
		list = nul + 1;
	}
	return false;
}

int kfdt_node_check_compatible(const void *fdt, int nodeoffset,
			       const char *compatible)
{
	int len;
	const char *prop = kfdt_getprop(fdt, nodeoffset, "compatible", &len);
	u64 room;

	if (!prop)
		return len;
	room = kfdt_totalsize(fdt) - (u64)(prop - (const char *)fdt);
	return stringlist_contains(prop, (u32)len, room, compatible) ? 0 : 1;
}

int kfdt_node_offset_by_compatible(const void *fdt, int startoffset,
				   const char *compatible)
{
	struct kfdt_view v;
	int offset, err;

	err = kfdt_probe_ro(fdt);
	if (err < 0)
		return err;
	kfdt_view_init(&v, fdt);
	for (offset = next_node_v(&v, startoffset, NULL); offset >= 0;
	     offset = next_node_v(&v, offset, NULL)) {
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
