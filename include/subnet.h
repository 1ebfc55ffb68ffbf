/* subnet: up to 16 subnet prefixes (/40 → 256 × /48, /48 → 256 × /56), each
 * entry routed to one tunnel (control §4.14, §5.10; dataplane §2.2). Entries
 * are single 32-bit words, so workers read them without locks. */
#ifndef SIXXSD_SUBNET_H
#define SIXXSD_SUBNET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define SUBNET_MAX_PREFIX 16
#define SUBNET_PER_PREFIX 256
#define SUBNET_UNROUTED 0xffffffffu

void subnet_init(void);

unsigned subnet_prefix_count(void);
/* Prefix k: address and length (40 or 48). */
const struct in6_addr *subnet_prefix(unsigned k, unsigned *len);
/* Index of an identical prefix, or -1. */
int subnet_prefix_find(const struct in6_addr *p, unsigned len);
/* Returns the new index, or -1 when full. */
int subnet_prefix_add(const struct in6_addr *p, unsigned len);

/* Which prefix and entry an address falls in; false when in none. */
bool subnet_locate(const struct in6_addr *a, unsigned *k, unsigned *sel);
uint32_t subnet_get(unsigned k, unsigned sel); /* tid or SUBNET_UNROUTED */
void subnet_set(unsigned k, unsigned sel, uint32_t tid);

/* The first address of entry sel of prefix k, and its length (48 or 56). */
void subnet_entry_addr(unsigned k, unsigned sel, struct in6_addr *out, unsigned *len);

#endif
