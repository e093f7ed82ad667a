# SPDX-License-Identifier: GPL-2.0
"""Every terminal command against one running Keel, checked against the
machine QEMU emulates (4 CPUs, 512 MiB)."""
import re

import pytest

from machines import ARCH, machine

M = machine()
# RAM the firmware reports of the 512 MiB (on some boards less than all).
RAM = M.get("ram_size", lambda mem: mem << 20)(512)

COMMANDS = ["blockdev", "bundle", "devtree", "entropy", "guest", "heap", "help", "host", "netswitch", "reset", "selftest", "shutdown",
            "thread", "vcpu", "version", "virtio", "vserial"]


def test_help_lists_every_command(keel_smp4):
    out = keel_smp4.cmd("help")
    listed = re.findall(r"^  (\S+)\s", out, re.M)
    assert listed == COMMANDS


def test_help_for_one_command_shows_usage(keel_smp4):
    out = keel_smp4.cmd("help host")
    assert "usage: host info | host cpu info | host cpu time | host ram info | host irq stats" in out


def test_version(keel_smp4):
    out = keel_smp4.cmd("version")
    assert re.match(r"Keel \d+\.\d+\.\d+ \(" + re.escape(ARCH) + r"\)", out)


def test_host_info(keel_smp4):
    out = keel_smp4.cmd("host info")
    assert "CPUs:        4 online, 4 possible" in out
    assert f"RAM:         {RAM >> 20} MiB" in out
    assert re.search(r"Clock:\s+[1-9]\d* Hz", out)
    uptime = float(re.search(r"Uptime:\s+([\d.]+) s", out).group(1))
    assert uptime > 0


def test_host_ram_info_figures_add_up(keel_smp4):
    out = keel_smp4.cmd("host ram info")
    base = M["ram_base"]
    assert f"0x{base:010x}-0x{base + RAM:010x} {RAM >> 20} MiB" in out
    assert re.search(r"keel$", out, re.M)
    kib = {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) KiB", out, re.M)}
    assert kib["Total"] == RAM >> 10
    assert 0 < kib["Free"] < kib["Managed"] < kib["Total"]
    assert kib["Used"] == kib["Managed"] - kib["Free"]


def test_host_irq_stats_counts_console_input(keel_smp4):
    def uart_total():
        out = keel_smp4.cmd("host irq stats")
        line = [ln for ln in out.splitlines() if M["uart_irq_name"] in ln][0]
        return int(line.split()[-1])

    before = uart_total()
    keel_smp4.cmd("version")
    # Typing a command raises receive interrupts.
    assert uart_total() > before
    out = keel_smp4.cmd("host irq stats")
    header = out.splitlines()[0].split()
    assert header[:2] == ["IRQ", "NAME"] and header[-1] == "TOTAL"
    assert [h for h in header if h.startswith("CPU")] == ["CPU0", "CPU1", "CPU2", "CPU3"]
    assert "arch-timer" in out or "timer" in out
    assert re.search(r"^spurious: \d+$", out, re.M)


def test_heap_info(keel_smp4):
    out = keel_smp4.cmd("heap info")
    used = int(re.search(r"in use:\s+(\d+) bytes in (\d+) blocks", out).group(1))
    held = int(re.search(r"held:\s+(\d+) bytes", out).group(1))
    assert 0 < used <= held
    assert re.search(r"errors found:\s+0$", out, re.M)


def test_thread_list(keel_smp4):
    out = keel_smp4.cmd("thread list")
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["ID", "NAME", "STATE", "PRIO", "CPU"]
    names = [ln.split()[1] for ln in lines[1:]]
    assert "terminal" in names
    assert {f"idle/{n}" for n in range(4)} <= set(names)
    # The terminal runs this very command.
    term = [ln for ln in lines if ln.split()[1] == "terminal"][0]
    assert term.split()[2] == "running"


def test_devtree_print_subtree(keel_smp4):
    out = keel_smp4.cmd("devtree print /cpus")
    assert out.startswith("cpus {")
    for n in range(4):
        assert f"cpu@{n} {{" in out
    assert 'device_type = "cpu";' in out
    assert out.rstrip().endswith("};")


def test_devtree_print_whole_tree(keel_smp4):
    out = keel_smp4.cmd("devtree print")
    assert out.startswith("/ {")
    assert f'compatible = "{M["root_compatible"]}";' in out
    assert "chosen {" in out


def test_devtree_attr_get(keel_smp4):
    base = M["ram_base"]
    out = keel_smp4.cmd(f"devtree attr get /memory@{base:x} reg")
    assert out == f"reg = <0x0 0x{base:x} 0x0 0x{RAM:x}>"
    out = keel_smp4.cmd("devtree attr get / compatible")
    assert out == f'compatible = "{M["root_compatible"]}"'


