// SPDX-License-Identifier: GPL-2.0
/*
 * Guest address spaces: a sorted array of regions, binary-searched, and
 * copies in and out of the memory behind their RAM and ROM regions.
 */
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/string.h>

struct region *aspace_find(struct aspace *as, u64 gpa)
{
	unsigned int lo = 0, hi = as->nr;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		struct region *r = &as->regions[mid];

		if (gpa < r->gpa)
			hi = mid;
		else if (gpa - r->gpa >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

int aspace_insert(struct aspace *as, const struct region *r,
		  struct region **out)
{
	unsigned int pos = 0;

	if (!r->size || r->gpa + r->size < r->gpa)
		return -EINVAL;
	if (as->nr == ASPACE_MAX_REGIONS)
		return -ENOSPC;
	while (pos < as->nr && as->regions[pos].gpa < r->gpa)
		pos++;
	if (pos > 0) {
		const struct region *prev = &as->regions[pos - 1];

		if (prev->gpa + prev->size > r->gpa)
			return -EEXIST;
	}
	if (pos < as->nr && r->gpa + r->size > as->regions[pos].gpa)
		return -EEXIST;
	memmove(&as->regions[pos + 1], &as->regions[pos],
		(as->nr - pos) * sizeof(*r));
	as->regions[pos] = *r;
	as->nr++;
	if (out)
		*out = &as->regions[pos];
	return 0;
}

/* Keel's pointer to gpa, in region r (which holds it) if RAM or ROM. */
static void *memory_ptr(const struct region *r, u64 gpa)
{
	if (!r || (r->type != REGION_RAM && r->type != REGION_ROM))
		return NULL;
	return (char *)r->host + (gpa - r->gpa);
}

static int aspace_copy(struct aspace *as, u64 gpa, void *buf, size_t len,
		       bool to_guest)
{
	while (len) {
		struct region *r = aspace_find(as, gpa);
		void *p = memory_ptr(r, gpa);
		size_t chunk;

		if (!p)
			return -EFAULT;
		chunk = MIN(len, r->gpa + r->size - gpa);
		if (to_guest)
			memcpy(p, buf, chunk);
		else
			memcpy(buf, p, chunk);
		gpa += chunk;
		buf = (char *)buf + chunk;
		len -= chunk;
	}
	return 0;
}

void *aspace_ram_ptr(struct aspace *as, u64 gpa, size_t len,
		     struct region **hint)
{
	struct region *r = hint ? *hint : NULL;

	if (!r || gpa - r->gpa >= r->size) {
		r = aspace_find(as, gpa);
		if (!r)
			return NULL;
		if (hint)
			*hint = r;
	}
	if (len > r->gpa + r->size - gpa)
		return NULL;
	return memory_ptr(r, gpa);
}

int aspace_write(struct aspace *as, u64 gpa, const void *src, size_t len)
{
	return aspace_copy(as, gpa, (void *)src, len, true);
}

int aspace_read(struct aspace *as, u64 gpa, void *dst, size_t len)
{
	return aspace_copy(as, gpa, dst, len, false);
}
