// SPDX-License-Identifier: GPL-2.0
/*
 * Swap round trips that must hold on any kernel, with or without virtual
 * swap: pages of every kind go out (MADV_PAGEOUT or memory.max pressure) and
 * come back byte for byte, with the page tables showing swap entries while
 * they are out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "vswap_util.h"

/* Seconds per test: generous, for KASAN and lockdep kernels under TCG. */
#define TIMEOUT 300

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define CG_PATH "/sys/fs/cgroup/vswap-roundtrip"

FIXTURE(swap) {
	char *buf;
	size_t npages;
	bool we_swapped_on;
};

FIXTURE_SETUP(swap)
{
	vswap_init();
	self->npages = VSWAP_MB(32) / page_size;
	self->we_swapped_on = false;
	if (!swap_is_on(fast_dev())) {
		ASSERT_EQ(0, swap_on(fast_dev(), 10)) {
			TH_LOG("swapon %s failed; is it a swap area (mkswap)?",
			       fast_dev());
		}
		self->we_swapped_on = true;
	}
	ASSERT_EQ(0, zswap_set_enabled(false));
	self->buf = mmap(NULL, self->npages * page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	/*
	 * Base pages only: splitting a THP on pageout maps its zero-filled
	 * subpages to the shared zero page instead of swapping them, and these
	 * tests count swap entries.
	 */
	ASSERT_EQ(0, madvise(self->buf, self->npages * page_size,
			     MADV_NOHUGEPAGE));
}

FIXTURE_TEARDOWN(swap)
{
	munmap(self->buf, self->npages * page_size);
	zswap_set_enabled(false);
	if (self->we_swapped_on)
		swap_off(fast_dev());
}

static void page_out(struct __test_metadata *_metadata, char *buf,
		     size_t npages)
{
	long swapped;

	ASSERT_EQ(0, pageout_all(buf, npages * page_size));
	swapped = count_swapped(buf, npages);
	ASSERT_EQ(npages, swapped) {
		TH_LOG("only %ld of %zu pages show a swap entry in pagemap",
		       swapped, npages);
	}
}

static void verify(struct __test_metadata *_metadata, char *buf,
		   size_t npages, uint64_t seed)
{
	char why[256];

	ASSERT_EQ(-1, pattern_check(buf, npages, PAGE_MIXED, seed, why,
				    sizeof(why))) {
		TH_LOG("data mismatch: %s", why);
	}
}

/* Disk only: every non-zero page costs a slot on the device. */
TEST_F_TIMEOUT(swap, disk_roundtrip, TIMEOUT)
{
	long out0 = vmstat_read("pswpout");

	pattern_fill(self->buf, self->npages, PAGE_MIXED, 1);
	page_out(_metadata, self->buf, self->npages);
	EXPECT_GE(vmstat_read("pswpout") - out0, (long)self->npages / 2);
	EXPECT_GT(swap_used_kb(fast_dev()), 0);
	verify(_metadata, self->buf, self->npages, 1);
	EXPECT_EQ(0, count_swapped(self->buf, self->npages));
}

/* zswap in front of the disk: compressible pages are held in the pool. */
TEST_F_TIMEOUT(swap, zswap_roundtrip, TIMEOUT)
{
	long zout0 = vmstat_read("zswpout");

	ASSERT_EQ(0, zswap_set_enabled(true));
	pattern_fill(self->buf, self->npages, PAGE_MIXED, 2);
	page_out(_metadata, self->buf, self->npages);
	/* Same-filled and compressible pages: half of the mix. */
	EXPECT_GE(vmstat_read("zswpout") - zout0, (long)self->npages / 4);
	verify(_metadata, self->buf, self->npages, 2);
	ASSERT_EQ(0, zswap_set_enabled(false));
}

/*
 * Swapped pages shared by fork: the child reads them and writes its own
 * pattern (COW), the parent must still see its data, before and after a
 * second trip through swap.
 */
TEST_F_TIMEOUT(swap, fork_cow, TIMEOUT)
{
	ASSERT_EQ(0, zswap_set_enabled(true));
	pattern_fill(self->buf, self->npages, PAGE_MIXED, 3);
	page_out(_metadata, self->buf, self->npages);
	ASSERT_EQ(0, fork_check_cow(self->buf, self->npages, 3, 4));
	verify(_metadata, self->buf, self->npages, 3);
	page_out(_metadata, self->buf, self->npages);
	verify(_metadata, self->buf, self->npages, 3);
}

/* Reclaim under memory.max, not madvise: 64 MiB through a 16 MiB cgroup. */
TEST_F_TIMEOUT(swap, cgroup_pressure, TIMEOUT)
{
	long pswpout0 = vmstat_read("pswpout");

	ASSERT_EQ(0, fill_in_cgroup(CG_PATH, VSWAP_MB(16),
				    VSWAP_MB(64) / page_size, PAGE_MIXED, 5));
	EXPECT_GT(vmstat_read("pswpout"), pswpout0);
}

TEST_HARNESS_MAIN
