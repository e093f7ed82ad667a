# SPDX-License-Identifier: GPL-2.0
"""Time at its limits, seen from guests (issue 8, items 3 and 9).

A guest timer far in the future must neither fire nor stall the vCPU (a
wrapping conversion once put it in the past, re-armed on every entry:
~17,000 exits a second and no progress), one in the past must be due at
once; and the time `vcpu stats` counts in guest mode must be time the
vCPU really ran: summed over vCPUs, never more than CPUs x wall time."""
import os
import re
import time

import pytest

import keel
from machines import ARCH, BUILD, machine

M = machine()
pytestmark = pytest.mark.skipif(
    not M["guests"], reason="Keel runs no guests on this arch yet")
BUNDLE = os.path.join(BUILD, "test-bundle.cpio")
UART = M["guest_uart"]
HOST_CPUS = 2


def stats(k, vcpu):
    """(exit counts by reason, time in guest in seconds) of one vCPU."""
    out = k.cmd(f"vcpu stats {vcpu}")
    exits = {m.group(1): int(m.group(2))
             for m in re.finditer(r"^([a-z-]+)\s+(\d+)$", out, re.M)}
    run = re.search(r"^time in guest: (\d+) us$", out, re.M)
    assert run and "irq" in exits, out
    return exits, int(run.group(1)) / 1e6


@pytest.fixture(scope="module")
def two_guests():
    """basic0 (autostarted) and basic1, 2 vCPUs each, on 2 host CPUs."""
    k = keel.start(smp=HOST_CPUS, extra=["-initrd", BUNDLE])
    try:
        assert "created" in k.cmd("guest create basic1.dtb")
        assert "guest basic1 started" in k.cmd("guest kick basic1")
        yield k
    finally:
        k.close()


@pytest.fixture(scope="module")
def timer_limits(two_guests):
    """The firmware's timer-limits on basic0's vCPU0: compare values
    2^56 .. 3 x 2^62 (200 ms of spinning on each, against the progress with
    no timer armed), then deadlines 0 to 0.1 s in the past (arm64: a
    negative CNTV_TVAL), in WFI and spinning. (verdict, output, IRQ
    exits of that vCPU per second meanwhile)."""
    k = two_guests
    before, _ = stats(k, "basic0/0")
    t0 = time.monotonic()
    with keel.Console(k, f"basic0/{UART}") as con:
        verdict, out = con.run("timer-limits", timeout=60)
    wall = time.monotonic() - t0
    after, _ = stats(k, "basic0/0")
    return verdict, out, (after["irq"] - before["irq"]) / wall


FAR = ("0x100000000000000", "0x2000000000000000", "0x4000000000000000",
       "0x8000000000000000", "0xc000000000000000")


def test_far_future_timer_neither_fires_nor_stalls(timer_limits):
    _, out, irq_rate = timer_limits
    for value in FAR:
        m = re.search(rf"^deadline {value}: \d+ turns \((\d+)% of idle\), "
                      r"pending (\d), (\d+) interrupts$", out, re.M)
        assert m, f"{value}\n{out}"
        # Stalled, it got ~5 %; a loaded host costs less than that.
        assert int(m.group(1)) >= 25, f"{value}\n{out}"
        assert m.group(2) == "0" and m.group(3) == "0", f"{value}\n{out}"
    # A 10 ms slice gives ~100 a second; a stalled vCPU took ~17,000.
    assert irq_rate < 1000, f"{irq_rate:.0f} IRQ exits a second\n{out}"


def test_past_timer_deadline_interrupts_at_once(timer_limits):
    _, out, _ = timer_limits
    lines = re.findall(r"^(\d+) ticks ago \((in WFI|spinning)\): pending \d "
                       r"at once, (.*)$", out, re.M)
    # 0, 1, 1000 ticks, 1 ms and 100 ms ago, each sleeping and spinning.
    assert len(lines) == 10, out
    for ago, how, result in lines:
        m = re.fullmatch(r"interrupt after (\d+)\.(\d+) ms", result)
        assert m, f"{ago} ticks ago, {how}: {result}\n{out}"
        assert int(m.group(1)) < 100, f"{ago} ticks ago, {how}: {result}"


@pytest.mark.xfail(ARCH == "riscv64", strict=True,
                   reason="QEMU 7.2 masks VS-mode sip reads to SSIP (csr.c "
                   "rmw_vsip64), so sip.STIP reads 0; that the interrupt is "
                   "pending shows in test_past_timer_deadline_interrupts_at_"
                   "once and in sbi-conf's delivery checks")
def test_past_timer_deadline_pending_at_once(timer_limits):
    """The condition (arm64 CNTV_CTL.ISTATUS, riscv sip.STIP) reads 1
    right after arming, interrupts still masked; and nothing else failed."""
    verdict, out, _ = timer_limits
    assert len(re.findall(r"^\d+ ticks ago .*: pending 1 at once", out,
                          re.M)) == 10, out
    assert verdict == "PASS", out


@pytest.mark.xfail(bool(M.get("guest_time_over_two_cpus")), strict=False,
                   reason=M.get("guest_time_over_two_cpus", ""))
def test_time_in_guest_fits_the_host_cpus(two_guests):
    """4 vCPUs spinning in guest mode on 2 host CPUs: each gets about
    half a CPU, so time in guest grows by at most 2 x wall time in all
    (it once counted the time other threads ran after a preemption, each
    vCPU close to the whole wall time)."""
    k = two_guests
    vcpus = [f"{g}/{n}" for g in ("basic0", "basic1") for n in (0, 1)]
    spin_s = 10
    for g in ("basic0", "basic1"):
        # Left running: the console detaches, the guest spins on.
        with keel.Console(k, f"{g}/{UART}"):
            k.send_raw(f"spin {spin_s}\r")
            k.child.expect_exact(f"spinning for {spin_s} s", timeout=30)
    time.sleep(1)
    t0 = time.monotonic()
    first = {v: stats(k, v)[1] for v in vcpus}
    time.sleep(4)
    last = {v: stats(k, v)[1] for v in vcpus}
    wall = time.monotonic() - t0
    ran = {v: last[v] - first[v] for v in vcpus}
    total = sum(ran.values())
    detail = ", ".join(f"{v} {s:.2f} s" for v, s in ran.items())
    # One 10 ms slice per vCPU may straddle a reading.
    assert total <= HOST_CPUS * wall + 0.01 * len(vcpus), \
        f"{total:.2f} s in guest in {wall:.2f} s on {HOST_CPUS} CPUs: {detail}"
    # And every vCPU did run. Not necessarily most of the time: Keel
    # starts and wakes a thread on the CPU it was on, with no balancing,
    # so today all four share CPU 0 (about 1 x wall in all) while CPU 1
    # idles; and QEMU's threads share a loaded host.
    assert total >= 0.25 * wall, detail
    for v in vcpus:
        assert ran[v] >= 0.02 * wall, detail
    # Both guests' spins end and report every vCPU busy.
    for g in ("basic0", "basic1"):
        out = k.cmd(f"vserial dump {g}/{UART}", timeout=spin_s + 30)
        deadline = time.monotonic() + spin_s + 30
        while "spin: " not in out and time.monotonic() < deadline:
            time.sleep(1)
            out = k.cmd(f"vserial dump {g}/{UART}")
        assert "spun 2 of 2 vCPUs" in out and "spin: PASS" in out, out
