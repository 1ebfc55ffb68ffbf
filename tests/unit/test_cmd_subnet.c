/* The `subnet` context (control §5.10, deviation 14). */
#include "unit.h"

static int setup(void **state)
{
	unit_setup(state);
	RUN_OK("pop tunnelprefix add 2001:db8:2ff::/48",
	       "pop subnetprefix add 2001:db8:3000::/40",
	       "pop subnetprefix add 2001:db8:7000::/48",
	       "pop subnetprefix add 2001:db8::/40",
	       "tunnel set config 0 T4141 172.16.1.1 up 1480",
	       "tunnel set config 1 T5072 ayiya up 1428 pw",
	       "tunnel set config 2ae T18572 dynamic up 1280 pw",
	       "tunnel set config 666 T84822 198.18.1.1 disabled 1280");
	return 0;
}

/* The tid an address's subnet is routed to, or SUBNET_UNROUTED. */
static uint32_t route(const char *addr)
{
	struct in6_addr a = unit_addr(addr);
	unsigned k, sel;
	if (!subnet_locate(&a, &k, &sel))
		fail_msg("%s is in no subnet prefix", addr);
	return subnet_get(k, sel);
}

/* Every entry of every prefix, to show that a failing line changed none. */
static uint32_t routes_sum(void)
{
	uint32_t sum = 0;
	for (unsigned k = 0; k < subnet_prefix_count(); k++)
		for (unsigned sel = 0; sel < SUBNET_PER_PREFIX; sel++)
			sum = sum * 31 + subnet_get(k, sel);
	return sum;
}

static void assert_rejected(const char *line, const char *reply)
{
	uint32_t before = routes_sum();
	assert_string_equal(run(line), reply);
	assert_int_equal(routes_sum(), before);
}

static void config_in_a_40(void **state)
{
	(void)state;
	assert_int_equal(route("2001:db8:3001::"), SUBNET_UNROUTED);
	assert_string_equal(run("subnet set config 2001:db8:3001::/48 2ae static"),
			    "200 Accepted Route 2001:db8:3001::/48 via 2ae\n");
	assert_int_equal(route("2001:db8:3001::"), 0x2ae);
	assert_int_equal(route("2001:db8:3001:ffff:ffff::1"), 0x2ae);
	assert_int_equal(route("2001:db8:3002::"), SUBNET_UNROUTED);
	assert_int_equal(route("2001:db8:3000::"), SUBNET_UNROUTED);
	assert_string_equal(run("subnet set config 2001:db8:30ff::/48 0 static"),
			    "200 Accepted Route 2001:db8:30ff::/48 via 0\n");
	assert_int_equal(route("2001:db8:30ff::"), 0);
	assert_string_equal(run("subnet set config 2001:db8:3000::/48 666 static"),
			    "200 Accepted Route 2001:db8:3000::/48 via 666\n");
	assert_int_equal(route("2001:db8:3000::"), 0x666);
}

static void config_in_a_48(void **state)
{
	(void)state;
	assert_string_equal(run("subnet set config 2001:db8:7000:500::/56 1 static"),
			    "200 Accepted Route 2001:db8:7000:500::/56 via 1\n");
	assert_int_equal(route("2001:db8:7000:5ff::1"), 1);
	assert_int_equal(route("2001:db8:7000:400::"), SUBNET_UNROUTED);
	assert_int_equal(route("2001:db8:7000:600::"), SUBNET_UNROUTED);
	assert_string_equal(run("subnet set config 2001:db8:7000:ff00::/56 2ae static"),
			    "200 Accepted Route 2001:db8:7000:ff00::/56 via 2ae\n");
	assert_int_equal(route("2001:db8:7000:ffff::"), 0x2ae);
	assert_string_equal(run("subnet set config 2001:db8:7000::/56 0 static"),
			    "200 Accepted Route 2001:db8:7000::/56 via 0\n");
	assert_int_equal(route("2001:db8:7000:ff::"), 0);
}

static void config_in_a_40_ending_in_zero_groups(void **state)
{
	(void)state;
	/* Deviation 13: 2001:db8::/40 is a proper parent. */
	assert_string_equal(run("subnet set config 2001:db8:5::/48 1 static"),
			    "200 Accepted Route 2001:db8:5::/48 via 1\n");
	assert_int_equal(route("2001:db8:5:1::"), 1);
	assert_string_equal(run("subnet set config 2001:db8::/48 0 static"),
			    "200 Accepted Route 2001:db8::/48 via 0\n");
	assert_int_equal(route("2001:db8::1"), 0);
}

