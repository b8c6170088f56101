// SPDX-License-Identifier: GPL-2.0
/*
 * Moves the kernel starts on its own: zswap at its pool limit, and device
 * tiers above their high watermark.
 *
 * 6.12 refuses every store once zswap's pool reaches max_pool_percent,
 * until its shrink worker is back at accept_threshold_percent: the newest
 * pages go to disk while older ones stay compressed in memory.  With the
 * shrinker enabled, a store of a virtual slot at the limit moves the
 * coldest entries down instead, and the worker keeps the pool at its low
 * watermark ahead of need.
 *
 * Tested, with every byte read back: after chunks of a buffer are paged
 * out oldest first past the pool's limit, the newest chunk is in zswap,
 * the oldest on disk, and no chunk is in zswap less than an older one
 * (with the shrinker off, as a control, 6.12's refusals at the limit);
 * a cgroup with memory.zswap.writeback=0 keeps its data in zswap and
 * another cgroup's stores make room from their own; the same with faults,
 * fork, munmap and a swapoff of the disk racing with the stores.  A fast
 * disk above its high watermark has its oldest data moved to the slow one
 * until it is at its low watermark, and then nothing more moves; data a
 * cgroup cannot move (no tier below for it) is skipped, the worker moves
 * the rest and does not spin.  A cgroup's write budget on a tier, spent,
 * sends its writes and moves past the tier, counted; written again, it
 * refills; a parent's bounds its child.  Data older than a tier's
 * max_age_seconds moves down, younger data stays.  Data read back from
 * disk and used goes up to zswap when it is paged out again, with no disk
 * write; for a cgroup without zswap it stays, and is not offered again;
 * switched off, nothing goes up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vswap_test.h"

#define CG		CG_ROOT "/swap-tiers-auto"
#define CG_KEEP		CG_ROOT "/swap-tiers-auto-keep"
#define ZSWAP_PARAM	"/sys/module/zswap/parameters/"
#define ZSWAP_DEBUGFS	"/sys/kernel/debug/zswap/"
#define TWO_TIERS	"+slow:-1 +fast:10"
#define TIER_WM		"/sys/kernel/mm/swap/tier/fast/"
#define PROMOTE_KNOB	"/sys/kernel/mm/swap/vswap_promote"
/* Pages reclaim may leave behind, or a move skip. */
#define SLACK		64L
#define FAST_PRIO	20
#define SLOW_PRIO	0
/* Chunks paged out oldest first; PAGE_HALF compresses to about half. */
#define CHUNK_MB	8
#define NCHUNKS		8
/* Pages a chunk may have elsewhere than the tier it is expected on. */
#define CHUNK_SLACK(n)	((n) / 10)

struct auto_env {
	char *buf;
	size_t npages;		/* of the buffer */
	size_t chunk;		/* pages per chunk */
	long vswap_was, pool_was, thr_was, shrinker_was, promote_was;
	int type;		/* the virtual swap type */
	bool started, on_fast, on_slow, made, keep;
};

FIXTURE(tiers) {
	struct auto_env e;
};

FIXTURE_SETUP(tiers)
{
	struct auto_env *e = &self->e;

	vswap_init();
	e->chunk = VSWAP_MB(CHUNK_MB) / page_size;
	e->npages = NCHUNKS * e->chunk;
	e->vswap_was = read_long(VSWAP_KNOB);
	ASSERT_LE(0, e->vswap_was) {
		TH_LOG("no %s: moves need virtual swap", VSWAP_KNOB);
	}
	e->type = read_long(VSWAP_DEBUGFS "swap_type");
	ASSERT_LE(0, e->type);
	e->pool_was = read_long(ZSWAP_PARAM "max_pool_percent");
	e->thr_was = read_long(ZSWAP_PARAM "accept_threshold_percent");
	ASSERT_LT(0, e->pool_was);
	ASSERT_LT(0, e->thr_was);
	e->shrinker_was = 0;
	e->promote_was = read_long(PROMOTE_KNOB);
	ASSERT_LE(0, e->promote_was);
	ASSERT_FALSE(swap_is_on(fast_dev()));
	ASSERT_FALSE(swap_is_on(slow_dev()));
}

/*
 * Virtual swap and zswap (as @zswap) on, tiers fast and slow, cgroup CG;
 * zswap's pool limited to 2% of RAM (about 20 MiB in the 1 GiB guest:
 * three to four chunks of PAGE_HALF data), its shrinker as @shrinker.
 */
static void auto_start(struct __test_metadata *_metadata, struct auto_env *e,
		       bool zswap, bool shrinker)
{
	char text[8];

	e->started = true;
	cg_destroy(CG);
	cg_destroy(CG_KEEP);
	ASSERT_LE(0, swap_tiers_clear());
	ASSERT_EQ(0, read_text(ZSWAP_PARAM "shrinker_enabled", text,
			       sizeof(text)));
	e->shrinker_was = text[0] == 'Y';
	ASSERT_EQ(0, write_file(ZSWAP_PARAM "max_pool_percent", "2"));
	ASSERT_EQ(0, write_file(ZSWAP_PARAM "accept_threshold_percent", "90"));
	ASSERT_EQ(0, write_file(ZSWAP_PARAM "shrinker_enabled",
				shrinker ? "Y" : "N"));
	ASSERT_EQ(0, zswap_set_enabled(zswap));
	ASSERT_EQ(0, write_file(VSWAP_KNOB, "1"));
	ASSERT_EQ(0, write_file(SWAP_TIERS, TWO_TIERS));
	ASSERT_EQ(0, swap_on(fast_dev(), FAST_PRIO));
	e->on_fast = true;
	ASSERT_EQ(0, swap_on(slow_dev(), SLOW_PRIO));
	e->on_slow = true;
	ASSERT_EQ(0, cg_create(CG));
	e->made = true;
}

