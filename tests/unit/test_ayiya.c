/* The AYIYA (§8.9) and heartbeat (§7.3) test vectors through the daemon's
 * own functions, and the acceptance rules of ayiya_input / hb_input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "ayiya.h"
#include "cmd.h"
#include "conf.h"
#include "fwd.h"
#include "hb.h"
#include "subnet.h"
#include "tunnel.h"

static const char PW[] = "0123456789abcdef0123456789abcdef";

static void hex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		while (*s == ' ' || *s == '\n')
			s++;
		sscanf(s, "%2x", &v);
		out[i] = (uint8_t)v;
		s += 2;
	}
}

/* §8.9 client keepalive, 44 bytes. */
static const char KEEPALIVE[] = "41 52 10 3b 65 53 f1 00 20 01 0d b8 12 34 00 2a"
				"00 00 00 00 00 00 00 02 e0 80 2b 85 dd 40 14 c2"
				"0c 1d 03 52 96 ed 8b e1 6a 92 30 58";
/* §8.9 server forward of a 40-byte IPv6 packet, 84 bytes. */
static const char FORWARD[] = "41 52 11 29 65 53 f1 00 20 01 0d b8 12 34 00 2a"
			      "00 00 00 00 00 00 00 01 54 db e0 85 8f be 25 8e"
			      "58 ec 0b 7b 8e 87 95 ae 7a 11 bc 08 60 00 00 00"
			      "00 00 3b 40 20 01 0d b8 12 34 00 2a 00 00 00 00"
			      "00 00 00 01 20 01 0d b8 12 34 00 2a 00 00 00 00"
			      "00 00 00 02";

struct cap {
	int n;
	uint8_t last[2048];
	size_t len;
	uint16_t port;
};
static struct cap cap;

static int to_tun(struct fwd_ctx *c, uint8_t *p, size_t n, uint16_t g)
{
	(void)c, (void)g;
	cap.n++;
	memcpy(cap.last, p, n < sizeof(cap.last) ? n : sizeof(cap.last));
	cap.len = n;
	return 0;
}

static int to_ipv4(struct fwd_ctx *c, uint8_t *p, size_t n)
{
	return to_tun(c, p, n, 0);
}

static int to_udp(struct fwd_ctx *c, const struct in6_addr *l, uint16_t pu, const struct in6_addr *r,
		  uint16_t port, const uint8_t *d, size_t n)
{
	(void)l, (void)pu, (void)r;
	cap.port = port;
	return to_tun(c, (uint8_t *)d, n, 0);
}

static const struct fwd_io io = { .to_tun = to_tun, .to_ipv4 = to_ipv4, .to_udp = to_udp };
static struct fwd_ctx ctx;
static uint8_t buf[FWD_HEADROOM + 4096];

static void run(const char *line)
{
	static char text[65536];
	struct cmd_sess s;
	struct out o;
	cmd_sess_init(&s, 0, NULL);
	out_init(&o, text, sizeof(text));
	assert_int_equal(cmd_exec(&s, line, &o), 200);
}

static int setup(void **state)
{
	(void)state;
	conf_init();
	tunnel_init();
	subnet_init();
	run("pop tunnelprefix add 2001:db8:1234::/48");
	run("tunnel set config 2a T42 ayiya up 1428 0123456789abcdef0123456789abcdef");
	run("tunnel set config 2b T43 heartbeat up 1480 0123456789abcdef0123456789abcdef");
	run("tunnel set config 2c T44 10.0.0.9 up 1480 0123456789abcdef0123456789abcdef");
	fwd_ctx_init(&ctx, &io, NULL);
	ctx.now = 1700000000;
	memset(&cap, 0, sizeof(cap));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fwd_ctx_free(&ctx);
	return 0;
}

static void key_is_sha1_of_password(void **state)
{
	(void)state;
	struct tunnel_cfg t;
	uint8_t want[20];
	tunnel_get(0x2a, &t);
	hex("b1775a785f09a6ebaf2dc33d6eaeb98974d9cdb8", want, 20);
	assert_memory_equal(t.ayiya_sha1, want, 20);
}

static void vectors_sign(void **state)
{
	(void)state;
	uint8_t k[44], f[84], key[20], sig[20];
	hex(KEEPALIVE, k, 44);
	hex(FORWARD, f, 84);
	hex("b1775a785f09a6ebaf2dc33d6eaeb98974d9cdb8", key, 20);
	ayiya_signature(ctx.md, key, k, NULL, 0, sig);
	assert_memory_equal(sig, k + 24, 20);
	ayiya_signature(ctx.md, key, f, f + 44, 40, sig);
	assert_memory_equal(sig, f + 24, 20);
}

