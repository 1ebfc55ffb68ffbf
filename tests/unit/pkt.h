/* Packet builders and an independent RFC 1071 checksum shared by the
 * engine suites (test_fwd.c, test_proto41.c). Include after unit.h. */
#ifndef SIXXSD_TEST_PKT_H
#define SIXXSD_TEST_PKT_H

/* ---- an independent RFC 1071 implementation ------------------------------ */

static uint16_t ref_sum(uint16_t acc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 2) {
		uint16_t w = (uint16_t)((p[i] << 8) | (i + 1 < n ? p[i + 1] : 0));
		uint32_t s = (uint32_t)acc + w;
		acc = (uint16_t)((s & 0xffff) + (s >> 16));
	}
	return acc;
}

/* Sum of the IPv6 pseudo-header of an upper-layer message of n bytes. */
static uint16_t ref_pseudo(const uint8_t *ip6, size_t n, uint8_t nh)
{
	uint8_t ph[40];
	memcpy(ph, ip6 + 8, 32);
	ph[32] = (uint8_t)(n >> 24);
	ph[33] = (uint8_t)(n >> 16);
	ph[34] = (uint8_t)(n >> 8);
	ph[35] = (uint8_t)n;
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = nh;
	return ref_sum(0, ph, 40);
}

/* The checksum field at l4 + at of an upper-layer message in an IPv6
 * packet without extension headers. */
static void ref_fill6(uint8_t *ip6, size_t at)
{
	size_t n = get16(ip6 + 4);
	uint8_t *m = ip6 + IPV6_HDR;
	m[at] = m[at + 1] = 0;
	put16(m + at, (uint16_t)~ref_sum(ref_pseudo(ip6, n, ip6[6]), m, n));
}

/* A message including its checksum sums to ffff. */
static bool ref_ok6(const uint8_t *ip6, size_t l4off, size_t n, uint8_t nh)
{
	return ref_sum(ref_pseudo(ip6, n, nh), ip6 + l4off, n) == 0xffff;
}

static bool ref_ok(const uint8_t *p, size_t n)
{
	return ref_sum(0, p, n) == 0xffff;
}

/* ---- addresses ----------------------------------------------------------- */

static const uint8_t *A(const char *txt)
{
	static uint8_t ring[16][16];
	static unsigned next;
	uint8_t *a = ring[next++ % 16];
	if (inet_pton(AF_INET6, txt, a) != 1)
		fail_msg("bad test address %s", txt);
	return a;
}

static const uint8_t *A4(const char *txt)
{
	static uint8_t ring[16][4];
	static unsigned next;
	uint8_t *a = ring[next++ % 16];
	if (inet_pton(AF_INET, txt, a) != 1)
		fail_msg("bad test address %s", txt);
	return a;
}

/* ---- what the engine emits ------------------------------------------------- */

enum { VIA_TUN = 6, VIA_V4 = 4 };
#define CAP_MAX 8
struct cap {
	int via;
	size_t len;
	uint16_t gso;
	uint8_t *p;
};
static uint8_t cap_store[CAP_MAX][FWD_MAX_PKT + 1];
static struct cap caps[CAP_MAX];
static size_t ncap, n_tun, n_v4;
static int tun_rc, v4_rc; /* what the callbacks answer */

static void record(int via, const uint8_t *p, size_t n, uint16_t gso)
{
	assert_true(n <= FWD_MAX_PKT);
	if (ncap < CAP_MAX) {
		caps[ncap].via = via;
		caps[ncap].len = n;
		caps[ncap].gso = gso;
		caps[ncap].p = cap_store[ncap];
		memcpy(cap_store[ncap], p, n);
	}
	ncap++;
}

static int io_tun(struct fwd_ctx *c, uint8_t *p, size_t n, uint16_t gso)
{
	(void)c;
	n_tun++;
	record(VIA_TUN, p, n, gso);
	return tun_rc;
}

static int io_v4(struct fwd_ctx *c, uint8_t *p, size_t n)
{
	(void)c;
	n_v4++;
	record(VIA_V4, p, n, 0);
	return v4_rc;
}

static const struct fwd_io io = { .to_tun = io_tun, .to_ipv4 = io_v4 };
static struct fwd_ctx ctx;
static uint64_t clock_ms = 1000000;

static void reset_caps(void)
{
	ncap = n_tun = n_v4 = 0;
}

/* A second later: the ICMP limiters have tokens again. */
static void tick(void)
{
	clock_ms += 1000;
	ctx.now_ms = clock_ms;
}