static void drop_buf(struct auto_env *e)
{
	if (e->buf)
		munmap(e->buf, e->npages * page_size);
	e->buf = NULL;
}

FIXTURE_TEARDOWN(tiers)
{
	struct auto_env *e = &self->e;

	drop_buf(e);
	if (!e->started)
		return;
	EXPECT_EQ(0, cg_leave());
	if (e->made)
		EXPECT_EQ(0, cg_destroy(CG));
	if (e->keep)
		EXPECT_EQ(0, cg_destroy(CG_KEEP));
	if (e->on_fast)
		EXPECT_EQ(0, swap_off(fast_dev()));
	if (e->on_slow)
		EXPECT_EQ(0, swap_off(slow_dev()));
	EXPECT_EQ(0, zswap_set_enabled(false));
	EXPECT_EQ(0, write_file(ZSWAP_PARAM "max_pool_percent", "%ld",
				e->pool_was));
	EXPECT_EQ(0, write_file(ZSWAP_PARAM "accept_threshold_percent", "%ld",
				e->thr_was));
	EXPECT_EQ(0, write_file(ZSWAP_PARAM "shrinker_enabled",
				e->shrinker_was ? "Y" : "N"));
	EXPECT_LE(0, swap_tiers_clear());
	EXPECT_EQ(0, write_file(VSWAP_KNOB, "%ld", e->vswap_was));
	EXPECT_EQ(0, write_file(PROMOTE_KNOB, "%ld", e->promote_was));
}

/* A buffer of PAGE_HALF pages with @seed, charged to @cg. */
static void fill_buf(struct __test_metadata *_metadata, struct auto_env *e,
		     const char *cg, uint64_t seed)
{
	drop_buf(e);
	ASSERT_EQ(0, cg_enter(cg));
	e->buf = map_filled(e->npages, PAGE_HALF, seed);
	ASSERT_NE(NULL, e->buf);
}

/*
 * Page out chunks [@first, @last) of the buffer, oldest first, each
 * written before the next (unless other writes keep going: @racing).
 */
static void page_out_chunks(struct __test_metadata *_metadata,
			    struct auto_env *e, int first, int last,
			    bool racing)
{
	int c, err;

	for (c = first; c < last; c++) {
		EXPECT_EQ(0, pageout_all(e->buf + c * e->chunk * page_size,
					 e->chunk * page_size));
		/*
		 * Let the chunk's writes settle before the next.  The shrink
		 * worker's moves, queued at the pool limit, write on in the
		 * background, for more than 30 s on a debug kernel: that is
		 * not this chunk's page-out, and where the data went is
		 * checked afterwards, so a long wait is noted, not failed.
		 */
		err = writeback_wait();
		if (err)
			err = writeback_wait();
		if (err)
			err = writeback_wait();
		if (err && !racing)
			TH_LOG("chunk %d: pages still under writeback after 30 s",
			       c);
	}
}

/* Per chunk, how many of its pages are where; logged as a table. */
struct chunk_count {
	long zswap, disk, resident, other;
};

static void count_chunks(struct __test_metadata *_metadata,
			 const struct auto_env *e, struct chunk_count *cc)
{
	struct slot_info *s = calloc(e->npages, sizeof(*s));
	size_t c;

	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, slot_tiers(e->type, e->buf, e->npages, s));
	for (c = 0; c < NCHUNKS; c++) {
		size_t first = c * e->chunk;

		cc[c].zswap = count_on(s, first, e->chunk, "zswap");
		cc[c].disk = count_on(s, first, e->chunk, "fast") +
			     count_on(s, first, e->chunk, "slow");
		cc[c].resident = count_on(s, first, e->chunk, "resident");
		cc[c].other = e->chunk - cc[c].zswap - cc[c].disk -
			      cc[c].resident;
		TH_LOG("chunk %zu (oldest 0): zswap %ld disk %ld resident %ld other %ld",
		       c, cc[c].zswap, cc[c].disk, cc[c].resident,
		       cc[c].other);
	}
	free(s);
}

/*
 * The newest data is in zswap and the oldest on disk: chunk by chunk,
 * oldest first, past the limit, then each chunk's share in zswap.
 */
static void expect_age_order(struct __test_metadata *_metadata,
			     const struct auto_env *e,
			     const struct chunk_count *cc, int first)
{
	long slack = CHUNK_SLACK((long)e->chunk);
	int c;

	EXPECT_LE((long)e->chunk - slack, cc[NCHUNKS - 1].zswap) {
		TH_LOG("the newest chunk is not in zswap");
	}
	EXPECT_LE((long)e->chunk - slack, cc[first].disk) {
		TH_LOG("the oldest chunk is not on disk");
	}
	for (c = first + 1; c < NCHUNKS; c++)
		EXPECT_LE(cc[c - 1].zswap - slack, cc[c].zswap) {
			TH_LOG("chunk %d is in zswap less than older chunk %d",
			       c, c - 1);
		}
}

/*
 * Eight chunks paged out oldest first into a pool that holds under four:
 * at the limit each store moves the coldest entries down, so the newest
 * chunk ends in zswap, the oldest on disk, in order.  With the shrinker
 * off (6.12's behaviour) the limit refuses stores and the newest pages go
 * to disk.
 */
