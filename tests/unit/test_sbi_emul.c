// SPDX-License-Identifier: GPL-2.0
/*
 * arch/riscv/sbi_emul.c, called as the riscv vCPU code calls it: a
 * guest's a0-a7 in, the answer in a0 (error) and a1 (value) and the exit
 * core must handle out. Everything it asks of the rest of Keel is faked
 * here: one guest with four vCPUs whose hart ids have holes (0, 1, 3, 6),
 * guest memory (an emulated UART, a ROM, two adjacent RAM blocks), a
 * console port that records what reaches it, and recorders of the timer,
 * IPIs, fences and vCPU starts the SBI asks for.
 *
 * The expected IDs and error codes are the RISC-V SBI specification
 * v2.0's, written out here rather than taken from sbi_emul.c, so that
 * its constants are checked too.
 */
#include "unit.h"
#include <string.h>

#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/vserial.h>

#include "../../arch/riscv/sbi_emul.h"
#include "../../arch/riscv/vhart.h"

/* ---- the specification's numbers ---- */

#define SBI_SUCCESS 0
#define SBI_ERR_FAILED (-1)
#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_INVALID_PARAM (-3)
#define SBI_ERR_INVALID_ADDRESS (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

#define EID_LEGACY_PUTCHAR 0x01UL
#define EID_LEGACY_SHUTDOWN 0x08UL
#define EID_BASE 0x10UL
#define EID_TIME 0x54494d45UL /* "TIME" */
#define EID_IPI 0x735049UL /* "sPI" */
#define EID_RFENCE 0x52464e43UL /* "RFNC" */
#define EID_HSM 0x48534dUL /* "HSM" */
#define EID_SRST 0x53525354UL /* "SRST" */
#define EID_PMU 0x504d55UL /* "PMU" */
#define EID_DBCN 0x4442434eUL /* "DBCN" */
#define EID_SUSP 0x53555350UL /* "SUSP" */
#define EID_CPPC 0x43505043UL /* "CPPC" */
#define EID_NACL 0x4e41434cUL /* "NACL" */
#define EID_STA 0x535441UL /* "STA" */
#define EID_KEEL 0x0a4b454cUL /* firmware-specific range, "KEL" */

enum {
	BASE_SPEC_VERSION,
	BASE_IMPL_ID,
	BASE_IMPL_VERSION,
	BASE_PROBE,
	BASE_MVENDORID,
	BASE_MARCHID,
	BASE_MIMPID
};
enum {
	RFENCE_FENCE_I,
	RFENCE_SFENCE_VMA,
	RFENCE_SFENCE_VMA_ASID,
	RFENCE_HFENCE_GVMA_VMID,
	RFENCE_HFENCE_GVMA,
	RFENCE_HFENCE_VVMA_ASID,
	RFENCE_HFENCE_VVMA
};
enum { HSM_START, HSM_STOP, HSM_GET_STATUS, HSM_SUSPEND };
enum { HSM_STARTED, HSM_STOPPED };
enum { DBCN_WRITE, DBCN_READ, DBCN_WRITE_BYTE };
enum { SRST_SHUTDOWN, SRST_COLD_REBOOT, SRST_WARM_REBOOT };
enum { SRST_NO_REASON, SRST_SYSTEM_FAILURE };

#define ALL_HARTS (~0UL) /* hart_mask_base -1: hart_mask is ignored */

/* ---- the guest and its vCPUs ---- */

#define NR_VCPUS 4
static const u64 hart_ids[NR_VCPUS] = { 0, 1, 3, 6 };

static struct guest guest;
static struct vcpu vcpus[NR_VCPUS];
static struct devtree_node config;

u64 arch_vcpu_hwid(const struct vcpu *v)
{
	return hart_ids[v->index];
}

const char *guest_name(const struct guest *g)
{
	return g->name;
}

struct vcpu *vcpu_find_by_hwid(struct guest *g, u64 hwid)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		if (arch_vcpu_hwid(g->vcpus[i]) == hwid)
			return g->vcpus[i];
	return NULL;
}

/* vcpu_power_on(): the calls, the last one, and an error to inject. */
static unsigned int power_on_calls;
static struct vcpu *power_on_vcpu;
static u64 power_on_entry, power_on_arg;
static int power_on_err;

int vcpu_power_on(struct vcpu *v, u64 entry, u64 arg)
{
	power_on_calls++;
	if (power_on_err)
		return power_on_err;
	if (v->state != VCPU_OFF)
		return -EALREADY;
	power_on_vcpu = v;
	power_on_entry = entry;
	power_on_arg = arg;
	v->state = VCPU_RUNNING;
	return 0;
}

/* ---- guest memory ---- */

#define UART_BASE 0x10000000UL
#define ROM_BASE 0x20000000UL
#define RAM_BASE 0x80000000UL
#define BLOCK 0x1000UL /* each RAM block, and the ROM */
#define RAM_END (RAM_BASE + 2 * BLOCK)

static char rom[BLOCK], ram[2 * BLOCK];
/*
 * How many more guest_memory_read() calls (aspace_read() underneath)
 * succeed; -1: all of them.
 */
static int memory_reads_left;

static void add_region(u64 gpa, u64 size, enum region_type type, void *host)
{
	struct region *r = &guest.aspace.regions[guest.aspace.nr++];

	*r = (struct region){
		.gpa = gpa, .size = size, .type = type, .host = host
	};
}

struct region *aspace_find(struct aspace *as, u64 gpa)
{
	for (unsigned int i = 0; i < as->nr; i++)
		if (gpa >= as->regions[i].gpa &&
		    gpa - as->regions[i].gpa < as->regions[i].size)
			return &as->regions[i];
	return NULL;
}

int aspace_read(struct aspace *as, u64 gpa, void *dst, size_t len)
{
	char *to = dst;

	if (!memory_reads_left)
		return -EFAULT;
	if (memory_reads_left > 0)
		memory_reads_left--;
	while (len) {
		struct region *r = aspace_find(as, gpa);
		size_t n;

		if (!r || (r->type != REGION_RAM && r->type != REGION_ROM))
			return -EFAULT;
		n = MIN(len, r->gpa + r->size - gpa);
		memcpy(to, (char *)r->host + (gpa - r->gpa), n);
		gpa += n;
		to += n;
		len -= n;
	}
	return 0;
}

/* ---- the console ---- */

#define CONSOLE "serial@10000000"
#define PORT_NAME "vm1/" CONSOLE

static const char *console_prop; /* the guest's "console"; NULL: none */
static bool have_port; /* vserial_find(PORT_NAME) finds the port */
static struct vserial port;
static char looked_up[VSERIAL_NAME_LEN];
static char out[1024];
static size_t out_len;
static unsigned int output_calls;

