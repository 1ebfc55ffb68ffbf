/* dbg: a bounded multi-producer, single-consumer ring of debug lines. */
#include "dbg.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "ipv6.h"
#include "out.h"

#define RING 1024
#define TEXT 1500 /* a line and the dump of 128 bytes */

/* turn = 2 * lap while a slot is free for that lap, 2 * lap + 1 while it
 * holds that lap's line: all zero is an empty ring, no set-up needed. */
struct slot {
	_Atomic uint64_t turn;
	int session;
	uint16_t len;
	char text[TEXT];
};

static struct slot ring[RING];
static _Atomic uint64_t head;
static uint64_t tail; /* control thread only */
static _Atomic uint64_t dropped;

bool dbg_tunnel(uint32_t tid)
{
	return tid < tunnel_count() && tunnel_debug_owner(tid) >= 0;
}

uint64_t dbg_dropped(void)
{
	return atomic_load_explicit(&dropped, memory_order_relaxed);
}

void dbg_count_drop(void)
{
	atomic_fetch_add_explicit(&dropped, 1, memory_order_relaxed);
}

/* Claim a slot (a bounded queue after Vyukov); NULL when the ring is full. */
static struct slot *claim(uint64_t *pos)
{
	uint64_t p = atomic_load_explicit(&head, memory_order_relaxed);
	for (;;) {
		struct slot *s = &ring[p % RING];
		uint64_t want = 2 * (p / RING);
		uint64_t turn = atomic_load_explicit(&s->turn, memory_order_acquire);
		if (turn == want) {
			if (atomic_compare_exchange_weak_explicit(&head, &p, p + 1, memory_order_relaxed,
								  memory_order_relaxed)) {
				*pos = p;
				return s;
			}
		} else if (turn < want) {
			dbg_count_drop(); /* the control thread has not caught up */
			return NULL;
		} else {
			p = atomic_load_explicit(&head, memory_order_relaxed);
		}
	}
}

static void publish(struct slot *s, uint64_t pos, int session, size_t len)
{
	s->session = session;
	s->len = (uint16_t)len;
	atomic_store_explicit(&s->turn, 2 * (pos / RING) + 1, memory_order_release);
}

/* "[T<in> T<out>][IPv<v> : <src> - <dst> ttl= proto= len= plen=] " */
static size_t prefix(char *b, size_t n, uint32_t in, uint32_t out, const uint8_t *p, size_t len)
{
	struct tunnel_cfg c;
	unsigned tin = 0, tout = 0;
	if (in < tunnel_count()) {
		tunnel_get(in, &c);
		tin = c.tnum;
	}
	if (out < tunnel_count()) {
		tunnel_get(out, &c);
		tout = c.tnum;
	}
	char s[ADDR_TEXT_MAX] = "no packet", d[ADDR_TEXT_MAX] = "data";
	unsigned v = 0, ttl = 0, proto = 0, plen = 0;
	if (p && len >= IPV6_HDR && (p[0] >> 4) == 6) {
		v = 6;
		addr_fmt((const struct in6_addr *)(const void *)(p + 8), s);
		addr_fmt((const struct in6_addr *)(const void *)(p + 24), d);
		ttl = p[7];
		plen = get16(p + 4);
		struct ipv6_walk w;
		/* The walk only reads: debugging never changes what happens to
		 * the packet (dataplane §15.24). */
		proto = ipv6_walk(p, len, &w) == IPV6_OK ? w.proto : p[6];
	} else if (p && len >= IPV4_HDR && (p[0] >> 4) == 4) {
		v = 4;
		struct in6_addr a;
		memset(&a, 0, sizeof(a));
		a.s6_addr[10] = a.s6_addr[11] = 0xff;
		memcpy(&a.s6_addr[12], p + 12, 4);
		addr_fmt(&a, s);
		memcpy(&a.s6_addr[12], p + 16, 4);
		addr_fmt(&a, d);
		ttl = p[8];
		proto = p[9];
		plen = get16(p + 2);
	}
	int k = snprintf(b, n, "[T%-6u T%-6u][IPv%u : %-40s - %-40s ttl=%3u proto=%2u len=%-4zu plen=%-4u] ",
			 tin, tout, v, s, d, ttl, proto, len, plen);
	return k < 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
}

static void send_line(int session, uint32_t in, uint32_t out, const uint8_t *pkt, size_t len,
		      const char *fmt, va_list ap)
{
	uint64_t pos;
	struct slot *s = claim(&pos);
	if (!s)
		return;
	char line[256];
	size_t k = prefix(line, sizeof(line), in, out, pkt, len);
	vsnprintf(line + k, sizeof(line) - k, fmt, ap);
	/* 255 bytes at most, and always a whole line ([recommend] §12 item 41). */
	int n = snprintf(s->text, sizeof(s->text), "200 %.250s\n", line);
	publish(s, pos, session, (size_t)n);
}

void dbg_packet(uint32_t in, uint32_t out, const uint8_t *pkt, size_t len, const char *fmt, ...)
{
	int a = dbg_tunnel(in) ? tunnel_debug_owner(in) : -1;
	int b = dbg_tunnel(out) ? tunnel_debug_owner(out) : -1;
	va_list ap;
	if (a >= 0) {
		va_start(ap, fmt);
		send_line(a, in, out, pkt, len, fmt, ap);
		va_end(ap);
	}
	if (b >= 0 && b != a) {
		va_start(ap, fmt);
		send_line(b, in, out, pkt, len, fmt, ap);
		va_end(ap);
	}
}

void dbg_error(uint32_t tid, const char *name, uint32_t count, const uint8_t *src16,
	       const uint8_t *pkt, size_t len)
{
	int session = tunnel_debug_owner(tid);
	uint64_t pos;
	struct slot *s;
	if (session < 0 || !(s = claim(&pos)))
		return;
	char line[256], a[ADDR_TEXT_MAX] = "-";
	if (src16)
		addr_fmt((const struct in6_addr *)(const void *)src16, a);
	size_t k = prefix(line, sizeof(line), tid, tid, pkt, len);
	snprintf(line + k, sizeof(line) - k, "tunnel_log(%s, cnt=%u) src = %s", name, count, a);
	/* The line and the packet's first bytes travel as one reply, so the
	 * dump is never glued to a later reply (§12 item 41). */
	char body[TEXT - 32];
	struct out o;
	out_init(&o, body, sizeof(body));
	out_printf(&o, "%.250s\n", line);
	if (pkt && len)
		out_hexdump(&o, pkt, len < TUNNEL_SNAP_LEN ? len : TUNNEL_SNAP_LEN);
	struct out f;
	out_init(&f, s->text, sizeof(s->text));
	out_frame(&f, 200, o.buf, o.len);
	publish(s, pos, session, f.len);
}

void dbg_drain(bool (*deliver)(int session, const char *text, size_t len))
{
	for (;;) {
		struct slot *s = &ring[tail % RING];
		uint64_t lap = tail / RING;
		if (atomic_load_explicit(&s->turn, memory_order_acquire) != 2 * lap + 1)
			return;
		if (!deliver(s->session, s->text, s->len))
			dbg_count_drop();
		atomic_store_explicit(&s->turn, 2 * (lap + 1), memory_order_release);
		tail++;
	}
}
