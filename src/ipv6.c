/* ipv6: checksums and the extension-header walk. */
#include "ipv6.h"

#include <string.h>

uint32_t csum_add(uint32_t sum, const void *data, size_t n)
{
	const uint8_t *p = data;
	uint64_t s = sum;
	while (n >= 2) {
		s += (uint32_t)((p[0] << 8) | p[1]);
		p += 2;
		n -= 2;
	}
	if (n)
		s += (uint32_t)(p[0] << 8);
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t csum_pseudo6(const uint8_t *src, const uint8_t *dst, uint32_t len, uint8_t nh)
{
	uint8_t tail[8];
	put32(tail, len);
	tail[4] = tail[5] = tail[6] = 0;
	tail[7] = nh;
	uint32_t s = csum_add(0, src, 16);
	s = csum_add(s, dst, 16);
	return csum_add(s, tail, 8);
}

static bool is_ext(uint8_t nh)
{
	switch (nh) {
	case 0:   /* hop-by-hop */
	case 43:  /* routing */
	case 51:  /* AH */
	case 60:  /* destination options */
	case 135: /* mobility */
	case 139: /* HIP */
	case 140: /* shim6 */
		return true;
	default:
		return false;
	}
}

static enum ipv6_walk_rc problem(struct ipv6_walk *w, uint8_t code, size_t ptr)
{
	w->pp_code = code;
	w->pp_ptr = (uint32_t)ptr;
	return IPV6_PARAM_PROBLEM;
}

enum ipv6_walk_rc ipv6_walk(const uint8_t *pkt, size_t len, struct ipv6_walk *w)
{
	memset(w, 0, sizeof(*w));
	if (len < IPV6_HDR || (pkt[0] >> 4) != 6 || pkt[7] == 0)
		return IPV6_DROP;
	size_t plen = get16(pkt + 4);
	/* A zero payload length before a hop-by-hop header announces a
	 * jumbogram (RFC 2675 §3), which no link of ours carries. */
	if ((plen == 0 && pkt[6] == 0) || plen + IPV6_HDR > len)
		return problem(w, 0, 4);
	size_t end = IPV6_HDR + plen;
	uint8_t nh = pkt[6];
	size_t nh_at = 6, off = IPV6_HDR;
	while (is_ext(nh)) {
		if (off + 8 > end)
			return problem(w, 0, nh_at);
		size_t hlen = nh == 51 ? ((size_t)pkt[off + 1] + 2) * 4 : ((size_t)pkt[off + 1] + 1) * 8;
		if (off + hlen > end)
			return problem(w, 0, off + 1);
		if (nh == 43 && pkt[off + 2] == 0) {
			w->rh0 = true;
			return IPV6_RH0;
		}
		if (nh == 0 && off != IPV6_HDR) /* hop-by-hop only right after the header */
			return problem(w, 1, nh_at);
		if (nh == 0 || nh == 60) {
			/* Options: a jumbo payload option (0xc2) is refused. */
			for (size_t o = off + 2; o < off + hlen;) {
				uint8_t t = pkt[o];
				if (t == 0) {
					o++;
					continue;
				}
				if (o + 2 > off + hlen || o + 2 + pkt[o + 1] > off + hlen)
					return problem(w, 0, o);
				if (t == 0xc2)
					return problem(w, 0, o);
				o += 2 + (size_t)pkt[o + 1];
			}
		}
		nh_at = off;
		nh = pkt[off];
		off += hlen;
	}
	w->proto = nh;
	w->off = off;
	w->len = end - off;
	w->fragment = nh == 44;
	return IPV6_OK;
}
