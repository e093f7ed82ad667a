# SPDX-License-Identifier: GPL-2.0
"""Block devices from the terminal (issue 10): a disk over a boot-bundle
file (`blockdev bundle`), `blockdev list` with its size, mode and kind,
`blockdev remove`, and the messages bad input gets. One Keel boot with a
bundle of the test's own making serves every test here."""
import os
import re
import subprocess

import pytest

import keel

SRCTREE = os.path.join(os.path.dirname(__file__), "..", "..")
DISK_BYTES = 200000  # 391 sectors, the last one partly: 195.5 KiB


@pytest.fixture(scope="module")
def keel_bundle(tmp_path_factory):
    d = tmp_path_factory.mktemp("blockdev")
    (d / "disk.img").write_bytes(os.urandom(DISK_BYTES))
    (d / "empty.img").write_bytes(b"")
    bundle = d / "blockdev.cpio"
    subprocess.run([os.path.join(SRCTREE, "tools", "make-bundle.sh"), str(bundle),
                    str(d / "disk.img"), str(d / "empty.img")], check=True)
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
    assert "usage: blockdev list | blockdev bundle <file> <name> [ro] | blockdev remove <name>" in out
