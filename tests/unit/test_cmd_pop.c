/* The `pop` context (control §4, deviations 7, 12, 13, 15-18). */
#include "unit.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- pop set id / get id / get name ---------------------------------- */

static void set_and_get_id(void **state)
{
	(void)state;
	assert_string_equal(run("pop get id"), "200 0\n");
	assert_string_equal(run("pop set id 1"), "200 Configured to ID 1\n");
	assert_string_equal(run("pop get id"), "200 1\n");
	assert_string_equal(run("pop set id 63"), "200 Configured to ID 63\n");
	assert_string_equal(run("pop set id 007"), "200 Configured to ID 7\n");
	assert_string_equal(run("pop get id"), "200 7\n");
}

static void set_id_errors(void **state)
{
	(void)state;
	RUN_OK("pop set id 5");
	assert_string_equal(run("pop set id x"), "400 Non-numeric ID (x)\n");
	assert_string_equal(run("pop set id -1"), "400 Non-numeric ID (-1)\n");
	assert_string_equal(run("pop set id 1x"), "400 Non-numeric ID (1x)\n");
	assert_string_equal(run("pop set id 0x1"), "400 Non-numeric ID (0x1)\n");
	assert_string_equal(run("pop set id \"\""), "400 Non-numeric ID ()\n");
	/* Deviation 1: ends with LF now. */
	assert_string_equal(run("pop set id 64"), "400 PoP ID out of range (64 / 64 > 64)\n");
	assert_string_equal(run("pop set id 100"), "400 PoP ID out of range (100 / 100 > 64)\n");
	assert_string_equal(run("pop set id 0064"), "400 PoP ID out of range (0064 / 64 > 64)\n");
	assert_string_equal(run("pop get id"), "200 5\n");
}

static void get_name(void **state)
{
	(void)state;
	assert_string_equal(run("pop get name"), "200 \n");
	RUN_OK("pop set details 1 chtst01 192.0.2.42 2001:db8::42");
	assert_string_equal(run("pop get name"), "200 \n");
	RUN_OK("pop set id 1");
	assert_string_equal(run("pop get name"), "200 chtst01\n");
}

/* ---- pop set details -------------------------------------------------- */

static void set_details(void **state)
{
	(void)state;
	assert_string_equal(run("pop set details 2 chtst02 192.0.2.66 2001:db8::66"),
			    "200 PoP details updated\n");
	assert_string_equal(run("pop set details 1 chtst01 192.0.2.42 2001:db8::42"),
			    "200 PoP details updated\n");
	assert_string_equal(run("pop show pops"),
			    "201 2\n1 chtst01 192.0.2.42 2001:db8::42\n"
			    "2 chtst02 192.0.2.66 2001:db8::66\n200 OK\n");
	/* Same id again replaces the entry. */
	RUN_OK("pop set details 2 other 192.0.2.67 2001:db8::67");
	assert_string_equal(run("pop show pops"),
			    "201 2\n1 chtst01 192.0.2.42 2001:db8::42\n"
			    "2 other 192.0.2.67 2001:db8::67\n200 OK\n");
}

static void set_details_name_rules(void **state)
{
	(void)state;
	RUN_OK("pop set id 3");
	RUN_OK("pop set details 3 averyveryverylongname 192.0.2.1 2001:db8::1");
	assert_string_equal(run("pop get name"), "200 averyveryverylo\n");
	RUN_OK("pop set details 3 \"my pop\" 192.0.2.1 2001:db8::1");
	assert_string_equal(run("pop get name"), "200 my pop\n");
	assert_string_equal(run("pop show pops"), "200 3 my pop 192.0.2.1 2001:db8::1\n");
}

static void set_details_family_not_enforced(void **state)
{
	(void)state;
	RUN_OK("pop set details 4 x 2001:db8::1 192.0.2.1");
	assert_string_equal(run("pop show pops"), "200 4 x 2001:db8::1 192.0.2.1\n");
	/* An entry without IPv6 address is not configured. */
	RUN_OK("pop set details 4 x 192.0.2.1 unspecified");
	assert_string_equal(run("pop show pops"), "200 \n");
}

