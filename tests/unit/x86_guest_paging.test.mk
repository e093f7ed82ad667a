# SPDX-License-Identifier: GPL-2.0
# An x86 guest's own address translation (arch/x86_64/guest_paging.c)
# over tables the test writes into a fake guest RAM: every paging mode,
# page size, permission, reserved bit and fault error code it claims,
# and instruction fetches across a page boundary.
UNIT_TESTS += x86_guest_paging
x86_guest_paging_SRCS := tests/unit/test_x86_guest_paging.c \
	arch/x86_64/guest_paging.c
