// SPDX-License-Identifier: GPL-2.0
/*
 * Swap tiers per cgroup: memory.swap.tiers.max.
 *
 * Every non-root cgroup has the file: one "TIER VALUE" line per tier,
 * zswap first, then the device tiers of /sys/kernel/mm/swap/tiers highest
 * first, VALUE "max" (the default), "0" or a byte limit (in pages, shown
 * in bytes).  A write sets one tier of the cgroup: exactly one "TIER
 * VALUE" pair, the value as memory.max takes it; anything else is EINVAL
 * and changes nothing.  memory.swap.tiers.current and .events list the
 * same tiers in the same order.  A tier that the cgroup or any ancestor set to 0
 * gets none of the cgroup's pages; a removed device tier's setting goes
 * with it, and a tier created later starts at "max" everywhere.
 *
 * Tested: the file's format and write grammar; a re-created tier starting
 * at "max"; and where reclaim (memory.reclaim) puts a cgroup's pages, with
 * virtual swap off (classic entries) and on: never on the fast disk when
 * the cgroup or its parent set "fast 0", never in zswap when it set
 * "zswap 0", and not swapped at all, by memory.reclaim or MADV_PAGEOUT,
 * when every tier is 0; and a zram device, a device tier like any other:
 * never used by a cgroup that set its tier to 0.  Each routing test has a
 * control, the same without the restriction, and reads every byte back,
 * from the backend it was put on.
 *
 * And, with virtual swap only, where zswap's writeback puts a cgroup's
 * pages: a page in zswap has no disk slot until zswap writes it back
 * (here: LRU writeback, the cgroup over its memory.zswap.max), and the
 * slot must come from the first device tier the cgroup allows - the slow
 * disk with "fast 0" - and from none when it allows none, so that the
 * pages then stay in zswap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vswap_test.h"

#define TIERS_MAX	"memory.swap.tiers.max"
#define CG		CG_ROOT "/swap-tiers"
#define CG_CHILD	CG "/child"
/* A sibling of CG: a cgroup that CG's settings do not reach. */
#define CG_PEER		CG_ROOT "/swap-tiers-peer"
/* Tier fast covers priorities 10..32767, tier slow -1..9. */
#define TWO_TIERS	"+slow:-1 +fast:10"
#define FAST_PRIO	20
#define SLOW_PRIO	0
#define ZSWAP_STORED	"/sys/kernel/debug/zswap/stored_pages"
/*
 * zram as a device tier: zram0 (the test kernels have CONFIG_ZRAM=y, so it
 * exists from boot) in tier zram, priorities 50 and up; the slow disk in
 * tier disk, below.
 */
#define ZRAM		"/dev/zram0"
#define ZRAM_SYS	"/sys/block/zram0/"
#define ZRAM_TIERS	"+disk:-1 +zram:50"
#define ZRAM_PRIO	100
#define ZRAM_MB		64
#define ZRAM_BUF_MB	16
#define BUF_MB		32
/* What reclaim may leave behind, and the slack of disk usage: "a little". */
#define SLACK_KB	1024L

/* @cg's @file must read @want. */
static void expect_file(struct __test_metadata *_metadata, const char *cg,
			const char *file, const char *want)
{
	char got[512];
	int ret = cg_read(cg, file, got, sizeof(got));

	ASSERT_EQ(0, ret) {
		TH_LOG("reading %s/%s: %s", cg, file, strerror(-ret));
	}
	EXPECT_EQ(0, strcmp(want, got)) {
		TH_LOG("%s/%s reads \"%s\"", cg, file, escaped(got));
		TH_LOG("want \"%s\"", escaped(want));
	}
}

/* @cg's memory.swap.tiers.max must read @want. */
static void expect_tiers_max(struct __test_metadata *_metadata, const char *cg,
			     const char *want)
{
	expect_file(_metadata, cg, TIERS_MAX, want);
}

/* Writing @text (one write()) to @cg's memory.swap.tiers.max must succeed. */
static void tiers_max_ok(struct __test_metadata *_metadata, const char *cg,
			 const char *text)
{
	int ret = write_file_at(cg, TIERS_MAX, "%s", text);

	ASSERT_EQ(0, ret) {
		TH_LOG("\"%s\" > %s/%s: %s", escaped(text), cg, TIERS_MAX,
		       strerror(-ret));
	}
}

/* Writing @text must fail with EINVAL and leave the file as it was. */
static void tiers_max_fail(struct __test_metadata *_metadata, const char *cg,
			   const char *text)
{
	char before[512], after[512];
	int ret;

	ASSERT_EQ(0, cg_read(cg, TIERS_MAX, before, sizeof(before)));
	ret = write_file_at(cg, TIERS_MAX, "%s", text);
	EXPECT_EQ(-EINVAL, ret) {
		TH_LOG("\"%s\": got %s, want %s", escaped(text),
		       ret ? strerror(-ret) : "success", strerror(EINVAL));
	}
	ASSERT_EQ(0, cg_read(cg, TIERS_MAX, after, sizeof(after)));
	EXPECT_EQ(0, strcmp(before, after)) {
		TH_LOG("the failed write \"%s\" changed the file",
		       escaped(text));
		TH_LOG("to \"%s\"", escaped(after));
	}
}

/* Writes that are not exactly one "TIER VALUE" pair. */
static const char * const bad_writes[] = {
	"\n",							/* empty */
	"nosuch 0\n", "FAST 0\n", "Zswap max\n", "fast:0\n",	/* unknown tier */
	"nosuch 1M\n",
	"fast\n", "zswap\n", "max\n", "0\n", "1M\n",		/* no value */
	"fast 0 slow 0\n", "fast 0\nslow 0\n", "zswap max fast max\n",
	"fast 0 0\n", "fast max extra\n", "zswap 0 x\n",	/* extra tokens */
	"fast 1M 2M\n",
	"fast -1\n", "fast MAX\n", "fast maximum\n", "fast 1X\n",	/* bad value */
	"zswap 1.5M\n", "slow 1M2\n", "slow M\n", "fast -4096\n",
	"fast 99999999999999999999999\n", "fast 0x2000\n", "fast 0x1e\n",
	"fast 17179869184E\n",
};

