/* ctl: control port sessions on one epoll loop. */
#include "ctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "cmd.h"
#include "conf.h"
#include "dbg.h"
#include "log.h"
#include "metrics.h"
#include "out.h"
#include "tunnel.h"

/* The largest reply: `tunnel stats` or `tunnel list` over 131,068 slots
 * at about 150 bytes a line. */
#define REPLY_MAX (64u << 20)
#define OUT_LOW (64u << 10) /* run the next line only below this backlog */
#define OUT_CAP (REPLY_MAX + OUT_LOW + 256)
#define IN_CAP 4096
#define CLOSE_GRACE 5 /* seconds to flush a farewell */

#define EV_LISTEN4 0xfffffff0u
#define EV_LISTEN6 0xfffffff1u
#define EV_SIGNAL 0xfffffff2u
#define EV_METRICS 0xfffffff3u

struct sess {
	int fd; /* -1: free */
	bool closing;
	bool eof; /* the peer stopped sending: finish its lines, then close */
	struct cmd_sess cmd;
	char in[IN_CAP];
	size_t inlen;
	char *out; /* this session's part of the reserved reply region */
	size_t outoff, outlen, outhigh;
	uint64_t active; /* monotonic ms of the last input or output progress */
	time_t deadline;
	uint32_t events;
	unsigned dbg_lost; /* debug lines dropped since the last delivered one */
	bool http;         /* a metrics request, not a control session */
	bool forbidden;    /* ... from a peer not in the ACL: read it, answer 403 */
	bool lingering;    /* replied and shut for writing: drain until the peer closes */
	uint64_t born;     /* monotonic ms at accept */
};

static struct sess sessions[CTL_MAX_SESSIONS];
static char *region;  /* CTL_MAX_SESSIONS * OUT_CAP, committed on use */
static char *scratch; /* one command's text before framing */
static int epfd = -1, lfd4 = -1, lfd6 = -1, lfdm = -1;
static struct ctl_opts opt;
static bool stopping;

static const char farewell[] = "404 Tschau, closing down\n";

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int listen_on(int family)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	/* SO_REUSEADDR only: a second daemon must fail to bind, not share. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)opt.port);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)opt.port);
		sl = sizeof(*s4);
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 128) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void ep_add(int fd, uint32_t tag, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u32 = tag };
	epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* The metrics listener: "PORT" means loopback. */
