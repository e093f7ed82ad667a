# SPDX-License-Identifier: GPL-2.0
"""Guests' virtio devices driven by the basic firmware's own virtio driver
(tests/common/basic/virtio.c): `virtio`, a conformance run against VIRTIO
1.2 on every virtio,mmio node of its description, and `virtio-hostile`,
which feeds each device malformed rings, chains and register accesses.
The hostile guest may break only its own device: Keel, a second guest
and the heap come through unchanged."""
import os
import re
import zlib

import pytest

import keel
from machines import BUILD, machine

M = machine()
pytestmark = pytest.mark.skipif(
    not M["guests"], reason="Keel runs no guests on this arch yet")
BUNDLE = os.path.join(BUILD, "test-bundle.cpio")
UART = M["guest_uart"]
# The first two virtio-mmio slots of the reference machine, as the
# descriptions (basic-virtio.dts) place the disks.
SLOTS = {"arm64/virt-v8": ("virtio@a000000", "virtio@a000200"),
         "riscv/virt64": ("virtio@10001000", "virtio@10002000"),
         "x86_64/qemu-q35": ("virtio@fe200000", "virtio@fe201000"),
         }[M["guest_dir"]]


def boot(extra=()):
    return keel.start(smp=2, extra=["-initrd", BUNDLE] + list(extra))


def heap_in_use(k):
    return re.search(r"in use:\s+(\d+) bytes in (\d+) blocks",
                     k.cmd("heap info")).groups()


@pytest.fixture(scope="module")
def k():
    """Keel with basic0 (started at boot)."""
    k = boot()
    yield k
    k.close()


def create(k, dtb, guest):
    out = k.cmd(f"guest create {dtb}")
    assert "created" in out, out
    assert f"guest {guest} started" in k.cmd(f"guest kick {guest}")


def per_device(out, cmd, unit):
    """{node: "PASS" or the failure} from the firmware's per-device lines."""
    found = dict(re.findall(rf"^{cmd} (\S+): (PASS \d+ {unit}|FAIL .*)$",
                            out, re.M))
    return found


def test_conformance(k):
    create(k, "basic-virtio.dtb", "basicv")
    try:
        with keel.Console(k, f"basicv/{UART}") as con:
            verdict, out = con.run("virtio", timeout=300)
        assert verdict == "PASS", out
        devices = per_device(out, "virtio", "checks")
        assert set(devices) == set(SLOTS), out
        for node in SLOTS:
            assert devices[node].startswith("PASS"), out
            assert int(devices[node].split()[1]) >= 40, out
        # A second run sees the first one's writes and still passes.
        with keel.Console(k, f"basicv/{UART}") as con:
            verdict, out = con.run("virtio", timeout=300)
        assert verdict == "PASS", out
    finally:
        assert "destroyed" in k.cmd("guest destroy basicv")


def run_hostile(k, name, slots):
    """`virtio-hostile` in guest name: its output, once every device of
    slots passed (and no other device was there)."""
    with keel.Console(k, f"{name}/{UART}") as con:
        verdict, out = con.run("virtio-hostile", timeout=600)
    assert verdict == "PASS", out
    devices = per_device(out, "virtio-hostile", "cases")
    assert set(devices) == set(slots), out
    for node in slots:
        assert devices[node].startswith("PASS"), out
    return out


def others_still_work(k, name):
    """basic0 and Keel's terminal answer, and guest name's devices pass
    the conformance run of a good driver."""
    with keel.Console(k, f"basic0/{UART}") as con:
        assert con.run("hi")[0] == "PASS"
    assert k.cmd("version").startswith("Keel")
    with keel.Console(k, f"{name}/{UART}") as con:
        verdict, out = con.run("virtio", timeout=300)
    assert verdict == "PASS", out


# Where virtio-hostile's checks do not hold yet, and why (machines.py).
HOSTILE_NOT_YET = M.get("virtio_hostile_not_yet")
needs_hostile = pytest.mark.skipif(bool(HOSTILE_NOT_YET),
                                   reason=HOSTILE_NOT_YET or "")


@needs_hostile
def test_hostile_breaks_only_its_device(k):
    heap_before = heap_in_use(k)
    create(k, "basic-virtio.dtb", "basicv")
    out = run_hostile(k, "basicv", SLOTS)
    # Keel's log, on the same console, names what was wrong each time.
    for why in ("buffer outside guest RAM",
                "descriptor chain longer than its table (a loop)",
                "available index more than the queue size ahead",
                "indirect descriptor inside an indirect table",
                "indirect table too large",
                "chain has too many segments",
                "is not 16-byte aligned",
                "is not a power of 2",
                "made ready before FEATURES_OK",
                "request without a header or a status byte"):
        assert re.search(rf"guest basicv: {SLOTS[0]}: virtio-block needs "
                         rf"reset: .*{re.escape(why)}", out), why
    # The other guest and Keel's own terminal still work, and the
    # device again for a good driver after all that.
    others_still_work(k, "basicv")
    assert "destroyed" in k.cmd("guest destroy basicv")
    assert heap_in_use(k) == heap_before


