// SPDX-License-Identifier: GPL-2.0
/*
 * libs/fdt: editing a blob in place. kfdt_open_into() copies a blob into a
 * larger buffer (reordering its blocks if needed); the edits then grow or
 * shrink the structure and strings blocks inside that buffer by moving
 * everything after the change, and kfdt_pack() drops the free space at the
 * end. The blocks must be in the standard order: reservation map,
 * structure, strings.
 */
#include "fdt_internal.h"

/* Are the blocks out of the order the edits rely on (or outside the blob)? */
static bool blocks_misordered(const void *fdt, u64 rsv_size, u64 struct_size)
{
	u64 rsv = kfdt_hdr(fdt, KFDT_H_OFF_RSVMAP);
	u64 st = kfdt_hdr(fdt, KFDT_H_OFF_STRUCT);
	u64 str = kfdt_hdr(fdt, KFDT_H_OFF_STRINGS);

	return rsv < KFDT_HDR_SIZE || st < rsv + rsv_size ||
	       str < st + struct_size ||
	       kfdt_totalsize(fdt) < str + kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS);
}

static int rw_probe(void *fdt)
{
	int err = kfdt_probe_ro(fdt);

	if (err < 0)
		return err;
	if (kfdt_version(fdt) < 17)
		return -KFDT_ERR_BADVERSION;
	if (blocks_misordered(fdt, KFDT_RSV_ENTRY,
			      kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT)))
		return -KFDT_ERR_BADLAYOUT;
	if (kfdt_version(fdt) > 17)
		kfdt_set_hdr(fdt, KFDT_H_VERSION, 17);
	return 0;
}

/* Where the data ends: the end of the strings block. */
static u64 data_size(const void *fdt)
{
	return (u64)kfdt_hdr(fdt, KFDT_H_OFF_STRINGS) +
	       kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS);
}

/*
 * Replace oldlen bytes at absolute offset at with newlen bytes, moving the
 * rest of the data along. The new bytes are left as they fall.
 */
static int splice(void *fdt, u64 at, u64 oldlen, u64 newlen)
{
	u64 dsize = data_size(fdt);

	if (at + oldlen > dsize)
		return -KFDT_ERR_BADOFFSET;
	if (dsize - oldlen + newlen > kfdt_totalsize(fdt))
		return -KFDT_ERR_NOSPACE;
	memmove(kfdt_at_w(fdt, at + newlen), kfdt_at(fdt, at + oldlen),
		(size_t)(dsize - at - oldlen));
	return 0;
}

/* Splice the structure block at structure offset offset. */
static int splice_struct(void *fdt, int offset, u64 oldlen, u64 newlen)
{
	int err = splice(fdt, kfdt_sabs(fdt, offset), oldlen, newlen);
	u32 delta = (u32)newlen - (u32)oldlen;

	if (err)
		return err;
	kfdt_set_hdr(fdt, KFDT_H_SIZE_STRUCT,
		     kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT) + delta);
	kfdt_set_hdr(fdt, KFDT_H_OFF_STRINGS,
		     kfdt_hdr(fdt, KFDT_H_OFF_STRINGS) + delta);
	return 0;
}

/*
 * The offset of s in the strings block, appending it if it is not there
 * (*added says so), or an error.
 */
static int find_add_string(void *fdt, const char *s, bool *added)
{
	u32 off = kfdt_hdr(fdt, KFDT_H_OFF_STRINGS);
	u32 size = kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS);
	const char *tab = (const char *)kfdt_at(fdt, off);
	const char *p;
	size_t len = strlen(s) + 1;
	int err;

	*added = false;
	p = kfdt_find_string(tab, size, s);
	if (p)
		return (int)(p - tab);
	if (len > KFDT_INT_MAX)
		return -KFDT_ERR_NOSPACE;
	err = splice(fdt, (u64)off + size, 0, len);
	if (err)
		return err;
	kfdt_set_hdr(fdt, KFDT_H_SIZE_STRINGS, size + (u32)len);
	*added = true;
	memcpy(kfdt_at_w(fdt, (u64)off + size), s, len);
	return (int)size;
}

/*
 * Set a property, resizing its value in place or adding it as the node's
 * first property. val must not point into the blob: the blob moves under
 * it before it is copied (as with libfdt).
 */
