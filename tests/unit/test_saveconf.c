/* saveconf: the normalised dump (control §8.4, deviation 21) and its atomic
 * save. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "saveconf.h"

/* Run lines as the configuration file does (no peer); each must answer 200. */
static void load(const char *text)
{
	struct cmd_sess file;
	unit_sess_init(&file, -1, NULL);
	char line[4096];
	int lineno = 0;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		assert_true(n < sizeof(line));
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (p[n] == '\n');
		lineno++;
		const char *r = run_in(&file, line);
		if (strncmp(r, "200 ", 4) != 0)
			fail_msg("line %d '%s' answered '%s'", lineno, line, r);
	}
}

static const char *dump(void)
{
	char *res = unit_ring();
	struct out o;
	out_init(&o, res, UNIT_TEXT_MAX - 1);
	saveconf_dump(&o);
	assert_false(o.overflow);
	res[o.len] = '\0';
	return res;
}

/* The shipped example plus what the §8.4 example shows on top of it. */
static const char *const example_conf =
	"# sixxsd example configuration\n"
	"pop\n"
	"\tset\n"
	"\t\tdetails 2 chtst02 192.0.2.66 2001:db8::66\n"
	"\t\tdetails 1 chtst01 192.0.2.42 2001:db8::42\n"
	"\t\tid 1\n"
	"\tend\n"
	"\n"
	"\ttunnelprefix add 2001:db8:2ff::/48\n"
	"\tsubnetprefix\n"
	"\t\tadd 2001:db8:3000::/40\n"
	"\t\tadd 2001:db8:4000::/40\n"
	"\tend\n"
	"\tcliacl\n"
	"\t\tadd ::1\n"
	"\t\tadd 127.0.0.1\n"
	"\t\tadd 2001:db8::179\n"
	"\t\tadd 192.168.0.179\n"
	"\tend\n"
	"end\n"
	"tunnel\n"
	"\tset\n"
	"\t\tconfig 0 T4141 172.16.1.1 up 1480\n"
	"\t\tconfig 1 T5072 ayiya up 1428 f3d47c2de40fb698e1ab15d757a09bfc\n"
	"\t\tconfig 2 T3740 heartbeat up 1280 91915d757a09bfc94d5028832d85cc0d\n"
	"\t\tconfig 2ae T18572 dynamic up 1280 8fd1ca39af3d47c2de40fb698e1abc9a\n"
	"\t\tconfig 42c T84822 AYIYA up 1280 eb293433ad7898bd67952f941f6fbea1\n"
	"\t\tconfig 666 T84822 198.18.1.1 disabled 1280\n"
	"\tend\n"
	"end\n"
	"subnet\n"
	"\tset\n"
	"\t\tconfig 2001:db8:3055::/48 2 static\n"
	"\t\tconfig 2001:db8:3004::/48 1 static\n"
	"\t\tconfig 2001:db8:3001::/48 2ae static\n"
	"\t\tconfig 2001:db8:3002::/48 42c static\n"
	"\t\tconfig 2001:db8:3003::/48 0 static\n"
	"\tend\n"
	"end\n";

/* §8.4, byte for byte. */
static const char *const example_dump =
	"# SixXS PoP dump stored by SixXSd\n"
	"\n"
	"pop\n"
	"\tset\n"
	"\t\tdetails 1 chtst01 192.0.2.42 2001:db8::42\n"
	"\t\tdetails 2 chtst02 192.0.2.66 2001:db8::66\n"
	"\t\tid 1\n"
	"\tend\n"
	"\n"
	"\ttunnelprefix add 2001:db8:2ff::/48\n"
	"\n"
	"\tsubnetprefix\n"
	"\t\tadd 2001:db8:3000::/40\n"
	"\t\tadd 2001:db8:4000::/40\n"
	"\tend\n"
	"\n"
	"\tcliacl\n"
	"\t\tadd ::1\n"
	"\t\tadd 127.0.0.1\n"
	"\t\tadd 2001:db8::179\n"
	"\t\tadd 192.168.0.179\n"
	"\tend\n"
	"end\n"
	"\n"
	"tunnel\n"
	"\tset\n"
	"\t\tconfig 0 T4141 172.16.1.1 up 1480\n"
	"\t\tconfig 1 T5072 dynamic up 1428 f3d47c2de40fb698e1ab15d757a09bfc\n"
	"\t\tconfig 2 T3740 dynamic up 1280 91915d757a09bfc94d5028832d85cc0d\n"
	"\t\tconfig 2ae T18572 dynamic up 1280 8fd1ca39af3d47c2de40fb698e1abc9a\n"
	"\t\tconfig 42c T84822 dynamic up 1280 eb293433ad7898bd67952f941f6fbea1\n"
	"\t\tconfig 666 T84822 198.18.1.1 disabled 1280\n"
	"\tend\n"
	"end\n"
	"\n"
	"subnet\n"
	"\tset\n"
	"\t\tconfig 2001:db8:3001::/48 2ae static\n"
	"\t\tconfig 2001:db8:3002::/48 42c static\n"
	"\t\tconfig 2001:db8:3003::/48 0 static\n"
	"\t\tconfig 2001:db8:3004::/48 1 static\n"
	"\t\tconfig 2001:db8:3055::/48 2 static\n"
	"\tend\n"
	"end\n";

