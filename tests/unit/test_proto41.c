/* proto41: 6in4 decapsulation with GRO-merged TCP (proto41_gro_mss, the
 * super-packet path of the engine: to the tun with gso_size, or cut back
 * into segments for another tunnel). Same PoP as test_fwd.c: prefix
 * P = 2001:db8:2ff::/48, tunnel 5 (10.1.0.2, MTU 1480), tunnel 6
 * (10.2.0.2, MTU 1280); our outer address 192.0.2.1. Checksums are
 * verified with the RFC 1071 implementation below. */
#include "unit.h"

#include "fwd.h"
#include "ipv6.h"
#include "proto41.h"

#define P "2001:db8:2ff:"
#define NET1 "2001:db8:ffff::1"
#define US4 "192.0.2.1"

#include "pkt.h"

/* ---- checks (more in pkt.h) -------------------------------------------------- */

/* The outer header of dataplane §5.2 and the inner packet after it. */
static void check_encap(const struct cap *c, const char *src4, const char *dst4,
			const uint8_t *inner, size_t n)
{
	const uint8_t *h = c->p;
	assert_int_equal(c->via, VIA_V4);
	assert_int_equal(c->len, IPV4_HDR + n);
	static const uint8_t fixed[] = { 0x45, 0x00, 0, 0, 0x42, 0x00, 0x40, 0x00, 0x40, 0x29 };
	assert_memory_equal(h, fixed, 2);
	assert_int_equal(get16(h + 2), IPV4_HDR + n);
	assert_memory_equal(h + 4, fixed + 4, 6);
	assert_true(ref_ok(h, IPV4_HDR));
	assert_memory_equal(h + 12, A4(src4), 4);
	assert_memory_equal(h + 16, A4(dst4), 4);
	assert_memory_equal(h + IPV4_HDR, inner, n);
}

/* The inner IPv6 packet of an encapsulated capture. */
static const uint8_t *inner_of(const struct cap *c, size_t *n)
{
	assert_int_equal(c->via, VIA_V4);
	assert_true(c->len >= IPV4_HDR + IPV6_HDR);
	assert_int_equal(c->p[9], 41);
	*n = c->len - IPV4_HDR;
	return c->p + IPV4_HDR;
}

/* ---- GRO-merged TCP ------------------------------------------------------------- */

#define SEQ0 0xfffff800u /* wraps during the stream */
#define ACK0 0x22222222u
enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10, F_CWR = 0x80 };

static uint8_t data[65536];

static void fill_data(uint32_t seed)
{
	uint32_t x = seed;
	for (size_t i = 0; i < sizeof(data); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = (uint8_t)(x >> 7);
	}
}

/* One TCP header (thl bytes: 20, or 32 with NOP NOP timestamp) followed by
 * the payload of every segment, as GRO leaves it: the checksum is the one
 * of the first segment (segs[0] bytes) only. Returns the whole length. */
static size_t tcp_merged(uint8_t *p, const char *dst, uint8_t hop, size_t thl, const size_t *segs,
			 size_t nseg, uint8_t flags)
{
	size_t total = 0;
	for (size_t i = 0; i < nseg; i++)
		total += segs[i];
	size_t len = ip6(p, P "5::2", dst, 6, hop, thl + total);
	uint8_t *t = p + IPV6_HDR;
	memset(t, 0, thl);
	put16(t, 443);
	put16(t + 2, 50000);
	put32(t + 4, SEQ0);
	put32(t + 8, ACK0);
	t[12] = (uint8_t)((thl / 4) << 4);
	t[13] = flags;
	put16(t + 14, 0xfff0);
	if (thl == 32) {
		t[20] = t[21] = 1;
		t[22] = 8;
		t[23] = 10;
		put32(t + 24, 0x01020304);
		put32(t + 28, 0x05060708);
	}
	memcpy(t + thl, data, total);
	uint16_t s = ref_pseudo(p, thl + segs[0], 6);
	s = ref_sum(s, t, thl + segs[0]);
	put16(t + 16, (uint16_t)~s);
	return len;
}

/* Lengths l in 1..max at which the first segment's checksum holds. */
static size_t matches(const uint8_t *p, size_t thl, size_t max, size_t *first)
{
	size_t n = 0;
	for (size_t l = 1; l <= max; l++) {
		uint16_t s = ref_pseudo(p, thl + l, 6);
		if (ref_sum(s, p + IPV6_HDR, thl + l) == 0xffff) {
			if (!n)
				*first = l;
			n++;
		}
	}
	return n;
}