int kfdt_setprop(void *fdt, int nodeoffset, const char *name, const void *val,
		 int len)
{
	int offset, oldlen, nameoff;
	u8 *prop;
	bool added;
	int err = rw_probe(fdt);

	if (err)
		return err;
	if (len < 0)
		return -KFDT_ERR_BADVALUE;

	offset = kfdt_find_prop(fdt, nodeoffset, name, (int)strlen(name),
				&oldlen);
	if (offset >= 0) {
		err = splice_struct(fdt, offset + KFDT_PROP_HDR,
				    KFDT_TAGALIGN((u64)(u32)oldlen),
				    KFDT_TAGALIGN((u64)len));
		if (err)
			return err;
	} else if (offset == -KFDT_ERR_NOTFOUND) {
		offset = kfdt_check_node(fdt, nodeoffset);
		if (offset < 0)
			return offset;
		nameoff = find_add_string(fdt, name, &added);
		if (nameoff < 0)
			return nameoff;
		err = splice_struct(fdt, offset, 0,
				    KFDT_PROP_HDR + KFDT_TAGALIGN((u64)len));
		if (err) {
			/* Give the name back (its bytes stay, as libfdt's do). */
			if (added)
				kfdt_set_hdr(
					fdt, KFDT_H_SIZE_STRINGS,
					kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS) -
						(u32)(strlen(name) + 1));
			return err;
		}
		prop = kfdt_at_w(fdt, kfdt_sabs(fdt, offset));
		kfdt_st32(prop, KFDT_PROP);
		kfdt_st32(prop + 8, (u32)nameoff);
	} else {
		return offset;
	}
	prop = kfdt_at_w(fdt, kfdt_sabs(fdt, offset));
	kfdt_st32(prop + 4, (u32)len);
	if (len)
		memcpy(prop + KFDT_PROP_HDR, val, (size_t)len);
	return 0;
}

int kfdt_setprop_u32(void *fdt, int nodeoffset, const char *name, u32 val)
{
	u8 be[4];

	kfdt_st32(be, val);
	return kfdt_setprop(fdt, nodeoffset, name, be, sizeof(be));
}

int kfdt_delprop(void *fdt, int nodeoffset, const char *name)
{
	int offset, len;
	int err = rw_probe(fdt);

	if (err)
		return err;
	offset = kfdt_find_prop(fdt, nodeoffset, name, (int)strlen(name), &len);
	if (offset < 0)
		return offset;
	return splice_struct(fdt, offset,
			     KFDT_PROP_HDR + KFDT_TAGALIGN((u64)(u32)len), 0);
}

int kfdt_add_subnode(void *fdt, int parentoffset, const char *name)
{
	size_t namelen = strlen(name);
	int offset, next;
	u64 nodelen;
	u32 tag;
	u8 *p;
	int err = rw_probe(fdt);

	if (err)
		return err;
	if (namelen >= KFDT_INT_MAX)
		return -KFDT_ERR_NOSPACE;
	offset = kfdt_subnode_offset_namelen(fdt, parentoffset, name,
					     (int)namelen);
	if (offset >= 0)
		return -KFDT_ERR_EXISTS;
	if (offset != -KFDT_ERR_NOTFOUND)
		return offset;

	/* The new node goes after the parent's properties. */
	tag = kfdt_next_tag(fdt, parentoffset, &next);
	if (tag != KFDT_BEGIN_NODE)
		return -KFDT_ERR_INTERNAL;
	do {
		offset = next;
		tag = kfdt_next_tag(fdt, offset, &next);
	} while (tag == KFDT_PROP || tag == KFDT_NOP);

	nodelen = KFDT_TAGSIZE + KFDT_TAGALIGN((u64)namelen + 1) + KFDT_TAGSIZE;
	err = splice_struct(fdt, offset, 0, nodelen);
	if (err)
		return err;
	p = kfdt_at_w(fdt, kfdt_sabs(fdt, offset));
	kfdt_st32(p, KFDT_BEGIN_NODE);
	memset(p + KFDT_TAGSIZE, 0, (size_t)KFDT_TAGALIGN((u64)namelen + 1));
	memcpy(p + KFDT_TAGSIZE, name, namelen);
	kfdt_st32(p + nodelen - KFDT_TAGSIZE, KFDT_END_NODE);
	return offset;
}

int kfdt_del_node(void *fdt, int nodeoffset)
{
	int end;
	int err = rw_probe(fdt);

	if (err)
		return err;
	end = kfdt_node_end(fdt, nodeoffset);
	if (end < 0)
		return end;
	return splice_struct(fdt, nodeoffset, (u64)(end - nodeoffset), 0);
}

/*
 * Lay the blocks of old out packed, in order, after the header at new
 * (which may be old). Only offset and size fields of new's header are set.
 */
static void pack_blocks(const void *old, void *new, u32 rsv_size,
			u32 struct_size)
{
	u32 rsv_off = KFDT_HDR_SIZE;
	u32 struct_off = rsv_off + rsv_size;
	u32 strings_off = struct_off + struct_size;
	u32 strings_size = kfdt_hdr(old, KFDT_H_SIZE_STRINGS);

	memmove(kfdt_at_w(new, rsv_off),
		kfdt_at(old, kfdt_hdr(old, KFDT_H_OFF_RSVMAP)), rsv_size);
	kfdt_set_hdr(new, KFDT_H_OFF_RSVMAP, rsv_off);

	memmove(kfdt_at_w(new, struct_off),
		kfdt_at(old, kfdt_hdr(old, KFDT_H_OFF_STRUCT)), struct_size);
	kfdt_set_hdr(new, KFDT_H_OFF_STRUCT, struct_off);
	kfdt_set_hdr(new, KFDT_H_SIZE_STRUCT, struct_size);

	memmove(kfdt_at_w(new, strings_off),
		kfdt_at(old, kfdt_hdr(old, KFDT_H_OFF_STRINGS)), strings_size);
	kfdt_set_hdr(new, KFDT_H_OFF_STRINGS, strings_off);
	kfdt_set_hdr(new, KFDT_H_SIZE_STRINGS, strings_size);
}

