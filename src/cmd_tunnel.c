/* cmd_tunnel: the `tunnel` context (control §5.1-§5.9). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "cmd.h"
#include "conf.h"
#include "latency.h"
#include "tunnel.h"

int cmd_tunnel_arg(const char *arg, struct out *o, uint32_t *tid)
{
	unsigned long long v;
	if (arg[0] == 'T' && cmd_number(arg + 1, 10, &v)) {
		uint32_t t = v <= UINT32_MAX ? tunnel_find_tnum((uint32_t)v) : UINT32_MAX;
		if (t == UINT32_MAX) {
			out_printf(o, "No such Tunnel ID (T%llu/%s) found\n", v, arg);
			return 404;
		}
		*tid = t;
		return 0;
	}
	struct in6_addr a;
	if (addr_parse(arg, &a, NULL) == 0 && !addr_is_zero(&a)) {
		bool is_tunnel;
		uint32_t t = addr_is_v4mapped(&a) ? addr_find4(&a) : addr_find6(&a, &is_tunnel);
		if (t >= tunnel_count()) {
			out_printf(o, "No such tunnel %s\n", arg);
			return 404;
		}
		*tid = t;
		return 0;
	}
	out_printf(o, "It would be nice if you provided a proper IP address or Tunnel ID (eg T<xxx>) "
		      "and not '%s'\n", arg);
	return 400;
}

/* Like cmd_tunnel_arg, but the slot must have been configured. */
static int configured_arg(const char *arg, struct out *o, uint32_t *tid, struct tunnel_cfg *c)
{
	int rc = cmd_tunnel_arg(arg, o, tid);
	if (rc)
		return rc;
	tunnel_get(*tid, c);
	if (c->state == TUNNEL_S_NONE) {
		out_printf(o, "Tunnel not configured: %s\n", arg);
		return 404;
	}
	return 0;
}

/* Inner address text: prefix text + tid group in hex (not compressed). */
static const char *inner_prefix(uint32_t tid)
{
	unsigned k = tid / TUNNEL_PREFIX_SPAN;
	return k < conf_tprefix_count() ? conf_tprefix_text(k) : "";
}

#define GROUP(tid) ((tid) & (TUNNEL_PREFIX_SPAN - 1))

static void show_dir(struct out *o, const struct tunnel_stats *st, enum tunnel_dir d, time_t now)
{
	static const char *const lab[2][5] = {
		{ "Packet In", "Packets In", "Packets In  (Total)", "Octets In", "Octets In  (Total)" },
		{ "Packet Out", "Packets Out", "Packets Out (Total)", "Octets Out",
		  "Octets Out (Total)" },
	};
	char ago[96];
	cmd_fmt_ago(ago, sizeof(ago),
		    (time_t)atomic_load_explicit(&st->d[d].last, memory_order_relaxed), now);
	out_field(o, lab[d][0], "%s", ago);
	out_field(o, lab[d][1], "%llu", (unsigned long long)tunnel_window_pkts(st, d));
	out_field(o, lab[d][2], "%llu",
		  (unsigned long long)atomic_load_explicit(&st->d[d].pkts, memory_order_relaxed));
	out_field(o, lab[d][3], "%llu", (unsigned long long)tunnel_window_octets(st, d));
	out_field(o, lab[d][4], "%llu",
		  (unsigned long long)atomic_load_explicit(&st->d[d].octets, memory_order_relaxed));
}

