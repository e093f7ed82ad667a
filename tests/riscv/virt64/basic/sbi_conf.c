// SPDX-License-Identifier: GPL-2.0
/*
 * `sbi-conf`: every function of every SBI extension Keel implements,
 * called from the guest and checked against the SBI v2.0 specification,
 * corner cases included (invalid hart masks, hart_mask_base = -1, unknown
 * function IDs, hart_start on a started hart, bad addresses, reserved
 * suspend and reset types). One line per check, "ok" or "FAIL".
 *
 * SRST is checked only where it answers an error: a valid reset would end
 * the guest.
 */
#include "basic.h"
#include "commands.h"
#include "riscv.h"

#define SBI_SUCCESS 0L
#define SBI_ERR_NOT_SUPPORTED_ (-2L)
#define SBI_ERR_INVALID_PARAM (-3L)
#define SBI_ERR_INVALID_ADDRESS (-5L)
#define SBI_ERR_ALREADY_AVAILABLE (-6L)

#define HSM_STARTED 0
#define HSM_STOPPED 1
#define HSM_SUSPENDED 4
#define HSM_STOP 1
#define HSM_SUSPEND 3
#define SUSPEND_RETENTIVE 0x00000000UL
#define SUSPEND_NON_RETENTIVE 0x80000000UL

/* A hart id no guest has, and an address that is not the guest's RAM. */
#define NO_HART 1000UL
#define NOT_RAM 0x1000UL
#define SBI_EXT_NONE 0x0b000000UL

/* Riscv-only IPI kinds: suspend yourself, and a plain wake-up. */
#define IPI_SBI_SUSPEND 14
#define IPI_SBI_WAKE 13

static unsigned int failures;

static struct sbiret sbi_call5(uint64_t ext, uint64_t fid, uint64_t a0,
			       uint64_t a1, uint64_t a2, uint64_t a3,
			       uint64_t a4)
{
	register uint64_t r0 __asm__("a0") = a0;
	register uint64_t r1 __asm__("a1") = a1;
	register uint64_t r2 __asm__("a2") = a2;
	register uint64_t r3 __asm__("a3") = a3;
	register uint64_t r4 __asm__("a4") = a4;
	register uint64_t r6 __asm__("a6") = fid;
	register uint64_t r7 __asm__("a7") = ext;
	struct sbiret ret;

	__asm__ __volatile__("ecall"
			     : "+r"(r0), "+r"(r1)
			     : "r"(r2), "r"(r3), "r"(r4), "r"(r6), "r"(r7)
			     : "memory");
	ret.error = (long)r0;
	ret.value = (long)r1;
	return ret;
}

static void check(const char *what, bool ok, long got)
{
	printf("sbi-conf %s: %s (%ld)\n", what, ok ? "ok" : "FAIL", got);
	if (!ok)
		failures++;
}

/* The call must answer error `err` (and, on success, value `val`). */
static void expect(const char *what, struct sbiret r, long err)
{
	check(what, r.error == err, r.error);
}

static void expect_value(const char *what, struct sbiret r, long val)
{
	check(what, r.error == SBI_SUCCESS && r.value == val,
	      r.error ? r.error : r.value);
}

static bool stip(void)
{
	return csr_read(sip) & SIP_STIP;
}

static uint64_t me(void)
{
	return platform.cpu_hwid[arch_cpu_id()];
}

