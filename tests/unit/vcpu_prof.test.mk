# SPDX-License-Identifier: GPL-2.0
# The vCPU exit profile (core/vcpu_prof.c): exit classes, windows charged
# to the class of the exit that opened them, the switched-out part taken
# from the scheduler's run time and waits in place, devices charged too.
UNIT_TESTS += vcpu_prof
vcpu_prof_SRCS := tests/unit/test_vcpu_prof.c core/vcpu_prof.c
