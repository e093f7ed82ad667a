// SPDX-License-Identifier: GPL-2.0
/*
 * core/netswitch.c through keel/netswitch.h: switches by name, ports
 * with the test's deliver (which records what it was given and can
 * refuse), learning, forwarding, flooding of unknown, broadcast and
 * multicast destinations, filtering, stations that move, detach
 * forgetting addresses and ending deliveries, malformed frames, the
 * one uplink, counters and snapshots, a full address table and aging,
 * and the host interface registry with the boot-time default switch.
 * The clock is a fake below, the mutex the tests' (host/fake_mutex.h);
 * the host build's spinlocks abort when taken twice, so a deliver under
 * the lock that came back into the switch would be caught.
 */
#include "unit.h"
#include <string.h>

#include <keel/errno.h>
#include <keel/mutex.h>
#include <keel/netswitch.h>
#include <keel/sched.h>
#include <keel/timer.h>

#include "host/fake_mutex.h"

extern unsigned int host_printk_count;
extern char host_printk_last[512];

/* ---- what netswitch.c needs from the rest of Keel ---- */

static u64 now_ns = 1000;

u64 timer_now_ns(void)
{
	return now_ns;
}

const char *error_name(int err)
{
	return err ? "E(error)" : "OK";
}

/* ---- test ports ---- */

struct tport {
	struct netswitch_port port;
	int refuse; /* deliver's answer */
	unsigned int got; /* frames delivered */
	size_t last_len;
	u8 last[NETSWITCH_FRAME_MAX];
};

static int tport_deliver(struct netswitch_port *port, const void *frame,
			 size_t len)
{
	struct tport *t = port->priv;

	CHECK(port->sw != NULL); /* never after detach */
	if (t->refuse)
		return t->refuse;
	t->got++;
	t->last_len = len;
	memcpy(t->last, frame, len);
	return 0;
}

static const struct netswitch_port_ops tport_ops = {
	.deliver = tport_deliver,
};

static void tport_init(struct tport *t, const char *name, bool uplink)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->port.name, name);
	t->port.ops = &tport_ops;
	t->port.priv = t;
	t->port.uplink = uplink;
}

static void attach(const char *sw, struct tport *t, const char *name)
{
	tport_init(t, name, false);
	CHECK_EQ(netswitch_port_attach(sw, &t->port), 0);
}

/* Station addresses: locally administered unicast 02:00:00:00:xx:yy. */
static void station(u8 *mac, unsigned int n)
{
	const u8 m[ETH_ALEN] = { 0x02, 0, 0, 0, (u8)(n >> 8), (u8)n };

	memcpy(mac, m, ETH_ALEN);
}

static const u8 broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 multicast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

/* A frame of len bytes from src to dst; the payload says which. */
static size_t frame(u8 *f, const u8 *dst, const u8 *src, size_t len)
{
	memset(f, 0, len);
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, src, ETH_ALEN);
	f[12] = 0x08; /* IPv4, though nothing looks */
	for (size_t i = ETH_HLEN; i < len; i++)
		f[i] = (u8)i;
	return len;
}

static void send_from(struct tport *t, unsigned int src, const u8 *dst,
		      size_t len)
{
	u8 f[NETSWITCH_FRAME_MAX], s[ETH_ALEN];

	station(s, src);
	netswitch_port_send(&t->port, f, frame(f, dst, s, len));
}

static void send_to(struct tport *t, unsigned int src, unsigned int dst)
{
	u8 d[ETH_ALEN];

	station(d, dst);
	send_from(t, src, d, 60);
}

static struct netswitch_info info_of(const char *name)
{
	struct netswitch_info info[8];
	unsigned int n = netswitch_snapshot(info, 8);

	for (unsigned int i = 0; i < n && i < 8; i++)
		if (!strcmp(info[i].name, name))
			return info[i];
	CHECK(!"switch not in the snapshot");
	return (struct netswitch_info){ 0 };
}

/* ---- tests ---- */

