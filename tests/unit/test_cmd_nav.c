/* The interpreter: contexts, lookup, arity, help (control §2.1-§2.5,
 * deviations 5 and 6). */
#include "unit.h"

#define ENTER(path) "200 >> " path " (use '..' or 'end' to go up one level)\n"

static const char *where(void)
{
	return run(".");
}

static void entering_contexts(void **state)
{
	(void)state;
	assert_string_equal(run("pop"), ENTER("main > pop"));
	assert_string_equal(where(), "200 main > pop\n");
	assert_string_equal(run("set"), ENTER("main > pop > set"));
	assert_string_equal(where(), "200 main > pop > set\n");
	assert_string_equal(run("id 1"), "200 Configured to ID 1\n");
	assert_string_equal(where(), "200 main > pop > set\n");
	assert_string_equal(run("end"), "200 << main > pop\n");
	assert_string_equal(run("end"), "200 << main\n");
	assert_string_equal(where(), "200 main\n");
}

static void entering_nested_in_one_line(void **state)
{
	(void)state;
	assert_string_equal(run("tunnel set"), ENTER("main > tunnel > set"));
	assert_string_equal(where(), "200 main > tunnel > set\n");
	assert_string_equal(run("/ pop get"), ENTER("main > pop > get"));
	assert_string_equal(where(), "200 main > pop > get\n");
}

static void dot_prints_the_path(void **state)
{
	(void)state;
	assert_string_equal(run("."), "200 main\n");
	assert_string_equal(run(". ignored words"), "200 main\n");
	/* The quirk: the path before entering the context named before it. */
	assert_string_equal(run("pop ."), "200 main\n");
	assert_string_equal(run("pop set ."), "200 main > pop\n");
	assert_string_equal(where(), "200 main\n");
	assert_string_equal(run("tunnel"), ENTER("main > tunnel"));
	assert_string_equal(run("get ."), "200 main > tunnel\n");
	assert_string_equal(where(), "200 main > tunnel\n");
}

static void up_one_level(void **state)
{
	(void)state;
	RUN_OK("pop", "set");
	assert_string_equal(run(".."), "200 << main > pop\n");
	assert_string_equal(where(), "200 main > pop\n");
	assert_string_equal(run("set"), ENTER("main > pop > set"));
	assert_string_equal(run("end"), "200 << main > pop\n");
	assert_string_equal(run(".."), "200 << main\n");
	assert_string_equal(where(), "200 main\n");
}

static void up_with_remaining_arguments(void **state)
{
	(void)state;
	RUN_OK("pop", "set");
	/* Runs `pop show status`, then the session is back in pop > set. */
	assert_string_equal(run(".. show status"),
			    "201 4\ndirect 0 0 0\nayiya 0 0 0\ngre 0 0 0\ntotal 0 0 0\n200 OK\n");
	assert_string_equal(where(), "200 main > pop > set\n");
	assert_string_equal(run(".. get"), ENTER("main > pop > get"));
	assert_string_equal(run("end end"), "200 << main\n");
	assert_string_equal(where(), "200 main\n");
	RUN_OK("pop", "set");
	assert_string_equal(run("end .."), "200 << main\n");
}

static void slash_goes_to_main(void **state)
{
	(void)state;
	assert_string_equal(run("/"), "200 << main\n");
	RUN_OK("tunnel", "set");
	assert_string_equal(run("/"), "200 << main\n");
	assert_string_equal(where(), "200 main\n");
	RUN_OK("tunnel", "set");
	assert_string_equal(run("/ pop get id"), "200 0\n");
	assert_string_equal(where(), "200 main > tunnel > set\n");
	assert_string_equal(run("/ pop"), ENTER("main > pop"));
	assert_string_equal(where(), "200 main > pop\n");
}

static void end_in_main_is_unknown(void **state)
{
	(void)state;
	assert_string_equal(run("end"), "404 Unknown command: main >> end\n");
	assert_string_equal(run(".."), "404 Unknown command: main >> ..\n");
	assert_string_equal(run(".. pop"), "404 Unknown command: main >> ..\n");
	assert_string_equal(where(), "200 main\n");
}

