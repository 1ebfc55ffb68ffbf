/* cmd: the interpreter: tokenising, contexts, lookup, help (control §2). */
#include "cmd.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "tok.h"

static int c_exit(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	out_puts(o, "Tschau\n");
	s->close = CMD_CLOSE;
	return 666;
}

static const struct cmd_entry cmd_entries[] = {
	{ "exit", NULL, c_exit, 0, -1, "", "Exit" },
	{ "quit", NULL, c_exit, 0, -1, "", NULL },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL },
};
const struct cmd_menu cmd_menu_cmd = { "cmd", cmd_entries };

/* pproxy is deliberately absent (the issue: answer it as unknown). */
static const struct cmd_entry main_entries[] = {
	{ "cmd", &cmd_menu_cmd, NULL, 0, -1, "", "Various Commands" },
	{ "pop", &cmd_menu_pop, NULL, 0, -1, "", "PoP Commands" },
	{ "subnet", &cmd_menu_subnet, NULL, 0, -1, "", "Subnet Commands" },
	{ "tunnel", &cmd_menu_tunnel, NULL, 0, -1, "", "Tunnel Commands" },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL },
};
const struct cmd_menu cmd_menu_main = { "main", main_entries };

void cmd_sess_init(struct cmd_sess *s, int id, const struct in6_addr *peer)
{
	memset(s, 0, sizeof(*s));
	s->id = id;
	if (peer) {
		s->has_peer = true;
		s->peer = *peer;
	}
}

static const struct cmd_menu *top(const struct cmd_sess *s)
{
	return s->depth ? s->stack[s->depth - 1] : &cmd_menu_main;
}

static void put_path(const struct cmd_sess *s, struct out *o)
{
	out_puts(o, "main");
	for (int i = 0; i < s->depth; i++)
		out_printf(o, " > %s", s->stack[i]->label);
}

static void push(struct cmd_sess *s, const struct cmd_menu *m)
{
	if (m == &cmd_menu_main)
		s->depth = 0;
	else if (top(s) != m && s->depth < CMD_MAX_DEPTH)
		s->stack[s->depth++] = m;
}

/* Exact, case-insensitive; or a quoted "name rest" (control §2.3 step 6). */
static bool matches(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncasecmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == ' ');
}

static const struct cmd_entry *lookup(const struct cmd_menu *m, const char *arg)
{
	for (const struct cmd_entry *e = m->entries; e->name; e++)
		if (matches(arg, e->name))
			return e;
	return NULL;
}

static void help(const struct cmd_menu *m, struct out *o, const char *fmt)
{
	for (const struct cmd_entry *e = m->entries; e->name; e++)
		if (e->desc)
			out_printf(o, fmt, e->name, e->sub ? "" : e->opts, e->sub ? "[>>]" : "",
				   e->desc);
	out_printf(o, fmt, "help", "", "", "Help topics");
}

#define HELP_FMT "%-24s%-22s%4s %s\n"
#define FULLHELP_FMT "%-14s%-22s%4s %s\n"

/* Undocumented fullhelp (control §2.5): this context, then each visible
 * sub-context as if entered, listed and left. */
static void fullhelp(struct cmd_sess *s, struct out *o)
{
	const struct cmd_menu *m = top(s);
	out_puts(o, "===============> ");
	put_path(s, o);
	out_puts(o, "\n");
	out_printf(o, FULLHELP_FMT, "help", "", "", "Help topics");
	help(m, o, FULLHELP_FMT);
	out_puts(o, "\n");
	for (const struct cmd_entry *e = m->entries; e->name; e++) {
		if (!e->sub || !e->desc)
			continue;
		push(s, e->sub);
		out_puts(o, ">> ");
		put_path(s, o);
		out_puts(o, " (use '..' or 'end' to go up one level)\n");
		fullhelp(s, o);
		s->depth--;
		out_puts(o, "<< ");
		put_path(s, o);
		out_puts(o, "\n");
	}
	out_puts(o, "<=============== ");
	put_path(s, o);
	out_puts(o, "\n\n");
}

