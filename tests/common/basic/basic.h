/* SPDX-License-Identifier: GPL-2.0 */
/*
 * basic: a small bare-metal test firmware that Keel boots as a guest.
 *
 * This header is the whole contract between the arch-neutral part
 * (tests/common/basic/) and one arch layer (tests/<arch>/<board>/basic/).
 * The arch layer boots, owns every device, interrupt controller and timer,
 * fills in `platform` and calls basic_main(); the common part runs the
 * command loop and every test that needs nothing but the hooks below. A
 * new architecture supplies the arch_*() functions, its own commands and
 * benchmark operations, and reuses everything else unchanged.
 *
 * The firmware assumes an LP64 target: uint64_t prints with %lx / %lu.
 */
#ifndef BASIC_H
#define BASIC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BASIC_MAX_CPUS 16
#define BASIC_MAX_RAM 8
#define BASIC_MAX_RESERVED 16
#define BASIC_MAX_FREE (BASIC_MAX_RAM + BASIC_MAX_RESERVED)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define MiB (1024UL * 1024UL)

#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __noreturn __attribute__((noreturn))
#define __aligned(n) __attribute__((aligned(n)))

/* A barrier against the compiler only; the arch orders the hardware. */
#define barrier() __asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

struct basic_range {
	uint64_t base;
	uint64_t size;
};

/*
 * What the arch layer found at boot. CPU 0 is the CPU that booted; the
 * others follow in device-tree order.
 */
struct basic_platform {
	const char *arch;
	/* What the arch calls a fault's syndrome and its address register. */
	const char *syndrome_name;
	const char *fault_addr_name;
	const void *fdt;
	uint32_t fdt_size;
	uint64_t image_start, image_end;
	struct basic_range ram[BASIC_MAX_RAM];
	unsigned int nr_ram;
	/* The image, the device tree and /memreserve/ entries. */
	struct basic_range reserved[BASIC_MAX_RESERVED];
	unsigned int nr_reserved;
	uint64_t cpu_hwid[BASIC_MAX_CPUS];
	unsigned int nr_cpus;
	/* Whether interrupts work; tests needing them fail early if not. */
	bool irq_ok;
	/*
	 * `abort`'s default address: a hole in the board's memory map. 0
	 * means 0x3f000000, the hole on QEMU arm64 virt.
	 */
	uint64_t abort_addr;
};

extern struct basic_platform platform;

/* ---- provided by the arch layer ---- */

void arch_putc(char c);
/* Next input byte; sleeps (interrupts taken) while there is none. */
int arch_getc(void);

uint64_t arch_counter(void);
uint64_t arch_counter_freq(void);
/*
 * The same counter frequency, but a count every guest of the machine
 * reads alike where the arch has one (arm64: the physical count), else
 * arch_counter(): for guests that must agree on a moment (yield-count).
 */
uint64_t arch_counter_shared(void);
/* One-shot timer interrupt at an absolute counter value, this CPU. */
void arch_timer_arm(uint64_t deadline);
/*
 * The same timer, `ticks` from now (-2^31 <= ticks < 2^31) in the arch's
 * own relative form if it has one (arm64: CNTV_TVAL); negative is past.
 */
void arch_timer_arm_relative(int64_t ticks);
void arch_timer_stop(void);
/*
 * The same timer armed `ticks` ahead with its interrupt masked, where the
 * arch can (arm64: CNTV_CTL.IMASK; elsewhere nothing): no interrupt, but
 * an emulator that runs its CPUs in turns up to the next timer deadline
 * (QEMU under -icount) ends this CPU's turn by then.
 */
void arch_timer_nudge(uint64_t ticks);
/* The timer's condition as the CPU shows it (ISTATUS, sip.STIP). */
bool arch_timer_pending(void);

void arch_irq_disable(void);
void arch_irq_enable(void);
/*
 * Sleep until an interrupt is pending. Called with interrupts disabled so
 * that a wake-up between the caller's check and the sleep is not lost;
 * the interrupt is taken when the caller enables interrupts again.
 */
void arch_wfi(void);
/* A short cooperative pause: returns on an event or within a few ms. */
void arch_wfe(void);
/* Wake CPUs pausing in arch_wfe(). */
void arch_sev(void);
/*
 * The spin-wait hint (arm64 YIELD, riscv PAUSE) for loops that must not
 * trap: it never leaves the guest, but QEMU's TCG takes it as the moment
 * to run its other CPUs, as a hyperthreaded core would.
 */
void arch_spin_hint(void);