TEST_F_TIMEOUT(tiers, pool_limit_keeps_newest, TIMEOUT)
{
	struct auto_env *e = &self->e;
	struct chunk_count cc[NCHUNKS];
	long made0, made;

	auto_start(_metadata, e, true, true);
	fill_buf(_metadata, e, CG, 1);
	made0 = read_long(ZSWAP_DEBUGFS "pool_room_made");
	page_out_chunks(_metadata, e, 0, NCHUNKS, false);
	made = read_long(ZSWAP_DEBUGFS "pool_room_made") - made0;
	TH_LOG("stores that made room: %ld; pool %ld KiB", made,
	       read_long(ZSWAP_DEBUGFS "pool_total_size") >> 10);
	count_chunks(_metadata, e, cc);
	expect_age_order(_metadata, e, cc, 0);
	EXPECT_LT(0, made);
	EXPECT_LT(0, tier_event(CG, "fast", "moved_in"));
	verify(_metadata, e->buf, e->npages, PAGE_HALF, 1);
}

/*
 * The control: with the shrinker off the limit refuses stores as in 6.12,
 * and part of the newest chunk goes to disk while older data stays in
 * zswap.  No store makes room.
 */
TEST_F_TIMEOUT(tiers, pool_limit_refuses_without_shrinker, TIMEOUT)
{
	struct auto_env *e = &self->e;
	struct chunk_count cc[NCHUNKS];
	long made0, hit0;

	auto_start(_metadata, e, true, false);
	fill_buf(_metadata, e, CG, 9);
	made0 = read_long(ZSWAP_DEBUGFS "pool_room_made");
	hit0 = read_long(ZSWAP_DEBUGFS "pool_limit_hit");
	page_out_chunks(_metadata, e, 0, NCHUNKS, false);
	count_chunks(_metadata, e, cc);
	EXPECT_EQ(made0, read_long(ZSWAP_DEBUGFS "pool_room_made"));
	EXPECT_LT(hit0, read_long(ZSWAP_DEBUGFS "pool_limit_hit"));
	EXPECT_GT((long)e->chunk - CHUNK_SLACK((long)e->chunk),
		  cc[NCHUNKS - 1].zswap) {
		TH_LOG("the newest chunk is in zswap without the shrinker");
	}
	verify(_metadata, e->buf, e->npages, PAGE_HALF, 9);
}

/*
 * A cgroup with memory.zswap.writeback=0 puts its data in zswap first; the
 * stores of another cgroup at the limit cannot move its entries, skip
 * them and move their own oldest.  The first cgroup's data stays in zswap,
 * the second's newest chunk is in zswap and its oldest on disk.
 */
TEST_F_TIMEOUT(tiers, pool_limit_skips_unmovable, TIMEOUT)
{
	struct auto_env *e = &self->e;
	struct chunk_count cc[NCHUNKS];
	size_t keep_pages = VSWAP_MB(4) / page_size;
	char *keep;
	long kept;

	auto_start(_metadata, e, true, true);
	ASSERT_EQ(0, cg_create(CG_KEEP));
	e->keep = true;
	ASSERT_EQ(0, write_file_at(CG_KEEP, "memory.zswap.writeback", "0"));
	ASSERT_EQ(0, cg_enter(CG_KEEP));
	keep = map_filled(keep_pages, PAGE_HALF, 2);
	ASSERT_NE(NULL, keep);
	EXPECT_EQ(0, pageout_all(keep, keep_pages * page_size));
	fill_buf(_metadata, e, CG, 3);
	page_out_chunks(_metadata, e, 0, NCHUNKS, false);

	kept = tier_pages(CG_KEEP, "zswap");
	TH_LOG("%s: %ld of %zu pages in zswap", CG_KEEP, kept, keep_pages);
	EXPECT_LE((long)keep_pages - CHUNK_SLACK((long)keep_pages), kept);
	EXPECT_EQ(0, tier_event(CG_KEEP, "zswap", "moved_out"));
	count_chunks(_metadata, e, cc);
	expect_age_order(_metadata, e, cc, 0);
	verify(_metadata, e->buf, e->npages, PAGE_HALF, 3);
	ASSERT_EQ(0, cg_enter(CG));
	EXPECT_EQ(-1, pattern_check(keep, keep_pages, PAGE_HALF, 2, NULL, 0));
	munmap(keep, keep_pages * page_size);
}

