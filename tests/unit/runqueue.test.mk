# SPDX-License-Identifier: GPL-2.0
# The per-CPU priority run queue, against a model of one FIFO per level.
UNIT_TESTS += runqueue
runqueue_SRCS := tests/unit/test_runqueue.c core/runqueue.c \
	tests/unit/host/host_support.c
