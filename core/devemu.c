// SPDX-License-Identifier: GPL-2.0
/* The emulator registry and the services emulators use. */
#include <keel/devemu.h>
#include <keel/guest.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <keel/timer.h>

extern const struct emulator *const _emulators_start[], *const _emulators_end[];

static bool serves(const struct emulator *emu, const char *compat)
{
	for (const char *const *c = emu->compatible; c && *c; c++)
		if (!strcmp(*c, compat))
			return true;
	return false;
}

const struct emulator *devemu_find(const char *compatible)
{
	size_t n = LINKER_TABLE_COUNT(_emulators_start, _emulators_end);

	for (size_t i = 0; i < n; i++)
		if (serves(_emulators_start[i], compatible))
			return _emulators_start[i];
	return NULL;
}

void devemu_error(const struct devemu_instance *inst, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(KERN_ERR "guest %s: %s: %s\n",
	       inst->guest ? guest_name(inst->guest) : "?", inst->name, msg);
}

/*
 * Interrupt lines go to the guest's interrupt controller once one is
 * emulated; until then a raised line is only counted.
 */
void devemu_irq_set(struct devemu_instance *inst, unsigned int index,
		    bool level)
{
	if (index >= inst->nr_irqs || !inst->guest)
		return;
	guest_irq_set(inst->guest, inst->irqs[index], level);
}

static u64 wallclock_at_boot;

void devemu_set_wallclock(u64 seconds_now)
{
	wallclock_at_boot = seconds_now - timer_now_ns() / NSEC_PER_SEC;
}

/*
 * Seconds since 1970 as the host's real-time clock told at boot (0 plus
 * uptime when the host has none), advancing with Keel's own clock.
 */
u64 devemu_wallclock_seconds(void)
{
	return wallclock_at_boot + timer_now_ns() / NSEC_PER_SEC;
}