/* The test data is such that only the real first segment checks. */
static void assert_unique(const uint8_t *p, size_t len, size_t thl, size_t mtu, size_t want)
{
	size_t first = 0, max = mtu - IPV6_HDR - thl;
	if (max > len - IPV6_HDR - thl - 1)
		max = len - IPV6_HDR - thl - 1;
	assert_int_equal(matches(p, thl, max, &first), 1);
	assert_int_equal(first, want);
}

static int setup(void **state)
{
	unit_setup(state);
	RUN_OK("pop tunnelprefix add 2001:db8:2ff::/48", "pop subnetprefix add 2001:db8:3000::/40",
	       "tunnel set config 5 T5 10.1.0.2 up 1480", "tunnel set config 6 T6 10.2.0.2 up 1280",
	       "tunnel set config 7 T7 10.3.0.2 disabled 1480");
	/* One engine context for the whole run (it may own allocations);
	 * each test starts from a clean state. */
	static bool ctx_ready;
	if (!ctx_ready) {
		fwd_ctx_init(&ctx, &io, NULL);
		ctx_ready = true;
	}
	ctx.gso_size = 0;
	ctx.depth = 0;
	clock_ms += 100000;
	ctx.now_ms = clock_ms;
	tun_rc = v4_rc = 0;
	reset_caps();
	fill_data(0x9e3779b9u);
	return 0;
}

/* ---- proto41_gro_mss ------------------------------------------------------------ */

static void gro_mss_first_segment(void **state)
{
	(void)state;
	static const size_t three[] = { 1000, 1000, 1000 };
	size_t len = tcp_merged(PKT, NET1, 64, 20, three, 3, F_ACK | F_PSH);
	assert_int_equal(len, 40 + 20 + 3000);
	assert_unique(PKT, len, 20, 1480, 1000);
	assert_int_equal(proto41_gro_mss(PKT, len, 1480), 1000);
	assert_int_equal(proto41_gro_mss(PKT, len, 1280), 1000);
	/* With TCP options (32-byte header). */
	len = tcp_merged(PKT, NET1, 64, 32, three, 3, F_ACK);
	assert_unique(PKT, len, 32, 1480, 1000);
	assert_int_equal(proto41_gro_mss(PKT, len, 1480), 1000);
	/* Two segments and a short tail. */
	static const size_t odd[] = { 1201, 1201, 77 };
	len = tcp_merged(PKT, NET1, 64, 20, odd, 3, F_ACK);
	assert_unique(PKT, len, 20, 1480, 1201);
	assert_int_equal(proto41_gro_mss(PKT, len, 1480), 1201);
	/* Segments exactly as large as the MTU allows. */
	static const size_t full[] = { 1420, 1420 };
	len = tcp_merged(PKT, NET1, 64, 20, full, 2, F_ACK);
	assert_unique(PKT, len, 20, 1480, 1420);
	assert_int_equal(proto41_gro_mss(PKT, len, 1480), 1420);
}

static void gro_mss_not_a_super_packet(void **state)
{
	(void)state;
	static const size_t three[] = { 1000, 1000, 1000 };
	size_t len = tcp_merged(PKT, NET1, 64, 20, three, 3, F_ACK);
	/* Within the MTU. */
	assert_int_equal(proto41_gro_mss(PKT, len, 4000), 0);
	assert_int_equal(proto41_gro_mss(PKT, len, len), 0);
	assert_int_equal(proto41_gro_mss(PKT, 1480, 1480), 0);
	assert_int_equal(proto41_gro_mss(PKT, 100, 1480), 0);
	/* Not TCP: UDP, or TCP behind an extension header. */
	PKT[6] = 17;
	assert_int_equal(proto41_gro_mss(PKT, len, 1480), 0);
	PKT[6] = 60;
	assert_int_equal(proto41_gro_mss(PKT, len, 1480), 0);
	PKT[6] = 44;
	assert_int_equal(proto41_gro_mss(PKT, len, 1480), 0);
	/* A TCP data offset below 5. */
	len = tcp_merged(PKT, NET1, 64, 20, three, 3, F_ACK);
	PKT[IPV6_HDR + 12] = 0x40;
	assert_int_equal(proto41_gro_mss(PKT, len, 1480), 0);
}