unsigned int arch_cpu_id(void);
/* Start secondary CPU `cpu` at basic_secondary_main(); 0 or an error. */
int arch_cpu_start(unsigned int cpu);
/*
 * cpu-cycle (smp.c), under Keel only: power CPU `cpu` on at the arch's
 * cpu_cycle_entry (start.S), which adds 1 to cpu_cycle_count, uses FP and
 * powers the CPU off again; 0 or the firmware interface's error.
 */
long arch_cpu_cycle_start(unsigned int cpu);
/* 1 if CPU `cpu` is off (PSCI AFFINITY_INFO, SBI HSM status), 0 if not. */
long arch_cpu_is_off(unsigned int cpu);
extern volatile uint64_t cpu_cycle_count;
/* Send inter-processor interrupt `kind` (0..15) to CPU `cpu`. */
void arch_ipi_send(unsigned int cpu, unsigned int kind);
/*
 * Keel's yield hypercall (another vCPU may run before it returns): 0, or
 * the error of a hypervisor or firmware that has no such call.
 */
long arch_hyp_yield(void);
/* Power the machine off; returns only on failure, with an error code. */
long arch_poweroff(void);
__noreturn void arch_halt(void);

struct basic_fault {
	uint64_t syndrome;
	uint64_t addr;
};
/*
 * Expected faults (faults.c): between begin and end, a fault on this CPU
 * is recorded instead of stopping the firmware; end says whether one came.
 * The arch's exception handler calls fault_catch_record(), and steps over
 * the faulting instruction when it returns true.
 */
void fault_catch_begin(void);
bool fault_catch_end(struct basic_fault *f);
bool fault_catch_record(uint64_t syndrome, uint64_t addr);

/* Load 32 bits; false, with the fault described in *f, if it faulted. */
bool arch_try_read32(uint64_t addr, uint32_t *val, struct basic_fault *f);

/*
 * Device registers for drivers in the common part (virtio.c): one load or
 * store of 1, 2, 4 or 8 bytes in the simplest form a trapping hypervisor
 * decodes, ordered after the memory writes before it (a store) or before
 * the memory reads after it (a load), so that rings shared with the device
 * are seen as the driver wrote them.
 */
uint64_t arch_mmio_read(uint64_t addr, unsigned int size);
void arch_mmio_write(uint64_t addr, unsigned int size, uint64_t val);
/* A full barrier between this CPU's memory accesses and a device's. */
void arch_mb(void);
/*
 * Whether a device access the hypervisor refuses (a wrong width or
 * place) faults: an external abort on arm64, an access fault on riscv64.
 * On a PC the bus answers such a read with all ones and drops such a
 * write, with no fault to give (false).
 */
extern const bool arch_refused_access_faults;

/* Start counting retired instructions; false if there is no such counter. */
bool arch_inst_counter_start(void);
uint32_t arch_inst_count(void);

/* Arch lines for `info`. */
void arch_info(void);

/*
 * State a hypervisor may switch lazily (lazy.c): registers the guest can
 * write and read back, as 64-bit words. arch_lazy_begin() makes them
 * writable on this CPU (FP on) and says how many there are (at most
 * LAZY_MAX_WORDS); arch_lazy_value() turns a random word into a value
 * word i may hold (a vCPU that must keep some bits, such as its number,
 * keeps them); write and read move all words in order; restore puts back
 * what the firmware itself needs (vectors, interrupt masks and enables)
 * and end turns off what begin turned on.
 */
#define LAZY_MAX_WORDS 128
unsigned int arch_lazy_begin(void);
void arch_lazy_name(unsigned int i, char *buf, size_t size);
uint64_t arch_lazy_value(unsigned int i, uint64_t random);
void arch_lazy_write(const uint64_t *v);
void arch_lazy_read(uint64_t *v);
void arch_lazy_restore(void);
void arch_lazy_end(void);
/*
 * An exit the hypervisor answers without switching: kind 0 a firmware
 * call (PSCI_VERSION, SBI get_spec_version), 1 and 2 reads of emulated
 * device registers. Its name for messages.
 */
#define LAZY_EXITS 3
const char *arch_lazy_exit(unsigned int kind);
/*
 * Inside an interrupt handler: the interrupt controller's and the CPU's
 * view of the interrupt being handled (running and active priorities,
 * the saved PC and status), at most 8 words; how many, with their names.
 */
unsigned int arch_lazy_irq_state(uint64_t *v, const char **names);

/* ---- provided by the common part, called by the arch layer ---- */

__noreturn void basic_main(void);
__noreturn void basic_secondary_main(unsigned int cpu);
/* The timer armed with arch_timer_arm() fired; the arch has stopped it. */
void basic_timer_irq(uint64_t now);
void basic_ipi_irq(unsigned int kind, uint64_t now);

