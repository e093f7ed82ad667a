# SPDX-License-Identifier: GPL-2.0
"""Block devices from the terminal (issue 10): a disk over a boot-bundle
file (`blockdev bundle`), `blockdev list` with its size, mode and kind,
`blockdev remove`, partition tables the test writes (GPT and MBR, as the
UEFI specification lays them out, checksummed with zlib) found by
`blockdev scan`, and the messages bad input gets. One Keel boot with a
bundle of the test's own making serves every test here."""
import os
import re
import struct
import subprocess
import zlib

import pytest

import keel

SRCTREE = os.path.join(os.path.dirname(__file__), "..", "..")
DISK_BYTES = 200000  # 391 sectors, the last one partly: 195.5 KiB


SECTORS = 4096  # of the partitioned images: 2 MiB


def mbr_entry(disk, i, ptype, start, count):
    struct.pack_into("<B3sB3sII", disk, 446 + 16 * i, 0, b"", ptype, b"", start, count)
    disk[510:512] = b"\x55\xaa"


def gpt_image(entries, damage_header=False):
    """A protective MBR, the GPT header at LBA 1, 128 entries of 128 bytes
    from LBA 2; entries: {index: (first LBA, last LBA)}."""
    disk = bytearray(SECTORS * 512)
    mbr_entry(disk, 0, 0xEE, 1, SECTORS - 1)
    array = bytearray(128 * 128)
    for i, (first, last) in entries.items():
        struct.pack_into("<16s16sQQQ", array, 128 * i,
                         bytes.fromhex("af3dc60f838472478e793d69d8477de4"),  # Linux data
                         os.urandom(16), first, last, 0)
    disk[1024:1024 + len(array)] = array
    header = bytearray(struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x10000, 92, 0, 0, 1, SECTORS - 1,
                                   34, SECTORS - 34, os.urandom(16), 2, 128, 128, zlib.crc32(array)))
    struct.pack_into("<I", header, 16, zlib.crc32(header))
    if damage_header:
        header[40] ^= 1
    disk[512:512 + len(header)] = header
    return disk


def mbr_image():
    disk = bytearray(SECTORS * 512)
    mbr_entry(disk, 0, 0x83, 2048, 1024)
    mbr_entry(disk, 1, 0x05, 3072, 512)  # extended: skipped
    mbr_entry(disk, 3, 0x0C, 3584, 512)  # to the last sector
    return disk


@pytest.fixture(scope="module")
def keel_bundle(tmp_path_factory):
    d = tmp_path_factory.mktemp("blockdev")
    (d / "disk.img").write_bytes(os.urandom(DISK_BYTES))
    (d / "empty.img").write_bytes(b"")
    # Partition 6 runs past the disk's end: refused, the others stay.
    (d / "gpt.img").write_bytes(gpt_image({0: (34, 2047), 2: (2048, SECTORS - 34), 5: (3000, SECTORS)}))
    (d / "badgpt.img").write_bytes(gpt_image({0: (34, 2047)}, damage_header=True))
    (d / "mbr.img").write_bytes(mbr_image())
    files = [d / name for name in ("disk.img", "empty.img", "gpt.img", "badgpt.img", "mbr.img")]
    bundle = d / "blockdev.cpio"
    subprocess.run([os.path.join(SRCTREE, "tools", "make-bundle.sh"), str(bundle)] + [str(f) for f in files],
                   check=True)
    k = keel.start(smp=2, extra=["-initrd", str(bundle)])
    yield k
    k.close()


def rows(out):
    """blockdev list's rows by name, as lists of columns (SIZE is two words)."""
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "SIZE", "SECTORS", "BLOCK", "RO", "KIND", "PARENT", "CLAIMED-BY",
                                "READS", "WRITES", "READ", "WRITTEN", "ERRORS"], out
    found = {}
    for line in lines[1:]:
        cols = line.split()
        found[cols[0]] = cols
    return found


def heap_in_use(k):
    return re.search(r"in use:\s+(\d+) bytes in (\d+) blocks", k.cmd("heap info")).groups()


def test_bundle_disk_listed_and_removed(keel_bundle):
    k = keel_bundle
    assert "(no block devices)" in k.cmd("blockdev list")
    heap = heap_in_use(k)
    assert k.cmd("blockdev bundle disk.img rd0") == "rd0: disk.img, copied on write in RAM"
    assert k.cmd("blockdev bundle disk.img rd1 ro") == "rd1: disk.img, copied on write in RAM, read-only"
    listed = rows(k.cmd("blockdev list"))
    assert set(listed) == {"rd0", "rd1"}
    assert listed["rd0"] == ["rd0", "195.5", "KiB", "391", "512", "rw", "bundle", "-", "-",
                             "0", "0", "0", "B", "0", "B", "0"]
    assert listed["rd1"][5:7] == ["ro", "bundle"]
    assert k.cmd("blockdev remove rd0") == "rd0 removed"
    assert k.cmd("blockdev remove rd1") == "rd1 removed"
    assert "(no block devices)" in k.cmd("blockdev list")
    # The disks' chunk tables and descriptions went back to the heap.
    assert heap_in_use(k) == heap


