// SPDX-License-Identifier: GPL-2.0
/*
 * core/vserial.c and the vserial terminal command over a fake console:
 * what the user "types" is a script the console hands out byte by byte
 * (a gap ends what a paste delivers at once), and hooks run at chosen
 * points of the script to do what other threads would do meanwhile (a
 * guest printing, a guest going away). The command is found by name in
 * the table host/keel_tables.ld lays out, as the terminal finds it
 * (core/term/command_registry.c).
 */
#include "unit.h"
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keel/chardev.h>
#include <keel/errno.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/terminal.h>
#include <keel/vserial.h>

/* ---- captured output ---- */

struct capture {
	char buf[16384];
	size_t len;
};

static struct capture con_out, term_out;

static void capture(struct capture *c, const char *s, size_t len)
{
	CHECK(c->len + len < sizeof(c->buf));
	if (c->len + len >= sizeof(c->buf))
		return;
	memcpy(c->buf + c->len, s, len);
	c->len += len;
	c->buf[c->len] = 0;
}

/* ---- the console ---- */

#define GAP (-ETIMEDOUT)
#define ESC VSERIAL_ESCAPE_CHAR
#define QUIT VSERIAL_ESCAPE_QUIT

static struct chardev console = { .name = "fake" };
static bool have_console = true;
static const int *script;
static size_t script_len, script_pos;
static void (*hook)(size_t pos);
static unsigned int ran_dry, sleeps;

struct chardev *console_get(void)
{
	return have_console ? &console : NULL;
}

int chardev_write(struct chardev *cd, const char *buf, size_t len)
{
	CHECK(cd == &console);
	capture(&con_out, buf, len);
	return (int)len;
}

int chardev_getc_timeout(struct chardev *cd, u64 timeout_ns)
{
	CHECK(cd == &console);
	if (hook)
		hook(script_pos);
	if (script_pos < script_len)
		return script[script_pos++];
	/*
	 * The script is over and the binder still reads: end the session
	 * the way a user would, so that a failing test cannot hang.
	 */
	if (timeout_ns == 0)
		return -ETIMEDOUT;
	if (++ran_dry > 100)
		abort();
	return ran_dry % 2 ? ESC : QUIT;
}

void thread_sleep_ms(u64 ms)
{
	sleeps++;
}

#define PLAY(...)                                           \
	do {                                                \
		static const int play_[] = { __VA_ARGS__ }; \
		script = play_;                             \
		script_len = ARRAY_SIZE(play_);             \
		script_pos = 0;                             \
	} while (0)

/* ---- the terminal ---- */

int term_printf(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	capture(&term_out, line, strlen(line));
	return n;
}

void term_puts(const char *s)
{
	capture(&term_out, s, strlen(s));
}

static const struct term_command *vserial_cmd(void)
{
	const struct term_command *cmd = term_command_find("vserial");

	if (!cmd) {
		printf("  no terminal command 'vserial'\n");
		abort();
	}
	return cmd;
}

static int run(const char *line)
{
	char copy[256];
	char *argv[TERM_MAX_ARGS];
	int argc = 0;

	strlcpy(copy, line, sizeof(copy));
	for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	return vserial_cmd()->run(argc, argv);
}

/* ---- a guest's UART on the other side ---- */

struct fake_uart {
	char got[1024];
	size_t len;
	size_t take_max; /* per call; 0 = the FIFO is full */
	unsigned int calls;
};

/*
 * Whether fn(vs) can run to its end now, at this point of the caller: it
 * runs in a child process, where a lock the caller holds stops it. (A
 * host test's lock is a flag, and taking a held one fails an assertion
 * where Keel would wait.) The child's memory is its own: nothing it does
 * reaches the test.
 */
static bool completes(void (*fn)(struct vserial *vs), struct vserial *vs)
{
	struct rlimit no_core = { 0, 0 };
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		/* The assertion that stops it is expected: keep it quiet. */
		setrlimit(RLIMIT_CORE, &no_core);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		fn(vs);
		_exit(0);
	}
	if (pid < 0)
		return false;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void find_port(struct vserial *vs)
{
	vserial_find(vs->name);
}

static void read_port(struct vserial *vs)
{
	char c;

	vserial_recent(vs, &c, 1);
}

