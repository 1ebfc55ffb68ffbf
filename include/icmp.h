/* icmp: the ICMPv6 and ICMPv4 messages the daemon originates (dataplane
 * §9), rate-limited, never about an ICMP error, always with valid
 * checksums. Generated packets are routed with FWD_RESPONSE. */
#ifndef SIXXSD_ICMP_H
#define SIXXSD_ICMP_H

#include <stddef.h>
#include <stdint.h>

#include "fwd.h"

/* An error about pkt (which came from in_tid and was going to out_tid),
 * sent back to its source from P:T::1 (T = in_tid if a tunnel, else
 * out_tid; P:ffff::1 with no tunnel). */
void icmp6_error(struct fwd_ctx *c, uint32_t in_tid, uint32_t out_tid, const uint8_t *pkt,
		 size_t len, uint8_t type, uint8_t code, uint32_t param);

/* Echo reply from the address that was pinged (dataplane §15.10 fixed). */
void icmp6_echo_reply(struct fwd_ctx *c, const uint8_t *req, size_t icmp_off, size_t icmp_len);

/* Neighbour advertisement for a solicitation to one of our ::1. */
void icmp6_neigh_adv(struct fwd_ctx *c, const uint8_t *ns, size_t icmp_off, size_t icmp_len);

/* ICMPv4 destination unreachable about an IPv4 packet we received
 * (protocol unreachable for refused proto-41). */
void icmp4_unreach(struct fwd_ctx *c, const uint8_t *ip4, size_t len, uint8_t code);

#endif
