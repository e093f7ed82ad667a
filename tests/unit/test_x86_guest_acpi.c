// SPDX-License-Identifier: GPL-2.0
/*
 * An x86 guest's ACPI tables (arch/x86_64/guest_acpi.c), read back with
 * Keel's own reader (arch/x86_64/acpi.c) through the XSDT and through
 * the RSDT, and disassembled one by one with ACPICA's iasl, the
 * reference implementation, whose complaints (a checksum, a length, a
 * field it cannot parse, AML it cannot decode) fail the test; the DSDT
 * it prints must compile again. Then every buffer too small, and the
 * machines that cannot be described.
 */
#include "unit.h"

#include <keel/bitops.h>
#include <keel/errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../arch/x86_64/acpi.h"
#include "../../arch/x86_64/guest_acpi.h"

#define BASE 0xe0000ULL

static u8 buf[16384];
static size_t used;
static u64 rsdp;
static char why[160];

static const struct x86_guest_acpi pc = {
	.nr_cpus = 4,
	.lapic_base = 0xfee00000,
	.ioapic_base = 0xfec00000,
	.ioapic_id = 0,
	.pic = true,
	.sci_irq = 9,
	.pm1a_evt = 0x600,
	.pm1a_cnt = 0x604,
	.pm_tmr = 0x608,
	.reset_port = 0xcf9,
	.reset_value = 0x06,
	.s5_slp_typ = 5,
	.nr_virtio = 2,
	.virtio = { { 0xfe200000, 0x1000, 16, true, false },
		    { 0xfe201000, 0x200, 17, false, true } },
};

static const void *map(void *ctx, u64 phys, size_t len)
{
	(void)ctx;
	if (phys < BASE || len > used || phys - BASE > used - len)
		return NULL;
	return buf + (phys - BASE);
}

static const struct acpi_memory mem = { map, NULL };

static int build(const struct x86_guest_acpi *m, size_t size)
{
	why[0] = 0;
	return x86_guest_acpi_build(m, BASE, buf, size, &used, &rsdp, why,
				    sizeof(why));
}

static void check_machine(const struct acpi_machine *a, unsigned int cpus)
{
	CHECK_EQ(a->bad_tables, 0);
	if (a->bad_tables)
		printf("  %s\n", a->bad_why);
	CHECK(a->has_madt);
	CHECK_EQ(a->lapic_base, 0xfee00000);
	CHECK_EQ(a->nr_cpus, cpus);
	for (unsigned int i = 0; i < a->nr_cpus; i++) {
		CHECK_EQ(a->cpus[i].apic_id, i);
		CHECK_EQ(a->cpus[i].uid, i);
		CHECK(a->cpus[i].enabled && !a->cpus[i].x2apic);
	}
	CHECK_EQ(a->nr_ioapics, 1);
	CHECK_EQ(a->ioapics[0].address, 0xfec00000);
	CHECK_EQ(a->ioapics[0].gsi_base, 0);
	CHECK_EQ(a->nr_overrides, 2);
	CHECK_EQ(a->overrides[0].source, 0);
	CHECK_EQ(a->overrides[0].gsi, 2);
	CHECK_EQ(a->overrides[1].source, 9);
	CHECK_EQ(a->overrides[1].gsi, 9);
	CHECK_EQ(a->overrides[1].flags, 0xd);
	CHECK(!a->has_hpet);
	CHECK_EQ(a->nr_mcfg, 0);
	CHECK(a->has_fadt);
	CHECK_EQ(a->sci_irq, 9);
	CHECK_EQ(a->pm1a_cnt.space, ACPI_SPACE_IO);
	CHECK_EQ(a->pm1a_cnt.address, 0x604);
	CHECK_EQ(a->pm1a_cnt.bit_width, 16);
	CHECK_EQ(a->pm1b_cnt.address, 0);
	CHECK(a->reset_supported);
	CHECK_EQ(a->reset_reg.space, ACPI_SPACE_IO);
	CHECK_EQ(a->reset_reg.address, 0xcf9);
	CHECK_EQ(a->reset_value, 0x06);
	CHECK(a->has_s5);
	CHECK_EQ(a->s5_slp_typ_a, 5);
	CHECK_EQ(a->s5_slp_typ_b, 5);
}

