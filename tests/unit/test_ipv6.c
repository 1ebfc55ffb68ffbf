/* ipv6: RFC 1071 checksums and the extension-header walk (dataplane §10,
 * §14, §15.3, §15.12 recommended behaviour; include/ipv6.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ipv6.h"

/* ---- an independent RFC 1071 implementation ------------------------------- */

/* 16-bit one's-complement additions with the end-around carry applied after
 * every word (the engine sums into a wide register and folds at the end). */
static uint16_t ref_sum(uint16_t acc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 2) {
		uint16_t w = (uint16_t)((p[i] << 8) | (i + 1 < n ? p[i + 1] : 0));
		uint32_t s = (uint32_t)acc + w;
		acc = (uint16_t)((s & 0xffff) + (s >> 16));
	}
	return acc;
}

static uint16_t ref_csum(const uint8_t *p, size_t n)
{
	return (uint16_t)~ref_sum(0, p, n);
}

/* A deterministic byte stream (xorshift32). */
static void fill_random(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed ? seed : 1;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)(x >> 11);
	}
}

/* ---- csum_add / csum_fold -------------------------------------------------- */

static void csum_rfc1071_example(void **state)
{
	(void)state;
	/* RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to 2ddf0, folds to ddf2. */
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	assert_int_equal(csum_add(0, v, sizeof(v)), 0x2ddf0);
	assert_int_equal(csum_fold(0x2ddf0), (uint16_t)~0xddf2);
	assert_int_equal(csum_fold(csum_add(0, v, sizeof(v))), 0x220d);
	assert_int_equal(ref_csum(v, sizeof(v)), 0x220d);
	/* A running sum continues where it left off. */
	assert_int_equal(csum_add(csum_add(0, v, 4), v + 4, 4), 0x2ddf0);
	assert_int_equal(csum_add(0x2ddf0, v, 0), 0x2ddf0);
}

static void csum_odd_lengths(void **state)
{
	(void)state;
	static const uint8_t one[] = { 0xab };
	static const uint8_t three[] = { 0x01, 0x02, 0x03 };
	static const uint8_t five[] = { 0xff, 0xff, 0xff, 0xff, 0x80 };
	/* The last odd byte is the high half of a word padded with zero. */
	assert_int_equal(csum_add(0, one, 1), 0xab00);
	assert_int_equal(csum_add(0, three, 3), 0x0402);
	assert_int_equal(csum_fold(csum_add(0, three, 3)), 0xfbfd);
	assert_int_equal(csum_fold(csum_add(0, five, 5)), ref_csum(five, 5));
	assert_int_equal(csum_fold(csum_add(0, five, 5)), (uint16_t)~0x8000);
	/* Even prefix + odd tail equals one call. */
	uint8_t buf[1001];
	fill_random(buf, sizeof(buf), 7);
	for (size_t n = 0; n <= sizeof(buf); n += 37) {
		uint32_t a = csum_add(0, buf, n);
		assert_int_equal(csum_fold(a), ref_csum(buf, n));
		size_t half = (n / 2) & ~(size_t)1;
		assert_int_equal(csum_fold(csum_add(csum_add(0, buf, half), buf + half, n - half)),
				 ref_csum(buf, n));
	}
}

static void csum_fold_needs_more_than_one_pass(void **state)
{
	(void)state;
	/* 0x1ffff: ffff + 1 = 10000 carries again -> 0001 -> ~ = fffe. A fold
	 * that adds the carry once (dataplane §15.3) gives ffff. */
	assert_int_equal(csum_fold(0x1ffff), 0xfffe);
	/* ffffffff: ffff + ffff = 1fffe -> fffe + 1 = ffff -> 0000. */
	assert_int_equal(csum_fold(0xffffffffu), 0x0000);
	/* fffeffff: ffff + fffe = 1fffd -> fffd + 1 = fffe -> 0001. */
	assert_int_equal(csum_fold(0xfffeffffu), 0x0001);
	assert_int_equal(csum_fold(0x0001fffe), 0x0000);
	assert_int_equal(csum_fold(0), 0xffff);
	assert_int_equal(csum_fold(0xffff), 0x0000);
	assert_int_equal(csum_fold(0x12345678), (uint16_t)~(0x5678 + 0x1234));
	/* Two words that carry into the 17th bit, then a word that makes the
	 * first fold carry again. */
	static const uint8_t v[] = { 0xff, 0xff, 0xff, 0xff, 0x00, 0x01 };
	assert_int_equal(csum_add(0, v, 4), 0x1fffe);
	assert_int_equal(csum_fold(csum_add(0, v, 6)), ref_csum(v, 6));
	assert_int_equal(csum_fold(csum_add(0, v, 6)), 0xfffe);
}

