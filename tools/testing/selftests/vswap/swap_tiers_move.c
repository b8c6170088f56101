// SPDX-License-Identifier: GPL-2.0
/*
 * Moving swapped data between tiers: memory.swap.tiers.demote, zswap
 * writeback as a move, the order data moves in, counters, and races.
 *
 * A virtual slot's data moves from its tier to the next one its cgroup
 * may use - zswap to the fast disk, the fast disk to the slow one - while
 * the page tables keep the slot: the pagemap entries of a buffer do not
 * change, and debugfs vswap/slot_tier says where each slot's data is.
 *
 * Tested, with every byte read back: zswap -> fast -> slow with pagemap
 * unchanged and .current, memory.swap.tiers.events and the per-tier sysfs
 * counters following the data; coldest first out of zswap (its LRU) and
 * out of a disk (cluster stamps, checked through slot_tier); demotion by
 * bytes, by source, -EAGAIN, bad input; never a move to a tier the cgroup
 * does not allow, nor a demotion out of zswap with
 * memory.zswap.writeback=0; a disk
 * tier at a cgroup's limit making room for new pages; a write
 * error during a move (fault injection) keeping the data where it was;
 * moves racing with faults, fork, munmap and swapoff.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vswap_test.h"

#define CG		CG_ROOT "/swap-tiers-move"
#define CG_CHILD	CG "/child"
#define CURRENT		"memory.swap.tiers.current"
#define EVENTS		"memory.swap.tiers.events"
#define DEMOTE		"memory.swap.tiers.demote"
#define FMR		"/sys/kernel/debug/fail_make_request/"
#define TWO_TIERS	"+slow:-1 +fast:10"
#define FAST_PRIO	20
#define SLOW_PRIO	0
#define BUF_MB		16
/* Pages reclaim or the per-CPU caches may leave behind. */
#define SLACK_PAGES	64L

struct move_env {
	char *buf;
	size_t npages;
	long vswap_was;
	int type;		/* the virtual swap type */
	bool started, on_fast, on_slow, made, child;
	char fail_path[PATH_MAX];	/* make-it-fail set, "" if not */
};

FIXTURE(move) {
	struct move_env e;
};

FIXTURE_SETUP(move)
{
	struct move_env *e = &self->e;

	vswap_init();
	e->npages = VSWAP_MB(BUF_MB) / page_size;
	e->vswap_was = read_long(VSWAP_KNOB);
	/* The test kernels without virtual swap do not run this program. */
	ASSERT_LE(0, e->vswap_was) {
		TH_LOG("no %s: moves need virtual swap", VSWAP_KNOB);
	}
	e->type = read_long(VSWAP_DEBUGFS "swap_type");
	ASSERT_LE(0, e->type);
	ASSERT_FALSE(swap_is_on(fast_dev()));
	ASSERT_FALSE(swap_is_on(slow_dev()));
}

/* Virtual swap on, zswap as asked, tiers fast and slow, cgroup CG. */
static void move_start(struct __test_metadata *_metadata, struct move_env *e,
		       bool zswap, bool child)
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
	if (child) {
		ASSERT_EQ(0, cg_create(CG_CHILD));
		e->child = true;
	}
}

static void drop_buf(struct move_env *e)
{
	if (e->buf)
		munmap(e->buf, e->npages * page_size);
	e->buf = NULL;
}

FIXTURE_TEARDOWN(move)
{
	struct move_env *e = &self->e;

	drop_buf(e);
	if (e->fail_path[0])
		EXPECT_EQ(0, write_file(e->fail_path, "0"));
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
}

static void log_usage(struct __test_metadata *_metadata, const char *cg)
{
	char text[1024];

	if (!cg_read(cg, CURRENT, text, sizeof(text)))
		TH_LOG("%s/%s: \"%s\"", cg, CURRENT, escaped(text));
	if (!cg_read(cg, EVENTS, text, sizeof(text)))
		TH_LOG("%s/%s: \"%s\"", cg, EVENTS, escaped(text));
}

