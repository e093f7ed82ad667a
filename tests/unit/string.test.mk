# SPDX-License-Identifier: GPL-2.0
# libs/string.c against glibc. test_string.c #includes the source under
# keel_* names (glibc's own would clash), hence the extra prerequisite.
UNIT_TESTS += string
string_SRCS := tests/unit/test_string.c tests/unit/host/host_support.c
$(BUILD)/unit/string: $(SRCTREE)/libs/string.c
