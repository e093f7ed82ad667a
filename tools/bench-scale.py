#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, scale part: the cost of a vCPU switch as vCPUs pile up.

N vCPUs, in guests of 2 (the basic firmware), run on a 4-CPU host, each
yielding in a loop (Keel's yield hypercall), for N = 8, 32 and 64 placed
by the scheduler, and N = 2 with both vCPUs on one host CPU
(vcpu-affinity): with a CPU each they would never switch, and a yield
that switches nothing is another operation (reported on its own line,
`2 no-switch`, for what it costs). From 8 up every host CPU has at least
two vCPUs to run, so every yield hands the CPU to another vCPU: the
figure per yield is the cost of a switch, exit and entry included, and
it should not grow with N. A switch between two vCPUs of one guest (all
the 2-vCPU run has) costs more than one between guests, so `8 x-guest`
pins 8 vCPUs so that each CPU runs two guests' vCPUs: the two pinned
runs bound what a mix of both kinds may cost.

Every guest is described in a device-tree blob of the boot bundle,
created and started at boot (`autostart`), and told what to do by its
bootargs (the firmware runs them as commands): `yield-count <start>
<window> <stop>; poweroff`. All guests count their yields over one
window of the machine's clock (the physical counter, which every guest
reads alike), yielding before and after it so that every window sees
every vCPU busy; nobody types anything until every guest has powered
off, so the run is deterministic under `-icount shift=0,sleep=off`,
where one nanosecond of the machine's clock is one instruction executed
by one of its CPUs. Instructions per yield = window in ns / total yields
of all vCPUs, the instructions of every host CPU that ran counted: on 4
busy CPUs, what one yield costs one CPU. Progress: each vCPU's yields
over the mean of all vCPUs' (min and max); every vCPU must have yielded.

The counts come from the guests' consoles (`vserial dump`) afterwards.
Writes build/bench/scale.json. With --smoke (what `make test` runs) the
window is short and no file is written: every run must complete with
every vCPU making progress. riscv64: not run (QEMU 7.2's -icount hangs
with more than one hart), which the output says.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pexpect

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))

import keel  # noqa: E402
from machines import ARCH, BOARD, BUILD, machine  # noqa: E402

HOST_CPUS = 4
ICOUNT = ["-icount", "shift=0,sleep=off"]
# (label, vCPUs, host CPUs mask for every vCPU or None): the 2-vCPU runs
# first, pinned to one CPU (CPU 1: CPU 0 boots and runs the terminal).
# Two more for reference: 8 vCPUs pinned so that each CPU runs vCPUs of
# two guests (the 2-vCPU run switches within one guest, which costs more:
# docs/performance.md), and 2 vCPUs left to the scheduler (no switch).
CROSS = [(0x1, 0x2), (0x1, 0x2), (0x4, 0x8), (0x4, 0x8)]
RUNS = [("2", 2, [(0x2, 0x2)], "pinned, 1 CPU"),
        ("8", 8, None, "scheduler"), ("32", 32, None, "scheduler"),
        ("64", 64, None, "scheduler"),
        ("8 x-guest", 8, CROSS, "pinned, 2 guests/CPU"),
        ("2 no-switch", 2, None, "scheduler")]
# The runs whose every yield switches vCPUs: the goal's 2 to 64.
GOAL_RUNS = ["2", "8", "32", "64"]
# The window, in ms of the machine's clock from power-on: it opens once
# every guest is up (Keel's boot and 32 guests' creation take about
# START_MS; a late vCPU fails the run) and closes WINDOW_MS later; the
# guests stop STOP_AFTER_MS after that.
START_MS = int(os.environ.get("BENCH_SCALE_START_MS", "400"))
WINDOW_MS = int(os.environ.get("BENCH_SCALE_WINDOW_MS", "200"))
SMOKE_WINDOW_MS = 20
# A smoke run opens its window sooner, as soon as its guests are surely
# up (4 guests by 20 ms, 32 well before 200 ms): it stays well under a
# minute of TCG.


