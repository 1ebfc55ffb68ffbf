/* ctl: the control port (control §1): listeners, ACL, sessions, input
 * framing, reply delivery, idle timeout, shutdown. One thread runs every
 * session from an epoll loop, so commands never race each other. */
#ifndef SIXXSD_CTL_H
#define SIXXSD_CTL_H

#include <stdbool.h>
#include <time.h>

#define CTL_PORT 42003
#define CTL_MAX_SESSIONS 256
#define CTL_LINE_MAX 1023
#define CTL_IDLE_TIMEOUT 900

struct ctl_opts {
	int port;
	int idle_timeout;            /* seconds */
	void (*tick)(time_t now);    /* called about once a second */
	const char *metrics;         /* "ADDR:PORT", "[V6]:PORT" or "PORT" (loopback); NULL: none */
};

#define CTL_HTTP_TIMEOUT 10 /* seconds for a metrics request to arrive whole */

/* Reserve the session table and open the listeners. */
int ctl_init(const struct ctl_opts *opts);

/* Serve until SIGTERM/SIGINT arrives on sigfd or `pop shutdown`. Every
 * session still open then gets the closing-down message. */
void ctl_run(int sigfd);

void ctl_close(void);

#endif
