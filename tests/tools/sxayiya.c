/*
 * sxayiya — a userspace AYIYA tunnel client that behaves like AICCU, for
 * testing a PoP.  Written from the protocol specification
 * (shared/spec/dataplane.md §8) only, so that it is an independent
 * implementation to test the daemon against.
 *
 *   sxayiya -i <tunname> -s <PoP IPv4|IPv6> -I <identity> -P <password>
 *           [-L <local bind address>] [-p <local UDP port>] [-k <keepalive s>]
 *           [-m <mtu>] [-o <clock offset s>] [-x <hex dump file>]
 *   sxayiya --selftest
 *
 * <identity> is the client's tunnel IPv6 address, P:<tid>::2.  The PoP's
 * identity, which every accepted datagram must carry, is derived from it by
 * replacing the interface id with ::1.
 *
 * It creates a layer-3 tun (IFF_TUN|IFF_NO_PI) named <tunname> with the MTU
 * (default 1428 = 1500 - 20 IPv4 - 8 UDP - 44 AYIYA) and brings it up; the
 * caller adds addresses and routes with `ip`.  A UDP socket (IPv4 or IPv6
 * after the -s address) is connected to PoP:5072, optionally bound first to
 * -L / -p (default: any address, ephemeral port), as AICCU does.
 *
 *   tun -> network: each packet read from the tun is sent as an AYIYA
 *     forward (41 52 11 29, epoch = time(NULL) + offset, identity = -I,
 *     signature §8.4 with K = SHA-1(password)).
 *   network -> tun: every datagram is checked as AICCU does (§8.6): length
 *     >= 44, header constants (IdLen 4, IdType 1, SigLen 5, HashMeth 2,
 *     AuthMeth 1), next header 41 or 59, opcode 1..3, identity == P:<tid>::1,
 *     |now + offset - epoch| <= 120, signature.  The payload of an accepted
 *     datagram is written to the tun when next header is 41 and its version
 *     nibble is 6.  Rejected datagrams are counted by the first failing check.
 *   keepalive: a 44-byte noop (41 52 10 3b) at start and every -k seconds.
 *
 * -x FILE appends the raw bytes of every accepted datagram as one line of
 * lower-case hex (flushed per line).  -o shifts the client's clock for both
 * the epoch it sends and the clock check of what it receives.
 *
 * SIGINT/SIGTERM end it; one statistics line then goes to stderr.
 *
 * --selftest signs the §8.9 test vectors (client keepalive, server forward)
 * with this file's code, compares them byte for byte, checks that the
 * receive path accepts the server forward and rejects altered copies, and
 * exits 0 (all good) or 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define AYIYA_PORT 5072
#define AYIYA_HLEN 44		/* 8 fixed + 16 identity + 20 signature */
#define SHA1_LEN 20
#define CLOCK_SKEW 120		/* seconds, both directions */
#define NH_IPV6 41
#define NH_NONE 59
#define OP_NOOP 0
#define OP_FORWARD 1
#define BUF_SIZE 65536		/* bounded: a UDP datagram is at most 65535 */
#define BURST 64		/* packets handled per readiness event */
#define MTU_MIN 1280
#define MTU_MAX 65000

enum rej {
	REJ_SHORT, REJ_HDR, REJ_NEXTHDR, REJ_OPCODE, REJ_IDENT, REJ_CLOCK, REJ_SIG,
	REJ_N
};
static const char *const rej_name[REJ_N] = {
	"short", "hdr", "nexthdr", "opcode", "ident", "clock", "sig"
};

struct stats {
	unsigned long long tx_data, tx_data_bytes, tx_ka, tx_err, tun_rx_bad;
	unsigned long long rx, rx_bytes, rx_tun, rx_nh59, rx_nonv6, tun_err;
	unsigned long long rej[REJ_N], sock_err;
};

/* ---- AYIYA primitives (§8.2-8.4) ---------------------------------------- */

static int sha1(const void *data, size_t len, uint8_t out[SHA1_LEN])
{
	unsigned int n = 0;

	if (!EVP_Digest(data, len, out, &n, EVP_sha1(), NULL) || n != SHA1_LEN)
		return -1;
	return 0;
}

