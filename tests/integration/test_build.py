# SPDX-License-Identifier: GPL-2.0
"""The build: out-of-tree configurations, Kconfig options that remove code,
incremental rebuilds."""
import os
import re
import shutil
import subprocess

import keel
from machines import ARCH

SRC = os.path.join(os.path.dirname(__file__), "..", "..")


def make(*args, **kw):
    return subprocess.run(["make", "-C", SRC, f"ARCH={ARCH}", *args],
                          capture_output=True, text=True, check=True, **kw)


def test_disabled_command_is_absent(tmp_path):
    out = tmp_path / "nodevtree"
    make(f"O={out}", "qemu-virt_defconfig")
    cfg = out / ".config"
    text = cfg.read_text()
    assert "CONFIG_CMD_DEVTREE=y" in text
    cfg.write_text(text.replace("CONFIG_CMD_DEVTREE=y",
                                "# CONFIG_CMD_DEVTREE is not set"))
    make(f"O={out}", "olddefconfig")
    make(f"O={out}")
    assert not (out / "core" / "term" / "cmd_devtree.o").exists()
    assert (out / "core" / "term" / "cmd_host.o").exists()
    auto = (out / "include" / "generated" / "autoconf.h").read_text()
    assert "CONFIG_CMD_DEVTREE" not in auto

    k = keel.start(smp=1, build=str(out))
    try:
        helped = k.cmd("help")
        assert "devtree" not in helped and "host" in helped
        assert "error: unknown command 'devtree'" in k.cmd("devtree print /")
    finally:
        k.close()
    shutil.rmtree(out)


def test_incremental_build_rebuilds_only_what_changed(tmp_path):
    out = tmp_path / "incr"
    make(f"O={out}", "qemu-virt_defconfig")
    make(f"O={out}")
    assert "CC" not in make(f"O={out}").stdout
    # A source file: just that object.
    os.utime(os.path.join(SRC, "core", "power.c"))
    compiled = re.findall(r"^\s+CC\s+(\S+)", make(f"O={out}").stdout, re.M)
    assert compiled == ["core/power.c"]
    # A header: exactly the objects that include it.
    os.utime(os.path.join(SRC, "include", "keel", "power.h"))
    compiled = set(re.findall(r"^\s+CC\s+(\S+)", make(f"O={out}").stdout, re.M))
    assert "core/power.c" in compiled and "core/term/cmd_power.c" in compiled
    assert "libs/printf.c" not in compiled
    # VERBOSE=y shows the compiler command lines.
    os.utime(os.path.join(SRC, "core", "power.c"))
    verbose = make(f"O={out}", "VERBOSE=y").stdout
    assert re.search(r"gcc .* -c \S*core/power.c", verbose)
    shutil.rmtree(out)