static void unknown_command_path(void **state)
{
	(void)state;
	assert_string_equal(run("foo"), "404 Unknown command: main >> foo\n");
	assert_string_equal(run("pop foo bar"), "404 Unknown command: main > pop >> foo\n");
	assert_string_equal(run("tunnel set foo"), "404 Unknown command: main > tunnel > set >> foo\n");
	assert_string_equal(run("pproxy"), "404 Unknown command: main >> pproxy\n");
	assert_string_equal(run("pproxy set config 1 2 x 80"), "404 Unknown command: main >> pproxy\n");
	assert_string_equal(run("/x"), "404 Unknown command: main >> /x\n");
	/* No lookup through parents. */
	RUN_OK("pop");
	assert_string_equal(run("pop get id"), "404 Unknown command: main > pop >> pop\n");
	assert_string_equal(run("get foo"), "404 Unknown command: main > pop > get >> foo\n");
	assert_string_equal(where(), "200 main > pop\n");
}

static void names_match_case_insensitively(void **state)
{
	(void)state;
	assert_string_equal(run("POP Get iD"), "200 0\n");
	assert_string_equal(run("Tunnel"), ENTER("main > tunnel"));
	assert_string_equal(run("END"), "200 << main\n");
	assert_string_equal(run("HELP"), run("help"));
	assert_string_equal(unit_line(run("FullHelp"), 0), "201 160");
}

static void quoted_name_with_rest_matches(void **state)
{
	(void)state;
	/* Step 6 quirk: "pop get id" as one argument matches `pop`. */
	assert_string_equal(run("\"pop get id\""), ENTER("main > pop"));
	assert_string_equal(run("\"get rest\" id"), "200 0\n");
	/* Only a blank may follow the name. */
	assert_string_equal(run("\"getx\" id"), "404 Unknown command: main > pop >> getx\n");
}

static void context_labels_of_prefix_and_acl(void **state)
{
	(void)state;
	assert_string_equal(run("pop cliacl"), ENTER("main > pop > show"));
	assert_string_equal(run("/ pop tunnelprefix"), ENTER("main > pop > show"));
	assert_string_equal(run("/ pop subnetprefix"), ENTER("main > pop > show"));
	assert_string_equal(run("list"), "404 Subnet Prefix is not configured yet\n");
	assert_string_equal(run("foo"), "404 Unknown command: main > pop > show >> foo\n");
	assert_string_equal(run("end"), "200 << main > pop\n");
	assert_string_equal(run("show"), ENTER("main > pop > show"));
}

static void help_in_main(void **state)
{
	(void)state;
	/* Deviation 5: no pproxy. */
	assert_string_equal(run("help"),
			    "201 5\n"
			    "cmd                                           [>>] Various Commands\n"
			    "pop                                           [>>] PoP Commands\n"
			    "subnet                                        [>>] Subnet Commands\n"
			    "tunnel                                        [>>] Tunnel Commands\n"
			    "help                                               Help topics\n"
			    "200 OK\n");
}

static void help_of_tunnel_set(void **state)
{
	(void)state;
	const char *want =
		"201 4\n"
		"config                  <tid> <tunnel-id> <tunnel_them|ayiya|heartbeat> <up|disabled> "
		"<mtu> [<password>]     Configure a tunnel\n"
		"debug                   <tid> {on|off}             Enable/Disable debugging\n"
		"remote                  <tid> <ip>                 Set the remote address\n"
		"help                                               Help topics\n"
		"200 OK\n";
	assert_string_equal(run("tunnel set help"), want);
	RUN_OK("tunnel", "set");
	assert_string_equal(run("help"), want);
	assert_string_equal(where(), "200 main > tunnel > set\n");
}

static void help_of_cmd_hides_quit(void **state)
{
	(void)state;
	assert_string_equal(run("cmd help"),
			    "201 2\n"
			    "exit                                               Exit\n"
			    "help                                               Help topics\n"
			    "200 OK\n");
}

