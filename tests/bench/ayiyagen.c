/*
 * ayiyagen — AYIYA load generator / counter for PoP benchmarks.  The AYIYA
 * encoding is written from the protocol specification
 * (shared/spec/dataplane.md §8) only, independent of the daemon's code.
 *
 * Send mode ("tunnel users -> PoP"):
 *
 *   ayiyagen -s <PoP IPv4> -b <local IPv4> -S <inner IPv6 src base P::>
 *            -D <inner IPv6 dst> -n <tunnels> -P <password pattern>
 *            -z <inner IPv6 packet size> -t <seconds>
 *            [-p <local UDP port, default 0 = chosen by the kernel>]
 *            [-c <max packets>]
 *
 *   For tid = 0..n-1 round robin it sends signed AYIYA forward datagrams
 *   (41 52 11 29, §8.2-8.4) whose identity is the -S base with the 16-bit
 *   group at bytes 6-7 replaced by tid and interface id ::2, i.e.
 *   P:<tid>::2.  The payload is an IPv6 UDP packet of -z bytes in total
 *   (40-byte IPv6 header included) from that identity to -D, UDP source
 *   port 40000, destination port 9 (discard), with a valid UDP checksum.
 *   The key of tunnel tid is SHA-1 of the password given by the -P pattern
 *   formatted with tid: the pattern is literal text in which %x %X %d %u %o
 *   (optionally with a 0 flag and a width, e.g. %04x) stand for tid and %%
 *   for a percent sign; e.g. "pw%x" gives pw0 ... pw9 pwa ...
 *   All datagrams go out of ONE UDP socket bound to -b (port -p, by default
 *   picked by the kernel) and connected to PoP:5072, with sendmmsg() in
 *   batches of 64.  Packets are built once; each tunnel's packet is
 *   made unique (a counter in the inner flow label) and signed per packet,
 *   because the PoP refuses exact replays.
 *   Runs -t seconds (or until -c packets, or SIGINT/SIGTERM), then prints
 *     ayiyagen: sent N packets in T s = X pps
 *   on stdout and a detail line (bytes, errors, signatures) on stderr.
 *   Send errors (ECONNREFUSED from ICMP, ENOBUFS, ...) are counted, not fatal.
 *
 * Receive mode ("PoP -> tunnel users"):
 *
 *   ayiyagen -R -b <local IPv4> -p <port> -t <seconds> [-P <password pattern>]
 *
 *   Binds a UDP socket to -b:-p and counts, with recvmmsg() (64 per call),
 *   the datagrams that look like AYIYA (length >= 44, bytes 41 52) for -t
 *   seconds (or until SIGINT/SIGTERM).  With -P every one is also verified
 *   (§8.4; tid = bytes 6-7 of the identity, key = SHA-1(pattern(tid))) and
 *   bad signatures are counted.  Prints
 *     ayiyagen: received N packets (B bytes, O non-AYIYA, F bad signature) in T s = X pps
 *   ("signatures not checked" instead of "F bad signature" without -P),
 *   where T runs from the first to the last datagram received (the whole
 *   window if fewer than two arrived).
 *
 * IPv6 addresses for -s/-b work as well (both must be of the same family).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define AYIYA_PORT 5072
#define AYIYA_HLEN 44
#define SHA1_LEN 20
#define BATCH 64
#define RX_SLOT 4096		/* bytes per receive buffer (bounded) */
#define PW_MAX 256
#define MAX_TUNNELS 65536
#define UDP_SPORT 40000
#define UDP_DPORT 9

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ayiyagen -s <PoP IPv4> -b <local IPv4> -S <inner IPv6 src base P::> -D <inner IPv6 dst>\n"
		"                -n <tunnels> -P <password pattern, e.g. pw%%x> -z <inner IPv6 size> -t <seconds>\n"
		"                [-p <local port, 0>] [-c <max packets>]\n"
		"       ayiyagen -R -b <local IPv4> -p <port> -t <seconds> [-P <password pattern>]\n");
	exit(2);
}

