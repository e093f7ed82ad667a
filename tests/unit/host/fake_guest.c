// SPDX-License-Identifier: GPL-2.0
/*
 * The fake guest, recorders, device tree and clock of fake_guest.h: one
 * implementation for every emulator test.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "fake_guest.h"

#include <keel/string.h>

/* ---- the guest and its vCPUs ---- */

struct guest fake_guest;
struct vcpu fake_vcpus[GUEST_MAX_VCPUS];
struct devtree_node fake_guest_config;
u64 fake_hwids[GUEST_MAX_VCPUS];

unsigned int fake_kicks[GUEST_MAX_VCPUS];
unsigned int fake_ipis_sent[GUEST_MAX_VCPUS];
spinlock_t *fake_kick_forbidden_lock;
bool fake_kick_asks_irqchip;
bool fake_irq_lines[FAKE_NR_IRQS];
unsigned int fake_irq_changes;
char fake_error_msg[256];
unsigned int fake_windows_added;
u64 fake_window_base, fake_window_size;
int fake_window_err;

#define FAKE_DT_ENTRIES 32

static struct fake_u32 {
	const struct devtree_node *node;
	const char *name;
	u32 value;
} dt_u32[FAKE_DT_ENTRIES];
static unsigned int nr_dt_u32;
static struct fake_string {
	const struct devtree_node *node;
	const char *name;
	const char *value;
} dt_str[FAKE_DT_ENTRIES];
static unsigned int nr_dt_str;

static struct fake_reg {
	const struct devtree_node *node;
	unsigned int index;
	u64 base, size;
} dt_reg[FAKE_DT_ENTRIES];
static unsigned int nr_dt_reg;

void fake_guest_init(const char *name, unsigned int nr_vcpus)
{
	memset(&fake_guest, 0, sizeof(fake_guest));
	memset(fake_vcpus, 0, sizeof(fake_vcpus));
	strlcpy(fake_guest.name, name, sizeof(fake_guest.name));
	fake_guest.config = &fake_guest_config;
	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++)
		fake_hwids[i] = i;
	memset(fake_kicks, 0, sizeof(fake_kicks));
	memset(fake_ipis_sent, 0, sizeof(fake_ipis_sent));
	fake_interrupts_completed = 0;
	fake_kick_forbidden_lock = NULL;
	fake_kick_asks_irqchip = false;
	memset(fake_irq_lines, 0, sizeof(fake_irq_lines));
	fake_irq_changes = 0;
	fake_error_msg[0] = '\0';
	fake_windows_added = 0;
	fake_window_base = 0;
	fake_window_size = 0;
	fake_window_err = 0;
	nr_dt_u32 = 0;
	nr_dt_str = 0;
	nr_dt_reg = 0;
	if (nr_vcpus)
		fake_dt_set_u32(&fake_guest_config, "vcpus", nr_vcpus);
}

void fake_guest_add_vcpus(unsigned int nr_vcpus)
{
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		fake_vcpus[i].index = i;
		fake_vcpus[i].guest = &fake_guest;
		fake_guest.vcpus[i] = &fake_vcpus[i];
	}
	fake_guest.nr_vcpus = nr_vcpus;
}

const char *guest_name(const struct guest *g)
{
	return g->name;
}

void guest_set_irqchip(struct guest *g, const struct guest_irqchip *chip,
		       void *priv)
{
	g->irqchip = chip;
	g->irqchip_priv = priv;
}

u64 arch_vcpu_hwid(const struct vcpu *v)
{
	return fake_hwids[v->index];
}

void vcpu_kick(struct vcpu *v)
{
	/* Kicks take the vCPU's own locks: never under the model's. */
	CHECK(!fake_kick_forbidden_lock ||
	      !spin_is_locked(fake_kick_forbidden_lock));
	CHECK(v->guest == &fake_guest);
	fake_kicks[v->index]++;
	if (fake_kick_asks_irqchip && fake_guest.irqchip)
		(void)fake_guest.irqchip->pending(fake_guest.irqchip_priv, v);
}

unsigned int fake_interrupts_completed;

void vcpu_interrupt_completed(void)
{
	/* It may switch threads: never under the model's lock. */
	CHECK(!fake_kick_forbidden_lock ||
	      !spin_is_locked(fake_kick_forbidden_lock));
	fake_interrupts_completed++;
}

void vcpu_ipi_sent(struct vcpu *v)
{
	/* It may switch threads: never under the model's lock. */
	CHECK(!fake_kick_forbidden_lock ||
	      !spin_is_locked(fake_kick_forbidden_lock));
	CHECK(v->guest == &fake_guest);
	fake_ipis_sent[v->index]++;
}

/* ---- what emulators report ---- */

