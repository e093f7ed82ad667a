# SPDX-License-Identifier: GPL-2.0
# riscv load/store decoding (arch/riscv/insn_decode.c): every width of
# RV64I loads and stores, the compressed forms, htinst's transformed
# instructions and pseudoinstructions, and refusals.
UNIT_TESTS += insn_decode
insn_decode_SRCS := tests/unit/test_insn_decode.c arch/riscv/insn_decode.c
