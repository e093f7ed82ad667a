# SPDX-License-Identifier: GPL-2.0
"""Drive a Keel instance under QEMU through its serial console."""
import hashlib
import json
import os
import re
import struct
import subprocess
import pexpect

from machines import BUILD, machine

PROMPT = "keel# "
BOOT_TIMEOUT = 120
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class Keel:
    """One QEMU running Keel; commands go in, their output comes back."""

    def __init__(self, smp=1, mem=512, irqchip=None, extra=None, build=None):
        m = machine()
        self.smp = smp
        self.mem = mem
        self.irqchip = irqchip or m["default_irqchip"]
        cmd = m["command"](smp, mem, self.irqchip, extra, build)
        self.child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8",
                                   codec_errors="replace", timeout=60)
        self.boot_log = ""

    def wait_prompt(self, timeout=BOOT_TIMEOUT):
        self.child.expect_exact(PROMPT, timeout=timeout)
        out = self.child.before
        return out

    def boot(self):
        self.boot_log = self.wait_prompt()
        return self

    def cmd(self, line, timeout=60):
        """Run one command line; return its output without echo and prompt."""
        self.child.send(line + "\r")
        # The echo of the line itself comes first.
        self.child.expect_exact(line, timeout=timeout)
        out = self.wait_prompt(timeout)
        out = ANSI.sub("", out).replace("\r\n", "\n").replace("\r", "")
        return out.strip("\n")

    def send_raw(self, data):
        self.child.send(data)

    def expect_exit(self, timeout=60):
        self.child.expect(pexpect.EOF, timeout=timeout)
        self.child.close()
        return self.child.exitstatus

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()


FW_PROMPT = "basic# "
ESCAPE = "\x1dq"


def firmware_run(child, line, timeout=120):
    """A basic-firmware command on the console child talks to (a guest's
    bound port, or bare QEMU): (PASS or FAIL line, its output)."""
    words = line.split()
    # `bench <op>` reports as "bench <op>: PASS"; others by their name.
    name = " ".join(words[:2]) if words[0] == "bench" else words[0]
    child.send(line + "\r")
    child.expect(rf"{re.escape(name)}: (PASS|FAIL[^\r\n]*)\r",
                 timeout=timeout)
    out = child.before
    verdict = child.match.group(1)
    child.expect_exact(FW_PROMPT, timeout=timeout)
    return verdict, ANSI.sub("", out).replace("\r", "")


def firmware_check(child, name, timeout=120):
    """A firmware check that must PASS: (verdict, output). A timing check
    that lost ticks runs once more: TCG raises timer interrupts from a
    host thread that a loaded host can stall past a 10 ms deadline, which
    says nothing about the machine; twice in a row does."""
    verdict, out = firmware_run(child, name, timeout)
    if name.split()[0] == "timer" and re.match(r"FAIL \(\d+ lost ticks", verdict):
        verdict, out = firmware_run(child, name, timeout)
    return verdict, out


def linux_shell(k, line, timeout=60):
    """Run a shell command in the Linux guest whose console k (a Keel,
    bound to the guest's port, or a pexpect child of bare QEMU) is; its
    output, without the echo."""
    child = getattr(k, "child", k)
    child.send(f"{line}; echo END-$((40+2))\r")
    child.expect(r"\nEND-42\r", timeout=timeout)
    lines = child.before.replace("\r", "").split("\n")
    # What follows the shell's echo of the command line (a kernel message
    # may have cut the echo: then all of it).
    echo = [i for i, ln in enumerate(lines) if "echo END-" in ln]
    return "\n".join(lines[echo[-1] + 1:] if echo else lines)


def bench_path(name):
    """Where make bench keeps figures: build/bench/<name>.json."""
    out_dir = os.path.join(BUILD, "bench")
    os.makedirs(out_dir, exist_ok=True)
    return os.path.join(out_dir, f"{name}.json")


def write_bench(name, data):
    """Write a bench tool's figures to bench_path(name) and say so."""
    path = bench_path(name)
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
    print(f"wrote {path}")


