#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, Linux part: Debian's kernel from power-on to its first
shell, as a Keel guest and on bare QEMU.

Both run under `-icount shift=0,sleep=off` with 2 CPUs, where one
nanosecond of the guest's clock is one instruction of the whole machine,
so the uptime /init prints ("linux guest up: ... uptime <ns> ns") counts every
instruction the boot cost, Keel's included (the guest's counter starts
near zero when Keel creates it). The ratio Keel / bare is the
virtualization overhead of a real kernel's boot: traps, emulated devices,
the vGIC, vCPU switches. Writes build/bench/linux.json.

With --smoke (what `make test` runs) both boots run without -icount, which
makes them several times faster, and no file is written: the point is
that the bench's machinery (bundle, both machines, the uptime line)
still works; the integration tests boot this kernel on Keel in depth.
"""
import argparse
import json
import os
import sys

import pexpect

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))

import keel  # noqa: E402
from machines import ARCH, BUILD, machine  # noqa: E402

ICOUNT = ["-icount", "shift=0,sleep=off"]
TIMEOUT = 900


def on_keel(cache):
    dtb, name = machine()["linux_bench"]
    bundle = keel.make_bundle(os.path.join(BUILD, "bench", "linux.cpio"), [
        os.path.join(cache, "Image"), os.path.join(cache, "rootfs.cpio"),
        os.path.join(BUILD, "guests", dtb)])
    k = keel.Keel(smp=2, mem=1024, extra=ICOUNT + ["-initrd", bundle])
    try:
        k.boot()
        out = k.cmd(f"guest create {dtb}")
        if "created" not in out:
            raise RuntimeError(f"guest create {dtb}: {out.strip()}")
        k.cmd(f"guest kick {name}")
        up = keel.linux_console(k, name, timeout=TIMEOUT)
        return int(up.group(3)), up.group(1)
    finally:
        k.close()


def on_bare_qemu(cache):
    cmd = machine()["linux_bare"](2, cache) + ICOUNT
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
    if "linux_guests" not in machine():
        print(f"no Linux guest for {ARCH} yet: skipped")
        return
    if ARCH == "riscv64":
        # QEMU 7.2's -icount hangs a riscv64 machine with more than one
        # hart even for a bare kernel; one against two CPUs would compare
        # nothing.
        print("riscv64: no 2-CPU figure under -icount (QEMU 7.2 hangs): skipped")
        return
    cache = keel.linux_payload(ARCH)
    keel_s, release = on_keel(cache)
    bare_s, _ = on_bare_qemu(cache)
    result = {
        "arch": ARCH, "kernel": release, "cpus": 2,
        "icount": ICOUNT[1] if ICOUNT else None,
        "keel_instructions_to_shell": keel_s,
        "bare_qemu_instructions_to_shell": bare_s,
        "ratio": round(keel_s / bare_s, 2),
    }
    unit = "instructions (icount)" if ICOUNT else "ns (no icount)"
    print(f"Linux {release} to its shell, 2 CPUs, {unit}: "
          f"Keel {result['keel_instructions_to_shell']:,}, bare QEMU "
          f"{result['bare_qemu_instructions_to_shell']:,}, ratio {result['ratio']}")
    if smoke:
        print("smoke run (no -icount: the figures are nanoseconds): not kept")
        return
    out_dir = os.path.join(BUILD, "bench")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "linux.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
