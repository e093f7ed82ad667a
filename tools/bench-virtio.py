#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, virtio part: what Debian's Linux costs reading and writing
its virtio disk and talking to another guest, as Keel guests and (the
disk) on bare QEMU.

Both machines run under `-icount shift=0,sleep=off` with one CPU. Elapsed
time would not measure cost: while the guest waits for QEMU's block layer
(host threads, real time) the idle machine's clock jumps to its next
timer. The figures are instructions spent working, per MiB:

- bare QEMU: the guest kernel's task time on its CPU (/proc/schedstat,
  `rq_cpu_time`, in ns = instructions). It leaves out interrupt work
  done while the CPU was idle, so it errs in bare QEMU's favour. QEMU's
  own device emulation costs bare QEMU no instructions at all.
- Keel: Keel's account of its CPU (`host cpu time`: everything not in
  its idle thread: the guest, the device model, the host driver, the
  switch), read around each operation; and, to see where it goes, the
  guest's task time the same way as on bare QEMU. Keel's busy time minus
  the guest's task time is the work Keel does outside the guest's tasks
  (exits the guest takes while idle, completions, the host driver).

The ratio Keel / bare is what running under Keel adds.

- Disk: the guest (`guest new ... disk=vda1`: Keel's virtio-blk model on a
  partition of the host's disk, served by Keel's virtio-blk driver;
  bare: QEMU's virtio-blk on the same image) writes then reads 256 MiB
  sequentially with O_DIRECT in 1 MiB blocks. The disk is written once
  before anything is measured (the image file then has its blocks).
- Network: two guests made with `guest new ... net=sw0` on one Keel, one
  sending 256 MiB over TCP (busybox nc) to the other through Keel's
  switch. No bare figure: one QEMU has no second machine to talk to.

Each operation runs five times and counts the least of the five, less
the least of five runs of the same line as a no-op (`: '<line>'`)
measured the same way: the measuring's own cost (awk, the terminal, and
the echo of every character typed, which costs a guest on Keel a few
UART exits per character, so a shorter baseline line would charge
Keel for typing).

