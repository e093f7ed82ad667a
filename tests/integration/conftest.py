# SPDX-License-Identifier: GPL-2.0
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import keel  # noqa: E402
from machines import machine  # noqa: E402

# Modules that run the basic firmware and Linux guests, left out where
# those do not run yet (machines.py "guests": False); the rest runs there
# as everywhere.
GUEST_MODULES = [
    "test_bad_blobs.py", "test_bench_smoke.py", "test_scale_bench.py", "test_directed_yield.py", "test_firmware_bare.py",
    "test_guest_new.py", "test_guests.py", "test_host_disk.py",
    "test_icount_console.py", "test_isolation.py", "test_lazy_state.py",
    "test_linux.py", "test_linux_net.py", "test_sbi_conformance.py",
    "test_timer_limits.py", "test_virtio_firmware.py",
]
# Modules that give Keel host virtio-mmio devices, left out on a machine
# without a virtio-mmio bus (q35: virtio there is PCI, which Keel does not
# drive yet).
HOST_VIRTIO_MMIO_MODULES = ["test_host_virtio.py", "test_netswitch.py"]
collect_ignore = [] if machine()["guests"] else GUEST_MODULES
# Where guests run, the modules that need what this machine's guests do
# not have yet (machines.py "guest_modules_not_yet", with the reason).
collect_ignore += [m for m in machine().get("guest_modules_not_yet", {})
                   if m not in collect_ignore]
if not machine().get("host_virtio_mmio", True):
    collect_ignore += HOST_VIRTIO_MMIO_MODULES


@pytest.fixture(scope="module")
def keel_smp4():
    """One Keel on 4 CPUs shared by a module's read-only command tests."""
    k = keel.start(smp=4, mem=512)
    yield k
    k.close()
