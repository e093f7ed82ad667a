# SPDX-License-Identifier: GPL-2.0
"""x86-64 guests under AMD SVM, through the SVM probe (tests/x86_64/
qemu-q35/probe): the world switch, CPUID, port I/O, decoded device
accesses, VMMCALL, local APIC interrupts and timer, device interrupts
through the I/O APIC, a second vCPU started by IPIs, a triple fault and the test finisher, as the guest's console and
Keel's terminal show them."""
import os
import re
import time

import pytest

import keel
from machines import BUILD, machine

M = machine()
pytestmark = pytest.mark.skipif(
    not M.get("svm_probe"), reason="the SVM probe is x86_64's")

BUNDLE = os.path.join(BUILD, "test-bundle.cpio")
PORT = "probe/serial@fe000000"


def boot():
    """Keel with the probe created and started (basic0 starts at boot)."""
    k = keel.start(smp=2, extra=["-initrd", BUNDLE])
    try:
        assert "guest probe created" in k.cmd("guest create probe.dtb")
        k.started = k.cmd("guest kick probe")
    except BaseException:
        k.close()
        raise
    return k


def guest_state(k, name="probe"):
    out = k.cmd("guest list")
    line = [ln for ln in out.splitlines() if re.search(rf"\s{name}\s", ln)]
    return line[0].split()[2] if line else None


class Probe:
    """The probe's console, bound: one-letter commands, their answers."""

    def __init__(self, k):
        self.k = k

    def __enter__(self):
        self.k.send_raw(f"vserial bind {PORT}\r")
        self.k.child.expect_exact(f"connected to {PORT}", timeout=30)
        return self

    def run(self, keys, expect, timeout=30):
        self.k.send_raw(keys)
        self.k.child.expect(expect, timeout=timeout)
        return self.k.child.match

    def __exit__(self, *exc):
        self.k.send_raw(keel.ESCAPE)
        self.k.wait_prompt()


@pytest.fixture(scope="module")
def probe_keel():
    k = boot()
    yield k
    k.close()


def test_probe_starts_under_svm(probe_keel):
    assert "guest probe started" in probe_keel.started
    assert guest_state(probe_keel) == "running"


def test_cpuid_names_keel_and_the_hypervisor_bit(probe_keel):
    with Probe(probe_keel) as p:
        p.run("c", r"cpuid 0x40000000: KeelKeelKeel\r*\n")
        p.run("", r"cpuid 1: hypervisor bit set\r*\n")


def test_console_echo_is_decoded_device_accesses(probe_keel):
    with Probe(probe_keel) as p:
        for ch in "xK7":
            p.run("e" + ch, re.escape(f"[{ch}]"))


def test_mmio_instruction_forms(probe_keel):
    with Probe(probe_keel) as p:
        assert "PASS" in p.run("m", r"mmio: (PASS|FAIL)").group(1)


def test_port_devices_and_empty_ports(probe_keel):
    """COM2, an NS16550 on the description's ISA bus in I/O ports, through
    IN and OUT of each form; 16- and 32-bit reads of empty ports."""
    with Probe(probe_keel) as p:
        assert "PASS" in p.run("o", r"ports: (PASS|FAIL)").group(1)
    out = probe_keel.cmd("guest region list probe")
    assert re.search(r"^port 0x02f8\s+port 0x02ff\s+emulated\s+serial@i2f8 ns16550$",
                     out, re.M), out
    stats = probe_keel.cmd("vcpu stats probe/0")
    assert int(re.search(r"^port-io\s+(\d+)", stats, re.M).group(1)) >= 6, stats


def test_string_port_io(probe_keel):
    """INS and OUTS, with and without REP, both directions of DF, a
    segment override, a zero count, and an empty port."""
    with Probe(probe_keel) as p:
        m = p.run("n", r"strings: (PASS|FAIL \w+)")
        assert m.group(1) == "PASS", m.group(1)


def test_empty_port_reads_all_ones(probe_keel):
    """IN AL from a port nothing claims: 0xff, EAX's upper bytes kept."""
    with Probe(probe_keel) as p:
        p.run("p", r"port 0x80: 123456ff\r*\n")


def test_vmmcall_answers_not_supported(probe_keel):
    with Probe(probe_keel) as p:
        p.run("h", r"vmmcall: ffffffda\r*\n")  # -ENOSYS


def test_local_apic_interrupts_and_timer(probe_keel):
    """A self-IPI held while IF is clear, then taken; the TPR holding one
    back; the timer waking HLT in one-shot and periodic modes."""
    with Probe(probe_keel) as p:
        m = p.run("i", r"irq: (PASS|FAIL \w+)")
        assert m.group(1) == "PASS", m.group(1)
    out = probe_keel.cmd("guest region list probe")
    assert re.search(r"interrupt-controller@fee00000 lapic", out), out
    stats = probe_keel.cmd("vcpu stats probe/0")
    assert int(re.search(r"^wfi\s+(\d+)", stats, re.M).group(1)) >= 2, stats


