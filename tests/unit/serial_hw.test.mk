# SPDX-License-Identifier: GPL-2.0
# The host UARTs' register-level drivers (drivers/serial/ns16550.c and
# pl011.c) on register blocks in host memory: offsets at every reg-shift,
# access widths, init values and status bits; and the NS16550 in I/O
# ports (the port accessors supplied by the test).
UNIT_TESTS += serial_hw
serial_hw_SRCS := tests/unit/test_serial_hw.c drivers/serial/ns16550.c \
	drivers/serial/pl011.c
serial_hw_CFLAGS := -DCONFIG_SERIAL_NS16550_PORT_IO=1