struct faulter {
	char *buf;
	size_t npages;
	uint64_t seed;
	bool stop;
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
		if (!pattern_page_ok(f->buf + i * page_size, i, PAGE_HALF,
				     f->seed))
			__atomic_fetch_add(&f->bad, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * Stores at the pool limit, and the worker, racing with two threads
 * faulting pages back, a forked child checking its copy and writing its
 * own (COW), munmap of the last quarter, and, at the end, a swapoff of
 * the fast disk while a child keeps paging out.  Every byte left must be
 * right, in parent and child.
 */
TEST_F_TIMEOUT(tiers, pool_limit_races, TIMEOUT)
{
	struct auto_env *e = &self->e;
	size_t quarter = e->npages / 4;
	struct faulter f = { 0 };
	int round, status;
	pthread_t t[2];
	pid_t pid;

	auto_start(_metadata, e, true, true);
	fill_buf(_metadata, e, CG, 4);
	f.buf = e->buf;
	f.npages = e->npages - quarter;
	f.seed = 4;
	ASSERT_EQ(0, pthread_create(&t[0], NULL, fault_loop, &f));
	ASSERT_EQ(0, pthread_create(&t[1], NULL, fault_loop, &f));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		for (round = 0; round < 6; round++) {
			pageout_all(e->buf, e->npages * page_size);
			if (pattern_check(e->buf, e->npages, PAGE_HALF, 4,
					  NULL, 0) != -1)
				_exit(1);
		}
		pattern_fill(e->buf, e->npages / 2, PAGE_HALF, 5);
		pageout_all(e->buf, e->npages * page_size);
		if (pattern_check(e->buf, e->npages / 2, PAGE_HALF, 5,
				  NULL, 0) != -1)
			_exit(2);
		_exit(0);
	}
	for (round = 0; round < 6; round++) {
		page_out_chunks(_metadata, e, 0, round > 2 ? NCHUNKS * 3 / 4 :
						 NCHUNKS, true);
		if (round == 2)
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

	/* swapoff of the fast disk while a child's stores make room. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		for (round = 0; round < 4; round++) {
			pageout_all(e->buf, (e->npages - quarter) * page_size);
			if (pattern_check(e->buf, e->npages - quarter,
					  PAGE_HALF, 4, NULL, 0) != -1)
				_exit(1);
		}
		_exit(0);
	}
	EXPECT_EQ(0, swap_off(fast_dev()));
	e->on_fast = false;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("child status %#x", status);
	}
	EXPECT_EQ(0, tier_pages(CG, "fast"));
	verify(_metadata, e->buf, e->npages - quarter, PAGE_HALF, 4);
	munmap(e->buf, (e->npages - quarter) * page_size);
	e->buf = NULL;
}

/* Pages of [@first, @first + @n) of the buffer on zswap and on disk. */
static void count_range(struct __test_metadata *_metadata,
			const struct auto_env *e, size_t first, size_t n,
			long *zswap, long *disk)
{
	struct slot_info *s = calloc(e->npages, sizeof(*s));

	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, slot_tiers(e->type, e->buf, e->npages, s));
	*zswap = count_on(s, first, n, "zswap");
	*disk = count_on(s, first, n, "fast") + count_on(s, first, n, "slow");
	free(s);
}

/* Where read_pages() leaves its sum, so that its reads are kept. */
uint64_t read_pages_sum;

/* Fault every page of [@buf, @buf + @n pages) in by reading one word. */
static void read_pages(const char *buf, size_t n)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += *(const uint64_t *)(buf + i * page_size);
	read_pages_sum += sum;
}

/*
 * Page out chunk @c after reading it back from disk (all of it resident
 * first), and count where it went: zswap, disk, and the promotions and
 * disk writes meanwhile.
 */
static void read_and_page_out(struct __test_metadata *_metadata,
			      struct auto_env *e, int c, long *z, long *d,
			      long *promoted, long *written)
{
	char *chunk = e->buf + c * e->chunk * page_size;
	long p0, w0;

	read_pages(chunk, e->chunk);
	EXPECT_EQ((long)e->chunk, count_present(chunk, e->chunk));
	p0 = vmstat_read("vswap_promote");
	w0 = vmstat_read("pswpout");
	EXPECT_EQ(0, pageout_all(chunk, e->chunk * page_size));
	EXPECT_EQ(0, writeback_wait());
	*promoted = vmstat_read("vswap_promote") - p0;
	*written = vmstat_read("pswpout") - w0;
	count_range(_metadata, e, c * e->chunk, e->chunk, z, d);
	TH_LOG("chunk %d read back, paged out: zswap %ld disk %ld, promoted %ld, disk writes %ld",
	       c, *z, *d, *promoted, *written);
}

/*
 * Data read back from disk and only read since goes up to zswap when it
 * is paged out again: its disk slot freed, the tier charge moved, nothing
 * written to disk.  For a cgroup that may not use zswap the pages stay on
 * disk with no write, and a disk copy zswap refused once is not offered
 * again.  Switched off, nothing moves up; bad input is refused.
 */
TEST_F_TIMEOUT(tiers, promote_read_back, TIMEOUT)
{
	struct auto_env *e = &self->e;
	long n = e->chunk, slack = CHUNK_SLACK(n);
	long z, d, promoted, written, fast0, tier0;

	/* Three chunks to the fast disk, zswap off. */
	auto_start(_metadata, e, false, true);
	ASSERT_EQ(0, write_file(PROMOTE_KNOB, "1"));
	fill_buf(_metadata, e, CG, 21);
	EXPECT_EQ(0, pageout_all(e->buf, 3 * n * page_size));
	EXPECT_EQ(0, writeback_wait());
	count_range(_metadata, e, 0, 3 * n, &z, &d);
	ASSERT_LE(3 * n - slack, d);
	ASSERT_EQ(0, zswap_set_enabled(true));

	/* Chunk 0 goes up: in zswap, off the fast disk, counted once. */
	fast0 = tier_pages(CG, "fast");
	tier0 = tier_stat("fast", "promoted");
	read_and_page_out(_metadata, e, 0, &z, &d, &promoted, &written);
	EXPECT_LE(n - slack, z);
	EXPECT_LE(n - slack, promoted);
	EXPECT_GE(n, promoted);
	EXPECT_EQ(promoted, tier_stat("fast", "promoted") - tier0);
	EXPECT_EQ(0, written);
	EXPECT_LE(n - slack, fast0 - tier_pages(CG, "fast"));
	EXPECT_LE(n - slack, tier_pages(CG, "zswap"));

	/* zswap left out for the cgroup: chunk 1 stays, nothing written. */
	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "zswap 0"));
	read_and_page_out(_metadata, e, 1, &z, &d, &promoted, &written);
	EXPECT_EQ(0, z);
	EXPECT_LE(n - slack, d);
	EXPECT_EQ(0, promoted);
	EXPECT_EQ(0, written);

	/* zswap allowed again: chunk 1 was offered once, and stays. */
	ASSERT_EQ(0, write_file_at(CG, "memory.swap.tiers.max", "zswap max"));
	read_and_page_out(_metadata, e, 1, &z, &d, &promoted, &written);
	EXPECT_EQ(0, z);
	EXPECT_LE(n - slack, d);
	EXPECT_EQ(0, promoted);

	/* Switched off: chunk 2 stays; bad input changes nothing. */
	ASSERT_EQ(0, write_file(PROMOTE_KNOB, "0"));
	EXPECT_EQ(-EINVAL, write_file(PROMOTE_KNOB, "2"));
	EXPECT_EQ(-EINVAL, write_file(PROMOTE_KNOB, "1 0"));
	EXPECT_EQ(0, read_long(PROMOTE_KNOB));
	read_and_page_out(_metadata, e, 2, &z, &d, &promoted, &written);
	EXPECT_EQ(0, z);
	EXPECT_LE(n - slack, d);
	EXPECT_EQ(0, promoted);

	/* Switched on again: chunk 2 goes up. */
	ASSERT_EQ(0, write_file(PROMOTE_KNOB, "1"));
	read_and_page_out(_metadata, e, 2, &z, &d, &promoted, &written);
	EXPECT_LE(n - slack, z);
	EXPECT_LE(n - slack, promoted);
	verify(_metadata, e->buf, 3 * n, PAGE_HALF, 21);
}