/* Write @fmt to @cg's memory.swap.tiers.demote: 0 or -errno. */
static int demote(const char *cg, const char *fmt, ...)
{
	char text[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return write_file_at(cg, DEMOTE, "%s", text);
}

/* A buffer of @mix, @seed, charged to @cg. */
static void fill_buf(struct __test_metadata *_metadata, struct move_env *e,
		     const char *cg, enum page_kind mix, uint64_t seed)
{
	drop_buf(e);
	ASSERT_EQ(0, cg_enter(cg));
	e->buf = map_filled(e->npages, mix, seed);
	ASSERT_NE(NULL, e->buf);
}

/* Page out @n pages at @buf: all but a little must leave memory. */
static void swap_out(struct __test_metadata *_metadata, char *buf, size_t n)
{
	long swapped;

	EXPECT_EQ(0, pageout_all(buf, n * page_size));
	EXPECT_EQ(0, writeback_wait());
	swapped = count_swapped(buf, n);
	EXPECT_LE((long)n - SLACK_PAGES, swapped) {
		TH_LOG("only %ld of %zu pages swapped out", swapped, n);
	}
}

/* The pagemap entries of every page are what @before recorded. */
static void expect_same_entries(struct __test_metadata *_metadata,
				const struct slot_info *before,
				const struct slot_info *after, size_t npages)
{
	size_t i, changed = 0;

	for (i = 0; i < npages; i++)
		changed += before[i].pm != after[i].pm;
	EXPECT_EQ(0, changed) {
		TH_LOG("%zu of %zu pagemap entries changed", changed, npages);
	}
}

/*
 * zswap -> fast -> slow: text pages go to zswap; a demotion by source
 * moves them all to the fast disk, a second to the slow disk.  At each
 * step the pagemap entries are the same, slot_tier names the new tier for
 * every slot, .current follows, the cgroup's and the tiers' counters count
 * the moves, and nothing is left behind on the tier moved from.
 */
TEST_F_TIMEOUT(move, zswap_fast_slow, TIMEOUT)
{
	struct move_env *e = &self->e;
	struct slot_info *s0 = calloc(e->npages, sizeof(*s0));
	struct slot_info *s1 = calloc(e->npages, sizeof(*s1));
	long n, out0, in0, fout0, sin0, wb0;

	ASSERT_NE(NULL, s0);
	ASSERT_NE(NULL, s1);
	move_start(_metadata, e, true, true);
	fill_buf(_metadata, e, CG_CHILD, PAGE_TEXT, 1);
	swap_out(_metadata, e->buf, e->npages);
	ASSERT_EQ(0, slot_tiers(e->type, e->buf, e->npages, s0));
	n = count_on(s0, 0, e->npages, "zswap");
	EXPECT_LE((long)e->npages - SLACK_PAGES, n);
	EXPECT_EQ(n, tier_pages(CG_CHILD, "zswap"));

	out0 = tier_stat("zswap", "moved_out");
	in0 = tier_stat("fast", "moved_in");
	wb0 = vmstat_read("zswpwb");
	ASSERT_LE(0, out0);
	ASSERT_LE(0, in0);
	/* Demote the parent: its child's data moves. */
	EXPECT_EQ(0, demote(CG, "%ld source=zswap", n * (long)page_size)) {
		log_usage(_metadata, CG_CHILD);
	}
	EXPECT_EQ(0, writeback_wait());
	ASSERT_EQ(0, slot_tiers(e->type, e->buf, e->npages, s1));
	expect_same_entries(_metadata, s0, s1, e->npages);
	EXPECT_EQ(n, count_on(s1, 0, e->npages, "fast"));
	EXPECT_EQ(0, count_on(s1, 0, e->npages, "zswap"));
	EXPECT_EQ(0, tier_pages(CG_CHILD, "zswap"));
	EXPECT_EQ(n, tier_pages(CG_CHILD, "fast")) {
		log_usage(_metadata, CG_CHILD);
	}
	EXPECT_EQ(0, cg_stat(CG_CHILD, "zswapped"));
	EXPECT_EQ(n, tier_event(CG_CHILD, "zswap", "moved_out"));
	EXPECT_EQ(n, tier_event(CG_CHILD, "fast", "moved_in"));
	EXPECT_EQ(n, tier_event(CG, "fast", "moved_in"));
	EXPECT_EQ(n, tier_stat("zswap", "moved_out") - out0);
	EXPECT_EQ(n, tier_stat("fast", "moved_in") - in0);
	/* zswap counts the move as its writeback. */
	EXPECT_EQ(n, vmstat_read("zswpwb") - wb0);

	fout0 = tier_stat("fast", "moved_out");
	sin0 = tier_stat("slow", "moved_in");
	next_jiffy();
	EXPECT_EQ(0, demote(CG_CHILD, "%ld source=fast", n * (long)page_size));
	EXPECT_EQ(0, writeback_wait());
	ASSERT_EQ(0, slot_tiers(e->type, e->buf, e->npages, s1));
	expect_same_entries(_metadata, s0, s1, e->npages);
	EXPECT_EQ(n, count_on(s1, 0, e->npages, "slow"));
	EXPECT_EQ(0, tier_pages(CG_CHILD, "fast"));
	EXPECT_EQ(n, tier_pages(CG_CHILD, "slow"));
	EXPECT_EQ(n, tier_stat("fast", "moved_out") - fout0);
	EXPECT_EQ(n, tier_stat("slow", "moved_in") - sin0);
	EXPECT_EQ(n, tier_event(CG_CHILD, "slow", "moved_in"));
	/* The fast disk holds none of it: its slots were freed. */
	EXPECT_GE(vswap_disk_cached_kb(), swap_used_kb(fast_dev()));
	EXPECT_LT(0, tier_stat("slow", "stored"));

	/* Read from the slow disk, every byte. */
	verify(_metadata, e->buf, e->npages, PAGE_TEXT, 1);
	drop_buf(e);
	EXPECT_EQ(0, tier_pages(CG_CHILD, "slow"));
	free(s0);
	free(s1);
}

/*
 * zswap's coldest first: the first half of the buffer is swapped out, then
 * the second; a demotion of half the data moves the first half, which is
 * older in zswap's LRU, and leaves the second in zswap.
 */
TEST_F_TIMEOUT(move, zswap_coldest_first, TIMEOUT)
{
	struct move_env *e = &self->e;
	struct slot_info *s = calloc(e->npages, sizeof(*s));
	size_t half = e->npages / 2;
	long old, young;

	ASSERT_NE(NULL, s);
	move_start(_metadata, e, true, false);
	fill_buf(_metadata, e, CG, PAGE_TEXT, 2);
	swap_out(_metadata, e->buf, half);
	swap_out(_metadata, e->buf + half * page_size, e->npages - half);
	ASSERT_EQ(0, slot_tiers(e->type, e->buf, e->npages, s));
	old = count_on(s, 0, half, "zswap");
	young = count_on(s, half, e->npages - half, "zswap");
	ASSERT_LE((long)half - SLACK_PAGES, old);

	EXPECT_EQ(0, demote(CG, "%ld source=zswap", old * (long)page_size));
	EXPECT_EQ(0, writeback_wait());
	ASSERT_EQ(0, slot_tiers(e->type, e->buf, e->npages, s));
	EXPECT_EQ(old, count_on(s, 0, half, "fast")) {
		TH_LOG("%ld of the %ld older pages moved, %ld of the younger",
		       count_on(s, 0, half, "fast"), old,
		       count_on(s, half, e->npages - half, "fast"));
	}
	EXPECT_EQ(young, count_on(s, half, e->npages - half, "zswap"));
	verify(_metadata, e->buf, e->npages, PAGE_TEXT, 2);
	free(s);
}

/*
 * A disk's coldest first, by cluster stamps: the first half of the buffer
 * goes to the fast disk, a while later the second half.  A demotion of
 * half the data moves no slot while a slot of an older cluster stays on
 * the tier (the stamps read before it), and so moves the first half but
 * for the cluster the halves may share.
 */
TEST_F_TIMEOUT(move, disk_coldest_first, TIMEOUT)
{
	struct move_env *e = &self->e;
	struct slot_info *s0 = calloc(e->npages, sizeof(*s0));
	struct slot_info *s1 = calloc(e->npages, sizeof(*s1));
	size_t half = e->npages / 2, i;
	unsigned long max_moved = 0, min_left = ULONG_MAX;
	long old, moved_old;

	ASSERT_NE(NULL, s0);
	ASSERT_NE(NULL, s1);
	move_start(_metadata, e, false, false);
	fill_buf(_metadata, e, CG, PAGE_RANDOM, 3);
	swap_out(_metadata, e->buf, half);
	/* Stamps are jiffies: the halves are written in different ones. */
	usleep(100000);
	swap_out(_metadata, e->buf + half * page_size, e->npages - half);
	ASSERT_EQ(0, slot_tiers(e->type, e->buf, e->npages, s0));
	old = count_on(s0, 0, half, "fast");
	ASSERT_LE((long)half - SLACK_PAGES, old);

	EXPECT_EQ(0, demote(CG, "%ld source=fast", old * (long)page_size));
	ASSERT_EQ(0, slot_tiers(e->type, e->buf, e->npages, s1));
	for (i = 0; i < e->npages; i++) {
		if (strcmp(s0[i].tier, "fast"))
			continue;
		if (!strcmp(s1[i].tier, "slow"))
			max_moved = s0[i].stamp > max_moved ? s0[i].stamp :
				    max_moved;
		else if (!strcmp(s1[i].tier, "fast"))
			min_left = s0[i].stamp < min_left ? s0[i].stamp :
				   min_left;
	}
	EXPECT_LE(max_moved, min_left) {
		TH_LOG("a slot of stamp %lu moved, one of %lu stayed",
		       max_moved, min_left);
	}
	EXPECT_EQ(old, count_on(s1, 0, e->npages, "slow"));
	/* A cluster of 512 slots may hold both halves. */
	moved_old = count_on(s1, 0, half, "slow");
	EXPECT_LE(old - 512, moved_old) {
		TH_LOG("%ld of %ld older pages moved", moved_old, old);
	}
	expect_same_entries(_metadata, s0, s1, e->npages);
	verify(_metadata, e->buf, e->npages, PAGE_RANDOM, 3);
	free(s0);
	free(s1);
}

/*
 * By bytes: a demotion moves exactly what it is asked (rounded down to
 * pages), from the top tier down without a source, a page at most one
 * tier per write; one asked for more than there is moves what it can and
 * fails with -EAGAIN.  0 moves nothing and succeeds.
 */
TEST_F_TIMEOUT(move, demote_bytes_eagain, TIMEOUT)
{
	struct move_env *e = &self->e;
	long z, f, s;

	move_start(_metadata, e, true, false);
	fill_buf(_metadata, e, CG, PAGE_TEXT, 4);
	swap_out(_metadata, e->buf, e->npages);
	z = tier_pages(CG, "zswap");
	ASSERT_LE((long)e->npages - SLACK_PAGES, z);

	EXPECT_EQ(0, demote(CG, "0"));
	EXPECT_EQ(z, tier_pages(CG, "zswap"));
	/* 1M and a bit: 256 pages; no source: from zswap first. */
	EXPECT_EQ(0, demote(CG, "%ld", VSWAP_MB(1) + page_size - 1));
	EXPECT_EQ(z - 256, tier_pages(CG, "zswap")) {
		log_usage(_metadata, CG);
	}
	EXPECT_EQ(256, tier_pages(CG, "fast"));
	next_jiffy();
	EXPECT_EQ(0, demote(CG, "1M source=fast"));
	EXPECT_EQ(0, tier_pages(CG, "fast"));
	EXPECT_EQ(256, tier_pages(CG, "slow"));

	/*
	 * More than there is: zswap empties to fast, then fast's data older
	 * than the write goes to slow; a page moves one tier per write.
	 */
	f = tier_pages(CG, "fast");
	EXPECT_EQ(0, f);
	z = tier_pages(CG, "zswap");
	EXPECT_EQ(-EAGAIN, demote(CG, "1G"));
	EXPECT_TRUE(tier_pages(CG, "zswap") == 0 &&
		    tier_pages(CG, "fast") == z &&
		    tier_pages(CG, "slow") == 256) {
		log_usage(_metadata, CG);
	}
	/* Again: now fast's data is older than the write. */
	next_jiffy();
	EXPECT_EQ(-EAGAIN, demote(CG, "1G"));
	s = tier_pages(CG, "slow");
	EXPECT_TRUE(tier_pages(CG, "zswap") == 0 &&
		    tier_pages(CG, "fast") == 0 && s == z + 256) {
		log_usage(_metadata, CG);
	}
	/* Nothing below slow: nothing to move from it. */
	EXPECT_EQ(-EAGAIN, demote(CG, "4K source=slow"));
	verify(_metadata, e->buf, e->npages, PAGE_TEXT, 4);
}

/* Bad input is -EINVAL and moves nothing; the root has no such file. */
TEST_F_TIMEOUT(move, demote_bad_input, TIMEOUT)
{
	static const char * const bad[] = {
		"\n", " ", "abc", "-1", "0x100", "max", "1Q", "1M source=",
		"1M source=nosuch", "1M source=zswap source=fast",
		"1M foo=bar", "1M fast", "source=zswap", "1M source = zswap",
		"99999999999999999999",
	};
	struct move_env *e = &self->e;
	char path[256];
	size_t i;
	long z;

	move_start(_metadata, e, true, false);
	snprintf(path, sizeof(path), "%s/%s", CG_ROOT, DEMOTE);
	EXPECT_NE(0, access(path, F_OK));
	fill_buf(_metadata, e, CG, PAGE_TEXT, 5);
	swap_out(_metadata, e->buf, e->npages);
	z = tier_pages(CG, "zswap");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, demote(CG, "%s", bad[i])) {
			TH_LOG("\"%s\" was not refused", bad[i]);
		}
	}
	EXPECT_EQ(z, tier_pages(CG, "zswap"));
	EXPECT_EQ(0, tier_pages(CG, "fast") + tier_pages(CG, "slow"));
	/* Write-only. */
	EXPECT_NE(0, cg_read(CG, DEMOTE, path, sizeof(path)));
	verify(_metadata, e->buf, e->npages, PAGE_TEXT, 5);
}

