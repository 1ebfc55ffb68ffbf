/* hb: heartbeat parsing and authentication (dataplane §7.4, with the
 * length checks of §15.5 and the replay rules of tunnel_beat). */
#include "hb.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "tunnel.h"

void hb_digest(void *md, const char *identity, const char *sender, uint64_t epoch,
	       const char *password, char hex[33])
{
	char num[24];
	unsigned char d[16];
	snprintf(num, sizeof(num), "%llu", (unsigned long long)epoch);
	EVP_DigestInit_ex(md, EVP_md5(), NULL);
	EVP_DigestUpdate(md, HB_PREFIX, strlen(HB_PREFIX));
	EVP_DigestUpdate(md, identity, strlen(identity));
	EVP_DigestUpdate(md, " ", 1);
	EVP_DigestUpdate(md, sender, strlen(sender));
	EVP_DigestUpdate(md, " ", 1);
	EVP_DigestUpdate(md, num, strlen(num));
	EVP_DigestUpdate(md, " ", 1);
	EVP_DigestUpdate(md, password, strlen(password));
	EVP_DigestFinal_ex(md, d, NULL);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* Cut the next space-separated field off *p; NULL when no space follows. */
static char *field(char **p)
{
	char *f = *p, *sp = strchr(f, ' ');
	if (!sp)
		return NULL;
	*sp = '\0';
	*p = sp + 1;
	return f;
}

void hb_input(struct fwd_ctx *c, const uint8_t *d, size_t len, const struct in6_addr *src,
	      const struct in6_addr *dst)
{
	char buf[HB_MAX + 1];
	const uint8_t *them = src->s6_addr;
	size_t pre = strlen(HB_PREFIX);
	if (len < pre || len > HB_MAX || memchr(d, '\0', len)) {
		fwd_error(c, ADDR_NONE, TERR_WRONG_PAYLOAD, them, NULL, 0);
		return;
	}
	memcpy(buf, d, len);
	buf[len] = '\0';
	while (len && (buf[len - 1] == '\r' || buf[len - 1] == '\n'))
		buf[--len] = '\0';
	if (memcmp(buf, HB_PREFIX, pre) != 0) {
		fwd_error(c, ADDR_NONE, TERR_WRONG_PAYLOAD, them, NULL, 0);
		return;
	}
	char *p = buf + pre;
	char *identity = field(&p);
	struct in6_addr id;
	bool is_tunnel = false;
	uint32_t tid = ADDR_NONE;
	if (identity && inet_pton(AF_INET6, identity, &id) == 1)
		tid = addr_find6(&id, &is_tunnel);
	if (!is_tunnel || tid >= tunnel_count()) {
		fwd_error(c, ADDR_NONE, TERR_WRONG_PAYLOAD, them, NULL, 0); /* unknown endpoint */
		return;
	}
	struct tunnel_cfg t;
	tunnel_get(tid, &t);
	if (t.state == TUNNEL_S_NONE || t.state == TUNNEL_S_DISABLED) {
		fwd_error(c, tid, TERR_DISABLED, them, NULL, 0);
		return;
	}
	if (!t.dynamic) {
		fwd_error(c, tid, TERR_HB_NON_HB, them, NULL, 0);
		return;
	}
	char *sender = field(&p);
	if (!sender) {
		fwd_error(c, tid, TERR_HB_NO_SENDER, them, NULL, 0);
		return;
	}
	struct in6_addr lit;
	if (strcmp(sender, "sender") != 0 &&
	    (addr_parse(sender, &lit, NULL) != 0 || strchr(sender, '/') || !addr_eq(&lit, src))) {
		fwd_error(c, tid, TERR_HB_SENDER_MISMATCH, them, NULL, 0);
		return;
	}
	char *num = field(&p);
	/* Canonical decimal only: it is hashed as we render it. */
	if (!num || !*num || num[strspn(num, "0123456789")] || (num[0] == '0' && num[1]) ||
	    strlen(num) > 19) {
		fwd_error(c, tid, TERR_HB_NO_TIME, them, NULL, 0);
		return;
	}
	unsigned long long epoch = strtoull(num, NULL, 10);
	long long skew = (long long)c->now - (long long)epoch;
	if (epoch > (unsigned long long)c->now + 120 || skew > 120) {
		fwd_error(c, tid, TERR_CLOCK_OFF, them, NULL, 0);
		return;
	}
	char want[33];
	hb_digest(c->md, identity, sender, epoch, tunnel_password(tid), want);
	/* Exactly 32 lower-case hex characters and nothing after them. */
	if (strlen(p) != 32 || CRYPTO_memcmp(p, want, 32) != 0) {
		fwd_error(c, tid, TERR_HB_HASH, them, NULL, 0);
		return;
	}
	struct tunnel_beat b = { .type = TUNNEL_T_DIRECT, .them = *src, .us = *dst,
				 .epoch = (uint32_t)epoch, .now = c->now };
	/* The digest names the datagram; a heartbeat tunnel is proto-41 from
	 * its first beat on (dataplane §15.20). */
	char first[17];
	memcpy(first, want, 16);
	first[16] = '\0';
	b.digest = strtoull(first, NULL, 16);
	enum tunnel_beat_rc rc = tunnel_beat(tid, &b);
	if (rc != TUNNEL_BEAT_OK)
		fwd_error(c, tid, rc == TUNNEL_BEAT_REPLAY ? TERR_REPLAY : TERR_MOVE_REFUSED, them, NULL,
			  0);
}