static int c_show(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	uint32_t tid;
	int rc = cmd_tunnel_arg(argv[0], o, &tid);
	if (rc)
		return rc;
	struct tunnel_cfg c;
	char a[ADDR_TEXT_MAX], ago[96];
	time_t now = time(NULL);
	tunnel_get(tid, &c);
	const char *pfx = inner_prefix(tid);

	out_field(o, "Tunnel ID", "T%u", c.tnum);
	out_field(o, "TID", "0x%x", tid);
	out_field(o, "Tunnel Debugging", "%s", tunnel_debug_owner(tid) >= 0 ? "yes" : "no");
	out_field(o, "Inner Us", "%s%x::1", pfx, GROUP(tid));
	out_field(o, "Inner Them", "%s%x::2", pfx, GROUP(tid));
	out_field(o, "Outer Us", "%s", addr_fmt(&c.ip_us, a));
	out_field(o, "Outer Them", "%s", addr_fmt(&c.ip_them, a));
	out_field(o, "MTU", "%u", c.mtu);
	out_field(o, "Tunnel State", "%s", tunnel_state_name(c.state));
	out_field(o, "Tunnel Type", "%s", tunnel_type_name(c.type));
	out_field(o, "Dynamic Tunnel", "%s", c.dynamic ? "yes" : "no");
	if (c.type == TUNNEL_T_AYIYA) {
		out_field(o, "AYIYA Socket Type", "2 (DGRAM (UDP))");
		out_field(o, "AYIYA Protocol", "17 (UDP)");
		out_field(o, "AYIYA Port Us", "%u", c.port_us);
		out_field(o, "AYIYA Port Them", "%u", c.port_them);
		out_field(o, "AYIYA Hash", "2 (SHA-1)");
	}
	if (c.dynamic) {
		cmd_fmt_ago(ago, sizeof(ago), (time_t)c.lastbeat, now);
		out_field(o, "Last Heartbeat", "%s", ago);
		out_field(o, "Heartbeat Password", "%s", tunnel_password(tid));
	}
	show_dir(o, tunnel_stats(tid), TUNNEL_IN, now);
	show_dir(o, tunnel_stats(tid), TUNNEL_OUT, now);

	struct tunnel_lat lat, *l = &lat;
	latency_get(tid, l);
	out_field(o, "Latency Pkt Sent", "%u", l->sent);
	out_field(o, "Latency Pkt Recv", "%u", l->recv);
	if (l->sent > 0 && l->recv > 0) {
		out_field(o, "Latency Loss", "%.2f", (double)(l->sent - l->recv) * 100.0 / l->sent);
		out_field(o, "Latency Min", "%.2f ms", l->min_us / 1000.0);
		out_field(o, "Latency Avg", "%.2f ms", (double)l->sum_us / l->recv / 1000.0);
		out_field(o, "Latency Max", "%.2f ms", l->max_us / 1000.0);
	}
	for (unsigned e = 0; e < TERR_COUNT; e++) {
		struct tunnel_errrec r;
		tunnel_err_get(tid, e, &r, NULL);
		if (r.count == 0) {
			out_field(o, tunnel_err_names[e], "none");
			continue;
		}
		cmd_fmt_ago(ago, sizeof(ago), (time_t)r.last, now);
		out_field(o, tunnel_err_names[e], "%u, last: %s %s", r.count, addr_fmt(&r.src, a), ago);
	}
	return 200;
}

static void stats_line(struct out *o, const char *name, const uint64_t oct[2], const uint64_t pk[2])
{
	out_printf(o, "%s %llu %llu %llu %llu", name, (unsigned long long)oct[0],
		   (unsigned long long)oct[1], (unsigned long long)pk[0], (unsigned long long)pk[1]);
}

/* Print a stats record's window and, on RESET, restart the window at
 * exactly what was printed. Returns false when it carried no packet. */
static bool stats_window(struct tunnel_stats *st, bool reset, uint64_t oct[2], uint64_t pk[2])
{
	for (int d = 0; d < 2; d++) {
		pk[d] = tunnel_window_pkts(st, (enum tunnel_dir)d);
		oct[d] = tunnel_window_octets(st, (enum tunnel_dir)d);
	}
	if (reset)
		tunnel_window_reset(st, pk, oct);
	return pk[0] || pk[1];
}

