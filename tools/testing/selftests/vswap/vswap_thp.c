// SPDX-License-Identifier: GPL-2.0
/*
 * Large folios (PMD-mapped THP and 64 KiB mTHP) swapped out whole.
 *
 * Each test runs twice: with virtual swap on, where a large folio gets a
 * naturally aligned virtual range whose data goes whole to a disk range of
 * the same order, and with it off (also on a kernel without virtual swap),
 * where 6.12 gives it a classic range: both must swap the folio out whole,
 * count it in thp_swpout or the mTHP swpout statistic, and give back every
 * byte of a pattern that encodes the page index.  zswap is on in front of
 * the disk, as 6.12 deployments have it; 6.12's zswap rejects large
 * folios, so they go past it to the disk.  The fast disk is made
 * non-rotational: 6.12 takes large ranges on devices with clusters only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vswap_test.h"

#define THP		"/sys/kernel/mm/transparent_hugepage/"
#define PMD_KB		2048
#define MTHP_KB		64
#define NR_FOLIOS	8
#define CG_PATH		"/sys/fs/cgroup/vswap-thp"

struct thp_env {
	char *map;		/* the mapping, with room to align it */
	char *buf;		/* @nr_folios folios, aligned to the PMD size */
	size_t map_len;
	size_t nr_folios;
	int vtype;		/* the virtual swap type, or -1 */
	int fast_type;		/* the fast disk's swap type */
	char pmd_mode[16];	/* what hugepages-2048kB/enabled was */
	char mthp_mode[16];	/* what hugepages-64kB/enabled was */
	bool virtual;		/* virtual swap on */
	bool in_cgroup;
	char rotational[PATH_MAX];	/* the fast disk's queue/rotational */
};

static const char *size_file(int kb, const char *file)
{
	static char path[256];

	snprintf(path, sizeof(path), THP "hugepages-%dkB/%s", kb, file);
	return path;
}

/* A statistic of the @kb mTHP size, /sys/.../hugepages-@kbkB/stats/@name. */
static long mthp_stat(int kb, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), THP "hugepages-%dkB/stats/%s", kb, name);
	return read_long(path);
}

/* The swap type of page @i of @buf in pagemap, or -1 if it is not swapped. */
static int swapped_type(const uint64_t *pm, size_t i)
{
	return PM_SWAPPED(pm[i]) ? (int)PM_SWAP_TYPE(pm[i]) : -1;
}

/*
 * Every folio of @folio_pages pages in @pm must be swapped to type @type
 * on one naturally aligned range: what swapping it out whole means.
 */
static void expect_whole_ranges(struct __test_metadata *_metadata,
				const uint64_t *pm, size_t nr_folios,
				size_t folio_pages, int type)
{
	size_t f, i, bad = 0;
	uint64_t first;

	for (f = 0; f < nr_folios; f++) {
		const uint64_t *e = pm + f * folio_pages;

		first = PM_SWAP_OFFSET(e[0]);
		if (swapped_type(e, 0) != type || first % folio_pages) {
			bad++;
			continue;
		}
		for (i = 1; i < folio_pages; i++) {
			if (swapped_type(e, i) != type ||
			    PM_SWAP_OFFSET(e[i]) != first + i) {
				bad++;
				break;
			}
		}
	}
	EXPECT_EQ(0, bad) {
		TH_LOG("%zu of %zu folios are not on one aligned range of type %d",
		       bad, nr_folios, type);
	}
}

/* The fast disk's swap type: what pagemap shows for a page on it. */
static int fast_disk_type(struct __test_metadata *_metadata, char *page,
			  int vtype)
{
	uint64_t e;
	int type;

	/* With virtual swap off, an order-0 page gets a classic entry. */
	if (vtype >= 0)
		EXPECT_EQ(0, write_file(VSWAP_KNOB, "0"));
	memset(page, 0x5a, page_size);
	madvise(page, page_size, MADV_PAGEOUT);
	EXPECT_EQ(0, pagemap_read(page, 1, &e));
	type = PM_SWAPPED(e) ? (int)PM_SWAP_TYPE(e) : -1;
	if (vtype >= 0)
		EXPECT_EQ(0, write_file(VSWAP_KNOB, "1"));
	return type;
}

/* Reclaim what the test's cgroup holds: clean swap cache folios go. */
static void evict(void)
{
	int i;

	for (i = 0; i < 4; i++)
		write_file(CG_PATH "/memory.reclaim", "1G");
}