UNIT_TEST(switch_names)
{
	CHECK_EQ(netswitch_create(""), -EINVAL);
	CHECK_EQ(netswitch_create("0123456789abcdef"), -EINVAL); /* 16 */
	CHECK_EQ(netswitch_create("a b"), -EINVAL);
	CHECK_EQ(netswitch_create("sw/1"), -EINVAL);
	CHECK_EQ(netswitch_create("sw.1"), -EINVAL);
	CHECK(!netswitch_exists("Lan_0-x12345678"));
	CHECK_EQ(netswitch_create("Lan_0-x12345678"), 0); /* 15 */
	CHECK(netswitch_exists("Lan_0-x12345678"));
	CHECK_EQ(netswitch_create("Lan_0-x12345678"), -EEXIST);
	CHECK_EQ(netswitch_destroy("Lan_0-x12345678"), 0);
	CHECK(!netswitch_exists("Lan_0-x12345678"));
	CHECK_EQ(netswitch_destroy("Lan_0-x12345678"), -ENOENT);
	CHECK_EQ(netswitch_snapshot(NULL, 0), 0);
}

UNIT_TEST(learning_flooding_forwarding)
{
	struct tport a, b, c;
	struct netswitch_info info;

	CHECK_EQ(netswitch_create("learn"), 0);
	attach("learn", &a, "g1/net");
	attach("learn", &b, "g2/net");
	attach("learn", &c, "g3/net");

	/* 1 -> 2: nobody knows 2 yet, so every other port gets it. */
	send_to(&a, 1, 2);
	CHECK_EQ(a.got, 0);
	CHECK_EQ(b.got, 1);
	CHECK_EQ(c.got, 1);
	CHECK_EQ(b.last_len, 60);
	CHECK_EQ(b.last[ETH_ALEN + 5], 1); /* the frame as sent */
	CHECK_EQ(b.last[59], 59);
	/* 2 -> 1: 1 was learned on a. */
	send_to(&b, 2, 1);
	CHECK_EQ(a.got, 1);
	CHECK_EQ(c.got, 1);
	/* 1 -> 2 again: now only b. */
	send_to(&a, 1, 2);
	CHECK_EQ(b.got, 2);
	CHECK_EQ(c.got, 1);

	info = info_of("learn");
	CHECK_EQ(info.nr_ports, 3);
	CHECK_EQ(info.macs_learned, 2);
	CHECK_EQ(info.flooded, 1);
	CHECK_EQ(info.forwarded, 2);
	CHECK_EQ(info.filtered, 0);
	CHECK_EQ(info.uplink[0], 0);

	/* Station 1 moves to c: frames for it follow. */
	send_to(&c, 1, 2);
	CHECK_EQ(b.got, 3);
	send_to(&b, 2, 1);
	CHECK_EQ(c.got, 1 + 1);
	CHECK_EQ(a.got, 1);
	CHECK_EQ(info_of("learn").macs_learned, 2);

	netswitch_port_detach(&a.port);
	netswitch_port_detach(&b.port);
	netswitch_port_detach(&c.port);
	CHECK_EQ(netswitch_destroy("learn"), 0);
}

UNIT_TEST(broadcast_and_multicast_flood)
{
	struct tport a, b, c;
	u8 f[64], s[ETH_ALEN];

	CHECK_EQ(netswitch_create("bcast"), 0);
	attach("bcast", &a, "a");
	attach("bcast", &b, "b");
	attach("bcast", &c, "c");
	send_to(&b, 2, 1); /* b's station is known */
	send_to(&c, 3, 1);
	b.got = c.got = a.got = 0;

	send_from(&a, 1, broadcast, 60);
	CHECK_EQ(a.got, 0);
	CHECK_EQ(b.got, 1);
	CHECK_EQ(c.got, 1);
	send_from(&a, 1, multicast, 60);
	CHECK_EQ(b.got, 2);
	CHECK_EQ(c.got, 2);
	CHECK_EQ(info_of("bcast").flooded, 2 + 2);

	/* A group source address is never learned. */
	netswitch_port_send(&b.port, f, frame(f, broadcast, multicast, 60));
	CHECK_EQ(info_of("bcast").macs_learned, 3);
	send_from(&a, 1, multicast, 60);
	CHECK_EQ(b.got, 3); /* flooded, not sent to b alone */
	CHECK_EQ(c.got, 4);

	/* A lone port's flood reaches nobody, and says so. */
	netswitch_port_detach(&b.port);
	netswitch_port_detach(&c.port);
	station(s, 1);
	netswitch_port_send(&a.port, f, frame(f, broadcast, s, 60));
	CHECK_EQ(a.got, 1); /* b's group-sourced broadcast only */
	netswitch_port_detach(&a.port);
	CHECK_EQ(netswitch_destroy("bcast"), 0);
}

