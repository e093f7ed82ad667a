# SPDX-License-Identifier: GPL-2.0
"""Guests: the basic test firmware booted by Keel, driven through
`vserial bind`, and the guest life cycle from the terminal."""
import os
import re
import time

import pytest

import keel
from machines import ARCH, BUILD, machine

M = machine()
pytestmark = pytest.mark.skipif(
    not M["guests"], reason="Keel runs no guests on this arch yet")
BUNDLE = os.path.join(BUILD, "test-bundle.cpio")
UART = M["guest_uart"]
# Every check of the basic firmware, "hi" first, as on bare QEMU.
FIRMWARE_CHECKS = M.get("firmware_checks", [])
# The check that starts the second vCPU and exchanges IPIs with it.
IPI_CHECK = M.get("ipi_check")
BANNER = f"basic firmware ({ARCH}) on vCPU0"
FIRMWARE = os.path.join(BUILD, "guests", M["guest_dir"].split("/")[0],
                        "basic", "basic.bin")
# Why a guest that powered itself off halted (x86: through ACPI S5).
POWEROFF = M.get("poweroff_reason", "powered off")
# Where the guests' RAM starts (x86: at 0, where the host's does not).
GUEST_RAM = M.get("guest_ram_base", M["ram_base"])


def boot(smp=2, **kw):
    return keel.start(smp=smp, extra=["-initrd", BUNDLE], **kw)


def guests(k):
    out = k.cmd("guest list")
    return {f[1]: f[2] for f in (ln.split() for ln in out.splitlines()[1:])}


@pytest.fixture(scope="module")
def two_guests():
    """basic0 starts at boot; basic1 is created and started by hand."""
    k = boot(smp=2)
    assert "created" in k.cmd("guest create basic1.dtb")
    assert "guest basic1 started" in k.cmd("guest kick basic1")
    yield k
    k.close()


def test_autostart_guest_runs_at_boot(two_guests):
    k = two_guests
    assert "guest basic0: started" in k.boot_log
    assert guests(k) == {"basic0": "running", "basic1": "running"}
    out = k.cmd("vserial list")
    assert re.search(rf"^basic0/{re.escape(UART)}\s+no\s+[1-9]\d*$", out, re.M)


@pytest.mark.parametrize("guest", ["basic0", "basic1"])
def test_firmware_checks_pass(two_guests, guest):
    with keel.Console(two_guests, f"{guest}/{UART}") as con:
        verdict, out = con.run("hi")
        assert verdict == "PASS" and "hello from basic firmware on vCPU0" in out
        for check in FIRMWARE_CHECKS[1:]:
            verdict, out = con.check(check)
            assert verdict == "PASS", f"{check}: {verdict}\n{out}"


def test_pc_clock_and_timer_chips(two_guests):
    """basic1's description has the PC's MC146818 RTC and 8254 timer in
    MMIO windows (Keel emulates them on every arch; x86 guests get them
    at their ports): the firmware reads and sets the clock, fills the
    CMOS RAM and runs the counters the ways a PC's firmware and Linux
    do. basic0 has neither, and says so."""
    with keel.Console(two_guests, f"basic1/{UART}") as con:
        verdict, out = con.run("cmos")
        assert verdict == "PASS", out
        assert re.search(r"cmos 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC, "
                         r"advanced [12] s in 1.1 s", out), out
        assert re.search(r"0.6 s later 2030-01-02 03:04:0[67]", out), out
        verdict, out = con.run("pit")
        assert verdict == "PASS", out
        assert re.search(r"pit counter 0: mode 2, latched \d+, then \d+", out)
    if M.get("basic0_pc_chips"):
        return
    with keel.Console(two_guests, f"basic0/{UART}") as con:
        verdict, out = con.run("cmos")
        assert verdict.startswith("FAIL") and "no motorola,mc146818" in verdict


