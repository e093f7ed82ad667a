#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, Linux part: Debian's kernel from power-on to its first
shell, as a Keel guest and on bare QEMU.

Both run under `-icount shift=0,sleep=off` with 2 CPUs (riscv64: 1, as
QEMU 7.2's -icount hangs riscv machines with more than one hart; Keel then
runs on one host CPU and its guest has one vCPU), where one nanosecond of
the guest's clock is one instruction of the whole machine, so the uptime
/init prints ("linux guest up: ... uptime <ns> ns") counts every
instruction the boot cost, Keel's included (the guest's counter starts
near zero when Keel creates it). The ratio Keel / bare is the
virtualization overhead of a real kernel's boot: traps, emulated devices,
the vGIC, vCPU switches. Writes build/bench/linux.json.

Once the guest is up, Keel's `vcpu profile` says where Keel's share went:
exits by class (hypercalls, system-register traps, MMIO by device, WFI,
yields, host interrupts by kind...), each with its count and the
instructions Keel spent from those exits to the next entries. Written to
build/bench/exits.json under the arch's name and printed. What the
figures mean and where they are inexact: docs/architecture.md, "The exit
profile".

With --smoke (what `make test` runs) both boots run without -icount, which
makes them several times faster, and no file is written: the point is
that the bench's machinery (bundle, both machines, the uptime line)
still works; the integration tests boot this kernel on Keel in depth.
"""
import argparse
import json
import os
import re
import sys

import pexpect

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))

import keel  # noqa: E402
from machines import ARCH, BUILD, machine  # noqa: E402

ICOUNT = ["-icount", "shift=0,sleep=off"]
TIMEOUT = 900


CPUS = machine().get("linux_bench_cpus", 2)
PROFILE_LINE = re.compile(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$")


def parse_profile(out):
    """`vcpu profile <guest>`'s tables: ({class: figures}, {device:
    figures}, guest-mode ns); figures are exits, Keel's ns on the CPU,
    that per exit and the ns its thread was switched out."""
    tables, current = {"CLASS": {}, "MMIO": {}}, None
    guest_ns = None
    for line in out.splitlines():
        if line.startswith("CLASS"):
            current = tables["CLASS"]
        elif line.startswith("MMIO DEVICE"):
            current = tables["MMIO"]
        elif line.startswith("guest mode:"):
            guest_ns = int(line.split()[2])
        else:
            m = PROFILE_LINE.match(line.strip())
            if m and current is not None:
                exits, keel_ns, per, off = map(int, m.group(2, 3, 4, 5))
                current[m.group(1)] = {"exits": exits, "instructions": keel_ns,
                                       "per_exit": per, "off_cpu_ns": off}
    if not tables["CLASS"] or guest_ns is None:
        raise RuntimeError(f"vcpu profile: unexpected output\n{out}")
    return tables["CLASS"], tables["MMIO"], guest_ns


def parse_threads(out):
    """`thread list`: {thread: ns it ran since Keel started}, the vCPUs'
    threads and Keel's own (the terminal, the idle threads)."""
    threads = {}
    for line in out.splitlines()[1:]:
        f = line.split()
        if len(f) >= 8 and f[6].isdigit():
            threads[f[1]] = int(f[6]) * 1000
    return threads


def on_keel(cache):
    dtb, name = machine()["linux_bench"]
    bundle = keel.make_bundle(os.path.join(BUILD, "bench", "linux.cpio"), [
        os.path.join(cache, "Image"), os.path.join(cache, "rootfs.cpio"),
        os.path.join(BUILD, "guests", dtb)])
    k = keel.Keel(smp=CPUS, mem=1024, extra=ICOUNT + ["-initrd", bundle])
    try:
        k.boot()
        out = k.cmd(f"guest create {dtb}")
        if "created" not in out:
            raise RuntimeError(f"guest create {dtb}: {out.strip()}")
        k.cmd(f"guest kick {name}")
        up = keel.linux_console(k, name, timeout=TIMEOUT)
        # Back to the terminal; paused, the profile holds still.
        k.send_raw(keel.ESCAPE)
        k.wait_prompt()
        k.cmd(f"guest pause {name}")
        profile = parse_profile(k.cmd(f"vcpu profile {name}"))
        threads = parse_threads(k.cmd("thread list"))
        return int(up.group(3)), up.group(1), profile + (threads,)
    finally:
        k.close()


