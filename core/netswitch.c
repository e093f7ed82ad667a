// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual network switches: learning L2 switches whose ports are guests'
 * network devices and host NICs, and the registry of host network
 * interfaces. See include/keel/netswitch.h.
 *
 * One spinlock (irqsave) guards every switch's ports, address table and
 * counters, and is held across deliver. A sender reads its port's
 * switch under it, so detach (which clears that under the lock) is all
 * it takes for a switch to be unreachable before it is freed; frames
 * are short copies, so one lock costs little next to the copies.
 * The list of switches is also guarded by a mutex, so that create and
 * destroy (threads) can allocate and free outside the spinlock.
 */
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/mutex.h>
#include <keel/netswitch.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include <keel/timer.h>

/* Hash buckets of a switch's address table (a power of 2). */
#define MAC_BUCKETS 128
#define NO_ENTRY 0xffff
#define AGING_NS ((u64)NETSWITCH_AGING_S * NSEC_PER_SEC)

_Static_assert(NETSWITCH_MACS_MAX < NO_ENTRY, "entries are u16 indices");

struct mac_entry {
	u8 mac[ETH_ALEN];
	u16 next; /* in its bucket's chain or the free list */
	struct netswitch_port *port; /* NULL: free */
	u64 seen_ns; /* last frame from it */
};

struct netswitch {
	char name[NETSWITCH_NAME_LEN];
	struct list_head link; /* in switches */
	struct list_head ports;
	unsigned int nr_ports;
	struct netswitch_port *uplink;
	u64 flooded, forwarded, filtered;
	unsigned int nr_macs; /* entries in use, aged ones included */
	u16 free_head;
	u16 buckets[MAC_BUCKETS];
	struct mac_entry macs[NETSWITCH_MACS_MAX];
};

static LIST_HEAD(switches);
static DEFINE_MUTEX(switches_mutex); /* create, destroy, attach */
static DEFINE_SPINLOCK(net_lock); /* see above */

static LIST_HEAD(host_netifs);
static DEFINE_MUTEX(netifs_mutex);
static unsigned int netifs_named;

/* ---- the address table; net_lock held ---- */

static bool is_group(const u8 *mac)
{
	return mac[0] & 1; /* the I/G bit: multicast, broadcast included */
}

static unsigned int bucket_of(const u8 *mac)
{
	u32 h = 0;

	for (unsigned int i = 0; i < ETH_ALEN; i++)
		h = h * 31 + mac[i];
	return (h ^ (h >> 7)) & (MAC_BUCKETS - 1);
}

static void table_init(struct netswitch *sw)
{
	for (unsigned int i = 0; i < MAC_BUCKETS; i++)
		sw->buckets[i] = NO_ENTRY;
	for (unsigned int i = 0; i < NETSWITCH_MACS_MAX; i++) {
		sw->macs[i].port = NULL;
		sw->macs[i].next =
			i + 1 < NETSWITCH_MACS_MAX ? (u16)(i + 1) : NO_ENTRY;
	}
	sw->free_head = 0;
	sw->nr_macs = 0;
}

static struct mac_entry *table_find(struct netswitch *sw, const u8 *mac)
{
	for (u16 i = sw->buckets[bucket_of(mac)]; i != NO_ENTRY;
	     i = sw->macs[i].next)
		if (!memcmp(sw->macs[i].mac, mac, ETH_ALEN))
			return &sw->macs[i];
	return NULL;
}

static void table_remove(struct netswitch *sw, u16 idx)
{
	struct mac_entry *e = &sw->macs[idx];
	u16 *p = &sw->buckets[bucket_of(e->mac)];

	while (*p != idx)
		p = &sw->macs[*p].next;
	*p = e->next;
	e->port = NULL;
	e->next = sw->free_head;
	sw->free_head = idx;
	sw->nr_macs--;
}

static bool aged(const struct mac_entry *e, u64 now)
{
	return now - e->seen_ns >= AGING_NS;
}