static void spec_example(void **state)
{
	(void)state;
	load(example_conf);
	assert_string_equal(dump(), example_dump);
}

static void spec_example_reloads_itself(void **state)
{
	(void)state;
	load(example_dump);
	assert_string_equal(dump(), example_dump);
}

static void dump_is_runtime_independent(void **state)
{
	(void)state;
	load(example_conf);
	/* A down dynamic tunnel that came up, learned data, counters and
	 * errors: none of it is saved. */
	RUN_OK("tunnel set remote T5072 192.0.2.55", "tunnel set debug T4141 on",
	       "pop set verbosity 5", "pop set debug common off");
	struct in6_addr src = unit_addr("192.0.2.1");
	tunnel_err_record(0, TERR_CLOCK_OFF, &src, "x", 1, 1);
	tunnel_count_pkt(tunnel_stats(0), TUNNEL_IN, 100, 1);
	assert_string_equal(dump(), example_dump);
}

static const char *const empty_dump =
	"# SixXS PoP dump stored by SixXSd\n"
	"\n"
	"pop\n"
	"\tset\n"
	"\t\tid 0\n"
	"\tend\n"
	"\n"
	"\tsubnetprefix\n"
	"\tend\n"
	"\n"
	"\tcliacl\n"
	"\tend\n"
	"end\n"
	"\n"
	"tunnel\n"
	"\tset\n"
	"\tend\n"
	"end\n"
	"\n"
	"subnet\n"
	"\tset\n"
	"\tend\n"
	"end\n";

static void nothing_configured(void **state)
{
	(void)state;
	/* Deviation 21: no `tunnelprefix add :/48`, no `add ::/0`. */
	assert_string_equal(dump(), empty_dump);
	load(empty_dump);
	assert_string_equal(dump(), empty_dump);
}

static void no_tunnel_prefix_but_subnet_prefix(void **state)
{
	(void)state;
	load("pop subnetprefix add 2001:db8:7000::/48");
	const char *d = dump();
	assert_null(strstr(d, "tunnelprefix"));
	assert_non_null(strstr(d, "\tend\n\n\tsubnetprefix\n\t\tadd 2001:db8:7000::/48\n\tend\n"));
}

