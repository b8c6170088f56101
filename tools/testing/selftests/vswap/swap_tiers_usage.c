// SPDX-License-Identifier: GPL-2.0
/*
 * Swap tiers per cgroup, with virtual swap: usage, byte limits and events.
 *
 * memory.swap.tiers.current shows, per tier, the bytes of a cgroup's (and
 * its descendants') swapped data whose backing is on the tier, a page
 * counting PAGE_SIZE wherever it is: zswap, or the tier of the disk
 * holding its slot.  memory.swap.tiers.max takes a byte value as well as
 * "max" and "0": the cgroup's data on the tier stays under it (but for
 * the pages in flight), and a page that would go over it goes to the next
 * tier the cgroup allows; for zswap, as 6.12 does at memory.zswap.max,
 * zswap first writes back the cgroup's coldest entry.  Pages that went
 * past a tier are counted in memory.swap.tiers.events: "limit" for a
 * limit, "full" for a tier that was tried and did not take the page.
 *
 * Tested, with every byte read back: .current exact (to the page) after
 * swap-out to zswap and to a disk, zswap's exclusive loads, read faults
 * from disk (the slot stays, and its charge), fork and COW, munmap,
 * swapoff of the device of a tier, process exit, and a large folio; the
 * parent counting its child's data; a zswap limit met by writing back the
 * oldest data; a disk tier's limit met by moving the oldest data to the
 * next tier; a
 * cgroup whose only tier is at its limit not tried by reclaim; a device
 * swapped on before the tiers were defined charged and limited once it
 * is in a tier.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vswap_test.h"

#define CG		CG_ROOT "/swap-tiers-usage"
#define CG_CHILD	CG "/child"
#define CURRENT		"memory.swap.tiers.current"
#define TWO_TIERS	"+slow:-1 +fast:10"
#define FAST_PRIO	20
#define SLOW_PRIO	0
#define BUF_MB		32
#define LIMIT_MB	8
/*
 * Pages a limit may be overshot by, in flight on the other CPUs; reclaim
 * leaves a few pages behind.
 */
#define SLACK_PAGES	256L

#define THP_PMD		"/sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled"

struct usage_env {
	char *buf;
	size_t npages;
	long vswap_was;
	char thp_was[16];	/* THP_PMD's mode, "" if unchanged */
	char rotational[256];	/* the fast disk's, set to 0; "" if not */
	bool started, on_fast, on_slow, made, child;
};

FIXTURE(usage) {
	struct usage_env e;
};

FIXTURE_SETUP(usage)
{
	struct usage_env *e = &self->e;

	vswap_init();
	e->npages = VSWAP_MB(BUF_MB) / page_size;
	e->vswap_was = read_long(VSWAP_KNOB);
	/* The test kernels without virtual swap do not run this program. */
	ASSERT_LE(0, e->vswap_was) {
		TH_LOG("no %s: byte limits and usage need virtual swap",
		       VSWAP_KNOB);
	}
	ASSERT_FALSE(swap_is_on(fast_dev()));
	ASSERT_FALSE(swap_is_on(slow_dev()));
}

/*
 * Virtual swap on, zswap as asked, tiers fast and slow with a disk each,
 * the cgroup CG and, if asked, CG_CHILD (then CG cannot hold processes).
 */
static void usage_start(struct __test_metadata *_metadata,
			struct usage_env *e, bool zswap, bool child)
{
	e->started = true;
	cg_destroy(CG_CHILD);
	cg_destroy(CG);
	ASSERT_LE(0, swap_tiers_clear());
	ASSERT_EQ(0, zswap_set_enabled(zswap));
	ASSERT_EQ(0, write_file(VSWAP_KNOB, "1"));
	ASSERT_EQ(0, write_file(SWAP_TIERS, TWO_TIERS));
	ASSERT_EQ(0, swap_on(fast_dev(), FAST_PRIO));
	e->on_fast = true;
	ASSERT_EQ(0, swap_on(slow_dev(), SLOW_PRIO));
	e->on_slow = true;
	ASSERT_EQ(0, cg_create(CG));
	e->made = true;
	if (!child)
		return;
	ASSERT_EQ(0, cg_create(CG_CHILD));
	e->child = true;
}

static void drop_buf(struct usage_env *e)
{
	if (e->buf)
		munmap(e->buf, e->npages * page_size);
	e->buf = NULL;
}

