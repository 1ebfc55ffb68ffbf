/* dbg: per-tunnel debug output (control §1.8, dataplane §12.3). Workers
 * format one line per packet decision on a debugged tunnel into a fixed
 * ring; the control thread hands the lines to the session that asked. A
 * full ring or a session that does not read loses lines (counted), never
 * packets: the data plane never waits for a debug session. */
#ifndef SIXXSD_DBG_H
#define SIXXSD_DBG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunnel.h"

/* The one branch the packet path pays when nothing is debugged. */
static inline bool dbg_on(void)
{
	return __builtin_expect(atomic_load_explicit(&tunnel_debugging, memory_order_relaxed) != 0, 0);
}

bool dbg_tunnel(uint32_t tid); /* tid is a tunnel some session debugs */

/* One decision about pkt between tunnels in and out (either may be a
 * pseudo tid); delivered to whoever debugs in or out. */
void dbg_packet(uint32_t in, uint32_t out, const uint8_t *pkt, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* An error counted on a debugged tunnel: the line and a hex dump of the
 * packet, as one multi-line reply. */
void dbg_error(uint32_t tid, const char *name, uint32_t count, const uint8_t *src16,
	       const uint8_t *pkt, size_t len);

/* Control thread: hand every queued line to deliver(session, text, len);
 * deliver returns false when it had to drop the line. */
void dbg_drain(bool (*deliver)(int session, const char *text, size_t len));

uint64_t dbg_dropped(void); /* lines lost, ring or session */
void dbg_count_drop(void);

#endif