/* Every kind of line the dump can hold. */
static const char *const full_conf =
	"pop set details 3 \"my pop\" 192.0.2.3 2001:db8::3\n"
	"pop set details 5 \"q\\\"uo\\\\te\" 192.0.2.5 2001:db8::5\n"
	"pop set details 7 \"\" 0.0.0.0 2001:db8::7\n"
	"pop set details 63 averyveryverylongname 192.0.2.63 ::ffff:192.0.2.64\n"
	"pop set id 5\n"
	"pop tunnelprefix add 2001:db8:2ff::/48\n"
	"pop tunnelprefix add 2001:db8::/48\n"
	"pop tunnelprefix add 2001:db8:abcd::/48\n"
	"pop tunnelprefix add 2001:db8:1::/48\n"
	"pop subnetprefix add 2001:db8:3000::/40\n"
	"pop subnetprefix add 2001:db8:7000::/48\n"
	"pop subnetprefix add 2001:db8:100::/40\n"
	"pop subnetprefix add 2001:db8:7001::/48\n"
	"pop cliacl add 192.0.2.200\n"
	"pop cliacl add 2001:db8::200\n"
	"pop cliacl add ::1\n"
	"tunnel set config 0 T1 192.0.2.1 up 1480\n"
	"tunnel set config 1 T2 2001:db8:ffff::2 disabled 1280\n"
	"tunnel set config 2 T3 heartbeat up 1428 \"pass word\"\n"
	"tunnel set config 3 T4 ayiya disabled 1280 \"q\\\"uote\\\\back\\tslash\"\n"
	"tunnel set config 4 T5 dynamic up 1300\n"
	"tunnel set config 5 T6 dynamic up 1300 \"\"\n"
	"tunnel set config 6 T7 ayiya up 1280 plain\n"
	"tunnel set remote T7 192.0.2.77\n"
	"tunnel set config 7ffe T8 192.0.2.8 up 1480\n"
	"tunnel set config 8000 T9 ayiya up 1480 \"#not a comment\"\n"
	"tunnel set config 12345 T10 192.0.2.10 disabled 1480\n"
	"tunnel set config 1fffe T4294967295 dynamic disabled 1480 \"\\a\\b\\f\\n\\r\\v\"\n"
	"subnet set config 2001:db8:3001::/48 2 static\n"
	"subnet set config 2001:db8:3000::/48 0 static\n"
	"subnet set config 2001:db8:30ff::/48 1fffe static\n"
	"subnet set config 2001:db8:7000:500::/56 3 static\n"
	"subnet set config 2001:db8:7000::/56 8000 static\n"
	"subnet set config 2001:db8:7000:ff00::/56 4 static\n"
	"subnet set config 2001:db8:142::/48 5 static\n"
	"subnet set config 2001:db8:7001:100::/56 6 static\n";

static void round_trip(void **state)
{
	(void)state;
	load(full_conf);
	char a[UNIT_TEXT_MAX];
	snprintf(a, sizeof(a), "%s", dump());

	unit_setup(state);
	assert_string_equal(dump(), empty_dump);
	load(a);
	assert_string_equal(dump(), a);

	/* What the round trip must have kept. */
	assert_string_equal(conf_pop(3)->name, "my pop");
	assert_string_equal(conf_pop(5)->name, "q\"uo\\te");
	assert_string_equal(conf_pop(7)->name, "");
	assert_string_equal(conf_pop(63)->name, "averyveryverylo");
	assert_string_equal(conf_own_name(), "q\"uo\\te");
	assert_int_equal(conf_tprefix_count(), 4);
	assert_string_equal(conf_tprefix_text(1), "2001:db8:0:");
	assert_int_equal(subnet_prefix_count(), 4);
	assert_int_equal(conf_acl_count(), 3);
	assert_string_equal(tunnel_password(2), "pass word");
	assert_string_equal(tunnel_password(3), "q\"uote\\back\tslash");
	assert_string_equal(tunnel_password(4), "");
	assert_string_equal(tunnel_password(6), "plain");
	assert_string_equal(tunnel_password(0x8000), "#not a comment");
	assert_string_equal(tunnel_password(0x1fffe), "\a\b\f\n\r\v");
	assert_int_equal(tunnel_count(), 0x1ffff);
	assert_string_equal(run("tunnel list"),
			    "201 11\n"
			    "T1 2001:db8:2ff:0::2 192.0.2.1 up direct 1480 0\n"
			    "T2 2001:db8:2ff:1::2 2001:db8:ffff::2 disabled direct 1280 0\n"
			    "T3 2001:db8:2ff:2::2 0.0.0.0 down none 1428 0\n"
			    "T4 2001:db8:2ff:3::2 0.0.0.0 disabled none 1280 0\n"
			    "T5 2001:db8:2ff:4::2 0.0.0.0 down none 1300 0\n"
			    "T6 2001:db8:2ff:5::2 0.0.0.0 down none 1300 0\n"
			    "T7 2001:db8:2ff:6::2 0.0.0.0 down none 1280 0\n"
			    "T8 2001:db8:2ff:7ffe::2 192.0.2.8 up direct 1480 0\n"
			    "T9 2001:db8:0:0::2 0.0.0.0 down none 1480 0\n"
			    "T10 2001:db8:abcd:2345::2 192.0.2.10 disabled direct 1480 0\n"
			    "T4294967295 2001:db8:1:7ffe::2 0.0.0.0 disabled none 1480 0\n"
			    "200 OK\n");
}

