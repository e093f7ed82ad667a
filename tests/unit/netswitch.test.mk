# SPDX-License-Identifier: GPL-2.0
# Virtual network switches (core/netswitch.c) with ports of the test's
# own: learning, forwarding, flooding, filtering, detach, malformed
# frames, the one uplink, counters, snapshots, a full and an aging
# address table, host interfaces and the default switch. The clock is a
# fake in the test, the mutex the tests' own (host/fake_mutex.c).
UNIT_TESTS += netswitch
netswitch_SRCS := tests/unit/test_netswitch.c core/netswitch.c \
	tests/unit/host/fake_mutex.c tests/unit/host/host_heap.c \
	tests/unit/host/host_string.c \
	tests/unit/host/host_printk.c tests/unit/host/host_support.c
