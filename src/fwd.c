/* fwd: the forwarding decision (dataplane §4, with §15's fixes). */
#include "fwd.h"

#include <openssl/evp.h>
#include <stdatomic.h>
#include <string.h>

#include "addr.h"
#include "ayiya.h"
#include "conf.h"
#include "dbg.h"
#include "icmp.h"
#include "ipv6.h"
#include "latency.h"
#include "proto41.h"
#include "tunnel.h"

static _Atomic uint64_t global_errors[TERR_COUNT];

/* One line per decision on a debugged tunnel; one branch otherwise. */
#define DBG(in, out, pkt, len, ...)                                  \
	do {                                                         \
		if (dbg_on())                                        \
			dbg_packet(in, out, pkt, len, __VA_ARGS__);  \
	} while (0)

void fwd_ctx_init(struct fwd_ctx *c, const struct fwd_io *io, void *user)
{
	memset(c, 0, sizeof(*c));
	c->io = io;
	c->user = user;
	c->md = EVP_MD_CTX_new(); /* reused for every packet: no allocation later */
	fwd_ctx_tick(c);
}

void fwd_ctx_free(struct fwd_ctx *c)
{
	EVP_MD_CTX_free(c->md);
	c->md = NULL;
}

void fwd_ctx_tick(struct fwd_ctx *c)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	c->now = ts.tv_sec;
	struct timespec mono;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	c->now_ms = (uint64_t)mono.tv_sec * 1000 + (uint64_t)mono.tv_nsec / 1000000;
}

uint64_t fwd_global_errors(unsigned err)
{
	return atomic_load_explicit(&global_errors[err], memory_order_relaxed);
}

void fwd_error(struct fwd_ctx *c, uint32_t tid, unsigned err, const uint8_t *src16,
	       const uint8_t *pkt, size_t len)
{
	if (tid >= tunnel_count()) {
		/* No tunnel to blame: counted, never logged per packet. */
		atomic_fetch_add_explicit(&global_errors[err], 1, memory_order_relaxed);
		return;
	}
	struct in6_addr src;
	if (src16)
		memcpy(&src, src16, 16);
	tunnel_err_record(tid, err, src16 ? &src : NULL, pkt, len, c->now);
	if (dbg_on() && dbg_tunnel(tid)) {
		struct tunnel_errrec r;
		tunnel_err_get(tid, err, &r, NULL);
		dbg_error(tid, tunnel_err_names[err], r.count, src16, pkt, len);
	}
}

static bool iid_is(const uint8_t *a, uint8_t last)
{
	static const uint8_t zero[7];
	return memcmp(a + 8, zero, 7) == 0 && a[15] == last;
}

static bool bad_source(const uint8_t *s)
{
	static const uint8_t zero[16];
	return memcmp(s, zero, 16) == 0 || s[0] == 0xff || (s[0] == 0xfe && (s[1] & 0xc0) == 0x80);
}

static bool is_daemon_addr(const uint8_t *a)
{
	/* P:ffff::1 of any tunnel prefix. */
	struct in6_addr x;
	memcpy(&x, a, 16);
	return a[6] == 0xff && a[7] == 0xff && iid_is(a, 1) && conf_tprefix_find(&x) >= 0;
}

static uint32_t lookup(const uint8_t *a, bool *is_tunnel)
{
	struct in6_addr x;
	memcpy(&x, a, 16);
	return addr_find6(&x, is_tunnel);
}