REFUSED = [
    ("virtio-nosuch.dtb",
     f'guest vnosuch: {SLOTS[0]}: keel,device "nosuch" is not a virtio '
     'device Keel has (one of: '),
    ("virtio-no-backend.dtb",
     f"guest vnoback: {SLOTS[0]}: a block device needs keel,backend"),
    ("virtio-missing-file.dtb",
     f'guest vnofile: {SLOTS[0]}: keel,backend "bundle:nosuch.img": no such '
     "file in the boot bundle"),
]


@pytest.mark.parametrize("dtb,message", REFUSED)
def test_bad_virtio_descriptions_are_refused(k, dtb, message):
    heap_before = heap_in_use(k)
    out = k.cmd(f"guest create {dtb}")
    assert message in out, out
    assert f"error: guest description '{dtb}' refused" in out, out
    assert heap_in_use(k) == heap_before
    assert k.cmd("version").startswith("Keel")


def test_entropy_device():
    """virtio-rng over the host's entropy source: QEMU gets a virtio-rng
    device for Keel's host driver (x86: the CPU's RDRAND instead). Until
    Keel has a source, the guest is refused with the reason, which is
    checked instead."""
    k = boot(M.get("entropy_extra", ["-device", "virtio-rng-device"]))
    try:
        out = k.cmd("guest create basic-virtio-rng.dtb")
        if "created" not in out:
            assert "virtio-rng needs an entropy source and this machine " \
                   "has none" in out, out
            assert "error: guest description 'basic-virtio-rng.dtb' " \
                   "refused" in out, out
            pytest.skip("Keel found no entropy source on this machine")
        assert "guest basicvr started" in k.cmd("guest kick basicvr")
        with keel.Console(k, f"basicvr/{UART}") as con:
            verdict, out = con.run("virtio", timeout=300)
            assert verdict == "PASS", out
            assert re.search(rf"^virtio {SLOTS[0]}: PASS \d+ checks", out,
                             re.M), out
            if HOSTILE_NOT_YET:
                return
            verdict, out = con.run("virtio-hostile", timeout=600)
            assert verdict == "PASS", out
        assert re.search(r"guest basicvr: .*virtio-rng needs reset: ", out)
        assert "destroyed" in k.cmd("guest destroy basicvr")
    finally:
        k.close()


# basic-virtio-net.dts: two network devices on sw0, then a console.
NET_SLOTS = {"arm64/virt-v8": ("virtio@a000000", "virtio@a000200",
                               "virtio@a000400"),
             "riscv/virt64": ("virtio@10001000", "virtio@10002000",
                              "virtio@10003000"),
             "x86_64/qemu-q35": ("virtio@fe200000", "virtio@fe201000",
                                 "virtio@fe202000")}[M["guest_dir"]]


def ports(k, guest):
    """The switch ports of guest's devices in `netswitch port list`."""
    return re.findall(rf"^sw0\s+({guest}/\S+)\s", k.cmd("netswitch port list"),
                      re.M)


def derived_mac(port):
    """Keel's MAC for a net device without one (docs/virtio.md): 02:4b
    and the CRC-32 of the port's name."""
    crc = zlib.crc32(port.encode())
    return ":".join(f"{b:02x}" for b in bytes([0x02, 0x4b]) +
                    crc.to_bytes(4, "big"))


def test_network_and_console(k):
    """Two network devices and a console in one guest: the conformance
    run on each (frames between the two through sw0), the console's output
    on its serial port, a line typed into it, and the ports gone with the
    guest."""
    net0, net1, cons = NET_SLOTS
    heap_before = heap_in_use(k)
    create(k, "basic-virtio-net.dtb", "basicvn")
    try:
        assert sorted(ports(k, "basicvn")) == [f"basicvn/{net0}",
                                               f"basicvn/{net1}"]
        with keel.Console(k, f"basicvn/{UART}") as con:
            verdict, out = con.run("virtio", timeout=300)
        assert verdict == "PASS", out
        devices = per_device(out, "virtio", "checks")
        assert set(devices) == set(NET_SLOTS), out
        for node in NET_SLOTS:
            assert devices[node].startswith("PASS"), out
        for node in (net0, net1):
            assert int(devices[node].split()[1]) >= 60, out
        # Each network device sent to the other; the MACs are the
        # description's and the derived one.
        assert "  mac 02:00:5e:10:20:30\n" in out, out
        assert f"  mac {derived_mac(f'basicvn/{net1}')}\n" in out, out
        assert f"  frames to and from {net1}" in out, out
        assert f"  frames to and from {net0}" in out, out
        # Keel says why each device needed a reset.
        for node, why in ((net1, "receiveq: a buffer smaller than the "
                                 "12-byte header"),
                          (net0, "transmitq: a device-writable buffer"),
                          (cons, "is device-writable")):
            assert re.search(rf"guest basicvn: {node}: virtio-\w+ needs "
                             rf"reset: .*{re.escape(why)}", out), (why, out)

        # What the guest wrote on the console's queue and emerg_wr.
        dump = k.cmd(f"vserial dump basicvn/{cons}")
        for line in (f"emergency write from {cons}",
                     f"virtio-console {cons}: hello from the guest",
                     f"virtio-console {cons}: a line in two descriptors",
                     f"virtio-console {cons}: after reset"):
            assert line + "\n" in dump + "\n", (line, dump)

        # A line typed into the console's port reaches the firmware.
        k.send_raw(f"vserial bind basicvn/{UART}\r")
        k.child.expect_exact(f"connected to basicvn/{UART}", timeout=30)
        k.send_raw("virtio-input\r")
        k.child.expect_exact(f"virtio-input {cons}: type a line", timeout=30)
        k.send_raw(keel.ESCAPE)
        k.wait_prompt()
        typed = "typed into the console, more than 16 bytes"
        k.send_raw(f"vserial bind basicvn/{cons}\r")
        k.child.expect_exact(f"connected to basicvn/{cons}", timeout=30)
        k.send_raw(typed + "\r")
        k.child.expect_exact(f"echo: {typed}", timeout=30)
        k.send_raw(keel.ESCAPE)
        k.wait_prompt()
        uart = k.cmd(f"vserial dump basicvn/{UART}")
        assert f'virtio-input {cons}: got "{typed}"' in uart, uart
        assert "virtio-input: PASS" in uart, uart
    finally:
        assert "destroyed" in k.cmd("guest destroy basicvn")
    assert ports(k, "basicvn") == []
    assert heap_in_use(k) == heap_before


