/* The `tunnel` context (control §3, §5.1-§5.9, deviations 6, 8-11). */
#include "unit.h"

#include <time.h>

#define PW1 "f3d47c2de40fb698e1ab15d757a09bfc"
#define PW2 "91915d757a09bfc94d5028832d85cc0d"
#define PW2AE "8fd1ca39af3d47c2de40fb698e1abc9a"
#define PW42C "eb293433ad7898bd67952f941f6fbea1"

/* The tunnels of the §8.4 example (prefix 2001:db8:2ff::/48, PoP id 1). */
static void example(void)
{
	RUN_OK("pop set details 1 chtst01 192.0.2.42 2001:db8::42", "pop set id 1",
	       "pop tunnelprefix add 2001:db8:2ff::/48",
	       "pop subnetprefix add 2001:db8:3000::/40",
	       "pop subnetprefix add 2001:db8:7000::/48",
	       "tunnel set config 0 T4141 172.16.1.1 up 1480",
	       "tunnel set config 1 T5072 ayiya up 1428 " PW1,
	       "tunnel set config 2 T3740 heartbeat up 1280 " PW2,
	       "tunnel set config 2ae T18572 dynamic up 1280 " PW2AE,
	       "tunnel set config 42c T84822 dynamic up 1280 " PW42C,
	       "tunnel set config 666 T84822 198.18.1.1 disabled 1280",
	       "subnet set config 2001:db8:3001::/48 2ae static",
	       "subnet set config 2001:db8:3055::/48 2 static",
	       "subnet set config 2001:db8:7000:500::/56 1 static");
}

static int setup(void **state)
{
	unit_setup(state);
	example();
	return 0;
}

static struct tunnel_cfg cfg(uint32_t tid)
{
	struct tunnel_cfg c;
	tunnel_get(tid, &c);
	return c;
}

/* "T-number|outer them|MTU|state|type" of a tunnel, from `tunnel show`, or
 * the reply when that failed. */
static const char *list_line(const char *tunnel)
{
	char line[128];
	snprintf(line, sizeof(line), "tunnel show %s", tunnel);
	const char *r = run(line);
	if (strncmp(r, "201 ", 4) != 0)
		return r;
	static char buf[256];
	snprintf(buf, sizeof(buf), "%s|%s|%s|%s|%s", unit_line(r, 1) + 26, unit_line(r, 7) + 26,
		 unit_line(r, 8) + 26, unit_line(r, 9) + 26, unit_line(r, 10) + 26);
	return buf;
}

/* Run a line whose reply shows times "ago": retried until the clock did not
 * tick during it, so *now is the time the daemon used. */
static const char *run_at(const char *line, time_t *now)
{
	for (;;) {
		time_t a = time(NULL);
		const char *r = run(line);
		if (time(NULL) == a) {
			*now = a;
			return r;
		}
	}
}

static const char *ago(time_t t, time_t now)
{
	static char buf[UNIT_RING][128];
	static unsigned next;
	char *b = buf[next++ % UNIT_RING];
	cmd_fmt_ago(b, 128, t, now);
	return b;
}

/* ---- tunnel set config: validation ---------------------------------------- */

/* A failing line changes nothing: the same show of every tunnel and the same
 * highest tid before and after. */
static void assert_unchanged_by(const char *line, const char *reply)
{
	uint32_t n = tunnel_count();
	char before[4][8192];
	const char *which[4] = { "tunnel show T4141", "tunnel show T5072", "tunnel show T84822",
				 "tunnel show 2001:db8:2ff:666::2" };
	for (int i = 0; i < 4; i++)
		snprintf(before[i], sizeof(before[i]), "%s", run_at(which[i], &(time_t){ 0 }));
	char list[8192];
	snprintf(list, sizeof(list), "%s", run("tunnel list"));
	assert_string_equal(run(line), reply);
	assert_int_equal(tunnel_count(), n);
	assert_string_equal(run("tunnel list"), list);
	for (int i = 0; i < 4; i++)
		assert_string_equal(run_at(which[i], &(time_t){ 0 }), before[i]);
}

static void config_tid_errors(void **state)
{
	(void)state;
	assert_unchanged_by("tunnel set config zz T1 192.0.2.1 up 1480",
			    "400 Invalid TID (zz) - not a hex number\n");
	assert_unchanged_by("tunnel set config 1g T1 192.0.2.1 up 1480",
			    "400 Invalid TID (1g) - not a hex number\n");
	assert_unchanged_by("tunnel set config 0x T1 192.0.2.1 up 1480",
			    "400 Invalid TID (0x) - not a hex number\n");
	assert_unchanged_by("tunnel set config -1 T1 192.0.2.1 up 1480",
			    "400 Invalid TID (-1) - not a hex number\n");
	assert_unchanged_by("tunnel set config \" 5\" T1 192.0.2.1 up 1480",
			    "400 Invalid TID ( 5) - not a hex number\n");
	assert_unchanged_by("tunnel set config 20000 T1 192.0.2.1 up 1480",
			    "400 TID 0x20000 is out of range (max 0x1fffe)\n");
	assert_unchanged_by("tunnel set config 0xffffffff T1 192.0.2.1 up 1480",
			    "400 TID 0xffffffff is out of range (max 0x1fffe)\n");
	assert_unchanged_by("tunnel set config 7fff T1 192.0.2.1 up 1480",
			    "400 TID 0x7fff is out of range (0x7fff of each prefix is reserved)\n");
	assert_unchanged_by("tunnel set config 0xFFFF T1 192.0.2.1 up 1480",
			    "400 TID 0xffff is out of range (0x7fff of each prefix is reserved)\n");
	assert_unchanged_by("tunnel set config 1ffff T1 192.0.2.1 up 1480",
			    "400 TID 0x1ffff is out of range (0x7fff of each prefix is reserved)\n");
	assert_unchanged_by("tunnel set config 8000 T1 192.0.2.1 up 1480",
			    "400 TID 0x8000 is out of range (tunnel prefix 1 is not configured)\n");
	assert_unchanged_by("tunnel set config 1fffe T1 192.0.2.1 up 1480",
			    "400 TID 0x1fffe is out of range (tunnel prefix 3 is not configured)\n");
}

static void config_tid_double_0x_prefix(void **state)
{
	(void)state;
	/* Deviation 8: hex as a whole with an optional 0x -- one 0x only. */
	assert_unchanged_by("tunnel set config 0x0x5 T1 192.0.2.1 up 1480",
			    "400 Invalid TID (0x0x5) - not a hex number\n");
	assert_unchanged_by("tunnel set config 0X0x667 T1 192.0.2.1 up 1480",
			    "400 Invalid TID (0X0x667) - not a hex number\n");
}

static void config_tid_in_other_prefixes(void **state)
{
	(void)state;
	RUN_OK("pop tunnelprefix add 2001:db8:2fe::/48");
	assert_string_equal(run("tunnel set config 8000 T9000 192.0.2.9 up 1480"),
			    "200 Accepted Tunnel 8000/T9000 with password\n");
	assert_string_equal(run("tunnel set config 0xfffe T9001 192.0.2.9 up 1480"),
			    "200 Accepted Tunnel fffe/T9001 with password\n");
	assert_int_equal(tunnel_count(), 0xffff);
	assert_string_equal(run("tunnel set config 10000 T1 192.0.2.1 up 1480"),
			    "400 TID 0x10000 is out of range (tunnel prefix 2 is not configured)\n");
	RUN_OK("pop tunnelprefix add 2001:db8:2fd::/48", "pop tunnelprefix add 2001:db8:2fc::/48");
	assert_string_equal(run("tunnel set config 1fffe T9002 192.0.2.9 up 1480"),
			    "200 Accepted Tunnel 1fffe/T9002 with password\n");
	assert_int_equal(tunnel_count(), 0x1ffff);
	assert_string_equal(run("tunnel list"),
			    "201 9\n"
			    "T4141 2001:db8:2ff:0::2 172.16.1.1 up direct 1480 0\n"
			    "T5072 2001:db8:2ff:1::2 0.0.0.0 down none 1428 0\n"
			    "T3740 2001:db8:2ff:2::2 0.0.0.0 down none 1280 0\n"
			    "T18572 2001:db8:2ff:2ae::2 0.0.0.0 down none 1280 0\n"
			    "T84822 2001:db8:2ff:42c::2 0.0.0.0 down none 1280 0\n"
			    "T84822 2001:db8:2ff:666::2 198.18.1.1 disabled direct 1280 0\n"
			    "T9000 2001:db8:2fe:0::2 192.0.2.9 up direct 1480 0\n"
			    "T9001 2001:db8:2fe:7ffe::2 192.0.2.9 up direct 1480 0\n"
			    "T9002 2001:db8:2fc:7ffe::2 192.0.2.9 up direct 1480 0\n"
			    "200 OK\n");
}