static void bad_writes_fail(struct __test_metadata *_metadata, const char *cg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_writes); i++)
		tiers_max_fail(_metadata, cg, bad_writes[i]);
}

/* Leftovers of a run that was killed: nothing if there are none. */
static void remove_stale_cgroups(void)
{
	cg_destroy(CG_CHILD);
	cg_destroy(CG);
	cg_destroy(CG_PEER);
}

/* The file alone: a cgroup and tiers, no swap device. */
FIXTURE(cg) {
	bool child;		/* CG_CHILD created */
};

FIXTURE_SETUP(cg)
{
	vswap_init();
	remove_stale_cgroups();
	ASSERT_LE(0, swap_tiers_clear());
	ASSERT_EQ(0, cg_create(CG));
}

FIXTURE_TEARDOWN(cg)
{
	if (self->child)
		EXPECT_EQ(0, cg_destroy(CG_CHILD));
	EXPECT_EQ(0, cg_destroy(CG));
	EXPECT_LE(0, swap_tiers_clear());
}

/*
 * Not in the root cgroup; zswap alone without device tiers, then the
 * device tiers highest first; each write sets one tier; every write that
 * is not one pair, or names no tier, fails and changes nothing.
 */
TEST_F(cg, file_format)
{
	int ret = access(CG_ROOT "/" TIERS_MAX, F_OK), err = errno;

	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENOENT, err);

	expect_tiers_max(_metadata, CG, "zswap max\n");
	/* No device tier of that name yet. */
	tiers_max_fail(_metadata, CG, "fast 0\n");
	tiers_max_fail(_metadata, CG, "slow max\n");
	bad_writes_fail(_metadata, CG);

	ASSERT_EQ(0, write_file(SWAP_TIERS, TWO_TIERS));
	expect_tiers_max(_metadata, CG, "zswap max\nfast max\nslow max\n");
	tiers_max_ok(_metadata, CG, "fast 0\n");
	expect_tiers_max(_metadata, CG, "zswap max\nfast 0\nslow max\n");
	tiers_max_ok(_metadata, CG, "fast max\n");
	expect_tiers_max(_metadata, CG, "zswap max\nfast max\nslow max\n");
	tiers_max_ok(_metadata, CG, "zswap 0\n");
	expect_tiers_max(_metadata, CG, "zswap 0\nfast max\nslow max\n");
	/* As echo -n writes it; and setting what is set already. */
	tiers_max_ok(_metadata, CG, "slow 0");
	tiers_max_ok(_metadata, CG, "slow 0\n");
	expect_tiers_max(_metadata, CG, "zswap 0\nfast max\nslow 0\n");
	tiers_max_ok(_metadata, CG, "zswap max\n");
	tiers_max_ok(_metadata, CG, "slow max\n");
	expect_tiers_max(_metadata, CG, "zswap max\nfast max\nslow max\n");

	/* Byte values, as memory.max takes them: whole pages, in bytes. */
	tiers_max_ok(_metadata, CG, "zswap 1M\n");
	tiers_max_ok(_metadata, CG, "fast 8K");
	tiers_max_ok(_metadata, CG, "slow 1G\n");
	expect_tiers_max(_metadata, CG,
			 "zswap 1048576\nfast 8192\nslow 1073741824\n");
	tiers_max_ok(_metadata, CG, "fast 12287\n");	/* rounded down */
	tiers_max_ok(_metadata, CG, "slow 1\n");		/* a page, not 0 */
	expect_tiers_max(_metadata, CG,
			 "zswap 1048576\nfast 8192\nslow 4096\n");
	bad_writes_fail(_metadata, CG);
	tiers_max_ok(_metadata, CG, "zswap max\n");
	tiers_max_ok(_metadata, CG, "fast max\n");
	tiers_max_ok(_metadata, CG, "slow max\n");

	/* From all "max", and from a mix, so that any change shows. */
	bad_writes_fail(_metadata, CG);
	tiers_max_ok(_metadata, CG, "zswap 0\n");
	tiers_max_ok(_metadata, CG, "fast 0\n");
	expect_tiers_max(_metadata, CG, "zswap 0\nfast 0\nslow max\n");
	bad_writes_fail(_metadata, CG);
	expect_tiers_max(_metadata, CG, "zswap 0\nfast 0\nslow max\n");
}

/* A tier's line of memory.swap.tiers.events with nothing counted. */
#define NO_EVENTS	" limit=0 full=0 moved_in=0 moved_out=0 budget=0\n"

/*
 * memory.swap.tiers.current and memory.swap.tiers.events: not in the root
 * cgroup; the tiers of memory.swap.tiers.max, in its order, all 0 in a
 * new cgroup; a tier's lines go when it is removed.  Neither can be
 * written.
 */
TEST_F(cg, usage_files_format)
{
	static const char * const files[] = { "memory.swap.tiers.current",
					      "memory.swap.tiers.events" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char path[256];

		snprintf(path, sizeof(path), "%s/%s", CG_ROOT, files[i]);
		EXPECT_NE(0, access(path, F_OK));
		EXPECT_NE(0, write_file_at(CG, files[i], "zswap 0\n"));
	}
	expect_file(_metadata, CG, files[0], "zswap 0\n");
	expect_file(_metadata, CG, files[1], "zswap" NO_EVENTS);
	ASSERT_EQ(0, write_file(SWAP_TIERS, TWO_TIERS));
	expect_file(_metadata, CG, files[0], "zswap 0\nfast 0\nslow 0\n");
	expect_file(_metadata, CG, files[1],
		    "zswap" NO_EVENTS "fast" NO_EVENTS "slow" NO_EVENTS);
	ASSERT_EQ(0, write_file(SWAP_TIERS, "-fast"));
	expect_file(_metadata, CG, files[0], "zswap 0\nslow 0\n");
	expect_file(_metadata, CG, files[1],
		    "zswap" NO_EVENTS "slow" NO_EVENTS);
}

