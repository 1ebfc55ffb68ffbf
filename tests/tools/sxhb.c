/*
 * sxhb — heartbeat sender for dynamic proto-41 tunnels, as AICCU sends it.
 * Written from the protocol specification (shared/spec/dataplane.md §7)
 * only, so that it is an independent implementation to test the daemon
 * against.
 *
 *   sxhb -s <PoP address> -I <identity> -P <password> [-S <sender>]
 *        [-i <interval s>] [-n <count>] [-o <clock offset s>]
 *        [-L <local bind address>] [-U] [-g <garbage>] [-B]
 *   sxhb --selftest
 *
 * Each heartbeat is one UDP datagram to <PoP>:3740 (IPv4 or IPv6 after the
 * -s address), sent from a fresh socket (ephemeral port, optionally bound to
 * -L) like AICCU does:
 *
 *   HEARTBEAT TUNNEL <identity> <sender> <epoch> <md5hex>
 *
 * with epoch = time(NULL) + offset in canonical decimal and
 *   md5hex = lowercase_hex(MD5("HEARTBEAT TUNNEL <identity> <sender> <epoch> <password>"))
 * (§7.3).  No line terminator is sent.  Identity and sender are sent and
 * hashed verbatim (not validated), so broken ones can be tested too.
 *
 *   -S  sender text (default "sender", what AICCU sends)
 *   -i  interval between heartbeats in seconds (default 60; 0 = back to back)
 *   -n  number of heartbeats (default 0 = until SIGINT/SIGTERM)
 *   -o  clock offset added to time(NULL), for clock-skew tests
 *   -U  send the digest in upper case (a server must reject it)
 *   -g  append this text verbatim after the digest (e.g. $'\r\n', or junk)
 *   -B  write the datagram that would be sent to stdout (no newline added)
 *       once, and exit without sending; -s is then optional
 *
 * Each datagram sent is echoed on stderr ("sxhb: -> ..."); at the end one
 * line "sxhb: sent N heartbeats, E send errors" goes to stderr.  The exit
 * status is 0 when every heartbeat was sent, 1 otherwise.
 *
 * --selftest checks the §7.3 worked example and exits 0 (pass) or 1.
 */
#include <arpa/inet.h>
#include <ctype.h>
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

#define HB_PORT 3740
#define HB_PREFIX "HEARTBEAT TUNNEL "
#define MD5_LEN 16
#define DGRAM_MAX 8192		/* bounded; the server itself rejects >= 256 */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/*
 * Build the heartbeat into out (size cap).  Returns its length, or -1 if it
 * does not fit or MD5 fails.  Not NUL-terminated beyond the returned length
 * unless room remains (it always does when the return is < cap).
 */
static int hb_build(char *out, size_t cap, const char *ident, const char *sender,
		    long long epoch, const char *pw, int upper, const char *garbage)
{
	static const char hx[] = "0123456789abcdef";
	uint8_t md[MD5_LEN];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	size_t len, i, glen = garbage ? strlen(garbage) : 0;
	int n, ok;

	n = snprintf(out, cap, HB_PREFIX "%s %s %lld ", ident, sender, epoch);
	if (n < 0 || (size_t)n + 2 * MD5_LEN + glen + 1 > cap)
		return -1;
	len = (size_t)n;
	/* M = the text so far (prefix identity sender epoch, single spaces) + password */
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) &&
	     EVP_DigestUpdate(ctx, out, len) &&
	     EVP_DigestUpdate(ctx, pw, strlen(pw)) &&
	     EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == MD5_LEN;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	for (i = 0; i < MD5_LEN; i++) {
		out[len++] = hx[md[i] >> 4];
		out[len++] = hx[md[i] & 15];
	}
	if (upper)
		for (i = len - 2 * MD5_LEN; i < len; i++)
			out[i] = (char)toupper((unsigned char)out[i]);
	if (glen) {
		memcpy(out + len, garbage, glen);
		len += glen;
	}
	out[len] = '\0';
	return (int)len;
}

static int selftest(void)
{
	static const char want[] =
		"HEARTBEAT TUNNEL 2001:db8:1234:2a::2 sender 1700000000 aa6ec74bb0e1d6b722fe53b014c4dd5a";
	static const char want_u[] =
		"HEARTBEAT TUNNEL 2001:db8:1234:2a::2 sender 1700000000 AA6EC74BB0E1D6B722FE53B014C4DD5A\r\n";
	char buf[512];
	int n, fails = 0;

	n = hb_build(buf, sizeof(buf), "2001:db8:1234:2a::2", "sender", 1700000000LL,
		     "0123456789abcdef0123456789abcdef", 0, NULL);
	if (n == (int)strlen(want) && memcmp(buf, want, (size_t)n) == 0) {
		fprintf(stderr, "sxhb selftest: ok  : §7.3 vector\n");
	} else {
		fprintf(stderr, "sxhb selftest: FAIL: §7.3 vector\n  built    %s\n  expected %s\n",
			n > 0 ? buf : "(error)", want);
		fails++;
	}
	n = hb_build(buf, sizeof(buf), "2001:db8:1234:2a::2", "sender", 1700000000LL,
		     "0123456789abcdef0123456789abcdef", 1, "\r\n");
	if (n == (int)strlen(want_u) && memcmp(buf, want_u, (size_t)n) == 0) {
		fprintf(stderr, "sxhb selftest: ok  : -U / -g variant\n");
	} else {
		fprintf(stderr, "sxhb selftest: FAIL: -U / -g variant\n");
		fails++;
	}
	n = hb_build(buf, 60, "2001:db8:1234:2a::2", "sender", 1700000000LL, "x", 0, NULL);
	if (n == -1) {
		fprintf(stderr, "sxhb selftest: ok  : bounded buffer\n");
	} else {
		fprintf(stderr, "sxhb selftest: FAIL: bounded buffer\n");
		fails++;
	}
	fprintf(stderr, "sxhb selftest: %s\n", fails ? "FAILED" : "all passed");
	return fails ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sxhb -s <PoP address> -I <identity> -P <password> [-S <sender, \"sender\">]\n"
		"            [-i <interval s, 60>] [-n <count, 0 = forever>] [-o <clock offset s>]\n"
		"            [-L <local bind address>] [-U] [-g <garbage>] [-B]\n"
		"       sxhb --selftest\n");
	exit(2);
}

