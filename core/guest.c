// SPDX-License-Identifier: GPL-2.0
/*
 * Guests' life cycle: built from a description node (docs/guest-config.md),
 * run by their vCPU threads, and managed from the terminal. All management
 * goes through one mutex, so that create, reset and destroy never
 * interleave. What a description says is guest_config.c's to read, what
 * goes into guest RAM guest_load.c's.
 */
#include <keel/bundle.h>
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/mutex.h>
#include <keel/page_alloc.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "guest_priv.h"

static LIST_HEAD(guests);
static DEFINE_MUTEX(guests_mutex);
static unsigned int next_guest_id;

static const char *const guest_state_names[] = {
	[GUEST_CREATED] = "created",
	[GUEST_RUNNING] = "running",
	[GUEST_PAUSED] = "paused",
	[GUEST_HALTED] = "halted",
};

const char *guest_state_name(enum guest_state s)
{
	return (unsigned int)s < ARRAY_SIZE(guest_state_names) ?
		       guest_state_names[s] :
		       "?";
}

const char *guest_name(const struct guest *g)
{
	return g->name;
}

/* ---- life cycle ---- */

static void free_guest(struct guest *g)
{
	struct devemu_instance *d, *tmp;

	/*
	 * A guest refused half-built may have fewer vCPUs than described.
	 * Its devices may raise interrupts, and so kick vCPUs, until they
	 * are removed: the vCPUs stop first and are freed after. All are
	 * told first, so that none still running asks for anything (a
	 * halt, a reset, an IPI) of one already stopped.
	 */
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		if (g->vcpus[i])
			vcpu_request_stop(g->vcpus[i]);
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		if (g->vcpus[i])
			vcpu_wait_stopped(g->vcpus[i]);
	/*
	 * Last probed first: a device may lean on one probed before it (an
	 * I/O APIC on the local APICs, every device's lines on the
	 * interrupt controller), which so outlives every line it could
	 * still raise.
	 */
	list_for_each_entry_safe_reverse(d, tmp, &g->devices, link)
	{
		devemu_remove(d);
		list_del(&d->link);
		keel_free(d);
	}
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		if (g->vcpus[i])
			vcpu_destroy(g->vcpus[i]);
	arch_guest_destroy(g);
	for (unsigned int i = 0; i < g->aspace.nr; i++) {
		struct region *r = &g->aspace.regions[i];

		if (r->type != REGION_EMULATED && r->host)
			page_free(r->host, r->order);
	}
	devtree_free(g->config);
	keel_free(g);
}

static struct guest *find_locked(const char *name)
{
	struct guest *g;

	list_for_each_entry(g, &guests, link)
		if (!strcmp(g->name, name))
			return g;
	return NULL;
}

struct guest *guest_find(const char *name)
{
	return find_locked(name);
}

static void request_halt(struct guest *g, const char *why);
static void request_reset(struct guest *g);

static const struct vcpu_guest_requests vcpu_requests = {
	.halt = request_halt,
	.reset = request_reset,
};

static int build_guest(struct guest *g)
{
	u64 affinity[GUEST_MAX_VCPUS];
	struct devtree_node *machine;
	int err;

	if (!devtree_is_compatible(g->config, "keel,guest")) {
		guest_config_error(g, NULL,
				   "not a guest (compatible \"keel,guest\")");
		return -EINVAL;
	}
	err = guest_config_vcpus(g, affinity);
	if (err)
		return err;
	machine = devtree_child(g->config, "machine");
	if (!machine) {
		guest_config_error(
			g, NULL, "no \"machine\" node describing its hardware");
		return -EINVAL;
	}
	err = arch_guest_init(g);
	if (err) {
		guest_config_error(g, NULL, "cannot set up translation: %s",
				   error_name(err));
		return err;
	}
	err = guest_config_machine(g, machine);
	if (err)
		return err;
	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		err = vcpu_create(g, i, affinity[i], &vcpu_requests,
				  &g->vcpus[i]);
		if (err) {
			g->nr_vcpus = i;
			guest_config_error(g, NULL, "cannot create vCPU%u: %s",
					   i, error_name(err));
			return err;
		}
	}
	/* Last: the guest's device tree lists the vCPUs. */
	return guest_load_images(g);
}

int guest_create(const struct devtree_node *desc, struct guest **out)
{
	struct guest *g;
	int err;

	if (!desc->name[0] || strlen(desc->name) >= GUEST_NAME_LEN) {
		printk(KERN_ERR "guest: bad guest name \"%s\"\n", desc->name);
		return -EINVAL;
	}
	g = keel_zalloc(sizeof(*g));
	if (!g)
		return -ENOMEM;
	strlcpy(g->name, desc->name, sizeof(g->name));
	list_init(&g->devices);
	spin_lock_init(&g->lock);
	err = devtree_copy(desc, &g->config);
	if (err) {
		keel_free(g);
		return err;
	}
	mutex_lock(&guests_mutex);
	if (find_locked(g->name)) {
		mutex_unlock(&guests_mutex);
		guest_config_error(g, NULL, "a guest with this name exists");
		devtree_free(g->config);
		keel_free(g);
		return -EEXIST;
	}
	err = build_guest(g);
	if (err) {
		mutex_unlock(&guests_mutex);
		free_guest(g);
		return err;
	}
	g->id = next_guest_id++;
	g->state = GUEST_CREATED;
	list_add_tail(&g->link, &guests);
	mutex_unlock(&guests_mutex);
	printk(KERN_INFO "guest %s: created, %u vCPU(s)\n", g->name,
	       g->nr_vcpus);
	if (out)
		*out = g;
	return 0;
}

