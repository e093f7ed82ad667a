# SPDX-License-Identifier: GPL-2.0
# The host UARTs' shared polled transmit (drivers/serial/serial_tx.c):
# newline translation, waiting for the transmitter before every byte,
# the port's locked chardev write and the early console, over a fake
# transmitter.
UNIT_TESTS += serial_tx
serial_tx_SRCS := tests/unit/test_serial_tx.c drivers/serial/serial_tx.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