/*
 * The tiers a cgroup allows: with "fast 0" zswap's data skips to slow;
 * with "slow 0" nothing leaves fast; with memory.zswap.writeback=0 a
 * demotion moves nothing out of zswap.  (zswap's own writeback with it
 * is 6.12's, tested by test_zswap.)
 */
TEST_F_TIMEOUT(move, only_allowed_tiers, TIMEOUT)
{
	struct move_env *e = &self->e;
	long z;

	move_start(_metadata, e, true, false);
	fill_buf(_metadata, e, CG, PAGE_TEXT, 6);
	swap_out(_metadata, e->buf, e->npages);
	z = tier_pages(CG, "zswap");

	ASSERT_EQ(0, write_file_at(CG, "memory.zswap.writeback", "0"));
	EXPECT_EQ(-EAGAIN, demote(CG, "1M source=zswap"));
	EXPECT_EQ(-EAGAIN, demote(CG, "1M"));
	EXPECT_EQ(z, tier_pages(CG, "zswap"));
	EXPECT_EQ(0, tier_pages(CG, "fast") + tier_pages(CG, "slow"));
	ASSERT_EQ(0, write_file_at(CG, "memory.zswap.writeback", "1"));

	/* fast off: zswap's next tier is slow. */
	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "fast 0"));
	EXPECT_EQ(0, demote(CG, "1M source=zswap"));
	EXPECT_EQ(0, tier_pages(CG, "fast"));
	EXPECT_EQ(256, tier_pages(CG, "slow"));
	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "fast max"));

	/* slow off: fast has no tier below. */
	EXPECT_EQ(0, demote(CG, "1M source=zswap"));
	EXPECT_EQ(256, tier_pages(CG, "fast"));
	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "slow 0"));
	EXPECT_EQ(-EAGAIN, demote(CG, "4K source=fast"));
	EXPECT_EQ(256, tier_pages(CG, "fast"));
	EXPECT_EQ(256, tier_pages(CG, "slow"));
	verify(_metadata, e->buf, e->npages, PAGE_TEXT, 6);
}