int devtree_prop_read_string(const struct devtree_node *node, const char *name,
			     const char **value)
{
	CHECK(node == &config);
	if (node != &config || strcmp(name, "console") || !console_prop)
		return -ENOENT;
	*value = console_prop;
	return 0;
}

struct vserial *vserial_find(const char *name)
{
	CHECK(name != NULL);
	if (!name)
		return NULL;
	snprintf(looked_up, sizeof(looked_up), "%s", name);
	return have_port && !strcmp(name, PORT_NAME) ? &port : NULL;
}

void vserial_output(struct vserial *vs, const char *buf, size_t len)
{
	CHECK(vs == &port);
	CHECK(len > 0);
	CHECK(out_len + len < sizeof(out));
	if (out_len + len >= sizeof(out))
		return;
	memcpy(out + out_len, buf, len);
	out_len += len;
	output_calls++;
}

/* ---- what the SBI asks of the vCPU code ---- */

static unsigned int timer_calls;
static struct vcpu *timer_vcpu;
static u64 timer_value;
static unsigned int ipis[NR_VCPUS], ipi_total;
static unsigned int icache_fences[NR_VCPUS], tlb_fences[NR_VCPUS], fences;

void riscv_vcpu_set_timer(struct vcpu *v, u64 guest_time)
{
	timer_calls++;
	timer_vcpu = v;
	timer_value = guest_time;
}

static bool suspended[NR_VCPUS];
static bool resume_set;
static u64 resume_addr, resume_opaque;

void riscv_vcpu_suspend(struct vcpu *v, bool non_retentive, u64 addr,
			u64 opaque)
{
	suspended[v - vcpus] = true;
	resume_set = non_retentive;
	resume_addr = addr;
	resume_opaque = opaque;
}

bool riscv_vcpu_suspended(struct vcpu *target)
{
	return suspended[target - vcpus];
}

/* The directed-yield hint comes once per IPI, before the IPI itself. */
static unsigned int ipi_hints[NR_VCPUS];

void vcpu_ipi_sent(struct vcpu *target)
{
	CHECK(target >= vcpus && target < vcpus + NR_VCPUS);
	ipi_hints[target - vcpus]++;
}

void riscv_vcpu_send_ipi(struct vcpu *target)
{
	CHECK(target >= vcpus && target < vcpus + NR_VCPUS);
	CHECK_EQ(ipi_hints[target - vcpus], ipis[target - vcpus] + 1);
	ipis[target - vcpus]++;
	ipi_total++;
}

void riscv_vcpu_fence(struct vcpu *target, bool i_cache)
{
	CHECK(target >= vcpus && target < vcpus + NR_VCPUS);
	if (i_cache)
		icache_fences[target - vcpus]++;
	else
		tlb_fences[target - vcpus]++;
	fences++;
}

/* ---- a fresh machine for each test ---- */

static void setup(void)
{
	memset(&guest, 0, sizeof(guest));
	memset(vcpus, 0, sizeof(vcpus));
	memset(suspended, 0, sizeof(suspended));
	resume_set = false;
	resume_addr = resume_opaque = 0;
	snprintf(guest.name, sizeof(guest.name), "vm1");
	guest.config = &config;
	guest.nr_vcpus = NR_VCPUS;
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		vcpus[i].guest = &guest;
		vcpus[i].index = i;
		vcpus[i].state = i < 2 ? VCPU_RUNNING : VCPU_OFF;
		guest.vcpus[i] = &vcpus[i];
	}
	/* Sorted by address, as core keeps them. */
	add_region(UART_BASE, 0x100, REGION_EMULATED, NULL);
	add_region(ROM_BASE, BLOCK, REGION_ROM, rom);
	add_region(RAM_BASE, BLOCK, REGION_RAM, ram);
	add_region(RAM_BASE + BLOCK, BLOCK, REGION_RAM, ram + BLOCK);
	for (size_t i = 0; i < sizeof(ram); i++)
		ram[i] = (char)('a' + i % 26);
	memset(rom, 0, sizeof(rom));
	memory_reads_left = -1;

	power_on_calls = 0;
	power_on_vcpu = NULL;
	power_on_entry = power_on_arg = 0;
	power_on_err = 0;

	console_prop = CONSOLE;
	have_port = true;
	looked_up[0] = 0;
	out_len = 0;
	output_calls = 0;

	timer_calls = 0;
	timer_vcpu = NULL;
	timer_value = 0;
	memset(ipis, 0, sizeof(ipis));
	memset(ipi_hints, 0, sizeof(ipi_hints));
	memset(icache_fences, 0, sizeof(icache_fences));
	memset(tlb_fences, 0, sizeof(tlb_fences));
	ipi_total = fences = 0;
}

/* Nothing reached the timer, IPIs, fences, vCPU starts or the console. */
static void check_nothing_done(int line)
{
	if (timer_calls || ipi_total || fences || power_on_calls ||
	    output_calls || out_len) {
		printf("  line %d: something was done: timer %u ipis %u fences %u power_on %u output %u\n",
		       line, timer_calls, ipi_total, fences, power_on_calls,
		       output_calls);
		unit_current_failed = 1;
	}
}
#define CHECK_NOTHING_DONE() check_nothing_done(__LINE__)

/* ---- the call ---- */

static unsigned long a[8]; /* the guest's a0-a7 */
#define ERR ((long)a[0])
#define VAL (a[1])

/*
 * An ECALL from vcpus[cpu] with a7 = ext, a6 = fid and a0-a5 = args;
 * every register but a0 and a1 must come back as it was.
 */
static enum vcpu_exit_reason ecall(unsigned int cpu, unsigned long ext,
				   unsigned long fid, const unsigned long *args,
				   int line)
{
	enum vcpu_exit_reason exit;

	for (unsigned int i = 0; i < 6; i++)
		a[i] = args[i];
	a[6] = fid;
	a[7] = ext;
	exit = riscv_sbi_call(&vcpus[cpu], a);
	for (unsigned int i = 2; i < 6; i++)
		if (a[i] != args[i]) {
			printf("  line %d: a%u changed\n", line, i);
			unit_current_failed = 1;
		}
	if (a[6] != fid || a[7] != ext) {
		printf("  line %d: a6/a7 changed\n", line);
		unit_current_failed = 1;
	}
	return exit;
}

/* SBI(cpu, ext, fid, a0, a1, ...): the exit; a0 and a1 in ERR and VAL. */
#define SBI(cpu, ext, fid, ...)                                             \
	ecall((cpu), (ext), (fid), (const unsigned long[6]){ __VA_ARGS__ }, \
	      __LINE__)