def test_guest_cannot_read_outside_its_ram(two_guests):
    """Both guests' RAM is 64 MiB at the same guest address; whatever lies
    beyond it (another guest's memory, Keel's) answers with an abort, or
    on x86 with all ones, as on a PC."""
    base = GUEST_RAM
    addrs = dict.fromkeys(a for a in (base + 64 * 2**20, base + 128 * 2**20,
                                      base - 0x1000, 0x7ffff000) if a >= 0)
    answer = ("value 0xffffffff" if M.get("unmapped_read") == "ones"
              else "abort")
    with keel.Console(two_guests, f"basic0/{UART}") as con:
        for addr in addrs:
            verdict, out = con.run(f"probe {addr:#x}")
            assert verdict == "PASS"
            assert re.search(rf"probe {addr:#x}: {answer}", out), out


def test_vserial_dump_keeps_recent_output(two_guests):
    out = two_guests.cmd(f"vserial dump basic1/{UART}")
    assert BANNER in out


def test_guest_regions_and_vcpus(two_guests):
    k = two_guests
    out = k.cmd("guest region list basic0")
    for region in M["basic0_regions"]:
        assert re.search(region, out), region
    # The interrupt controller's windows (a GICv3 has two), one emulator.
    irqchip, windows = M["irqchip_region"]
    assert len(re.findall(irqchip, out)) == windows
    out = k.cmd("vcpu list")
    assert re.search(r"^basic0/0\s+(running|waiting)\s+0x0\s", out, re.M)
    # The firmware's IPI check powered vCPU1 on (PSCI CPU_ON, SBI HSM).
    assert re.search(r"^basic1/1\s+(running|waiting)\s+0x1\s", out, re.M)
    regs = k.cmd("vcpu dumpreg basic0/0")
    ram_prefix = f"{GUEST_RAM:016x}"[:10]
    pc = M.get("pc_name", "pc")
    assert re.search(rf"^{pc}\s+0x{ram_prefix}[0-9a-f]{{6}}", regs, re.M)
    stats = k.cmd("vcpu stats basic0/0")
    assert int(re.search(r"^mmio\s+(\d+)", stats, re.M).group(1)) > 0
    assert int(re.search(r"^hypercall\s+(\d+)", stats, re.M).group(1)) > 0


profile = keel.vcpu_profile


def test_vcpu_profile_counts_exits_by_class(two_guests):
    """The exit profile after the firmware ran: firmware calls, its UART's
    MMIO and its waits are counted, each with Keel's time for them; the
    UART shows as a device; the rows add up."""
    k = two_guests
    with keel.Console(k, f"basic0/{UART}") as con:
        # The firmware-call check ("psci", "sbi") and one that waits.
        for check in (FIRMWARE_CHECKS[1], "wfi"):
            verdict, out = con.check(check)
            assert verdict == "PASS", f"{check}: {verdict}\n{out}"
    classes, devices, guest_ns = profile(k, "basic0")
    names = ("hypercall", "sysreg", "mmio", "stage2-fault", "wfi", "yield",
             "irq-timer", "irq-ipi", "irq-other", "other")
    assert set(classes) == set(names) | {"all"}
    for cls in ("hypercall", "mmio", "wfi"):
        exits, keel_ns, per_exit, _ = classes[cls]
        assert exits > 0 and keel_ns > 0, (cls, classes[cls])
        assert per_exit == keel_ns // exits
    # An exit Keel answers takes it microseconds, not milliseconds.
    assert classes["hypercall"][2] < 1_000_000, classes
    # So does a WFI: the wait itself, switched out or in place (alone on
    # its CPU), is off-CPU time, the 10 ms of `wfi` at least. (Loose: a
    # few WFI exits, and a loaded host may stall QEMU for ms in one.)
    assert classes["wfi"][2] < 5_000_000, classes
    assert classes["wfi"][3] >= 10_000_000, classes
    assert classes["all"][0] == sum(classes[c][0] for c in names)
    assert classes["all"][3] == sum(classes[c][3] for c in names)
    assert guest_ns > 0
    exits, keel_ns, _, _ = devices[UART]
    assert exits > 0 and keel_ns > 0
    # An exit is charged at the next entry: each vCPU may have one open.
    assert sum(d[0] for d in devices.values()) <= classes["mmio"][0] + 2
    # One vCPU's share: no device table, never more than the guest's.
    one, none, _ = profile(k, "basic0/0")
    assert not none
    assert 0 < one["hypercall"][0] <= classes["hypercall"][0] + 2
    assert "error: guest basic0 has no vCPU '7'" in k.cmd("vcpu profile basic0/7")
    assert "error: no guest 'nosuch'" in k.cmd("vcpu profile nosuch")


