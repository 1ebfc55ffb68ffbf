/* io: the data plane's devices and worker threads (dataplane §1): one
 * multi-queue tun device, raw protocol-41 sockets, routes for every prefix,
 * and one worker per queue that reads in batches and runs the engine. */
#ifndef SIXXSD_IO_H
#define SIXXSD_IO_H

#include <stdbool.h>

#define IO_MAX_WORKERS 16

struct io_opts {
	const char *ifname;      /* "sixxs" */
	unsigned workers;        /* 0: one per CPU */
	unsigned latency_period; /* seconds between probes of one tunnel (60) */
};

/* Create the devices and sockets and route the configured prefixes.
 * Returns 0, or -1 after logging why. */
int io_open(const struct io_opts *o);
/* Start the workers (after detaching: threads do not survive fork). */
int io_run(void);
void io_stop(void);
unsigned io_workers(void);
unsigned long io_worker_id(unsigned i); /* thread id, for pop show threads */
unsigned long io_prober_id(void);        /* the latency prober's, 0 if none */

#endif