/* A call that must answer error err, value val, and need nothing of core. */
#define CHECK_CALL(cpu, ext, fid, err, val, ...)                \
	do {                                                    \
		CHECK_EQ(SBI((cpu), (ext), (fid), __VA_ARGS__), \
			 VCPU_EXIT_HYPERCALL);                  \
		CHECK_EQ(ERR, (err));                           \
		CHECK_EQ(VAL, (val));                           \
	} while (0)

/* ---- BASE ---- */

UNIT_TEST(base_spec_version_is_2_0)
{
	setup();
	CHECK_CALL(0, EID_BASE, BASE_SPEC_VERSION, SBI_SUCCESS, 0x02000000, 0);
	/* Major in bits 30:24, minor in 23:0, bit 31 and up zero. */
	CHECK_EQ(VAL >> 24, 2);
	CHECK_EQ(VAL & 0xffffff, 0);
	CHECK_NOTHING_DONE();
}

UNIT_TEST(base_implementation_id_and_version)
{
	unsigned long id;

	setup();
	CHECK_CALL(0, EID_BASE, BASE_IMPL_ID, SBI_SUCCESS, VAL, 0);
	id = VAL;
	/* Not one of the registered implementations (0-11). */
	CHECK(id > 11);
	/*
	 * A firmware-specific extension's EID carries the implementation
	 * ID in its low 24 bits.
	 */
	CHECK_EQ(id & 0xffffff, EID_KEEL & 0xffffff);
	CHECK_EQ(SBI(0, EID_BASE, BASE_IMPL_VERSION, 0), VCPU_EXIT_HYPERCALL);
	CHECK_EQ(ERR, SBI_SUCCESS);
	CHECK(VAL != 0);
	/* The same from any hart. */
	CHECK_CALL(3, EID_BASE, BASE_IMPL_ID, SBI_SUCCESS, id, 0);
	CHECK_NOTHING_DONE();
}

UNIT_TEST(base_machine_ids_are_zero)
{
	setup();
	/* Garbage in the argument registers changes nothing. */
	CHECK_CALL(0, EID_BASE, BASE_MVENDORID, SBI_SUCCESS, 0, 0x55, 0x66);
	CHECK_CALL(1, EID_BASE, BASE_MARCHID, SBI_SUCCESS, 0, 0x55, 0x66);
	CHECK_CALL(0, EID_BASE, BASE_MIMPID, SBI_SUCCESS, 0, 0x55, 0x66);
	CHECK_NOTHING_DONE();
}

UNIT_TEST(base_probe_finds_each_supported_extension)
{
	static const unsigned long supported[] = {
		EID_BASE, EID_TIME, EID_IPI,  EID_RFENCE,
		EID_HSM,  EID_SRST, EID_DBCN, EID_KEEL,
	};

	setup();
	CHECK_EQ(SBI_EXT_KEEL, EID_KEEL);
	CHECK_EQ(SBI_KEEL_YIELD, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(supported); i++) {
		CHECK_CALL(0, EID_BASE, BASE_PROBE, SBI_SUCCESS, 1,
			   supported[i]);
		if (VAL != 1)
			printf("  extension 0x%lx not found\n", supported[i]);
	}
	CHECK_NOTHING_DONE();
}

UNIT_TEST(base_probe_misses_unsupported_extensions)
{
	static const unsigned long unsupported[] = {
		0x00, /* legacy set_timer */
		EID_LEGACY_PUTCHAR,
		EID_LEGACY_SHUTDOWN,
		0x0f,
		EID_PMU,
		EID_SUSP,
		EID_CPPC,
		EID_NACL,
		EID_STA,
		0x08000000, /* experimental */
		0x09000000, /* vendor */
		0x0a000000, /* another firmware's */
		EID_KEEL + 1,
		EID_KEEL | 1UL << 32,
		0xffffffffUL,
		~0UL,
	};

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(unsupported); i++) {
		CHECK_CALL(0, EID_BASE, BASE_PROBE, SBI_SUCCESS, 0,
			   unsupported[i]);
		if (VAL)
			printf("  extension 0x%lx found\n", unsupported[i]);
	}
	CHECK_NOTHING_DONE();
}

UNIT_TEST(base_unknown_functions_not_supported)
{
	setup();
	CHECK_CALL(0, EID_BASE, 7, SBI_ERR_NOT_SUPPORTED, 0, 0);
	CHECK_CALL(0, EID_BASE, 0x100, SBI_ERR_NOT_SUPPORTED, 0, EID_BASE);
	CHECK_CALL(0, EID_BASE, ~0UL, SBI_ERR_NOT_SUPPORTED, 0, 0);
	CHECK_NOTHING_DONE();
}

/* ---- unknown extensions and functions ---- */

UNIT_TEST(unknown_extensions_not_supported)
{
	static const unsigned long unknown[] = {
		0x00,	    EID_LEGACY_PUTCHAR,
		0x02,	    EID_LEGACY_SHUTDOWN,
		EID_PMU,    EID_SUSP,
		EID_CPPC,   EID_NACL,
		EID_STA,    0x09000000,
		0x0a000000, EID_KEEL + 1,
		0xffffffff, ~0UL,
	};

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(unknown); i++) {
		/* Plausible arguments of all kinds: none is acted on. */
		CHECK_CALL(0, unknown[i], 0, SBI_ERR_NOT_SUPPORTED, 0, 'x',
			   RAM_BASE, 0);
		CHECK_CALL(1, unknown[i], 1, SBI_ERR_NOT_SUPPORTED, 0, 1, 0);
	}
	CHECK_NOTHING_DONE();
	CHECK_EQ(vcpus[2].state, VCPU_OFF);
}

UNIT_TEST(unknown_functions_not_supported)
{
	static const struct {
		unsigned long eid, fid;
	} unknown[] = {
		{ EID_TIME, 1 },    { EID_TIME, ~0UL }, { EID_IPI, 1 },
		{ EID_RFENCE, 7 },  { EID_HSM, 4 },	{ EID_HSM, ~0UL },
		{ EID_SRST, 1 },    { EID_DBCN, 3 },	{ EID_KEEL, 1 },
		{ EID_KEEL, ~0UL },
	};

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(unknown); i++) {
		/* Arguments a known function would act on. */
		CHECK_CALL(0, unknown[i].eid, unknown[i].fid,
			   SBI_ERR_NOT_SUPPORTED, 0, 0xf, 0, 0);
		if (ERR != SBI_ERR_NOT_SUPPORTED)
			printf("  extension 0x%lx function 0x%lx answered\n",
			       unknown[i].eid, unknown[i].fid);
	}
	CHECK_NOTHING_DONE();
}

/* ---- TIME ---- */