static void set_details_errors_change_nothing(void **state)
{
	(void)state;
	RUN_OK("pop set id 1", "pop set details 1 good 192.0.2.42 2001:db8::42");
	assert_string_equal(run("pop set details x bad 192.0.2.1 2001:db8::1"),
			    "400 Non-numeric ID (x)\n");
	assert_string_equal(run("pop set details 64 bad 192.0.2.1 2001:db8::1"),
			    "400 PoP ID out of range (64 / 64 > 64)\n");
	/* Deviation 15: the bad address is named, nothing changes. */
	assert_string_equal(run("pop set details 1 bad 999.0.2.1 2001:db8::1"),
			    "400 Invalid IPv4 address 999.0.2.1\n");
	assert_string_equal(run("pop set details 1 bad 192.0.2.1 2001:zz::1"),
			    "400 Invalid IPv6 address 2001:zz::1\n");
	assert_string_equal(run("pop set details 1 bad 192.0.2.1 2001:db8::1/200"),
			    "400 Invalid IPv6 address 2001:db8::1/200\n");
	assert_string_equal(run("pop get name"), "200 good\n");
	assert_string_equal(run("pop show pops"), "200 1 good 192.0.2.42 2001:db8::42\n");
}

/* ---- pop set debug / verbosity, show info ----------------------------- */

static const char *info(const char *name, int verb, const char *flags[6])
{
	static char buf[1024];
	snprintf(buf, sizeof(buf),
		 "201 9\n"
		 "PoP Name                : %s\n"
		 "Running                 : yes\n"
		 "Verbosity Level         : %d\n"
		 "Verbose SixXSd          : %s\n"
		 "        AYIYA           : %s\n"
		 "        Common          : %s\n"
		 "        Config          : %s\n"
		 "        Prefix          : %s\n"
		 "        Thread          : %s\n"
		 "200 OK\n",
		 name, verb, flags[0], flags[1], flags[2], flags[3], flags[4], flags[5]);
	return buf;
}

static void show_info_defaults(void **state)
{
	(void)state;
	const char *all[6] = { "yes", "yes", "yes", "yes", "yes", "yes" };
	assert_string_equal(run("pop show info"), info("", 0, all));
	RUN_OK("pop set details 1 chtst01 192.0.2.42 2001:db8::42", "pop set id 1");
	assert_string_equal(run("pop show info"), info("chtst01", 0, all));
}

static void set_debug_sections(void **state)
{
	(void)state;
	assert_string_equal(run("pop set debug common off"), "200 Ok\n");
	assert_string_equal(run("pop set debug SIXXSD no"), "200 Ok\n");
	/* Deviation 16: ayiya and config as well. */
	assert_string_equal(run("pop set debug ayiya 0"), "200 Ok\n");
	assert_string_equal(run("pop set debug Config garbage"), "200 Ok\n");
	assert_string_equal(run("pop set debug prefix off"), "200 Ok\n");
	assert_string_equal(run("pop set debug thread false"), "200 Ok\n");
	const char *none[6] = { "no", "no", "no", "no", "no", "no" };
	assert_string_equal(run("pop show info"), info("", 0, none));
	/* Every true word of §3. */
	RUN_OK("pop set debug sixxsd yes", "pop set debug ayiya TRUE", "pop set debug common on",
	       "pop set debug config enabled", "pop set debug prefix female");
	const char *most[6] = { "yes", "yes", "yes", "yes", "yes", "no" };
	assert_string_equal(run("pop show info"), info("", 0, most));
	RUN_OK("pop set debug thread 1");
	const char *all[6] = { "yes", "yes", "yes", "yes", "yes", "yes" };
	assert_string_equal(run("pop show info"), info("", 0, all));
}

static void set_debug_errors(void **state)
{
	(void)state;
	assert_string_equal(run("pop set debug foo on"),
			    "400 \"foo\" is a wrong type for the debug command\n");
	assert_string_equal(run("pop set debug \"\" on"),
			    "400 \"\" is a wrong type for the debug command\n");
	assert_string_equal(run("pop set debug common"),
			    "404 Command 'debug' requires arguments: debug <section> {on|off} "
			    "(min=2, max=2, given=1)\n");
}

