# SPDX-License-Identifier: GPL-2.0
"""Keel as the driver of the host's virtio devices (issue 10): QEMU gives
the host a virtio-rng and a virtio-blk disk (a raw image this test makes,
with an MBR of two partitions) on its virtio-mmio slots. Keel names the
disk vda and its partitions vda1 and vda2, serves entropy from the
virtio-rng, and, on a machine with neither a virtio-rng nor a CPU
generator, says it has no entropy source."""
import re

import pytest

import keel
from machines import ARCH

# QEMU's virtio-mmio devices are legacy (version 1) unless told otherwise;
# Keel drives version 2 only.
MODERN = ["-global", "virtio-mmio.force-legacy=false"]
DISK_SECTORS = 32768  # 16 MiB
PARTS = [(2048, 16384), (18432, 14336)]  # (first sector, sectors)


@pytest.fixture(scope="module")
def keel_virtio(tmp_path_factory):
    disk = tmp_path_factory.mktemp("host_virtio") / "disk.img"
    keel.mbr_image(disk, PARTS, DISK_SECTORS * 512)
    k = keel.start(extra=MODERN + [
        "-device", "virtio-rng-device",
        "-drive", f"if=none,id=d0,file={disk},format=raw",
        "-device", "virtio-blk-device,drive=d0"])
    yield k
    k.close()


def test_disk_and_partitions(keel_virtio):
    log = keel_virtio.boot_log
    assert re.search(r"virtio-blk: vda: 32768 sectors \(16 MiB\), 512-byte blocks", log), log
    assert "blockdev: vda: 2 partitions (MBR)" in log, log
    out = keel_virtio.cmd("blockdev list")
    assert re.search(r"^vda\s+16\.0 MiB\s+32768\s+512 rw disk", out, re.M), out
    assert re.search(r"^vda1\s+8\.0 MiB\s+16384\s+512 rw partition vda", out, re.M), out
    assert re.search(r"^vda2\s+7\.0 MiB\s+14336\s+512 rw partition vda", out, re.M), out


def test_empty_slots_stay_quiet(keel_virtio):
    # 32 (arm64) or 8 (riscv64) slots, two of them used: no word about the rest.
    assert "virtio-mmio" not in keel_virtio.boot_log.replace(
        "virtio-mmio.force-legacy", ""), keel_virtio.boot_log


def test_entropy_from_virtio_rng(keel_virtio):
    out = keel_virtio.cmd("entropy")
    assert re.fullmatch(r"source: virtio-rng@[0-9a-f]+ \(priority 200\)", out), out
    first = keel_virtio.cmd("entropy read 32")
    second = keel_virtio.cmd("entropy read 32")
    assert re.fullmatch(r"[0-9a-f]{64}", first), first
    assert re.fullmatch(r"[0-9a-f]{64}", second), second
    assert first != second


def test_entropy_read_refuses_bad_counts(keel_virtio):
    for bad in ("0", "65", "x", "-1"):
        out = keel_virtio.cmd(f"entropy read {bad}")
        assert f"error: byte count '{bad}' is not 1..64" in out, out
    assert "usage: entropy" in keel_virtio.cmd("entropy bogus")


def test_legacy_device_is_named_and_left_alone():
    # Without force-legacy=false QEMU offers version 1: Keel says so.
    k = keel.start(extra=["-device", "virtio-rng-device"])
    try:
        assert re.search(r"virtio-mmio: virtio_mmio@[0-9a-f]+: device ID 4 speaks "
                         r"virtio-mmio version 1; Keel drives only version 2",
                         k.boot_log), k.boot_log
        # cortex-a57 has no RNDR; the riscv hosts have no usable seed CSR.
        assert k.cmd("entropy") == "no entropy source on this machine"
        out = k.cmd("entropy read 8")
        assert "no entropy source on this machine" in out, out
    finally:
        k.close()


@pytest.mark.skipif(ARCH != "arm64", reason="RNDR is arm64's (FEAT_RNG)")
def test_rndr_when_the_cpu_has_it():
    k = keel.start(extra=["-cpu", "max"])
    try:
        assert k.cmd("entropy") == "source: rndr (priority 100)"
        a, b = k.cmd("entropy read 64"), k.cmd("entropy read 64")
        assert re.fullmatch(r"[0-9a-f]{128}", a), a
        assert a != b
    finally:
        k.close()
