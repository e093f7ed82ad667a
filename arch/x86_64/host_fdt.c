// SPDX-License-Identifier: GPL-2.0
/*
 * The host device tree from ACPI and PVH (host_fdt.h). Written with the
 * sequential writer before Keel has a heap: keel_main() takes it as the
 * other arches take the tree their firmware passes.
 */
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/printf.h>
#include <keel/string.h>

#include "host_fdt.h"

#define LAPIC_WINDOW 0x1000
#define IOAPIC_WINDOW 0x1000
#define HPET_WINDOW 0x400
#define ECAM_BUS_WINDOW (1ULL << 20)
#define COM1_PORTS 8
#define COM1_CLOCK 1843200
/* ISA unit addresses: "i" and the port for I/O space. */
#define COM1_NODE "serial@i3f8"
#define RTC_NODE "rtc@i70"
#define RTC_PORT 0x70
#define RTC_PORTS 2
#define ISA_SPACE_IO 1 /* the first cell of an ISA address */
#define PHANDLE_LAPIC 1
#define PHANDLE_IOAPIC0 2

/* MPS INTI flags (MADT interrupt source override), ACPI 6.4 5.2.12.5. */
#define INTI_POLARITY(f) ((f)&3U)
#define INTI_TRIGGER(f) (((f) >> 2) & 3U)
#define INTI_ACTIVE_LOW 3U
#define INTI_LEVEL 3U

struct writer {
	void *fdt;
	int err; /* the first error; every later call does nothing */
};

static void check(struct writer *w, int ret)
{
	if (!w->err && ret < 0)
		w->err = ret;
}

static void begin(struct writer *w, const char *name)
{
	if (!w->err)
		check(w, kfdt_begin_node(w->fdt, name));
}

/* A node named <what>@<unit address in hex>. */
static void begin_at(struct writer *w, const char *what, u64 unit)
{
	char name[48];

	snprintf(name, sizeof(name), "%s@%llx", what, (unsigned long long)unit);
	begin(w, name);
}

static void end(struct writer *w)
{
	if (!w->err)
		check(w, kfdt_end_node(w->fdt));
}

static void prop(struct writer *w, const char *name, const void *v, int len)
{
	if (!w->err)
		check(w, kfdt_property(w->fdt, name, v, len));
}

static void prop_string(struct writer *w, const char *name, const char *s)
{
	prop(w, name, s, (int)strlen(s) + 1);
}

static void prop_cells(struct writer *w, const char *name, const u32 *cells,
		       unsigned int n)
{
	u32 be[8];

	for (unsigned int i = 0; i < n; i++)
		be[i] = cpu_to_kfdt32(cells[i]);
	prop(w, name, be, (int)(n * sizeof(u32)));
}

static void prop_u32(struct writer *w, const char *name, u32 v)
{
	prop_cells(w, name, &v, 1);
}

static void prop_u64(struct writer *w, const char *name, u64 v)
{
	u32 cells[2] = { (u32)(v >> 32), (u32)v };

	prop_cells(w, name, cells, 2);
}

/* A reg of one <address size> pair, both two cells. */
static void prop_reg(struct writer *w, u64 base, u64 size)
{
	u32 cells[4] = { (u32)(base >> 32), (u32)base, (u32)(size >> 32),
			 (u32)size };

	prop_cells(w, "reg", cells, 4);
}

static void prop_gas(struct writer *w, const char *name,
		     const struct acpi_gas *g)
{
	u32 cells[4] = { g->space, g->bit_width, (u32)(g->address >> 32),
			 (u32)g->address };

	prop_cells(w, name, cells, 4);
}

void x86_isa_irq(const struct acpi_machine *m, unsigned int isa_irq, u32 *gsi,
		 u32 *flags)
{
	bool low = false, level = false; /* ISA: edge, active high */

	*gsi = isa_irq;
	for (unsigned int i = 0; i < m->nr_overrides; i++) {
		const struct acpi_override *o = &m->overrides[i];

		if (o->bus || o->source != isa_irq)
			continue;
		*gsi = o->gsi;
		/* 0 is "conforms to the bus": ISA's edge, active high. */
		low = INTI_POLARITY(o->flags) == INTI_ACTIVE_LOW;
		level = INTI_TRIGGER(o->flags) == INTI_LEVEL;
	}
	if (level)
		*flags = low ? X86_IRQ_LEVEL_LOW : X86_IRQ_LEVEL_HIGH;
	else
		*flags = low ? X86_IRQ_EDGE_FALLING : X86_IRQ_EDGE_RISING;
}