static void csum_sum_beyond_32_bits(void **state)
{
	(void)state;
	/* 131,073 words of ffff sum past 2^32 in a wide register. */
	size_t n = 262146;
	uint8_t *ff = malloc(n);
	assert_non_null(ff);
	memset(ff, 0xff, n);
	assert_int_equal(csum_fold(csum_add(0, ff, n)), 0x0000);
	assert_int_equal(csum_fold(csum_add(0, ff, n)), ref_csum(ff, n));
	/* Carry out of a running 32-bit sum. */
	assert_int_equal(csum_fold(csum_add(0xffffffffu, ff, 2)), 0x0000);
	assert_int_equal(csum_fold(csum_add(0xfffffffeu, ff, 2)), 0x0001);
	/* Random data of odd and even large sizes. */
	for (uint32_t seed = 1; seed <= 20; seed++) {
		size_t len = 200000 + seed * 3;
		uint8_t *r = malloc(len);
		assert_non_null(r);
		fill_random(r, len, seed);
		assert_int_equal(csum_fold(csum_add(0, r, len)), ref_csum(r, len));
		free(r);
	}
	free(ff);
}

static void csum_random_small(void **state)
{
	(void)state;
	/* Many short buffers: a fold-once bug shows up in about 0.3 % of them. */
	uint8_t b[64];
	unsigned mismatches = 0;
	for (uint32_t seed = 1; seed <= 20000; seed++) {
		fill_random(b, sizeof(b), seed * 2654435761u);
		size_t n = seed % sizeof(b) + 1;
		/* Bias towards large words so the sums carry a lot. */
		for (size_t i = 0; i < n; i += 3)
			b[i] |= 0xf0;
		if (csum_fold(csum_add(0, b, n)) != ref_csum(b, n))
			mismatches++;
	}
	assert_int_equal(mismatches, 0);
}

static void csum_pseudo_header(void **state)
{
	(void)state;
	uint8_t src[16], dst[16];
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:2ff:5::2", src), 1);
	assert_int_equal(inet_pton(AF_INET6, "fe80::ffff:ffff:ffff:ffff", dst), 1);
	/* RFC 8200 §8.1: src, dst, 32-bit length, three zero bytes, next header. */
	uint32_t lens[] = { 0, 8, 1232, 0xffff, 0x12345 };
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t ph[40];
		memcpy(ph, src, 16);
		memcpy(ph + 16, dst, 16);
		ph[32] = (uint8_t)(lens[i] >> 24);
		ph[33] = (uint8_t)(lens[i] >> 16);
		ph[34] = (uint8_t)(lens[i] >> 8);
		ph[35] = (uint8_t)lens[i];
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = 58;
		assert_int_equal(csum_fold(csum_pseudo6(src, dst, lens[i], 58)), ref_csum(ph, 40));
		ph[39] = 6;
		assert_int_equal(csum_fold(csum_pseudo6(src, dst, lens[i], 6)), ref_csum(ph, 40));
	}
}

/* ---- ipv6_walk -------------------------------------------------------------- */

static uint8_t pkt[2048];

/* A fixed header; the payload (plen bytes) is zeroed. */
static size_t hdr(uint8_t nh, uint8_t hop, size_t plen)
{
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	pkt[4] = (uint8_t)(plen >> 8);
	pkt[5] = (uint8_t)plen;
	pkt[6] = nh;
	pkt[7] = hop;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:ffff::1", pkt + 8), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:2ff:5::1", pkt + 24), 1);
	return IPV6_HDR + plen;
}

/* An extension header at off: next header, length byte; the rest padding
 * (PadN for option headers, so that they parse). Returns its size. */
static size_t ext(size_t off, uint8_t kind, uint8_t nh, uint8_t lenbyte)
{
	size_t n = kind == 51 ? ((size_t)lenbyte + 2) * 4 : ((size_t)lenbyte + 1) * 8;
	memset(pkt + off, 0, n);
	pkt[off] = nh;
	pkt[off + 1] = lenbyte;
	if (kind == 0 || kind == 60) {
		pkt[off + 2] = 1; /* PadN covering the rest */
		pkt[off + 3] = (uint8_t)(n - 4);
	}
	if (kind == 43)
		pkt[off + 2] = 2; /* routing type 2 unless the test says otherwise */
	return n;
}