/*
 * Removing a device tier drops its line in every cgroup, and the other
 * tiers keep their settings; a tier created later - in the removed tier's
 * slot, by another name or the same, also in the write that removes it -
 * starts at "max" in every cgroup.
 */
TEST_F(cg, recreated_tier_starts_at_max)
{
	ASSERT_EQ(0, cg_create(CG_CHILD));
	self->child = true;
	ASSERT_EQ(0, write_file(SWAP_TIERS, TWO_TIERS));
	tiers_max_ok(_metadata, CG, "zswap 0\n");
	tiers_max_ok(_metadata, CG, "fast 0\n");
	tiers_max_ok(_metadata, CG, "slow 0\n");
	tiers_max_ok(_metadata, CG_CHILD, "fast 0\n");
	expect_tiers_max(_metadata, CG, "zswap 0\nfast 0\nslow 0\n");
	expect_tiers_max(_metadata, CG_CHILD, "zswap max\nfast 0\nslow max\n");

	ASSERT_EQ(0, write_file(SWAP_TIERS, "-fast"));
	expect_tiers_max(_metadata, CG, "zswap 0\nslow 0\n");
	expect_tiers_max(_metadata, CG_CHILD, "zswap max\nslow max\n");
	tiers_max_fail(_metadata, CG, "fast max\n");

	/* Another tier takes the free slot. */
	ASSERT_EQ(0, write_file(SWAP_TIERS, "+mid:10"));
	expect_tiers_max(_metadata, CG, "zswap 0\nmid max\nslow 0\n");
	expect_tiers_max(_metadata, CG_CHILD, "zswap max\nmid max\nslow max\n");
	tiers_max_ok(_metadata, CG, "mid 0\n");
	tiers_max_ok(_metadata, CG_CHILD, "mid 0\n");

	ASSERT_EQ(0, write_file(SWAP_TIERS, "-mid"));
	ASSERT_EQ(0, write_file(SWAP_TIERS, "+fast:10"));
	expect_tiers_max(_metadata, CG, "zswap 0\nfast max\nslow 0\n");
	expect_tiers_max(_metadata, CG_CHILD, "zswap max\nfast max\nslow max\n");

	/* Removed and re-created in one write. */
	tiers_max_ok(_metadata, CG, "fast 0\n");
	tiers_max_ok(_metadata, CG_CHILD, "fast 0\n");
	ASSERT_EQ(0, write_file(SWAP_TIERS, "-fast +fast:10"));
	expect_tiers_max(_metadata, CG, "zswap 0\nfast max\nslow 0\n");
	expect_tiers_max(_metadata, CG_CHILD, "zswap max\nfast max\nslow max\n");
}

/*
 * Where reclaim puts a cgroup's pages: tiers fast (the fast disk, priority
 * 20) and slow (the slow disk, priority 0), zswap on or off, virtual swap
 * on or off.
 */
struct route_env {
	char *buf;		/* the test's data, charged to its cgroup */
	char *more;		/* writeback: more data, 2 * npages */
	size_t npages;
	long slack;		/* SLACK_KB in pages */
	long vswap_was;		/* vswap_enabled before, -1 if no such knob */
	bool virtual;		/* the variant: virtual swap on */
	bool started;		/* route_start() ran, maybe in part */
	bool on[3];		/* fast_dev(), slow_dev(), ZRAM swapped on */
	bool zram;		/* zram0 maybe configured: reset it */
	bool made[3];		/* CG, CG_CHILD, CG_PEER created */
};

FIXTURE(route) {
	struct route_env e;
};

FIXTURE_VARIANT(route) {
	bool virtual;
};

FIXTURE_VARIANT_ADD(route, classic) {
	.virtual = false,
};

FIXTURE_VARIANT_ADD(route, virtual) {
	.virtual = true,
};

/* Nothing is changed here: teardown runs only after a setup that passed. */
FIXTURE_SETUP(route)
{
	struct route_env *e = &self->e;

	vswap_init();
	e->virtual = variant->virtual;
	e->npages = VSWAP_MB(BUF_MB) / page_size;
	e->slack = SLACK_KB * 1024 / page_size;
	e->vswap_was = read_long(VSWAP_KNOB);
	if (variant->virtual && e->vswap_was < 0)
		SKIP(return, "kernel without CONFIG_VIRTUAL_SWAP");
	ASSERT_FALSE(swap_is_on(fast_dev()));
	ASSERT_FALSE(swap_is_on(slow_dev()));
}

/*
 * Virtual swap as the variant has it, zswap on or off, tiers fast and
 * slow, the disks on in them, and the cgroup CG.
 */
static void route_start(struct __test_metadata *_metadata,
			struct route_env *e, bool zswap)
{
	e->started = true;
	remove_stale_cgroups();
	ASSERT_LE(0, swap_tiers_clear());
	ASSERT_EQ(0, zswap_set_enabled(zswap));
	/* Before swapon: with it on, no classic entry is taken. */
	if (e->vswap_was >= 0)
		ASSERT_EQ(0, write_file(VSWAP_KNOB, e->virtual ? "1" : "0"));
	ASSERT_EQ(0, write_file(SWAP_TIERS, TWO_TIERS));
	ASSERT_EQ(0, swap_on(fast_dev(), FAST_PRIO));
	e->on[0] = true;
	ASSERT_EQ(0, swap_on(slow_dev(), SLOW_PRIO));
	e->on[1] = true;
	ASSERT_EQ(0, cg_create(CG));
	e->made[0] = true;
}

static void create_child(struct __test_metadata *_metadata,
			 struct route_env *e)
{
	ASSERT_EQ(0, cg_create(CG_CHILD));
	e->made[1] = true;
}