static void config_tnum_errors(void **state)
{
	(void)state;
	const char *bad[] = { "X1", "t1", "T", "T1x", "T-1", "T0x10", "T4294967296", "T 1" };
	char line[128], want[128];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "tunnel set config 5 \"%s\" 192.0.2.1 up 1480", bad[i]);
		snprintf(want, sizeof(want), "400 Invalid Tunnel ID (%s) - not a number\n", bad[i]);
		assert_unchanged_by(line, want);
	}
	assert_string_equal(run("tunnel set config 5 T4294967295 192.0.2.1 up 1480"),
			    "200 Accepted Tunnel 5/T4294967295 with password\n");
	assert_string_equal(run("tunnel set config 6 T007 192.0.2.1 up 1480"),
			    "200 Accepted Tunnel 6/T7 with password\n");
}

static void config_mtu_errors(void **state)
{
	(void)state;
	assert_unchanged_by("tunnel set config 0 T4141 172.16.1.1 up abc",
			    "400 Invalid Tunnel MTU (abc) - not a number\n");
	assert_unchanged_by("tunnel set config 0 T4141 172.16.1.1 up 0x500",
			    "400 Invalid Tunnel MTU (0x500) - not a number\n");
	assert_unchanged_by("tunnel set config 0 T4141 172.16.1.1 up -1280",
			    "400 Invalid Tunnel MTU (-1280) - not a number\n");
	assert_unchanged_by("tunnel set config 0 T4141 172.16.1.1 up 1280x",
			    "400 Invalid Tunnel MTU (1280x) - not a number\n");
	assert_unchanged_by("tunnel set config 0 T4141 172.16.1.1 up 1279",
			    "400 Tunnel MTU 1279 is outside range (1280-1480)\n");
	assert_unchanged_by("tunnel set config 0 T4141 172.16.1.1 up 1481",
			    "400 Tunnel MTU 1481 is outside range (1280-1480)\n");
	/* Deviation 8: no 16-bit truncation (66816 = 0x10500). */
	assert_unchanged_by("tunnel set config 0 T4141 172.16.1.1 up 66816",
			    "400 Tunnel MTU 66816 is outside range (1280-1480)\n");
	assert_unchanged_by("tunnel set config 0 T4141 172.16.1.1 up 0",
			    "400 Tunnel MTU 0 is outside range (1280-1480)\n");
	assert_string_equal(run("tunnel set config 0 T4141 172.16.1.1 up 1280"),
			    "200 Accepted Tunnel 0/T4141 with password\n");
	assert_int_equal(cfg(0).mtu, 1280);
	assert_string_equal(run("tunnel set config 0 T4141 172.16.1.1 up 01480"),
			    "200 Accepted Tunnel 0/T4141 with password\n");
	assert_int_equal(cfg(0).mtu, 1480);
}

static void config_endpoint_errors(void **state)
{
	(void)state;
	assert_unchanged_by("tunnel set config 0 T4141 999.0.2.10 up 1480",
			    "400 Invalid Tunnel_Them address (999.0.2.10)\n");
	assert_unchanged_by("tunnel set config 15 T105 999.0.2.10 up 1480",
			    "400 Invalid Tunnel_Them address (999.0.2.10)\n");
	assert_unchanged_by("tunnel set config 1 T5072 ayiyaa up 1428",
			    "400 Invalid Tunnel_Them address (ayiyaa)\n");
	assert_unchanged_by("tunnel set config 0 T4141 2001:db8::zz up 1480",
			    "400 Invalid Tunnel_Them address (2001:db8::zz)\n");
}

static void config_password_length(void **state)
{
	(void)state;
	char pw[TUNNEL_PW_MAX + 2], line[256], want[256];
	memset(pw, 'p', sizeof(pw) - 1);
	pw[TUNNEL_PW_MAX + 1] = '\0'; /* 133 characters */
	snprintf(line, sizeof(line), "tunnel set config 1 T5072 ayiya up 1428 %s", pw);
	snprintf(want, sizeof(want), "400 Password given (%s) is too long (133/133)\n", pw);
	assert_unchanged_by(line, want);
	assert_string_equal(tunnel_password(1), PW1);

	pw[TUNNEL_PW_MAX] = '\0'; /* 132 */
	snprintf(line, sizeof(line), "tunnel set config 1 T5072 ayiya up 1428 %s", pw);
	assert_string_equal(run(line), "200 Accepted Tunnel 1/T5072\n");
	assert_string_equal(tunnel_password(1), pw);
}

static void config_validation_order(void **state)
{
	(void)state;
	/* tid, T-number, MTU, endpoint, password (§5.1 steps 1-9). */
	assert_string_equal(run("tunnel set config zz X 999.0.0.1 up abc"),
			    "400 Invalid TID (zz) - not a hex number\n");
	assert_string_equal(run("tunnel set config 7fff X 999.0.0.1 up abc"),
			    "400 TID 0x7fff is out of range (0x7fff of each prefix is reserved)\n");
	assert_string_equal(run("tunnel set config 5 X 999.0.0.1 up abc"),
			    "400 Invalid Tunnel ID (X) - not a number\n");
	assert_string_equal(run("tunnel set config 5 T5 999.0.0.1 up abc"),
			    "400 Invalid Tunnel MTU (abc) - not a number\n");
	assert_string_equal(run("tunnel set config 5 T5 999.0.0.1 up 1"),
			    "400 Tunnel MTU 1 is outside range (1280-1480)\n");
	char line[256];
	snprintf(line, sizeof(line), "tunnel set config 5 T5 999.0.0.1 up 1280 %0133d", 0);
	assert_string_equal(run(line), "400 Invalid Tunnel_Them address (999.0.0.1)\n");
	assert_int_equal(tunnel_count(), 0x667);
}

/* ---- tunnel set config: results ------------------------------------------ */

static void config_accepted_suffix(void **state)
{
	(void)state;
	/* Deviation 8: the historic inverted wording. */
	assert_string_equal(run("tunnel set config 0 T4141 172.16.1.1 up 1480"),
			    "200 Accepted Tunnel 0/T4141 with password\n");
	assert_string_equal(run("tunnel set config 2AE T18572 dynamic up 1280 " PW2AE),
			    "200 Accepted Tunnel 2ae/T18572\n");
	assert_string_equal(run("tunnel set config 0x20 T200 192.0.2.20 up 1480 pwpw"),
			    "200 Accepted Tunnel 20/T200\n");
	assert_string_equal(run("tunnel set config 21 T201 ayiya up 1280"),
			    "200 Accepted Tunnel 21/T201 with password\n");
	assert_int_equal(tunnel_count(), 0x667);
}

static void config_raises_count(void **state)
{
	(void)state;
	unit_setup(state);
	assert_int_equal(tunnel_count(), 0);
	RUN_OK("tunnel set config 10 T1 192.0.2.1 up 1480");
	assert_int_equal(tunnel_count(), 0x11);
	RUN_OK("tunnel set config 3 T2 192.0.2.1 up 1480");
	assert_int_equal(tunnel_count(), 0x11);
}

static void config_static_states(void **state)
{
	(void)state;
	assert_string_equal(list_line("T4141"), "T4141|172.16.1.1|1480|up|direct");
	RUN_OK("tunnel set config 0 T4141 172.16.1.1 DISABLED 1480");
	assert_string_equal(list_line("T4141"), "T4141|172.16.1.1|1480|disabled|direct");
	/* Any other word means up (§5.1 step 8). */
	RUN_OK("tunnel set config 0 T4141 172.16.1.2 typo 1400");
	assert_string_equal(list_line("T4141"), "T4141|172.16.1.2|1400|up|direct");
	RUN_OK("tunnel set config 0 T4242 2001:db8::1 up 1480");
	assert_string_equal(list_line("T4242"), "T4242|2001:db8::1|1480|up|direct");
	assert_false(cfg(0).dynamic);
}