/*
 * A disk tier at the cgroup's limit makes room: with "fast 4M", the older
 * half of the buffer is swapped out, then, a while later, the younger.
 * Past the limit each new page goes to fast and the cgroup's oldest data
 * on fast moves to slow, so at the end fast holds the limit's worth of
 * the youngest data and slow all of the older half.
 */
TEST_F_TIMEOUT(move, disk_limit_makes_room, TIMEOUT)
{
	struct move_env *e = &self->e;
	struct slot_info *s = calloc(e->npages, sizeof(*s));
	long limit = VSWAP_MB(4) / page_size, fast, young_fast;
	size_t half = e->npages / 2;

	ASSERT_NE(NULL, s);
	move_start(_metadata, e, false, false);
	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "fast 4M"));
	fill_buf(_metadata, e, CG, PAGE_RANDOM, 10);
	swap_out(_metadata, e->buf, half);
	usleep(100000);
	swap_out(_metadata, e->buf + half * page_size, e->npages - half);
	ASSERT_EQ(0, slot_tiers(e->type, e->buf, e->npages, s));
	fast = count_on(s, 0, e->npages, "fast");
	young_fast = count_on(s, half, e->npages - half, "fast");
	EXPECT_TRUE(fast <= limit && fast >= limit - SLACK_PAGES) {
		TH_LOG("%ld pages on fast, limit %ld", fast, limit);
		log_usage(_metadata, CG);
	}
	EXPECT_EQ(fast, tier_pages(CG, "fast"));
	/* All of it from the younger half, but for a shared cluster. */
	EXPECT_LE(fast - 512, young_fast);
	EXPECT_LE((long)half - SLACK_PAGES, count_on(s, 0, half, "slow"));
	EXPECT_LT(0, tier_event(CG, "fast", "moved_out"));
	EXPECT_GE(SLACK_PAGES, tier_event(CG, "fast", "limit"));
	verify(_metadata, e->buf, e->npages, PAGE_RANDOM, 10);
	free(s);
}

