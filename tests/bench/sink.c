/*
 * sink — counting packet sink for 6in4 PoP benchmarks.
 *
 *   sink -m v4 -t <seconds>              protocol-41 datagrams on a raw
 *                                        AF_INET socket (IPv4 header incl.)
 *   sink -m v6 -p <udp port> -t <seconds> UDP datagrams on an AF_INET6 UDP
 *                                        socket bound to [::]:port
 *
 * Receives with recvmmsg() (64 per call), counts packets and bytes, and
 * after -t seconds (or SIGINT/SIGTERM) prints the count and the rate over
 * the measured window, i.e. from the first to the last packet received, as
 * well as over the whole run.  Payloads are not inspected: buffers are
 * 2 KiB and MSG_TRUNC makes the kernel report real lengths for the byte
 * count.  Prints "sink: ready" on stderr once the socket is listening.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define SLOT 2048
#define MAX_SECONDS 3600

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static _Noreturn void usage(void)
{
	fprintf(stderr,
		"usage: sink -m v4 -t <seconds>\n"
		"       sink -m v6 -p <udp port> -t <seconds>\n");
	exit(2);
}

static long parse_num(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi) {
		fprintf(stderr, "sink: bad %s '%s' (%ld..%ld)\n", what, s, lo, hi);
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

int main(int argc, char **argv)
{
	const char *mode = NULL;
	long port = -1, secs = -1;
	int opt, fd, v6, rcvbuf = 32 << 20;
	static uint8_t bufs[BATCH][SLOT];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned long long pkts = 0, bytes = 0, calls = 0;
	double t0, deadline, first = 0, last = 0, end;
	struct sigaction sa;

	while ((opt = getopt(argc, argv, "m:p:t:h")) != -1) {
		switch (opt) {
		case 'm': mode = optarg; break;
		case 'p': port = parse_num(optarg, 1, 65535, "port"); break;
		case 't': secs = parse_num(optarg, 1, MAX_SECONDS, "seconds"); break;
		default: usage();
		}
	}
	if (!mode || secs < 0 || optind != argc)
		usage();
	if (strcmp(mode, "v4") == 0)
		v6 = 0;
	else if (strcmp(mode, "v6") == 0)
		v6 = 1;
	else
		usage();
	if (v6 && port < 0)
		usage();

	if (v6) {
		struct sockaddr_in6 a;

		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			perror("sink: socket(AF_INET6, SOCK_DGRAM)");
			return 1;
		}
		memset(&a, 0, sizeof(a));
		a.sin6_family = AF_INET6;
		a.sin6_addr = in6addr_any;
		a.sin6_port = htons((uint16_t)port);
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("sink: bind [::]:port");
			return 1;
		}
	} else {
		fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, 41);
		if (fd < 0) {
			perror("sink: socket(AF_INET, SOCK_RAW, 41) (needs CAP_NET_RAW)");
			return 1;
		}
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));

	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = SLOT;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	t0 = now_s();
	deadline = t0 + (double)secs;
	fprintf(stderr, "sink: ready, mode %s%s, %ld s\n", mode, v6 ? " (udp)" : " (proto 41)", secs);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double now = now_s();
		int ms, r;

		if (stop_signal || now >= deadline)
			break;
		ms = (int)((deadline - now) * 1000) + 1;
		if (ms > 200)
			ms = 200;
		r = poll(&pfd, 1, ms);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("sink: poll");
			return 1;
		}
		if (r == 0)
			continue;
		/* Drain while there is something, but keep an eye on the clock. */
		for (int rounds = 0; rounds < 1024; rounds++) {
			int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);

			if (n < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
					perror("sink: recvmmsg");
					return 1;
				}
				break;
			}
			calls++;
			now = now_s();
			if (n > 0 && pkts == 0)
				first = now;
			if (n > 0)
				last = now;
			pkts += (unsigned long long)n;
			for (int i = 0; i < n; i++)
				bytes += msgs[i].msg_len;
			if (n < BATCH || now >= deadline)
				break;
		}
	}
	end = now_s();
	{
		double win = last - first;
		double run = end - t0;

		printf("sink: mode %s received %llu packets (%llu bytes) in %llu recvmmsg calls; "
		       "window %.3f s (first..last packet) = %.0f pps; whole run %.3f s = %.0f pps\n",
		       mode, pkts, bytes, calls, win, win > 0 ? (double)pkts / win : 0.0,
		       run, run > 0 ? (double)pkts / run : 0.0);
	}
	close(fd);
	return 0;
}