def test_exits_answered_straight_back_in_are_counted(two_guests):
    """Firmware calls and accesses to devices Keel emulates are answered
    inside the arch's run, which goes straight back into the guest
    (keel/vcpu_reentry.h) instead of returning to the vCPU thread's loop.
    Each such exit still counts once, in `vcpu stats` and in the profile,
    with Keel's time for it and, for MMIO, its device's. (A guard on the
    counting: the counts were right before the loop existed too.)"""
    k = two_guests
    n = 4000

    def snapshot():
        stats = k.cmd("vcpu stats basic0/0")
        counts = {name: int(re.search(rf"^{name}\s+(\d+)", stats, re.M).group(1))
                  for name in ("hypercall", "mmio")}
        # The profile's device class holds port I/O too (x86).
        port_io = re.search(r"^port-io\s+(\d+)", stats, re.M)
        counts["mmio"] += int(port_io.group(1)) if port_io else 0
        # vCPU0's classes (vCPU1 may have run too); the device table is
        # the guest's, and only vCPU0 reads the zero window.
        classes, _, _ = profile(k, "basic0/0")
        _, devices, guest_ns = profile(k, "basic0")
        return counts, classes, devices, guest_ns

    with keel.Console(k, f"basic0/{UART}") as con:
        # Once first, so that the window has a row in the device table.
        verdict, out = con.run("bench zero-read 1")
        assert verdict == "PASS", out
    before = snapshot()
    with keel.Console(k, f"basic0/{UART}") as con:
        for op in (M["bench_fwcall"], "zero-read"):
            verdict, out = con.run(f"bench {op} {n}")
            assert verdict == "PASS", out
    after = snapshot()
    counts = {c: after[0][c] - before[0][c] for c in before[0]}
    classes = {c: tuple(a - b for a, b in zip(after[1][c], before[1][c]))
               for c in ("hypercall", "mmio")}
    zero = next(d for d in after[2] if d.startswith("zero@"))
    device = tuple(a - b for a, b in zip(after[2][zero], before[2][zero]))
    # The benchmark's calls and reads, each once (a few more calls may
    # come from the firmware; the UART's output is MMIO too).
    assert n <= counts["hypercall"] <= n + 10, counts
    assert n <= counts["mmio"], counts
    # The profile counts an exit at the next entry: at a snapshot the
    # vCPU waits at its prompt in WFI, with one window open at most.
    assert abs(classes["hypercall"][0] - counts["hypercall"]) <= 1, classes
    assert abs(classes["mmio"][0] - counts["mmio"]) <= 1, classes
    assert device[0] == n, device
    # Keel's time, charged to the class and to the device: some for
    # every one of them, not only for the last of each run (an exit costs
    # hundreds of instructions: 500 ns to some us under TCG here; charged
    # only at the runs' ends, the window got 16 ns an exit).
    assert classes["hypercall"][1] >= 50 * n, classes
    assert classes["mmio"][1] >= 50 * n, classes
    assert device[1] >= 50 * n, device
    assert after[3] > before[3]


def test_dumpmem_reads_the_loaded_firmware(two_guests):
    # The Image header (arm64 and riscv alike): text_offset at byte 8 says
    # where in RAM Keel loads it, a magic number sits at byte 56. A raw
    # binary (x86) goes where the machine says.
    image = open(FIRMWARE, "rb").read(64)
    text_offset = M.get("firmware_load_offset")
    if text_offset is None:
        text_offset = int.from_bytes(image[8:16], "little")
    out = two_guests.cmd(f"guest dumpmem basic0 {GUEST_RAM + text_offset + 56:#x} 4")
    assert out.split(":")[1].split() == [f"{b:02x}" for b in image[56:60]]


