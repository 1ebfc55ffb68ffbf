/*
 * reflector — the "bare reflector": only the unavoidable work of a 6in4 PoP
 * data path, as a ceiling to compare a real PoP daemon against.
 *
 *   reflector -i <tunname> -l <local IPv4> -r <remote IPv4> -t <seconds>
 *
 * decap thread: recvmmsg() batches of protocol-41 datagrams from a raw
 *   AF_INET socket bound to -l, strip the IPv4 header (IHL*4, bounded by the
 *   total length), write() each inner packet to the tun device.  No tunnel
 *   lookup, no source check.
 * encap thread: read() IPv6 packets from the tun (non-blocking, up to 64 per
 *   wake-up), prepend a 20-byte IPv4 header (src -l, dst -r, protocol 41,
 *   DF, TTL 64) and send them with one sendmmsg() on an IPPROTO_RAW socket.
 *   The header checksum and ID are left 0 for the kernel to fill in (raw(7):
 *   with IP_HDRINCL the checksum is always filled in, a zero ID is filled
 *   in), since that work happens in the kernel anyway.
 *
 * The tun device (IFF_TUN|IFF_NO_PI) is created with MTU 1500 and brought
 * up; add addresses/routes with `ip` after "reflector: ready" appears on
 * stderr.  After -t seconds (or SIGINT/SIGTERM) it prints, per second, the
 * packets moved each way, then totals and averages.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define SLOT 65536
#define IPV4_HLEN 20
#define IPV6_HLEN 40
#define TUN_MTU 1500
#define MAX_SECONDS 3600

static atomic_int stop;
static atomic_ullong decap_pkts, decap_drops, encap_pkts, encap_drops;

struct ctx {
	int tun, rx, tx;
	struct in_addr local, remote;
};

static _Noreturn void usage(void)
{
	fprintf(stderr,
		"usage: reflector -i <tunname> -l <local IPv4> -r <remote IPv4> -t <seconds>\n");
	exit(2);
}

static int tun_open(const char *name, char *actual)
{
	struct ifreq ifr;
	int s, fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("reflector: open /dev/net/tun");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("reflector: TUNSETIFF");
		return -1;
	}
	snprintf(actual, IFNAMSIZ, "%s", ifr.ifr_name);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		perror("reflector: socket");
		return -1;
	}
	ifr.ifr_mtu = TUN_MTU;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		perror("reflector: SIOCSIFMTU/SIOCGIFFLAGS");
		return -1;
	}
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
		perror("reflector: SIOCSIFFLAGS");
		return -1;
	}
	close(s);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		perror("reflector: fcntl");
		return -1;
	}
	return fd;
}

static void bigbuf(int fd, int opt, int opt_force)
{
	int v = 32 << 20;

	if (setsockopt(fd, SOL_SOCKET, opt_force, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v));
}

/* Wait up to 100 ms for input so the stop flag is seen promptly. */
static int wait_in(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int r = poll(&pfd, 1, 100);

	if (r < 0 && errno != EINTR)
		return -1;
	return r > 0;
}

static void *decap_thread(void *arg)
{
	struct ctx *c = arg;
	struct mmsghdr *msgs = calloc(BATCH, sizeof(*msgs));
	struct iovec *iov = calloc(BATCH, sizeof(*iov));
	uint8_t *bufs = malloc((size_t)BATCH * SLOT);

	if (!msgs || !iov || !bufs) {
		perror("reflector: decap alloc");
		atomic_store(&stop, 1);
		return NULL;
	}
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs + (size_t)i * SLOT;
		iov[i].iov_len = SLOT;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		int r = wait_in(c->rx);
		unsigned long long ok = 0, bad = 0;

		if (r < 0) {
			perror("reflector: poll raw");
			break;
		}
		if (r == 0)
			continue;
		int n = recvmmsg(c->rx, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;
			perror("reflector: recvmmsg");
			break;
		}
		for (int i = 0; i < n; i++) {
			const uint8_t *p = iov[i].iov_base;
			size_t len = msgs[i].msg_len, ihl, tot;

			if (len < IPV4_HLEN) {
				bad++;
				continue;
			}
			ihl = (size_t)(p[0] & 0x0f) * 4;
			tot = (size_t)p[2] << 8 | p[3];
			if (ihl < IPV4_HLEN || tot > len || tot < ihl + IPV6_HLEN) {
				bad++;
				continue;
			}
			if (write(c->tun, p + ihl, tot - ihl) == (ssize_t)(tot - ihl))
				ok++;
			else
				bad++;
		}
		atomic_fetch_add_explicit(&decap_pkts, ok, memory_order_relaxed);
		if (bad)
			atomic_fetch_add_explicit(&decap_drops, bad, memory_order_relaxed);
	}
	free(bufs);
	free(iov);
	free(msgs);
	return NULL;
}

