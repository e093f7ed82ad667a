# SPDX-License-Identifier: GPL-2.0
"""Keel's built-in white-box tests of its scheduler, timers and memory,
run on the real (emulated) CPUs with both interrupt controllers."""
import re

import pytest

import keel
from machines import machine

M = machine()
SELFTESTS = ["sched.priority", "sched.timeslice", "sched.sleep",
             "sched.timedwait", "sched.migrate", "sched.wakeup", "sched.balance", "sched.balance-prio", "sched.kept", "timer.tickless", "mm.baseline"]
CONFIGS = [(1, M["default_irqchip"])] + [(4, chip) for chip in M["irqchips"]]


@pytest.mark.parametrize("smp,irqchip", CONFIGS,
                         ids=[f"smp{s}-{c}" for s, c in CONFIGS])
def test_selftests_pass(smp, irqchip):
    k = keel.start(smp=smp, irqchip=irqchip)
    try:
        assert k.cmd("selftest list").split() == SELFTESTS
        heap_before = k.cmd("heap info")
        threads_before = k.cmd("thread list")
        out = k.cmd("selftest all", timeout=180)
        results = dict(re.findall(r"^(\S+): (PASS|FAIL.*)$", out, re.M))
        assert results == {name: "PASS" for name in SELFTESTS}, out
        assert "selftest: 11 passed, 0 failed" in out
        # Every test thread was reaped and its memory returned.
        names = lambda t: sorted(ln.split()[1] for ln in t.splitlines()[1:])
        assert names(k.cmd("thread list")) == names(threads_before)
        in_use = lambda h: re.search(r"in use:\s+(\d+) bytes in (\d+)", h).groups()
        assert in_use(k.cmd("heap info")) == in_use(heap_before)
    finally:
        k.close()


def test_selftest_usage(keel_smp4):
    assert "usage: selftest list | selftest all | selftest <name>" in keel_smp4.cmd("selftest")
    out = keel_smp4.cmd("selftest nosuch")
    assert "error: no selftest 'nosuch'" in out
    assert "sched.sleep: PASS" in keel_smp4.cmd("selftest sched.sleep")
