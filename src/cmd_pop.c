/* cmd_pop: the `pop` context (control §4). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <time.h>

#include "addr.h"
#include "cmd.h"
#include "conf.h"
#include "io.h"
#include "log.h"
#include "metrics.h"
#include "saveconf.h"
#include "subnet.h"
#include "tunnel.h"

#ifndef SIXXSD_BUILD
#define SIXXSD_BUILD "unknown build"
#endif

static int c_get_id(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	out_printf(o, "%u\n", conf_id());
	return 200;
}

static int c_get_name(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	out_printf(o, "%s\n", conf_own_name());
	return 200;
}

/* The PoP id checks shared by `set id` and `set details` (control §4.2). */
static int pop_id_arg(const char *arg, struct out *o, unsigned *id)
{
	unsigned long long v;
	if (!cmd_number(arg, 10, &v)) {
		out_printf(o, "Non-numeric ID (%s)\n", arg);
		return 400;
	}
	if (v >= CONF_MAX_POPS) {
		out_printf(o, "PoP ID out of range (%s / %llu > %d)\n", arg, v, CONF_MAX_POPS);
		return 400;
	}
	*id = (unsigned)v;
	return 0;
}

static int c_set_id(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	unsigned id;
	int rc = pop_id_arg(argv[0], o, &id);
	if (rc)
		return rc;
	conf_set_id(id);
	out_printf(o, "Configured to ID %u\n", id);
	return 200;
}

static int c_set_details(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	unsigned id;
	struct in6_addr v4, v6;
	int rc = pop_id_arg(argv[0], o, &id);
	if (rc)
		return rc;
	if (addr_parse(argv[2], &v4, NULL) != 0) {
		out_printf(o, "Invalid IPv4 address %s\n", argv[2]);
		return 400;
	}
	if (addr_parse(argv[3], &v6, NULL) != 0) {
		out_printf(o, "Invalid IPv6 address %s\n", argv[3]);
		return 400;
	}
	conf_set_pop(id, argv[1], &v4, &v6);
	out_puts(o, "PoP details updated\n");
	return 200;
}

static const struct {
	const char *name;
	enum conf_section sec;
} sections[] = {
	{ "sixxsd", CONF_SEC_SIXXSD }, { "ayiya", CONF_SEC_AYIYA },   { "common", CONF_SEC_COMMON },
	{ "config", CONF_SEC_CONFIG }, { "prefix", CONF_SEC_PREFIX }, { "thread", CONF_SEC_THREAD },
};

static int c_set_debug(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (strcasecmp(argv[0], sections[i].name) == 0) {
			conf_set_section(sections[i].sec, cmd_bool(argv[1]));
			out_puts(o, "Ok\n");
			return 200;
		}
	}
	out_printf(o, "\"%s\" is a wrong type for the debug command\n", argv[0]);
	return 400;
}

static int c_set_verbosity(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	unsigned long long v;
	if (!cmd_number(argv[0], 10, &v) || v > 41) {
		out_printf(o, "Invalid number (%s) given for verbosity (range: 0 - 41)\n", argv[0]);
		return 500;
	}
	conf_set_verbosity((int)v);
	out_printf(o, "Verbosity is now %llu\n", v);
	return 200;
}

static int c_show_info(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	static const struct {
		const char *label;
		enum conf_section sec;
	} rows[] = {
		{ "Verbose SixXSd", CONF_SEC_SIXXSD }, { "        AYIYA", CONF_SEC_AYIYA },
		{ "        Common", CONF_SEC_COMMON }, { "        Config", CONF_SEC_CONFIG },
		{ "        Prefix", CONF_SEC_PREFIX }, { "        Thread", CONF_SEC_THREAD },
	};
	out_field(o, "PoP Name", "%s", conf_own_name());
	out_field(o, "Running", "yes");
	out_field(o, "Verbosity Level", "%d", conf_verbosity());
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		out_field(o, rows[i].label, "%s", conf_section(rows[i].sec) ? "yes" : "no");
	return 200;
}

/* Copy the lines of a /proc file that start with prefix, through fn. */
static void proc_lines(const char *path, const char *prefix, struct out *o,
		       void (*fn)(struct out *, const char *))
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, prefix, strlen(prefix)) == 0)
			fn(o, line);
	fclose(f);
}

static void meminfo_line(struct out *o, const char *line)
{
	char key[64];
	unsigned long long kb;
	if (sscanf(line, "%63[^:]: %llu", key, &kb) == 2)
		out_printf(o, "%s: %llu\n", key, kb * 1024);
}