static void config_dynamic_states(void **state)
{
	(void)state;
	/* New dynamic: down; the type and remote are untouched. */
	assert_string_equal(list_line("T5072"), "T5072|0.0.0.0|1428|down|none");
	assert_true(cfg(1).dynamic);
	RUN_OK("tunnel set config 1 T5072 AYIYA disabled 1428");
	assert_string_equal(list_line("T5072"), "T5072|0.0.0.0|1428|disabled|none");
	/* From disabled back to down, not up. */
	RUN_OK("tunnel set config 1 T5072 Heartbeat up 1428");
	assert_string_equal(list_line("T5072"), "T5072|0.0.0.0|1428|down|none");
	/* Up (a beat, here set remote) is kept by a re-push. */
	RUN_OK("tunnel set remote T5072 192.0.2.55");
	assert_string_equal(list_line("T5072"), "T5072|192.0.2.55|1428|up|none");
	RUN_OK("tunnel set config 1 T5072 DYNAMIC up 1400");
	assert_string_equal(list_line("T5072"), "T5072|192.0.2.55|1400|up|none");
	RUN_OK("tunnel set config 1 T5072 ayiya disabled 1400");
	assert_string_equal(list_line("T5072"), "T5072|192.0.2.55|1400|disabled|none");
	/* A brand-new dynamic tunnel pushed disabled. */
	RUN_OK("tunnel set config 700 T700 ayiya disabled 1280");
	assert_string_equal(list_line("T700"), "T700|0.0.0.0|1280|disabled|none");
}

static void config_static_to_dynamic_and_back(void **state)
{
	(void)state;
	/* §7: static -> dynamic keeps the remote, the type and an up state. */
	RUN_OK("tunnel set config 0 T4141 heartbeat up 1480");
	assert_string_equal(list_line("T4141"), "T4141|172.16.1.1|1480|up|direct");
	assert_true(cfg(0).dynamic);
	/* A disabled static tunnel becomes down. */
	RUN_OK("tunnel set config 666 T84822 ayiya up 1280");
	assert_string_equal(list_line("2001:db8:2ff:666::1"), "T84822|198.18.1.1|1280|down|direct");
	/* dynamic -> static: the configured address replaces the learned one. */
	RUN_OK("tunnel set remote T18572 192.0.2.77");
	RUN_OK("tunnel set config 2ae T18572 192.0.2.1 disabled 1280");
	assert_string_equal(list_line("T18572"), "T18572|192.0.2.1|1280|disabled|direct");
	assert_false(cfg(0x2ae).dynamic);
}

static void config_keeps_password_when_omitted(void **state)
{
	(void)state;
	RUN_OK("tunnel set config 1 T5072 ayiya up 1300");
	assert_string_equal(tunnel_password(1), PW1);
	assert_has_line(run("tunnel show T5072"), "Heartbeat Password      : " PW1);
	RUN_OK("tunnel set config 1 T5072 ayiya up 1300 \"new pw\"");
	assert_string_equal(tunnel_password(1), "new pw");
	RUN_OK("tunnel set config 1 T5072 ayiya up 1300 \"\"");
	assert_string_equal(tunnel_password(1), "");
	/* A static tunnel stores it too. */
	RUN_OK("tunnel set config 0 T4141 172.16.1.1 up 1480 secret");
	RUN_OK("tunnel set config 0 T4141 172.16.1.1 up 1480");
	assert_string_equal(tunnel_password(0), "secret");
}

static void config_keeps_runtime_state(void **state)
{
	(void)state;
	time_t t = time(NULL) - 100;
	struct in6_addr src = unit_addr("192.0.2.99");
	tunnel_count_pkt(tunnel_stats(0x2ae), TUNNEL_IN, 100, t);
	tunnel_err_record(0x2ae, TERR_CLOCK_OFF, &src, NULL, 0, t);
	RUN_OK("tunnel set remote T18572 192.0.2.77", "tunnel set debug T18572 on");
	RUN_OK("tunnel set config 2ae T18572 dynamic up 1280 " PW2AE);
	assert_string_equal(list_line("T18572"), "T18572|192.0.2.77|1280|up|none");
	assert_int_equal(tunnel_debug_owner(0x2ae), 0);
	const char *r = run("tunnel show T18572");
	assert_has_line(r, "Packets In  (Total)     : 1");
	assert_has_line(r, "Octets In               : 100");
	assert_int_equal(strncmp(unit_line(r, 28), "Clock Off               : 1, last: 192.0.2.99 ", 46), 0);
}

/* ---- tunnel show ---------------------------------------------------------- */

static const char *const errors_none =
	"Encap.Pkt Too Big       : none\n"
	"Disabled tunnel         : none\n"
	"Clock Off               : none\n"
	"Encap.Pkt Send Error    : none\n"
	"Same In&Out Interface   : none\n"
	"Wrong Source IPv6       : none\n"
	"Wrong Source IPv4       : none\n"
	"Packet over uplink      : none\n"
	"Non-IPv6 Payload        : none\n"
	"Non-IPv4 Payload        : none\n"
	"AYIYA Hash Fail         : none\n"
	"AYIYA-non-AYIYA         : none\n"
	"AYIYA Invalid Forward   : none\n"
	"Heartbeat Hash Fail     : none\n"
	"HB-non-HB               : none\n"
	"HB Missing sender       : none\n"
	"HB Sender Mismatch      : none\n"
	"HB Missing Time         : none\n"
	"ICMPv4 Errors Received  : none\n"
	"ICMPv4 Echo Req. Recv.  : none\n"
	"Wrong Payload           : none\n"
	"Replay Dropped          : none\n"
	"Endpoint Move Refused   : none\n";

static const char *const traffic_none =
	"Packet In               : never\n"
	"Packets In              : 0\n"
	"Packets In  (Total)     : 0\n"
	"Octets In               : 0\n"
	"Octets In  (Total)      : 0\n"
	"Packet Out              : never\n"
	"Packets Out             : 0\n"
	"Packets Out (Total)     : 0\n"
	"Octets Out              : 0\n"
	"Octets Out (Total)      : 0\n"
	"Latency Pkt Sent        : 0\n"
	"Latency Pkt Recv        : 0\n";

static void show_static(void **state)
{
	(void)state;
	char want[4096];
	snprintf(want, sizeof(want),
		 "201 46\n"
		 "Tunnel ID               : T4141\n"
		 "TID                     : 0x0\n"
		 "Tunnel Debugging        : no\n"
		 "Inner Us                : 2001:db8:2ff:0::1\n"
		 "Inner Them              : 2001:db8:2ff:0::2\n"
		 "Outer Us                : ::\n"
		 "Outer Them              : 172.16.1.1\n"
		 "MTU                     : 1480\n"
		 "Tunnel State            : up\n"
		 "Tunnel Type             : direct\n"
		 "Dynamic Tunnel          : no\n"
		 "%s%s200 OK\n",
		 traffic_none, errors_none);
	assert_string_equal(run("tunnel show T4141"), want);
}

static void show_dynamic_appendix_b(void **state)
{
	(void)state;
	char want[4096];
	snprintf(want, sizeof(want),
		 "201 48\n"
		 "Tunnel ID               : T5072\n"
		 "TID                     : 0x1\n"
		 "Tunnel Debugging        : no\n"
		 "Inner Us                : 2001:db8:2ff:1::1\n"
		 "Inner Them              : 2001:db8:2ff:1::2\n"
		 "Outer Us                : ::\n"
		 "Outer Them              : 0.0.0.0\n"
		 "MTU                     : 1428\n"
		 "Tunnel State            : down\n"
		 "Tunnel Type             : none\n"
		 "Dynamic Tunnel          : yes\n"
		 "Last Heartbeat          : never\n"
		 "Heartbeat Password      : f3d47c2de40fb698e1ab15d757a09bfc\n"
		 "%s%s200 OK\n",
		 traffic_none, errors_none);
	assert_string_equal(run("tunnel show T5072"), want);
}