static void create_peer(struct __test_metadata *_metadata,
			struct route_env *e)
{
	ASSERT_EQ(0, cg_create(CG_PEER));
	e->made[2] = true;
}

static void drop_buf(struct route_env *e)
{
	if (e->buf)
		munmap(e->buf, e->npages * page_size);
	e->buf = NULL;
}

static void drop_more(struct route_env *e)
{
	if (e->more)
		munmap(e->more, 2 * e->npages * page_size);
	e->more = NULL;
}

/* Undo route_start(), as far as it went. */
static void route_stop(struct __test_metadata *_metadata, struct route_env *e)
{
	drop_buf(e);
	drop_more(e);
	if (!e->started)
		return;
	EXPECT_EQ(0, cg_leave());
	if (e->made[1])
		EXPECT_EQ(0, cg_destroy(CG_CHILD));
	if (e->made[0])
		EXPECT_EQ(0, cg_destroy(CG));
	if (e->made[2])
		EXPECT_EQ(0, cg_destroy(CG_PEER));
	if (e->on[0])
		EXPECT_EQ(0, swap_off(fast_dev()));
	if (e->on[1])
		EXPECT_EQ(0, swap_off(slow_dev()));
	if (e->on[2])
		EXPECT_EQ(0, swap_off(ZRAM));
	/* Its memory back, and no disksize: as the next program expects. */
	if (e->zram)
		EXPECT_EQ(0, write_file(ZRAM_SYS "reset", "1"));
	EXPECT_EQ(0, zswap_set_enabled(false));
	EXPECT_LE(0, swap_tiers_clear());
	if (e->vswap_was >= 0)
		EXPECT_EQ(0, write_file(VSWAP_KNOB, "%ld", e->vswap_was));
}

FIXTURE_TEARDOWN(route)
{
	route_stop(_metadata, &self->e);
}

/* In cgroup @cg, a new buffer of @mix, @seed: charged to @cg. */
static void fill_buf(struct __test_metadata *_metadata, struct route_env *e,
		     const char *cg, enum page_kind mix, uint64_t seed)
{
	drop_buf(e);
	ASSERT_EQ(0, cg_enter(cg));
	e->buf = map_filled(e->npages, mix, seed);
	ASSERT_NE(NULL, e->buf);
	EXPECT_EQ((long)e->npages, count_present(e->buf, e->npages));
}

/*
 * Reclaim all of @cg: the buffer must leave memory, but for a little, on
 * virtual entries if the variant has virtual swap on, on classic ones if
 * not.
 */
static void swap_out(struct __test_metadata *_metadata, struct route_env *e,
		     const char *cg)
{
	long alloc0 = vmstat_read("vswap_alloc"), swapped, alloc;

	ASSERT_EQ(0, cg_evict(cg));
	swapped = count_swapped(e->buf, e->npages);
	alloc = vmstat_read("vswap_alloc") - alloc0;
	ASSERT_LE((long)e->npages - e->slack, swapped) {
		TH_LOG("only %ld of %zu pages swapped out", swapped,
		       e->npages);
	}
	EXPECT_TRUE(e->virtual ? alloc >= swapped : alloc == 0) {
		TH_LOG("%ld virtual swap entries allocated for %ld pages",
		       alloc, swapped);
	}
}

static long size_kb(struct route_env *e)
{
	return e->npages * page_size / 1024;
}

/* What /proc/swaps shows on the fast and slow disks, in KiB. */
static void log_disks(struct __test_metadata *_metadata)
{
	TH_LOG("Used: fast %ld KiB, slow %ld KiB", swap_used_kb(fast_dev()),
	       swap_used_kb(slow_dev()));
}

/*
 * The buffer, swapped out from @cg, must be on the slow disk: none of it
 * on the fast disk, all of it (but a little) on the slow one, and
 * charged to @cg as swap.
 */
static void expect_on_slow(struct __test_metadata *_metadata,
			   struct route_env *e, const char *cg)
{
	EXPECT_EQ(0, swap_used_kb(fast_dev())) {
		log_disks(_metadata);
	}
	EXPECT_LE(size_kb(e) - SLACK_KB, swap_used_kb(slow_dev())) {
		log_disks(_metadata);
	}
	EXPECT_LE((long)(size_kb(e) - SLACK_KB) * 1024,
		  cg_read_long(cg, "memory.swap.current"));
}

/*
 * The control: the buffer, swapped out from @cg with no tier left out,
 * must be on the fast disk, the one of the highest priority; the slow
 * disk, which held @slow0 KiB, takes nothing.
 */
static void expect_on_fast(struct __test_metadata *_metadata,
			   struct route_env *e, const char *cg, long slow0)
{
	EXPECT_LE(size_kb(e) - SLACK_KB, swap_used_kb(fast_dev())) {
		log_disks(_metadata);
	}
	EXPECT_GE(slow0 + SLACK_KB, swap_used_kb(slow_dev())) {
		log_disks(_metadata);
	}
	EXPECT_LE((long)(size_kb(e) - SLACK_KB) * 1024,
		  cg_read_long(cg, "memory.swap.current"));
}

/*
 * Every byte of the buffer must come back, @counter (a /proc/vmstat
 * event: from the disks or from zswap) counting at least all but a
 * little of its pages.
 */
static void read_back(struct __test_metadata *_metadata, struct route_env *e,
		      const char *counter, enum page_kind mix, uint64_t seed)
{
	long in0 = vmstat_read(counter), in;

	verify(_metadata, e->buf, e->npages, mix, seed);
	in = vmstat_read(counter) - in0;
	EXPECT_LE((long)e->npages - e->slack, in) {
		TH_LOG("%ld pages read back, %ld of them in %s", (long)e->npages,
		       in, counter);
	}
}

/*
 * "fast 0": incompressible data swapped out of the cgroup goes to the
 * slow disk only.  Control: with "fast max", to the fast disk.
 */