/* sha1(pkt) with K in place of the signature, without touching pkt. */
static int ayiya_hash(EVP_MD_CTX *ctx, const uint8_t *pkt, size_t len,
		      const uint8_t key[SHA1_LEN], uint8_t out[SHA1_LEN])
{
	unsigned int n = 0;

	if (len < AYIYA_HLEN)
		return -1;
	if (!EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) ||
	    !EVP_DigestUpdate(ctx, pkt, 24) ||
	    !EVP_DigestUpdate(ctx, key, SHA1_LEN) ||
	    !EVP_DigestUpdate(ctx, pkt + AYIYA_HLEN, len - AYIYA_HLEN) ||
	    !EVP_DigestFinal_ex(ctx, out, &n) || n != SHA1_LEN)
		return -1;
	return 0;
}

/* Fill the 44-byte header and sign header + payload (already at pkt+44). */
static int ayiya_build(EVP_MD_CTX *ctx, uint8_t *pkt, size_t len, int opcode,
		       int nexthdr, uint32_t epoch, const uint8_t ident[16],
		       const uint8_t key[SHA1_LEN])
{
	uint8_t sig[SHA1_LEN];

	pkt[0] = 4 << 4 | 1;			/* IdLen 4 (16 bytes), IdType 1 */
	pkt[1] = 5 << 4 | 2;			/* SigLen 5 (20 bytes), SHA-1 */
	pkt[2] = (uint8_t)(1 << 4 | (opcode & 0xf));	/* AuthMeth 1 */
	pkt[3] = (uint8_t)nexthdr;
	pkt[4] = (uint8_t)(epoch >> 24);
	pkt[5] = (uint8_t)(epoch >> 16);
	pkt[6] = (uint8_t)(epoch >> 8);
	pkt[7] = (uint8_t)epoch;
	memcpy(pkt + 8, ident, 16);
	if (ayiya_hash(ctx, pkt, len, key, sig) < 0)
		return -1;
	memcpy(pkt + 24, sig, SHA1_LEN);
	return 0;
}

/* What AICCU accepts (§8.6).  Returns -1 if accepted, else the reason. */
static int ayiya_check(EVP_MD_CTX *ctx, const uint8_t *pkt, size_t len,
		       const uint8_t pop_ident[16], const uint8_t key[SHA1_LEN],
		       long long now)
{
	uint8_t sig[SHA1_LEN];
	long long epoch, d;
	int op;

	if (len < AYIYA_HLEN)
		return REJ_SHORT;
	if (pkt[0] != 0x41 || pkt[1] != 0x52 || (pkt[2] >> 4) != 1)
		return REJ_HDR;
	if (pkt[3] != NH_IPV6 && pkt[3] != NH_NONE)
		return REJ_NEXTHDR;
	op = pkt[2] & 0xf;
	if (op < 1 || op > 3)
		return REJ_OPCODE;
	if (memcmp(pkt + 8, pop_ident, 16) != 0)
		return REJ_IDENT;
	epoch = (long long)pkt[4] << 24 | (long long)pkt[5] << 16 |
		(long long)pkt[6] << 8 | (long long)pkt[7];
	d = now - epoch;
	if (d > CLOCK_SKEW || d < -CLOCK_SKEW)
		return REJ_CLOCK;
	if (ayiya_hash(ctx, pkt, len, key, sig) < 0 ||
	    memcmp(sig, pkt + 24, SHA1_LEN) != 0)
		return REJ_SIG;
	return -1;
}

/* ---- selftest (§8.9) ----------------------------------------------------- */

static int parse_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			continue;	/* spaces, newlines */
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? (int)n : -1;
}

static void dump(const char *what, const uint8_t *p, size_t n)
{
	size_t i;

	fprintf(stderr, "  %s:", what);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n    ", p[i]);
	fprintf(stderr, "\n");
}

