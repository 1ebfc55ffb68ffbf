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

#endif
