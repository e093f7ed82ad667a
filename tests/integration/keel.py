# SPDX-License-Identifier: GPL-2.0
"""Drive a Keel instance under QEMU through its serial console."""
import re
import pexpect

from machines import machine

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


def start(**kwargs):
    k = Keel(**kwargs)
    try:
        k.boot()
    except Exception:
        k.close()
        raise
    return k