int kfdt_open_into(const void *fdt, void *buf, int bufsize)
{
	u32 total = kfdt_totalsize(fdt);
	u32 boot_cpu = kfdt_boot_cpuid_phys(fdt);
	u32 version = kfdt_version(fdt);
	int nrsv, struct_size;
	u64 rsv_size, newsize;
	uintptr_t start = (uintptr_t)fdt, end = start + total;
	uintptr_t bstart = (uintptr_t)buf;
	char *tmp;
	int err = kfdt_probe_ro(fdt);

	if (err < 0)
		return err;
	nrsv = kfdt_num_mem_rsv(fdt);
	if (nrsv < 0)
		return nrsv;
	rsv_size = ((u64)nrsv + 1) * KFDT_RSV_ENTRY;

	if (version >= 17) {
		struct_size = (int)kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT);
		if (struct_size < 0)
			return -KFDT_ERR_TRUNCATED;
	} else if (version == 16) {
		/* Not recorded: find the END token. */
		struct_size = 0;
		while (kfdt_next_tag(fdt, struct_size, &struct_size) !=
		       KFDT_END)
			;
		if (struct_size < 0)
			return struct_size;
	} else {
		return -KFDT_ERR_BADVERSION;
	}

	if (!blocks_misordered(fdt, rsv_size, (u32)struct_size)) {
		/* Already in order: copy it whole. */
		if (bufsize < 0 || total > (u32)bufsize)
			return -KFDT_ERR_NOSPACE;
		memmove(buf, fdt, total);
		kfdt_set_hdr(buf, KFDT_H_VERSION, 17);
		kfdt_set_hdr(buf, KFDT_H_SIZE_STRUCT, (u32)struct_size);
		kfdt_set_hdr(buf, KFDT_H_TOTALSIZE, (u32)bufsize);
		return 0;
	}

	/* The blocks must be inside the blob to be reordered. */
	if (kfdt_hdr(fdt, KFDT_H_OFF_RSVMAP) + rsv_size > total ||
	    (u64)kfdt_hdr(fdt, KFDT_H_OFF_STRUCT) + (u32)struct_size > total ||
	    (u64)kfdt_hdr(fdt, KFDT_H_OFF_STRINGS) +
			    kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS) >
		    total)
		return -KFDT_ERR_TRUNCATED;
	newsize = KFDT_HDR_SIZE + rsv_size + (u32)struct_size +
		  kfdt_hdr(fdt, KFDT_H_SIZE_STRINGS);
	if (bufsize < 0 || (u64)bufsize < newsize)
		return -KFDT_ERR_NOSPACE;

	/*
	 * Build the new layout at the start of buf; if that would overwrite
	 * the old blob before it is read, build it after the old blob and
	 * move it down.
	 */
	tmp = buf;
	if (bstart + newsize > start && bstart < end) {
		tmp = (char *)buf + (end - bstart);
		if (end < bstart || end - bstart + newsize > (u64)bufsize)
			return -KFDT_ERR_NOSPACE;
	}
	pack_blocks(fdt, tmp, (u32)rsv_size, (u32)struct_size);
	memmove(buf, tmp, (size_t)newsize);

	kfdt_set_hdr(buf, KFDT_H_MAGIC, KFDT_MAGIC);
	kfdt_set_hdr(buf, KFDT_H_TOTALSIZE, (u32)bufsize);
	kfdt_set_hdr(buf, KFDT_H_VERSION, 17);
	kfdt_set_hdr(buf, KFDT_H_LAST_COMP, KFDT_LAST_COMP_VERSION);
	kfdt_set_hdr(buf, KFDT_H_BOOT_CPU, boot_cpu);
	return 0;
}

int kfdt_pack(void *fdt)
{
	int nrsv;
	int err = rw_probe(fdt);

	if (err)
		return err;
	nrsv = kfdt_num_mem_rsv(fdt);
	if (nrsv < 0)
		return nrsv;
	/*
	 * rw_probe() saw room for one reservation entry; if the list runs
	 * on into the structure block, packing would overrun the blob.
	 */
	if (blocks_misordered(fdt, ((u64)nrsv + 1) * KFDT_RSV_ENTRY,
			      kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT)))
		return -KFDT_ERR_BADLAYOUT;
	pack_blocks(fdt, fdt, ((u32)nrsv + 1) * KFDT_RSV_ENTRY,
		    kfdt_hdr(fdt, KFDT_H_SIZE_STRUCT));
	kfdt_set_hdr(fdt, KFDT_H_TOTALSIZE, (u32)data_size(fdt));
	return 0;
}