static void walk_plain(void **state)
{
	(void)state;
	struct ipv6_walk w;
	size_t len = hdr(17, 64, 100);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
	assert_int_equal(w.proto, 17);
	assert_int_equal(w.off, 40);
	assert_int_equal(w.len, 100);
	assert_false(w.rh0);
	assert_false(w.fragment);
	/* Bytes after the payload length are not part of the packet. */
	assert_int_equal(ipv6_walk(pkt, len + 60, &w), IPV6_OK);
	assert_int_equal(w.len, 100);
	/* ICMPv6 and no-next-header too. */
	len = hdr(58, 1, 8);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
	assert_int_equal(w.proto, 58);
	assert_int_equal(w.len, 8);
	len = hdr(59, 255, 1);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
	assert_int_equal(w.proto, 59);
	assert_int_equal(w.off, 40);
	assert_int_equal(w.len, 1);
}

static void walk_each_extension_kind(void **state)
{
	(void)state;
	/* Each kind alone in front of UDP, with a length byte of 1 (16 bytes,
	 * AH 12 bytes). */
	static const uint8_t kinds[] = { 0, 43, 51, 60, 135, 139, 140 };
	for (size_t i = 0; i < sizeof(kinds); i++) {
		struct ipv6_walk w;
		size_t n = kinds[i] == 51 ? 12 : 16;
		size_t len = hdr(kinds[i], 64, n + 20);
		assert_int_equal(ext(40, kinds[i], 17, 1), n);
		int rc = ipv6_walk(pkt, len, &w);
		if (rc != IPV6_OK)
			fail_msg("next header %u: rc %d", kinds[i], rc);
		assert_int_equal(w.proto, 17);
		assert_int_equal(w.off, 40 + n);
		assert_int_equal(w.len, 20);
		assert_false(w.fragment);
		assert_false(w.rh0);
	}
	/* All of them chained: HbH, DO, RH2, AH, mobility, HIP, shim6, DO, TCP. */
	struct ipv6_walk w;
	size_t off = 40;
	hdr(0, 64, 0);
	off += ext(off, 0, 60, 0);
	off += ext(off, 60, 43, 1);
	off += ext(off, 43, 51, 2);
	off += ext(off, 51, 135, 4);
	off += ext(off, 135, 139, 0);
	off += ext(off, 139, 140, 3);
	off += ext(off, 140, 60, 0);
	off += ext(off, 60, 6, 0);
	size_t plen = off - 40 + 20;
	pkt[4] = (uint8_t)(plen >> 8);
	pkt[5] = (uint8_t)plen;
	assert_int_equal(ipv6_walk(pkt, 40 + plen, &w), IPV6_OK);
	assert_int_equal(w.proto, 6);
	assert_int_equal(w.off, off);
	assert_int_equal(off, 40 + 8 + 16 + 24 + 24 + 8 + 32 + 8 + 8);
	assert_int_equal(w.len, 20);
}

static void walk_ah_length_is_len_plus_2_times_4(void **state)
{
	(void)state;
	struct ipv6_walk w;
	/* AH with length byte 4: (4 + 2) * 4 = 24 bytes, not (4 + 1) * 8 = 40. */
	size_t len = hdr(51, 64, 24 + 8);
	ext(40, 51, 58, 4);
	pkt[64] = 128; /* an ICMPv6 echo request header after it */
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
	assert_int_equal(w.proto, 58);
	assert_int_equal(w.off, 64);
	assert_int_equal(w.len, 8);
	/* The smallest AH (length byte 0) is 8 bytes. */
	len = hdr(51, 64, 8 + 8);
	ext(40, 51, 17, 0);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
	assert_int_equal(w.off, 48);
	assert_int_equal(w.len, 8);
	/* AH of 12 bytes is not a multiple of 8: what follows starts at 52. */
	len = hdr(51, 64, 12 + 8);
	ext(40, 51, 17, 1);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
	assert_int_equal(w.off, 52);
	/* An AH that would need more than the payload: problem at its length. */
	len = hdr(51, 64, 16);
	ext(40, 51, 17, 4);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_code, 0);
	assert_int_equal(w.pp_ptr, 41);
}

static void walk_rh0_first(void **state)
{
	(void)state;
	struct ipv6_walk w;
	size_t len = hdr(43, 64, 24 + 8);
	ext(40, 43, 17, 2);
	pkt[42] = 0; /* type 0 */
	pkt[43] = 1; /* segments left */
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_RH0);
	assert_true(w.rh0);
	/* Segments left 0 is still RH0. */
	pkt[43] = 0;
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_RH0);
	assert_true(w.rh0);
	/* Routing type 2 passes. */
	pkt[42] = 2;
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
	assert_false(w.rh0);
	assert_int_equal(w.proto, 17);
	assert_int_equal(w.off, 64);
}