/* ---- input buffers ------------------------------------------------------------ */

static uint8_t inbuf[FWD_HEADROOM + FWD_MAX_PKT + 64];
#define PKT (inbuf + FWD_HEADROOM)
#define INNER (PKT + IPV4_HDR) /* where packets for proto41_input are built */
static uint8_t orig[FWD_MAX_PKT + 64]; /* a copy of the last input */
static size_t orig_len;

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed * 13 + 3);
}

/* Fixed header at p; returns the whole length. */
static size_t ip6(uint8_t *p, const char *src, const char *dst, uint8_t nh, uint8_t hop, size_t plen)
{
	p[0] = 0x60;
	p[1] = p[2] = p[3] = 0;
	put16(p + 4, (uint16_t)plen);
	p[6] = nh;
	p[7] = hop;
	memcpy(p + 8, A(src), 16);
	memcpy(p + 24, A(dst), 16);
	return IPV6_HDR + plen;
}

static size_t udp6(uint8_t *p, const char *src, const char *dst, uint8_t hop, size_t datalen)
{
	size_t len = ip6(p, src, dst, 17, hop, 8 + datalen);
	uint8_t *m = p + IPV6_HDR;
	put16(m, 40000);
	put16(m + 2, 53);
	put16(m + 4, (uint16_t)(8 + datalen));
	fill(m + 8, datalen, 17);
	ref_fill6(p, 6);
	return len;
}

/* IPv4 header for proto-41 in front of INNER (which holds n bytes). */
static size_t wrap4(const char *src4, const char *dst4, size_t n)
{
	uint8_t *h = PKT;
	h[0] = 0x45;
	h[1] = 0;
	put16(h + 2, (uint16_t)(IPV4_HDR + n));
	put16(h + 4, 0x1234);
	put16(h + 6, 0);
	h[8] = 60;
	h[9] = 41;
	h[10] = h[11] = 0;
	memcpy(h + 12, A4(src4), 4);
	memcpy(h + 16, A4(dst4), 4);
	put16(h + 10, (uint16_t)~ref_sum(0, h, IPV4_HDR));
	return IPV4_HDR + n;
}

/* Wrap the inner packet at INNER (n bytes) and hand it to proto41_input;
 * orig keeps the inner packet. */
static void from_v4(const char *src4, size_t n)
{
	memcpy(orig, INNER, n);
	orig_len = n;
	size_t len = wrap4(src4, US4, n);
	reset_caps();
	proto41_input(&ctx, PKT, len);
}

/* What a capture is, for failure messages. */
static const char *describe(const struct cap *c)
{
	static char b[160];
	const uint8_t *p = c->p;
	size_t n = c->len;
	if (c->via == VIA_V4 && n >= IPV4_HDR + IPV6_HDR && p[9] == 41) {
		p += IPV4_HDR;
		n -= IPV4_HDR;
	} else if (c->via == VIA_V4) {
		snprintf(b, sizeof(b), "IPv4 proto %u, %zu bytes", n > 9 ? p[9] : 0, c->len);
		return b;
	}
	if (n >= 48 && p[6] == 58)
		snprintf(b, sizeof(b), "%s: ICMPv6 %u/%u param %u, %zu bytes",
			 c->via == VIA_TUN ? "tun" : "tunnel", p[40], p[41], get32(p + 44), n);
	else
		snprintf(b, sizeof(b), "%s: IPv6 next header %u, %zu bytes",
			 c->via == VIA_TUN ? "tun" : "tunnel", n > 6 ? p[6] : 0, n);
	return b;
}

#define only(via) only_at(via, __FILE__, __LINE__)
static const struct cap *only_at(int via, const char *file, int line)
{
	if (ncap != 1 || caps[0].via != via) {
		print_error("expected exactly one packet out to the %s, got %zu (tun %zu, ipv4 %zu)%s%s\n",
			    via == VIA_TUN ? "tun" : "raw socket", ncap, n_tun, n_v4,
			    ncap ? "; first: " : "", ncap ? describe(&caps[0]) : "");
		_fail(file, line);
	}
	return &caps[0];
}

#define nothing_out() nothing_out_at(__FILE__, __LINE__)
static void nothing_out_at(const char *file, int line)
{
	if (ncap != 0) {
		print_error("expected no packet out, got %zu (tun %zu, ipv4 %zu); first: %s\n", ncap,
			    n_tun, n_v4, describe(&caps[0]));
		_fail(file, line);
	}
}

#endif
