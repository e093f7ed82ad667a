/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the three files that make a guest share, and nothing outside
 * them needs: guest.c (life cycle and the registry) builds a guest with
 * guest_config.c (the description: vCPUs and the machine node's memory,
 * ROMs, pass-through ranges and devices) and guest_load.c (kernel, initrd
 * and the guest's device tree in its RAM).
 */
#ifndef CORE_GUEST_PRIV_H
#define CORE_GUEST_PRIV_H

#include <keel/types.h>

struct guest;
struct devtree_node;

/*
 * Report a problem with a guest's description: "guest <name>: <node>:
 * <message>", or without the node when it is NULL (the guest node itself).
 */
void guest_config_error(const struct guest *g, const struct devtree_node *node,
			const char *fmt, ...) __printf(3, 4);

/*
 * The description's "vcpus" and "vcpu-affinity": sets g->nr_vcpus and
 * fills affinity[0 .. nr_vcpus) with host CPU masks.
 */
int guest_config_vcpus(struct guest *g, u64 *affinity);
/*
 * The guest's address space and devices from its "machine" node: RAM,
 * ROMs, pass-through ranges and emulated devices, in node order. The
 * guest's second stage must be set up (arch_guest_init()) first.
 */
int guest_config_machine(struct guest *g, const struct devtree_node *machine);

/*
 * Put kernel, initrd and the guest's device tree into its RAM and set
 * g->entry and g->boot_arg; at creation (after the vCPUs, which the
 * device tree lists) and again at every start after a halt or reset.
 */
int guest_load_images(struct guest *g);

#endif