FIXTURE_TEARDOWN(usage)
{
	struct usage_env *e = &self->e;

	drop_buf(e);
	if (!e->started)
		return;
	EXPECT_EQ(0, cg_leave());
	if (e->child)
		EXPECT_EQ(0, cg_destroy(CG_CHILD));
	if (e->made)
		EXPECT_EQ(0, cg_destroy(CG));
	if (e->on_fast)
		EXPECT_EQ(0, swap_off(fast_dev()));
	if (e->on_slow)
		EXPECT_EQ(0, swap_off(slow_dev()));
	EXPECT_EQ(0, zswap_set_enabled(false));
	EXPECT_LE(0, swap_tiers_clear());
	EXPECT_EQ(0, write_file(VSWAP_KNOB, "%ld", e->vswap_was));
	if (e->thp_was[0])
		EXPECT_EQ(0, write_file(THP_PMD, "%s", e->thp_was));
	if (e->rotational[0])
		EXPECT_EQ(0, write_file(e->rotational, "1"));
}

/*
 * The pages of data on the fast disk: its slots in use, less the free
 * slots this layer keeps in per-CPU caches (zswap off, only the fast disk
 * used, so all of those are the fast disk's).
 */
static long fast_disk_pages(void)
{
	return (swap_used_kb(fast_dev()) - vswap_disk_cached_kb()) * 1024 /
	       (long)page_size;
}

static void log_usage(struct __test_metadata *_metadata, const char *cg)
{
	char text[512];

	if (!cg_read(cg, CURRENT, text, sizeof(text)))
		TH_LOG("%s/%s: \"%s\"", cg, CURRENT, escaped(text));
	TH_LOG("memory.stat zswapped %ld, memory.swap.current %ld",
	       cg_stat(cg, "zswapped"), cg_read_long(cg, "memory.swap.current"));
}

/* @cg's usage must be @zswap, @fast and @slow pages, exactly. */
static void expect_usage(struct __test_metadata *_metadata, const char *cg,
			 long zswap, long fast, long slow)
{
	long z = tier_pages(cg, "zswap"), f = tier_pages(cg, "fast"),
	     s = tier_pages(cg, "slow");

	EXPECT_TRUE(z == zswap && f == fast && s == slow) {
		TH_LOG("%s: zswap %ld fast %ld slow %ld pages, want %ld %ld %ld",
		       cg, z, f, s, zswap, fast, slow);
		log_usage(_metadata, cg);
	}
}

/*
 * A limit of @limit pages on tier @upper of @cg (or an ancestor) met: its
 * usage there is at the limit (but for pages in flight) and the rest of
 * the buffer, all but a little, is on tier @lower.
 */
static void expect_split(struct __test_metadata *_metadata,
			 struct usage_env *e, const char *cg, const char *upper,
			 const char *lower, long limit)
{
	long up = tier_pages(cg, upper), low = tier_pages(cg, lower);

	EXPECT_TRUE(up <= limit + SLACK_PAGES && up >= limit - SLACK_PAGES &&
		    low >= (long)e->npages - limit - SLACK_PAGES) {
		TH_LOG("%s: %s %ld pages (limit %ld), %s %ld of %zu",
		       cg, upper, up, limit, lower, low, e->npages);
		log_usage(_metadata, cg);
	}
}

/* A buffer of @mix, @seed, charged to @cg, in base pages. */
static void fill_buf(struct __test_metadata *_metadata, struct usage_env *e,
		     const char *cg, enum page_kind mix, uint64_t seed)
{
	drop_buf(e);
	ASSERT_EQ(0, cg_enter(cg));
	e->buf = map_filled(e->npages, mix, seed);
	ASSERT_NE(NULL, e->buf);
}

/*
 * Page the buffer out (charged to @cg): all but a little of it must leave
 * memory.  MADV_PAGEOUT, not memory.reclaim: the test's own pages stay,
 * so that the cgroup's usage is the buffer's alone.
 */
static long swap_out(struct __test_metadata *_metadata, struct usage_env *e,
		     const char *cg)
{
	long swapped;

	EXPECT_EQ(0, pageout_all(e->buf, e->npages * page_size));
	EXPECT_EQ(0, writeback_wait());
	swapped = count_swapped(e->buf, e->npages);
	EXPECT_LE((long)e->npages - SLACK_PAGES, swapped) {
		TH_LOG("only %ld of %zu pages swapped out", swapped,
		       e->npages);
	}
	return swapped;
}

