/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The management terminal (core/term/). Each command registers itself
 * with TERM_COMMAND in its own file; a command disabled in Kconfig is not
 * linked, so it does not exist.
 */
#ifndef KEEL_TERMINAL_H
#define KEEL_TERMINAL_H

#include <keel/errno.h>
#include <keel/types.h>

#define TERM_PROMPT "keel# "
#define TERM_MAX_ARGS 16

struct term_command {
	const char *name;
	const char *summary; /* one line for help */
	const char *usage; /* "name <arg> ..." shown on misuse */
	/* 0 on success; -EINVAL for wrong usage (the usage is printed). */
	int (*run)(int argc, char **argv);
};

#define TERM_COMMAND(var)                                              \
	static const struct term_command *const __cmd_ptr_##var __used \
		__section(".keel.commands." #var) = &(var)

/* Start the terminal thread on the console; -ENODEV without a console. */
#ifdef CONFIG_TERMINAL
int terminal_start(void);
#else
static inline int terminal_start(void)
{
	return -ENOSYS;
}
#endif
int term_printf(const char *fmt, ...) __printf(1, 2);
void term_puts(const char *s);
/* The registered commands (core/term/command_registry.c), sorted by name. */
const struct term_command *term_command_find(const char *name);
void term_for_each_command(void (*fn)(const struct term_command *c, void *arg),
			   void *arg);
/* Run one command line as if typed; returns the command's result. */
int term_execute(char *line);
/* For commands that take subcommands: print the usage and fail. */
int term_usage(const struct term_command *cmd);

#endif