UNIT_TEST(time_set_timer)
{
	setup();
	CHECK_CALL(1, EID_TIME, 0, SBI_SUCCESS, 0, 0x123456789abcdef0UL);
	CHECK_EQ(timer_calls, 1);
	CHECK(timer_vcpu == &vcpus[1]);
	CHECK_EQ(timer_value, 0x123456789abcdef0UL);
	/* "Infinitely far into the future": clears the interrupt only. */
	CHECK_CALL(0, EID_TIME, 0, SBI_SUCCESS, 0, ~0UL);
	CHECK_EQ(timer_calls, 2);
	CHECK(timer_vcpu == &vcpus[0]);
	CHECK_EQ(timer_value, ~0ULL);
	CHECK_EQ(ipi_total + fences + power_on_calls + output_calls, 0);
}

/* ---- IPI ---- */

/* The IPIs each vCPU got match want[], and none else. */
static void check_ipis(const unsigned int want[NR_VCPUS], int line)
{
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		if (ipis[i] != want[i]) {
			printf("  line %d: vcpu %u got %u IPIs, not %u\n", line,
			       i, ipis[i], want[i]);
			unit_current_failed = 1;
		}
	memset(ipis, 0, sizeof(ipis));
	memset(ipi_hints, 0, sizeof(ipi_hints));
	ipi_total = 0;
}
#define CHECK_IPIS(...) \
	check_ipis((const unsigned int[NR_VCPUS]){ __VA_ARGS__ }, __LINE__)

UNIT_TEST(ipi_mask_and_base)
{
	setup();
	/* Harts 0, 1 and 3 (the caller too). */
	CHECK_CALL(0, EID_IPI, 0, SBI_SUCCESS, 0, 0xb, 0);
	CHECK_IPIS(1, 1, 1, 0);
	/* Base 3: bits 0 and 3 are harts 3 and 6. */
	CHECK_CALL(0, EID_IPI, 0, SBI_SUCCESS, 0, 0x9, 3);
	CHECK_IPIS(0, 0, 1, 1);
	/* Base 1: harts 1, 3 and 6. */
	CHECK_CALL(2, EID_IPI, 0, SBI_SUCCESS, 0, 0x25, 1);
	CHECK_IPIS(0, 1, 1, 1);
	/* One hart, from the highest base that names one. */
	CHECK_CALL(1, EID_IPI, 0, SBI_SUCCESS, 0, 1, 6);
	CHECK_IPIS(0, 0, 0, 1);
	CHECK_EQ(timer_calls + fences + power_on_calls + output_calls, 0);
}

UNIT_TEST(ipi_base_minus_one_is_every_hart)
{
	setup();
	/* hart_mask is ignored: 0, one bit, or bits naming no hart. */
	CHECK_CALL(0, EID_IPI, 0, SBI_SUCCESS, 0, 0, ALL_HARTS);
	CHECK_IPIS(1, 1, 1, 1);
	CHECK_CALL(3, EID_IPI, 0, SBI_SUCCESS, 0, 1, ALL_HARTS);
	CHECK_IPIS(1, 1, 1, 1);
	CHECK_CALL(1, EID_IPI, 0, SBI_SUCCESS, 0, 0x4, ALL_HARTS);
	CHECK_IPIS(1, 1, 1, 1);
}

UNIT_TEST(ipi_empty_mask_sends_nothing)
{
	setup();
	CHECK_CALL(0, EID_IPI, 0, SBI_SUCCESS, 0, 0, 0);
	CHECK_CALL(0, EID_IPI, 0, SBI_SUCCESS, 0, 0, 3);
	CHECK_NOTHING_DONE();
}

UNIT_TEST(ipi_unknown_hart_sends_nothing)
{
	static const struct {
		unsigned long mask, base;
	} bad[] = {
		{ 0x7, 0 }, /* hart 2 is a hole */
		{ 0x4, 0 },
		{ 0x13, 0 }, /* hart 4 */
		{ 0x41, 1 }, /* hart 7: past the last */
		{ 1UL << 63 | 1, 0 },
		{ 0x3, 6 }, /* 6, then 7 */
		{ 1, 7 },
		{ 1, 1000 },
		{ 1, ALL_HARTS - 1 }, /* hart id -2 */
		{ 0x4, ALL_HARTS - 1 }, /* -2 + 2 wraps to hart 0: no */
		{ 1UL << 63, 1UL << 63 },
	};

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_CALL(0, EID_IPI, 0, SBI_ERR_INVALID_PARAM, 0, bad[i].mask,
			   bad[i].base);
		if (ERR != SBI_ERR_INVALID_PARAM)
			printf("  mask 0x%lx base 0x%lx accepted\n",
			       bad[i].mask, bad[i].base);
	}
	/* Valid harts named with a bad one: none of them gets one either. */
	CHECK_NOTHING_DONE();
}

/* ---- RFENCE ---- */

static void check_fences(const unsigned int icache[NR_VCPUS],
			 const unsigned int tlb[NR_VCPUS], int line)
{
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		if (icache_fences[i] != icache[i] || tlb_fences[i] != tlb[i]) {
			printf("  line %d: vcpu %u got %u/%u i-cache/TLB fences, not %u/%u\n",
			       line, i, icache_fences[i], tlb_fences[i],
			       icache[i], tlb[i]);
			unit_current_failed = 1;
		}
	memset(icache_fences, 0, sizeof(icache_fences));
	memset(tlb_fences, 0, sizeof(tlb_fences));
	fences = 0;
}
#define CHECK_FENCES(icache, tlb)                          \
	check_fences((const unsigned int[NR_VCPUS])icache, \
		     (const unsigned int[NR_VCPUS])tlb, __LINE__)
#define V(...)              \
	{                   \
		__VA_ARGS__ \
	}

UNIT_TEST(rfence_fence_i)
{
	setup();
	CHECK_CALL(0, EID_RFENCE, RFENCE_FENCE_I, SBI_SUCCESS, 0, 0x3, 0);
	CHECK_FENCES(V(1, 1, 0, 0), V(0, 0, 0, 0));
	CHECK_CALL(0, EID_RFENCE, RFENCE_FENCE_I, SBI_SUCCESS, 0, 0x9, 3);
	CHECK_FENCES(V(0, 0, 1, 1), V(0, 0, 0, 0));
	CHECK_CALL(2, EID_RFENCE, RFENCE_FENCE_I, SBI_SUCCESS, 0, 0, ALL_HARTS);
	CHECK_FENCES(V(1, 1, 1, 1), V(0, 0, 0, 0));
	CHECK_EQ(timer_calls + ipi_total + power_on_calls + output_calls, 0);
}