def test_pause_resume_while_the_other_runs(two_guests):
    k = two_guests
    assert "guest basic0 paused" in k.cmd("guest pause basic0")
    assert guests(k)["basic0"] == "paused"
    assert re.search(r"^basic0/0\s+paused", k.cmd("vcpu list"), re.M)
    # The other guest is unaffected.
    with keel.Console(k, f"basic1/{UART}") as con:
        assert con.run("hi")[0] == "PASS"
    assert "guest basic0 resumed" in k.cmd("guest resume basic0")
    with keel.Console(k, f"basic0/{UART}") as con:
        assert con.run("hi")[0] == "PASS"


def test_reset_restarts_the_firmware(two_guests):
    k = two_guests
    before = int(re.search(rf"basic0/{re.escape(UART)}\s+\w+\s+(\d+)",
                           k.cmd("vserial list")).group(1))
    assert "guest basic0 reset" in k.cmd("guest reset basic0")
    k.child.expect(r"\s*")
    with keel.Console(k, f"basic0/{UART}") as con:
        assert con.run("hi")[0] == "PASS"
    dump = k.cmd(f"vserial dump basic0/{UART}")
    # A second banner after the reset.
    assert dump.count(BANNER) >= 2
    after = int(re.search(rf"basic0/{re.escape(UART)}\s+\w+\s+(\d+)",
                          k.cmd("vserial list")).group(1))
    assert after > before


def test_guest_commands_reject_bad_input(two_guests):
    k = two_guests
    assert "error: no guest 'nosuch'" in k.cmd("guest pause nosuch")
    assert "error: guest basic1 is running" in k.cmd("guest kick basic1")
    assert "error: no file 'nosuch.dtb' in the boot bundle" in k.cmd("guest create nosuch.dtb")
    assert "guest basic1: a guest with this name exists" in k.cmd("guest create basic1.dtb")
    assert "error: length must be 1 to 4096 bytes" in k.cmd(f"guest dumpmem basic0 {GUEST_RAM:#x} 0")
    device = M.get("guest_mmio_addr") or int(UART.split("@")[1], 16)
    assert "is not guest RAM" in k.cmd(f"guest dumpmem basic0 {device:#x} 16")
    assert "error: guest basic0 has no vCPU '7'" in k.cmd("vcpu stats basic0/7")
    assert "is not <guest>/<vcpu>" in k.cmd("vcpu dumpreg basic0")
    assert "basic0/nosuch" in k.cmd("vserial bind basic0/nosuch")
    assert k.cmd("version").startswith("Keel")
    assert "usage: guest list" in k.cmd("guest")


@pytest.mark.parametrize("dtb,message", M.get("refused", []))
def test_bad_guest_descriptions_are_refused(two_guests, dtb, message):
    k = two_guests
    out = k.cmd(f"guest create {dtb}")
    assert message in out, out
    assert f"error: guest description '{dtb}' refused" in out, out
    assert "usage:" not in out, out
    names = guests(k)
    assert set(names) == {"basic0", "basic1"}
    assert k.cmd("version").startswith("Keel")


def free_and_heap(k):
    ram = k.cmd("host ram info")
    free = int(re.search(r"^Free:\s+(\d+) KiB", ram, re.M).group(1))
    heap = re.search(r"in use:\s+(\d+) bytes in (\d+) blocks", k.cmd("heap info")).groups()
    return free, heap


def test_create_destroy_50_times_returns_all_memory():
    k = boot(smp=2)
    try:
        baseline = free_and_heap(k)
        for i in range(50):
            assert "created" in k.cmd("guest create basic1.dtb")
            assert "started" in k.cmd("guest kick basic1")
            if i % 10 == 0:
                with keel.Console(k, f"basic1/{UART}") as con:
                    assert con.run("hi")[0] == "PASS"
            assert "destroyed" in k.cmd("guest destroy basic1")
        assert free_and_heap(k) == baseline
        assert "errors found:  0" in k.cmd("heap info")
    finally:
        k.close()