@pytest.mark.parametrize("line,error", [
    ("blockdev bundle nosuch.img rd2", "error: no bundle file nosuch.img"),
    ("blockdev bundle empty.img rd2", "error: bundle file empty.img is empty"),
    ("blockdev bundle disk.img Bad", "error: bad name 'Bad': 1 to 15 characters of a-z, 0-9, '_' and '-'"),
    ("blockdev bundle disk.img a-name-much-too-long", "error: bad name 'a-name-much-too-long'"),
    ("blockdev bundle disk.img rd2 rw", "error: 'rw' is not 'ro'"),
    ("blockdev remove nosuch", "error: no block device nosuch"),
    ("blockdev frob", "error: unknown subcommand 'frob'"),
])
def test_bad_input_is_refused_with_a_message(keel_bundle, line, error):
    out = keel_bundle.cmd(line)
    assert error in out, out
    assert "(no block devices)" in keel_bundle.cmd("blockdev list")


def test_name_in_use(keel_bundle):
    k = keel_bundle
    assert "copied on write" in k.cmd("blockdev bundle disk.img rd3")
    assert "error: name rd3 in use" in k.cmd("blockdev bundle disk.img rd3")
    assert k.cmd("blockdev remove rd3") == "rd3 removed"


def test_usage(keel_bundle):
    out = keel_bundle.cmd("blockdev")
    assert ("usage: blockdev list | blockdev bundle <file> <name> [ro] | blockdev remove <name> | "
            "blockdev scan <name>") in out


def test_gpt_partitions(keel_bundle):
    k = keel_bundle
    heap = heap_in_use(k)
    assert "copied on write" in k.cmd("blockdev bundle gpt.img gd ro")
    out = k.cmd("blockdev scan gd")
    assert "gd: 2 partitions" in out, out
    # The scan's log says what it refused.
    assert "blockdev: gd: partition 6 (blocks 3000-4096) does not fit the disk (4096 blocks): refused" in out
    listed = rows(k.cmd("blockdev list"))
    assert set(listed) == {"gd", "gd1", "gd3"}
    # Named by entry index + 1, read-only like their disk.
    assert listed["gd1"][:9] == ["gd1", "1007.0", "KiB", str(2047 - 34 + 1), "512", "ro", "partition", "gd", "-"]
    assert listed["gd3"][3] == str(SECTORS - 34 - 2048 + 1)
    # The header, the entry array and the protective MBR were read.
    assert int(listed["gd"][9]) >= 3
    assert "error: gd already has partitions" in k.cmd("blockdev scan gd")
    assert "error: gd1 is a partition" in k.cmd("blockdev scan gd1")
    assert "error: gd1 is a partition: only bundle disks can be removed" in k.cmd("blockdev remove gd1")
    assert k.cmd("blockdev remove gd") == "gd removed"
    assert "(no block devices)" in k.cmd("blockdev list")
    assert heap_in_use(k) == heap


def test_gpt_with_a_bad_header_checksum_gives_no_partitions(keel_bundle):
    k = keel_bundle
    assert "copied on write" in k.cmd("blockdev bundle badgpt.img bg")
    out = k.cmd("blockdev scan bg")
    assert "bg: 0 partitions" in out, out
    assert "blockdev: bg: the GPT header's CRC32 does not match: no partitions" in out
    assert set(rows(k.cmd("blockdev list"))) == {"bg"}
    assert k.cmd("blockdev remove bg") == "bg removed"


def test_mbr_partitions(keel_bundle):
    k = keel_bundle
    assert "copied on write" in k.cmd("blockdev bundle mbr.img md0")
    out = k.cmd("blockdev scan md0")
    assert "md0: 2 partitions" in out, out
    assert "blockdev: md0: extended partition 2 (type 0x05) skipped" in out
    listed = rows(k.cmd("blockdev list"))
    # A disk named with a digit at its end: md0p<n>, as Linux names them.
    assert set(listed) == {"md0", "md0p1", "md0p4"}
    assert listed["md0p1"][1:4] == ["512.0", "KiB", "1024"]
    assert listed["md0p4"][1:7] == ["256.0", "KiB", "512", "512", "rw", "partition"]
    assert k.cmd("blockdev remove md0") == "md0 removed"
