// SPDX-License-Identifier: GPL-2.0
#include <keel/bundle.h>
#include <keel/errno.h>
#include <keel/string.h>
#include <keel/terminal.h>

struct list_state {
	int width; /* of the NAME column: the longest name */
	unsigned int files;
	u64 bytes;
};

static int measure_file(const struct bundle_file *f, void *arg)
{
	struct list_state *st = arg;
	size_t len = strlen(f->name);

	if (len > (size_t)st->width)
		st->width = len > 255 ? 255 : (int)len;
	return 0;
}

static int print_file(const struct bundle_file *f, void *arg)
{
	struct list_state *st = arg;

	term_printf("%-*s %12zu\n", st->width, f->name, f->size);
	st->files++;
	st->bytes += f->size;
	return 0;
}

static int bundle_run(int argc, char **argv)
{
	struct list_state st = { .width = 4 };

	if (argc != 2 || strcmp(argv[1], "list")) {
		if (argc >= 2)
			term_printf("error: unknown subcommand '%s'\n",
				    argv[1]);
		return -EINVAL;
	}
	/* An empty archive offers nothing either, so it reads the same. */
	if (!bundle_count()) {
		term_printf("no bundle (start Keel with an initrd holding a "
			    "cpio archive)\n");
		return 0;
	}
	bundle_for_each(measure_file, &st);
	term_printf("%-*s %12s\n", st.width, "NAME", "SIZE");
	bundle_for_each(print_file, &st);
	/* Always "files": scripts and tests match this line as it is. */
	term_printf("%u files, %llu bytes\n", st.files,
		    (unsigned long long)st.bytes);
	return 0;
}

static const struct term_command bundle_cmd = {
	.name = "bundle",
	.summary = "files in the boot bundle (the initrd's cpio archive)",
	.usage = "bundle list",
	.run = bundle_run,
};
TERM_COMMAND(bundle_cmd);
