/* addr: address text and the PoP's address arithmetic. */
#include "addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "subnet.h"
#include "tunnel.h"

bool addr_is_v4mapped(const struct in6_addr *a)
{
	return IN6_IS_ADDR_V4MAPPED(a);
}

bool addr_is_zero(const struct in6_addr *a)
{
	static const struct in6_addr zero;
	return memcmp(a, &zero, sizeof(zero)) == 0;
}

bool addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

bool addr_prefix_eq(const struct in6_addr *a, const struct in6_addr *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	if (memcmp(a->s6_addr, b->s6_addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return ((a->s6_addr[full] ^ b->s6_addr[full]) & mask) == 0;
}

bool addr_host_zero(const struct in6_addr *a, unsigned len)
{
	for (unsigned bit = len; bit < 128; bit++)
		if (a->s6_addr[bit / 8] & (0x80 >> (bit % 8)))
			return false;
	return true;
}

int addr_parse(const char *txt, struct in6_addr *out, int *plen)
{
	char buf[128];
	const char *slash = strchr(txt, '/');
	size_t n = slash ? (size_t)(slash - txt) : strlen(txt);
	int len = -1;

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, txt, n);
	buf[n] = '\0';

	bool v6 = strchr(buf, ':') != NULL;
	if (strcasecmp(buf, "unspecified") == 0) {
		memset(out, 0, sizeof(*out));
		v6 = true;
	} else if (v6) {
		if (inet_pton(AF_INET6, buf, out) != 1)
			return -1;
	} else {
		struct in_addr v4;
		if (inet_pton(AF_INET, buf, &v4) != 1)
			return -1;
		memset(out, 0, sizeof(*out));
		out->s6_addr[10] = 0xff;
		out->s6_addr[11] = 0xff;
		memcpy(&out->s6_addr[12], &v4, 4);
	}
	if (slash) {
		const char *p = slash + 1;
		char *end;
		if (!isdigit((unsigned char)*p))
			return -2;
		unsigned long l = strtoul(p, &end, 10);
		if (*end || l > (v6 ? 128u : 32u))
			return -2;
		len = (int)l + (v6 ? 0 : 96);
	}
	if (plen)
		*plen = len;
	return 0;
}

const char *addr_fmt(const struct in6_addr *a, char buf[ADDR_TEXT_MAX])
{
	if (addr_is_v4mapped(a))
		inet_ntop(AF_INET, &a->s6_addr[12], buf, ADDR_TEXT_MAX);
	else
		inet_ntop(AF_INET6, a, buf, ADDR_TEXT_MAX);
	return buf;
}

uint32_t addr_find6(const struct in6_addr *a, bool *is_tunnel)
{
	*is_tunnel = false;
	int k = conf_tprefix_find(a);
	if (k >= 0) {
		unsigned s = addr_group(a, 3);
		uint32_t n = tunnel_count();
		uint32_t base = (uint32_t)k * TUNNEL_PREFIX_SPAN;
		if (s < TUNNEL_RESERVED_GROUP && base + s < n) {
			*is_tunnel = true;
			return base + s;
		}
		/* Top bit set: the tunnel's routed /64. */
		s &= TUNNEL_PREFIX_SPAN - 1;
		if ((addr_group(a, 3) & TUNNEL_PREFIX_SPAN) && s < TUNNEL_RESERVED_GROUP &&
		    base + s < n)
			return base + s;
		return ADDR_NONE;
	}
	unsigned sk, sel;
	if (subnet_locate(a, &sk, &sel)) {
		uint32_t t = subnet_get(sk, sel);
		return t == SUBNET_UNROUTED ? ADDR_NONE : t;
	}
	return ADDR_UPLINK;
}

uint32_t addr_find4(const struct in6_addr *mapped)
{
	if (!addr_is_v4mapped(mapped))
		return ADDR_NONE;
	const uint8_t *b = &mapped->s6_addr[12];
	uint32_t v = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
	if ((v >> 28) != 0xf || ((v >> 22) & 0x3f) != conf_id())
		return ADDR_NONE;
	uint32_t sel = v & 0x3fffff;
	uint32_t tid = sel >= 0x3f8000 ? (sel >> 1) & 0x3fff : (sel >> 8) & 0x3fff;
	return tid < tunnel_count() ? tid : ADDR_NONE;
}
