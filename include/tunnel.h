/* tunnel: the static tunnel table (allocated once, indexed by tid) and its
 * configuration state machine (control §5.1, §6; dataplane §3).
 *
 * Layout is split by who touches what, so that a fully configured table of
 * 131,068 slots stays small and the packet path reads one compact record:
 *   tunnel_cfg   what the packet path reads (seqlock-published),
 *   tunnel_cold  control-side only (password, debug owner),
 *   tunnel_stats monotonic counters; window = total - base (base is taken
 *                by `tunnel stats RESET`, so no packet is lost or counted
 *                twice between a print and its reset),
 *   tunnel_err   the error records: the 21 of control §6.5, then ours. */
#ifndef SIXXSD_TUNNEL_H
#define SIXXSD_TUNNEL_H

#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "conf.h"

#define TUNNEL_PREFIX_SPAN 0x8000u
#define TUNNEL_MAX (CONF_MAX_TPREFIX * TUNNEL_PREFIX_SPAN) /* index space */
#define TUNNEL_RESERVED_GROUP 0x7fffu /* its routed /64 would be P:ffff::/64 */
#define TUNNEL_MTU_MIN 1280
#define TUNNEL_MTU_MAX 1480
#define TUNNEL_PW_MAX 132
#define TUNNEL_ACTIVE_SECS 900 /* "active" in pop show status */
#define TUNNEL_SNAP_LEN 128

enum tunnel_state { TUNNEL_S_NONE, TUNNEL_S_DISABLED, TUNNEL_S_DOWN, TUNNEL_S_UP };
enum tunnel_type { TUNNEL_T_NONE, TUNNEL_T_DIRECT, TUNNEL_T_AYIYA, TUNNEL_T_GRE };
enum tunnel_dir { TUNNEL_IN, TUNNEL_OUT };

/* Error record indexes, in the order of control §6.5. */
enum tunnel_err_id {
	TERR_PKT_TOO_BIG, TERR_DISABLED, TERR_CLOCK_OFF, TERR_SEND_ERROR, TERR_SAME_IN_OUT,
	TERR_WRONG_SRC6, TERR_WRONG_SRC4, TERR_OVER_UPLINK, TERR_NON_IPV6, TERR_NON_IPV4,
	TERR_AYIYA_HASH, TERR_AYIYA_NON_AYIYA, TERR_AYIYA_INVALID_FWD, TERR_HB_HASH,
	TERR_HB_NON_HB, TERR_HB_NO_SENDER, TERR_HB_SENDER_MISMATCH, TERR_HB_NO_TIME,
	TERR_ICMPV4_ERR, TERR_ICMPV4_ECHO, TERR_WRONG_PAYLOAD,
	/* Beyond the historic daemon: replay and hijack resistance. */
	TERR_REPLAY, TERR_MOVE_REFUSED, TERR_COUNT
};

struct tunnel_cfg {
	uint32_t tnum; /* backend T-number */
	uint16_t mtu;
	uint8_t state, type;
	bool dynamic;
	uint32_t newest_epoch; /* newest beat epoch accepted from ip_them */
	uint16_t port_us, port_them; /* AYIYA UDP ports */
	struct in6_addr ip_them, ip_us;
	uint8_t ayiya_sha1[20];
	int64_t lastbeat;
};

/* One direction of traffic counters. */
struct tunnel_dirstat {
	_Atomic uint64_t pkts, octets, last; /* since start; last = unix time */
	uint64_t base_pkts, base_octets;     /* totals at the last RESET */
};

struct tunnel_stats {
	struct tunnel_dirstat d[2];
};

/* Latency probes (dataplane §11): the counters a report shows, and the
 * prober's sequence state; latency.c serialises access with lock. */
struct tunnel_lat {
	uint32_t sent, recv;
	uint32_t min_us, max_us;
	uint64_t sum_us;
	uint16_t seq;  /* next probe's sequence number */
	uint64_t seen; /* bit i: a reply to probe seq - 1 - i arrived */
	atomic_flag lock;
};

struct tunnel_errrec {
	uint32_t count;
	uint32_t last; /* unix time */
	struct in6_addr src;
};

/* The first bytes of the last packet that raised an error. Snapshots live
 * in a fixed pool shared by all tunnels (a per-tunnel copy for each error
 * would cost ~3 KB a slot); a snapshot that was reused by a newer
 * error reads back as empty. */