static void gro_mss_no_length_checks(void **state)
{
	(void)state;
	static const size_t three[] = { 1000, 1000, 1000 };
	size_t len = tcp_merged(PKT, NET1, 64, 20, three, 3, F_ACK);
	PKT[IPV6_HDR + 16] ^= 0x5a; /* no length checks any more */
	size_t first;
	assert_int_equal(matches(PKT, 20, 1420, &first), 0);
	assert_int_equal(proto41_gro_mss(PKT, len, 1480), 1480 - 40 - 20);
	assert_int_equal(proto41_gro_mss(PKT, len, 1280), 1280 - 40 - 20);
	len = tcp_merged(PKT, NET1, 64, 32, three, 3, F_ACK);
	PKT[IPV6_HDR + 17] ^= 0x01;
	assert_int_equal(matches(PKT, 32, 1408, &first), 0);
	assert_int_equal(proto41_gro_mss(PKT, len, 1480), 1480 - 40 - 32);
}

/* ---- through the engine ------------------------------------------------------------ */

static void gro_to_internet_keeps_gso(void **state)
{
	(void)state;
	static const size_t three[] = { 1000, 1000, 1000 };
	size_t n = tcp_merged(INNER, NET1, 64, 20, three, 3, F_ACK | F_PSH);
	from_v4("10.1.0.2", n);
	const struct cap *c = only(VIA_TUN);
	assert_int_equal(c->gso, 1000);
	assert_int_equal(c->len, n);
	orig[7] = 63;
	assert_memory_equal(c->p, orig, n);
	/* Counted once, with the whole inner length. */
	assert_int_equal(atomic_load(&tunnel_stats(5)->d[TUNNEL_IN].pkts), 1);
	assert_int_equal(atomic_load(&tunnel_stats(5)->d[TUNNEL_IN].octets), n);
	/* A normal packet afterwards has no gso_size. */
	n = udp6(INNER, P "5::2", NET1, 64, 100);
	from_v4("10.1.0.2", n);
	assert_int_equal(only(VIA_TUN)->gso, 0);
}

/* One segment as the tunnel must carry it: header of the super-packet with
 * this payload length, sequence number, flags and a fresh checksum. */
static size_t expect_segment(uint8_t *out, const uint8_t *super, size_t thl, size_t off, size_t n,
			     uint8_t flags, uint8_t hop)
{
	memcpy(out, super, IPV6_HDR + thl);
	put16(out + 4, (uint16_t)(thl + n));
	out[7] = hop;
	uint8_t *t = out + IPV6_HDR;
	put32(t + 4, SEQ0 + (uint32_t)off);
	t[13] = flags;
	memcpy(t + thl, super + IPV6_HDR + thl + off, n);
	t[16] = t[17] = 0;
	uint16_t s = ref_pseudo(out, thl + n, 6);
	put16(t + 16, (uint16_t)~ref_sum(s, t, thl + n));
	return IPV6_HDR + thl + n;
}

static void check_segments(const size_t *segs, size_t nseg, size_t thl, uint8_t flags, uint8_t hop)
{
	assert_int_equal(n_tun, 0);
	if (n_v4 != nseg)
		fail_msg("expected %zu segments into tunnel 6, got %zu packets out (first: %s)", nseg,
			 n_v4, ncap ? describe(&caps[0]) : "none");
	size_t off = 0;
	for (size_t i = 0; i < nseg; i++) {
		const struct cap *c = &caps[i];
		size_t in;
		const uint8_t *s = inner_of(c, &in);
		if (s[6] != 6)
			fail_msg("packet %zu into the tunnel is not a TCP segment: %s", i, describe(c));
		assert_true(in <= 1280);
		assert_int_equal(in, IPV6_HDR + thl + segs[i]);
		/* A valid TCP checksum of its own. */
		assert_true(ref_ok6(s, IPV6_HDR, thl + segs[i], 6));
		/* Consecutive sequence numbers. */
		assert_int_equal(get32(s + IPV6_HDR + 4), (uint32_t)(SEQ0 + off));
		assert_int_equal(get32(s + IPV6_HDR + 8), ACK0);
		/* FIN and PSH only on the last; CWR only on the first. */
		uint8_t f = flags;
		if (i + 1 < nseg)
			f &= (uint8_t)~(F_FIN | F_PSH);
		if (i > 0)
			f &= (uint8_t)~F_CWR;
		assert_int_equal(s[IPV6_HDR + 13], f);
		static uint8_t want[2048];
		size_t wl = expect_segment(want, orig, thl, off, segs[i], f, hop);
		check_encap(c, "192.0.2.1", "10.2.0.2", want, wl);
		off += segs[i];
	}
}

