/* out: reply framing (control §1.5, deviation 1), fields, hex dump (§5.7),
 * bounded buffers. */
#include "unit.h"

#include <fcntl.h>
#include <unistd.h>

/* Frame text (given as a C string) with code; the result as a string. */
static const char *frame(int code, const char *text)
{
	char *res = unit_ring();
	struct out o;
	out_init(&o, res, UNIT_TEXT_MAX - 1);
	out_frame(&o, code, text, strlen(text));
	assert_false(o.overflow);
	res[o.len] = '\0';
	return res;
}

static const char *hexdump(const void *p, size_t n)
{
	char *res = unit_ring();
	struct out o;
	out_init(&o, res, UNIT_TEXT_MAX - 1);
	out_hexdump(&o, p, n);
	assert_false(o.overflow);
	res[o.len] = '\0';
	return res;
}

static void frame_single_line(void **state)
{
	(void)state;
	assert_string_equal(frame(200, "1\n"), "200 1\n");
	assert_string_equal(frame(404, "Unknown command: main >> foo\n"),
			    "404 Unknown command: main >> foo\n");
	assert_string_equal(frame(666, "Tschau\n"), "666 Tschau\n");
	assert_string_equal(frame(425, "No command given!?\n"), "425 No command given!?\n");
}

static void frame_multi_line(void **state)
{
	(void)state;
	assert_string_equal(frame(200, "direct 1 0 2\nayiya 0 0 0\ngre 0 0 0\ntotal 1 0 2\n"),
			    "201 4\ndirect 1 0 2\nayiya 0 0 0\ngre 0 0 0\ntotal 1 0 2\n200 OK\n");
	assert_string_equal(frame(200, "a\nb\n"), "201 2\na\nb\n200 OK\n");
	/* Empty lines count. */
	assert_string_equal(frame(200, "\n\n"), "201 2\n\n\n200 OK\n");
	assert_string_equal(frame(200, "x\n\ny\n"), "201 3\nx\n\ny\n200 OK\n");
}

static void frame_error_multi_line(void **state)
{
	(void)state;
	/* The §1.5 example: header 401, trailer says OK with the real code. */
	assert_string_equal(frame(400, "Code 400 occured on line 48 of sixxsd.conf\n"
				       "Loading configuration failed\n"),
			    "401 2\nCode 400 occured on line 48 of sixxsd.conf\n"
			    "Loading configuration failed\n400 OK\n");
	assert_string_equal(frame(404, "a\nb\n"), "401 2\na\nb\n404 OK\n");
	assert_string_equal(frame(406, "a\nb\n"), "401 2\na\nb\n406 OK\n");
	assert_string_equal(frame(300, "a\nb\n"), "301 2\na\nb\n300 OK\n");
	assert_string_equal(frame(500, "a\nb\nc\n"), "501 3\na\nb\nc\n500 OK\n");
}

static void frame_empty_text(void **state)
{
	(void)state;
	/* Deviation 1: "200 " plus LF. */
	assert_string_equal(frame(200, ""), "200 \n");
	assert_string_equal(frame(200, "\n"), "200 \n");
	assert_string_equal(frame(400, ""), "400 \n");
}

static void frame_adds_missing_final_lf(void **state)
{
	(void)state;
	/* Deviation 1: `pop set id 64` and the like end with LF. */
	assert_string_equal(frame(400, "PoP ID out of range (64 / 64 > 64)"),
			    "400 PoP ID out of range (64 / 64 > 64)\n");
	/* A last line without LF still counts as a line. */
	assert_string_equal(frame(200, "a\nb"), "201 2\na\nb\n200 OK\n");
}

static void frame_appends(void **state)
{
	(void)state;
	char buf[64];
	struct out o;
	out_init(&o, buf, sizeof(buf));
	out_frame(&o, 200, "x\n", 2);
	out_frame(&o, 404, "y\nz\n", 4);
	assert_int_equal(o.len, strlen("200 x\n401 2\ny\nz\n404 OK\n"));
	assert_memory_equal(buf, "200 x\n401 2\ny\nz\n404 OK\n", o.len);
	/* Only len bytes of text are framed. */
	out_reset(&o);
	out_frame(&o, 200, "abc\ndef\n", 4);
	assert_int_equal(o.len, strlen("200 abc\n"));
	assert_memory_equal(buf, "200 abc\n", o.len);
}

static void field_padding(void **state)
{
	(void)state;
	char buf[256];
	struct out o;
	out_init(&o, buf, sizeof(buf));
	out_field(&o, "PoP Name", "%s", "chtst01");
	out_field(&o, "MTU", "%u", 1480u);
	out_field(&o, "Exactly twenty-four cols", "x");
	out_field(&o, "Longer than twenty-four columns", "y");
	const char *want = "PoP Name                : chtst01\n"
			   "MTU                     : 1480\n"
			   "Exactly twenty-four cols: x\n"
			   "Longer than twenty-four columns: y\n";
	assert_int_equal(o.len, strlen(want));
	assert_memory_equal(buf, want, o.len);
}

static void hexdump_empty(void **state)
{
	(void)state;
	assert_string_equal(hexdump("", 0), "");
}

static void hexdump_short_line_is_padded(void **state)
{
	(void)state;
	assert_string_equal(hexdump("AB\x01", 3),
			    "00000000 41 42 01                                        AB.\n");
}

