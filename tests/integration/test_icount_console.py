# SPDX-License-Identifier: GPL-2.0
"""A guest's console under `-icount shift=0,sleep=off` (what `make bench`
runs): typed input reaches the guest and its answer comes back.

With sleep=off an idle machine's clock moves at once to its earliest
timer. On riscv64 OpenSBI leaves each hart's machine timer at the end of
time (mtimecmp = -1); a Keel that idled with no deadline of its own had
its clock moved there, where QEMU fires every new timer at once and the
machine livelocks: the prompt never came back (issue 8, item 10).
"""
import os
import re
import time

import pytest

import keel
from machines import BUILD, machine

M = machine()
pytestmark = pytest.mark.skipif(
    not M["guests"], reason="Keel runs no guests on this arch yet")
BUNDLE = os.path.join(BUILD, "bundle.cpio")
UART = M["guest_uart"]
ICOUNT = ["-icount", "shift=0,sleep=off"]
# QEMU 7.2 riscv64 under icount hangs with more than one hart.
SMP = M.get("icount_smp", 2)
# QEMU's virtual clock ends at 2^63 ns, about 292 years.
END_OF_TIME_S = (1 << 63) / 1e9


def uptime(k):
    m = re.search(r"Uptime:\s+([0-9.]+) s", k.cmd("host info"))
    assert m, "host info shows no uptime"
    return float(m.group(1))


def test_typed_input_reaches_the_guest_under_icount():
    k = keel.start(smp=SMP, extra=ICOUNT + ["-initrd", BUNDLE])
    try:
        for turn in range(3):
            # Idle: the clock moves to the machine's next timer.
            time.sleep(2)
            with keel.Console(k, f"basic0/{UART}") as con:
                verdict, out = con.run("hi", timeout=60)
                assert verdict == "PASS", f"turn {turn}: {verdict}\n{out}"
            # Idle time passes in jumps, but never to the end of time.
            up = uptime(k)
            assert up < END_OF_TIME_S / 2, \
                f"turn {turn}: the clock ran to the end of time ({up} s)"
    finally:
        k.close()
