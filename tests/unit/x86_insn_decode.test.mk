# SPDX-License-Identifier: GPL-2.0
# x86 device-access decoding (arch/x86_64/insn_decode.c): every form it
# claims in 64-, 32- and 16-bit modes, prefixes, lengths, refusals,
# truncated and garbage bytes, and the register results of loads.
UNIT_TESTS += x86_insn_decode
x86_insn_decode_SRCS := tests/unit/test_x86_insn_decode.c arch/x86_64/insn_decode.c
