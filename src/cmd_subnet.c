/* cmd_subnet: the `subnet` context (control §5.10). */
#include <stdio.h>

#include "addr.h"
#include "cmd.h"
#include "subnet.h"
#include "tunnel.h"

static int c_config(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argc;
	struct in6_addr a;
	int len;
	unsigned k, sel;
	char t[ADDR_TEXT_MAX];

	if (addr_parse(argv[0], &a, &len) != 0 || addr_is_v4mapped(&a)) {
		out_printf(o, "Invalid IPv6 prefix (%s)\n", argv[0]);
		return 400;
	}
	if (!subnet_locate(&a, &k, &sel)) {
		out_printf(o, "Route %s with gateway %s doesn't have a master subnet\n", argv[0], argv[1]);
		return 400;
	}
	unsigned plen;
	const struct in6_addr *parent = subnet_prefix(k, &plen);
	if (len != -1 && (unsigned)len != plen + 8) {
		out_printf(o, "Route %s is not a /%u subnet of %s/%u\n", argv[0], plen + 8,
			   addr_fmt(parent, t), plen);
		return 400;
	}
	if (!addr_host_zero(&a, plen + 8)) {
		out_printf(o, "Route %s has host bits set\n", argv[0]);
		return 400;
	}
	unsigned long long v;
	if (!cmd_number(argv[1], 16, &v)) {
		out_printf(o, "Tunnel-ID %s is not a number\n", argv[1]);
		return 400;
	}
	if (v >= TUNNEL_MAX) {
		out_printf(o, "Tunnel-ID (%s) is out of range\n", argv[1]);
		return 400;
	}
	struct tunnel_cfg c;
	uint32_t tid = (uint32_t)v;
	if (tid < tunnel_count())
		tunnel_get(tid, &c);
	if (tid >= tunnel_count() || c.state == TUNNEL_S_NONE) {
		out_printf(o, "Tunnel %s for subnet %s not found\n", argv[1], argv[0]);
		return 400;
	}
	subnet_set(k, sel, tid);
	out_printf(o, "Accepted Route %s via %s\n", argv[0], argv[1]);
	return 200;
}

static const struct cmd_entry set_entries[] = {
	{ "config", NULL, c_config, 3, 3, "<prefix> <tunnel-id> <type>", "Configure a subnet" },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL },
};
static const struct cmd_menu set_menu = { "set", set_entries };

static const struct cmd_entry subnet_entries[] = {
	{ "set", &set_menu, NULL, 0, -1, "", "Set configuration information" },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL },
};
const struct cmd_menu cmd_menu_subnet = { "subnet", subnet_entries };
