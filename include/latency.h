/* latency: echo probes through every live tunnel (dataplane §11, with the
 * duplicate detection of §15.11 fixed): P:t::1 pings P:t::2 once a period;
 * replies are matched by identifier, a 64-probe sequence window with a
 * working seen-bitmap, a rotating magic and an age limit. */
#ifndef SIXXSD_LATENCY_H
#define SIXXSD_LATENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fwd.h"
#include "tunnel.h"

#define LATENCY_ID 0x4242
#define LATENCY_DATA 981             /* bytes after the ICMPv6 header */
#define LATENCY_MAX_AGE_US 10000000u /* replies older than 10 s do not count */

/* A new period: the previous magic stays valid for late replies. */
void latency_rotate(void);

/* Send one probe into tunnel tid if it is up with a known endpoint.
 * Returns true when one was sent. */
bool latency_probe(struct fwd_ctx *c, uint32_t tid);

/* An echo reply from P:t::2 to P:t::1 that arrived on tunnel t: icmp
 * points at the ICMPv6 header, n bytes. Counted if it answers a probe. */
void latency_reply(uint32_t tid, const uint8_t *icmp, size_t n);

/* A consistent copy of the tunnel's counters; with reset, the counters
 * restart from zero in the same step (tunnel stats RESET), so no reply is
 * lost between a report and its reset. The sequence state goes on. */
void latency_take(uint32_t tid, struct tunnel_lat *out, bool reset);
static inline void latency_get(uint32_t tid, struct tunnel_lat *out)
{
	latency_take(tid, out, false);
}

#endif