static int cpu_count;
static char cpu_model[256];

static void cpuinfo_line(struct out *o, const char *line)
{
	(void)o;
	const char *colon = strchr(line, ':');
	if (colon && cpu_count++ == 0) {
		snprintf(cpu_model, sizeof(cpu_model), "%s", colon + 2);
		cpu_model[strcspn(cpu_model, "\n")] = '\0';
	}
}

static void osrel_line(struct out *o, const char *line)
{
	out_printf(o, "Description:\t%s", line + strlen("PRETTY_NAME="));
}

static int c_show_hostinfo(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	struct utsname u;
	char dur[48];
	double up = 0;
	uname(&u);
	FILE *f = fopen("/proc/uptime", "r");
	if (f) {
		if (fscanf(f, "%lf", &up) != 1)
			up = 0;
		fclose(f);
	}
	cmd_fmt_duration(dur, sizeof(dur), (time_t)up);
	cpu_count = 0;
	cpu_model[0] = '\0';
	proc_lines("/proc/cpuinfo", "model name", o, cpuinfo_line);
	out_printf(o, "PoP Name: %s\nPlatform: %s\nRelease: %s\nUptime: %s\n", conf_own_name(),
		   u.sysname, u.release, dur);
	out_printf(o, "CPU Count: %d\nCPU Model: %s\n", cpu_count, cpu_model);
	proc_lines("/proc/meminfo", "Mem", o, meminfo_line);
	proc_lines("/etc/os-release", "PRETTY_NAME=", o, osrel_line);
	return 200;
}

static int c_show_metrics(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s;
	bool tunnels = argc == 1 && strcasecmp(argv[0], "tunnels") == 0;
	if (argc == 1 && !tunnels) {
		out_printf(o, "Unknown option '%s'\n", argv[0]);
		return 400;
	}
	metrics_write(o, tunnels);
	return 200;
}

static int c_show_pops(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	char a[ADDR_TEXT_MAX], b[ADDR_TEXT_MAX];
	for (unsigned id = 0; id < CONF_MAX_POPS; id++) {
		const struct conf_pop *p = conf_pop(id);
		if (!addr_is_zero(&p->ipv6))
			out_printf(o, "%u %s %s %s\n", id, p->name, addr_fmt(&p->ipv4, a),
				   addr_fmt(&p->ipv6, b));
	}
	return 200;
}

static int c_show_status(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	/* Rows by type (control §4.8); type none is not shown nor totalled. */
	unsigned cnt[4][3] = { { 0 } }; /* [type][online, active, configured] */
	time_t now = time(NULL);
	uint32_t n = tunnel_count();
	struct tunnel_cfg c;
	for (uint32_t t = 0; t < n; t++) {
		tunnel_get(t, &c);
		/* A dynamic tunnel that has not spoken since the start counts as a
		 * (proto-41) configured one, so a restart does not make the PoP
		 * look empty (control §12 item 25). */
		if (c.type == TUNNEL_T_NONE && c.dynamic && c.state != TUNNEL_S_NONE)
			c.type = TUNNEL_T_DIRECT;
		if (c.type == TUNNEL_T_NONE || c.type > TUNNEL_T_GRE)
			continue;
		uint64_t last = atomic_load_explicit(&tunnel_stats(t)->d[TUNNEL_IN].last,
						     memory_order_relaxed);
		cnt[c.type][0] += c.state == TUNNEL_S_UP;
		cnt[c.type][1] += last != 0 && now - (time_t)last < TUNNEL_ACTIVE_SECS;
		cnt[c.type][2]++;
	}
	unsigned tot[3] = { 0 };
	for (unsigned ty = TUNNEL_T_DIRECT; ty <= TUNNEL_T_GRE; ty++) {
		out_printf(o, "%s %u %u %u\n", tunnel_type_name(ty), cnt[ty][0], cnt[ty][1],
			   cnt[ty][2]);
		for (int i = 0; i < 3; i++)
			tot[i] += cnt[ty][i];
	}
	out_printf(o, "total %u %u %u\n", tot[0], tot[1], tot[2]);
	return 200;
}

