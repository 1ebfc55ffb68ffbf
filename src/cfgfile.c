/* cfgfile: the configuration file is the command language, run in one
 * persistent context with no peer. */
#include "cfgfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "out.h"

static char text[65536], frame[65536 + 64];

/* The closing two-line reply of a failed load (control §8.1). */
static void report(struct out *o, int code, const char *why)
{
	char buf[8192];
	int n = snprintf(buf, sizeof(buf), "%s\nLoading configuration failed\n", why);
	out_frame(o, code, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	out_flush(o);
}

int cfgfile_load(const char *path, int out_fd)
{
	struct out o;
	out_init_fd(&o, frame, sizeof(frame), out_fd);

	FILE *f = fopen(path, "r");
	if (!f) {
		char why[4200];
		snprintf(why, sizeof(why), "Could not open file '%s': %s (errno %d)", path,
			 strerror(errno), errno);
		log_err("%s", why);
		report(&o, 406, why);
		return 406;
	}
	struct cmd_sess s;
	cmd_sess_init(&s, -1, NULL);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		/* CRLF and a last line without LF are accepted ([recommend] §8.3). */
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		const char *p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		struct out t;
		out_init(&t, text, sizeof(text));
		int code = cmd_exec(&s, line, &t);
		out_frame(&o, code, t.buf, t.len);
		if (code != 200) {
			char why[4200];
			const char *nl = memchr(t.buf, '\n', t.len);
			int reason = (int)(nl ? (size_t)(nl - t.buf) : t.len);
			log_err("%s:%ld: %d %.*s", path, lineno, code, reason, t.buf);
			snprintf(why, sizeof(why), "Code %d occured on line %ld of %s", code, lineno,
				 path);
			report(&o, code, why);
			rc = code;
			break;
		}
	}
	free(line);
	fclose(f);
	out_flush(&o);
	return rc;
}