TEST_F_TIMEOUT(route, routing_slow_only, TIMEOUT)
{
	struct route_env *e = &self->e;
	long slow0;

	route_start(_metadata, e, false);
	tiers_max_ok(_metadata, CG, "fast 0\n");
	fill_buf(_metadata, e, CG, PAGE_RANDOM, 1);
	swap_out(_metadata, e, CG);
	expect_on_slow(_metadata, e, CG);
	read_back(_metadata, e, "pswpin", PAGE_RANDOM, 1);

	tiers_max_ok(_metadata, CG, "fast max\n");
	drop_buf(e);
	slow0 = swap_used_kb(slow_dev());
	fill_buf(_metadata, e, CG, PAGE_RANDOM, 2);
	swap_out(_metadata, e, CG);
	expect_on_fast(_metadata, e, CG, slow0);
	read_back(_metadata, e, "pswpin", PAGE_RANDOM, 2);
}

/*
 * "zswap 0": with zswap on, compressible data swapped out of the cgroup
 * goes past zswap to a disk; the pool does not grow.  Control: with
 * "zswap max", it goes to zswap.
 */
TEST_F_TIMEOUT(route, zswap_zero_leaves_pool, TIMEOUT)
{
	struct route_env *e = &self->e;
	long zswpout0, stored0, pswpout0;

	route_start(_metadata, e, true);
	ASSERT_LE(0, read_long(ZSWAP_STORED));
	tiers_max_ok(_metadata, CG, "zswap 0\n");
	expect_tiers_max(_metadata, CG, "zswap 0\nfast max\nslow max\n");
	zswpout0 = cg_stat(CG, "zswpout");
	stored0 = read_long(ZSWAP_STORED);
	pswpout0 = vmstat_read("pswpout");
	fill_buf(_metadata, e, CG, PAGE_TEXT, 3);
	swap_out(_metadata, e, CG);
	EXPECT_EQ(zswpout0, cg_stat(CG, "zswpout"));
	EXPECT_EQ(0, cg_read_long(CG, "memory.zswap.current"));
	EXPECT_GE(stored0, read_long(ZSWAP_STORED));
	EXPECT_LE((long)e->npages - e->slack,
		  vmstat_read("pswpout") - pswpout0);
	EXPECT_LE(size_kb(e) - SLACK_KB,
		  swap_used_kb(fast_dev()) + swap_used_kb(slow_dev())) {
		log_disks(_metadata);
	}
	read_back(_metadata, e, "pswpin", PAGE_TEXT, 3);

	tiers_max_ok(_metadata, CG, "zswap max\n");
	drop_buf(e);
	zswpout0 = cg_stat(CG, "zswpout");
	stored0 = read_long(ZSWAP_STORED);
	fill_buf(_metadata, e, CG, PAGE_TEXT, 4);
	swap_out(_metadata, e, CG);
	EXPECT_LE((long)e->npages - e->slack,
		  cg_stat(CG, "zswpout") - zswpout0);
	EXPECT_LE((long)e->npages - e->slack,
		  read_long(ZSWAP_STORED) - stored0);
	read_back(_metadata, e, "zswpin", PAGE_TEXT, 4);
}

/*
 * The parent's "fast 0" wins over the child's "fast max": the child's
 * data goes to the slow disk only.  Control: with the parent's
 * "fast max", to the fast disk.
 */
TEST_F_TIMEOUT(route, ancestor_zero_wins, TIMEOUT)
{
	struct route_env *e = &self->e;
	long slow0;

	route_start(_metadata, e, false);
	create_child(_metadata, e);
	tiers_max_ok(_metadata, CG, "fast 0\n");
	tiers_max_ok(_metadata, CG_CHILD, "fast max\n");
	expect_tiers_max(_metadata, CG, "zswap max\nfast 0\nslow max\n");
	expect_tiers_max(_metadata, CG_CHILD, "zswap max\nfast max\nslow max\n");
	fill_buf(_metadata, e, CG_CHILD, PAGE_RANDOM, 5);
	swap_out(_metadata, e, CG_CHILD);
	expect_on_slow(_metadata, e, CG_CHILD);
	read_back(_metadata, e, "pswpin", PAGE_RANDOM, 5);

	tiers_max_ok(_metadata, CG, "fast max\n");
	drop_buf(e);
	slow0 = swap_used_kb(slow_dev());
	fill_buf(_metadata, e, CG_CHILD, PAGE_RANDOM, 6);
	swap_out(_metadata, e, CG_CHILD);
	expect_on_fast(_metadata, e, CG_CHILD, slow0);
	read_back(_metadata, e, "pswpin", PAGE_RANDOM, 6);
}

/*
 * Every tier 0, zswap on: reclaim does not swap the cgroup's anonymous
 * memory at all, not even its zero and same-filled pages.  Control: with
 * "slow max", it swaps it, to the slow disk.
 */
TEST_F_TIMEOUT(route, no_tier_no_swap, TIMEOUT)
{
	struct route_env *e = &self->e;
	long present, swapped;

	route_start(_metadata, e, true);
	tiers_max_ok(_metadata, CG, "zswap 0\n");
	tiers_max_ok(_metadata, CG, "fast 0\n");
	tiers_max_ok(_metadata, CG, "slow 0\n");
	expect_tiers_max(_metadata, CG, "zswap 0\nfast 0\nslow 0\n");
	fill_buf(_metadata, e, CG, PAGE_MIXED, 7);
	ASSERT_EQ(0, cg_evict(CG));
	present = count_present(e->buf, e->npages);
	swapped = count_swapped(e->buf, e->npages);
	EXPECT_EQ((long)e->npages, present);
	EXPECT_EQ(0, swapped);
	EXPECT_EQ(0, cg_read_long(CG, "memory.swap.current"));
	EXPECT_EQ(0, cg_stat(CG, "zswpout"));
	EXPECT_EQ(0, swap_used_kb(fast_dev()));
	EXPECT_EQ(0, swap_used_kb(slow_dev()));
	verify(_metadata, e->buf, e->npages, PAGE_MIXED, 7);

	tiers_max_ok(_metadata, CG, "slow max\n");
	swap_out(_metadata, e, CG);
	EXPECT_EQ(0, swap_used_kb(fast_dev())) {
		log_disks(_metadata);
	}
	EXPECT_EQ(0, cg_stat(CG, "zswpout"));
	EXPECT_LE((long)(size_kb(e) - SLACK_KB) * 1024,
		  cg_read_long(CG, "memory.swap.current"));
	verify(_metadata, e->buf, e->npages, PAGE_MIXED, 7);
}