static void show_ayiya_dynamic(void **state)
{
	(void)state;
	/* A learned AYIYA tunnel: +5 lines (51). */
	struct in6_addr us = unit_addr("192.0.2.42");
	tunnel_learn(1, TUNNEL_T_AYIYA, &us);
	RUN_OK("tunnel set remote T5072 192.0.2.55");
	const char *r = run("tunnel show T5072");
	assert_string_equal(unit_line(r, 0), "201 53");
	assert_string_equal(unit_line(r, 6), "Outer Us                : 192.0.2.42");
	assert_string_equal(unit_line(r, 7), "Outer Them              : 192.0.2.55");
	assert_string_equal(unit_line(r, 9), "Tunnel State            : up");
	assert_string_equal(unit_line(r, 10), "Tunnel Type             : ayiya");
	assert_string_equal(unit_line(r, 11), "Dynamic Tunnel          : yes");
	assert_string_equal(unit_line(r, 12), "AYIYA Socket Type       : 2 (DGRAM (UDP))");
	assert_string_equal(unit_line(r, 13), "AYIYA Protocol          : 17 (UDP)");
	assert_string_equal(unit_line(r, 14), "AYIYA Port Us           : 5072");
	assert_string_equal(unit_line(r, 15), "AYIYA Port Them         : 5072");
	assert_string_equal(unit_line(r, 16), "AYIYA Hash              : 2 (SHA-1)");
	assert_string_equal(unit_line(r, 17), "Last Heartbeat          : never");
	assert_string_equal(unit_line(r, 51), "Wrong Payload           : none");
	assert_string_equal(run("tunnel list"),
			    "201 6\n"
			    "T4141 2001:db8:2ff:0::2 172.16.1.1 up direct 1480 0\n"
			    "T5072 2001:db8:2ff:1::2 192.0.2.55 up ayiya 1428 0\n"
			    "T3740 2001:db8:2ff:2::2 0.0.0.0 down none 1280 0\n"
			    "T18572 2001:db8:2ff:2ae::2 0.0.0.0 down none 1280 0\n"
			    "T84822 2001:db8:2ff:42c::2 0.0.0.0 down none 1280 0\n"
			    "T84822 2001:db8:2ff:666::2 198.18.1.1 disabled direct 1280 0\n"
			    "200 OK\n");
	/* The three silent "dynamic" tunnels count as configured direct ones. */
	assert_string_equal(run("pop show status"),
			    "201 4\ndirect 1 0 5\nayiya 1 0 1\ngre 0 0 0\ntotal 2 0 6\n200 OK\n");
}

static void show_latency_lines(void **state)
{
	(void)state;
	struct tunnel_lat *l = tunnel_lat(0);
	l->sent = 10;
	l->recv = 8;
	l->min_us = 1000;
	l->max_us = 3005;
	l->sum_us = 16000;
	const char *r = run("tunnel show T4141");
	assert_string_equal(unit_line(r, 0), "201 50");
	assert_string_equal(unit_line(r, 22), "Latency Pkt Sent        : 10");
	assert_string_equal(unit_line(r, 23), "Latency Pkt Recv        : 8");
	assert_string_equal(unit_line(r, 24), "Latency Loss            : 20.00");
	assert_string_equal(unit_line(r, 25), "Latency Min             : 1.00 ms");
	assert_string_equal(unit_line(r, 26), "Latency Avg             : 2.00 ms");
	assert_string_equal(unit_line(r, 27), "Latency Max             : 3.00 ms");
	assert_string_equal(unit_line(r, 28), "Encap.Pkt Too Big       : none");
	*tunnel_lat(1) = *l;
	assert_string_equal(unit_line(run("tunnel show T5072"), 0), "201 52");
	/* Sent without replies: no latency lines. */
	l->recv = 0;
	assert_string_equal(unit_line(run("tunnel show T4141"), 0), "201 46");
}

static void show_traffic_and_errors(void **state)
{
	(void)state;
	time_t now = time(NULL);
	struct in6_addr src = unit_addr("192.0.2.1"), src6 = unit_addr("2001:db8:9::1");
	tunnel_count_pkt(tunnel_stats(0), TUNNEL_IN, 100, now - 3700);
	tunnel_count_pkt(tunnel_stats(0), TUNNEL_IN, 200, now - 62);
	tunnel_count_pkt(tunnel_stats(0), TUNNEL_OUT, 1280, now - 90061);
	for (int i = 0; i < 5; i++)
		tunnel_err_record(0, TERR_CLOCK_OFF, &src, NULL, 0, now - 62);
	tunnel_err_record(0, TERR_WRONG_PAYLOAD, &src6, "x", 1, now + 100);
	time_t at;
	const char *r = run_at("tunnel show T4141", &at);
	char want[256];
	snprintf(want, sizeof(want), "Packet In               : %s", ago(now - 62, at));
	assert_string_equal(unit_line(r, 12), want);
	assert_string_equal(unit_line(r, 13), "Packets In              : 2");
	assert_string_equal(unit_line(r, 14), "Packets In  (Total)     : 2");
	assert_string_equal(unit_line(r, 15), "Octets In               : 300");
	assert_string_equal(unit_line(r, 16), "Octets In  (Total)      : 300");
	snprintf(want, sizeof(want), "Packet Out              : %s", ago(now - 90061, at));
	assert_string_equal(unit_line(r, 17), want);
	assert_string_equal(unit_line(r, 18), "Packets Out             : 1");
	assert_string_equal(unit_line(r, 20), "Octets Out              : 1280");
	snprintf(want, sizeof(want), "Clock Off               : 5, last: 192.0.2.1 %s",
		 ago(now - 62, at));
	assert_string_equal(unit_line(r, 26), want);
	/* A future time is clamped to now. */
	snprintf(want, sizeof(want), "Wrong Payload           : 1, last: 2001:db8:9::1 %s",
		 ago(at, at));
	assert_string_equal(unit_line(r, 44), want);
	assert_non_null(strstr(want, "; 0 days 00:00:00 ago)"));
}

static void show_format_of_ago(void **state)
{
	(void)state;
	char b[128];
	cmd_fmt_ago(b, sizeof(b), 0, 1795591753);
	assert_string_equal(b, "never");
	cmd_fmt_ago(b, sizeof(b), 1795591691, 1795591753);
	assert_string_equal(b, "2026-11-25 07:28:11 (1795591691; 0 days 00:01:02 ago)");
	cmd_fmt_ago(b, sizeof(b), 1795591691, 1795591691 + 3 * 86400 + 3600 + 61);
	assert_string_equal(b, "2026-11-25 07:28:11 (1795591691; 3 days 01:01:01 ago)");
	cmd_fmt_duration(b, sizeof(b), 39);
	assert_string_equal(b, "0 days 00:00:39");
}

static void show_unconfigured_slot(void **state)
{
	(void)state;
	/* Below the highest tid: shown with state none, MTU 0. */
	const char *r = run("tunnel show 2001:db8:2ff:3::2");
	assert_string_equal(unit_line(r, 0), "201 46");
	assert_string_equal(unit_line(r, 1), "Tunnel ID               : T0");
	assert_string_equal(unit_line(r, 2), "TID                     : 0x3");
	assert_string_equal(unit_line(r, 4), "Inner Us                : 2001:db8:2ff:3::1");
	assert_string_equal(unit_line(r, 7), "Outer Them              : 0.0.0.0");
	assert_string_equal(unit_line(r, 8), "MTU                     : 0");
	assert_string_equal(unit_line(r, 9), "Tunnel State            : none");
	assert_string_equal(unit_line(r, 10), "Tunnel Type             : none");
	assert_string_equal(unit_line(r, 11), "Dynamic Tunnel          : no");
}

/* ---- <tunnel> arguments (§3, deviation 11) ------------------------------- */

/* The TID line of `tunnel show`, or the reply when it failed. */
static const char *resolve(const char *arg)
{
	char line[160];
	snprintf(line, sizeof(line), "tunnel show %s", arg);
	const char *r = run(line);
	return strncmp(r, "201 ", 4) == 0 ? unit_line(r, 2) + 26 : r;
}