/* Local delivery to one of our addresses (dataplane §4.4). */
static void deliver_local(struct fwd_ctx *c, uint32_t in_tid, uint32_t out_tid, uint8_t *pkt,
			  size_t len, unsigned flags)
{
	struct ipv6_walk w;
	enum ipv6_walk_rc rc = ipv6_walk(pkt, len, &w);
	if (rc != IPV6_OK) {
		if (!(flags & FWD_RESPONSE) && rc == IPV6_PARAM_PROBLEM)
			icmp6_error(c, in_tid, out_tid, pkt, len, 4, w.pp_code, w.pp_ptr);
		else if (!(flags & FWD_RESPONSE) && rc == IPV6_RH0)
			icmp6_error(c, in_tid, out_tid, pkt, len, 1, 1, 0);
		return;
	}
	if (w.proto == 41 && !(flags & FWD_RESPONSE)) {
		proto41_input6(c, pkt, len, w.off);
		return;
	}
	if (w.proto != 58) {
		if (!(flags & FWD_RESPONSE))
			icmp6_error(c, in_tid, out_tid, pkt, len, 1, 4, 0); /* port unreachable */
		return;
	}
	if (w.len < 4)
		return;
	DBG(in_tid, out_tid, pkt, len, "local delivery: ICMPv6 type %u", pkt[w.off]);
	switch (pkt[w.off]) {
	case 128:
		icmp6_echo_reply(c, pkt, w.off, w.len);
		break;
	case 129:
		/* A latency reply: from the tunnel's ::2, on that tunnel. */
		if (out_tid < TUNNEL_MAX && in_tid == out_tid && iid_is(pkt + 8, 2))
			latency_reply(out_tid, pkt + w.off, w.len);
		break;
	case 135:
		if (pkt[7] == 255)
			icmp6_neigh_adv(c, pkt, w.off, w.len);
		break;
	default:
		break; /* other ICMPv6 is not for us to answer */
	}
}

/* prepfwd6 (dataplane §4.3): state, MTU, hop limit. */
static bool prepare(struct fwd_ctx *c, uint32_t in_tid, uint32_t out_tid,
		    const struct tunnel_cfg *t, uint8_t *pkt, size_t len, unsigned flags)
{
	bool resp = flags & FWD_RESPONSE;
	if (t) {
		if (t->state != TUNNEL_S_UP) {
			uint8_t code = t->state == TUNNEL_S_DISABLED ? 1 : t->state == TUNNEL_S_DOWN ? 0 : 3;
			if (t->state == TUNNEL_S_DISABLED)
				fwd_error(c, out_tid, TERR_DISABLED, pkt + 8, pkt, len);
			if (!resp)
				icmp6_error(c, in_tid, out_tid, pkt, len, 1, code, 0);
			return false;
		}
		if (len > t->mtu && !c->gso_size) {
			fwd_error(c, out_tid, TERR_PKT_TOO_BIG, pkt + 8, pkt, len);
			if (!resp)
				icmp6_error(c, in_tid, out_tid, pkt, len, 2, 0, t->mtu);
			return false;
		}
	}
	if (flags & FWD_HOP_DONE)
		return true;
	if (pkt[7] == 0) {
		fwd_error(c, in_tid, TERR_WRONG_PAYLOAD, pkt + 8, pkt, len);
		return false;
	}
	if (pkt[7] <= 1) {
		if (!resp)
			icmp6_error(c, in_tid, out_tid, pkt, len, 3, 0, 0);
		return false;
	}
	if (flags & FWD_DECREMENT)
		pkt[7]--;
	return true;
}

static void to_tun(struct fwd_ctx *c, uint32_t in_tid, uint8_t *pkt, size_t len, unsigned flags)
{
	DBG(in_tid, ADDR_UPLINK, pkt, len, "forwarding to the kernel (uplink)%s",
	    c->gso_size ? " as GSO" : "");
	int rc = c->io->to_tun(c, pkt, len, c->gso_size);
	if (rc == 0) {
		tunnel_account(ADDR_UPLINK, TUNNEL_OUT, len, c->now);
		return;
	}
	fwd_error(c, in_tid, rc == -90 /* EMSGSIZE */ ? TERR_PKT_TOO_BIG : TERR_SEND_ERROR, pkt + 8,
		  pkt, len);
	if (!(flags & FWD_RESPONSE))
		icmp6_error(c, in_tid, ADDR_UPLINK, pkt, len, 1, 1, 0);
}