/*
 * zswap: every page stored charges the zswap tier, and zswap's exclusive
 * load uncharges it; the parent counts its child's data; munmap brings
 * both back to 0.
 */
TEST_F_TIMEOUT(usage, zswap_usage_exact, TIMEOUT)
{
	struct usage_env *e = &self->e;
	long zswapped, half = e->npages / 2;

	usage_start(_metadata, e, true, true);
	expect_usage(_metadata, CG_CHILD, 0, 0, 0);
	fill_buf(_metadata, e, CG_CHILD, PAGE_TEXT, 1);
	swap_out(_metadata, e, CG_CHILD);
	zswapped = cg_stat(CG_CHILD, "zswapped") / (long)page_size;
	EXPECT_LE((long)e->npages - SLACK_PAGES, zswapped);
	expect_usage(_metadata, CG_CHILD, zswapped, 0, 0);
	expect_usage(_metadata, CG, zswapped, 0, 0);

	/* Swap in the first half from zswap: it leaves the tier. */
	verify(_metadata, e->buf, half, PAGE_TEXT, 1);
	zswapped = cg_stat(CG_CHILD, "zswapped") / (long)page_size;
	EXPECT_GE((long)e->npages - half, zswapped);
	expect_usage(_metadata, CG_CHILD, zswapped, 0, 0);
	expect_usage(_metadata, CG, zswapped, 0, 0);

	verify(_metadata, e->buf, e->npages, PAGE_TEXT, 1);
	expect_usage(_metadata, CG_CHILD, 0, 0, 0);
	drop_buf(e);
	expect_usage(_metadata, CG_CHILD, 0, 0, 0);
	expect_usage(_metadata, CG, 0, 0, 0);
}

/*
 * A disk: every page written charges the disk's tier, same-filled pages
 * none; a read fault keeps the slot and so the charge; a forked child
 * shares the slots and their one charge, and its COW writes and swap-outs
 * leave the parent's data alone; swapoff of the device moves the data
 * into memory and uncharges it; munmap ends at 0.  zswap is off, so the
 * data goes to the fast disk, and its usage must equal the disk's slots
 * in use.
 */
TEST_F_TIMEOUT(usage, disk_usage_exact, TIMEOUT)
{
	struct usage_env *e = &self->e;
	long fast;

	usage_start(_metadata, e, false, false);
	fill_buf(_metadata, e, CG, PAGE_MIXED, 2);
	swap_out(_metadata, e, CG);
	fast = tier_pages(CG, "fast");
	EXPECT_EQ(fast_disk_pages(), fast) {
		TH_LOG("%ld KiB used on the fast disk, %ld KiB cached",
		       swap_used_kb(fast_dev()), vswap_disk_cached_kb());
		log_usage(_metadata, CG);
	}
	/* Text and random pages: half of them, the rest same-filled. */
	EXPECT_LE((long)e->npages / 2 - SLACK_PAGES, fast);
	expect_usage(_metadata, CG, 0, fast, 0);

	/* Read faults (verify() reads): the pages keep slots and charges. */
	verify(_metadata, e->buf, e->npages / 2, PAGE_MIXED, 2);
	expect_usage(_metadata, CG, 0, fast, 0);

	/* fork: one charge per slot; the child's COW copies go again. */
	EXPECT_EQ(0, fork_check_cow(e->buf, e->npages, 2, 3));
	verify(_metadata, e->buf, e->npages, PAGE_MIXED, 2);
	fast = tier_pages(CG, "fast");
	EXPECT_EQ(fast_disk_pages(), fast) {
		log_usage(_metadata, CG);
	}

	/*
	 * Out again (what reclaim takes of pages just read), then swapoff of
	 * the fast disk: all of it back in memory.
	 */
	EXPECT_EQ(0, pageout_all(e->buf, e->npages * page_size));
	EXPECT_EQ(0, writeback_wait());
	EXPECT_LT(0, count_swapped(e->buf, e->npages));
	EXPECT_EQ(fast_disk_pages(), tier_pages(CG, "fast"));
	EXPECT_LT(0, tier_pages(CG, "fast"));
	ASSERT_EQ(0, swap_off(fast_dev()));
	e->on_fast = false;
	expect_usage(_metadata, CG, 0, 0, 0);
	verify(_metadata, e->buf, e->npages, PAGE_MIXED, 2);
	drop_buf(e);
	expect_usage(_metadata, CG, 0, 0, 0);
	EXPECT_EQ(0, cg_read_long(CG, "memory.swap.current"));
}

