# SPDX-License-Identifier: GPL-2.0
# Timekeeping and tickless per-CPU timer events over a fake counter and
# compare device, at several counter frequencies.
UNIT_TESTS += timer
timer_SRCS := tests/unit/test_timer.c core/timer.c \
	tests/unit/host/host_support.c