static void help_of_pop_and_cliacl(void **state)
{
	(void)state;
	assert_string_equal(
		run("pop help"),
		"201 9\n"
		"cliacl                                        [>>] Manage CLI ACLs\n"
		"get                                           [>>] Get configuration Information\n"
		"set                                           [>>] Configure the PoP\n"
		"saveconfig                                         Save the configuration to disk\n"
		"show                                          [>>] Show how the PoP is configured\n"
		"shutdown                                           Shutdown\n"
		"subnetprefix                                  [>>] Manage subnetprefixes\n"
		"tunnelprefix                                  [>>] Manage tunnelprefixes\n"
		"help                                               Help topics\n"
		"200 OK\n");
	assert_string_equal(
		run("pop cliacl help"),
		"201 5\n"
		"add                     <prefix>                   Add/Refresh CLI ACL\n"
		"list                                               List configured CLI ACLs\n"
		"remove                  <prefix>                   Remove CLI ACL\n"
		"reset                                              Reset the CLI ACL (keeps current "
		"connection in ACL)\n"
		"help                                               Help topics\n"
		"200 OK\n");
}

static void fullhelp_from_main(void **state)
{
	(void)state;
	const char *r = run("fullhelp");
	/* §2.5: 178 lines with pproxy; its 19 lines are gone (deviation 5),
	 * and pop show has one more entry, metrics. */
	assert_string_equal(unit_line(r, 0), "201 160");
	assert_int_equal(unit_lines(r), 162);
	assert_string_equal(unit_line(r, 1), "===============> main");
	assert_string_equal(unit_line(r, 2), "help                                     Help topics");
	assert_string_equal(unit_line(r, 3), "cmd                                 [>>] Various Commands");
	assert_string_equal(unit_line(r, 7), "help                                     Help topics");
	assert_string_equal(unit_line(r, 8), "");
	assert_string_equal(unit_line(r, 9), ">> main > cmd (use '..' or 'end' to go up one level)");
	assert_string_equal(unit_line(r, 10), "===============> main > cmd");
	assert_string_equal(unit_line(r, 12), "exit                                     Exit");
	assert_string_equal(unit_line(r, 17), "<< main");
	assert_has_line(r, "<< main > pop");
	assert_has_line(r, "===============> main > pop > show");
	assert_has_line(r, "outer_endpoint<tid>                      Get the current outer endpoint");
	assert_string_equal(unit_line(r, 158), "<< main");
	assert_string_equal(unit_line(r, 159), "<=============== main");
	assert_string_equal(unit_line(r, 160), "");
	assert_string_equal(unit_line(r, 161), "200 OK");
	assert_null(strstr(r, "pproxy"));
	assert_string_equal(where(), "200 main\n");
}

static void fullhelp_in_a_context(void **state)
{
	(void)state;
	RUN_OK("subnet");
	assert_string_equal(run("fullhelp"),
			    "201 16\n"
			    "===============> main > subnet\n"
			    "help                                     Help topics\n"
			    "set                                 [>>] Set configuration information\n"
			    "help                                     Help topics\n"
			    "\n"
			    ">> main > subnet > set (use '..' or 'end' to go up one level)\n"
			    "===============> main > subnet > set\n"
			    "help                                     Help topics\n"
			    "config        <prefix> <tunnel-id> <type>     Configure a subnet\n"
			    "help                                     Help topics\n"
			    "\n"
			    "<=============== main > subnet > set\n"
			    "\n"
			    "<< main > subnet\n"
			    "<=============== main > subnet\n"
			    "\n"
			    "200 OK\n");
	assert_string_equal(where(), "200 main > subnet\n");
}