static int check(int ok, const char *what, int *fails)
{
	fprintf(stderr, "sxayiya selftest: %s: %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		(*fails)++;
	return ok;
}

static int selftest(void)
{
	static const char pw[] = "0123456789abcdef0123456789abcdef";
	static const char k_hex[] = "b1775a785f09a6ebaf2dc33d6eaeb98974d9cdb8";
	static const char ka_hex[] =
		"41 52 10 3b 65 53 f1 00 20 01 0d b8 12 34 00 2a"
		"00 00 00 00 00 00 00 02 e0 80 2b 85 dd 40 14 c2"
		"0c 1d 03 52 96 ed 8b e1 6a 92 30 58";
	static const char fwd_hex[] =
		"41 52 11 29 65 53 f1 00 20 01 0d b8 12 34 00 2a"
		"00 00 00 00 00 00 00 01 54 db e0 85 8f be 25 8e"
		"58 ec 0b 7b 8e 87 95 ae 7a 11 bc 08 60 00 00 00"
		"00 00 3b 40 20 01 0d b8 12 34 00 2a 00 00 00 00"
		"00 00 00 01 20 01 0d b8 12 34 00 2a 00 00 00 00"
		"00 00 00 02";
	const uint32_t epoch = 1700000000u;
	uint8_t key[SHA1_LEN], kref[SHA1_LEN], ref[128], pkt[128], tmp[128];
	uint8_t cli[16], pop[16];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int fails = 0, n, r;

	if (!ctx)
		return 1;
	/* K = SHA-1(password) */
	check(sha1(pw, strlen(pw), key) == 0 &&
	      parse_hex(k_hex, kref, sizeof(kref)) == SHA1_LEN &&
	      memcmp(key, kref, SHA1_LEN) == 0, "K = SHA-1(password)", &fails);
	inet_pton(AF_INET6, "2001:db8:1234:2a::2", cli);
	inet_pton(AF_INET6, "2001:db8:1234:2a::1", pop);

	/* client keepalive: noop, next header 59, 44 bytes */
	n = parse_hex(ka_hex, ref, sizeof(ref));
	memset(pkt, 0xaa, sizeof(pkt));
	if (check(n == AYIYA_HLEN &&
		  ayiya_build(ctx, pkt, AYIYA_HLEN, OP_NOOP, NH_NONE, epoch, cli, key) == 0 &&
		  memcmp(pkt, ref, AYIYA_HLEN) == 0, "client keepalive vector (44 bytes)", &fails) == 0) {
		dump("built", pkt, AYIYA_HLEN);
		dump("expected", ref, n > 0 ? (size_t)n : 0);
	}
	/* a client would never accept a noop from the server (opcode 0) */
	check(ayiya_check(ctx, ref, AYIYA_HLEN, cli, key, epoch) == REJ_OPCODE,
	      "receive path rejects the keepalive (opcode 0)", &fails);

	/* server forward of a 40-byte IPv6 packet, P:2a::1 -> P:2a::2, nh 59 */
	n = parse_hex(fwd_hex, ref, sizeof(ref));
	memset(pkt, 0xaa, sizeof(pkt));
	pkt[44] = 0x60; pkt[45] = 0; pkt[46] = 0; pkt[47] = 0;	/* version 6 */
	pkt[48] = 0; pkt[49] = 0;				/* payload length 0 */
	pkt[50] = NH_NONE;					/* next header 59 */
	pkt[51] = 64;						/* hop limit */
	memcpy(pkt + 52, pop, 16);
	memcpy(pkt + 68, cli, 16);
	if (check(n == 84 &&
		  ayiya_build(ctx, pkt, 84, OP_FORWARD, NH_IPV6, epoch, pop, key) == 0 &&
		  memcmp(pkt, ref, 84) == 0, "server forward vector (84 bytes)", &fails) == 0) {
		dump("built", pkt, 84);
		dump("expected", ref, n > 0 ? (size_t)n : 0);
	}

	/* receive path on the server forward vector */
	check(ayiya_check(ctx, ref, 84, pop, key, epoch) == -1,
	      "receive path accepts the server forward", &fails);
	check(ayiya_check(ctx, ref, 84, pop, key, (long long)epoch + 120) == -1 &&
	      ayiya_check(ctx, ref, 84, pop, key, (long long)epoch - 120) == -1,
	      "receive path accepts clock skew of +-120 s", &fails);
	check(ayiya_check(ctx, ref, 84, pop, key, (long long)epoch + 121) == REJ_CLOCK &&
	      ayiya_check(ctx, ref, 84, pop, key, (long long)epoch - 121) == REJ_CLOCK,
	      "receive path rejects clock skew of +-121 s", &fails);
	check(ayiya_check(ctx, ref, 84, cli, key, epoch) == REJ_IDENT,
	      "receive path rejects a foreign identity", &fails);
	check(ayiya_check(ctx, ref, 43, pop, key, epoch) == REJ_SHORT,
	      "receive path rejects 43 bytes", &fails);
	check(ayiya_check(ctx, ref, 83, pop, key, epoch) == REJ_SIG,
	      "receive path rejects a truncated datagram (signature)", &fails);
	memcpy(tmp, ref, 84);
	tmp[83] ^= 1;
	r = ayiya_check(ctx, tmp, 84, pop, key, epoch);
	memcpy(tmp, ref, 84);
	tmp[30] ^= 0x80;
	check(r == REJ_SIG && ayiya_check(ctx, tmp, 84, pop, key, epoch) == REJ_SIG,
	      "receive path rejects altered payload / signature", &fails);
	memcpy(tmp, ref, 84);
	tmp[3] = 4;
	r = ayiya_check(ctx, tmp, 84, pop, key, epoch);
	memcpy(tmp, ref, 84);
	tmp[0] = 0x42;
	check(r == REJ_NEXTHDR && ayiya_check(ctx, tmp, 84, pop, key, epoch) == REJ_HDR,
	      "receive path rejects next header 4 / bad constants", &fails);
	memcpy(tmp, ref, 84);	/* re-signed with opcode 3: accepted by AICCU */
	ayiya_build(ctx, tmp, 84, 3, NH_IPV6, epoch, pop, key);
	r = ayiya_check(ctx, tmp, 84, pop, key, epoch);
	/* re-signed with opcode 4: rejected */
	ayiya_build(ctx, tmp, 84, 4, NH_IPV6, epoch, pop, key);
	check(r == -1 && ayiya_check(ctx, tmp, 84, pop, key, epoch) == REJ_OPCODE,
	      "receive path accepts opcode 3, rejects opcode 4", &fails);

	EVP_MD_CTX_free(ctx);
	fprintf(stderr, "sxayiya selftest: %s\n", fails ? "FAILED" : "all passed");
	return fails ? 1 : 0;
}

/* ---- runtime ------------------------------------------------------------- */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sxayiya -i <tunname> -s <PoP IPv4|IPv6> -I <identity P:<tid>::2> -P <password>\n"
		"               [-L <local bind address>] [-p <local UDP port>] [-k <keepalive s, 30>]\n"
		"               [-m <mtu, 1428>] [-o <clock offset s, 0>] [-x <hex dump file>]\n"
		"       sxayiya --selftest\n");
	exit(2);
}