static void gro_to_tunnel_is_segmented(void **state)
{
	(void)state;
	static const size_t three[] = { 1000, 1000, 1000 };
	uint8_t flags = F_CWR | F_ACK | F_PSH | F_FIN;
	/* Tunnel 6 learns our outer address from a packet of its own. */
	from_v4("10.2.0.2", udp6(INNER, P "6::2", NET1, 64, 10));
	only(VIA_TUN);
	size_t n = tcp_merged(INNER, P "6::2", 64, 20, three, 3, flags);
	assert_unique(INNER, n, 20, 1480, 1000);
	from_v4("10.1.0.2", n);
	check_segments(three, 3, 20, flags, 63);
	assert_int_equal(atomic_load(&tunnel_stats(6)->d[TUNNEL_OUT].pkts), 3);
	assert_int_equal(atomic_load(&tunnel_stats(5)->d[TUNNEL_IN].pkts), 1);
	/* No Packet Too Big was counted: the segments fit. */
	struct tunnel_errrec r;
	tunnel_err_get(6, TERR_PKT_TOO_BIG, &r, NULL);
	assert_int_equal(r.count, 0);
}

static void gro_to_tunnel_uneven_with_options(void **state)
{
	(void)state;
	/* Learn tunnel 6's outer address first. */
	from_v4("10.2.0.2", udp6(INNER, P "6::2", NET1, 64, 10));
	only(VIA_TUN);
	static const size_t segs[] = { 1100, 1100, 1100, 333 };
	size_t n = tcp_merged(INNER, P "6::2", 64, 32, segs, 4, F_ACK | F_PSH);
	assert_unique(INNER, n, 32, 1480, 1100);
	from_v4("10.1.0.2", n);
	check_segments(segs, 4, 32, F_ACK | F_PSH, 63);
	/* The options travel in every segment. */
	for (size_t i = 0; i < 4; i++)
		assert_memory_equal(caps[i].p + IPV4_HDR + IPV6_HDR + 20, orig + IPV6_HDR + 20, 12);
}

static void gro_to_tunnel_hop_limit_2(void **state)
{
	(void)state;
	from_v4("10.2.0.2", udp6(INNER, P "6::2", NET1, 64, 10));
	only(VIA_TUN);
	/* A single packet with hop limit 2 from 5 to 6 leaves with 1... */
	size_t n = udp6(INNER, P "5::2", P "6::2", 2, 100);
	from_v4("10.1.0.2", n);
	size_t in;
	const uint8_t *s = inner_of(only(VIA_V4), &in);
	assert_int_equal(s[7], 1);
	/* ...and so must each segment of a merged one (the router hop is
	 * taken once, for the whole super-packet). */
	static const size_t three[] = { 1000, 1000, 1000 };
	n = tcp_merged(INNER, P "6::2", 2, 20, three, 3, F_ACK);
	from_v4("10.1.0.2", n);
	check_segments(three, 3, 20, F_ACK, 1);
}

static void gro_segments_too_big_for_the_tunnel(void **state)
{
	(void)state;
	/* Segments of 1420 bytes (as large as tunnel 5 carries) do not fit
	 * tunnel 6 (1280): nothing oversize is sent into it; each segment
	 * draws a Packet Too Big 1280 back into tunnel 5, counted on 6. */
	static const size_t two[] = { 1420, 1420 };
	size_t n = tcp_merged(INNER, P "6::2", 64, 20, two, 2, F_ACK);
	from_v4("10.1.0.2", n);
	assert_int_equal(n_tun, 0);
	assert_int_equal(n_v4, 2);
	uint8_t seg[2048];
	for (size_t i = 0; i < 2; i++) {
		const struct cap *c = &caps[i];
		assert_memory_equal(c->p + 16, A4("10.1.0.2"), 4);
		size_t in;
		const uint8_t *e = inner_of(c, &in);
		assert_int_equal(in, 1280);
		assert_true(ref_ok6(e, IPV6_HDR, in - IPV6_HDR, 58));
		assert_int_equal(e[40], 2);
		assert_int_equal(e[41], 0);
		assert_int_equal(get32(e + 44), 1280);
		assert_memory_equal(e + 8, A(P "5::1"), 16);
		assert_memory_equal(e + 24, A(P "5::2"), 16);
		/* It quotes the segment (hop limit already taken). */
		expect_segment(seg, orig, 20, i * 1420, 1420, F_ACK, 63);
		assert_memory_equal(e + 48, seg, 1232);
	}
	struct tunnel_errrec r;
	tunnel_err_get(6, TERR_PKT_TOO_BIG, &r, NULL);
	assert_int_equal(r.count, 2);
	assert_int_equal(atomic_load(&tunnel_stats(6)->d[TUNNEL_OUT].pkts), 0);
}

