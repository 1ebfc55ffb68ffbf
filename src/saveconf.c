/* saveconf: normalised dump and atomic save. */
#include "saveconf.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "subnet.h"
#include "tunnel.h"

/* Arguments are written so that the tokeniser gives them back unchanged
 * (the historic dump wrote them bare, so a password with a space broke). */
static void put_arg(struct out *o, const char *s)
{
	bool plain = *s != '\0';
	for (const char *p = s; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '"' || *p == '\\' || (unsigned char)*p < 0x20 ||
		    *p == 0x7f)
			plain = false;
	if (plain) {
		out_puts(o, s);
		return;
	}
	static const char esc_from[] = "\a\b\f\n\r\t\v\"\\";
	static const char esc_to[] = "abfnrtv\"\\";
	out_write(o, "\"", 1);
	for (const char *p = s; *p; p++) {
		const char *e = strchr(esc_from, *p);
		if (e) {
			out_write(o, "\\", 1);
			out_write(o, &esc_to[e - esc_from], 1);
		} else {
			out_write(o, p, 1);
		}
	}
	out_write(o, "\"", 1);
}

static void dump_pop(struct out *o)
{
	char a[ADDR_TEXT_MAX], b[ADDR_TEXT_MAX];
	out_puts(o, "pop\n\tset\n");
	for (unsigned id = 0; id < CONF_MAX_POPS; id++) {
		const struct conf_pop *p = conf_pop(id);
		if (addr_is_zero(&p->ipv6))
			continue;
		out_printf(o, "\t\tdetails %u ", id);
		put_arg(o, p->name);
		out_printf(o, " %s %s\n", addr_fmt(&p->ipv4, a), addr_fmt(&p->ipv6, b));
	}
	out_printf(o, "\t\tid %u\n\tend\n\n", conf_id());

	/* Unset prefixes are left out (the historic ":/48" and "::/0" lines
	 * failed to load). */
	for (unsigned k = 0; k < conf_tprefix_count(); k++)
		out_printf(o, "\ttunnelprefix add %s:/48\n", conf_tprefix_text(k));
	if (conf_tprefix_count())
		out_puts(o, "\n");

	out_puts(o, "\tsubnetprefix\n");
	for (unsigned k = 0; k < subnet_prefix_count(); k++) {
		unsigned len;
		const struct in6_addr *p = subnet_prefix(k, &len);
		out_printf(o, "\t\tadd %s/%u\n", addr_fmt(p, a), len);
	}
	out_puts(o, "\tend\n\n\tcliacl\n");
	for (unsigned i = 0; i < conf_acl_count(); i++)
		out_printf(o, "\t\tadd %s\n", addr_fmt(conf_acl(i), a));
	out_puts(o, "\tend\nend\n\n");
}

static void dump_tunnels(struct out *o)
{
	char a[ADDR_TEXT_MAX];
	struct tunnel_cfg c;
	out_puts(o, "tunnel\n\tset\n");
	uint32_t n = tunnel_count();
	for (uint32_t t = 0; t < n; t++) {
		tunnel_get(t, &c);
		if (c.state == TUNNEL_S_NONE)
			continue;
		out_printf(o, "\t\tconfig %x T%u %s %s %u", t, c.tnum,
			   c.dynamic ? "dynamic" : addr_fmt(&c.ip_them, a),
			   c.state == TUNNEL_S_DISABLED ? "disabled" : "up", c.mtu);
		/* Dynamic tunnels always carry it (historic); a static tunnel's
		 * password is kept too, so that reloading restores it. */
		const char *pw = tunnel_password(t);
		if (c.dynamic || *pw) {
			out_puts(o, " ");
			if (*pw)
				put_arg(o, pw);
		}
		out_puts(o, "\n");
	}
	out_puts(o, "\tend\nend\n\n");
}

static void dump_subnets(struct out *o)
{
	char a[ADDR_TEXT_MAX];
	out_puts(o, "subnet\n\tset\n");
	for (unsigned k = 0; k < subnet_prefix_count(); k++) {
		for (unsigned sel = 0; sel < SUBNET_PER_PREFIX; sel++) {
			uint32_t tid = subnet_get(k, sel);
			if (tid == SUBNET_UNROUTED)
				continue;
			struct in6_addr e;
			unsigned len;
			subnet_entry_addr(k, sel, &e, &len);
			out_printf(o, "\t\tconfig %s/%u %x static\n", addr_fmt(&e, a), len, tid);
		}
	}
	out_puts(o, "\tend\nend\n");
}

void saveconf_dump(struct out *o)
{
	out_puts(o, "# SixXS PoP dump stored by SixXSd\n\n");
	dump_pop(o);
	dump_tunnels(o);
	dump_subnets(o);
}

static int fail(char *err, size_t errlen, const char *what, const char *path, int e)
{
	snprintf(err, errlen, "%s %s: %s", what, path, strerror(e));
	return -1;
}

int saveconf_write(const char *path, char *err, size_t errlen)
{
	char tmp[4200], old[4200], dir[4200];
	static char buf[65536];
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	snprintf(old, sizeof(old), "%s.old", path);
	snprintf(dir, sizeof(dir), "%s", path);

	/* 0600: the file holds the tunnel passwords; a stale .new (and its
	 * mode) is never reused. */
	if (unlink(tmp) != 0 && errno != ENOENT)
		return fail(err, errlen, "cannot remove", tmp, errno);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(err, errlen, "cannot create", tmp, errno);
	struct out o;
	out_init_fd(&o, buf, sizeof(buf), fd);
	saveconf_dump(&o);
	bool ok = out_flush(&o);
	int e = errno;
	if (ok && fsync(fd) != 0) {
		ok = false;
		e = errno;
	}
	if (close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		unlink(tmp);
		return fail(err, errlen, "cannot write", tmp, e ? e : EIO);
	}
	/* Keep the current file as .old without ever leaving path missing. */
	if (unlink(old) != 0 && errno != ENOENT) {
		e = errno;
		unlink(tmp);
		return fail(err, errlen, "cannot replace", old, e);
	}
	if (link(path, old) != 0 && errno != ENOENT) {
		e = errno;
		unlink(tmp);
		return fail(err, errlen, "cannot keep", old, e);
	}
	if (rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		return fail(err, errlen, "cannot rename onto", path, e);
	}
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}
