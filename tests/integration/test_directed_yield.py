# SPDX-License-Identifier: GPL-2.0
"""Directed yield (issue 11): an IPI to a vCPU that is ready but waits for
the same host CPU lets it run at once, for a bounded loan, and then the
sender again (core/sched.c sched_yield_to, docs/architecture.md).

Keel runs on ONE host CPU, so a guest's two vCPUs share it. The basic
firmware's `bench ipi-spin` sends IPIs to vCPU1, which spins with
interrupts enabled and never waits, while vCPU0 spins until vCPU1's
handler has counted each one: nobody gives the CPU away. Without a
directed yield each IPI waits for the end of vCPU0's time slice (10 ms,
some 15 M instructions), and 65,536 of them take some 16 minutes of
virtual time; with it, a few thousand instructions each.

Under -icount shift=0 (one ns of the guest's clock is one instruction),
so that the loan, 2 us by default, is the same number of instructions
on every host however fast QEMU runs.
"""
import os
import re

import pytest

import keel
from machines import BUILD, machine

M = machine()
BUNDLE = os.path.join(BUILD, "test-bundle.cpio")
UART = M["guest_uart"]
ICOUNT = ["-icount", "shift=0,sleep=off"]
N = 65536

# Per host interrupt controller: the guest to create (None: basic0, which
# starts at boot) and its name; GICv2 SGIs come through GICD_SGIR (an MMIO
# exit), GICv3 ones through ICC_SGI1R_EL1, riscv's through SBI IPI, x86's
# through the local APIC's ICR (an MMIO exit, whose EOI ends the loan).
GUESTS = {"gicv3": (None, "basic0"), "gicv2": ("basic-gicv2.dtb", "basicv2"),
          "plic": (None, "basic0"), "x86-apic": (None, "basic0")}
# The median an IPI may take (issue 11's goal is 5,000; without the
# directed yield, 15 M).
BOUND = M.get("ipi_spin_bound", 10000)
IRQCHIPS = [c for c in M["irqchips"] if c in GUESTS]


def start(irqchip):
    dtb, name = GUESTS[irqchip]
    k = keel.start(smp=1, irqchip=irqchip, extra=ICOUNT + ["-initrd", BUNDLE])
    if dtb:
        assert "created" in k.cmd(f"guest create {dtb}")
        assert f"guest {name} started" in k.cmd(f"guest kick {name}")
    return k, name


def ipi_spin(con, n, timeout):
    """`bench ipi-spin n`: (median in ns, IPIs answered late, run in us)."""
    verdict, out = con.run(f"bench ipi-spin {n}", timeout=timeout)
    assert verdict == "PASS", out
    # Every IPI sent was handled, once, by the spinning vCPU1.
    m = re.search(rf"ipi-spin {n} IPIs sent, {n} handled by vCPU1, (\d+) "
                  r"after more than 1 ms, in (\d+) us", out)
    assert m, out
    late, us = int(m.group(1)), int(m.group(2))
    m = re.search(r"bench ipi-spin median \d+ ticks = (\d+) ns .* (\d+) runs",
                  out)
    assert m and int(m.group(2)) == n, out
    return int(m.group(1)), late, us


@pytest.mark.parametrize("irqchip", IRQCHIPS)
def test_65536_ipis_to_a_spinning_vcpu_finish(irqchip):
    k, name = start(irqchip)
    try:
        with keel.Console(k, f"{name}/{UART}") as con:
            ns, late, us = ipi_spin(con, N, timeout=120)
        assert ns <= BOUND, f"ipi-spin median {ns} instructions"
        # Late: those whose answer came after the sender's slice ran out
        # (one a slice of 10 ms, its partner's turn) or when a loan was
        # too short (one in a thousand).
        assert late <= N // 1000 + us // 10000, \
            f"{late} IPIs answered after 1 ms, in {us} us"
    finally:
        k.close()


def runtimes(k):
    """Each thread's run time in us, by name (thread list)."""
    out = k.cmd("thread list")
    return {f[1]: int(f[6]) for f in (ln.split() for ln in out.splitlines()[1:])
            if len(f) >= 8}


def test_a_third_busy_guest_is_not_starved():
    """A loan counts against the lender's slice: two vCPUs that keep
    lending to each other cannot keep the CPU from a busy neighbour.
    basic1 (2 vCPUs) spins on the same host CPU while basic0 sends its
    IPIs; of the time the IPIs took, basic0's vCPUs may have had only a
    fair part (four busy threads: about half), the rest was basic1's. A
    lender that got a fresh slice back after each loan kept basic1 off
    the CPU for as long as the IPIs went on (basic0 had all of it)."""
    irqchip = M["default_irqchip"]
    k, name = start(irqchip)
    try:
        assert "created" in k.cmd("guest create basic1.dtb")
        assert "started" in k.cmd("guest kick basic1")
        with keel.Console(k, f"basic1/{UART}"):
            # Busy for longer than the test runs; left running.
            k.send_raw("spin 3000\r")
            k.child.expect_exact("spinning for 3000 s", timeout=30)
        before = runtimes(k)
        with keel.Console(k, f"{name}/{UART}") as con:
            _, _, us = ipi_spin(con, N // 4, timeout=120)
        after = runtimes(k)
        # basic0's vCPUs run outside the benchmark only to answer the
        # console (a little): what they had over the whole window bounds
        # what they had while it ran from above.
        basic0 = sum(after[t] - before[t] for t in after
                     if t.startswith(f"{name}/vcpu"))
        others = 1 - basic0 / us
        assert others >= 0.3, \
            f"basic0 had {basic0} us of the {us} us its IPIs took"
    finally:
        k.close()


def test_destroying_guests_in_the_middle_of_their_ipis():
    """A vCPU lent the CPU, or lending it, when its guest is destroyed
    leaves the scheduler holding nothing of it (a loan's threads are
    only compared, and forgotten at the next switch): guests created
    after it run, the heap finds no damage. basic1 is destroyed while its
    IPIs go on, three times; then basic0 sends its own."""
    irqchip = M["default_irqchip"]
    k, name = start(irqchip)
    try:
        for _ in range(3):
            assert "created" in k.cmd("guest create basic1.dtb")
            assert "started" in k.cmd("guest kick basic1")
            with keel.Console(k, f"basic1/{UART}"):
                k.send_raw(f"bench ipi-spin {N}\r")
                # Started: vCPU1 came up, IPIs going (their figures come
                # only at the end, which is never reached).
                k.child.expect_exact(f"bench ipi-spin {N}", timeout=30)
            assert "destroyed" in k.cmd("guest destroy basic1")
        with keel.Console(k, f"{name}/{UART}") as con:
            ns, _, _ = ipi_spin(con, 1000, timeout=60)
        assert ns <= BOUND, f"ipi-spin median {ns} instructions"
        assert "errors found:  0" in k.cmd("heap info")
    finally:
        k.close()