static int c_stats(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s;
	bool reset = argc == 1 && strcmp(argv[0], "RESET") == 0;
	uint64_t oct[2], pk[2];

	stats_window(tunnel_global(TUNNEL_G_TOTAL), reset, oct, pk);
	stats_line(o, "total", oct, pk);
	out_puts(o, "\n");
	stats_window(tunnel_global(TUNNEL_G_UPLINK), reset, oct, pk);
	stats_line(o, "uplink", oct, pk);
	out_puts(o, "\n");

	uint32_t n = tunnel_count();
	struct tunnel_cfg c;
	char name[16];
	for (uint32_t t = 0; t < n; t++) {
		struct tunnel_lat lat, *l = &lat;
		bool traffic = stats_window(tunnel_stats(t), reset, oct, pk);
		if (traffic || reset)
			latency_take(t, l, reset); /* every slot's window restarts */
		if (!traffic)
			continue;
		tunnel_get(t, &c);
		snprintf(name, sizeof(name), "T%u", c.tnum);
		stats_line(o, name, oct, pk);
		double loss = l->sent ? (double)(l->sent - l->recv) * 100.0 / l->sent : 0.0;
		if (l->recv)
			out_printf(o, " %u %u %.2f %.2f %.2f %.2f\n", l->sent & 0xffff,
				   l->recv & 0xffff, loss, l->min_us / 1000.0,
				   (double)l->sum_us / l->recv / 1000.0, l->max_us / 1000.0);
		else
			out_printf(o, " %u %u %.2f -1.00 -1.00 -1.00\n", l->sent & 0xffff,
				   l->recv & 0xffff, loss);
	}
	return 200;
}

static int c_list(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s;
	enum { ALL, DEBUG, ERRORS, ONE } mode = ALL;
	int err = -1;
	static const char *const none_suffix[] = { "", " which are in debugging mode",
						   " which have errors", " which have the requested error" };
	if (argc == 1) {
		const char *f = argv[0];
		if (strcasecmp(f, "all") == 0) {
			mode = ALL;
		} else if (strcasecmp(f, "debugonly") == 0) {
			mode = DEBUG;
		} else if (strcasecmp(f, "erroronly") == 0) {
			mode = ERRORS;
		} else if (strncasecmp(f, "err=", 4) == 0) {
			mode = ONE;
			err = tunnel_err_lookup(f + 4);
			if (err < 0) {
				out_printf(o, "Unknown error '%s'\n", f + 4);
				return 404;
			}
		} else {
			out_printf(o, "Unknown option '%s'\n", f);
			return 400;
		}
	}
	uint32_t n = tunnel_count();
	struct tunnel_cfg c;
	char a[ADDR_TEXT_MAX];
	size_t printed = 0;
	for (uint32_t t = 0; t < n; t++) {
		tunnel_get(t, &c);
		if (c.state == TUNNEL_S_NONE)
			continue;
		uint64_t errs;
		if (mode == ONE) {
			struct tunnel_errrec r;
			tunnel_err_get(t, (unsigned)err, &r, NULL);
			errs = r.count;
		} else {
			errs = tunnel_err_total(t);
		}
		if ((mode == DEBUG && tunnel_debug_owner(t) < 0) || ((mode == ERRORS || mode == ONE) && !errs))
			continue;
		out_printf(o, "T%u %s%x::2 %s %s %s %u %llu\n", c.tnum, inner_prefix(t), GROUP(t),
			   addr_fmt(&c.ip_them, a), tunnel_state_name(c.state),
			   tunnel_type_name(c.type), c.mtu, (unsigned long long)errs);
		printed++;
	}
	if (!printed)
		out_printf(o, "No tunnels are configured%s\n", none_suffix[mode]);
	return 200;
}

static int c_reseterrors(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	if (strcasecmp(argv[0], "all") == 0) {
		uint32_t n = tunnel_count();
		for (uint32_t t = 0; t < n; t++)
			tunnel_err_reset(t);
	} else {
		uint32_t tid;
		int rc = cmd_tunnel_arg(argv[0], o, &tid);
		if (rc)
			return rc;
		tunnel_err_reset(tid);
	}
	out_puts(o, "Wipeout!\n");
	return 200;
}

static int c_get_endpoint(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	uint32_t tid;
	struct tunnel_cfg c;
	char a[ADDR_TEXT_MAX];
	int rc = cmd_tunnel_arg(argv[0], o, &tid);
	if (rc)
		return rc;
	tunnel_get(tid, &c);
	out_printf(o, "%s\n", addr_fmt(&c.ip_them, a));
	return 200;
}

