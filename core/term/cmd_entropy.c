// SPDX-License-Identifier: GPL-2.0
#include <keel/entropy.h>
#include <keel/errno.h>
#include <keel/string.h>
#include <keel/terminal.h>

#define ENTROPY_READ_MAX 64
/* A source may return fewer bytes than asked; it gets this many goes. */
#define ENTROPY_READ_TRIES 16

static const char no_source[] = "no entropy source on this machine\n";

static int parse_count(const char *s, unsigned int *out)
{
	unsigned int n = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > ENTROPY_READ_MAX)
			return -EINVAL;
		n = n * 10 + (unsigned int)(*s - '0');
	}
	if (!n || n > ENTROPY_READ_MAX)
		return -EINVAL;
	*out = n;
	return 0;
}

static int entropy_read_cmd(const char *arg)
{
	u8 buf[ENTROPY_READ_MAX];
	unsigned int n, got = 0;

	if (parse_count(arg, &n)) {
		term_printf("error: byte count '%s' is not 1..%u\n", arg,
			    ENTROPY_READ_MAX);
		return -EINVAL;
	}
	if (!entropy_source()) {
		term_puts(no_source);
		return -ENODEV;
	}
	for (unsigned int i = 0; got < n && i < ENTROPY_READ_TRIES; i++) {
		int r = entropy_read(buf + got, n - got);

		if (r == -EAGAIN)
			continue;
		if (r < 0) {
			term_printf("error: reading %s: %s\n",
				    entropy_source()->name, error_name(r));
			return r;
		}
		got += (unsigned int)r;
	}
	if (got < n) {
		term_printf("error: %s gave %u of %u bytes\n",
			    entropy_source()->name, got, n);
		return -EIO;
	}
	for (unsigned int i = 0; i < n; i++)
		term_printf("%02x", buf[i]);
	term_puts("\n");
	return 0;
}

static int entropy_run(int argc, char **argv)
{
	const struct entropy_source *src;

	if (argc == 3 && !strcmp(argv[1], "read"))
		return entropy_read_cmd(argv[2]);
	if (argc != 1) {
		if (argc >= 2 && strcmp(argv[1], "read"))
			term_printf("error: unknown subcommand '%s'\n",
				    argv[1]);
		return -EINVAL;
	}
	src = entropy_source();
	if (!src)
		term_puts(no_source);
	else
		term_printf("source: %s (priority %d)\n", src->name,
			    src->priority);
	return 0;
}

static const struct term_command entropy_cmd = {
	.name = "entropy",
	.summary = "the host's entropy source, and random bytes from it",
	.usage = "entropy | entropy read <bytes 1..64>",
	.run = entropy_run,
};
TERM_COMMAND(entropy_cmd);
