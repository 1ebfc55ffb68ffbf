/* cfgfile: run the configuration file at start (control §8.1, §8.3). */
#ifndef SIXXSD_CFGFILE_H
#define SIXXSD_CFGFILE_H

/* Execute every line of path; replies are framed to out_fd. Returns 0, or
 * the code of the first line that did not answer 200 (406 when the file
 * cannot be read) after printing where and why. */
int cfgfile_load(const char *path, int out_fd);

#endif
