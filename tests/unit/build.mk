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

define unit_rule
$(BUILD)/unit/$(1): $$(addprefix $(SRCTREE)/,$$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	@$$(if $(Q),echo "  HOSTCC  unit/$(1)")
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $$($(1)_CFLAGS) -o $$@ \
		$$(addprefix $(SRCTREE)/,$$($(1)_SRCS)) $$($(1)_LDLIBS)
-include $(BUILD)/unit/$(1).d
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

UNIT_BINS := $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))

unittest: $(HOST_TOOLS_STAMP) $(UNIT_BINS)
	$(Q)$(SRCTREE)/tools/run-unit-tests.sh $(UNIT_BINS)