/* Wait until every vCPU sleeps outside guest mode. */
static int wait_parked(struct guest *g)
{
	u64 deadline = timer_now_ns() + 2 * NSEC_PER_SEC;

	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		struct vcpu *v = g->vcpus[i];

		while (!READ_ONCE(v->parked)) {
			if (timer_now_ns() > deadline)
				return -ETIMEDOUT;
			vcpu_kick(v);
			thread_sleep_ms(1);
		}
	}
	return 0;
}

/* Every vCPU to `to` (those in `from` states only); then wait. */
static int set_all_vcpus(struct guest *g, enum vcpu_state to, bool wait)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		struct vcpu *v = g->vcpus[i];
		unsigned long flags;

		spin_lock_irqsave(&v->wait.lock, flags);
		if (v->state == VCPU_STOPPING) {
			/* Final: its guest is going (free_guest). */
		} else if (to == VCPU_PAUSED) {
			if (v->state != VCPU_PAUSED) {
				v->state_before_pause = v->state;
				v->state = VCPU_PAUSED;
			}
		} else {
			v->state = to;
		}
		spin_unlock_irqrestore(&v->wait.lock, flags);
		vcpu_kick(v);
	}
	return wait ? wait_parked(g) : 0;
}

static int start_locked(struct guest *g)
{
	int err;

	if (g->state == GUEST_RUNNING || g->state == GUEST_PAUSED)
		return -EALREADY;
	if (g->state == GUEST_HALTED) {
		err = set_all_vcpus(g, VCPU_OFF, true);
		if (!err)
			err = guest_load_images(g);
		if (err)
			return err;
	}
	arch_guest_start(g);
	err = vcpu_power_on(g->vcpus[0], g->entry, g->boot_arg);
	if (err)
		return err;
	g->state = GUEST_RUNNING;
	return 0;
}

int guest_start(struct guest *g)
{
	int err;

	mutex_lock(&guests_mutex);
	err = start_locked(g);
	mutex_unlock(&guests_mutex);
	return err;
}

int guest_pause(struct guest *g)
{
	int err = -EINVAL;

	mutex_lock(&guests_mutex);
	if (g->state == GUEST_RUNNING) {
		err = set_all_vcpus(g, VCPU_PAUSED, true);
		if (!err)
			g->state = GUEST_PAUSED;
	}
	mutex_unlock(&guests_mutex);
	return err;
}

int guest_resume(struct guest *g)
{
	int err = -EINVAL;

	mutex_lock(&guests_mutex);
	if (g->state == GUEST_PAUSED) {
		for (unsigned int i = 0; i < g->nr_vcpus; i++) {
			struct vcpu *v = g->vcpus[i];
			unsigned long flags;

			spin_lock_irqsave(&v->wait.lock, flags);
			if (v->state == VCPU_PAUSED)
				/* A paused WFI simply returns: allowed. */
				v->state = v->state_before_pause == VCPU_OFF ?
						   VCPU_OFF :
						   VCPU_RUNNING;
			spin_unlock_irqrestore(&v->wait.lock, flags);
			waitqueue_wake_all(&v->wait);
		}
		g->state = GUEST_RUNNING;
		err = 0;
	}
	mutex_unlock(&guests_mutex);
	return err;
}

static int reset_locked(struct guest *g)
{
	struct devemu_instance *d;
	int err = set_all_vcpus(g, VCPU_OFF, true);

	if (err)
		return err;
	list_for_each_entry(d, &g->devices, link) {
		unsigned long flags;

		if (!d->emu || !d->emu->reset)
			continue;
		spin_lock_irqsave(&d->lock, flags);
		d->emu->reset(d);
		spin_unlock_irqrestore(&d->lock, flags);
	}
	err = guest_load_images(g);
	if (err)
		return err;
	g->state = GUEST_HALTED;
	return start_locked(g);
}

int guest_reset(struct guest *g)
{
	int err;

	mutex_lock(&guests_mutex);
	err = reset_locked(g);
	mutex_unlock(&guests_mutex);
	return err;
}

int guest_halt(struct guest *g)
{
	int err;

	mutex_lock(&guests_mutex);
	err = set_all_vcpus(g, VCPU_OFF, true);
	if (!err)
		g->state = GUEST_HALTED;
	mutex_unlock(&guests_mutex);
	return err;
}

int guest_destroy(struct guest *g)
{
	mutex_lock(&guests_mutex);
	list_del(&g->link);
	mutex_unlock(&guests_mutex);
	printk(KERN_INFO "guest %s: destroyed\n", g->name);
	free_guest(g);
	return 0;
}