/*
 * A process whose data is in zswap and on a disk exits: its cgroup's
 * usage returns to 0 on every tier.
 */
TEST_F_TIMEOUT(usage, exit_returns_to_zero, TIMEOUT)
{
	struct usage_env *e = &self->e;
	int status;
	pid_t pid;

	usage_start(_metadata, e, true, false);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (cg_enter(CG))
			_exit(1);
		e->buf = map_filled(e->npages, PAGE_HALF, 4);
		if (!e->buf)
			_exit(2);
		if (cg_evict(CG))
			_exit(3);
		/* Over to the parent, which reads the usage, then exit. */
		raise(SIGSTOP);
		_exit(pattern_check(e->buf, e->npages, PAGE_HALF, 4, NULL, 0)
		      == -1 ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	EXPECT_LE((long)e->npages - SLACK_PAGES,
		  tier_pages(CG, "zswap") + tier_pages(CG, "fast")) {
		log_usage(_metadata, CG);
	}
	kill(pid, SIGCONT);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("child status %#x", status);
	}
	expect_usage(_metadata, CG, 0, 0, 0);
	EXPECT_EQ(0, cg_read_long(CG, "memory.swap.current"));
}

/*
 * A large folio goes to a disk whole: its range is charged when the
 * folio gets its entries, all of it, and uncharged at munmap.
 */
TEST_F_TIMEOUT(usage, large_folio_charged, TIMEOUT)
{
	struct usage_env *e = &self->e;
	size_t len = VSWAP_MB(2), npages = len / page_size;
	long swapped, fast, thp0 = vmstat_read("thp_swpout");
	char *map, *buf;

	usage_start(_metadata, e, false, false);
	/* The test kernels have THP swap: its absence is a failure. */
	ASSERT_EQ(0, thp_mode(THP_PMD, e->thp_was, sizeof(e->thp_was)));
	ASSERT_EQ(0, write_file(THP_PMD, "madvise"));
	/* Large ranges need clusters: a disk that does not rotate. */
	ASSERT_EQ(0, swap_off(fast_dev()));
	e->on_fast = false;
	ASSERT_EQ(0, rotational_path(fast_dev(), e->rotational,
				     sizeof(e->rotational)));
	ASSERT_EQ(0, write_file(e->rotational, "0"));
	ASSERT_EQ(0, swap_on(fast_dev(), FAST_PRIO));
	e->on_fast = true;
	ASSERT_EQ(0, cg_enter(CG));
	map = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	buf = (char *)(((unsigned long)map + len - 1) & ~(len - 1));
	ASSERT_EQ(0, madvise(buf, len, MADV_HUGEPAGE));
	pattern_fill(buf, npages, PAGE_RANDOM, 5);
	ASSERT_EQ(0, pageout_all(buf, len));
	EXPECT_EQ(0, writeback_wait());
	swapped = count_swapped(buf, npages);
	fast = tier_pages(CG, "fast");
	EXPECT_EQ((long)npages, swapped);
	EXPECT_EQ(swapped, fast) {
		log_usage(_metadata, CG);
	}
	EXPECT_EQ(fast, fast_disk_pages());
	EXPECT_EQ(1, vmstat_read("thp_swpout") - thp0);
	/* Written: munmap then frees the folio's slots with it. */
	EXPECT_EQ(0, writeback_wait());
	verify(_metadata, buf, npages, PAGE_RANDOM, 5);
	munmap(map, 2 * len);
	expect_usage(_metadata, CG, 0, 0, 0);
	EXPECT_EQ(0, cg_read_long(CG, "memory.swap.current"));
}

/*
 * "zswap 8M": zswap takes the cgroup's compressible data up to the limit
 * and then, as at memory.zswap.max, writes back the cgroup's oldest
 * entries to the next tier (the fast disk) to store new ones: the zswap
 * tier stays at the limit, the oldest data is read back from the disk,
 * and pages stored past the limit are counted.  Control: without the
 * limit, all of it stays in zswap.
 */
