# Host unit tests: each tests/unit/<name>.test.mk adds <name> to UNIT_TESTS
# and sets <name>_SRCS (paths from the source root), and optionally
# <name>_CFLAGS and <name>_LDLIBS. Every test runs under ASan and UBSan.

UNIT_TESTS :=
include $(sort $(wildcard $(SRCTREE)/tests/unit/*.test.mk))

UNIT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer \
	-Wall -Wextra -Werror -Wno-unused-parameter -DKEEL_HOST_TEST -MMD -MP \
	-I$(SRCTREE)/tests/unit/host/include -I$(SRCTREE)/tests/unit \
	-I$(SRCTREE)/include -include $(SRCTREE)/tests/unit/host/host_config.h

# Each test's sources compile to their own objects (so that -MMD tracks
# every header of every source) under $(BUILD)/unit/<test>.objs/.
define unit_rule
$(1)_OBJS := $$(addprefix $(BUILD)/unit/$(1).objs/,$$(patsubst %.c,%.o,$$($(1)_SRCS)))
$(BUILD)/unit/$(1).objs/%.o: $(SRCTREE)/%.c
	@mkdir -p $$(dir $$@)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $$($(1)_CFLAGS) -c $$< -o $$@
$(BUILD)/unit/$(1): $$($(1)_OBJS)
	@$$(if $(Q),echo "  HOSTLD  unit/$(1)")
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $$@ $$($(1)_OBJS) $$($(1)_LDLIBS)
.PHONY: unit-$(1)
unit-$(1): $(BUILD)/unit/$(1)
	$(Q)$(SRCTREE)/tools/run-unit-tests.sh $$<
-include $$($(1)_OBJS:.o=.d)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

UNIT_BINS := $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))

# The fdt and devtree tests compare against libfdt over real blobs
# (Debian's arm64 kernel, QEMU virt): fetched once, checksummed, into a
# cache outside the tree (tools/fetch-test-dtbs.sh, KEEL_CACHE), unless
# KEEL_TEST_DTBS names a directory of them already. Without them the
# unit tests fail rather than skip the comparison.
unittest: $(HOST_TOOLS_STAMP) $(UNIT_BINS)
	$(Q)dtbs="$${KEEL_TEST_DTBS:-$$($(SRCTREE)/tools/fetch-test-dtbs.sh | tail -n 1)}"; \
	if [ ! -d "$$dtbs" ]; then \
		echo "unittest: no test blobs in '$$dtbs' (KEEL_TEST_DTBS, else tools/fetch-test-dtbs.sh)"; \
		exit 1; \
	fi; \
	KEEL_TEST_DTBS="$$dtbs" $(SRCTREE)/tools/run-unit-tests.sh $(UNIT_BINS)
