# SPDX-License-Identifier: GPL-2.0
"""One-line guests: `guest new` builds the description linux0's blob gives
(checked property by property against linux0.dtb, through dtc), prints it
as DTS that dtc compiles, refuses bad options naming what was wrong
without keeping any memory, and the Linux guest it makes boots to its
shell like linux0."""
import os
import re
import subprocess

import pytest

import keel
from machines import ARCH, BUILD, machine

M = machine()
LINUX0 = os.path.join(BUILD, "guests", "linux0.dtb")

pytestmark = pytest.mark.skipif(
    not M.get("linux_guests"), reason="no Linux guest for this arch yet")


def fdtget(dtb, node, prop, kind=None):
    args = ["fdtget"] + (["-t", kind] if kind else []) + [dtb, node, prop]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


# What linux0 asks for: the options that describe the same guest.
BOOTARGS = keel.linux_bootargs()
MEM_MIB = int(fdtget(LINUX0, "/guests/linux0/machine/memory", "reg", "x").split()[3], 16) >> 20
LINUX0_VCPUS = int(fdtget(LINUX0, "/guests/linux0", "vcpus"))


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    """Keel with Debian's kernel and the test initramfs in its bundle, and
    the firmware's virtio disk image."""
    cache = keel.linux_payload(ARCH)
    bundle = keel.make_bundle(str(tmp_path_factory.mktemp("gnew") / "gnew.cpio"), [
        os.path.join(cache, "Image"), os.path.join(cache, "rootfs.cpio"),
        os.path.join(BUILD, "guests", "vdisk.img")])
    k = keel.start(smp=2, mem=1024, extra=["-initrd", bundle])
    yield k
    k.close()


def dts_text(dtb):
    return subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb],
                          check=True, capture_output=True, text=True).stdout


def dts_props(text):
    """dtc's DTS of a blob as {node path: {property: value}}."""
    nodes, path = {}, []
    for line in text.splitlines():
        line = line.strip()
        if line.endswith("{"):
            name = line[:-1].strip()
            path.append("" if name == "/" else name)
            nodes["/".join(path) or "/"] = {}
        elif line == "};":
            path.pop()
        elif line.endswith(";") and path:
            name, _, value = line[:-1].partition(" = ")
            nodes["/".join(path) or "/"][name] = value
    return nodes


def subtree(nodes, top, rename):
    """The nodes under top, their paths from top renamed to rename."""
    return {rename + p[len(top):]: v for p, v in nodes.items()
            if p == top or p.startswith(top + "/")}


def describe(k, tmp_path, options):
    """`guest new ... --dts`: its output, and that compiled by dtc."""
    out = k.cmd(f"guest new {options} --dts")
    assert out.startswith("/dts-v1/;"), out
    src = tmp_path / "new.dts"
    src.write_text(out + "\n")
    dtb = str(tmp_path / "new.dtb")
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, str(src)], check=True)
    return out, dtb


def test_dts_is_linux0(k, tmp_path):
    """With linux0's options the description is linux0's, property by
    property (in another order), and nothing is created."""
    _, dtb = describe(k, tmp_path, f'lnew kernel=Image initrd=rootfs.cpio append="{BOOTARGS}" '
                                   f"vcpus={LINUX0_VCPUS} mem={MEM_MIB}M")
    new = subtree(dts_props(dts_text(dtb)), "/guests/lnew", "G")
    want = subtree(dts_props(dts_text(LINUX0)), "/guests/linux0", "G")
    assert len(want) >= 6 and "G/machine/interrupts" not in want, want
    assert new == want
    assert "lnew" not in k.cmd("guest list")