/*
 * A write error during a move: the slow disk fails the IO this task
 * submits (fault injection, task-filtered).  A demotion from fast moves
 * nothing: every slot stays on the fast disk with its data, the failures
 * are counted.  Once the disk works again, and the pages the failed
 * writes left dirty are written out again, a demotion moves them.
 */
TEST_F_TIMEOUT(move, write_error_keeps_data, TIMEOUT)
{
	struct move_env *e = &self->e;
	struct slot_info *s = calloc(e->npages, sizeof(*s));
	long f, failed0;

	ASSERT_NE(NULL, s);
	move_start(_metadata, e, false, false);
	fill_buf(_metadata, e, CG, PAGE_RANDOM, 7);
	swap_out(_metadata, e->buf, e->npages);
	f = tier_pages(CG, "fast");
	ASSERT_LE((long)e->npages - SLACK_PAGES, f);

	/* The test config has fault injection: its absence is a failure. */
	ASSERT_EQ(0, make_it_fail_path(slow_dev(), e->fail_path,
				       sizeof(e->fail_path)));
	ASSERT_EQ(0, write_file(FMR "verbose", "0"));
	ASSERT_EQ(0, write_file(FMR "task-filter", "1"));
	ASSERT_EQ(0, write_file(FMR "interval", "1"));
	ASSERT_EQ(0, write_file(FMR "probability", "100"));
	ASSERT_EQ(0, write_file(FMR "times", "-1"));
	ASSERT_EQ(0, write_file(e->fail_path, "1"));
	failed0 = tier_stat("fast", "move_failed");
	ASSERT_EQ(0, write_file("/proc/self/make-it-fail", "1"));
	EXPECT_EQ(-EAGAIN, demote(CG, "4M source=fast"));
	ASSERT_EQ(0, write_file("/proc/self/make-it-fail", "0"));
	ASSERT_EQ(0, write_file(e->fail_path, "0"));
	e->fail_path[0] = '\0';

	EXPECT_EQ(f, tier_pages(CG, "fast")) {
		log_usage(_metadata, CG);
	}
	EXPECT_EQ(0, tier_pages(CG, "slow"));
	EXPECT_LT(0, tier_stat("fast", "move_failed") - failed0);
	ASSERT_EQ(0, slot_tiers(e->type, e->buf, e->npages, s));
	EXPECT_EQ(f, count_on(s, 0, e->npages, "fast"));

	verify(_metadata, e->buf, e->npages, PAGE_RANDOM, 7);

	/*
	 * A failed write leaves its folio dirty in memory (6.12's rule):
	 * written out again, and with the disk working, the data moves.
	 */
	swap_out(_metadata, e->buf, e->npages);
	f = tier_pages(CG, "fast");
	EXPECT_EQ(0, demote(CG, "4M source=fast"));
	EXPECT_EQ(f - 1024, tier_pages(CG, "fast"));
	EXPECT_EQ(1024, tier_pages(CG, "slow"));
	verify(_metadata, e->buf, e->npages, PAGE_RANDOM, 7);
	free(s);
}