/*
 * The fast tier's watermarks.  low must stay below high at every write:
 * lowering, low goes first; raising, high does.
 */
static int fast_watermarks(unsigned int high, unsigned int low)
{
	if (!write_file(TIER_WM "low_percent", "%u", low))
		return write_file(TIER_WM "high_percent", "%u", high);
	if (write_file(TIER_WM "high_percent", "%u", high))
		return -1;
	return write_file(TIER_WM "low_percent", "%u", low);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait up to 10 s until the worker has not run for a second. */
static long passes_settled(void)
{
	long passes = read_long(VSWAP_DEBUGFS "watermark_passes"), last;
	int i;

	for (i = 0; i < 10; i++) {
		sleep(1);
		last = passes;
		passes = read_long(VSWAP_DEBUGFS "watermark_passes");
		if (passes == last)
			break;
	}
	return passes;
}

/* Wait up to 20 s until the fast tier holds at most @pages. */
static long wait_fast_at_most(long pages)
{
	long stored = tier_stat("fast", "stored");
	int i;

	for (i = 0; i < 200 && stored > pages; i++) {
		usleep(100000);
		stored = tier_stat("fast", "stored");
	}
	return stored;
}

/*
 * The worker starts when a CPU takes a batch of slots from the tier:
 * page out @npages new pages of @cg (a few batches), after a second, so
 * that a tier the worker backed off from is looked at again.  The pages
 * are kept in @trig, to be checked and unmapped by the caller.
 */
static char *trigger_worker(struct __test_metadata *_metadata, const char *cg,
			    size_t npages)
{
	char *trig;

	usleep(1100000);
	if (cg_enter(cg))
		return NULL;
	trig = map_filled(npages, PAGE_HALF, 99);
	if (trig)
		EXPECT_EQ(0, pageout_all(trig, npages * page_size));
	return trig;
}

#define TRIGGER_PAGES	256

/*
 * 48 MiB paged out to the fast disk (2 GiB) in six chunks, oldest first,
 * with its watermarks off; then high 2% and low 1%, and a few more pages
 * out: the worker moves the oldest chunks to the slow disk until the tier
 * is at its low watermark, and then nothing more moves.
 */
TEST_F_TIMEOUT(tiers, watermark_high_to_low, TIMEOUT)
{
	struct auto_env *e = &self->e;
	long slack = TRIGGER_PAGES + 2 * 64 * sysconf(_SC_NPROCESSORS_ONLN);
	long total, low, stored, out, passes;
	size_t c, nchunks = 6;
	struct slot_info *s;
	char *trig;

	auto_start(_metadata, e, false, false);
	total = swap_size_kb(fast_dev()) * 1024 / (long)page_size;
	low = total / 100;
	ASSERT_LT(2 * low, (long)(nchunks * e->chunk));
	e->npages = nchunks * e->chunk;
	fill_buf(_metadata, e, CG, 6);
	page_out_chunks(_metadata, e, 0, nchunks, false);
	EXPECT_EQ(0, tier_stat("fast", "moved_out"));

	ASSERT_EQ(0, fast_watermarks(2, 1));
	trig = trigger_worker(_metadata, CG, TRIGGER_PAGES);
	ASSERT_NE(NULL, trig);
	stored = wait_fast_at_most(low + slack);
	TH_LOG("fast: %ld slots of %ld in use (low %ld), slow %ld; passes %ld",
	       stored, total, low, tier_stat("slow", "stored"),
	       read_long(VSWAP_DEBUGFS "watermark_passes"));
	EXPECT_GE(low + slack, stored);
	EXPECT_LE(low - slack, stored);
	EXPECT_LT(0, tier_event(CG, "fast", "moved_out"));

	/* At the low watermark the worker stops. */
	sleep(1);
	out = tier_stat("fast", "moved_out");
	passes = read_long(VSWAP_DEBUGFS "watermark_passes");
	sleep(2);
	EXPECT_EQ(out, tier_stat("fast", "moved_out"));
	EXPECT_EQ(passes, read_long(VSWAP_DEBUGFS "watermark_passes"));

	/* The oldest went: the first chunk on slow, the last on fast. */
	s = calloc(e->npages, sizeof(*s));
	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, slot_tiers(e->type, e->buf, e->npages, s));
	for (c = 0; c < nchunks; c++)
		TH_LOG("chunk %zu (oldest 0): fast %ld slow %ld", c,
		       count_on(s, c * e->chunk, e->chunk, "fast"),
		       count_on(s, c * e->chunk, e->chunk, "slow"));
	/* A CPU's cached slots of an older cluster may stamp it anew. */
	EXPECT_LE((long)e->chunk - slack, count_on(s, 0, e->chunk, "slow"));
	EXPECT_LE((long)e->chunk - slack,
		  count_on(s, (nchunks - 1) * e->chunk, e->chunk, "fast"));
	free(s);
	verify(_metadata, e->buf, e->npages, PAGE_HALF, 6);
	EXPECT_EQ(-1, pattern_check(trig, TRIGGER_PAGES, PAGE_HALF, 99,
				    NULL, 0));
	munmap(trig, TRIGGER_PAGES * page_size);
}