static int walk(struct cmd_sess *s, const struct cmd_menu *m, int argc, char **argv, struct out *o)
{
	if (argc > 0 && strcmp(argv[0], ".") == 0) {
		/* Before entering m (historic quirk: "pop ." prints "main"). */
		put_path(s, o);
		out_puts(o, "\n");
		return 200;
	}
	push(s, m);
	if (argc == 0) {
		out_puts(o, ">> ");
		put_path(s, o);
		out_puts(o, " (use '..' or 'end' to go up one level)\n");
		return CMD_CTX_CHANGED;
	}
	const char *a0 = argv[0];
	bool up = strcmp(a0, "..") == 0 || strcasecmp(a0, "end") == 0;
	if (strcmp(a0, "/") == 0 || (up && s->depth > 0)) {
		if (up)
			s->depth--;
		else
			s->depth = 0;
		if (argc == 1) {
			out_puts(o, "<< ");
			put_path(s, o);
			out_puts(o, "\n");
			return CMD_CTX_CHANGED;
		}
		return walk(s, top(s), argc - 1, argv + 1, o);
	}
	if (strcasecmp(a0, "help") == 0) {
		help(m, o, HELP_FMT);
		return 200;
	}
	if (strcasecmp(a0, "fullhelp") == 0) {
		fullhelp(s, o);
		return 200;
	}
	const struct cmd_entry *e = lookup(m, a0);
	if (!e)
		e = lookup(&cmd_menu_cmd, a0);
	if (!e) {
		out_puts(o, "Unknown command: ");
		put_path(s, o);
		out_printf(o, " >> %s\n", a0);
		log_info("Unknown command: %s", a0);
		return 404;
	}
	if (e->sub)
		return walk(s, e->sub, argc - 1, argv + 1, o);
	int n = argc - 1;
	if (n < e->min || (e->max >= 0 && n > e->max)) {
		out_printf(o, "Command '%s' requires arguments: %s %s (min=%d, max=%d, given=%d)\n",
			   e->name, e->name, e->opts, e->min, e->max, n);
		return 404;
	}
	return e->fn(s, o, n, argv + 1);
}

int cmd_exec(struct cmd_sess *s, const char *line, struct out *o)
{
	if (strlen(line) > CMD_MAX_LINE) {
		out_puts(o, "Command too long for processing\n");
		return 500;
	}
	const char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p) {
		out_puts(o, "Thank you for your empty line\n");
		return 200;
	}
	if (p[0] == '#' || (p[0] == '/' && p[1] == '/')) {
		out_puts(o, "I appreciate your comments\n");
		return 200;
	}

	char store[CMD_MAX_LINE + TOK_MAX_ARGS + 2];
	char *argv[TOK_MAX_ARGS];
	bool too_many;
	int argc = tok_split(p, store, argv, TOK_MAX_ARGS, &too_many);
	if (too_many)
		out_printf(o, "Too many arguments (max %d)\n", TOK_MAX_ARGS);
	if (argc == 0) {
		out_puts(o, "No command given!?\n");
		return 425;
	}

	const struct cmd_menu *saved[CMD_MAX_DEPTH];
	int saved_depth = s->depth;
	memcpy(saved, s->stack, sizeof(saved));
	int code = walk(s, top(s), argc, argv, o);
	if (code == CMD_CTX_CHANGED)
		return 200;
	/* Any other result leaves the session where it was. */
	s->depth = saved_depth;
	memcpy(s->stack, saved, sizeof(saved));
	return code;
}

bool cmd_bool(const char *w)
{
	static const char *const yes[] = { "yes", "true", "on", "enabled", "female", "1" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcasecmp(w, yes[i]) == 0)
			return true;
	return false;
}

bool cmd_number(const char *s, int base, unsigned long long *v)
{
	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	const char *digits = base == 16 ? "0123456789abcdefABCDEF" : "0123456789";
	if (!*s || s[strspn(s, digits)] != '\0')
		return false;
	char *end;
	errno = 0;
	*v = strtoull(s, &end, base);
	return *end == '\0' && errno == 0;
}

void cmd_fmt_duration(char *buf, size_t n, time_t secs)
{
	if (secs < 0)
		secs = 0;
	snprintf(buf, n, "%lld days %02d:%02d:%02d", (long long)(secs / 86400),
		 (int)(secs / 3600 % 24), (int)(secs / 60 % 60), (int)(secs % 60));
}

void cmd_fmt_ago(char *buf, size_t n, time_t t, time_t now)
{
	if (t == 0) {
		snprintf(buf, n, "never");
		return;
	}
	if (t > now)
		t = now; /* future timestamps are clamped (control §5.5) */
	struct tm tm;
	char when[32], dur[48];
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	cmd_fmt_duration(dur, sizeof(dur), now - t);
	snprintf(buf, n, "%s (%lld; %s ago)", when, (long long)t, dur);
}