UNIT_TEST(rfence_sfence_vma)
{
	setup();
	/* Any range: the whole address space, one page, "size -1". */
	CHECK_CALL(0, EID_RFENCE, RFENCE_SFENCE_VMA, SBI_SUCCESS, 0, 0x2, 0, 0,
		   0);
	CHECK_FENCES(V(0, 0, 0, 0), V(0, 1, 0, 0));
	CHECK_CALL(0, EID_RFENCE, RFENCE_SFENCE_VMA, SBI_SUCCESS, 0, 0x1, 3,
		   0xffffffc000000000UL, 0x1000);
	CHECK_FENCES(V(0, 0, 0, 0), V(0, 0, 1, 0));
	CHECK_CALL(1, EID_RFENCE, RFENCE_SFENCE_VMA, SBI_SUCCESS, 0, 0,
		   ALL_HARTS, 0, ~0UL);
	CHECK_FENCES(V(0, 0, 0, 0), V(1, 1, 1, 1));
	CHECK_EQ(timer_calls + ipi_total + power_on_calls + output_calls, 0);
}

UNIT_TEST(rfence_sfence_vma_asid)
{
	setup();
	CHECK_CALL(0, EID_RFENCE, RFENCE_SFENCE_VMA_ASID, SBI_SUCCESS, 0, 0x21,
		   1, 0x400000, 0x2000, 7);
	CHECK_FENCES(V(0, 0, 0, 0), V(0, 1, 0, 1));
	CHECK_CALL(3, EID_RFENCE, RFENCE_SFENCE_VMA_ASID, SBI_SUCCESS, 0, 0,
		   ALL_HARTS, 0, 0, 0xffff);
	CHECK_FENCES(V(0, 0, 0, 0), V(1, 1, 1, 1));
	CHECK_EQ(timer_calls + ipi_total + power_on_calls + output_calls, 0);
}

UNIT_TEST(rfence_empty_mask_fences_nothing)
{
	setup();
	for (unsigned long fid = RFENCE_FENCE_I; fid <= RFENCE_SFENCE_VMA_ASID;
	     fid++)
		CHECK_CALL(0, EID_RFENCE, fid, SBI_SUCCESS, 0, 0, 0, 0, 0, 1);
	CHECK_NOTHING_DONE();
}

UNIT_TEST(rfence_unknown_hart_fences_nothing)
{
	setup();
	for (unsigned long fid = RFENCE_FENCE_I; fid <= RFENCE_SFENCE_VMA_ASID;
	     fid++) {
		CHECK_CALL(0, EID_RFENCE, fid, SBI_ERR_INVALID_PARAM, 0, 0x7, 0,
			   0, 0, 1);
		CHECK_CALL(0, EID_RFENCE, fid, SBI_ERR_INVALID_PARAM, 0, 0x41,
			   1, 0, 0, 1);
		CHECK_CALL(0, EID_RFENCE, fid, SBI_ERR_INVALID_PARAM, 0, 1, 7,
			   0, 0, 1);
		CHECK_CALL(0, EID_RFENCE, fid, SBI_ERR_INVALID_PARAM, 0, 0x4,
			   ALL_HARTS - 1, 0, 0, 1);
	}
	CHECK_NOTHING_DONE();
}

UNIT_TEST(rfence_hfence_not_supported)
{
	setup();
	/* The guest's harts have no H extension: valid masks or not. */
	for (unsigned long fid = RFENCE_HFENCE_GVMA_VMID;
	     fid <= RFENCE_HFENCE_VVMA; fid++) {
		CHECK_CALL(0, EID_RFENCE, fid, SBI_ERR_NOT_SUPPORTED, 0, 0x3, 0,
			   0, 0, 1);
		CHECK_CALL(0, EID_RFENCE, fid, SBI_ERR_NOT_SUPPORTED, 0, 0,
			   ALL_HARTS, 0, ~0UL, 0);
	}
	CHECK_NOTHING_DONE();
}

/* ---- HSM ---- */

UNIT_TEST(hsm_start_passes_address_and_opaque)
{
	setup();
	CHECK_CALL(0, EID_HSM, HSM_START, SBI_SUCCESS, 0, 3, RAM_BASE + 0x200,
		   0xfeedface12345678UL);
	CHECK_EQ(power_on_calls, 1);
	CHECK(power_on_vcpu == &vcpus[2]);
	CHECK_EQ(power_on_entry, RAM_BASE + 0x200);
	CHECK_EQ(power_on_arg, 0xfeedface12345678UL);
	CHECK_EQ(vcpus[2].state, VCPU_RUNNING);
	/* The last byte of RAM, the second block, from another hart. */
	CHECK_CALL(2, EID_HSM, HSM_START, SBI_SUCCESS, 0, 6, RAM_END - 1, 0);
	CHECK(power_on_vcpu == &vcpus[3]);
	CHECK_EQ(power_on_entry, RAM_END - 1);
	CHECK_EQ(power_on_arg, 0);
	CHECK_EQ(timer_calls + ipi_total + fences + output_calls, 0);
}

UNIT_TEST(hsm_start_in_rom)
{
	setup();
	CHECK_CALL(0, EID_HSM, HSM_START, SBI_SUCCESS, 0, 6, ROM_BASE, 1);
	CHECK(power_on_vcpu == &vcpus[3]);
	CHECK_EQ(power_on_entry, ROM_BASE);
	CHECK_EQ(power_on_arg, 1);
}

UNIT_TEST(hsm_start_unknown_hart)
{
	setup();
	CHECK_CALL(0, EID_HSM, HSM_START, SBI_ERR_INVALID_PARAM, 0, 2, RAM_BASE,
		   0);
	CHECK_CALL(0, EID_HSM, HSM_START, SBI_ERR_INVALID_PARAM, 0, 7, RAM_BASE,
		   0);
	CHECK_CALL(0, EID_HSM, HSM_START, SBI_ERR_INVALID_PARAM, 0, ~0UL,
		   RAM_BASE, 0);
	/* An unknown hart and a bad address: the hart is what is wrong. */
	CHECK_CALL(0, EID_HSM, HSM_START, SBI_ERR_INVALID_PARAM, 0, 4, 0, 0);
	CHECK_NOTHING_DONE();
}

UNIT_TEST(hsm_start_outside_guest_memory)
{
	static const unsigned long bad[] = {
		0,	   RAM_BASE - 1,     RAM_END,
		UART_BASE, UART_BASE + 0x10, ROM_BASE + BLOCK,
		~0UL,
	};

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_CALL(0, EID_HSM, HSM_START, SBI_ERR_INVALID_ADDRESS, 0, 3,
			   bad[i], 0);
	CHECK_NOTHING_DONE();
	CHECK_EQ(vcpus[2].state, VCPU_OFF);
}

