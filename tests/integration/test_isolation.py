# SPDX-License-Identifier: GPL-2.0
"""CPU state that must stay with its vCPU (arm64): the EL1 physical timer,
the PMU and the debug registers. Keel runs on one CPU, so basic0 and
basic1 take turns on it; whatever one guest writes the other must never
read, and each keeps its own."""
import os
import re
import time

import pytest

import keel
from machines import ARCH, BUILD, machine

M = machine()
pytestmark = pytest.mark.skipif(
    ARCH != "arm64", reason="the EL1 physical timer, PMU and debug "
    "registers are arm64's")
BUNDLE = os.path.join(BUILD, "test-bundle.cpio")
UART = M["guest_uart"]
MARK0 = 0x1122334455667788
MARK1 = 0x0a1b2c3d4e5f6071


@pytest.fixture(scope="module")
def one_cpu():
    """basic0 (started at boot) and basic1 on a single host CPU."""
    k = keel.start(smp=1, extra=["-initrd", BUNDLE])
    assert "created" in k.cmd("guest create basic1.dtb")
    assert "guest basic1 started" in k.cmd("guest kick basic1")
    yield k
    k.close()


def run(k, guest, line):
    with keel.Console(k, f"{guest}/{UART}") as con:
        return con.run(line)


def test_marked_registers_do_not_leak_to_a_guest_on_the_same_cpu(one_cpu):
    k = one_cpu
    verdict, out = run(k, "basic0", f"mark {MARK0:#x}")
    assert verdict == "PASS", out
    # The timer and the breakpoint/watchpoint values are the guest's own.
    for reg in ("cntp_cval_el0", "dbgbvr1_el1", "dbgwvr1_el1"):
        assert f"mark {reg}: reads back {MARK0:#x}" in out, out
    verdict, out = run(k, "basic1", f"leak {MARK0:#x}")
    assert verdict == "PASS", out
    assert "leak cntp_cval_el0: 0x0\n" in out, out
    # The other way round; basic0 still has what it wrote.
    verdict, out = run(k, "basic1", f"mark {MARK1:#x}")
    assert verdict == "PASS", out
    verdict, out = run(k, "basic0", f"leak {MARK1:#x}")
    assert verdict == "PASS", out
    for reg in ("cntp_cval_el0", "dbgbvr1_el1", "dbgwvr1_el1"):
        assert f"leak {reg}: {MARK0:#x}\n" in out, out


def test_physical_timer_per_vcpu_on_one_cpu(one_cpu):
    """Both guests use their EL1 physical timer at the same time on one
    CPU: interrupts in TVAL and CVAL form, ISTATUS before the interrupt is
    taken, IMASK, and a far-future CVAL that reads back what each wrote."""
    k = one_cpu
    k.send_raw(f"vserial bind basic1/{UART}\r")
    k.child.expect_exact(f"connected to basic1/{UART}", timeout=30)
    k.send_raw("\r")
    k.child.expect_exact(keel.FW_PROMPT, timeout=30)
    k.send_raw("ptimer 100\r")
    k.child.expect_exact("ptimer 100", timeout=30)
    k.send_raw(keel.ESCAPE)
    k.wait_prompt()
    verdict, out = run(k, "basic0", "ptimer 20")
    assert verdict == "PASS", out
    for _ in range(120):
        dump = k.cmd(f"vserial dump basic1/{UART}")
        if re.search(r"^ptimer: (PASS|FAIL)", dump, re.M):
            break
        time.sleep(1)
    assert re.search(r"^ptimer: PASS", dump, re.M), dump


def test_pmu_is_absent_from_the_guests_id_registers(one_cpu):
    """ID_AA64DFR0_EL1.PMUVer reads 0 (no PMU), the rest as the host's."""
    verdict, out = run(one_cpu, "basic0", "info")
    assert verdict == "PASS", out
    m = re.search(r"ID_AA64DFR0_EL1 (0x[0-9a-f]+) \(PMUVer (\d+)\)", out)
    assert m and m.group(2) == "0", out
    # Debug architecture version (bits 3:0) and breakpoints still there.
    assert (int(m.group(1), 16) & 0xf) >= 6, out
