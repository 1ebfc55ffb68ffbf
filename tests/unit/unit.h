/* unit: shared helpers of the cmocka suites in tests/unit/.
 *
 * Every suite runs command lines through the real interpreter and compares
 * the framed reply (control §1.5) byte for byte. The module state is global,
 * so each test starts with unit_setup(), which re-initialises conf, tunnel
 * and subnet and gives the default session (id 0, peer ::1) a fresh context.
 */
#ifndef SIXXSD_UNIT_H
#define SIXXSD_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cmd.h"
#include "conf.h"
#include "out.h"
#include "subnet.h"
#include "tunnel.h"

#define UNIT_TEXT_MAX (256 * 1024)
#define UNIT_RING 8

/* The default session: id 0, peer ::1. */
static inline struct cmd_sess *unit_sess(void)
{
	static struct cmd_sess s;
	return &s;
}

/* An address from its text (test data must be valid). */
static inline struct in6_addr unit_addr(const char *txt)
{
	struct in6_addr a;
	int rc = addr_parse(txt, &a, NULL);
	assert_int_equal(rc, 0);
	return a;
}

static inline void unit_sess_init(struct cmd_sess *s, int id, const char *peer)
{
	if (peer) {
		struct in6_addr a = unit_addr(peer);
		cmd_sess_init(s, id, &a);
	} else {
		cmd_sess_init(s, id, NULL);
	}
}

/* cmocka setup: clean module state and a fresh default session. */
static inline int unit_setup(void **state)
{
	(void)state;
	conf_init();
	tunnel_init();
	subnet_init();
	unit_sess_init(unit_sess(), 0, "::1");
	return 0;
}

/* A NUL-terminated copy of a struct out's text, in a ring of buffers so that
 * a few results can be compared with each other. */
static inline char *unit_ring(void)
{
	static char bufs[UNIT_RING][UNIT_TEXT_MAX];
	static unsigned next;
	return bufs[next++ % UNIT_RING];
}

/* Run one line in session s; the framed reply as a string. */
static inline const char *run_in(struct cmd_sess *s, const char *line)
{
	static char text[UNIT_TEXT_MAX];
	struct out t, f;
	char *res = unit_ring();
	out_init(&t, text, sizeof(text));
	int code = cmd_exec(s, line, &t);
	assert_false(t.overflow);
	out_init(&f, res, UNIT_TEXT_MAX - 1);
	out_frame(&f, code, t.buf, t.len);
	assert_false(f.overflow);
	res[f.len] = '\0';
	return res;
}

/* Run one line in the default session. */
static inline const char *run(const char *line)
{
	return run_in(unit_sess(), line);
}

/* Run one line; the unframed text as a string and the code in *code. */
static inline const char *run_raw(struct cmd_sess *s, const char *line, int *code)
{
	struct out t;
	char *res = unit_ring();
	out_init(&t, res, UNIT_TEXT_MAX - 1);
	*code = cmd_exec(s, line, &t);
	assert_false(t.overflow);
	res[t.len] = '\0';
	return res;
}

/* Lines that must each answer exactly "200 ...\n" (setup of a test). */
static inline void run_ok(const char *const *lines)
{
	for (; *lines; lines++) {
		const char *r = run(*lines);
		if (strncmp(r, "200 ", 4) != 0)
			fail_msg("setup line '%s' answered '%s'", *lines, r);
	}
}
#define RUN_OK(...) run_ok((const char *const[]){ __VA_ARGS__, NULL })

/* Number of LF characters in s. */
static inline size_t unit_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Line number n (0-based) of s, without its LF (a ring of its own, so it
 * never overwrites the replies it reads from). */
static inline const char *unit_line(const char *s, size_t n)
{
	static char bufs[UNIT_RING][4096];
	static unsigned next;
	for (; n && *s; s++)
		if (*s == '\n')
			n--;
	char *res = bufs[next++ % UNIT_RING];
	size_t len = strcspn(s, "\n");
	if (len >= sizeof(bufs[0]))
		len = sizeof(bufs[0]) - 1;
	memcpy(res, s, len);
	res[len] = '\0';
	return res;
}

/* The reply must contain exactly this line. */
#define assert_has_line(reply, line) unit_assert_has_line(reply, line, __FILE__, __LINE__)
static inline void unit_assert_has_line(const char *reply, const char *line, const char *file,
					int lineno)
{
	size_t n = strlen(line);
	for (const char *p = reply; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return;
	print_error("line '%s' not in reply:\n%s\n", line, reply);
	_fail(file, lineno);
}

/* The standard prefix and tunnels most tunnel tests start from. */
#define UNIT_P "2001:db8:2ff:"

#endif
