# SPDX-License-Identifier: GPL-2.0
# The NS16550A UART emulator through its operations, with the real virtual
# serial ports behind it (and no console), on the shared fake guest
# (host/fake_guest.c). test_ns16550.c #includes the emulator (its
# operations are reachable only through a linker section on Keel).
UNIT_TESTS += ns16550
ns16550_SRCS := tests/unit/test_ns16550.c core/vserial.c \
	emulators/serial/uart_port.c \
	core/devemu_instance.c tests/unit/host/fake_guest.c tests/unit/host/no_console.c \
	tests/unit/host/host_heap.c tests/unit/host/host_string.c \
	tests/unit/host/host_support.c
$(BUILD)/unit/ns16550: $(SRCTREE)/emulators/serial/ns16550.c