static void vector_forward_is_what_we_send(void **state)
{
	(void)state;
	uint8_t f[84];
	hex(FORWARD, f, 84);
	/* Learn the endpoint with the client's keepalive, then send the same
	 * 40-byte packet into the tunnel: the datagram is the vector. */
	uint8_t *d = buf + FWD_HEADROOM;
	hex(KEEPALIVE, d, 44);
	struct in6_addr them, us;
	inet_pton(AF_INET6, "::ffff:192.0.2.7", &them);
	inet_pton(AF_INET6, "::ffff:192.0.2.1", &us);
	ayiya_input(&ctx, d, 44, &them, 40000, &us, 5072);
	struct tunnel_cfg t;
	tunnel_get(0x2a, &t);
	assert_int_equal(t.state, TUNNEL_S_UP);
	assert_int_equal(t.type, TUNNEL_T_AYIYA);
	assert_int_equal(t.port_them, 40000);
	/* The vector's packet is one of our own (P:2a::1 → P:2a::2). */
	memcpy(d, f + 44, 40);
	tunnel_get(0x2a, &t);
	assert_int_equal(ayiya_output(&ctx, 0x2a, &t, d, 40), 0);
	assert_int_equal(cap.n, 1);
	assert_int_equal(cap.len, 84);
	assert_int_equal(cap.port, 40000);
	assert_memory_equal(cap.last, f, 84);
}

static void verify_rules(void **state)
{
	(void)state;
	uint8_t *d = buf + FWD_HEADROOM;
	struct in6_addr them, us;
	inet_pton(AF_INET6, "::ffff:192.0.2.7", &them);
	inet_pton(AF_INET6, "::ffff:192.0.2.1", &us);
	struct tunnel_errrec r;
	/* A flipped bit in the signature. */
	hex(KEEPALIVE, d, 44);
	d[30] ^= 1;
	ayiya_input(&ctx, d, 44, &them, 40000, &us, 5072);
	tunnel_err_get(0x2a, TERR_AYIYA_HASH, &r, NULL);
	assert_int_equal(r.count, 1);
	/* 121 s off either way. */
	for (int off = -121; off <= 121; off += 242) {
		ctx.now = 1700000000 + off;
		hex(KEEPALIVE, d, 44);
		ayiya_input(&ctx, d, 44, &them, 40000, &us, 5072);
	}
	tunnel_err_get(0x2a, TERR_CLOCK_OFF, &r, NULL);
	assert_int_equal(r.count, 2);
	/* 120 s is fine; the same datagram again is a replay. */
	ctx.now = 1700000000 + 120;
	hex(KEEPALIVE, d, 44);
	ayiya_input(&ctx, d, 44, &them, 40000, &us, 5072);
	hex(KEEPALIVE, d, 44);
	ayiya_input(&ctx, d, 44, &them, 40000, &us, 5072);
	tunnel_err_get(0x2a, TERR_REPLAY, &r, NULL);
	assert_int_equal(r.count, 1);
	/* Shorter than the header: counted, never read beyond. */
	ayiya_input(&ctx, d, 43, &them, 40000, &us, 5072);
	assert_int_equal(fwd_global_errors(TERR_AYIYA_INVALID_FWD) > 0, 1);
}

static void heartbeat_vector(void **state)
{
	(void)state;
	char hexd[33];
	hb_digest(ctx.md, "2001:db8:1234:2a::2", "sender", 1700000000, PW, hexd);
	assert_string_equal(hexd, "aa6ec74bb0e1d6b722fe53b014c4dd5a");
}

