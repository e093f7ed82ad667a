# SPDX-License-Identifier: GPL-2.0
# The SBI a riscv guest's ECALLs reach (arch/riscv/sbi_emul.c), called as
# the vCPU code calls it, over fakes of its own in test_sbi_emul.c: a
# guest with four vCPUs (hart ids 0, 1, 3 and 6), guest memory, a console
# port and recorders of the timer, IPIs and fences the SBI asks for.
# The shared fake guest (host/fake_guest.c) is not linked: its
# arch_vcpu_hwid and guest_name would collide with those fakes.
UNIT_TESTS += sbi_emul
sbi_emul_SRCS := tests/unit/test_sbi_emul.c arch/riscv/sbi_emul.c
