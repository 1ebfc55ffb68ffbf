/* tunnel: the static tunnel table. See include/tunnel.h for the layout. */
#include "tunnel.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "seqlock.h"

#define SNAP_POOL 16384u /* snapshots kept across all tunnels */

struct slot {
	struct seqlock lock;
	struct tunnel_cfg c;
};

struct cold {
	char password[TUNNEL_PW_MAX + 1];
	_Atomic int32_t debug; /* session id + 1, 0 none; read by the workers */
};

struct errent {
	struct tunnel_errrec r;
	uint32_t snap; /* pool index + 1, 0 = none */
};

struct errs {
	struct seqlock lock;
	struct errent e[TERR_COUNT];
};

struct snapbody {
	uint32_t owner; /* (tid << 5 | error) + 1 */
	struct tunnel_snap s;
};

struct snapslot {
	struct seqlock lock;
	struct snapbody b;
};

/* The tables live in BSS: address space is reserved at start and pages are
 * only committed when a slot is first written. */
static struct slot slots[TUNNEL_MAX];
static struct cold colds[TUNNEL_MAX];
static struct tunnel_stats stats[TUNNEL_MAX];
static struct tunnel_lat lats[TUNNEL_MAX];
static struct errs errs[TUNNEL_MAX];

/* Recently accepted beats of dynamic tunnels, to refuse exact copies. */
#define REPLAY_RING 32
struct replay {
	uint64_t digest[REPLAY_RING];
	uint8_t next;
};
static struct replay replays[TUNNEL_MAX];
static struct snapslot snaps[SNAP_POOL];
static _Atomic uint32_t snap_next;
static struct tunnel_stats globals[2];
static _Atomic uint32_t count;

const char *const tunnel_err_names[TERR_COUNT] = {
	"Encap.Pkt Too Big",      "Disabled tunnel",      "Clock Off",
	"Encap.Pkt Send Error",   "Same In&Out Interface", "Wrong Source IPv6",
	"Wrong Source IPv4",      "Packet over uplink",    "Non-IPv6 Payload",
	"Non-IPv4 Payload",       "AYIYA Hash Fail",       "AYIYA-non-AYIYA",
	"AYIYA Invalid Forward",  "Heartbeat Hash Fail",   "HB-non-HB",
	"HB Missing sender",      "HB Sender Mismatch",    "HB Missing Time",
	"ICMPv4 Errors Received", "ICMPv4 Echo Req. Recv.", "Wrong Payload",
	"Replay Dropped",         "Endpoint Move Refused",
};

int tunnel_err_lookup(const char *name)
{
	for (int i = 0; i < TERR_COUNT; i++)
		if (strcasecmp(name, tunnel_err_names[i]) == 0)
			return i;
	return -1;
}

const char *tunnel_state_name(unsigned s)
{
	static const char *const n[] = { "none", "disabled", "down", "up" };
	return s < 4 ? n[s] : "?";
}

const char *tunnel_type_name(unsigned t)
{
	static const char *const n[] = { "none", "direct", "ayiya", "gre" };
	return t < 4 ? n[t] : "?";
}

static void cfg_initial(struct tunnel_cfg *c)
{
	memset(c, 0, sizeof(*c));
	/* Remote starts as the IPv4-mapped zero address (control §6.3). */
	c->ip_them.s6_addr[10] = 0xff;
	c->ip_them.s6_addr[11] = 0xff;
}

void tunnel_init(void)
{
	/* Every initial value is all-zero bytes, so at start nothing is written
	 * and the tables stay uncommitted until used; a re-init (tests) clears
	 * only what was used. */
	uint32_t n = atomic_load(&count);
	memset(slots, 0, n * sizeof(slots[0]));
	memset(colds, 0, n * sizeof(colds[0]));
	atomic_store(&tunnel_debugging, 0);
	memset(stats, 0, n * sizeof(stats[0]));
	memset(lats, 0, n * sizeof(lats[0]));
	memset(errs, 0, n * sizeof(errs[0]));
	memset(replays, 0, n * sizeof(replays[0]));
	memset(snaps, 0, sizeof(snaps));
	memset(globals, 0, sizeof(globals));
	atomic_store(&snap_next, 0);
	atomic_store(&count, 0);
}

uint32_t tunnel_count(void)
{
	return atomic_load_explicit(&count, memory_order_acquire);
}

bool tunnel_tid_valid(uint32_t tid)
{
	return tid < TUNNEL_MAX && (tid & (TUNNEL_PREFIX_SPAN - 1)) != TUNNEL_RESERVED_GROUP;
}

void tunnel_get(uint32_t tid, struct tunnel_cfg *out)
{
	seqlock_read(&slots[tid].lock, out, &slots[tid].c, sizeof(*out));
	if (out->mtu == 0) /* never configured: every configured slot has an MTU */
		cfg_initial(out);
}

/* Changes are made in place inside the write section, so a worker that
 * learns an endpoint and the control side never undo each other. */
static struct tunnel_cfg *slot_begin(uint32_t tid)
{
	seqlock_write_begin(&slots[tid].lock);
	return &slots[tid].c;
}