static void destroy_port(struct vserial *vs)
{
	vserial_destroy(vs);
}

static size_t fake_rx(struct vserial *vs, const char *buf, size_t len)
{
	struct fake_uart *u = vs->priv;
	size_t n = MIN(len, u->take_max);

	/*
	 * Called under no lock that a port's output or the registry takes,
	 * and under the one vserial_destroy() waits for: destroying the port
	 * cannot return while the emulator behind it is still being fed.
	 */
	CHECK(completes(read_port, vs));
	CHECK(completes(find_port, vs));
	CHECK(!completes(destroy_port, vs));
	u->calls++;
	memcpy(u->got + u->len, buf, n);
	u->len += n;
	return n;
}

static struct fake_uart uart;

static void start(void)
{
	memset(&uart, 0, sizeof(uart));
	uart.take_max = 1024;
	con_out.len = 0;
	con_out.buf[0] = 0;
	term_out.len = 0;
	term_out.buf[0] = 0;
	have_console = true;
	hook = NULL;
	script = NULL;
	script_len = script_pos = 0;
	ran_dry = 0;
	sleeps = 0;
}

static void output_str(struct vserial *vs, const char *s)
{
	vserial_output(vs, s, strlen(s));
}

/* ---- the registry ---- */

UNIT_TEST(create_find_destroy)
{
	char name[VSERIAL_NAME_LEN + 1];
	struct vserial *a, *b;

	start();
	a = vserial_create("vm1/uart@0", fake_rx, &uart);
	CHECK(a != NULL);
	CHECK(vserial_find("vm1/uart@0") == a);
	CHECK(!strcmp(a->name, "vm1/uart@0"));
	CHECK(a->priv == &uart);
	CHECK_EQ(a->written, 0);
	CHECK(!a->bound);
	/* Names are unique. */
	CHECK(vserial_create("vm1/uart@0", fake_rx, NULL) == NULL);
	CHECK(vserial_create("", fake_rx, NULL) == NULL);
	CHECK(vserial_create(NULL, fake_rx, NULL) == NULL);
	memset(name, 'n', VSERIAL_NAME_LEN);
	name[VSERIAL_NAME_LEN] = 0;
	CHECK(vserial_create(name, fake_rx, NULL) == NULL);
	name[VSERIAL_NAME_LEN - 1] = 0;
	b = vserial_create(name, NULL, NULL);
	CHECK(b != NULL);
	CHECK(vserial_find(name) == b);
	CHECK(vserial_find("vm1/uart") == NULL);
	CHECK(vserial_find(NULL) == NULL);
	vserial_destroy(a);
	CHECK(vserial_find("vm1/uart@0") == NULL);
	CHECK(vserial_find(name) == b);
	vserial_destroy(b);
	vserial_destroy(NULL);
	CHECK(vserial_find(name) == NULL);
}

static int visit(struct vserial *vs, void *arg)
{
	struct capture *c = arg;

	capture(c, vs->name, strlen(vs->name));
	capture(c, ";", 1);
	return strcmp(vs->name, "stop") ? 0 : 42;
}

UNIT_TEST(for_each_in_creation_order)
{
	struct capture seen = { .len = 0 };
	struct vserial *a = vserial_create("a/x", NULL, NULL);
	struct vserial *b = vserial_create("b/x", NULL, NULL);
	struct vserial *c = vserial_create("c/x", NULL, NULL);
	struct vserial *stop;

	CHECK_EQ(vserial_for_each(visit, &seen), 0);
	CHECK(!strcmp(seen.buf, "a/x;b/x;c/x;"));
	vserial_destroy(b);
	stop = vserial_create("stop", NULL, NULL);
	vserial_destroy(c);
	c = vserial_create("c/x", NULL, NULL);
	seen.len = 0;
	CHECK_EQ(vserial_for_each(visit, &seen), 42);
	CHECK(!strcmp(seen.buf, "a/x;stop;"));
	vserial_destroy(a);
	vserial_destroy(stop);
	vserial_destroy(c);
}

/* ---- the output ring ---- */

