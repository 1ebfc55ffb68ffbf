/* saveconf: the normalised configuration dump and its atomic save
 * (control §8.4, recommended procedure). */
#ifndef SIXXSD_SAVECONF_H
#define SIXXSD_SAVECONF_H

#include <stddef.h>

#include "out.h"

/* Write the running configuration as command lines that load it back. */
void saveconf_dump(struct out *o);

/* Write the dump to path atomically: path.new, fsync, keep the current
 * file as path.old, rename over path, fsync the directory. On failure the
 * file at path is untouched; err says why. */
int saveconf_write(const char *path, char *err, size_t errlen);

#endif
