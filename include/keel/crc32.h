/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CRC-32 (libs/crc32.c): the IEEE 802.3 polynomial, reflected, initial
 * value and final XOR 0xffffffff -- the checksum of zlib, Ethernet and
 * the UEFI GPT headers and partition arrays.
 */
#ifndef KEEL_CRC32_H
#define KEEL_CRC32_H

#include <keel/types.h>

/*
 * Continue a CRC over buf: start with crc32(0, ...), pass the result
 * back in to checksum a buffer in pieces.
 */
u32 crc32(u32 crc, const void *buf, size_t len);

#endif
