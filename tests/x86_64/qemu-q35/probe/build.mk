# SPDX-License-Identifier: GPL-2.0
# The x86 SVM probe (probe.S): a guest program, not part of Keel, built
# with the host's binutils as 32-bit code linked at 0, where Keel loads a
# raw binary (the base of the guest's RAM).
PROBE_X86_SRC := $(SRCTREE)/tests/x86_64/qemu-q35/probe
PROBE_X86_OUT := $(BUILD)/guests/x86_64/probe
GUEST_FIRMWARE_X86 := $(PROBE_X86_OUT)/probe.bin

$(PROBE_X86_OUT)/probe.o: $(PROBE_X86_SRC)/probe.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      probe.S (x86 guest)")
	$(Q)gcc -m32 -c -o $@ $<

$(PROBE_X86_OUT)/probe.elf: $(PROBE_X86_OUT)/probe.o
	$(Q)ld -m elf_i386 -Ttext=0 -z noexecstack -o $@ $<

$(GUEST_FIRMWARE_X86): $(PROBE_X86_OUT)/probe.elf
	$(Q)objcopy -O binary $< $@
