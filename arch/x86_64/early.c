// SPDX-License-Identifier: GPL-2.0
/*
 * The boot CPU's first C code, on the 4 GiB identity map head.S built:
 * read what the PVH loader and the ACPI tables say about the machine,
 * write it as the device tree keel_main() expects (host_fdt.c), switch to
 * Keel's own page tables and descriptor tables, and return the tree.
 */
#include "acpi.h"
#include "host_fdt.h"
#include "pvh.h"
#include "x86_64.h"
#include <keel/fdt.h>
#include <keel/string.h>
#include <asm/pio.h>
#include <asm/x86.h>

/* What head.S maps before Keel's own tables. */
#define BOOT_MAP_LIMIT (4ULL << 30)
/* q35 with 8 CPUs needs under 4 KiB; room for many more CPUs and APICs. */
#define HOST_FDT_SIZE (64 * 1024)

#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20

static u8 host_fdt[HOST_FDT_SIZE] __aligned(8);
/* Large, and needed only once: not on the boot stack. */
static struct acpi_machine machine;
static struct pvh_boot boot;

static const void *map_boot(void *ctx, u64 phys, size_t len)
{
	if (phys >= BOOT_MAP_LIMIT || len > BOOT_MAP_LIMIT - phys)
		return NULL;
	return (const void *)(uintptr_t)phys;
}

static const struct acpi_memory boot_memory = { map_boot, NULL };

static void com1_putc(char c)
{
	for (unsigned int i = 0; i < 100000; i++)
		if (inb(X86_COM1_PORT + UART_LSR) & UART_LSR_THRE)
			break;
	outb((u8)c, X86_COM1_PORT + UART_THR);
}

static void com1_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			com1_putc('\r');
		com1_putc(*s);
	}
}

/*
 * Before the device tree exists there is no console driver; every PC has
 * its first serial port at 0x3f8 (the same one host_fdt.c describes), so
 * a reason to stop goes there.
 */
void __noreturn x86_early_fatal(const char *what)
{
	com1_puts("keel: cannot boot: ");
	com1_puts(what);
	com1_puts("\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

paddr_t x86_early_init(u32 start_info_pa)
{
	char why[128];

	x86_cpu_features_init();
	if (pvh_read_start_info(&boot_memory, start_info_pa, &boot, why,
				sizeof(why)))
		x86_early_fatal(why);
	if (!boot.rsdp)
		x86_early_fatal("PVH: the loader gave no ACPI RSDP");
	if (acpi_read_machine(&boot_memory, boot.rsdp, &machine, why,
			      sizeof(why)))
		x86_early_fatal(why);
	if (x86_host_fdt_build(&machine, &boot, host_fdt, sizeof(host_fdt), why,
			       sizeof(why)))
		x86_early_fatal(why);
	x86_mmu_init((paddr_t)(uintptr_t)host_fdt, sizeof(host_fdt));
	x86_cpu_tables_init(0);
	return (paddr_t)(uintptr_t)host_fdt;
}

void x86_secondary_init(unsigned int cpu)
{
	x86_cpu_features_init();
	x86_cpu_tables_init(cpu);
}
