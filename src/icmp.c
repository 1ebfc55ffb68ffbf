/* icmp: builders for generated ICMPv6/ICMPv4 and their rate limits. */
#include "icmp.h"

#include <stdatomic.h>
#include <string.h>

#include "addr.h"
#include "conf.h"
#include "dbg.h"
#include "ipv6.h"
#include "tunnel.h"

/* GCRA token buckets: the "theoretical arrival time" in ms. */
static _Atomic uint64_t global_tat;
static _Atomic uint32_t tunnel_tat[TUNNEL_MAX];
static _Atomic uint64_t suppressed;

static bool gcra64(_Atomic uint64_t *tat, uint64_t now, uint64_t interval, uint64_t burst)
{
	uint64_t t = atomic_load_explicit(tat, memory_order_relaxed);
	for (;;) {
		uint64_t base = t > now ? t : now;
		if (base - now > interval * burst)
			return false;
		if (atomic_compare_exchange_weak_explicit(tat, &t, base + interval, memory_order_relaxed,
							  memory_order_relaxed))
			return true;
	}
}

static bool gcra32(_Atomic uint32_t *tat, uint32_t now, uint32_t interval, uint32_t burst)
{
	uint32_t t = atomic_load_explicit(tat, memory_order_relaxed);
	for (;;) {
		/* The clock is milliseconds modulo 2^32: a stored time counts as
		 * ahead of now only within one bucket's depth; anything else
		 * (never used, or long ago) is the past. */
		uint32_t ahead = t - now;
		uint32_t base = ahead > 0 && ahead <= interval * (burst + 1) ? t : now;
		if (base - now > interval * burst)
			return false;
		if (atomic_compare_exchange_weak_explicit(tat, &t, base + interval, memory_order_relaxed,
							  memory_order_relaxed))
			return true;
	}
}

static bool allowed(struct fwd_ctx *c, uint32_t tid)
{
	/* The tunnel's own bucket first: a tunnel over its limit must not use
	 * up the daemon's share of the others. */
	bool ok = tid >= TUNNEL_MAX || gcra32(&tunnel_tat[tid], (uint32_t)c->now_ms,
					      1000 / FWD_ICMP_TUNNEL_RATE, FWD_ICMP_TUNNEL_BURST);
	if (ok)
		ok = gcra64(&global_tat, c->now_ms, 1000 / FWD_ICMP_RATE ? 1000 / FWD_ICMP_RATE : 1,
			    FWD_ICMP_BURST);
	if (!ok)
		atomic_fetch_add_explicit(&suppressed, 1, memory_order_relaxed);
	return ok;
}

uint64_t fwd_icmp_suppressed(void)
{
	return atomic_load_explicit(&suppressed, memory_order_relaxed);
}

/* P:T::1 where P is the prefix of T; with no tunnel, the daemon's own
 * P:ffff::1 of the prefix the packet concerns (or the first prefix). */
static bool our_src(uint32_t t, const uint8_t *about, uint8_t out[16])
{
	int k;
	unsigned group;
	if (t < TUNNEL_MAX) {
		k = (int)(t / TUNNEL_PREFIX_SPAN);
		group = t % TUNNEL_PREFIX_SPAN;
	} else {
		struct in6_addr a;
		memcpy(&a, about, 16);
		k = conf_tprefix_find(&a);
		if (k < 0)
			k = 0;
		group = 0xffff;
	}
	if ((unsigned)k >= conf_tprefix_count())
		return false;
	memset(out, 0, 16);
	memcpy(out, conf_tprefix((unsigned)k)->s6_addr, 6);
	put16(out + 6, (uint16_t)group);
	out[15] = 1;
	return true;
}

/* Fill in the IPv6 header and ICMPv6 checksum of a message of n bytes of
 * ICMPv6 at p + 40, then route it as our own. */
static void send6(struct fwd_ctx *c, uint8_t *p, const uint8_t *src, const uint8_t *dst,
		  size_t n, uint8_t hop)
{
	p[0] = 0x60;
	p[1] = p[2] = p[3] = 0;
	put16(p + 4, (uint16_t)n);
	p[6] = 58;
	p[7] = hop;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	p[42] = p[43] = 0;
	uint32_t s = csum_pseudo6(src, dst, (uint32_t)n, 58);
	put16(p + 42, csum_fold(csum_add(s, p + IPV6_HDR, n)));
	c->depth++;
	uint16_t gso = c->gso_size;
	c->gso_size = 0;
	fwd_route6(c, ADDR_NONE, p, IPV6_HDR + n, FWD_RESPONSE | FWD_SKIP_SRC);
	c->gso_size = gso;
	c->depth--;
}