static long parse_long(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "sxayiya: bad %s '%s' (%ld..%ld)\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

/* Parse an IPv4 or IPv6 literal into ss with the given port. */
static int parse_addr(const char *s, unsigned port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*len = sizeof(*a4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, s, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		return AF_INET6;
	}
	return -1;
}

static int tun_open(const char *name, int mtu)
{
	struct ifreq ifr;
	int fd, s;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("sxayiya: /dev/net/tun");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("sxayiya: TUNSETIFF");
		close(fd);
		return -1;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		perror("sxayiya: socket");
		close(fd);
		return -1;
	}
	ifr.ifr_mtu = mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0) {
		perror("sxayiya: SIOCSIFMTU");
		goto fail;
	}
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		perror("sxayiya: SIOCGIFFLAGS");
		goto fail;
	}
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
		perror("sxayiya: SIOCSIFFLAGS");
		goto fail;
	}
	close(s);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		perror("sxayiya: fcntl");
		close(fd);
		return -1;
	}
	return fd;
fail:
	close(s);
	close(fd);
	return -1;
}

static long long now_s(long offset)
{
	return (long long)time(NULL) + offset;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void send_pkt(int sock, const uint8_t *pkt, size_t len, struct stats *st, int data)
{
	ssize_t r = send(sock, pkt, len, 0);

	if (r == (ssize_t)len) {
		if (data) {
			st->tx_data++;
			st->tx_data_bytes += len;
		} else {
			st->tx_ka++;
		}
		return;
	}
	/* ECONNREFUSED (ICMP port unreachable on the connected socket),
	 * ENETUNREACH, ENOBUFS, EAGAIN, ...: counted, never fatal. */
	st->tx_err++;
}

static void hexline(FILE *f, const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		putc(hx[p[i] >> 4], f);
		putc(hx[p[i] & 15], f);
	}
	putc('\n', f);
	fflush(f);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "selftest", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static uint8_t txbuf[AYIYA_HLEN + BUF_SIZE], rxbuf[BUF_SIZE];
	const char *tunname = NULL, *pop = NULL, *ident_s = NULL, *pw = NULL;
	const char *local = NULL, *xfile = NULL;
	long lport = 0, keepalive = 30, mtu = 1428, offset = 0;
	uint8_t ident[16], pop_ident[16], key[SHA1_LEN];
	struct sockaddr_storage dst, src;
	socklen_t dlen, slen;
	struct sigaction sa;
	struct stats st;
	EVP_MD_CTX *ctx;
	FILE *xf = NULL;
	double next_ka;
	int c, fam, sock, tun, r, i;

	while ((c = getopt_long(argc, argv, "i:s:I:P:L:p:k:m:o:x:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'T': return selftest();
		case 'i': tunname = optarg; break;
		case 's': pop = optarg; break;
		case 'I': ident_s = optarg; break;
		case 'P': pw = optarg; break;
		case 'L': local = optarg; break;
		case 'p': lport = parse_long(optarg, 0, 65535, "port"); break;
		case 'k': keepalive = parse_long(optarg, 1, 86400, "keepalive"); break;
		case 'm': mtu = parse_long(optarg, MTU_MIN, MTU_MAX, "mtu"); break;
		case 'o': offset = parse_long(optarg, -(1L << 31), 1L << 31, "offset"); break;
		case 'x': xfile = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || !tunname || !pop || !ident_s || !pw)
		usage();
	if (strlen(tunname) >= IFNAMSIZ) {
		fprintf(stderr, "sxayiya: interface name too long\n");
		return 2;
	}
	if (inet_pton(AF_INET6, ident_s, ident) != 1) {
		fprintf(stderr, "sxayiya: identity '%s' is not an IPv6 address\n", ident_s);
		return 2;
	}
	memcpy(pop_ident, ident, 8);		/* P:<tid>:: + interface id ::1 */
	memset(pop_ident + 8, 0, 7);
	pop_ident[15] = 1;
	if (sha1(pw, strlen(pw), key) < 0) {
		fprintf(stderr, "sxayiya: SHA-1 unavailable\n");
		return 1;
	}
	fam = parse_addr(pop, AYIYA_PORT, &dst, &dlen);
	if (fam < 0) {
		fprintf(stderr, "sxayiya: PoP '%s' is not an IPv4/IPv6 address\n", pop);
		return 2;
	}
	if (local) {
		if (parse_addr(local, (unsigned)lport, &src, &slen) != fam) {
			fprintf(stderr, "sxayiya: local address '%s' is not of the PoP's family\n", local);
			return 2;
		}
	} else {
		memset(&src, 0, sizeof(src));
		src.ss_family = (sa_family_t)fam;
		if (fam == AF_INET) {
			((struct sockaddr_in *)&src)->sin_port = htons((uint16_t)lport);
			slen = sizeof(struct sockaddr_in);
		} else {
			((struct sockaddr_in6 *)&src)->sin6_port = htons((uint16_t)lport);
			slen = sizeof(struct sockaddr_in6);
		}
	}
	if (xfile) {
		xf = fopen(xfile, "a");
		if (!xf) {
			perror(xfile);
			return 1;
		}
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return 1;

	sock = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		perror("sxayiya: socket");
		return 1;
	}
	if ((local || lport) && bind(sock, (struct sockaddr *)&src, slen) < 0) {
		perror("sxayiya: bind");
		return 1;
	}
	if (connect(sock, (struct sockaddr *)&dst, dlen) < 0) {
		perror("sxayiya: connect");
		return 1;
	}
	tun = tun_open(tunname, (int)mtu);
	if (tun < 0)
		return 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&st, 0, sizeof(st));
	{
		char a[INET6_ADDRSTRLEN];

		getsockname(sock, (struct sockaddr *)&src, &slen);
		if (src.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&src)->sin_addr, a, sizeof(a));
		else
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&src)->sin6_addr, a, sizeof(a));
		fprintf(stderr, "sxayiya: %s mtu %ld, %s port %u -> %s port %d, identity %s, keepalive %ld s\n",
			tunname, mtu, a, ntohs(src.ss_family == AF_INET ?
					       ((struct sockaddr_in *)&src)->sin_port :
					       ((struct sockaddr_in6 *)&src)->sin6_port),
			pop, AYIYA_PORT, ident_s, keepalive);
	}
	next_ka = 0;		/* keepalive at start */

	while (!stop_flag) {
		struct pollfd pfd[2] = {
			{ .fd = tun, .events = POLLIN },
			{ .fd = sock, .events = POLLIN },
		};
		double t = mono();
		int timeout;

		if (t >= next_ka) {
			ayiya_build(ctx, txbuf, AYIYA_HLEN, OP_NOOP, NH_NONE,
				    (uint32_t)now_s(offset), ident, key);
			send_pkt(sock, txbuf, AYIYA_HLEN, &st, 0);
			next_ka = t + (double)keepalive;
		}
		timeout = (int)((next_ka - t) * 1000.0) + 1;
		if (timeout > 1000)
			timeout = 1000;
		r = poll(pfd, 2, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("sxayiya: poll");
			break;
		}
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			fprintf(stderr, "sxayiya: tun device error\n");
			break;
		}
		if (pfd[0].revents & POLLIN) {
			for (i = 0; i < BURST; i++) {
				ssize_t n = read(tun, txbuf + AYIYA_HLEN, BUF_SIZE - 1);

				if (n < 0)
					break;	/* EAGAIN or error */
				if (n < 1 || (txbuf[AYIYA_HLEN] >> 4) != 6) {
					st.tun_rx_bad++;	/* only IPv6 is tunnelled */
					continue;
				}
				ayiya_build(ctx, txbuf, AYIYA_HLEN + (size_t)n, OP_FORWARD, NH_IPV6,
					    (uint32_t)now_s(offset), ident, key);
				send_pkt(sock, txbuf, AYIYA_HLEN + (size_t)n, &st, 1);
			}
		}
		if (pfd[1].revents & (POLLIN | POLLERR)) {
			for (i = 0; i < BURST; i++) {
				ssize_t n = recv(sock, rxbuf, sizeof(rxbuf), MSG_TRUNC);
				int why;

				if (n < 0) {
					if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
						break;
					st.sock_err++;	/* e.g. ECONNREFUSED from ICMP */
					continue;
				}
				if ((size_t)n > sizeof(rxbuf)) {
					st.rej[REJ_SIG]++;	/* truncated: cannot verify */
					continue;
				}
				why = ayiya_check(ctx, rxbuf, (size_t)n, pop_ident, key, now_s(offset));
				if (why >= 0) {
					st.rej[why]++;
					continue;
				}
				st.rx++;
				st.rx_bytes += (unsigned long long)n;
				if (xf)
					hexline(xf, rxbuf, (size_t)n);
				if (rxbuf[3] != NH_IPV6) {
					st.rx_nh59++;
					continue;
				}
				if (n == AYIYA_HLEN || (rxbuf[AYIYA_HLEN] >> 4) != 6) {
					st.rx_nonv6++;
					continue;
				}
				if (write(tun, rxbuf + AYIYA_HLEN, (size_t)n - AYIYA_HLEN) ==
				    (ssize_t)((size_t)n - AYIYA_HLEN))
					st.rx_tun++;
				else
					st.tun_err++;
			}
		}
	}

	{
		unsigned long long inv = 0;

		for (i = 0; i < REJ_N; i++)
			inv += st.rej[i];
		fprintf(stderr,
			"sxayiya: sent %llu (data %llu / %llu bytes, keepalive %llu, send errors %llu, "
			"tun non-IPv6 %llu); received %llu valid / %llu bytes (to tun %llu, nh59 %llu, "
			"non-IPv6 %llu, tun write errors %llu); invalid %llu (",
			st.tx_data + st.tx_ka, st.tx_data, st.tx_data_bytes, st.tx_ka, st.tx_err,
			st.tun_rx_bad, st.rx, st.rx_bytes, st.rx_tun, st.rx_nh59, st.rx_nonv6,
			st.tun_err, inv);
		for (i = 0; i < REJ_N; i++)
			fprintf(stderr, "%s%s %llu", i ? ", " : "", rej_name[i], st.rej[i]);
		fprintf(stderr, "); socket errors %llu\n", st.sock_err);
	}
	if (xf)
		fclose(xf);
	EVP_MD_CTX_free(ctx);
	close(tun);
	close(sock);
	return 0;
}