static void set_verbosity(void **state)
{
	(void)state;
	assert_string_equal(run("pop set verbosity 5"), "200 Verbosity is now 5\n");
	assert_string_equal(run("pop set verbosity 0"), "200 Verbosity is now 0\n");
	assert_string_equal(run("pop set verbosity 41"), "200 Verbosity is now 41\n");
	const char *all[6] = { "yes", "yes", "yes", "yes", "yes", "yes" };
	assert_string_equal(run("pop show info"), info("", 41, all));
	/* Deviation 17. */
	assert_string_equal(run("pop set verbosity 42"),
			    "500 Invalid number (42) given for verbosity (range: 0 - 41)\n");
	assert_string_equal(run("pop set verbosity -1"),
			    "500 Invalid number (-1) given for verbosity (range: 0 - 41)\n");
	assert_string_equal(run("pop set verbosity x"),
			    "500 Invalid number (x) given for verbosity (range: 0 - 41)\n");
	assert_string_equal(run("pop show info"), info("", 41, all));
	RUN_OK("pop set verbosity 0");
}

/* ---- pop show ---------------------------------------------------------- */

static void show_pops_empty(void **state)
{
	(void)state;
	/* Deviation 1: "200 " + LF. */
	assert_string_equal(run("pop show pops"), "200 \n");
}

static void show_pops_order(void **state)
{
	(void)state;
	RUN_OK("pop set details 9 nine 192.0.2.9 2001:db8::9",
	       "pop set details 0 zero 192.0.2.0 2001:db8::",
	       "pop set details 63 last 0.0.0.0 2001:db8::63");
	assert_string_equal(run("pop show pops"),
			    "201 3\n"
			    "0 zero 192.0.2.0 2001:db8::\n"
			    "9 nine 192.0.2.9 2001:db8::9\n"
			    "63 last 0.0.0.0 2001:db8::63\n"
			    "200 OK\n");
}

static void show_status_empty(void **state)
{
	(void)state;
	assert_string_equal(run("pop show status"),
			    "201 4\ndirect 0 0 0\nayiya 0 0 0\ngre 0 0 0\ntotal 0 0 0\n200 OK\n");
}

static void show_status_counts(void **state)
{
	(void)state;
	RUN_OK("pop tunnelprefix add 2001:db8:2ff::/48",
	       "tunnel set config 0 T1 192.0.2.1 up 1480",
	       "tunnel set config 1 T2 192.0.2.2 disabled 1480",
	       "tunnel set config 2 T3 192.0.2.3 up 1480",
	       "tunnel set config 3 T4 heartbeat up 1480 pw",
	       "tunnel set config 5 T5 ayiya disabled 1480 pw");
	time_t now = time(NULL);
	tunnel_count_pkt(tunnel_stats(0), TUNNEL_IN, 100, now);
	tunnel_count_pkt(tunnel_stats(1), TUNNEL_IN, 100, now - 10);
	tunnel_count_pkt(tunnel_stats(2), TUNNEL_IN, 100, now - 901);
	tunnel_count_pkt(tunnel_stats(2), TUNNEL_OUT, 100, now);
	tunnel_count_pkt(tunnel_stats(3), TUNNEL_IN, 100, now);
	/* A dynamic tunnel that has not spoken yet counts as a configured
	 * direct one, not online. */
	assert_string_equal(run("pop show status"),
			    "201 4\ndirect 2 3 5\nayiya 0 0 0\ngre 0 0 0\ntotal 2 3 5\n200 OK\n");
}

static void show_version(void **state)
{
	(void)state;
	const char *r = run("pop show version");
	assert_int_equal(unit_lines(r), 10);
	assert_string_equal(unit_line(r, 0), "201 8");
	assert_string_equal(unit_line(r, 1), "SixXSd - SixXS Daemon 4.0");
	assert_string_equal(unit_line(r, 2), "SixXSd 2015.10.12 by Jeroen Massar <jeroen@sixxs.net>");
	assert_string_equal(unit_line(r, 3), "(C) Copyright SixXS 2000-2015 All Rights Reserved");
	assert_string_equal(unit_line(r, 4), "");
	assert_int_equal(strncmp(unit_line(r, 5), "Build Information: ", 19), 0);
	assert_string_equal(unit_line(r, 6), "SixXSd Version: 4.0");
	assert_string_equal(unit_line(r, 7), "SixXSd Release: 2015.10.12");
	assert_string_equal(unit_line(r, 8), sizeof(void *) == 8 ? "OS/CPU Bits: 64" : "OS/CPU Bits: 32");
	assert_string_equal(unit_line(r, 9), "200 OK");
}

