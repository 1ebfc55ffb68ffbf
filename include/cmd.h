/* cmd: the command language (control §2-§6): contexts, lookup, argument
 * bounds, help, and the per-context command tables in cmd_*.c. The same
 * interpreter serves control sessions and the configuration file. */
#ifndef SIXXSD_CMD_H
#define SIXXSD_CMD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "out.h"

#define CMD_MAX_DEPTH 10
#define CMD_MAX_LINE 4095
#define CMD_CTX_CHANGED 204 /* internal: "context changed", sent as 200 */

struct cmd_sess;
typedef int (*cmd_fn)(struct cmd_sess *s, struct out *o, int argc, char **argv);

struct cmd_menu;
struct cmd_entry {
	const char *name;
	const struct cmd_menu *sub; /* sub-context, or NULL for a command */
	cmd_fn fn;
	int min, max; /* argument bounds after the name; max -1 = unbounded */
	const char *opts;
	const char *desc; /* NULL: hidden from help */
};

struct cmd_menu {
	const char *label;
	const struct cmd_entry *entries; /* ends with a NULL name */
};

enum cmd_close { CMD_KEEP, CMD_CLOSE, CMD_SHUTDOWN };

struct cmd_sess {
	const struct cmd_menu *stack[CMD_MAX_DEPTH];
	int depth;
	int id; /* control session number; -1 for the configuration file */
	bool has_peer;
	struct in6_addr peer;
	enum cmd_close close; /* set by exit/quit/pop shutdown */
};

void cmd_sess_init(struct cmd_sess *s, int id, const struct in6_addr *peer);

/* Run one line relative to the session's context. The command's text goes
 * to o; returns the reply code to frame it with. */
int cmd_exec(struct cmd_sess *s, const char *line, struct out *o);

/* The context tables. */
extern const struct cmd_menu cmd_menu_main, cmd_menu_cmd, cmd_menu_pop, cmd_menu_tunnel,
	cmd_menu_subnet;

/* Shared by the cmd_*.c files. */
bool cmd_bool(const char *word);
/* Resolve a <tunnel> argument (T<n>, inner IPv6/IPv4 address; control §3).
 * Returns 0 with *tid set, or prints the error and returns its code. */
int cmd_tunnel_arg(const char *arg, struct out *o, uint32_t *tid);
/* "<d> days HH:MM:SS" */
void cmd_fmt_duration(char *buf, size_t n, time_t secs);
/* "never" or "YYYY-MM-DD HH:MM:SS (<epoch>; <d> days HH:MM:SS ago)" */
void cmd_fmt_ago(char *buf, size_t n, time_t t, time_t now);
/* Whole-string unsigned number in base 10 or 16 (optional 0x for 16). */
bool cmd_number(const char *s, int base, unsigned long long *v);

#endif
