# SPDX-License-Identifier: GPL-2.0
"""Guests' virtio devices driven by the basic firmware's own virtio driver
(tests/common/basic/virtio.c): `virtio`, a conformance run against VIRTIO
1.2 on every virtio,mmio node of its description, and `virtio-hostile`,
which feeds each device malformed rings, chains and register accesses.
The hostile guest may break only its own device: Keel, a second guest
and the heap come through unchanged."""
import os
import re

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
         "riscv/virt64": ("virtio@10001000", "virtio@10002000")}[M["guest_dir"]]


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


def test_hostile_breaks_only_its_device(k):
    heap_before = heap_in_use(k)
    create(k, "basic-virtio.dtb", "basicv")
    with keel.Console(k, f"basicv/{UART}") as con:
        verdict, out = con.run("virtio-hostile", timeout=600)
    assert verdict == "PASS", out
    devices = per_device(out, "virtio-hostile", "cases")
    assert set(devices) == set(SLOTS), out
    for node in SLOTS:
        assert devices[node].startswith("PASS"), out
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
    # The other guest and Keel's own terminal still work.
    with keel.Console(k, f"basic0/{UART}") as con:
        assert con.run("hi")[0] == "PASS"
    assert k.cmd("version").startswith("Keel")
    # The device works again for a good driver after all that.
    with keel.Console(k, f"basicv/{UART}") as con:
        verdict, out = con.run("virtio", timeout=300)
    assert verdict == "PASS", out
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
    device for Keel's host driver. Until Keel has a source, the guest is
    refused with the reason, which is checked instead."""
    k = boot(["-device", "virtio-rng-device"])
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
            verdict, out = con.run("virtio-hostile", timeout=600)
            assert verdict == "PASS", out
        assert re.search(r"guest basicvr: .*virtio-rng needs reset: ", out)
        assert "destroyed" in k.cmd("guest destroy basicvr")
    finally:
        k.close()
