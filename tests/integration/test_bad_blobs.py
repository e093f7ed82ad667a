# SPDX-License-Identifier: GPL-2.0
"""Damaged device-tree blobs are refused before use, naming the blob and
what is wrong with it (issue 8, item 7).

dtc writes only sound blobs, so the damage is done here, to copies of a
reference guest's compiled description: a reservation map that runs off
the end of the blob, FDT_END replaced, a property name outside the strings
block, a file cut short, nodes nested too deep. Each goes into a boot
bundle of its own making (tools/make-bundle.sh) or into the host tree's
/chosen/keel,guests; Keel must print "<blob>: bad device tree: <reason>"
at boot and on `guest create`, create nothing, and go on.
"""
import os
import struct
import subprocess

import pytest

import keel
from machines import ARCH, BUILD, machine

M = machine()
pytestmark = pytest.mark.skipif(
    not M["guests"], reason="Keel runs no guests on this arch yet")
SRCTREE = os.path.join(os.path.dirname(__file__), "..", "..")
FIRMWARE = os.path.join(BUILD, "guests", M["guest_dir"].split("/")[0],
                        "basic", "basic.bin")
GOOD = os.path.join(BUILD, "guests", "basic1.dtb")

FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9
(H_MAGIC, H_TOTALSIZE, H_OFF_STRUCT, H_OFF_STRINGS, H_OFF_RSVMAP, H_VERSION,
 H_LAST_COMP, H_BOOT_CPU, H_SIZE_STRINGS, H_SIZE_STRUCT) = range(10)


def field(blob, i):
    return struct.unpack_from(">I", blob, 4 * i)[0]


def set_field(blob, i, value):
    struct.pack_into(">I", blob, 4 * i, value)


def first_prop(blob):
    """Absolute offset of the first FDT_PROP token."""
    off = field(blob, H_OFF_STRUCT)
    while True:
        tag = struct.unpack_from(">I", blob, off)[0]
        if tag == FDT_PROP:
            return off
        if tag == FDT_BEGIN_NODE:
            off = (blob.index(b"\0", off + 4) + 4) & ~3
        elif tag in (FDT_END_NODE, FDT_NOP):
            off += 4
        else:
            raise AssertionError(f"token {tag:#x} at {off:#x}")


def compile_dts(path, text):
    src = str(path) + ".dts"
    with open(src, "w") as f:
        f.write(text)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(path),
                    src], check=True)
    return open(path, "rb").read()


def damaged_blobs(tmp_path):
    """(file name, bytes, what Keel must say) for each kind of damage."""
    good = open(GOOD, "rb").read()
    total = field(good, H_TOTALSIZE)
    assert total == len(good)
    out = []

    b = bytearray(good)
    rsv = (total - 8) & ~7
    set_field(b, H_OFF_RSVMAP, rsv)
    out.append(("rsvmap-off-end.dtb", b,
                "memory reservation map not terminated within its block "
                f"(at byte {rsv:#x})"))

    b = bytearray(good)
    end = field(b, H_OFF_STRUCT) + field(b, H_SIZE_STRUCT) - 4
    assert struct.unpack_from(">I", b, end)[0] == FDT_END
    struct.pack_into(">I", b, end, FDT_NOP)
    out.append(("end-replaced.dtb", b,
                "token after the root node's end (a second root, or "
                f"FDT_END replaced) (at byte {end:#x})"))

    b = bytearray(good)
    prop = first_prop(b)
    struct.pack_into(">I", b, prop + 8, field(b, H_SIZE_STRINGS) + 0x100)
    out.append(("bad-string.dtb", b,
                "property name offset outside the strings block "
                f"(at byte {prop + 8:#x})"))

    out.append(("cut-short.dtb", bytearray(good[:total - 16]),
                f"totalsize larger than the file (at byte {4 * H_TOTALSIZE:#x})"))

    deep = "/dts-v1/;\n/ {" + " n {" * 70 + " };" * 70 + " };\n"
    b = compile_dts(tmp_path / "deep.dtb", deep)
    out.append(("too-deep.dtb", b, "nodes nested too deep (at byte 0x"))
    return out


def test_damaged_guest_descriptions_in_the_bundle(tmp_path):
    blobs = damaged_blobs(tmp_path)
    files = [FIRMWARE, GOOD]
    for name, data, _ in blobs:
        path = tmp_path / name
        path.write_bytes(bytes(data))
        files.append(str(path))
    bundle = tmp_path / "bad-blobs.cpio"
    subprocess.run([os.path.join(SRCTREE, "tools", "make-bundle.sh"),
                    str(bundle)] + files, check=True)
    k = keel.start(smp=2, extra=["-initrd", str(bundle)])
    try:
        # Every .dtb in the bundle is read at boot (for autostart guests).
        for name, _, reason in blobs:
            assert f"{name}: bad device tree: {reason}" in k.boot_log, \
                k.boot_log
        for name, _, reason in blobs:
            out = k.cmd(f"guest create {name}")
            assert f"{name}: bad device tree: {reason}" in out, out
            assert "created" not in out, out
        assert "basic1" not in k.cmd("guest list")
        # Sound blobs still work.
        assert "guest basic1 created" in k.cmd("guest create basic1.dtb")
        assert k.cmd("version").startswith("Keel")
    finally:
        k.close()


def test_damaged_chosen_guests_blob(tmp_path):
    """A damaged blob in the host tree's /chosen/keel,guests is refused
    by name; Keel boots on."""
    base = tmp_path / "qemu.dtb"
    cmd = M["command"](2, 512, M["default_irqchip"],
                       ["-machine", f"dumpdtb={base}"])
    subprocess.run(cmd, check=True, capture_output=True)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(base)],
                         check=True, capture_output=True, text=True).stdout
    name, data, reason = damaged_blobs(tmp_path)[1]  # FDT_END replaced
    (tmp_path / "guests.dtb").write_bytes(bytes(data))
    dts += ('\n/ { chosen { keel,guests = /incbin/("%s"); }; };\n'
            % (tmp_path / "guests.dtb"))
    host = tmp_path / "host.dtb"
    compile_dts(host, dts)
    k = keel.start(smp=2, extra=["-dtb", str(host)])
    try:
        assert f"/chosen/keel,guests: bad device tree: {reason}" in \
            k.boot_log, k.boot_log
        assert k.cmd("version").startswith("Keel")
    finally:
        k.close()


def test_damaged_host_device_tree(tmp_path):
    """The host tree the loader passes is checked in full at boot, before
    anything reads it: a damaged one stops Keel with the reason."""
    base = tmp_path / "qemu.dtb"
    cmd = M["command"](2, 512, M["default_irqchip"],
                       ["-machine", f"dumpdtb={base}"])
    subprocess.run(cmd, check=True, capture_output=True)
    b = bytearray(base.read_bytes())
    end = field(b, H_OFF_STRUCT) + field(b, H_SIZE_STRUCT) - 4
    assert struct.unpack_from(">I", b, end)[0] == FDT_END
    struct.pack_into(">I", b, end, FDT_NOP)
    (tmp_path / "host.dtb").write_bytes(bytes(b))
    k = keel.Keel(smp=2, extra=["-dtb", str(tmp_path / "host.dtb")])
    try:
        k.child.expect(r"KEEL PANIC[^\n]*\n", timeout=60)
        line = k.child.after
        assert "host device tree at 0x" in line, line
        # (The loader may edit the tree first: the offset is its own.)
        assert ("bad device tree: token after the root node's end (a "
                "second root, or FDT_END replaced) (at byte 0x") in line, line
    finally:
        k.close()
