/* fwd: the forwarding engine end to end through its fwd_io callbacks
 * (dataplane §4, §5.1-§5.2, §9, §12.2, §14 and the fixes of §15).
 *
 * PoP: tunnel prefix P = 2001:db8:2ff::/48, subnet prefix
 * 2001:db8:3000::/40, tunnels 5 (10.1.0.2, up, MTU 1480), 6 (10.2.0.2, up,
 * 1280), 7 (10.3.0.2, disabled), 8 (dynamic, so down), subnet
 * 2001:db8:3001::/48 -> 5. Our outer address is 192.0.2.1. Every packet the
 * engine emits is copied and checked byte for byte; every checksum is
 * verified with the RFC 1071 implementation below. */
#include "unit.h"

#include <errno.h>

#include "fwd.h"
#include "icmp.h"
#include "ipv6.h"
#include "proto41.h"

#define P "2001:db8:2ff:"
#define NET1 "2001:db8:ffff::1" /* hosts on the Internet */
#define NET2 "2001:db8:ffff::2"
#define US4 "192.0.2.1"

#include "pkt.h"

/* ICMPv6 echo request with datalen bytes of data. */
static size_t echo6(uint8_t *p, const char *src, const char *dst, uint8_t hop, uint16_t id,
		    uint16_t seq, size_t datalen)
{
	size_t len = ip6(p, src, dst, 58, hop, 8 + datalen);
	uint8_t *m = p + IPV6_HDR;
	m[0] = 128;
	m[1] = 0;
	put16(m + 4, id);
	put16(m + 6, seq);
	fill(m + 8, datalen, id);
	ref_fill6(p, 2);
	return len;
}

/* Any ICMPv6 message type/code with a 4-byte parameter and body bytes. */
static size_t icmp6(uint8_t *p, const char *src, const char *dst, uint8_t hop, uint8_t type,
		    uint8_t code, size_t bodylen)
{
	size_t len = ip6(p, src, dst, 58, hop, 8 + bodylen);
	uint8_t *m = p + IPV6_HDR;
	m[0] = type;
	m[1] = code;
	put32(m + 4, 0);
	fill(m + 8, bodylen, type);
	ref_fill6(p, 2);
	return len;
}

/* Hand the packet at PKT to the engine as read from the tun. */
static void from_tun(size_t len)
{
	memcpy(orig, PKT, len);
	orig_len = len;
	reset_caps();
	fwd_from_tun(&ctx, PKT, len);
}

/* ---- checks (more in pkt.h) -------------------------------------------------- */

/* A generated ICMPv6 packet (p, len): header, checksum, type/code/param,
 * source, destination = offender's source, and the quote. */
static void check_icmp6(const uint8_t *p, size_t len, uint8_t type, uint8_t code, uint32_t param,
			const char *src, const uint8_t *off, size_t off_len)
{
	assert_true(len >= IPV6_HDR + 8);
	assert_true(len <= FWD_ICMP6_MAX);
	assert_int_equal(p[0], 0x60);
	assert_int_equal(p[1], 0);
	assert_int_equal(p[2], 0);
	assert_int_equal(p[3], 0);
	assert_int_equal(get16(p + 4), len - IPV6_HDR);
	assert_int_equal(p[6], 58);
	assert_int_equal(p[7], 64);
	assert_memory_equal(p + 8, A(src), 16);
	assert_memory_equal(p + 24, off + 8, 16);
	assert_true(ref_ok6(p, IPV6_HDR, len - IPV6_HDR, 58));
	assert_int_equal(p[40], type);
	assert_int_equal(p[41], code);
	assert_int_equal(get32(p + 44), param);
	size_t q = off_len < FWD_ICMP6_MAX - IPV6_HDR - 8 ? off_len : FWD_ICMP6_MAX - IPV6_HDR - 8;
	assert_int_equal(len, IPV6_HDR + 8 + q);
	assert_memory_equal(p + 48, off, q);
}

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

/* An ICMPv4 destination unreachable from us to src4 quoting the outer
 * packet we were given (q bytes). */
static void check_icmp4(const struct cap *c, uint8_t code, const char *to4, const uint8_t *quote,
			size_t qlen)
{
	const uint8_t *h = c->p;
	size_t q = qlen < 1252 ? qlen : 1252;
	assert_int_equal(c->via, VIA_V4);
	assert_int_equal(c->len, IPV4_HDR + 8 + q);
	assert_int_equal(h[0], 0x45);
	assert_int_equal(get16(h + 2), c->len);
	assert_int_equal(h[9], 1);
	assert_true(h[8] > 0);
	assert_true(ref_ok(h, IPV4_HDR));
	assert_memory_equal(h + 12, A4(US4), 4);
	assert_memory_equal(h + 16, A4(to4), 4);
	const uint8_t *m = h + IPV4_HDR;
	assert_int_equal(m[0], 3);
	assert_int_equal(m[1], code);
	assert_true(ref_ok(m, 8 + q));
	assert_memory_equal(m + 8, quote, q);
}

/* A `tunnel show` line. */
__attribute__((format(printf, 2, 3))) static const char *field(const char *label, const char *fmt, ...)
{
	static char buf[4][128];
	static unsigned next;
	char *b = buf[next++ % 4];
	int k = snprintf(b, 128, "%-24s: ", label);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b + k, 128 - (size_t)k, fmt, ap);
	va_end(ap);
	return b;
}

static uint32_t err_count(uint32_t tid, unsigned e)
{
	struct tunnel_errrec r;
	tunnel_err_get(tid, e, &r, NULL);
	return r.count;
}

static struct in6_addr err_src(uint32_t tid, unsigned e)
{
	struct tunnel_errrec r;
	tunnel_err_get(tid, e, &r, NULL);
	return r.src;
}

/* Every daemon-wide error count added up. */
static uint64_t global_total(void)
{
	uint64_t n = 0;
	for (unsigned e = 0; e < TERR_COUNT; e++)
		n += fwd_global_errors(e);
	return n;
}

static uint64_t pkts(uint32_t tid, enum tunnel_dir d)
{
	return atomic_load(&tunnel_stats(tid)->d[d].pkts);
}

static uint64_t octets(uint32_t tid, enum tunnel_dir d)
{
	return atomic_load(&tunnel_stats(tid)->d[d].octets);
}

/* ---- fixture ------------------------------------------------------------------ */

static int setup(void **state)
{
	unit_setup(state);
	RUN_OK("pop tunnelprefix add 2001:db8:2ff::/48", "pop subnetprefix add 2001:db8:3000::/40",
	       "tunnel set config 5 T5 10.1.0.2 up 1480", "tunnel set config 6 T6 10.2.0.2 up 1280",
	       "tunnel set config 7 T7 10.3.0.2 disabled 1480",
	       "tunnel set config 8 T8 dynamic up 1480 secret",
	       "subnet set config 2001:db8:3001::/48 5 static");
	struct tunnel_cfg t;
	tunnel_get(8, &t);
	assert_int_equal(t.state, TUNNEL_S_DOWN);
	tunnel_get(7, &t);
	assert_int_equal(t.state, TUNNEL_S_DISABLED);
	/* One engine context for the whole run (it may own allocations);
	 * each test starts from a clean state. */
	static bool ctx_ready;
	if (!ctx_ready) {
		fwd_ctx_init(&ctx, &io, NULL);
		ctx_ready = true;
	}
	ctx.gso_size = 0;
	ctx.depth = 0;
	clock_ms += 100000; /* every bucket full again */
	ctx.now_ms = clock_ms;
	tun_rc = v4_rc = 0;
	reset_caps();
	return 0;
}