static long long parse_ll(const char *s, long long lo, long long hi, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "sxhb: bad %s '%s' (%lld..%lld)\n", what, s, lo, hi);
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

/* One heartbeat from a fresh socket.  0 on success. */
static int send_one(const struct sockaddr_storage *dst, socklen_t dlen,
		    const struct sockaddr_storage *src, socklen_t slen,
		    const char *buf, size_t len)
{
	int fd = socket(dst->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ssize_t r;

	if (fd < 0) {
		perror("sxhb: socket");
		return -1;
	}
	if (src && bind(fd, (const struct sockaddr *)src, slen) < 0) {
		perror("sxhb: bind");
		close(fd);
		return -1;
	}
	r = sendto(fd, buf, len, 0, (const struct sockaddr *)dst, dlen);
	if (r != (ssize_t)len)
		perror("sxhb: sendto");
	close(fd);
	return r == (ssize_t)len ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "selftest", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *pop = NULL, *ident = NULL, *pw = NULL, *sender = "sender";
	const char *local = NULL, *garbage = NULL;
	long long interval = 60, count = 0, offset = 0, sent = 0, errs = 0, k;
	int upper = 0, stdout_mode = 0, c, n;
	struct sockaddr_storage dst, src;
	socklen_t dlen = 0, slen = 0;
	struct sigaction sa;
	struct timespec next;
	char buf[DGRAM_MAX];

	while ((c = getopt_long(argc, argv, "s:I:P:S:i:n:o:L:Ug:Bh", lopts, NULL)) != -1) {
		switch (c) {
		case 'T': return selftest();
		case 's': pop = optarg; break;
		case 'I': ident = optarg; break;
		case 'P': pw = optarg; break;
		case 'S': sender = optarg; break;
		case 'i': interval = parse_ll(optarg, 0, 86400, "interval"); break;
		case 'n': count = parse_ll(optarg, 0, 1LL << 40, "count"); break;
		case 'o': offset = parse_ll(optarg, -(1LL << 33), 1LL << 33, "offset"); break;
		case 'L': local = optarg; break;
		case 'U': upper = 1; break;
		case 'g': garbage = optarg; break;
		case 'B': stdout_mode = 1; break;
		default: usage();
		}
	}
	if (optind != argc || !ident || !pw || (!pop && !stdout_mode))
		usage();

	if (stdout_mode) {
		n = hb_build(buf, sizeof(buf), ident, sender, (long long)time(NULL) + offset,
			     pw, upper, garbage);
		if (n < 0) {
			fprintf(stderr, "sxhb: heartbeat does not fit in %d bytes\n", DGRAM_MAX);
			return 1;
		}
		return fwrite(buf, 1, (size_t)n, stdout) == (size_t)n && fflush(stdout) == 0 ? 0 : 1;
	}

	if (parse_addr(pop, HB_PORT, &dst, &dlen) < 0) {
		fprintf(stderr, "sxhb: PoP '%s' is not an IPv4/IPv6 address\n", pop);
		return 2;
	}
	if (local && parse_addr(local, 0, &src, &slen) != dst.ss_family) {
		fprintf(stderr, "sxhb: local address '%s' is not of the PoP's family\n", local);
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (k = 0; !stop_flag && (count == 0 || k < count); k++) {
		if (k > 0) {
			next.tv_sec += (time_t)interval;
			while (!stop_flag &&
			       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
				;
			if (stop_flag)
				break;
		}
		n = hb_build(buf, sizeof(buf), ident, sender, (long long)time(NULL) + offset,
			     pw, upper, garbage);
		if (n < 0) {
			fprintf(stderr, "sxhb: heartbeat does not fit in %d bytes\n", DGRAM_MAX);
			return 1;
		}
		fprintf(stderr, "sxhb: -> %s\n", buf);
		if (send_one(&dst, dlen, local ? &src : NULL, slen, buf, (size_t)n) == 0)
			sent++;
		else
			errs++;
	}
	fprintf(stderr, "sxhb: sent %lld heartbeats, %lld send errors\n", sent, errs);
	return errs ? 1 : 0;
}