def needed_resets(listing, guest, node):
    """The `needed reset` count `virtio list` gives guest/node."""
    block = listing.split(f"{guest}/{node}  ", 1)[1]
    return int(re.search(r"needed reset (\d+)", block).group(1))


@needs_hostile
def test_hostile_net_and_console(k):
    """virtio-hostile on the two network devices and the console: each
    generic case on the queue the device walks when notified (transmitq:
    the receive queues are walked only when a frame or input arrives),
    each ring set-up case on both queues, and the network and console
    devices' own (short headers, writable transmit buffers, frames over
    the MTU, an 80 KiB console buffer). Only the guest's devices break."""
    net0, net1, cons = NET_SLOTS
    heap_before = heap_in_use(k)
    create(k, "basic-virtio-net.dtb", "basicvn")
    try:
        out = run_hostile(k, "basicvn", NET_SLOTS)
        # Set-up cases ran on both queues, chains on the transmit queue.
        for what in ("descriptor table not 16-byte aligned (queue 0)",
                     "descriptor table not 16-byte aligned (queue 1)",
                     "queue size 12 (queue 0)",
                     "loop of two descriptors (queue 1)",
                     "frame of 1515 bytes, over the MTU: dropped (queue 1)",
                     "transmit buffer of 80 KiB: cut at 64 KiB (queue 1)"):
            assert f"  {what}: refused\n" in out, (what, out)
        assert re.search(r"^  buffer at the ROM \(0x[0-9a-f]+ \+ 512\): "
                         r"refused$", out, re.M), out
        # Keel's log names what was wrong, each on the device given it.
        for node, why in (
                (net0, "queue 1: buffer outside guest RAM"),
                (net0, "queue 1: descriptor chain longer than its table "
                       "(a loop)"),
                (net0, "queue 1: available index more than the queue size "
                       "ahead"),
                (net0, "queue 1: indirect descriptor inside an indirect "
                       "table"),
                (net0, "queue 1: chain has too many segments"),
                (net0, "transmitq: a packet shorter than the 12-byte "
                       "header"),
                (net0, "transmitq: a device-writable buffer"),
                (net0, "queue 0: descriptor table at"),
                (net0, "queue 1: queue size 12 is not a power of 2"),
                (net1, "queue 1: buffer outside guest RAM"),
                (cons, "queue 1: buffer outside guest RAM"),
                (cons, "queue 1: device-readable descriptor after a "
                       "device-writable one"),
                (cons, "transmitq buffer 0 is device-writable"),
                (cons, "queue 0: used ring at")):
            assert re.search(rf"guest basicvn: {node}: virtio-\w+ needs "
                             rf"reset: {re.escape(why)}", out), (node, why)

        # What `virtio list` shows a user afterwards: every device reset
        # by the driver's last step, each one having needed it many
        # times, the drops counted.
        listing = k.cmd("virtio list basicvn")
        for node in NET_SLOTS:
            assert re.search(rf"^basicvn/{node}  virtio-\w+ \(mmio\)  "
                             r"status reset$", listing, re.M), listing
            assert needed_resets(listing, "basicvn", node) >= 30, listing
        drops = re.search(rf"basicvn/{net0}  .*?dropped rx \d+ tx (\d+)",
                          listing, re.S)
        assert drops and int(drops.group(1)) >= 6, listing
        cut = re.search(rf"port basicvn/{cons}, \d+ bytes in, \d+ out, "
                        r"(\d+) dropped", listing)
        assert cut and int(cut.group(1)) >= 16384, listing

        # The other guest and Keel's own terminal still work, and the
        # devices again for a good driver after all that.
        others_still_work(k, "basicvn")
    finally:
        assert "destroyed" in k.cmd("guest destroy basicvn")
    assert ports(k, "basicvn") == []
    assert heap_in_use(k) == heap_before