static void conf_base(void)
{
	static const long exts[] = {
		SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI,  SBI_EXT_RFENCE,
		SBI_EXT_HSM,  SBI_EXT_SRST, SBI_EXT_DBCN, SBI_EXT_KEEL,
	};
	struct sbiret r =
		sbi_call(SBI_EXT_BASE, SBI_BASE_SPEC_VERSION, 0, 0, 0);

	check("base spec version >= 2.0", !r.error && r.value >= 0x02000000,
	      r.value);
	for (unsigned int f = SBI_BASE_IMPL_ID; f <= SBI_BASE_MIMPID; f++) {
		char name[40];

		snprintf(name, sizeof(name), "base function %u", f);
		expect(name, sbi_call(SBI_EXT_BASE, f, 0, 0, 0), SBI_SUCCESS);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(exts); i++) {
		char name[40];

		snprintf(name, sizeof(name), "base probe 0x%lx", exts[i]);
		check(name,
		      sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, exts[i], 0, 0)
				      .value != 0,
		      0);
	}
	expect_value(
		"base probe of an unknown extension is 0",
		sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_NONE, 0, 0),
		0);
	expect("base unknown function", sbi_call(SBI_EXT_BASE, 7, 0, 0, 0),
	       SBI_ERR_NOT_SUPPORTED_);
	expect("unknown extension", sbi_call(SBI_EXT_NONE, 0, 0, 0, 0),
	       SBI_ERR_NOT_SUPPORTED_);
}

static volatile int timer_sip_in_handler = -1;
static volatile unsigned int timer_irqs;

/* From the trap handler: sip.STIP as the handler sees it. */
void sbi_conf_timer_irq(void)
{
	timer_irqs++;
	if (timer_sip_in_handler == -2)
		timer_sip_in_handler = stip();
}

/*
 * Whether a timer interrupt is taken once sie.STIE and sstatus.SIE are
 * set, within `spins` turns of a loop and `ticks` of the time CSR. A
 * pending interrupt is taken before the first turn ends, so this shows
 * "pending" the way delivery sees it, whatever a read of sip returns.
 */
static bool timer_taken_within(unsigned long spins, uint64_t ticks)
{
	unsigned int before = timer_irqs;
	uint64_t t0 = arch_counter();

	csr_set(sie, SIE_STIE);
	arch_irq_enable();
	for (unsigned long i = 0;
	     i < spins && timer_irqs == before && arch_counter() - t0 < ticks;
	     i++)
		__asm__ volatile("" ::: "memory");
	arch_irq_disable();
	csr_clear(sie, SIE_STIE);
	return timer_irqs != before;
}

#define AT_ONCE 2, ~0ULL /* two turns of the loop */

/* Spin for `ticks` of the time CSR with interrupts masked. */
static void spin_ticks(uint64_t ticks)
{
	uint64_t t0 = arch_counter();

	while (arch_counter() - t0 < ticks)
		;
}

/*
 * The same rules as below, checked by delivery: set_timer(0) and a
 * deadline in the past leave the interrupt pending (still pending after
 * 1 ms masked, and taken at once when unmasked), set_timer(-1) and a far
 * deadline leave nothing pending.
 */
static void conf_time_delivery(void)
{
	uint64_t ms = arch_counter_freq() / 1000;

	csr_clear(sie, SIE_STIE);
	sbi_call(SBI_EXT_TIME, 0, 0, 0, 0);
	spin_ticks(ms);
	check("time set_timer(0) interrupt stays pending and is taken at "
	      "once",
	      timer_taken_within(AT_ONCE), timer_irqs);
	sbi_call(SBI_EXT_TIME, 0, ~0UL, 0, 0);
	check("time set_timer(-1) leaves no interrupt pending (10 ms)",
	      !timer_taken_within(~0UL, 10 * ms), timer_irqs);
	sbi_call(SBI_EXT_TIME, 0, arch_counter() - 1000, 0, 0);
	spin_ticks(ms);
	check("time set_timer(past) interrupt stays pending and is taken at "
	      "once",
	      timer_taken_within(AT_ONCE), timer_irqs);
	sbi_call(SBI_EXT_TIME, 0, arch_counter() + 100 * arch_counter_freq(), 0,
		 0);
	check("time set_timer(future) leaves no interrupt pending (10 ms)",
	      !timer_taken_within(~0UL, 10 * ms), timer_irqs);
	sbi_call(SBI_EXT_TIME, 0, arch_counter() + 20 * ms, 0, 0);
	check("time set_timer(+20 ms) is not taken before its deadline",
	      !timer_taken_within(~0UL, 5 * ms), timer_irqs);
	spin_ticks(25 * ms);
	check("time set_timer(+20 ms) is taken once its deadline passed",
	      timer_taken_within(AT_ONCE), timer_irqs);
	sbi_call(SBI_EXT_TIME, 0, ~0UL, 0, 0);
}