static int c_get_errorpacket(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	uint32_t tid;
	int rc = cmd_tunnel_arg(argv[0], o, &tid);
	if (rc)
		return rc;
	int e = tunnel_err_lookup(argv[1]);
	if (e < 0) {
		out_printf(o, "Unknown Error \"%s\"\n", argv[1]);
		return 404;
	}
	struct tunnel_errrec r;
	struct tunnel_snap snap;
	tunnel_err_get(tid, (unsigned)e, &r, &snap);
	if (r.count == 0) {
		out_puts(o, "That error did not happen yet\n");
		return 400;
	}
	char ago[96], a[ADDR_TEXT_MAX];
	cmd_fmt_ago(ago, sizeof(ago), (time_t)r.last, time(NULL));
	out_printf(o, "Error       : %s\nCount       : %u\nLast Seen   : %s\nSource      : %s\n"
		      "Real Length : %u\n8<--------------------------------------------\n",
		   tunnel_err_names[e], r.count, ago, addr_fmt(&r.src, a), snap.real_len);
	out_hexdump(o, snap.data, snap.len);
	out_puts(o, "-------------------------------------------->8\n");
	return 200;
}

/* tid validity with up to 4 tunnel prefixes (see README, differences). */
static int tid_arg(const char *arg, struct out *o, uint32_t *tid)
{
	unsigned long long v;
	if (!cmd_number(arg, 16, &v)) {
		out_printf(o, "Invalid TID (%s) - not a hex number\n", arg);
		return 400;
	}
	if (v >= TUNNEL_MAX) {
		out_printf(o, "TID 0x%llx is out of range (max 0x%x)\n", v, TUNNEL_MAX - 2);
		return 400;
	}
	if (!tunnel_tid_valid((uint32_t)v)) {
		out_printf(o, "TID 0x%llx is out of range (0x7fff of each prefix is reserved)\n", v);
		return 400;
	}
	unsigned k = (unsigned)(v / TUNNEL_PREFIX_SPAN);
	if (k > 0 && k >= conf_tprefix_count()) {
		out_printf(o, "TID 0x%llx is out of range (tunnel prefix %u is not configured)\n", v, k);
		return 400;
	}
	*tid = (uint32_t)v;
	return 0;
}

static int c_set_config(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s;
	struct tunnel_conf_req r = { 0 };
	unsigned long long v;
	int rc = tid_arg(argv[0], o, &r.tid);
	if (rc)
		return rc;
	if (argv[1][0] != 'T' || !cmd_number(argv[1] + 1, 10, &v) || v > UINT32_MAX) {
		out_printf(o, "Invalid Tunnel ID (%s) - not a number\n", argv[1]);
		return 400;
	}
	r.tnum = (uint32_t)v;
	if (!cmd_number(argv[4], 10, &v)) {
		out_printf(o, "Invalid Tunnel MTU (%s) - not a number\n", argv[4]);
		return 400;
	}
	if (v < TUNNEL_MTU_MIN || v > TUNNEL_MTU_MAX) {
		out_printf(o, "Tunnel MTU %llu is outside range (%d-%d)\n", v, TUNNEL_MTU_MIN,
			   TUNNEL_MTU_MAX);
		return 400;
	}
	r.mtu = (unsigned)v;
	const char *ep = argv[2];
	r.dynamic = strcasecmp(ep, "ayiya") == 0 || strcasecmp(ep, "heartbeat") == 0 ||
		    strcasecmp(ep, "dynamic") == 0;
	if (!r.dynamic && addr_parse(ep, &r.them, NULL) != 0) {
		out_printf(o, "Invalid Tunnel_Them address (%s)\n", ep);
		return 400;
	}
	r.disabled = strcasecmp(argv[3], "disabled") == 0;
	if (argc == 6) {
		size_t len = strlen(argv[5]);
		if (len > TUNNEL_PW_MAX) {
			out_printf(o, "Password given (%s) is too long (%zu/%d)\n", argv[5], len,
				   TUNNEL_PW_MAX + 1);
			return 400;
		}
		r.password = argv[5];
	}
	/* Everything checked: apply in one step. */
	tunnel_set_config(&r);
	/* The historic suffix is inverted (control §5.1, kept for byte
	 * compatibility with existing backends and Appendix A). */
	out_printf(o, "Accepted Tunnel %x/T%u%s\n", r.tid, r.tnum, argc == 5 ? " with password" : "");
	return 200;
}

