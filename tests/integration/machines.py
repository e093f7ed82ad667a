# SPDX-License-Identifier: GPL-2.0
"""How to start Keel under QEMU, per architecture and board.

The integration tests are written once; each board of each architecture
(boards/<arch>/<board>/ in the source tree) only says here which QEMU
binary and machine options boot Keel on it and what its guests show.
"""
import os
import re

BUILD = os.environ.get("KEEL_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
ARCH = os.environ.get("KEEL_ARCH", "arm64")


def configured_board(build):
    """The board the build tree was configured for (CONFIG_BOARD), else
    qemu-virt, every arch's default."""
    try:
        with open(os.path.join(build, ".config")) as f:
            m = re.search(r'^CONFIG_BOARD="(.*)"$', f.read(), re.M)
    except FileNotFoundError:
        m = None
    return m.group(1) if m else "qemu-virt"


BOARD = os.environ.get("KEEL_BOARD") or configured_board(BUILD)


def arm64_command(smp, mem, irqchip="gicv3", extra=None, build=None):
    gic = {"gicv2": "2", "gicv3": "3"}[irqchip]
    cmd = [
        "qemu-system-aarch64",
        "-M", f"virt,virtualization=on,gic-version={gic}",
        "-cpu", "cortex-a57",
        "-smp", str(smp),
        "-m", str(mem),
        # Every byte typed reaches Keel's UART: no QEMU monitor mux on
        # stdio (Ctrl-A) and no signals from Ctrl-C.
        "-display", "none", "-monitor", "none", "-nic", "none",
        "-chardev", "stdio,id=console,signal=off,mux=off",
        "-serial", "chardev:console",
        "-kernel", os.path.join(build or BUILD, "keel.bin"),
    ]
    return cmd + list(extra or [])


def riscv64_command(smp, mem, irqchip="plic", extra=None, build=None):
    machine = {"plic": "virt", "aplic": "virt,aia=aplic"}[irqchip]
    cmd = [
        "qemu-system-riscv64",
        # OpenSBI, QEMU's default -bios, starts -kernel in HS-mode.
        "-M", machine,
        "-cpu", "rv64,h=true",
        "-smp", str(smp),
        "-m", str(mem),
        "-display", "none", "-monitor", "none", "-nic", "none",
        "-chardev", "stdio,id=console,signal=off,mux=off",
        "-serial", "chardev:console",
        "-kernel", os.path.join(build or BUILD, "keel.bin"),
    ]
    return cmd + list(extra or [])


def x86_64_command(smp, mem, irqchip="x86-apic", extra=None, build=None):
    cmd = [
        "qemu-system-x86_64",
        # pvh.bin (QEMU's option ROM) loads keel.elf through its PVH note;
        # EPYC: an AMD CPU with SVM and nested paging under TCG.
        "-M", "q35",
        "-cpu", "EPYC",
        "-smp", str(smp),
        "-m", str(mem),
        "-display", "none", "-monitor", "none", "-nic", "none",
        "-chardev", "stdio,id=console,signal=off,mux=off",
        "-serial", "chardev:console",
        "-kernel", os.path.join(build or BUILD, "keel.elf"),
    ]
    return cmd + list(extra or [])


def bare_command(qemu, machine_args, smp, image, mem=128):
    """The basic firmware alone on QEMU, console on stdio, no Keel."""
    return [qemu] + machine_args + [
        "-smp", str(smp), "-m", str(mem),
        "-display", "none", "-monitor", "none", "-nic", "none",
        "-chardev", "stdio,id=c,signal=off,mux=off", "-serial", "chardev:c",
        "-kernel", image,
    ]


def linux_bare_command(qemu, machine_args, console, smp, cache, extra=()):
    """Debian's kernel and the test initramfs on QEMU alone (no Keel), with
    linux0's command line: the reference the benchmarks compare with."""
    return bare_command(qemu, machine_args, smp, os.path.join(cache, "Image"),
                        mem=256) + [
        "-initrd", os.path.join(cache, "rootfs.cpio"),
        "-append", f"console={console} rdinit=/init"] + list(extra)


MACHINES = {
    "arm64": {"qemu-virt": {
        "command": arm64_command,
        "irqchips": ["gicv2", "gicv3"],
        "default_irqchip": "gicv3",
        "max_smp": {"gicv2": 8, "gicv3": 8},
        "hwid_name": "MPIDR",
        # QEMU virt numbers CPUs' MPIDR affinity 0, 1, ... (Aff0 first).
        "hwid_of_cpu": lambda n: (n // 16) << 8 | (n % 16),
        "ram_base": 0x40000000,
        # The reference guest's UART, as the guest descriptions name it.
        "guest_uart": "pl011@9000000",
        # Where the reference guests and the basic firmware live.
        "guest_dir": "arm64/virt-v8",
        "root_compatible": "linux,dummy-virt",
        "uart_irq_name": "pl011",
        "guests": True,
        # The basic firmware on QEMU without Keel, per machine variant, and
        # the checks that must pass there (the same as under Keel).
        "bare_qemu": {
            "gicv3": lambda smp, image: bare_command(
                "qemu-system-aarch64",
                ["-M", "virt,gic-version=3", "-cpu", "cortex-a57"], smp, image),
            "gicv2": lambda smp, image: bare_command(
                "qemu-system-aarch64",
                ["-M", "virt,gic-version=2", "-cpu", "cortex-a57"], smp, image),
        },
        "firmware_checks": ["hi", "psci", "rtc", "memtest", "abort", "mmu",
                            "timer", "wfi", "sgi", "ptimer"],
        # Linux guests (tools/fetch-linux-guest.sh): per host interrupt
        # controller, the description and the guest's name; how the
        # guest's /proc/interrupts names its interrupt controller. The
        # default controller's guest also has virtio devices; the boot
        # benchmark uses linux_bench, the same without them.
        "linux_guests": {"gicv3": ("linux-virtio.dtb", "linuxvio"),
                         "gicv2": ("linux-gicv2.dtb", "linuxv2")},
        "linux_bench": ("linux0.dtb", "linux0"),
        "linux_bench_cpus": 2,
        "linux_bare": lambda smp, cache, extra=(): linux_bare_command(
            "qemu-system-aarch64", ["-M", "virt,gic-version=3", "-cpu", "cortex-a57"],
            "ttyAMA0", smp, cache, extra),
        # The node of linuxvio's virtio console: its port is linuxvio/<node>.
        "linux_hvc": "virtio_mmio@a000600",
        # What the booted guest shows: its timer's line in /proc/interrupts
        # (name, the controller's name per host irqchip), its UART's, and
        # lines its dmesg must have.
        "linux_timer": ("arch_timer", {"gicv3": "GICv3", "gicv2": "GIC-0"}),
        "linux_uart_irq": "uart-pl011",
        "linux_dmesg": [r"psci: PSCIv1\.1 detected",
                        r"CPU1: Booted secondary processor",
                        r"rtc-pl031 .*registered as rtc0"],
        # The firmware command that starts the second vCPU and pings it.
        "ipi_check": "sgi",
        # bench operation of a firmware call Keel answers "not supported".
        "bench_call": "hvc",
        # bench operations of a firmware call the firmware interface
        # answers (PSCI_VERSION through /psci's conduit) and of a read of
        # an interrupt-controller register.
        "bench_fwcall": "psci-version",
        "bench_irqchip": "gicd-read",
        # The reference guests' regions (basic0) and extras (basic1): what
        # `guest region list` shows for them.
        "basic0_regions": [
            r"0x0000000040000000 0x0000000043ffffff ram\s+memory@40000000",
            r"0x0000000009000000 0x0000000009000fff emulated\s+pl011@9000000 pl011",
        ],
        # The GIC's distributor and redistributors: one emulator, two windows.
        "irqchip_region": (r"emulated\s+interrupt-controller@8000000 vgic-v3", 2),
        "basic1_rom": (0x0, 0x100000, "flash@0"),
        "basic1_zero": (0x0a000000, 0x4000, "virtio-slots@a000000"),
        # A host device basic1 gets untrapped: region, address, and two
        # (offset, value) reads of its ID registers (PL061, ARM DDI 0190).
        "basic1_passthrough": ("gpio@9030000", 0x9030000,
                               [(0xfe0, 0x61), (0xff0, 0x0d)]),
        # Descriptions Keel refuses, and what it says.
        "refused": [
            ("no-memory.dtb", "guest nomem: no RAM"),
            ("overlap.dtb", "guest overlap: pl011@40001000: registers at 0x40001000 overlap another region"),
            ("unknown-compatible.dtb", 'guest unknown: frobnicator@a000000: no emulator for compatible "acme,frobnicator"'),
            ("too-many-vcpus.dtb", "guest greedy: vcpus = 64: must be 1 to 8"),
            ("passthrough-ram.dtb", "guest ptram: steal@a100000: host range 0x40000000-0x40000fff is host RAM"),
            ("passthrough-keel.dtb", "guest ptkeel: steal@a100000: host range 0x9000000-0x9000fff is in use by Keel's pl011 driver"),
            ("passthrough-wrap.dtb", "guest ptwrap: steal@80000000: host range 0xfffffffffffff000 + 0x40300000 wraps past the end of the address space"),
            ("memory-wrap.dtb", "guest memwrap: memory@fffffffffff00000: RAM 0xfffffffffff00000 + 0x200000 wraps past the end of the address space"),
            ("rom-wrap.dtb", "guest romwrap: flash@ffffffffffff0000: ROM 0xffffffffffff0000 + 0x100000 wraps past the end of the address space"),
            ("device-beyond-pa.dtb", "guest fardev: zero@100000000000000: registers 0x100000000000000-0x100000000000fff is beyond the"),
            ("missing-initrd.dtb", 'guest noinitrd: initrd "nosuch.img" is not in the boot bundle'),
            ("empty-kernel.dtb", 'guest emptyk: kernel "empty.bin" is an empty file'),
            ("huge-dt.dtb", "guest hugedt: its device tree (2101"),
            ("bad-affinity.dtb", "guest badaff: vcpu-affinity of vCPU0 (0xff00) names no online host CPU"),
            ("irq-parent.dtb", "guest irqparent: pl011@9000000: interrupt-parent <153> names no node"),
            ("irq-count.dtb", "guest irqcount: pl011@9000000: 5 interrupts: a device has at most 4"),
            ("irq-spi-range.dtb", "guest spi5000: pl011@9000000: interrupt 0: SPI 5000 is out of range (0-987)"),
            ("irq-ppi-range.dtb", "guest ppi99: pl011@9000000: interrupt 0: PPI 99 is out of range (0-15)"),
            ("irq-type.dtb", "guest irqtype9: pl011@9000000: interrupt 0: type 9 is neither SPI (0) nor PPI (1)"),
            ("irq-cells.dtb", 'guest irqcells: pl011@9000000: "interrupts" is 8 bytes, not a whole number of 3-cell specifiers'),
            ("irq-no-parent.dtb", 'guest noparent: pl011@9000000: "interrupts" without an interrupt-parent'),
            ("irq-parent-not-controller.dtb", "guest notctl: pl011@9000000: interrupt-parent clock is no interrupt controller Keel emulates"),
            ("irq-cells-mismatch.dtb", "guest cellsmis: pl011@9000000: #interrupt-cells = 2 in interrupt-controller@8000000: the vgic-v3 interrupt controller takes 3"),
            ("irq-spi-nr-irqs.dtb", "guest spi300: pl011@9000000: interrupt 0: SPI 300 is out of this GIC's range (0-255, keel,nr-irqs = 288)"),
            ("image-misaligned.dtb", 'guest imgalign: kernel "image-header.bin": an arm64 Image goes text_offset above a 2 MiB-aligned base, and RAM starts at 0x40100000'),
        ],
    }},
    "riscv64": {"qemu-virt": {
        "command": riscv64_command,
        "irqchips": ["plic", "aplic"],
        "default_irqchip": "plic",
        "max_smp": {"plic": 8, "aplic": 8},
        "hwid_name": "hart",
        # QEMU virt numbers harts 0, 1, ...; Keel's CPU 0 is the hart
        # OpenSBI booted on, the others follow in device-tree order.
        "hwid_of_cpu": lambda n: n,
        "boot_hwid_may_vary": True,
        "ram_base": 0x80000000,
        "root_compatible": "riscv-virtio",
        "uart_irq_name": "ns16550",
        "guests": True,
        "guest_uart": "serial@10000000",
        "guest_dir": "riscv/virt64",
        "bare_qemu": {
            "sstc": lambda smp, image: bare_command(
                "qemu-system-riscv64", ["-M", "virt", "-cpu", "rv64"], smp,
                image),
            "sbi-time": lambda smp, image: bare_command(
                "qemu-system-riscv64",
                ["-M", "virt", "-cpu", "rv64,sstc=false"], smp, image),
        },
        # `ipi` first: it starts the secondary harts, which OpenSBI 1.1
        # otherwise keeps in a loop that holds a host CPU busy.
        "firmware_checks": ["hi", "sbi", "ipi", "rtc", "memtest", "abort",
                            "mmu", "timer", "wfi", "fpu", "mmio-forms"],
        "ipi_check": "ipi",
        # Host CPUs under -icount: QEMU 7.2 riscv64 hangs with more.
        "icount_smp": 1,
        # The firmware check that keeps values in the FP registers across
        # calls into the hypervisor.
        "fpu_check": "fpu",
        "bench_call": "ecall",
        "bench_fwcall": "sbi-version",
        "bench_irqchip": "plic-read",
        "basic0_regions": [
            r"0x0000000080000000 0x0000000083ffffff ram\s+memory@80000000",
            r"0x0000000010000000 0x00000000100000ff emulated\s+serial@10000000 ns16550",
            r"0x0000000000101000 0x0000000000101fff emulated\s+rtc@101000 goldfish-rtc",
        ],
        "irqchip_region": (r"emulated\s+plic@c000000 plic", 1),
        "basic1_rom": (0x20000000, 0x100000, "flash@20000000"),
        "basic1_zero": (0x10001000, 0x7000, "virtio-slots@10001000"),
        # The host's last virtio-mmio slot (no device behind it): its
        # MagicValue reads "virt" and its DeviceID 0 (virtio 1.2, 4.2.2).
        # A host CPU without Sstc: guests' timers are then emulated.
        "no_sstc_extra": ["-cpu", "rv64,h=true,sstc=false"],
        "linux_guests": {"plic": ("linux-virtio.dtb", "linuxvio")},
        # QEMU 7.2 -icount hangs riscv machines of more than one hart:
        # the Linux bench runs linux0 with one vCPU on one host CPU.
        "linux_bench": ("linux-1cpu.dtb", "linux0"),
        "linux_bench_cpus": 1,
        "linux_bare": lambda smp, cache, extra=(): linux_bare_command(
            "qemu-system-riscv64", ["-M", "virt", "-cpu", "rv64"], "ttyS0", smp,
            cache, extra),
        "linux_hvc": "virtio_mmio@10004000",
        "linux_timer": ("riscv-timer", {"plic": "RISC-V"}),
        "linux_uart_irq": "ttyS0",
        "linux_dmesg": [r"SBI specification v2\.0 detected",
                        r"smp: Brought up 1 node, 2 CPUs",
                        r"goldfish_rtc .*registered as rtc0"],
        "basic1_passthrough": ("virtio@10008000", 0x10008000,
                               [(0x0, 0x74726976), (0x8, 0x0)]),
        # OpenSBI 1.1 initialises every PLIC node of the tree it is given,
        # a guest's description included (disabled or not), and stops at
        # one without interrupts-extended: on riscv64 guests in the host
        # tree go in /chosen/keel,guests, a blob OpenSBI does not parse.
        "host_dt_guests": "OpenSBI 1.1 takes a guest's PLIC node in the "
                          "host device tree for its own and stops; "
                          "/chosen/keel,guests is the riscv64 form",
        "refused": [
            ("no-memory.dtb", "guest nomem: no RAM"),
            ("overlap.dtb", "guest overlap: serial@80001000: registers at 0x80001000 overlap another region"),
            ("unknown-compatible.dtb", 'guest unknown: frobnicator@10100000: no emulator for compatible "acme,frobnicator"'),
            ("too-many-vcpus.dtb", "guest greedy: vcpus = 64: must be 1 to 8"),
            ("passthrough-ram.dtb", "guest ptram: steal@10100000: host range 0x80000000-0x80000fff is host RAM"),
            ("passthrough-keel.dtb", "guest ptkeel: steal@10100000: host range 0x10000000-0x10000fff is in use by Keel's ns16550 driver"),
            ("passthrough-wrap.dtb", "guest ptwrap: steal@c0000000: host range 0xfffffffffffff000 + 0x40300000 wraps past the end of the address space"),
            ("memory-wrap.dtb", "guest memwrap: memory@fffffffffff00000: RAM 0xfffffffffff00000 + 0x200000 wraps past the end of the address space"),
            ("rom-wrap.dtb", "guest romwrap: flash@ffffffffffff0000: ROM 0xffffffffffff0000 + 0x100000 wraps past the end of the address space"),
            ("device-beyond-pa.dtb", "guest fardev: zero@100000000000000: registers 0x100000000000000-0x100000000000fff is beyond the"),
            ("missing-initrd.dtb", 'guest noinitrd: initrd "nosuch.img" is not in the boot bundle'),
            ("empty-kernel.dtb", 'guest emptyk: kernel "empty.bin" is an empty file'),
            ("huge-dt.dtb", "guest hugedt: its device tree (2101"),
            ("bad-affinity.dtb", "guest badaff: vcpu-affinity of vCPU0 (0xff00) names no online host CPU"),
            ("irq-parent.dtb", "guest irqparent: serial@10000000: interrupt-parent <153> names no node"),
            ("irq-count.dtb", "guest irqcount: serial@10000000: 5 interrupts: a device has at most 4"),
            ("irq-line-range.dtb", "guest line5000: serial@10000000: interrupt 0: line 5000 is out of range (1-1023)"),
            ("irq-line-zero.dtb", "guest line0: serial@10000000: interrupt 0: line 0 is out of range (1-1023)"),
            ("irq-no-parent.dtb", 'guest noparent: serial@10000000: "interrupts" without an interrupt-parent'),
            ("irq-parent-not-controller.dtb", "guest notctl: serial@10000000: interrupt-parent clock is no interrupt controller Keel emulates"),
            ("irq-cells-mismatch.dtb", "guest cellsmis: serial@10000000: #interrupt-cells = 2 in plic@c000000: the plic interrupt controller takes 1"),
            ("irq-plic-ndev.dtb", "guest src96: serial@10000000: interrupt 0: line 96 is out of this PLIC's range (1-95, riscv,ndev)"),
            ("image-misaligned.dtb", 'guest imgalign: kernel "image-header.bin": a RISC-V Image goes text_offset above a 2 MiB-aligned base, and RAM starts at 0x80100000'),
        ],
    }},
    "x86_64": {"qemu-q35": {
        "command": x86_64_command,
        "irqchips": ["x86-apic"],
        "default_irqchip": "x86-apic",
        "max_smp": {"x86-apic": 8},
        "hwid_name": "apic",
        # q35's local APIC ids: 0, 1, ... in CPU order.
        "hwid_of_cpu": lambda n: n,
        # What PVH's memory map gives as RAM: from 1 MiB (Keel leaves the
        # PC's first megabyte alone) to 132 KiB below the end, which
        # QEMU's q35 reserves.
        "ram_base": 0x100000,
        "ram_size": lambda mem: (mem << 20) - 0x100000 - 0x21000,
        "root_compatible": "keel,x86-pc",
        "uart_irq_name": "ns16550",
        "guests": True,
        # Guest test modules that need what x86 guests do not have yet
        # (conftest.py leaves them out here), and why.
        "guest_modules_not_yet": {
            "test_bad_blobs.py": "its damaged blobs are arm64/riscv guests'",
            "test_scale_bench.py": "bench-scale.py does not run on x86 yet",
            "test_firmware_bare.py": "the x86 firmware runs under Keel only",
            "test_guest_new.py": "no `guest new` machine for x86 yet",
            "test_host_disk.py": "no host block device on q35 (PCI)",
            "test_isolation.py": "its mark/leak checks are arm64/riscv registers'",
            "test_linux.py": "x86 Linux is test_x86_linux.py",
            "test_linux_net.py": "needs `guest new` and a virtio-mmio host "
                                 "NIC (q35's are PCI)",
            "test_sbi_conformance.py": "riscv only",
        },
        "guest_dir": "x86_64/qemu-q35",
        # bench ipi-spin's bound (test_directed_yield; 10,000 elsewhere):
        # the ICR write and the EOI are MMIO exits of some 1,500
        # instructions each here (no decode assist), 9,855 in all.
        "ipi_spin_bound": 15000,
        # Why make bench's scale rows are not run here (tools/bench-scale.py).
        "bench_scale_not_run": "its first run (2 vCPUs pinned to one of 4 "
                               "host CPUs, under -icount) did not power its "
                               "guest off within 600 s on x86_64; the cause "
                               "is not found yet",
        # Guests' RAM starts at 0 (the host's at 1 MiB: ram_base).
        "guest_ram_base": 0x0,
        # A raw binary, loaded at the base of RAM: no Image header.
        "firmware_load_offset": 0,
        "pc_name": "rip",
        # A read where the guest's machine has nothing: all ones, no
        # exception, as on a PC.
        "unmapped_read": "ones",
        # basic0 is a PC: it has the CMOS clock and the PIT too.
        "basic0_pc_chips": True,
        # An emulated device's address for "not guest RAM" (its UART is
        # in I/O ports).
        "guest_mmio_addr": 0xfee00000,
        "poweroff_reason": "ACPI S5 (soft off)",
        # Seen on this machine, cause not found: four spinning vCPUs on two
        # host CPUs sum to 102-115% of 2 x wall time in guest mode (on one
        # host CPU they fit, and the host's TSC is in step on both cores).
        "guest_time_over_two_cpus": "x86: time in guest on 2 host CPUs "
                                    "sums to up to 115% of 2 x wall, cause "
                                    "not found",
        # x86 Linux makes no hypercalls while it boots: its exits are
        # CPUID and MSRs (sysreg) and device accesses.
        "linux_profile_classes": ("sysreg", "mmio", "all"),
        "firmware_checks": ["hi", "hyp", "ipi", "cmos", "memtest", "timer",
                            "wfi", "pit", "acpi-pm", "tsc"],
        "ipi_check": "ipi",
        # x86 has no firmware interface: Keel answers VMMCALL itself.
        "bench_call": "vmmcall",
        "bench_fwcall": "vmmcall",
        "bench_irqchip": "lapic-read",
        "basic0_regions": [
            r"0x0000000000000000 0x0000000003ffffff ram\s+memory@0",
            r"port 0x03f8\s+port 0x03ff\s+emulated\s+serial@i3f8 ns16550",
        ],
        "irqchip_region": (r"emulated\s+interrupt-controller@fee00000 lapic", 1),
        "basic1_rom": (0xffe00000, 0x100000, "flash@ffe00000"),
        "basic1_zero": (0xfe100000, 0x4000, "virtio-slots@fe100000"),
        "basic1_high_ram": (0x8000000000, 0x200000, "memory@8000000000"),
        # No host device tree to put guests in: x86 firmware gives ACPI.
        "host_dt_guests_absent": "x86 firmware gives ACPI tables, not a "
                                 "device tree that could hold guests",
        # The host's entropy for guests' virtio-rng: the CPU's RDRAND (q35
        # has no virtio-mmio bus for a virtio-rng-device).
        "entropy_extra": [],
        # q35 has no virtio-mmio bus: host virtio devices there are PCI.
        "host_virtio_mmio": False,
        # Until the basic firmware runs on x86: the SVM probe
        # (tests/x86_64/qemu-q35/probe, test_x86_svm.py).
        "svm_probe": True,
        # Debian's amd64 cloud kernel (test_x86_linux.py): its package
        # architecture, description, guest and console; the same guest
        # for the boot benchmark, and the kernel on QEMU alone (SeaBIOS
        # and QEMU's own Linux loader) to compare with.
        "x86_linux": ("amd64", "linux0.dtb", "linux0"),
        # The same with virtio disk, entropy and console (hvc0's port).
        "x86_linux_virtio": ("linux-virtio.dtb", "linuxvio", "virtio@fe202000"),
        "guest_uart": "serial@i3f8",
        # QEMU 7.2 -icount hangs a bare q35 of two CPUs when Linux starts
        # the second: the Linux bench runs linux0 with one vCPU on one
        # host CPU, as on riscv64.
        "linux_bench": ("linux-1cpu.dtb", "linux0"),
        "linux_bench_cpus": 1,
        "linux_bare": lambda smp, cache, extra=(): linux_bare_command(
            "qemu-system-x86_64", ["-M", "q35", "-cpu", "EPYC"], "ttyS0", smp,
            cache, extra),
    }},
}


def machine():
    boards = MACHINES[ARCH]
    if BOARD not in boards:
        raise KeyError(f"no test machine for board {BOARD!r} of {ARCH} in "
                       f"tests/integration/machines.py (has: {', '.join(boards)})")
    return boards[BOARD]
