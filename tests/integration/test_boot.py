# SPDX-License-Identifier: GPL-2.0
"""Boot Keel on various machines and check what it reports about them."""
import re

import pytest

import keel
from machines import machine

M = machine()
# RAM the firmware reports for -m mem MiB (on some boards less than all).
RAM_SIZE = M.get("ram_size", lambda mem: mem << 20)
CONFIGS = [(smp, chip) for chip in M["irqchips"] for smp in (1, 4)]
CONFIGS += [(M["max_smp"][chip], chip) for chip in M["irqchips"]]


def cpu_lines(out):
    return [ln for ln in out.splitlines() if re.match(r"^\d+\s", ln)]


@pytest.mark.parametrize("smp,irqchip", CONFIGS,
                         ids=[f"smp{s}-{c}" for s, c in CONFIGS])
def test_boot_reports_machine(smp, irqchip):
    mem = 256 + 128 * (smp % 3)
    k = keel.start(smp=smp, mem=mem, irqchip=irqchip)
    try:
        assert "Keel ready in" in k.boot_log
        assert f"{smp} of {smp} CPUs online" in k.boot_log

        info = k.cmd("host info")
        assert f"CPUs:        {smp} online, {smp} possible" in info
        assert f"RAM:         {RAM_SIZE(mem) >> 20} MiB" in info
        assert f"IRQ chip:    {irqchip.replace('gicv', 'gic-v')}" in info

        out = k.cmd("host cpu time")
        times = re.findall(r"^(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", out, re.M)
        assert [int(t[0]) for t in times] == list(range(smp)), out
        for _, up, busy, idle in times:
            # Each CPU idled (waiting for us); busy and idle make uptime.
            assert int(idle) > 0, out
            assert int(busy) + int(idle) == int(up), out
        # Booting kept some CPU busy (which one: where threads woke; a
        # thread woken on a busy CPU moves to an idle one).
        assert any(int(t[2]) > 0 for t in times), out

        out = k.cmd("host cpu info")
        assert M["hwid_name"] in out.splitlines()[0]
        lines = cpu_lines(out)
        assert len(lines) == smp
        hwids = []
        for n, line in enumerate(lines):
            fields = line.split()
            assert fields[0] == str(n)
            # The hardware id each CPU reads of itself, through an IPI.
            hwids.append(int(fields[1], 16))
            assert fields[2] == "online"
        expected = [M["hwid_of_cpu"](n) for n in range(smp)]
        if M.get("boot_hwid_may_vary"):
            # The firmware picks the boot CPU; it becomes CPU 0 and the
            # others keep their order.
            assert hwids == [hwids[0]] + [h for h in expected if h != hwids[0]]
        else:
            assert hwids == expected

        ram = k.cmd("host ram info")
        ram_kib = RAM_SIZE(mem) >> 10
        assert f"Total:       {ram_kib} KiB ({ram_kib >> 10} MiB)" in ram
    finally:
        k.close()


def test_shutdown_powers_off_with_status_0():
    k = keel.start(smp=2)
    try:
        k.send_raw("shutdown\r")
        k.child.expect_exact("Powering off")
        assert k.expect_exit(timeout=30) == 0
    finally:
        k.close()


def test_reset_reboots_to_a_new_prompt():
    k = keel.start(smp=2)
    try:
        k.send_raw("reset\r")
        k.child.expect_exact("Resetting the system")
        # A second boot: the banner and the prompt again.
        k.child.expect_exact("Keel ready in", timeout=60)
        k.wait_prompt()
        assert "Keel:" in k.cmd("host info")
    finally:
        k.close()


def test_secondary_cpus_run_threads_and_take_ipis():
    k = keel.start(smp=4)
    try:
        k.cmd("host cpu info")
        stats = k.cmd("host irq stats")
        call = [ln for ln in stats.splitlines() if "ipi-call" in ln][0]
        counts = [int(x) for x in call.split()[2:6]]
        # The CPU running the command calls itself directly (the
        # terminal's thread may run on any CPU); every other got an IPI.
        assert sum(c >= 1 for c in counts) >= 3, stats
        threads = k.cmd("thread list")
        for n in range(4):
            assert re.search(rf"idle/{n}\s+\w+\s+0\s+{n}\s", threads)
    finally:
        k.close()