def test_refused_descriptions_return_all_memory(two_guests):
    """Every refusal, at whatever step of building the guest it comes,
    gives back what was taken for it (a refused vCPU affinity once leaked
    its vCPU thread: 296 bytes of heap and a 16 KiB stack each time)."""
    k = two_guests
    k.cmd("guest create bad-affinity.dtb")  # anything allocated once
    baseline = free_and_heap(k)
    for _ in range(3):
        for dtb, message in M.get("refused", []):
            assert message in k.cmd(f"guest create {dtb}")
    assert free_and_heap(k) == baseline
    assert "errors found:  0" in k.cmd("heap info")


@pytest.mark.parametrize("smp", [2, 4])
def test_two_guests_oversubscribed(smp):
    """Two guests, two vCPUs each, sharing `smp` host CPUs."""
    k = boot(smp=smp)
    try:
        assert "created" in k.cmd("guest create basic1.dtb")
        k.cmd("guest kick basic1")
        for g in ("basic0", "basic1"):
            with keel.Console(k, f"{g}/{UART}") as con:
                assert con.run("hi")[0] == "PASS"
                # Both vCPUs of each guest run: 4 vCPUs on `smp` CPUs.
                assert con.run(IPI_CHECK)[0] == "PASS"
                assert con.check("timer")[0] == "PASS"
        out = k.cmd("vcpu list")
        assert len(re.findall(r"^basic[01]/[01]\s+(running|waiting)", out, re.M)) == 4
    finally:
        k.close()


def test_firmware_calls_get_answers(two_guests):
    """An unknown firmware function gets "not supported" (SMCCC -1 in x0,
    SBI -2 in a0): the firmware's hvc/ecall benchmark checks every answer."""
    op = M["bench_call"]
    with keel.Console(two_guests, f"basic1/{UART}") as con:
        verdict, out = con.run(f"bench {op} 20")
        assert verdict == "PASS", out
        assert re.search(rf"bench {op} median \d+ ticks", out)


@pytest.mark.skipif(not M.get("fpu_check"),
                    reason="this arch's firmware has no FP register check")
def test_fp_registers_stay_with_their_vcpu():
    """Two guests' vCPUs share one host CPU, both filling f0-f31 with their
    own values and yielding to each other through Keel: each gets its own
    values back every time."""
    check = M["fpu_check"]
    k = boot(smp=1)
    try:
        assert "created" in k.cmd("guest create basic1.dtb")
        k.cmd("guest kick basic1")
        # basic1 starts a long run and is left to it...
        k.send_raw(f"vserial bind basic1/{UART}\r")
        k.child.expect_exact(f"connected to basic1/{UART}", timeout=30)
        k.send_raw("\r")
        k.child.expect_exact(keel.FW_PROMPT, timeout=30)
        k.send_raw(f"{check} 50000\r")
        k.child.expect_exact(f"{check} 50000", timeout=30)
        k.send_raw(keel.ESCAPE)
        k.wait_prompt()
        # ...while basic0 runs its own on the same CPU.
        with keel.Console(k, f"basic0/{UART}") as con:
            verdict, out = con.run(f"{check} 5000")
            assert verdict == "PASS", out
        for _ in range(120):
            dump = k.cmd(f"vserial dump basic1/{UART}")
            if re.search(rf"^{check}: ", dump, re.M):
                break
            time.sleep(1)
        assert re.search(rf"^{check}: PASS", dump, re.M), dump
    finally:
        k.close()


def test_guest_power_off_halts_only_that_guest():
    k = boot(smp=2)
    try:
        k.send_raw(f"vserial bind basic0/{UART}\r")
        k.child.expect_exact("connected to")
        k.send_raw("\rpoweroff\r")
        k.child.expect_exact(f"guest basic0: halted ({POWEROFF})", timeout=30)
        k.send_raw(keel.ESCAPE)
        k.wait_prompt()
        assert guests(k) == {"basic0": "halted"}
        assert k.cmd("version").startswith("Keel")
        # Kicking a halted guest boots it again from its images.
        assert "guest basic0 started" in k.cmd("guest kick basic0")
        with keel.Console(k, f"basic0/{UART}") as con:
            assert con.run("hi")[0] == "PASS"
    finally:
        k.close()


