/* io: tun queues, raw sockets, routes and the worker threads. */
#include "io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "addr.h"
#include "ayiya.h"
#include "conf.h"
#include "fwd.h"
#include "hb.h"
#include "ipv6.h"
#include "latency.h"
#include "log.h"
#include "nl.h"
#include "proto41.h"
#include "subnet.h"
#include "tunnel.h"

#define BATCH 32
#define BUFSZ (FWD_HEADROOM + 65536)
#define TX_SLOT 1600 /* outer packets are at most 20 + 1480 bytes */
#define VNET sizeof(struct virtio_net_hdr)

/* UDP sockets of a worker: AYIYA and heartbeat, IPv4 and IPv6. */
enum { U_AYIYA4, U_AYIYA6, U_HB4, U_HB6, U_COUNT };

struct worker {
	pthread_t th;
	int tunfd, rawfd, txfd;
	int udp[U_COUNT];
	_Alignas(struct cmsghdr) uint8_t cmsg[BATCH][64]; /* packet-info messages */
	struct fwd_ctx fc;
	uint8_t rx[BATCH][BUFSZ];
	struct mmsghdr rmsg[BATCH];
	struct iovec riov[BATCH];
	uint8_t tunbuf[BUFSZ];
	/* Outgoing IPv4 packets, sent together with sendmmsg. */
	uint8_t tx[BATCH][TX_SLOT];
	struct mmsghdr tmsg[BATCH];
	struct iovec tiov[BATCH];
	struct sockaddr_in tdst[BATCH];
	unsigned ntx;
};

static struct worker *workers;
static unsigned nworkers;

/* The latency prober: its own engine context, sending directly (the
 * workers' batches are theirs alone). */
static struct fwd_ctx probe_ctx;
static pthread_t probe_th;
static int probe_txfd = -1;
static unsigned probe_period = 60;
static int ifindex;
static atomic_bool stopping;

static void tx_flush(struct worker *w)
{
	unsigned done = 0;
	while (done < w->ntx) {
		int n = sendmmsg(w->txfd, w->tmsg + done, w->ntx - done, 0);
		if (n <= 0) {
			done++; /* that one failed: skip it (counted below) */
			fwd_error(&w->fc, ADDR_NONE, TERR_SEND_ERROR, NULL, NULL, 0);
			continue;
		}
		done += (unsigned)n;
	}
	w->ntx = 0;
}

