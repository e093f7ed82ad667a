#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: how long Keel takes from QEMU start to its first prompt.

Each configuration boots under `-icount shift=0,sleep=off`, where the guest-visible
clock advances one nanosecond per instruction (and, with sleep=off, jumps
straight to the next timer deadline while every CPU idles), so the time Keel
reports at its prompt is deterministic: it counts the instructions the boot
executed plus any timer waits. Wall time is measured too, as the median of
several runs, but it depends on the host.

Writes a table to stdout and build/bench/boot.json. With --smoke (what
`make test` runs): one boot of each kind, no file written; it fails if a
boot does not reach the prompt with every CPU online.
"""
import argparse
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))

import keel  # noqa: E402
from machines import ARCH  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
ICOUNT_RUNS = 2
# QEMU 7.2's -icount hangs a riscv64 machine with more than one hart, even
# a bare Linux kernel: riscv64 figures use -smp 1 only.
SMPS = {"riscv64": [1]}.get(ARCH, [1, 4])
READY = re.compile(r"Keel ready in [\d.]+ ms \((\d+) ns since power-on\)")


def boot_once(smp, icount):
    extra = ["-icount", "shift=0,sleep=off"] if icount else []
    start = time.monotonic()
    k = keel.Keel(smp=smp, mem=512, extra=extra)
    try:
        k.boot()
        wall = time.monotonic() - start
        m = READY.search(k.boot_log)
        if not m:
            raise RuntimeError("no 'Keel ready' line before the prompt")
        online = f"{smp} of {smp} CPUs online" in k.boot_log
        if not online:
            raise RuntimeError(f"not all {smp} CPUs came online")
        return wall, int(m.group(1))
    finally:
        k.close()


def main():
    global RUNS, ICOUNT_RUNS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help="one boot of each kind, no figures kept")
    smoke = ap.parse_args().smoke
    if smoke:
        RUNS = ICOUNT_RUNS = 1
    results = []
    for smp in SMPS:
        virt = [boot_once(smp, True)[1] for _ in range(ICOUNT_RUNS)]
        if len(set(virt)) > 1:
            print(f"warning: smp{smp} icount runs differ: {virt}", file=sys.stderr)
        walls = [boot_once(smp, False)[0] for _ in range(RUNS)]
        results.append({
            "arch": ARCH,
            "smp": smp,
            "icount_virtual_ns_to_prompt": virt[0],
            "icount_repeatable": len(set(virt)) == 1,
            "wall_s_to_prompt_median": round(statistics.median(walls), 3),
            "wall_s_runs": [round(w, 3) for w in walls],
        })

    print(f"{'arch':<8}{'smp':>4}  {'virtual ns to prompt (icount)':>30}  {'wall s (median)':>16}")
    for r in results:
        print(f"{r['arch']:<8}{r['smp']:>4}  {r['icount_virtual_ns_to_prompt']:>30}  "
              f"{r['wall_s_to_prompt_median']:>16.3f}")
    if smoke:
        print("smoke run: figures not kept")
        return
    keel.write_bench("boot", {"boot": results})


if __name__ == "__main__":
    main()
