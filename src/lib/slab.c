/*
 * slab: fixed-size objects carved from chunks of 64 KiB (or one object,
 * when it is larger), each starting on a cache line.
 *
 * A new chunk is not threaded onto the free list at once: objects are
 * carved from the newest chunk in order, and only freed objects go on the
 * free list (LIFO, so a freed object is the next one handed out while it
 * is still in cache). Chunks are never given back to the system before
 * slab_destroy: a RIB that held a full table once is likely to hold it
 * again, and returning a chunk would need a count of live objects per
 * chunk. Under AddressSanitizer, free and not yet carved objects are
 * poisoned, so a use after slab_free is reported like one after free().
 */
#include "slab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define SLAB_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLAB_ASAN	1
#endif
#endif

#ifdef SLAB_ASAN
#include <sanitizer/asan_interface.h>
#define SLAB_POISON(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define SLAB_UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define SLAB_POISON(p, n)	((void)(p), (void)(n))
#define SLAB_UNPOISON(p, n)	((void)(p), (void)(n))
#endif

#define SLAB_CHUNK_BYTES	(64 * 1024)
#define SLAB_ALIGN		8
/* Objects start on a cache line, so a 32-byte object never spans two. */
#define SLAB_LINE		64
/* Larger objects are refused (alloc returns NULL), so no size overflows. */
#define SLAB_MAX_OBJ		(SIZE_MAX / 4)

struct slab_chunk {
	struct slab_chunk	*next;
	size_t			 carved;	/* objects carved so far */
	/* objects follow, from SLAB_HDR on */
};

#define SLAB_HDR	SLAB_LINE
_Static_assert(sizeof(struct slab_chunk) <= SLAB_HDR, "chunk header");

/* Rounded up to whole lines, as aligned_alloc wants. */
static size_t
slab_chunk_size(const struct slab *s)
{
	size_t n = SLAB_HDR + s->per_chunk * s->obj_size;

	return (n + SLAB_LINE - 1) & ~(size_t)(SLAB_LINE - 1);
}

static void *
slab_chunk_obj(const struct slab *s, struct slab_chunk *c, size_t i)
{
	return (char *)c + SLAB_HDR + i * s->obj_size;
}

void
slab_init(struct slab *s, size_t obj_size)
{
	memset(s, 0, sizeof(*s));
	if (obj_size > SLAB_MAX_OBJ)
		return;		/* per_chunk 0: every alloc fails */
	if (obj_size < sizeof(void *))
		obj_size = sizeof(void *);	/* room for the free list */
	s->obj_size = (obj_size + SLAB_ALIGN - 1) & ~(size_t)(SLAB_ALIGN - 1);
	s->per_chunk = (SLAB_CHUNK_BYTES - SLAB_HDR) / s->obj_size;
	if (s->per_chunk == 0)
		s->per_chunk = 1;
}

static struct slab_chunk *
slab_chunk_new(struct slab *s)
{
	struct slab_chunk *c;

	if (s->per_chunk == 0)
		return NULL;
	if ((c = aligned_alloc(SLAB_LINE, slab_chunk_size(s))) == NULL)
		return NULL;
	c->next = s->chunks;
	c->carved = 0;
	SLAB_POISON(slab_chunk_obj(s, c, 0), s->per_chunk * s->obj_size);
	s->chunks = c;
	s->n_chunks++;
	return c;
}

void *
slab_alloc(struct slab *s)
{
	struct slab_chunk *c = s->chunks;
	void *obj;

	if (s->free != NULL) {
		obj = s->free;
		SLAB_UNPOISON(obj, s->obj_size);
		memcpy(&s->free, obj, sizeof(s->free));
	} else {
		/* Only the newest chunk can have objects left to carve. */
		if (c == NULL || c->carved == s->per_chunk)
			if ((c = slab_chunk_new(s)) == NULL)
				return NULL;
		obj = slab_chunk_obj(s, c, c->carved++);
		SLAB_UNPOISON(obj, s->obj_size);
	}
	memset(obj, 0, s->obj_size);
	s->in_use++;
	return obj;
}

void
slab_free(struct slab *s, void *obj)
{
	if (obj == NULL)
		return;
	memcpy(obj, &s->free, sizeof(s->free));
	SLAB_POISON(obj, s->obj_size);
	s->free = obj;
	s->in_use--;
}

/* Leaves s empty and usable again, with the same object size. */
void
slab_destroy(struct slab *s)
{
	struct slab_chunk *c, *next;

	for (c = s->chunks; c != NULL; c = next) {
		next = c->next;
		SLAB_UNPOISON(c, slab_chunk_size(s));
		free(c);
	}
	s->chunks = NULL;
	s->free = NULL;
	s->n_chunks = 0;
	s->in_use = 0;
}

size_t
slab_bytes(const struct slab *s)
{
	return s->n_chunks * slab_chunk_size(s);
}