TEST_F_TIMEOUT(usage, zswap_limit_writes_back, TIMEOUT)
{
	struct usage_env *e = &self->e;
	long limit = VSWAP_MB(LIMIT_MB) / page_size, zswap, fast, in0, wb;
	size_t old = limit;

	usage_start(_metadata, e, true, true);
	ASSERT_EQ(0, write_file_at(CG_CHILD, "memory.swap.tiers.max",
				   "zswap %dM", LIMIT_MB));
	fill_buf(_metadata, e, CG_CHILD, PAGE_TEXT, 6);
	swap_out(_metadata, e, CG_CHILD);
	zswap = tier_pages(CG_CHILD, "zswap");
	fast = tier_pages(CG_CHILD, "fast");
	wb = cg_stat(CG_CHILD, "zswpwb");
	expect_split(_metadata, e, CG_CHILD, "zswap", "fast", limit);
	EXPECT_EQ(0, tier_pages(CG_CHILD, "slow"));
	EXPECT_LT(0, wb) {
		TH_LOG("zswap wrote back none of the cgroup's pages");
	}
	/* Exact after writeback: zswap's own count, the disk's slots. */
	EXPECT_EQ(cg_stat(CG_CHILD, "zswapped") / (long)page_size, zswap);
	EXPECT_EQ(fast_disk_pages(), fast) {
		log_usage(_metadata, CG_CHILD);
	}
	EXPECT_LT(0, tier_event(CG_CHILD, "zswap", "limit"));
	EXPECT_EQ(tier_event(CG_CHILD, "zswap", "limit"),
		  tier_event(CG, "zswap", "limit"));

	/*
	 * The oldest LIMIT_MB were written back: they come from a disk, once
	 * reclaim has dropped the clean folios writeback left in the swap
	 * cache.
	 */
	EXPECT_EQ(0, cg_evict(CG_CHILD));
	in0 = vmstat_read("pswpin");
	verify(_metadata, e->buf, old, PAGE_TEXT, 6);
	EXPECT_LE((long)old - SLACK_PAGES, vmstat_read("pswpin") - in0);
	verify(_metadata, e->buf, e->npages, PAGE_TEXT, 6);

	/*
	 * Control: without the limit, all of it in zswap.  (The usage is
	 * zswap's own count: the eviction above also stored a few of the
	 * test's own pages.)
	 */
	drop_buf(e);
	ASSERT_EQ(0, write_file_at(CG_CHILD, "memory.swap.tiers.max",
				   "zswap max"));
	zswap = tier_pages(CG_CHILD, "zswap");
	fill_buf(_metadata, e, CG_CHILD, PAGE_TEXT, 7);
	swap_out(_metadata, e, CG_CHILD);
	EXPECT_LE((long)e->npages - SLACK_PAGES,
		  tier_pages(CG_CHILD, "zswap") - zswap) {
		log_usage(_metadata, CG_CHILD);
	}
	EXPECT_EQ(cg_stat(CG_CHILD, "zswapped") / (long)page_size,
		  tier_pages(CG_CHILD, "zswap"));
	verify(_metadata, e->buf, e->npages, PAGE_TEXT, 7);
}

/*
 * "fast 8M" on the parent: the cgroup's data fills the fast disk's tier up
 * to the limit, and past it room is made: the cgroup's oldest data on
 * fast moves to the slow disk and the new page goes to fast, so hardly a
 * page is passed down ("limit" events) while the pages moved out of fast
 * are as many as are on slow.  A limit lowered below the usage moves
 * nothing by itself.
 */