static void conf_time(void)
{
	uint64_t t0;

	csr_clear(sie, SIE_STIE);
	expect("time set_timer(0)", sbi_call(SBI_EXT_TIME, 0, 0, 0, 0),
	       SBI_SUCCESS);
	check("time set_timer(0) makes sip.STIP pending", stip(), stip());
	sbi_call(SBI_EXT_TIME, 0, ~0UL, 0, 0);
	check("time set_timer(-1) clears sip.STIP", !stip(), stip());
	sbi_call(SBI_EXT_TIME, 0, arch_counter() - 1000, 0, 0);
	check("time set_timer(past) makes sip.STIP pending", stip(), stip());
	sbi_call(SBI_EXT_TIME, 0, arch_counter() + 100 * arch_counter_freq(), 0,
		 0);
	check("time set_timer(future) clears sip.STIP", !stip(), stip());
	/* Taken: the handler sees it pending too. */
	timer_sip_in_handler = -2;
	sbi_call(SBI_EXT_TIME, 0, arch_counter() - 1, 0, 0);
	t0 = arch_counter();
	csr_set(sie, SIE_STIE);
	arch_irq_enable();
	while (timer_sip_in_handler == -2 &&
	       arch_counter() - t0 < arch_counter_freq())
		;
	arch_irq_disable();
	check("time sip.STIP pending inside the handler",
	      timer_sip_in_handler == 1, timer_sip_in_handler);
	csr_clear(sie, SIE_STIE);
	sbi_call(SBI_EXT_TIME, 0, ~0UL, 0, 0);
	expect("time unknown function", sbi_call(SBI_EXT_TIME, 1, 0, 0, 0),
	       SBI_ERR_NOT_SUPPORTED_);
}

static bool ssip_take(void)
{
	bool p = csr_read(sip) & SIP_SSIP;

	csr_clear(sip, SIP_SSIP);
	return p;
}

static void conf_ipi(void)
{
	uint64_t h = me();

	csr_clear(sie, SIE_SSIE);
	ssip_take();
	expect("ipi to self", sbi_call(SBI_EXT_IPI, 0, 1, h, 0), SBI_SUCCESS);
	check("ipi to self makes sip.SSIP pending", ssip_take(), 0);
	expect("ipi hart_mask_base -1 (all harts)",
	       sbi_call(SBI_EXT_IPI, 0, 0, ~0UL, 0), SBI_SUCCESS);
	check("ipi to all reaches self", ssip_take(), 0);
	expect("ipi empty mask", sbi_call(SBI_EXT_IPI, 0, 0, 0, 0),
	       SBI_SUCCESS);
	expect("ipi invalid hart", sbi_call(SBI_EXT_IPI, 0, 1, NO_HART, 0),
	       SBI_ERR_INVALID_PARAM);
	expect("ipi mask past the last hart",
	       sbi_call(SBI_EXT_IPI, 0, 1UL << 40 | 1, h, 0),
	       SBI_ERR_INVALID_PARAM);
	check("ipi invalid mask sends nothing", !ssip_take(), 0);
	expect("ipi unknown function", sbi_call(SBI_EXT_IPI, 1, 1, h, 0),
	       SBI_ERR_NOT_SUPPORTED_);
	csr_set(sie, SIE_SSIE);
}