def on_bare_qemu(cache):
    cmd = machine()["linux_bare"](CPUS, cache) + ICOUNT
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8",
                          codec_errors="replace", timeout=TIMEOUT)
    try:
        child.expect(keel.LINUX_UP)
        return int(child.match.group(3)), child.match.group(1)
    finally:
        child.terminate(force=True)


def main():
    global ICOUNT, TIMEOUT
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help="both boots without -icount, no figures kept")
    smoke = ap.parse_args().smoke
    if smoke:
        ICOUNT, TIMEOUT = [], 300
    if "linux_bench" not in machine():
        print(f"no Linux guest for {ARCH} yet: skipped")
        return
    cache = keel.linux_payload(ARCH)
    keel_s, release, (classes, devices, guest_ns, threads) = on_keel(cache)
    bare_s, _ = on_bare_qemu(cache)
    result = {
        "arch": ARCH, "kernel": release, "cpus": CPUS,
        "icount": ICOUNT[1] if ICOUNT else None,
        "keel_instructions_to_shell": keel_s,
        "bare_qemu_instructions_to_shell": bare_s,
        "ratio": round(keel_s / bare_s, 2),
    }
    unit = "instructions (icount)" if ICOUNT else "ns (no icount)"
    print_profile(classes, devices, guest_ns, keel_s, unit)
    print(f"Linux {release} to its shell, {CPUS} CPU(s), {unit}: "
          f"Keel {result['keel_instructions_to_shell']:,}, bare QEMU "
          f"{result['bare_qemu_instructions_to_shell']:,}, ratio {result['ratio']}")
    if smoke:
        print("smoke run (no -icount: the figures are nanoseconds): not kept")
        return
    keel.write_bench("linux", result)
    write_exits(release, classes, devices, guest_ns, keel_s, bare_s,
                threads)


def print_profile(classes, devices, guest_ns, keel_s, unit):
    keel_total = classes["all"]["instructions"]
    print(f"Keel's exits during the boot ({CPUS} vCPU(s), {unit}; WFI and "
          "yield include waiting, off-CPU is not Keel's):")
    print(f"{'class':<24}{'exits':>10}{'Keel':>15}{'per exit':>10}"
          f"{'share':>8}{'off CPU':>15}")
    for name, f in list(classes.items()) + [("", None)] + [
            (f"mmio {d}", f) for d, f in devices.items()]:
        if f is None:
            continue
        share = f["instructions"] / keel_total if keel_total else 0
        print(f"{name:<24}{f['exits']:>10,}{f['instructions']:>15,}"
              f"{f['per_exit']:>10,}{share:>8.1%}{f['off_cpu_ns']:>15,}")
    print(f"guest mode {guest_ns:,}, Keel between exits and entries "
          f"{keel_total:,}, uptime at the shell {keel_s:,}")


def write_exits(release, classes, devices, guest_ns, keel_s, bare_s, threads):
    """build/bench/exits.json: {arch: profile}, other arches' kept."""
    try:
        with open(keel.bench_path("exits")) as f:
            data = json.load(f)
    except (OSError, ValueError):
        data = {}
    data[ARCH] = {
        "kernel": release, "vcpus": CPUS, "host_cpus": CPUS,
        "icount": ICOUNT[1],
        "keel_instructions_to_shell": keel_s,
        "bare_qemu_instructions_to_shell": bare_s,
        "guest_mode_instructions": guest_ns,
        "classes": {c: f for c, f in classes.items() if c != "all"},
        "all_exits": classes["all"],
        "mmio_devices": devices,
        "thread_run_ns_since_keel_start": threads,
        "note": "instructions: ns of the guest clock under -icount "
                "shift=0, from an exit to the vCPU's next entry less the "
                "time its thread was switched out or waited in place "
                "(off_cpu_ns, not "
                "instructions when the machine was idle: sleep=off jumps "
                "over it); wfi and yield include waiting; with 2 host CPUs "
                "a window also counts what the other CPU ran in it",
    }
    keel.write_bench("exits", data)


if __name__ == "__main__":
    main()
