# SPDX-License-Identifier: GPL-2.0
"""State a hypervisor may switch lazily, checked from inside a guest whose
two vCPUs share ONE host CPU (Keel started with -smp 1), so that every
yield really runs the other vCPU (issue 11). The basic firmware's
`lazy-state` writes per-vCPU values into the EL1 / VS-mode registers, the
FP registers, the virtual timer and the interrupt controller's virtual CPU
interface, takes exits (firmware call, emulated register reads, a yield)
and reads them back; `lazy-wake` checks that timer interrupts and IPIs are
not lost while the vCPUs share the CPU (tests/common/basic/lazy.c)."""
import os
import time
import re

import pytest

import keel
from machines import BUILD, machine

M = machine()
BUNDLE = os.path.join(BUILD, "test-bundle.cpio")
UART = M["guest_uart"]
ROUNDS = 40

# Per host interrupt controller: the guest to create (None: basic0, which
# starts at boot) and its name. A GICv2 host runs the GICv2 guest only.
GUESTS = {"gicv3": (None, "basic0"), "gicv2": ("basic-gicv2.dtb", "basicv2"),
          "plic": (None, "basic0"), "x86-apic": (None, "basic0")}
IRQCHIPS = [c for c in M["irqchips"] if c in GUESTS]


@pytest.fixture(scope="module", params=IRQCHIPS)
def guest(request):
    dtb, name = GUESTS[request.param]
    k = keel.start(smp=1, irqchip=request.param, extra=["-initrd", BUNDLE])
    try:
        if dtb:
            assert "created" in k.cmd(f"guest create {dtb}")
            assert f"guest {name} started" in k.cmd(f"guest kick {name}")
        with keel.Console(k, f"{name}/{UART}") as con:
            yield con
    finally:
        k.close()


def test_registers_survive_exits_and_the_other_vcpu(guest):
    verdict, out = guest.run(f"lazy-state {ROUNDS}", timeout=120)
    assert verdict == "PASS", out
    lines = re.findall(r"lazy-state vCPU(\d) (\d+) of (\d+) rounds, (\d+) words, "
                       r"\d+ exits, (\d+) of (\d+) yields", out)
    assert len(lines) == 2, out
    for _, done, rounds, words, overlaps, yields in lines:
        assert done == rounds == str(ROUNDS), out
        # FP alone is 33 (riscv) or 66 (arm64) words.
        assert int(words) > 33, out
        assert 2 * int(overlaps) >= int(yields), out


def test_a_yield_counts_the_other_vcpu_as_off_cpu(guest):
    """A yield to the other vCPU switches inside the run (keel/
    vcpu_reentry.h, vcpu_switch_in_run) on arm64 and riscv64: the time
    the yielder then spends switched out is off-CPU time in the profile,
    not Keel's, as when core switches it."""
    k = guest.keel
    name = guest.port.split("/")[0]
    guest.__exit__()
    before = keel.vcpu_profile(k, name)[0]["yield"][3]
    guest.__enter__()
    verdict, out = guest.run("lazy-state 10", timeout=120)
    assert verdict == "PASS", out
    guest.__exit__()
    try:
        classes = keel.vcpu_profile(k, name)[0]
    finally:
        guest.__enter__()
    exits, _, _, off_ns = classes["yield"]
    assert exits > 0, classes
    # Each yield let the other vCPU run before this one came back.
    assert off_ns > before, classes


def wake(con, bound_us):
    verdict, out = con.run(f"lazy-wake 3 {bound_us}", timeout=120)
    assert len(re.findall(r"^lazy-wake .*: 3 runs, worst \d+\.\d+ ms late", out,
                          re.M)) == 5 or verdict != "PASS", out
    return verdict, out


def test_timer_and_ipi_wakeups_are_not_lost(guest):
    """Nothing lost: every interrupt comes, the timer's within 30 ms of
    its deadline (not at the deadline it had before it was moved earlier,
    200 ms on), though its vCPU never exits."""
    verdict, out = wake(guest, 30000)
    assert verdict == "PASS", out


# Before the host's vtimer interrupt was used (arch/arm64/vtimer.c): up to
# 10.7 ms on arm64, a deadline written by a vCPU that then spins being
# seen only at its next exit. With it, the deadlines moved earlier come
# within 0.2 ms; the plain spinning case, with vCPU1 yielding on the same
# CPU, still showed up to 3.4 ms once (cause not found yet, issue 11).
@pytest.mark.xfail(reason="a spinning vCPU's timer interrupt has come "
                   "several ms late under TCG while another vCPU shares "
                   "its CPU; not strict: usually in time")
def test_timer_interrupt_of_a_spinning_vcpu_within_10ms(guest):
    verdict, out = wake(guest, 10000)
    assert verdict == "PASS", out


