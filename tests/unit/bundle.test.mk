# SPDX-License-Identifier: GPL-2.0
# The boot bundle's cpio reader against archives GNU cpio and
# tools/make-bundle.sh write, and against malformed ones, with the
# `bundle list` command (core/term/cmd_bundle.c) found by name, through
# the terminal's lookup (core/term/command_registry.c), in the
# command table, which host/keel_tables.ld lays out as Keel's linker
# script does.
UNIT_TESTS += bundle
bundle_SRCS := tests/unit/test_bundle.c core/bundle.c \
	core/term/cmd_bundle.c core/term/command_registry.c \
	tests/unit/host/host_heap.c
bundle_LDLIBS := -Wl,-T,$(SRCTREE)/tests/unit/host/keel_tables.ld
$(BUILD)/unit/bundle: $(SRCTREE)/tests/unit/host/keel_tables.ld
