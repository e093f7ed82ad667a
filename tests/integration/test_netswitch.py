# SPDX-License-Identifier: GPL-2.0
"""Network switches and the host's virtio NIC (issue 10): QEMU gives the
host a virtio-net device on its user network. Keel names it eth0, makes
it the uplink of the default switch sw0, and `netswitch arping` proves
both directions of the driver and the switch: an ARP request for QEMU's
gateway 10.0.2.2 leaves through eth0 and the gateway's reply comes back
through it. Without a NIC, sw0 exists without an uplink."""
import re

import pytest

import keel

# QEMU's virtio-mmio devices are legacy (version 1) unless told otherwise.
NIC = ["-global", "virtio-mmio.force-legacy=false",
       "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0"]
# QEMU's default NIC address, and its user network's gateway and DNS.
NIC_MAC = "52:54:00:12:34:56"
GATEWAY_MAC = "52:55:0a:00:02:02"
DNS_MAC = "52:55:0a:00:02:03"


@pytest.fixture(scope="module")
def keel_nic():
    k = keel.start(extra=NIC)
    yield k
    k.close()


def switch_row(k, name):
    """(ports, uplink, macs, flooded, forwarded, filtered) of one switch."""
    out = k.cmd("netswitch list")
    m = re.search(rf"^{name}\s+(\d+) (\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$",
                  out, re.M)
    assert m, out
    ports, uplink, *nums = m.groups()
    return (int(ports), uplink, *map(int, nums))


def port_row(k, switch, port):
    """(uplink, rx pkts, rx bytes, tx pkts, tx bytes, rx drop, tx drop)."""
    out = k.cmd(f"netswitch port list {switch}")
    m = re.search(rf"^{switch}\s+{re.escape(port)}\s+(yes|no)\s+"
                  r"(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", out, re.M)
    assert m, out
    return (m.group(1), *map(int, m.groups()[1:]))


def test_boot_names_eth0_and_its_switch(keel_nic):
    log = keel_nic.boot_log
    assert re.search(rf"virtio-net: eth0: {NIC_MAC}, \d+ receive and \d+ "
                     r"transmit buffers", log), log
    assert "netswitch: sw0, uplink eth0" in log, log


def test_list_shows_sw0_with_eth0_as_uplink(keel_nic):
    ports, uplink, *_ = switch_row(keel_nic, "sw0")
    assert (ports, uplink) == (1, "eth0")
    out = keel_nic.cmd("netswitch list")
    assert re.search(rf"^host interfaces:\neth0\s+{NIC_MAC}  uplink of sw0$",
                     out, re.M), out


def test_port_list_shows_eth0(keel_nic):
    assert port_row(keel_nic, "sw0", "eth0")[0] == "yes"
    out = keel_nic.cmd("netswitch port list")
    assert re.search(r"^SWITCH\s+PORT\s+UPLINK\s+RX-PKTS\s+RX-BYTES\s+TX-PKTS"
                     r"\s+TX-BYTES\s+RX-DROP\s+TX-DROP$", out, re.M), out
    assert re.search(r"^sw0\s+eth0\s+yes\s", out, re.M), out


def test_arping_through_the_uplink(keel_nic):
    k = keel_nic
    before = port_row(k, "sw0", "eth0")
    out = k.cmd("netswitch arping eth0 10.0.2.15 10.0.2.2")
    assert re.fullmatch(rf"10\.0\.2\.2 is at {GATEWAY_MAC} \(on sw0, \d+ us\)",
                        out), out
    # Named by switch too, and another address of QEMU's network.
    out = k.cmd("netswitch arping sw0 10.0.2.15 10.0.2.3")
    assert re.fullmatch(rf"10\.0\.2\.3 is at {DNS_MAC} \(on sw0, \d+ us\)",
                        out), out
    after = port_row(k, "sw0", "eth0")
    # eth0 got the requests to transmit and gave the switch the replies.
    assert after[1] >= before[1] + 2 and after[3] >= before[3] + 2, (before, after)
    assert after[2] >= before[2] + 2 * 60, (before, after)  # padded requests
    assert after[5:] == (0, 0), after
    ports, uplink, macs, flooded, forwarded, filtered = switch_row(k, "sw0")
    # The arping port is gone with its address; the replies' senders stay.
    assert ports == 1 and macs >= 2, (ports, macs)
    assert flooded >= 2 and forwarded >= 2, (flooded, forwarded)


