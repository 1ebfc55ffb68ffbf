/* log: foreground → stderr with the historic timestamp prefix; daemon →
 * syslog, identity "sixxsd", facility local7 (control §8.5). */
#ifndef SIXXSD_LOG_H
#define SIXXSD_LOG_H

#include <stdbool.h>

void log_open(bool foreground);
void log_close(void);
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
