/* tok: the command-line tokeniser. */
#include "tok.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static char unescape(char c)
{
	switch (c) {
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'v': return '\v';
	default: return c;
	}
}

int tok_split(const char *line, char *store, char **argv, int max, bool *too_many)
{
	const char *p = line;
	char *d = store;
	int argc = 0;

	*too_many = false;
	for (;;) {
		while (blank(*p))
			p++;
		if (!*p)
			break;
		if (argc == max) {
			*too_many = *p == '"';
			break;
		}
		char *start = d;
		bool quoted = false, had_quote = false;
		while (*p) {
			char c = *p;
			if (c == '"') {
				p++;
				if (!quoted) {
					quoted = had_quote = true;
					continue;
				}
				/* Closing quote ends the argument; glued text is dropped. */
				while (*p && !blank(*p))
					p++;
				break;
			}
			if (!quoted && blank(c))
				break;
			if (c == '\\') {
				p++;
				if (!*p)
					break;
				*d++ = unescape(*p++);
				continue;
			}
			*d++ = c;
			p++;
		}
		*d++ = '\0';
		/* A lone backslash makes no argument (so "\" alone is no command). */
		if (d - 1 == start && !had_quote)
			d = start;
		else
			argv[argc++] = start;
	}
	return argc;
}
