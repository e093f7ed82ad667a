// SPDX-License-Identifier: GPL-2.0
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/netswitch.h>
#include <keel/printf.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/terminal.h>
#include <keel/timer.h>

/* Room for a few more than counted: entries may come meanwhile. */
#define SNAPSHOT_SLACK 4

#define LIST_FORMAT "%-15s %5s %-15s %6s %10s %10s %10s\n"
#define PORT_FORMAT "%-15s %-24s %-6s %10s %12s %10s %12s %8s %8s\n"

static void print_mac(char *buf, size_t size, const u8 *mac)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

static const char *switch_of(const char *port_name, char *buf, size_t size)
{
	unsigned int n =
		netswitch_port_snapshot(NULL, NULL, 0) + SNAPSHOT_SLACK;
	struct netswitch_port_info *info = keel_calloc(n, sizeof(*info));
	const char *found = NULL;

	if (!info)
		return NULL;
	n = MIN(n, netswitch_port_snapshot(NULL, info, n));
	for (unsigned int i = 0; i < n && !found; i++) {
		if (!strcmp(info[i].name, port_name)) {
			strlcpy(buf, info[i].switch_name, size);
			found = buf;
		}
	}
	keel_free(info);
	return found;
}

static int print_netif(struct host_netif *nif, void *arg)
{
	char mac[18], sw[NETSWITCH_NAME_LEN];

	print_mac(mac, sizeof(mac), nif->mac);
	if (switch_of(nif->name, sw, sizeof(sw)))
		term_printf("%-15s %s  uplink of %s\n", nif->name, mac, sw);
	else
		term_printf("%-15s %s  on no switch\n", nif->name, mac);
	(*(unsigned int *)arg)++;
	return 0;
}

static int list_switches(void)
{
	unsigned int n = netswitch_snapshot(NULL, 0) + SNAPSHOT_SLACK;
	struct netswitch_info *info = keel_calloc(n, sizeof(*info));
	unsigned int nifs = 0;
	char num[5][24];

	if (!info)
		return -ENOMEM;
	n = MIN(n, netswitch_snapshot(info, n));
	term_printf(LIST_FORMAT, "NAME", "PORTS", "UPLINK", "MACS", "FLOODED",
		    "FORWARDED", "FILTERED");
	for (unsigned int i = 0; i < n; i++) {
		snprintf(num[0], sizeof(num[0]), "%u", info[i].nr_ports);
		snprintf(num[1], sizeof(num[1]), "%u", info[i].macs_learned);
		snprintf(num[2], sizeof(num[2]), "%llu",
			 (unsigned long long)info[i].flooded);
		snprintf(num[3], sizeof(num[3]), "%llu",
			 (unsigned long long)info[i].forwarded);
		snprintf(num[4], sizeof(num[4]), "%llu",
			 (unsigned long long)info[i].filtered);
		term_printf(LIST_FORMAT, info[i].name, num[0],
			    info[i].uplink[0] ? info[i].uplink : "-", num[1],
			    num[2], num[3], num[4]);
	}
	if (!n)
		term_puts("(no switches)\n");
	keel_free(info);
	term_puts("host interfaces:\n");
	host_netif_for_each(print_netif, &nifs);
	if (!nifs)
		term_puts("(none)\n");
	return 0;
}

static int list_ports(const char *switch_name)
{
	unsigned int n;
	struct netswitch_port_info *info;
	char num[6][24];

	if (switch_name && !netswitch_exists(switch_name)) {
		term_printf("error: no switch %s (see 'netswitch list')\n",
			    switch_name);
		return -ECANCELED;
	}
	n = netswitch_port_snapshot(switch_name, NULL, 0) + SNAPSHOT_SLACK;
	info = keel_calloc(n, sizeof(*info));
	if (!info)
		return -ENOMEM;
	n = MIN(n, netswitch_port_snapshot(switch_name, info, n));
	term_printf(PORT_FORMAT, "SWITCH", "PORT", "UPLINK", "RX-PKTS",
		    "RX-BYTES", "TX-PKTS", "TX-BYTES", "RX-DROP", "TX-DROP");
	for (unsigned int i = 0; i < n; i++) {
		const struct netswitch_port_stats *st = &info[i].stats;

		snprintf(num[0], sizeof(num[0]), "%llu",
			 (unsigned long long)st->rx_packets);
		snprintf(num[1], sizeof(num[1]), "%llu",
			 (unsigned long long)st->rx_bytes);
		snprintf(num[2], sizeof(num[2]), "%llu",
			 (unsigned long long)st->tx_packets);
		snprintf(num[3], sizeof(num[3]), "%llu",
			 (unsigned long long)st->tx_bytes);
		snprintf(num[4], sizeof(num[4]), "%llu",
			 (unsigned long long)st->rx_dropped);
		snprintf(num[5], sizeof(num[5]), "%llu",
			 (unsigned long long)st->tx_dropped);
		term_printf(PORT_FORMAT, info[i].switch_name, info[i].name,
			    info[i].uplink ? "yes" : "no", num[0], num[1],
			    num[2], num[3], num[4], num[5]);
	}
	if (!n)
		term_puts("(no ports)\n");
	keel_free(info);
	return 0;
}