Writes build/bench/virtio.json and prints a table. With --smoke (what
`make test` runs) the machines run without -icount and move 4 MiB;
nothing is written, and each figure is one run.
"""
import argparse
import os
import re
import sys

import pexpect

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))

import keel  # noqa: E402
from machines import ARCH, BUILD, machine  # noqa: E402

ICOUNT = ["-icount", "shift=0,sleep=off"]
TIMEOUT = 1800
# Large enough that the measuring's own cost, which varies by millions of
# instructions with how long the terminal takes (the guest's timer work
# while it waits), is small beside the operation's.
MIB = 256
SECTOR = 512
PART_FIRST, PART_SECTORS = 2048, (MIB + 2) * 2048
MODERN = ["-global", "virtio-mmio.force-legacy=false"]
# Runs per figure: icount makes the CPU's work repeatable, but the host's
# disk and QEMU's block layer answer in real time, which changes what the
# guest does while it waits (how often it goes idle and is woken).
REPEAT = 5
OPS = {
    "write": "dd if=/dev/zero of=/dev/vda bs=1M count={mib} oflag=direct 2>/dev/null",
    "read": "dd if=/dev/vda of=/dev/null bs=1M count={mib} iflag=direct 2>/dev/null",
}


def noop(line):
    """line as a shell no-op of (nearly) the same length."""
    assert "'" not in line
    return f": '{line}'"


# In a Linux guest: CPU 0's task time in ns (rq_cpu_time, /proc/schedstat).
GUEST_BUSY = "awk '/^cpu0 / {print \"BUSY\", $8}' /proc/schedstat"
BUSY = re.compile(r"^BUSY (\d+)$", re.M)


def make_disk(path):
    """A raw disk whose first MBR partition holds the MiB moved."""
    keel.mbr_image(path, [(PART_FIRST, PART_SECTORS)],
                   (PART_FIRST + PART_SECTORS) * SECTOR)


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
                f'append="{keel.linux_bootargs()}" vcpus=1 mem=256M {options}')
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


def guest_measure(k, line):
    """The guest's task ns while it runs line (k: a bound Keel or a bare
    QEMU child)."""
    out = keel.linux_shell(k, f"{GUEST_BUSY}; {line}; {GUEST_BUSY}", timeout=TIMEOUT)
    busy = [int(b) for b in BUSY.findall(out)]
    if len(busy) != 2:
        raise RuntimeError(f"{line}: {out.strip()}")
    return busy[1] - busy[0]


def keel_measure(k, guest, line):
    """(Keel's busy ns, the guest's task ns) while guest runs line."""
    leave(k)
    before = keel_busy(k)
    bind(k, guest)
    in_guest = guest_measure(k, line)
    leave(k)
    after = keel_busy(k)
    bind(k, guest)
    return after - before, in_guest


def least(runs):
    """The least of runs of (keel, guest) pairs, each figure on its own."""
    return tuple(min(r[i] for r in runs) for i in range(2))


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
        result = {}
        for op, cmd in OPS.items():
            line = cmd.format(mib=mib)
            result[op] = [least([keel_measure(k, "bench", ln) for _ in range(REPEAT)])
                          for ln in (line, noop(line))]
        return result
    finally:
        k.close()


def disk_on_bare_qemu(cache, disk, mib):
    cmd = machine()["linux_bare"](1, cache, ICOUNT + disk_args(disk))
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8",
                          codec_errors="replace", timeout=TIMEOUT)
    try:
        child.expect(keel.LINUX_UP)
        keel.linux_shell(child, "dmesg -n 1; " + OPS["write"].format(mib=mib), timeout=TIMEOUT)
        result = {}
        for op, cmd in OPS.items():
            line = cmd.format(mib=mib)
            result[op] = [min(guest_measure(child, ln) for _ in range(REPEAT))
                          for ln in (line, noop(line))]
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
        line = f"dd if=/dev/zero bs=1M count={mib} 2>/dev/null | nc 192.168.7.1 5000"
        base = least([keel_measure(k, "tx", noop(line)) for _ in range(REPEAT)])
        run = keel_measure(k, "tx", line)
        return run[0] - base[0], run[1] - base[1]
    finally:
        k.close()


def main():
    global ICOUNT, TIMEOUT, REPEAT
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help="without -icount, 4 MiB, no figures kept")
    smoke = ap.parse_args().smoke
    mib = 4 if smoke else MIB
    if smoke:
        ICOUNT, TIMEOUT, REPEAT = [], 600, 1
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
    rows = {}
    for op in ("write", "read"):
        (k_run, k_base), (b_run, b_base) = on_keel[op], bare[op]
        k_busy, b_busy = k_run[0] - k_base[0], b_run - b_base
        if k_busy <= 0 or b_busy <= 0:
            # Without -icount (--smoke) a few MiB can cost less than the
            # no-op's timer noise; under -icount it means a broken measure.
            if not smoke:
                raise RuntimeError(f"{op}: no more than its no-op "
                                   f"(Keel {k_busy}, bare {b_busy})")
            rows[op] = None
            continue
        # The two least figures may come from different runs: without
        # -icount (--smoke) noise could put the guest's above Keel's.
        k_guest = min(max(k_run[1] - k_base[1], 0), k_busy)
        rows[op] = {"keel_per_mib": k_busy // mib, "bare_per_mib": b_busy // mib,
                    "ratio": round(k_busy / b_busy, 2),
                    "keel_guest_tasks_per_mib": k_guest // mib,
                    "keel_outside_guest_tasks_per_mib": (k_busy - k_guest) // mib}
    unit = "instructions/MiB" if ICOUNT else "ns/MiB (no icount)"
    print(f"virtio, {mib} MiB, 1 CPU, {unit}, least of {REPEAT}")
    print(f"{'op':<8}{'keel':>12} {'bare':>11} {'ratio':>6} {'guest tasks':>13} {'rest':>11}")
    for op, r in rows.items():
        if r is None:
            print(f"{op:<8}{'-':>12} {'-':>11} {'-':>6} {'-':>13} {'-':>11}"
                  "   (within the no-op's noise)")
            continue
        print(f"{op:<8}{r['keel_per_mib']:>12} {r['bare_per_mib']:>11} {r['ratio']:>6} "
              f"{r['keel_guest_tasks_per_mib']:>13} {r['keel_outside_guest_tasks_per_mib']:>11}")
    print(f"{'tcp':<8}{net[0] // mib:>12}{'-':>12}{'-':>7}{net[1] // mib:>14}"
          f"{max(net[0] - net[1], 0) // mib:>12}   (sender's tasks) guest to guest through sw0")
    if smoke:
        print("smoke run (no -icount: the figures are nanoseconds): not kept")
        return
    result = {"arch": ARCH, "icount": ICOUNT[1], "cpus": 1,
              "unit": f"instructions per MiB, least of {REPEAT} runs",
              "disk": {"mib": mib, "block": "1M O_DIRECT", **rows},
              "network": {"mib": mib, "what": "guest to guest TCP through sw0 (nc)",
                          "keel_per_mib": net[0] // mib,
                          "sender_tasks_per_mib": net[1] // mib}}
    keel.write_bench("virtio", result)


if __name__ == "__main__":
    main()