struct tunnel_snap {
	uint16_t len;      /* bytes kept, <= TUNNEL_SNAP_LEN */
	uint16_t real_len; /* length of the original packet */
	uint8_t data[TUNNEL_SNAP_LEN];
};

/* Names of the error records, exactly as control §6.5. */
extern const char *const tunnel_err_names[TERR_COUNT];
int tunnel_err_lookup(const char *name); /* case-insensitive, -1 if unknown */

const char *tunnel_state_name(unsigned s);
const char *tunnel_type_name(unsigned t);

void tunnel_init(void);

/* Highest tid ever configured + 1 (0 when none): slots below exist. */
uint32_t tunnel_count(void);
bool tunnel_tid_valid(uint32_t tid);

/* Consistent copy of a slot's configuration (never blocks a writer). */
void tunnel_get(uint32_t tid, struct tunnel_cfg *out);

/* Result of tunnel_set_config. */
struct tunnel_conf_req {
	uint32_t tid, tnum;
	unsigned mtu;
	bool dynamic, disabled;
	struct in6_addr them;   /* static only */
	const char *password;   /* NULL: keep the stored one */
};
void tunnel_set_config(const struct tunnel_conf_req *r);
void tunnel_set_remote(uint32_t tid, const struct in6_addr *them);
/* The packet path learned the tunnel's type and our outer address. */
void tunnel_learn(uint32_t tid, unsigned type, const struct in6_addr *us);

/* A valid, authenticated heartbeat or AYIYA packet (dataplane §7.5, §8.5
 * step 8), with the replay and hijack rules: an exact copy of a recently
 * accepted datagram is refused, and a new endpoint is only taken when the
 * epoch is newer than the newest one accepted from the current endpoint. */
struct tunnel_beat {
	unsigned type;          /* TUNNEL_T_AYIYA or TUNNEL_T_DIRECT (heartbeat) */
	struct in6_addr them, us;
	uint16_t port_them, port_us;
	uint32_t epoch;
	uint64_t digest;        /* identifies the datagram (from its signature) */
	time_t now;
};
enum tunnel_beat_rc { TUNNEL_BEAT_OK, TUNNEL_BEAT_REPLAY, TUNNEL_BEAT_MOVE_REFUSED };
enum tunnel_beat_rc tunnel_beat(uint32_t tid, const struct tunnel_beat *b);

/* Beat checker (dataplane §7.7): dynamic tunnels silent for timeout
 * seconds go down. Returns how many did. */
unsigned tunnel_expire(time_t now, unsigned timeout);

const char *tunnel_password(uint32_t tid);

/* Debug attachment: session id or -1. */
int tunnel_debug_owner(uint32_t tid);
/* How many tunnels are being debugged: the packet path's one branch. */
extern _Atomic unsigned tunnel_debugging;
void tunnel_debug_set(uint32_t tid, int session);
void tunnel_debug_release_all(int session);

/* Statistics. */
struct tunnel_stats *tunnel_stats(uint32_t tid);
/* The daemon-wide records of `tunnel stats`. */
enum tunnel_global { TUNNEL_G_TOTAL, TUNNEL_G_UPLINK };
struct tunnel_stats *tunnel_global(enum tunnel_global g);
void tunnel_count_pkt(struct tunnel_stats *st, enum tunnel_dir d, uint64_t bytes, time_t now);
/* One packet on tunnel tid (the uplink record when tid is no tunnel) and
 * on the daemon's total: every counting point of the data plane. */
void tunnel_account(uint32_t tid, enum tunnel_dir d, uint64_t bytes, time_t now);
uint64_t tunnel_window_pkts(const struct tunnel_stats *st, enum tunnel_dir d);
uint64_t tunnel_window_octets(const struct tunnel_stats *st, enum tunnel_dir d);
void tunnel_window_reset(struct tunnel_stats *st, const uint64_t pkts[2], const uint64_t octets[2]);

struct tunnel_lat *tunnel_lat(uint32_t tid);

/* Error records. */
/* Consistent copy of one error record and, when snap is not NULL, its packet. */
void tunnel_err_get(uint32_t tid, unsigned e, struct tunnel_errrec *out, struct tunnel_snap *snap);
uint64_t tunnel_err_total(uint32_t tid); /* all but Encap.Pkt Too Big */
void tunnel_err_record(uint32_t tid, unsigned e, const struct in6_addr *src, const void *pkt,
		       size_t len, time_t now);
void tunnel_err_reset(uint32_t tid);

/* Find the lowest configured slot with this T-number. */
uint32_t tunnel_find_tnum(uint32_t tnum);

#endif
