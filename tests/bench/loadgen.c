/*
 * loadgen — packet load generator for 6in4 PoP benchmarks.
 *
 *   loadgen [-m v4] -s <src IPv4> -d <dst IPv4> -S <inner IPv6 src base>
 *           -D <inner IPv6 dst> -n <tunnels> -z <inner size> -t <seconds>
 *           [-p <udp port>] [-c <max packets>] [-r <pps>]
 *   loadgen  -m v6  -S <IPv6 src> -D <IPv6 dst base>
 *           -n <tunnels> -z <size> -t <seconds> [-p <udp port>] [-c <max packets>] [-r <pps>]
 *
 * Mode v4 (default, "tunnel users -> PoP"): protocol-41 packets, outer
 * IPv4 src/dst as given, inner IPv6 UDP packet of z bytes in total (IPv6
 * header included) with a correct UDP checksum.  The inner source is the -S
 * base with its 4th 16-bit group (bytes 6-7) replaced by the tunnel id and
 * interface id ::2, i.e. <base48>:<tid>::2, for tid = 0..n-1 round robin;
 * the inner destination is -D, fixed.  Sent on an AF_INET/IPPROTO_RAW
 * socket (IP_HDRINCL implied), 64 packets per sendmmsg().
 *
 * Mode v6 ("internet -> PoP"): plain IPv6 UDP packets of z bytes, source -S
 * fixed, destination the -D base as <base48>:<tid>::2 round robin, sent on
 * an AF_INET6/IPPROTO_RAW socket (IPV6_HDRINCL implied) so they go through
 * the sender's own routing table towards the PoP.  -s/-d are not used.
 *
 * UDP source port is 40000, destination port -p (default 9000).  Runs for
 * -t seconds (or until SIGINT/SIGTERM, or until -c packets were sent, for
 * functional tests), then prints packets sent and pps.  -r paces the
 * sending to about that many packets per second (default: as fast as
 * possible).
 * Send errors such as ENOBUFS are counted, not fatal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define IPV4_HLEN 20
#define IPV6_HLEN 40
#define UDP_HLEN 8
#define SRC_PORT 40000
#define MAX_SECONDS 3600

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static _Noreturn void usage(void)
{
	fprintf(stderr,
		"usage: loadgen [-m v4] -s <src IPv4> -d <dst IPv4> -S <inner IPv6 src base>\n"
		"               -D <inner IPv6 dst> -n <tunnels> -z <inner size> -t <seconds> [-p port] [-c max] [-r pps]\n"
		"       loadgen -m v6 -S <IPv6 src> -D <IPv6 dst base> -n <tunnels> -z <size>\n"
		"               -t <seconds> [-p port] [-c max] [-r pps]\n"
		"  tunnel id tid = 0..n-1 replaces bytes 6-7 of the base address, interface id ::2\n"
		"  -z is the IPv6 packet size incl. its 40-byte header (48..65515 for v4, ..65535 for v6)\n");
	exit(2);
}

static long parse_num(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi) {
		fprintf(stderr, "loadgen: bad %s '%s' (%ld..%ld)\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One's complement sum of 16-bit big-endian words, not folded. */