def linux_payload(arch):
    """The directory with the Debian kernel (Image) and the test
    initramfs (rootfs.cpio) for arch, fetched and checked by
    tools/fetch-linux-guest.sh into its cache outside the tree."""
    tool = os.path.join(os.path.dirname(__file__), "..", "..", "tools",
                        "fetch-linux-guest.sh")
    out = subprocess.run([tool, arch], check=True, capture_output=True,
                         text=True).stdout
    return out.split()[-1]


# linuxvio's virtio disk: a bundle file of known bytes, this many MiB.
LINUX_DISK_MIB = 16


def linux_disk_image(path):
    """Write the bundle file a Linux guest's virtio disk is made of (known
    bytes, LINUX_DISK_MIB); its path."""
    with open(path, "wb") as f:
        for i in range(LINUX_DISK_MIB * 256):
            f.write(hashlib.sha256(b"%d" % i).digest() * 128)
    return path


def linux_check_virtio(k, disk_image):
    """A Linux guest's virtio disk (over disk_image, copied on write) and
    entropy, through Debian's own virtio_mmio, virtio_blk and virtio-rng:
    the disk reads what the file holds, writes read back past the page
    cache, and the guest's hwrng is the virtio one and gives bytes."""
    shell = linux_shell
    out = shell(k, "echo size $(cat /sys/block/vda/size) ro $(cat /sys/block/vda/ro)")
    assert re.search(rf"^size {LINUX_DISK_MIB * 2048} ro 0$", out, re.M), out
    with open(disk_image, "rb") as f:
        want = hashlib.md5(f.read()).hexdigest()
    out = shell(k, f"dd if=/dev/vda bs=1M count={LINUX_DISK_MIB} 2>/dev/null | md5sum",
                timeout=120)
    assert re.search(rf"^{want}  -$", out, re.M), out
    # 8 MiB of random data at 4 MiB, past the page cache and back.
    out = shell(k, "dd if=/dev/urandom of=/r bs=1M count=8 2>/dev/null; md5sum </r; "
                   "dd if=/r of=/dev/vda bs=1M seek=4 conv=fsync 2>/dev/null; "
                   "echo 3 >/proc/sys/vm/drop_caches; "
                   "dd if=/dev/vda bs=1M skip=4 count=8 2>/dev/null | md5sum", timeout=300)
    sums = re.findall(r"^([0-9a-f]{32})", out, re.M)
    assert len(sums) == 2 and sums[0] == sums[1], out
    # Entropy from the host, through the guest's virtio-rng.
    out = shell(k, "cat /sys/class/misc/hw_random/rng_current; "
                   "dd if=/dev/hwrng bs=1024 count=64 2>/dev/null | wc -c", timeout=120)
    # Kernel messages may come between the lines on the console.
    assert re.search(r"^virtio_rng\.0$", out, re.M), out
    assert re.search(r"^65536$", out, re.M), out


def linux_check_hvc(k, name, hvc_node):
    """A Linux guest's virtio console (the port name/hvc_node): init's
    shell on hvc0 answers through the port, bound in the UART's place,
    and the UART's shell is there after. The port."""
    port = f"{name}/{hvc_node}"
    uart = f"{name}/{machine()['guest_uart']}"
    k.send_raw(ESCAPE)
    k.wait_prompt()
    k.send_raw(f"vserial bind {port}\r")
    k.child.expect_exact(f"connected to {port}", timeout=30)
    # The echo of the line says hvc-$((6*7)): only the shell says hvc-42.
    k.send_raw("echo hvc-$((6*7)) $(readlink /proc/self/fd/0)\r")
    k.child.expect(r"\nhvc-42 /dev/hvc0\r", timeout=60)
    k.send_raw(ESCAPE)
    k.wait_prompt()
    k.send_raw(f"vserial bind {uart}\r")
    k.child.expect_exact(f"connected to {uart}", timeout=30)
    return port