/* ==== from the tun ============================================================== */

static void tun_echo_to_tunnel_address(void **state)
{
	(void)state;
	size_t len = echo6(PKT, NET1, P "5::1", 57, 0x1234, 7, 56);
	from_tun(len);
	const struct cap *c = only(VIA_TUN);
	assert_int_equal(c->gso, 0);
	assert_int_equal(c->len, len);
	const uint8_t *p = c->p;
	assert_int_equal(p[0], 0x60);
	assert_int_equal(get16(p + 4), 8 + 56);
	assert_int_equal(p[6], 58);
	assert_int_equal(p[7], 64);
	assert_memory_equal(p + 8, A(P "5::1"), 16);
	assert_memory_equal(p + 24, A(NET1), 16);
	assert_int_equal(p[40], 129);
	assert_int_equal(p[41], 0);
	assert_true(ref_ok6(p, 40, 64, 58));
	/* identifier, sequence and data copied */
	assert_memory_equal(p + 44, orig + 44, 4 + 56);
	/* The same to an unconfigured tid below the highest one: answers too. */
	tick();
	from_tun(echo6(PKT, NET1, P "2::1", 64, 1, 1, 0));
	c = only(VIA_TUN);
	assert_memory_equal(c->p + 8, A(P "2::1"), 16);
	assert_int_equal(c->p[40], 129);
	assert_true(ref_ok6(c->p, 40, 8, 58));
}

static void tun_echo_to_daemon_address(void **state)
{
	(void)state;
	size_t len = echo6(PKT, NET1, P "ffff::1", 60, 0xbeef, 0x0102, 100);
	from_tun(len);
	const struct cap *c = only(VIA_TUN);
	assert_int_equal(c->len, len);
	assert_memory_equal(c->p + 8, A(P "ffff::1"), 16);
	assert_memory_equal(c->p + 24, A(NET1), 16);
	assert_int_equal(c->p[7], 64);
	assert_int_equal(c->p[40], 129);
	assert_memory_equal(c->p + 44, orig + 44, 4 + 100);
	assert_true(ref_ok6(c->p, 40, 108, 58));
}

static void tun_udp_to_local_is_port_unreachable(void **state)
{
	(void)state;
	size_t len = udp6(PKT, NET1, P "5::1", 64, 30);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 1, 4, 0, P "5::1", orig, len);
	tick();
	len = udp6(PKT, NET1, P "ffff::1", 64, 30);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 1, 4, 0, P "ffff::1", orig, len);
	/* An ICMPv6 type nobody answers (echo reply) draws nothing. */
	tick();
	from_tun(icmp6(PKT, NET1, P "5::1", 64, 129, 0, 8));
	nothing_out();
}

static void tun_to_tunnel_is_encapsulated(void **state)
{
	(void)state;
	static const char *const dsts[] = { P "5::2", P "8005::1", P "8005:1:2:3:4",
					    "2001:db8:3001::1", "2001:db8:3001:ffff::9" };
	uint64_t op = pkts(5, TUNNEL_OUT), oo = octets(5, TUNNEL_OUT);
	size_t total = 0;
	for (size_t i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
		size_t len = udp6(PKT, NET1, dsts[i], 17, 100 + i);
		from_tun(len);
		/* Our outer address is not learned yet: 0.0.0.0 (kernel picks). */
		check_encap(only(VIA_V4), "0.0.0.0", "10.1.0.2", orig, len);
		/* Hop limit untouched (the kernel already decremented). */
		assert_int_equal(only(VIA_V4)->p[IPV4_HDR + 7], 17);
		total += IPV4_HDR + len;
	}
	assert_int_equal(pkts(5, TUNNEL_OUT) - op, 5);
	assert_int_equal(octets(5, TUNNEL_OUT) - oo, total);
}

static void tun_empty_payload_is_forwarded(void **state)
{
	(void)state;
	/* The example of dataplane §5.2 [verified]: a 40-byte inner packet
	 * (payload length 0, no next header, e.g. a Teredo bubble, RFC 4380
	 * §5.2.6). Payload length 0 is an error only together with a
	 * hop-by-hop header that lacks a jumbo option (RFC 2675 §3). */
	size_t len = ip6(PKT, NET1, P "5::2", 59, 64, 0);
	from_tun(len);
	static const uint8_t ex[] = { 0x45, 0x00, 0x00, 0x3c, 0x42, 0x00, 0x40, 0x00, 0x40, 0x29 };
	assert_memory_equal(only(VIA_V4)->p, ex, sizeof(ex));
	check_encap(only(VIA_V4), "0.0.0.0", "10.1.0.2", orig, len);
}

static void tun_to_disabled_tunnel(void **state)
{
	(void)state;
	size_t len = echo6(PKT, NET1, P "7::2", 64, 9, 9, 20);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 1, 1, 0, P "7::1", orig, len);
	/* Its routed /64 the same. */
	tick();
	len = udp6(PKT, NET1, P "8007::5", 64, 20);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 1, 1, 0, P "7::1", orig, len);
}

static void tun_to_down_tunnel(void **state)
{
	(void)state;
	size_t len = udp6(PKT, NET1, P "8::2", 64, 20);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 1, 0, 0, P "8::1", orig, len);
}

static void tun_to_no_tunnel_is_address_unreachable(void **state)
{
	(void)state;
	static const char *const dsts[] = { P "30::2", P "8030::1", P "ffff::2",
					    "2001:db8:3099::1", "2001:db8:30ff:1::1" };
	for (size_t i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
		tick();
		size_t len = udp6(PKT, NET1, dsts[i], 64, 20);
		from_tun(len);
		check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 1, 3, 0, P "ffff::1", orig, len);
	}
}

static void tun_to_other_address_in_tunnel_64(void **state)
{
	(void)state;
	size_t len = udp6(PKT, NET1, P "5::9", 64, 20);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 1, 0, 0, P "5::1", orig, len);
	tick();
	len = udp6(PKT, NET1, "2001:db8:2ff:5:0:1:0:2", 64, 20);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 1, 0, 0, P "5::1", orig, len);
}

static void tun_hop_limit(void **state)
{
	(void)state;
	size_t len = udp6(PKT, NET1, P "5::2", 1, 20);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 3, 0, 0, P "5::1", orig, len);
	tick();
	len = udp6(PKT, NET1, "2001:db8:3001::1", 1, 20);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 3, 0, 0, P "5::1", orig, len);
	/* 0: dropped without a word. */
	tick();
	from_tun(udp6(PKT, NET1, P "5::2", 0, 20));
	nothing_out();
	/* 2 passes untouched. */
	len = udp6(PKT, NET1, P "5::2", 2, 20);
	from_tun(len);
	check_encap(only(VIA_V4), "0.0.0.0", "10.1.0.2", orig, len);
}

