# SPDX-License-Identifier: GPL-2.0
"""An unmodified Debian kernel as a guest: it boots to a busybox shell on
its UART through Keel's interrupt controller, timer, firmware interface
(PSCI or SBI) and emulated devices, uses both vCPUs, and powers its
machine off."""
import hashlib
import os
import re

import pytest

import keel
from machines import ARCH, BUILD, machine

M = machine()
LINUX = M.get("linux_guests")

pytestmark = pytest.mark.skipif(
    not LINUX, reason="no Linux guest for this arch yet")


DISK_MIB = 16
# The host's entropy for the guests' virtio-rng: QEMU's virtio-rng as a
# modern (version 2) device, the only kind Keel drives.
shell = keel.linux_shell
HOST_RNG = ["-global", "virtio-mmio.force-legacy=false", "-device", "virtio-rng-device"]


@pytest.fixture(scope="module")
def disk_image(tmp_path_factory):
    """The bundle file linuxvio's virtio disk is made of: known bytes."""
    path = tmp_path_factory.mktemp("disk") / "disk.img"
    with open(path, "wb") as f:
        for i in range(DISK_MIB * 256):
            f.write(hashlib.sha256(b"%d" % i).digest() * 128)
    return str(path)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, disk_image):
    """Kernel, initramfs, linuxvio's disk and the Linux guest descriptions in
    one bundle."""
    cache = keel.linux_payload(ARCH)
    out = str(tmp_path_factory.mktemp("linux") / "linux.cpio")
    files = [os.path.join(cache, "Image"), os.path.join(cache, "rootfs.cpio"), disk_image]
    files += [os.path.join(BUILD, "guests", dtb) for dtb, _ in LINUX.values()]
    return keel.make_bundle(out, files)


def check_virtio(k, disk_image):
    """linuxvio's virtio disk (a bundle file, copied on write) and entropy,
    through Debian's own virtio_mmio, virtio_blk and virtio-rng."""
    out = shell(k, "echo size $(cat /sys/block/vda/size) ro $(cat /sys/block/vda/ro)")
    assert re.search(rf"^size {DISK_MIB * 2048} ro 0$", out, re.M), out
    with open(disk_image, "rb") as f:
        want = hashlib.md5(f.read()).hexdigest()
    out = shell(k, f"dd if=/dev/vda bs=1M count={DISK_MIB} 2>/dev/null | md5sum", timeout=120)
    assert re.search(rf"^{want}  -$", out, re.M), out
    # 8 MiB of random data at 4 MiB, past the page cache and back.
    out = shell(k, "dd if=/dev/urandom of=/r bs=1M count=8 2>/dev/null; md5sum </r; "
                   "dd if=/r of=/dev/vda bs=1M seek=4 conv=fsync 2>/dev/null; "
                   "echo 3 >/proc/sys/vm/drop_caches; "
                   "dd if=/dev/vda bs=1M skip=4 count=8 2>/dev/null | md5sum", timeout=300)
    sums = re.findall(r"^([0-9a-f]{32})", out, re.M)
    assert len(sums) == 2 and sums[0] == sums[1], out
    # Entropy from the host's virtio-rng, through the guest's.
    out = shell(k, "cat /sys/class/misc/hw_random/rng_current; "
                   "dd if=/dev/hwrng bs=1024 count=64 2>/dev/null | wc -c", timeout=120)
    # Kernel messages may come between the lines on the console.
    assert re.search(r"^virtio_rng\.0$", out, re.M), out
    assert re.search(r"^65536$", out, re.M), out


def check_hvc(k, name, uart):
    """linuxvio's virtio console: init's shell on hvc0 answers through the
    port, bound in the UART's place, and the UART's shell is there after."""
    port = f"{name}/{M['linux_hvc']}"
    k.send_raw(keel.ESCAPE)
    k.wait_prompt()
    k.send_raw(f"vserial bind {port}\r")
    k.child.expect_exact(f"connected to {port}", timeout=30)
    # The echo of the line says hvc-$((6*7)): only the shell says hvc-42.
    k.send_raw("echo hvc-$((6*7)) $(readlink /proc/self/fd/0)\r")
    k.child.expect(r"\nhvc-42 /dev/hvc0\r", timeout=60)
    k.send_raw(keel.ESCAPE)
    k.wait_prompt()
    k.send_raw(f"vserial bind {name}/{uart}\r")
    k.child.expect_exact(f"connected to {name}/{uart}", timeout=30)
    return port