/* Wait, up to 10 s, until no page is under writeback. */
static void wait_writeback(struct __test_metadata *_metadata)
{
	int i;

	for (i = 0; i < 1000 && meminfo_kb("Writeback") != 0; i++)
		usleep(10000);
	ASSERT_EQ(0, meminfo_kb("Writeback"));
}

static long swap_current(void)
{
	return read_long(CG_PATH "/memory.swap.current");
}

/*
 * Zswap in front of the fast disk, made non-rotational, virtual swap on
 * or off, and NR_FOLIOS PMD sizes of address space, aligned.
 */
static void thp_env_setup(struct __test_metadata *_metadata,
			  struct thp_env *self, bool virtual)
{
	vswap_init();
	self->virtual = virtual;
	self->vtype = -1;
	if (access(THP "enabled", F_OK) || access(size_file(MTHP_KB, "enabled"), F_OK))
		SKIP(return, "kernel without (m)THP");
	if (virtual && access(VSWAP_KNOB, F_OK))
		SKIP(return, "kernel without CONFIG_VIRTUAL_SWAP");
	ASSERT_EQ(0, thp_mode(size_file(PMD_KB, "enabled"), self->pmd_mode,
			      sizeof(self->pmd_mode)));
	ASSERT_EQ(0, thp_mode(size_file(MTHP_KB, "enabled"), self->mthp_mode,
			      sizeof(self->mthp_mode)));
	swap_off(fast_dev());
	swap_off(slow_dev());
	ASSERT_EQ(0, zswap_set_enabled(true));
	if (!access(VSWAP_KNOB, F_OK))
		ASSERT_EQ(0, write_file(VSWAP_KNOB, virtual ? "1" : "0"));
	if (virtual)
		self->vtype = read_long(VSWAP_DEBUGFS "swap_type");
	/* Clusters, so that large ranges can be taken: set before swapon. */
	ASSERT_EQ(0, rotational_path(fast_dev(), self->rotational,
				     sizeof(self->rotational)));
	ASSERT_EQ(0, write_file(self->rotational, "0"));
	ASSERT_EQ(0, swap_on(fast_dev(), 10));

