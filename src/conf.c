/* conf: PoP-wide settings. */
#include "conf.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

static unsigned own_id;
static struct conf_pop pops[CONF_MAX_POPS];
static struct in6_addr tprefix[CONF_MAX_TPREFIX];
static char tprefix_text[CONF_MAX_TPREFIX][CONF_TPREFIX_TEXT_MAX];
static _Atomic unsigned ntprefix;
static struct in6_addr acl[CONF_MAX_ACL];
static unsigned nacl;
static bool sections[CONF_SEC_COUNT];
static int verbosity;
static time_t started;
static char file[4096] = "sixxsd.conf";
static conf_prefix_fn prefix_hook;

void conf_init(void)
{
	own_id = 0;
	memset(pops, 0, sizeof(pops));
	memset(tprefix, 0, sizeof(tprefix));
	memset(tprefix_text, 0, sizeof(tprefix_text));
	atomic_store(&ntprefix, 0);
	memset(acl, 0, sizeof(acl));
	nacl = 0;
	for (int i = 0; i < CONF_SEC_COUNT; i++)
		sections[i] = true;
	verbosity = 0;
	started = time(NULL);
}

unsigned conf_id(void)
{
	return own_id;
}

void conf_set_id(unsigned id)
{
	own_id = id;
}

const struct conf_pop *conf_pop(unsigned id)
{
	return &pops[id];
}

void conf_set_pop(unsigned id, const char *name, const struct in6_addr *v4, const struct in6_addr *v6)
{
	snprintf(pops[id].name, sizeof(pops[id].name), "%s", name);
	pops[id].ipv4 = *v4;
	pops[id].ipv6 = *v6;
}

const char *conf_own_name(void)
{
	return pops[own_id].name;
}

unsigned conf_tprefix_count(void)
{
	return atomic_load_explicit(&ntprefix, memory_order_acquire);
}

const struct in6_addr *conf_tprefix(unsigned k)
{
	return &tprefix[k];
}

const char *conf_tprefix_text(unsigned k)
{
	return tprefix_text[k];
}

int conf_tprefix_add(const struct in6_addr *p)
{
	unsigned n = conf_tprefix_count();
	if (n >= CONF_MAX_TPREFIX)
		return -1;
	tprefix[n] = *p;
	/* Inner addresses are this text + the tid in hex (control §5.4). */
	snprintf(tprefix_text[n], sizeof(tprefix_text[n]), "%x:%x:%x:", addr_group(p, 0),
		 addr_group(p, 1), addr_group(p, 2));
	atomic_store_explicit(&ntprefix, n + 1, memory_order_release);
	return (int)n;
}

int conf_tprefix_find(const struct in6_addr *a)
{
	unsigned n = conf_tprefix_count();
	for (unsigned k = 0; k < n; k++)
		if (memcmp(a->s6_addr, tprefix[k].s6_addr, 6) == 0)
			return (int)k;
	return -1;
}

unsigned conf_acl_count(void)
{
	return nacl;
}

const struct in6_addr *conf_acl(unsigned i)
{
	return &acl[i];
}

bool conf_acl_has(const struct in6_addr *a)
{
	for (unsigned i = 0; i < nacl; i++)
		if (addr_eq(&acl[i], a))
			return true;
	return false;
}

bool conf_acl_add(const struct in6_addr *a)
{
	if (nacl >= CONF_MAX_ACL)
		return false;
	acl[nacl++] = *a;
	return true;
}

bool conf_acl_remove(const struct in6_addr *a)
{
	for (unsigned i = 0; i < nacl; i++) {
		if (addr_eq(&acl[i], a)) {
			memmove(&acl[i], &acl[i + 1], (nacl - i - 1) * sizeof(acl[0]));
			memset(&acl[--nacl], 0, sizeof(acl[0]));
			return true;
		}
	}
	return false;
}

void conf_acl_reset(const struct in6_addr *keep)
{
	memset(acl, 0, sizeof(acl));
	nacl = 0;
	if (keep)
		acl[nacl++] = *keep;
}

bool conf_section(enum conf_section s)
{
	return sections[s];
}

void conf_set_section(enum conf_section s, bool on)
{
	sections[s] = on;
}

int conf_verbosity(void)
{
	return verbosity;
}

void conf_set_verbosity(int v)
{
	verbosity = v;
}

time_t conf_started(void)
{
	return started;
}

const char *conf_file(void)
{
	return file;
}

void conf_set_file(const char *path)
{
	snprintf(file, sizeof(file), "%s", path);
}

void conf_set_prefix_hook(conf_prefix_fn fn)
{
	prefix_hook = fn;
}

void conf_prefix_added(const struct in6_addr *p, unsigned len)
{
	if (prefix_hook)
		prefix_hook(p, len);
}
