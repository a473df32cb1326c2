/*
 * slab: fixed-size objects carved from large chunks, with a free list, so
 * a million routes are not a million mallocs. Counters feed `show memory`.
 */
#ifndef PEERING_SLAB_H
#define PEERING_SLAB_H

#include <stddef.h>

struct slab_chunk;

struct slab {
	size_t			 obj_size;	/* rounded up to 8 */
	size_t			 per_chunk;
	void			*free;		/* free list through the objects */
	struct slab_chunk	*chunks;
	size_t			 n_chunks;
	size_t			 in_use;	/* objects handed out */
};

void	slab_init(struct slab *s, size_t obj_size);
/* A zeroed object, or NULL when memory runs out. */
void	*slab_alloc(struct slab *s);
void	slab_free(struct slab *s, void *obj);
/* Frees every chunk; objects still in use are gone too. */
void	slab_destroy(struct slab *s);
/* Bytes held from the system (chunks and their headers). */
size_t	slab_bytes(const struct slab *s);

#endif
