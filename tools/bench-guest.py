#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, guest part: costs measured from inside the basic firmware.

The firmware's `bench <op> <n>` times n operations with the virtual
counter and prints the median. Under `-icount shift=0,sleep=off` one
nanosecond of virtual time is one instruction executed by the machine, so
the median in ns counts every instruction an operation costs, Keel's at
EL2 included (the counter ticks every 16 ns at 62.5 MHz, which bounds the
resolution). The firmware also reports the PMU's instructions-retired
median, which counts only the guest's own instructions.

Each operation runs as a Keel guest (2 vCPUs sharing 1 host CPU, so `ipi`
includes switching to the target vCPU) and on bare QEMU (the same firmware
at EL1 or in S-mode, with QEMU's own devices and firmware calls: 2 CPUs on
arm64, 1 on riscv64, where QEMU 7.2's -icount hangs with more, so bare
`ipi` has no figure there); the table gives the ratio Keel / bare. On
x86_64 the firmware runs under Keel only (it takes its clock rates from
Keel's CPUID leaf): Keel's column alone.

The operations, with their per-arch names (machines.py: bench_call,
bench_fwcall, bench_irqchip):
  hvc / ecall            a firmware call with an unknown function ID
  psci-version /         a firmware call the firmware interface answers:
    sbi-version            PSCI_VERSION (HVC), sbi_get_spec_version
  mmio-read, mmio-write  the UART's registers
  gicd-read / plic-read  an interrupt-controller register: GICD_IIDR, PLIC
                         source 1's priority (Keel's vGIC / vPLIC, QEMU's
                         own models on bare QEMU)
  zero-read              a keel,zero window (basic0.dts): Keel only
  ipi, timer             IPI to vCPU1, timer deadline to handler
  ipi-spin               IPI to vCPU1 spinning with interrupts enabled,
                         vCPU0 spinning until its handler has run: neither
                         gives the CPU away, so under Keel vCPU1 runs in
                         time only by a directed yield (docs/architecture.md)
  cpu-loop               1,000,000 turns of a multiply-add that never
                         traps, one sample per loop, CPU_LOOP_N samples:
                         Keel / bare is the guest's lost time (the goal is
                         a guest speed bare / Keel of at least 0.98, a
                         ratio of at most 1.02), printed after the table

`switch` is measured with two guests sharing one host CPU: basic1 spins
in `yield-loop`, giving the CPU away with Keel's yield hypercall, while
basic0 times the same hypercall. One operation is two vCPU switches
(basic0 to basic1 and back) plus one turn of basic1's loop, whose cost is
about one `hvc`. Bare QEMU has no such call: that row has no ratio.