/* The I/O APIC a GSI belongs to: the one with the highest base below it. */
static int ioapic_for_gsi(const struct acpi_machine *m, u32 gsi)
{
	int best = -1;

	for (unsigned int i = 0; i < m->nr_ioapics; i++)
		if (m->ioapics[i].gsi_base <= gsi &&
		    (best < 0 ||
		     m->ioapics[i].gsi_base > m->ioapics[best].gsi_base))
			best = (int)i;
	return best;
}

static void write_chosen(struct writer *w, const struct pvh_boot *b)
{
	begin(w, "chosen");
	if (b->cmdline[0])
		prop_string(w, "bootargs", b->cmdline);
	prop_string(w, "stdout-path", "/isa/" COM1_NODE);
	if (b->has_initrd) {
		prop_u64(w, "linux,initrd-start", b->initrd_base);
		prop_u64(w, "linux,initrd-end",
			 b->initrd_base + b->initrd_size);
	}
	end(w);
}

static void write_memory(struct writer *w, const struct pvh_boot *b)
{
	u32 cells[4 * PVH_MAX_RAM];
	unsigned int n = 0;

	for (unsigned int i = 0; i < b->nr_ram; i++) {
		cells[n++] = cpu_to_kfdt32((u32)(b->ram[i].base >> 32));
		cells[n++] = cpu_to_kfdt32((u32)b->ram[i].base);
		cells[n++] = cpu_to_kfdt32((u32)(b->ram[i].size >> 32));
		cells[n++] = cpu_to_kfdt32((u32)b->ram[i].size);
	}
	begin_at(w, "memory", b->ram[0].base);
	prop_string(w, "device_type", "memory");
	prop(w, "reg", cells, (int)(n * sizeof(u32)));
	end(w);
}

static void write_cpus(struct writer *w, const struct acpi_machine *m)
{
	begin(w, "cpus");
	prop_u32(w, "#address-cells", 1);
	prop_u32(w, "#size-cells", 0);
	for (unsigned int i = 0; i < m->nr_cpus; i++) {
		begin_at(w, "cpu", m->cpus[i].apic_id);
		prop_string(w, "device_type", "cpu");
		prop_u32(w, "reg", m->cpus[i].apic_id);
		if (!m->cpus[i].enabled)
			prop_string(w, "status", "disabled");
		end(w);
	}
	end(w);
}

static void write_interrupt_controllers(struct writer *w,
					const struct acpi_machine *m)
{
	begin_at(w, "interrupt-controller", m->lapic_base);
	prop_string(w, "compatible", "keel,x86-lapic");
	prop_reg(w, m->lapic_base, LAPIC_WINDOW);
	prop(w, "interrupt-controller", NULL, 0);
	prop_u32(w, "#interrupt-cells", 1);
	prop_u32(w, "phandle", PHANDLE_LAPIC);
	end(w);
	for (unsigned int i = 0; i < m->nr_ioapics; i++) {
		const struct acpi_ioapic *io = &m->ioapics[i];

		begin_at(w, "interrupt-controller", io->address);
		prop_string(w, "compatible", "keel,x86-ioapic");
		prop_reg(w, io->address, IOAPIC_WINDOW);
		prop(w, "interrupt-controller", NULL, 0);
		prop_u32(w, "#interrupt-cells", 2);
		prop_u32(w, "keel,apic-id", io->id);
		prop_u32(w, "keel,gsi-base", io->gsi_base);
		prop_u32(w, "interrupt-parent", PHANDLE_LAPIC);
		prop_u32(w, "phandle", PHANDLE_IOAPIC0 + i);
		end(w);
	}
}

static void write_hpet_and_pci(struct writer *w, const struct acpi_machine *m)
{
	if (m->has_hpet) {
		begin_at(w, "timer", m->hpet_base);
		prop_string(w, "compatible", "keel,x86-hpet");
		prop_reg(w, m->hpet_base, HPET_WINDOW);
		end(w);
	}
	for (unsigned int i = 0; i < m->nr_mcfg; i++) {
		const struct acpi_mcfg *c = &m->mcfg[i];
		u64 buses = (u64)c->bus_end - c->bus_start + 1;
		u32 range[2] = { c->bus_start, c->bus_end };

		begin_at(w, "pcie", c->base + c->bus_start * ECAM_BUS_WINDOW);
		prop_string(w, "compatible", "pci-host-ecam-generic");
		prop_string(w, "device_type", "pci");
		prop_reg(w, c->base + c->bus_start * ECAM_BUS_WINDOW,
			 buses * ECAM_BUS_WINDOW);
		prop_cells(w, "bus-range", range, 2);
		prop_u32(w, "linux,pci-domain", c->segment);
		prop_u32(w, "#address-cells", 3);
		prop_u32(w, "#size-cells", 2);
		end(w);
	}
}