@pytest.mark.parametrize("form", ["node", "chosen"])
def test_guests_described_in_the_host_device_tree(tmp_path, form):
    """A /guests/<name> node in the device tree the loader passes, or a
    blob of such nodes in /chosen/keel,guests, is created at boot, and
    runs when kicked."""
    import subprocess
    if M.get("host_dt_guests_absent"):
        pytest.skip(M["host_dt_guests_absent"])
    if form == "node" and M.get("host_dt_guests"):
        pytest.skip(M["host_dt_guests"])
    base = tmp_path / "qemu.dtb"
    cmd = M["command"](2, 512, M["default_irqchip"],
                       ["-machine", f"dumpdtb={base}"])
    subprocess.run(cmd, check=True, capture_output=True)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(base)],
                         check=True, capture_output=True, text=True).stdout
    guest = open(os.path.join(os.path.dirname(__file__), "..", M["guest_dir"],
                              "basic1.dts")).read()
    guest = guest.replace("basic1 {", "hostg {")
    if form == "node":
        dts += "\n" + guest.replace("/dts-v1/;", "")
    else:
        (tmp_path / "guests.dts").write_text(guest)
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                        str(tmp_path / "guests.dtb"),
                        str(tmp_path / "guests.dts")], check=True)
        dts += ('\n/ { chosen { keel,guests = /incbin/("%s"); }; };\n'
                % (tmp_path / "guests.dtb"))
    (tmp_path / "host.dts").write_text(dts)
    host = tmp_path / "host.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(host),
                    str(tmp_path / "host.dts")], check=True)
    k = keel.start(smp=2, extra=["-initrd", BUNDLE, "-dtb", str(host)])
    try:
        assert "guest hostg: created" in k.boot_log
        names = guests(k)
        assert names["hostg"] == "created" and names["basic0"] == "running"
        assert "guest hostg started" in k.cmd("guest kick hostg")
        with keel.Console(k, f"hostg/{UART}") as con:
            assert con.run("hi")[0] == "PASS"
    finally:
        k.close()


def test_rom_and_zero_regions(two_guests):
    """basic1 maps the firmware image as a ROM (a flash) and a zero region
    over the virtio-mmio slots."""
    k = two_guests
    rom, rom_size, rom_name = M["basic1_rom"]
    zero, zero_size, zero_name = M["basic1_zero"]
    out = k.cmd("guest region list basic1")
    assert re.search(rf"0x{rom:016x} 0x{rom + rom_size - 1:016x} rom\s+{rom_name}", out), out
    assert re.search(rf"0x{zero:016x} 0x{zero + zero_size - 1:016x} emulated\s+{zero_name} zero", out), out
    image = open(FIRMWARE, "rb").read(16)
    dump = k.cmd(f"guest dumpmem basic1 {rom:#x} 16")
    assert bytes(int(b, 16) for b in dump.split(":")[1].split()) == image
    word = int.from_bytes(image[:4], "little")
    with keel.Console(k, f"basic1/{UART}") as con:
        verdict, out = con.run(f"probe {rom:#x}")
        assert verdict == "PASS" and f"value {word:#010x}" in out, out
        verdict, out = con.run(f"probe {zero + 0x100:#x}")
        assert verdict == "PASS" and "value 0x00000000" in out, out


@pytest.mark.skipif(not M.get("basic1_passthrough"),
                    reason="no host device on this machine suits pass-through "
                    "(idle, and with registers that read back fixed values)")
def test_passthrough_region_reaches_the_host_device(two_guests):
    """basic1 has a host device passed through (the PL061 GPIO on arm64):
    the guest reads the device's own ID registers, untrapped."""
    k = two_guests
    name, addr, reads = M["basic1_passthrough"]
    out = k.cmd("guest region list basic1")
    assert re.search(rf"0x{addr:016x} 0x{addr + 0xfff:016x} host\s+{name} at host {addr:#x}", out), out
    with keel.Console(k, f"basic1/{UART}") as con:
        for offset, value in reads:
            verdict, out = con.run(f"probe {addr + offset:#x}")
            assert verdict == "PASS" and f"value {value:#010x}" in out, out
    assert "is not guest RAM" in k.cmd(f"guest dumpmem basic1 {addr:#x} 16")


