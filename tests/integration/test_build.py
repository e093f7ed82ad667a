# SPDX-License-Identifier: GPL-2.0
"""The build: out-of-tree configurations, Kconfig options that remove code,
incremental rebuilds."""
import os
import re
import shutil
import subprocess
import tempfile
import zlib

import pytest

import keel
from machines import ARCH, BOARD

SRC = os.path.join(os.path.dirname(__file__), "..", "..")
# The trees here are configured for the board under test.
DEFCONFIG = f"{BOARD}_defconfig"


def make(*args, arch=ARCH, **kw):
    # Not the flags of a make that runs these tests (`make -s integration`
    # would hide the command lines VERBOSE=y is checked for).
    env = kw.pop("env", os.environ)
    env = {k: v for k, v in env.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(["make", "-C", SRC, f"ARCH={arch}", *args],
                          capture_output=True, text=True, check=True,
                          env=env, **kw)


# Kconfig and Makefile behaviour that is the same for every arch: make
# test checks it once, on the first of its arches (each such full build
# takes 20-40 s under TCG's neighbours); run alone, on any arch.
ONE_ARCH_ONLY = pytest.mark.skipif(
    os.environ.get("KEEL_TEST_ALL_ARCHES") == "1" and ARCH != "arm64",
    reason="arch-independent: make test runs it on arm64")


@ONE_ARCH_ONLY
def test_disabled_command_is_absent(tmp_path):
    out = tmp_path / "nodevtree"
    make(f"O={out}", DEFCONFIG)
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


@ONE_ARCH_ONLY
def test_incremental_build_rebuilds_only_what_changed(tmp_path):
    out = tmp_path / "incr"
    make(f"O={out}", DEFCONFIG)
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


# ---- host tools and boards ----

def fake_host_without(tmp_path, package):
    """PATH where dpkg-query reports `package` missing, and apt-get and sudo
    only record that they were called (in tmp_path/installed)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "installed"
    (bin_dir / "dpkg-query").write_text(
        "#!/bin/sh\nfor a; do p=$a; done\n"
        f'[ "$p" = {package} ] && {{ echo "unknown ok not-installed"; exit 0; }}\n'
        'exec /usr/bin/dpkg-query "$@"\n')
    (bin_dir / "apt-get").write_text(f'#!/bin/sh\necho "$@" >>{log}\n')
    (bin_dir / "sudo").write_text('#!/bin/sh\nexec "$@"\n')
    for f in bin_dir.iterdir():
        f.chmod(0o755)
    return dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}"), log


@pytest.mark.parametrize("goal", [DEFCONFIG, "all", "menuconfig"])
def test_build_and_configure_never_install(goal, tmp_path):
    # Configuring and building check the host tools and stop, naming what
    # is missing and `make host-tools`; only run, test, bench and
    # host-tools install.
    env, log = fake_host_without(tmp_path, "device-tree-compiler")
    r = subprocess.run(["make", "-C", SRC, f"ARCH={ARCH}", f"O={tmp_path / 'b'}", goal],
                       capture_output=True, text=True, env=env)
    assert r.returncode != 0
    assert "missing: device-tree-compiler" in r.stderr, r.stderr
    assert "`make host-tools` installs them" in r.stderr, r.stderr
    assert not log.exists(), "apt-get ran: " + log.read_text()


def test_host_tools_installs(tmp_path):
    env, log = fake_host_without(tmp_path, "device-tree-compiler")
    make(f"O={tmp_path / 'b'}", "host-tools", env=env)
    assert "install -y -q --no-install-recommends device-tree-compiler" in log.read_text()


def test_board_is_configured(tmp_path):
    out = tmp_path / "b"
    make(f"O={out}", DEFCONFIG)
    assert f'CONFIG_BOARD="{BOARD}"' in (out / ".config").read_text()
    r = subprocess.run(["make", "-C", SRC, f"ARCH={ARCH}", f"O={out}", "nosuch_defconfig"],
                       capture_output=True, text=True)
    assert r.returncode != 0
    assert f'no board "nosuch" for {ARCH}: no boards/{ARCH}/nosuch/defconfig' in r.stdout
    # A board that has no directory (any more) is refused by name.
    subprocess.run(["kconfig-tweak", "--file", str(out / ".config"),
                    "--set-str", "BOARD", "gone"], check=True)
    r = subprocess.run(["make", "-C", SRC, f"ARCH={ARCH}", f"O={out}"],
                       capture_output=True, text=True)
    assert r.returncode != 0
    assert f'no board "gone" for {ARCH}: no boards/{ARCH}/gone/board.mk' in r.stderr


# ---- every option off, one at a time: the configuration still links ----

CC_CACHE = os.path.join(SRC, "tools", "cc-cache.py")
# The arches make test builds (the Makefile's TEST_ARCHES).
TEST_ARCHES = ("arm64", "riscv64", "x86_64")


def kconfig_prompted_bools(arch=ARCH):
    """Every bool symbol with a prompt (what menuconfig offers) in the
    Kconfig tree for this arch: `config`/`menuconfig` entries whose type
    line carries a prompt, or that have a `prompt` line."""
    symbols = set()
    srcarch = "riscv" if arch == "riscv64" else arch

    def parse(path):
        sym, is_bool = None, False
        with open(os.path.join(SRC, path)) as f:
            for raw in f:
                words = raw.strip().split(None, 1)
                if not words or words[0].startswith("#"):
                    continue
                if words[0] in ("config", "menuconfig"):
                    sym, is_bool = words[1], False
                elif words[0] == "source":
                    sym = None
                    parse(words[1].strip('"').replace("$SRCARCH", srcarch))
                elif words[0] in ("menu", "endmenu", "if", "endif", "choice",
                                  "endchoice", "comment", "mainmenu"):
                    sym = None
                elif sym and words[0] in ("bool", "def_bool"):
                    is_bool = words[0] == "bool"
                    if is_bool and len(words) > 1 and words[1].startswith('"'):
                        symbols.add(sym)
                elif sym and is_bool and words[0] == "prompt":
                    symbols.add(sym)

    parse("Kconfig")
    return symbols


def arch_defconfig(arch):
    """This board's defconfig for this arch; another arch's default board's
    (qemu-virt, or its only board), as the Makefile picks it."""
    if arch == ARCH:
        return DEFCONFIG
    boards = sorted(os.listdir(os.path.join(SRC, "boards", arch)))
    return ("qemu-virt" if "qemu-virt" in boards else boards[0]) + "_defconfig"


def defconfig_options(arch=ARCH):
    """The user-visible bool options the defconfig has on."""
    with tempfile.TemporaryDirectory(prefix="keel-defconfig-") as d:
        make(f"O={d}", arch_defconfig(arch), arch=arch)
        with open(os.path.join(d, ".config")) as f:
            on = set(re.findall(r"^CONFIG_(\w+)=y$", f.read(), re.M))
    return sorted(on & kconfig_prompted_bools(arch))


def options_built_here():
    """The options this arch's run turns off. One that every arch's
    defconfig has (core, drivers, emulators) is built on one arch only,
    picked by its name's CRC, so that make test, which runs every arch,
    links each configuration once: each such build takes 10-15 s under
    TCG's neighbours, and building all of them on both arches cost a
    third of make test. Options of this arch alone are all built here."""
    if ARCH not in TEST_ARCHES:
        return OPTIONS
    common = set(OPTIONS)
    for other in TEST_ARCHES:
        if other != ARCH:
            common &= set(defconfig_options(other))
    return [o for o in OPTIONS if o not in common or
            TEST_ARCHES[zlib.crc32(o.encode()) % len(TEST_ARCHES)] == ARCH]


OPTIONS = defconfig_options()
OPTIONS_HERE = options_built_here()


def build_elf(out, cache):
    """Configure nothing, just build keel.elf in out through the cache."""
    env = dict(os.environ, KEEL_CC_CACHE=str(cache), KEEL_CC_CACHE_BUILD=str(out))
    return subprocess.run(["make", "-C", SRC, f"ARCH={ARCH}", f"O={out}", "-j2",
                           f"CC_WRAPPER={CC_CACHE}", f"{out}/keel.elf"],
                          capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def defconfig_build(tmp_path_factory):
    """The defconfig's .config, and an object cache its build warmed."""
    cache = tmp_path_factory.mktemp("cc-cache")
    out = tmp_path_factory.mktemp("defconfig")
    make(f"O={out}", DEFCONFIG)
    r = build_elf(out, cache)
    assert r.returncode == 0, r.stdout + r.stderr
    config = (out / ".config").read_text()
    shutil.rmtree(out)
    return config, cache


def test_options_are_found():
    # What the parser must see: options of core, drivers and emulators,
    # and not the symbols without a prompt (selected or def_bool).
    want = {"arm64": {"EMU_VGIC_V3", "EMU_VGIC_V2", "IRQCHIP_GICV2"},
            "riscv64": {"RISCV_SV48", "IRQCHIP_PLIC", "EMU_PLIC"},
            "x86_64": {"IRQCHIP_X86_APIC", "TIMER_X86_TSC",
                       "FIRMWARE_X86_ACPI_PM"}}[ARCH]
    assert {"TERMINAL", "CMD_DEVTREE", "DEBUG_HEAP", "EMU_ZERO"} | want <= set(OPTIONS)
    assert not {"EMU_VGIC", "ARCH_HAS_GIC", "LIB_FDT", "ARCH_ARM64",
                "ARCH_RISCV", "ARCH_X86_64",
                "SERIAL_NS16550_PORT_IO"} & set(OPTIONS)


# Options off together that the one-at-a-time runs would miss: every
# front end of an emulator the arch code drives.
COMBINATIONS = {"arm64": [("EMU_VGIC_V3", "EMU_VGIC_V2")]}.get(ARCH, [])


@pytest.mark.parametrize("options", [(o,) for o in OPTIONS_HERE] + COMBINATIONS,
                         ids="+".join)
def test_defconfig_without_option_links(options, defconfig_build, tmp_path):
    config, cache = defconfig_build
    out = tmp_path / "b"
    out.mkdir()
    (out / ".config").write_text(config)
    for option in options:
        subprocess.run(["kconfig-tweak", "--file", str(out / ".config"),
                        "--disable", option], check=True)
    make(f"O={out}", "olddefconfig")
    config = (out / ".config").read_text()
    for option in options:
        assert f"# CONFIG_{option} is not set" in config, \
            f"CONFIG_{option} stays on after turning it off (selected by another option?)"
    r = build_elf(out, cache)
    errors = [ln for ln in (r.stdout + r.stderr).splitlines()
              if "error:" in ln or "undefined reference" in ln]
    assert r.returncode == 0, \
        f"{' '.join(options)} off: keel.elf does not build:\n" + "\n".join(errors)
    assert (out / "keel.elf").stat().st_size > 0
    shutil.rmtree(out)
