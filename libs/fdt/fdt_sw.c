// SPDX-License-Identifier: GPL-2.0
/*
 * libs/fdt: sequential write, building a blob front to back in a caller's
 * buffer: kfdt_create(), reservation entries, kfdt_finish_reservemap(),
 * then nodes and properties, then kfdt_finish().
 *
 * While the tree is being built the header keeps the state: the magic is
 * KFDT_SW_MAGIC, the structure block grows up from just after the
 * reservation map, and the strings block grows down from the end of the
 * buffer (names are referred to by negative offsets from the end).
 * off_dt_strings is 0 while reservation entries may still be added and
 * equals totalsize once the structure block has begun. kfdt_finish()
 * moves the strings up against the structure block and fixes the
 * offsets. The output is byte-for-byte what libfdt writes for the same
 * calls.
 */
#include "fdt_internal.h"

static int sw_probe(const void *fdt)
{
	u32 magic = kfdt_hdr(fdt, KFDT_H_MAGIC);

	if (magic == KFDT_MAGIC)
		return -KFDT_ERR_BADSTATE; /* already finished */
	if (magic != KFDT_SW_MAGIC)
		return -KFDT_ERR_BADMAGIC;
	return 0;
}

/* Reservation entries may be added. */
static int sw_probe_rsvmap(const void *fdt)
{
	int err = sw_probe(fdt);

	if (err)
		return err;
	if (kfdt_hdr(fdt, KFDT_H_OFF_STRINGS) != 0)
		return -KFDT_ERR_BADSTATE;
	return 0;
}

/* Nodes and properties may be added. */
static int sw_probe_struct(const void *fdt)
{
	int err = sw_probe(fdt);

	if (err)
		return err;
	if (kfdt_hdr(fdt, KFDT_H_OFF_STRINGS) !=
	    kfdt_hdr(fdt, KFDT_H_TOTALSIZE))
		return -KFDT_ERR_BADSTATE;
	return 0;
}

/*
 * Append len bytes to the structure block: a pointer to them, or NULL if
 * they would run into the strings at the end of the buffer.
 */
static u8 *grab_space(void *fdt, u64 len)
{
	u32 size = kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT);
	u64 used = (u64)kfdt_hdr(fdt, KFDT_H_OFF_STRUCT) +
		   kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS);
	u64 total = kfdt_hdr(fdt, KFDT_H_TOTALSIZE);

	if (used > total || size + len > total - used)
		return NULL;
	kfdt_set_hdr(fdt, KFDT_H_SIZE_STRUCT, (u32)(size + len));
	return kfdt_at_w(fdt, kfdt_sabs(fdt, (int)size));
}

/* The header rounded up to a whole reservation entry, as libfdt lays it. */
#define SW_HDR_SIZE 48

int kfdt_create(void *buf, int bufsize)
{
	if (bufsize < SW_HDR_SIZE)
		return -KFDT_ERR_NOSPACE;
	memset(buf, 0, (size_t)bufsize);
	kfdt_set_hdr(buf, KFDT_H_MAGIC, KFDT_SW_MAGIC);
	kfdt_set_hdr(buf, KFDT_H_VERSION, KFDT_LAST_VERSION);
	/* last_comp_version holds creation flags (none) until the end. */
	kfdt_set_hdr(buf, KFDT_H_LAST_COMP, 0);
	kfdt_set_hdr(buf, KFDT_H_TOTALSIZE, (u32)bufsize);
	kfdt_set_hdr(buf, KFDT_H_OFF_RSVMAP, SW_HDR_SIZE);
	kfdt_set_hdr(buf, KFDT_H_OFF_STRUCT, SW_HDR_SIZE);
	kfdt_set_hdr(buf, KFDT_H_OFF_STRINGS, 0);
	return 0;
}

int kfdt_add_reservemap_entry(void *fdt, u64 addr, u64 size)
{
	u32 off;
	int err = sw_probe_rsvmap(fdt);

	if (err)
		return err;
	/* The reservation map ends where the structure block will start. */
	off = kfdt_hdr(fdt, KFDT_H_OFF_STRUCT);
	if ((u64)off + KFDT_RSV_ENTRY > kfdt_hdr(fdt, KFDT_H_TOTALSIZE))
		return -KFDT_ERR_NOSPACE;
	kfdt_st64(kfdt_at_w(fdt, off), addr);
	kfdt_st64(kfdt_at_w(fdt, off + 8), size);
	kfdt_set_hdr(fdt, KFDT_H_OFF_STRUCT, off + KFDT_RSV_ENTRY);
	return 0;
}

int kfdt_finish_reservemap(void *fdt)
{
	/* The terminating all-zero entry. */
	int err = kfdt_add_reservemap_entry(fdt, 0, 0);

	if (err)
		return err;
	kfdt_set_hdr(fdt, KFDT_H_OFF_STRINGS, kfdt_totalsize(fdt));
	return 0;
}

