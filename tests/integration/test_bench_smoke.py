# SPDX-License-Identifier: GPL-2.0
"""make bench, as a smoke test: every benchmark operation on this arch runs
a few times (tools/bench-*.py --smoke, what `make bench BENCH_ARGS=--smoke`
runs). No figure is asserted; each operation must complete and report one,
so a benchmark that breaks fails `make test` instead of the next `make
bench`."""
import os
import re
import subprocess
import sys

import pytest

from machines import ARCH, BUILD, machine

TOOLS = os.path.join(os.path.dirname(__file__), "..", "..", "tools")


def smoke(script, timeout):
    r = subprocess.run([sys.executable, os.path.join(TOOLS, script), "--smoke"],
                       env=dict(os.environ, KEEL_BUILD=BUILD, KEEL_ARCH=ARCH),
                       capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{script} --smoke failed:\n{r.stdout}\n{r.stderr}"
    return r.stdout


def test_boot_bench():
    out = smoke("bench-boot.py", timeout=300)
    smps = {"riscv64": [1]}.get(ARCH, [1, 4])
    for smp in smps:
        # The virtual time to the prompt under icount, and the wall time.
        assert re.search(rf"^{ARCH}\s+{smp}\s+\d+\s+\d+\.\d+$", out, re.M), out


def test_guest_bench():
    out = smoke("bench-guest.py", timeout=600)
    m = machine()
    both = [m["bench_call"], m["bench_fwcall"], "mmio-read", "mmio-write",
            m["bench_irqchip"], "timer", "cpu-loop"]
    for op in both + ["zero-read", "ipi", "ipi-spin", "switch"]:
        # A figure for every operation as a Keel guest.
        assert re.search(rf"^{op}\s+\d+\s", out, re.M), out
    if not m.get("bare_qemu"):
        # The firmware runs under Keel only (x86): no bare column.
        assert "bare QEMU: not run" in out, out
        return
    two_cpus = ["ipi", "ipi-spin"] if ARCH != "riscv64" else []
    for op in both + two_cpus:
        # And on bare QEMU (its IPIs need a second CPU, which riscv64
        # under -icount cannot have; zero-read and switch need Keel).
        assert re.search(rf"^{op}\s+\d+\s+\d+\s", out, re.M), out
    assert re.search(r"^cpu-loop: guest speed under Keel \(bare / Keel\) "
                     r"\d\.\d{4}", out, re.M), out


def test_linux_bench():
    out = smoke("bench-linux.py", timeout=900)
    assert re.search(r"Keel [\d,]+, bare QEMU [\d,]+, ratio [\d.]+", out), out
    # Keel's exit profile of the boot: the kernel made firmware calls and
    # reached its UART, and Keel's time for them is there.
    for cls in machine().get("linux_profile_classes",
                             ("hypercall", "mmio", "all")):
        assert re.search(rf"^{cls}\s+[1-9][\d,]*\s+[1-9][\d,]*\s", out, re.M), out


def test_virtio_bench():
    if not machine().get("linux_guests"):
        pytest.skip("no Linux guest with virtio devices on this arch yet")
    out = smoke("bench-virtio.py", timeout=900)
    # Write and read figures on Keel and on bare QEMU, their ratio and
    # where Keel's went; and the guest-to-guest TCP figure. Without
    # -icount 4 MiB may cost less than the no-op's noise: then a row of
    # dashes, with the columns still apart (make bench, under -icount,
    # fails instead).
    for op in ("write", "read"):
        assert re.search(rf"^{op}\s+(\d+ +\d+ +[\d.]+ +\d+ +\d+|(- +){{4}}-   \(within)",
                         out, re.M), out
    assert re.search(r"^tcp\s+\d+\s", out, re.M), out
