/* conf: PoP-wide settings: own id, PoP details, tunnel prefixes, CLI ACL,
 * log flags. Written by the control thread only; tunnel prefixes are
 * published with a release store of the count so workers may read them. */
#ifndef SIXXSD_CONF_H
#define SIXXSD_CONF_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define CONF_MAX_POPS 64
#define CONF_POP_NAME_MAX 15
#define CONF_MAX_TPREFIX 4
#define CONF_MAX_ACL 64
#define CONF_TPREFIX_TEXT_MAX 16 /* "ffff:ffff:ffff:" + NUL */

#define SIXXSD_VERSION "4.0"
#define SIXXSD_RELEASE "2015.10.12"

struct conf_pop {
	char name[CONF_POP_NAME_MAX + 1];
	struct in6_addr ipv4, ipv6; /* configured iff ipv6 is non-zero */
};

/* Log section flags shown by `pop show info`. */
enum conf_section { CONF_SEC_SIXXSD, CONF_SEC_AYIYA, CONF_SEC_COMMON, CONF_SEC_CONFIG,
		    CONF_SEC_PREFIX, CONF_SEC_THREAD, CONF_SEC_COUNT };

void conf_init(void);

unsigned conf_id(void);
void conf_set_id(unsigned id);
const struct conf_pop *conf_pop(unsigned id);
void conf_set_pop(unsigned id, const char *name, const struct in6_addr *v4, const struct in6_addr *v6);
/* Name of the own PoP, "" when unset. */
const char *conf_own_name(void);

/* Tunnel prefixes: number k owns tids k*0x8000 .. k*0x8000+0x7ffe. */
unsigned conf_tprefix_count(void);
const struct in6_addr *conf_tprefix(unsigned k);
const char *conf_tprefix_text(unsigned k); /* "g1:g2:g3:" */
/* Returns the new prefix number, or -1 when the table is full. */
int conf_tprefix_add(const struct in6_addr *p);
/* Index of the tunnel prefix that holds a, or -1. */
int conf_tprefix_find(const struct in6_addr *a);

unsigned conf_acl_count(void);
const struct in6_addr *conf_acl(unsigned i);
bool conf_acl_has(const struct in6_addr *a);
bool conf_acl_add(const struct in6_addr *a); /* false when full */
bool conf_acl_remove(const struct in6_addr *a);
void conf_acl_reset(const struct in6_addr *keep); /* keep may be NULL */

bool conf_section(enum conf_section s);
void conf_set_section(enum conf_section s, bool on);
int conf_verbosity(void);
void conf_set_verbosity(int v);

/* Called for every tunnel or subnet prefix added, so the data plane can
 * route it into its tun. */
typedef void (*conf_prefix_fn)(const struct in6_addr *p, unsigned len);
void conf_set_prefix_hook(conf_prefix_fn fn);
void conf_prefix_added(const struct in6_addr *p, unsigned len);

/* Daemon facts the commands show. */
time_t conf_started(void);
const char *conf_file(void); /* file loaded at start and written by saveconfig */
void conf_set_file(const char *path);

#endif