/*
 * A cgroup that may not use the slow tier has the oldest data on the fast
 * one; another cgroup's newer data follows; then the watermarks (2% and
 * 1%) put the tier above high.  The worker cannot move the first
 * cgroup's data: it skips it and moves the other's, and, unable to reach
 * the low watermark, backs off instead of spinning while the first cgroup
 * keeps writing.
 */
TEST_F_TIMEOUT(tiers, watermark_skips_unmovable, TIMEOUT)
{
	struct auto_env *e = &self->e;
	size_t keep_pages = VSWAP_MB(48) / page_size;
	long passes, waited;
	char *keep, *trig;
	double t0, t;
	int rounds;

	auto_start(_metadata, e, false, false);
	ASSERT_EQ(0, cg_create(CG_KEEP));
	e->keep = true;
	ASSERT_EQ(0, write_file_at(CG_KEEP, "memory.swap.tiers.max", "slow 0"));
	ASSERT_EQ(0, cg_enter(CG_KEEP));
	keep = map_filled(keep_pages, PAGE_HALF, 7);
	ASSERT_NE(NULL, keep);
	EXPECT_EQ(0, pageout_all(keep, keep_pages * page_size));
	EXPECT_EQ(0, writeback_wait());
	e->npages = 2 * e->chunk;
	fill_buf(_metadata, e, CG, 8);
	page_out_chunks(_metadata, e, 0, 2, false);
	ASSERT_EQ(0, fast_watermarks(2, 1));
	trig = trigger_worker(_metadata, CG, TRIGGER_PAGES);
	ASSERT_NE(NULL, trig);

	/* CG's data leaves the fast tier; CG_KEEP's stays. */
	for (waited = 0; waited < 200; waited++) {
		if (tier_pages(CG, "slow") >= (long)e->npages - SLACK)
			break;
		usleep(100000);
	}
	TH_LOG("%s: fast %ld slow %ld; %s: fast %ld slow %ld",
	       CG_KEEP, tier_pages(CG_KEEP, "fast"),
	       tier_pages(CG_KEEP, "slow"), CG, tier_pages(CG, "fast"),
	       tier_pages(CG, "slow"));
	EXPECT_LE((long)keep_pages - SLACK, tier_pages(CG_KEEP, "fast"));
	EXPECT_EQ(0, tier_pages(CG_KEEP, "slow"));
	EXPECT_LE((long)e->npages - SLACK, tier_pages(CG, "slow"));

	/*
	 * Above high with nothing movable, while CG_KEEP rewrites and pages
	 * out its data (new slots: the trigger fires): a run a second.
	 */
	passes = passes_settled();
	t0 = now_s();
	for (rounds = 0; now_s() - t0 < 3; rounds++) {
		ASSERT_EQ(0, cg_enter(CG_KEEP));
		pattern_fill(keep, keep_pages, PAGE_HALF, 7);
		EXPECT_EQ(0, pageout_all(keep, keep_pages * page_size));
	}
	t = now_s() - t0;
	passes = read_long(VSWAP_DEBUGFS "watermark_passes") - passes;
	TH_LOG("%d rewrites of %s in %.1f s: %ld watermark passes", rounds,
	       CG_KEEP, t, passes);
	EXPECT_LT(0, rounds);
	EXPECT_GE((long)t + 2, passes);
	EXPECT_EQ(0, tier_pages(CG_KEEP, "slow"));

	ASSERT_EQ(0, cg_enter(CG));
	verify(_metadata, e->buf, e->npages, PAGE_HALF, 8);
	EXPECT_EQ(-1, pattern_check(keep, keep_pages, PAGE_HALF, 7, NULL, 0));
	EXPECT_EQ(-1, pattern_check(trig, TRIGGER_PAGES, PAGE_HALF, 99,
				    NULL, 0));
	munmap(keep, keep_pages * page_size);
	munmap(trig, TRIGGER_PAGES * page_size);
}

/*
 * The watermark files: device tiers only; a new tier starts at 100 and
 * 90; values 0 to 100 with low below high, anything else -EINVAL and
 * nothing changed; a tier made again starts at the defaults.
 */