def test_ram_beyond_39_bits(two_guests):
    """basic1 has 2 MiB of RAM at 1 TiB: the second stage covers more than
    a fixed 39 bits (arm64: the CPU's PARange; riscv: the x4 G-stage)."""
    k = two_guests
    base, size, name = M.get("basic1_high_ram",
                             (0x10000000000, 0x200000, "memory@10000000000"))
    out = k.cmd("guest region list basic1")
    assert re.search(rf"0x{base:016x} 0x{base + size - 1:016x} ram\s+{name}", out), out
    with keel.Console(k, f"basic1/{UART}") as con:
        verdict, out = con.run("memtest")
        assert verdict == "PASS" and f"memtest {base:#x}-{base + size:#x}" in out, out


@pytest.mark.skipif(not M.get("no_sstc_extra"), reason="no such CPU option")
def test_guest_timer_without_sstc():
    """On a host without Sstc the guest's timer (SBI set_timer) is emulated
    with a host timer event and hvip.VSTIP: the timing checks still pass."""
    k = keel.start(smp=2, extra=["-initrd", BUNDLE] + M["no_sstc_extra"])
    try:
        with keel.Console(k, f"basic0/{UART}") as con:
            verdict, out = con.run("info")
            assert "timer: SBI TIME" in out, out
            for check in ("timer", "wfi", IPI_CHECK):
                verdict, out = con.check(check)
                assert verdict == "PASS", f"{check}: {verdict}\n{out}"
    finally:
        k.close()


def test_yield_hypercall_gives_the_cpu_away(two_guests):
    """Keel's yield call (arm64: SMCCC vendor hypervisor call 0x86000001;
    riscv: SBI extension "KEL" function 0) returns 0 and is counted as a
    yield exit of the calling vCPU."""
    k = two_guests

    def yields():
        out = k.cmd("vcpu stats basic0/0")
        return int(re.search(r"^yield\s+(\d+)$", out, re.M).group(1))

    before = yields()
    with keel.Console(k, f"basic0/{UART}") as con:
        verdict, out = con.run("bench switch 50")
        assert verdict == "PASS", out
        # The partner loop of the switch benchmark, for one second.
        verdict, out = con.run("yield-loop 1")
        assert verdict == "PASS", out
        loops = int(re.search(r"^(\d+) yields$", out, re.M).group(1))
        assert loops > 0, out
    assert yields() >= before + 50 + loops


@pytest.mark.skipif("gicv2" not in M["irqchips"], reason="no GIC on this arch")
def test_gicv2_guest_on_a_gicv3_host_is_refused(two_guests):
    k = two_guests
    out = k.cmd("guest create basic-gicv2.dtb")
    assert "the host has no GICv2 virtual CPU interface (GICV)" in out, out
    assert set(guests(k)) == {"basic0", "basic1"}


@pytest.mark.skipif("gicv2" not in M["irqchips"], reason="no GICv2 host")
def test_gicv2_guest_on_a_gicv2_host():
    """A guest with a GICv2 runs on a GICv2 host: distributor emulated,
    CPU interface the host's GICV, interrupts through the GICH list
    registers. Every firmware check passes on both vCPUs' interrupts."""
    k = keel.start(smp=2, irqchip="gicv2", extra=["-initrd", BUNDLE])
    try:
        assert "created" in k.cmd("guest create basic-gicv2.dtb")
        assert "guest basicv2 started" in k.cmd("guest kick basicv2")
        out = k.cmd("guest region list basicv2")
        assert re.search(r"0x0000000008010000 \S+ host\s+interrupt-controller@8000000 at host 0x", out), out
        with keel.Console(k, f"basicv2/{UART}") as con:
            verdict, out = con.run("info")
            assert "GICv2: GICD_CTLR 0x1" in out, out
            for check in FIRMWARE_CHECKS:
                verdict, out = con.check(check)
                assert verdict == "PASS", f"{check}: {verdict}\n{out}"
        assert "guest basicv2 reset" in k.cmd("guest reset basicv2")
        with keel.Console(k, f"basicv2/{UART}") as con:
            verdict, out = con.run("sgi")
            assert verdict == "PASS", out
    finally:
        k.close()