static long long parse_ll(const char *s, long long lo, long long hi, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "ayiyagen: bad %s '%s' (%lld..%lld)\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

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

/*
 * Password pattern: literal text, %% and %[0][width]{x,X,d,u,o} = tid.
 * Returns the length written (NUL-terminated), or -1 on a bad pattern or
 * overflow.  Own formatter, so the user's text is never a printf format.
 */
static int pw_format(const char *pat, unsigned tid, char *out, size_t cap)
{
	size_t n = 0;

	while (*pat) {
		char digits[32], conv;
		int zero = 0, width = 0, dl = 0, base;
		unsigned v = tid;

		if (*pat != '%') {
			if (n + 1 >= cap)
				return -1;
			out[n++] = *pat++;
			continue;
		}
		pat++;
		if (*pat == '%') {
			if (n + 1 >= cap)
				return -1;
			out[n++] = '%';
			pat++;
			continue;
		}
		if (*pat == '0') {
			zero = 1;
			pat++;
		}
		while (*pat >= '0' && *pat <= '9') {
			width = width * 10 + (*pat++ - '0');
			if (width > 64)
				return -1;
		}
		conv = *pat++;
		switch (conv) {
		case 'x': case 'X': base = 16; break;
		case 'd': case 'u': base = 10; break;
		case 'o': base = 8; break;
		default: return -1;
		}
		do {
			unsigned dgt = v % (unsigned)base;

			digits[dl++] = (char)(dgt < 10 ? '0' + dgt :
					      (conv == 'X' ? 'A' : 'a') + dgt - 10);
			v /= (unsigned)base;
		} while (v);
		for (; width > dl; width--) {
			if (n + 1 >= cap)
				return -1;
			out[n++] = zero ? '0' : ' ';
		}
		while (dl) {
			if (n + 1 >= cap)
				return -1;
			out[n++] = digits[--dl];
		}
	}
	out[n] = '\0';
	return (int)n;
}

static int make_key(const char *pat, unsigned tid, uint8_t key[SHA1_LEN])
{
	char pw[PW_MAX];
	unsigned int mdl = 0;
	int n = pw_format(pat, tid, pw, sizeof(pw));

	if (n < 0)
		return -1;
	if (!EVP_Digest(pw, (size_t)n, key, &mdl, EVP_sha1(), NULL) || mdl != SHA1_LEN)
		return -1;
	return 0;
}

/* SHA-1 of the datagram with K in the signature slot (§8.4). */
static int ayiya_hash(EVP_MD_CTX *ctx, const uint8_t *pkt, size_t len,
		      const uint8_t key[SHA1_LEN], uint8_t out[SHA1_LEN])
{
	unsigned int n = 0;

	if (!EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) ||
	    !EVP_DigestUpdate(ctx, pkt, 24) ||
	    !EVP_DigestUpdate(ctx, key, SHA1_LEN) ||
	    !EVP_DigestUpdate(ctx, pkt + AYIYA_HLEN, len - AYIYA_HLEN) ||
	    !EVP_DigestFinal_ex(ctx, out, &n) || n != SHA1_LEN)
		return -1;
	return 0;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* ---- receive mode ------------------------------------------------------- */

static int run_recv(const char *local, long long port, long long secs, const char *pat)
{
	static uint8_t bufs[BATCH][RX_SLOT];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage a;
	socklen_t alen;
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	unsigned long long pkts = 0, bytes = 0, other = 0, badsig = 0, trunc = 0;
	uint8_t (*keys)[SHA1_LEN] = NULL;
	uint8_t *have = NULL;
	EVP_MD_CTX *ctx = NULL;
	double start, deadline, first = 0, last = 0, span;
	char vbuf[64];
	int fd, rb = 8 << 20, i, r;

	if (parse_addr(local, (unsigned)port, &a, &alen) < 0) {
		fprintf(stderr, "ayiyagen: bad local address '%s'\n", local);
		return 2;
	}
	if (pat) {
		keys = calloc(MAX_TUNNELS, SHA1_LEN);
		have = calloc(MAX_TUNNELS, 1);
		ctx = EVP_MD_CTX_new();
		if (!keys || !have || !ctx || make_key(pat, 0, keys[0]) < 0) {
			fprintf(stderr, "ayiyagen: bad password pattern or no memory\n");
			return 2;
		}
	}
	fd = socket(a.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("ayiyagen: socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rb, sizeof(rb)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rb, sizeof(rb));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&a, alen) < 0) {
		perror("ayiyagen: bind");
		return 1;
	}
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = RX_SLOT;
	}
	fprintf(stderr, "ayiyagen: receiving on %s port %lld for %lld s\n", local, port, secs);
	start = mono();
	deadline = start + (double)secs;
	while (!stop_flag && mono() < deadline) {
		memset(msgs, 0, sizeof(msgs));
		for (i = 0; i < BATCH; i++) {
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		r = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;
			perror("ayiyagen: recvmmsg");
			break;
		}
		if (r == 0)
			continue;
		last = mono();
		if (!first)
			first = last;
		for (i = 0; i < r; i++) {
			const uint8_t *p = bufs[i];
			size_t n = msgs[i].msg_len;

			if (n < AYIYA_HLEN || p[0] != 0x41 || p[1] != 0x52) {
				other++;
				continue;
			}
			pkts++;
			bytes += n;
			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
				trunc++;
				continue;
			}
			if (keys) {
				unsigned tid = (unsigned)p[14] << 8 | p[15];	/* identity bytes 6-7 */
				uint8_t sig[SHA1_LEN];

				if (!have[tid]) {
					make_key(pat, tid, keys[tid]);
					have[tid] = 1;
				}
				if (ayiya_hash(ctx, p, n, keys[tid], sig) < 0 ||
				    memcmp(sig, p + 24, SHA1_LEN) != 0)
					badsig++;
			}
		}
	}
	span = (pkts + other >= 2 && last > first) ? last - first : mono() - start;
	if (keys)
		snprintf(vbuf, sizeof(vbuf), "%llu bad signature", badsig);
	else
		snprintf(vbuf, sizeof(vbuf), "signatures not checked");
	printf("ayiyagen: received %llu packets (%llu bytes, %llu non-AYIYA, %s) "
	       "in %.3f s = %.0f pps\n", pkts, bytes, other, vbuf, span,
	       span > 0 ? (double)pkts / span : 0.0);
	if (trunc)
		fprintf(stderr, "ayiyagen: %llu datagrams larger than %d bytes were not verified\n",
			trunc, RX_SLOT);
	fflush(stdout);
	free(keys);
	free(have);
	EVP_MD_CTX_free(ctx);
	close(fd);
	return 0;
}

