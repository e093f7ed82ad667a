# SPDX-License-Identifier: GPL-2.0
# The boot bundle's cpio reader against archives GNU cpio and
# tools/make-bundle.sh write, and against malformed ones. test_bundle.c
# #includes core/term/cmd_bundle.c to run `bundle list`, hence the extra
# prerequisite.
UNIT_TESTS += bundle
bundle_SRCS := tests/unit/test_bundle.c core/bundle.c \
	tests/unit/host/host_heap.c
$(BUILD)/unit/bundle: $(SRCTREE)/core/term/cmd_bundle.c