static void tun_packet_too_big(void **state)
{
	(void)state;
	size_t len = udp6(PKT, NET1, P "6::2", 64, 1400 - 48);
	assert_int_equal(len, 1400);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 2, 0, 1280, P "6::1", orig, len);
	assert_int_equal(err_count(6, TERR_PKT_TOO_BIG), 1);
	struct in6_addr s = err_src(6, TERR_PKT_TOO_BIG);
	assert_memory_equal(&s, A(NET1), 16);
	/* Exactly the MTU passes. */
	tick();
	len = udp6(PKT, NET1, P "6::2", 64, 1280 - 48);
	from_tun(len);
	check_encap(only(VIA_V4), "0.0.0.0", "10.2.0.2", orig, len);
	/* One byte more does not. */
	len = udp6(PKT, NET1, P "6::2", 64, 1281 - 48);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 2, 0, 1280, P "6::1", orig, len);
	assert_int_equal(err_count(6, TERR_PKT_TOO_BIG), 2);
	assert_int_equal(tunnel_err_total(6), 0); /* Too Big is not an "error" */
}

static void tun_icmp_error_size_limit(void **state)
{
	(void)state;
	/* A 1500-byte offender: the error is 1280 bytes, quoting 1232. */
	size_t len = udp6(PKT, NET1, P "6::2", 64, 1500 - 48);
	assert_int_equal(len, 1500);
	from_tun(len);
	assert_int_equal(only(VIA_TUN)->len, 1280);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 2, 0, 1280, P "6::1", orig, len);
	tick();
	len = udp6(PKT, NET1, P "7::2", 64, 1500 - 48);
	from_tun(len);
	assert_int_equal(only(VIA_TUN)->len, 1280);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 1, 1, 0, P "7::1", orig, len);
	/* A short offender is quoted whole. */
	tick();
	len = udp6(PKT, NET1, P "7::2", 64, 0);
	from_tun(len);
	assert_int_equal(only(VIA_TUN)->len, 40 + 8 + 48);
}

static void tun_source_inside_our_prefixes(void **state)
{
	(void)state;
	static const struct {
		const char *src;
		uint32_t tid;
	} cases[] = {
		{ P "5::2", 5 }, { P "5::1", 5 }, { "2001:db8:3001::7", 5 }, { P "8006::1", 6 },
		{ P "7::2", 7 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t before = err_count(cases[i].tid, TERR_OVER_UPLINK);
		from_tun(udp6(PKT, cases[i].src, NET1, 64, 10));
		nothing_out();
		assert_int_equal(err_count(cases[i].tid, TERR_OVER_UPLINK), before + 1);
		struct in6_addr s = err_src(cases[i].tid, TERR_OVER_UPLINK);
		assert_memory_equal(&s, A(cases[i].src), 16);
	}
	/* Even to one of the tunnels, and to ::1. */
	from_tun(udp6(PKT, P "5::2", P "6::2", 64, 10));
	nothing_out();
	from_tun(echo6(PKT, P "6::2", P "6::1", 64, 1, 1, 0));
	nothing_out();
	assert_int_equal(err_count(6, TERR_OVER_UPLINK), 2);
	/* An unrouted part of the prefixes: counted daemon-wide. */
	uint64_t g = fwd_global_errors(TERR_OVER_UPLINK);
	from_tun(udp6(PKT, "2001:db8:3099::1", P "5::2", 64, 10));
	nothing_out();
	assert_int_equal(fwd_global_errors(TERR_OVER_UPLINK), g + 1);
}

static void tun_bogus_sources_dropped(void **state)
{
	(void)state;
	static const char *const srcs[] = { "fe80::1", "febf::1", "::", "ff02::1", "ff0e::1" };
	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		tick();
		from_tun(udp6(PKT, srcs[i], P "5::2", 64, 10));
		nothing_out();
		from_tun(echo6(PKT, srcs[i], P "5::1", 64, 1, 1, 8));
		nothing_out();
		from_tun(udp6(PKT, srcs[i], P "5::1", 64, 10)); /* no port unreachable */
		nothing_out();
		from_tun(udp6(PKT, srcs[i], P "7::2", 64, 10)); /* no unreachable */
		nothing_out();
	}
	/* Bogus destinations too. */
	from_tun(udp6(PKT, NET1, "fe80::2", 64, 10));
	nothing_out();
	from_tun(udp6(PKT, NET1, "::", 64, 10));
	nothing_out();
	from_tun(udp6(PKT, NET1, "ff02::1", 64, 10));
	nothing_out();
}

/* UDP behind a routing header of the given type (24 bytes, one address). */
static size_t rh_udp(uint8_t *p, const char *src, const char *dst, uint8_t hop, uint8_t type)
{
	size_t len = ip6(p, src, dst, 43, hop, 24 + 8 + 10);
	uint8_t *r = p + IPV6_HDR;
	memset(r, 0, 24);
	r[0] = 17;
	r[1] = 2;
	r[2] = type;
	r[3] = 1;
	memcpy(r + 8, A(NET2), 16);
	uint8_t *u = r + 24;
	put16(u, 1000);
	put16(u + 2, 2000);
	put16(u + 4, 18);
	u[6] = u[7] = 0;
	fill(u + 8, 10, 1);
	return len;
}

static void tun_rh0_in_transit(void **state)
{
	(void)state;
	uint64_t g = fwd_global_errors(TERR_WRONG_PAYLOAD);
	uint64_t t5 = tunnel_err_total(5);
	size_t len = rh_udp(PKT, NET1, P "5::2", 64, 0);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 1, 1, 0, P "5::1", orig, len);
	/* Counted once: daemon-wide or on the tunnel it was heading into. */
	assert_int_equal(fwd_global_errors(TERR_WRONG_PAYLOAD) - g + tunnel_err_total(5) - t5, 1);
	/* Routing type 2 is forwarded. */
	tick();
	len = rh_udp(PKT, NET1, P "5::2", 64, 2);
	from_tun(len);
	check_encap(only(VIA_V4), "0.0.0.0", "10.1.0.2", orig, len);
	/* RH0 behind a hop-by-hop header into a subnet. */
	tick();
	len = ip6(PKT, NET1, "2001:db8:3001::1", 0, 64, 8 + 24);
	memset(PKT + 40, 0, 8);
	PKT[40] = 43;
	PKT[42] = 1;
	PKT[43] = 4;
	memset(PKT + 48, 0, 24);
	PKT[48] = 59;
	PKT[49] = 2;
	memcpy(PKT + 56, A(NET2), 16);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 1, 1, 0, P "5::1", orig, len);
}

static void tun_parameter_problem_in_transit(void **state)
{
	(void)state;
	/* Destination options, then hop-by-hop: 4/1 pointing at the DO's
	 * next-header byte (offset 40). */
	size_t len = ip6(PKT, NET1, P "5::2", 60, 64, 8 + 8 + 8);
	memset(PKT + 40, 0, 16);
	PKT[40] = 0;
	PKT[42] = 1;
	PKT[43] = 4;
	PKT[48] = 59;
	PKT[50] = 1;
	PKT[51] = 4;
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 4, 1, 40, P "5::1", orig, len);
	/* A jumbo payload option with a payload length: 4/0 at the option. */
	tick();
	len = ip6(PKT, NET1, "2001:db8:3001::1", 0, 64, 8 + 8);
	memset(PKT + 40, 0, 8);
	PKT[40] = 59;
	PKT[42] = 0xc2;
	PKT[43] = 4;
	put32(PKT + 44, 100000);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 4, 0, 42, P "5::1", orig, len);
}

