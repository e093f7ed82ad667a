/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux "Image" boot protocol, which arm64 kernels follow
 * (Documentation/arch/arm64/booting.rst) and riscv64 kernels copy
 * (Documentation/arch/riscv/boot-image-header.rst, boot.rst): a 64-byte
 * header with text_offset at byte 8, image_size at byte 16 and the
 * arch's magic number at byte 56. The image goes text_offset bytes above
 * a 2 MiB-aligned base in RAM and starts at its first byte. For the
 * arches' arch_guest_place_kernel(); other protocols (x86's bzImage, PVH)
 * are their arch's own.
 */
#ifndef KEEL_LINUX_IMAGE_H
#define KEEL_LINUX_IMAGE_H

#include <keel/errno.h>
#include <keel/printf.h>
#include <keel/string.h>
#include <keel/types.h>
#include <arch/vcpu.h>

#define LINUX_IMAGE_HEADER_SIZE 64
#define LINUX_IMAGE_MAGIC_OFFSET 56

struct linux_image_protocol {
	const char *name; /* "an arm64 Image", for refusals */
	u32 magic; /* at byte 56, little-endian */
	/*
	 * What an image whose image_size is 0 means by its text_offset: arm64
	 * before Linux 3.17 (0x80000, whatever the field says); 0: the field
	 * holds.
	 */
	u64 text_offset_if_unsized;
};

/*
 * Place an image of protocol p in the bank at bank_base: an Image at
 * bank_base + text_offset, anything without the header (a raw binary) at
 * bank_base. An Image over RAM that is not 2 MiB-aligned is refused.
 */
static inline int linux_image_place(const struct linux_image_protocol *p,
				    const void *image, size_t size,
				    u64 bank_base,
				    struct arch_kernel_placement *out,
				    char *why, size_t why_size)
{
	const u8 *hdr = image;
	u64 text_offset = 0, image_size;
	u32 magic;

	if (size >= LINUX_IMAGE_HEADER_SIZE) {
		memcpy(&magic, hdr + LINUX_IMAGE_MAGIC_OFFSET, 4);
		if (magic == p->magic) {
			memcpy(&text_offset, hdr + 8, 8);
			memcpy(&image_size, hdr + 16, 8);
			if (!image_size && p->text_offset_if_unsized)
				text_offset = p->text_offset_if_unsized;
			if (!IS_ALIGNED(bank_base, MiB(2))) {
				snprintf(why, why_size,
					 "%s goes text_offset above a 2 MiB-"
					 "aligned base, and RAM starts at "
					 "0x%llx",
					 p->name,
					 (unsigned long long)bank_base);
				return -EINVAL;
			}
		}
	}
	out->load = bank_base + text_offset;
	out->entry = out->load;
	return 0;
}

#endif
