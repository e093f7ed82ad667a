# SPDX-License-Identifier: GPL-2.0
# arm64 trap syndromes (arch/arm64/esr.c): data-abort decoding of every
# size, sign and zero extension into W and X registers, refusals, and the
# system-register ISS.
UNIT_TESTS += esr
esr_SRCS := tests/unit/test_esr.c arch/arm64/esr.c