/* Total of every error record of tunnel 5 and daemon-wide. */
static uint64_t all_errors(void)
{
	uint64_t n = 0;
	for (unsigned e = 0; e < TERR_COUNT; e++)
		n += err_count(5, e) + fwd_global_errors(e);
	return n;
}

static void hop_limit_zero_alike_whatever_follows(void **state)
{
	(void)state;
	/* Hop limit 0 is dropped without an ICMP error (dataplane §4.3 step 3,
	 * §14), and accounted the same whether a UDP header or a fragment
	 * header follows the fixed header. */
	uint64_t e0 = all_errors();
	from_v4("10.1.0.2", udp6(INNER, P "5::2", NET1, 0, 30));
	nothing_out();
	uint64_t per_udp = all_errors() - e0;
	size_t n = ip6(INNER, P "5::2", NET1, 44, 0, 8 + 30);
	memset(INNER + 40, 0, 8 + 30);
	INNER[40] = 17;
	INNER[43] = 1;
	put32(INNER + 44, 0x12345678);
	e0 = all_errors();
	from_v4("10.1.0.2", n);
	nothing_out();
	assert_int_equal(all_errors() - e0, per_udp);
	/* From the tun. */
	e0 = all_errors();
	from_tun(udp6(PKT, NET1, P "5::2", 0, 30));
	nothing_out();
	per_udp = all_errors() - e0;
	size_t len = ip6(PKT, NET1, P "5::2", 44, 0, 8 + 30);
	memset(PKT + 40, 0, 8 + 30);
	PKT[40] = 17;
	PKT[43] = 1;
	e0 = all_errors();
	from_tun(len);
	nothing_out();
	assert_int_equal(all_errors() - e0, per_udp);
}

static void no_error_about_icmp_errors(void **state)
{
	(void)state;
	/* Every error type, to destinations that would each draw an error. */
	static const char *const dsts[] = { P "7::2", P "8::2", P "30::2", P "5::9",
					    "2001:db8:3099::1" };
	static const uint8_t types[] = { 1, 2, 3, 4, 0, 127 };
	for (size_t d = 0; d < sizeof(dsts) / sizeof(dsts[0]); d++) {
		for (size_t t = 0; t < sizeof(types); t++) {
			tick();
			from_tun(icmp6(PKT, NET1, dsts[d], 64, types[t], 0, 48));
			if (ncap)
				fail_msg("error about ICMPv6 type %u to %s", types[t], dsts[d]);
		}
		/* Hop limit 1 on an error to a live tunnel. */
		from_tun(icmp6(PKT, NET1, P "5::2", 1, 1, 4, 48));
		nothing_out();
	}
	/* Too big for tunnel 6: Packet Too Big about an error is not sent either. */
	from_tun(icmp6(PKT, NET1, P "6::2", 64, 1, 0, 1400));
	nothing_out();
	/* An error behind a destination options header is still an error. */
	size_t len = ip6(PKT, NET1, P "7::2", 60, 64, 8 + 8 + 20);
	memset(PKT + 40, 0, 8);
	PKT[40] = 58;
	PKT[42] = 1;
	PKT[43] = 4;
	PKT[48] = 1;
	PKT[49] = 3;
	from_tun(len);
	nothing_out();
	/* Informational messages (echo request) do draw the error. */
	tick();
	len = echo6(PKT, NET1, P "7::2", 64, 1, 2, 8);
	from_tun(len);
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 1, 1, 0, P "7::1", orig, len);
}

static void tun_outside_our_prefixes_not_looped(void **state)
{
	(void)state;
	uint64_t g = fwd_global_errors(TERR_SAME_IN_OUT);
	from_tun(udp6(PKT, NET1, NET2, 64, 10));
	nothing_out();
	assert_int_equal(fwd_global_errors(TERR_SAME_IN_OUT), g + 1);
}

static void tun_length_checks(void **state)
{
	(void)state;
	/* Bytes after the payload length are not forwarded. */
	size_t len = udp6(PKT, NET1, P "5::2", 64, 20);
	memset(PKT + len, 0xee, 30);
	from_tun(len + 30);
	check_encap(only(VIA_V4), "0.0.0.0", "10.1.0.2", orig, len);
	/* A payload length beyond the packet: counted, nothing sent. */
	uint64_t g = fwd_global_errors(TERR_WRONG_PAYLOAD);
	len = udp6(PKT, NET1, P "5::2", 64, 20);
	from_tun(len - 1);
	nothing_out();
	assert_int_equal(fwd_global_errors(TERR_WRONG_PAYLOAD), g + 1);
	/* Shorter than a header or not IPv6: counted, nothing sent. */
	g = fwd_global_errors(TERR_NON_IPV6);
	from_tun(39);
	nothing_out();
	PKT[0] = 0x45;
	from_tun(60);
	nothing_out();
	from_tun(0);
	nothing_out();
	assert_int_equal(fwd_global_errors(TERR_NON_IPV6), g + 3);
}

/* ==== from a tunnel (proto-41) ==================================================== */

static void p41_tunnel_to_tunnel(void **state)
{
	(void)state;
	static const char *const dsts[] = { P "6::2", P "8006::1" };
	for (size_t i = 0; i < 2; i++) {
		size_t n = udp6(INNER, P "5::2", dsts[i], 50, 100);
		from_v4("10.1.0.2", n);
		orig[7] = 49; /* decremented exactly once */
		check_encap(only(VIA_V4), "0.0.0.0", "10.2.0.2", orig, n);
	}
	/* From a subnet / routed /64 source of tunnel 5 too. */
	size_t n = udp6(INNER, "2001:db8:3001:5::1", P "6::2", 2, 100);
	from_v4("10.1.0.2", n);
	orig[7] = 1;
	check_encap(only(VIA_V4), "0.0.0.0", "10.2.0.2", orig, n);
	n = udp6(INNER, P "8005::77", P "6::2", 64, 100);
	from_v4("10.1.0.2", n);
	orig[7] = 63;
	check_encap(only(VIA_V4), "0.0.0.0", "10.2.0.2", orig, n);
	assert_int_equal(pkts(6, TUNNEL_OUT), 4);
	assert_int_equal(n_tun, 0);
}

static void p41_tunnel_to_internet(void **state)
{
	(void)state;
	size_t n = udp6(INNER, P "5::2", NET1, 64, 200);
	from_v4("10.1.0.2", n);
	const struct cap *c = only(VIA_TUN);
	assert_int_equal(c->gso, 0);
	assert_int_equal(c->len, n);
	orig[7] = 63;
	assert_memory_equal(c->p, orig, n);
	/* Multicast is not routed. */
	from_v4("10.1.0.2", udp6(INNER, P "5::2", "ff0e::1", 64, 10));
	nothing_out();
	from_v4("10.1.0.2", udp6(INNER, P "5::2", "ff02::1:ff00:1", 255, 10));
	nothing_out();
	/* From one of tunnel 5's subnets. */
	n = udp6(INNER, "2001:db8:3001:abcd::1", NET1, 255, 200);
	from_v4("10.1.0.2", n);
	c = only(VIA_TUN);
	orig[7] = 254;
	assert_memory_equal(c->p, orig, n);
}