static int create_switch(const char *name)
{
	int err = netswitch_create(name);

	switch (err) {
	case 0:
		term_printf("%s created\n", name);
		return 0;
	case -EINVAL:
		term_printf("error: bad name '%s': 1 to %u characters of "
			    "A-Z, a-z, 0-9, '_' and '-'\n",
			    name, NETSWITCH_NAME_LEN - 1);
		break;
	case -EEXIST:
		term_printf("error: switch %s exists (see 'netswitch list')\n",
			    name);
		break;
	default:
		term_printf("error: %s: %s\n", name, error_name(err));
		break;
	}
	return -ECANCELED;
}

static int destroy_switch(const char *name)
{
	int err = netswitch_destroy(name);

	switch (err) {
	case 0:
		term_printf("%s destroyed\n", name);
		return 0;
	case -ENOENT:
		term_printf("error: no switch %s (see 'netswitch list')\n",
			    name);
		break;
	case -EBUSY:
		term_printf("error: %s has ports attached (see 'netswitch port "
			    "list %s'): destroy their guests first\n",
			    name, name);
		break;
	default:
		term_printf("error: %s: %s\n", name, error_name(err));
		break;
	}
	return -ECANCELED;
}

/* ---- arping: an ARP request into a switch, and the reply ---- */

#define ETH_P_ARP 0x0806
#define ETH_P_IP 0x0800
#define ARP_HRD_ETHER 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define ARP_FRAME_LEN 42 /* Ethernet header and an IPv4-over-Ethernet ARP */
#define ETH_ZLEN 60 /* shortest frame without FCS; shorter ones padded */
#define ARPING_TRIES 3
#define ARPING_WAIT_MS 1000
#define ARPING_PORT "arping"

/* Locally administered, so no vendor's card has it: 02:4b:65:65:6c:01. */
static const u8 arping_mac[ETH_ALEN] = { 0x02, 'K', 'e', 'e', 'l', 0x01 };

struct arping {
	struct netswitch_port port;
	struct waitqueue wait; /* its lock guards answered, from */
	u8 src_ip[4], target_ip[4];
	bool answered;
	u8 from[ETH_ALEN];
};

static u16 get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static void put_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static int parse_ipv4(const char *s, u8 *ip)
{
	for (unsigned int i = 0; i < 4; i++) {
		unsigned int v = 0, digits = 0;

		for (; *s >= '0' && *s <= '9'; s++) {
			v = v * 10 + (unsigned int)(*s - '0');
			if (++digits > 3 || v > 255)
				return -EINVAL;
		}
		if (!digits || *s != (i < 3 ? '.' : '\0'))
			return -EINVAL;
		ip[i] = (u8)v;
		if (i < 3)
			s++;
	}
	return 0;
}

/*
 * Any frame the switch gives the port is taken (0): only a reply from
 * the target to our request counts.
 */
static int arping_deliver(struct netswitch_port *port, const void *frame,
			  size_t len)
{
	struct arping *a = port->priv;
	const u8 *f = frame, *arp = f + ETH_HLEN;
	unsigned long flags;

	if (len < ARP_FRAME_LEN || get_be16(f + 12) != ETH_P_ARP ||
	    get_be16(arp) != ARP_HRD_ETHER || get_be16(arp + 2) != ETH_P_IP ||
	    arp[4] != ETH_ALEN || arp[5] != 4 ||
	    get_be16(arp + 6) != ARP_OP_REPLY ||
	    memcmp(arp + 14, a->target_ip, 4) ||
	    memcmp(arp + 18, arping_mac, ETH_ALEN) ||
	    memcmp(arp + 24, a->src_ip, 4))
		return 0;
	spin_lock_irqsave(&a->wait.lock, flags);
	if (!a->answered) {
		memcpy(a->from, arp + 8, ETH_ALEN);
		a->answered = true;
	}
	spin_unlock_irqrestore(&a->wait.lock, flags);
	waitqueue_wake_all(&a->wait);
	return 0;
}

static const struct netswitch_port_ops arping_ops = {
	.deliver = arping_deliver,
};