static void config_echoes_arguments(void **state)
{
	(void)state;
	/* No length; hex tid with 0x and capitals; the type is ignored. */
	assert_string_equal(run("subnet set config 2001:DB8:3004:: 0x2AE bgp"),
			    "200 Accepted Route 2001:DB8:3004:: via 0x2AE\n");
	assert_int_equal(route("2001:db8:3004::"), 0x2ae);
	assert_string_equal(run("subnet set config 2001:db8:3004::/48 0000 whatever"),
			    "200 Accepted Route 2001:db8:3004::/48 via 0000\n");
	assert_int_equal(route("2001:db8:3004::"), 0);
}

static void config_repoints(void **state)
{
	(void)state;
	RUN_OK("subnet set config 2001:db8:3001::/48 2ae static");
	assert_string_equal(run("subnet set config 2001:db8:3001::/48 1 static"),
			    "200 Accepted Route 2001:db8:3001::/48 via 1\n");
	assert_int_equal(route("2001:db8:3001::"), 1);
	/* The <tunnel> argument follows the route. */
	assert_string_equal(unit_line(run("tunnel show 2001:db8:3001:1::1"), 1),
			    "Tunnel ID               : T5072");
}

static void config_in_context(void **state)
{
	(void)state;
	RUN_OK("subnet", "set");
	assert_string_equal(run("config 2001:db8:3001::/48 2ae static"),
			    "200 Accepted Route 2001:db8:3001::/48 via 2ae\n");
	assert_string_equal(run("."), "200 main > subnet > set\n");
}

static void invalid_prefix(void **state)
{
	(void)state;
	assert_rejected("subnet set config zz 2ae static", "400 Invalid IPv6 prefix (zz)\n");
	assert_rejected("subnet set config 10.0.0.0/24 2ae static",
			"400 Invalid IPv6 prefix (10.0.0.0/24)\n");
	assert_rejected("subnet set config 2001:db8:3001::/129 2ae static",
			"400 Invalid IPv6 prefix (2001:db8:3001::/129)\n");
	assert_rejected("subnet set config 2001:db8:3001::/x 2ae static",
			"400 Invalid IPv6 prefix (2001:db8:3001::/x)\n");
	/* The line the historic saveconfig wrote (§8.1 example). */
	assert_rejected("subnet set config 2001:db8:7000::0500::/56 1 static",
			"400 Invalid IPv6 prefix (2001:db8:7000::0500::/56)\n");
}

static void no_master_subnet(void **state)
{
	(void)state;
	assert_rejected("subnet set config 2001:db8:9999::/48 2ae static",
			"400 Route 2001:db8:9999::/48 with gateway 2ae doesn't have a master subnet\n");
	/* The tunnel prefix is no subnet prefix. */
	assert_rejected("subnet set config 2001:db8:2ff::/48 0 static",
			"400 Route 2001:db8:2ff::/48 with gateway 0 doesn't have a master subnet\n");
	/* Checked before the tid. */
	assert_rejected("subnet set config 2001:db8:9999::/48 zz static",
			"400 Route 2001:db8:9999::/48 with gateway zz doesn't have a master subnet\n");
}

static void wrong_length(void **state)
{
	(void)state;
	assert_rejected("subnet set config 2001:db8:3001::/56 2ae static",
			"400 Route 2001:db8:3001::/56 is not a /48 subnet of 2001:db8:3000::/40\n");
	assert_rejected("subnet set config 2001:db8:3000::/40 2ae static",
			"400 Route 2001:db8:3000::/40 is not a /48 subnet of 2001:db8:3000::/40\n");
	assert_rejected("subnet set config 2001:db8:7000:500::/48 1 static",
			"400 Route 2001:db8:7000:500::/48 is not a /56 subnet of 2001:db8:7000::/48\n");
	assert_rejected("subnet set config 2001:db8:7000:500::/64 1 static",
			"400 Route 2001:db8:7000:500::/64 is not a /56 subnet of 2001:db8:7000::/48\n");
	assert_rejected("subnet set config 2001:db8:5::/56 1 static",
			"400 Route 2001:db8:5::/56 is not a /48 subnet of 2001:db8::/40\n");
}