static void arity_errors(void **state)
{
	(void)state;
	assert_string_equal(run("pop get id x"),
			    "404 Command 'id' requires arguments: id  (min=0, max=0, given=1)\n");
	assert_string_equal(run("pop set id"),
			    "404 Command 'id' requires arguments: id <id> (min=1, max=1, given=0)\n");
	assert_string_equal(run("pop get id #x"),
			    "404 Command 'id' requires arguments: id  (min=0, max=0, given=1)\n");
	assert_string_equal(run("tunnel set config 0 T1 ayiya up"),
			    "404 Command 'config' requires arguments: config <tid> <tunnel-id> "
			    "<tunnel_them|ayiya|heartbeat> <up|disabled> <mtu> [<password>] "
			    "(min=5, max=6, given=4)\n");
	assert_string_equal(run("tunnel set config 0 T1 ayiya up 1280 pw x"),
			    "404 Command 'config' requires arguments: config <tid> <tunnel-id> "
			    "<tunnel_them|ayiya|heartbeat> <up|disabled> <mtu> [<password>] "
			    "(min=5, max=6, given=7)\n");
	assert_string_equal(run("tunnel stats RESET x"),
			    "404 Command 'stats' requires arguments: stats  (min=0, max=1, given=2)\n");
	/* Deviation 6. */
	assert_string_equal(run("tunnel reseterrors"),
			    "404 Command 'reseterrors' requires arguments: reseterrors (all|<tid>) "
			    "(min=1, max=1, given=0)\n");
	assert_int_equal(tunnel_count(), 0);
}

/* A context of our own, to reach the unbounded maximum (every real entry
 * with max -1 has min 0, so it never fails). */
static int c_count(struct cmd_sess *s, struct out *o, int argc, char **argv)
{
	(void)s, (void)argv;
	out_printf(o, "got %d\n", argc);
	return 200;
}

static const struct cmd_entry many_entries[] = {
	{ "many", NULL, c_count, 2, -1, "<a> <b> [...]", "Two or more" },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL },
};
static const struct cmd_menu many_menu = { "many", many_entries };

static void arity_error_unbounded(void **state)
{
	(void)state;
	struct cmd_sess *s = unit_sess();
	s->stack[0] = &many_menu;
	s->depth = 1;
	assert_string_equal(run("many x"),
			    "404 Command 'many' requires arguments: many <a> <b> [...] "
			    "(min=2, max=-1, given=1)\n");
	assert_string_equal(run("many 1 2 3 4 5 6 7 8 9 10"), "200 got 10\n");
	assert_string_equal(run("help"),
			    "201 2\n"
			    "many                    <a> <b> [...]              Two or more\n"
			    "help                                               Help topics\n"
			    "200 OK\n");
	assert_string_equal(where(), "200 main > many\n");
}

static void failed_command_restores_context(void **state)
{
	(void)state;
	RUN_OK("pop");
	assert_string_equal(run("set id x"), "400 Non-numeric ID (x)\n");
	assert_string_equal(where(), "200 main > pop\n");
	assert_string_equal(run("set foo"), "404 Unknown command: main > pop > set >> foo\n");
	assert_string_equal(where(), "200 main > pop\n");
	assert_string_equal(run("set id"),
			    "404 Command 'id' requires arguments: id <id> (min=1, max=1, given=0)\n");
	assert_string_equal(where(), "200 main > pop\n");
	/* Success of a command restores it too. */
	assert_string_equal(run("set id 3"), "200 Configured to ID 3\n");
	assert_string_equal(where(), "200 main > pop\n");
	assert_string_equal(run("/ foo"), "404 Unknown command: main >> foo\n");
	assert_string_equal(where(), "200 main > pop\n");
	assert_string_equal(run(".. foo"), "404 Unknown command: main >> foo\n");
	assert_string_equal(where(), "200 main > pop\n");
}

static void comments_and_empty_lines(void **state)
{
	(void)state;
	RUN_OK("pop");
	assert_string_equal(run("# pop set id 5"), "200 I appreciate your comments\n");
	assert_string_equal(run(" \t// anything"), "200 I appreciate your comments\n");
	assert_string_equal(run("//"), "200 I appreciate your comments\n");
	assert_string_equal(run(" \t "), "200 Thank you for your empty line\n");
	assert_string_equal(run(""), "200 Thank you for your empty line\n");
	assert_string_equal(where(), "200 main > pop\n");
	assert_string_equal(run("get id"), "200 0\n");
}

static void no_command_given(void **state)
{
	(void)state;
	assert_string_equal(run("\\"), "425 No command given!?\n");
	assert_string_equal(run("  \\"), "425 No command given!?\n");
}

