# SPDX-License-Identifier: GPL-2.0
"""Guests' networks (issue 10). Two Debian Linux guests made in one line
each (`guest new ... net=sw0`) are ports of Keel's switch sw0, whose
uplink is the machine's NIC: QEMU's user network on a virtio-net device
that Keel's own driver runs (eth0).

- Each guest gets its address by DHCP from QEMU's user network, through
  the switch and the uplink, and fetches a file over HTTP from a server
  this test runs on the host's loopback (QEMU shows the host as
  10.0.2.2).
- Between the two guests: `ping -c 10` without loss, and 8 MiB through
  `nc` arrive with the checksum they left with; those frames stay in
  Keel (the uplink's counters do not grow by 8 MiB).
"""
import functools
import hashlib
import http.server
import os
import re
import threading
import time

import pytest

import keel
from machines import ARCH, machine

M = machine()
pytestmark = pytest.mark.skipif(
    not M.get("linux_guests"), reason="no Linux guest for this arch yet")

UART = M["guest_uart"]
GUESTS = ("net1", "net2")
NC_MIB = 8
HOST_NET = ["-global", "virtio-mmio.force-legacy=false",
            "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0"]


@pytest.fixture(scope="module")
def http_server(tmp_path_factory):
    """A file served over HTTP on the host's loopback: (port, its md5)."""
    root = tmp_path_factory.mktemp("www")
    blob = os.urandom(1 << 20)
    (root / "blob").write_bytes(blob)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(root))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hashlib.md5(blob).hexdigest()
    server.shutdown()


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    """Keel with a NIC and two Linux guests on sw0, both booted."""
    cache = keel.linux_payload(ARCH)
    bundle = keel.make_bundle(str(tmp_path_factory.mktemp("net") / "net.cpio"), [
        os.path.join(cache, "Image"), os.path.join(cache, "rootfs.cpio")])
    k = keel.start(smp=2, mem=1024, extra=["-initrd", bundle] + HOST_NET)
    try:
        for name in GUESTS:
            out = k.cmd(f'guest new {name} kernel=Image initrd=rootfs.cpio '
                        f'append="{keel.linux_bootargs()}" vcpus=1 mem=256M net=sw0')
            assert f"guest {name} created" in out, out
        for name in GUESTS:
            assert "started" in k.cmd(f"guest kick {name}")
        yield k
    finally:
        k.close()


def console(k, name):
    """Bind to name's UART once its init has said it is up."""
    for _ in range(300):
        if "linux guest up" in k.cmd(f"vserial dump {name}/{UART}"):
            break
        time.sleep(1)
    k.send_raw(f"vserial bind {name}/{UART}\r")
    k.child.expect_exact(f"connected to {name}/{UART}", timeout=30)
    return keel.linux_shell(k, "echo ok")


def leave(k):
    k.send_raw(keel.ESCAPE)
    k.wait_prompt()


def dhcp(k):
    # Kernel messages on the console would cut the shell's lines.
    keel.linux_shell(k, "dmesg -n 1")
    out = keel.linux_shell(
        k, "ip link set eth0 up; udhcpc -i eth0 -n -q -t 5 -s /bin/true 2>&1", timeout=120)
    lease = re.search(r"lease of (10\.0\.2\.\d+) obtained", out)
    assert lease, out
    ip = lease.group(1)
    keel.linux_shell(k, f"ip addr add {ip}/24 dev eth0; ip route add default via 10.0.2.2")
    return ip


@pytest.fixture(scope="module")
def addresses(k):
    ips = {}
    for name in GUESTS:
        console(k, name)
        ips[name] = dhcp(k)
        leave(k)
    return ips


def test_dhcp_and_http_through_the_uplink(k, addresses, http_server):
    port, want = http_server
    assert len(set(addresses.values())) == 2, addresses
    for name in GUESTS:
        console(k, name)
        out = keel.linux_shell(k, f"wget -q -O - http://10.0.2.2:{port}/blob | md5sum",
                               timeout=180)
        leave(k)
        assert re.search(rf"^{want}  -$", out, re.M), out
    out = k.cmd("netswitch port list sw0")
    for name in GUESTS:
        assert re.search(rf"^sw0\s+{name}/\S+", out, re.M), out
    assert re.search(r"^sw0\s+eth0\s+yes", out, re.M), out


def test_guest_to_guest(k, addresses):
    a, b = GUESTS
    console(k, b)
    # busybox nc ends a connection when its stdin ends: give it one that
    # lasts.
    keel.linux_shell(k, "(sleep 600 | nc -l -p 5000 >/received) >/dev/null 2>&1 & true")
    leave(k)
    console(k, a)
    out = keel.linux_shell(k, f"ping -c 10 -i 0.2 {addresses[b]}", timeout=120)
    assert re.search(r"10 packets transmitted, 10 packets received, 0% packet loss", out), out
    out = keel.linux_shell(
        k, f"dd if=/dev/urandom of=/sent bs=1M count={NC_MIB} 2>/dev/null; md5sum </sent; "
           f"nc {addresses[b]} 5000 </sent", timeout=300)
    sent = re.search(r"^([0-9a-f]{32})  -$", out, re.M)
    assert sent, out
    leave(k)
    console(k, b)
    out = keel.linux_shell(
        k, f"for i in $(seq 60); do [ $(wc -c </received) -ge {NC_MIB << 20} ] && break; "
           "sleep 1; done; wc -c </received; md5sum </received", timeout=120)
    leave(k)
    assert re.search(rf"^{NC_MIB << 20}$", out, re.M), out
    assert re.search(rf"^{sent.group(1)}  -$", out, re.M), out
    # Learned unicast between the guests stayed inside Keel.
    out = k.cmd("netswitch port list sw0")
    up = re.search(r"^sw0\s+eth0\s+yes\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", out, re.M)
    assert up, out
    assert int(up.group(2)) < NC_MIB << 20 and int(up.group(4)) < NC_MIB << 20, out
