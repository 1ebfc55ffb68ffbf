/* log: one place where messages leave the daemon. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "conf.h"

static bool to_stderr = true;

void log_open(bool foreground)
{
	to_stderr = foreground;
	if (!foreground)
		openlog("sixxsd", LOG_PID | LOG_NDELAY, LOG_LOCAL7);
}

void log_close(void)
{
	if (!to_stderr)
		closelog();
}

static void vlog(int prio, const char *level, const char *fmt, va_list ap)
{
	if (prio == LOG_DEBUG && conf_verbosity() < 3)
		return;
	if (!to_stderr) {
		vsyslog(prio, fmt, ap);
		return;
	}
	time_t now = time(NULL);
	struct tm tm;
	char when[32];
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d_%H:%M:%S", &tm);
	if (conf_verbosity() > 0)
		fprintf(stderr, "%lld %s %s sixxsd: ", (long long)now, when, level);
	else
		fprintf(stderr, "%lld %s %s", (long long)now, when, prio == LOG_ERR ? "Error: " : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define LOG_FN(name, prio, level)                  \
	void name(const char *fmt, ...)            \
	{                                          \
		va_list ap;                        \
		va_start(ap, fmt);                 \
		vlog(prio, level, fmt, ap);        \
		va_end(ap);                        \
	}

LOG_FN(log_err, LOG_ERR, "error")
LOG_FN(log_warn, LOG_WARNING, "warn")
LOG_FN(log_notice, LOG_NOTICE, "notice")
LOG_FN(log_info, LOG_INFO, "info")
LOG_FN(log_debug, LOG_DEBUG, "debug")