UNIT_TEST(hsm_start_already_started)
{
	setup();
	/* Another running hart, and the caller itself. */
	CHECK_CALL(0, EID_HSM, HSM_START, SBI_ERR_ALREADY_AVAILABLE, 0, 1,
		   RAM_BASE, 0);
	CHECK_CALL(0, EID_HSM, HSM_START, SBI_ERR_ALREADY_AVAILABLE, 0, 0,
		   RAM_BASE, 0);
	/* Started once: the second start finds it running. */
	CHECK_CALL(0, EID_HSM, HSM_START, SBI_SUCCESS, 0, 3, RAM_BASE, 1);
	CHECK_CALL(1, EID_HSM, HSM_START, SBI_ERR_ALREADY_AVAILABLE, 0, 3,
		   RAM_BASE + 4, 2);
	CHECK_EQ(power_on_entry, RAM_BASE);
	CHECK_EQ(power_on_arg, 1);
	/* Waiting in WFI is started too. */
	vcpus[3].state = VCPU_WAITING;
	CHECK_CALL(0, EID_HSM, HSM_START, SBI_ERR_ALREADY_AVAILABLE, 0, 6,
		   RAM_BASE, 0);
	CHECK(power_on_vcpu == &vcpus[2]);
}

UNIT_TEST(hsm_start_other_failure)
{
	setup();
	power_on_err = -ENOMEM;
	CHECK_CALL(0, EID_HSM, HSM_START, SBI_ERR_FAILED, 0, 3, RAM_BASE, 0);
	CHECK_EQ(power_on_calls, 1);
}

UNIT_TEST(hsm_stop)
{
	setup();
	CHECK_EQ(SBI(1, EID_HSM, HSM_STOP, 0), VCPU_EXIT_CPU_OFF);
	CHECK_NOTHING_DONE();
	/* The state is core's to change, on the exit. */
	CHECK_EQ(vcpus[1].state, VCPU_RUNNING);
}

UNIT_TEST(hsm_get_status)
{
	static const struct {
		enum vcpu_state state;
		unsigned long hsm;
	} states[] = {
		{ VCPU_OFF, HSM_STOPPED },	{ VCPU_RUNNING, HSM_STARTED },
		{ VCPU_WAITING, HSM_STARTED },	{ VCPU_PAUSED, HSM_STARTED },
		{ VCPU_STOPPING, HSM_STOPPED },
	};

	setup();
	CHECK_CALL(3, EID_HSM, HSM_GET_STATUS, SBI_SUCCESS, HSM_STARTED, 0);
	CHECK_CALL(0, EID_HSM, HSM_GET_STATUS, SBI_SUCCESS, HSM_STARTED, 1);
	CHECK_CALL(0, EID_HSM, HSM_GET_STATUS, SBI_SUCCESS, HSM_STOPPED, 3);
	CHECK_CALL(0, EID_HSM, HSM_GET_STATUS, SBI_SUCCESS, HSM_STOPPED, 6);
	for (unsigned int i = 0; i < ARRAY_SIZE(states); i++) {
		vcpus[3].state = states[i].state;
		CHECK_CALL(0, EID_HSM, HSM_GET_STATUS, SBI_SUCCESS,
			   states[i].hsm, 6);
	}
	/* Stopped, then started. */
	vcpus[3].state = VCPU_OFF;
	CHECK_CALL(0, EID_HSM, HSM_START, SBI_SUCCESS, 0, 6, RAM_BASE, 0);
	CHECK_CALL(0, EID_HSM, HSM_GET_STATUS, SBI_SUCCESS, HSM_STARTED, 6);
	/* No such hart. */
	CHECK_CALL(0, EID_HSM, HSM_GET_STATUS, SBI_ERR_INVALID_PARAM, 0, 2);
	CHECK_CALL(0, EID_HSM, HSM_GET_STATUS, SBI_ERR_INVALID_PARAM, 0, 7);
	CHECK_CALL(0, EID_HSM, HSM_GET_STATUS, SBI_ERR_INVALID_PARAM, 0, ~0UL);
}

UNIT_TEST(hsm_suspend_default_retentive_is_wfi)
{
	setup();
	CHECK_EQ(SBI(1, EID_HSM, HSM_SUSPEND, 0, RAM_BASE, 5), VCPU_EXIT_WFI);
	CHECK_EQ(ERR, SBI_SUCCESS);
	CHECK_EQ(VAL, 0);
	/* resume_addr is unused for a retentive suspend. */
	CHECK_EQ(SBI(0, EID_HSM, HSM_SUSPEND, 0, 0, 0), VCPU_EXIT_WFI);
	CHECK_EQ(ERR, SBI_SUCCESS);
	/* suspend_type is 32 bits: what lies above is not looked at. */
	CHECK_EQ(SBI(0, EID_HSM, HSM_SUSPEND, 0xffffffff00000000UL, 0, 0),
		 VCPU_EXIT_WFI);
	CHECK_EQ(ERR, SBI_SUCCESS);
	CHECK_NOTHING_DONE();
}

UNIT_TEST(hsm_suspend_non_retentive_resumes_at_the_address)
{
	setup();
	/* Outside guest RAM: refused, nothing suspended. */
	CHECK_CALL(0, EID_HSM, HSM_SUSPEND, SBI_ERR_INVALID_ADDRESS, 0,
		   0x80000000, 0, 0);
	CHECK(!suspended[0]);
	CHECK_EQ(SBI(0, EID_HSM, HSM_SUSPEND, 0x80000000, RAM_BASE + 8, 0x5eed),
		 VCPU_EXIT_WFI);
	CHECK_EQ(ERR, SBI_SUCCESS);
	CHECK(suspended[0] && resume_set);
	CHECK_EQ(resume_addr, RAM_BASE + 8);
	CHECK_EQ(resume_opaque, 0x5eed);
}

UNIT_TEST(hsm_suspended_hart_reads_suspended)
{
	setup();
	CHECK_EQ(SBI(1, EID_HSM, HSM_SUSPEND, 0, 0, 0), VCPU_EXIT_WFI);
	CHECK(suspended[1] && !resume_set);
	vcpus[1].state = VCPU_WAITING;
	/* From another hart: SUSPENDED (4), not STARTED. */
	CHECK_CALL(0, EID_HSM, HSM_GET_STATUS, SBI_SUCCESS, 4, 1);
	CHECK_CALL(0, EID_HSM, HSM_GET_STATUS, SBI_SUCCESS, HSM_STARTED, 0);
}