static void p41_same_in_out(void **state)
{
	(void)state;
	static const char *const dsts[] = { P "5::2", P "8005::1", "2001:db8:3001::1" };
	for (size_t i = 0; i < 3; i++) {
		from_v4("10.1.0.2", udp6(INNER, P "5::2", dsts[i], 64, 10));
		nothing_out();
		assert_int_equal(err_count(5, TERR_SAME_IN_OUT), i + 1);
	}
	struct in6_addr s = err_src(5, TERR_SAME_IN_OUT);
	assert_memory_equal(&s, A(P "5::2"), 16);
}

static void p41_wrong_outer_source(void **state)
{
	(void)state;
	size_t n = udp6(INNER, P "5::2", NET1, 64, 30);
	from_v4("10.9.9.9", n);
	assert_int_equal(n_tun, 0);
	assert_int_equal(ncap, 1);
	uint8_t outer[IPV4_HDR + 200];
	memcpy(outer, PKT, IPV4_HDR + n); /* the engine may not change its input here */
	check_icmp4(&caps[0], 2, "10.9.9.9", outer, IPV4_HDR + n);
	assert_int_equal(err_count(5, TERR_WRONG_SRC4), 1);
	struct in6_addr s = err_src(5, TERR_WRONG_SRC4);
	assert_memory_equal(&s, A("::ffff:10.9.9.9"), 16);
	/* Nothing was learned from it. */
	struct tunnel_cfg t;
	tunnel_get(5, &t);
	assert_true(addr_is_zero(&t.ip_us));
	assert_int_equal(pkts(5, TUNNEL_IN), 0);
	/* Another tunnel's endpoint is just as wrong. */
	tick();
	from_v4("10.2.0.2", udp6(INNER, P "5::2", NET1, 64, 30));
	assert_int_equal(n_tun, 0);
	assert_int_equal(ncap, 1);
	assert_int_equal(caps[0].p[9], 1);
	assert_int_equal(err_count(5, TERR_WRONG_SRC4), 2);
}

static void p41_disabled_tunnel(void **state)
{
	(void)state;
	size_t n = udp6(INNER, P "7::2", NET1, 64, 30);
	from_v4("10.3.0.2", n);
	assert_int_equal(n_tun, 0);
	assert_int_equal(err_count(7, TERR_DISABLED), 1);
	/* Nothing forwarded: at most an ICMPv4 (3/13) back to the sender. */
	for (size_t i = 0; i < ncap && i < CAP_MAX; i++) {
		assert_int_equal(caps[i].via, VIA_V4);
		assert_int_equal(caps[i].p[9], 1);
	}
	assert_int_equal(ncap, 1);
	check_icmp4(&caps[0], 13, "10.3.0.2", PKT, IPV4_HDR + n);
	assert_int_equal(pkts(7, TUNNEL_IN), 0);
	/* To another tunnel neither. */
	tick();
	from_v4("10.3.0.2", udp6(INNER, P "7::2", P "5::2", 64, 30));
	assert_int_equal(n_tun, 0);
	for (size_t i = 0; i < ncap && i < CAP_MAX; i++)
		assert_int_equal(caps[i].p[9], 1);
	assert_int_equal(err_count(7, TERR_DISABLED), 2);
}

static void p41_unconfigured_tunnel(void **state)
{
	(void)state;
	/* tid 2 exists (below the highest) but was never configured; 0x30 is
	 * above the highest; NET1 is no tunnel at all. */
	static const char *const srcs[] = { P "2::2", P "30::2", P "8030::2", NET1,
					    "2001:db8:3099::1" };
	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		tick();
		size_t n = udp6(INNER, srcs[i], NET2, 64, 30);
		uint64_t g = global_total();
		from_v4("10.1.0.2", n);
		assert_int_equal(n_tun, 0);
		/* Counted once, daemon-wide (there is no tunnel to blame). */
		assert_int_equal(global_total(), g + 1);
		/* Only the ICMPv4 protocol unreachable, quoting what came. */
		assert_int_equal(ncap, 1);
		check_icmp4(&caps[0], 2, "10.1.0.2", PKT, IPV4_HDR + n);
	}
	assert_int_equal(pkts(5, TUNNEL_IN), 0);
}

static void p41_inner_source_policy(void **state)
{
	(void)state;
	size_t n = udp6(INNER, P "5::99", NET1, 64, 30);
	from_v4("10.1.0.2", n);
	assert_int_equal(err_count(5, TERR_WRONG_SRC6), 1);
	struct in6_addr s = err_src(5, TERR_WRONG_SRC6);
	assert_memory_equal(&s, A(P "5::99"), 16);
	/* Destination Unreachable 5 down tunnel 5 to the bad source. */
	const struct cap *c = only(VIA_V4);
	assert_memory_equal(c->p + 16, A4("10.1.0.2"), 4);
	size_t in;
	const uint8_t *e = inner_of(c, &in);
	check_icmp6(e, in, 1, 5, 0, P "5::1", orig, n);
	assert_memory_equal(e + 24, A(P "5::99"), 16);
}

static void p41_wrong_inner_source(void **state)
{
	(void)state;
	/* Another tunnel's address from tunnel 5's endpoint: the inner source
	 * names tunnel 6, whose endpoint is not 10.1.0.2. */
	from_v4("10.1.0.2", udp6(INNER, P "6::2", NET1, 64, 30));
	assert_int_equal(n_tun, 0);
	assert_int_equal(err_count(6, TERR_WRONG_SRC4), 1);
	/* Bogus inner sources never leave. */
	static const char *const srcs[] = { "fe80::1", "::", "ff02::1" };
	for (size_t i = 0; i < 3; i++) {
		tick();
		from_v4("10.1.0.2", udp6(INNER, srcs[i], NET1, 64, 30));
		assert_int_equal(n_tun, 0);
		for (size_t k = 0; k < ncap && k < CAP_MAX; k++)
			assert_int_equal(caps[k].p[9], 1);
	}
}

