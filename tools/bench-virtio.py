#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, virtio part: Debian's Linux reading and writing its virtio
disk, as a Keel guest and on bare QEMU.

On Keel the guest (linux-hostdisk: linux0 with a virtio disk on the host
disk's first partition) drives Keel's virtio-blk model, which drives the
host's virtio-blk through Keel's own driver; on bare QEMU the same kernel
and initramfs drive QEMU's virtio-blk directly. Both machines get a raw
image through -drive and run under `-icount shift=0,sleep=off`, where the
guest's clock counts the instructions the whole machine ran, Keel's
included. The guest times a sequential write and then a sequential read
of 64 MiB with O_DIRECT (dd, 1 MiB blocks: the page cache stays out of
it) and the figures are instructions per MiB, with the ratio Keel / bare.
Writes build/bench/virtio.json and prints a table.

Then the network: two guests made with `guest new ... net=sw0` on one
Keel, one sending 64 MiB over TCP (busybox nc) to the other through Keel's
switch; the sender's clock over the transfer, in instructions per MiB of
the whole machine (both guests and Keel). There is no bare-QEMU figure:
one QEMU has no second machine to talk to. The sender's clock stops when
its nc has handed the last bytes to its socket, so up to a socket
buffer's worth (well under 1 MiB) is still on its way.

With --smoke (what `make test` runs) the machines run without -icount
and move 4 MiB; nothing is written.
"""
import argparse
import json
import os
import re
import struct
import sys

import pexpect

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))

import keel  # noqa: E402
from machines import ARCH, BUILD, machine  # noqa: E402

ICOUNT = ["-icount", "shift=0,sleep=off"]
TIMEOUT = 1800
MIB = 64
SECTOR = 512
PART_FIRST, PART_SECTORS = 2048, (MIB + 2) * 2048
MODERN = ["-global", "virtio-mmio.force-legacy=false"]
# The guest's clock in ns (/proc/uptime has 10 ms steps); under icount,
# instructions.
CLOCK = "grep -m1 'now at' /proc/timer_list | cut -d' ' -f3"
RESULT = re.compile(r"\nW (\d+) R (\d+)\r")


def make_disk(path):
    """A raw disk whose first MBR partition holds the MiB moved."""
    mbr = bytearray(SECTOR)
    mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\0\0\0", 0x83, b"\0\0\0",
                               PART_FIRST, PART_SECTORS)
    mbr[510:512] = b"\x55\xaa"
    with open(path, "wb") as f:
        f.write(mbr)
        f.truncate((PART_FIRST + PART_SECTORS) * SECTOR)


def disk_args(path):
    return MODERN + ["-drive", f"if=none,id=d0,file={path},format=raw,cache=writeback",
                     "-device", "virtio-blk-device,drive=d0"]


def workload(mib):
    return (f"t() {{ {CLOCK}; }}; a=$(t); "
            f"dd if=/dev/zero of=/dev/vda bs=1M count={mib} oflag=direct 2>/dev/null; "
            "b=$(t); "
            f"dd if=/dev/vda of=/dev/null bs=1M count={mib} iflag=direct 2>/dev/null; "
            "c=$(t); echo W $((b-a)) R $((c-b))")


def run_workload(child, mib, timeout):
    """Run the timed dd's in the shell child talks to: (write, read)."""
    child.send(workload(mib) + "\r")
    # The echo of the command line has "W $((b-a))", never digits.
    child.expect(RESULT, timeout=timeout)
    return int(child.match.group(1)), int(child.match.group(2))


def on_keel(cache, disk, smp, mib):
    bundle = keel.make_bundle(os.path.join(BUILD, "bench", "virtio.cpio"), [
        os.path.join(cache, "Image"), os.path.join(cache, "rootfs.cpio"),
        os.path.join(BUILD, "guests", "linux-hostdisk.dtb")])
    k = keel.Keel(smp=smp, mem=1024,
                  extra=ICOUNT + ["-initrd", bundle] + disk_args(disk))
    try:
        k.boot()
        out = k.cmd("guest create linux-hostdisk.dtb")
        if "created" not in out:
            raise RuntimeError(f"guest create linux-hostdisk.dtb: {out.strip()}")
        k.cmd("guest kick linux0")
        keel.linux_console(k, "linux0", timeout=TIMEOUT)
        return run_workload(k.child, mib, TIMEOUT)
    finally:
        k.close()


def on_bare_qemu(cache, disk, smp, mib):
    cmd = machine()["linux_bare"](smp, cache, ICOUNT + disk_args(disk))
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8",
                          codec_errors="replace", timeout=TIMEOUT)
    try:
        child.expect(keel.LINUX_UP)
        return run_workload(child, mib, TIMEOUT)
    finally:
        child.terminate(force=True)


