# SPDX-License-Identifier: GPL-2.0
# Virtual serial ports and the vserial command over a scripted console.
# The test finds the command by name (core/term/command_registry.c) in
# the table host/keel_tables.ld lays out, as the terminal does.
UNIT_TESTS += vserial
vserial_SRCS := tests/unit/test_vserial.c core/vserial.c \
	core/term/cmd_vserial.c core/term/command_registry.c \
	tests/unit/host/host_heap.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
vserial_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/vserial: $(SRCTREE)/tests/unit/host/keel_tables.ld