static uint8_t *gen_buf(struct fwd_ctx *c)
{
	return c->depth < 2 ? c->gen[c->depth] + FWD_HEADROOM : NULL;
}

/* An ICMPv6 error is never sent about an ICMPv6 error (RFC 4443 §2.4). */
static bool is_icmp6_error(const uint8_t *pkt, size_t len)
{
	struct ipv6_walk w;
	if (pkt[6] == 58)
		return len > IPV6_HDR && pkt[IPV6_HDR] < 128;
	return ipv6_walk(pkt, len, &w) == IPV6_OK && w.proto == 58 && w.len > 0 && pkt[w.off] < 128;
}

void icmp6_error(struct fwd_ctx *c, uint32_t in_tid, uint32_t out_tid, const uint8_t *pkt,
		 size_t len, uint8_t type, uint8_t code, uint32_t param)
{
	uint8_t *p = gen_buf(c);
	uint8_t src[16];
	if (!p || len < IPV6_HDR)
		return;
	const uint8_t *dst = pkt + 8;
	/* Not to multicast or unspecified sources, not about multicast
	 * (except Packet Too Big), not about errors. */
	if (dst[0] == 0xff || addr_is_zero((const struct in6_addr *)(const void *)dst) ||
	    (pkt[24] == 0xff && type != 2) || is_icmp6_error(pkt, len))
		return;
	uint32_t t = in_tid < TUNNEL_MAX ? in_tid : out_tid;
	if (!our_src(t, pkt + 24, src) || !allowed(c, t))
		return;
	size_t q = len < FWD_ICMP6_MAX - IPV6_HDR - 8 ? len : FWD_ICMP6_MAX - IPV6_HDR - 8;
	if (dbg_on())
		dbg_packet(in_tid, out_tid, pkt, len, "ICMPv6 %u/%u (param %u) to the source", type, code,
			   param);
	uint8_t *m = p + IPV6_HDR;
	m[0] = type;
	m[1] = code;
	put32(m + 4, param);
	memcpy(m + 8, pkt, q);
	send6(c, p, src, dst, 8 + q, 64);
}

void icmp6_echo_reply(struct fwd_ctx *c, const uint8_t *req, size_t off, size_t n)
{
	uint8_t *p = gen_buf(c);
	if (!p || n < 8 || n > FWD_MAX_PKT - IPV6_HDR)
		return;
	uint8_t *m = p + IPV6_HDR;
	memcpy(m, req + off, n); /* identifier, sequence and data copied */
	m[0] = 129;
	m[1] = 0;
	uint8_t src[16], dst[16];
	memcpy(src, req + 24, 16); /* from the address that was pinged */
	memcpy(dst, req + 8, 16);
	send6(c, p, src, dst, n, 64);
}

void icmp6_neigh_adv(struct fwd_ctx *c, const uint8_t *ns, size_t off, size_t n)
{
	uint8_t *p = gen_buf(c);
	if (!p || n < 24)
		return;
	uint8_t *m = p + IPV6_HDR;
	m[0] = 136;
	m[1] = 0;
	put32(m + 4, 0xc0000000u); /* Router + Solicited */
	memcpy(m + 8, ns + off + 8, 16);
	uint8_t src[16], dst[16];
	memcpy(src, ns + 24, 16);
	memcpy(dst, ns + 8, 16);
	send6(c, p, src, dst, 24, 255);
}

void icmp4_unreach(struct fwd_ctx *c, const uint8_t *ip4, size_t len, uint8_t code)
{
	uint8_t *p = gen_buf(c);
	if (!p || len < IPV4_HDR || ip4[9] == 1 || !allowed(c, ADDR_NONE))
		return;
	size_t q = len < 1252 ? len : 1252;
	p[0] = 0x45;
	p[1] = 0;
	put16(p + 2, (uint16_t)(IPV4_HDR + 8 + q));
	p[4] = 0x42;
	p[5] = 0;
	put16(p + 6, 0x4000); /* DF */
	p[8] = 64;
	p[9] = 1;
	p[10] = p[11] = 0;
	memcpy(p + 12, ip4 + 16, 4); /* from the address it was sent to */
	memcpy(p + 16, ip4 + 12, 4);
	put16(p + 10, csum_fold(csum_add(0, p, IPV4_HDR)));
	uint8_t *m = p + IPV4_HDR;
	m[0] = 3;
	m[1] = code;
	m[2] = m[3] = 0;
	put32(m + 4, 0);
	memcpy(m + 8, ip4, q);
	put16(m + 2, csum_fold(csum_add(0, m, 8 + q)));
	c->io->to_ipv4(c, p, IPV4_HDR + 8 + q);
	tunnel_account(ADDR_UPLINK, TUNNEL_OUT, IPV4_HDR + 8 + q, c->now);
}
