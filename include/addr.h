/* addr: address text <-> binary, and the PoP's address arithmetic. */
#ifndef SIXXSD_ADDR_H
#define SIXXSD_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define ADDR_TEXT_MAX 48

/* Parse an address argument the way every command does (spec control §3):
 * text with ':' is IPv6, else dotted-quad stored IPv4-mapped; "unspecified"
 * is the zero address; "/len" is cut off. *plen gets the length (IPv4 offset
 * by 96), -1 when absent. Returns 0, -1 bad address, -2 bad length. */
int addr_parse(const char *txt, struct in6_addr *out, int *plen);

/* Text form: IPv4-mapped as dotted quad, the rest compressed IPv6. */
const char *addr_fmt(const struct in6_addr *a, char buf[ADDR_TEXT_MAX]);

bool addr_is_v4mapped(const struct in6_addr *a);
bool addr_is_zero(const struct in6_addr *a);
bool addr_eq(const struct in6_addr *a, const struct in6_addr *b);
/* First bits of a and b equal. */
bool addr_prefix_eq(const struct in6_addr *a, const struct in6_addr *b, unsigned bits);
/* No bit set after the first len bits. */
bool addr_host_zero(const struct in6_addr *a, unsigned len);
/* Group n (0..7) of an IPv6 address as a number. */
static inline unsigned addr_group(const struct in6_addr *a, unsigned n)
{
	return ((unsigned)a->s6_addr[2 * n] << 8) | a->s6_addr[2 * n + 1];
}

/* Pseudo tunnel indexes (dataplane §0) widened to 32 bits. */
#define ADDR_NONE 0xffffffffu   /* nobody: unrouted part of our prefixes */
#define ADDR_UPLINK 0xfffffffeu /* outside every prefix: the kernel side */

/* find6 (dataplane §2.3): tunnel /64, routed /64, subnet, or UPLINK.
 * *is_tunnel is true for the point-to-point /64 of the tunnel. */
uint32_t addr_find6(const struct in6_addr *a, bool *is_tunnel);

/* The 240/4 inner IPv4 plan (control §6.1), in network byte order. */
uint32_t addr_find4(const struct in6_addr *mapped);

#endif
