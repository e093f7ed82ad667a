# SPDX-License-Identifier: GPL-2.0
"""make bench's scale part as a smoke test (tools/bench-scale.py --smoke):
2, 8, 32 and 64 vCPUs in guests of 2 on a 4-CPU host, each yielding over
a short common window. No figure is asserted but these: the table is
complete and every vCPU made progress (the tool fails otherwise). The
runs are deterministic under -icount; see docs/performance.md."""
import os
import re
import subprocess
import sys

from machines import ARCH, BUILD

TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "bench-scale.py")


def test_scale_bench_smoke():
    r = subprocess.run([sys.executable, TOOL, "--smoke"],
                       env=dict(os.environ, KEEL_BUILD=BUILD, KEEL_ARCH=ARCH),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"bench-scale --smoke failed:\n{r.stdout}\n{r.stderr}"
    out = r.stdout
    if ARCH == "riscv64":
        assert re.search(r"^scale: not run: .*more than one hart", out, re.M), out
        return
    for run, placement in (("2", "pinned, 1 CPU"), ("8", "scheduler"),
                           ("32", "scheduler"), ("64", "scheduler"),
                           ("8 x-guest", "pinned, 2 guests/CPU"),
                           ("2 no-switch", "scheduler")):
        m = re.search(rf"^{run}\s+{re.escape(placement)}\s+(\d+)\s+(\d+)\s+"
                      r"(\d\.\d\d)/(\d\.\d\d)$", out, re.M)
        assert m, f"no complete row for {run} vCPUs:\n{out}"
        yields, _, lo, _ = m.groups()
        assert int(yields) > 0 and float(lo) > 0, out
    assert re.search(r"^switch cost from 2 to 64 vCPUs: \d+ to \d+ instructions",
                     out, re.M), out
