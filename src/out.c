/* out: bounded text buffers and reply framing. */
#include "out.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void out_init(struct out *o, char *buf, size_t cap)
{
	o->buf = buf;
	o->cap = cap;
	o->fd = -1;
	out_reset(o);
}

void out_init_fd(struct out *o, char *buf, size_t cap, int fd)
{
	out_init(o, buf, cap);
	o->fd = fd;
}

bool out_flush(struct out *o)
{
	size_t done = 0;
	while (o->fd >= 0 && done < o->len) {
		ssize_t n = write(o->fd, o->buf + done, o->len - done);
		if (n <= 0) {
			o->overflow = true;
			break;
		}
		done += (size_t)n;
	}
	o->len = 0;
	return !o->overflow;
}

void out_reset(struct out *o)
{
	o->len = 0;
	o->overflow = false;
}

void out_write(struct out *o, const void *p, size_t n)
{
	if (o->fd >= 0 && n > o->cap - o->len) {
		out_flush(o);
		/* Larger than the whole buffer: straight through. */
		while (n > o->cap) {
			memcpy(o->buf, p, o->cap);
			o->len = o->cap;
			out_flush(o);
			p = (const char *)p + o->cap;
			n -= o->cap;
		}
	}
	if (n > o->cap - o->len) {
		n = o->cap - o->len;
		o->overflow = true;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

void out_puts(struct out *o, const char *s)
{
	out_write(o, s, strlen(s));
}

static void out_vprintf(struct out *o, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	size_t room = o->cap - o->len;
	int n = vsnprintf(o->buf + o->len, room, fmt, ap);
	if (n >= 0 && (size_t)n >= room && o->fd >= 0 && (size_t)n < o->cap) {
		out_flush(o);
		room = o->cap;
		n = vsnprintf(o->buf, room, fmt, again);
	}
	va_end(again);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		o->len = o->cap;
		o->overflow = true;
		return;
	}
	o->len += (size_t)n;
}

void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
}

void out_field(struct out *o, const char *label, const char *fmt, ...)
{
	va_list ap;
	out_printf(o, "%-24s: ", label);
	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
	out_write(o, "\n", 1);
}

void out_frame(struct out *dst, int code, const char *text, size_t len)
{
	if (len > 0 && text[len - 1] == '\n')
		len--; /* count and send the body without its last LF */
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (lines > 1) {
		out_printf(dst, "%d01 %zu\n", code / 100, lines);
		out_write(dst, text, len);
		out_printf(dst, "\n%d OK\n", code);
	} else {
		out_printf(dst, "%d ", code);
		out_write(dst, text, len);
		out_write(dst, "\n", 1);
	}
}

void out_hexdump(struct out *o, const unsigned char *p, size_t n)
{
	for (size_t off = 0; off < n; off += 16) {
		size_t k = n - off < 16 ? n - off : 16;
		out_printf(o, "%08zx ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i < k)
				out_printf(o, "%02x ", p[off + i]);
			else
				out_puts(o, "   ");
		}
		/* Every byte of the line ([recommend] over the historic off-by-one). */
		for (size_t i = 0; i < k; i++) {
			unsigned char c = p[off + i];
			out_write(o, (c >= 0x20 && c <= 0x7e) ? (const char *)&p[off + i] : ".", 1);
		}
		out_write(o, "\n", 1);
	}
}