Writes build/bench/guest.json. An operation that does not complete fails
the run (after the table). With --smoke (what `make test` runs) each
operation runs 10 times and no file is written: the point is that every
one completes, on Keel and on bare QEMU, under -icount.
"""
import argparse
import os
import re
import sys

import pexpect

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))

import keel  # noqa: E402
from machines import ARCH, BUILD, machine  # noqa: E402

N = int(os.environ.get("BENCH_N", "1000"))
SMOKE_N = 10
ICOUNT = ["-icount", "shift=0,sleep=off"]
M = machine()
# Each once (x86's firmware call and unknown call are both VMMCALL).
OPS = list(dict.fromkeys([
    M.get("bench_call"), M.get("bench_fwcall"), "mmio-read", "mmio-write",
    M.get("bench_irqchip"), "zero-read", "ipi", "ipi-spin", "timer",
    "cpu-loop"]))
# Operations that need a second CPU on bare QEMU.
TWO_CPUS = {"ipi", "ipi-spin"}
# Operations on devices that only Keel emulates: no bare QEMU figure.
KEEL_ONLY = {"zero-read": "no keel,zero device"}
# Samples of cpu-loop: each is some 3-4 million instructions, so fewer
# than the other operations' N keep the run short under TCG.
CPU_LOOP_N = int(os.environ.get("BENCH_CPU_LOOP_N", "51"))
TICKS = re.compile(r"bench (\S+) median (\d+) ticks = (\d+) ns")
INSNS = re.compile(r"bench (\S+) median (\d+) instructions")
FIRMWARE = os.path.join(BUILD, "guests", M["guest_dir"].split("/")[0], "basic",
                        "basic.bin")
BARE_SMP = {"riscv64": 1}.get(ARCH, 2)


def parse(out):
    result = {}
    if not TICKS.search(out):
        return {"error": "no median in its output"}
    m = TICKS.search(out)
    if m:
        result["ticks"] = int(m.group(2))
        result["ns"] = int(m.group(3))
    m = INSNS.search(out)
    if m:
        result["instructions"] = int(m.group(2))
    return result


# What the run was doing, for the message when QEMU stops answering.
STEP = "starting"
# How long one command may take (a smoke run has 10 iterations to do).
TIMEOUT = 600


def step(what):
    global STEP
    STEP = what


def samples(op):
    return min(N, CPU_LOOP_N) if op == "cpu-loop" else N


def on_keel(smp):
    k = keel.Keel(smp=smp, mem=512,
                  extra=ICOUNT + ["-initrd", os.path.join(BUILD, "bundle.cpio")])
    try:
        step("Keel boot")
        k.boot()
        uart = machine()["guest_uart"]
        step(f"basic0's prompt on its console ({uart}) through Keel")
        with keel.Console(k, f"basic0/{uart}") as con:
            # Start the second vCPU first: the IPI check powers it on.
            step(f"{M['ipi_check']} in basic0")
            con.run(M["ipi_check"], timeout=TIMEOUT)
            results = {}
            for op in OPS:
                step(f"bench {op} in basic0")
                verdict, out = con.run(f"bench {op} {samples(op)}",
                                       timeout=TIMEOUT)
                results[op] = parse(out) if verdict == "PASS" else {"error": verdict}
            return results
    finally:
        k.close()


def switch_on_keel():
    """Two single-vCPU-busy guests on one host CPU yielding to each other."""
    k = keel.Keel(smp=1, mem=512,
                  extra=ICOUNT + ["-initrd", os.path.join(BUILD, "test-bundle.cpio")])
    uart = machine()["guest_uart"]
    try:
        step("Keel boot (switch)")
        k.boot()
        assert "created" in k.cmd("guest create basic1.dtb")
        assert "started" in k.cmd("guest kick basic1")
        step(f"basic1's prompt on its console ({uart}) through Keel")
        k.send_raw(f"vserial bind basic1/{uart}\r")
        k.child.expect_exact(f"connected to basic1/{uart}", timeout=60)
        k.send_raw("\r")
        k.child.expect_exact(keel.FW_PROMPT, timeout=60)
        # Long enough in virtual time to outlast the measurement.
        k.send_raw("yield-loop 600\r")
        k.child.expect_exact("yielding for", timeout=60)
        k.send_raw(keel.ESCAPE)
        k.wait_prompt()
        step(f"basic0's prompt on its console ({uart}), basic1 yielding")
        with keel.Console(k, f"basic0/{uart}") as con:
            step("bench switch in basic0")
            verdict, out = con.run(f"bench switch {N}", timeout=TIMEOUT)
            return parse(out) if verdict == "PASS" else {"error": verdict}
    finally:
        k.close()


def on_bare_qemu(smp):
    # The bare machine closest to Keel's guest: GICv3, or Sstc timers.
    variant = {"riscv64": "sstc"}.get(ARCH, "gicv3")
    cmd = M["bare_qemu"][variant](smp, FIRMWARE) + ICOUNT
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", timeout=TIMEOUT)
    try:
        step("the firmware's prompt on bare QEMU")
        child.expect_exact("basic# ")
        if smp > 1:
            step(f"{M['ipi_check']} on bare QEMU")
            keel.firmware_run(child, M["ipi_check"], timeout=TIMEOUT)
        results = {}
        for op in OPS:
            if op in TWO_CPUS and smp < 2:
                results[op] = {"skipped": f"{smp} CPU"}
                continue
            if op in KEEL_ONLY:
                results[op] = {"skipped": KEEL_ONLY[op]}
                continue
            step(f"bench {op} on bare QEMU")
            verdict, out = keel.firmware_run(child, f"bench {op} {samples(op)}",
                                             timeout=TIMEOUT)
            results[op] = parse(out) if verdict == "PASS" else {"error": verdict}
        return results
    finally:
        child.terminate(force=True)


def main():
    global N, TIMEOUT
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help=f"each operation {SMOKE_N} times, no figures kept")
    ap.add_argument("--ops", help="only these operations (comma-separated; "
                    "switch included), figures printed, no file written")
    args = ap.parse_args()
    smoke = args.smoke
    if not M["guests"]:
        print(f"guest operations: not run: the basic firmware does not run "
              f"on {ARCH} yet")
        return
    if args.ops:
        only = args.ops.split(",")
        unknown = set(only) - set(OPS + ["switch"])
        if unknown:
            sys.exit(f"bench-guest: unknown operations {sorted(unknown)}")
        OPS[:] = [op for op in OPS if op in only]
        smoke = smoke or "partial"
    if args.smoke:
        N, TIMEOUT = SMOKE_N, 120
    # Keel on one CPU: the guest's two vCPUs share it, so `ipi` measures
    # a switch to the target vCPU. Bare QEMU gives the firmware two CPUs.
    guest = on_keel(1) if OPS else {}
    if not args.ops or "switch" in args.ops.split(","):
        guest["switch"] = switch_on_keel()
    # x86's firmware runs under Keel only: no bare figures there.
    bare = on_bare_qemu(BARE_SMP) if OPS and M.get("bare_qemu") else {}
    if not M.get("bare_qemu"):
        print(f"bare QEMU: not run: the basic firmware runs under Keel "
              f"only on {ARCH}")
    smp = {"keel_host_cpus": 1, "guest_vcpus": 2, "bare_qemu_cpus": BARE_SMP}
    rows = []
    for op in OPS + ["switch"]:
        if op not in guest:
            continue
        g, b = guest.get(op, {}), bare.get(op, {})
        row = {"op": op, "keel": g, "bare_qemu": b}
        if g.get("ns") and b.get("ns"):
            row["ratio"] = round(g["ns"] / b["ns"], 2)
        rows.append(row)

    def cell(d, key):
        return str(d.get(key, d.get("error", "-")))

    failed = [f"{where} {r['op']}: {r[key]['error']}" for r in rows
              for where, key in (("keel", "keel"), ("bare QEMU", "bare_qemu"))
              if "error" in r[key]]

    print(f"{'op':<14}{'keel insns':>12}{'bare insns':>12}{'ratio':>10}"
          f"{'guest-only insns (keel/bare)':>32}")
    for r in rows:
        guest_only = (f"{cell(r['keel'], 'instructions')}/"
                      f"{cell(r['bare_qemu'], 'instructions')}")
        print(f"{r['op']:<14}{cell(r['keel'], 'ns'):>12}"
              f"{cell(r['bare_qemu'], 'ns'):>12}"
              f"{str(r.get('ratio', '-')):>10}{guest_only:>32}")
    loop = next((r for r in rows if r["op"] == "cpu-loop"), {})
    if loop.get("ratio"):
        speed = loop["bare_qemu"]["ns"] / loop["keel"]["ns"]
        print(f"cpu-loop: guest speed under Keel (bare / Keel) {speed:.4f}, "
              f"goal >= 0.98")
    if failed:
        sys.exit("bench-guest: operations that did not complete:\n  " +
                 "\n  ".join(failed))
    if smoke == "partial":
        print("some operations only: figures not kept")
        return
    if smoke:
        print(f"smoke run ({N} of each): figures not kept")
        return
    keel.write_bench("guest", {"arch": ARCH, "n": N,
                               "cpu_loop_n": samples("cpu-loop"),
                               "icount": ICOUNT[1], "smp": smp,
                               "results": rows})


if __name__ == "__main__":
    try:
        main()
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        last = (getattr(e, "value", None) or str(e)).splitlines()
        before = [ln for ln in last if ln.startswith("before")]
        sys.exit(f"bench-guest: no answer during {STEP} "
                 f"({type(e).__name__}){': ' + before[0] if before else ''}")