UNIT_TEST(hsm_suspend_platform_specific_types_invalid)
{
	/*
	 * "reserved or is platform-specific and unimplemented": Keel
	 * implements no platform-specific type.
	 */
	static const unsigned long platform[] = {
		0x10000000, 0x40000000, 0x7fffffff, /* retentive */
		0x90000000, 0xc0000000, 0xffffffff, /* non-retentive */
	};

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(platform); i++) {
		CHECK_CALL(0, EID_HSM, HSM_SUSPEND, SBI_ERR_INVALID_PARAM, 0,
			   platform[i], RAM_BASE, 0);
		if (ERR != SBI_ERR_INVALID_PARAM)
			printf("  type 0x%lx: %ld\n", platform[i], ERR);
	}
	CHECK_NOTHING_DONE();
}

UNIT_TEST(hsm_suspend_reserved_types_invalid)
{
	static const unsigned long reserved[] = {
		0x00000001, 0x00000100, 0x0fffffff, 0x80000001, 0x8fffffff,
	};

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(reserved); i++) {
		CHECK_CALL(0, EID_HSM, HSM_SUSPEND, SBI_ERR_INVALID_PARAM, 0,
			   reserved[i], RAM_BASE, 0);
		if (ERR != SBI_ERR_INVALID_PARAM)
			printf("  type 0x%lx: %ld\n", reserved[i], ERR);
	}
	CHECK_NOTHING_DONE();
}

/* ---- SRST ---- */

UNIT_TEST(srst_shutdown)
{
	setup();
	CHECK_EQ(SBI(0, EID_SRST, 0, SRST_SHUTDOWN, SRST_NO_REASON),
		 VCPU_EXIT_SYSTEM_OFF);
	CHECK_EQ(ERR, SBI_SUCCESS);
	CHECK_EQ(SBI(2, EID_SRST, 0, SRST_SHUTDOWN, SRST_SYSTEM_FAILURE),
		 VCPU_EXIT_SYSTEM_OFF);
	CHECK_EQ(ERR, SBI_SUCCESS);
	CHECK_NOTHING_DONE();
}

UNIT_TEST(srst_cold_and_warm_reboot)
{
	setup();
	CHECK_EQ(SBI(0, EID_SRST, 0, SRST_COLD_REBOOT, SRST_NO_REASON),
		 VCPU_EXIT_SYSTEM_RESET);
	CHECK_EQ(ERR, SBI_SUCCESS);
	CHECK_EQ(SBI(1, EID_SRST, 0, SRST_WARM_REBOOT, SRST_NO_REASON),
		 VCPU_EXIT_SYSTEM_RESET);
	CHECK_EQ(ERR, SBI_SUCCESS);
	CHECK_EQ(SBI(3, EID_SRST, 0, SRST_WARM_REBOOT, SRST_SYSTEM_FAILURE),
		 VCPU_EXIT_SYSTEM_RESET);
	CHECK_EQ(ERR, SBI_SUCCESS);
	/* Both parameters are 32 bits: what lies above is not looked at. */
	CHECK_EQ(
		SBI(0, EID_SRST, 0, 0xffffffff00000001UL, 0xffffffff00000000UL),
		VCPU_EXIT_SYSTEM_RESET);
	CHECK_EQ(ERR, SBI_SUCCESS);
	CHECK_NOTHING_DONE();
}

UNIT_TEST(srst_bad_type)
{
	/* Reserved, and vendor or platform-specific: none implemented. */
	static const unsigned long types[] = {
		3, 4, 0x100, 0xefffffff, 0xf0000000, 0xffffffff,
	};

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(types); i++)
		CHECK_CALL(0, EID_SRST, 0, SBI_ERR_INVALID_PARAM, 0, types[i],
			   SRST_NO_REASON);
	CHECK_NOTHING_DONE();
}

UNIT_TEST(srst_bad_reason)
{
	/* Reserved, SBI implementation-specific and vendor-specific. */
	static const unsigned long reasons[] = {
		2, 0xdfffffff, 0xe0000000, 0xefffffff, 0xf0000000, 0xffffffff,
	};

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(reasons); i++) {
		CHECK_CALL(0, EID_SRST, 0, SBI_ERR_INVALID_PARAM, 0,
			   SRST_SHUTDOWN, reasons[i]);
		CHECK_CALL(0, EID_SRST, 0, SBI_ERR_INVALID_PARAM, 0,
			   SRST_COLD_REBOOT, reasons[i]);
	}
	CHECK_NOTHING_DONE();
}

/* ---- DBCN ---- */

UNIT_TEST(dbcn_write_reaches_the_console)
{
	setup();
	memcpy(ram + 0x100, "hello, sbi\n", 11);
	CHECK_CALL(1, EID_DBCN, DBCN_WRITE, SBI_SUCCESS, 11, 11,
		   RAM_BASE + 0x100, 0);
	CHECK_EQ(out_len, 11);
	CHECK(!memcmp(out, "hello, sbi\n", 11));
	/* The port of the guest's "console" device. */
	CHECK(!strcmp(looked_up, PORT_NAME));
	/* Bytes are bytes: NULs and all. */
	memcpy(ram + 0x200, "a\0b", 3);
	CHECK_CALL(1, EID_DBCN, DBCN_WRITE, SBI_SUCCESS, 3, 3, RAM_BASE + 0x200,
		   0);
	CHECK_EQ(out_len, 14);
	CHECK(!memcmp(out + 11, "a\0b", 3));
	CHECK_EQ(timer_calls + ipi_total + fences + power_on_calls, 0);
}

UNIT_TEST(dbcn_write_long_and_across_ram_blocks)
{
	setup();
	/* 300 bytes from the end of one RAM block into the next. */
	CHECK_CALL(0, EID_DBCN, DBCN_WRITE, SBI_SUCCESS, 300, 300,
		   RAM_BASE + BLOCK - 150, 0);
	CHECK_EQ(out_len, 300);
	CHECK(!memcmp(out, ram + BLOCK - 150, 300));
	/* Up to the very last byte of guest RAM. */
	out_len = 0;
	CHECK_CALL(0, EID_DBCN, DBCN_WRITE, SBI_SUCCESS, 100, 100,
		   RAM_END - 100, 0);
	CHECK_EQ(out_len, 100);
	CHECK(!memcmp(out, ram + 2 * BLOCK - 100, 100));
}

UNIT_TEST(dbcn_write_from_rom)
{
	setup();
	memcpy(rom + 0x10, "from rom", 8);
	CHECK_CALL(0, EID_DBCN, DBCN_WRITE, SBI_SUCCESS, 8, 8, ROM_BASE + 0x10,
		   0);
	CHECK_EQ(out_len, 8);
	CHECK(!memcmp(out, "from rom", 8));
}

