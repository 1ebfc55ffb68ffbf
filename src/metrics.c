/* metrics: Prometheus text format (version 0.0.4). */
#include "metrics.h"

#include <stdatomic.h>
#include <time.h>

#include "conf.h"
#include "dbg.h"
#include "fwd.h"
#include "latency.h"
#include "tunnel.h"

static _Atomic unsigned sessions;

void metrics_set_sessions(unsigned n)
{
	atomic_store(&sessions, n);
}

static void family(struct out *o, const char *name, const char *type, const char *help)
{
	out_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Error names have no characters a label value must escape ("\\\n). */
static void traffic(struct out *o, const char *rec, struct tunnel_stats *st, bool octets)
{
	for (int d = 0; d < 2; d++)
		out_printf(o, "sixxsd_%s_total{record=\"%s\",direction=\"%s\"} %llu\n",
			   octets ? "octets" : "packets", rec, d ? "out" : "in",
			   (unsigned long long)atomic_load_explicit(octets ? &st->d[d].octets : &st->d[d].pkts,
								    memory_order_relaxed));
}

void metrics_write(struct out *o, bool per_tunnel)
{
	static const char *const recs[] = { "total", "uplink" };
	family(o, "sixxsd_packets_total", "counter",
	       "Packets through the daemon (total) and on its kernel side (uplink).");
	for (int r = 0; r < 2; r++)
		traffic(o, recs[r], tunnel_global((enum tunnel_global)r), false);
	family(o, "sixxsd_octets_total", "counter", "Octets, as sixxsd_packets_total.");
	for (int r = 0; r < 2; r++)
		traffic(o, recs[r], tunnel_global((enum tunnel_global)r), true);

	/* One pass over the table for everything per tunnel. */
	uint64_t errs[TERR_COUNT] = { 0 };
	unsigned by[4][4] = { { 0 } }; /* [type][state] */
	uint64_t lsent = 0, lrecv = 0, lsum = 0;
	uint32_t lmin = UINT32_MAX, lmax = 0;
	uint32_t n = tunnel_count();
	for (uint32_t t = 0; t < n; t++) {
		struct tunnel_cfg c;
		tunnel_get(t, &c);
		if (c.state == TUNNEL_S_NONE)
			continue;
		by[c.type & 3][c.state & 3]++;
		for (unsigned e = 0; e < TERR_COUNT; e++) {
			struct tunnel_errrec r;
			tunnel_err_get(t, e, &r, NULL);
			errs[e] += r.count;
		}
		struct tunnel_lat l;
		latency_get(t, &l);
		lsent += l.sent;
		lrecv += l.recv;
		if (l.recv) {
			lsum += l.sum_us;
			lmin = l.min_us < lmin ? l.min_us : lmin;
			lmax = l.max_us > lmax ? l.max_us : lmax;
		}
	}
	family(o, "sixxsd_errors_total", "counter", "Errors that belong to no tunnel, by name.");
	for (unsigned e = 0; e < TERR_COUNT; e++)
		out_printf(o, "sixxsd_errors_total{error=\"%s\"} %llu\n", tunnel_err_names[e],
			   (unsigned long long)fwd_global_errors(e));
	family(o, "sixxsd_tunnel_errors", "gauge",
	       "Errors counted on tunnels, summed (tunnel reseterrors lowers it).");
	for (unsigned e = 0; e < TERR_COUNT; e++)
		out_printf(o, "sixxsd_tunnel_errors{error=\"%s\"} %llu\n", tunnel_err_names[e],
			   (unsigned long long)errs[e]);
	family(o, "sixxsd_tunnels", "gauge", "Configured tunnels by type and state.");
	for (unsigned ty = 0; ty < 4; ty++)
		for (unsigned st = TUNNEL_S_DISABLED; st <= TUNNEL_S_UP; st++)
			out_printf(o, "sixxsd_tunnels{type=\"%s\",state=\"%s\"} %u\n", tunnel_type_name(ty),
				   tunnel_state_name(st), by[ty][st]);
	family(o, "sixxsd_control_sessions", "gauge", "Open control-port sessions.");
	out_printf(o, "sixxsd_control_sessions %u\n", atomic_load(&sessions));
	family(o, "sixxsd_debug_lines_dropped_total", "counter",
	       "Debug lines lost because a debug session did not keep up.");
	out_printf(o, "sixxsd_debug_lines_dropped_total %llu\n", (unsigned long long)dbg_dropped());
	family(o, "sixxsd_icmp_errors_suppressed_total", "counter",
	       "ICMP errors not sent because of the rate limits.");
	out_printf(o, "sixxsd_icmp_errors_suppressed_total %llu\n", (unsigned long long)fwd_icmp_suppressed());
	family(o, "sixxsd_latency_probes", "gauge",
	       "Latency probes sent and answered since the last tunnel stats RESET.");
	out_printf(o, "sixxsd_latency_probes{result=\"sent\"} %llu\nsixxsd_latency_probes{result=\"answered\"} %llu\n",
		   (unsigned long long)lsent, (unsigned long long)lrecv);
	family(o, "sixxsd_latency_milliseconds", "gauge",
	       "Round-trip time of answered probes over all tunnels, same window.");
	if (lrecv)
		out_printf(o, "sixxsd_latency_milliseconds{stat=\"min\"} %.3f\n"
			      "sixxsd_latency_milliseconds{stat=\"avg\"} %.3f\n"
			      "sixxsd_latency_milliseconds{stat=\"max\"} %.3f\n",
			   lmin / 1000.0, (double)lsum / lrecv / 1000.0, lmax / 1000.0);
	family(o, "sixxsd_start_time_seconds", "gauge", "When the daemon started (Unix time).");
	out_printf(o, "sixxsd_start_time_seconds %lld\n", (long long)conf_started());

	if (!per_tunnel)
		return;
	/* A family's samples stay together: one pass each. */
	for (int octets = 0; octets < 2; octets++) {
		const char *name = octets ? "sixxsd_tunnel_octets_total" : "sixxsd_tunnel_packets_total";
		family(o, name, "counter", octets ? "Octets per tunnel since start."
						  : "Packets per tunnel since start.");
		for (uint32_t t = 0; t < n; t++) {
			struct tunnel_cfg c;
			tunnel_get(t, &c);
			if (c.state == TUNNEL_S_NONE)
				continue;
			struct tunnel_stats *st = tunnel_stats(t);
			for (int d = 0; d < 2; d++)
				out_printf(o, "%s{tunnel=\"T%u\",tid=\"%x\",direction=\"%s\"} %llu\n", name, c.tnum, t,
					   d ? "out" : "in",
					   (unsigned long long)atomic_load_explicit(
						   octets ? &st->d[d].octets : &st->d[d].pkts, memory_order_relaxed));
		}
	}
}