/*
 * Every tier 0: MADV_PAGEOUT, reclaim of the range, does not swap the
 * cgroup's pages either - as with no swap at all, they stay mapped and
 * nothing is charged as swap.  Control: with "slow max", it swaps them, to
 * the slow disk.
 */
TEST_F_TIMEOUT(route, no_tier_no_pageout, TIMEOUT)
{
	struct route_env *e = &self->e;
	size_t len = e->npages * page_size;
	long present, swapped;

	route_start(_metadata, e, true);
	tiers_max_ok(_metadata, CG, "zswap 0\n");
	tiers_max_ok(_metadata, CG, "fast 0\n");
	tiers_max_ok(_metadata, CG, "slow 0\n");
	fill_buf(_metadata, e, CG, PAGE_MIXED, 8);
	ASSERT_EQ(0, pageout_all(e->buf, len));
	present = count_present(e->buf, e->npages);
	swapped = count_swapped(e->buf, e->npages);
	EXPECT_EQ((long)e->npages, present) {
		TH_LOG("%ld of %zu pages swapped out, memory.swap.current %ld",
		       swapped, e->npages,
		       cg_read_long(CG, "memory.swap.current"));
	}
	EXPECT_EQ(0, swapped);
	EXPECT_EQ(0, cg_read_long(CG, "memory.swap.current"));
	EXPECT_EQ(0, cg_stat(CG, "zswpout"));
	EXPECT_EQ(0, swap_used_kb(fast_dev()));
	EXPECT_EQ(0, swap_used_kb(slow_dev()));
	verify(_metadata, e->buf, e->npages, PAGE_MIXED, 8);

	tiers_max_ok(_metadata, CG, "slow max\n");
	drop_buf(e);
	fill_buf(_metadata, e, CG, PAGE_RANDOM, 9);
	ASSERT_EQ(0, pageout_all(e->buf, len));
	swapped = count_swapped(e->buf, e->npages);
	EXPECT_LE((long)e->npages - e->slack, swapped);
	expect_on_slow(_metadata, e, CG);
	verify(_metadata, e->buf, e->npages, PAGE_RANDOM, 9);
}

/*
 * Virtual swap as the variant has it, zswap off, tiers disk and zram:
 * zram0, ZRAM_MB MiB compressed with lzo, in tier zram and the slow disk
 * in tier disk; the cgroups CG and CG_PEER; ZRAM_BUF_MB MiB buffers.
 */
static void zram_start(struct __test_metadata *_metadata,
		       struct route_env *e)
{
	e->started = true;
	e->npages = VSWAP_MB(ZRAM_BUF_MB) / page_size;
	remove_stale_cgroups();
	ASSERT_LE(0, swap_tiers_clear());
	ASSERT_EQ(0, zswap_set_enabled(false));
	if (e->vswap_was >= 0)
		ASSERT_EQ(0, write_file(VSWAP_KNOB, e->virtual ? "1" : "0"));
	/* The test kernels have CONFIG_ZRAM=y: its absence is a failure. */
	ASSERT_EQ(0, access(ZRAM_SYS "disksize", F_OK)) {
		TH_LOG("no %s: a kernel without zram (CONFIG_ZRAM=y)",
		       ZRAM_SYS "disksize");
	}
	ASSERT_EQ(0, access(ZRAM, F_OK)) {
		TH_LOG("no %s: %s", ZRAM, strerror(errno));
	}
	ASSERT_FALSE(swap_is_on(ZRAM)) {
		TH_LOG("%s is swapped on already", ZRAM);
	}
	e->zram = true;
	ASSERT_EQ(0, write_file(ZRAM_SYS "reset", "1"));
	ASSERT_EQ(0, write_file(ZRAM_SYS "comp_algorithm", "lzo"));
	ASSERT_EQ(0, write_file(ZRAM_SYS "disksize", "%zu", VSWAP_MB(ZRAM_MB)));
	ASSERT_EQ(0, system("mkswap " ZRAM " >/dev/null")) {
		TH_LOG("mkswap %s failed", ZRAM);
	}
	ASSERT_EQ(0, write_file(SWAP_TIERS, ZRAM_TIERS));
	ASSERT_EQ(0, swap_on(ZRAM, ZRAM_PRIO));
	e->on[2] = true;
	ASSERT_EQ(0, swap_on(slow_dev(), SLOW_PRIO));
	e->on[1] = true;
	ASSERT_EQ(0, cg_create(CG));
	e->made[0] = true;
	create_peer(_metadata, e);
}

/*
 * KiB written to zram0: the write sectors of its block statistics (the
 * seventh field of its stat).  Freed slots, unlike /proc/swaps' Used, do
 * not lower it; -1 if it cannot be read.
 */
static long zram_written_kb(void)
{
	unsigned long v[7];
	FILE *f = fopen(ZRAM_SYS "stat", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2],
		   &v[3], &v[4], &v[5], &v[6]);
	fclose(f);
	return n == 7 ? (long)(v[6] / 2) : -1;
}

/* What /proc/swaps shows on zram0 and the slow disk, in KiB. */
static void log_zram(struct __test_metadata *_metadata)
{
	TH_LOG("Used: zram %ld KiB, slow %ld KiB; %ld KiB written to zram",
	       swap_used_kb(ZRAM), swap_used_kb(slow_dev()),
	       zram_written_kb());
}

