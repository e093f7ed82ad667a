# SPDX-License-Identifier: GPL-2.0
"""The basic test firmware on QEMU without Keel: every check the guest
tests run under Keel passes on the bare machine too, so a check that fails
under Keel points at Keel, not at the firmware."""
import os
import re

import pexpect
import pytest

from keel import FW_PROMPT
from machines import BUILD, machine

M = machine()
FIRMWARE = os.path.join(BUILD, "guests", M["guest_dir"].split("/")[0],
                        "basic", "basic.bin")
VARIANTS = sorted(M["bare_qemu"])


def run(child, line, timeout=60):
    """One command: its output and 'PASS' or 'FAIL (...)'."""
    words = line.split()
    name = " ".join(words[:2]) if words[0] == "bench" else words[0]
    child.send(line + "\r")
    child.expect(rf"\n{re.escape(name)}: (PASS|FAIL[^\r\n]*)\r", timeout=timeout)
    out, verdict = child.before, child.match.group(1)
    child.expect_exact(FW_PROMPT, timeout=timeout)
    return out, verdict


@pytest.mark.parametrize("variant", VARIANTS)
def test_firmware_checks_pass_on_bare_qemu(variant):
    cmd = M["bare_qemu"][variant](2, FIRMWARE)
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8",
                          codec_errors="replace", timeout=60)
    try:
        child.expect(r"basic firmware \(\w+\) on vCPU0, \d+ MiB RAM, 2 vCPUs")
        child.expect_exact(FW_PROMPT)
        for check in M["firmware_checks"]:
            out, verdict = run(child, check, timeout=120)
            if check == "timer" and re.match(r"FAIL \(\d+ lost ticks", verdict):
                # TCG raises timer interrupts from a host thread that a
                # busy host may stall past a 10 ms deadline; twice in a
                # row is a failure.
                out, verdict = run(child, check, timeout=120)
            assert verdict == "PASS", f"{check}: {verdict}\n{out}"
        # No Keel: its yield hypercall is refused, never an exception.
        out, verdict = run(child, "bench switch 10")
        assert verdict.startswith("FAIL (no yield hypercall"), verdict
        child.send("poweroff\r")
        child.expect(pexpect.EOF, timeout=30)
        child.close()
        assert child.exitstatus == 0
    finally:
        if child.isalive():
            child.terminate(force=True)