static void p41_learns_and_counts(void **state)
{
	(void)state;
	size_t n = udp6(INNER, P "5::2", NET1, 64, 123);
	from_v4("10.1.0.2", n);
	only(VIA_TUN);
	struct tunnel_cfg t;
	tunnel_get(5, &t);
	assert_int_equal(t.type, TUNNEL_T_DIRECT);
	assert_memory_equal(&t.ip_us, A("::ffff:" US4), 16);
	assert_int_equal(pkts(5, TUNNEL_IN), 1);
	assert_int_equal(octets(5, TUNNEL_IN), n);
	assert_int_equal(pkts(5, TUNNEL_OUT), 0);
	/* What `tunnel show` prints. */
	const char *r = run("tunnel show T5");
	assert_has_line(r, field("Outer Us", "%s", US4));
	assert_has_line(r, field("Outer Them", "%s", "10.1.0.2"));
	assert_has_line(r, field("Tunnel Type", "%s", "direct"));
	assert_has_line(r, field("Packets In  (Total)", "%d", 1));
	assert_has_line(r, field("Octets In  (Total)", "%zu", n));
	/* Now the outer source is our learned address; out counts the outer
	 * length. */
	size_t m = udp6(PKT, NET1, P "5::2", 64, 77);
	from_tun(m);
	check_encap(only(VIA_V4), US4, "10.1.0.2", orig, m);
	assert_int_equal(pkts(5, TUNNEL_OUT), 1);
	assert_int_equal(octets(5, TUNNEL_OUT), IPV4_HDR + m);
	r = run("tunnel show T5");
	assert_has_line(r, field("Packets Out (Total)", "%d", 1));
	assert_has_line(r, field("Octets Out (Total)", "%zu", IPV4_HDR + m));
	/* A packet from 5 into 6 counts in on 5 and out on 6. */
	n = udp6(INNER, P "5::2", P "6::2", 64, 10);
	from_v4("10.1.0.2", n);
	only(VIA_V4);
	assert_int_equal(pkts(5, TUNNEL_IN), 2);
	assert_int_equal(pkts(6, TUNNEL_OUT), 1);
	assert_int_equal(octets(6, TUNNEL_OUT), IPV4_HDR + n);
	assert_int_equal(pkts(6, TUNNEL_IN), 0);
	/* The learned address follows the latest packet. */
	n = udp6(INNER, P "5::2", NET1, 64, 10);
	memcpy(orig, INNER, n);
	size_t len = wrap4("10.1.0.2", "192.0.2.77", n);
	reset_caps();
	proto41_input(&ctx, PKT, len);
	tunnel_get(5, &t);
	assert_memory_equal(&t.ip_us, A("::ffff:192.0.2.77"), 16);
}

static void p41_hop_limit(void **state)
{
	(void)state;
	size_t n = udp6(INNER, P "5::2", NET1, 1, 30);
	from_v4("10.1.0.2", n);
	const struct cap *c = only(VIA_V4);
	assert_memory_equal(c->p + 16, A4("10.1.0.2"), 4);
	size_t in;
	const uint8_t *e = inner_of(c, &in);
	check_icmp6(e, in, 3, 0, 0, P "5::1", orig, n);
	/* Into tunnel 6, the error still comes from 5's end. */
	tick();
	n = udp6(INNER, P "5::2", P "6::2", 1, 30);
	from_v4("10.1.0.2", n);
	e = inner_of(only(VIA_V4), &in);
	assert_memory_equal(only(VIA_V4)->p + 16, A4("10.1.0.2"), 4);
	check_icmp6(e, in, 3, 0, 0, P "5::1", orig, n);
	/* 0: nothing. */
	tick();
	from_v4("10.1.0.2", udp6(INNER, P "5::2", NET1, 0, 30));
	nothing_out();
}

static void p41_errors_come_back_through_the_tunnel(void **state)
{
	(void)state;
	/* 5 -> disabled 7: 1/1 from P:5::1, into tunnel 5. */
	size_t n = udp6(INNER, P "5::2", P "7::2", 64, 30);
	from_v4("10.1.0.2", n);
	size_t in;
	const uint8_t *e = inner_of(only(VIA_V4), &in);
	assert_memory_equal(only(VIA_V4)->p + 16, A4("10.1.0.2"), 4);
	check_icmp6(e, in, 1, 1, 0, P "5::1", orig, n);
	/* 5 -> 6 too big: Packet Too Big 1280 from P:5::1, counted on 6. */
	tick();
	n = udp6(INNER, P "5::2", P "6::2", 64, 1400 - 48);
	from_v4("10.1.0.2", n);
	e = inner_of(only(VIA_V4), &in);
	assert_memory_equal(only(VIA_V4)->p + 16, A4("10.1.0.2"), 4);
	check_icmp6(e, in, 2, 0, 1280, P "5::1", orig, n);
	assert_int_equal(err_count(6, TERR_PKT_TOO_BIG), 1);
	/* 5 -> unassigned subnet: 1/3. */
	tick();
	n = udp6(INNER, P "5::2", "2001:db8:3099::1", 64, 30);
	from_v4("10.1.0.2", n);
	e = inner_of(only(VIA_V4), &in);
	check_icmp6(e, in, 1, 3, 0, P "5::1", orig, n);
}

static void p41_echo_answered_from_pinged_address(void **state)
{
	(void)state;
	/* §15.10 fixed: a ping from tunnel 5 to P:6::1 answers from P:6::1. */
	size_t n = echo6(INNER, P "5::2", P "6::1", 64, 0x4242, 3, 32);
	from_v4("10.1.0.2", n);
	const struct cap *c = only(VIA_V4);
	assert_memory_equal(c->p + 16, A4("10.1.0.2"), 4);
	size_t in;
	const uint8_t *r = inner_of(c, &in);
	assert_int_equal(in, n);
	assert_memory_equal(r + 8, A(P "6::1"), 16);
	assert_memory_equal(r + 24, A(P "5::2"), 16);
	assert_int_equal(r[7], 64);
	assert_int_equal(r[40], 129);
	assert_memory_equal(r + 44, orig + 44, 4 + 32);
	assert_true(ref_ok6(r, 40, n - 40, 58));
	/* And its own ::1. */
	tick();
	n = echo6(INNER, P "5::2", P "5::1", 64, 1, 4, 0);
	from_v4("10.1.0.2", n);
	r = inner_of(only(VIA_V4), &in);
	assert_memory_equal(r + 8, A(P "5::1"), 16);
	assert_int_equal(r[40], 129);
}

static void p41_full_size_echo_answered(void **state)
{
	(void)state;
	/* A ping as large as tunnel 5's MTU (1480 bytes) must be answered with
	 * the whole data (RFC 4443 §4.1/§4.2); it fits the tunnel both ways. */
	size_t n = echo6(INNER, P "5::2", P "5::1", 64, 7, 8, 1480 - 48);
	assert_int_equal(n, 1480);
	from_v4("10.1.0.2", n);
	const struct cap *c = only(VIA_V4);
	size_t in;
	const uint8_t *r = inner_of(c, &in);
	assert_int_equal(in, n);
	assert_int_equal(r[40], 129);
	assert_memory_equal(r + 44, orig + 44, n - 44);
	assert_true(ref_ok6(r, 40, n - 40, 58));
}

static void p41_rh0_from_tunnel(void **state)
{
	(void)state;
	size_t n = rh_udp(INNER, P "5::2", NET1, 64, 0);
	from_v4("10.1.0.2", n);
	size_t in;
	const uint8_t *e = inner_of(only(VIA_V4), &in);
	check_icmp6(e, in, 1, 1, 0, P "5::1", orig, n);
	assert_int_equal(tunnel_err_total(5), 1);
	assert_int_equal(n_tun, 0);
}

static void p41_send_errors(void **state)
{
	(void)state;
	/* The raw socket refuses: counted on the tunnel it was for. */
	v4_rc = -EMSGSIZE;
	from_v4("10.1.0.2", udp6(INNER, P "5::2", P "6::2", 64, 30));
	assert_int_equal(err_count(6, TERR_PKT_TOO_BIG), 1);
	assert_int_equal(pkts(6, TUNNEL_OUT), 0);
	v4_rc = -EIO;
	from_tun(udp6(PKT, NET1, P "6::2", 64, 30));
	assert_int_equal(err_count(6, TERR_SEND_ERROR), 1);
	assert_int_equal(pkts(6, TUNNEL_OUT), 0);
	v4_rc = 0;
	/* The tun refuses a packet from tunnel 5: counted on 5 and 1/1 back. */
	tun_rc = -EIO;
	size_t n = udp6(INNER, P "5::2", NET1, 64, 30);
	from_v4("10.1.0.2", n);
	assert_int_equal(err_count(5, TERR_SEND_ERROR), 1);
	assert_int_equal(n_tun, 1);
	assert_int_equal(n_v4, 1);
	size_t in;
	const uint8_t *e = inner_of(&caps[1], &in);
	orig[7] = 63; /* it was decremented before the write failed */
	check_icmp6(e, in, 1, 1, 0, P "5::1", orig, n);
	tun_rc = 0;
}

