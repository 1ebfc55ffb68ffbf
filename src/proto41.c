/* proto41: 6in4 decapsulation and encapsulation. */
#include "proto41.h"

#include <string.h>

#include "addr.h"
#include "conf.h"
#include "dbg.h"
#include "icmp.h"
#include "ipv6.h"

static void mapped(struct in6_addr *a, const uint8_t *v4)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[10] = a->s6_addr[11] = 0xff;
	memcpy(&a->s6_addr[12], v4, 4);
}

uint16_t proto41_gro_mss(const uint8_t *pkt, size_t len, unsigned mtu)
{
	if (len <= mtu || len < IPV6_HDR + 20 || pkt[6] != 6)
		return 0;
	size_t thl = (size_t)(pkt[IPV6_HDR + 12] >> 4) * 4;
	size_t hdr = IPV6_HDR + thl;
	if (thl < 20 || hdr >= len || hdr >= mtu)
		return 0;
	size_t max = mtu - hdr, payload = len - hdr;
	const uint8_t *p = pkt + hdr;
	/* The first segment's checksum still covers only its own bytes: walk
	 * the prefix sums once and keep the longest length that checks. */
	uint64_t base = csum_add(csum_pseudo6(pkt + 8, pkt + 24, 0, 6), pkt + IPV6_HDR, thl);
	uint64_t sum = 0;
	size_t best = 0;
	for (size_t l = 1; l <= max && l < payload; l++) {
		sum += (l & 1) ? (uint64_t)p[l - 1] << 8 : p[l - 1];
		uint64_t s = sum + base + thl + l; /* + the pseudo-header's length */
		while (s >> 16)
			s = (s & 0xffff) + (s >> 16);
		if (s == 0xffff)
			best = l;
	}
	return (uint16_t)(best ? best : max);
}

/* What both outer families share once the outer header is understood:
 * the inner source names the tunnel, the outer source must be its endpoint
 * (reverse-path check for free). */
enum decap_rc { DECAP_OK, DECAP_DROP, DECAP_REFUSE };
static enum decap_rc decap(struct fwd_ctx *c, const struct in6_addr *outer_src,
		  const struct in6_addr *outer_dst, const uint8_t *outer, size_t outer_len,
		  uint8_t *in, size_t ilen, uint32_t *tidp, struct tunnel_cfg *t)
{
	if (ilen < IPV6_HDR || (in[0] >> 4) != 6) {
		fwd_error(c, ADDR_NONE, TERR_NON_IPV6, outer_src->s6_addr, outer, outer_len);
		return DECAP_DROP;
	}
	struct in6_addr isrc;
	bool is_tunnel;
	memcpy(&isrc, in + 8, 16);
	uint32_t tid = addr_find6(&isrc, &is_tunnel);
	if (tid < tunnel_count())
		tunnel_get(tid, t);
	if (tid >= tunnel_count() || t->state == TUNNEL_S_NONE) {
		/* Not one of our addresses at all, or a tunnel never configured. */
		fwd_error(c, ADDR_NONE, tid == ADDR_UPLINK ? TERR_WRONG_SRC6 : TERR_DISABLED,
			  outer_src->s6_addr, outer, outer_len);
		return DECAP_REFUSE;
	}
	if (!addr_eq(outer_src, &t->ip_them)) {
		fwd_error(c, tid, TERR_WRONG_SRC4, outer_src->s6_addr, outer, outer_len);
		return DECAP_REFUSE;
	}
	if (t->state == TUNNEL_S_DISABLED) {
		fwd_error(c, tid, TERR_DISABLED, outer_src->s6_addr, outer, outer_len);
		return DECAP_REFUSE;
	}
	if (t->type != TUNNEL_T_DIRECT || !addr_eq(outer_dst, &t->ip_us))
		tunnel_learn(tid, TUNNEL_T_DIRECT, outer_dst);
	tunnel_account(tid, TUNNEL_IN, ilen, c->now);
	*tidp = tid;
	return DECAP_OK;
}