static int listen_metrics(const char *spec)
{
	char host[128] = "127.0.0.1";
	const char *port = spec;
	const char *colon = strrchr(spec, ':');
	if (colon) {
		size_t n = (size_t)(colon - spec);
		if (spec[0] == '[' && n >= 2 && spec[n - 1] == ']') {
			spec++;
			n -= 2;
		}
		if (n == 0 || n >= sizeof(host))
			return -1;
		memcpy(host, spec, n);
		host[n] = '\0';
		port = colon + 1;
	}
	char *end;
	long p = strtol(port, &end, 10);
	if (*port == '\0' || *end || p < 1 || p > 65535)
		return -1;
	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		sl = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		sl = sizeof(*s6);
	} else {
		return -1;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 128) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int ctl_init(const struct ctl_opts *o)
{
	opt = *o;
	region = mmap(NULL, (size_t)CTL_MAX_SESSIONS * OUT_CAP, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	scratch = mmap(NULL, REPLY_MAX, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (region == MAP_FAILED || scratch == MAP_FAILED) {
		log_err("cannot reserve the control reply buffers: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < CTL_MAX_SESSIONS; i++) {
		sessions[i].fd = -1;
		sessions[i].out = region + (size_t)i * OUT_CAP;
	}
	epfd = epoll_create1(EPOLL_CLOEXEC);
	lfd4 = listen_on(AF_INET);
	if (lfd4 < 0)
		log_err("control port: cannot listen on 0.0.0.0:%d: %s", opt.port, strerror(errno));
	lfd6 = listen_on(AF_INET6);
	if (lfd6 < 0)
		log_warn("control port: cannot listen on [::]:%d: %s", opt.port, strerror(errno));
	if (epfd < 0 || (lfd4 < 0 && lfd6 < 0))
		return -1;
	if (lfd4 >= 0)
		ep_add(lfd4, EV_LISTEN4, EPOLLIN);
	if (lfd6 >= 0)
		ep_add(lfd6, EV_LISTEN6, EPOLLIN);
	if (opt.metrics) {
		lfdm = listen_metrics(opt.metrics);
		if (lfdm < 0) {
			log_err("metrics: cannot listen on %s", opt.metrics);
			return -1;
		}
		ep_add(lfdm, EV_METRICS, EPOLLIN);
	}
	return 0;
}

static size_t pending(const struct sess *s)
{
	return s->outlen - s->outoff;
}

/* Move what still waits to be sent to the start of the buffer. */
static void compact(struct sess *s)
{
	if (s->outoff) {
		memmove(s->out, s->out + s->outoff, pending(s));
		s->outlen -= s->outoff;
		s->outoff = 0;
	}
}

static void appended(struct sess *s, size_t n)
{
	s->outlen += n;
	if (s->outlen > s->outhigh)
		s->outhigh = s->outlen;
}

static void queue(struct sess *s, const char *p, size_t n)
{
	if (n > OUT_CAP - s->outlen)
		compact(s);
	if (n > OUT_CAP - s->outlen)
		n = OUT_CAP - s->outlen; /* cannot happen: replies are bounded */
	memcpy(s->out + s->outlen, p, n);
	appended(s, n);
}

static bool deliver_debug(int session, const char *text, size_t len);

static void sess_free(struct sess *s)
{
	int id = (int)(s - sessions);
	tunnel_debug_release_all(id);
	/* Lines still queued for this session go before its slot is reused. */
	dbg_drain(deliver_debug);
	close(s->fd);
	s->fd = -1;
	/* Give back the pages of a large reply. */
	if (s->outhigh > OUT_LOW)
		madvise(s->out, s->outhigh, MADV_DONTNEED);
	s->outhigh = s->outoff = s->outlen = s->inlen = 0;
}

/* Write what we can; a session that has said goodbye closes when drained. */
static void flush(struct sess *s)
{
	while (pending(s)) {
		ssize_t n = send(s->fd, s->out + s->outoff, pending(s), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			s->outoff += (size_t)n;
			s->active = mono_ms();
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		s->outoff = s->outlen; /* peer gone: drop the rest */
		s->closing = true;
		break;
	}
	if (!pending(s)) {
		s->outoff = s->outlen = 0;
		if (s->outhigh > OUT_LOW) {
			madvise(s->out, s->outhigh, MADV_DONTNEED);
			s->outhigh = 0;
		}
	}
}

static void close_with(struct sess *s, const char *msg, time_t now)
{
	if (msg)
		queue(s, msg, strlen(msg));
	s->closing = true;
	s->inlen = 0;
	s->deadline = now + CLOSE_GRACE;
}

static void run_line(struct sess *s, const char *line, time_t now)
{
	struct out text, framed;
	out_init(&text, scratch, REPLY_MAX);
	int code = cmd_exec(&s->cmd, line, &text);
	if (text.overflow) {
		out_reset(&text);
		out_puts(&text, "Reply too large for the reply buffer\n");
		code = 500;
	}
	/* Frame straight into the session's output. */
	compact(s);
	out_init(&framed, s->out + s->outlen, OUT_CAP - s->outlen);
	out_frame(&framed, code, text.buf, text.len);
	appended(s, framed.len);

	if (s->cmd.close != CMD_KEEP) {
		close_with(s, NULL, now);
		if (s->cmd.close == CMD_SHUTDOWN)
			stopping = true;
	}
}

static void http_reply(struct sess *s, int code, const char *reason, bool body, time_t now)
{
	struct out text;
	out_init(&text, scratch, REPLY_MAX);
	if (body)
		metrics_write(&text, false);
	else
		out_printf(&text, "%d %s\n", code, reason);
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n%s\r\n",
			 code, reason, text.len, code == 405 ? "Allow: GET\r\n" : "");
	queue(s, head, (size_t)n);
	queue(s, text.buf, text.len);
	close_with(s, NULL, now);
}

/* A metrics request (GET /metrics): bounded, answered once, then closed. */
static void process_http(struct sess *s, time_t now)
{
	char *end = NULL;
	for (size_t i = 0; i + 1 < s->inlen && !end; i++)
		if (s->in[i] == '\n' && (s->in[i + 1] == '\n' ||
					   (s->in[i + 1] == '\r' && i + 2 < s->inlen && s->in[i + 2] == '\n')))
			end = s->in + i;
	if (!end) {
		if (s->inlen >= IN_CAP)
			http_reply(s, 431, "Request Header Fields Too Large", false, now);
		else if (s->eof)
			close_with(s, NULL, now);
		return;
	}
	if (s->forbidden) {
		http_reply(s, 403, "Forbidden", false, now);
		return;
	}
	char line[IN_CAP];
	size_t n = (size_t)(memchr(s->in, '\n', s->inlen) ? (char *)memchr(s->in, '\n', s->inlen) - s->in : 0);
	memcpy(line, s->in, n);
	line[n] = '\0';
	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	char method[16], target[256], version[16], extra;
	if (sscanf(line, "%15s %255s %15s %c", method, target, version, &extra) != 3 ||
	    strncmp(version, "HTTP/1.", 7) != 0) {
		http_reply(s, 400, "Bad Request", false, now);
		return;
	}
	if (strcmp(method, "GET") != 0) {
		http_reply(s, 405, "Method Not Allowed", false, now);
		return;
	}
	if (strcmp(target, "/metrics") != 0 && strncmp(target, "/metrics?", 9) != 0) {
		http_reply(s, 404, "Not Found", false, now);
		return;
	}
	http_reply(s, 200, "OK", true, now);
}

/* Run every complete line while the reply backlog is small. */
static void process(struct sess *s, time_t now)
{
	if (s->http) {
		if (!s->closing)
			process_http(s, now);
		return;
	}
	while (!s->closing && pending(s) < OUT_LOW) {
		char *lf = memchr(s->in, '\n', s->inlen);
		if (!lf) {
			/* 1023 bytes + CR may still be a valid line; more is not. */
			if (s->inlen > CTL_LINE_MAX + 1 || s->eof)
				close_with(s, farewell, now);
			return;
		}
		size_t len = (size_t)(lf - s->in);
		size_t used = len + 1;
		if (len && s->in[len - 1] == '\r')
			len--;
		if (len > CTL_LINE_MAX) {
			close_with(s, farewell, now);
			return;
		}
		char line[CTL_LINE_MAX + 1];
		memcpy(line, s->in, len);
		line[len] = '\0'; /* a NUL inside truncates the line (C string) */
		memmove(s->in, s->in + used, s->inlen - used);
		s->inlen -= used;
		if (len)
			run_line(s, line, now); /* an empty line gets no reply */
	}
}

static void update_events(struct sess *s)
{
	uint32_t ev = 0;
	if ((!s->closing && !s->eof && pending(s) < OUT_LOW && s->inlen < IN_CAP) || s->lingering)
		ev |= EPOLLIN;
	if (pending(s))
		ev |= EPOLLOUT;
	if (ev != s->events) {
		struct epoll_event e = { .events = ev, .data.u32 = (uint32_t)(s - sessions) };
		epoll_ctl(epfd, EPOLL_CTL_MOD, s->fd, &e);
		s->events = ev;
	}
}

static void on_readable(struct sess *s, time_t now)
{
	if (s->lingering) {
		/* Whatever still comes is dropped; the peer's close ends it. */
		char sink[4096];
		ssize_t n = recv(s->fd, sink, sizeof(sink), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			s->deadline = now;
		return;
	}
	ssize_t n = recv(s->fd, s->in + s->inlen, IN_CAP - s->inlen, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		s->eof = true;
	else
		s->inlen += (size_t)n;
	s->active = mono_ms();
	process(s, now);
}

static void peer_of(const struct sockaddr_storage *ss, struct in6_addr *a)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		memset(a, 0, sizeof(*a));
		a->s6_addr[10] = a->s6_addr[11] = 0xff;
		memcpy(&a->s6_addr[12], &s4->sin_addr, 4);
	} else {
		*a = ((const struct sockaddr_in6 *)ss)->sin6_addr;
	}
}

static void reject(int fd, const struct in6_addr *peer)
{
	char a[ADDR_TEXT_MAX], buf[1024];
	int n = snprintf(buf, sizeof(buf),
			 "HTTP/1.1 301 Content Moved\n"
			 "Date: Sat, 25 Feb 1978 06:06:06\n"
			 "Server: SixXSd\n"
			 "Location: https://www.sixxs.net/\n"
			 "Content-Type: text/html\n"
			 "\n"
			 "<html lang=\"en\">\n"
			 "<head>\n"
			 "<title>SixXSd</title>\n"
			 "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\" />\n"
			 "</head>\n"
			 "\n"
			 "<body>\n"
			 "Information about SixXS can be found on the <a "
			 "href=\"https://www.sixxs.net/\">SixXS website</a>.\n"
			 "</body>\n"
			 "</html>\n"
			 "<!-- Your IP: %s -->\n",
			 addr_fmt(peer, a));
	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("control port: reject send: %s", strerror(errno));
}

static void on_accept(int lfd, bool http)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct in6_addr peer;
		char a[ADDR_TEXT_MAX];
		peer_of(&ss, &peer);
		bool allowed = conf_acl_has(&peer);
		if (!allowed) {
			log_info("%s: %s is not in the CLI ACL", http ? "metrics" : "control port",
				 addr_fmt(&peer, a));
			if (!http) {
				reject(fd, &peer);
				close(fd);
				continue;
			}
			/* A metrics peer gets its 403 after its request is read, so
			 * that closing never resets the connection under the reply. */
		}
		struct sess *s = NULL;
		for (int i = 0; i < CTL_MAX_SESSIONS && !s; i++)
			if (sessions[i].fd < 0)
				s = &sessions[i];
		if (!s) {
			static const char full[] = "500 Too many control sessions, closing down\n";
			log_warn("control port: %d sessions open, refusing %s", CTL_MAX_SESSIONS,
				 addr_fmt(&peer, a));
			if (send(fd, full, sizeof(full) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				log_debug("control port: refuse send: %s", strerror(errno));
			close(fd);
			continue;
		}
		s->fd = fd;
		s->closing = s->eof = false;
		s->dbg_lost = 0;
		s->http = http;
		s->forbidden = !allowed;
		s->lingering = false;
		s->born = mono_ms();
		s->inlen = s->outoff = s->outlen = 0;
		s->active = mono_ms();
		s->events = 0;
		cmd_sess_init(&s->cmd, (int)(s - sessions), &peer);
		if (http) {
			ep_add(fd, (uint32_t)(s - sessions), 0);
			update_events(s);
			continue;
		}
		char banner[256];
		int n = snprintf(banner, sizeof(banner),
				 "200 %s.sixxs.net SixXSd " SIXXSD_VERSION
				 " by Jeroen Massar <jeroen@sixxs.net>\n",
				 conf_own_name());
		queue(s, banner, (size_t)n);
		ep_add(fd, (uint32_t)(s - sessions), 0);
		flush(s);
		update_events(s);
	}
}

#define DEBUG_BACKLOG (256u << 10)

/* A debug line for a session: appended between replies, never inside
 * one; dropped (and later reported) when the session does not keep up. */
static bool deliver_debug(int session, const char *text, size_t len)
{
	if (session < 0 || session >= CTL_MAX_SESSIONS)
		return false;
	struct sess *s = &sessions[session];
	if (s->fd < 0 || s->closing)
		return false;
	if (pending(s) > DEBUG_BACKLOG) {
		s->dbg_lost++;
		return false;
	}
	if (s->dbg_lost) {
		char note[96];
		int n = snprintf(note, sizeof(note), "200 [debug] %u lines dropped\n", s->dbg_lost);
		queue(s, note, (size_t)n);
		s->dbg_lost = 0;
	}
	queue(s, text, len);
	return true;
}

static void on_signal(int sigfd)
{
	struct signalfd_siginfo si;
	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_notice("Received signal %u - ignored (there is no reload)", si.ssi_signo);
			continue;
		}
		log_notice("Received signal %u - shutting down", si.ssi_signo);
		stopping = true;
	}
}

static void sweep(time_t now)
{
	for (int i = 0; i < CTL_MAX_SESSIONS; i++) {
		struct sess *s = &sessions[i];
		if (s->fd < 0)
			continue;
		if (s->http && !s->closing && mono_ms() - s->born >= CTL_HTTP_TIMEOUT * 1000) {
			http_reply(s, 408, "Request Timeout", false, now);
			continue;
		}
		if (!s->http && !s->closing && mono_ms() - s->active >= (uint64_t)opt.idle_timeout * 1000) {
			char a[ADDR_TEXT_MAX];
			log_warn("control port: %s idle for %d seconds, closing",
				 addr_fmt(&s->cmd.peer, a), opt.idle_timeout);
			close_with(s, "500 Tschau, connection timed out\n", now);
		}
	}
}

void ctl_run(int sigfd)
{
	struct epoll_event evs[64];
	time_t last_sweep = 0;
	if (sigfd >= 0)
		ep_add(sigfd, EV_SIGNAL, EPOLLIN);
	while (!stopping) {
		/* Debug lines are collected often while anybody debugs. */
		int n = epoll_wait(epfd, evs, 64, dbg_on() ? 20 : 1000);
		time_t now = time(NULL);
		for (int i = 0; i < n && !stopping; i++) {
			uint32_t tag = evs[i].data.u32;
			if (tag == EV_LISTEN4 || tag == EV_LISTEN6 || tag == EV_METRICS) {
				on_accept(tag == EV_LISTEN4 ? lfd4 : tag == EV_LISTEN6 ? lfd6 : lfdm,
					  tag == EV_METRICS);
				continue;
			}
			if (tag == EV_SIGNAL) {
				on_signal(sigfd);
				continue;
			}
			struct sess *s = &sessions[tag];
			if (s->fd < 0)
				continue;
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				on_readable(s, now);
			flush(s);
			process(s, now); /* lines held back while the backlog was high */
			flush(s);
		}
		dbg_drain(deliver_debug);
		if (now != last_sweep) {
			sweep(now);
			if (opt.tick)
				opt.tick(now);
			last_sweep = now;
		}
		unsigned open_sessions = 0;
		for (int i = 0; i < CTL_MAX_SESSIONS; i++) {
			struct sess *s = &sessions[i];
			if (s->fd < 0)
				continue;
			flush(s);
			if (s->closing && s->http && !pending(s) && !s->lingering && now < s->deadline) {
				/* An HTTP reply is complete: close our side first, so
				 * that bytes the client still sends never reset the
				 * connection under the reply it is reading. */
				shutdown(s->fd, SHUT_WR);
				s->lingering = true;
			}
			if (s->closing && (now >= s->deadline || (!pending(s) && !s->lingering)))
				sess_free(s);
			else
				update_events(s);
			open_sessions += s->fd >= 0 && !s->http;
		}
		metrics_set_sessions(open_sessions);
	}
	/* Every session still open hears that we are going. */
	for (int i = 0; i < CTL_MAX_SESSIONS; i++) {
		struct sess *s = &sessions[i];
		if (s->fd < 0)
			continue;
		if (!s->closing && !s->http)
			queue(s, farewell, sizeof(farewell) - 1);
		flush(s);
		shutdown(s->fd, SHUT_WR);
		sess_free(s);
	}
}

void ctl_close(void)
{
	if (lfd4 >= 0)
		close(lfd4);
	if (lfd6 >= 0)
		close(lfd6);
	if (lfdm >= 0)
		close(lfdm);
	lfdm = -1;
	if (epfd >= 0)
		close(epfd);
	lfd4 = lfd6 = epfd = -1;
	if (region && region != MAP_FAILED)
		munmap(region, (size_t)CTL_MAX_SESSIONS * OUT_CAP);
	if (scratch && scratch != MAP_FAILED)
		munmap(scratch, REPLY_MAX);
	region = scratch = NULL;
}