static uint64_t sum16(const uint8_t *p, size_t len, uint64_t sum)
{
	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

int main(int argc, char **argv)
{
	const char *s4 = NULL, *d4 = NULL, *s6 = NULL, *d6 = NULL, *mode = "v4";
	long ntun = -1, size = -1, secs = -1, port = 9000, maxpkts = 0, rate = 0;
	struct in_addr src4, dst4;
	uint8_t src6[16], dst6[16], *vary;	/* vary: the address tid goes into */
	int opt, v6, fd;
	size_t off6, pktlen, plen;
	uint8_t *bufs;
	uint64_t base_sum;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in sin[BATCH];
	struct sockaddr_in6 sin6[BATCH];
	unsigned long long sent = 0, errs = 0, calls = 0;
	unsigned tid = 0;
	uint16_t ip_id = 1;
	struct sigaction sa;
	double t0, t1, deadline;

	while ((opt = getopt(argc, argv, "m:s:d:S:D:n:z:t:p:c:r:h")) != -1) {
		switch (opt) {
		case 'm': mode = optarg; break;
		case 's': s4 = optarg; break;
		case 'd': d4 = optarg; break;
		case 'S': s6 = optarg; break;
		case 'D': d6 = optarg; break;
		case 'n': ntun = parse_num(optarg, 1, 65536, "tunnel count"); break;
		case 'z': size = parse_num(optarg, IPV6_HLEN + UDP_HLEN, 65535, "size"); break;
		case 't': secs = parse_num(optarg, 1, MAX_SECONDS, "seconds"); break;
		case 'p': port = parse_num(optarg, 1, 65535, "port"); break;
		case 'r': rate = parse_num(optarg, 1, 100000000L, "rate"); break;
		case 'c': maxpkts = parse_num(optarg, 1, 2000000000L, "packet count"); break;
		default: usage();
		}
	}
	if (optind != argc || ntun < 0 || size < 0 || secs < 0 || !s6 || !d6)
		usage();
	if (strcmp(mode, "v4") == 0)
		v6 = 0;
	else if (strcmp(mode, "v6") == 0)
		v6 = 1;
	else
		usage();
	if (!v6) {
		if (!s4 || !d4)
			usage();
		if (inet_pton(AF_INET, s4, &src4) != 1 || inet_pton(AF_INET, d4, &dst4) != 1) {
			fprintf(stderr, "loadgen: -s/-d need IPv4 addresses\n");
			return 2;
		}
		if (size > 65535 - IPV4_HLEN) {
			fprintf(stderr, "loadgen: -z too large for an IPv4 datagram\n");
			return 2;
		}
	}
	if (inet_pton(AF_INET6, s6, src6) != 1 || inet_pton(AF_INET6, d6, dst6) != 1) {
		fprintf(stderr, "loadgen: -S/-D need IPv6 addresses\n");
		return 2;
	}

	/* The varying address: <base bytes 0-5>:<tid>:0:0:0:2. */
	vary = v6 ? dst6 : src6;
	vary[6] = vary[7] = 0;
	memset(vary + 8, 0, 8);
	vary[15] = 2;

	off6 = v6 ? 0 : IPV4_HLEN;
	pktlen = off6 + (size_t)size;
	plen = (size_t)size - IPV6_HLEN;	/* IPv6 payload length = UDP length */

	fd = v6 ? socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW)
		: socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0) {
		perror("loadgen: raw socket (needs CAP_NET_RAW)");
		return 1;
	}
	{
		int sndbuf = 4 << 20;
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	}

	bufs = calloc(BATCH, pktlen);
	if (!bufs) {
		perror("loadgen: calloc");
		return 1;
	}

	/* Template packet in slot 0, with tid 0. */
	{
		uint8_t *p = bufs, *ip6 = p + off6, *udp = ip6 + IPV6_HLEN;
		uint8_t pseudo[40];

		if (!v6) {
			p[0] = 0x45;
			p[2] = (uint8_t)(pktlen >> 8);
			p[3] = (uint8_t)pktlen;
			p[6] = 0x40;			/* DF */
			p[8] = 64;
			p[9] = 41;			/* IPv6-in-IPv4 */
			memcpy(p + 12, &src4.s_addr, 4);
			memcpy(p + 16, &dst4.s_addr, 4);
		}
		ip6[0] = 0x60;
		ip6[4] = (uint8_t)(plen >> 8);
		ip6[5] = (uint8_t)plen;
		ip6[6] = 17;				/* UDP */
		ip6[7] = 64;				/* hop limit */
		memcpy(ip6 + 8, src6, 16);
		memcpy(ip6 + 24, dst6, 16);
		udp[0] = (uint8_t)(SRC_PORT >> 8);
		udp[1] = (uint8_t)SRC_PORT;
		udp[2] = (uint8_t)(port >> 8);
		udp[3] = (uint8_t)port;
		udp[4] = (uint8_t)(plen >> 8);
		udp[5] = (uint8_t)plen;
		for (size_t i = UDP_HLEN; i < plen; i++)
			udp[i] = (uint8_t)i;
		/* RFC 8200 8.1 pseudo-header: src, dst, upper-layer length (32
		 * bits), 3 zero bytes, next header.  The tid word (bytes 6-7 of
		 * the varying address) is zero here and is added per packet. */
		memcpy(pseudo, src6, 16);
		memcpy(pseudo + 16, dst6, 16);
		pseudo[32] = pseudo[33] = 0;
		pseudo[34] = (uint8_t)(plen >> 8);
		pseudo[35] = (uint8_t)plen;
		pseudo[36] = pseudo[37] = pseudo[38] = 0;
		pseudo[39] = 17;
		base_sum = sum16(pseudo, sizeof(pseudo), 0);
		base_sum = sum16(udp, plen, base_sum);
		for (int i = 1; i < BATCH; i++)
			memcpy(bufs + (size_t)i * pktlen, bufs, pktlen);
	}

	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs + (size_t)i * pktlen;
		iov[i].iov_len = pktlen;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		if (v6) {
			memset(&sin6[i], 0, sizeof(sin6[i]));
			sin6[i].sin6_family = AF_INET6;
			memcpy(&sin6[i].sin6_addr, dst6, 16);
			msgs[i].msg_hdr.msg_name = &sin6[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(sin6[i]);
		} else {
			memset(&sin[i], 0, sizeof(sin[i]));
			sin[i].sin_family = AF_INET;
			sin[i].sin_addr = dst4;
			msgs[i].msg_hdr.msg_name = &sin[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(sin[i]);
		}
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	fprintf(stderr, "loadgen: mode %s, %ld tunnels, %ld-byte inner packets, %ld s\n",
		mode, ntun, size, secs);
	t0 = now_s();
	deadline = t0 + (double)secs;
	t1 = t0;
	while (!stop_signal) {
		int r, cnt = BATCH;

		if (maxpkts > 0) {
			if (sent >= (unsigned long long)maxpkts)
				break;
			if ((unsigned long long)maxpkts - sent < BATCH)
				cnt = (int)((unsigned long long)maxpkts - sent);
		}
		if (rate > 0) {
			/* Small batches, each sent when the schedule says so. */
			double due = t0 + (double)sent / (double)rate;
			double wait = due - now_s();
			int per = rate < 64000 ? (int)(rate / 1000) + 1 : BATCH;

			if (cnt > per)
				cnt = per;
			if (due >= deadline)
				break;
			if (wait > 0) {
				struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
				nanosleep(&ts, NULL);
				continue;	/* re-check signals and the clock */
			}
		}
		for (int i = 0; i < cnt; i++) {
			uint8_t *p = bufs + (size_t)i * pktlen, *ip6 = p + off6;
			uint8_t *addr = ip6 + (v6 ? 24 : 8);
			uint8_t *udp = ip6 + IPV6_HLEN;
			uint16_t c = (uint16_t)~fold(base_sum + tid);

			addr[6] = (uint8_t)(tid >> 8);
			addr[7] = (uint8_t)tid;
			if (c == 0)
				c = 0xffff;		/* UDP over IPv6: never 0 */
			udp[6] = (uint8_t)(c >> 8);
			udp[7] = (uint8_t)c;
			if (v6) {
				sin6[i].sin6_addr.s6_addr[6] = (uint8_t)(tid >> 8);
				sin6[i].sin6_addr.s6_addr[7] = (uint8_t)tid;
			} else {
				uint16_t h;
				p[4] = (uint8_t)(ip_id >> 8);
				p[5] = (uint8_t)ip_id;
				if (++ip_id == 0)
					ip_id = 1;
				p[10] = p[11] = 0;
				h = (uint16_t)~fold(sum16(p, IPV4_HLEN, 0));
				p[10] = (uint8_t)(h >> 8);
				p[11] = (uint8_t)h;
			}
			if (++tid >= (unsigned)ntun)
				tid = 0;
		}
		r = sendmmsg(fd, msgs, (unsigned)cnt, 0);
		calls++;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS || errno == EAGAIN || errno == ENOMEM) {
				errs++;
			} else {
				perror("loadgen: sendmmsg");
				if (sent == 0)
					return 1;
				break;
			}
		} else {
			sent += (unsigned long long)r;
			if (r < cnt)
				errs++;
		}
		/* The clock is read once per batch (vDSO, cheap). */
		t1 = now_s();
		if (t1 >= deadline)
			break;
	}
	{
		double el = t1 - t0 > 0 ? t1 - t0 : 1e-9;
		printf("loadgen: mode %s sent %llu packets in %.3f s = %.0f pps "
		       "(%.1f Mbit/s of %ld-byte inner packets, %ld tunnels), "
		       "%llu sendmmsg calls, %llu short/failed\n",
		       mode, sent, el, (double)sent / el,
		       (double)sent * (double)size * 8 / el / 1e6, size, ntun,
		       calls, errs);
	}
	free(bufs);
	close(fd);
	return 0;
}
