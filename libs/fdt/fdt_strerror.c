// SPDX-License-Identifier: GPL-2.0
/* libs/fdt: names for the error codes, the same strings libfdt gives. */
#include "fdt_internal.h"

static const char *const kfdt_errors[] = {
	[KFDT_ERR_NOTFOUND] = "FDT_ERR_NOTFOUND",
	[KFDT_ERR_EXISTS] = "FDT_ERR_EXISTS",
	[KFDT_ERR_NOSPACE] = "FDT_ERR_NOSPACE",
	[KFDT_ERR_BADOFFSET] = "FDT_ERR_BADOFFSET",
	[KFDT_ERR_BADPATH] = "FDT_ERR_BADPATH",
	[KFDT_ERR_BADPHANDLE] = "FDT_ERR_BADPHANDLE",
	[KFDT_ERR_BADSTATE] = "FDT_ERR_BADSTATE",
	[KFDT_ERR_TRUNCATED] = "FDT_ERR_TRUNCATED",
	[KFDT_ERR_BADMAGIC] = "FDT_ERR_BADMAGIC",
	[KFDT_ERR_BADVERSION] = "FDT_ERR_BADVERSION",
	[KFDT_ERR_BADSTRUCTURE] = "FDT_ERR_BADSTRUCTURE",
	[KFDT_ERR_BADLAYOUT] = "FDT_ERR_BADLAYOUT",
	[KFDT_ERR_INTERNAL] = "FDT_ERR_INTERNAL",
	[KFDT_ERR_BADNCELLS] = "FDT_ERR_BADNCELLS",
	[KFDT_ERR_BADVALUE] = "FDT_ERR_BADVALUE",
	[KFDT_ERR_BADOVERLAY] = "FDT_ERR_BADOVERLAY",
	[KFDT_ERR_NOPHANDLES] = "FDT_ERR_NOPHANDLES",
	[KFDT_ERR_BADFLAGS] = "FDT_ERR_BADFLAGS",
	/* libfdt 1.6.1 has no string for this one. */
	[KFDT_ERR_ALIGNMENT] = "FDT_ERR_ALIGNMENT",
};

const char *kfdt_strerror(int errval)
{
	if (errval > 0)
		return "<valid offset/length>";
	if (errval == 0)
		return "<no error>";
	if (errval > -(int)ARRAY_SIZE(kfdt_errors) && kfdt_errors[-errval])
		return kfdt_errors[-errval];
	return "<unknown error>";
}