/*
 * zram is a device tier like any other.  With zram (priority 100) above
 * the slow disk (priority 0), incompressible data swapped out of a cgroup
 * without restriction goes to zram, the slow disk takes nothing.  "zram 0":
 * the data goes to the slow disk only, nothing is written to zram.
 */
TEST_F_TIMEOUT(route, zram_tier, TIMEOUT)
{
	struct route_env *e = &self->e;
	long zram0, slow0, written0;

	zram_start(_metadata, e);
	tiers_max_ok(_metadata, CG, "zram 0\n");
	expect_tiers_max(_metadata, CG, "zswap max\nzram 0\ndisk max\n");
	expect_tiers_max(_metadata, CG_PEER, "zswap max\nzram max\ndisk max\n");

	/* The control first: CG_PEER, no tier left out. */
	slow0 = swap_used_kb(slow_dev());
	written0 = zram_written_kb();
	ASSERT_LE(0, written0);
	fill_buf(_metadata, e, CG_PEER, PAGE_RANDOM, 41);
	swap_out(_metadata, e, CG_PEER);
	EXPECT_LE(size_kb(e) - SLACK_KB, swap_used_kb(ZRAM)) {
		log_zram(_metadata);
	}
	EXPECT_LE(size_kb(e) - SLACK_KB, zram_written_kb() - written0) {
		log_zram(_metadata);
		TH_LOG("%ld KiB written to zram before", written0);
	}
	EXPECT_GE(slow0 + SLACK_KB, swap_used_kb(slow_dev())) {
		log_zram(_metadata);
		TH_LOG("the slow disk held %ld KiB before", slow0);
	}
	EXPECT_LE((long)(size_kb(e) - SLACK_KB) * 1024,
		  cg_read_long(CG_PEER, "memory.swap.current"));
	read_back(_metadata, e, "pswpin", PAGE_RANDOM, 41);

	/* "zram 0": CG, the same data, to the slow disk only. */
	drop_buf(e);
	zram0 = swap_used_kb(ZRAM);
	written0 = zram_written_kb();
	fill_buf(_metadata, e, CG, PAGE_RANDOM, 42);
	swap_out(_metadata, e, CG);
	EXPECT_LE(size_kb(e) - SLACK_KB, swap_used_kb(slow_dev())) {
		log_zram(_metadata);
	}
	EXPECT_GE(zram0, swap_used_kb(ZRAM)) {
		log_zram(_metadata);
		TH_LOG("zram held %ld KiB before", zram0);
	}
	EXPECT_EQ(written0, zram_written_kb()) {
		log_zram(_metadata);
		TH_LOG("%ld KiB written to zram before", written0);
	}
	EXPECT_LE((long)(size_kb(e) - SLACK_KB) * 1024,
		  cg_read_long(CG, "memory.swap.current"));
	read_back(_metadata, e, "pswpin", PAGE_RANDOM, 42);
}

/*
 * zswap writeback of a cgroup's pages, with virtual swap on: tiers, disks
 * and zswap as in route.  Its own fixture, without variants: only a
 * virtual entry takes its disk slot when zswap writes it back (a classic
 * entry in zswap has had one from the start), and the kernels without
 * virtual swap run "-f cg -v classic", which leaves this fixture out.
 */
FIXTURE(writeback) {
	struct route_env e;
};

FIXTURE_SETUP(writeback)
{
	struct route_env *e = &self->e;

	vswap_init();
	e->virtual = true;
	e->npages = VSWAP_MB(BUF_MB) / page_size;
	e->slack = SLACK_KB * 1024 / page_size;
	e->vswap_was = read_long(VSWAP_KNOB);
	if (e->vswap_was < 0)
		SKIP(return, "kernel without CONFIG_VIRTUAL_SWAP");
	ASSERT_FALSE(swap_is_on(fast_dev()));
	ASSERT_FALSE(swap_is_on(slow_dev()));
}

FIXTURE_TEARDOWN(writeback)
{
	route_stop(_metadata, &self->e);
}

/*
 * Make zswap write back @cg's pages.  The buffer, compressible (PAGE_TEXT,
 * @seed), goes to zswap by memory.reclaim, with the pool unlimited; then,
 * with memory.zswap.max at one page, a second buffer twice its size
 * (@seed + 1) is paged out and reclaimed: each of its stores over the
 * limit first has zswap write back the cgroup's coldest entry - after a
 * second chance, one of the first buffer's - or is rejected.  Both
 * buffers stay mapped.
 */
static void press_writeback(struct __test_metadata *_metadata,
			    struct route_env *e, const char *cg, uint64_t seed)
{
	size_t n = 2 * e->npages, len = n * page_size;
	long zswpout0 = cg_stat(cg, "zswpout"), zswpout;

	fill_buf(_metadata, e, cg, PAGE_TEXT, seed);
	swap_out(_metadata, e, cg);
	zswpout = cg_stat(cg, "zswpout") - zswpout0;
	ASSERT_LE((long)e->npages - e->slack, zswpout) {
		TH_LOG("only %ld of %zu pages stored in zswap", zswpout,
		       e->npages);
	}

	ASSERT_EQ(0, write_file_at(cg, "memory.zswap.max", "%zu", page_size));
	drop_more(e);
	e->more = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, e->more) {
		e->more = NULL;
	}
	ASSERT_EQ(0, madvise(e->more, len, MADV_NOHUGEPAGE));
	pattern_fill(e->more, n, PAGE_TEXT, seed + 1);
	ASSERT_EQ(0, pageout_all(e->more, len));
	ASSERT_EQ(0, cg_evict(cg));
}

/*
 * Every byte of both buffers must come back, and the @written pages zswap
 * wrote back, but a little, from a disk.
 */
static void read_back_both(struct __test_metadata *_metadata,
			   struct route_env *e, long written, uint64_t seed)
{
	long in0 = vmstat_read("pswpin"), in;

