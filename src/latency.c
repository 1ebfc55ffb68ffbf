/* latency: probes and their replies. */
#include "latency.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "addr.h"
#include "conf.h"
#include "ipv6.h"

static _Atomic uint64_t magic_now, magic_prev;

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void latency_rotate(void)
{
	uint64_t m = 0;
	if (getrandom(&m, sizeof(m), 0) != sizeof(m))
		m = now_us() * 0x9e3779b97f4a7c15ull;
	atomic_store(&magic_prev, atomic_load(&magic_now));
	atomic_store(&magic_now, m);
}

static void lock(struct tunnel_lat *l)
{
	while (atomic_flag_test_and_set_explicit(&l->lock, memory_order_acquire))
		;
}

static void unlock(struct tunnel_lat *l)
{
	atomic_flag_clear_explicit(&l->lock, memory_order_release);
}

void latency_take(uint32_t tid, struct tunnel_lat *out, bool reset)
{
	struct tunnel_lat *l = tunnel_lat(tid);
	lock(l);
	out->sent = l->sent;
	out->recv = l->recv;
	out->min_us = l->min_us;
	out->max_us = l->max_us;
	out->sum_us = l->sum_us;
	out->seq = l->seq;
	out->seen = l->seen;
	if (reset) {
		l->sent = l->recv = 0;
		l->min_us = UINT32_MAX; /* "infinite" until a reply arrives */
		l->max_us = 0;
		l->sum_us = 0;
	}
	unlock(l);
}

bool latency_probe(struct fwd_ctx *c, uint32_t tid)
{
	struct tunnel_cfg t;
	tunnel_get(tid, &t);
	unsigned k = tid / TUNNEL_PREFIX_SPAN;
	if (t.state != TUNNEL_S_UP || t.type == TUNNEL_T_NONE || k >= conf_tprefix_count())
		return false;
	/* Only tunnels we heard from: a known local outer address (§11), so a
	 * configured but silent client is not pinged into the void. */
	if (addr_is_zero(&t.ip_us))
		return false;

	struct tunnel_lat *l = tunnel_lat(tid);
	lock(l);
	uint16_t seq = l->seq++;
	l->sent++;
	l->seen <<= 1; /* the new probe has no reply yet */
	unlock(l);

	uint8_t *p = c->gen[0] + FWD_HEADROOM;
	uint8_t *m = p + IPV6_HDR;
	size_t n = 8 + LATENCY_DATA;
	p[0] = 0x60;
	p[1] = p[2] = p[3] = 0;
	put16(p + 4, (uint16_t)n);
	p[6] = 58;
	p[7] = 64;
	memset(p + 8, 0, 32);
	memcpy(p + 8, conf_tprefix(k)->s6_addr, 6);
	put16(p + 14, (uint16_t)(tid % TUNNEL_PREFIX_SPAN));
	memcpy(p + 24, p + 8, 16);
	p[23] = 1;
	p[39] = 2;
	m[0] = 128;
	m[1] = 0;
	m[2] = m[3] = 0;
	put16(m + 4, LATENCY_ID);
	put16(m + 6, seq);
	/* Only we read this back: time and magic in host order, then text. */
	uint64_t t0 = now_us(), mg = atomic_load(&magic_now);
	memcpy(m + 8, &t0, 8);
	memcpy(m + 16, &mg, 8);
	static const char filler[] = "sixxsd latency probe: you got pinged. ";
	for (size_t i = 24; i < n; i++)
		m[i] = (uint8_t)filler[(i - 24) % (sizeof(filler) - 1)];
	uint32_t s = csum_pseudo6(p + 8, p + 24, (uint32_t)n, 58);
	put16(m + 2, csum_fold(csum_add(s, m, n)));
	c->depth = 1; /* our own packet: errors about it use the second buffer */
	fwd_route6(c, ADDR_NONE, p, IPV6_HDR + n, FWD_RESPONSE | FWD_SKIP_SRC);
	c->depth = 0;
	return true;
}

void latency_reply(uint32_t tid, const uint8_t *icmp, size_t n)
{
	if (n <= 56 || get16(icmp + 4) != LATENCY_ID)
		return;
	uint64_t t0, mg, t1 = now_us();
	memcpy(&t0, icmp + 8, 8);
	memcpy(&mg, icmp + 16, 8);
	if (mg != atomic_load(&magic_now) && mg != atomic_load(&magic_prev))
		return;
	if (t1 < t0 || t1 - t0 > LATENCY_MAX_AGE_US)
		return;
	uint32_t rtt = (uint32_t)(t1 - t0);
	uint16_t seq = get16(icmp + 6);
	struct tunnel_lat *l = tunnel_lat(tid);
	lock(l);
	/* d probes ago (1 = the latest); each probe counts once. */
	uint16_t d = (uint16_t)(l->seq - seq);
	if (d >= 1 && d <= 64 && !(l->seen & (1ull << (d - 1))) && l->recv < l->sent) {
		l->seen |= 1ull << (d - 1);
		if (l->recv == 0 || rtt < l->min_us)
			l->min_us = rtt;
		l->recv++;
		l->sum_us += rtt;
		if (rtt > l->max_us)
			l->max_us = rtt;
	}
	unlock(l);
}
