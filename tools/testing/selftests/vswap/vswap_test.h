/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the virtual swap test programs share, on top of kselftest_harness.h
 * and vswap_util.h: the knob and debugfs paths, and the assertions that
 * page a region out onto virtual entries and check it byte by byte.
 */
#ifndef VSWAP_TEST_H
#define VSWAP_TEST_H

#include <stdlib.h>
#include <sys/mman.h>

#include "../kselftest_harness.h"
#include "vswap_util.h"

/* Seconds per test: generous, for KASAN and lockdep kernels under TCG. */
#define TIMEOUT 300

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define VSWAP_KNOB	"/sys/kernel/mm/swap/vswap_enabled"
#define VSWAP_DEBUGFS	"/sys/kernel/debug/vswap/"

/*
 * Page out @buf; every page must show a virtual swap entry (@type) in
 * pagemap.  The entries are left in @pm if it is not NULL.
 */
static inline void page_out_virtual(struct __test_metadata *_metadata,
				    char *buf, size_t npages, int type,
				    uint64_t *pm)
{
	uint64_t *entries = pm ? pm : calloc(npages, sizeof(*entries));
	size_t i, virtual = 0;

	ASSERT_NE(NULL, entries);
	ASSERT_EQ(0, pageout_all(buf, npages * page_size));
	ASSERT_EQ(0, pagemap_read(buf, npages, entries));
	for (i = 0; i < npages; i++)
		virtual += PM_SWAPPED(entries[i]) &&
			   PM_SWAP_TYPE(entries[i]) == type;
	if (!pm)
		free(entries);
	ASSERT_EQ(npages, virtual) {
		TH_LOG("%zu of %zu pages have a virtual swap entry (type %d)",
		       virtual, npages, type);
	}
}

/* Every byte of @buf must hold its pattern. */
static inline void verify(struct __test_metadata *_metadata, const char *buf,
			  size_t npages, enum page_kind mix, uint64_t seed)
{
	char why[256];

	ASSERT_EQ(-1, pattern_check(buf, npages, mix, seed, why, sizeof(why))) {
		TH_LOG("data mismatch: %s", why);
	}
}

#endif