UNIT_TEST(destination_on_source_port_is_filtered)
{
	struct tport up, g;
	struct netswitch_info info;

	CHECK_EQ(netswitch_create("filter"), 0);
	attach("filter", &up, "eth9");
	attach("filter", &g, "g/net");
	/* Two stations behind up (the outside network). */
	send_to(&up, 10, 11);
	send_to(&up, 11, 10);
	CHECK_EQ(g.got, 1); /* the first flooded; the second filtered */
	info = info_of("filter");
	CHECK_EQ(info.filtered, 1);
	CHECK_EQ(info.flooded, 1);
	CHECK_EQ(up.got, 0);
	/* The sender still counts what it sent. */
	CHECK_EQ(up.port.stats.tx_packets, 2);
	netswitch_port_detach(&up.port);
	netswitch_port_detach(&g.port);
	CHECK_EQ(netswitch_destroy("filter"), 0);
}

UNIT_TEST(detach_forgets_and_stops_delivery)
{
	struct tport a, b, c;

	CHECK_EQ(netswitch_create("detach"), 0);
	attach("detach", &a, "a");
	attach("detach", &b, "b");
	attach("detach", &c, "c");
	send_to(&a, 1, 9);
	send_to(&a, 4, 9);
	send_to(&b, 2, 9);
	CHECK_EQ(info_of("detach").macs_learned, 3);
	netswitch_port_detach(&a.port);
	CHECK(a.port.sw == NULL);
	CHECK_EQ(info_of("detach").macs_learned, 1);
	CHECK_EQ(info_of("detach").nr_ports, 2);
	a.got = 0;
	/* Station 1 is unknown again: flooded to c, never to a. */
	c.got = 0;
	send_to(&b, 2, 1);
	CHECK_EQ(c.got, 1);
	CHECK_EQ(a.got, 0);
	/* A detached port's frames go nowhere and count nowhere. */
	b.got = 0;
	send_to(&a, 1, 2);
	CHECK_EQ(b.got, 0);
	CHECK_EQ(a.port.stats.tx_packets, 2);
	/* Detaching twice is harmless; attaching again starts afresh. */
	netswitch_port_detach(&a.port);
	CHECK_EQ(netswitch_port_attach("detach", &a.port), 0);
	CHECK_EQ(a.port.stats.tx_packets, 0);
	send_to(&b, 2, 1);
	CHECK_EQ(a.got, 1);
	netswitch_port_detach(&a.port);
	netswitch_port_detach(&b.port);
	netswitch_port_detach(&c.port);
	CHECK_EQ(netswitch_destroy("detach"), 0);
}

UNIT_TEST(malformed_frames_dropped_and_counted)
{
	struct tport a, b;
	u8 big[NETSWITCH_FRAME_MAX + 1] = { 0 };

	CHECK_EQ(netswitch_create("malformed"), 0);
	attach("malformed", &a, "a");
	attach("malformed", &b, "b");
	netswitch_port_send(&a.port, big, ETH_HLEN - 1);
	netswitch_port_send(&a.port, big, 0);
	netswitch_port_send(&a.port, big, sizeof(big));
	CHECK_EQ(b.got, 0);
	CHECK_EQ(a.port.stats.tx_dropped, 3);
	CHECK_EQ(a.port.stats.tx_packets, 0);
	CHECK_EQ(info_of("malformed").macs_learned, 0);
	CHECK_EQ(info_of("malformed").flooded, 0);
	/* The limits themselves are frames. */
	send_from(&a, 1, broadcast, ETH_HLEN);
	send_from(&a, 1, broadcast, NETSWITCH_FRAME_MAX);
	CHECK_EQ(b.got, 2);
	CHECK_EQ(b.last_len, NETSWITCH_FRAME_MAX);
	CHECK_EQ(a.port.stats.tx_packets, 2);
	CHECK_EQ(a.port.stats.tx_bytes, ETH_HLEN + NETSWITCH_FRAME_MAX);
	netswitch_port_detach(&a.port);
	netswitch_port_detach(&b.port);
	CHECK_EQ(netswitch_destroy("malformed"), 0);
}

