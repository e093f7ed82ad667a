/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Errors are values: functions that can fail return 0 or a negative code
 * from this list; pointer-returning functions return NULL and say why in
 * an out-parameter or in their documentation.
 */
#ifndef KEEL_ERRNO_H
#define KEEL_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define E2BIG 7
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define EROFS 30
#define ERANGE 34
#define ENOSYS 38
#define ENOTEMPTY 39
#define ENODATA 61
#define EOVERFLOW 75
#define EBADMSG 74
#define ENOTSUP 95
#define ENETDOWN 100
#define ETIMEDOUT 110
#define EALREADY 114
/* Refused, and the reason already reported to the user. */
#define ECANCELED 125

/* A short name for an error code, for messages shown to users. */
const char *error_name(int err);

#endif