void devemu_irq_set(struct devemu_instance *inst, unsigned int index,
		    bool level)
{
	unsigned int irq;

	/* Only ever a change, and only with the instance locked. */
	CHECK(index < inst->nr_irqs);
	CHECK(spin_is_locked(&inst->lock));
	if (index >= inst->nr_irqs)
		return;
	irq = inst->irqs[index];
	CHECK(irq < FAKE_NR_IRQS);
	if (irq >= FAKE_NR_IRQS)
		return;
	CHECK(level != fake_irq_lines[irq]);
	fake_irq_lines[irq] = level;
	fake_irq_changes++;
}

void devemu_error(const struct devemu_instance *inst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fake_error_msg, sizeof(fake_error_msg), fmt, ap);
	va_end(ap);
}

int devemu_add_window(struct devemu_instance *inst, u64 base, u64 size)
{
	fake_windows_added++;
	fake_window_base = base;
	fake_window_size = size;
	return fake_window_err;
}

/* Fake nodes have no ISA bus above them: the entry as it is. */
int devemu_read_reg(const struct devemu_instance *inst,
		    const struct devtree_node *node, unsigned int index,
		    u64 *base, u64 *size)
{
	return devtree_read_reg(node, index, base, size);
}

/* ---- the device tree ---- */

void fake_dt_set_u32(const struct devtree_node *node, const char *name,
		     u32 value)
{
	for (unsigned int i = 0; i < nr_dt_u32; i++) {
		if (dt_u32[i].node == node && !strcmp(dt_u32[i].name, name)) {
			dt_u32[i].value = value;
			return;
		}
	}
	if (nr_dt_u32 >= FAKE_DT_ENTRIES) {
		printf("  fake_dt_set_u32: table full\n");
		abort();
	}
	dt_u32[nr_dt_u32++] = (struct fake_u32){ node, name, value };
}

void fake_dt_set_string(const struct devtree_node *node, const char *name,
			const char *value)
{
	for (unsigned int i = 0; i < nr_dt_str; i++) {
		if (dt_str[i].node == node && !strcmp(dt_str[i].name, name)) {
			dt_str[i].value = value;
			return;
		}
	}
	if (nr_dt_str >= FAKE_DT_ENTRIES) {
		printf("  fake_dt_set_string: table full\n");
		abort();
	}
	dt_str[nr_dt_str++] = (struct fake_string){ node, name, value };
}