UNIT_TEST(attach_refusals_and_one_uplink)
{
	struct tport u1, u2, p, q;
	static const struct netswitch_port_ops no_deliver = { 0 };

	CHECK_EQ(netswitch_create("attach"), 0);
	tport_init(&u1, "eth7", true);
	tport_init(&u2, "eth8", true);
	CHECK_EQ(netswitch_port_attach("nosuch", &u1.port), -ENOENT);
	CHECK_EQ(netswitch_port_attach("attach", &u1.port), 0);
	CHECK_EQ(netswitch_port_attach("attach", &u2.port), -EEXIST);
	CHECK_EQ(netswitch_port_attach("attach", &u1.port), -EINVAL);
	CHECK_EQ(strcmp(info_of("attach").uplink, "eth7"), 0);
	netswitch_port_detach(&u1.port);
	CHECK_EQ(info_of("attach").uplink[0], 0);
	CHECK_EQ(netswitch_port_attach("attach", &u2.port), 0);
	CHECK_EQ(strcmp(info_of("attach").uplink, "eth8"), 0);

	tport_init(&p, "g/net", false);
	tport_init(&q, "g/net", false);
	CHECK_EQ(netswitch_port_attach("attach", &p.port), 0);
	CHECK_EQ(netswitch_port_attach("attach", &q.port), -EEXIST);
	tport_init(&q, "", false);
	CHECK_EQ(netswitch_port_attach("attach", &q.port), -EINVAL);
	tport_init(&q, "x", false);
	memset(q.port.name, 'x', sizeof(q.port.name)); /* unterminated */
	CHECK_EQ(netswitch_port_attach("attach", &q.port), -EINVAL);
	tport_init(&q, "h/net", false);
	q.port.ops = &no_deliver;
	CHECK_EQ(netswitch_port_attach("attach", &q.port), -EINVAL);
	q.port.ops = NULL;
	CHECK_EQ(netswitch_port_attach("attach", &q.port), -EINVAL);
	CHECK_EQ(info_of("attach").nr_ports, 2);

	/* Destroy waits for its ports to go. */
	CHECK_EQ(netswitch_destroy("attach"), -EBUSY);
	CHECK(netswitch_exists("attach"));
	netswitch_port_detach(&p.port);
	CHECK_EQ(netswitch_destroy("attach"), -EBUSY);
	netswitch_port_detach(&u2.port);
	CHECK_EQ(netswitch_destroy("attach"), 0);
}