static void arg_tnumber(void **state)
{
	(void)state;
	assert_string_equal(resolve("T4141"), "0x0");
	assert_string_equal(resolve("T18572"), "0x2ae");
	/* Duplicate T-numbers: the lowest tid. */
	assert_string_equal(resolve("T84822"), "0x42c");
	assert_string_equal(resolve("T0018572"), "0x2ae");
	assert_string_equal(resolve("T99999"), "404 No such Tunnel ID (T99999/T99999) found\n");
	assert_string_equal(resolve("T099999"), "404 No such Tunnel ID (T99999/T099999) found\n");
	/* T0 finds only a configured tunnel with T0. */
	assert_string_equal(resolve("T0"), "404 No such Tunnel ID (T0/T0) found\n");
	RUN_OK("tunnel set config 500 T0 192.0.2.5 up 1480");
	assert_string_equal(resolve("T0"), "0x500");
}

static void arg_inner_ipv6(void **state)
{
	(void)state;
	assert_string_equal(resolve("2001:db8:2ff:2ae::2"), "0x2ae");
	assert_string_equal(resolve("2001:db8:2ff:2ae::1"), "0x2ae");
	assert_string_equal(resolve("2001:db8:2ff:2ae:1234:5678:9abc:def0"), "0x2ae");
	assert_string_equal(resolve("2001:db8:2ff::"), "0x0");
	assert_string_equal(resolve("2001:db8:2ff:2ae::2/64"), "0x2ae");
	/* The routed /64: top bit of the group set. */
	assert_string_equal(resolve("2001:db8:2ff:82ae::1"), "0x2ae");
	assert_string_equal(resolve("2001:db8:2ff:8000::"), "0x0");
	assert_string_equal(resolve("2001:db8:2ff:8666:ffff::"), "0x666");
	/* Beyond the highest tid, and the reserved groups. */
	assert_string_equal(resolve("2001:db8:2ff:667::1"), "404 No such tunnel 2001:db8:2ff:667::1\n");
	assert_string_equal(resolve("2001:db8:2ff:8667::1"),
			    "404 No such tunnel 2001:db8:2ff:8667::1\n");
	assert_string_equal(resolve("2001:db8:2ff:7fff::1"),
			    "404 No such tunnel 2001:db8:2ff:7fff::1\n");
	assert_string_equal(resolve("2001:db8:2ff:ffff::1"),
			    "404 No such tunnel 2001:db8:2ff:ffff::1\n");
}

static void arg_inner_ipv6_other_prefix(void **state)
{
	(void)state;
	RUN_OK("pop tunnelprefix add 2001:db8:2fe::/48",
	       "tunnel set config 8001 T9001 ayiya up 1280 pw");
	assert_string_equal(resolve("2001:db8:2fe:1::2"), "0x8001");
	assert_string_equal(resolve("2001:db8:2fe:8001::1"), "0x8001");
	assert_string_equal(resolve("T9001"), "0x8001");
	/* Slot 0x8000 exists (below the highest) but is not configured. */
	assert_string_equal(resolve("2001:db8:2fe::1"), "0x8000");
	assert_string_equal(resolve("2001:db8:2fe:2::1"), "404 No such tunnel 2001:db8:2fe:2::1\n");
	const char *r = run("tunnel show T9001");
	assert_string_equal(unit_line(r, 4), "Inner Us                : 2001:db8:2fe:1::1");
	assert_string_equal(unit_line(r, 5), "Inner Them              : 2001:db8:2fe:1::2");
	assert_string_equal(run("tunnel list err=\"Clock Off\""),
			    "200 No tunnels are configured which have the requested error\n");
	struct in6_addr src = unit_addr("192.0.2.1");
	tunnel_err_record(0x8001, TERR_CLOCK_OFF, &src, NULL, 0, time(NULL));
	assert_string_equal(run("tunnel list \"err=Clock Off\""),
			    "200 T9001 2001:db8:2fe:1::2 0.0.0.0 down none 1280 1\n");
}

static void arg_subnet_addresses(void **state)
{
	(void)state;
	assert_string_equal(resolve("2001:db8:3001::"), "0x2ae");
	assert_string_equal(resolve("2001:db8:3001:1234::1"), "0x2ae");
	assert_string_equal(resolve("2001:db8:3055:ffff::"), "0x2");
	assert_string_equal(resolve("2001:db8:7000:5ff::1"), "0x1");
	assert_string_equal(resolve("2001:db8:7000:500::"), "0x1");
	/* Inside a subnet prefix, not routed. */
	assert_string_equal(resolve("2001:db8:3009::1"), "404 No such tunnel 2001:db8:3009::1\n");
	assert_string_equal(resolve("2001:db8:7000:600::1"), "404 No such tunnel 2001:db8:7000:600::1\n");
}

static void arg_outside_prefixes(void **state)
{
	(void)state;
	assert_string_equal(resolve("2001:db8:9999::1"), "404 No such tunnel 2001:db8:9999::1\n");
	assert_string_equal(resolve("::1"), "404 No such tunnel ::1\n");
	/* Outer addresses are not searchable. */
	assert_string_equal(resolve("172.16.1.1"), "404 No such tunnel 172.16.1.1\n");
	assert_string_equal(run("tunnel get outer_endpoint 2001:db8:9999::1"),
			    "404 No such tunnel 2001:db8:9999::1\n");
	assert_string_equal(run("tunnel reseterrors 2001:db8:9999::1"),
			    "404 No such tunnel 2001:db8:9999::1\n");
	assert_string_equal(run("tunnel set debug 2001:db8:9999::1 on"),
			    "404 No such tunnel 2001:db8:9999::1\n");
	assert_string_equal(run("tunnel set remote 2001:db8:9999::1 192.0.2.1"),
			    "404 No such tunnel 2001:db8:9999::1\n");
}

static void arg_ipv4_plan(void **state)
{
	(void)state;
	/* PoP id 1: 1111 000001 selector; tunnel /31 when the top 7 bits of the
	 * selector are set. */
	assert_string_equal(resolve("240.127.128.1"), "0x0");
	assert_string_equal(resolve("240.127.128.0"), "0x0");
	assert_string_equal(resolve("240.127.128.3"), "0x1");
	assert_string_equal(resolve("240.127.133.93"), "0x2ae");
	assert_string_equal(resolve("240.127.140.204"), "0x666");
	/* Subnet part: bits 21..8 = tid. */
	assert_string_equal(resolve("240.64.2.5"), "0x2");
	assert_string_equal(resolve("240.66.174.0"), "0x2ae");
	/* Byte-reversed (§12 bug 40) no longer matches. */
	assert_string_equal(resolve("1.128.127.240"), "404 No such tunnel 1.128.127.240\n");
	/* Another PoP id, beyond the highest tid. */
	assert_string_equal(resolve("240.191.128.1"), "404 No such tunnel 240.191.128.1\n");
	assert_string_equal(resolve("240.127.160.1"), "404 No such tunnel 240.127.160.1\n");
	RUN_OK("pop set id 2");
	assert_string_equal(resolve("240.191.128.1"), "0x0");
	assert_string_equal(resolve("240.127.128.1"), "404 No such tunnel 240.127.128.1\n");
}

static void arg_garbage(void **state)
{
	(void)state;
	const char *bad[] = { "0", "2ae", "T", "t4141", "T41x", "T-1", "::", "unspecified",
			      "x:y", "" };
	char line[64], want[160];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "tunnel show \"%s\"", bad[i]);
		snprintf(want, sizeof(want),
			 "400 It would be nice if you provided a proper IP address or Tunnel ID (eg "
			 "T<xxx>) and not '%s'\n",
			 bad[i]);
		assert_string_equal(run(line), want);
	}
	assert_string_equal(run("tunnel get outer_endpoint 0"),
			    "400 It would be nice if you provided a proper IP address or Tunnel ID "
			    "(eg T<xxx>) and not '0'\n");
}

/* ---- tunnel list ----------------------------------------------------------- */

static const char *const example_list =
	"201 6\n"
	"T4141 2001:db8:2ff:0::2 172.16.1.1 up direct 1480 0\n"
	"T5072 2001:db8:2ff:1::2 0.0.0.0 down none 1428 0\n"
	"T3740 2001:db8:2ff:2::2 0.0.0.0 down none 1280 0\n"
	"T18572 2001:db8:2ff:2ae::2 0.0.0.0 down none 1280 0\n"
	"T84822 2001:db8:2ff:42c::2 0.0.0.0 down none 1280 0\n"
	"T84822 2001:db8:2ff:666::2 198.18.1.1 disabled direct 1280 0\n"
	"200 OK\n";