static void show_times(void **state)
{
	(void)state;
	char want[64];
	const char *r = run("pop show uptime");
	assert_true(strcmp(r, "200 0 days 00:00:00\n") == 0 || strcmp(r, "200 0 days 00:00:01\n") == 0);

	time_t before = time(NULL);
	r = run("pop show unixtime");
	time_t after = time(NULL);
	long long t = 0;
	assert_int_equal(sscanf(r, "200 %lld\n", &t), 1);
	assert_true(t >= before && t <= after);
	snprintf(want, sizeof(want), "200 %lld\n", t);
	assert_string_equal(r, want);

	r = run("pop show timeinfo");
	assert_int_equal(unit_lines(r), 7);
	assert_string_equal(unit_line(r, 0), "201 5");
	assert_int_equal(strncmp(unit_line(r, 1), "Started: ", 9), 0);
	assert_non_null(strstr(unit_line(r, 1), " UTC ("));
	assert_int_equal(strncmp(unit_line(r, 2), "Current: ", 9), 0);
	assert_int_equal(strncmp(unit_line(r, 3), "UTC Offset: ", 12), 0);
	assert_int_equal(strncmp(unit_line(r, 4), "LocalTime: ", 11), 0);
	assert_true(strcmp(unit_line(r, 5), "Uptime: 0 days 00:00:00") == 0 ||
		    strcmp(unit_line(r, 5), "Uptime: 0 days 00:00:01") == 0);
	assert_string_equal(unit_line(r, 6), "200 OK");
}

static void show_hostinfo_and_threads(void **state)
{
	(void)state;
	RUN_OK("pop set details 0 host 192.0.2.1 2001:db8::1");
	const char *r = run("pop show hostinfo");
	assert_int_equal(strncmp(r, "201 ", 4), 0);
	assert_string_equal(unit_line(r, 1), "PoP Name: host");
	assert_string_equal(unit_line(r, 2), "Platform: Linux");
	/* Deviation 18: the threads are listed, code 200. */
	r = run("pop show threads");
	assert_int_equal(strncmp(r, "200 0x", 6), 0);
	assert_non_null(strstr(r, " seconds) : control port (this)\n"));
}

/* ---- pop cliacl -------------------------------------------------------- */

static void cliacl_add_and_list(void **state)
{
	(void)state;
	assert_string_equal(run("pop cliacl list"), "404 No CLI ACLs are configured\n");
	assert_string_equal(run("pop cliacl add ::1"), "200 CLI ACL added\n");
	assert_string_equal(run("pop cliacl list"), "200 ::1\n");
	assert_string_equal(run("pop cliacl add ::1"), "200 CLI ACL already present\n");
	assert_string_equal(run("pop cliacl add 0:0::1/128"), "200 CLI ACL already present\n");
	assert_string_equal(run("pop cliacl add 127.0.0.1"), "200 CLI ACL added\n");
	assert_string_equal(run("pop cliacl add 192.168.0.179/32"), "200 CLI ACL added\n");
	assert_string_equal(run("pop cliacl add 2001:DB8::179"), "200 CLI ACL added\n");
	assert_string_equal(run("pop cliacl list"),
			    "201 4\n::1\n127.0.0.1\n192.168.0.179\n2001:db8::179\n200 OK\n");
}