UNIT_TEST(counters_and_port_snapshot)
{
	struct netswitch_port_info pi[4];
	struct tport a, b, c;

	CHECK_EQ(netswitch_create("count"), 0);
	CHECK_EQ(netswitch_create("count2"), 0);
	attach("count", &a, "a");
	attach("count", &b, "b");
	attach("count2", &c, "c");
	b.refuse = -ENOSPC;
	send_from(&a, 1, broadcast, 100); /* b refuses */
	b.refuse = 0;
	send_from(&a, 1, broadcast, 200);
	send_to(&b, 2, 1);
	send_to(&b, 2, 1);
	CHECK_EQ(a.port.stats.tx_packets, 2);
	CHECK_EQ(a.port.stats.tx_bytes, 300);
	CHECK_EQ(a.port.stats.rx_packets, 2);
	CHECK_EQ(a.port.stats.rx_bytes, 120);
	CHECK_EQ(a.port.stats.rx_dropped, 0);
	CHECK_EQ(b.port.stats.rx_packets, 1);
	CHECK_EQ(b.port.stats.rx_bytes, 200);
	CHECK_EQ(b.port.stats.rx_dropped, 1);
	CHECK_EQ(b.port.stats.tx_packets, 2);

	CHECK_EQ(netswitch_port_snapshot("count", pi, 4), 2);
	CHECK_EQ(strcmp(pi[0].switch_name, "count"), 0);
	CHECK_EQ(strcmp(pi[0].name, "a"), 0);
	CHECK(!pi[0].uplink);
	CHECK_EQ(pi[1].stats.rx_dropped, 1);
	CHECK_EQ(pi[1].stats.rx_bytes, 200);
	CHECK_EQ(netswitch_port_snapshot(NULL, pi, 4), 3);
	CHECK_EQ(strcmp(pi[2].switch_name, "count2"), 0);
	CHECK_EQ(strcmp(pi[2].name, "c"), 0);
	/* Fewer slots than ports: the count says how many there are. */
	memset(pi, 0x5a, sizeof(pi));
	CHECK_EQ(netswitch_port_snapshot(NULL, pi, 1), 3);
	CHECK_EQ(strcmp(pi[0].name, "a"), 0);
	CHECK_EQ(pi[1].name[0], 0x5a);
	CHECK_EQ(netswitch_port_snapshot(NULL, NULL, 0), 3);
	CHECK_EQ(netswitch_port_snapshot("nosuch", pi, 4), 0);
	CHECK_EQ(netswitch_snapshot(NULL, 0), 2);

	netswitch_port_detach(&a.port);
	netswitch_port_detach(&b.port);
	netswitch_port_detach(&c.port);
	CHECK_EQ(netswitch_destroy("count"), 0);
	CHECK_EQ(netswitch_destroy("count2"), 0);
}

UNIT_TEST(full_table_forgets_the_oldest)
{
	struct tport a, b;
	unsigned int extra = 10;

	CHECK_EQ(netswitch_create("full"), 0);
	attach("full", &a, "a");
	attach("full", &b, "b");
	for (unsigned int i = 0; i < NETSWITCH_MACS_MAX + extra; i++) {
		now_ns += 1000;
		send_from(&a, 1000 + i, broadcast, 60);
	}
	CHECK_EQ(info_of("full").macs_learned, NETSWITCH_MACS_MAX);
	b.got = 0;
	/* The first ones were evicted: frames for them flood... */
	send_to(&b, 1, 1000);
	CHECK_EQ(a.got, 1);
	CHECK_EQ(info_of("full").flooded, NETSWITCH_MACS_MAX + extra + 1);
	/* ...the newest ones are still known. */
	send_to(&b, 1, 1000 + NETSWITCH_MACS_MAX + extra - 1);
	CHECK_EQ(a.got, 2);
	CHECK_EQ(info_of("full").forwarded, 1);
	/* b's own station took one slot: still bounded. */
	CHECK_EQ(info_of("full").macs_learned, NETSWITCH_MACS_MAX);

	/* Refreshing an address keeps it when the table turns over. */
	now_ns += 1000;
	send_from(&a, 1000 + extra + 1, broadcast, 60);
	for (unsigned int i = 0; i < NETSWITCH_MACS_MAX - 2; i++) {
		now_ns += 1000;
		send_from(&a, 5000 + i, broadcast, 60);
	}
	send_to(&b, 1, 1000 + extra + 1);
	CHECK_EQ(info_of("full").forwarded, 2);

	netswitch_port_detach(&a.port);
	CHECK_EQ(info_of("full").macs_learned, 1);
	netswitch_port_detach(&b.port);
	CHECK_EQ(netswitch_destroy("full"), 0);
}