void proto41_input(struct fwd_ctx *c, uint8_t *ip4, size_t len)
{
	if (len < IPV4_HDR || (ip4[0] >> 4) != 4) {
		fwd_error(c, ADDR_NONE, TERR_NON_IPV4, NULL, ip4, len);
		return;
	}
	size_t ihl = (size_t)(ip4[0] & 15) * 4;
	size_t tot = get16(ip4 + 2);
	if (ihl < IPV4_HDR || ihl >= len || tot < ihl || tot > len) {
		fwd_error(c, ADDR_NONE, TERR_NON_IPV4, NULL, ip4, len);
		return;
	}
	len = tot;
	if (ip4[9] != 41) {
		fwd_error(c, ADDR_NONE, TERR_WRONG_PAYLOAD, NULL, ip4, len);
		return;
	}
	struct in6_addr src, dst;
	struct tunnel_cfg t = { 0 };
	uint32_t tid;
	mapped(&src, ip4 + 12);
	mapped(&dst, ip4 + 16);
	uint8_t *in = ip4 + ihl;
	size_t ilen = len - ihl;
	enum decap_rc rc = decap(c, &src, &dst, ip4, len, in, ilen, &tid, &t);
	if (rc == DECAP_REFUSE)
		/* Protocol unreachable, or prohibited for a disabled tunnel. */
		icmp4_unreach(c, ip4, len,
			      t.state == TUNNEL_S_DISABLED && addr_eq(&src, &t.ip_them) ? 13 : 2);
	if (rc != DECAP_OK)
		return;
	c->gso_size = proto41_gro_mss(in, ilen, t.mtu);
	if (dbg_on())
		dbg_packet(tid, ADDR_NONE, ip4, len, "proto-41 accepted%s",
			   c->gso_size ? " (merged by GRO)" : "");
	fwd_route6(c, tid, in, ilen, FWD_DECREMENT);
	c->gso_size = 0;
}

void proto41_input6(struct fwd_ctx *c, uint8_t *pkt, size_t len, size_t off)
{
	struct in6_addr src, dst;
	struct tunnel_cfg t = { 0 };
	uint32_t tid;
	memcpy(&src, pkt + 8, 16);
	memcpy(&dst, pkt + 24, 16);
	if (decap(c, &src, &dst, pkt, len, pkt + off, len - off, &tid, &t) != DECAP_OK)
		return;
	fwd_route6(c, tid, pkt + off, len - off, FWD_DECREMENT);
}

int proto41_output(struct fwd_ctx *c, uint32_t tid, const struct tunnel_cfg *t, uint8_t *pkt,
		   size_t len)
{
	if (addr_is_v4mapped(&t->ip_them)) {
		uint8_t *h = pkt - IPV4_HDR;
		h[0] = 0x45;
		h[1] = 0; /* the inner traffic class is not copied */
		put16(h + 2, (uint16_t)(IPV4_HDR + len));
		h[4] = 0x42;
		h[5] = 0;
		put16(h + 6, 0x4000); /* DF: we never fragment */
		h[8] = 64;
		h[9] = 41;
		h[10] = h[11] = 0;
		/* 0.0.0.0 until a packet told us which address the client uses:
		 * the kernel picks one then. */
		memcpy(h + 12, addr_is_v4mapped(&t->ip_us) ? &t->ip_us.s6_addr[12] : (const uint8_t[4]){ 0 },
		       4);
		memcpy(h + 16, &t->ip_them.s6_addr[12], 4);
		put16(h + 10, csum_fold(csum_add(0, h, IPV4_HDR)));
		int rc = c->io->to_ipv4(c, h, IPV4_HDR + len);
		if (rc == 0) {
			tunnel_account(tid, TUNNEL_OUT, IPV4_HDR + len, c->now);
		}
		return rc;
	}
	/* IPv6 outer (RFC 2473 style, dataplane §5.3), routed like our own.
	 * Until the client told us otherwise we speak from P:ffff::1, where
	 * its packets come back to us (local delivery, proto41_input6). */
	uint8_t *h = pkt - IPV6_HDR;
	h[0] = 0x60;
	h[1] = h[2] = h[3] = 0;
	put16(h + 4, (uint16_t)len);
	h[6] = 41;
	h[7] = 64;
	if (addr_is_zero(&t->ip_us) || addr_is_v4mapped(&t->ip_us)) {
		unsigned k = tid / TUNNEL_PREFIX_SPAN;
		if (k >= conf_tprefix_count())
			return -22;
		memset(h + 8, 0, 16);
		memcpy(h + 8, conf_tprefix(k)->s6_addr, 6);
		h[14] = h[15] = 0xff;
		h[23] = 1;
	} else {
		memcpy(h + 8, &t->ip_us, 16);
	}
	memcpy(h + 24, &t->ip_them, 16);
	fwd_route6(c, ADDR_NONE, h, IPV6_HDR + len, FWD_RESPONSE | FWD_SKIP_SRC);
	return 0;
}