static void cliacl_add_errors(void **state)
{
	(void)state;
	assert_string_equal(run("pop cliacl add bogus"), "400 Invalid IP address bogus\n");
	assert_string_equal(run("pop cliacl add 10.0.0.256"), "400 Invalid IP address 10.0.0.256\n");
	/* Deviation 7: single addresses only. */
	assert_string_equal(run("pop cliacl add 10.0.0.0/8"),
			    "400 Only single addresses are accepted in the CLI ACL (10.0.0.0/8)\n");
	assert_string_equal(run("pop cliacl add 2001:db8::/64"),
			    "400 Only single addresses are accepted in the CLI ACL (2001:db8::/64)\n");
	assert_string_equal(run("pop cliacl add 10.0.0.1/128"), "400 Invalid IP address 10.0.0.1/128\n");
	assert_string_equal(run("pop cliacl list"), "404 No CLI ACLs are configured\n");
}

static void cliacl_full(void **state)
{
	(void)state;
	char line[64];
	for (int i = 0; i < CONF_MAX_ACL; i++) {
		snprintf(line, sizeof(line), "pop cliacl add 2001:db8::%x", i + 1);
		assert_string_equal(run(line), "200 CLI ACL added\n");
	}
	assert_string_equal(run("pop cliacl add 192.0.2.1"),
			    "400 No more available empty CLI ACL slots!!!\n");
	assert_string_equal(run("pop cliacl add 2001:db8::40"), "200 CLI ACL already present\n");
	const char *r = run("pop cliacl list");
	assert_string_equal(unit_line(r, 0), "201 64");
	assert_string_equal(unit_line(r, 64), "2001:db8::40");
	/* Room again after a remove. */
	RUN_OK("pop cliacl remove 2001:db8::1");
	assert_string_equal(run("pop cliacl add 192.0.2.1"), "200 CLI ACL added\n");
	r = run("pop cliacl list");
	assert_string_equal(unit_line(r, 1), "2001:db8::2");
	assert_string_equal(unit_line(r, 64), "192.0.2.1");
}

static void cliacl_remove_keeps_order(void **state)
{
	(void)state;
	RUN_OK("pop cliacl add ::1", "pop cliacl add 127.0.0.1", "pop cliacl add 2001:db8::179",
	       "pop cliacl add 192.168.0.179");
	/* Deviation 7: exactly that entry, order kept. */
	assert_string_equal(run("pop cliacl remove 127.0.0.1"), "200 CLI ACL removed\n");
	assert_string_equal(run("pop cliacl list"),
			    "201 3\n::1\n2001:db8::179\n192.168.0.179\n200 OK\n");
	assert_string_equal(run("pop cliacl remove ::1"), "200 CLI ACL removed\n");
	assert_string_equal(run("pop cliacl list"), "201 2\n2001:db8::179\n192.168.0.179\n200 OK\n");
	assert_string_equal(run("pop cliacl remove 192.168.0.179/32"), "200 CLI ACL removed\n");
	assert_string_equal(run("pop cliacl list"), "200 2001:db8::179\n");
	assert_string_equal(run("pop cliacl remove 2001:db8::179"), "200 CLI ACL removed\n");
	assert_string_equal(run("pop cliacl list"), "404 No CLI ACLs are configured\n");
}

static void cliacl_remove_errors(void **state)
{
	(void)state;
	RUN_OK("pop cliacl add ::1");
	assert_string_equal(run("pop cliacl remove x"), "400 Invalid IP address x\n");
	assert_string_equal(run("pop cliacl remove 192.0.2.9"), "404 CLI ACL 192.0.2.9 not found\n");
	/* IPv4 and IPv4-mapped are the same address; ::1 is not 0.0.0.1. */
	assert_string_equal(run("pop cliacl remove 0.0.0.1"), "404 CLI ACL 0.0.0.1 not found\n");
	assert_string_equal(run("pop cliacl remove ::1/64"),
			    "400 Only single addresses are accepted in the CLI ACL (::1/64)\n");
	assert_string_equal(run("pop cliacl list"), "200 ::1\n");
}

static void cliacl_ipv4_mapped_is_ipv4(void **state)
{
	(void)state;
	RUN_OK("pop cliacl add ::ffff:192.0.2.5");
	assert_string_equal(run("pop cliacl add 192.0.2.5"), "200 CLI ACL already present\n");
	assert_string_equal(run("pop cliacl list"), "200 192.0.2.5\n");
}