int kfdt_begin_node(void *fdt, const char *name)
{
	size_t namelen;
	u8 *p;
	int err = sw_probe_struct(fdt);

	if (err)
		return err;
	namelen = strlen(name) + 1;
	p = grab_space(fdt, KFDT_TAGSIZE + KFDT_TAGALIGN((u64)namelen));
	if (!p)
		return -KFDT_ERR_NOSPACE;
	kfdt_st32(p, KFDT_BEGIN_NODE);
	/* The padding after the name is already zero (kfdt_create()). */
	memcpy(p + KFDT_TAGSIZE, name, namelen);
	return 0;
}

int kfdt_end_node(void *fdt)
{
	u8 *p;
	int err = sw_probe_struct(fdt);

	if (err)
		return err;
	p = grab_space(fdt, KFDT_TAGSIZE);
	if (!p)
		return -KFDT_ERR_NOSPACE;
	kfdt_st32(p, KFDT_END_NODE);
	return 0;
}

/*
 * Put s at the front of the strings growing down from the end of the
 * buffer. Returns its (negative) offset from the end, or 0 if it would run
 * into the structure block.
 */
static int add_string(void *fdt, const char *s)
{
	u32 total = kfdt_totalsize(fdt);
	u32 size = kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS);
	u64 len = strlen(s) + 1;
	u64 back = size + len;
	u64 struct_top = (u64)kfdt_hdr(fdt, KFDT_H_OFF_STRUCT) +
			 kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT);

	if (back > total || total - back < struct_top)
		return 0;
	memcpy(kfdt_at_w(fdt, total - back), s, (size_t)len);
	kfdt_set_hdr(fdt, KFDT_H_SIZE_STRINGS, (u32)back);
	return -(int)back;
}

/* Find s among the strings so far, else add it; 0 if there is no room. */
static int find_add_string(void *fdt, const char *s, bool *added)
{
	u32 total = kfdt_totalsize(fdt);
	u32 size = kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS);
	const char *end = (const char *)kfdt_at(fdt, total);
	const char *p;

	*added = false;
	if (size > total)
		return 0; /* a damaged header: claim no room */
	p = kfdt_find_string(end - size, size, s);
	if (p)
		return -(int)(end - p);
	*added = true;
	return add_string(fdt, s);
}

int kfdt_property(void *fdt, const char *name, const void *val, int len)
{
	int nameoff;
	bool added;
	u8 *p;
	int err = sw_probe_struct(fdt);

	if (err)
		return err;
	if (len < 0)
		return -KFDT_ERR_BADVALUE;
	nameoff = find_add_string(fdt, name, &added);
	if (nameoff == 0)
		return -KFDT_ERR_NOSPACE;
	p = grab_space(fdt, KFDT_PROP_HDR + KFDT_TAGALIGN((u64)len));
	if (!p) {
		/* Give back the name (its bytes stay, as libfdt's do). */
		if (added)
			kfdt_set_hdr(fdt, KFDT_H_SIZE_STRINGS,
				     kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS) -
					     (u32)(strlen(name) + 1));
		return -KFDT_ERR_NOSPACE;
	}
	kfdt_st32(p, KFDT_PROP);
	kfdt_st32(p + 4, (u32)len);
	kfdt_st32(p + 8, (u32)nameoff);
	if (len)
		memcpy(p + KFDT_PROP_HDR, val, (size_t)len);
	return 0;
}

int kfdt_finish(void *fdt)
{
	u32 total, strsize, newstr;
	int offset, next;
	u32 tag;
	u8 *p;
	int err = sw_probe_struct(fdt);

	if (err)
		return err;
	p = grab_space(fdt, KFDT_TAGSIZE);
	if (!p)
		return -KFDT_ERR_NOSPACE;
	kfdt_st32(p, KFDT_END);

	/* Move the strings down to just after the structure block. */
	total = kfdt_totalsize(fdt);
	strsize = kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS);
	/* grab_space() keeps them apart unless the header was damaged. */
	if ((u64)kfdt_hdr(fdt, KFDT_H_OFF_STRUCT) +
		    kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT) + strsize >
	    total)
		return -KFDT_ERR_BADSTATE;
	newstr = kfdt_hdr(fdt, KFDT_H_OFF_STRUCT) +
		 kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT);
	memmove(kfdt_at_w(fdt, newstr), kfdt_at(fdt, total - strsize), strsize);
	kfdt_set_hdr(fdt, KFDT_H_OFF_STRINGS, newstr);

	/* Name offsets counted back from the end now count from the start. */
	offset = 0;
	while ((tag = kfdt_next_tag(fdt, offset, &next)) != KFDT_END) {
		if (tag == KFDT_PROP) {
			u8 *prop = kfdt_at_w(fdt, kfdt_sabs(fdt, offset));

			kfdt_st32(prop + 8, kfdt_ld32(prop + 8) + strsize);
		}
		offset = next;
	}
	if (next < 0)
		return next;

	kfdt_set_hdr(fdt, KFDT_H_TOTALSIZE, newstr + strsize);
	kfdt_set_hdr(fdt, KFDT_H_LAST_COMP, KFDT_LAST_COMP_VERSION);
	kfdt_set_hdr(fdt, KFDT_H_MAGIC, KFDT_MAGIC);
	return 0;
}
