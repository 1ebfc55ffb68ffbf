/*
 * sx6in4 — a minimal userspace 6in4 (RFC 4213, IPv6 in IPv4, protocol 41)
 * tunnel client, i.e. what a tunnel user runs against a PoP.  The host's own
 * IPv6 stack (ping, TCP, ...) talks through a layer-3 tun device; sx6in4
 * moves packets between that tun and a raw IPv4 protocol-41 socket.
 *
 *   sx6in4 -i <tunname> -l <local IPv4> -r <remote IPv4> [-m <mtu>]
 *
 * It creates the tun (IFF_TUN|IFF_NO_PI), sets its MTU (default 1480 =
 * 1500 - 20 bytes of IPv4 header) and brings it up; the caller adds IPv6
 * addresses and routes with `ip`.  It runs until SIGINT/SIGTERM and then
 * prints one line of statistics to stderr.
 *
 * Sending: IP_HDRINCL on the protocol-41 raw socket.  We build the whole
 * 20-byte IPv4 header ourselves (DF set, TTL 64, our own ID, RFC 1071
 * checksum) instead of letting the kernel build it, because then every field
 * on the wire is exactly the one written here, independent of the sysctls
 * and PMTU state of the host (ip_default_ttl, ip_no_pmtu_disc, cached PMTU),
 * which makes the tool a predictable reference encoder for tests.  A side
 * effect is that the kernel never fragments these packets: one that does not
 * fit the outgoing interface fails with EMSGSIZE and is counted as a drop
 * (with the tun MTU at 1480 on a 1500-byte path this does not happen).
 * Note raw(7): with IP_HDRINCL the kernel still (re)writes the header
 * checksum, and would fill in a zero ID or source address.
 *
 * Receiving: a raw protocol-41 socket bound to the local address gets every
 * protocol-41 datagram for that address (after IPv4 reassembly), IPv4
 * header included.  Only packets whose outer source is the remote are
 * accepted; the IPv4 header (IHL*4 bytes) is stripped using the header's
 * total length, and the inner packet is written to the tun if it looks
 * like IPv6.  With GRO on the receiving interface the kernel may hand us
 * merged packets larger than the tun MTU: they are written anyway and
 * counted as "oversize".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define BUF_SIZE 65536		/* bounded: an IPv4 datagram is at most 65535 */
#define IPV4_HLEN 20
#define IPV6_HLEN 40
#define PROTO_6IN4 41		/* IPPROTO_IPV6 */
#define BURST 64		/* packets handled per readiness event */

struct stats {
	unsigned long long tx_pkts, tx_bytes;	/* tun -> network */
	unsigned long long rx_pkts, rx_bytes;	/* network -> tun */
	unsigned long long rx_oversize;		/* inner > tun MTU (GRO) */
	unsigned long long drop_tun_bad;	/* non-IPv6 read from tun */
	unsigned long long drop_send;		/* sendto failed */
	unsigned long long drop_net_bad;	/* malformed outer/inner */
	unsigned long long drop_foreign;	/* outer source != remote */
	unsigned long long drop_tun_write;	/* write to tun failed */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static _Noreturn void usage(void)
{
	fprintf(stderr,
		"usage: sx6in4 -i <tunname> -l <local IPv4> -r <remote IPv4> [-m <mtu>]\n"
		"  -i  name of the tun device to create (IFF_TUN|IFF_NO_PI)\n"
		"  -l  local IPv4 address (outer source; raw socket is bound to it)\n"
		"  -r  remote IPv4 address (the PoP; outer destination, only accepted source)\n"
		"  -m  tun MTU, 1280..65515 (default 1480)\n");
	exit(2);
}

/* RFC 1071 Internet checksum over len bytes. */
static uint16_t inet_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int tun_open(const char *name, char *actual)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("sx6in4: open /dev/net/tun");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("sx6in4: TUNSETIFF");
		close(fd);
		return -1;
	}
	snprintf(actual, IFNAMSIZ, "%s", ifr.ifr_name);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		perror("sx6in4: fcntl");
		close(fd);
		return -1;
	}
	return fd;
}

static int link_setup(const char *ifname, int mtu)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = -1;

	if (s < 0) {
		perror("sx6in4: socket");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	ifr.ifr_mtu = mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0) {
		perror("sx6in4: SIOCSIFMTU");
		goto out;
	}
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		perror("sx6in4: SIOCGIFFLAGS");
		goto out;
	}
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
		perror("sx6in4: SIOCSIFFLAGS");
		goto out;
	}
	rc = 0;
out:
	close(s);
	return rc;
}

