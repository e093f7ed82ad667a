# SPDX-License-Identifier: GPL-2.0
# A guest's address space (core/aspace.c): sorted regions, overlaps and
# limits refused, lookups against a linear scan.
UNIT_TESTS += aspace
aspace_SRCS := tests/unit/test_aspace.c core/aspace.c \
	tests/unit/host/host_support.c
