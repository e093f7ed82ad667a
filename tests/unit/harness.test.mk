# SPDX-License-Identifier: GPL-2.0
# The unit-test harness (unit.h): a test registered beyond its table's
# limit fails the program instead of going missing.
UNIT_TESTS += harness
harness_SRCS := tests/unit/test_harness.c