static int c_show_threads(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	/* The control thread serves every session and runs every command;
	 * the workers move the packets. */
	time_t st = conf_started(), now = time(NULL);
	struct tm tm;
	char when[32];
	localtime_r(&st, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	out_printf(o, "0x%lx %s (%4lld seconds) : control port (this)\n",
		   (unsigned long)pthread_self(), when, (long long)(now - st));
	for (unsigned i = 0; i < io_workers(); i++)
		out_printf(o, "0x%lx %s (%4lld seconds) : packet worker %u\n", io_worker_id(i), when,
			   (long long)(now - st), i);
	if (io_prober_id())
		out_printf(o, "0x%lx %s (%4lld seconds) : latency prober\n", io_prober_id(), when,
			   (long long)(now - st));
	return 200;
}

static int c_show_timeinfo(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	time_t st = conf_started(), now = time(NULL);
	struct tm tm;
	char a[64], dur[48];
	gmtime_r(&st, &tm);
	strftime(a, sizeof(a), "%Y-%m-%d %H:%M:%S UTC", &tm);
	out_printf(o, "Started: %s (%lld)\n", a, (long long)st);
	gmtime_r(&now, &tm);
	strftime(a, sizeof(a), "%Y-%m-%d %H:%M:%S UTC", &tm);
	out_printf(o, "Current: %s (%lld)\n", a, (long long)now);
	localtime_r(&now, &tm);
	out_printf(o, "UTC Offset: %ld\n", (long)tm.tm_gmtoff);
	strftime(a, sizeof(a), "%Y-%m-%d %H:%M:%S %Z", &tm);
	out_printf(o, "LocalTime: %s\n", a);
	cmd_fmt_duration(dur, sizeof(dur), now - st);
	out_printf(o, "Uptime: %s\n", dur);
	return 200;
}

static int c_show_unixtime(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	out_printf(o, "%lld\n", (long long)time(NULL));
	return 200;
}

static int c_show_uptime(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	char dur[48];
	cmd_fmt_duration(dur, sizeof(dur), time(NULL) - conf_started());
	out_printf(o, "%s\n", dur);
	return 200;
}

static int c_show_version(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	out_puts(o, "SixXSd - SixXS Daemon " SIXXSD_VERSION "\n"
		    "SixXSd " SIXXSD_RELEASE " by Jeroen Massar <jeroen@sixxs.net>\n"
		    "(C) Copyright SixXS 2000-2015 All Rights Reserved\n"
		    "\n"
		    "Build Information: " SIXXSD_BUILD "\n"
		    "SixXSd Version: " SIXXSD_VERSION "\n"
		    "SixXSd Release: " SIXXSD_RELEASE "\n");
	out_printf(o, "OS/CPU Bits: %zu\n", sizeof(void *) * 8);
	return 200;
}

static int c_saveconfig(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	char err[256];
	if (saveconf_write(conf_file(), err, sizeof(err)) != 0) {
		log_err("saveconfig: %s", err);
		out_printf(o, "Could not store the configuration: %s\n", err);
		return 500;
	}
	out_puts(o, "Configuration stored to disk\n");
	return 200;
}

static int c_shutdown(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)argc, (void)argv;
	log_notice("Shutdown ordered");
	out_puts(o, "Tschau, shutting down\n");
	s->close = CMD_SHUTDOWN;
	return 666;
}

/* cliacl (control §4.15): single addresses only. */
static int acl_arg(const char *arg, struct out *o, struct in6_addr *a)
{
	int len;
	if (addr_parse(arg, a, &len) != 0) {
		out_printf(o, "Invalid IP address %s\n", arg);
		return 400;
	}
	if (len != -1 && len != 128) {
		out_printf(o, "Only single addresses are accepted in the CLI ACL (%s)\n", arg);
		return 400;
	}
	return 0;
}

static int c_acl_add(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	struct in6_addr a;
	int rc = acl_arg(argv[0], o, &a);
	if (rc)
		return rc;
	if (conf_acl_has(&a)) {
		out_puts(o, "CLI ACL already present\n");
		return 200;
	}
	if (!conf_acl_add(&a)) {
		out_puts(o, "No more available empty CLI ACL slots!!!\n");
		return 400;
	}
	out_puts(o, "CLI ACL added\n");
	return 200;
}

static int c_acl_list(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	char a[ADDR_TEXT_MAX];
	if (conf_acl_count() == 0) {
		out_puts(o, "No CLI ACLs are configured\n");
		return 404;
	}
	for (unsigned i = 0; i < conf_acl_count(); i++)
		out_printf(o, "%s\n", addr_fmt(conf_acl(i), a));
	return 200;
}

static int c_acl_remove(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	struct in6_addr a;
	int rc = acl_arg(argv[0], o, &a);
	if (rc)
		return rc;
	if (!conf_acl_remove(&a)) {
		out_printf(o, "CLI ACL %s not found\n", argv[0]);
		return 404;
	}
	out_puts(o, "CLI ACL removed\n");
	return 200;
}