static int raw_open(struct in_addr local)
{
	struct sockaddr_in sin;
	int one = 1, rcvbuf = 4 << 20;
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, PROTO_6IN4);

	if (fd < 0) {
		perror("sx6in4: socket(AF_INET, SOCK_RAW, 41)");
		return -1;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0) {
		perror("sx6in4: IP_HDRINCL");
		close(fd);
		return -1;
	}
	/* Big receive buffer so TCP bursts are not dropped at the socket;
	 * SO_RCVBUFFORCE needs CAP_NET_ADMIN, fall back quietly. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = local;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("sx6in4: bind local address");
		close(fd);
		return -1;
	}
	return fd;
}

/* Linux lets a raw socket bind to any address, so say so when -l is not
 * (yet) one of ours: nothing would arrive and sends would be spoofed. */
static void check_local(struct in_addr local, const char *lstr)
{
	struct ifaddrs *ifa, *i;
	int found = 0;

	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr.s_addr == local.s_addr)
			found = 1;
	freeifaddrs(ifa);
	if (!found)
		fprintf(stderr, "sx6in4: warning: %s is not an address of this host\n", lstr);
}

/* tun -> network: read IPv6 packets, prepend IPv4 header, send. */
static int tun_to_net(int tun, int raw, struct in_addr local, struct in_addr remote,
		      uint16_t *ip_id, uint8_t *buf, struct stats *st)
{
	struct sockaddr_in dst;

	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_addr = remote;

	for (int i = 0; i < BURST; i++) {
		ssize_t n = read(tun, buf + IPV4_HLEN, BUF_SIZE - IPV4_HLEN);
		size_t tot;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			perror("sx6in4: read tun");
			return -1;
		}
		if (n < IPV6_HLEN || (buf[IPV4_HLEN] >> 4) != 6 ||
		    (size_t)n + IPV4_HLEN > 65535) {
			st->drop_tun_bad++;
			continue;
		}
		tot = (size_t)n + IPV4_HLEN;
		buf[0] = 0x45;				/* version 4, IHL 5 */
		buf[1] = 0;				/* TOS */
		buf[2] = (uint8_t)(tot >> 8);
		buf[3] = (uint8_t)tot;
		buf[4] = (uint8_t)(*ip_id >> 8);
		buf[5] = (uint8_t)*ip_id;
		(*ip_id)++;
		if (*ip_id == 0)			/* 0 means "kernel fills it" */
			*ip_id = 1;
		buf[6] = 0x40;				/* DF, fragment offset 0 */
		buf[7] = 0;
		buf[8] = 64;				/* TTL */
		buf[9] = PROTO_6IN4;
		buf[10] = buf[11] = 0;
		memcpy(buf + 12, &local.s_addr, 4);
		memcpy(buf + 16, &remote.s_addr, 4);
		uint16_t c = inet_csum(buf, IPV4_HLEN);
		buf[10] = (uint8_t)(c >> 8);
		buf[11] = (uint8_t)c;
		for (;;) {
			ssize_t w = sendto(raw, buf, tot, 0, (struct sockaddr *)&dst, sizeof(dst));
			if (w < 0 && errno == EINTR)
				continue;
			if (w == (ssize_t)tot) {
				st->tx_pkts++;
				st->tx_bytes += (unsigned long long)n;
			} else {
				st->drop_send++;
			}
			break;
		}
	}
	return 0;
}

