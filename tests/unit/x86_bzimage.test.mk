# SPDX-License-Identifier: GPL-2.0
# The x86 Linux boot protocol (arch/x86_64/bzimage.c): setup headers read
# and refused, and the zero page built from them.
UNIT_TESTS += x86_bzimage
x86_bzimage_SRCS := tests/unit/test_x86_bzimage.c arch/x86_64/bzimage.c \
	tests/unit/host/host_support.c
