/* ipv6: Internet checksums (RFC 1071) and the IPv6 extension-header walk
 * (dataplane §10, recommended behaviour). */
#ifndef SIXXSD_IPV6_H
#define SIXXSD_IPV6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPV6_HDR 40
#define IPV4_HDR 20

/* Byte access without alignment assumptions. */
static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}
static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* One's-complement sum of n bytes added to sum (not folded). */
uint32_t csum_add(uint32_t sum, const void *p, size_t n);
/* Fold until no carry is left, then complement. */
uint16_t csum_fold(uint32_t sum);
/* Sum of the IPv6 pseudo-header (RFC 8200 §8.1). */
uint32_t csum_pseudo6(const uint8_t *src, const uint8_t *dst, uint32_t len, uint8_t nh);

/* Result of walking a packet's header chain. */
struct ipv6_walk {
	uint8_t proto;   /* the first header that is not an extension header */
	size_t off;      /* where it starts */
	size_t len;      /* its length (payload length minus the extension headers) */
	bool rh0;        /* a type 0 routing header was seen */
	bool fragment;   /* proto is 44 (never reassembled) */
	/* On a parameter problem: ICMPv6 type 4 code and pointer. */
	uint8_t pp_code;
	uint32_t pp_ptr;
};

enum ipv6_walk_rc { IPV6_OK, IPV6_DROP, IPV6_PARAM_PROBLEM, IPV6_RH0 };

/* Walk every header including the first; AH length is (len + 2) * 4;
 * unknown headers end the walk; jumbograms are refused (IPv6 links here
 * never carry them). */
enum ipv6_walk_rc ipv6_walk(const uint8_t *pkt, size_t len, struct ipv6_walk *w);

#endif