UNIT_TEST(ring_keeps_output)
{
	struct vserial *vs = vserial_create("g/r", NULL, NULL);
	char buf[64];

	start();
	CHECK_EQ(vserial_recent(vs, buf, sizeof(buf)), 0);
	output_str(vs, "hello, ");
	output_str(vs, "world");
	vserial_output(vs, "", 0);
	CHECK_EQ(vs->written, 12);
	CHECK_EQ(vserial_recent(vs, buf, sizeof(buf)), 12);
	CHECK(!memcmp(buf, "hello, world", 12));
	CHECK_EQ(vserial_recent(vs, buf, 5), 5);
	CHECK(!memcmp(buf, "world", 5));
	CHECK_EQ(vserial_recent(vs, buf, 0), 0);
	/* Not bound: nothing reaches the console. */
	CHECK_EQ(con_out.len, 0);
	vserial_destroy(vs);
}

static char stream_byte(u64 i)
{
	return (char)('!' + (i * 7 + i / 13) % 90);
}

static void check_recent(struct vserial *vs, u64 total, size_t want)
{
	static char buf[VSERIAL_RING_SIZE + 100];
	size_t n = vserial_recent(vs, buf, want);
	size_t expect =
		(size_t)MIN(MIN((u64)want, total), (u64)VSERIAL_RING_SIZE);
	bool same = true;

	CHECK_EQ(n, expect);
	for (size_t i = 0; i < n; i++)
		same &= buf[i] == stream_byte(total - n + i);
	CHECK(same);
}

UNIT_TEST(ring_wraps_around)
{
	struct vserial *vs = vserial_create("g/wrap", NULL, NULL);
	static char chunk[3 * VSERIAL_RING_SIZE];
	static const size_t sizes[] = { 1,    7,    100, 1000, 4095,
					4096, 4097, 3,	 9000, 2 };
	u64 total = 0;

	for (size_t k = 0; k < 40; k++) {
		size_t len = sizes[k % ARRAY_SIZE(sizes)];

		for (size_t i = 0; i < len; i++)
			chunk[i] = stream_byte(total + i);
		vserial_output(vs, chunk, len);
		total += len;
		CHECK_EQ(vs->written, total);
		check_recent(vs, total, VSERIAL_RING_SIZE + 100);
		check_recent(vs, total, VSERIAL_RING_SIZE);
		check_recent(vs, total, 10);
		check_recent(vs, total, 4000);
	}
	vserial_destroy(vs);
}

/* ---- binding the console ---- */

#define BANNER(name) \
	"[connected to " name "; " VSERIAL_ESCAPE_HELP " returns to keel#]\n"

UNIT_TEST(bind_needs_console)
{
	struct vserial *vs = vserial_create("g/nc", fake_rx, &uart);

	start();
	have_console = false;
	CHECK_EQ(vserial_bind_console(vs), -ENODEV);
	CHECK(!vs->bound);
	CHECK_EQ(vserial_bind_console(NULL), -ENODEV);
	have_console = true;
	CHECK_EQ(vserial_bind_console(NULL), -ENOENT);
	vserial_destroy(vs);
}

UNIT_TEST(bind_forwards_input_until_escape)
{
	struct vserial *vs = vserial_create("vm1/uart", fake_rx, &uart);
	static const char forwarded[] = { 'h', 'i', ESC, 'x', ESC,
					  ESC, 'a', ESC, 'b' };

	start();
	PLAY('h', 'i', GAP, ESC, 'x', GAP, ESC, ESC, GAP, 'a', ESC, 'b', GAP,
	     ESC, QUIT);
	CHECK_EQ(vserial_bind_console(vs), 0);
	CHECK_EQ(ran_dry, 0);
	CHECK_EQ(script_pos, script_len);
	/* Ctrl-] and anything but q: both bytes go to the guest. */
	CHECK_EQ(uart.len, 9);
	CHECK(!memcmp(uart.got, forwarded, sizeof(forwarded)));
	/* "a" went alone: the Ctrl-] after it waited for its next byte. */
	CHECK_EQ(uart.calls, 5);
	CHECK(!vs->bound);
	/* Nothing replayed: the banner first, a farewell last. */
	CHECK(!strncmp(con_out.buf, BANNER("vm1/uart"),
		       strlen(BANNER("vm1/uart"))));
	CHECK(strstr(con_out.buf, "[disconnected from vm1/uart]") != NULL);
	vserial_destroy(vs);
}