TEST_F_TIMEOUT(tiers, watermark_bad_input, TIMEOUT)
{
	struct auto_env *e = &self->e;
	static const char * const bad[] = { "101", "-1", "abc", "1.5",
					     "0x10" };
	char text[32];
	size_t i;

	auto_start(_metadata, e, false, false);
	EXPECT_NE(0, access("/sys/kernel/mm/swap/tier/zswap/high_percent",
			    F_OK));
	EXPECT_EQ(100, read_long(TIER_WM "high_percent"));
	EXPECT_EQ(90, read_long(TIER_WM "low_percent"));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, write_file(TIER_WM "high_percent", "%s",
					      bad[i]));
		EXPECT_EQ(-EINVAL, write_file(TIER_WM "low_percent", "%s",
					      bad[i]));
	}
	/* low must stay below high. */
	EXPECT_EQ(-EINVAL, write_file(TIER_WM "high_percent", "90"));
	EXPECT_EQ(-EINVAL, write_file(TIER_WM "low_percent", "100"));
	EXPECT_EQ(0, write_file(TIER_WM "low_percent", "10"));
	EXPECT_EQ(0, write_file(TIER_WM "high_percent", "20"));
	EXPECT_EQ(-EINVAL, write_file(TIER_WM "low_percent", "20"));
	EXPECT_EQ(-EINVAL, write_file(TIER_WM "high_percent", "5"));
	EXPECT_EQ(20, read_long(TIER_WM "high_percent"));
	EXPECT_EQ(10, read_long(TIER_WM "low_percent"));

	/* A tier made again in its place starts at the defaults. */
	EXPECT_EQ(0, swap_off(fast_dev()));
	e->on_fast = false;
	EXPECT_EQ(0, write_file(SWAP_TIERS, "-fast"));
	EXPECT_EQ(0, write_file(SWAP_TIERS, "+fast:10"));
	EXPECT_EQ(0, read_text(TIER_WM "high_percent", text, sizeof(text)));
	EXPECT_STREQ("100\n", text);
	EXPECT_EQ(90, read_long(TIER_WM "low_percent"));
}

/* Write @text to @cg's memory.swap.tiers.budget: 0 or -errno. */
static int write_budget(const char *cg, const char *text)
{
	return write_file_at(cg, "memory.swap.tiers.budget", "%s", text);
}

static void expect_budget(struct __test_metadata *_metadata, const char *cg,
			  const char *want)
{
	char text[256];

	ASSERT_EQ(0, cg_read(cg, "memory.swap.tiers.budget", text,
			     sizeof(text)));
	EXPECT_STREQ(want, text);
}

/* Page out @npages new pages of @cg, seed @seed; the mapping is returned. */
static char *page_out_new(struct __test_metadata *_metadata, const char *cg,
			  size_t npages, uint64_t seed)
{
	char *p;

	if (cg_enter(cg))
		return NULL;
	p = map_filled(npages, PAGE_HALF, seed);
	if (p) {
		EXPECT_EQ(0, pageout_all(p, npages * page_size));
		EXPECT_EQ(0, writeback_wait());
	}
	return p;
}

/*
 * memory.swap.tiers.budget: 8 MiB on the fast tier take the first 8 MiB
 * of a 16 MiB page-out, the rest goes to the slow tier and is counted as
 * "budget" events; the file then says 0.  Writing 4 MiB refills it for
 * 4 MiB more.  A demotion out of zswap skips the spent tier.  A
 * parent's budget bounds its child.  Bad input changes nothing.
 */
TEST_F_TIMEOUT(tiers, budget_spent_skips_tier, TIMEOUT)
{
	struct auto_env *e = &self->e;
	size_t n16 = VSWAP_MB(16) / page_size, n8 = n16 / 2, n4 = n16 / 4;
	long slack = 64 * sysconf(_SC_NPROCESSORS_ONLN), fast, slow;
	char *a, *b, *c, *z;
	static const char * const bad[] = {
		"zswap 1M", "fast", "fast 1M slow 1M", "nosuch 1M", "fast -1",
		"fast 0x10", "fast 1Q", "max",
	};
	size_t i;

	auto_start(_metadata, e, false, false);
	expect_budget(_metadata, CG, "fast max\nslow max\n");
	ASSERT_EQ(0, write_budget(CG, "fast 8M"));
	expect_budget(_metadata, CG, "fast 8388608\nslow max\n");
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, write_budget(CG, bad[i])) {
			TH_LOG("bad input %zu was taken", i);
		}
	expect_budget(_metadata, CG, "fast 8388608\nslow max\n");

	a = page_out_new(_metadata, CG, n16, 11);
	ASSERT_NE(NULL, a);
	fast = tier_pages(CG, "fast");
	slow = tier_pages(CG, "slow");
	TH_LOG("16 MiB with 8 MiB of budget: fast %ld slow %ld, budget events %ld",
	       fast, slow, tier_event(CG, "fast", "budget"));
	EXPECT_GE((long)n8 + slack, fast);
	EXPECT_LE((long)n8 - slack, fast);
	EXPECT_LE((long)n16 - SLACK, fast + slow);
	EXPECT_LT(0, tier_event(CG, "fast", "budget"));
	expect_budget(_metadata, CG, "fast 0\nslow max\n");

	/* A refill: 4 MiB more. */
	ASSERT_EQ(0, write_budget(CG, "fast 4M"));
	b = page_out_new(_metadata, CG, n8, 12);
	ASSERT_NE(NULL, b);
	TH_LOG("8 MiB more with 4 MiB of budget: fast %ld (+%ld)",
	       tier_pages(CG, "fast"), tier_pages(CG, "fast") - fast);
	EXPECT_GE((long)n4 + slack, tier_pages(CG, "fast") - fast);
	EXPECT_LE((long)n4 - slack, tier_pages(CG, "fast") - fast);

	/* A demotion out of zswap skips the spent fast tier. */
	ASSERT_EQ(0, zswap_set_enabled(true));
	fast = tier_pages(CG, "fast");
	slow = tier_pages(CG, "slow");
	z = page_out_new(_metadata, CG, n4, 14);
	ASSERT_NE(NULL, z);
	EXPECT_LE((long)n4 - SLACK, tier_pages(CG, "zswap"));
	/* What reclaim may have left in memory does not count. */
	EXPECT_EQ(0, write_file_at(CG, "memory.swap.tiers.demote",
				   "%zu source=zswap",
				   (n4 - SLACK) * page_size));
	EXPECT_EQ(fast, tier_pages(CG, "fast"));
	EXPECT_LE(slow + (long)n4 - SLACK, tier_pages(CG, "slow"));

	/*
	 * A parent's budget bounds its child's writes (zswap off again: the
	 * pages go to a disk).  A cgroup with processes cannot have
	 * children: leave it.
	 */
	ASSERT_EQ(0, zswap_set_enabled(false));
	ASSERT_EQ(0, cg_leave());
	ASSERT_EQ(0, cg_create(CG "/child"));
	ASSERT_EQ(0, write_budget(CG, "fast 4M"));
	c = page_out_new(_metadata, CG "/child", n8, 13);
	ASSERT_NE(NULL, c);
	TH_LOG("child, 8 MiB under a parent's 4 MiB: fast %ld",
	       tier_pages(CG "/child", "fast"));
	EXPECT_GE((long)n4 + slack, tier_pages(CG "/child", "fast"));
	EXPECT_LE((long)n4 - slack, tier_pages(CG "/child", "fast"));
	expect_budget(_metadata, CG "/child", "fast max\nslow max\n");
	expect_budget(_metadata, CG, "fast 0\nslow max\n");

	ASSERT_EQ(0, cg_leave());
	EXPECT_EQ(-1, pattern_check(a, n16, PAGE_HALF, 11, NULL, 0));
	EXPECT_EQ(-1, pattern_check(b, n8, PAGE_HALF, 12, NULL, 0));
	EXPECT_EQ(-1, pattern_check(c, n8, PAGE_HALF, 13, NULL, 0));
	EXPECT_EQ(-1, pattern_check(z, n4, PAGE_HALF, 14, NULL, 0));
	munmap(a, n16 * page_size);
	munmap(b, n8 * page_size);
	munmap(c, n8 * page_size);
	munmap(z, n4 * page_size);
	EXPECT_EQ(0, cg_destroy(CG "/child"));
}