static void conf_rfence(void)
{
	uint64_t h = me();

	expect("rfence remote_fence_i",
	       sbi_call5(SBI_EXT_RFENCE, 0, 1, h, 0, 0, 0), SBI_SUCCESS);
	expect("rfence remote_sfence_vma",
	       sbi_call5(SBI_EXT_RFENCE, 1, 1, h, 0, ~0UL, 0), SBI_SUCCESS);
	expect("rfence remote_sfence_vma_asid",
	       sbi_call5(SBI_EXT_RFENCE, 2, 1, h, 0x80000000, 4096, 1),
	       SBI_SUCCESS);
	expect("rfence hart_mask_base -1",
	       sbi_call5(SBI_EXT_RFENCE, 1, 0, ~0UL, 0, ~0UL, 0), SBI_SUCCESS);
	expect("rfence invalid hart",
	       sbi_call5(SBI_EXT_RFENCE, 0, 1, NO_HART, 0, 0, 0),
	       SBI_ERR_INVALID_PARAM);
	/* Only for harts with the H extension, which guests lack. */
	expect("rfence remote_hfence_gvma_vmid (no H)",
	       sbi_call5(SBI_EXT_RFENCE, 3, 1, h, 0, ~0UL, 0),
	       SBI_ERR_NOT_SUPPORTED_);
	expect("rfence unknown function",
	       sbi_call5(SBI_EXT_RFENCE, 7, 1, h, 0, 0, 0),
	       SBI_ERR_NOT_SUPPORTED_);
}

/* Non-retentive suspend: the context to come back to, and what came. */
uint64_t sbi_conf_ctx[16];
volatile uint64_t sbi_conf_a0, sbi_conf_a1;
long sbi_conf_suspend(uint64_t type, uint64_t resume, uint64_t opaque);
void sbi_conf_resume(void);

/*
 * sbi_conf_suspend() saves the callee-saved state and makes the call: an
 * error comes back as its value; a resume enters sbi_conf_resume(),
 * which records a0/a1, restores that state and returns 1.
 */
__asm__(".text\n"
	".globl sbi_conf_suspend\n"
	"sbi_conf_suspend:\n"
	"	la t0, sbi_conf_ctx\n"
	"	sd ra, 0(t0)\n	sd sp, 8(t0)\n	sd gp, 16(t0)\n"
	"	sd tp, 24(t0)\n	sd s0, 32(t0)\n	sd s1, 40(t0)\n"
	"	sd s2, 48(t0)\n	sd s3, 56(t0)\n	sd s4, 64(t0)\n"
	"	sd s5, 72(t0)\n	sd s6, 80(t0)\n	sd s7, 88(t0)\n"
	"	sd s8, 96(t0)\n	sd s9, 104(t0)\n	sd s10, 112(t0)\n"
	"	sd s11, 120(t0)\n"
	"	li a7, 0x48534d\n"
	"	li a6, 3\n"
	"	ecall\n"
	"	ret\n"
	".globl sbi_conf_resume\n"
	".align 2\n"
	"sbi_conf_resume:\n"
	"	la t0, sbi_conf_a0\n	sd a0, 0(t0)\n"
	"	la t0, sbi_conf_a1\n	sd a1, 0(t0)\n"
	"	la t0, sbi_conf_ctx\n"
	"	ld ra, 0(t0)\n	ld sp, 8(t0)\n	ld gp, 16(t0)\n"
	"	ld tp, 24(t0)\n	ld s0, 32(t0)\n	ld s1, 40(t0)\n"
	"	ld s2, 48(t0)\n	ld s3, 56(t0)\n	ld s4, 64(t0)\n"
	"	ld s5, 72(t0)\n	ld s6, 80(t0)\n	ld s7, 88(t0)\n"
	"	ld s8, 96(t0)\n	ld s9, 104(t0)\n	ld s10, 112(t0)\n"
	"	ld s11, 120(t0)\n"
	"	li a0, 1\n"
	"	ret\n");

static volatile int remote_state; /* 1 suspending, 2 resumed */
static volatile long remote_error;

/* On the secondary, from its IPI handler: suspend until woken. */
void sbi_conf_ipi(unsigned int kind)
{
	if (kind != IPI_SBI_SUSPEND)
		return;
	remote_state = 1;
	remote_error =
		sbi_call(SBI_EXT_HSM, HSM_SUSPEND, SUSPEND_RETENTIVE, 0, 0)
			.error;
	remote_state = 2;
}

static long hart_status(uint64_t hart)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, 2, hart, 0, 0);

	return r.error ? r.error : r.value;
}

