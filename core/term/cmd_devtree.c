// SPDX-License-Identifier: GPL-2.0
/* devtree print [path] | devtree attr get <path> <name> */
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/string.h>
#include <keel/terminal.h>

#define VALUE_LEN 1024

static void write_term(void *arg, const char *text)
{
	term_puts(text);
}

static struct devtree_node *lookup(const char *path)
{
	struct devtree_node *n = devtree_find_path(devtree_host_root(), path);

	if (!n)
		term_printf("error: no node '%s'\n", path);
	return n;
}

static int devtree_run(int argc, char **argv)
{
	struct devtree_node *node;
	char *value;

	if (argc >= 2 && !strcmp(argv[1], "print") && argc <= 3) {
		node = lookup(argc == 3 ? argv[2] : "/");
		if (!node)
			return -ENOENT;
		return devtree_write_dts(node, 0, write_term, NULL);
	}
	if (argc == 5 && !strcmp(argv[1], "attr") && !strcmp(argv[2], "get")) {
		const struct devtree_prop *p;

		node = lookup(argv[3]);
		if (!node)
			return -ENOENT;
		p = devtree_prop_find(node, argv[4]);
		if (!p) {
			term_printf("error: node '%s' has no attribute '%s'\n",
				    argv[3], argv[4]);
			return -ENOENT;
		}
		if (!p->len) {
			term_printf("%s (empty)\n", p->name);
			return 0;
		}
		value = keel_malloc(VALUE_LEN);
		if (!value)
			return -ENOMEM;
		devtree_format_value(p, value, VALUE_LEN);
		term_printf("%s = %s\n", p->name, value);
		keel_free(value);
		return 0;
	}
	if (argc >= 2)
		term_printf("error: wrong arguments for '%s'\n", argv[1]);
	return -EINVAL;
}

static const struct term_command devtree_cmd = {
	.name = "devtree",
	.summary = "show the host device tree",
	.usage = "devtree print [path] | devtree attr get <path> <name>",
	.run = devtree_run,
};
TERM_COMMAND(devtree_cmd);
