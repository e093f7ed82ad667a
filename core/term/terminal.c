// SPDX-License-Identifier: GPL-2.0
/*
 * The management terminal: a thread that edits a line on the console
 * (cursor keys, history, backspace), splits it into words and runs the
 * registered command named by the first word.
 */
#include <keel/chardev.h>
#include <keel/errno.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/terminal.h>
#include <keel/timer.h>

#define LINE_LEN 256
#define HISTORY CONFIG_TERMINAL_HISTORY

static struct chardev *term_dev;

struct line_editor {
	char buf[LINE_LEN];
	unsigned int len, cursor;
	char history[HISTORY][LINE_LEN];
	unsigned int hist_count; /* lines stored, up to HISTORY */
	unsigned int hist_next; /* slot the next line goes to */
	int hist_pos; /* -1 = editing a new line */
	char saved[LINE_LEN]; /* the new line while browsing history */
};

static struct line_editor editor;

/* Bytes written since boot: tells whether a command explained itself. */
static u64 term_output_bytes;

static void term_write(const char *s, size_t n)
{
	term_output_bytes += n;
	if (term_dev)
		chardev_write(term_dev, s, n);
}

void term_puts(const char *s)
{
	term_write(s, strlen(s));
}

static void term_sink(void *ctx, char c)
{
	struct {
		char buf[128];
		size_t n;
	} *out = ctx;

	out->buf[out->n++] = c;
	if (out->n == sizeof(out->buf)) {
		term_write(out->buf, out->n);
		out->n = 0;
	}
}

int term_printf(const char *fmt, ...)
{
	struct {
		char buf[128];
		size_t n;
	} out = { .n = 0 };
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vcbprintf(term_sink, &out, fmt, ap);
	va_end(ap);
	if (out.n)
		term_write(out.buf, out.n);
	return ret;
}

int term_usage(const struct term_command *cmd)
{
	term_printf("usage: %s\n", cmd->usage);
	return -EINVAL;
}

/*
 * Split in place on blanks. Double quotes group blanks into a word, also
 * inside one (append="a b" is the word append=a b); they are removed.
 */
static int split_words(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line, *w;
	bool quoted;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = w = p;
		quoted = false;
		while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
			if (*p == '"')
				quoted = !quoted;
			else
				*w++ = *p;
			p++;
		}
		if (quoted)
			return -EINVAL;
		/* w is at or behind the blank that ends the word. */
		if (*p)
			p++;
		*w = '\0';
	}
	return argc;
}

int term_execute(char *line)
{
	char *argv[TERM_MAX_ARGS];
	const struct term_command *cmd;
	int argc = split_words(line, argv, TERM_MAX_ARGS);
	u64 before;
	int err;

	if (argc == -E2BIG) {
		term_printf("error: more than %d words\n", TERM_MAX_ARGS);
		return -EINVAL;
	}
	if (argc < 0) {
		term_printf("error: unterminated quote\n");
		return -EINVAL;
	}
	if (argc == 0)
		return 0;
	cmd = term_command_find(argv[0]);
	if (!cmd) {
		term_printf("error: unknown command '%s' (try 'help')\n",
			    argv[0]);
		return -ENOENT;
	}
	before = term_output_bytes;
	err = cmd->run(argc, argv);
	if (err == -EINVAL)
		term_usage(cmd);
	else if (err && term_output_bytes == before)
		term_printf("error: %s failed: %s\n", cmd->name,
			    error_name(err));
	return err;
}

/* ---- line editing ---- */

static void redraw_from_cursor(struct line_editor *ed, unsigned int erase)
{
	term_write(ed->buf + ed->cursor, ed->len - ed->cursor);
	for (unsigned int i = 0; i < erase; i++)
		term_write(" ", 1);
	for (unsigned int i = ed->cursor; i < ed->len + erase; i++)
		term_write("\b", 1);
}

static void set_line(struct line_editor *ed, const char *text)
{
	unsigned int old = ed->len;

	while (ed->cursor) {
		term_write("\b", 1);
		ed->cursor--;
	}
	ed->len = MIN(strlcpy(ed->buf, text, sizeof(ed->buf)),
		      sizeof(ed->buf) - 1);
	term_write(ed->buf, ed->len);
	for (unsigned int i = ed->len; i < old; i++)
		term_write(" ", 1);
	for (unsigned int i = ed->len; i < old; i++)
		term_write("\b", 1);
	ed->cursor = ed->len;
}

static void insert_char(struct line_editor *ed, char c)
{
	if (ed->len >= LINE_LEN - 1) {
		term_write("\a", 1);
		return;
	}
	memmove(ed->buf + ed->cursor + 1, ed->buf + ed->cursor,
		ed->len - ed->cursor);
	ed->buf[ed->cursor] = c;
	ed->len++;
	term_write(&c, 1);
	ed->cursor++;
	redraw_from_cursor(ed, 0);
}

static void delete_at_cursor(struct line_editor *ed)
{
	if (ed->cursor >= ed->len)
		return;
	memmove(ed->buf + ed->cursor, ed->buf + ed->cursor + 1,
		ed->len - ed->cursor - 1);
	ed->len--;
	redraw_from_cursor(ed, 1);
}

static void backspace(struct line_editor *ed)
{
	if (!ed->cursor)
		return;
	ed->cursor--;
	term_write("\b", 1);
	delete_at_cursor(ed);
}