static void gro_to_unusable_tunnel(void **state)
{
	(void)state;
	/* Into the disabled tunnel 7: one Destination Unreachable (1/1) back
	 * into tunnel 5, quoting the start of the super-packet, at most 1280. */
	static const size_t three[] = { 1000, 1000, 1000 };
	size_t n = tcp_merged(INNER, P "7::2", 64, 20, three, 3, F_ACK);
	from_v4("10.1.0.2", n);
	size_t in;
	const uint8_t *e = inner_of(only(VIA_V4), &in);
	assert_memory_equal(only(VIA_V4)->p + 16, A4("10.1.0.2"), 4);
	assert_int_equal(in, 1280);
	assert_int_equal(e[40], 1);
	assert_int_equal(e[41], 1);
	assert_memory_equal(e + 8, A(P "5::1"), 16);
	assert_memory_equal(e + 48, orig, 1232);
	assert_true(ref_ok6(e, IPV6_HDR, in - IPV6_HDR, 58));
	/* Back to tunnel 5 itself: Same In&Out, nothing sent. */
	tick();
	n = tcp_merged(INNER, P "5::2", 64, 20, three, 3, F_ACK);
	/* (source and destination both P:5::2) */
	from_v4("10.1.0.2", n);
	nothing_out();
}

static void ipv6_outer_encapsulation(void **state)
{
	(void)state;
	/* A static tunnel with an IPv6 endpoint (accepted by the configuration;
	 * dataplane §5.3): what goes into it is wrapped in an IPv6 header
	 * (next header 41, hop limit 64, to the endpoint) and routed like our
	 * own packets, so it leaves through the tun. Nothing may be lost
	 * without a trace: a wrapper with the unspecified source (our outer
	 * address is never learned for IPv6) is not a packet anyone can send. */
	RUN_OK("pop set id 1", "pop set details 1 tst01 192.0.2.1 2001:db8:ffff::42",
	       "tunnel set config 9 T9 2001:db8:ffff::9 up 1480");
	size_t n = udp6(PKT, NET1, P "9::2", 64, 100);
	memcpy(orig, PKT, n);
	reset_caps();
	fwd_from_tun(&ctx, PKT, n);
	const struct cap *c = only(VIA_TUN);
	assert_int_equal(c->len, IPV6_HDR + n);
	assert_int_equal(c->p[0], 0x60);
	assert_int_equal(get16(c->p + 4), n);
	assert_int_equal(c->p[6], 41);
	assert_int_equal(c->p[7], 64);
	assert_false(addr_is_zero((const struct in6_addr *)(const void *)(c->p + 8)));
	assert_memory_equal(c->p + 24, A("2001:db8:ffff::9"), 16);
	assert_memory_equal(c->p + IPV6_HDR, orig, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(gro_mss_first_segment, setup),
		cmocka_unit_test_setup(gro_mss_not_a_super_packet, setup),
		cmocka_unit_test_setup(gro_mss_no_length_checks, setup),
		cmocka_unit_test_setup(gro_to_internet_keeps_gso, setup),
		cmocka_unit_test_setup(gro_to_tunnel_is_segmented, setup),
		cmocka_unit_test_setup(gro_to_tunnel_uneven_with_options, setup),
		cmocka_unit_test_setup(gro_to_tunnel_hop_limit_2, setup),
		cmocka_unit_test_setup(gro_segments_too_big_for_the_tunnel, setup),
		cmocka_unit_test_setup(gro_to_unusable_tunnel, setup),
		cmocka_unit_test_setup(ipv6_outer_encapsulation, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