static void too_many_arguments_text(void **state)
{
	(void)state;
	char line[2048] = "pop get id";
	for (int i = 0; i < 125; i++)
		strcat(line, " w");
	strcat(line, " \"x\"");
	assert_string_equal(run(line),
			    "401 2\nToo many arguments (max 128)\n"
			    "Command 'id' requires arguments: id  (min=0, max=0, given=125)\n"
			    "404 OK\n");
	/* Not at a quote: silently cut. */
	char plain[2048] = "pop get id";
	for (int i = 0; i < 126; i++)
		strcat(plain, " w");
	assert_string_equal(run(plain),
			    "404 Command 'id' requires arguments: id  (min=0, max=0, given=125)\n");
}

static void command_too_long(void **state)
{
	(void)state;
	static char line[CMD_MAX_LINE + 2];
	memset(line, ' ', CMD_MAX_LINE + 1);
	memcpy(line, "pop get id", 10);
	line[CMD_MAX_LINE + 1] = '\0';
	assert_string_equal(run(line), "500 Command too long for processing\n");
	/* 4095 bytes are still processed. */
	line[CMD_MAX_LINE] = '\0';
	assert_string_equal(run(line), "200 0\n");
}

static void exit_and_quit(void **state)
{
	(void)state;
	struct cmd_sess *s = unit_sess();
	assert_int_equal(s->close, CMD_KEEP);
	assert_string_equal(run("exit"), "666 Tschau\n");
	assert_int_equal(s->close, CMD_CLOSE);

	unit_sess_init(s, 0, "::1");
	assert_string_equal(run("quit extra words"), "666 Tschau\n");
	assert_int_equal(s->close, CMD_CLOSE);

	/* Found from any context through the cmd entries. */
	unit_sess_init(s, 0, "::1");
	RUN_OK("pop", "set");
	assert_string_equal(run("QUIT"), "666 Tschau\n");
	assert_int_equal(s->close, CMD_CLOSE);

	unit_sess_init(s, 0, "::1");
	assert_string_equal(run("cmd exit"), "666 Tschau\n");
	assert_int_equal(s->close, CMD_CLOSE);

	unit_sess_init(s, 0, "::1");
	assert_string_equal(run("tunnel get exit"), "666 Tschau\n");
	assert_int_equal(s->close, CMD_CLOSE);
}

static void shutdown_ends_the_session(void **state)
{
	(void)state;
	struct cmd_sess *s = unit_sess();
	assert_string_equal(run("pop shutdown now please"), "666 Tschau, shutting down\n");
	assert_int_equal(s->close, CMD_SHUTDOWN);
}

static void sessions_have_their_own_context(void **state)
{
	(void)state;
	struct cmd_sess other;
	unit_sess_init(&other, 1, "127.0.0.1");
	RUN_OK("tunnel", "get");
	assert_string_equal(run_in(&other, "pop"), ENTER("main > pop"));
	assert_string_equal(where(), "200 main > tunnel > get\n");
	assert_string_equal(run_in(&other, "."), "200 main > pop\n");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, unit_setup)
	const struct CMUnitTest tests[] = {
		T(entering_contexts),
		T(entering_nested_in_one_line),
		T(dot_prints_the_path),
		T(up_one_level),
		T(up_with_remaining_arguments),
		T(slash_goes_to_main),
		T(end_in_main_is_unknown),
		T(unknown_command_path),
		T(names_match_case_insensitively),
		T(quoted_name_with_rest_matches),
		T(context_labels_of_prefix_and_acl),
		T(help_in_main),
		T(help_of_tunnel_set),
		T(help_of_cmd_hides_quit),
		T(help_of_pop_and_cliacl),
		T(fullhelp_from_main),
		T(fullhelp_in_a_context),
		T(arity_errors),
		T(arity_error_unbounded),
		T(failed_command_restores_context),
		T(comments_and_empty_lines),
		T(no_command_given),
		T(too_many_arguments_text),
		T(command_too_long),
		T(exit_and_quit),
		T(shutdown_ends_the_session),
		T(sessions_have_their_own_context),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