def test_arping_without_reply_and_bad_input(keel_nic):
    k = keel_nic
    out = k.cmd("netswitch arping eth0 10.0.2.15 10.0.2.99")
    assert out == "error: no ARP reply from 10.0.2.99 on sw0 in 3 tries", out
    assert switch_row(k, "sw0")[0] == 1  # its port went all the same
    for cmd, msg in [
            ("netswitch arping eth0 10.0.2 10.0.2.2",
             "error: source address '10.0.2' is not a.b.c.d"),
            ("netswitch arping eth0 10.0.2.15 10.0.2.256",
             "error: target address '10.0.2.256' is not a.b.c.d"),
            ("netswitch arping eth5 10.0.2.15 10.0.2.2",
             "error: no switch or host interface eth5 (see 'netswitch list')")]:
        assert k.cmd(cmd) == msg, cmd


def test_create_and_destroy(keel_nic):
    k = keel_nic
    assert k.cmd("netswitch create lan-1") == "lan-1 created"
    assert switch_row(k, "lan-1") == (0, "-", 0, 0, 0, 0)
    assert k.cmd("netswitch port list lan-1").endswith("(no ports)")
    assert k.cmd("netswitch create lan-1") == \
        "error: switch lan-1 exists (see 'netswitch list')"
    # An arping on a switch without an uplink reaches nobody.
    assert k.cmd("netswitch arping lan-1 10.0.2.15 10.0.2.2") == \
        "error: no ARP reply from 10.0.2.2 on lan-1 in 3 tries"
    ports, uplink, macs, flooded, _, _ = switch_row(k, "lan-1")
    assert (ports, uplink, macs, flooded) == (0, "-", 0, 3)
    assert k.cmd("netswitch destroy lan-1") == "lan-1 destroyed"
    assert "lan-1" not in k.cmd("netswitch list")
    assert k.cmd("netswitch destroy lan-1") == \
        "error: no switch lan-1 (see 'netswitch list')"


def test_bad_input_is_refused_with_a_message(keel_nic):
    k = keel_nic
    for bad in ("bad/name", "0123456789abcdef", "a.b"):
        assert k.cmd(f"netswitch create {bad}") == (
            f"error: bad name '{bad}': 1 to 15 characters of A-Z, a-z, 0-9, "
            "'_' and '-'")
    assert k.cmd("netswitch destroy sw0") == (
        "error: sw0 has ports attached (see 'netswitch port list sw0'): "
        "destroy their guests first")
    assert switch_row(k, "sw0")[:2] == (1, "eth0")
    assert k.cmd("netswitch port list nosuch") == \
        "error: no switch nosuch (see 'netswitch list')"
    out = k.cmd("netswitch bogus")
    assert "error: unknown subcommand 'bogus'" in out and "usage: netswitch" in out
    assert "usage: netswitch list" in k.cmd("netswitch")
    assert "usage: netswitch list" in k.cmd("netswitch create")


def test_without_a_nic_sw0_has_no_uplink():
    k = keel.start()
    try:
        assert "netswitch: sw0, no uplink (no host network interface)" in \
            k.boot_log, k.boot_log
        assert switch_row(k, "sw0") == (0, "-", 0, 0, 0, 0)
        assert k.cmd("netswitch list").endswith("host interfaces:\n(none)")
        assert k.cmd("netswitch port list").endswith("(no ports)")
        assert k.cmd("netswitch arping eth0 10.0.2.15 10.0.2.2") == \
            "error: no switch or host interface eth0 (see 'netswitch list')"
    finally:
        k.close()