static void hexdump_full_line(void **state)
{
	(void)state;
	/* The ASCII column shows every byte of the line, the 16th included. */
	assert_string_equal(hexdump("0123456789abcdef", 16),
			    "00000000 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66 "
			    "0123456789abcdef\n");
}

static void hexdump_printable_range(void **state)
{
	(void)state;
	const unsigned char p[] = { 0x00, 0x1f, 0x20, 0x41, 0x7e, 0x7f, 0x80, 0xff };
	assert_string_equal(hexdump(p, sizeof(p)),
			    "00000000 00 1f 20 41 7e 7f 80 ff                         .. A~...\n");
}

static void hexdump_several_lines(void **state)
{
	(void)state;
	unsigned char p[34];
	for (unsigned i = 0; i < sizeof(p); i++)
		p[i] = (unsigned char)('a' + i % 26);
	assert_string_equal(hexdump(p, sizeof(p)),
			    "00000000 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70 "
			    "abcdefghijklmnop\n"
			    "00000010 71 72 73 74 75 76 77 78 79 7a 61 62 63 64 65 66 "
			    "qrstuvwxyzabcdef\n"
			    "00000020 67 68                                           gh\n");
}

static void hexdump_offsets_in_hex(void **state)
{
	(void)state;
	unsigned char p[128];
	memset(p, '.', sizeof(p));
	const char *d = hexdump(p, sizeof(p));
	assert_int_equal(unit_lines(d), 8);
	assert_int_equal(strncmp(unit_line(d, 7), "00000070 2e ", 12), 0);
	assert_int_equal(strlen(unit_line(d, 7)), 9 + 16 * 3 + 16);
}

static void overflow_truncates_and_flags(void **state)
{
	(void)state;
	char buf[8];
	struct out o;
	out_init(&o, buf, sizeof(buf));
	out_puts(&o, "0123");
	assert_false(o.overflow);
	out_puts(&o, "456789");
	assert_true(o.overflow);
	assert_int_equal(o.len, 8);
	assert_memory_equal(buf, "01234567", 8);

	out_reset(&o);
	assert_false(o.overflow);
	assert_int_equal(o.len, 0);
	out_puts(&o, "01234567");
	assert_false(o.overflow); /* exactly full is fine */
	assert_int_equal(o.len, 8);

	out_reset(&o);
	out_printf(&o, "%s-%d", "abc", 12345);
	assert_true(o.overflow);
	assert_int_equal(o.len, 8);
	assert_memory_equal(buf, "abc-123", 7);
}

static void overflow_in_frame(void **state)
{
	(void)state;
	char buf[10];
	struct out o;
	out_init(&o, buf, sizeof(buf));
	out_frame(&o, 200, "a\nb\nc\n", 6);
	assert_true(o.overflow);
	assert_int_equal(o.len, sizeof(buf));
}

static void fd_buffer_drains(void **state)
{
	(void)state;
	char path[] = "/tmp/sixxsd-unit-out-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path); /* nothing is left behind, even when an assertion fails */
	/* Each single printf must fit the buffer; plain writes of any size
	 * go straight through. */
	char buf[32];
	struct out o;
	out_init_fd(&o, buf, sizeof(buf), fd);
	out_puts(&o, "hello ");
	out_puts(&o, "a rather long piece of text, longer than the whole buffer twice. ");
	out_printf(&o, "%d-%s|", 42, "xyz");
	out_field(&o, "L", "v");
	out_printf(&o, "%s", "0123456789012345678901234567890");
	assert_true(out_flush(&o));
	assert_false(o.overflow);
	assert_int_equal(o.len, 0);

	const char *want = "hello a rather long piece of text, longer than the whole buffer twice. "
			   "42-xyz|L                       : v\n0123456789012345678901234567890";
	char got[256];
	ssize_t n = pread(fd, got, sizeof(got), 0);
	close(fd);
	assert_int_equal(n, (ssize_t)strlen(want));
	assert_memory_equal(got, want, strlen(want));
}

static void fd_write_error_sets_overflow(void **state)
{
	(void)state;
	int fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	char buf[8];
	struct out o;
	out_init_fd(&o, buf, sizeof(buf), fd);
	out_puts(&o, "abc");
	assert_false(out_flush(&o));
	assert_true(o.overflow);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(frame_single_line),
		cmocka_unit_test(frame_multi_line),
		cmocka_unit_test(frame_error_multi_line),
		cmocka_unit_test(frame_empty_text),
		cmocka_unit_test(frame_adds_missing_final_lf),
		cmocka_unit_test(frame_appends),
		cmocka_unit_test(field_padding),
		cmocka_unit_test(hexdump_empty),
		cmocka_unit_test(hexdump_short_line_is_padded),
		cmocka_unit_test(hexdump_full_line),
		cmocka_unit_test(hexdump_printable_range),
		cmocka_unit_test(hexdump_several_lines),
		cmocka_unit_test(hexdump_offsets_in_hex),
		cmocka_unit_test(overflow_truncates_and_flags),
		cmocka_unit_test(overflow_in_frame),
		cmocka_unit_test(fd_buffer_drains),
		cmocka_unit_test(fd_write_error_sets_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