static void conf_hsm_remote(void)
{
	uint64_t t0, h1 = platform.cpu_hwid[1];
	long s = -100;

	if (platform.nr_cpus < 2 || basic_start_secondaries()) {
		check("hsm second hart to suspend", false, 0);
		return;
	}
	remote_state = 0;
	arch_ipi_send(1, IPI_SBI_SUSPEND);
	t0 = arch_counter();
	while (arch_counter() - t0 < arch_counter_freq()) {
		s = hart_status(h1);
		if (remote_state == 1 && s == HSM_SUSPENDED)
			break;
	}
	check("hsm hart in retentive suspend reads SUSPENDED",
	      s == HSM_SUSPENDED, s);
	arch_ipi_send(1, IPI_SBI_WAKE);
	t0 = arch_counter();
	while (remote_state != 2 && arch_counter() - t0 < arch_counter_freq())
		;
	check("hsm suspended hart resumes on an interrupt",
	      remote_state == 2 && remote_error == 0, remote_error);
	check("hsm resumed hart reads STARTED", hart_status(h1) == HSM_STARTED,
	      hart_status(h1));
}

static void conf_hsm(void)
{
	uint64_t h = me();
	long rc;

	expect_value("hsm hart_get_status self is STARTED",
		     sbi_call(SBI_EXT_HSM, 2, h, 0, 0), HSM_STARTED);
	expect("hsm hart_get_status invalid hart",
	       sbi_call(SBI_EXT_HSM, 2, NO_HART, 0, 0), SBI_ERR_INVALID_PARAM);
	expect("hsm hart_start on a started hart",
	       sbi_call(SBI_EXT_HSM, 0, h, 0x80200000, 0),
	       SBI_ERR_ALREADY_AVAILABLE);
	expect("hsm hart_start invalid hart",
	       sbi_call(SBI_EXT_HSM, 0, NO_HART, 0x80200000, 0),
	       SBI_ERR_INVALID_PARAM);
	for (unsigned int c = 1; c < platform.nr_cpus; c++) {
		if (hart_status(platform.cpu_hwid[c]) != HSM_STOPPED)
			continue;
		expect("hsm hart_start at an address outside RAM",
		       sbi_call(SBI_EXT_HSM, 0, platform.cpu_hwid[c], NOT_RAM,
				0),
		       SBI_ERR_INVALID_ADDRESS);
		break;
	}
	expect("hsm hart_suspend reserved type 1",
	       sbi_call(SBI_EXT_HSM, HSM_SUSPEND, 1, 0, 0),
	       SBI_ERR_INVALID_PARAM);
	expect("hsm hart_suspend unimplemented platform type",
	       sbi_call(SBI_EXT_HSM, HSM_SUSPEND, 0x10000000, 0, 0),
	       SBI_ERR_INVALID_PARAM);
	expect("hsm hart_suspend non-retentive outside RAM",
	       sbi_call(SBI_EXT_HSM, HSM_SUSPEND, SUSPEND_NON_RETENTIVE,
			NOT_RAM, 0),
	       SBI_ERR_INVALID_ADDRESS);

	/* Retentive: back after the call once an interrupt is pending. */
	csr_clear(sie, SIE_STIE);
	sbi_call(SBI_EXT_TIME, 0, arch_counter() + arch_counter_freq() / 100, 0,
		 0);
	csr_set(sie, SIE_STIE);
	timer_sip_in_handler = -1;
	expect("hsm retentive hart_suspend returns on an interrupt",
	       sbi_call(SBI_EXT_HSM, HSM_SUSPEND, SUSPEND_RETENTIVE, 0, 0),
	       SBI_SUCCESS);
	csr_clear(sie, SIE_STIE);
	sbi_call(SBI_EXT_TIME, 0, ~0UL, 0, 0);

	/* Non-retentive: resumes at the address, a0 = hart, a1 = opaque. */
	sbi_conf_a0 = sbi_conf_a1 = 0;
	sbi_call(SBI_EXT_TIME, 0, arch_counter() + arch_counter_freq() / 100, 0,
		 0);
	csr_set(sie, SIE_STIE);
	rc = sbi_conf_suspend(SUSPEND_NON_RETENTIVE,
			      (uint64_t)(uintptr_t)sbi_conf_resume,
			      0x5eed1234UL);
	csr_clear(sie, SIE_STIE);
	sbi_call(SBI_EXT_TIME, 0, ~0UL, 0, 0);
	check("hsm non-retentive hart_suspend resumes at the address", rc == 1,
	      rc);
	check("hsm non-retentive resume a0 = hart id", sbi_conf_a0 == h,
	      (long)sbi_conf_a0);
	check("hsm non-retentive resume a1 = opaque",
	      sbi_conf_a1 == 0x5eed1234UL, (long)sbi_conf_a1);
	expect("hsm unknown function", sbi_call(SBI_EXT_HSM, 9, 0, 0, 0),
	       SBI_ERR_NOT_SUPPORTED_);
	conf_hsm_remote();
}

