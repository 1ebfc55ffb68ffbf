/* tok: split a command line into arguments (control §2.1). */
#ifndef SIXXSD_TOK_H
#define SIXXSD_TOK_H

#include <stdbool.h>
#include <stddef.h>

#define TOK_MAX_ARGS 128

/* Split line into at most max arguments. The argument text is written to
 * store, which needs strlen(line) + max + 1 bytes. *too_many is set when an
 * argument beyond max started with a quote (control §2.1). Returns argc. */
int tok_split(const char *line, char *store, char **argv, int max, bool *too_many);

#endif