/* ---- commands and the test runner ---- */

struct basic_command {
	const char *name;
	const char *args;
	const char *help;
	/* 0: PASS; otherwise the value of fail(), whose text is the reason. */
	int (*run)(int argc, char **argv);
};

extern const struct basic_command arch_commands[];
extern const unsigned int arch_nr_commands;

/* Records why the running command fails; returns -1 for `return fail()`. */
__printf(1, 2) int fail(const char *fmt, ...);
/* Name printed in the result line when it is not the command's own. */
__printf(1, 2) void result_name(const char *fmt, ...);
/* Parse an unsigned number (decimal or 0x hex); false if malformed. */
bool parse_u64(const char *s, uint64_t *out);

/* ---- benchmarks ---- */

struct bench_sample {
	uint32_t ticks;
	uint32_t insts;
};

struct bench_op {
	const char *name;
	const char *help;
	/* Once before the runs: 0, or fail(). May be NULL. */
	int (*prepare)(void);
	/* One measured operation: 0, or fail(). */
	int (*run)(struct bench_sample *s);
	/* Whether insts means anything for this operation. */
	bool counts_insts;
};

extern const struct bench_op arch_bench_ops[];
extern const unsigned int arch_nr_bench_ops;

/* The keel,zero window the arch's zero-read operation reads (bench.c). */
extern uint64_t bench_zero_base;
int bench_zero_prepare(void);

static inline void bench_begin(struct bench_sample *s)
{
	s->insts = arch_inst_count();
	s->ticks = (uint32_t)arch_counter();
}

static inline void bench_end(struct bench_sample *s)
{
	uint32_t t = (uint32_t)arch_counter();
	uint32_t i = arch_inst_count();

	s->ticks = t - s->ticks;
	s->insts = i - s->insts;
}

/* ---- shared helpers ---- */

/* SMP and IPIs (smp.c). */
int basic_start_secondaries(void);
bool basic_cpu_online(unsigned int cpu);
/*
 * Run fn on secondary CPU `cpu` (started if need be), woken from its
 * parking place by an IPI: 0, or fail(). basic_run_wait() waits until
 * it returned; false on timeout.
 */
int basic_run_on(unsigned int cpu, void (*fn)(unsigned int cpu));
bool basic_run_wait(unsigned int cpu, uint64_t timeout_ticks);

/* Timing (timing.c). */
uint64_t ticks_from_us(uint64_t us);
uint64_t ticks_to_ns(uint64_t ticks);
/* Prints ticks as milliseconds with three decimals. */
void print_ms(uint64_t ticks);
/* Pause with arch_wfe() until *p >= target or timeout; false on timeout. */
bool wait_count(const volatile unsigned int *p, unsigned int target,
		uint64_t timeout_ticks);
/* Sleep the given time in WFI, woken by a one-shot timer. */
void delay_ticks(uint64_t ticks);
/* Sort for medians. */
void sort_u32(uint32_t *v, unsigned int n);

/* Free RAM above the image, without reserved ranges (memtest.c). */
unsigned int basic_free_ram(struct basic_range *out, unsigned int max);
uint64_t basic_ram_total(void);

/* Device tree (fdt.c). */
int fdt_scan(const void *fdt, struct basic_platform *p);
const void *fdt_getprop_path(const void *fdt, const char *path,
			     const char *prop, int *len);
bool fdt_prop_has_string(const void *prop, int len, const char *s);
/*
 * The first enabled node whose "compatible" lists `compat`: its first
 * "reg" range (buses above it taken to map 1:1) and, if irq is not NULL,
 * the first cell of "interrupts" (0 if none). 0, or -1 if there is none.
 */
int fdt_find_compatible(const void *fdt, const char *compat,
			struct basic_range *reg, uint32_t *irq);
/*
 * fn for every enabled node whose "compatible" lists `compat`, in tree
 * order, with its name and what fdt_find_compatible() gives; a non-zero
 * return stops the walk and is returned. -1 for a malformed tree.
 */
int fdt_for_each_compatible(const void *fdt, const char *compat,
			    int (*fn)(const char *name,
				      const struct basic_range *reg,
				      uint32_t irq, void *arg),
			    void *arg);

/* Output (printf.c). */
__printf(1, 2) int printf(const char *fmt, ...);
int vprintf(const char *fmt, va_list ap);
__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void puts_raw(const char *s);

/* Strings (string.c). */
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* Common tests used by arch commands. */
int test_rtc(uint32_t (*read_seconds)(void));
int test_ipi(void);

#endif /* BASIC_H */