static void heartbeat_accepted_and_refused(void **state)
{
	(void)state;
	struct in6_addr them, us, other;
	inet_pton(AF_INET6, "::ffff:192.0.2.8", &them);
	inet_pton(AF_INET6, "::ffff:192.0.2.1", &us);
	inet_pton(AF_INET6, "::ffff:192.0.2.99", &other);
	char d[256], hexd[33];
	hb_digest(ctx.md, "2001:db8:1234:2b::2", "sender", 1700000000, PW, hexd);
	int n = snprintf(d, sizeof(d), "HEARTBEAT TUNNEL 2001:db8:1234:2b::2 sender 1700000000 %s\r\n", hexd);
	hb_input(&ctx, (uint8_t *)d, (size_t)n, &them, &us);
	struct tunnel_cfg t;
	tunnel_get(0x2b, &t);
	assert_int_equal(t.state, TUNNEL_S_UP);
	assert_int_equal(t.type, TUNNEL_T_DIRECT); /* proto-41 from its first beat */
	assert_memory_equal(&t.ip_them, &them, 16);
	assert_memory_equal(&t.ip_us, &us, 16);
	/* The same beat from elsewhere: a replay, the endpoint stays. */
	hb_input(&ctx, (uint8_t *)d, (size_t)n, &other, &us);
	tunnel_get(0x2b, &t);
	assert_memory_equal(&t.ip_them, &them, 16);
	struct tunnel_errrec r;
	tunnel_err_get(0x2b, TERR_REPLAY, &r, NULL);
	assert_int_equal(r.count, 1);
	/* A fresh beat from elsewhere with the same epoch: not newer, refused. */
	hb_digest(ctx.md, "2001:db8:1234:2b::2", "192.0.2.99", 1700000000, PW, hexd);
	n = snprintf(d, sizeof(d), "HEARTBEAT TUNNEL 2001:db8:1234:2b::2 192.0.2.99 1700000000 %s", hexd);
	hb_input(&ctx, (uint8_t *)d, (size_t)n, &other, &us);
	tunnel_err_get(0x2b, TERR_MOVE_REFUSED, &r, NULL);
	assert_int_equal(r.count, 1);
	/* One second newer: the endpoint moves (a NAT rebinding). */
	ctx.now++;
	hb_digest(ctx.md, "2001:db8:1234:2b::2", "192.0.2.99", 1700000001, PW, hexd);
	n = snprintf(d, sizeof(d), "HEARTBEAT TUNNEL 2001:db8:1234:2b::2 192.0.2.99 1700000001 %s", hexd);
	hb_input(&ctx, (uint8_t *)d, (size_t)n, &other, &us);
	tunnel_get(0x2b, &t);
	assert_memory_equal(&t.ip_them, &other, 16);
	/* Upper-case digest, garbage after it, wrong sender, static tunnel. */
	static const struct {
		const char *fmt;
		unsigned err;
		uint32_t tid;
	} bad[] = {
		{ "HEARTBEAT TUNNEL 2001:db8:1234:2b::2 sender 1700000001 %s x", TERR_HB_HASH, 0x2b },
		{ "HEARTBEAT TUNNEL 2001:db8:1234:2b::2 10.1.1.1 1700000001 %s", TERR_HB_SENDER_MISMATCH, 0x2b },
		{ "HEARTBEAT TUNNEL 2001:db8:1234:2c::2 sender 1700000001 %s", TERR_HB_NON_HB, 0x2c },
		/* Each field must be followed by a space (§7.4 steps 7 and 9). */
		{ "HEARTBEAT TUNNEL 2001:db8:1234:2b::2 sender 1700000001", TERR_HB_NO_TIME, 0x2b },
		{ "HEARTBEAT TUNNEL 2001:db8:1234:2b::2 sender", TERR_HB_NO_SENDER, 0x2b },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tunnel_err_get(bad[i].tid, bad[i].err, &r, NULL);
		uint32_t before = r.count;
		n = snprintf(d, sizeof(d), bad[i].fmt, hexd);
		hb_input(&ctx, (uint8_t *)d, (size_t)n, &other, &us);
		tunnel_err_get(bad[i].tid, bad[i].err, &r, NULL);
		assert_int_equal(r.count, before + 1);
	}
	/* An empty datagram and a 256-byte one: counted, nothing read. */
	uint64_t g = fwd_global_errors(TERR_WRONG_PAYLOAD);
	hb_input(&ctx, (const uint8_t *)"", 0, &other, &us);
	memset(d, 'x', sizeof(d));
	hb_input(&ctx, (uint8_t *)d, 256, &other, &us);
	assert_int_equal(fwd_global_errors(TERR_WRONG_PAYLOAD), g + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(key_is_sha1_of_password, setup, teardown),
		cmocka_unit_test_setup_teardown(vectors_sign, setup, teardown),
		cmocka_unit_test_setup_teardown(vector_forward_is_what_we_send, setup, teardown),
		cmocka_unit_test_setup_teardown(verify_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(heartbeat_vector, setup, teardown),
		cmocka_unit_test_setup_teardown(heartbeat_accepted_and_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