UNIT_TEST(read_back_through_xsdt_and_rsdt)
{
	static struct acpi_machine a;
	u8 *p;
	u8 sum = 0;

	CHECK_EQ(build(&pc, sizeof(buf)), 0);
	CHECK_EQ(rsdp % 16, 0);
	CHECK_EQ(rsdp, BASE);
	CHECK_EQ(acpi_read_machine(&mem, rsdp, &a, why, sizeof(why)), 0);
	CHECK_EQ(a.revision, 2);
	check_machine(&a, 4);

	/* As an ACPI 1.0 reader sees it: revision 0, the RSDT. */
	p = buf + (rsdp - BASE);
	p[15] = 0;
	p[8] = 0;
	for (unsigned int i = 0; i < 20; i++)
		sum = (u8)(sum + p[i]);
	p[8] = (u8)-sum;
	memset(&a, 0, sizeof(a));
	CHECK_EQ(acpi_read_machine(&mem, rsdp, &a, why, sizeof(why)), 0);
	CHECK_EQ(a.revision, 0);
	check_machine(&a, 4);

	CHECK_EQ(build(&(struct x86_guest_acpi){ .nr_cpus = 64,
						 .lapic_base = 0xfee00000,
						 .ioapic_base = 0xfec00000,
						 .sci_irq = 9,
						 .pm1a_cnt = 0x604,
						 .reset_port = 0xcf9,
						 .reset_value = 0x06,
						 .s5_slp_typ = 5 },
		       sizeof(buf)),
		 0);
	memset(&a, 0, sizeof(a));
	CHECK_EQ(acpi_read_machine(&mem, rsdp, &a, why, sizeof(why)), 0);
	check_machine(&a, 64);
}

/* Run cmd; 0 and its output in out when it exited 0 and said no error. */
static int run(const char *cmd, char *out, size_t size)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0;
	int status;

	if (!f)
		return -1;
	while (n + 1 < size && fgets(out + n, (int)(size - n), f))
		n += strlen(out + n);
	out[n] = 0;
	status = pclose(f);
	return status;
}

static bool iasl_complains(const char *out)
{
	static const char *const words[] = { "Error",	  "Warning",
					     "Invalid",	  "incorrect",
					     "Could not", "Unknown",
					     "Remark" };

	for (unsigned int i = 0; i < ARRAY_SIZE(words); i++)
		if (strstr(out, words[i]))
			return true;
	return false;
}