static int io_to_ipv4(struct fwd_ctx *c, uint8_t *pkt, size_t len)
{
	struct worker *w = c->user;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	memcpy(&dst.sin_addr, pkt + 16, 4);
	if (len > TX_SLOT) {
		if (sendto(w->txfd, pkt, len, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
			return -errno;
		return 0;
	}
	if (w->ntx == BATCH)
		tx_flush(w);
	unsigned i = w->ntx++;
	memcpy(w->tx[i], pkt, len);
	w->tiov[i].iov_base = w->tx[i];
	w->tiov[i].iov_len = len;
	w->tdst[i] = dst;
	memset(&w->tmsg[i], 0, sizeof(w->tmsg[i]));
	w->tmsg[i].msg_hdr.msg_iov = &w->tiov[i];
	w->tmsg[i].msg_hdr.msg_iovlen = 1;
	w->tmsg[i].msg_hdr.msg_name = &w->tdst[i];
	w->tmsg[i].msg_hdr.msg_namelen = sizeof(dst);
	return 0;
}

static int io_to_tun(struct fwd_ctx *c, uint8_t *pkt, size_t len, uint16_t gso)
{
	struct worker *w = c->user;
	struct virtio_net_hdr h;
	memset(&h, 0, sizeof(h));
	if (gso && pkt[6] == 6 && len > IPV6_HDR + 20) {
		/* A merged TCP packet: the kernel segments it again, so TCP
		 * through a tunnel keeps working with GRO on the uplink. */
		size_t thl = (size_t)(pkt[IPV6_HDR + 12] >> 4) * 4;
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
		h.gso_size = gso;
		h.hdr_len = (uint16_t)(IPV6_HDR + thl);
		h.csum_start = IPV6_HDR;
		h.csum_offset = 16;
		/* With NEEDS_CSUM the field holds the pseudo-header sum. */
		uint32_t s = csum_pseudo6(pkt + 8, pkt + 24, (uint32_t)(len - IPV6_HDR), 6);
		put16(pkt + IPV6_HDR + 16, (uint16_t)~csum_fold(s));
	}
	struct iovec iov[2] = { { &h, VNET }, { pkt, len } };
	ssize_t n = writev(w->tunfd, iov, 2);
	return n < 0 ? -errno : 0;
}

/* Replies leave from the exact address the client sent to (IP_PKTINFO /
 * IPV6_PKTINFO), from the AYIYA port (dataplane §8.1). */
static int io_to_udp(struct fwd_ctx *c, const struct in6_addr *local, uint16_t port_us,
		     const struct in6_addr *remote, uint16_t port, const uint8_t *data, size_t len)
{
	struct worker *w = c->user;
	(void)port_us;
	bool v4 = addr_is_v4mapped(remote);
	union {
		struct sockaddr_in s4;
		struct sockaddr_in6 s6;
	} to;
	_Alignas(struct cmsghdr) char cbuf[64];
	memset(&to, 0, sizeof(to));
	memset(cbuf, 0, sizeof(cbuf));
	struct iovec iov = { (void *)data, len };
	struct msghdr m = { .msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf };
	struct cmsghdr *cm = (struct cmsghdr *)(void *)cbuf;
	if (v4) {
		to.s4.sin_family = AF_INET;
		to.s4.sin_port = htons(port);
		memcpy(&to.s4.sin_addr, &remote->s6_addr[12], 4);
		m.msg_namelen = sizeof(to.s4);
		if (addr_is_v4mapped(local)) {
			struct in_pktinfo pi = { 0 };
			memcpy(&pi.ipi_spec_dst, &local->s6_addr[12], 4);
			cm->cmsg_level = IPPROTO_IP;
			cm->cmsg_type = IP_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
			m.msg_controllen = CMSG_SPACE(sizeof(pi));
		}
	} else {
		to.s6.sin6_family = AF_INET6;
		to.s6.sin6_port = htons(port);
		to.s6.sin6_addr = *remote;
		m.msg_namelen = sizeof(to.s6);
		if (!addr_is_zero(local) && !addr_is_v4mapped(local)) {
			struct in6_pktinfo pi = { .ipi6_addr = *local };
			cm->cmsg_level = IPPROTO_IPV6;
			cm->cmsg_type = IPV6_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
			m.msg_controllen = CMSG_SPACE(sizeof(pi));
		}
	}
	if (!m.msg_controllen)
		m.msg_control = NULL;
	int fd = w->udp[v4 ? U_AYIYA4 : U_AYIYA6];
	if (fd < 0)
		return -97; /* EAFNOSUPPORT */
	return sendmsg(fd, &m, MSG_DONTWAIT) < 0 ? -errno : 0;
}

static const struct fwd_io io_ops = { .to_tun = io_to_tun, .to_ipv4 = io_to_ipv4, .to_udp = io_to_udp };

static int probe_to_ipv4(struct fwd_ctx *c, uint8_t *pkt, size_t len)
{
	(void)c;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	memcpy(&dst.sin_addr, pkt + 16, 4);
	return sendto(probe_txfd, pkt, len, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0 ? -errno : 0;
}

/* Writes to a tun queue and sends on a UDP socket are whole packets, so
 * the prober may use worker 0's descriptors beside it. */
static const struct fwd_io probe_ops = { .to_tun = io_to_tun, .to_ipv4 = probe_to_ipv4,
					 .to_udp = io_to_udp };

/* Every period each live tunnel gets one probe; the sends are spread over
 * the period, so a pass over 131,068 slots never comes as one burst. */
static void *prober_main(void *arg)
{
	(void)arg;
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	uint64_t start_ms = 0;
	uint32_t cursor = 0;
	latency_rotate();
	fwd_ctx_tick(&probe_ctx);
	start_ms = probe_ctx.now_ms;
	while (!atomic_load_explicit(&stopping, memory_order_relaxed)) {
		nanosleep(&tick, NULL);
		fwd_ctx_tick(&probe_ctx);
		uint64_t elapsed = probe_ctx.now_ms - start_ms, period = (uint64_t)probe_period * 1000;
		uint32_t n = tunnel_count();
		uint32_t target = elapsed >= period ? n : (uint32_t)((uint64_t)n * elapsed / period);
		while (cursor < target && !atomic_load_explicit(&stopping, memory_order_relaxed))
			latency_probe(&probe_ctx, cursor++);
		if (elapsed >= period) {
			start_ms += period;
			cursor = 0;
			latency_rotate();
		}
	}
	return NULL;
}

/* Source, and local destination from the packet-info message. */
static void udp_addrs(struct msghdr *m, struct in6_addr *src, uint16_t *sport, struct in6_addr *dst)
{
	memset(dst, 0, sizeof(*dst));
	struct sockaddr_storage *ss = m->msg_name;
	if (ss->ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		memset(src, 0, sizeof(*src));
		src->s6_addr[10] = src->s6_addr[11] = 0xff;
		memcpy(&src->s6_addr[12], &s4->sin_addr, 4);
		*sport = ntohs(s4->sin_port);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		*src = s6->sin6_addr;
		*sport = ntohs(s6->sin6_port);
	}
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			dst->s6_addr[10] = dst->s6_addr[11] = 0xff;
			memcpy(&dst->s6_addr[12], &pi.ipi_addr, 4);
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			*dst = pi.ipi6_addr;
		}
	}
}

/* The receive batch: every packet lands with FWD_HEADROOM in front; UDP
 * also wants the sender and the packet-info message. */
static void rx_prepare(struct worker *w, struct sockaddr_storage *from)
{
	for (unsigned i = 0; i < BATCH; i++) {
		struct msghdr *m = &w->rmsg[i].msg_hdr;
		w->riov[i].iov_base = w->rx[i] + FWD_HEADROOM;
		w->riov[i].iov_len = BUFSZ - FWD_HEADROOM;
		memset(m, 0, sizeof(*m));
		m->msg_iov = &w->riov[i];
		m->msg_iovlen = 1;
		if (from) {
			m->msg_name = &from[i];
			m->msg_namelen = sizeof(from[i]);
			m->msg_control = w->cmsg[i];
			m->msg_controllen = sizeof(w->cmsg[i]);
		}
	}
}

static void read_udp(struct worker *w, int kind)
{
	struct sockaddr_storage from[BATCH];
	rx_prepare(w, from);
	int n = recvmmsg(w->udp[kind], w->rmsg, BATCH, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n; i++) {
		struct in6_addr src, dst;
		uint16_t sport;
		udp_addrs(&w->rmsg[i].msg_hdr, &src, &sport, &dst);
		uint8_t *d = w->rx[i] + FWD_HEADROOM;
		size_t len = w->rmsg[i].msg_len;
		if (kind == U_AYIYA4 || kind == U_AYIYA6)
			ayiya_input(&w->fc, d, len, &src, sport, &dst, AYIYA_PORT);
		else
			hb_input(&w->fc, d, len, &src, &dst);
	}
}

static void read_raw(struct worker *w)
{
	rx_prepare(w, NULL);
	int n = recvmmsg(w->rawfd, w->rmsg, BATCH, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n; i++)
		proto41_input(&w->fc, w->rx[i] + FWD_HEADROOM, w->rmsg[i].msg_len);
}

static void read_tun(struct worker *w)
{
	for (unsigned i = 0; i < BATCH; i++) {
		uint8_t *p = w->tunbuf + FWD_HEADROOM;
		ssize_t n = read(w->tunfd, p - VNET, BUFSZ - FWD_HEADROOM + VNET);
		if (n <= (ssize_t)VNET)
			return;
		fwd_from_tun(&w->fc, p, (size_t)n - VNET);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pollfd pf[2 + U_COUNT] = { { w->rawfd, POLLIN, 0 }, { w->tunfd, POLLIN, 0 } };
	for (int k = 0; k < U_COUNT; k++)
		pf[2 + k] = (struct pollfd){ w->udp[k], POLLIN, 0 }; /* -1 is skipped by poll */
	while (!atomic_load_explicit(&stopping, memory_order_relaxed)) {
		if (poll(pf, 2 + U_COUNT, 250) <= 0)
			continue;
		fwd_ctx_tick(&w->fc);
		if (pf[0].revents & POLLIN)
			read_raw(w);
		if (pf[1].revents & POLLIN)
			read_tun(w);
		for (int k = 0; k < U_COUNT; k++)
			if (pf[2 + k].revents & POLLIN)
				read_udp(w, k);
		if (w->ntx)
			tx_flush(w);
	}
	return NULL;
}

/* One UDP socket per worker and port: SO_REUSEPORT spreads clients over
 * the workers by address and port, so one client stays on one worker. */
static int udp_socket(int family, uint16_t port)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1, sz = 8 << 20;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	int rc;
	if (family == AF_INET) {
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
		rc = bind(fd, (struct sockaddr *)&a, sizeof(a));
	} else {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
		struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
		rc = bind(fd, (struct sockaddr *)&a, sizeof(a));
	}
	if (rc != 0) {
		log_warn("cannot bind UDP port %u (%s): %s", port, family == AF_INET ? "IPv4" : "IPv6",
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int tun_queue(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int link_up(const char *name)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return rc;
}

static void write_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		log_warn("cannot set %s to %s: %s", path, value, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Only this worker's share of the tunnel endpoints: per-endpoint order is
 * kept and counters of one tunnel are touched by one thread. */
static int raw_socket(unsigned idx, unsigned n)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IPV6);
	if (fd < 0)
		return -1;
	int sz = 8 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 12), /* outer source address */
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, n),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, idx, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	if (n > 1 && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void daemon_addr(const struct in6_addr *p, struct in6_addr *out)
{
	*out = *p;
	out->s6_addr[6] = out->s6_addr[7] = 0xff;
	memset(&out->s6_addr[8], 0, 8);
	out->s6_addr[15] = 1;
}

/* Route a prefix into the tun: P:ffff::1 on the device and P::/48 via it
 * (dataplane §1.3); subnet prefixes via the first P:ffff::1. */
static void route_prefix(const struct in6_addr *p, unsigned len)
{
	struct in6_addr gw, host;
	char a[INET6_ADDRSTRLEN];
	int rc = 0;
	if (len == 48 && conf_tprefix_find(p) >= 0) {
		daemon_addr(p, &host);
		rc = nl_route6(ifindex, &host, 128, NULL);
		if (rc == 0)
			rc = nl_route6(ifindex, p, 48, &host);
	} else if (conf_tprefix_count() > 0) {
		daemon_addr(conf_tprefix(0), &gw);
		rc = nl_route6(ifindex, p, len, &gw);
	} else {
		rc = nl_route6(ifindex, p, len, NULL);
	}
	if (rc)
		log_err("cannot route %s/%u into the tun: %s", inet_ntop(AF_INET6, p, a, sizeof(a)), len,
			strerror(-rc));
	else
		log_info("routed %s/%u into the tun", inet_ntop(AF_INET6, p, a, sizeof(a)), len);
}

/* A kernel sit driver would answer proto-41 for addresses it has no tunnel
 * for: take it out as the historic daemon did, or say why we cannot. */
static void unload_sit(void)
{
	if (access("/sys/module/sit", F_OK) != 0)
		return;
	if (syscall(SYS_delete_module, "sit", O_NONBLOCK) == 0)
		log_notice("unloaded the kernel's sit module");
	else
		log_warn("the kernel's sit module is loaded and could not be unloaded (%s): it may "
			 "answer protocol 41 meant for sixxsd", strerror(errno));
	if (access("/sys/module/tunnel4", F_OK) == 0)
		syscall(SYS_delete_module, "tunnel4", O_NONBLOCK);
}

int io_open(const struct io_opts *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	nworkers = o->workers ? o->workers : (unsigned)(cpus > 0 ? cpus : 1);
	if (nworkers > IO_MAX_WORKERS)
		nworkers = IO_MAX_WORKERS;
	workers = calloc(nworkers, sizeof(*workers));
	if (!workers) {
		log_err("cannot allocate %u workers", nworkers);
		return -1;
	}
	unload_sit();
	for (unsigned i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];
		w->tunfd = tun_queue(o->ifname);
		w->rawfd = raw_socket(i, nworkers);
		w->txfd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		if (w->tunfd < 0 || w->rawfd < 0 || w->txfd < 0) {
			log_err("data plane: cannot open %s (%s)",
				w->tunfd < 0 ? "the tun device" : "a raw socket", strerror(errno));
			return -1;
		}
		fwd_ctx_init(&w->fc, &io_ops, w);
		w->udp[U_AYIYA4] = udp_socket(AF_INET, AYIYA_PORT);
		w->udp[U_AYIYA6] = udp_socket(AF_INET6, AYIYA_PORT);
		w->udp[U_HB4] = udp_socket(AF_INET, HB_PORT);
		w->udp[U_HB6] = udp_socket(AF_INET6, HB_PORT);
		if (w->udp[U_AYIYA4] < 0 || w->udp[U_HB4] < 0) {
			log_err("data plane: cannot open the AYIYA/heartbeat sockets");
			return -1;
		}
	}
	ifindex = (int)if_nametoindex(o->ifname);
	char path[128];
	/* No link-local address, no router solicitations into our own tun. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/addr_gen_mode", o->ifname);
	write_sysctl(path, "1");
	write_sysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1");
	write_sysctl("/proc/sys/net/ipv6/conf/default/forwarding", "1");

	if (link_up(o->ifname) != 0) {
		log_err("cannot bring %s up: %s", o->ifname, strerror(errno));
		return -1;
	}

	for (unsigned k = 0; k < conf_tprefix_count(); k++)
		route_prefix(conf_tprefix(k), 48);
	for (unsigned k = 0; k < subnet_prefix_count(); k++) {
		unsigned len;
		const struct in6_addr *p = subnet_prefix(k, &len);
		route_prefix(p, len);
	}
	conf_set_prefix_hook(route_prefix);

	probe_txfd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (probe_txfd < 0) {
		log_err("data plane: cannot open the prober's raw socket: %s", strerror(errno));
		return -1;
	}
	fwd_ctx_init(&probe_ctx, &probe_ops, &workers[0]);
	if (o->latency_period)
		probe_period = o->latency_period;
	return 0;
}

int io_run(void)
{
	for (unsigned i = 0; i < nworkers; i++) {
		if (pthread_create(&workers[i].th, NULL, worker_main, &workers[i]) != 0) {
			log_err("cannot start worker %u", i);
			return -1;
		}
	}
	if (pthread_create(&probe_th, NULL, prober_main, NULL) != 0) {
		log_err("cannot start the latency prober");
		return -1;
	}
	log_notice("data plane up: %u workers, latency probes every %u s", nworkers, probe_period);
	return 0;
}

void io_stop(void)
{
	if (!workers)
		return;
	atomic_store(&stopping, true);
	for (unsigned i = 0; i < nworkers; i++) {
		if (workers[i].th)
			pthread_join(workers[i].th, NULL);
		close(workers[i].tunfd);
		close(workers[i].rawfd);
		close(workers[i].txfd);
		for (int k = 0; k < U_COUNT; k++)
			if (workers[i].udp[k] >= 0)
				close(workers[i].udp[k]);
		fwd_ctx_free(&workers[i].fc);
	}
	if (probe_th)
		pthread_join(probe_th, NULL);
	probe_th = 0;
	fwd_ctx_free(&probe_ctx);
	if (probe_txfd >= 0)
		close(probe_txfd);
	probe_txfd = -1;
	conf_set_prefix_hook(NULL);
	free(workers);
	workers = NULL;
	nworkers = 0;
}

unsigned io_workers(void)
{
	return nworkers;
}

unsigned long io_prober_id(void)
{
	return (unsigned long)probe_th;
}

unsigned long io_worker_id(unsigned i)
{
	return i < nworkers && workers ? (unsigned long)workers[i].th : 0;
}