TEST_F_TIMEOUT(usage, disk_limit_makes_room, TIMEOUT)
{
	struct usage_env *e = &self->e;
	long limit = VSWAP_MB(LIMIT_MB) / page_size, fast, slow, events, out;

	usage_start(_metadata, e, false, true);
	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "fast %dM",
				   LIMIT_MB));
	fill_buf(_metadata, e, CG_CHILD, PAGE_RANDOM, 8);
	swap_out(_metadata, e, CG_CHILD);
	slow = tier_pages(CG_CHILD, "slow");
	expect_split(_metadata, e, CG_CHILD, "fast", "slow", limit);
	events = tier_event(CG_CHILD, "fast", "limit");
	out = tier_event(CG_CHILD, "fast", "moved_out");
	EXPECT_GE(SLACK_PAGES, events) {
		TH_LOG("%ld pages went to slow, %ld passed down (limit)",
		       slow, events);
	}
	EXPECT_LE(slow - SLACK_PAGES, out) {
		TH_LOG("%ld pages on slow, %ld moved out of fast", slow, out);
	}
	EXPECT_EQ(out, tier_event(CG_CHILD, "slow", "moved_in"));
	EXPECT_EQ(0, tier_event(CG_CHILD, "slow", "limit"));
	verify(_metadata, e->buf, e->npages, PAGE_RANDOM, 8);

	/* Lowering a limit below the usage moves nothing. */
	drop_buf(e);
	fill_buf(_metadata, e, CG_CHILD, PAGE_RANDOM, 9);
	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "fast max"));
	swap_out(_metadata, e, CG_CHILD);
	fast = tier_pages(CG_CHILD, "fast");
	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "fast 4K"));
	EXPECT_EQ(fast, tier_pages(CG_CHILD, "fast"));
	verify(_metadata, e->buf, e->npages, PAGE_RANDOM, 9);
}

/*
 * The only tier a cgroup may use is at its limit: reclaim stops trying to
 * swap its pages, as at memory.swap.max, rather than trying each and
 * failing (memory.swap.events "fail").
 */
TEST_F_TIMEOUT(usage, full_tier_not_tried, TIMEOUT)
{
	struct usage_env *e = &self->e;
	long limit = VSWAP_MB(LIMIT_MB) / page_size, fail, slow, swapped;

	usage_start(_metadata, e, true, false);
	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "zswap 0"));
	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "fast 0"));
	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "slow %dM",
				   LIMIT_MB));
	fill_buf(_metadata, e, CG, PAGE_RANDOM, 10);
	EXPECT_EQ(0, cg_evict(CG));
	swapped = count_swapped(e->buf, e->npages);
	slow = tier_pages(CG, "slow");
	EXPECT_GE(limit + SLACK_PAGES, slow);
	EXPECT_LE(limit - SLACK_PAGES, slow);
	EXPECT_EQ(slow, swapped);
	fail = key_value(CG "/memory.swap.events", "fail");
	EXPECT_GE(SLACK_PAGES, fail) {
		TH_LOG("%ld pages tried and failed, %ld swapped", fail,
		       swapped);
	}
	EXPECT_EQ(0, tier_pages(CG, "zswap") + tier_pages(CG, "fast"));
	/* Pages refused for want of room count as limit events of slow. */
	EXPECT_LT(0, tier_event(CG, "slow", "limit"));
	verify(_metadata, e->buf, e->npages, PAGE_RANDOM, 10);
}

/*
 * A device swapped on before any tier existed joins its tier when tiers
 * are defined: what it takes afterwards is charged to the tier and held
 * to the tier's limits like any device's data.
 */
TEST_F_TIMEOUT(usage, joined_device_charged, TIMEOUT)
{
	struct usage_env *e = &self->e;
	long limit = VSWAP_MB(LIMIT_MB) / page_size;

	usage_start(_metadata, e, false, false);
	ASSERT_EQ(0, swap_off(fast_dev()));
	e->on_fast = false;
	ASSERT_EQ(0, swap_off(slow_dev()));
	e->on_slow = false;
	ASSERT_LE(0, swap_tiers_clear());
	ASSERT_EQ(0, swap_on(fast_dev(), FAST_PRIO));
	e->on_fast = true;
	ASSERT_EQ(0, write_file(SWAP_TIERS, TWO_TIERS));
	ASSERT_EQ(0, swap_on(slow_dev(), SLOW_PRIO));
	e->on_slow = true;

	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "fast %dM",
				   LIMIT_MB));
	fill_buf(_metadata, e, CG, PAGE_RANDOM, 11);
	swap_out(_metadata, e, CG);
	expect_split(_metadata, e, CG, "fast", "slow", limit);
	verify(_metadata, e->buf, e->npages, PAGE_RANDOM, 11);
	drop_buf(e);
	expect_usage(_metadata, CG, 0, 0, 0);
}

TEST_HARNESS_MAIN