static int c_acl_reset(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)argc, (void)argv;
	conf_acl_reset(s->has_peer ? &s->peer : NULL);
	out_puts(o, "CLI ACL has been reset\n");
	return 200;
}

/* A new prefix must not overlap a configured one of either kind. */
static int overlap_check(const struct in6_addr *p, unsigned len, const char *arg, struct out *o)
{
	char t[ADDR_TEXT_MAX];
	for (unsigned k = 0; k < conf_tprefix_count(); k++) {
		if (addr_prefix_eq(p, conf_tprefix(k), len < 48 ? len : 48)) {
			out_printf(o, "Prefix %s overlaps %s/48\n", arg, addr_fmt(conf_tprefix(k), t));
			return 400;
		}
	}
	for (unsigned k = 0; k < subnet_prefix_count(); k++) {
		unsigned l;
		const struct in6_addr *q = subnet_prefix(k, &l);
		if (addr_prefix_eq(p, q, len < l ? len : l)) {
			out_printf(o, "Prefix %s overlaps %s/%u\n", arg, addr_fmt(q, t), l);
			return 400;
		}
	}
	return 0;
}

static int c_tprefix_add(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	struct in6_addr p;
	int len;
	if (addr_parse(argv[0], &p, &len) != 0 || addr_is_v4mapped(&p)) {
		out_printf(o, "Invalid IPv6 prefix %s\n", argv[0]);
		return 400;
	}
	if (len != -1 && len != 48) {
		out_printf(o, "A Prefixlength %d not accepted (only /48 tunnel prefixes)\n", len);
		return 400;
	}
	if (!addr_host_zero(&p, 48)) {
		out_printf(o, "Tunnel Prefix %s has host bits set\n", argv[0]);
		return 400;
	}
	if (conf_tprefix_find(&p) >= 0) {
		out_puts(o, "Tunnel Prefix already configured\n");
		return 200;
	}
	int rc = overlap_check(&p, 48, argv[0], o);
	if (rc)
		return rc;
	int k = conf_tprefix_add(&p);
	if (k < 0) {
		out_printf(o, "No more available empty tunnel prefixes (max %d)\n", CONF_MAX_TPREFIX);
		return 400;
	}
	conf_prefix_added(&p, 48);
	out_printf(o, "Tunnel Prefix %s:/48 configured\n", conf_tprefix_text((unsigned)k));
	return 200;
}

static int c_tprefix_list(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	if (conf_tprefix_count() == 0) {
		out_puts(o, "Tunnel Prefix is not configured yet\n");
		return 404;
	}
	for (unsigned k = 0; k < conf_tprefix_count(); k++)
		out_printf(o, "%s:/48\n", conf_tprefix_text(k));
	return 200;
}

static int c_sprefix_add(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	struct in6_addr p;
	int len;
	char t[ADDR_TEXT_MAX];
	if (addr_parse(argv[0], &p, &len) != 0 || addr_is_v4mapped(&p)) {
		out_printf(o, "Invalid IPv6 prefix %s\n", argv[0]);
		return 400;
	}
	if (len == -1)
		len = 128;
	if (len != 40 && len != 48) {
		out_printf(o, "A Prefixlength %d not accepted (only /48's for /56 subnets or a /40 "
			      "for /48 subnets)\n", len);
		return 400;
	}
	if (!addr_host_zero(&p, (unsigned)len)) {
		out_printf(o, "Subnet Prefix %s has host bits set\n", argv[0]);
		return 400;
	}
	if (subnet_prefix_find(&p, (unsigned)len) >= 0) {
		out_puts(o, "Subnet Prefix already configured\n");
		return 200;
	}
	int rc = overlap_check(&p, (unsigned)len, argv[0], o);
	if (rc)
		return rc;
	if (subnet_prefix_add(&p, (unsigned)len) < 0) {
		out_puts(o, "No more available empty subnet prefixes, this requires a recompile\n");
		return 400;
	}
	conf_prefix_added(&p, (unsigned)len);
	out_printf(o, "Subnet Prefix %s/%d added\n", addr_fmt(&p, t), len);
	return 200;
}

static int c_sprefix_list(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc, (void)argv;
	char t[ADDR_TEXT_MAX];
	if (subnet_prefix_count() == 0) {
		out_puts(o, "Subnet Prefix is not configured yet\n");
		return 404;
	}
	for (unsigned k = 0; k < subnet_prefix_count(); k++) {
		unsigned l;
		const struct in6_addr *p = subnet_prefix(k, &l);
		out_printf(o, "%s/%u\n", addr_fmt(p, t), l);
	}
	return 200;
}