/* ---- send mode ---------------------------------------------------------- */

struct tun {
	uint8_t key[SHA1_LEN];
	uint32_t epoch;		/* epoch the packet is currently signed with */
	int signed_ok;
};

static void sign_one(EVP_MD_CTX *ctx, uint8_t *pkt, size_t len, struct tun *t, uint32_t epoch)
{
	uint8_t sig[SHA1_LEN];

	pkt[4] = (uint8_t)(epoch >> 24);
	pkt[5] = (uint8_t)(epoch >> 16);
	pkt[6] = (uint8_t)(epoch >> 8);
	pkt[7] = (uint8_t)epoch;
	if (ayiya_hash(ctx, pkt, len, t->key, sig) == 0)
		memcpy(pkt + 24, sig, SHA1_LEN);
	t->epoch = epoch;
	t->signed_ok = 1;
}

int main(int argc, char **argv)
{
	const char *pop = NULL, *local = NULL, *base_s = NULL, *dst_s = NULL, *pat = NULL;
	long long ntun = 0, size = 0, secs = 0, lport = 0, maxpkts = 0;
	int recv_mode = 0, c, fd, sb = 8 << 20, i, r;
	uint8_t base[16], dst6[16];
	struct sockaddr_storage pa, la;
	socklen_t palen, lalen;
	struct sigaction sa;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct tun *tuns;
	uint8_t *pkts;
	size_t stride;
	EVP_MD_CTX *ctx;
	static uint8_t slots[BATCH * 65536];
	unsigned long long sent = 0, errs = 0, calls = 0, sigs = 0;
	unsigned cur = 0;
	double start, deadline, t1;
	uint32_t epoch;

	while ((c = getopt(argc, argv, "Rs:b:S:D:n:P:z:t:p:c:h")) != -1) {
		switch (c) {
		case 'R': recv_mode = 1; break;
		case 's': pop = optarg; break;
		case 'b': local = optarg; break;
		case 'S': base_s = optarg; break;
		case 'D': dst_s = optarg; break;
		case 'n': ntun = parse_ll(optarg, 1, MAX_TUNNELS, "tunnel count"); break;
		case 'P': pat = optarg; break;
		case 'z': size = parse_ll(optarg, 48, 65000, "inner size"); break;
		case 't': secs = parse_ll(optarg, 1, 86400, "seconds"); break;
		case 'p': lport = parse_ll(optarg, 0, 65535, "port"); break;
		case 'c': maxpkts = parse_ll(optarg, 1, 1LL << 50, "max packets"); break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (recv_mode) {
		if (!local || !lport || !secs)
			usage();
		return run_recv(local, lport, secs, pat);
	}
	if (!pop || !local || !base_s || !dst_s || !ntun || !pat || !size || !secs)
		usage();
	if (inet_pton(AF_INET6, base_s, base) != 1 || inet_pton(AF_INET6, dst_s, dst6) != 1) {
		fprintf(stderr, "ayiyagen: -S / -D must be IPv6 addresses\n");
		return 2;
	}
	if (parse_addr(pop, AYIYA_PORT, &pa, &palen) < 0 ||
	    parse_addr(local, (unsigned)lport, &la, &lalen) != pa.ss_family) {
		fprintf(stderr, "ayiyagen: -s / -b must be IP addresses of the same family\n");
		return 2;
	}
	stride = AYIYA_HLEN + (size_t)size;
	tuns = calloc((size_t)ntun, sizeof(*tuns));
	pkts = calloc((size_t)ntun, stride);
	ctx = EVP_MD_CTX_new();
	if (!tuns || !pkts || !ctx) {
		fprintf(stderr, "ayiyagen: out of memory (%lld x %zu bytes)\n", ntun, stride);
		return 1;
	}

	/* Build every tunnel's datagram once (unsigned). */
	for (i = 0; i < ntun; i++) {
		uint8_t *p = pkts + (size_t)i * stride, *ip6 = p + AYIYA_HLEN, *udp = ip6 + 40;
		size_t ulen = (size_t)size - 40, k;
		uint32_t s;
		uint16_t ck;

		if (make_key(pat, (unsigned)i, tuns[i].key) < 0) {
			fprintf(stderr, "ayiyagen: bad password pattern '%s'\n", pat);
			return 2;
		}
		p[0] = 0x41;		/* IdLen 4, IdType 1 */
		p[1] = 0x52;		/* SigLen 5, HashMeth 2 (SHA-1) */
		p[2] = 0x11;		/* AuthMeth 1, OpCode 1 (forward) */
		p[3] = 41;		/* next header IPv6 */
		memcpy(p + 8, base, 6);	/* identity P:<tid>::2 */
		p[14] = (uint8_t)(i >> 8);
		p[15] = (uint8_t)i;
		memset(p + 16, 0, 7);
		p[23] = 2;
		ip6[0] = 0x60;		/* version 6, class 0, flow 0 */
		ip6[4] = (uint8_t)(ulen >> 8);
		ip6[5] = (uint8_t)ulen;
		ip6[6] = 17;		/* UDP */
		ip6[7] = 64;		/* hop limit */
		memcpy(ip6 + 8, p + 8, 16);
		memcpy(ip6 + 24, dst6, 16);
		udp[0] = UDP_SPORT >> 8;
		udp[1] = UDP_SPORT & 0xff;
		udp[2] = UDP_DPORT >> 8;
		udp[3] = UDP_DPORT & 0xff;
		udp[4] = (uint8_t)(ulen >> 8);
		udp[5] = (uint8_t)ulen;
		for (k = 8; k < ulen; k++)
			udp[k] = (uint8_t)(k + (size_t)i);
		/* pseudo-header: src, dst, upper-layer length (32), next header (32) */
		s = csum_add(0, ip6 + 8, 32);
		s += (uint32_t)(ulen >> 16) + (uint32_t)(ulen & 0xffff) + 17;
		s = csum_add(s, udp, ulen);
		ck = csum_fold(s);
		if (ck == 0)
			ck = 0xffff;
		udp[6] = (uint8_t)(ck >> 8);
		udp[7] = (uint8_t)ck;
	}

	fd = socket(pa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("ayiyagen: socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sb, sizeof(sb)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sb, sizeof(sb));
	if (bind(fd, (struct sockaddr *)&la, lalen) < 0) {
		perror("ayiyagen: bind");
		return 1;
	}
	if (connect(fd, (struct sockaddr *)&pa, palen) < 0) {
		perror("ayiyagen: connect");
		return 1;
	}
	{
		struct sockaddr_storage me;
		socklen_t ml = sizeof(me);

		getsockname(fd, (struct sockaddr *)&me, &ml);
		fprintf(stderr, "ayiyagen: %lld tunnels, inner %lld bytes, from %s port %u to %s port %d for %lld s\n",
			ntun, size, local,
			ntohs(me.ss_family == AF_INET ? ((struct sockaddr_in *)&me)->sin_port
						      : ((struct sockaddr_in6 *)&me)->sin6_port),
			pop, AYIYA_PORT, secs);
	}

	memset(msgs, 0, sizeof(msgs));
	start = mono();
	deadline = start + (double)secs;
	while (!stop_flag) {
		unsigned cnt = BATCH, j;

		t1 = mono();
		if (t1 >= deadline)
			break;
		if (maxpkts) {
			if (sent >= (unsigned long long)maxpkts)
				break;
			if ((unsigned long long)maxpkts - sent < cnt)
				cnt = (unsigned)((unsigned long long)maxpkts - sent);
		}
		epoch = (uint32_t)time(NULL);
		for (j = 0; j < cnt; j++) {
			unsigned tid = (cur + j) % (unsigned)ntun;
			/* Each batch slot has its own copy: one tunnel may fill a batch. */
			uint8_t *p = slots + (size_t)j * stride;
			memcpy(p, pkts + (size_t)tid * stride, stride);

			/* Every datagram differs (a counter in the inner flow label,
			 * which no checksum covers) and is signed on its own, as a
			 * real client's are: the PoP refuses exact replays. */
			uint32_t fl = (uint32_t)(sent + j) & 0xfffff;
			p[AYIYA_HLEN + 1] = (uint8_t)((p[AYIYA_HLEN + 1] & 0xf0) | (fl >> 16));
			p[AYIYA_HLEN + 2] = (uint8_t)(fl >> 8);
			p[AYIYA_HLEN + 3] = (uint8_t)fl;
			sign_one(ctx, p, stride, &tuns[tid], epoch);
			sigs++;
			iov[j].iov_base = p;
			iov[j].iov_len = stride;
			msgs[j].msg_hdr.msg_iov = &iov[j];
			msgs[j].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(fd, msgs, cnt, 0);
		calls++;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECONNREFUSED || errno == ENOBUFS || errno == EAGAIN ||
			    errno == ENETUNREACH || errno == EHOSTUNREACH || errno == EPERM) {
				errs++;
				cur = (cur + 1) % (unsigned)ntun;	/* skip one: never stall */
				continue;
			}
			perror("ayiyagen: sendmmsg");
			break;
		}
		sent += (unsigned)r;
		cur = (cur + (unsigned)r) % (unsigned)ntun;
		if ((unsigned)r < cnt)
			errs++;		/* short batch: the rest is retried next round */
	}
	t1 = mono() - start;
	printf("ayiyagen: sent %llu packets in %.3f s = %.0f pps\n", sent, t1,
	       t1 > 0 ? (double)sent / t1 : 0.0);
	fflush(stdout);
	fprintf(stderr, "ayiyagen: %llu bytes of AYIYA datagrams, %llu sendmmsg calls, %llu errors/short, "
		"%llu signatures\n", sent * stride, calls, errs, sigs);
	free(tuns);
	free(pkts);
	EVP_MD_CTX_free(ctx);
	close(fd);
	return 0;
}