static void p41_malformed(void **state)
{
	(void)state;
	uint64_t g4 = fwd_global_errors(TERR_NON_IPV4);
	uint64_t g6 = fwd_global_errors(TERR_NON_IPV6);
	size_t n = udp6(INNER, P "5::2", NET1, 64, 30);
	size_t len = wrap4("10.1.0.2", US4, n);
	/* Truncated IPv4 header. */
	reset_caps();
	for (size_t l = 0; l < IPV4_HDR; l++)
		proto41_input(&ctx, PKT, l);
	nothing_out();
	assert_int_equal(fwd_global_errors(TERR_NON_IPV4), g4 + IPV4_HDR);
	/* IHL < 5. */
	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		wrap4("10.1.0.2", US4, n);
		PKT[0] = (uint8_t)(0x40 | ihl);
		proto41_input(&ctx, PKT, len);
	}
	nothing_out();
	assert_int_equal(fwd_global_errors(TERR_NON_IPV4), g4 + IPV4_HDR + 5);
	/* IHL beyond the packet (60 bytes of header in 40). */
	wrap4("10.1.0.2", US4, n);
	PKT[0] = 0x4f;
	proto41_input(&ctx, PKT, 40);
	nothing_out();
	assert_int_equal(fwd_global_errors(TERR_NON_IPV4), g4 + IPV4_HDR + 6);
	/* Total length beyond what arrived. */
	wrap4("10.1.0.2", US4, n);
	proto41_input(&ctx, PKT, len - 1);
	nothing_out();
	assert_int_equal(fwd_global_errors(TERR_NON_IPV4), g4 + IPV4_HDR + 7);
	/* Not version 4. */
	wrap4("10.1.0.2", US4, n);
	PKT[0] = 0x65;
	proto41_input(&ctx, PKT, len);
	nothing_out();
	assert_int_equal(fwd_global_errors(TERR_NON_IPV4), g4 + IPV4_HDR + 8);
	/* Inner shorter than 40, or not IPv6. */
	static const size_t shorts[] = { 1, 14, 27, 39 };
	for (size_t i = 0; i < 4; i++) {
		udp6(INNER, P "5::2", NET1, 64, 30);
		len = wrap4("10.1.0.2", US4, shorts[i]);
		proto41_input(&ctx, PKT, len);
	}
	udp6(INNER, P "5::2", NET1, 64, 30);
	INNER[0] = 0x45;
	proto41_input(&ctx, PKT, wrap4("10.1.0.2", US4, n));
	nothing_out();
	assert_int_equal(fwd_global_errors(TERR_NON_IPV6), g6 + 5);
	/* Inner payload length larger than what arrived. */
	n = udp6(INNER, P "5::2", NET1, 64, 30);
	put16(INNER + 4, (uint16_t)(n - IPV6_HDR + 1));
	from_v4("10.1.0.2", n);
	nothing_out();
	assert_int_equal(err_count(5, TERR_WRONG_PAYLOAD), 1);
	/* No tunnel state was harmed, nothing counted on other tunnels. */
	assert_int_equal(tunnel_err_total(6), 0);
}

static void p41_64k_datagram(void **state)
{
	(void)state;
	/* The largest IPv4 datagram: 65535 bytes, inner 65515. */
	size_t n = udp6(INNER, P "5::2", P "6::2", 64, FWD_MAX_PKT - IPV4_HDR - 48);
	assert_int_equal(IPV4_HDR + n, FWD_MAX_PKT);
	from_v4("10.1.0.2", n);
	/* Too big for tunnel 6: Packet Too Big back into 5, counted on 6. */
	size_t in;
	const uint8_t *e = inner_of(only(VIA_V4), &in);
	check_icmp6(e, in, 2, 0, 1280, P "5::1", orig, n);
	assert_int_equal(err_count(6, TERR_PKT_TOO_BIG), 1);
	/* With a payload length beyond it: Wrong Payload. */
	tick();
	n = udp6(INNER, P "5::2", P "6::2", 64, FWD_MAX_PKT - IPV4_HDR - 48);
	put16(INNER + 4, 0xffff);
	from_v4("10.1.0.2", n);
	nothing_out();
	assert_int_equal(err_count(5, TERR_WRONG_PAYLOAD), 1);
	/* Received length longer than the datagram's total length. */
	tick();
	n = udp6(INNER, P "5::2", NET1, 64, 1000);
	size_t len = wrap4("10.1.0.2", US4, n);
	memset(PKT + len, 0, 65536 - len);
	memcpy(orig, INNER, n);
	reset_caps();
	proto41_input(&ctx, PKT, 65536);
	orig[7] = 63;
	assert_int_equal(only(VIA_TUN)->len, n);
	assert_memory_equal(only(VIA_TUN)->p, orig, n);
}

static void p41_other_outer_protocol_counted(void **state)
{
	(void)state;
	/* The raw socket guarantees protocol 41; a mismatch is still an event
	 * worth counting (dataplane §5.1 step 1: "counted against UPLINK"). */
	uint64_t before = global_total();
	size_t n = udp6(INNER, P "5::2", NET1, 64, 30);
	size_t len = wrap4("10.1.0.2", US4, n);
	PKT[9] = 4;
	PKT[10] = PKT[11] = 0;
	put16(PKT + 10, (uint16_t)~ref_sum(0, PKT, IPV4_HDR));
	reset_caps();
	proto41_input(&ctx, PKT, len);
	nothing_out();
	assert_int_equal(global_total() - before + tunnel_err_total(5), 1);
}

/* ==== ICMP rate limits =================================================================== */

static void icmp_rate_limit_per_tunnel(void **state)
{
	(void)state;
	uint64_t sup = fwd_icmp_suppressed();
	size_t n = udp6(INNER, P "5::2", NET1, 1, 30);
	memcpy(orig, INNER, n);
	size_t len = wrap4("10.1.0.2", US4, n);
	reset_caps();
	for (int i = 0; i < 1000; i++) {
		INNER[7] = 1;
		proto41_input(&ctx, PKT, len);
	}
	assert_int_equal(n_tun, 0);
	assert_true(n_v4 >= FWD_ICMP_TUNNEL_BURST);
	assert_true(n_v4 <= FWD_ICMP_TUNNEL_BURST + 1);
	assert_int_equal(fwd_icmp_suppressed() - sup, 1000 - n_v4);
	/* They are the Time Exceeded messages. */
	size_t in;
	const uint8_t *e = inner_of(&caps[0], &in);
	check_icmp6(e, in, 3, 0, 0, P "5::1", orig, n);
	/* A second later some more get through. */
	tick();
	reset_caps();
	sup = fwd_icmp_suppressed();
	for (int i = 0; i < 1000; i++) {
		INNER[7] = 1;
		proto41_input(&ctx, PKT, len);
	}
	assert_true(n_v4 >= 1);
	assert_true(n_v4 <= FWD_ICMP_TUNNEL_BURST + 1);
	assert_int_equal(fwd_icmp_suppressed() - sup, 1000 - n_v4);
	/* Traffic that draws no error is not limited. */
	reset_caps();
	for (int i = 0; i < 100; i++) {
		udp6(INNER, P "5::2", NET1, 64, 30);
		proto41_input(&ctx, PKT, len);
	}
	assert_int_equal(n_tun, 100);
}