static void build_request(const struct arping *a, u8 *f)
{
	u8 *arp = f + ETH_HLEN;

	memset(f, 0, ETH_ZLEN);
	memset(f, 0xff, ETH_ALEN); /* broadcast */
	memcpy(f + ETH_ALEN, arping_mac, ETH_ALEN);
	put_be16(f + 12, ETH_P_ARP);
	put_be16(arp, ARP_HRD_ETHER);
	put_be16(arp + 2, ETH_P_IP);
	arp[4] = ETH_ALEN;
	arp[5] = 4;
	put_be16(arp + 6, ARP_OP_REQUEST);
	memcpy(arp + 8, arping_mac, ETH_ALEN);
	memcpy(arp + 14, a->src_ip, 4);
	/* target hardware address unknown: zero */
	memcpy(arp + 24, a->target_ip, 4);
}

/* Wait for the reply until deadline: whether it came. */
static bool arping_wait(struct arping *a, u64 deadline)
{
	unsigned long flags;
	bool answered;

	spin_lock_irqsave(&a->wait.lock, flags);
	while (!a->answered && timer_now_ns() < deadline)
		waitqueue_sleep_locked_until(&a->wait, &flags, deadline);
	answered = a->answered;
	spin_unlock_irqrestore(&a->wait.lock, flags);
	return answered;
}

static int arping(const char *where, const char *src, const char *target)
{
	char sw[NETSWITCH_NAME_LEN], mac[18];
	struct arping a;
	u8 frame[ETH_ZLEN];
	int err;

	memset(&a, 0, sizeof(a));
	if (parse_ipv4(src, a.src_ip)) {
		term_printf("error: source address '%s' is not a.b.c.d\n", src);
		return -ECANCELED;
	}
	if (parse_ipv4(target, a.target_ip)) {
		term_printf("error: target address '%s' is not a.b.c.d\n",
			    target);
		return -ECANCELED;
	}
	if (netswitch_exists(where)) {
		strlcpy(sw, where, sizeof(sw));
	} else if (!host_netif_find(where)) {
		term_printf("error: no switch or host interface %s (see "
			    "'netswitch list')\n",
			    where);
		return -ECANCELED;
	} else if (!switch_of(where, sw, sizeof(sw))) {
		term_printf("error: %s is on no switch\n", where);
		return -ECANCELED;
	}
	waitqueue_init(&a.wait);
	strlcpy(a.port.name, ARPING_PORT, sizeof(a.port.name));
	a.port.ops = &arping_ops;
	a.port.priv = &a;
	err = netswitch_port_attach(sw, &a.port);
	if (err) {
		term_printf("error: cannot join %s: %s\n", sw,
			    err == -EEXIST ? "an arping is running" :
					     error_name(err));
		return -ECANCELED;
	}
	build_request(&a, frame);
	for (unsigned int i = 0; i < ARPING_TRIES; i++) {
		u64 sent = timer_now_ns();

		netswitch_port_send(&a.port, frame, sizeof(frame));
		if (arping_wait(&a, sent + ARPING_WAIT_MS * NSEC_PER_MSEC)) {
			u64 us = (timer_now_ns() - sent) / 1000;

			print_mac(mac, sizeof(mac), a.from);
			term_printf("%s is at %s (on %s, %llu us)\n", target,
				    mac, sw, (unsigned long long)us);
			break;
		}
	}
	netswitch_port_detach(&a.port);
	if (!a.answered) {
		term_printf("error: no ARP reply from %s on %s in %u tries\n",
			    target, sw, ARPING_TRIES);
		return -ECANCELED;
	}
	return 0;
}

static int netswitch_run(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";

	if (argc == 2 && !strcmp(sub, "list"))
		return list_switches();
	if ((argc == 3 || argc == 4) && !strcmp(sub, "port") &&
	    !strcmp(argv[2], "list"))
		return list_ports(argc == 4 ? argv[3] : NULL);
	if (argc == 3 && !strcmp(sub, "create"))
		return create_switch(argv[2]);
	if (argc == 3 && !strcmp(sub, "destroy"))
		return destroy_switch(argv[2]);
	if (argc == 5 && !strcmp(sub, "arping"))
		return arping(argv[2], argv[3], argv[4]);
	if (argc >= 2 && strcmp(sub, "list") && strcmp(sub, "port") &&
	    strcmp(sub, "create") && strcmp(sub, "destroy") &&
	    strcmp(sub, "arping"))
		term_printf("error: unknown subcommand '%s'\n", sub);
	return -EINVAL;
}

static const struct term_command netswitch_cmd = {
	.name = "netswitch",
	.summary = "network switches: list, ports, create, destroy, arping",
	.usage = "netswitch list | netswitch port list [switch] | "
		 "netswitch create <name> | netswitch destroy <name> | "
		 "netswitch arping <switch|eth0...> <source-ip> <target-ip>",
	.run = netswitch_run,
};
TERM_COMMAND(netswitch_cmd);
