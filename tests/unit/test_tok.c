/* tok_split: the command-line tokeniser (control §2.1, deviation 19). */
#include "unit.h"

#include "tok.h"

#define MAXLINE 8192

static char store[MAXLINE + TOK_MAX_ARGS + 1];
static char *argv_[TOK_MAX_ARGS];
static bool too_many;

static int split_max(const char *line, int max)
{
	assert_true(strlen(line) < MAXLINE);
	too_many = true; /* must be cleared by tok_split */
	return tok_split(line, store, argv_, max, &too_many);
}

static int split(const char *line)
{
	return split_max(line, TOK_MAX_ARGS);
}

static void blanks_and_tabs_separate(void **state)
{
	(void)state;
	assert_int_equal(split("  pop\t show \t\t status  "), 3);
	assert_string_equal(argv_[0], "pop");
	assert_string_equal(argv_[1], "show");
	assert_string_equal(argv_[2], "status");
	assert_false(too_many);
}

static void nothing_gives_no_args(void **state)
{
	(void)state;
	assert_int_equal(split(""), 0);
	assert_int_equal(split(" \t \t"), 0);
	assert_false(too_many);
}

static void other_characters_are_ordinary(void **state)
{
	(void)state;
	/* CR, '#', '/' and '=' are ordinary characters inside arguments. */
	assert_int_equal(split("a\rb #x err=Clock //"), 4);
	assert_string_equal(argv_[0], "a\rb");
	assert_string_equal(argv_[1], "#x");
	assert_string_equal(argv_[2], "err=Clock");
	assert_string_equal(argv_[3], "//");
}

static void quotes_keep_blanks(void **state)
{
	(void)state;
	assert_int_equal(split("set \"two words\" x"), 3);
	assert_string_equal(argv_[0], "set");
	assert_string_equal(argv_[1], "two words");
	assert_string_equal(argv_[2], "x");

	assert_int_equal(split("\"tab\tinside  and two\""), 1);
	assert_string_equal(argv_[0], "tab\tinside  and two");
}

static void text_glued_after_closing_quote_is_dropped(void **state)
{
	(void)state;
	assert_int_equal(split("\"na\"me next"), 2);
	assert_string_equal(argv_[0], "na");
	assert_string_equal(argv_[1], "next");

	/* Everything up to the next blank goes, quotes included. */
	assert_int_equal(split("\"x\"y\"z w\" v"), 2);
	assert_string_equal(argv_[0], "x");
	assert_string_equal(argv_[1], "w v");
}

static void unterminated_quote_runs_to_end(void **state)
{
	(void)state;
	assert_int_equal(split("say \"hello  world\t"), 2);
	assert_string_equal(argv_[0], "say");
	assert_string_equal(argv_[1], "hello  world\t");
}

static void empty_quotes_make_an_empty_argument(void **state)
{
	(void)state;
	assert_int_equal(split("a \"\" b"), 3);
	assert_string_equal(argv_[0], "a");
	assert_string_equal(argv_[1], "");
	assert_string_equal(argv_[2], "b");

	assert_int_equal(split("\""), 1);
	assert_string_equal(argv_[0], "");
}

static void backslash_escapes(void **state)
{
	(void)state;
	assert_int_equal(split("a\\\"b c\\\\d"), 2);
	assert_string_equal(argv_[0], "a\"b");
	assert_string_equal(argv_[1], "c\\d");

	assert_int_equal(split("x\\ay x\\by x\\fy x\\ny x\\ry x\\ty x\\vy"), 7);
	assert_string_equal(argv_[0], "x\ay");
	assert_string_equal(argv_[1], "x\by");
	assert_string_equal(argv_[2], "x\fy");
	assert_string_equal(argv_[3], "x\ny");
	assert_string_equal(argv_[4], "x\ry");
	assert_string_equal(argv_[5], "x\ty");
	assert_string_equal(argv_[6], "x\vy");

	/* Any other character is taken literally, also a blank. */
	assert_int_equal(split("x\\qy a\\ b"), 2);
	assert_string_equal(argv_[0], "xqy");
	assert_string_equal(argv_[1], "a b");
}

static void backslash_inside_quotes(void **state)
{
	(void)state;
	assert_int_equal(split("\"say \\\"hi\\\" \\\\ \\t\" next"), 2);
	assert_string_equal(argv_[0], "say \"hi\" \\ \t");
	assert_string_equal(argv_[1], "next");
}

static void backslash_at_argument_start_is_kept(void **state)
{
	(void)state;
	/* Deviation 19: no longer drops the argument. */
	assert_int_equal(split("pop \\get \\nx \\\\y"), 4);
	assert_string_equal(argv_[0], "pop");
	assert_string_equal(argv_[1], "get");
	assert_string_equal(argv_[2], "\nx");
	assert_string_equal(argv_[3], "\\y");

	assert_int_equal(split("\\\"quoted\\\""), 1);
	assert_string_equal(argv_[0], "\"quoted\"");
}

static void lone_backslash_gives_no_argument(void **state)
{
	(void)state;
	assert_int_equal(split("\\"), 0);
	assert_int_equal(split("  \\"), 0);
	assert_int_equal(split("a \\"), 1);
	assert_string_equal(argv_[0], "a");
	assert_int_equal(split("ab\\"), 1);
	assert_string_equal(argv_[0], "ab");
}

static char *words(int n, const char *last)
{
	static char line[MAXLINE];
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "w%d ", i);
	snprintf(line + len, sizeof(line) - len, "%s", last ? last : "");
	return line;
}

static void limit_of_128_arguments(void **state)
{
	(void)state;
	assert_int_equal(split(words(128, NULL)), 128);
	assert_false(too_many);
	assert_string_equal(argv_[0], "w0");
	assert_string_equal(argv_[127], "w127");

	/* More words are ignored silently... */
	assert_int_equal(split(words(130, NULL)), 128);
	assert_false(too_many);
	assert_string_equal(argv_[127], "w127");

	/* ...unless the first one beyond the limit opens a quote. */
	assert_int_equal(split(words(128, "\"x y\" z")), 128);
	assert_true(too_many);
	assert_string_equal(argv_[127], "w127");

	assert_int_equal(split(words(128, "x \"y\"")), 128);
	assert_false(too_many);
}

static void limit_given_by_max(void **state)
{
	(void)state;
	assert_int_equal(split_max("a b \"c\"", 2), 2);
	assert_true(too_many);
	assert_int_equal(split_max("a b c", 2), 2);
	assert_false(too_many);
	assert_int_equal(split_max("a b  ", 2), 2);
	assert_false(too_many);
}

static void arguments_live_in_store(void **state)
{
	(void)state;
	assert_int_equal(split("ab \"c d\" e"), 3);
	assert_ptr_equal(argv_[0], store);
	assert_memory_equal(store, "ab\0c d\0e\0", 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blanks_and_tabs_separate),
		cmocka_unit_test(nothing_gives_no_args),
		cmocka_unit_test(other_characters_are_ordinary),
		cmocka_unit_test(quotes_keep_blanks),
		cmocka_unit_test(text_glued_after_closing_quote_is_dropped),
		cmocka_unit_test(unterminated_quote_runs_to_end),
		cmocka_unit_test(empty_quotes_make_an_empty_argument),
		cmocka_unit_test(backslash_escapes),
		cmocka_unit_test(backslash_inside_quotes),
		cmocka_unit_test(backslash_at_argument_start_is_kept),
		cmocka_unit_test(lone_backslash_gives_no_argument),
		cmocka_unit_test(limit_of_128_arguments),
		cmocka_unit_test(limit_given_by_max),
		cmocka_unit_test(arguments_live_in_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