static void *encap_thread(void *arg)
{
	struct ctx *c = arg;
	struct mmsghdr *msgs = calloc(BATCH, sizeof(*msgs));
	struct iovec *iov = calloc(BATCH, sizeof(*iov));
	uint8_t *bufs = malloc((size_t)BATCH * SLOT);
	struct sockaddr_in dst;

	if (!msgs || !iov || !bufs) {
		perror("reflector: encap alloc");
		atomic_store(&stop, 1);
		return NULL;
	}
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_addr = c->remote;
	for (int i = 0; i < BATCH; i++) {
		uint8_t *p = bufs + (size_t)i * SLOT;

		/* Constant header fields, written once. */
		memset(p, 0, IPV4_HLEN);
		p[0] = 0x45;
		p[6] = 0x40;		/* DF */
		p[8] = 64;		/* TTL */
		p[9] = 41;
		memcpy(p + 12, &c->local.s_addr, 4);
		memcpy(p + 16, &c->remote.s_addr, 4);
		iov[i].iov_base = p;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(dst);
	}
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		int r = wait_in(c->tun), n = 0, s;

		if (r < 0) {
			perror("reflector: poll tun");
			break;
		}
		if (r == 0)
			continue;
		while (n < BATCH) {
			uint8_t *p = bufs + (size_t)n * SLOT;
			ssize_t len = read(c->tun, p + IPV4_HLEN, SLOT - IPV4_HLEN);

			if (len < 0) {
				if (errno == EINTR)
					continue;
				break;		/* EAGAIN: batch complete */
			}
			if (len < IPV6_HLEN || len > 65535 - IPV4_HLEN) {
				atomic_fetch_add_explicit(&encap_drops, 1, memory_order_relaxed);
				continue;
			}
			size_t tot = (size_t)len + IPV4_HLEN;
			p[2] = (uint8_t)(tot >> 8);
			p[3] = (uint8_t)tot;
			iov[n].iov_len = tot;
			n++;
		}
		for (int done = 0; done < n;) {
			s = sendmmsg(c->tx, msgs + done, (unsigned)(n - done), 0);
			if (s < 0) {
				if (errno == EINTR)
					continue;
				/* ENOBUFS & co: drop the rest of this batch */
				atomic_fetch_add_explicit(&encap_drops, (unsigned long long)(n - done),
							  memory_order_relaxed);
				break;
			}
			atomic_fetch_add_explicit(&encap_pkts, (unsigned long long)s,
						  memory_order_relaxed);
			done += s;
		}
	}
	free(bufs);
	free(iov);
	free(msgs);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *tunname = NULL, *lstr = NULL, *rstr = NULL;
	char ifname[IFNAMSIZ];
	long secs = -1;
	int opt;
	struct ctx c;
	struct sockaddr_in sin;
	pthread_t td, te;
	sigset_t sigs;
	unsigned long long *per_d, *per_e, prev_d = 0, prev_e = 0;
	long done_secs = 0;
	struct timespec t0, next;

	while ((opt = getopt(argc, argv, "i:l:r:t:h")) != -1) {
		switch (opt) {
		case 'i': tunname = optarg; break;
		case 'l': lstr = optarg; break;
		case 'r': rstr = optarg; break;
		case 't': {
			char *end;
			errno = 0;
			secs = strtol(optarg, &end, 10);
			if (errno || *end || secs < 1 || secs > MAX_SECONDS) {
				fprintf(stderr, "reflector: bad -t '%s' (1..%d)\n", optarg, MAX_SECONDS);
				return 2;
			}
			break;
		}
		default: usage();
		}
	}
	if (!tunname || !lstr || !rstr || secs < 0 || optind != argc)
		usage();
	if (strlen(tunname) >= IFNAMSIZ) {
		fprintf(stderr, "reflector: interface name too long\n");
		return 2;
	}
	memset(&c, 0, sizeof(c));
	if (inet_pton(AF_INET, lstr, &c.local) != 1 || inet_pton(AF_INET, rstr, &c.remote) != 1) {
		fprintf(stderr, "reflector: -l/-r need IPv4 addresses\n");
		return 2;
	}

	/* Only the main thread takes SIGINT/SIGTERM (via sigtimedwait). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	c.tun = tun_open(tunname, ifname);
	if (c.tun < 0)
		return 1;
	c.rx = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, 41);
	c.tx = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (c.rx < 0 || c.tx < 0) {
		perror("reflector: raw socket (needs CAP_NET_RAW)");
		return 1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = c.local;
	if (bind(c.rx, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("reflector: bind local address");
		return 1;
	}
	bigbuf(c.rx, SO_RCVBUF, SO_RCVBUFFORCE);
	bigbuf(c.tx, SO_SNDBUF, SO_SNDBUFFORCE);

	per_d = calloc((size_t)secs, sizeof(*per_d));
	per_e = calloc((size_t)secs, sizeof(*per_e));
	if (!per_d || !per_e) {
		perror("reflector: calloc");
		return 1;
	}
	if (pthread_create(&td, NULL, decap_thread, &c) != 0 ||
	    pthread_create(&te, NULL, encap_thread, &c) != 0) {
		fprintf(stderr, "reflector: pthread_create failed\n");
		return 1;
	}
	fprintf(stderr, "reflector: ready, %s mtu %d, %s <-> %s, %ld s\n",
		ifname, TUN_MTU, lstr, rstr, secs);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	next = t0;
	while (done_secs < secs && !atomic_load(&stop)) {
		struct timespec now, left;
		unsigned long long d, e;

		next.tv_sec++;
		for (;;) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			left.tv_sec = next.tv_sec - now.tv_sec;
			left.tv_nsec = next.tv_nsec - now.tv_nsec;
			if (left.tv_nsec < 0) {
				left.tv_nsec += 1000000000L;
				left.tv_sec--;
			}
			if (left.tv_sec < 0)
				break;
			if (sigtimedwait(&sigs, NULL, &left) > 0) {
				atomic_store(&stop, 1);
				break;
			}
		}
		if (atomic_load(&stop))
			break;
		d = atomic_load(&decap_pkts);
		e = atomic_load(&encap_pkts);
		per_d[done_secs] = d - prev_d;
		per_e[done_secs] = e - prev_e;
		prev_d = d;
		prev_e = e;
		done_secs++;
	}
	atomic_store(&stop, 1);
	pthread_join(td, NULL);
	pthread_join(te, NULL);

	printf("reflector: second   v4->tun(decap)   tun->v4(encap)\n");
	for (long i = 0; i < done_secs; i++)
		printf("reflector: %6ld %16llu %16llu\n", i + 1, per_d[i], per_e[i]);
	{
		struct timespec now;
		double el;
		unsigned long long d = atomic_load(&decap_pkts), e = atomic_load(&encap_pkts);
		unsigned long long pd = 0, pe = 0, sd = 0, se = 0;
		long nd = 0, ne = 0;

		/* peak second, and the mean over the seconds that saw traffic */
		for (long i = 0; i < done_secs; i++) {
			if (per_d[i] > pd)
				pd = per_d[i];
			if (per_e[i] > pe)
				pe = per_e[i];
			if (per_d[i]) {
				sd += per_d[i];
				nd++;
			}
			if (per_e[i]) {
				se += per_e[i];
				ne++;
			}
		}

		clock_gettime(CLOCK_MONOTONIC, &now);
		el = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
		printf("reflector: total decap %llu pkts (peak %llu pps, active-second mean %.0f pps, "
		       "%llu dropped), encap %llu pkts (peak %llu pps, active-second mean %.0f pps, "
		       "%llu dropped) in %.3f s\n",
		       d, pd, nd ? (double)sd / (double)nd : 0.0, atomic_load(&decap_drops),
		       e, pe, ne ? (double)se / (double)ne : 0.0, atomic_load(&encap_drops), el);
	}
	free(per_d);
	free(per_e);
	close(c.tx);
	close(c.rx);
	close(c.tun);
	return 0;
}
