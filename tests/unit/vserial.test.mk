# SPDX-License-Identifier: GPL-2.0
# Virtual serial ports and the vserial command over a scripted console.
# test_vserial.c #includes core/vserial.c (for its locks and limits) and
# core/term/cmd_vserial.c (registered on Keel through a linker section).
UNIT_TESTS += vserial
vserial_SRCS := tests/unit/test_vserial.c tests/unit/host/host_heap.c \
	tests/unit/host/host_string.c tests/unit/host/host_support.c
$(BUILD)/unit/vserial: $(SRCTREE)/core/vserial.c \
	$(SRCTREE)/core/term/cmd_vserial.c