struct faulter {
	char *buf;
	size_t npages;
	uint64_t seed;
	bool stop;		/* read with __atomic_load_n() */
	long bad;
};

/* Read pages at random until told to stop; count pages with wrong data. */
static void *fault_loop(void *arg)
{
	struct faulter *f = arg;
	unsigned long x = 88172645463325252UL;

	while (!__atomic_load_n(&f->stop, __ATOMIC_RELAXED)) {
		size_t i;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		i = x % f->npages;
		if (!pattern_page_ok(f->buf + i * page_size, i, PAGE_MIXED,
				     f->seed))
			__atomic_fetch_add(&f->bad, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * Moves racing with faults (two threads reading at random), a forked
 * child that checks its copy and writes its own (COW), munmap of a part
 * of the buffer, and repeated page-outs, while demotions run from every
 * tier; then a swapoff of the fast disk during a demotion.  Every byte of
 * what is left must be right, in parent and child.
 */
TEST_F_TIMEOUT(move, races, TIMEOUT)
{
	struct move_env *e = &self->e;
	struct faulter f = { 0 };
	pthread_t t[2];
	int round, status, err;
	size_t quarter = e->npages / 4;
	pid_t pid;

	move_start(_metadata, e, true, false);
	fill_buf(_metadata, e, CG, PAGE_MIXED, 8);
	f.buf = e->buf;
	f.npages = e->npages - quarter;
	f.seed = 8;
	ASSERT_EQ(0, pthread_create(&t[0], NULL, fault_loop, &f));
	ASSERT_EQ(0, pthread_create(&t[1], NULL, fault_loop, &f));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The child's copy shares the slots until it writes. */
		for (round = 0; round < 20; round++) {
			pageout_all(e->buf, e->npages * page_size);
			if (pattern_check(e->buf, e->npages, PAGE_MIXED, 8,
					  NULL, 0) != -1)
				_exit(1);
		}
		pattern_fill(e->buf, e->npages / 2, PAGE_MIXED, 9);
		pageout_all(e->buf, e->npages * page_size);
		if (pattern_check(e->buf, e->npages / 2, PAGE_MIXED, 9,
				  NULL, 0) != -1)
			_exit(2);
		_exit(0);
	}
	for (round = 0; round < 20; round++) {
		EXPECT_EQ(0, pageout_all(e->buf, (round > 10 ? e->npages -
						  quarter : e->npages) *
					 page_size));
		err = demote(CG, "4M");
		EXPECT_TRUE(!err || err == -EAGAIN) {
			TH_LOG("round %d: demote: %s", round, strerror(-err));
		}
		err = demote(CG, "2M source=fast");
		EXPECT_TRUE(!err || err == -EAGAIN);
		if (round == 10)
			munmap(e->buf + (e->npages - quarter) * page_size,
			       quarter * page_size);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("child status %#x", status);
	}
	__atomic_store_n(&f.stop, true, __ATOMIC_RELAXED);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	EXPECT_EQ(0, f.bad);

	/* swapoff of the fast disk while a child demotes from it. */
	EXPECT_EQ(0, pageout_all(e->buf, (e->npages - quarter) * page_size));
	EXPECT_EQ(-EAGAIN, demote(CG, "1G source=zswap"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		for (round = 0; round < 50; round++)
			demote(CG, "1M source=fast");
		_exit(0);
	}
	EXPECT_EQ(0, swap_off(fast_dev()));
	e->on_fast = false;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, tier_pages(CG, "fast"));
	verify(_metadata, e->buf, e->npages - quarter, PAGE_MIXED, 8);
	munmap(e->buf, (e->npages - quarter) * page_size);
	e->buf = NULL;
	EXPECT_EQ(0, tier_pages(CG, "zswap") + tier_pages(CG, "slow"));
}

TEST_HARNESS_MAIN
