# SPDX-License-Identifier: GPL-2.0
# Virtual network switches (core/netswitch.c) with ports of the test's
# own: learning, forwarding, flooding, filtering, detach, malformed
# frames, the one uplink, counters, snapshots, a full and an aging
# address table, host interfaces and the default switch. The mutex and
# the clock are fakes in the test.
UNIT_TESTS += netswitch
netswitch_SRCS := tests/unit/test_netswitch.c core/netswitch.c \
	tests/unit/host/host_heap.c tests/unit/host/host_string.c \
	tests/unit/host/host_printk.c tests/unit/host/host_support.c