static void cliacl_reset_keeps_peer(void **state)
{
	(void)state;
	struct cmd_sess s;
	unit_sess_init(&s, 3, "2001:db8::99");
	RUN_OK("pop cliacl add ::1", "pop cliacl add 127.0.0.1");
	assert_string_equal(run_in(&s, "pop cliacl reset"), "200 CLI ACL has been reset\n");
	assert_string_equal(run("pop cliacl list"), "200 2001:db8::99\n");

	unit_sess_init(&s, 4, "192.0.2.7");
	RUN_OK("pop cliacl add ::1");
	assert_string_equal(run_in(&s, "pop cliacl reset"), "200 CLI ACL has been reset\n");
	assert_string_equal(run("pop cliacl list"), "200 192.0.2.7\n");
}

static void cliacl_reset_without_peer(void **state)
{
	(void)state;
	struct cmd_sess file;
	unit_sess_init(&file, -1, NULL);
	RUN_OK("pop cliacl add ::1", "pop cliacl add 127.0.0.1");
	assert_string_equal(run_in(&file, "pop cliacl reset"), "200 CLI ACL has been reset\n");
	assert_string_equal(run("pop cliacl list"), "404 No CLI ACLs are configured\n");
	assert_string_equal(run("pop cliacl add ::1"), "200 CLI ACL added\n");
	assert_string_equal(run("pop cliacl list"), "200 ::1\n");
}

/* ---- pop tunnelprefix --------------------------------------------------- */

static void tunnelprefix_add_and_list(void **state)
{
	(void)state;
	assert_string_equal(run("pop tunnelprefix list"), "404 Tunnel Prefix is not configured yet\n");
	assert_string_equal(run("pop tunnelprefix add 2001:db8:2ff::/48"),
			    "200 Tunnel Prefix 2001:db8:2ff::/48 configured\n");
	assert_string_equal(run("pop tunnelprefix list"), "200 2001:db8:2ff::/48\n");
	/* Deviation 12: the third group is kept even when 0; no length is fine. */
	assert_string_equal(run("pop tunnelprefix add 2001:db8::"),
			    "200 Tunnel Prefix 2001:db8:0::/48 configured\n");
	assert_string_equal(run("pop tunnelprefix add 2001:DB8:ABCD::/48"),
			    "200 Tunnel Prefix 2001:db8:abcd::/48 configured\n");
	assert_string_equal(run("pop tunnelprefix list"),
			    "201 3\n2001:db8:2ff::/48\n2001:db8:0::/48\n2001:db8:abcd::/48\n200 OK\n");
}

static void tunnelprefix_errors(void **state)
{
	(void)state;
	assert_string_equal(run("pop tunnelprefix add zz"), "400 Invalid IPv6 prefix zz\n");
	assert_string_equal(run("pop tunnelprefix add 10.0.0.0/8"),
			    "400 Invalid IPv6 prefix 10.0.0.0/8\n");
	assert_string_equal(run("pop tunnelprefix add 2001:db8:2ff::/64"),
			    "400 A Prefixlength 64 not accepted (only /48 tunnel prefixes)\n");
	assert_string_equal(run("pop tunnelprefix add 2001:db8:200::/40"),
			    "400 A Prefixlength 40 not accepted (only /48 tunnel prefixes)\n");
	assert_string_equal(run("pop tunnelprefix add 2001:db8:2ff:1::/48"),
			    "400 Tunnel Prefix 2001:db8:2ff:1::/48 has host bits set\n");
	assert_string_equal(run("pop tunnelprefix add 2001:db8:2ff::1"),
			    "400 Tunnel Prefix 2001:db8:2ff::1 has host bits set\n");
	assert_string_equal(run("pop tunnelprefix list"), "404 Tunnel Prefix is not configured yet\n");
}

static void tunnelprefix_duplicates_and_limit(void **state)
{
	(void)state;
	RUN_OK("pop tunnelprefix add 2001:db8:1::/48");
	assert_string_equal(run("pop tunnelprefix add 2001:db8:1::/48"),
			    "200 Tunnel Prefix already configured\n");
	assert_string_equal(run("pop tunnelprefix add 2001:db8:1::"),
			    "200 Tunnel Prefix already configured\n");
	RUN_OK("pop tunnelprefix add 2001:db8:2::/48", "pop tunnelprefix add 2001:db8:3::/48",
	       "pop tunnelprefix add 2001:db8:4::/48");
	assert_string_equal(run("pop tunnelprefix add 2001:db8:5::/48"),
			    "400 No more available empty tunnel prefixes (max 4)\n");
	assert_string_equal(run("pop tunnelprefix add 2001:db8:4::/48"),
			    "200 Tunnel Prefix already configured\n");
	assert_int_equal(conf_tprefix_count(), 4);
	assert_string_equal(unit_line(run("pop tunnelprefix list"), 0), "201 4");
}