def linux_check_virtio_list(k, name, hvc_port):
    """`virtio list` after linux_check_virtio and linux_check_hvc, the
    guest halted or running: the disk running still or reset by Linux on
    the way down (arm64's does), its requests, the entropy given, nothing
    malformed, and what went through the console both ways."""
    out = k.cmd(f"virtio list {name}")
    assert re.search(r"virtio-block \(mmio\)  status (reset|ack,driver,features-ok,driver-ok)\n", out), out
    assert re.search(r"backend bundle\d+ \(bundle, rw\), [1-9]\d* requests", out), out
    given = re.search(r"source \S+, (\d+) bytes given", out)
    assert given and int(given.group(1)) >= 65536, out
    assert "needed reset 0" in out and " 0 malformed" in out, out
    cons = re.search(rf"port {re.escape(hvc_port)}, (\d+) bytes in, (\d+) out, 0 dropped", out)
    assert cons and int(cons.group(1)) >= 20 and int(cons.group(2)) >= 20, out


LINUX_UP = re.compile(r"linux guest up: (\S+) (\d+) cpus, uptime (\d+) ns")


def linux_console(k, name, timeout=300):
    """Bind the terminal to Linux guest name's UART and wait for the test
    initramfs's ready line: its match (release, CPUs, uptime in ns)."""
    port = f"{name}/{machine()['guest_uart']}"
    k.send_raw(f"vserial bind {port}\r")
    k.child.expect_exact(f"connected to {port}", timeout=30)
    k.child.expect(LINUX_UP, timeout=timeout)
    return k.child.match


def linux_bootargs():
    """linux0's kernel command line (its description's bootargs): what a
    one-line guest of the same kernel passes as append=."""
    dtb = os.path.join(BUILD, "guests", "linux0.dtb")
    return subprocess.run(["fdtget", dtb, "/guests/linux0", "bootargs"], check=True,
                          capture_output=True, text=True).stdout.strip()


def make_bundle(path, files):
    """A boot bundle of files (tools/make-bundle.sh)."""
    tool = os.path.join(os.path.dirname(__file__), "..", "..", "tools",
                        "make-bundle.sh")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    subprocess.run([tool, path] + list(files), check=True)
    return path


def mbr_image(path, partitions, size):
    """A raw disk image of size bytes at path, zeroes but for an MBR whose
    entries are partitions, (first sector, sectors) each, of type 0x83
    (Linux). The file is sparse past the MBR; callers may write into it."""
    assert len(partitions) <= 4
    mbr = bytearray(512)
    for i, (first, count) in enumerate(partitions):
        mbr[446 + 16 * i:462 + 16 * i] = struct.pack(
            "<B3sB3sII", 0, b"\0\0\0", 0x83, b"\0\0\0", first, count)
    mbr[510:512] = b"\x55\xaa"
    with open(path, "wb") as f:
        f.write(mbr)
        f.truncate(size)


PROFILE_ROW = re.compile(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", re.M)


def vcpu_profile(k, spec):
    """`vcpu profile spec`: ({row: (exits, Keel ns, per exit, off-CPU ns)}
    of the classes, the same of the MMIO devices, guest-mode ns)."""
    out = k.cmd(f"vcpu profile {spec}")
    classes, _, devices = out.partition("MMIO DEVICE")
    rows = lambda text: {m.group(1): tuple(map(int, m.group(2, 3, 4, 5)))
                         for m in PROFILE_ROW.finditer(text)}
    guest = re.search(r"^guest mode: (\d+) ns$", out, re.M)
    assert guest, out
    return rows(classes), rows(devices), int(guest.group(1))


class Console:
    """The console bound to a guest's serial port (vserial bind)."""

    def __init__(self, keel, port):
        self.keel = keel
        self.port = port

    def __enter__(self):
        self.keel.send_raw(f"vserial bind {self.port}\r")
        self.keel.child.expect_exact(f"connected to {self.port}", timeout=30)
        self.keel.send_raw("\r")
        self.keel.child.expect_exact(FW_PROMPT, timeout=30)
        return self

    def run(self, line, timeout=120):
        """A firmware command; returns (PASS or FAIL line, its output)."""
        return firmware_run(self.keel.child, line, timeout)

    def check(self, name, timeout=120):
        """A firmware check: (verdict, output); see firmware_check()."""
        return firmware_check(self.keel.child, name, timeout)

    def __exit__(self, *exc):
        self.keel.send_raw(ESCAPE)
        self.keel.wait_prompt()


def start(**kwargs):
    k = Keel(**kwargs)
    try:
        k.boot()
    except Exception:
        k.close()
        raise
    return k
