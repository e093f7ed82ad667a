// SPDX-License-Identifier: GPL-2.0
#include <keel/errno.h>
#include <keel/terminal.h>
#include <keel/version.h>

static int version_run(int argc, char **argv)
{
	if (argc != 1)
		return -EINVAL;
	term_printf("Keel %s (%s) %s\n", KEEL_VERSION, KEEL_ARCH_NAME,
		    KEEL_BUILD_INFO);
	return 0;
}

static const struct term_command version_cmd = {
	.name = "version",
	.summary = "show the Keel version",
	.usage = "version",
	.run = version_run,
};
TERM_COMMAND(version_cmd);