static void conf_srst(void)
{
	expect("srst reserved reset type",
	       sbi_call(SBI_EXT_SRST, 0, 0x10000000, 0, 0),
	       SBI_ERR_INVALID_PARAM);
	expect("srst reserved reset reason",
	       sbi_call(SBI_EXT_SRST, 0, 0, 0x12345, 0), SBI_ERR_INVALID_PARAM);
	expect("srst unknown function", sbi_call(SBI_EXT_SRST, 1, 0, 0, 0),
	       SBI_ERR_NOT_SUPPORTED_);
}

static void conf_dbcn(void)
{
	static const char msg[] = "sbi-conf dbcn says hello\n";
	static char in[8];

	expect_value("dbcn write",
		     sbi_call(SBI_EXT_DBCN, 0, sizeof(msg) - 1,
			      (uint64_t)(uintptr_t)msg, 0),
		     sizeof(msg) - 1);
	expect_value("dbcn write of 0 bytes",
		     sbi_call(SBI_EXT_DBCN, 0, 0, (uint64_t)(uintptr_t)msg, 0),
		     0);
	expect("dbcn write outside RAM",
	       sbi_call(SBI_EXT_DBCN, 0, 4, NOT_RAM, 0), SBI_ERR_INVALID_PARAM);
	expect("dbcn write with base_addr_hi set",
	       sbi_call(SBI_EXT_DBCN, 0, 4, (uint64_t)(uintptr_t)msg, 1),
	       SBI_ERR_INVALID_PARAM);
	expect("dbcn read",
	       sbi_call(SBI_EXT_DBCN, 1, sizeof(in), (uint64_t)(uintptr_t)in,
			0),
	       SBI_SUCCESS);
	expect("dbcn read outside RAM",
	       sbi_call(SBI_EXT_DBCN, 1, 4, NOT_RAM, 0), SBI_ERR_INVALID_PARAM);
	expect("dbcn write_byte", sbi_call(SBI_EXT_DBCN, 2, '\n', 0, 0),
	       SBI_SUCCESS);
	expect("dbcn unknown function", sbi_call(SBI_EXT_DBCN, 3, 0, 0, 0),
	       SBI_ERR_NOT_SUPPORTED_);
}

static void conf_keel(void)
{
	expect("keel yield", sbi_call(SBI_EXT_KEEL, SBI_KEEL_YIELD, 0, 0, 0),
	       SBI_SUCCESS);
	expect("keel unknown function", sbi_call(SBI_EXT_KEEL, 1, 0, 0, 0),
	       SBI_ERR_NOT_SUPPORTED_);
}

int cmd_sbi_conf(int argc, char **argv)
{
	if (argc > 1)
		return fail("usage: sbi-conf");
	failures = 0;
	arch_irq_disable();
	conf_base();
	conf_time();
	conf_time_delivery();
	conf_ipi();
	conf_rfence();
	conf_hsm();
	conf_srst();
	conf_dbcn();
	conf_keel();
	arch_irq_enable();
	if (failures)
		return fail("%u SBI checks failed", failures);
	return 0;
}