/* A full table gives up the address heard from longest ago. */
static void table_evict_oldest(struct netswitch *sw)
{
	u16 oldest = 0;

	for (u16 i = 1; i < NETSWITCH_MACS_MAX; i++)
		if (sw->macs[i].seen_ns < sw->macs[oldest].seen_ns)
			oldest = i;
	table_remove(sw, oldest);
}

static void learn(struct netswitch *sw, struct netswitch_port *port,
		  const u8 *mac, u64 now)
{
	struct mac_entry *e = table_find(sw, mac);
	unsigned int b;
	u16 idx;

	if (e) {
		e->port = port; /* a station that moved is where it sent from */
		e->seen_ns = now;
		return;
	}
	if (sw->free_head == NO_ENTRY)
		table_evict_oldest(sw);
	idx = sw->free_head;
	e = &sw->macs[idx];
	sw->free_head = e->next;
	memcpy(e->mac, mac, ETH_ALEN);
	e->port = port;
	e->seen_ns = now;
	b = bucket_of(mac);
	e->next = sw->buckets[b];
	sw->buckets[b] = idx;
	sw->nr_macs++;
}

static void forget_port(struct netswitch *sw, struct netswitch_port *port)
{
	for (u16 i = 0; i < NETSWITCH_MACS_MAX; i++)
		if (sw->macs[i].port == port)
			table_remove(sw, i);
}

static unsigned int live_macs(const struct netswitch *sw, u64 now)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < NETSWITCH_MACS_MAX; i++)
		if (sw->macs[i].port && !aged(&sw->macs[i], now))
			n++;
	return n;
}

/* ---- switches ---- */