static struct vserial *hook_port;

static void print_during_bind(size_t pos)
{
	if (pos == 1)
		output_str(hook_port, "guest says hi\r\n");
}

UNIT_TEST(guest_output_reaches_console_while_bound)
{
	struct vserial *vs = vserial_create("vm1/out", fake_rx, &uart);
	char buf[64];

	start();
	output_str(vs, "before\n");
	hook_port = vs;
	hook = print_during_bind;
	PLAY('k', GAP, ESC, QUIT);
	CHECK_EQ(vserial_bind_console(vs), 0);
	CHECK(strstr(con_out.buf, "before") == NULL);
	CHECK(strstr(con_out.buf, BANNER("vm1/out") "guest says hi\r\n") !=
	      NULL);
	hook = NULL;
	con_out.len = 0;
	output_str(vs, "after\n");
	CHECK_EQ(con_out.len, 0);
	CHECK_EQ(vserial_recent(vs, buf, sizeof(buf)), 28);
	CHECK(!memcmp(buf, "before\nguest says hi\r\nafter\n", 28));
	vserial_destroy(vs);
}

UNIT_TEST(input_waits_for_room_then_drops)
{
	struct vserial *vs = vserial_create("vm1/slow", fake_rx, &uart);

	/* One byte at a time: everything arrives, nobody sleeps. */
	start();
	uart.take_max = 1;
	PLAY('a', 'b', 'c', 'd', GAP, ESC, QUIT);
	CHECK_EQ(vserial_bind_console(vs), 0);
	CHECK_EQ(uart.len, 4);
	CHECK(!memcmp(uart.got, "abcd", 4));
	CHECK_EQ(uart.calls, 4);
	CHECK_EQ(sleeps, 0);

	/* A full FIFO: offered again a while, then dropped. */
	start();
	uart.take_max = 0;
	PLAY('a', 'b', GAP, ESC, QUIT);
	CHECK_EQ(vserial_bind_console(vs), 0);
	CHECK_EQ(uart.len, 0);
	CHECK_EQ(sleeps, VSERIAL_RX_RETRIES);
	CHECK_EQ(uart.calls, VSERIAL_RX_RETRIES + 1);
	vserial_destroy(vs);
}

static void destroy_during_bind(size_t pos)
{
	if (pos == 2) {
		vserial_destroy(hook_port);
		hook = NULL;
	}
}

UNIT_TEST(port_destroyed_while_bound)
{
	struct vserial *vs = vserial_create("vm2/gone", fake_rx, &uart);

	start();
	hook_port = vs;
	hook = destroy_during_bind;
	PLAY('a', GAP, 'b', 'c');
	/* The binder notices, frees the port (LeakSanitizer checks) and says so. */
	CHECK_EQ(vserial_bind_console(vs), -ENODEV);
	CHECK(vserial_find("vm2/gone") == NULL);
	CHECK_EQ(uart.len, 1);
	CHECK(strstr(con_out.buf, "[vm2/gone has gone]") != NULL);
	/* The console is free again. */
	vs = vserial_create("vm2/next", fake_rx, &uart);
	PLAY(ESC, QUIT);
	CHECK_EQ(vserial_bind_console(vs), 0);
	vserial_destroy(vs);
}

static int nested_result;
static struct vserial *other_port;

static void bind_another(size_t pos)
{
	if (pos == 0)
		nested_result = vserial_bind_console(other_port);
}

UNIT_TEST(one_binding_at_a_time)
{
	struct vserial *vs = vserial_create("vm1/a", fake_rx, &uart);

	other_port = vserial_create("vm1/b", fake_rx, &uart);
	start();
	hook = bind_another;
	PLAY(ESC, QUIT);
	CHECK_EQ(vserial_bind_console(vs), 0);
	CHECK_EQ(nested_result, -EBUSY);
	CHECK(!other_port->bound);
	vserial_destroy(other_port);
	vserial_destroy(vs);
}

/* ---- the command ---- */

static void list_during_bind(size_t pos)
{
	if (pos == 0)
		run("vserial list");
}