static void tunnelprefix_overlap(void **state)
{
	(void)state;
	RUN_OK("pop subnetprefix add 2001:db8:3000::/40", "pop subnetprefix add 2001:db8:7000::/48");
	assert_string_equal(run("pop tunnelprefix add 2001:db8:3012::/48"),
			    "400 Prefix 2001:db8:3012::/48 overlaps 2001:db8:3000::/40\n");
	assert_string_equal(run("pop tunnelprefix add 2001:db8:7000::/48"),
			    "400 Prefix 2001:db8:7000::/48 overlaps 2001:db8:7000::/48\n");
	assert_string_equal(run("pop tunnelprefix add 2001:db8:3100::/48"),
			    "200 Tunnel Prefix 2001:db8:3100::/48 configured\n");
	assert_int_equal(conf_tprefix_count(), 1);
}

/* ---- pop subnetprefix --------------------------------------------------- */

static void subnetprefix_add_and_list(void **state)
{
	(void)state;
	assert_string_equal(run("pop subnetprefix list"), "404 Subnet Prefix is not configured yet\n");
	assert_string_equal(run("pop subnetprefix add 2001:db8:3000::/40"),
			    "200 Subnet Prefix 2001:db8:3000::/40 added\n");
	assert_string_equal(run("pop subnetprefix add 2001:db8:7000::/48"),
			    "200 Subnet Prefix 2001:db8:7000::/48 added\n");
	/* Deviation 13: alignment by bits; canonical text. */
	assert_string_equal(run("pop subnetprefix add 2001:db8::/40"),
			    "200 Subnet Prefix 2001:db8::/40 added\n");
	assert_string_equal(run("pop subnetprefix add 2001:0DB8:7001:0::/48"),
			    "200 Subnet Prefix 2001:db8:7001::/48 added\n");
	assert_string_equal(run("pop subnetprefix list"),
			    "201 4\n2001:db8:3000::/40\n2001:db8:7000::/48\n2001:db8::/40\n"
			    "2001:db8:7001::/48\n200 OK\n");
}

static void subnetprefix_errors(void **state)
{
	(void)state;
	assert_string_equal(run("pop subnetprefix add x/40"), "400 Invalid IPv6 prefix x/40\n");
	assert_string_equal(run("pop subnetprefix add 10.0.0.0/8"),
			    "400 Invalid IPv6 prefix 10.0.0.0/8\n");
	assert_string_equal(run("pop subnetprefix add 2001:db8:3000::"),
			    "400 A Prefixlength 128 not accepted (only /48's for /56 subnets or a /40 "
			    "for /48 subnets)\n");
	assert_string_equal(run("pop subnetprefix add 2001:db8:3000::/44"),
			    "400 A Prefixlength 44 not accepted (only /48's for /56 subnets or a /40 "
			    "for /48 subnets)\n");
	assert_string_equal(run("pop subnetprefix add 2001:db8:3101::/40"),
			    "400 Subnet Prefix 2001:db8:3101::/40 has host bits set\n");
	assert_string_equal(run("pop subnetprefix add 2001:db8:7000:100::/48"),
			    "400 Subnet Prefix 2001:db8:7000:100::/48 has host bits set\n");
	assert_string_equal(run("pop subnetprefix list"), "404 Subnet Prefix is not configured yet\n");
}