static void list_all(void **state)
{
	(void)state;
	/* The §5.4 example. */
	assert_string_equal(run("tunnel list"), example_list);
	assert_string_equal(run("tunnel list all"), example_list);
	assert_string_equal(run("tunnel list ALL"), example_list);
}

static void list_empty_messages(void **state)
{
	(void)state;
	unit_setup(state);
	assert_string_equal(run("tunnel list"), "200 No tunnels are configured\n");
	assert_string_equal(run("tunnel list all"), "200 No tunnels are configured\n");
	assert_string_equal(run("tunnel list debugonly"),
			    "200 No tunnels are configured which are in debugging mode\n");
	assert_string_equal(run("tunnel list erroronly"),
			    "200 No tunnels are configured which have errors\n");
	assert_string_equal(run("tunnel list \"err=Clock Off\""),
			    "200 No tunnels are configured which have the requested error\n");
	example();
	assert_string_equal(run("tunnel list DebugOnly"),
			    "200 No tunnels are configured which are in debugging mode\n");
	assert_string_equal(run("tunnel list ERRORONLY"),
			    "200 No tunnels are configured which have errors\n");
	assert_string_equal(run("tunnel list \"err=hb-non-hb\""),
			    "200 No tunnels are configured which have the requested error\n");
}

static void list_filters(void **state)
{
	(void)state;
	struct in6_addr src = unit_addr("192.0.2.1");
	time_t now = time(NULL);
	/* Too Big is normal: not in the total, not in erroronly. */
	tunnel_err_record(0, TERR_PKT_TOO_BIG, &src, NULL, 0, now);
	tunnel_err_record(0, TERR_PKT_TOO_BIG, &src, NULL, 0, now);
	tunnel_err_record(2, TERR_CLOCK_OFF, &src, NULL, 0, now);
	tunnel_err_record(2, TERR_HB_HASH, &src, NULL, 0, now);
	tunnel_err_record(2, TERR_HB_HASH, &src, NULL, 0, now);
	tunnel_err_record(0x666, TERR_DISABLED, &src, NULL, 0, now);
	RUN_OK("tunnel set debug T18572 on");

	assert_string_equal(run("tunnel list erroronly"),
			    "201 2\n"
			    "T3740 2001:db8:2ff:2::2 0.0.0.0 down none 1280 3\n"
			    "T84822 2001:db8:2ff:666::2 198.18.1.1 disabled direct 1280 1\n"
			    "200 OK\n");
	assert_string_equal(run("tunnel list \"err=Encap.Pkt Too Big\""),
			    "200 T4141 2001:db8:2ff:0::2 172.16.1.1 up direct 1480 2\n");
	assert_string_equal(run("tunnel list \"ERR=heartbeat hash fail\""),
			    "200 T3740 2001:db8:2ff:2::2 0.0.0.0 down none 1280 2\n");
	assert_string_equal(run("tunnel list debugonly"),
			    "200 T18572 2001:db8:2ff:2ae::2 0.0.0.0 down none 1280 0\n");
	const char *all = run("tunnel list");
	assert_has_line(all, "T4141 2001:db8:2ff:0::2 172.16.1.1 up direct 1480 0");
	assert_has_line(all, "T3740 2001:db8:2ff:2::2 0.0.0.0 down none 1280 3");
}

static void list_errors(void **state)
{
	(void)state;
	assert_string_equal(run("tunnel list \"err=Clock\""), "404 Unknown error 'Clock'\n");
	assert_string_equal(run("tunnel list err="), "404 Unknown error ''\n");
	assert_string_equal(run("tunnel list bogus"), "400 Unknown option 'bogus'\n");
	assert_string_equal(run("tunnel list err"), "400 Unknown option 'err'\n");
	assert_string_equal(run("tunnel list all x"),
			    "404 Command 'list' requires arguments: list [{all|(debug|error)only|err=X}] "
			    "(min=0, max=1, given=2)\n");
}

/* ---- tunnel get ------------------------------------------------------------ */

static void get_outer_endpoint(void **state)
{
	(void)state;
	assert_string_equal(run("tunnel get outer_endpoint T4141"), "200 172.16.1.1\n");
	assert_string_equal(run("tunnel get outer_endpoint T5072"), "200 0.0.0.0\n");
	assert_string_equal(run("tunnel get outer_endpoint 2001:db8:2ff:666::2"), "200 198.18.1.1\n");
	RUN_OK("tunnel set remote T5072 2001:db8:1::5");
	assert_string_equal(run("tunnel get outer_endpoint T5072"), "200 2001:db8:1::5\n");
	assert_string_equal(run("tunnel get outer_endpoint T1"), "404 No such Tunnel ID (T1/T1) found\n");
	assert_string_equal(run("tunnel get outer_endpoint 2001:db8:2ff:7000::2"),
			    "404 No such tunnel 2001:db8:2ff:7000::2\n");
}

static void errorpacket_errors(void **state)
{
	(void)state;
	assert_string_equal(run("tunnel get errorpacket T4141 Foo"), "404 Unknown Error \"Foo\"\n");
	assert_string_equal(run("tunnel get errorpacket T4141 Clock"), "404 Unknown Error \"Clock\"\n");
	assert_string_equal(run("tunnel get errorpacket T4141 \"Clock Off\""),
			    "400 That error did not happen yet\n");
	/* The tunnel is resolved first. */
	assert_string_equal(run("tunnel get errorpacket T1 Foo"), "404 No such Tunnel ID (T1/T1) found\n");
	assert_string_equal(run("tunnel get errorpacket T4141"),
			    "404 Command 'errorpacket' requires arguments: errorpacket <tid> <error> "
			    "(min=2, max=2, given=1)\n");
}

static void errorpacket_dump(void **state)
{
	(void)state;
	unsigned char pkt[20];
	for (unsigned i = 0; i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)(0x5e + i);
	pkt[0] = 0x60;
	struct in6_addr src = unit_addr("2001:db8:9::1");
	time_t t = time(NULL) - 62;
	tunnel_err_record(0x2ae, TERR_WRONG_SRC6, &src, pkt, sizeof(pkt), t);
	time_t at;
	const char *r = run_at("tunnel get errorpacket 2001:db8:2ff:2ae::2 \"wrong source ipv6\"", &at);
	char want[1024];
	snprintf(want, sizeof(want),
		 "201 9\n"
		 "Error       : Wrong Source IPv6\n"
		 "Count       : 1\n"
		 "Last Seen   : %s\n"
		 "Source      : 2001:db8:9::1\n"
		 "Real Length : 20\n"
		 "8<--------------------------------------------\n"
		 "00000000 60 5f 60 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d `_`abcdefghijklm\n"
		 "00000010 6e 6f 70 71                                     nopq\n"
		 "-------------------------------------------->8\n"
		 "200 OK\n",
		 ago(t, at));
	assert_string_equal(r, want);

	/* A second occurrence without a packet keeps the first packet. */
	struct in6_addr src2 = unit_addr("192.0.2.8");
	tunnel_err_record(0x2ae, TERR_WRONG_SRC6, &src2, NULL, 0, t);
	r = run("tunnel get errorpacket T18572 \"Wrong Source IPv6\"");
	assert_string_equal(unit_line(r, 2), "Count       : 2");
	assert_string_equal(unit_line(r, 4), "Source      : 192.0.2.8");
	assert_string_equal(unit_line(r, 5), "Real Length : 20");
	assert_string_equal(unit_line(r, 7),
			    "00000000 60 5f 60 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d `_`abcdefghijklm");
}

static void errorpacket_without_packet(void **state)
{
	(void)state;
	struct in6_addr src = unit_addr("192.0.2.1");
	time_t t = time(NULL) - 5;
	tunnel_err_record(0, TERR_CLOCK_OFF, &src, NULL, 0, t);
	time_t at;
	const char *r = run_at("tunnel get errorpacket T4141 \"CLOCK OFF\"", &at);
	char want[512];
	snprintf(want, sizeof(want),
		 "201 7\n"
		 "Error       : Clock Off\n"
		 "Count       : 1\n"
		 "Last Seen   : %s\n"
		 "Source      : 192.0.2.1\n"
		 "Real Length : 0\n"
		 "8<--------------------------------------------\n"
		 "-------------------------------------------->8\n"
		 "200 OK\n",
		 ago(t, at));
	assert_string_equal(r, want);
}