int guest_for_each(int (*fn)(struct guest *g, void *arg), void *arg)
{
	struct guest *g;
	int ret = 0;

	mutex_lock(&guests_mutex);
	list_for_each_entry(g, &guests, link) {
		ret = fn(g, arg);
		if (ret)
			break;
	}
	mutex_unlock(&guests_mutex);
	return ret;
}

/* ---- requests from the guest itself (vCPU context) ---- */

static void request_halt(struct guest *g, const char *why)
{
	set_all_vcpus(g, VCPU_OFF, false);
	g->state = GUEST_HALTED;
	printk(KERN_INFO "guest %s: halted (%s)\n", g->name, why);
}

static void reset_worker(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;
	struct guest *g;

	mutex_lock(&guests_mutex);
	list_for_each_entry(g, &guests, link) {
		if (g->id == id) {
			int err = reset_locked(g);

			if (err)
				printk(KERN_ERR "guest %s: reset failed: %s\n",
				       g->name, error_name(err));
			break;
		}
	}
	mutex_unlock(&guests_mutex);
}

/*
 * The requesting vCPU cannot wait for itself to stop, so a helper thread
 * does the reset once every vCPU is parked.
 */
static void request_reset(struct guest *g)
{
	struct thread *t;

	set_all_vcpus(g, VCPU_OFF, false);
	t = thread_create("guest-reset", reset_worker, (void *)(uintptr_t)g->id,
			  THREAD_PRIO_NORMAL, CPU_MASK_ALL);
	if (!t || thread_start(t))
		request_halt(g, "reset failed: out of memory");
}

/* ---- guests described at boot ---- */

static int create_all_in(struct devtree_node *guests_node, bool autostart_only)
{
	struct devtree_node *n;
	int created = 0;

	devtree_for_each_child(n, guests_node) {
		bool autostart = devtree_prop_find(n, "autostart") != NULL;
		struct guest *g;

		if (autostart_only && !autostart)
			continue;
		if (guest_create(n, &g))
			continue;
		created++;
		if (autostart && guest_start(g) == 0)
			printk(KERN_INFO "guest %s: started\n", g->name);
	}
	return created;
}

/*
 * Unflatten a blob from anywhere (a misaligned one is copied) after the
 * full check; a damaged one is refused, naming `what` and the fault.
 */
static int unflatten_copy(const char *what, const void *data, size_t size,
			  struct devtree_node **root)
{
	struct kfdt_fault fault;
	char why[128];
	int err;

	if (size > MiB(4)) {
		printk(KERN_ERR "%s: bad device tree: larger than 4 MiB\n",
		       what);
		return -E2BIG;
	}
	err = devtree_unflatten_blob(data, size, root, &fault);
	if (err && err != -ENOMEM)
		printk(KERN_ERR "%s: bad device tree: %s\n", what,
		       devtree_fault_text(&fault, why, sizeof(why)));
	return err;
}

int guest_create_from_fdt(const char *file, const void *fdt, size_t size,
			  struct guest **out)
{
	struct devtree_node *root, *node, *n;
	int err;

	err = unflatten_copy(file, fdt, size, &root);
	if (err)
		return err;
	node = devtree_child(root, "guests");
	if (!node || list_empty(&node->children)) {
		printk(KERN_ERR "%s: no /guests/<name> node\n", file);
		devtree_free(root);
		return -ENOENT;
	}
	devtree_for_each_child(n, node) {
		err = guest_create(n, out);
		if (err)
			break;
	}
	devtree_free(root);
	return err;
}

static int autostart_bundle_dtb(const struct bundle_file *f, void *arg)
{
	size_t len = strlen(f->name);
	struct devtree_node *root, *node;

	if (len < 4 || strcmp(f->name + len - 4, ".dtb"))
		return 0;
	if (unflatten_copy(f->name, f->data, f->size, &root))
		return 0;
	node = devtree_child(root, "guests");
	if (node)
		create_all_in(node, true);
	devtree_free(root);
	return 0;
}

/*
 * /chosen/keel,guests: a device-tree blob whose /guests nodes are created
 * as if they were in the host tree. For loaders that read every node of
 * the tree they pass on (OpenSBI initialises each PLIC it finds, a
 * guest's included): inside a property, the guests' devices are bytes.
 */
static void create_chosen_guests(void)
{
	struct devtree_node *chosen =
		devtree_find_path(devtree_host_root(), "/chosen");
	struct devtree_node *root, *node;
	const void *blob;
	u32 len;

	blob = chosen ? devtree_prop_get(chosen, "keel,guests", &len) : NULL;
	if (!blob)
		return;
	if (unflatten_copy("/chosen/keel,guests", blob, len, &root))
		return;
	node = devtree_child(root, "guests");
	if (node)
		create_all_in(node, false);
	devtree_free(root);
}

void guest_create_boot_guests(void)
{
	struct devtree_node *node =
		devtree_find_path(devtree_host_root(), "/guests");

	if (node)
		create_all_in(node, false);
	create_chosen_guests();
	bundle_for_each(autostart_bundle_dtb, NULL);
}