UNIT_TEST(addresses_age_out)
{
	struct tport a, b;

	CHECK_EQ(netswitch_create("aging"), 0);
	attach("aging", &a, "a");
	attach("aging", &b, "b");
	send_to(&a, 1, 2);
	send_to(&b, 2, 1);
	CHECK_EQ(info_of("aging").macs_learned, 2);
	CHECK_EQ(info_of("aging").forwarded, 1);
	now_ns += (u64)(NETSWITCH_AGING_S - 1) * NSEC_PER_SEC;
	send_to(&b, 2, 1); /* 1 is still fresh; 2 refreshed */
	CHECK_EQ(info_of("aging").forwarded, 2);
	now_ns += 2 * NSEC_PER_SEC;
	CHECK_EQ(info_of("aging").macs_learned, 1); /* 1 aged out */
	a.got = 0;
	send_to(&b, 2, 1);
	CHECK_EQ(info_of("aging").flooded, 2);
	CHECK_EQ(a.got, 1);
	send_to(&a, 1, 2); /* heard again: known again */
	send_to(&b, 2, 1);
	CHECK_EQ(info_of("aging").forwarded, 4);
	netswitch_port_detach(&a.port);
	netswitch_port_detach(&b.port);
	CHECK_EQ(netswitch_destroy("aging"), 0);
}

static int collect_names(struct host_netif *nif, void *arg)
{
	strcat(arg, nif->name);
	strcat(arg, " ");
	return 0;
}

static int deliver_to_nic(struct netswitch_port *port, const void *frame,
			  size_t len)
{
	(*(unsigned int *)port->priv)++;
	return 0;
}

static const struct netswitch_port_ops nic_ops = {
	.deliver = deliver_to_nic,
};

UNIT_TEST(host_interfaces_and_default_switch)
{
	static struct host_netif e0, e1;
	unsigned int sent0 = 0, sent1 = 0;
	char names[64] = "";
	struct tport g;

	/* Without host interfaces there is a switch and no uplink... */
	netswitch_init();
	CHECK(strstr(host_printk_last, "sw0, no uplink") != NULL);
	CHECK(netswitch_exists(NETSWITCH_DEFAULT));
	CHECK_EQ(info_of(NETSWITCH_DEFAULT).uplink[0], 0);
	CHECK_EQ(netswitch_destroy(NETSWITCH_DEFAULT), 0);

	e0.port.ops = &nic_ops;
	e0.port.priv = &sent0;
	e1.port.ops = &nic_ops;
	e1.port.priv = &sent1;
	CHECK_EQ(host_netif_register(&e0), 0);
	CHECK_EQ(host_netif_register(&e1), 0);
	CHECK_EQ(strcmp(e0.name, "eth0"), 0);
	CHECK_EQ(strcmp(e1.name, "eth1"), 0);
	CHECK_EQ(strcmp(e1.port.name, "eth1"), 0);
	CHECK(e0.port.uplink && e1.port.uplink);
	CHECK(host_netif_find("eth1") == &e1);
	CHECK(host_netif_find("eth2") == NULL);
	host_netif_for_each(collect_names, names);
	CHECK_EQ(strcmp(names, "eth0 eth1 "), 0);

	/* ...and with them, the first is sw0's uplink. */
	netswitch_init();
	CHECK(strstr(host_printk_last, "sw0, uplink eth0") != NULL);
	CHECK_EQ(strcmp(info_of(NETSWITCH_DEFAULT).uplink, "eth0"), 0);
	CHECK(e1.port.sw == NULL);
	attach(NETSWITCH_DEFAULT, &g, "g/net");
	send_from(&g, 1, broadcast, 60);
	CHECK_EQ(sent0, 1);
	CHECK_EQ(sent1, 0);
	/* The outside answers through the uplink. */
	{
		u8 f[60], s[ETH_ALEN], d[ETH_ALEN];

		station(s, 77);
		station(d, 1);
		netswitch_port_send(&e0.port, f, frame(f, d, s, 60));
		CHECK_EQ(g.got, 1);
	}
	/* A second init finds sw0 there and says so. */
	netswitch_init();
	CHECK(strstr(host_printk_last, "sw0 not created") != NULL);

	netswitch_port_detach(&g.port);
	netswitch_port_detach(&e0.port);
	CHECK_EQ(netswitch_destroy(NETSWITCH_DEFAULT), 0);
}

UNIT_MAIN();