@pytest.mark.parametrize("irqchip", sorted(LINUX or {}))
def test_linux_boots_to_a_shell(bundle, disk_image, irqchip):
    dtb, name = LINUX[irqchip]
    uart = M["guest_uart"]
    k = keel.start(smp=2, mem=1024, irqchip=irqchip, extra=["-initrd", bundle] + HOST_RNG)
    try:
        assert "created" in k.cmd(f"guest create {dtb}")
        assert "started" in k.cmd(f"guest kick {name}")
        k.send_raw(f"vserial bind {name}/{uart}\r")
        k.child.expect_exact(f"connected to {name}/{uart}", timeout=30)
        k.child.expect(r"linux guest up: (\S+) (\d+) cpus", timeout=300)
        assert k.child.match.group(2) == "2"

        out = shell(k, "cat /proc/interrupts")
        # The timer ticks on both vCPUs, through the guest's controller.
        timer, chips = M["linux_timer"]
        line = re.search(rf"^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+).*{timer}", out, re.M)
        assert line, out
        assert int(line.group(1)) > 0 and int(line.group(2)) > 0, out
        assert line.group(3) == chips[irqchip], out
        assert M["linux_uart_irq"] in out, out
        # IPIs went both ways while the kernel brought vCPU1 up.
        ipi = re.search(r"^\s*IPI1:\s+(\d+)\s+(\d+)", out, re.M)
        assert ipi and int(ipi.group(1)) > 0 and int(ipi.group(2)) > 0, out

        # Debian's virtio drivers, modules of its kernel, loaded by init.
        out = shell(k, "cat /proc/modules")
        for mod in ("virtio_mmio", "virtio_blk", "virtio_net", "virtio_rng"):
            assert re.search(rf"^{mod} ", out, re.M), out

        if name == "linuxvio":
            check_virtio(k, disk_image)
            hvc = check_hvc(k, name, uart)

        out = shell(k, "dmesg")
        for want in M["linux_dmesg"]:
            assert re.search(want, out), want

        # The guest's RTC reads the host's time (after 2020).
        out = shell(k, "cat /sys/class/rtc/rtc0/since_epoch")
        assert int(out.split()[0]) > 1577836800, out

        # Work on both vCPUs, then power off: the guest halts, Keel stays.
        assert shell(k, "echo $((6*7))").split()[0] == "42"
        k.send_raw("poweroff -f\r")
        k.child.expect(r"reboot: Power down", timeout=60)
        k.send_raw(keel.ESCAPE)
        k.wait_prompt()
        out = k.cmd("guest list")
        assert re.search(rf"^\d+\s+{name}\s+halted", out, re.M), out
        if name == "linuxvio":
            # Running still, or reset by Linux on the way down (arm64's
            # does); what they did stays.
            out = k.cmd(f"virtio list {name}")
            assert re.search(r"virtio-block \(mmio\)  status (reset|ack,driver,features-ok,driver-ok)\n", out), out
            assert re.search(r"backend bundle\d+ \(bundle, rw\), [1-9]\d* requests", out), out
            assert re.search(r"source virtio-rng@\w+, (\d+) bytes given", out), out
            given = int(re.search(r"source virtio-rng@\w+, (\d+) bytes given", out).group(1))
            assert given >= 65536, out
            assert "needed reset 0" in out and " 0 malformed" in out, out
            # What was typed into hvc0 and what its shell wrote back.
            cons = re.search(rf"port {re.escape(hvc)}, (\d+) bytes in, (\d+) out, 0 dropped", out)
            assert cons and int(cons.group(1)) >= 20 and int(cons.group(2)) >= 20, out
        assert k.cmd("version").startswith("Keel")
    finally:
        k.close()
