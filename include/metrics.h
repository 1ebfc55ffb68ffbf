/* metrics: the Prometheus text exposition of the daemon's counters, for
 * `pop show metrics [tunnels]` and GET /metrics (-m ADDR:PORT). */
#ifndef SIXXSD_METRICS_H
#define SIXXSD_METRICS_H

#include <stdbool.h>

#include "out.h"

/* Daemon-wide series; with per_tunnel, one set of series per configured
 * tunnel too (only when asked, so a big PoP never explodes a scrape). */
void metrics_write(struct out *o, bool per_tunnel);

/* Set by ctl: how many control sessions are open. */
void metrics_set_sessions(unsigned n);

#endif