UNIT_TEST(cmd_list)
{
	struct vserial *a, *b;
	char line[128];

	start();
	CHECK_EQ(run("vserial list"), 0);
	CHECK(strstr(term_out.buf, "NAME") != NULL);
	CHECK(strstr(term_out.buf, "BOUND") != NULL);
	CHECK(strstr(term_out.buf, "BYTES-OUT") != NULL);
	CHECK(strstr(term_out.buf, "(no virtual serial ports)") != NULL);

	a = vserial_create("linux/pl011@9000000", fake_rx, &uart);
	b = vserial_create("rtos/pl011@9000000", fake_rx, &uart);
	output_str(b, "12345");
	term_out.len = 0;
	CHECK_EQ(run("vserial list"), 0);
	CHECK(strstr(term_out.buf, "no virtual") == NULL);
	CHECK(strstr(term_out.buf, "linux/pl011@9000000") != NULL);
	CHECK(strstr(term_out.buf, "rtos/pl011@9000000") != NULL);
	snprintf(line, sizeof(line), "%-32s %-5s %12d\n", "linux/pl011@9000000",
		 "no", 0);
	CHECK(strstr(term_out.buf, line) != NULL);
	snprintf(line, sizeof(line), "%-32s %-5s %12d\n", "rtos/pl011@9000000",
		 "no", 5);
	CHECK(strstr(term_out.buf, line) != NULL);

	/* While bound, the list says so. */
	term_out.len = 0;
	hook = list_during_bind;
	PLAY(ESC, QUIT);
	CHECK_EQ(vserial_bind_console(a), 0);
	CHECK(strstr(term_out.buf, "yes") != NULL);
	vserial_destroy(a);
	vserial_destroy(b);
}

UNIT_TEST(cmd_dump)
{
	struct vserial *vs = vserial_create("vm1/dump", fake_rx, &uart);
	static char big[3 * VSERIAL_RING_SIZE];

	start();
	CHECK_EQ(run("vserial dump vm1/dump"), 0);
	CHECK(strstr(term_out.buf, "(no output from vm1/dump yet)") != NULL);

	term_out.len = 0;
	output_str(vs, "Booting\x1b[0m\a\r\n");
	vserial_output(vs, "x\0y", 3);
	CHECK_EQ(run("vserial dump vm1/dump"), 0);
	/* Control bytes left out; a line break added at the end. */
	CHECK(!strcmp(term_out.buf, "Booting[0m\r\nxy\n"));

	/* Only what the ring still holds. */
	memset(big, 'z', sizeof(big));
	memcpy(big + sizeof(big) - 4, "end\n", 4);
	vserial_output(vs, big, sizeof(big));
	term_out.len = 0;
	CHECK_EQ(run("vserial dump vm1/dump"), 0);
	CHECK_EQ(term_out.len, VSERIAL_RING_SIZE);
	CHECK(!strcmp(term_out.buf + term_out.len - 4, "end\n"));
	vserial_destroy(vs);
}

UNIT_TEST(cmd_bind_and_errors)
{
	struct vserial *vs = vserial_create("vm1/b", fake_rx, &uart);

	start();
	CHECK_EQ(run("vserial bind vm9/nope"), -ENOENT);
	CHECK(strstr(term_out.buf, "'vm9/nope'") != NULL);
	term_out.len = 0;
	CHECK_EQ(run("vserial dump vm9/nope"), -ENOENT);
	CHECK(strstr(term_out.buf, "'vm9/nope'") != NULL);

	PLAY('l', 's', GAP, ESC, QUIT);
	CHECK_EQ(run("vserial bind vm1/b"), 0);
	CHECK_EQ(uart.len, 2);
	CHECK(strstr(con_out.buf, BANNER("vm1/b")) != NULL);

	term_out.len = 0;
	CHECK_EQ(run("vserial"), -EINVAL);
	CHECK_EQ(run("vserial bind"), -EINVAL);
	CHECK_EQ(run("vserial list extra"), -EINVAL);
	CHECK_EQ(term_out.len, 0);
	CHECK_EQ(run("vserial frobnicate"), -EINVAL);
	CHECK(strstr(term_out.buf, "unknown subcommand 'frobnicate'") != NULL);
	CHECK(!strcmp(vserial_cmd()->usage,
		      "vserial list | vserial bind <guest>/<port> | "
		      "vserial dump <guest>/<port>"));
	vserial_destroy(vs);
}

UNIT_MAIN()
