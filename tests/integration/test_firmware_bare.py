# SPDX-License-Identifier: GPL-2.0
"""The basic test firmware on QEMU without Keel: every check the guest
tests run under Keel passes on the bare machine too, so a check that fails
under Keel points at Keel, not at the firmware."""
import os

import pexpect
import pytest

from keel import FW_PROMPT, firmware_check, firmware_run
from machines import BUILD, machine

M = machine()
FIRMWARE = os.path.join(BUILD, "guests", M["guest_dir"].split("/")[0],
                        "basic", "basic.bin")
VARIANTS = sorted(M["bare_qemu"])


@pytest.mark.parametrize("variant", VARIANTS)
def test_firmware_checks_pass_on_bare_qemu(variant):
    cmd = M["bare_qemu"][variant](2, FIRMWARE)
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8",
                          codec_errors="replace", timeout=60)
    try:
        child.expect(r"basic firmware \(\w+\) on vCPU0, \d+ MiB RAM, 2 vCPUs")
        child.expect_exact(FW_PROMPT)
        for check in M["firmware_checks"]:
            verdict, out = firmware_check(child, check)
            assert verdict == "PASS", f"{check}: {verdict}\n{out}"
        # No Keel: its yield hypercall is refused, never an exception.
        verdict, out = firmware_run(child, "bench switch 10")
        assert verdict.startswith("FAIL (no yield hypercall"), verdict
        child.send("poweroff\r")
        child.expect(pexpect.EOF, timeout=30)
        child.close()
        assert child.exitstatus == 0
    finally:
        if child.isalive():
            child.terminate(force=True)