/* A super-packet bound for a tunnel: cut it back into MSS-sized segments. */
static void route_segments(struct fwd_ctx *c, uint32_t in_tid, uint8_t *pkt, size_t len,
			   unsigned flags);

/* Encapsulate into out_tid (routetun, dataplane §4.6). */
static void to_tunnel(struct fwd_ctx *c, uint32_t in_tid, uint32_t out_tid,
		      const struct tunnel_cfg *t, uint8_t *pkt, size_t len, unsigned flags)
{
	if (t->type == TUNNEL_T_NONE) {
		if (!(flags & FWD_RESPONSE))
			icmp6_error(c, in_tid, out_tid, pkt, len, 1, 3, 0);
		return;
	}
	if (c->gso_size) {
		route_segments(c, in_tid, pkt, len, flags);
		return;
	}
	DBG(in_tid, out_tid, pkt, len, "forwarding into the tunnel (%s)", tunnel_type_name(t->type));
	int rc = t->type == TUNNEL_T_AYIYA ? ayiya_output(c, out_tid, t, pkt, len)
					   : proto41_output(c, out_tid, t, pkt, len);
	if (rc == 0)
		return;
	fwd_error(c, out_tid, rc == -90 ? TERR_PKT_TOO_BIG : TERR_SEND_ERROR, pkt + 8, pkt, len);
}

void fwd_route6(struct fwd_ctx *c, uint32_t in_tid, uint8_t *pkt, size_t len, unsigned flags)
{
	bool from_tunnel = in_tid < TUNNEL_MAX;
	if (len < IPV6_HDR || (pkt[0] >> 4) != 6) {
		fwd_error(c, in_tid, TERR_NON_IPV6, NULL, pkt, len);
		return;
	}
	size_t plen = get16(pkt + 4);
	if (plen + IPV6_HDR > len) {
		fwd_error(c, in_tid, TERR_WRONG_PAYLOAD, pkt + 8, pkt, len);
		return;
	}
	len = plen + IPV6_HDR; /* trailing bytes are not part of the packet */
	const uint8_t *src = pkt + 8, *dst = pkt + 24;

	if (bad_source(src) || addr_is_zero((const struct in6_addr *)(const void *)dst) ||
	    (dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80)) {
		fwd_error(c, in_tid, TERR_WRONG_SRC6, src, pkt, len);
		return;
	}

	bool src_tun = false, dst_tun = false;
	if (!(flags & FWD_SKIP_SRC)) {
		uint32_t src_tid = lookup(src, &src_tun);
		if (src_tid != in_tid) {
			if (!from_tunnel)
				fwd_error(c, src_tid, TERR_OVER_UPLINK, src, pkt, len);
			else
				fwd_error(c, in_tid, TERR_WRONG_SRC6, src, pkt, len);
			return;
		}
		if (src_tun && !iid_is(src, 1) && !iid_is(src, 2)) {
			/* Source address failed ingress/egress policy. */
			if (from_tunnel)
				fwd_error(c, in_tid, TERR_WRONG_SRC6, src, pkt, len);
			icmp6_error(c, in_tid, in_tid, pkt, len, 1, 5, 0);
			return;
		}
	}
	if (dst[0] == 0xff)
		return; /* no multicast routing here */

	uint32_t out_tid = lookup(dst, &dst_tun);
	if ((dst_tun && iid_is(dst, 1)) || is_daemon_addr(dst)) {
		deliver_local(c, in_tid, dst_tun ? out_tid : ADDR_NONE, pkt, len, flags);
		return;
	}
	bool resp = flags & FWD_RESPONSE;
	/* Only ::1 and ::2 live in a tunnel's /64. Our own messages to another
	 * address there (a policy error about a bad source) still go down the
	 * tunnel, so that the client sees them (dataplane §15.17). */
	if (dst_tun && !iid_is(dst, 2) && !resp) {
		icmp6_error(c, in_tid, out_tid, pkt, len, 1, 0, 0);
		return;
	}
	if (!resp && !(flags & FWD_SKIP_SRC) && out_tid == in_tid) {
		fwd_error(c, in_tid, TERR_SAME_IN_OUT, src, pkt, len);
		return;
	}

	/* Extension headers are checked on transit too: RH0 never passes. */
	if (pkt[6] != 6 && pkt[6] != 17 && pkt[6] != 58) {
		struct ipv6_walk w;
		enum ipv6_walk_rc rc = ipv6_walk(pkt, len, &w);
		if (rc != IPV6_OK) {
			fwd_error(c, in_tid, TERR_WRONG_PAYLOAD, src, pkt, len);
			if (!resp && rc == IPV6_RH0)
				icmp6_error(c, in_tid, out_tid, pkt, len, 1, 1, 0);
			else if (!resp && rc == IPV6_PARAM_PROBLEM)
				icmp6_error(c, in_tid, out_tid, pkt, len, 4, w.pp_code, w.pp_ptr);
			return;
		}
	}

	if (out_tid == ADDR_UPLINK) {
		if (prepare(c, in_tid, out_tid, NULL, pkt, len, flags))
			to_tun(c, in_tid, pkt, len, flags);
		return;
	}
	if (out_tid == ADDR_NONE) {
		/* An unassigned subnet entry or an unused part of a prefix. */
		if (!resp)
			icmp6_error(c, in_tid, ADDR_NONE, pkt, len, 1, 3, 0);
		return;
	}
	struct tunnel_cfg t;
	tunnel_get(out_tid, &t);
	if (prepare(c, in_tid, out_tid, &t, pkt, len, flags))
		to_tunnel(c, in_tid, out_tid, &t, pkt, len, flags);
}