/* network -> tun: receive protocol-41 datagrams, validate, strip, write. */
static int net_to_tun(int raw, int tun, struct in_addr remote, int mtu,
		      uint8_t *buf, struct stats *st)
{
	for (int i = 0; i < BURST; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(raw, buf, BUF_SIZE, MSG_DONTWAIT,
				     (struct sockaddr *)&from, &fl);
		size_t ihl, tot, ilen, plen;
		const uint8_t *in;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			perror("sx6in4: recv raw");
			return -1;
		}
		if (n < IPV4_HLEN || (buf[0] >> 4) != 4) {
			st->drop_net_bad++;
			continue;
		}
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		tot = (size_t)buf[2] << 8 | buf[3];
		if (ihl < IPV4_HLEN || tot < ihl || tot > (size_t)n ||
		    buf[9] != PROTO_6IN4 || ((buf[6] & 0x3f) | buf[7]) != 0) {
			/* short header, truncated, wrong protocol, or a
			 * fragment (the kernel reassembles before raw) */
			st->drop_net_bad++;
			continue;
		}
		if (memcmp(buf + 12, &remote.s_addr, 4) != 0) {
			st->drop_foreign++;
			continue;
		}
		in = buf + ihl;
		ilen = tot - ihl;
		if (ilen < IPV6_HLEN || (in[0] >> 4) != 6) {
			st->drop_net_bad++;
			continue;
		}
		plen = (size_t)in[4] << 8 | in[5];
		if (IPV6_HLEN + plen > ilen) {		/* inner truncated */
			st->drop_net_bad++;
			continue;
		}
		ilen = IPV6_HLEN + plen;		/* drop trailing padding */
		if (ilen > (size_t)mtu)
			st->rx_oversize++;
		for (;;) {
			ssize_t w = write(tun, in, ilen);
			if (w < 0 && errno == EINTR)
				continue;
			if (w == (ssize_t)ilen) {
				st->rx_pkts++;
				st->rx_bytes += ilen;
			} else {
				st->drop_tun_write++;
			}
			break;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *tunname = NULL, *lstr = NULL, *rstr = NULL;
	char ifname[IFNAMSIZ];
	struct in_addr local, remote;
	long mtu = 1480;
	int opt, tun, raw, rc = 0;
	struct stats st;
	struct sigaction sa;
	sigset_t block, waitmask;
	uint16_t ip_id;
	static uint8_t txbuf[BUF_SIZE], rxbuf[BUF_SIZE];

	while ((opt = getopt(argc, argv, "i:l:r:m:h")) != -1) {
		switch (opt) {
		case 'i': tunname = optarg; break;
		case 'l': lstr = optarg; break;
		case 'r': rstr = optarg; break;
		case 'm': {
			char *end;
			errno = 0;
			mtu = strtol(optarg, &end, 10);
			if (errno || *end || mtu < 1280 || mtu > 65515) {
				fprintf(stderr, "sx6in4: bad MTU '%s' (1280..65515)\n", optarg);
				return 2;
			}
			break;
		}
		default: usage();
		}
	}
	if (!tunname || !lstr || !rstr || optind != argc)
		usage();
	if (strlen(tunname) >= IFNAMSIZ || !*tunname) {
		fprintf(stderr, "sx6in4: interface name too long\n");
		return 2;
	}
	if (inet_pton(AF_INET, lstr, &local) != 1 || inet_pton(AF_INET, rstr, &remote) != 1) {
		fprintf(stderr, "sx6in4: -l/-r need dotted-quad IPv4 addresses\n");
		return 2;
	}

	/* Signals are blocked except while waiting in ppoll(): no lost
	 * wake-up between checking the flag and sleeping. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);

	/* Raw socket first: once the tun exists (what callers wait for),
	 * traffic in both directions can already flow. */
	check_local(local, lstr);
	raw = raw_open(local);
	if (raw < 0)
		return 1;
	tun = tun_open(tunname, ifname);
	if (tun < 0)
		return 1;
	if (link_setup(ifname, (int)mtu) < 0)
		return 1;

	memset(&st, 0, sizeof(st));
	ip_id = (uint16_t)(getpid() * 2654435761u >> 16);
	if (ip_id == 0)
		ip_id = 1;
	fprintf(stderr, "sx6in4: %s up, mtu %ld, %s -> %s\n", ifname, mtu, lstr, rstr);

	while (!stop_signal) {
		struct pollfd pfd[2] = {
			{ .fd = tun, .events = POLLIN },
			{ .fd = raw, .events = POLLIN },
		};
		int r = ppoll(pfd, 2, NULL, &waitmask);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("sx6in4: ppoll");
			rc = 1;
			break;
		}
		if ((pfd[0].revents | pfd[1].revents) & (POLLERR | POLLHUP | POLLNVAL)) {
			fprintf(stderr, "sx6in4: descriptor error (revents %#x/%#x)\n",
				(unsigned)pfd[0].revents, (unsigned)pfd[1].revents);
			rc = 1;
			break;
		}
		if ((pfd[0].revents & POLLIN) &&
		    tun_to_net(tun, raw, local, remote, &ip_id, txbuf, &st) < 0) {
			rc = 1;
			break;
		}
		if ((pfd[1].revents & POLLIN) &&
		    net_to_tun(raw, tun, remote, (int)mtu, rxbuf, &st) < 0) {
			rc = 1;
			break;
		}
	}

	fprintf(stderr,
		"sx6in4 %s: tun->net %llu pkts %llu bytes, net->tun %llu pkts %llu bytes "
		"(oversize %llu); drops: tun-bad %llu, send %llu, net-bad %llu, "
		"foreign %llu, tun-write %llu%s\n",
		ifname, st.tx_pkts, st.tx_bytes, st.rx_pkts, st.rx_bytes, st.rx_oversize,
		st.drop_tun_bad, st.drop_send, st.drop_net_bad, st.drop_foreign,
		st.drop_tun_write, stop_signal ? "" : " (error exit)");
	close(raw);
	close(tun);
	return rc;
}