def smoke_start_ms(guests):
    return 40 + 5 * guests
STOP_AFTER_MS = 5
GUEST_MEM = 4 << 20
FIRMWARE = os.path.join(BUILD, "guests", machine()["guest_dir"].split("/")[0],
                        "basic", "basic.bin")
COUNT = re.compile(r"yield-count vCPU(\d+) (\d+) yields")
VERDICT = re.compile(r"yield-count: (PASS|FAIL[^\r\n]*)")
STEP = "starting"


def step(what):
    global STEP
    STEP = what


def guest_node(name, vcpus, bootargs, affinity):
    """The board's standard guest machine (the one `guest new` uses), as
    guest `name` with the basic firmware, GUEST_MEM of RAM, bootargs and,
    if given, each vCPU's affinity mask (a tuple)."""
    path = os.path.join(os.path.dirname(__file__), "..", "boards", ARCH, BOARD,
                        "guest-machine.dts")
    with open(path) as f:
        text = f.read()
    m = re.search(r"^\tguest \{\n", text, re.M)
    depth, i = 1, m.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    body = text[m.end():i - 1]
    body = re.sub(r"^\s*vcpus = <\d+>;\n", "", body, flags=re.M)

    def ram(mm):
        cells = mm.group(2).split()
        cells[-1] = hex(GUEST_MEM)
        return mm.group(1) + " ".join(cells) + mm.group(3)
    body = re.sub(r"(memory@[0-9a-f]+ \{[^}]*?reg = <)([^>]*)(>)", ram, body,
                  count=1)
    props = [f"vcpus = <{vcpus}>;", 'kernel = "basic.bin";',
             f'bootargs = "{bootargs}";', "autostart;"]
    if affinity:
        props.append("vcpu-affinity = <" +
                     " ".join(hex(m) for m in affinity) + ">;")
    return ("/dts-v1/;\n\n/ {\n\tguests {\n\t\t" + name + " {\n" +
            "".join(f"\t\t\t{p}\n" for p in props) + body + "\t\t};\n\t};\n};\n")


def make_bundle(tmp, nvcpus, affinity, window_ms):
    """affinity: per guest, its vCPUs' masks, or None."""
    names = [f"s{i:02d}" for i in range(nvcpus // 2)]
    start = smoke_start_ms(len(names)) if window_ms == SMOKE_WINDOW_MS else START_MS
    stop = start + window_ms + STOP_AFTER_MS
    bootargs = f"yield-count {start} {window_ms} {stop}; poweroff"
    files = [FIRMWARE]
    for i, name in enumerate(names):
        dtb = os.path.join(tmp, name + ".dtb")
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, "-"],
                       input=guest_node(name, 2, bootargs,
                                        affinity[i] if affinity else None),
                       text=True, check=True)
        files.append(dtb)
    return names, keel.make_bundle(os.path.join(tmp, "scale.cpio"), files)


def run(nvcpus, affinity, window_ms):
    """One machine: per-vCPU yields in the window, or an error."""
    tmp = tempfile.mkdtemp(prefix="bench-scale-")
    k = None
    try:
        names, bundle = make_bundle(tmp, nvcpus, affinity, window_ms)
        k = keel.Keel(smp=HOST_CPUS, mem=512, extra=ICOUNT + ["-initrd", bundle])
        step(f"{nvcpus} vCPUs: every guest powering off")
        left = set(names)
        while left:
            k.child.expect(r"guest (s\d+): halted \(([^)]*)\)", timeout=600)
            name, why = k.child.match.group(1), k.child.match.group(2)
            if why != "powered off":
                return {"error": f"guest {name} halted: {why}"}
            left.discard(name)
        # The prompt came long ago, among the guests' messages.
        k.send_raw("\r")
        k.wait_prompt()
        counts = []
        for name in names:
            step(f"{nvcpus} vCPUs: {name}'s console")
            out = k.cmd(f"vserial dump {name}/{machine()['guest_uart']}")
            v = VERDICT.search(out)
            if not v or v.group(1) != "PASS":
                return {"error": f"{name}: yield-count "
                        f"{v.group(1) if v else 'gave no verdict'}"}
            got = {int(c): int(n) for c, n in COUNT.findall(out)}
            if sorted(got) != [0, 1]:
                return {"error": f"{name}: counts of vCPUs {sorted(got)}"}
            counts += [got[0], got[1]]
        return {"counts": counts}
    finally:
        if k:
            k.close()
        shutil.rmtree(tmp, ignore_errors=True)