def network_on_keel(cache, smp, mib):
    bundle = keel.make_bundle(os.path.join(BUILD, "bench", "virtio-net.cpio"), [
        os.path.join(cache, "Image"), os.path.join(cache, "rootfs.cpio")])
    k = keel.Keel(smp=smp, mem=1024, extra=ICOUNT + ["-initrd", bundle])
    sh = keel.linux_shell
    try:
        k.boot()
        for i, name in enumerate(("tx", "rx")):
            out = k.cmd(f'guest new {name} kernel=Image initrd=rootfs.cpio '
                        f'append="{keel.linux_bootargs()}" vcpus=1 mem=256M net=sw0')
            if "created" not in out:
                raise RuntimeError(f"guest new {name}: {out.strip()}")
            k.cmd(f"guest kick {name}")
            keel.linux_console(k, name, timeout=TIMEOUT)
            sh(k, f"dmesg -n 1; ip link set eth0 up; ip addr add 192.168.7.{i + 1}/24 dev eth0",
               timeout=TIMEOUT)
            if name == "rx":
                # busybox nc ends a connection when its stdin ends.
                sh(k, "(sleep 100000 | nc -l -p 5000 | wc -c >/got) >/dev/null 2>&1 & true",
                   timeout=TIMEOUT)
            k.send_raw(keel.ESCAPE)
            k.wait_prompt()
        k.send_raw(f"vserial bind tx/{machine()['guest_uart']}\r")
        k.child.expect_exact("connected to", timeout=30)
        out = sh(k, "ping -c 1 -W 10 192.168.7.2 >/dev/null; "
                    f"t() {{ {CLOCK}; }}; a=$(t); "
                    f"dd if=/dev/zero bs=1M count={mib} 2>/dev/null | nc 192.168.7.2 5000; "
                    "b=$(t); echo N $((b-a))", timeout=TIMEOUT)
        m = re.search(r"^N (\d+)$", out, re.M)
        if not m:
            raise RuntimeError(f"network transfer: {out.strip()}")
        return int(m.group(1))
    finally:
        k.close()


def main():
    global ICOUNT, TIMEOUT
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help="without -icount, 4 MiB, no figures kept")
    smoke = ap.parse_args().smoke
    mib = 4 if smoke else MIB
    if smoke:
        ICOUNT, TIMEOUT = [], 600
    if "linux_guests" not in machine():
        print(f"no Linux guest for {ARCH} yet: skipped")
        return
    # QEMU 7.2's riscv64 hangs under -icount with more than one hart.
    smp = machine().get("icount_smp", 2)
    cache = keel.linux_payload(ARCH)
    disk = os.path.join(BUILD, "bench", "virtio-disk.img")
    os.makedirs(os.path.dirname(disk), exist_ok=True)
    make_disk(disk)
    keel_w, keel_r = on_keel(cache, disk, smp, mib)
    bare_w, bare_r = on_bare_qemu(cache, disk, smp, mib)
    os.unlink(disk)
    rows = {}
    for op, k_ins, b_ins in (("write", keel_w, bare_w), ("read", keel_r, bare_r)):
        rows[op] = {"keel_per_mib": k_ins // mib, "bare_per_mib": b_ins // mib,
                    "ratio": round(k_ins / b_ins, 2)}
    net = network_on_keel(cache, smp, mib)
    unit = "instructions/MiB" if ICOUNT else "ns/MiB (no icount)"
    print(f"virtio-blk, {mib} MiB sequential, O_DIRECT 1 MiB blocks, "
          f"{smp} host CPU(s), {unit}")
    print(f"{'op':<8}{'keel':>14}{'bare':>14}{'ratio':>8}")
    for op, r in rows.items():
        print(f"{op:<8}{r['keel_per_mib']:>14}{r['bare_per_mib']:>14}{r['ratio']:>8}")
    print(f"{'tcp':<8}{net // mib:>14}{'-':>14}{'-':>8}   guest to guest through sw0")
    if smoke:
        print("smoke run (no -icount: the figures are nanoseconds): not kept")
        return
    result = {"arch": ARCH, "icount": ICOUNT[1], "host_cpus": smp,
              "disk": {"mib": mib, "block": "1M O_DIRECT", **rows},
              "network": {"mib": mib, "what": "guest to guest TCP through sw0 (nc)",
                          "keel_per_mib": net // mib}}
    path = os.path.join(BUILD, "bench", "virtio.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
