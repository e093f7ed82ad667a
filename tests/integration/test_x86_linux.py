# SPDX-License-Identifier: GPL-2.0
"""Debian bookworm's amd64 cloud kernel as an x86 guest under SVM, booted
through the Linux boot protocol's 64-bit entry with ACPI tables Keel
builds from its description (tests/x86_64/qemu-q35/linux0.dts): it comes
up on both vCPUs with local APIC timers and IPIs, its console and PIT on
the I/O APIC, reads the date from the CMOS RTC, and reboots and powers
off through ACPI."""
import datetime
import os
import re
import shutil
import tempfile

import pytest

import keel
from machines import BUILD, machine

M = machine()
LINUX = M.get("x86_linux")
pytestmark = pytest.mark.skipif(not LINUX, reason="the x86 Linux guest is x86_64's")

shell = keel.linux_shell


def guest_state(k, name):
    out = k.cmd("guest list")
    line = [ln for ln in out.splitlines() if re.search(rf"\s{name}\s", ln)]
    return line[0].split()[2] if line else None


@pytest.fixture(scope="module")
def linux(tmp_path_factory):
    """Keel with the Linux guest created, started and at its shell."""
    pkg_arch, dtb, name = LINUX
    cache = keel.linux_payload(pkg_arch)
    out = str(tmp_path_factory.mktemp("linux") / "linux.cpio")
    bundle = keel.make_bundle(out, [os.path.join(cache, "Image"),
                                    os.path.join(cache, "rootfs.cpio"),
                                    os.path.join(BUILD, "guests", dtb)])
    k = keel.start(smp=2, mem=1024, extra=["-initrd", bundle])
    try:
        assert "created" in k.cmd(f"guest create {dtb}")
        assert "started" in k.cmd(f"guest kick {name}")
        match = keel.linux_console(k, name)
        yield k, name, match
    finally:
        k.close()


def test_boots_to_a_shell_on_two_vcpus(linux):
    k, name, match = linux
    assert match.group(1).endswith("-cloud-amd64"), match.group(0)
    assert match.group(2) == "2", match.group(0)
    assert shell(k, "nproc").strip().splitlines()[-1] == "2"


def test_no_msr_the_guest_was_told_of_faults(linux):
    """Every MSR the kernel reaches for, because CPUID or the machine
    offers it, answers: no "unchecked MSR access" warning in its log."""
    k, _, _ = linux
    out = shell(k, "dmesg | grep -c 'unchecked MSR access'; dmesg | grep -i 'msr' | head -5")
    count = re.search(r"^(\d+)$", out, re.M)
    assert count and count.group(1) == "0", out


def test_timers_and_ipis_on_both_vcpus(linux):
    """The local APIC timer ticks on both CPUs, IPIs went both ways, and
    the console and the PIT interrupt through the I/O APIC."""
    k, _, _ = linux
    out = shell(k, "cat /proc/interrupts")
    loc = re.search(r"^\s*LOC:\s+(\d+)\s+(\d+)", out, re.M)
    assert loc and int(loc.group(1)) > 0 and int(loc.group(2)) > 0, out
    ipis = [re.search(rf"^\s*{row}:\s+(\d+)\s+(\d+)", out, re.M) for row in ("RES", "CAL")]
    assert any(m and int(m.group(1)) > 0 and int(m.group(2)) > 0 for m in ipis), out
    assert re.search(r"^\s*4:.*IO-APIC\s+4-edge\s+ttyS0", out, re.M), out
    assert re.search(r"^\s*0:.*IO-APIC\s+2-edge\s+timer", out, re.M), out
    # A second look: the timers keep ticking on both.
    later = re.search(r"^\s*LOC:\s+(\d+)\s+(\d+)", shell(k, "sleep 1; cat /proc/interrupts"), re.M)
    assert int(later.group(1)) > int(loc.group(1)), later.group(0)
    assert int(later.group(2)) > int(loc.group(2)), later.group(0)


def test_rtc_gives_the_date(linux):
    k, _, _ = linux
    out = shell(k, "cat /sys/class/rtc/rtc0/name /sys/class/rtc/rtc0/since_epoch")
    assert "rtc_cmos" in out, out
    seconds = int(re.search(r"^(\d+)$", out, re.M).group(1))
    now = datetime.datetime.now(datetime.timezone.utc).timestamp()
    assert abs(seconds - now) < 300, (seconds, now)


def test_reboot_restarts_and_poweroff_halts(linux):
    k, name, _ = linux
    k.send_raw("reboot -f\r")
    k.child.expect(keel.LINUX_UP, timeout=300)
    assert k.child.match.group(2) == "2"
    k.send_raw("poweroff -f\r")
    k.child.expect(rf"guest {name}: halted", timeout=120)
    k.send_raw(keel.ESCAPE)
    k.wait_prompt()
    assert guest_state(k, name) == "halted"



def test_virtio_disk_entropy_and_console():
    """linuxvio (linux-virtio.dts): Keel puts its virtio-mmio devices in
    the DSDT as LNRO0005 devices with their windows and I/O APIC inputs,
    and Debian's own virtio_mmio module finds them: the disk reads the
    bundle file and writes back, the entropy device gives bytes, a shell
    answers on hvc0, each interrupting through its GSI (level)."""
    pkg_arch, _, _ = LINUX
    dtb, name, hvc_node = M["x86_linux_virtio"]
    cache = keel.linux_payload(pkg_arch)
    tmp = tempfile.mkdtemp(prefix="keel-x86-linuxvio-")
    try:
        disk = keel.linux_disk_image(os.path.join(tmp, "disk.img"))
        bundle = keel.make_bundle(os.path.join(tmp, "linuxvio.cpio"), [
            os.path.join(cache, "Image"), os.path.join(cache, "rootfs.cpio"),
            disk, os.path.join(BUILD, "guests", dtb)])
        k = keel.start(smp=2, mem=1024, extra=["-initrd", bundle])
        try:
            assert "created" in k.cmd(f"guest create {dtb}")
            assert "started" in k.cmd(f"guest kick {name}")
            keel.linux_console(k, name)
            out = shell(k, "ls /sys/bus/platform/drivers/virtio-mmio/; "
                           "cat /proc/interrupts")
            for slot in range(3):
                assert f"LNRO0005:0{slot}" in out, out
            for gsi in (16, 17, 18):
                assert re.search(rf"^\s*\d+:.*IO-APIC\s+{gsi}-fasteoi\s+virtio", out, re.M), out
            keel.linux_check_virtio(k, disk)
            hvc = keel.linux_check_hvc(k, name, hvc_node)
            k.send_raw(keel.ESCAPE)
            k.wait_prompt()
            keel.linux_check_virtio_list(k, name, hvc)
        finally:
            k.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
