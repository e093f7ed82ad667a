// SPDX-License-Identifier: GPL-2.0
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/string.h>
#include <keel/terminal.h>
#include <keel/vserial.h>

static int print_port(struct vserial *vs, void *arg)
{
	unsigned int *count = arg;

	term_printf("%-32s %-5s %12llu\n", vs->name,
		    READ_ONCE(vs->bound) ? "yes" : "no",
		    (unsigned long long)READ_ONCE(vs->written));
	(*count)++;
	return 0;
}

static int list_ports(void)
{
	unsigned int count = 0;

	term_printf("%-32s %-5s %12s\n", "NAME", "BOUND", "BYTES-OUT");
	vserial_for_each(print_port, &count);
	if (!count)
		term_puts("(no virtual serial ports)\n");
	return 0;
}

static int no_port(const char *name)
{
	term_printf("error: no virtual serial port '%s' (see 'vserial list')\n",
		    name);
	return -ENOENT;
}

struct dump_ctx {
	const char *name;
	char *buf;
	size_t len;
	bool found;
};

/*
 * Copied while the registry is locked, so that a guest going away cannot
 * free the port between finding and reading it.
 */
static int copy_recent(struct vserial *vs, void *arg)
{
	struct dump_ctx *ctx = arg;

	if (strcmp(vs->name, ctx->name))
		return 0;
	ctx->len = vserial_recent(vs, ctx->buf, VSERIAL_RING_SIZE);
	ctx->found = true;
	return 1;
}

/*
 * The ring starts wherever old output was cut off, possibly inside an
 * escape sequence, and holds whatever the guest sent: control bytes other
 * than line breaks and tabs are left out so that the dump cannot put the
 * user's terminal into some mode.
 */
static void print_text(const char *buf, size_t len)
{
	char chunk[128];
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') ||
		    c == 0x7f)
			continue;
		chunk[n++] = (char)c;
		if (n == sizeof(chunk) - 1) {
			chunk[n] = 0;
			term_puts(chunk);
			n = 0;
		}
	}
	chunk[n] = 0;
	term_puts(chunk);
}

static int dump_port(const char *name)
{
	struct dump_ctx ctx = { .name = name };

	ctx.buf = keel_malloc(VSERIAL_RING_SIZE);
	if (!ctx.buf)
		return -ENOMEM;
	vserial_for_each(copy_recent, &ctx);
	if (!ctx.found) {
		keel_free(ctx.buf);
		return no_port(name);
	}
	if (!ctx.len) {
		term_printf("(no output from %s yet)\n", name);
	} else {
		print_text(ctx.buf, ctx.len);
		if (ctx.buf[ctx.len - 1] != '\n')
			term_puts("\n");
	}
	keel_free(ctx.buf);
	return 0;
}

static int vserial_run(int argc, char **argv)
{
	struct vserial *vs;

	if (argc == 2 && !strcmp(argv[1], "list"))
		return list_ports();
	if (argc == 3 && !strcmp(argv[1], "bind")) {
		vs = vserial_find(argv[2]);
		if (!vs)
			return no_port(argv[2]);
		return vserial_bind_console(vs);
	}
	if (argc == 3 && !strcmp(argv[1], "dump"))
		return dump_port(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "list") && strcmp(argv[1], "bind") &&
	    strcmp(argv[1], "dump"))
		term_printf("error: unknown subcommand '%s'\n", argv[1]);
	return -EINVAL;
}

static const struct term_command vserial_cmd = {
	.name = "vserial",
	.summary = "guests' virtual serial ports",
	.usage = "vserial list | vserial bind <guest>/<port> | "
		 "vserial dump <guest>/<port>",
	.run = vserial_run,
};
TERM_COMMAND(vserial_cmd);