def test_dts_devices(k, tmp_path):
    """disk= and net= take the machine's virtio-mmio slots in order."""
    out, dtb = describe(k, tmp_path, "vnew kernel=Image vcpus=3 mem=64M "
                                     "disk=bundle:vdisk.img net=sw0 disk=vda1")
    assert re.search(r'^\t\tvnew \{\n\t\t\tcompatible = "keel,guest";$', out, re.M), out
    g = "/guests/vnew"
    assert fdtget(dtb, g, "kernel") == "Image"
    assert fdtget(dtb, g, "vcpus") == "3"
    assert fdtget(dtb, g, "console") == M["guest_uart"]
    # Defaults: no initrd, no command line.
    for prop in ("initrd", "bootargs"):
        assert subprocess.run(["fdtget", dtb, g, prop], capture_output=True).returncode != 0
    mem = fdtget(dtb, f"{g}/machine/memory", "reg", "x").split()
    assert int(mem[1], 16) == M["ram_base"] and int(mem[3], 16) == 64 << 20
    nodes = dts_props(dts_text(dtb))
    slots = [(p.rsplit("/", 1)[1], v) for p, v in nodes.items()
             if p.startswith(g + "/machine/virtio_mmio@")]
    assert [(v["keel,device"], v["keel,backend"]) for _, v in slots] == [
        ('"block"', '"bundle:vdisk.img"'), ('"net"', '"sw0"'), ('"block"', '"vda1"')]
    # QEMU virt's first slots: consecutive addresses, interrupts in turn.
    bases = [int(name.split("@")[1], 16) for name, _ in slots]
    assert bases == sorted(bases) and len(set(bases)) == 3
    irqs = [v["interrupts"] for _, v in slots]
    assert len(set(irqs)) == 3, irqs


REFUSED = [
    ("x", "error: kernel=<file in the boot bundle> is missing"),
    ("x kernel=Image frob=1", "error: unknown option 'frob=1'"),
    ("x kernel=Imag", "error: kernel=Imag: no file 'Imag' in the boot bundle"),
    ("x kernel=Image initrd=nope", "error: initrd=nope: no file 'nope' in the boot bundle"),
    ("x kernel=Image disk=bundle:nope.img", "error: disk=bundle:nope.img: no file 'nope.img' in the boot bundle"),
    ("x kernel=Image mem=12Q", "error: mem=12Q: not a size"),
    ("x kernel=Image mem=64G", "error: mem=64G: more than the"),
    ("x kernel=Image mem=5M", "error: mem=5M: must be a multiple of 2 MiB"),
    ("x kernel=Image vcpus=0", "error: vcpus=0: must be 1 to 8"),
    ("x kernel=Image vcpus=9", "error: vcpus=9: must be 1 to 8"),
    ("x kernel=Image " + " ".join(["disk=vda"] * 9), "error: 9 disks and networks: this machine has 8 virtio-mmio slots"),
    ("taken kernel=Image", "error: a guest 'taken' exists"),
]


def heap(k):
    return re.search(r"in use:\s+(\d+) bytes in (\d+) blocks", k.cmd("heap info")).groups()


def test_help_shows_guest_new(k):
    out = k.cmd("help guest")
    assert "guest new <name> kernel=<file> [initrd=<file>]" in out, out
    assert "[net=<switch>]... [--dts]" in out, out


def test_refusals_name_the_option_and_keep_nothing(k):
    assert "guest taken created" in k.cmd("guest new taken kernel=Image")
    before = heap(k)
    for _ in range(2):
        for line, message in REFUSED:
            out = k.cmd(f"guest new {line}")
            assert message in out, (line, out)
            assert "created" not in out, out
    assert heap(k) == before
    assert "destroyed" in k.cmd("guest destroy taken")
    names = k.cmd("guest list")
    assert " x " not in names and "taken" not in names, names
    assert "errors found:  0" in k.cmd("heap info")


def test_linux_boots_like_linux0(k):
    """Debian's kernel on the standard machine, one vCPU, linux0's RAM and
    command line, to its shell on the UART; then gone without a trace."""
    before = heap(k)
    uart = M["guest_uart"]
    out = k.cmd(f'guest new lnew kernel=Image initrd=rootfs.cpio append="{BOOTARGS}" '
                f"vcpus=1 mem={MEM_MIB}M")
    assert "guest lnew created" in out, out
    assert re.search(rf"^\d+\s+lnew\s+created\s+1\s+{MEM_MIB}$", k.cmd("guest list"), re.M)
    assert "started" in k.cmd("guest kick lnew")
    k.send_raw(f"vserial bind lnew/{uart}\r")
    k.child.expect_exact(f"connected to lnew/{uart}", timeout=30)
    k.child.expect(r"linux guest up: (\S+) (\d+) cpus", timeout=300)
    assert k.child.match.group(2) == "1"
    k.send_raw("cat /proc/cmdline; echo END-$((40+2))\r")
    k.child.expect(r"\nEND-42\r", timeout=60)
    assert BOOTARGS in k.child.before
    k.send_raw(keel.ESCAPE)
    k.wait_prompt()
    assert "destroyed" in k.cmd("guest destroy lnew")
    assert heap(k) == before