#define END { NULL, NULL, NULL, 0, 0, NULL, NULL }

static const struct cmd_entry acl_entries[] = {
	{ "add", NULL, c_acl_add, 1, 1, "<prefix>", "Add/Refresh CLI ACL" },
	{ "list", NULL, c_acl_list, 0, 0, "", "List configured CLI ACLs" },
	{ "remove", NULL, c_acl_remove, 1, 1, "<prefix>", "Remove CLI ACL" },
	{ "reset", NULL, c_acl_reset, 0, 0, "", "Reset the CLI ACL (keeps current connection in ACL)" },
	END,
};
/* These three contexts are labelled "show" (control §2.2, [orig]). */
static const struct cmd_menu acl_menu = { "show", acl_entries };

static const struct cmd_entry get_entries[] = {
	{ "id", NULL, c_get_id, 0, 0, "", "Get PoP ID" },
	{ "name", NULL, c_get_name, 0, 0, "", "Get PoP name" },
	END,
};
static const struct cmd_menu get_menu = { "get", get_entries };

static const struct cmd_entry set_entries[] = {
	{ "debug", NULL, c_set_debug, 2, 2, "<section> {on|off}",
	  "Enable or disable output from a program section" },
	{ "id", NULL, c_set_id, 1, 1, "<id>", "Configure the ID of this PoP" },
	{ "details", NULL, c_set_details, 4, 4, "<id> <name> <ipv4> <ipv6>", "Configure PoP details" },
	{ "verbosity", NULL, c_set_verbosity, 1, 1, "<level>", "Change verbosity level" },
	END,
};
static const struct cmd_menu set_menu = { "set", set_entries };

static const struct cmd_entry show_entries[] = {
	{ "info", NULL, c_show_info, 0, 0, "", "Show information" },
	{ "hostinfo", NULL, c_show_hostinfo, 0, 0, "", "Show host information" },
	{ "metrics", NULL, c_show_metrics, 0, 1, "[tunnels]", "Show metrics (Prometheus text format)" },
	{ "pops", NULL, c_show_pops, 0, 0, "", "Show configured PoPs" },
	{ "status", NULL, c_show_status, 0, 0, "", "Show status" },
	{ "threads", NULL, c_show_threads, 0, 0, "", "Show running threads" },
	{ "timeinfo", NULL, c_show_timeinfo, 0, 0, "", "Show time information" },
	{ "unixtime", NULL, c_show_unixtime, 0, 0, "", "Show UNIX timestamp" },
	{ "uptime", NULL, c_show_uptime, 0, 0, "", "Show uptime of the PoP" },
	{ "version", NULL, c_show_version, 0, 0, "", "Show version information" },
	END,
};
static const struct cmd_menu show_menu = { "show", show_entries };

static const struct cmd_entry sprefix_entries[] = {
	{ "add", NULL, c_sprefix_add, 1, 1, "<prefix>", "Add/Refresh Subnet Prefix" },
	{ "list", NULL, c_sprefix_list, 0, 0, "", "List configured Subnet Prefixes" },
	END,
};
static const struct cmd_menu sprefix_menu = { "show", sprefix_entries };

static const struct cmd_entry tprefix_entries[] = {
	{ "add", NULL, c_tprefix_add, 1, 1, "<prefix>", "Add/Refresh Tunnel Prefix" },
	{ "list", NULL, c_tprefix_list, 0, 0, "", "List configured Tunnel Prefixes" },
	END,
};
static const struct cmd_menu tprefix_menu = { "show", tprefix_entries };

static const struct cmd_entry pop_entries[] = {
	{ "cliacl", &acl_menu, NULL, 0, -1, "", "Manage CLI ACLs" },
	{ "get", &get_menu, NULL, 0, -1, "", "Get configuration Information" },
	{ "set", &set_menu, NULL, 0, -1, "", "Configure the PoP" },
	{ "saveconfig", NULL, c_saveconfig, 0, 0, "", "Save the configuration to disk" },
	{ "show", &show_menu, NULL, 0, -1, "", "Show how the PoP is configured" },
	{ "shutdown", NULL, c_shutdown, 0, -1, "", "Shutdown" },
	{ "subnetprefix", &sprefix_menu, NULL, 0, -1, "", "Manage subnetprefixes" },
	{ "tunnelprefix", &tprefix_menu, NULL, 0, -1, "", "Manage tunnelprefixes" },
	END,
};
const struct cmd_menu cmd_menu_pop = { "pop", pop_entries };