	self->nr_folios = NR_FOLIOS;
	self->map_len = (NR_FOLIOS + 1) * PMD_KB * 1024UL;
	self->map = mmap(NULL, self->map_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	/* Aligned, with at least a page of the mapping before it. */
	self->buf = (char *)(((uintptr_t)self->map + page_size +
			      PMD_KB * 1024UL - 1) & ~(PMD_KB * 1024UL - 1));
	/* The page before the folios: never part of a large folio. */
	ASSERT_EQ(0, madvise(self->buf - page_size, page_size, MADV_NOHUGEPAGE));
	self->fast_type = fast_disk_type(_metadata, self->buf - page_size,
					 self->vtype);
	ASSERT_GE(self->fast_type, 0);

	/* A cgroup, for memory.reclaim and memory.swap.current. */
	mkdir(CG_PATH, 0755);
	ASSERT_EQ(0, write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory"));
	ASSERT_EQ(0, write_file(CG_PATH "/cgroup.procs", "%d", getpid()));
	self->in_cgroup = true;
}

static void thp_env_teardown(struct thp_env *self)
{
	if (self->map && self->map != MAP_FAILED)
		munmap(self->map, self->map_len);
	if (self->pmd_mode[0])
		write_file(size_file(PMD_KB, "enabled"), "%s", self->pmd_mode);
	if (self->mthp_mode[0])
		write_file(size_file(MTHP_KB, "enabled"), "%s", self->mthp_mode);
	if (self->in_cgroup) {
		write_file("/sys/fs/cgroup/cgroup.procs", "%d", getpid());
		rmdir(CG_PATH);
	}
	swap_off(fast_dev());
	if (self->rotational[0])
		write_file(self->rotational, "1");
	if (!access(VSWAP_KNOB, F_OK))
		write_file(VSWAP_KNOB, "0");
	zswap_set_enabled(false);
}

/* The swap type a large folio must land on. */
static int expected_type(struct thp_env *self)
{
	return self->vtype >= 0 ? self->vtype : self->fast_type;
}

/* What both kinds of entries must do: on and off, as in 6.12. */
FIXTURE(thp) {
	struct thp_env env;
};

FIXTURE_VARIANT(thp) {
	bool virtual;
};

FIXTURE_VARIANT_ADD(thp, virtual) {
	.virtual = true,
};

FIXTURE_VARIANT_ADD(thp, classic) {
	.virtual = false,
};

FIXTURE_SETUP(thp)
{
	thp_env_setup(_metadata, &self->env, variant->virtual);
}

FIXTURE_TEARDOWN(thp)
{
	thp_env_teardown(&self->env);
}

/* What only virtual entries do. */
FIXTURE(vthp) {
	struct thp_env env;
};

FIXTURE_SETUP(vthp)
{
	thp_env_setup(_metadata, &self->env, true);
}

FIXTURE_TEARDOWN(vthp)
{
	thp_env_teardown(&self->env);
}

/*
 * PMD-mapped THPs go out whole: one aligned range each, all counted in
 * thp_swpout, none split (thp_swpout_fallback), and every byte comes back.
 */
TEST_F_TIMEOUT(thp, pmd_thp_swapped_out_whole, TIMEOUT)
{
	size_t pages = PMD_KB * 1024 / page_size, n = self->env.nr_folios * pages;
	uint64_t *pm = calloc(n, sizeof(*pm));
	long alloc0, swpout0, fallback0, disk0, used0, pswpin0;

	ASSERT_NE(NULL, pm);

	ASSERT_EQ(0, write_file(size_file(PMD_KB, "enabled"), "always"));
	ASSERT_EQ(0, write_file(size_file(MTHP_KB, "enabled"), "never"));
	alloc0 = vmstat_read("thp_fault_alloc");
	pattern_fill(self->env.buf, n, PAGE_MIXED, 41);
	ASSERT_EQ((long)self->env.nr_folios, vmstat_read("thp_fault_alloc") - alloc0) {
		TH_LOG("the guest could not give the test %zu THPs", self->env.nr_folios);
	}

	swpout0 = vmstat_read("thp_swpout");
	fallback0 = vmstat_read("thp_swpout_fallback");
	disk0 = vmstat_read("vswap_disk");
	used0 = swap_used_kb(fast_dev()) - vswap_disk_cached_kb();
	ASSERT_EQ(0, pageout_all(self->env.buf, n * page_size));
	ASSERT_EQ(0, pagemap_read(self->env.buf, n, pm));

	EXPECT_EQ((long)self->env.nr_folios, vmstat_read("thp_swpout") - swpout0);
	EXPECT_EQ(0, vmstat_read("thp_swpout_fallback") - fallback0);
	expect_whole_ranges(_metadata, pm, self->env.nr_folios, pages,
			    expected_type(&self->env));
	/* Past zswap, on the disk: every page of every folio. */
	EXPECT_EQ((long)(n * page_size / 1024),
		  swap_used_kb(fast_dev()) - vswap_disk_cached_kb() - used0);
	EXPECT_EQ((long)(n * page_size), swap_current());
	if (self->env.virtual)
		EXPECT_EQ((long)n, vmstat_read("vswap_disk") - disk0);

	/* Read back from the disk, not from the swap cache. */
	wait_writeback(_metadata);
	evict();
	pswpin0 = vmstat_read("pswpin");
	verify(_metadata, self->env.buf, n, PAGE_MIXED, 41);
	EXPECT_LE((long)n, vmstat_read("pswpin") - pswpin0);
	free(pm);
}

/* The same for 64 KiB mTHPs, counted in that size's swpout statistic. */
TEST_F_TIMEOUT(thp, mthp_swapped_out_whole, TIMEOUT)
{
	size_t pages = MTHP_KB * 1024 / page_size;
	size_t nr = self->env.nr_folios * PMD_KB / MTHP_KB, n = nr * pages;
	uint64_t *pm = calloc(n, sizeof(*pm));
	long alloc0, swpout0, fallback0, disk0, pswpin0;

	ASSERT_NE(NULL, pm);
	ASSERT_EQ(0, write_file(size_file(PMD_KB, "enabled"), "never"));
	ASSERT_EQ(0, write_file(size_file(MTHP_KB, "enabled"), "always"));
	alloc0 = mthp_stat(MTHP_KB, "anon_fault_alloc");
	pattern_fill(self->env.buf, n, PAGE_MIXED, 43);
	ASSERT_EQ((long)nr, mthp_stat(MTHP_KB, "anon_fault_alloc") - alloc0) {
		TH_LOG("the guest could not give the test %zu mTHPs", nr);
	}

	swpout0 = mthp_stat(MTHP_KB, "swpout");
	fallback0 = mthp_stat(MTHP_KB, "swpout_fallback");
	disk0 = vmstat_read("vswap_disk");
	ASSERT_EQ(0, pageout_all(self->env.buf, n * page_size));
	ASSERT_EQ(0, pagemap_read(self->env.buf, n, pm));

	EXPECT_EQ((long)nr, mthp_stat(MTHP_KB, "swpout") - swpout0);
	EXPECT_EQ(0, mthp_stat(MTHP_KB, "swpout_fallback") - fallback0);
	expect_whole_ranges(_metadata, pm, nr, pages, expected_type(&self->env));
	if (self->env.virtual)
		EXPECT_EQ((long)n, vmstat_read("vswap_disk") - disk0);
	wait_writeback(_metadata);
	evict();
	pswpin0 = vmstat_read("pswpin");
	verify(_metadata, self->env.buf, n, PAGE_MIXED, 43);
	EXPECT_LE((long)n, vmstat_read("pswpin") - pswpin0);
	free(pm);
}

/*
 * A THP of zeroes needs no IO: each page is recorded as a zero page
 * (swpout_zero), as 6.12's zero map records it, and no disk slot is kept.
 */
TEST_F_TIMEOUT(thp, zero_thp_needs_no_disk, TIMEOUT)
{
	size_t pages = PMD_KB * 1024 / page_size, n = self->env.nr_folios * pages;
	uint64_t *pm = calloc(n, sizeof(*pm));
	long alloc0, zero0, disk0, used0, fallback0;
	size_t i;

	ASSERT_NE(NULL, pm);

	ASSERT_EQ(0, write_file(size_file(PMD_KB, "enabled"), "always"));
	alloc0 = vmstat_read("thp_fault_alloc");
	for (i = 0; i < n; i++)
		self->env.buf[i * page_size] = 0;	/* a write fault: a zeroed THP */
	ASSERT_EQ((long)self->env.nr_folios, vmstat_read("thp_fault_alloc") - alloc0);

	zero0 = vmstat_read("swpout_zero");
	disk0 = vmstat_read("vswap_disk");
	fallback0 = vmstat_read("thp_swpout_fallback");
	used0 = swap_used_kb(fast_dev()) - vswap_disk_cached_kb();
	ASSERT_EQ(0, pageout_all(self->env.buf, n * page_size));
	ASSERT_EQ(0, pagemap_read(self->env.buf, n, pm));
	/* Not split: each folio kept its one range. */
	EXPECT_EQ(0, vmstat_read("thp_swpout_fallback") - fallback0);
	expect_whole_ranges(_metadata, pm, self->env.nr_folios, pages,
			    expected_type(&self->env));
	EXPECT_EQ((long)n, vmstat_read("swpout_zero") - zero0);
	if (self->env.virtual) {
		EXPECT_EQ(0, vmstat_read("vswap_disk") - disk0);
		/* The range went back: nothing of the folios is on the disk. */
		EXPECT_EQ(used0, swap_used_kb(fast_dev()) - vswap_disk_cached_kb());
	}
	for (i = 0; i < n * page_size; i += sizeof(long))
		if (*(long *)(self->env.buf + i))
			break;
	EXPECT_EQ(n * page_size, i);
	free(pm);
}

/*
 * With no disk range of the folio's order - here no disk at all, only
 * zswap - a large folio gets no virtual range: reclaim splits it
 * (thp_swpout_fallback) and its pages go to zswap one by one.
 */
TEST_F_TIMEOUT(vthp, no_disk_range_splits, TIMEOUT)
{
	size_t pages = PMD_KB * 1024 / page_size, n = self->env.nr_folios * pages;
	long alloc0, swpout0, fallback0;

	ASSERT_EQ(0, swap_off(fast_dev()));
	ASSERT_EQ(0, write_file(size_file(PMD_KB, "enabled"), "always"));
	alloc0 = vmstat_read("thp_fault_alloc");
	pattern_fill(self->env.buf, n, PAGE_TEXT, 47);
	ASSERT_EQ((long)self->env.nr_folios, vmstat_read("thp_fault_alloc") - alloc0);

	swpout0 = vmstat_read("thp_swpout");
	fallback0 = vmstat_read("thp_swpout_fallback");
	page_out_virtual(_metadata, self->env.buf, n, self->env.vtype, NULL);
	EXPECT_EQ(0, vmstat_read("thp_swpout") - swpout0);
	EXPECT_EQ((long)self->env.nr_folios, vmstat_read("thp_swpout_fallback") - fallback0);
	verify(_metadata, self->env.buf, n, PAGE_TEXT, 47);
}

/*
 * When the virtual space cannot give a range (its metadata cannot be
 * allocated: injected), a large folio falls back to a classic range, as
 * an order-0 folio falls back to a classic slot, and still goes out whole.
 */
TEST_F_TIMEOUT(vthp, full_virtual_space_falls_back_to_classic, TIMEOUT)
{
	size_t pages = PMD_KB * 1024 / page_size, n = self->env.nr_folios * pages;
	uint64_t *pm = calloc(n, sizeof(*pm));
	long alloc0, swpout0;

	ASSERT_NE(NULL, pm);
	ASSERT_EQ(0, access(FFN "inject", W_OK));

	ASSERT_EQ(0, write_file(size_file(PMD_KB, "enabled"), "always"));
	alloc0 = vmstat_read("thp_fault_alloc");
	pattern_fill(self->env.buf, n, PAGE_MIXED, 53);
	ASSERT_EQ((long)self->env.nr_folios, vmstat_read("thp_fault_alloc") - alloc0);

	swpout0 = vmstat_read("thp_swpout");
	ASSERT_EQ(0, function_fail("vswap_table_get"));
	EXPECT_EQ(0, pageout_all(self->env.buf, n * page_size));
	EXPECT_LE(1, function_failures());
	ASSERT_EQ(0, function_fail(NULL));
	ASSERT_EQ(0, pagemap_read(self->env.buf, n, pm));

	EXPECT_EQ((long)self->env.nr_folios, vmstat_read("thp_swpout") - swpout0);
	expect_whole_ranges(_metadata, pm, self->env.nr_folios, pages,
			    self->env.fast_type);
	verify(_metadata, self->env.buf, n, PAGE_MIXED, 53);
	free(pm);
}

/*
 * swapoff of the disk a THP was written to brings its pages back through
 * their virtual entries.  The folios are still in the swap cache, so each
 * moves whole, and is uncharged whole, as upstream's swapoff frees the
 * slots; written again, each is charged again whole and gets a new range
 * on the disk, and every byte comes back from there.
 */
TEST_F_TIMEOUT(vthp, swapoff_moves_thp_whole, TIMEOUT)
{
	size_t pages = PMD_KB * 1024 / page_size, n = self->env.nr_folios * pages;
	long alloc0, swpout0, moved0, pswpin0;

	ASSERT_EQ(0, write_file(size_file(PMD_KB, "enabled"), "always"));
	alloc0 = vmstat_read("thp_fault_alloc");
	pattern_fill(self->env.buf, n, PAGE_MIXED, 59);
	ASSERT_EQ((long)self->env.nr_folios, vmstat_read("thp_fault_alloc") - alloc0);

	swpout0 = vmstat_read("thp_swpout");
	page_out_virtual(_metadata, self->env.buf, n, self->env.vtype, NULL);
	EXPECT_EQ((long)self->env.nr_folios, vmstat_read("thp_swpout") - swpout0);
	EXPECT_EQ((long)(n * page_size), swap_current());
	wait_writeback(_metadata);

	moved0 = vmstat_read("vswap_swapoff_move");
	ASSERT_EQ(0, swap_off(fast_dev()));
	EXPECT_EQ((long)n, vmstat_read("vswap_swapoff_move") - moved0);
	EXPECT_EQ(0, read_long(VSWAP_DEBUGFS "disk"));
	EXPECT_EQ(0, swap_current());

	/* The moved folios are dirty in the swap cache: reclaim writes them. */
	ASSERT_EQ(0, swap_on(fast_dev(), 10));
	swpout0 = vmstat_read("thp_swpout");
	evict();
	EXPECT_EQ((long)self->env.nr_folios, vmstat_read("thp_swpout") - swpout0);
	EXPECT_LE((long)(n * page_size), swap_current());
	wait_writeback(_metadata);
	evict();
	pswpin0 = vmstat_read("pswpin");
	verify(_metadata, self->env.buf, n, PAGE_MIXED, 59);
	EXPECT_LE((long)n, vmstat_read("pswpin") - pswpin0);
}

TEST_HARNESS_MAIN