static void walk_rh0_after_hop_by_hop(void **state)
{
	(void)state;
	struct ipv6_walk w;
	size_t len = hdr(0, 64, 8 + 24 + 8);
	ext(40, 0, 43, 0);
	ext(48, 43, 17, 2);
	pkt[50] = 0;
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_RH0);
	assert_true(w.rh0);
	/* And after a destination options header. */
	len = hdr(60, 64, 8 + 24 + 8);
	ext(40, 60, 43, 0);
	ext(48, 43, 17, 2);
	pkt[50] = 0;
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_RH0);
	assert_true(w.rh0);
}

static void walk_hop_by_hop_not_first(void **state)
{
	(void)state;
	struct ipv6_walk w;
	/* DO at 40, then HbH: code 1, pointer at the DO's next-header byte. */
	size_t len = hdr(60, 64, 8 + 8 + 8);
	ext(40, 60, 0, 0);
	ext(48, 0, 17, 0);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_code, 1);
	assert_int_equal(w.pp_ptr, 40);
	/* Two HbH in a row: the second is not first either. */
	len = hdr(0, 64, 8 + 8 + 8);
	ext(40, 0, 0, 0);
	ext(48, 0, 17, 0);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_code, 1);
	assert_int_equal(w.pp_ptr, 40);
	/* Deeper: HbH, DO (len 1), RH2, HbH -> pointer at the RH's first byte. */
	len = hdr(0, 64, 8 + 16 + 24 + 8 + 8);
	ext(40, 0, 60, 0);
	ext(48, 60, 43, 1);
	ext(64, 43, 0, 2);
	ext(88, 0, 17, 0);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_code, 1);
	assert_int_equal(w.pp_ptr, 64);
}

static void walk_truncated_headers(void **state)
{
	(void)state;
	struct ipv6_walk w;
	/* Less than 8 bytes left for an extension header: the pointer is the
	 * next-header field that announced it. */
	size_t len = hdr(60, 64, 4);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_code, 0);
	assert_int_equal(w.pp_ptr, 6);
	len = hdr(0, 64, 8 + 6);
	ext(40, 0, 60, 0);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_code, 0);
	assert_int_equal(w.pp_ptr, 40);
	/* A header whose length runs past the payload: pointer at its length. */
	len = hdr(60, 64, 8);
	ext(40, 60, 17, 1); /* says 16 bytes */
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_code, 0);
	assert_int_equal(w.pp_ptr, 41);
	len = hdr(43, 64, 8 + 16);
	ext(40, 43, 44, 3); /* RH of 32 bytes in 24 */
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_ptr, 41);
	/* An option that runs past its header. */
	len = hdr(60, 64, 8 + 8);
	ext(40, 60, 17, 0);
	pkt[42] = 1;
	pkt[43] = 5; /* PadN of 5 in 4 bytes */
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_code, 0);
	assert_int_equal(w.pp_ptr, 42);
	/* The whole packet shorter than the fixed header, or not version 6. */
	hdr(59, 64, 0);
	assert_int_equal(ipv6_walk(pkt, 39, &w), IPV6_DROP);
	assert_int_equal(ipv6_walk(pkt, 0, &w), IPV6_DROP);
	len = hdr(59, 64, 8);
	pkt[0] = 0x40;
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_DROP);
}