int devtree_prop_read_string(const struct devtree_node *node, const char *name,
			     const char **out)
{
	for (unsigned int i = 0; i < nr_dt_str; i++) {
		if (dt_str[i].node == node && !strcmp(dt_str[i].name, name)) {
			*out = dt_str[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

/* A property is there when fake_dt_set_string() set it ("" for a flag). */
struct devtree_prop *devtree_prop_find(const struct devtree_node *node,
				       const char *name)
{
	static struct devtree_prop found;
	const char *value;

	return devtree_prop_read_string(node, name, &value) ? NULL : &found;
}

/* A string list of one entry, as fake_dt_set_string() gives them. */
int devtree_prop_read_string_index(const struct devtree_node *node,
				   const char *name, unsigned int index,
				   const char **out)
{
	if (index)
		return -ENOENT;
	return devtree_prop_read_string(node, name, out);
}

void fake_dt_set_reg(const struct devtree_node *node, unsigned int index,
		     u64 base, u64 size)
{
	for (unsigned int i = 0; i < nr_dt_reg; i++) {
		if (dt_reg[i].node == node && dt_reg[i].index == index) {
			dt_reg[i].base = base;
			dt_reg[i].size = size;
			return;
		}
	}
	if (nr_dt_reg >= FAKE_DT_ENTRIES) {
		printf("  fake_dt_set_reg: table full\n");
		abort();
	}
	dt_reg[nr_dt_reg++] = (struct fake_reg){ node, index, base, size };
}

int devtree_prop_read_u32(const struct devtree_node *node, const char *name,
			  u32 *out)
{
	for (unsigned int i = 0; i < nr_dt_u32; i++) {
		if (dt_u32[i].node == node && !strcmp(dt_u32[i].name, name)) {
			*out = dt_u32[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

int devtree_read_reg(const struct devtree_node *node, unsigned int index,
		     u64 *addr, u64 *size)
{
	for (unsigned int i = 0; i < nr_dt_reg; i++) {
		if (dt_reg[i].node == node && dt_reg[i].index == index) {
			*addr = dt_reg[i].base;
			*size = dt_reg[i].size;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- instances ---- */

struct devemu_instance *fake_instance(const struct emulator *emu,
				      const char *name, u64 base, u64 size,
				      unsigned int irq)
{
	struct devemu_instance *inst = calloc(1, sizeof(*inst));

	if (!inst)
		abort();
	inst->emu = emu;
	inst->guest = &fake_guest;
	strlcpy(inst->name, name, sizeof(inst->name));
	inst->base = base;
	inst->size = size;
	if (irq != FAKE_NO_IRQ) {
		inst->irqs[0] = irq;
		inst->nr_irqs = 1;
	}
	spin_lock_init(&inst->lock);
	list_init(&inst->link);
	return inst;
}

void fake_destroy(struct devemu_instance *inst)
{
	devemu_remove(inst);
	CHECK(inst->priv == NULL);
	free(inst);
}

int fake_read(struct devemu_instance *inst, u64 offset, unsigned int size,
	      u64 *value)
{
	unsigned long flags;
	int err;

	spin_lock_irqsave(&inst->lock, flags);
	err = inst->emu->read(inst, offset, size, value);
	spin_unlock_irqrestore(&inst->lock, flags);
	return err;
}

int fake_write(struct devemu_instance *inst, u64 offset, unsigned int size,
	       u64 value)
{
	unsigned long flags;
	int err;

	spin_lock_irqsave(&inst->lock, flags);
	err = inst->emu->write(inst, offset, size, value);
	spin_unlock_irqrestore(&inst->lock, flags);
	return err;
}

void fake_reset(struct devemu_instance *inst)
{
	unsigned long flags;

	spin_lock_irqsave(&inst->lock, flags);
	inst->emu->reset(inst);
	spin_unlock_irqrestore(&inst->lock, flags);
}

void fake_line(unsigned int irq, bool level)
{
	CHECK(fake_guest.irqchip != NULL);
	if (fake_guest.irqchip)
		fake_guest.irqchip->set_line(fake_guest.irqchip_priv, irq,
					     level);
}

bool fake_pending(unsigned int cpu)
{
	const struct guest_irqchip *chip = fake_guest.irqchip;
	const volatile bool *out;
	bool pending;

	CHECK(chip != NULL);
	if (!chip)
		return false;
	pending = chip->pending(fake_guest.irqchip_priv, &fake_vcpus[cpu]);
	/* A controller that shows its output must show the same answer. */
	if (chip->output) {
		out = chip->output(fake_guest.irqchip_priv, &fake_vcpus[cpu]);
		CHECK(out != NULL);
		if (out)
			CHECK_EQ(*out, pending);
	}
	return pending;
}

/* ---- time ---- */

u64 fake_now_ns;
u64 fake_wall_base;
u64 fake_wall_phase_ns;
struct timer_event *fake_timer_queued;
unsigned int fake_timer_arms;

u64 timer_now_ns(void)
{
	return fake_now_ns;
}

u64 devemu_wallclock_seconds(void)
{
	return fake_wall_base +
	       (fake_now_ns + fake_wall_phase_ns) / NSEC_PER_SEC;
}

void fake_clock_set(u64 now_ns, u64 wall, u64 phase_ns)
{
	fake_now_ns = now_ns;
	fake_wall_phase_ns = phase_ns;
	fake_wall_base = wall - (now_ns + phase_ns) / NSEC_PER_SEC;
	fake_timer_queued = NULL;
	fake_timer_arms = 0;
}

void timer_event_init(struct timer_event *ev, timer_event_fn fn, void *arg)
{
	memset(ev, 0, sizeof(*ev));
	list_init(&ev->link);
	ev->fn = fn;
	ev->arg = arg;
	ev->cpu = -1;
}

/* One CPU's queue is all an emulator ever sees: one event at a time. */
void timer_event_arm(struct timer_event *ev, u64 deadline_ns)
{
	CHECK(fake_timer_queued == NULL || fake_timer_queued == ev);
	ev->deadline_ns = deadline_ns;
	ev->cpu = 0;
	fake_timer_queued = ev;
	fake_timer_arms++;
}

void timer_event_cancel(struct timer_event *ev)
{
	if (fake_timer_queued == ev)
		fake_timer_queued = NULL;
	ev->cpu = -1;
}

bool timer_event_armed(const struct timer_event *ev)
{
	return ev->cpu >= 0;
}

/* One CPU: nothing runs elsewhere to wait for. */
void timer_event_cancel_nowait(struct timer_event *ev)
{
	timer_event_cancel(ev);
}

void timer_event_set_nowait(struct timer_event *ev, u64 deadline_ns)
{
	if (!deadline_ns)
		timer_event_cancel(ev);
	else if (!timer_event_armed(ev) || ev->deadline_ns != deadline_ns)
		timer_event_arm(ev, deadline_ns);
}

void fake_clock_advance(u64 ns)
{
	u64 end = fake_now_ns + ns;

	while (fake_timer_queued && fake_timer_queued->deadline_ns <= end) {
		struct timer_event *ev = fake_timer_queued;

		if (ev->deadline_ns > fake_now_ns)
			fake_now_ns = ev->deadline_ns;
		fake_timer_queued = NULL;
		ev->cpu = -1;
		ev->fn(ev);
	}
	fake_now_ns = end;
}
