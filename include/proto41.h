/* proto41: 6in4 tunnels (dataplane §5): unwrap what arrives on the raw
 * protocol-41 socket, wrap what the engine sends into a tunnel. */
#ifndef SIXXSD_PROTO41_H
#define SIXXSD_PROTO41_H

#include <stddef.h>
#include <stdint.h>

#include "fwd.h"
#include "tunnel.h"

/* A whole IPv4 packet from the raw socket (header included). */
void proto41_input(struct fwd_ctx *c, uint8_t *ip4, size_t len);

/* An IPv6 packet to one of our own addresses carrying protocol 41 at off:
 * the IPv6-outer form of a 6in4 tunnel (dataplane §5.3, §15.7). */
void proto41_input6(struct fwd_ctx *c, uint8_t *pkt, size_t len, size_t off);

/* Wrap pkt (with FWD_HEADROOM in front) for tunnel tid and send it.
 * Returns 0 or -errno. */
int proto41_output(struct fwd_ctx *c, uint32_t tid, const struct tunnel_cfg *t, uint8_t *pkt,
		   size_t len);

/* A merged (GRO) TCP packet longer than the tunnel MTU: the payload size of
 * its first segment, found as the length for which the first segment's TCP
 * checksum holds; the largest the MTU allows when none does. 0 when pkt is
 * not such a packet. */
uint16_t proto41_gro_mss(const uint8_t *pkt, size_t len, unsigned mtu);

#endif