/* Each table on its own, disassembled by ACPICA; the DSDT recompiled. */
UNIT_TEST(iasl_reads_every_table)
{
	static const char *const sigs[] = { "XSDT", "RSDT", "FACP",
					    "FACS", "DSDT", "APIC" };
	char dir[] = "/tmp/keel-acpi-XXXXXX", cmd[512], out[16384];
	unsigned int found = 0;

	CHECK_EQ(build(&pc, sizeof(buf)), 0);
	CHECK(mkdtemp(dir) != NULL);
	for (size_t off = 16; off + 8 <= used; off += 16) {
		const u8 *t = buf + off;
		char path[96];
		FILE *f;
		u32 len;
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(sigs) && memcmp(t, sigs[i], 4); i++)
			;
		if (i == ARRAY_SIZE(sigs))
			continue;
		len = le32_get(t + 4);
		CHECK(len <= used - off);
		snprintf(path, sizeof(path), "%s/%.4s.dat", dir, sigs[i]);
		f = fopen(path, "wb");
		CHECK(f != NULL);
		if (!f)
			continue;
		fwrite(t, 1, len, f);
		fclose(f);
		snprintf(cmd, sizeof(cmd), "cd %s && iasl -d %.4s.dat 2>&1",
			 dir, sigs[i]);
		CHECK_EQ(run(cmd, out, sizeof(out)), 0);
		if (iasl_complains(out)) {
			printf("  iasl on %.4s:\n%s\n", sigs[i], out);
			CHECK(!"iasl complained");
		}
		found |= 1U << i;
	}
	CHECK_EQ(found, (1U << ARRAY_SIZE(sigs)) - 1);
	/*
	 * The virtio devices as Linux's virtio_mmio driver looks for them:
	 * its _HID, the window, the GSI with its trigger, active high.
	 */
	snprintf(cmd, sizeof(cmd),
		 "cd %s && grep -c 'Name (_HID, \"LNRO0005\")' DSDT.dsl && "
		 "grep -A12 'Device (VR01)' DSDT.dsl | tr -s ' ' | "
		 "grep -e 0xFE201000 -e 0x00000200 -e 'Edge, ActiveLow' "
		 "-e 0x00000011 | wc -l",
		 dir);
	CHECK_EQ(run(cmd, out, sizeof(out)), 0);
	CHECK(!strcmp(out, "2\n4\n"));
	if (strcmp(out, "2\n4\n"))
		printf("  DSDT's virtio devices:\n%s\n", out);
	/* The disassembled DSDT compiles back, \_S5 and all. */
	snprintf(
		cmd, sizeof(cmd),
		"cd %s && grep -q '_S5' DSDT.dsl && iasl -p again DSDT.dsl 2>&1",
		dir);
	CHECK_EQ(run(cmd, out, sizeof(out)), 0);
	if (!strstr(out, "Compilation successful. 0 Errors, 0 Warnings")) {
		printf("  iasl compiling DSDT.dsl:\n%s\n", out);
		CHECK(!"the DSDT did not compile again cleanly");
	}
	if (getenv("KEEL_KEEP_ACPI"))
		printf("  tables and disassembly kept in %s\n", dir);
	else {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		CHECK_EQ(system(cmd), 0);
	}
}

UNIT_TEST(too_small_and_undescribable)
{
	size_t need;
	struct x86_guest_acpi m = pc;

	CHECK_EQ(build(&pc, sizeof(buf)), 0);
	need = used;
	for (size_t size = 0; size < need; size++)
		CHECK_EQ(build(&pc, size), -ENOSPC);
	CHECK(strstr(why, "do not fit") != NULL);
	CHECK_EQ(build(&pc, need), 0);

	m.nr_cpus = 0;
	CHECK_EQ(build(&m, sizeof(buf)), -EINVAL);
	CHECK(strstr(why, "0 vCPUs") != NULL);
	m.nr_cpus = GUEST_ACPI_MAX_CPUS + 1;
	CHECK_EQ(build(&m, sizeof(buf)), -EINVAL);
	m.nr_cpus = GUEST_ACPI_MAX_CPUS;
	CHECK_EQ(build(&m, sizeof(buf)), 0);
	m.nr_virtio = GUEST_ACPI_MAX_VIRTIO + 1;
	CHECK_EQ(build(&m, sizeof(buf)), -EINVAL);
	CHECK(strstr(why, "virtio devices") != NULL);
	m.nr_virtio = GUEST_ACPI_MAX_VIRTIO;
	CHECK_EQ(build(&m, sizeof(buf)), 0);
	CHECK_EQ(x86_guest_acpi_build(&pc, BASE + 8, buf, sizeof(buf), &used,
				      &rsdp, why, sizeof(why)),
		 -EINVAL);
	CHECK_EQ(x86_guest_acpi_build(&pc, 1ULL << 32, buf, sizeof(buf), &used,
				      &rsdp, why, sizeof(why)),
		 -EINVAL);
	CHECK(strstr(why, "4 GiB") != NULL);
}

UNIT_MAIN();
