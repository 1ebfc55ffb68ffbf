/* ayiya: AYIYA tunnels (dataplane §8): IPv6 in signed UDP datagrams on
 * port 5072, through NAT, with replay and hijack resistance. */
#ifndef SIXXSD_AYIYA_H
#define SIXXSD_AYIYA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fwd.h"
#include "tunnel.h"

#define AYIYA_PORT 5072
#define AYIYA_HDR 44
#define AYIYA_CLOCK_WINDOW 120

/* A datagram that arrived on our port `dport` at local address dst from
 * src:sport (addresses IPv4-mapped or IPv6). dgram has FWD_HEADROOM in
 * front of it. */
void ayiya_input(struct fwd_ctx *c, uint8_t *dgram, size_t len, const struct in6_addr *src,
		 uint16_t sport, const struct in6_addr *dst, uint16_t dport);

/* Wrap pkt (FWD_HEADROOM in front) for tunnel tid and send it to the
 * learned endpoint. Returns 0 or -errno. */
int ayiya_output(struct fwd_ctx *c, uint32_t tid, const struct tunnel_cfg *t, uint8_t *pkt,
		 size_t len);

/* Signature of a datagram (§8.4): SHA-1 over the header with the key in the
 * signature slot, then the payload; written to sig. md is an EVP_MD_CTX. */
void ayiya_signature(void *md, const uint8_t key[20], const uint8_t *hdr, const uint8_t *payload,
		     size_t plen, uint8_t sig[20]);

#endif
