#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, virtio part: what Debian's Linux costs reading and writing
its virtio disk and talking to another guest, as Keel guests and (the
disk) on bare QEMU.

Both machines run under `-icount shift=0,sleep=off` with one CPU. There a
CPU's busy time is the instructions it ran; its idle time is not work,
and with sleep=off QEMU jumps an idle machine's clock to its next timer,
so elapsed time would measure timer deadlines, not cost. The figure is
therefore busy time per MiB: on Keel, Keel's own account of its CPU
(`host cpu time`: everything not in its idle thread, the guest included),
read before and after each operation; on bare QEMU, the kernel's
(/proc/timer_list: elapsed minus idle and iowait sleep). QEMU's own device
emulation costs bare QEMU no instructions; on Keel the device models and
Keel's host drivers run as instructions: the ratio Keel / bare is what
Keel adds.

- Disk: the guest (`guest new ... disk=vda1`: Keel's virtio-blk model on a
  partition of the host's disk, served by Keel's virtio-blk driver;
  bare: QEMU's virtio-blk on the same image) writes then reads 64 MiB
  sequentially with O_DIRECT in 1 MiB blocks.
- Network: two guests made with `guest new ... net=sw0` on one Keel, one
  sending 64 MiB over TCP (busybox nc) to the other through Keel's
  switch. No bare figure: one QEMU has no second machine to talk to.

I/O makes even busy time vary a little: a completion that QEMU's block
layer (in host threads, in real time) delivers after the guest went idle
costs a jump of the clock and the kernel's catching up with it. So both
guests boot with nohz=off (a periodic tick bounds those jumps to 4 ms),
the disk is written once before anything is measured (the image file
then has its blocks), and each operation runs three times: the figure is
the least of the three, less the least of three runs of `true` measured
the same way (the measuring's own cost: typing, awk, the terminal).

Writes build/bench/virtio.json and prints a table. With --smoke (what
`make test` runs) the machines run without -icount and move 4 MiB;
nothing is written.
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
REPEAT = 3
NOHZ = "nohz=off"
OPS = {
    "none": "true",
    "write": "dd if=/dev/zero of=/dev/vda bs=1M count={mib} oflag=direct 2>/dev/null",
    "read": "dd if=/dev/vda of=/dev/null bs=1M count={mib} iflag=direct 2>/dev/null",
}
# In a Linux guest: CPU 0's busy ns (now - idle - iowait sleep).
GUEST_BUSY = ("awk '/^now at/ {n=$3} /^cpu: 1/ {exit} /idle_sleeptime|iowait_sleeptime/ "
              "{s+=$3} END {print \"BUSY\", n-s}' /proc/timer_list")


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
    return MODERN + ["-drive", f"if=none,id=d0,file={path},format=raw",
                     "-device", "virtio-blk-device,drive=d0"]


def keel_busy(k):
    """Keel's busy ns on its one CPU (`host cpu time`)."""
    out = k.cmd("host cpu time")
    m = re.search(r"^0\s+\d+\s+(\d+)\s+\d+$", out, re.M)
    if not m:
        raise RuntimeError(f"host cpu time: {out.strip()}")
    return int(m.group(1))


def new_linux_guest(k, name, options):
    out = k.cmd(f'guest new {name} kernel=Image initrd=rootfs.cpio '
                f'append="{keel.linux_bootargs()} {NOHZ}" vcpus=1 mem=256M {options}')
    if "created" not in out:
        raise RuntimeError(f"guest new {name}: {out.strip()}")
    k.cmd(f"guest kick {name}")
    keel.linux_console(k, name, timeout=TIMEOUT)
    keel.linux_shell(k, "dmesg -n 1")


def bind(k, name):
    port = f"{name}/{machine()['guest_uart']}"
    k.send_raw(f"vserial bind {port}\r")
    k.child.expect_exact(f"connected to {port}", timeout=30)


def leave(k):
    k.send_raw(keel.ESCAPE)
    k.wait_prompt()


def keel_measure(k, guest, line):
    """Keel's busy ns while guest runs line in its shell."""
    leave(k)
    before = keel_busy(k)
    bind(k, guest)
    keel.linux_shell(k, line, timeout=TIMEOUT)
    leave(k)
    after = keel_busy(k)
    bind(k, guest)
    return after - before


def bake_bundle(cache, name):
    return keel.make_bundle(os.path.join(BUILD, "bench", name), [
        os.path.join(cache, "Image"), os.path.join(cache, "rootfs.cpio")])


def disk_on_keel(cache, disk, mib):
    k = keel.Keel(smp=1, mem=1024, extra=ICOUNT + ["-initrd", bake_bundle(cache, "virtio.cpio")]
                  + disk_args(disk))
    try:
        k.boot()
        new_linux_guest(k, "bench", "disk=vda1")
        keel.linux_shell(k, OPS["write"].format(mib=mib), timeout=TIMEOUT)
        return {op: min(keel_measure(k, "bench", cmd.format(mib=mib)) for _ in range(REPEAT))
                for op, cmd in OPS.items()}
    finally:
        k.close()


def disk_on_bare_qemu(cache, disk, mib):
    cmd = machine()["linux_bare"](1, cache, ICOUNT + disk_args(disk))
    cmd[cmd.index("-append") + 1] += " " + NOHZ
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8",
                          codec_errors="replace", timeout=TIMEOUT)
    try:
        child.expect(keel.LINUX_UP)
        keel.linux_shell(child, "dmesg -n 1; " + OPS["write"].format(mib=mib), timeout=TIMEOUT)
        result = {}
        for op, line in OPS.items():
            for _ in range(REPEAT):
                out = keel.linux_shell(child, f"{GUEST_BUSY}; {line.format(mib=mib)}; "
                                              f"{GUEST_BUSY}", timeout=TIMEOUT)
                busy = [int(b) for b in re.findall(r"^BUSY (\d+)$", out, re.M)]
                if len(busy) != 2:
                    raise RuntimeError(f"bare {op}: {out.strip()}")
                result[op] = min(result.get(op, busy[1] - busy[0]), busy[1] - busy[0])
        return result
    finally:
        child.terminate(force=True)


def network_on_keel(cache, mib):
    k = keel.Keel(smp=1, mem=1024, extra=ICOUNT + ["-initrd", bake_bundle(cache, "virtio-net.cpio")])
    try:
        k.boot()
        for i, name in enumerate(("rx", "tx")):
            new_linux_guest(k, name, "net=sw0")
            keel.linux_shell(k, f"ip link set eth0 up; ip addr add 192.168.7.{i + 1}/24 dev eth0")
            if name == "rx":
                # busybox nc ends a connection when its stdin ends.
                keel.linux_shell(k, "(sleep 100000 | nc -l -p 5000 | wc -c >/got) "
                                    ">/dev/null 2>&1 & true")
            leave(k)
        bind(k, "tx")
        keel.linux_shell(k, "ping -c 1 -W 30 192.168.7.1 >/dev/null", timeout=TIMEOUT)
        base = min(keel_measure(k, "tx", "true") for _ in range(REPEAT))
        return keel_measure(k, "tx", f"dd if=/dev/zero bs=1M count={mib} 2>/dev/null | "
                                     "nc 192.168.7.1 5000") - base
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
    cache = keel.linux_payload(ARCH)
    disk = os.path.join(BUILD, "bench", "virtio-disk.img")
    os.makedirs(os.path.dirname(disk), exist_ok=True)
    make_disk(disk)
    on_keel = disk_on_keel(cache, disk, mib)
    bare = disk_on_bare_qemu(cache, disk, mib)
    os.unlink(disk)
    net = network_on_keel(cache, mib)
    for m in (on_keel, bare):
        m.update({op: max(m[op] - m["none"], 1) for op in ("write", "read")})
    rows = {op: {"keel_per_mib": on_keel[op] // mib, "bare_per_mib": bare[op] // mib,
                 "ratio": round(on_keel[op] / bare[op], 2)} for op in ("write", "read")}
    unit = "busy instructions/MiB" if ICOUNT else "busy ns/MiB (no icount)"
    print(f"virtio, {mib} MiB, 1 CPU, {unit} (least of {REPEAT})")
    print(f"{'op':<8}{'keel':>14}{'bare':>14}{'ratio':>8}")
    for op, r in rows.items():
        print(f"{op:<8}{r['keel_per_mib']:>14}{r['bare_per_mib']:>14}{r['ratio']:>8}")
    print(f"{'tcp':<8}{net // mib:>14}{'-':>14}{'-':>8}   guest to guest through sw0")
    if smoke:
        print("smoke run (no -icount: the figures are nanoseconds): not kept")
        return
    result = {"arch": ARCH, "icount": ICOUNT[1], "cpus": 1,
              "unit": f"busy instructions per MiB, least of {REPEAT} runs",
              "disk": {"mib": mib, "block": "1M O_DIRECT", **rows},
              "network": {"mib": mib, "what": "guest to guest TCP through sw0 (nc)",
                          "keel_per_mib": net // mib}}
    path = os.path.join(BUILD, "bench", "virtio.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
