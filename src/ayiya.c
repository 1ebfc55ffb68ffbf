/* ayiya: AYIYA decapsulation, authentication and encapsulation. */
#include "ayiya.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "addr.h"
#include "conf.h"
#include "dbg.h"
#include "ipv6.h"

void ayiya_signature(void *md, const uint8_t key[20], const uint8_t *hdr, const uint8_t *payload,
		     size_t plen, uint8_t sig[20])
{
	/* Hashed in place, never copied (dataplane §15.4). */
	EVP_DigestInit_ex(md, EVP_sha1(), NULL);
	EVP_DigestUpdate(md, hdr, 24);
	EVP_DigestUpdate(md, key, 20);
	if (plen)
		EVP_DigestUpdate(md, payload, plen);
	EVP_DigestFinal_ex(md, sig, NULL);
}

static bool clock_ok(const struct fwd_ctx *c, uint32_t epoch)
{
	int64_t d = (int64_t)c->now - (int64_t)epoch;
	return d <= AYIYA_CLOCK_WINDOW && d >= -AYIYA_CLOCK_WINDOW;
}

void ayiya_input(struct fwd_ctx *c, uint8_t *d, size_t len, const struct in6_addr *src,
		 uint16_t sport, const struct in6_addr *dst, uint16_t dport)
{
	const uint8_t *them = src->s6_addr;
	/* Bounded before anything is read (dataplane §15.4). */
	if (len < AYIYA_HDR || len > AYIYA_HDR + TUNNEL_MTU_MAX) {
		fwd_error(c, ADDR_NONE, TERR_AYIYA_INVALID_FWD, them, NULL, 0);
		return;
	}
	struct in6_addr id;
	bool is_tunnel;
	memcpy(&id, d + 8, 16);
	uint32_t tid = addr_find6(&id, &is_tunnel);
	if (!is_tunnel)
		tid = ADDR_NONE;
	uint8_t op = d[2] & 15, nh = d[3];
	if (d[0] != 0x41 || d[1] != 0x52 || (d[2] >> 4) != 1 || op > 3 ||
	    (nh != 4 && nh != 41 && nh != 59)) {
		fwd_error(c, tid, TERR_AYIYA_INVALID_FWD, them, NULL, 0);
		return;
	}
	struct tunnel_cfg t;
	if (tid < tunnel_count())
		tunnel_get(tid, &t);
	if (tid >= tunnel_count() || t.state == TUNNEL_S_NONE || t.state == TUNNEL_S_DISABLED) {
		fwd_error(c, tid, TERR_DISABLED, them, NULL, 0);
		return;
	}
	if (!t.dynamic) {
		fwd_error(c, tid, TERR_AYIYA_NON_AYIYA, them, NULL, 0);
		return;
	}
	const uint8_t *payload = d + AYIYA_HDR;
	size_t plen = len - AYIYA_HDR;
	if (plen && nh == 41 && (payload[0] >> 4) != 6) {
		fwd_error(c, tid, TERR_NON_IPV6, them, NULL, 0);
		return;
	}
	if (plen && nh == 4 && (payload[0] >> 4) != 4) {
		fwd_error(c, tid, TERR_NON_IPV4, them, NULL, 0);
		return;
	}
	uint32_t epoch = get32(d + 4);
	if (!clock_ok(c, epoch)) {
		fwd_error(c, tid, TERR_CLOCK_OFF, them, NULL, 0);
		return;
	}
	uint8_t sig[20];
	ayiya_signature(c->md, t.ayiya_sha1, d, payload, plen, sig);
	if (CRYPTO_memcmp(sig, d + 24, 20) != 0) {
		fwd_error(c, tid, TERR_AYIYA_HASH, them, NULL, 0);
		return;
	}

	struct tunnel_beat b = { .type = TUNNEL_T_AYIYA, .them = *src, .us = *dst, .port_them = sport,
				 .port_us = dport, .epoch = epoch, .now = c->now };
	memcpy(&b.digest, d + 24, sizeof(b.digest));
	enum tunnel_beat_rc rc = tunnel_beat(tid, &b);
	if (rc != TUNNEL_BEAT_OK) {
		fwd_error(c, tid, rc == TUNNEL_BEAT_REPLAY ? TERR_REPLAY : TERR_MOVE_REFUSED, them,
			  NULL, 0);
		return;
	}
	if (dbg_on())
		dbg_packet(tid, ADDR_NONE, payload, plen, "AYIYA opcode %u next header %u accepted", op, nh);
	if (op == 0 || op == 2)
		return; /* keepalive: learning was all */
	/* Forward (1), and echo-request-and-forward (3), which the historic
	 * daemon accepted but dropped (dataplane §15.16). */
	if (nh != 41 || plen == 0) {
		fwd_error(c, tid, TERR_AYIYA_INVALID_FWD, them, NULL, 0);
		return;
	}
	tunnel_account(tid, TUNNEL_IN, plen, c->now);
	c->gso_size = 0;
	fwd_route6(c, tid, d + AYIYA_HDR, plen, FWD_DECREMENT);
}

int ayiya_output(struct fwd_ctx *c, uint32_t tid, const struct tunnel_cfg *t, uint8_t *pkt,
		 size_t len)
{
	uint8_t *h = pkt - AYIYA_HDR;
	unsigned k = tid / TUNNEL_PREFIX_SPAN;
	if (k >= conf_tprefix_count())
		return -22; /* EINVAL: no prefix for our identity */
	h[0] = 0x41;
	h[1] = 0x52;
	h[2] = 0x11;
	h[3] = 41;
	put32(h + 4, (uint32_t)c->now);
	/* Our identity is the PoP side of the tunnel, P:t::1. */
	memset(h + 8, 0, 16);
	memcpy(h + 8, conf_tprefix(k)->s6_addr, 6);
	put16(h + 14, (uint16_t)(tid % TUNNEL_PREFIX_SPAN));
	h[23] = 1;
	ayiya_signature(c->md, t->ayiya_sha1, h, pkt, len, h + 24);
	int rc = c->io->to_udp(c, &t->ip_us, t->port_us ? t->port_us : AYIYA_PORT, &t->ip_them,
			       t->port_them, h, AYIYA_HDR + len);
	if (rc == 0) {
		size_t outer = (addr_is_v4mapped(&t->ip_them) ? IPV4_HDR : IPV6_HDR) + 8 + AYIYA_HDR + len;
		tunnel_account(tid, TUNNEL_OUT, outer, c->now);
	}
	return rc;
}