static void subnetprefix_duplicate_and_overlap(void **state)
{
	(void)state;
	RUN_OK("pop tunnelprefix add 2001:db8:2ff::/48", "pop subnetprefix add 2001:db8:3000::/40",
	       "pop subnetprefix add 2001:db8:7000::/48");
	assert_string_equal(run("pop subnetprefix add 2001:db8:3000::/40"),
			    "200 Subnet Prefix already configured\n");
	assert_string_equal(run("pop subnetprefix add 2001:db8:3012::/48"),
			    "400 Prefix 2001:db8:3012::/48 overlaps 2001:db8:3000::/40\n");
	assert_string_equal(run("pop subnetprefix add 2001:db8:7000::/40"),
			    "400 Prefix 2001:db8:7000::/40 overlaps 2001:db8:7000::/48\n");
	assert_string_equal(run("pop subnetprefix add 2001:db8:200::/40"),
			    "400 Prefix 2001:db8:200::/40 overlaps 2001:db8:2ff::/48\n");
	assert_string_equal(run("pop subnetprefix add 2001:db8:2ff::/48"),
			    "400 Prefix 2001:db8:2ff::/48 overlaps 2001:db8:2ff::/48\n");
	assert_string_equal(run("pop subnetprefix list"),
			    "201 2\n2001:db8:3000::/40\n2001:db8:7000::/48\n200 OK\n");
}

static void subnetprefix_limit(void **state)
{
	(void)state;
	char line[80];
	for (int i = 0; i < SUBNET_MAX_PREFIX; i++) {
		snprintf(line, sizeof(line), "pop subnetprefix add 2001:db8:%x00::/40", 0x10 + i);
		RUN_OK(line);
	}
	assert_string_equal(run("pop subnetprefix add 2001:db8:7000::/48"),
			    "400 No more available empty subnet prefixes, this requires a recompile\n");
	assert_string_equal(run("pop subnetprefix add 2001:db8:1f00::/40"),
			    "200 Subnet Prefix already configured\n");
	const char *r = run("pop subnetprefix list");
	assert_string_equal(unit_line(r, 0), "201 16");
	assert_string_equal(unit_line(r, 16), "2001:db8:1f00::/40");
}

/* ---- pop saveconfig ----------------------------------------------------- */

static void saveconfig_command(void **state)
{
	(void)state;
	char dir[] = "/tmp/sixxsd-unit-pop-XXXXXX", path[128], bad[160];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sixxsd.conf", dir);
	conf_set_file(path);
	RUN_OK("pop set id 2");
	assert_string_equal(run("pop saveconfig"), "200 Configuration stored to disk\n");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 0);
	assert_string_equal(run("pop saveconfig x"),
			    "404 Command 'saveconfig' requires arguments: saveconfig  (min=0, max=0, "
			    "given=1)\n");

	snprintf(bad, sizeof(bad), "%s/missing/sixxsd.conf", dir);
	conf_set_file(bad);
	const char *r = run("pop saveconfig");
	assert_int_equal(strncmp(r, "500 ", 4), 0);
	assert_int_equal(unit_lines(r), 1);

	conf_set_file("sixxsd.conf");
	unlink(path);
	rmdir(dir);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, unit_setup)
	const struct CMUnitTest tests[] = {
		T(set_and_get_id),
		T(set_id_errors),
		T(get_name),
		T(set_details),
		T(set_details_name_rules),
		T(set_details_family_not_enforced),
		T(set_details_errors_change_nothing),
		T(show_info_defaults),
		T(set_debug_sections),
		T(set_debug_errors),
		T(set_verbosity),
		T(show_pops_empty),
		T(show_pops_order),
		T(show_status_empty),
		T(show_status_counts),
		T(show_version),
		T(show_times),
		T(show_hostinfo_and_threads),
		T(cliacl_add_and_list),
		T(cliacl_add_errors),
		T(cliacl_full),
		T(cliacl_remove_keeps_order),
		T(cliacl_remove_errors),
		T(cliacl_ipv4_mapped_is_ipv4),
		T(cliacl_reset_keeps_peer),
		T(cliacl_reset_without_peer),
		T(tunnelprefix_add_and_list),
		T(tunnelprefix_errors),
		T(tunnelprefix_duplicates_and_limit),
		T(tunnelprefix_overlap),
		T(subnetprefix_add_and_list),
		T(subnetprefix_errors),
		T(subnetprefix_duplicate_and_overlap),
		T(subnetprefix_limit),
		T(saveconfig_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