@pytest.mark.parametrize("line,usage,error", [
    ("host", "usage: host info | host cpu info", None),
    ("host foo", "usage: host info |", "error: unknown subcommand 'foo'"),
    ("host cpu", "usage: host info |", "error: unknown subcommand 'cpu'"),
    ("heap", "usage: heap info", None),
    ("heap info extra", "usage: heap info", "error: unknown subcommand"),
    ("thread kill 3", "usage: thread list", "error: unknown subcommand 'kill'"),
    ("version now", "usage: version", None),
    ("devtree", "usage: devtree print [path] | devtree attr get <path> <name>", None),
    ("devtree attr get /", "usage: devtree print", "error: wrong arguments"),
    ("help a b", "usage: help [command]", None),
    ("selftest a b", "usage: selftest list", None),
    ("shutdown now", "usage: shutdown", None),
    ("reset 1", "usage: reset", None),
    ("virtio", "usage: virtio list [guest]", None),
    ("virtio show", "usage: virtio list [guest]", "error: unknown subcommand 'show'"),
    ("virtio list a b", "usage: virtio list [guest]", None),
])
def test_malformed_commands_print_usage(keel_smp4, line, usage, error):
    out = keel_smp4.cmd(line)
    assert usage in out
    if error:
        assert error in out


@pytest.mark.parametrize("line,error", [
    ("frobnicate", "error: unknown command 'frobnicate'"),
    ("devtree print /no/such/node", "error: no node '/no/such/node'"),
    ("devtree attr get /cpus nosuch", "error: node '/cpus' has no attribute 'nosuch'"),
    ("help nosuch", "error: no command 'nosuch'"),
    ('help "unterminated', "error: unterminated quote"),
    (" ".join(["x"] * 40), "error: more than 16 words"),
])
def test_bad_input_is_rejected_with_a_message(keel_smp4, line, error):
    assert error in keel_smp4.cmd(line)


def test_virtio_list_without_devices(keel_smp4):
    """No guest has a virtio device here; a guest that does not exist is
    named as such."""
    assert keel_smp4.cmd("virtio list").strip() == "no virtio devices"
    assert keel_smp4.cmd("virtio list nosuch").strip() == \
        "error: no guest 'nosuch' (see 'guest list')"


def test_overlong_line_does_not_crash(keel_smp4):
    keel_smp4.send_raw("a" * 400 + "\r")
    keel_smp4.wait_prompt()
    # Control characters and a stray escape are ignored too.
    keel_smp4.send_raw("\x00\x07\x1b[Z\x1bx\r")
    keel_smp4.wait_prompt()
    assert keel_smp4.cmd("version").startswith("Keel")


def test_line_editing_backspace_and_cursor_keys(keel_smp4):
    k = keel_smp4
    # "versoin" fixed with backspaces; then a word inserted mid-line.
    k.send_raw("versoin\x7f\x7f\x7fion\r")
    k.wait_prompt()
    k.send_raw("heap\r")
    out = k.wait_prompt()
    assert "usage: heap info" in out
    # "hst info": left arrow x5 moves onto 's', insert 'o', end, enter.
    k.send_raw("hst info" + "\x1b[D" * 7 + "o" + "\x1b[F\r")
    out = k.wait_prompt()
    assert "CPUs:        4 online" in out


def test_history_recalls_previous_command(keel_smp4):
    k = keel_smp4
    k.cmd("version")
    k.cmd("heap info")
    # Up twice reaches "version", which runs and joins the history.
    k.send_raw("\x1b[A\x1b[A\r")
    out = k.wait_prompt()
    assert re.search(r"Keel \d+\.\d+\.\d+ \(", out)
    # History is now version, heap info, version: up 3, down 1.
    k.send_raw("\x1b[A\x1b[A\x1b[A\x1b[B\r")
    out = k.wait_prompt()
    assert "in use:" in out


def test_ctrl_c_abandons_the_line(keel_smp4):
    k = keel_smp4
    k.send_raw("shutdown\x03")
    out = k.wait_prompt()
    assert "^C" in out
    assert k.child.isalive()
    assert k.cmd("version").startswith("Keel")


def test_random_input_cannot_crash_keel(keel_smp4):
    """Nothing a user types can crash Keel: random bytes, escape sequences
    and half-formed commands, then the terminal must still work."""
    import random
    rng = random.Random(1234)
    words = ["host", "cpu", "info", "ram", "irq", "stats", "heap", "thread",
             "list", "devtree", "print", "attr", "get", "/", "/cpus", "help",
             "version", '"', "selftest", "\x1b[", "\x1b[3~", "\x1b[A",
             "\x1b[B", "\x1b[C", "\x1b[D", "\x7f", "\x15", "\x01", "\x05",
             "\x03", "\x00", "\x1bO", "\x1b[1~", "\x1b[4~"]
    k = keel_smp4
    for i in range(60):
        parts = []
        for _ in range(rng.randint(1, 12)):
            if rng.random() < 0.7:
                parts.append(rng.choice(words))
            else:
                parts.append("".join(chr(rng.randint(0, 126)) for _ in range(rng.randint(1, 8))))
        line = " ".join(parts).replace("\r", "").replace("\n", "")
        # Never power the machine off or reset it by accident.
        for word in ("shutdown", "reset"):
            line = line.replace(word, "x")
        k.send_raw(line + "\r")
        # Resynchronise: whatever the line did, a marker command answers.
        k.send_raw(f"\x15help mark{i}\r")
        k.child.expect_exact(f"error: no command 'mark{i}'", timeout=120)
        k.wait_prompt()
    assert k.cmd("version").startswith("Keel")
    assert "errors found:  0" in k.cmd("heap info")