static void icmp_rate_limit_global(void **state)
{
	(void)state;
	uint64_t sup = fwd_icmp_suppressed();
	size_t len = udp6(PKT, NET1, "2001:db8:3099::1", 64, 30);
	memcpy(orig, PKT, len);
	reset_caps();
	for (int i = 0; i < 1000; i++)
		fwd_from_tun(&ctx, PKT, len);
	assert_true(n_tun >= FWD_ICMP_BURST);
	assert_true(n_tun <= FWD_ICMP_BURST + 1);
	assert_int_equal(fwd_icmp_suppressed() - sup, 1000 - n_tun);
	check_icmp6(caps[0].p, caps[0].len, 1, 3, 0, P "ffff::1", orig, len);
	tick();
	reset_caps();
	for (int i = 0; i < 1000; i++)
		fwd_from_tun(&ctx, PKT, len);
	assert_true(n_tun >= 1);
	assert_true(n_tun <= FWD_ICMP_BURST + 1);
}

static void icmp_flood_from_one_tunnel_spares_others(void **state)
{
	(void)state;
	/* Tunnel 5 floods with hop limit 1 (it gets its burst of Time
	 * Exceeded, the rest is suppressed). */
	size_t n = udp6(INNER, P "5::2", NET1, 1, 30);
	size_t len = wrap4("10.1.0.2", US4, n);
	reset_caps();
	for (int i = 0; i < 1000; i++) {
		INNER[7] = 1;
		proto41_input(&ctx, PKT, len);
	}
	assert_true(n_v4 <= FWD_ICMP_TUNNEL_BURST + 1);
	/* In the same millisecond, a host on the Internet sends a packet too
	 * big for tunnel 6, which has drawn no error yet: its Packet Too Big
	 * must still be sent, or one client can switch off path MTU discovery
	 * for every other tunnel of the PoP. */
	uint64_t sup = fwd_icmp_suppressed();
	len = udp6(PKT, NET1, P "6::2", 64, 1400 - 48);
	from_tun(len);
	if (ncap == 0)
		fail_msg("no Packet Too Big for tunnel 6 (suppressed by the limiter: %llu)",
			 (unsigned long long)(fwd_icmp_suppressed() - sup));
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 2, 0, 1280, P "6::1", orig, len);
}

/* Last: it moves the clock where earlier buckets would be confused. */
static void icmp_rate_limit_after_24_days_uptime(void **state)
{
	(void)state;
	/* The engine's clock is CLOCK_MONOTONIC in ms: 2^31 ms is 24.9 days of
	 * host uptime. A tunnel that never drew an error must get one. */
	RUN_OK("tunnel set config 20 T20 10.20.0.2 up 1280");
	ctx.now_ms = (1ull << 31) + 5000;
	uint64_t sup = fwd_icmp_suppressed();
	size_t len = udp6(PKT, NET1, P "20::2", 64, 1400 - 48);
	from_tun(len);
	if (ncap == 0)
		fail_msg("no Packet Too Big for tunnel 0x20 at now_ms 2^31 + 5000 (suppressed by the "
			 "limiter: %llu)",
			 (unsigned long long)(fwd_icmp_suppressed() - sup));
	check_icmp6(only(VIA_TUN)->p, only(VIA_TUN)->len, 2, 0, 1280, P "20::1", orig, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(tun_echo_to_tunnel_address, setup),
		cmocka_unit_test_setup(tun_echo_to_daemon_address, setup),
		cmocka_unit_test_setup(tun_udp_to_local_is_port_unreachable, setup),
		cmocka_unit_test_setup(tun_to_tunnel_is_encapsulated, setup),
		cmocka_unit_test_setup(tun_empty_payload_is_forwarded, setup),
		cmocka_unit_test_setup(tun_to_disabled_tunnel, setup),
		cmocka_unit_test_setup(tun_to_down_tunnel, setup),
		cmocka_unit_test_setup(tun_to_no_tunnel_is_address_unreachable, setup),
		cmocka_unit_test_setup(tun_to_other_address_in_tunnel_64, setup),
		cmocka_unit_test_setup(tun_hop_limit, setup),
		cmocka_unit_test_setup(tun_packet_too_big, setup),
		cmocka_unit_test_setup(tun_icmp_error_size_limit, setup),
		cmocka_unit_test_setup(tun_source_inside_our_prefixes, setup),
		cmocka_unit_test_setup(tun_bogus_sources_dropped, setup),
		cmocka_unit_test_setup(tun_rh0_in_transit, setup),
		cmocka_unit_test_setup(tun_parameter_problem_in_transit, setup),
		cmocka_unit_test_setup(hop_limit_zero_alike_whatever_follows, setup),
		cmocka_unit_test_setup(no_error_about_icmp_errors, setup),
		cmocka_unit_test_setup(tun_outside_our_prefixes_not_looped, setup),
		cmocka_unit_test_setup(tun_length_checks, setup),
		cmocka_unit_test_setup(p41_tunnel_to_tunnel, setup),
		cmocka_unit_test_setup(p41_tunnel_to_internet, setup),
		cmocka_unit_test_setup(p41_same_in_out, setup),
		cmocka_unit_test_setup(p41_wrong_outer_source, setup),
		cmocka_unit_test_setup(p41_disabled_tunnel, setup),
		cmocka_unit_test_setup(p41_unconfigured_tunnel, setup),
		cmocka_unit_test_setup(p41_inner_source_policy, setup),
		cmocka_unit_test_setup(p41_wrong_inner_source, setup),
		cmocka_unit_test_setup(p41_learns_and_counts, setup),
		cmocka_unit_test_setup(p41_hop_limit, setup),
		cmocka_unit_test_setup(p41_errors_come_back_through_the_tunnel, setup),
		cmocka_unit_test_setup(p41_echo_answered_from_pinged_address, setup),
		cmocka_unit_test_setup(p41_full_size_echo_answered, setup),
		cmocka_unit_test_setup(p41_rh0_from_tunnel, setup),
		cmocka_unit_test_setup(p41_send_errors, setup),
		cmocka_unit_test_setup(p41_malformed, setup),
		cmocka_unit_test_setup(p41_64k_datagram, setup),
		cmocka_unit_test_setup(p41_other_outer_protocol_counted, setup),
		cmocka_unit_test_setup(icmp_rate_limit_per_tunnel, setup),
		cmocka_unit_test_setup(icmp_rate_limit_global, setup),
		cmocka_unit_test_setup(icmp_flood_from_one_tunnel_spares_others, setup),
		cmocka_unit_test_setup(icmp_rate_limit_after_24_days_uptime, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