static void host_bits(void **state)
{
	(void)state;
	assert_rejected("subnet set config 2001:db8:3001:1234::/48 2ae static",
			"400 Route 2001:db8:3001:1234::/48 has host bits set\n");
	assert_rejected("subnet set config 2001:db8:3001::1 2ae static",
			"400 Route 2001:db8:3001::1 has host bits set\n");
	assert_rejected("subnet set config 2001:db8:7000:5ff::/56 1 static",
			"400 Route 2001:db8:7000:5ff::/56 has host bits set\n");
	assert_rejected("subnet set config 2001:db8:7000:500::1 1 static",
			"400 Route 2001:db8:7000:500::1 has host bits set\n");
	/* Checked before the tid. */
	assert_rejected("subnet set config 2001:db8:3001::1 zz static",
			"400 Route 2001:db8:3001::1 has host bits set\n");
}

static void tid_errors(void **state)
{
	(void)state;
	assert_rejected("subnet set config 2001:db8:3001::/48 zz static",
			"400 Tunnel-ID zz is not a number\n");
	assert_rejected("subnet set config 2001:db8:3001::/48 T4141 static",
			"400 Tunnel-ID T4141 is not a number\n");
	assert_rejected("subnet set config 2001:db8:3001::/48 -1 static",
			"400 Tunnel-ID -1 is not a number\n");
	assert_rejected("subnet set config 2001:db8:3001::/48 20000 static",
			"400 Tunnel-ID (20000) is out of range\n");
	assert_rejected("subnet set config 2001:db8:3001::/48 ffffffffff static",
			"400 Tunnel-ID (ffffffffff) is out of range\n");
}

static void tid_double_0x_prefix(void **state)
{
	(void)state;
	/* Hex as a whole with an optional 0x -- one 0x only. */
	assert_rejected("subnet set config 2001:db8:3001::/48 0x0x2ae static",
			"400 Tunnel-ID 0x0x2ae is not a number\n");
}

static void unconfigured_tunnel(void **state)
{
	(void)state;
	/* Appendix A. */
	assert_rejected("subnet set config 2001:db8:3012::/48 3 static",
			"400 Tunnel 3 for subnet 2001:db8:3012::/48 not found\n");
	assert_rejected("subnet set config 2001:db8:3012::/48 667 static",
			"400 Tunnel 667 for subnet 2001:db8:3012::/48 not found\n");
	assert_rejected("subnet set config 2001:db8:3012::/48 7fff static",
			"400 Tunnel 7fff for subnet 2001:db8:3012::/48 not found\n");
	assert_rejected("subnet set config 2001:db8:7000:100::/56 8001 static",
			"400 Tunnel 8001 for subnet 2001:db8:7000:100::/56 not found\n");
	/* A disabled tunnel is configured. */
	assert_string_equal(run("subnet set config 2001:db8:3012::/48 666 static"),
			    "200 Accepted Route 2001:db8:3012::/48 via 666\n");
}

static void no_subnet_prefix_at_all(void **state)
{
	(void)state;
	unit_setup(state);
	RUN_OK("tunnel set config 0 T1 192.0.2.1 up 1480");
	assert_string_equal(run("subnet set config 2001:db8:3001::/48 0 static"),
			    "400 Route 2001:db8:3001::/48 with gateway 0 doesn't have a master subnet\n");
}

static void arity(void **state)
{
	(void)state;
	assert_string_equal(run("subnet set config 2001:db8:3001::/48 2ae"),
			    "404 Command 'config' requires arguments: config <prefix> <tunnel-id> "
			    "<type> (min=3, max=3, given=2)\n");
	assert_string_equal(run("subnet set config 2001:db8:3001::/48 2ae static x"),
			    "404 Command 'config' requires arguments: config <prefix> <tunnel-id> "
			    "<type> (min=3, max=3, given=4)\n");
	assert_string_equal(run("subnet config"), "404 Unknown command: main > subnet >> config\n");
	assert_string_equal(run("subnet help"),
			    "201 2\n"
			    "set                                           [>>] Set configuration "
			    "information\n"
			    "help                                               Help topics\n"
			    "200 OK\n");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(config_in_a_40),
		T(config_in_a_48),
		T(config_in_a_40_ending_in_zero_groups),
		T(config_echoes_arguments),
		T(config_repoints),
		T(config_in_context),
		T(invalid_prefix),
		T(no_master_subnet),
		T(wrong_length),
		T(host_bits),
		T(tid_errors),
		T(tid_double_0x_prefix),
		T(unconfigured_tunnel),
		T(no_subnet_prefix_at_all),
		T(arity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