/* Wait up to @secs until @cg has at least @pages on the slow tier. */
static double wait_on_slow(const char *cg, long pages, double secs)
{
	double t0 = now_s();

	while (tier_pages(cg, "slow") < pages && now_s() - t0 < secs)
		usleep(100000);
	return now_s() - t0;
}

/*
 * max_age_seconds: with 3 s on the fast tier, data paged out there moves
 * to the slow tier once it is 3 s old and not before; data written later
 * stays until it is as old; with 0, nothing moves.  Bad input -EINVAL.
 */
TEST_F_TIMEOUT(tiers, age_moves_old_data, TIMEOUT)
{
	struct auto_env *e = &self->e;
	size_t n = e->chunk;
	long slack = 2 * 64 * sysconf(_SC_NPROCESSORS_ONLN);
	double written, waited, young;
	char *a, *b, *c;

	auto_start(_metadata, e, false, false);
	EXPECT_EQ(0, read_long(TIER_WM "max_age_seconds"));
	EXPECT_EQ(-EINVAL, write_file(TIER_WM "max_age_seconds", "-1"));
	EXPECT_EQ(-EINVAL, write_file(TIER_WM "max_age_seconds", "abc"));
	EXPECT_EQ(-EINVAL, write_file(TIER_WM "max_age_seconds",
				      "400000000"));
	EXPECT_NE(0, access("/sys/kernel/mm/swap/tier/zswap/max_age_seconds",
			    F_OK));
	EXPECT_EQ(0, read_long(TIER_WM "max_age_seconds"));

	/* Off: nothing moves. */
	c = page_out_new(_metadata, CG, n, 21);
	ASSERT_NE(NULL, c);
	sleep(4);
	EXPECT_EQ(0, tier_pages(CG, "slow"));

	/* 3 s: what is older moves (c is 4 s old), and no sooner. */
	ASSERT_EQ(0, write_file(TIER_WM "max_age_seconds", "3"));
	wait_on_slow(CG, n - slack, 10);
	EXPECT_LE((long)n - slack, tier_pages(CG, "slow")) {
		TH_LOG("data older than the age did not move");
	}
	a = page_out_new(_metadata, CG, n, 22);
	ASSERT_NE(NULL, a);
	written = now_s();
	young = tier_pages(CG, "slow");
	usleep(1500000);
	/* 1.5 s old: still on fast. */
	EXPECT_GE(young + slack, tier_pages(CG, "slow"));
	waited = wait_on_slow(CG, young + n - slack, 10) + 1.5;
	TH_LOG("a chunk written at %.1f s moved after %.1f s (age 3 s)",
	       written, now_s() - written);
	EXPECT_LE(young + (long)n - slack, tier_pages(CG, "slow"));
	EXPECT_LE(2.5, waited);

	/* Off again: new data stays (a run under way may finish first). */
	ASSERT_EQ(0, write_file(TIER_WM "max_age_seconds", "0"));
	sleep(2);
	young = tier_pages(CG, "slow");
	b = page_out_new(_metadata, CG, n, 23);
	ASSERT_NE(NULL, b);
	sleep(5);
	EXPECT_EQ(young, tier_pages(CG, "slow"));

	ASSERT_EQ(0, cg_leave());
	EXPECT_EQ(-1, pattern_check(a, n, PAGE_HALF, 22, NULL, 0));
	EXPECT_EQ(-1, pattern_check(b, n, PAGE_HALF, 23, NULL, 0));
	EXPECT_EQ(-1, pattern_check(c, n, PAGE_HALF, 21, NULL, 0));
	munmap(a, n * page_size);
	munmap(b, n * page_size);
	munmap(c, n * page_size);
}

TEST_HARNESS_MAIN