def summary(label, nvcpus, affinity, placement, window_ms, result):
    row = {"run": label, "vcpus": nvcpus, "host_cpus": HOST_CPUS,
           "placement": placement,
           "affinity": [[hex(m) for m in g] for g in affinity] if affinity else "all",
           "window_ns": window_ms * 1000000}
    row.update(result)
    counts = result.get("counts")
    if counts:
        total = sum(counts)
        mean = total / len(counts)
        row["yields"] = total
        row["insns_per_yield"] = round(row["window_ns"] / total) if total else None
        row["progress_min"] = round(min(counts) / mean, 2) if mean else 0
        row["progress_max"] = round(max(counts) / mean, 2) if mean else 0
        row["stalled"] = sum(1 for c in counts if c == 0)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help=f"a {SMOKE_WINDOW_MS} ms window, no figures kept")
    smoke = ap.parse_args().smoke
    if ARCH == "riscv64":
        print("scale: not run: QEMU 7.2's -icount hangs a riscv64 machine "
              "with more than one hart, and the bench needs a 4-CPU host")
        return
    if machine().get("bench_scale_not_run"):
        print(f"scale: not run: {machine()['bench_scale_not_run']}")
        return
    if not machine()["guests"]:
        print(f"scale: not run: its guests are the basic firmware, which "
              f"does not run on {ARCH} yet")
        return
    window_ms = SMOKE_WINDOW_MS if smoke else WINDOW_MS
    rows = []
    for label, nvcpus, affinity, placement in RUNS:
        rows.append(summary(label, nvcpus, affinity, placement, window_ms,
                            run(nvcpus, affinity, window_ms)))

    print(f"{'vCPUs':<13}{'placement':<22}{'yields':>9}{'insns/yield':>13}"
          f"{'progress min/max':>18}")
    for r in rows:
        if "error" in r:
            print(f"{r['run']:<13}{r['placement']:<22}  error: {r['error']}")
            continue
        print(f"{r['run']:<13}{r['placement']:<22}{r['yields']:>9}"
              f"{r['insns_per_yield']:>13}"
              f"{r['progress_min']:>11.2f}/{r['progress_max']:.2f}")
    goal = [r for r in rows if r["run"] in GOAL_RUNS and "error" not in r]
    if len(goal) == len(GOAL_RUNS):
        costs = [r["insns_per_yield"] for r in goal]
        print(f"switch cost from 2 to 64 vCPUs: {min(costs)} to {max(costs)} "
              f"instructions, max/min {max(costs) / min(costs):.2f} "
              f"(goal <= 1.10)")
    failed = [f"{r['run']} vCPUs: {r['error']}" for r in rows if "error" in r]
    failed += [f"{r['run']} vCPUs: {r['stalled']} vCPUs made no progress"
               for r in rows if r.get("stalled")]
    if failed:
        sys.exit("bench-scale: runs that failed:\n  " + "\n  ".join(failed))
    if smoke:
        print(f"smoke run ({window_ms} ms window): figures not kept")
        return
    keel.write_bench("scale", {"arch": ARCH, "icount": ICOUNT[1],
                               "host_cpus": HOST_CPUS, "start_ms": START_MS,
                               "window_ms": window_ms, "results": rows})


if __name__ == "__main__":
    try:
        main()
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        sys.exit(f"bench-scale: no answer during {STEP} ({type(e).__name__})")
