# SPDX-License-Identifier: GPL-2.0
"""Guests' disks on the machine's own disk (issue 10). QEMU gives Keel a
raw image this test makes, with an MBR of two partitions, as a virtio-blk
device; Keel's driver names it vda and its partitions vda1 and vda2.

- basic0 starts at boot with a virtio disk on vda2: boot guests wait for
  the partition scan, and the firmware's conformance run sees the
  partition alone (its sectors 0 and last, nothing beyond).
- A Debian Linux guest (linux-hostdisk: linux0 with a virtio disk on
  vda1) writes 8 MiB of random data, syncs and powers off; the bytes are
  then in the image file on the machine running QEMU, and the guest,
  booted again, reads them back. Nothing outside the partitions changed.
"""
import glob
import hashlib
import os
import re
import struct

import pytest

import keel
from machines import ARCH, BUILD, machine

M = machine()
pytestmark = pytest.mark.skipif(
    not M.get("linux_guests"), reason="no Linux guest for this arch yet")

UART = M["guest_uart"]
SECTOR = 512
DISK_SECTORS = 40960  # 20 MiB
VDA1 = (2048, 32768)  # first sector, sectors: 16 MiB for Linux
VDA2 = (36864, 2048)  # 1 MiB: the firmware's test disk (vdisk.img)
# Sectors around vda2 that no guest may touch.
FENCES = [(34816, 2048), (38912, 2048)]
WRITE_MIB_AT, WRITE_MIB = 4, 8  # where in vda1 Linux writes, and how much
SLOT = {"arm64/virt-v8": "virtio@a000000",
        "riscv/virt64": "virtio@10001000"}[M["guest_dir"]]


def fence(sector):
    return (b"FENCE%011d" % sector) * (SECTOR // 16)


def make_disk(path):
    with open(os.path.join(BUILD, "guests", "vdisk.img"), "rb") as f:
        vdisk = f.read()
    assert len(vdisk) == VDA2[1] * SECTOR
    keel.mbr_image(path, (VDA1, VDA2), DISK_SECTORS * SECTOR)
    with open(path, "r+b") as f:
        for first, count in FENCES:
            f.seek(first * SECTOR)
            f.write(b"".join(fence(s) for s in range(first, first + count)))
        f.seek(VDA2[0] * SECTOR)
        f.write(vdisk)


def read_disk(path, first, count):
    with open(path, "rb") as f:
        f.seek(first * SECTOR)
        return f.read(count * SECTOR)


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("hostdisk") / "disk.img")
    make_disk(path)
    return path


@pytest.fixture(scope="module")
def k(tmp_path_factory, disk):
    """Keel with the disk, basic0 on vda2 started at boot, and linux0 with
    vda1 in its bundle."""
    cache = keel.linux_payload(ARCH)
    bundle = str(tmp_path_factory.mktemp("hostdisk") / "bundle.cpio")
    files = [os.path.join(cache, "Image"), os.path.join(cache, "rootfs.cpio"),
             os.path.join(BUILD, "guests", "basic-hostdisk.dtb"),
             os.path.join(BUILD, "guests", "linux-hostdisk.dtb"),
             *glob.glob(os.path.join(BUILD, "guests", "*", "basic", "basic.bin"))]
    keel.make_bundle(bundle, files)
    k = keel.start(smp=2, mem=1024, extra=[
        "-initrd", bundle, "-global", "virtio-mmio.force-legacy=false",
        "-drive", f"if=none,id=d0,file={disk},format=raw",
        "-device", "virtio-blk-device,drive=d0"])
    yield k
    k.close()


def test_boot_guest_gets_a_partition(k):
    assert "blockdev: vda: 2 partitions (MBR)" in k.boot_log, k.boot_log
    assert "guest basic0: started" in k.boot_log or \
        re.search(r"^\d+\s+basic0\s+running", k.cmd("guest list"), re.M)
    out = k.cmd("virtio list basic0")
    assert re.search(r"backend vda2 \(partition, rw\)", out), out


def test_partition_is_the_whole_disk_to_its_guest(k, disk):
    with keel.Console(k, f"basic0/{UART}") as con:
        verdict, out = con.run("virtio", timeout=300)
    assert verdict == "PASS", out
    assert re.search(rf"^virtio {SLOT}: PASS \d+ checks$", out, re.M), out
    assert re.search(rf"capacity {VDA2[1]} sectors", out), out


def boot_linux(k):
    keel.linux_console(k, "linux0")


def power_off(k):
    k.send_raw("poweroff -f\r")
    k.child.expect(r"reboot: Power down", timeout=60)
    k.send_raw(keel.ESCAPE)
    k.wait_prompt()


def test_linux_writes_reach_the_host_disk(k, disk):
    sh = keel.linux_shell
    assert "created" in k.cmd("guest create linux-hostdisk.dtb")
    assert "started" in k.cmd("guest kick linux0")
    boot_linux(k)
    out = sh(k, "echo size $(cat /sys/block/vda/size)")
    assert re.search(rf"^size {VDA1[1]}$", out, re.M), out
    out = sh(k, f"dd if=/dev/urandom of=/r bs=1M count={WRITE_MIB} 2>/dev/null; "
                "md5sum </r; "
                f"dd if=/r of=/dev/vda bs=1M seek={WRITE_MIB_AT} conv=fsync 2>/dev/null; "
                "sync", timeout=300)
    want = re.search(r"^([0-9a-f]{32})  -$", out, re.M)
    assert want, out
    power_off(k)

    # In the file, where vda1's sector WRITE_MIB_AT MiB is.
    first = VDA1[0] + WRITE_MIB_AT * 2048
    got = hashlib.md5(read_disk(disk, first, WRITE_MIB * 2048)).hexdigest()
    assert got == want.group(1)
    out = k.cmd("virtio list linux0")
    assert re.search(r"backend vda1 \(partition, rw\), [1-9]\d* requests", out), out

    # Booted again, the guest reads it back from the host disk.
    assert "started" in k.cmd("guest kick linux0")
    boot_linux(k)
    out = sh(k, f"dd if=/dev/vda bs=1M skip={WRITE_MIB_AT} count={WRITE_MIB} "
                "2>/dev/null | md5sum", timeout=300)
    assert re.search(rf"^{want.group(1)}  -$", out, re.M), out
    power_off(k)
    assert "destroyed" in k.cmd("guest destroy linux0")


def test_nothing_outside_the_partitions_changed(k, disk):
    mbr = read_disk(disk, 0, 1)
    assert mbr[510:512] == b"\x55\xaa"
    assert struct.unpack_from("<II", mbr, 446 + 8) == VDA1
    assert struct.unpack_from("<II", mbr, 462 + 8) == VDA2
    for first, count in FENCES:
        data = read_disk(disk, first, count)
        assert data == b"".join(fence(s) for s in range(first, first + count))
    # Past Linux's writes in vda1: still zeros.
    tail = VDA1[0] + (WRITE_MIB_AT + WRITE_MIB) * 2048
    assert read_disk(disk, tail, VDA1[0] + VDA1[1] - tail) == \
        bytes((VDA1[0] + VDA1[1] - tail) * SECTOR)