@pytest.mark.skipif("gicv2" not in M["irqchips"], reason="no GICv2 host")
def test_gicv3_guest_on_a_gicv2_host_is_refused():
    """The vGIC needs the GICv3 virtual CPU interface; on a GICv2 host a
    guest with a GICv3 is refused with a reason, and Keel goes on."""
    k = keel.start(smp=2, irqchip="gicv2", extra=["-initrd", BUNDLE])
    try:
        assert "vgic: the host has no GICv3 CPU interface" in k.boot_log
        assert "guest basic0: cannot create vCPU0" in k.boot_log
        assert guests(k) == {}
        assert k.cmd("version").startswith("Keel")
    finally:
        k.close()


def test_bundle_list_shows_the_boot_bundle(two_guests):
    out = two_guests.cmd("bundle list")
    size = os.path.getsize(FIRMWARE)
    assert re.search(rf"^basic\.bin\s+{size}$", out, re.M)
    assert re.search(r"^basic0\.dtb\s+\d+$", out, re.M)
    assert re.search(r"^\d+ files, \d+ bytes$", out, re.M)


def test_halt_and_kick_from_the_terminal(two_guests):
    k = two_guests
    assert "guest basic1 halted" in k.cmd("guest halt basic1")
    assert guests(k)["basic1"] == "halted"
    assert re.search(r"^basic1/0\s+off", k.cmd("vcpu list"), re.M)
    assert "guest basic1 started" in k.cmd("guest kick basic1")
    with keel.Console(k, f"basic1/{UART}") as con:
        assert con.run("hi")[0] == "PASS"
        # Restarted from its images: vCPU1 is off again until the IPI
        # check starts it.
        assert con.run(IPI_CHECK)[0] == "PASS"


def test_test_finisher_and_acpi_pm(two_guests):
    """basic1 has a SiFive test finisher and an ACPI PM block (Keel's
    emulators, on every arch): the finisher's writes power the guest off
    with the failure code in the reason, reset it (the firmware starts
    again), and power it off with a pass; the PM timer runs at 3.579545
    MHz, SLP_EN with S5's type powers off and the reset register resets.
    Last in this file: basic1 starts again, without the state earlier
    tests left in it."""
    k = two_guests
    with keel.Console(k, f"basic1/{UART}") as con:
        k.send_raw("\rfinisher fail 42\r")
        k.child.expect_exact("guest basic1: halted (test finisher: failure code 42)",
                             timeout=30)
    assert guests(k)["basic1"] == "halted"
    assert guests(k)["basic0"] == "running"
    assert "guest basic1 started" in k.cmd("guest kick basic1")
    with keel.Console(k, f"basic1/{UART}") as con:
        assert con.run("hi")[0] == "PASS"
        k.send_raw("\rfinisher reset\r")
        k.child.expect_exact(BANNER, timeout=30)
        assert con.run("hi")[0] == "PASS"
        k.send_raw("\rfinisher pass\r")
        k.child.expect_exact("guest basic1: halted (test finisher: pass)",
                             timeout=30)
    assert "guest basic1 started" in k.cmd("guest kick basic1")
    with keel.Console(k, f"basic1/{UART}") as con:
        assert con.run("hi")[0] == "PASS"
        verdict, out = con.run("finisher")
        assert verdict.startswith("FAIL") and "usage" in verdict
        # The ACPI fixed hardware x86 guests' FADT names, in MMIO here.
        verdict, out = con.run("acpi-pm")
        assert verdict == "PASS", out
        k.send_raw("\racpi-pm s5\r")
        k.child.expect_exact("guest basic1: halted (ACPI S5 (soft off))",
                             timeout=30)
    assert "guest basic1 started" in k.cmd("guest kick basic1")
    with keel.Console(k, f"basic1/{UART}") as con:
        assert con.run("hi")[0] == "PASS"
        k.send_raw("\racpi-pm reset\r")
        k.child.expect_exact(BANNER, timeout=30)
        assert con.run("hi")[0] == "PASS"
    assert guests(k) == {"basic0": "running", "basic1": "running"}