static int c_set_debug(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)argc;
	uint32_t tid;
	int rc = cmd_tunnel_arg(argv[0], o, &tid);
	if (rc)
		return rc;
	int owner = tunnel_debug_owner(tid);
	if (s->id < 0) {
		/* Debug lines go to a control session; a file has none. */
		out_puts(o, "Debugging needs a control session\n");
		return 400;
	}
	if (cmd_bool(argv[1])) {
		if (owner == s->id) {
			out_puts(o, "Debugging through this session for this tunnel was already enabled\n");
			return 400;
		}
		if (owner >= 0) {
			out_puts(o, "Already being debugged by another session\n");
			return 400;
		}
		tunnel_debug_set(tid, s->id);
		out_puts(o, "Debugging has been enabled\n");
		return 200;
	}
	/* Only this session's own debugging is stopped. */
	if (owner == s->id)
		tunnel_debug_set(tid, -1);
	out_puts(o, "Debugging has been disabled\n");
	return 200;
}

static int c_set_remote(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	uint32_t tid;
	struct tunnel_cfg c;
	struct in6_addr a;
	int rc = configured_arg(argv[0], o, &tid, &c);
	if (rc)
		return rc;
	if (addr_parse(argv[1], &a, NULL) != 0) {
		out_printf(o, "Invalid Tunnel_Them address (%s)\n", argv[1]);
		return 400;
	}
	tunnel_set_remote(tid, &a);
	out_printf(o, "Updated remote address to %s\n", argv[1]);
	return 200;
}

#define END { NULL, NULL, NULL, 0, 0, NULL, NULL }

static const struct cmd_entry get_entries[] = {
	{ "outer_endpoint", NULL, c_get_endpoint, 1, 1, "<tid>", "Get the current outer endpoint" },
	{ "errorpacket", NULL, c_get_errorpacket, 2, 2, "<tid> <error>",
	  "Show the last packet causing the error" },
	END,
};
static const struct cmd_menu get_menu = { "get", get_entries };

static const struct cmd_entry set_entries[] = {
	{ "config", NULL, c_set_config, 5, 6,
	  "<tid> <tunnel-id> <tunnel_them|ayiya|heartbeat> <up|disabled> <mtu> [<password>]",
	  "Configure a tunnel" },
	{ "debug", NULL, c_set_debug, 2, 2, "<tid> {on|off}", "Enable/Disable debugging" },
	{ "remote", NULL, c_set_remote, 2, 2, "<tid> <ip>", "Set the remote address" },
	END,
};
static const struct cmd_menu set_menu = { "set", set_entries };

static const struct cmd_entry tunnel_entries[] = {
	{ "get", &get_menu, NULL, 0, -1, "", "Get configuration information" },
	{ "set", &set_menu, NULL, 0, -1, "", "Set configuration information" },
	{ "show", NULL, c_show, 1, 1, "<tid>", "Show the configuration of a single tunnel" },
	{ "stats", NULL, c_stats, 0, 1, "", "Get stats for all tunnels" },
	{ "list", NULL, c_list, 0, 1, "[{all|(debug|error)only|err=X}]",
	  "List a summary of the tunnels filtered by the given option" },
	/* At least one argument ([recommend] of control §2.4). */
	{ "reseterrors", NULL, c_reseterrors, 1, 1, "(all|<tid>)",
	  "Reset error counters for all or a specific tunnel" },
	END,
};
const struct cmd_menu cmd_menu_tunnel = { "tunnel", tunnel_entries };