UNIT_TEST(dbcn_write_nothing)
{
	setup();
	CHECK_CALL(0, EID_DBCN, DBCN_WRITE, SBI_SUCCESS, 0, 0, RAM_BASE, 0);
	CHECK_NOTHING_DONE();
}

UNIT_TEST(dbcn_write_bad_address)
{
	static const struct {
		unsigned long len, lo, hi;
	} bad[] = {
		{ 1, 0, 0 },
		{ 4, UART_BASE, 0 },
		{ 1, RAM_END, 0 },
		{ 1, RAM_BASE - 1, 0 }, /* starts outside, ends inside */
		{ 32, RAM_END - 16, 0 }, /* starts inside, ends outside */
		{ 2 * BLOCK + 1, RAM_BASE, 0 },
		{ 200, RAM_END - 100, 0 }, /* past a 64-byte chunk first */
		{ BLOCK + 1, ROM_BASE, 0 },
		{ ~0UL, RAM_BASE, 0 }, /* the range wraps */
		{ 16, RAM_BASE, 1 }, /* base_addr_hi: bits 64 and up */
		{ 16, RAM_BASE, ~0UL },
	};

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_CALL(0, EID_DBCN, DBCN_WRITE, SBI_ERR_INVALID_PARAM, 0,
			   bad[i].len, bad[i].lo, bad[i].hi);
		if (ERR != SBI_ERR_INVALID_PARAM || output_calls)
			printf("  %lu bytes at 0x%lx:%lx: %ld, %u written\n",
			       bad[i].len, bad[i].hi, bad[i].lo, ERR,
			       output_calls);
	}
	/* Not a byte of any of them. */
	CHECK_NOTHING_DONE();
}

UNIT_TEST(dbcn_write_memory_read_failing)
{
	setup();
	/* Checked, then unreadable after all: nothing written, a failure. */
	memory_reads_left = 0;
	CHECK_CALL(0, EID_DBCN, DBCN_WRITE, SBI_ERR_FAILED, 0, 16, RAM_BASE, 0);
	CHECK_NOTHING_DONE();
	/* After some was written: that much, a partial write. */
	memory_reads_left = 1;
	CHECK_EQ(SBI(0, EID_DBCN, DBCN_WRITE, 200, RAM_BASE, 0),
		 VCPU_EXIT_HYPERCALL);
	CHECK_EQ(ERR, SBI_SUCCESS);
	CHECK(VAL > 0 && VAL < 200);
	CHECK_EQ(out_len, VAL);
	CHECK(!memcmp(out, ram, out_len));
}

UNIT_TEST(dbcn_without_console_port)
{
	setup();
	/* The guest has no "console". */
	console_prop = NULL;
	CHECK_CALL(0, EID_DBCN, DBCN_WRITE, SBI_ERR_FAILED, 0, 4, RAM_BASE, 0);
	CHECK_CALL(0, EID_DBCN, DBCN_WRITE_BYTE, SBI_ERR_FAILED, 0, 'x');
	/* Reading needs no port: there is nothing to read either way. */
	CHECK_CALL(0, EID_DBCN, DBCN_READ, SBI_SUCCESS, 0, 4, RAM_BASE, 0);
	/* A "console" naming no port. */
	console_prop = CONSOLE;
	have_port = false;
	CHECK_CALL(0, EID_DBCN, DBCN_WRITE, SBI_ERR_FAILED, 0, 4, RAM_BASE, 0);
	CHECK_CALL(0, EID_DBCN, DBCN_WRITE_BYTE, SBI_ERR_FAILED, 0, 'x');
	CHECK(!strcmp(looked_up, PORT_NAME));
	CHECK_NOTHING_DONE();
}

UNIT_TEST(dbcn_read_gets_nothing)
{
	static char before[sizeof(ram)];

	setup();
	memcpy(before, ram, sizeof(ram));
	CHECK_CALL(0, EID_DBCN, DBCN_READ, SBI_SUCCESS, 0, 16, RAM_BASE + 0x80,
		   0);
	CHECK_CALL(0, EID_DBCN, DBCN_READ, SBI_SUCCESS, 0, 2 * BLOCK, RAM_BASE,
		   0);
	CHECK_CALL(0, EID_DBCN, DBCN_READ, SBI_SUCCESS, 0, 0, RAM_BASE, 0);
	CHECK(!memcmp(before, ram, sizeof(ram)));
	CHECK_NOTHING_DONE();
}

UNIT_TEST(dbcn_read_bad_address)
{
	static const struct {
		unsigned long len, lo, hi;
	} bad[] = {
		{ 1, 0, 0 },
		{ 4, UART_BASE, 0 },
		{ 1, RAM_END, 0 },
		{ 32, RAM_END - 16, 0 }, /* runs off the end */
		{ 16, ROM_BASE, 0 }, /* read into memory the guest can't write */
		{ ~0UL, RAM_BASE, 0 },
		{ 16, RAM_BASE, 1 },
	};

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_CALL(0, EID_DBCN, DBCN_READ, SBI_ERR_INVALID_PARAM, 0,
			   bad[i].len, bad[i].lo, bad[i].hi);
		if (ERR != SBI_ERR_INVALID_PARAM)
			printf("  read of %lu bytes at 0x%lx:%lx: %ld\n",
			       bad[i].len, bad[i].hi, bad[i].lo, ERR);
	}
	CHECK_NOTHING_DONE();
}

UNIT_TEST(dbcn_write_byte)
{
	setup();
	CHECK_CALL(2, EID_DBCN, DBCN_WRITE_BYTE, SBI_SUCCESS, 0, 'K');
	/* uint8_t: only the low byte. */
	CHECK_CALL(2, EID_DBCN, DBCN_WRITE_BYTE, SBI_SUCCESS, 0, 0x1234565UL);
	CHECK_CALL(2, EID_DBCN, DBCN_WRITE_BYTE, SBI_SUCCESS, 0, 0xff);
	CHECK_CALL(2, EID_DBCN, DBCN_WRITE_BYTE, SBI_SUCCESS, 0, 0);
	CHECK_EQ(out_len, 4);
	CHECK(!memcmp(out, "Ke\xff\0", 4));
	CHECK(!strcmp(looked_up, PORT_NAME));
	CHECK_EQ(timer_calls + ipi_total + fences + power_on_calls, 0);
}

/* ---- Keel's extension ---- */

UNIT_TEST(keel_yield)
{
	setup();
	/* a1 held 6: it comes back 0. */
	CHECK_EQ(SBI(3, EID_KEEL, SBI_KEEL_YIELD, 5, 6, 7), VCPU_EXIT_YIELD);
	CHECK_EQ(ERR, SBI_SUCCESS);
	CHECK_EQ(VAL, 0);
	CHECK_NOTHING_DONE();
}

UNIT_MAIN();
