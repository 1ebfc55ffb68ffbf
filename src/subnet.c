/* subnet: the subnet prefix table. */
#include "subnet.h"

#include <stdatomic.h>
#include <string.h>

#include "addr.h"

struct sprefix {
	struct in6_addr prefix;
	unsigned len;
	_Atomic uint32_t tid[SUBNET_PER_PREFIX]; /* tid + 1; 0 = unrouted */
};

static struct sprefix prefixes[SUBNET_MAX_PREFIX];
static _Atomic unsigned nprefix;

void subnet_init(void)
{
	memset(prefixes, 0, sizeof(prefixes));
	atomic_store(&nprefix, 0);
}

unsigned subnet_prefix_count(void)
{
	return atomic_load_explicit(&nprefix, memory_order_acquire);
}

const struct in6_addr *subnet_prefix(unsigned k, unsigned *len)
{
	*len = prefixes[k].len;
	return &prefixes[k].prefix;
}

int subnet_prefix_find(const struct in6_addr *p, unsigned len)
{
	unsigned n = subnet_prefix_count();
	for (unsigned k = 0; k < n; k++)
		if (prefixes[k].len == len && addr_eq(&prefixes[k].prefix, p))
			return (int)k;
	return -1;
}

int subnet_prefix_add(const struct in6_addr *p, unsigned len)
{
	unsigned n = subnet_prefix_count();
	if (n >= SUBNET_MAX_PREFIX)
		return -1;
	prefixes[n].prefix = *p;
	prefixes[n].len = len;
	/* Publish only after the entry is complete. */
	atomic_store_explicit(&nprefix, n + 1, memory_order_release);
	return (int)n;
}

bool subnet_locate(const struct in6_addr *a, unsigned *k, unsigned *sel)
{
	unsigned n = subnet_prefix_count();
	for (unsigned i = 0; i < n; i++) {
		if (addr_prefix_eq(a, &prefixes[i].prefix, prefixes[i].len)) {
			*k = i;
			/* The byte right after the prefix selects the entry. */
			*sel = a->s6_addr[prefixes[i].len / 8];
			return true;
		}
	}
	return false;
}

uint32_t subnet_get(unsigned k, unsigned sel)
{
	uint32_t v = atomic_load_explicit(&prefixes[k].tid[sel], memory_order_relaxed);
	return v ? v - 1 : SUBNET_UNROUTED;
}

void subnet_set(unsigned k, unsigned sel, uint32_t tid)
{
	atomic_store_explicit(&prefixes[k].tid[sel], tid + 1, memory_order_relaxed);
}

void subnet_entry_addr(unsigned k, unsigned sel, struct in6_addr *out, unsigned *len)
{
	*out = prefixes[k].prefix;
	out->s6_addr[prefixes[k].len / 8] = (uint8_t)sel;
	*len = prefixes[k].len + 8;
}
