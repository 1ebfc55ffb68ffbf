/* Shared set-up of the engine fuzz targets: a PoP with tunnels of every
 * state, and an engine whose output goes nowhere. */
#ifndef SIXXSD_FUZZ_COMMON_H
#define SIXXSD_FUZZ_COMMON_H

#include <stdint.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "fwd.h"
#include "subnet.h"
#include "tunnel.h"

static const char *const fuzz_conf[] = {
	"pop set id 1",
	"pop tunnelprefix add 2001:db8:2ff::/48",
	"pop tunnelprefix add 2001:db8:300::/48",
	"pop subnetprefix add 2001:db8:3000::/40",
	"pop subnetprefix add 2001:db8:7000::/48",
	"tunnel set config 0 T1 10.0.0.2 up 1480",
	"tunnel set config 1 T2 10.0.0.3 disabled 1480",
	"tunnel set config 2 T3 ayiya up 1280 secret",
	"tunnel set config 3 T4 10.0.0.5 up 1280",
	"tunnel set config 8001 T5 10.0.0.6 up 1400",
	"subnet set config 2001:db8:3001::/48 0 static",
	"subnet set config 2001:db8:7000:100::/56 3 static",
};

static int fuzz_to_tun(struct fwd_ctx *c, uint8_t *p, size_t n, uint16_t gso)
{
	(void)c, (void)p, (void)n, (void)gso;
	return 0;
}

static int fuzz_to_ipv4(struct fwd_ctx *c, uint8_t *p, size_t n)
{
	(void)c, (void)p, (void)n;
	return 0;
}

static int fuzz_to_udp(struct fwd_ctx *c, const struct in6_addr *l, uint16_t pu,
		       const struct in6_addr *r, uint16_t p, const uint8_t *d, size_t n)
{
	(void)c, (void)l, (void)pu, (void)r, (void)p, (void)d, (void)n;
	return 0;
}

static const struct fwd_io fuzz_io = { .to_tun = fuzz_to_tun, .to_ipv4 = fuzz_to_ipv4,
				       .to_udp = fuzz_to_udp };
static struct fwd_ctx fuzz_ctx;
static uint8_t fuzz_buf[FWD_HEADROOM + FWD_MAX_PKT + 1];

static void fuzz_setup(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	conf_init();
	tunnel_init();
	subnet_init();
	struct cmd_sess s;
	static char text[65536];
	struct out o;
	cmd_sess_init(&s, -1, NULL);
	for (size_t i = 0; i < sizeof(fuzz_conf) / sizeof(fuzz_conf[0]); i++) {
		out_init(&o, text, sizeof(text));
		cmd_exec(&s, fuzz_conf[i], &o);
	}
	fwd_ctx_init(&fuzz_ctx, &fuzz_io, NULL);
}

/* The packet with the engine's headroom in front of it. A second passes
 * between inputs, so the ICMP rate limits never starve the builders. */
static uint8_t *fuzz_packet(const uint8_t *data, size_t size)
{
	fuzz_ctx.now_ms += 1000;
	if (size > FWD_MAX_PKT)
		size = FWD_MAX_PKT;
	memcpy(fuzz_buf + FWD_HEADROOM, data, size);
	return fuzz_buf + FWD_HEADROOM;
}

#endif