static void round_trip_lines(void **state)
{
	(void)state;
	load(full_conf);
	const char *d = dump();
	/* The quoted forms and the /56 lines (deviation 21). */
	assert_has_line(d, "\t\tdetails 3 \"my pop\" 192.0.2.3 2001:db8::3");
	assert_has_line(d, "\t\tdetails 5 \"q\\\"uo\\\\te\" 192.0.2.5 2001:db8::5");
	assert_has_line(d, "\t\tdetails 7 \"\" 0.0.0.0 2001:db8::7");
	assert_has_line(d, "\t\tdetails 63 averyveryverylo 192.0.2.63 192.0.2.64");
	assert_has_line(d, "\t\tid 5");
	assert_has_line(d, "\ttunnelprefix add 2001:db8:0::/48");
	assert_has_line(d, "\t\tadd 2001:db8:100::/40");
	assert_has_line(d, "\t\tadd 192.0.2.200");
	assert_has_line(d, "\t\tconfig 0 T1 192.0.2.1 up 1480");
	assert_has_line(d, "\t\tconfig 1 T2 2001:db8:ffff::2 disabled 1280");
	assert_has_line(d, "\t\tconfig 2 T3 dynamic up 1428 \"pass word\"");
	assert_has_line(d, "\t\tconfig 3 T4 dynamic disabled 1280 \"q\\\"uote\\\\back\\tslash\"");
	/* Dynamic without password: the historic trailing blank. */
	assert_has_line(d, "\t\tconfig 4 T5 dynamic up 1300 ");
	assert_has_line(d, "\t\tconfig 5 T6 dynamic up 1300 ");
	/* Up by `set remote`, saved as up. */
	assert_has_line(d, "\t\tconfig 6 T7 dynamic up 1280 plain");
	assert_has_line(d, "\t\tconfig 8000 T9 dynamic up 1480 \"#not a comment\"");
	assert_has_line(d, "\t\tconfig 12345 T10 192.0.2.10 disabled 1480");
	assert_has_line(d, "\t\tconfig 1fffe T4294967295 dynamic disabled 1480 \"\\a\\b\\f\\n\\r\\v\"");
	assert_has_line(d, "\t\tconfig 2001:db8:3000::/48 0 static");
	assert_has_line(d, "\t\tconfig 2001:db8:30ff::/48 1fffe static");
	assert_has_line(d, "\t\tconfig 2001:db8:7000::/56 8000 static");
	assert_has_line(d, "\t\tconfig 2001:db8:7000:500::/56 3 static");
	assert_has_line(d, "\t\tconfig 2001:db8:7000:ff00::/56 4 static");
	assert_has_line(d, "\t\tconfig 2001:db8:142::/48 5 static");
	assert_has_line(d, "\t\tconfig 2001:db8:7001:100::/56 6 static");
	/* Subnets by prefix slot, then selector. */
	const char *s1 = strstr(d, "config 2001:db8:3000::/48"), *s2 = strstr(d, "config 2001:db8:3001::/48"),
		   *s3 = strstr(d, "config 2001:db8:30ff::/48"), *s4 = strstr(d, "config 2001:db8:7000::/56"),
		   *s5 = strstr(d, "config 2001:db8:142::/48");
	assert_true(s1 && s2 && s3 && s4 && s5);
	assert_true(s1 < s2 && s2 < s3 && s3 < s4 && s4 < s5);
}

static void static_tunnel_password_saved(void **state)
{
	(void)state;
	/* Unlike §8.4, a static tunnel's password is saved too, so that a
	 * reload restores it (README, differences 20). */
	load("tunnel set config 20 T200 192.0.2.20 up 1480 pwpw");
	assert_string_equal(dump(), "# SixXS PoP dump stored by SixXSd\n"
				    "\n"
				    "pop\n"
				    "\tset\n"
				    "\t\tid 0\n"
				    "\tend\n"
				    "\n"
				    "\tsubnetprefix\n"
				    "\tend\n"
				    "\n"
				    "\tcliacl\n"
				    "\tend\n"
				    "end\n"
				    "\n"
				    "tunnel\n"
				    "\tset\n"
				    "\t\tconfig 20 T200 192.0.2.20 up 1480 pwpw\n"
				    "\tend\n"
				    "end\n"
				    "\n"
				    "subnet\n"
				    "\tset\n"
				    "\tend\n"
				    "end\n");
}

/* ---- saveconf_write ------------------------------------------------------- */

struct tmp {
	char dir[64], path[128], new_[160], old[160];
};

