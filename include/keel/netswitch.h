/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual network switches (core/netswitch.c): learning Ethernet (L2)
 * switches inside Keel. Their ports are guests' network devices
 * (virtio-net) and, at most one per switch, a host NIC as the uplink.
 * A frame between two guests is copied from one guest's buffers to the
 * other's and never leaves Keel; a frame for an unknown or a broadcast
 * or multicast address floods every other port. `netswitch list` and
 * `netswitch port list` show the switches and the ports' counters.
 *
 * Frames travel as whole Ethernet frames without FCS (14-byte header,
 * then payload; no virtio-net header: offloads are the port owner's
 * business). A port owner hands the switch a frame with
 * netswitch_port_send(); the switch hands a port a frame through the
 * port's deliver operation.
 *
 * Locking and context. netswitch_port_send() and deliver may run in any
 * context, interrupt handlers included, on any CPU. The switch calls
 * deliver with its lock held (one lock for every switch, irqsave: a
 * sender never meets a switch being destroyed under it), so deliver may
 * take its owner's lock
 * (irqsave) but must never call back into the switch, and an owner must
 * never call netswitch_port_send() while holding a lock its deliver
 * takes (a guest's device sends with its instance lock dropped). Create,
 * destroy, attach and detach are for threads.
 */
#ifndef KEEL_NETSWITCH_H
#define KEEL_NETSWITCH_H

#include <keel/list.h>
#include <keel/types.h>

#define NETSWITCH_NAME_LEN 16
#define NETSWITCH_PORT_NAME_LEN 48
#define ETH_ALEN 6
#define ETH_HLEN 14
/* The largest frame a port takes: a 1500-byte MTU plus the header. */
#define NETSWITCH_FRAME_MAX 1514U
#define NETSWITCH_FRAME_MIN ETH_HLEN
/*
 * Addresses one switch remembers. A full table forgets the address seen
 * longest ago; an address not seen for NETSWITCH_AGING_S seconds (IEEE
 * 802.1D's default aging time) counts as unknown.
 */
#define NETSWITCH_MACS_MAX 512
#define NETSWITCH_AGING_S 300

struct netswitch;
struct netswitch_port;

struct netswitch_port_ops {
	/*
	 * Take one frame for the port's owner (copy it: frame is the
	 * switch's only for the call). 0, or -errno when it was dropped
	 * (-ENOSPC: the guest posted no receive buffer, -ENETDOWN: its
	 * driver is not ready); the switch counts drops per port.
	 */
	int (*deliver)(struct netswitch_port *port, const void *frame,
		       size_t len);
};

/* Counters as seen from the port's owner. */
struct netswitch_port_stats {
	u64 rx_packets, rx_bytes; /* frames the switch delivered to it */
	u64 tx_packets, tx_bytes; /* frames it sent into the switch */
	u64 rx_dropped; /* frames for it that deliver refused */
	u64 tx_dropped; /* frames it sent that were malformed or too big */
};

/* Owned (embedded) by whoever attaches it; the switch only links it. */
struct netswitch_port {
	char name[NETSWITCH_PORT_NAME_LEN]; /* "<guest>/<node>", "eth0" */
	const struct netswitch_port_ops *ops;
	void *priv; /* the owner's */
	bool uplink;
	/* Set by the switch while attached: */
	struct netswitch *sw;
	struct netswitch_port_stats stats;
	struct list_head link;
};

/* What `netswitch list` shows of one switch. */
struct netswitch_info {
	char name[NETSWITCH_NAME_LEN];
	unsigned int nr_ports;
	char uplink[NETSWITCH_PORT_NAME_LEN]; /* "" without one */
	unsigned int macs_learned;
	u64 flooded; /* frames sent to every port: unknown or group address */
	u64 forwarded; /* frames sent to the one port that has the address */
	u64 filtered; /* frames whose destination is on their own port */
};

struct netswitch_port_info {
	char switch_name[NETSWITCH_NAME_LEN];
	char name[NETSWITCH_PORT_NAME_LEN];
	bool uplink;
	struct netswitch_port_stats stats;
};

/*
 * A new, empty switch: -EINVAL (name empty, too long, or not
 * [A-Za-z0-9_-]), -EEXIST, -ENOMEM.
 */
int netswitch_create(const char *name);
/* -ENOENT; -EBUSY while ports are attached. */
int netswitch_destroy(const char *name);
bool netswitch_exists(const char *name);

/*
 * Attach port (name, ops, priv and uplink filled in by the caller) to
 * the switch called switch_name: -ENOENT (no such switch), -EEXIST (a
 * port of that name is attached, or uplink and the switch has one),
 * -EINVAL (no deliver, name empty or unterminated, port already
 * attached: its sw must be NULL, so zero a new port). The port's
 * counters start at zero.
 */
int netswitch_port_attach(const char *switch_name, struct netswitch_port *port);
/*
 * Detach an attached port: after it returns, deliver is never called
 * again for it (calls in progress on other CPUs have finished) and the
 * addresses learned on it are forgotten.
 */
void netswitch_port_detach(struct netswitch_port *port);

/*
 * A frame from the port's owner into the switch, copied or dropped
 * before the call returns. Malformed frames (shorter than the header,
 * longer than NETSWITCH_FRAME_MAX) are dropped and counted. Learns the
 * source address on the port (a group source address is never learned).
 * A port not attached (never, or no more) drops the frame uncounted.
 */
void netswitch_port_send(struct netswitch_port *port, const void *frame,
			 size_t len);

/*
 * Snapshots for the terminal: up to max entries, returning how many
 * there are (which may be more than max). switch_name NULL: ports of
 * every switch.
 */
unsigned int netswitch_snapshot(struct netswitch_info *info, unsigned int max);
unsigned int netswitch_port_snapshot(const char *switch_name,
				     struct netswitch_port_info *info,
				     unsigned int max);

/*
 * Host network interfaces (a host NIC driver registers each as "eth0",
 * "eth1" ...; core/netswitch.c keeps the list). At boot, Keel creates
 * the switch "sw0" and attaches the first host interface to it as its
 * uplink, so guests on sw0 reach the outside network by default.
 */
struct host_netif {
	char name[NETSWITCH_NAME_LEN]; /* set by host_netif_register */
	u8 mac[ETH_ALEN];
	/* The interface's uplink port; the driver fills ops and priv. */
	struct netswitch_port port;
	struct list_head link;
};

/* Name it (eth<N>) and list it: 0, -ENOMEM. For drivers' probe. */
int host_netif_register(struct host_netif *nif);
struct host_netif *host_netif_find(const char *name);
/* Call fn for each interface in registration order until it returns non-0. */
int host_netif_for_each(int (*fn)(struct host_netif *nif, void *arg),
			void *arg);

/*
 * At boot, after the drivers' probe and before the boot guests: create
 * NETSWITCH_DEFAULT and make the first host interface its uplink. A
 * failure is logged; guests naming the switch are then refused.
 */
void netswitch_init(void);

/* The switch every guest network device joins when it names none. */
#define NETSWITCH_DEFAULT "sw0"

#endif
