# SPDX-License-Identifier: GPL-2.0
# libs/printf.c against glibc. test_printf.c #includes the source under
# keel_* names (glibc's own would clash), hence the extra prerequisite.
UNIT_TESTS += printf
printf_SRCS := tests/unit/test_printf.c tests/unit/host/host_support.c
$(BUILD)/unit/printf: $(SRCTREE)/libs/printf.c