static void tmp_make(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/sixxsd-unit-save-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/sixxsd.conf", t->dir);
	snprintf(t->new_, sizeof(t->new_), "%s.new", t->path);
	snprintf(t->old, sizeof(t->old), "%s.old", t->path);
}

static void tmp_remove(struct tmp *t)
{
	unlink(t->path);
	unlink(t->old);
	unlink(t->new_);
	rmdir(t->new_);
	rmdir(t->dir);
}

static const char *slurp(const char *path)
{
	char *res = unit_ring();
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, res, UNIT_TEXT_MAX - 1);
	close(fd);
	assert_true(n >= 0);
	res[n] = '\0';
	return res;
}

static void spit(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static void write_file(void **state)
{
	(void)state;
	struct tmp t;
	tmp_make(&t);
	load(example_conf);
	char err[256] = "";
	assert_int_equal(saveconf_write(t.path, err, sizeof(err)), 0);
	assert_string_equal(slurp(t.path), example_dump);
	assert_int_equal(mode_of(t.path), 0600);
	/* Nothing was there before: no .old, no .new left. */
	assert_int_equal(access(t.old, F_OK), -1);
	assert_int_equal(access(t.new_, F_OK), -1);
	tmp_remove(&t);
}

static void write_keeps_old(void **state)
{
	(void)state;
	struct tmp t;
	tmp_make(&t);
	spit(t.path, "# hand written\npop set id 1\n", 0644);
	char err[256] = "";
	load(example_conf);
	assert_int_equal(saveconf_write(t.path, err, sizeof(err)), 0);
	assert_string_equal(slurp(t.old), "# hand written\npop set id 1\n");
	assert_string_equal(slurp(t.path), example_dump);
	assert_int_equal(mode_of(t.path), 0600);

	/* The second save keeps the first one as .old. */
	load("pop set id 2");
	assert_int_equal(saveconf_write(t.path, err, sizeof(err)), 0);
	assert_string_equal(slurp(t.old), example_dump);
	const char *now = slurp(t.path);
	assert_non_null(strstr(now, "\t\tid 2\n"));
	assert_string_equal(now, dump());
	assert_int_equal(access(t.new_, F_OK), -1);
	tmp_remove(&t);
}

static void write_failure_leaves_file(void **state)
{
	(void)state;
	struct tmp t;
	tmp_make(&t);
	spit(t.path, "pop set id 1\n", 0600);
	spit(t.old, "older\n", 0600);
	assert_int_equal(mkdir(t.new_, 0700), 0);
	load(example_conf);
	char err[256] = "";
	assert_int_equal(saveconf_write(t.path, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	assert_non_null(strstr(err, t.new_));
	assert_string_equal(slurp(t.path), "pop set id 1\n");
	assert_string_equal(slurp(t.old), "older\n");
	struct stat st;
	assert_int_equal(stat(t.new_, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	tmp_remove(&t);
}

static void write_failure_missing_directory(void **state)
{
	(void)state;
	char err[256] = "";
	assert_int_equal(saveconf_write("/tmp/sixxsd-unit-no-such-dir/x/sixxsd.conf", err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "/tmp/sixxsd-unit-no-such-dir/x/sixxsd.conf.new"));
}

static void write_over_stale_new_file(void **state)
{
	(void)state;
	/* A .new left behind by an earlier interrupted save, world-readable:
	 * the saved file holds the passwords and must still end up 0600. */
	struct tmp t;
	tmp_make(&t);
	spit(t.new_, "stale stale stale stale stale stale stale stale stale\n", 0644);
	load(example_conf);
	char err[256] = "";
	assert_int_equal(saveconf_write(t.path, err, sizeof(err)), 0);
	assert_string_equal(slurp(t.path), example_dump);
	mode_t m = mode_of(t.path);
	tmp_remove(&t);
	assert_int_equal(m, 0600);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, unit_setup)
	const struct CMUnitTest tests[] = {
		T(spec_example),
		T(spec_example_reloads_itself),
		T(dump_is_runtime_independent),
		T(nothing_configured),
		T(no_tunnel_prefix_but_subnet_prefix),
		T(round_trip),
		T(round_trip_lines),
		T(static_tunnel_password_saved),
		T(write_file),
		T(write_keeps_old),
		T(write_failure_leaves_file),
		T(write_failure_missing_directory),
		T(write_over_stale_new_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
