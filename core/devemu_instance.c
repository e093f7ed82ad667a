// SPDX-License-Identifier: GPL-2.0
/*
 * An emulated device's life as core runs it: what every emulator would
 * otherwise repeat in its probe and remove (the minimum register window,
 * allocating, zeroing and freeing its private state) is done here, once.
 * Apart from devemu.c's registry and guest services, so that emulators'
 * host unit tests set their instances up with this very code.
 */
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/timer.h>

int devemu_probe(struct devemu_instance *inst, const struct devtree_node *node)
{
	const struct emulator *emu = inst->emu;
	int err;

	if (inst->size < emu->min_window) {
		devemu_error(inst,
			     "register window of %#llx bytes is too small: "
			     "the %s emulator needs %#llx",
			     (unsigned long long)inst->size, emu->name,
			     (unsigned long long)emu->min_window);
		return -EINVAL;
	}
	if (emu->priv_size) {
		inst->priv = keel_zalloc(emu->priv_size);
		if (!inst->priv) {
			devemu_error(inst, "out of memory");
			return -ENOMEM;
		}
	}
	err = emu->probe ? emu->probe(inst, node) : 0;
	if (err && emu->priv_size) {
		keel_free(inst->priv);
		inst->priv = NULL;
	}
	return err;
}

void devemu_remove(struct devemu_instance *inst)
{
	const struct emulator *emu = inst->emu;
	unsigned long flags;
	void *priv;

	if (!emu)
		return; /* never probed: nothing to undo */
	/*
	 * Taken before remove: an emulator whose timer callback looks at
	 * inst->priv clears it under the lock itself, so that a callback
	 * waiting for the lock finds nothing to re-arm.
	 */
	priv = inst->priv;
	if (emu->remove)
		emu->remove(inst);
	spin_lock_irqsave(&inst->lock, flags);
	inst->priv = NULL;
	spin_unlock_irqrestore(&inst->lock, flags);
	if (emu->priv_size)
		keel_free(priv);
}

void devemu_remove_timer(struct devemu_instance *inst, struct timer_event *ev)
{
	unsigned long flags;

	spin_lock_irqsave(&inst->lock, flags);
	timer_event_cancel_nowait(ev);
	inst->priv = NULL;
	spin_unlock_irqrestore(&inst->lock, flags);
	/* A callback that was waiting for the lock has seen no state. */
	timer_event_cancel(ev);
}
