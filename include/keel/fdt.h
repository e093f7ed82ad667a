/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libs/fdt: a flattened-device-tree library written for Keel.
 *
 * Semantics follow libfdt (offsets into the structure block, negative
 * error codes, the same meaning for each call), so that Debian's libfdt can
 * serve as the oracle in host tests. Names carry a kfdt_ prefix so both
 * link into one test program.  All multi-byte values in a blob are
 * big-endian; kfdt32_to_cpu()/cpu_to_kfdt32() convert.
 */
#ifndef KEEL_FDT_H
#define KEEL_FDT_H

#include <keel/types.h>

#define KFDT_MAGIC 0xd00dfeedU

/* Error codes, numerically equal to libfdt's FDT_ERR_* (returned negated). */
#define KFDT_ERR_NOTFOUND 1
#define KFDT_ERR_EXISTS 2
#define KFDT_ERR_NOSPACE 3
#define KFDT_ERR_BADOFFSET 4
#define KFDT_ERR_BADPATH 5
#define KFDT_ERR_BADPHANDLE 6
#define KFDT_ERR_BADSTATE 7
#define KFDT_ERR_TRUNCATED 8
#define KFDT_ERR_BADMAGIC 9
#define KFDT_ERR_BADVERSION 10
#define KFDT_ERR_BADSTRUCTURE 11
#define KFDT_ERR_BADLAYOUT 12
#define KFDT_ERR_INTERNAL 13
#define KFDT_ERR_BADNCELLS 14
#define KFDT_ERR_BADVALUE 15
#define KFDT_ERR_BADOVERLAY 16
#define KFDT_ERR_NOPHANDLES 17
#define KFDT_ERR_BADFLAGS 18
#define KFDT_ERR_ALIGNMENT 19

static inline u32 kfdt32_to_cpu(u32 v)
{
	return __builtin_bswap32(v);
}

static inline u64 kfdt64_to_cpu(u64 v)
{
	return __builtin_bswap64(v);
}

#define cpu_to_kfdt32(v) kfdt32_to_cpu(v)

/* A number of 1 or 2 big-endian cells ("reg" addresses and sizes). */
static inline u64 kfdt_read_cells(const u32 *p, int cells)
{
	u64 v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | kfdt32_to_cpu(p[i]);
	return v;
}
#define cpu_to_kfdt64(v) kfdt64_to_cpu(v)

/* Header */
int kfdt_check_header(const void *fdt);

/*
 * Why kfdt_check_full() refused a blob: a fixed text, and the byte offset
 * from the start of the blob of the field or token at fault (-1 when the
 * fault is not at one place).
 */
struct kfdt_fault {
	const char *reason;
	long offset;
};

/* The deepest nesting of nodes kfdt_check_full() accepts (root = 1). */
#define KFDT_MAX_DEPTH 64

/*
 * Check a whole blob held in a buffer of bufsize bytes before any other
 * use: header (magic, versions 16 and 17, totalsize within the buffer),
 * block bounds, alignment and overlaps, the memory reservation map, and
 * the structure block token by token (names, property lengths, string
 * offsets, nesting, one root, FDT_END last). Refuses everything libfdt's
 * fdt_check_full() refuses, and more (libs/fdt/fdt_check.c). Returns 0 or
 * a negative KFDT_ERR_*, and then fills *fault when fault is not NULL.
 */
int kfdt_check_full(const void *fdt, size_t bufsize, struct kfdt_fault *fault);
u32 kfdt_totalsize(const void *fdt);
u32 kfdt_version(const void *fdt);
u32 kfdt_boot_cpuid_phys(const void *fdt);

/* Memory reservation block */
int kfdt_num_mem_rsv(const void *fdt);
int kfdt_get_mem_rsv(const void *fdt, int n, u64 *address, u64 *size);

/* Walking the structure block (read-only) */
int kfdt_next_node(const void *fdt, int offset, int *depth);
int kfdt_first_subnode(const void *fdt, int offset);
int kfdt_next_subnode(const void *fdt, int offset);
const char *kfdt_get_name(const void *fdt, int nodeoffset, int *lenp);
int kfdt_first_property_offset(const void *fdt, int nodeoffset);
int kfdt_next_property_offset(const void *fdt, int offset);
const void *kfdt_getprop_by_offset(const void *fdt, int offset,
				   const char **namep, int *lenp);
const void *kfdt_getprop(const void *fdt, int nodeoffset, const char *name,
			 int *lenp);
int kfdt_subnode_offset(const void *fdt, int parentoffset, const char *name);
int kfdt_path_offset(const void *fdt, const char *path);
int kfdt_get_path(const void *fdt, int nodeoffset, char *buf, int buflen);
int kfdt_parent_offset(const void *fdt, int nodeoffset);
int kfdt_node_depth(const void *fdt, int nodeoffset);
u32 kfdt_get_phandle(const void *fdt, int nodeoffset);
int kfdt_node_offset_by_phandle(const void *fdt, u32 phandle);
int kfdt_node_check_compatible(const void *fdt, int nodeoffset,
			       const char *compatible);
int kfdt_node_offset_by_compatible(const void *fdt, int startoffset,
				   const char *compatible);
int kfdt_address_cells(const void *fdt, int nodeoffset);
int kfdt_size_cells(const void *fdt, int nodeoffset);

/* Sequential write: build a new blob from scratch */
int kfdt_create(void *buf, int bufsize);
int kfdt_add_reservemap_entry(void *fdt, u64 addr, u64 size);
int kfdt_finish_reservemap(void *fdt);
int kfdt_begin_node(void *fdt, const char *name);
int kfdt_property(void *fdt, const char *name, const void *val, int len);
int kfdt_end_node(void *fdt);
int kfdt_finish(void *fdt);

/* Read-write: edit an existing blob in place */
int kfdt_open_into(const void *fdt, void *buf, int bufsize);
int kfdt_pack(void *fdt);
int kfdt_setprop(void *fdt, int nodeoffset, const char *name, const void *val,
		 int len);
int kfdt_setprop_u32(void *fdt, int nodeoffset, const char *name, u32 val);
int kfdt_delprop(void *fdt, int nodeoffset, const char *name);
int kfdt_add_subnode(void *fdt, int parentoffset, const char *name);
int kfdt_del_node(void *fdt, int nodeoffset);

const char *kfdt_strerror(int errval);

#endif