static void errorpacket_long_packet(void **state)
{
	(void)state;
	unsigned char pkt[1500];
	memset(pkt, 'A', sizeof(pkt));
	struct in6_addr src = unit_addr("192.0.2.1");
	tunnel_err_record(0, TERR_PKT_TOO_BIG, &src, pkt, sizeof(pkt), time(NULL));
	const char *r = run("tunnel get errorpacket T4141 \"Encap.Pkt Too Big\"");
	assert_string_equal(unit_line(r, 0), "201 15");
	assert_string_equal(unit_line(r, 5), "Real Length : 1500");
	assert_string_equal(unit_line(r, 14),
			    "00000070 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 AAAAAAAAAAAAAAAA");
	assert_string_equal(unit_line(r, 15), "-------------------------------------------->8");
}

static void errorpacket_snapshot_reused(void **state)
{
	(void)state;
	struct in6_addr src = unit_addr("192.0.2.1");
	time_t now = time(NULL);
	tunnel_err_record(0, TERR_NON_IPV6, &src, "old", 3, now);
	/* Enough newer packets to go round the shared pool once. */
	for (unsigned i = 0; i < 16384; i++)
		tunnel_err_record(2, TERR_NON_IPV4, &src, "new", 3, now);
	const char *r = run("tunnel get errorpacket T4141 Non-IPv6\\ Payload");
	assert_string_equal(unit_line(r, 0), "201 7");
	assert_string_equal(unit_line(r, 2), "Count       : 1");
	assert_string_equal(unit_line(r, 5), "Real Length : 0");
	assert_string_equal(unit_line(r, 7), "-------------------------------------------->8");
	r = run("tunnel get errorpacket T3740 Non-IPv4\\ Payload");
	assert_string_equal(unit_line(r, 2), "Count       : 16384");
	assert_string_equal(unit_line(r, 7),
			    "00000000 6e 65 77                                        new");
}

/* ---- tunnel reseterrors ---------------------------------------------------- */

static void reseterrors(void **state)
{
	(void)state;
	struct in6_addr src = unit_addr("192.0.2.1");
	time_t now = time(NULL);
	tunnel_err_record(0, TERR_CLOCK_OFF, &src, NULL, 0, now);
	tunnel_err_record(2, TERR_CLOCK_OFF, &src, NULL, 0, now);
	tunnel_err_record(0x666, TERR_DISABLED, &src, NULL, 0, now);
	assert_string_equal(run("tunnel reseterrors T3740"), "200 Wipeout!\n");
	assert_string_equal(run("tunnel list erroronly"),
			    "201 2\n"
			    "T4141 2001:db8:2ff:0::2 172.16.1.1 up direct 1480 1\n"
			    "T84822 2001:db8:2ff:666::2 198.18.1.1 disabled direct 1280 1\n"
			    "200 OK\n");
	assert_string_equal(run("tunnel get errorpacket T3740 \"Clock Off\""),
			    "400 That error did not happen yet\n");
	assert_string_equal(run("tunnel reseterrors ALL"), "200 Wipeout!\n");
	assert_string_equal(run("tunnel list erroronly"),
			    "200 No tunnels are configured which have errors\n");
	assert_has_line(run("tunnel show T84822"), "Disabled tunnel         : none");
}

static void reseterrors_errors(void **state)
{
	(void)state;
	assert_string_equal(run("tunnel reseterrors"),
			    "404 Command 'reseterrors' requires arguments: reseterrors (all|<tid>) "
			    "(min=1, max=1, given=0)\n");
	assert_string_equal(run("tunnel reseterrors T1"), "404 No such Tunnel ID (T1/T1) found\n");
	assert_string_equal(run("tunnel reseterrors 0"),
			    "400 It would be nice if you provided a proper IP address or Tunnel ID "
			    "(eg T<xxx>) and not '0'\n");
	assert_string_equal(run("tunnel reseterrors all T4141"),
			    "404 Command 'reseterrors' requires arguments: reseterrors (all|<tid>) "
			    "(min=1, max=1, given=2)\n");
}

/* ---- tunnel set debug ------------------------------------------------------ */

static void debug_two_sessions(void **state)
{
	(void)state;
	struct cmd_sess *s0 = unit_sess(), s1;
	unit_sess_init(&s1, 1, "127.0.0.1");
	assert_string_equal(run_in(s0, "tunnel set debug T4141 on"), "200 Debugging has been enabled\n");
	assert_string_equal(run_in(s0, "tunnel set debug T4141 yes"),
			    "400 Debugging through this session for this tunnel was already enabled\n");
	assert_string_equal(run_in(&s1, "tunnel set debug T4141 on"),
			    "400 Already being debugged by another session\n");
	assert_string_equal(unit_line(run("tunnel show T4141"), 3), "Tunnel Debugging        : yes");
	/* Deviation 9: the other session cannot detach it (same reply). */
	assert_string_equal(run_in(&s1, "tunnel set debug T4141 off"),
			    "200 Debugging has been disabled\n");
	assert_int_equal(tunnel_debug_owner(0), 0);
	assert_string_equal(run("tunnel list debugonly"),
			    "200 T4141 2001:db8:2ff:0::2 172.16.1.1 up direct 1480 0\n");
	assert_string_equal(run_in(s0, "tunnel set debug 2001:db8:2ff::2 garbage"),
			    "200 Debugging has been disabled\n");
	assert_int_equal(tunnel_debug_owner(0), -1);
	assert_string_equal(unit_line(run("tunnel show T4141"), 3), "Tunnel Debugging        : no");
	assert_string_equal(run_in(&s1, "tunnel set debug T4141 1"), "200 Debugging has been enabled\n");
	assert_int_equal(tunnel_debug_owner(0), 1);
	assert_string_equal(run_in(&s1, "tunnel set debug T5072 TRUE"),
			    "200 Debugging has been enabled\n");
	assert_string_equal(run("tunnel list debugonly"),
			    "201 2\n"
			    "T4141 2001:db8:2ff:0::2 172.16.1.1 up direct 1480 0\n"
			    "T5072 2001:db8:2ff:1::2 0.0.0.0 down none 1428 0\n"
			    "200 OK\n");
	/* A session that ends releases its tunnels. */
	tunnel_debug_release_all(1);
	assert_string_equal(run("tunnel list debugonly"),
			    "200 No tunnels are configured which are in debugging mode\n");
}

static void debug_from_config_file_session(void **state)
{
	(void)state;
	/* The configuration file (session -1) has nobody to send debug lines
	 * to: it gets a clear refusal, and nothing stays attached. */
	struct cmd_sess file;
	unit_sess_init(&file, -1, NULL);
	assert_string_equal(run_in(&file, "tunnel set debug T4141 on"),
			    "400 Debugging needs a control session\n");
	assert_int_equal(tunnel_debug_owner(0), -1);
	assert_string_equal(run("tunnel set debug T4141 on"), "200 Debugging has been enabled\n");
}

static void debug_errors(void **state)
{
	(void)state;
	assert_string_equal(run("tunnel set debug T1 on"), "404 No such Tunnel ID (T1/T1) found\n");
	assert_string_equal(run("tunnel set debug 0 on"),
			    "400 It would be nice if you provided a proper IP address or Tunnel ID "
			    "(eg T<xxx>) and not '0'\n");
	assert_string_equal(run("tunnel set debug T4141"),
			    "404 Command 'debug' requires arguments: debug <tid> {on|off} "
			    "(min=2, max=2, given=1)\n");
}

/* ---- tunnel set remote ----------------------------------------------------- */

static void set_remote(void **state)
{
	(void)state;
	assert_string_equal(run("tunnel set remote T5072 192.0.2.55"),
			    "200 Updated remote address to 192.0.2.55\n");
	struct tunnel_cfg c = cfg(1);
	assert_int_equal(c.state, TUNNEL_S_UP);
	assert_int_equal(c.port_us, 5072);
	assert_int_equal(c.port_them, 5072);
	assert_string_equal(list_line("T5072"), "T5072|192.0.2.55|1428|up|none");
	/* The argument is echoed as given. */
	assert_string_equal(run("tunnel set remote T4141 2001:DB8::0:1"),
			    "200 Updated remote address to 2001:DB8::0:1\n");
	assert_string_equal(list_line("T4141"), "T4141|2001:db8::1|1480|up|direct");
}