def test_cpuid_reports_the_local_apic(probe_keel):
    """The probe's machine has local APICs: CPUID 1 EDX bit 9 says so."""
    with Probe(probe_keel) as p:
        p.run("c", r"cpuid 1: hypervisor bit set\r*\n")
        p.run("", r"cpuid 1: local APIC\r*\n")


def test_device_interrupts_through_the_io_apic(probe_keel):
    """The PIT on GSI 2 (edge) until its entry is masked; the UART on GSI
    4 (level) delivered again after an EOI while its line stays high,
    the remote IRR clear at the end."""
    with Probe(probe_keel) as p:
        m = p.run("a", r"ioapic: (PASS|FAIL \w+)")
        assert m.group(1) == "PASS", m.group(1)
    out = probe_keel.cmd("guest region list probe")
    assert re.search(r"interrupt-controller@fec00000 ioapic", out), out


def test_second_vcpu_started_by_init_and_startup_ipis(probe_keel):
    """vCPU 1 starts in the probe's real-mode trampoline, trades IPIs with
    vCPU 0, and is stopped by INIT and started again while it runs."""
    with Probe(probe_keel) as p:
        m = p.run("s", r"smp: (PASS|FAIL \w+)", timeout=60)
        assert m.group(1) == "PASS", m.group(1)
    out = probe_keel.cmd("vcpu list")
    assert re.search(r"^probe/1\s+(running|waiting)\s+0x1\b", out, re.M), out


def test_dumpreg_shows_the_local_apic(probe_keel):
    """`vcpu dumpreg` on x86 ends with the vCPU's local APIC: what it has
    to take and its timer (the probe leaves both idle after its checks)."""
    out = probe_keel.cmd("vcpu dumpreg probe/0")
    assert re.search(r"^lapic: IRR top -?\d+, ISR top -?\d+, TPR 0x[0-9a-f]+, "
                     r"PPR 0x[0-9a-f]+, (an interrupt|nothing) to take", out, re.M), out
    assert re.search(r"^lapic timer: LVT 0x[0-9a-f]+, initial \d+, current \d+, "
                     r"(running|stopped)$", out, re.M), out


def test_exits_are_counted(probe_keel):
    out = probe_keel.cmd("vcpu stats probe/0")
    counts = dict(re.findall(r"^\s*(\w+):?\s+(\d+)", out, re.M))
    assert int(counts.get("mmio", 0)) > 100, out
    assert int(counts.get("sysreg", 0)) >= 2, out  # the CPUIDs
    assert int(counts.get("hypercall", 0)) >= 1, out


def test_triple_fault_halts_the_guest_not_keel():
    k = boot()
    try:
        with Probe(k) as p:
            p.run("t", r"triple fault now")
            p.run("", r"guest probe: vCPU0: triple fault \(shutdown\)")
        assert guest_state(k) == "halted"
        out = k.cmd("vcpu dumpreg probe/0")
        assert re.search(r"last exit 0x7f\b", out), out
        # Keel is fine, and the guest starts again.
        k.cmd("guest reset probe")
        assert guest_state(k) == "running"
        with Probe(k) as p:
            p.run("ez", r"\[z\]")
    finally:
        k.close()


def test_test_finisher_powers_the_guest_off():
    k = boot()
    try:
        with Probe(k) as p:
            p.run("q", r"probe: powering off")
            p.run("", r"guest probe: halted \(test finisher: pass\)")
        assert guest_state(k) == "halted"
    finally:
        k.close()


def test_create_and_destroy_return_every_page():
    """Nested tables, VMCB, ASID: all given back, ten times over."""
    k = boot()
    try:
        k.cmd("guest destroy probe")

        def free_kib():
            return int(re.search(r"^Free:\s+(\d+) KiB", k.cmd("host ram info"),
                                 re.M).group(1))

        before = free_kib()
        for _ in range(10):
            assert "guest probe created" in k.cmd("guest create probe.dtb")
            k.cmd("guest kick probe")
            assert guest_state(k) == "running"
            time.sleep(0.05)
            assert "destroyed" in k.cmd("guest destroy probe")
        assert free_kib() == before
    finally:
        k.close()


@pytest.mark.parametrize("dtb,error", [
    ("isa-space.dtb", "guest isaspace: serial@i2f8: ISA address space 2: "
                      "neither memory (0) nor I/O (1)"),
    ("isa-ports.dtb", "guest isaports: serial@i2f8: ports 0xfffc + 0x8 are "
                      "beyond port 0xffff"),
    ("isa-cells.dtb", "guest isacells: isa: an ISA bus has #address-cells = "
                      "<2> (space, address) and #size-cells = <1>"),
    ("smp-no-lapic.dtb", "guest nolapic: an x86 guest with more than one "
                         "vCPU needs local APICs"),
])
def test_isa_devices_keel_cannot_place_are_refused(probe_keel, dtb, error):
    out = probe_keel.cmd(f"guest create {dtb}")
    assert error in out, out
    assert guest_state(probe_keel, dtb.split(".")[0].replace("-", "")) is None
