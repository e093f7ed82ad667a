// SPDX-License-Identifier: GPL-2.0
#include <keel/errno.h>
#include <keel/power.h>
#include <keel/terminal.h>

static int reset_run(int argc, char **argv)
{
	if (argc != 1)
		return -EINVAL;
	term_puts("Resetting the system...\n");
	return power_reset();
}

static int shutdown_run(int argc, char **argv)
{
	if (argc != 1)
		return -EINVAL;
	term_puts("Powering off...\n");
	return power_off();
}

static const struct term_command reset_cmd = {
	.name = "reset",
	.summary = "reset the whole machine",
	.usage = "reset",
	.run = reset_run,
};
TERM_COMMAND(reset_cmd);

static const struct term_command shutdown_cmd = {
	.name = "shutdown",
	.summary = "power the machine off",
	.usage = "shutdown",
	.run = shutdown_run,
};
TERM_COMMAND(shutdown_cmd);