static void set_remote_keeps_disabled(void **state)
{
	(void)state;
	/* Deviation 10. */
	assert_string_equal(run("tunnel set remote 2001:db8:2ff:666::2 198.18.1.2"),
			    "200 Updated remote address to 198.18.1.2\n");
	assert_string_equal(list_line("2001:db8:2ff:666::2"), "T84822|198.18.1.2|1280|disabled|direct");
	RUN_OK("tunnel set config 2 T3740 heartbeat disabled 1280");
	RUN_OK("tunnel set remote T3740 192.0.2.3");
	assert_string_equal(list_line("T3740"), "T3740|192.0.2.3|1280|disabled|none");
}

static void set_remote_errors(void **state)
{
	(void)state;
	assert_string_equal(run("tunnel set remote 2001:db8:2ff:3::2 192.0.2.1"),
			    "404 Tunnel not configured: 2001:db8:2ff:3::2\n");
	assert_int_equal(cfg(3).state, TUNNEL_S_NONE);
	assert_string_equal(run("tunnel set remote T5072 999.1.1.1"),
			    "400 Invalid Tunnel_Them address (999.1.1.1)\n");
	assert_string_equal(run("tunnel set remote T1 x"), "404 No such Tunnel ID (T1/T1) found\n");
	assert_string_equal(list_line("T5072"), "T5072|0.0.0.0|1428|down|none");
}

/* ---- tunnel stats ----------------------------------------------------------- */

static void traffic(void)
{
	time_t now = time(NULL);
	struct tunnel_stats *tot = tunnel_global(TUNNEL_G_TOTAL), *up = tunnel_global(TUNNEL_G_UPLINK);
	tunnel_count_pkt(tot, TUNNEL_IN, 1000, now);
	tunnel_count_pkt(tot, TUNNEL_IN, 1000, now);
	tunnel_count_pkt(tot, TUNNEL_OUT, 500, now);
	tunnel_count_pkt(up, TUNNEL_IN, 300, now);
	for (int i = 0; i < 3; i++)
		tunnel_count_pkt(tunnel_stats(0), TUNNEL_IN, 100, now);
	tunnel_count_pkt(tunnel_stats(0), TUNNEL_OUT, 50, now);
	tunnel_count_pkt(tunnel_stats(0x2ae), TUNNEL_OUT, 70, now);
	struct tunnel_lat *l = tunnel_lat(0);
	l->sent = 15;
	l->recv = 15;
	l->min_us = 12340;
	l->max_us = 20010;
	l->sum_us = 15 * 15670;
	l = tunnel_lat(0x2ae);
	l->sent = 4;
	l->recv = 0;
	l = tunnel_lat(1); /* latency without traffic: not listed */
	l->sent = 4;
	l->recv = 3;
	l->sum_us = 3000;
}

static void stats_shape(void **state)
{
	(void)state;
	assert_string_equal(run("tunnel stats"), "201 2\ntotal 0 0 0 0\nuplink 0 0 0 0\n200 OK\n");
	traffic();
	const char *want = "201 4\n"
			   "total 2000 500 2 1\n"
			   "uplink 300 0 1 0\n"
			   "T4141 300 50 3 1 15 15 0.00 12.34 15.67 20.01\n"
			   "T18572 0 70 0 1 4 0 100.00 -1.00 -1.00 -1.00\n"
			   "200 OK\n";
	assert_string_equal(run("tunnel stats"), want);
	/* Only exactly RESET resets. */
	assert_string_equal(run("tunnel stats reset"), want);
	assert_string_equal(run("tunnel stats foo"), want);
	assert_string_equal(run("tunnel stats"), want);
}

static void stats_loss(void **state)
{
	(void)state;
	tunnel_count_pkt(tunnel_stats(1), TUNNEL_IN, 10, time(NULL));
	struct tunnel_lat *l = tunnel_lat(1);
	l->sent = 4;
	l->recv = 3;
	l->min_us = 500;
	l->max_us = 1500;
	l->sum_us = 3000;
	assert_string_equal(run("tunnel stats"),
			    "201 3\ntotal 0 0 0 0\nuplink 0 0 0 0\n"
			    "T5072 10 0 1 0 4 3 25.00 0.50 1.00 1.50\n200 OK\n");
}

static void stats_reset(void **state)
{
	(void)state;
	traffic();
	const char *r = run("tunnel stats RESET");
	assert_string_equal(r, "201 4\n"
			       "total 2000 500 2 1\n"
			       "uplink 300 0 1 0\n"
			       "T4141 300 50 3 1 15 15 0.00 12.34 15.67 20.01\n"
			       "T18572 0 70 0 1 4 0 100.00 -1.00 -1.00 -1.00\n"
			       "200 OK\n");
	/* Windows and latency restart. */
	assert_string_equal(run("tunnel stats"), "201 2\ntotal 0 0 0 0\nuplink 0 0 0 0\n200 OK\n");
	assert_int_equal(tunnel_lat(0)->sent, 0);
	assert_int_equal(tunnel_lat(0)->recv, 0);

	/* Totals keep counting; the window shows only what came after. */
	time_t now = time(NULL);
	tunnel_count_pkt(tunnel_stats(0), TUNNEL_IN, 40, now);
	tunnel_count_pkt(tunnel_global(TUNNEL_G_TOTAL), TUNNEL_OUT, 40, now);
	r = run("tunnel show T4141");
	assert_string_equal(unit_line(r, 13), "Packets In              : 1");
	assert_string_equal(unit_line(r, 14), "Packets In  (Total)     : 4");
	assert_string_equal(unit_line(r, 15), "Octets In               : 40");
	assert_string_equal(unit_line(r, 16), "Octets In  (Total)      : 340");
	assert_string_equal(unit_line(r, 18), "Packets Out             : 0");
	assert_string_equal(unit_line(r, 19), "Packets Out (Total)     : 1");
	assert_string_equal(unit_line(r, 20), "Octets Out              : 0");
	assert_string_equal(unit_line(r, 21), "Octets Out (Total)      : 50");
	assert_string_equal(unit_line(r, 22), "Latency Pkt Sent        : 0");
	assert_string_equal(run("tunnel stats RESET"),
			    "201 3\ntotal 0 40 0 1\nuplink 0 0 0 0\n"
			    "T4141 40 0 1 0 0 0 0.00 -1.00 -1.00 -1.00\n200 OK\n");
	assert_string_equal(run("tunnel stats"), "201 2\ntotal 0 0 0 0\nuplink 0 0 0 0\n200 OK\n");
	assert_has_line(run("tunnel show T4141"), "Packets In  (Total)     : 4");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(config_tid_errors),
		T(config_tid_double_0x_prefix),
		T(config_tid_in_other_prefixes),
		T(config_tnum_errors),
		T(config_mtu_errors),
		T(config_endpoint_errors),
		T(config_password_length),
		T(config_validation_order),
		T(config_accepted_suffix),
		T(config_raises_count),
		T(config_static_states),
		T(config_dynamic_states),
		T(config_static_to_dynamic_and_back),
		T(config_keeps_password_when_omitted),
		T(config_keeps_runtime_state),
		T(show_static),
		T(show_dynamic_appendix_b),
		T(show_ayiya_dynamic),
		T(show_latency_lines),
		T(show_traffic_and_errors),
		T(show_format_of_ago),
		T(show_unconfigured_slot),
		T(arg_tnumber),
		T(arg_inner_ipv6),
		T(arg_inner_ipv6_other_prefix),
		T(arg_subnet_addresses),
		T(arg_outside_prefixes),
		T(arg_ipv4_plan),
		T(arg_garbage),
		T(list_all),
		T(list_empty_messages),
		T(list_filters),
		T(list_errors),
		T(get_outer_endpoint),
		T(errorpacket_errors),
		T(errorpacket_dump),
		T(errorpacket_without_packet),
		T(errorpacket_long_packet),
		T(errorpacket_snapshot_reused),
		T(reseterrors),
		T(reseterrors_errors),
		T(debug_two_sessions),
		T(debug_from_config_file_session),
		T(debug_errors),
		T(set_remote),
		T(set_remote_keeps_disabled),
		T(set_remote_errors),
		T(stats_shape),
		T(stats_loss),
		T(stats_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