	verify(_metadata, e->buf, e->npages, PAGE_TEXT, seed);
	verify(_metadata, e->more, 2 * e->npages, PAGE_TEXT, seed + 1);
	in = vmstat_read("pswpin") - in0;
	EXPECT_LE(written - e->slack, in) {
		TH_LOG("%ld pages written back, %ld read from a disk", written,
		       in);
	}
}

/*
 * "fast 0": what zswap writes back of the cgroup's pages goes to the slow
 * disk only, though the fast one has the higher priority and room.
 * Control: a sibling cgroup without the restriction, under the same
 * pressure, has its pages written back to the fast disk.
 */
TEST_F_TIMEOUT(writeback, writeback_to_allowed_tier, TIMEOUT)
{
	struct route_env *e = &self->e;
	long page_kb = page_size / 1024, wb0, wb, slow0;

	route_start(_metadata, e, true);
	create_peer(_metadata, e);
	tiers_max_ok(_metadata, CG, "fast 0\n");
	expect_tiers_max(_metadata, CG, "zswap max\nfast 0\nslow max\n");
	expect_tiers_max(_metadata, CG_PEER, "zswap max\nfast max\nslow max\n");

	wb0 = cg_stat(CG, "zswpwb");
	press_writeback(_metadata, e, CG, 31);
	wb = cg_stat(CG, "zswpwb") - wb0;
	ASSERT_GT(wb, 0) {
		TH_LOG("zswap wrote back none of the cgroup's pages");
	}
	/* Data on the slow disk: what it holds less its free cached slots. */
	EXPECT_EQ(0, swap_used_kb(fast_dev())) {
		log_disks(_metadata);
	}
	EXPECT_LE(wb * page_kb,
		  swap_used_kb(slow_dev()) - vswap_disk_cached_kb()) {
		log_disks(_metadata);
		TH_LOG("%ld pages written back, %ld KiB in disk slot caches",
		       wb, vswap_disk_cached_kb());
	}
	read_back_both(_metadata, e, wb, 31);

	drop_buf(e);
	drop_more(e);
	slow0 = swap_used_kb(slow_dev());
	wb0 = cg_stat(CG_PEER, "zswpwb");
	press_writeback(_metadata, e, CG_PEER, 33);
	wb = cg_stat(CG_PEER, "zswpwb") - wb0;
	ASSERT_GT(wb, 0) {
		TH_LOG("zswap wrote back none of the control's pages");
	}
	EXPECT_LE(wb * page_kb, swap_used_kb(fast_dev())) {
		log_disks(_metadata);
		TH_LOG("%ld pages written back", wb);
	}
	EXPECT_GE(slow0, swap_used_kb(slow_dev())) {
		log_disks(_metadata);
		TH_LOG("the slow disk held %ld KiB before", slow0);
	}
	read_back_both(_metadata, e, wb, 33);
}

/*
 * "fast 0" and "slow 0", zswap allowed: the cgroup's pages go to zswap,
 * and under the same pressure zswap writes none of them back - no tier
 * the cgroup allows has a disk.  They stay in zswap; the second buffer,
 * which zswap could store only by writing back, stays in memory.
 * Control: with "slow max", the same pressure writes the pages back, to
 * the slow disk.
 */
TEST_F_TIMEOUT(writeback, writeback_none_without_device_tier, TIMEOUT)
{
	struct route_env *e = &self->e;
	long page_kb = page_size / 1024, wb0, wb, zswpout, zswapped, current;

	route_start(_metadata, e, true);
	tiers_max_ok(_metadata, CG, "fast 0\n");
	tiers_max_ok(_metadata, CG, "slow 0\n");
	expect_tiers_max(_metadata, CG, "zswap max\nfast 0\nslow 0\n");
	wb0 = vmstat_read("zswpwb");

	press_writeback(_metadata, e, CG, 35);
	EXPECT_EQ(0, cg_stat(CG, "zswpwb"));
	EXPECT_EQ(wb0, vmstat_read("zswpwb"));
	EXPECT_EQ(0, swap_used_kb(fast_dev())) {
		log_disks(_metadata);
	}
	EXPECT_EQ(0, swap_used_kb(slow_dev())) {
		log_disks(_metadata);
	}
	/* The first buffer is still in zswap ... */
	zswapped = cg_stat(CG, "zswapped");
	EXPECT_LE((long)(e->npages - e->slack) * (long)page_size, zswapped) {
		TH_LOG("%ld bytes of the cgroup's pages in zswap, want %zu",
		       zswapped, e->npages * page_size);
	}
	/* ... and zswap, over memory.zswap.max, took hardly any more. */
	zswpout = cg_stat(CG, "zswpout");
	EXPECT_GE((long)e->npages + e->slack, zswpout) {
		TH_LOG("%ld pages stored in zswap, %zu in the first buffer",
		       zswpout, e->npages);
	}
	current = cg_read_long(CG, "memory.current");
	EXPECT_LE((long)(2 * e->npages - e->slack) * (long)page_size, current) {
		TH_LOG("memory.current %ld: the second buffer left memory",
		       current);
	}
	verify(_metadata, e->more, 2 * e->npages, PAGE_TEXT, 36);

	tiers_max_ok(_metadata, CG, "slow max\n");
	ASSERT_EQ(0, pageout_all(e->more, 2 * e->npages * page_size));
	ASSERT_EQ(0, cg_evict(CG));
	wb = cg_stat(CG, "zswpwb");
	ASSERT_GT(wb, 0) {
		TH_LOG("with \"slow max\", zswap wrote back nothing either");
	}
	EXPECT_EQ(0, swap_used_kb(fast_dev())) {
		log_disks(_metadata);
	}
	EXPECT_LE(wb * page_kb,
		  swap_used_kb(slow_dev()) - vswap_disk_cached_kb()) {
		log_disks(_metadata);
		TH_LOG("%ld pages written back", wb);
	}
	read_back_both(_metadata, e, wb, 35);
}

TEST_HARNESS_MAIN