void fwd_from_tun(struct fwd_ctx *c, uint8_t *pkt, size_t len)
{
	tunnel_account(ADDR_UPLINK, TUNNEL_IN, len, c->now);
	c->gso_size = 0;
	fwd_route6(c, ADDR_UPLINK, pkt, len, 0);
}

static void route_segments(struct fwd_ctx *c, uint32_t in_tid, uint8_t *pkt, size_t len,
			   unsigned flags)
{
	uint16_t mss = c->gso_size;
	size_t thl = (size_t)(pkt[IPV6_HDR + 12] >> 4) * 4;
	size_t hdr = IPV6_HDR + thl;
	if (pkt[6] != 6 || thl < 20 || hdr > len || mss == 0)
		return;
	c->gso_size = 0;
	uint8_t *seg = c->seg + FWD_HEADROOM;
	uint32_t seq = get32(pkt + IPV6_HDR + 4);
	uint8_t flags_last = pkt[IPV6_HDR + 13];
	for (size_t off = hdr; off < len; off += mss) {
		size_t n = len - off < mss ? len - off : mss;
		memcpy(seg, pkt, hdr);
		memcpy(seg + hdr, pkt + off, n);
		put16(seg + 4, (uint16_t)(thl + n));
		put32(seg + IPV6_HDR + 4, seq + (uint32_t)(off - hdr));
		/* FIN and PSH only on the last segment, CWR only on the first. */
		uint8_t f = flags_last;
		if (off + n < len)
			f &= (uint8_t)~0x09;
		if (off != hdr)
			f &= (uint8_t)~0x80;
		seg[IPV6_HDR + 13] = f;
		seg[IPV6_HDR + 16] = seg[IPV6_HDR + 17] = 0;
		uint32_t s = csum_pseudo6(seg + 8, seg + 24, (uint32_t)(thl + n), 6);
		put16(seg + IPV6_HDR + 16, csum_fold(csum_add(s, seg + IPV6_HDR, thl + n)));
		/* The hop limit was already handled for the whole packet. */
		fwd_route6(c, in_tid, seg, hdr + n,
			   (flags & ~(unsigned)FWD_DECREMENT) | FWD_SKIP_SRC | FWD_HOP_DONE);
	}
}
