// SPDX-License-Identifier: GPL-2.0
#include <keel/errno.h>
#include <keel/terminal.h>

static void print_summary(const struct term_command *c, void *arg)
{
	term_printf("  %-10s %s\n", c->name, c->summary);
}

static int help_run(int argc, char **argv)
{
	const struct term_command *c;

	if (argc > 2)
		return -EINVAL;
	if (argc == 2) {
		c = term_command_find(argv[1]);
		if (!c) {
			term_printf("error: no command '%s'\n", argv[1]);
			return -ENOENT;
		}
		term_printf("%s: %s\nusage: %s\n", c->name, c->summary,
			    c->usage);
		return 0;
	}
	term_printf("Commands (help <command> for its usage):\n");
	term_for_each_command(print_summary, NULL);
	return 0;
}

static const struct term_command help_cmd = {
	.name = "help",
	.summary = "list commands, or show one command's usage",
	.usage = "help [command]",
	.run = help_run,
};
TERM_COMMAND(help_cmd);
