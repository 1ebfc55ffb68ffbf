/* main: options, start-up order, signals (control §8). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfgfile.h"
#include "conf.h"
#include "ctl.h"
#include "io.h"
#include "log.h"
#include "subnet.h"
#include "tunnel.h"

/* Beat checker (dataplane §7.7): every period, dynamic tunnels that have
 * been silent for the timeout go down. */
static unsigned beat_period = 60, beat_timeout = 120;

static void tick(time_t now)
{
	static time_t next;
	if (now < next)
		return;
	next = now + beat_period;
	unsigned n = tunnel_expire(now, beat_timeout);
	if (n)
		log_info("%u dynamic tunnel%s went down (no beat for %u s)", n, n == 1 ? "" : "s",
			 beat_timeout);
}

static void usage(const char *argv0)
{
	printf("%s [opts]\n"
	       "\n"
	       "-c, --config FILE      configuration file (default: sixxsd.conf)\n"
	       "-i, --interface NAME   tun device (default: sixxs)\n"
	       "-w, --workers N        packet worker threads (default: one per CPU)\n"
	       "-m, --metrics ADDR:PORT serve Prometheus metrics at GET /metrics (PORT alone: loopback)\n"
	       "-p, --pidfile FILE     write the process id to FILE\n"
	       "-d, --daemonize        run in the background, log to syslog (default)\n"
	       "-f, --nodaemonize      stay in the foreground, log to stderr\n"
	       "-V, --version          show the version and exit\n"
	       "-v, --verbose          more verbose (repeatable)\n"
	       "-s, --silent           verbosity back to 0\n"
	       "    --idle-timeout=S   close idle control sessions after S seconds (900)\n"
	       "    --beat-period=S    check dynamic tunnels for beats every S seconds (60)\n"
	       "    --latency-period=S probe every live tunnel's latency every S seconds (60)\n"
	       "    --beat-timeout=S   a dynamic tunnel goes down S seconds after its last beat (120)\n"
	       "-h, --help             this text\n"
	       "\n",
	       argv0);
}

static int write_pidfile(const char *path)
{
	char buf[32];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	ssize_t w = write(fd, buf, (size_t)n);
	close(fd);
	return w == n ? 0 : -1;
}

static void daemonize(void)
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid > 0)
		_exit(0);
	setsid();
	int fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "daemonize", no_argument, NULL, 'd' },
		{ "nodaemonize", no_argument, NULL, 'f' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "silent", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "helpme", no_argument, NULL, 'h' },
		{ "idle-timeout", required_argument, NULL, 'I' },
		{ "interface", required_argument, NULL, 'i' },
		{ "beat-period", required_argument, NULL, 'B' },
		{ "latency-period", required_argument, NULL, 'L' },
		{ "metrics", required_argument, NULL, 'm' },
		{ "beat-timeout", required_argument, NULL, 'T' },
		{ "workers", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = "sixxsd.conf", *pidfile = NULL;
	struct io_opts iopt = { .ifname = "sixxs", .workers = 0, .latency_period = 60 };
	bool foreground = false;
	int verbose = 0;
	struct ctl_opts copt = { .port = CTL_PORT, .idle_timeout = CTL_IDLE_TIMEOUT, .tick = tick };
	int c;

	while ((c = getopt_long(argc, argv, "c:p:i:w:m:dfVvsh?", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'p': pidfile = optarg; break;
		case 'm': copt.metrics = optarg; break;
		case 'i': iopt.ifname = optarg; break;
		case 'w': iopt.workers = (unsigned)atoi(optarg); break;
		case 'd': foreground = false; break;
		case 'f': foreground = true; break;
		case 'v': verbose++; break;
		case 's': verbose = 0; break;
		case 'V':
			printf("Product: SixXSd - SixXS Daemon\nVersion: " SIXXSD_VERSION
			       "\nRelease: " SIXXSD_RELEASE "\n");
			return 0;
		case 'I':
			copt.idle_timeout = atoi(optarg);
			if (copt.idle_timeout < 1) {
				fprintf(stderr, "--idle-timeout needs a number of seconds\n");
				return 255;
			}
			break;
		case 'L':
			iopt.latency_period = (unsigned)atoi(optarg);
			if (iopt.latency_period < 1) {
				fprintf(stderr, "--latency-period needs a number of seconds\n");
				return 255;
			}
			break;
		case 'B':
		case 'T': {
			int v = atoi(optarg);
			if (v < 1) {
				fprintf(stderr, "--beat-%s needs a number of seconds\n",
					c == 'B' ? "period" : "timeout");
				return 255;
			}
			*(c == 'B' ? &beat_period : &beat_timeout) = (unsigned)v;
			break;
		}
		case 'h':
			usage(argv[0]);
			return 255;
		default:
			usage(argv[0]);
			return 255;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Unknown argument '%s'\n", argv[optind]);
		usage(argv[0]);
		return 255;
	}

	/* SIGTERM/SIGINT/SIGHUP arrive through the control loop. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);

	/* Tables first: everything is allocated here, never later. */
	conf_init();
	conf_set_verbosity(verbose);
	conf_set_file(config);
	tunnel_init();
	subnet_init();
	log_open(true);
	log_notice("SixXSd - SixXS Daemon " SIXXSD_VERSION);
	log_notice("SixXSd " SIXXSD_RELEASE " by Jeroen Massar <jeroen@sixxs.net>");
	log_notice("(C) Copyright SixXS 2000-2015 All Rights Reserved");

	/* The configuration is loaded before detaching, so that a bad line is
	 * reported where the operator can see it. */
	int rc = cfgfile_load(config, STDOUT_FILENO);
	if (rc != 0)
		return rc & 0xff ? rc & 0xff : 1;

	/* Data plane next, the control port last (control §8.1). */
	if (io_open(&iopt) != 0)
		return 1;
	struct ctl_opts o = copt;
	if (ctl_init(&o) != 0)
		return 1;
	if (!foreground) {
		fflush(stdout);
		daemonize();
		log_open(false);
	}
	if (io_run() != 0)
		return 1;
	if (pidfile && write_pidfile(pidfile) != 0)
		log_warn("cannot write pid file %s: %s", pidfile, strerror(errno));
	int sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	printf("Running as PID %d\n", (int)getpid());
	fflush(stdout);
	log_notice("Running as PID %d", (int)getpid());

	ctl_run(sigfd);

	ctl_close();
	io_stop();
	if (sigfd >= 0)
		close(sigfd);
	if (pidfile)
		unlink(pidfile);
	log_notice("Stopped");
	log_close();
	return 0;
}