static void slot_end(uint32_t tid)
{
	seqlock_write_end(&slots[tid].lock);
}

void tunnel_set_config(const struct tunnel_conf_req *r)
{
	uint8_t key[20];
	if (r->password) {
		/* The AYIYA key is SHA-1 of the shared secret (dataplane §3.1). */
		EVP_Digest(r->password, strlen(r->password), key, NULL, EVP_sha1(), NULL);
		snprintf(colds[r->tid].password, sizeof(colds[r->tid].password), "%s", r->password);
	}
	struct tunnel_cfg *c = slot_begin(r->tid);
	if (c->mtu == 0)
		cfg_initial(c);
	c->tnum = r->tnum;
	c->mtu = (uint16_t)r->mtu;
	c->dynamic = r->dynamic;
	if (!r->dynamic) {
		/* Static: the configured endpoint; proto-41 unless it speaks GRE. */
		c->ip_them = r->them;
		if (c->type != TUNNEL_T_GRE)
			c->type = TUNNEL_T_DIRECT;
		c->state = r->disabled ? TUNNEL_S_DISABLED : TUNNEL_S_UP;
	} else if (r->disabled) {
		c->state = TUNNEL_S_DISABLED;
	} else if (c->state != TUNNEL_S_UP && c->state != TUNNEL_S_DOWN) {
		/* A dynamic tunnel only goes up on a valid beat. */
		c->state = TUNNEL_S_DOWN;
	}
	if (r->password)
		memcpy(c->ayiya_sha1, key, sizeof(key));
	slot_end(r->tid);

	uint32_t n = atomic_load(&count);
	if (r->tid + 1 > n)
		atomic_store_explicit(&count, r->tid + 1, memory_order_release);
}

void tunnel_set_remote(uint32_t tid, const struct in6_addr *them)
{
	struct tunnel_cfg *c = slot_begin(tid);
	c->ip_them = *them;
	c->port_us = 5072;
	c->port_them = 5072;
	if (c->state != TUNNEL_S_DISABLED)
		c->state = TUNNEL_S_UP;
	slot_end(tid);
}

void tunnel_learn(uint32_t tid, unsigned type, const struct in6_addr *us)
{
	struct tunnel_cfg *c = slot_begin(tid);
	c->type = (uint8_t)type;
	c->ip_us = *us;
	slot_end(tid);
}

enum tunnel_beat_rc tunnel_beat(uint32_t tid, const struct tunnel_beat *b)
{
	enum tunnel_beat_rc rc = TUNNEL_BEAT_OK;
	struct replay *r = &replays[tid];
	struct tunnel_cfg *c = slot_begin(tid);
	bool moved = !addr_eq(&c->ip_them, &b->them) ||
		     (b->type == TUNNEL_T_AYIYA && c->port_them != b->port_them);
	for (unsigned i = 0; i < REPLAY_RING; i++)
		if (r->digest[i] == b->digest)
			rc = TUNNEL_BEAT_REPLAY;
	if (rc == TUNNEL_BEAT_OK && moved && c->lastbeat && b->epoch <= c->newest_epoch)
		rc = TUNNEL_BEAT_MOVE_REFUSED;
	if (rc == TUNNEL_BEAT_OK) {
		r->digest[r->next] = b->digest;
		r->next = (uint8_t)((r->next + 1) % REPLAY_RING);
		if (moved || b->epoch > c->newest_epoch)
			c->newest_epoch = b->epoch;
		c->type = (uint8_t)b->type;
		c->state = TUNNEL_S_UP;
		c->lastbeat = b->now;
		c->ip_them = b->them;
		if (!addr_is_zero(&b->us))
			c->ip_us = b->us;
		if (b->type == TUNNEL_T_AYIYA) {
			c->port_them = b->port_them;
			c->port_us = b->port_us;
		}
	}
	slot_end(tid);
	return rc;
}

unsigned tunnel_expire(time_t now, unsigned timeout)
{
	unsigned n = 0;
	uint32_t count_now = tunnel_count();
	for (uint32_t t = 0; t < count_now; t++) {
		struct tunnel_cfg c;
		tunnel_get(t, &c);
		if (!c.dynamic || c.state != TUNNEL_S_UP || c.lastbeat > now ||
		    now - c.lastbeat < (time_t)timeout)
			continue;
		struct tunnel_cfg *w = slot_begin(t);
		if (w->dynamic && w->state == TUNNEL_S_UP && w->lastbeat <= now &&
		    now - w->lastbeat >= (time_t)timeout) {
			w->state = TUNNEL_S_DOWN;
			n++;
		}
		slot_end(t);
	}
	return n;
}

const char *tunnel_password(uint32_t tid)
{
	return colds[tid].password;
}

_Atomic unsigned tunnel_debugging;

int tunnel_debug_owner(uint32_t tid)
{
	return atomic_load_explicit(&colds[tid].debug, memory_order_relaxed) - 1;
}

