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
#include "conf.h"
#include "fwd.h"
#include "ipv6.h"
#include "log.h"
#include "nl.h"
#include "proto41.h"
#include "subnet.h"
#include "tunnel.h"

#define BATCH 32
#define BUFSZ (FWD_HEADROOM + 65536)
#define TX_SLOT 1600 /* outer packets are at most 20 + 1480 bytes */
#define VNET sizeof(struct virtio_net_hdr)

struct worker {
	pthread_t th;
	unsigned idx;
	int tunfd, rawfd, txfd;
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

static const struct fwd_io io_ops = { .to_tun = io_to_tun, .to_ipv4 = io_to_ipv4 };

static void read_raw(struct worker *w)
{
	for (unsigned i = 0; i < BATCH; i++) {
		w->riov[i].iov_base = w->rx[i] + FWD_HEADROOM;
		w->riov[i].iov_len = BUFSZ - FWD_HEADROOM;
		memset(&w->rmsg[i].msg_hdr, 0, sizeof(w->rmsg[i].msg_hdr));
		w->rmsg[i].msg_hdr.msg_iov = &w->riov[i];
		w->rmsg[i].msg_hdr.msg_iovlen = 1;
	}
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
	struct pollfd pf[2] = { { w->rawfd, POLLIN, 0 }, { w->tunfd, POLLIN, 0 } };
	while (!atomic_load_explicit(&stopping, memory_order_relaxed)) {
		if (poll(pf, 2, 250) <= 0)
			continue;
		fwd_ctx_tick(&w->fc);
		if (pf[0].revents & POLLIN)
			read_raw(w);
		if (pf[1].revents & POLLIN)
			read_tun(w);
		if (w->ntx)
			tx_flush(w);
	}
	return NULL;
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
		w->idx = i;
		w->tunfd = tun_queue(o->ifname);
		w->rawfd = raw_socket(i, nworkers);
		w->txfd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		if (w->tunfd < 0 || w->rawfd < 0 || w->txfd < 0) {
			log_err("data plane: cannot open %s (%s)",
				w->tunfd < 0 ? "the tun device" : "a raw socket", strerror(errno));
			return -1;
		}
		fwd_ctx_init(&w->fc, &io_ops, w);
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
	log_notice("data plane up: %u workers", nworkers);
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
	}
	conf_set_prefix_hook(NULL);
	free(workers);
	workers = NULL;
	nworkers = 0;
}

unsigned io_workers(void)
{
	return nworkers;
}

unsigned long io_worker_id(unsigned i)
{
	return i < nworkers && workers ? (unsigned long)workers[i].th : 0;
}