static void walk_payload_length(void **state)
{
	(void)state;
	struct ipv6_walk w;
	/* 0 with a hop-by-hop header: a jumbogram announcement (RFC 2675 §3)
	 * -> parameter problem at byte 4. */
	hdr(0, 64, 0);
	pkt[40] = 17;
	pkt[42] = 1;
	pkt[43] = 4;
	assert_int_equal(ipv6_walk(pkt, 40 + 100, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_code, 0);
	assert_int_equal(w.pp_ptr, 4);
	/* Longer than what arrived. */
	size_t len = hdr(17, 64, 100);
	assert_int_equal(ipv6_walk(pkt, len - 1, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_code, 0);
	assert_int_equal(w.pp_ptr, 4);
	assert_int_equal(ipv6_walk(pkt, 40, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_ptr, 4);
	hdr(17, 64, 0xffff);
	assert_int_equal(ipv6_walk(pkt, sizeof(pkt), &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_ptr, 4);
	/* Exactly what arrived is fine. */
	assert_int_equal(ipv6_walk(pkt, 0, &w), IPV6_DROP);
	len = hdr(17, 64, 100);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
}

static void walk_jumbo_option(void **state)
{
	(void)state;
	struct ipv6_walk w;
	/* HbH first with a Jumbo Payload option (c2, length 4) after a Pad1...
	 * and a non-zero payload length: parameter problem at the option. */
	size_t len = hdr(0, 64, 8 + 8);
	memset(pkt + 40, 0, 8);
	pkt[40] = 17;
	pkt[41] = 0;
	pkt[42] = 0xc2;
	pkt[43] = 4;
	put32(pkt + 44, 70000);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_code, 0);
	assert_int_equal(w.pp_ptr, 42);
	/* The option behind a PadN in a 16-byte HbH. */
	len = hdr(0, 64, 16 + 8);
	memset(pkt + 40, 0, 16);
	pkt[40] = 17;
	pkt[41] = 1;
	pkt[42] = 1; /* PadN, 4 bytes of data */
	pkt[43] = 4;
	pkt[48] = 0xc2;
	pkt[49] = 4;
	put32(pkt + 50, 70000);
	pkt[54] = 1; /* PadN 0 to fill */
	pkt[55] = 0;
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_ptr, 48);
	/* With payload length 0 as a real jumbogram: refused at the length. */
	hdr(0, 64, 0);
	pkt[40] = 17;
	pkt[42] = 0xc2;
	pkt[43] = 4;
	put32(pkt + 44, 70000);
	assert_int_equal(ipv6_walk(pkt, 200, &w), IPV6_PARAM_PROBLEM);
	assert_int_equal(w.pp_ptr, 4);
	/* Other options (router alert 05) are fine. */
	len = hdr(0, 64, 8 + 8);
	memset(pkt + 40, 0, 8);
	pkt[40] = 17;
	pkt[42] = 0x05;
	pkt[43] = 2;
	pkt[46] = 1;
	pkt[47] = 0;
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
	assert_int_equal(w.proto, 17);
	assert_int_equal(w.off, 48);
}

static void walk_fragment(void **state)
{
	(void)state;
	struct ipv6_walk w;
	size_t len = hdr(44, 64, 8 + 100);
	pkt[40] = 17;
	pkt[43] = 1; /* M flag: first fragment */
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
	assert_true(w.fragment);
	assert_int_equal(w.proto, 44);
	assert_int_equal(w.off, 40);
	assert_int_equal(w.len, 108);
	/* Behind a destination options header. */
	len = hdr(60, 64, 8 + 8 + 100);
	ext(40, 60, 44, 0);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
	assert_true(w.fragment);
	assert_int_equal(w.proto, 44);
	assert_int_equal(w.off, 48);
	assert_int_equal(w.len, 108);
}

static void walk_unknown_next_header_ends(void **state)
{
	(void)state;
	static const uint8_t ends[] = { 50, 59, 253, 254, 4, 41, 143 };
	for (size_t i = 0; i < sizeof(ends); i++) {
		struct ipv6_walk w;
		size_t len = hdr(60, 64, 8 + 3);
		ext(40, 60, ends[i], 0);
		assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
		assert_int_equal(w.proto, ends[i]);
		assert_int_equal(w.off, 48);
		assert_int_equal(w.len, 3);
		assert_false(w.fragment);
	}
}

static void walk_hop_limit_zero(void **state)
{
	(void)state;
	struct ipv6_walk w;
	size_t len = hdr(58, 0, 8);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_DROP);
	/* Even when the chain would be a problem otherwise. */
	hdr(0, 0, 0);
	assert_int_equal(ipv6_walk(pkt, 100, &w), IPV6_DROP);
	len = hdr(58, 1, 8);
	assert_int_equal(ipv6_walk(pkt, len, &w), IPV6_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csum_rfc1071_example),
		cmocka_unit_test(csum_odd_lengths),
		cmocka_unit_test(csum_fold_needs_more_than_one_pass),
		cmocka_unit_test(csum_sum_beyond_32_bits),
		cmocka_unit_test(csum_random_small),
		cmocka_unit_test(csum_pseudo_header),
		cmocka_unit_test(walk_plain),
		cmocka_unit_test(walk_each_extension_kind),
		cmocka_unit_test(walk_ah_length_is_len_plus_2_times_4),
		cmocka_unit_test(walk_rh0_first),
		cmocka_unit_test(walk_rh0_after_hop_by_hop),
		cmocka_unit_test(walk_hop_by_hop_not_first),
		cmocka_unit_test(walk_truncated_headers),
		cmocka_unit_test(walk_payload_length),
		cmocka_unit_test(walk_jumbo_option),
		cmocka_unit_test(walk_fragment),
		cmocka_unit_test(walk_unknown_next_header_ends),
		cmocka_unit_test(walk_hop_limit_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
