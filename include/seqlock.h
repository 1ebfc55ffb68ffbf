/* seqlock: readers never wait for writers (DESIGN "Readers never wait for
 * writers"). Writers serialise on a small spin flag; readers copy and retry
 * when a write overlapped. */
#ifndef SIXXSD_SEQLOCK_H
#define SIXXSD_SEQLOCK_H

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

struct seqlock {
	_Atomic uint32_t seq;
	atomic_flag wlock;
};

static inline void seqlock_write_begin(struct seqlock *l)
{
	while (atomic_flag_test_and_set_explicit(&l->wlock, memory_order_acquire))
		;
	uint32_t s = atomic_load_explicit(&l->seq, memory_order_relaxed);
	atomic_store_explicit(&l->seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
}

static inline void seqlock_write_end(struct seqlock *l)
{
	uint32_t s = atomic_load_explicit(&l->seq, memory_order_relaxed);
	atomic_store_explicit(&l->seq, s + 1, memory_order_release);
	atomic_flag_clear_explicit(&l->wlock, memory_order_release);
}

/* Copy n bytes of data protected by l into dst. */
static inline void seqlock_read(const struct seqlock *l, void *dst, const void *src, size_t n)
{
	uint32_t s1, s2;
	do {
		s1 = atomic_load_explicit(&l->seq, memory_order_acquire);
		memcpy(dst, src, n);
		atomic_thread_fence(memory_order_acquire);
		s2 = atomic_load_explicit(&l->seq, memory_order_relaxed);
	} while ((s1 & 1u) || s1 != s2);
}

#endif