static bool name_valid(const char *name)
{
	size_t len = strnlen(name, NETSWITCH_NAME_LEN);

	if (len == 0 || len == NETSWITCH_NAME_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static struct netswitch *find_locked(const char *name)
{
	struct netswitch *sw;

	list_for_each_entry(sw, &switches, link) {
		if (!strcmp(sw->name, name))
			return sw;
	}
	return NULL;
}

int netswitch_create(const char *name)
{
	struct netswitch *sw;
	unsigned long flags;

	if (!name_valid(name))
		return -EINVAL;
	sw = keel_zalloc(sizeof(*sw));
	if (!sw)
		return -ENOMEM;
	strlcpy(sw->name, name, sizeof(sw->name));
	list_init(&sw->ports);
	table_init(sw);
	mutex_lock(&switches_mutex);
	if (find_locked(name)) {
		mutex_unlock(&switches_mutex);
		keel_free(sw);
		return -EEXIST;
	}
	spin_lock_irqsave(&net_lock, flags);
	list_add_tail(&sw->link, &switches);
	spin_unlock_irqrestore(&net_lock, flags);
	mutex_unlock(&switches_mutex);
	return 0;
}

int netswitch_destroy(const char *name)
{
	struct netswitch *sw;
	unsigned long flags;

	mutex_lock(&switches_mutex);
	sw = find_locked(name);
	if (!sw) {
		mutex_unlock(&switches_mutex);
		return -ENOENT;
	}
	if (sw->nr_ports) {
		mutex_unlock(&switches_mutex);
		return -EBUSY;
	}
	/* No port, so no sender can reach it once it is off the list. */
	spin_lock_irqsave(&net_lock, flags);
	list_del(&sw->link);
	spin_unlock_irqrestore(&net_lock, flags);
	mutex_unlock(&switches_mutex);
	keel_free(sw);
	return 0;
}

bool netswitch_exists(const char *name)
{
	bool found;

	mutex_lock(&switches_mutex);
	found = find_locked(name) != NULL;
	mutex_unlock(&switches_mutex);
	return found;
}

/* ---- ports ---- */

static bool port_name_taken(struct netswitch *sw, const char *name)
{
	struct netswitch_port *p;

	list_for_each_entry(p, &sw->ports, link) {
		if (!strcmp(p->name, name))
			return true;
	}
	return false;
}

int netswitch_port_attach(const char *switch_name, struct netswitch_port *port)
{
	size_t len = strnlen(port->name, NETSWITCH_PORT_NAME_LEN);
	struct netswitch *sw;
	unsigned long flags;
	int err = 0;

	if (!port->ops || !port->ops->deliver || len == 0 ||
	    len == NETSWITCH_PORT_NAME_LEN || READ_ONCE(port->sw))
		return -EINVAL;
	mutex_lock(&switches_mutex);
	sw = find_locked(switch_name);
	spin_lock_irqsave(&net_lock, flags);
	if (!sw)
		err = -ENOENT;
	else if (port_name_taken(sw, port->name) ||
		 (port->uplink && sw->uplink))
		err = -EEXIST;
	if (!err) {
		memset(&port->stats, 0, sizeof(port->stats));
		list_add_tail(&port->link, &sw->ports);
		sw->nr_ports++;
		if (port->uplink)
			sw->uplink = port;
		port->sw = sw;
	}
	spin_unlock_irqrestore(&net_lock, flags);
	mutex_unlock(&switches_mutex);
	return err;
}

void netswitch_port_detach(struct netswitch_port *port)
{
	struct netswitch *sw;
	unsigned long flags;

	mutex_lock(&switches_mutex);
	spin_lock_irqsave(&net_lock, flags);
	sw = port->sw;
	if (sw) {
		list_del(&port->link);
		sw->nr_ports--;
		if (sw->uplink == port)
			sw->uplink = NULL;
		forget_port(sw, port);
		/*
		 * Senders and deliveries hold net_lock: from here on none
		 * finds the port.
		 */
		port->sw = NULL;
	}
	spin_unlock_irqrestore(&net_lock, flags);
	mutex_unlock(&switches_mutex);
}

/* Hand one frame to port; net_lock held. */
static void deliver(struct netswitch_port *port, const void *frame, size_t len)
{
	if (port->ops->deliver(port, frame, len)) {
		port->stats.rx_dropped++;
		return;
	}
	port->stats.rx_packets++;
	port->stats.rx_bytes += len;
}

void netswitch_port_send(struct netswitch_port *port, const void *frame,
			 size_t len)
{
	const u8 *dst = frame, *src = (const u8 *)frame + ETH_ALEN;
	struct netswitch_port *p;
	struct mac_entry *e;
	struct netswitch *sw;
	unsigned long flags;
	u64 now;

	spin_lock_irqsave(&net_lock, flags);
	sw = port->sw;
	if (!sw)
		goto out;
	if (len < NETSWITCH_FRAME_MIN || len > NETSWITCH_FRAME_MAX) {
		port->stats.tx_dropped++;
		goto out;
	}
	port->stats.tx_packets++;
	port->stats.tx_bytes += len;
	now = timer_now_ns();
	if (!is_group(src))
		learn(sw, port, src, now);

	e = is_group(dst) ? NULL : table_find(sw, dst);
	if (e && !aged(e, now)) {
		if (e->port == port) {
			sw->filtered++;
		} else {
			sw->forwarded++;
			deliver(e->port, frame, len);
		}
		goto out;
	}
	sw->flooded++;
	list_for_each_entry(p, &sw->ports, link) {
		if (p != port)
			deliver(p, frame, len);
	}
out:
	spin_unlock_irqrestore(&net_lock, flags);
}

/* ---- snapshots ---- */

unsigned int netswitch_snapshot(struct netswitch_info *info, unsigned int max)
{
	u64 now = timer_now_ns();
	struct netswitch *sw;
	unsigned long flags;
	unsigned int n = 0;

	mutex_lock(&switches_mutex);
	list_for_each_entry(sw, &switches, link) {
		struct netswitch_info *i;

		if (n++ >= max)
			continue;
		i = &info[n - 1];
		memset(i, 0, sizeof(*i));
		strlcpy(i->name, sw->name, sizeof(i->name));
		spin_lock_irqsave(&net_lock, flags);
		i->nr_ports = sw->nr_ports;
		if (sw->uplink)
			strlcpy(i->uplink, sw->uplink->name, sizeof(i->uplink));
		i->macs_learned = live_macs(sw, now);
		i->flooded = sw->flooded;
		i->forwarded = sw->forwarded;
		i->filtered = sw->filtered;
		spin_unlock_irqrestore(&net_lock, flags);
	}
	mutex_unlock(&switches_mutex);
	return n;
}

unsigned int netswitch_port_snapshot(const char *switch_name,
				     struct netswitch_port_info *info,
				     unsigned int max)
{
	struct netswitch_port *p;
	struct netswitch *sw;
	unsigned long flags;
	unsigned int n = 0;

	mutex_lock(&switches_mutex);
	spin_lock_irqsave(&net_lock, flags);
	list_for_each_entry(sw, &switches, link) {
		if (switch_name && strcmp(sw->name, switch_name))
			continue;
		list_for_each_entry(p, &sw->ports, link) {
			struct netswitch_port_info *i;

			if (n++ >= max)
				continue;
			i = &info[n - 1];
			strlcpy(i->switch_name, sw->name,
				sizeof(i->switch_name));
			strlcpy(i->name, p->name, sizeof(i->name));
			i->uplink = p->uplink;
			i->stats = p->stats;
		}
	}
	spin_unlock_irqrestore(&net_lock, flags);
	mutex_unlock(&switches_mutex);
	return n;
}

/* ---- host network interfaces ---- */

int host_netif_register(struct host_netif *nif)
{
	mutex_lock(&netifs_mutex);
	snprintf(nif->name, sizeof(nif->name), "eth%u", netifs_named++);
	strlcpy(nif->port.name, nif->name, sizeof(nif->port.name));
	nif->port.uplink = true;
	nif->port.sw = NULL;
	list_add_tail(&nif->link, &host_netifs);
	mutex_unlock(&netifs_mutex);
	return 0;
}

struct host_netif *host_netif_find(const char *name)
{
	struct host_netif *nif, *found = NULL;

	mutex_lock(&netifs_mutex);
	list_for_each_entry(nif, &host_netifs, link) {
		if (!strcmp(nif->name, name)) {
			found = nif;
			break;
		}
	}
	mutex_unlock(&netifs_mutex);
	return found;
}

int host_netif_for_each(int (*fn)(struct host_netif *nif, void *arg), void *arg)
{
	struct host_netif *nif;
	int ret = 0;

	mutex_lock(&netifs_mutex);
	list_for_each_entry(nif, &host_netifs, link) {
		ret = fn(nif, arg);
		if (ret)
			break;
	}
	mutex_unlock(&netifs_mutex);
	return ret;
}

void netswitch_init(void)
{
	struct host_netif *first = NULL;
	int err = netswitch_create(NETSWITCH_DEFAULT);

	if (err) {
		printk(KERN_ERR "netswitch: %s not created: %s\n",
		       NETSWITCH_DEFAULT, error_name(err));
		return;
	}
	mutex_lock(&netifs_mutex);
	if (!list_empty(&host_netifs))
		first = list_first_entry(&host_netifs, struct host_netif, link);
	mutex_unlock(&netifs_mutex);
	if (!first) {
		printk(KERN_INFO "netswitch: %s, no uplink (no host network "
				 "interface)\n",
		       NETSWITCH_DEFAULT);
		return;
	}
	err = netswitch_port_attach(NETSWITCH_DEFAULT, &first->port);
	if (err)
		printk(KERN_ERR "netswitch: %s: uplink %s not attached: %s\n",
		       NETSWITCH_DEFAULT, first->name, error_name(err));
	else
		printk(KERN_INFO "netswitch: %s, uplink %s\n",
		       NETSWITCH_DEFAULT, first->name);
}
