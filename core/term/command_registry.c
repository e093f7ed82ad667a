// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal's command registry: the table TERM_COMMAND fills (gathered
 * by the linker script), searched by name and walked in name order. Apart
 * from the line editor and the console of terminal.c so that host tests
 * reach a command the way the terminal does, with nothing but the table
 * behind it.
 */
#include <keel/string.h>
#include <keel/terminal.h>

extern const struct term_command *const _commands_start[],
	*const _commands_end[];

const struct term_command *term_command_find(const char *name)
{
	size_t n = LINKER_TABLE_COUNT(_commands_start, _commands_end);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(_commands_start[i]->name, name))
			return _commands_start[i];
	return NULL;
}

void term_for_each_command(void (*fn)(const struct term_command *c, void *arg),
			   void *arg)
{
	/* The linker sorts the section by variable name; sort by command. */
	size_t n = LINKER_TABLE_COUNT(_commands_start, _commands_end);
	const char *last = "";

	for (;;) {
		const struct term_command *next = NULL;

		for (size_t i = 0; i < n; i++) {
			const struct term_command *c = _commands_start[i];

			if (strcmp(c->name, last) > 0 &&
			    (!next || strcmp(c->name, next->name) < 0))
				next = c;
		}
		if (!next)
			return;
		fn(next, arg);
		last = next->name;
	}
}