static void move_cursor(struct line_editor *ed, int delta)
{
	while (delta < 0 && ed->cursor) {
		term_write("\b", 1);
		ed->cursor--;
		delta++;
	}
	while (delta > 0 && ed->cursor < ed->len) {
		term_write(ed->buf + ed->cursor, 1);
		ed->cursor++;
		delta--;
	}
}

static const char *history_line(struct line_editor *ed, int back)
{
	unsigned int slot = (ed->hist_next + HISTORY - 1 - back) % HISTORY;

	return ed->history[slot];
}

static void history_browse(struct line_editor *ed, int dir)
{
	int pos = ed->hist_pos + dir;

	if (pos >= (int)ed->hist_count || pos < -1)
		return;
	ed->buf[ed->len] = 0;
	if (ed->hist_pos == -1)
		strlcpy(ed->saved, ed->buf, sizeof(ed->saved));
	ed->hist_pos = pos;
	set_line(ed, pos == -1 ? ed->saved : history_line(ed, pos));
}

static void history_add(struct line_editor *ed, const char *line)
{
	if (!line[0])
		return;
	if (ed->hist_count && !strcmp(history_line(ed, 0), line))
		return;
	strlcpy(ed->history[ed->hist_next], line, LINE_LEN);
	ed->hist_next = (ed->hist_next + 1) % HISTORY;
	if (ed->hist_count < HISTORY)
		ed->hist_count++;
}

/* A byte read ahead while parsing an escape sequence, handled next. */
static int pushed_back = -1;

static char read_char(void)
{
	char c;

	if (pushed_back >= 0) {
		c = (char)pushed_back;
		pushed_back = -1;
		return c;
	}
	chardev_read(term_dev, &c, 1);
	return c;
}

/*
 * Inside an escape sequence, a control byte (Enter above all) is not part
 * of it: end the sequence and let the line editor see that byte.
 */
static bool read_seq_char(char *c)
{
	*c = read_char();
	if ((unsigned char)*c < 0x20 || *c == 0x7f) {
		pushed_back = (unsigned char)*c;
		return false;
	}
	return true;
}

/* After ESC: CSI sequences for cursor keys, home/end and delete. */
static void handle_escape(struct line_editor *ed)
{
	char c, param = 0;

	if (!read_seq_char(&c) || (c != '[' && c != 'O'))
		return;
	if (!read_seq_char(&c))
		return;
	if (c >= '0' && c <= '9') {
		param = c;
		if (!read_seq_char(&c) || c != '~')
			return;
	}
	switch (param ? param : c) {
	case 'A':
		history_browse(ed, 1);
		break;
	case 'B':
		history_browse(ed, -1);
		break;
	case 'C':
		move_cursor(ed, 1);
		break;
	case 'D':
		move_cursor(ed, -1);
		break;
	case 'H':
	case '1':
	case '7':
		move_cursor(ed, -(int)ed->cursor);
		break;
	case 'F':
	case '4':
	case '8':
		move_cursor(ed, (int)(ed->len - ed->cursor));
		break;
	case '3':
		delete_at_cursor(ed);
		break;
	default:
		break;
	}
}

/* Edit one line; returns it NUL-terminated in ed->buf. */
static void read_line(struct line_editor *ed)
{
	static bool last_was_cr;

	ed->len = ed->cursor = 0;
	ed->hist_pos = -1;
	for (;;) {
		char c = read_char();

		if (c == '\n' && last_was_cr) {
			last_was_cr = false;
			continue;
		}
		last_was_cr = c == '\r';
		switch (c) {
		case '\r':
		case '\n':
			ed->buf[ed->len] = 0;
			term_write("\n", 1);
			return;
		case 0x7f:
		case '\b':
			backspace(ed);
			break;
		case 0x1b:
			handle_escape(ed);
			break;
		case 0x01: /* ^A */
			move_cursor(ed, -(int)ed->cursor);
			break;
		case 0x05: /* ^E */
			move_cursor(ed, (int)(ed->len - ed->cursor));
			break;
		case 0x03: /* ^C: abandon the line */
			term_puts("^C\n");
			ed->len = ed->cursor = 0;
			ed->buf[0] = 0;
			return;
		case 0x15: /* ^U */
			set_line(ed, "");
			break;
		default:
			if (c >= 0x20 && c < 0x7f)
				insert_char(ed, c);
			break;
		}
	}
}

static void terminal_thread(void *arg)
{
	char line[LINE_LEN];

	u64 ns = timer_now_ns();

	/* Time since power-on: under QEMU -icount this is the boot's cost. */
	term_printf(
		"\nKeel ready in %llu.%03llu ms (%llu ns since power-on).\n",
		(unsigned long long)(ns / NSEC_PER_MSEC),
		(unsigned long long)(ns % NSEC_PER_MSEC / 1000),
		(unsigned long long)ns);
	term_puts("Management terminal: type 'help' for commands.\n");
	for (;;) {
		term_puts(TERM_PROMPT);
		read_line(&editor);
		history_add(&editor, editor.buf);
		strlcpy(line, editor.buf, sizeof(line));
		term_execute(line);
	}
}

int terminal_start(void)
{
	struct thread *t;

	term_dev = console_get();
	if (!term_dev)
		return -ENODEV;
	t = thread_create("terminal", terminal_thread, NULL, THREAD_PRIO_NORMAL,
			  CPU_MASK_ALL);
	if (!t)
		return -ENOMEM;
	return thread_start(t);
}
