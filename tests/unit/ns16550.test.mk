# SPDX-License-Identifier: GPL-2.0
# The NS16550A UART emulator through its operations, with the real virtual
# serial ports behind it (and no console), on the shared fake guest
# (host/fake_guest.c). It finds the emulator by its compatible string
# (core/devemu_registry.c) in the table host/keel_tables.ld lays out.
UNIT_TESTS += ns16550
ns16550_SRCS := tests/unit/test_ns16550.c emulators/serial/ns16550.c \
	emulators/serial/uart_port.c core/vserial.c \
	core/devemu_instance.c core/devemu_registry.c \
	tests/unit/host/fake_guest.c tests/unit/host/no_console.c \
	tests/unit/host/host_heap.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
ns16550_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/ns16550: $(SRCTREE)/tests/unit/host/keel_tables.ld
