/* hb: the heartbeat protocol (dataplane §7): signed "I am here" datagrams
 * on UDP 3740 that make a dynamic proto-41 tunnel follow its client's
 * address. */
#ifndef SIXXSD_HB_H
#define SIXXSD_HB_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "fwd.h"

#define HB_PORT 3740
#define HB_MAX 255   /* a heartbeat is shorter than 256 bytes */
#define HB_PREFIX "HEARTBEAT TUNNEL "

/* A datagram that arrived at local address dst from src (IPv4-mapped or
 * IPv6). */
void hb_input(struct fwd_ctx *c, const uint8_t *d, size_t len, const struct in6_addr *src,
	      const struct in6_addr *dst);

/* The lower-case hex MD5 of the heartbeat text (§7.3); md is an EVP_MD_CTX. */
void hb_digest(void *md, const char *identity, const char *sender, uint64_t epoch,
	       const char *password, char hex[33]);

#endif