void tunnel_debug_set(uint32_t tid, int session)
{
	int32_t old = atomic_exchange(&colds[tid].debug, session + 1);
	if (old == 0 && session >= 0)
		atomic_fetch_add(&tunnel_debugging, 1);
	else if (old != 0 && session < 0)
		atomic_fetch_sub(&tunnel_debugging, 1);
}

void tunnel_debug_release_all(int session)
{
	uint32_t n = tunnel_count();
	for (uint32_t t = 0; t < n; t++)
		if (tunnel_debug_owner(t) == session)
			tunnel_debug_set(t, -1);
}

struct tunnel_stats *tunnel_stats(uint32_t tid)
{
	return &stats[tid];
}

struct tunnel_stats *tunnel_global(enum tunnel_global g)
{
	return &globals[g];
}

void tunnel_count_pkt(struct tunnel_stats *st, enum tunnel_dir d, uint64_t bytes, time_t now)
{
	atomic_fetch_add_explicit(&st->d[d].pkts, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&st->d[d].octets, bytes, memory_order_relaxed);
	atomic_store_explicit(&st->d[d].last, (uint64_t)now, memory_order_relaxed);
}

void tunnel_account(uint32_t tid, enum tunnel_dir d, uint64_t bytes, time_t now)
{
	tunnel_count_pkt(tid < TUNNEL_MAX ? &stats[tid] : &globals[TUNNEL_G_UPLINK], d, bytes, now);
	tunnel_count_pkt(&globals[TUNNEL_G_TOTAL], d, bytes, now);
}

uint64_t tunnel_window_pkts(const struct tunnel_stats *st, enum tunnel_dir d)
{
	return atomic_load_explicit(&st->d[d].pkts, memory_order_relaxed) - st->d[d].base_pkts;
}

uint64_t tunnel_window_octets(const struct tunnel_stats *st, enum tunnel_dir d)
{
	return atomic_load_explicit(&st->d[d].octets, memory_order_relaxed) - st->d[d].base_octets;
}

void tunnel_window_reset(struct tunnel_stats *st, const uint64_t pkts[2], const uint64_t octets[2])
{
	/* The window restarts at exactly the totals that were printed. */
	for (int d = 0; d < 2; d++) {
		st->d[d].base_pkts += pkts[d];
		st->d[d].base_octets += octets[d];
	}
}

struct tunnel_lat *tunnel_lat(uint32_t tid)
{
	return &lats[tid];
}

void tunnel_err_get(uint32_t tid, unsigned e, struct tunnel_errrec *out, struct tunnel_snap *snap)
{
	struct errent ent;
	seqlock_read(&errs[tid].lock, &ent, &errs[tid].e[e], sizeof(ent));
	*out = ent.r;
	if (!snap)
		return;
	memset(snap, 0, sizeof(*snap));
	if (ent.snap == 0)
		return;
	struct snapslot *p = &snaps[ent.snap - 1];
	struct snapbody copy;
	seqlock_read(&p->lock, &copy, &p->b, sizeof(copy));
	if (copy.owner == ((tid << 5) | e) + 1)
		*snap = copy.s;
}

uint64_t tunnel_err_total(uint32_t tid)
{
	uint64_t sum = 0;
	struct tunnel_errrec r;
	for (unsigned e = 1; e < TERR_COUNT; e++) {
		tunnel_err_get(tid, e, &r, NULL);
		sum += r.count;
	}
	return sum;
}

void tunnel_err_record(uint32_t tid, unsigned e, const struct in6_addr *src, const void *pkt,
		       size_t len, time_t now)
{
	uint32_t sid = 0;
	if (pkt && len) {
		sid = atomic_fetch_add_explicit(&snap_next, 1, memory_order_relaxed) % SNAP_POOL;
		struct snapslot *p = &snaps[sid];
		size_t keep = len < TUNNEL_SNAP_LEN ? len : TUNNEL_SNAP_LEN;
		seqlock_write_begin(&p->lock);
		p->b.owner = ((tid << 5) | e) + 1;
		p->b.s.len = (uint16_t)keep;
		p->b.s.real_len = (uint16_t)(len > 0xffff ? 0xffff : len);
		memcpy(p->b.s.data, pkt, keep);
		seqlock_write_end(&p->lock);
		sid++;
	}
	struct errs *x = &errs[tid];
	seqlock_write_begin(&x->lock);
	x->e[e].r.count++;
	x->e[e].r.last = (uint32_t)now;
	if (src)
		x->e[e].r.src = *src;
	if (sid)
		x->e[e].snap = sid;
	seqlock_write_end(&x->lock);
}

void tunnel_err_reset(uint32_t tid)
{
	struct errs *x = &errs[tid];
	seqlock_write_begin(&x->lock);
	memset(x->e, 0, sizeof(x->e));
	seqlock_write_end(&x->lock);
}

uint32_t tunnel_find_tnum(uint32_t tnum)
{
	uint32_t n = tunnel_count();
	struct tunnel_cfg c;
	for (uint32_t t = 0; t < n; t++) {
		tunnel_get(t, &c);
		if (c.state != TUNNEL_S_NONE && c.tnum == tnum)
			return t;
	}
	return UINT32_MAX;
}