static void write_isa(struct writer *w, const struct acpi_machine *m)
{
	u32 reg[3] = { ISA_SPACE_IO, X86_COM1_PORT, COM1_PORTS };
	u32 rtc_reg[3] = { ISA_SPACE_IO, RTC_PORT, RTC_PORTS };
	u32 irq[2];
	int ioapic;

	x86_isa_irq(m, X86_COM1_ISA_IRQ, &irq[0], &irq[1]);
	ioapic = ioapic_for_gsi(m, irq[0]);
	begin(w, "isa");
	prop_string(w, "compatible", "isa");
	prop_u32(w, "#address-cells", 2);
	prop_u32(w, "#size-cells", 1);
	begin(w, COM1_NODE);
	prop_string(w, "compatible", "ns16550a");
	prop_cells(w, "reg", reg, 3);
	prop_u32(w, "clock-frequency", COM1_CLOCK);
	if (ioapic >= 0) {
		/* Specifiers are GSIs, whichever I/O APIC serves them. */
		prop_u32(w, "interrupt-parent", PHANDLE_IOAPIC0 + (u32)ioapic);
		prop_cells(w, "interrupts", irq, 2);
	}
	end(w);
	/* The CMOS clock every PC has: the host's date (cmos-rtc). */
	begin(w, RTC_NODE);
	prop_string(w, "compatible", "motorola,mc146818");
	prop_cells(w, "reg", rtc_reg, 3);
	end(w);
	end(w);
}

/* Reset and power-off as the FADT and \_S5 say, when they do. */
static void write_power(struct writer *w, const struct acpi_machine *m)
{
	if (!m->has_fadt)
		return;
	begin(w, "acpi-pm");
	prop_string(w, "compatible", "keel,acpi-pm");
	if (m->reset_supported) {
		prop_gas(w, "reset-reg", &m->reset_reg);
		prop_u32(w, "reset-value", m->reset_value);
	}
	if (m->pm1a_cnt.address)
		prop_gas(w, "pm1a-cnt", &m->pm1a_cnt);
	if (m->pm1b_cnt.address)
		prop_gas(w, "pm1b-cnt", &m->pm1b_cnt);
	if (m->has_s5) {
		u32 typ[2] = { m->s5_slp_typ_a, m->s5_slp_typ_b };

		prop_cells(w, "s5-slp-typ", typ, 2);
	}
	prop_u32(w, "sci", m->sci_irq);
	end(w);
}

static unsigned int enabled_cpus(const struct acpi_machine *m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < m->nr_cpus; i++)
		n += m->cpus[i].enabled;
	return n;
}

int x86_host_fdt_build(const struct acpi_machine *m, const struct pvh_boot *b,
		       void *buf, size_t size, char *why, size_t why_size)
{
	struct writer w = { buf, 0 };

	if (!m->has_madt || !enabled_cpus(m)) {
		snprintf(why, why_size, "ACPI: %s",
			 m->has_madt ? "no enabled CPU in the MADT" :
				       "no MADT (no CPUs or APICs described)");
		return -EINVAL;
	}
	if (!b->nr_ram) {
		snprintf(why, why_size, "PVH: no RAM");
		return -EINVAL;
	}
	check(&w, kfdt_create(buf, size > INT32_MAX ? INT32_MAX : (int)size));
	if (!w.err)
		check(&w, kfdt_finish_reservemap(buf));
	begin(&w, "");
	prop_u32(&w, "#address-cells", 2);
	prop_u32(&w, "#size-cells", 2);
	prop_string(&w, "compatible", "keel,x86-pc");
	prop_string(&w, "model", "x86 PC (described by ACPI)");
	write_chosen(&w, b);
	write_memory(&w, b);
	write_cpus(&w, m);
	write_interrupt_controllers(&w, m);
	write_hpet_and_pci(&w, m);
	write_isa(&w, m);
	write_power(&w, m);
	end(&w);
	if (!w.err)
		check(&w, kfdt_finish(buf));
	if (w.err) {
		snprintf(why, why_size, "host device tree: %s (%zu bytes)",
			 kfdt_strerror(w.err), size);
		return w.err == -KFDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
	}
	return 0;
}