def cpu_time(k):
    out = k.cmd("host cpu time")
    m = re.search(r"^0\s+(\d+)\s+(\d+)\s+(\d+)$", out, re.M)
    assert m, out
    return [int(x) for x in m.groups()]


def timer_run_unbound(k):
    """`timer 100 400` in basic0 with no console bound (whose reader thread
    would wake the CPU too), sampling the CPU's times meanwhile; the
    verdict from the port's ring and the times."""
    with keel.Console(k, f"basic0/{UART}"):
        k.send_raw("timer 100 400\r")
        k.child.expect_exact("timer 100 400", timeout=30)
    up0, _, idle0 = cpu_time(k)
    time.sleep(2)
    up1, _, idle1 = cpu_time(k)
    info = k.cmd("host cpu info")
    deadline = time.time() + 60
    while time.time() < deadline:
        dump = k.cmd(f"vserial dump basic0/{UART}")
        verdicts = re.findall(r"^timer: (PASS|FAIL.*)$", dump, re.M)
        if verdicts:
            return verdicts[-1], dump, (up0, idle0, up1, idle1), info
        time.sleep(0.5)
    return None, dump, (up0, idle0, up1, idle1), info


def test_a_vcpu_waiting_in_place_counts_as_idle():
    """A vCPU alone on its CPU waits for interrupts there, loaded, rather
    than in the idle thread (core/vcpu.c, sched_idle_in_place), woken on
    arm64 by its own virtual timer's host interrupt: while the guest
    sleeps between 100 Hz timer interrupts the CPU must still count as
    idle in `host cpu time` and `host cpu info`, and the guest must keep
    getting its interrupts with no console bound."""
    k = keel.start(smp=1, extra=["-initrd", BUNDLE])
    try:
        verdict, dump, times, info = timer_run_unbound(k)
        up0, idle0, up1, idle1 = times
        assert idle1 - idle0 >= (up1 - up0) // 2, times
        load = re.search(r"^0\s.*\s(\d+)%$", info, re.M)
        assert load and int(load.group(1)) <= 50, info
        # A lost wake-up stalls the guest for good: no verdict. A tick or
        # a few late is TCG's timer thread on a loaded host (see
        # keel.firmware_check), not a wake-up lost.
        assert verdict, dump[-2000:]
        lost = re.match(r"FAIL \((\d+) lost ticks", verdict)
        assert verdict == "PASS" or (lost and int(lost.group(1)) <= 20), \
            dump[-2000:]
    finally:
        k.close()


def test_many_timer_wakes_in_place_with_the_console_bound():
    """20,000 one-shot timer interrupts, each ending a WFI that waits in
    place with the guest's timer loaded (`bench timer`), while the bound
    console's reader thread wakes the same CPU every few ms, at times that
    drift against the guest's (no -icount). It once found a wake seen
    with interrupts masked (arch_vcpu_irq_pending) and lost when the
    reader's timer preempted the vCPU before a second look: the guest
    waited for good, within the first few thousand runs."""
    k = keel.start(smp=1, extra=["-initrd", os.path.join(BUILD, "bundle.cpio")])
    try:
        with keel.Console(k, f"basic0/{UART}") as con:
            verdict, out = con.run("bench timer 20000", timeout=120)
            assert verdict == "PASS", out
            assert re.search(r"bench timer median \d+ ticks .* 20000 runs", out), out
    finally:
        k.close()


def test_cpu_on_while_the_target_is_still_leaving_the_guest():
    """vCPU1 powered on, using FP, powered off, 2,000 times, each power-on
    (PSCI CPU_ON, SBI HSM hart_start) from vCPU0 as soon as vCPU1 reads
    off, the two vCPUs on two host CPUs (`cpu-cycle`). vCPU1's thread may
    then still be on its way out, its registers live on its CPU: on arm64
    the power-on reset them from vCPU0's CPU, saving vCPU0's registers as
    vCPU1's and, with vCPU1's FP live, taking an FP trap in Keel (a
    panic). On riscv64 the old reset was harmless (the copy it saved from
    the wrong hart was cleared by the reset itself); there the test checks
    that a start right after a stop always runs. The reset is now vCPU1's
    own thread's (vcpu_power_on)."""
    k = keel.start(smp=2, extra=["-initrd", BUNDLE])
    try:
        with keel.Console(k, f"basic0/{UART}") as con:
            verdict, out = con.run("cpu-cycle 2000", timeout=180)
            assert verdict == "PASS", out
            assert "cpu-cycle: vCPU1 on and off 2000 times" in out, out
        assert "Keel" in k.cmd("version")
    finally:
        k.close()
