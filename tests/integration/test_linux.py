# SPDX-License-Identifier: GPL-2.0
"""An unmodified Debian kernel as a guest: it boots to a busybox shell on
its UART through Keel's interrupt controller, timer, firmware interface
(PSCI or SBI) and emulated devices, uses both vCPUs, and powers its
machine off."""
import os
import re

import pytest

import keel
from machines import ARCH, BUILD, machine

M = machine()
LINUX = M.get("linux_guests")

pytestmark = pytest.mark.skipif(
    not LINUX, reason="no Linux guest for this arch yet")


# The host's entropy for the guests' virtio-rng: QEMU's virtio-rng as a
# modern (version 2) device, the only kind Keel drives.
shell = keel.linux_shell
HOST_RNG = ["-global", "virtio-mmio.force-legacy=false", "-device", "virtio-rng-device"]


@pytest.fixture(scope="module")
def disk_image(tmp_path_factory):
    """The bundle file linuxvio's virtio disk is made of: known bytes."""
    return keel.linux_disk_image(str(tmp_path_factory.mktemp("disk") / "disk.img"))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, disk_image):
    """Kernel, initramfs, linuxvio's disk and the Linux guest descriptions in
    one bundle."""
    cache = keel.linux_payload(ARCH)
    out = str(tmp_path_factory.mktemp("linux") / "linux.cpio")
    files = [os.path.join(cache, "Image"), os.path.join(cache, "rootfs.cpio"), disk_image]
    files += [os.path.join(BUILD, "guests", dtb) for dtb, _ in LINUX.values()]
    return keel.make_bundle(out, files)


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
            keel.linux_check_virtio(k, disk_image)
            hvc = keel.linux_check_hvc(k, name, M["linux_hvc"])

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
            keel.linux_check_virtio_list(k, name, hvc)
        assert k.cmd("version").startswith("Keel")
    finally:
        k.close()
