/* nl: the few rtnetlink requests the daemon makes (routes into its tun). */
#ifndef SIXXSD_NL_H
#define SIXXSD_NL_H

#include <netinet/in.h>

/* Add (or replace) prefix/len on interface ifindex, via gw when not NULL.
 * Returns 0 or -errno. */
int nl_route6(int ifindex, const struct in6_addr *prefix, unsigned len, const struct in6_addr *gw);

#endif
