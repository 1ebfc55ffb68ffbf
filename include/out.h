/* out: a bounded text buffer that commands print into, and the reply
 * framing of the control port (control §1.5). */
#ifndef SIXXSD_OUT_H
#define SIXXSD_OUT_H

#include <stdbool.h>
#include <stddef.h>

struct out {
	char *buf;
	size_t len, cap;
	bool overflow; /* something did not fit, or a flush failed */
	int fd;        /* >= 0: flush to this file when full */
};

void out_init(struct out *o, char *buf, size_t cap);
/* A buffer that drains into fd whenever it fills (large dumps). */
void out_init_fd(struct out *o, char *buf, size_t cap, int fd);
/* Write what is buffered to fd; false on a write error. */
bool out_flush(struct out *o);
void out_reset(struct out *o);
void out_write(struct out *o, const void *p, size_t n);
void out_puts(struct out *o, const char *s);
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Lines of `fmt` padded to 24 columns then ": " (tunnel show, pop show info). */
void out_field(struct out *o, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append the reply for a command that ended with `code` and printed text:
 * one line → "<code> <text>", more → "<h>01 <n>" + text + "<code> OK".
 * Every reply ends with LF ([recommend] of control §1.5). */
void out_frame(struct out *dst, int code, const char *text, size_t len);

/* Hex dump of control §5.7 (16 bytes a line, offset, hex, ASCII). */
void out_hexdump(struct out *o, const unsigned char *p, size_t n);

#endif
