// SPDX-License-Identifier: GPL-2.0
/*
 * Honest capacity: reclaim must not treat zswap as swap space it cannot
 * use.  With virtual swap, zswap and no swap device, a cgroup whose pages
 * zswap cannot take - data that does not compress, a full pool, its
 * memory.zswap.max reached - must be OOM-killed about as fast as the same
 * workload with no swap at all, after about as much reclaim work, and
 * nothing outside it may be killed.  Data that zswap can take must still
 * be swapped, not OOM-killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vswap_test.h"

#define CG_ROOT		"/sys/fs/cgroup"
#define CG_PATH		CG_ROOT "/vswap-capacity"
#define ZSWAP_POOL	"/sys/module/zswap/parameters/max_pool_percent"

#define LIMIT		VSWAP_MB(32)

struct hog_run {
	double secs;		/* until the hog died or finished */
	long backoffs;		/* vswap_zswap_backoff meanwhile */
	long pgscan_anon;	/* anonymous pages reclaim scanned meanwhile */
	long pgscan_file;
	long oom_kills;		/* memory.events oom_kill of its cgroup */
	int status;		/* its wait status */
	int bystander;		/* wait status of a task outside its cgroup */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A task outside the hog's cgroup, holding 16 MiB of its own: it checks
 * them and exits 0 when @go is closed, so that an OOM kill that picked it
 * instead of the hog shows in its status.
 */
static pid_t bystander(int go[2])
{
	size_t n = VSWAP_MB(16) / page_size;
	pid_t pid = fork();
	char *p, c;

	if (pid)
		return pid;
	close(go[1]);
	p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(21);
	pattern_fill(p, n, PAGE_TEXT, 92);
	if (read(go[0], &c, 1) != 0)
		_exit(22);
	_exit(pattern_check(p, n, PAGE_TEXT, 92, NULL, 0) == -1 ? 0 : 23);
}

/*
 * In a new cgroup limited to LIMIT, write @bytes of pattern @kind, page by
 * page, and exit 0 if every page still holds its data at the end.
 */
static int hog(struct hog_run *run, size_t bytes, enum page_kind kind,
	       const char *zswap_max)
{
	size_t n = bytes / page_size;
	long scan_anon0, scan_file0;
	pid_t pid, other;
	int go[2];
	double t0;

	rmdir(CG_PATH);
	if (mkdir(CG_PATH, 0755) ||
	    write_file(CG_ROOT "/cgroup.subtree_control", "+memory") ||
	    write_file_at(CG_PATH, "memory.max", "%zu", LIMIT) ||
	    write_file_at(CG_PATH, "memory.zswap.max", "%s", zswap_max))
		return -errno;
	if (pipe(go))
		return -errno;
	other = bystander(go);
	if (other < 0)
		return -errno;
	close(go[0]);
	run->backoffs = vmstat_read("vswap_zswap_backoff");
	scan_anon0 = vmstat_read("pgscan_anon");
	scan_file0 = vmstat_read("pgscan_file");
	t0 = now();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		char *p;

		if (write_file_at(CG_PATH, "cgroup.procs", "%d", getpid()))
			_exit(10);
		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(11);
		madvise(p, bytes, MADV_NOHUGEPAGE);
		/* Page by page, in order: the pressure grows as it goes. */
		pattern_fill(p, n, kind, 91);
		_exit(pattern_check(p, n, kind, 91, NULL, 0) == -1 ? 0 : 12);
	}
	if (waitpid(pid, &run->status, 0) != pid)
		return -errno;
	run->secs = now() - t0;
	close(go[1]);
	if (waitpid(other, &run->bystander, 0) != other)
		return -errno;
	run->pgscan_anon = vmstat_read("pgscan_anon") - scan_anon0;
	run->backoffs = vmstat_read("vswap_zswap_backoff") - run->backoffs;
	run->pgscan_file = vmstat_read("pgscan_file") - scan_file0;
	run->oom_kills = key_value(CG_PATH "/memory.events", "oom_kill");
	rmdir(CG_PATH);
	return 0;
}

FIXTURE(capacity) {
	long pool_percent;
};

FIXTURE_SETUP(capacity)
{
	vswap_init();
	if (access(VSWAP_KNOB, F_OK))
		SKIP(return, "kernel without CONFIG_VIRTUAL_SWAP");
	swap_off(fast_dev());
	swap_off(slow_dev());
	self->pool_percent = read_long(ZSWAP_POOL);
}

FIXTURE_TEARDOWN(capacity)
{
	rmdir(CG_PATH);
	if (self->pool_percent > 0)
		write_file(ZSWAP_POOL, "%ld", self->pool_percent);
	write_file(VSWAP_KNOB, "0");
	zswap_set_enabled(false);
}

/* No swap at all: the reference run. */
static void run_noswap(struct __test_metadata *_metadata, struct hog_run *run,
		       size_t bytes, enum page_kind kind)
{
	ASSERT_EQ(0, write_file(VSWAP_KNOB, "0"));
	ASSERT_EQ(0, zswap_set_enabled(false));
	ASSERT_EQ(0, hog(run, bytes, kind, "max"));
}

/* Virtual swap with zswap as its only backend. */
static void run_zswap(struct __test_metadata *_metadata, struct hog_run *run,
		      size_t bytes, enum page_kind kind, const char *zswap_max)
{
	ASSERT_EQ(0, zswap_set_enabled(true));
	ASSERT_EQ(0, write_file(VSWAP_KNOB, "1"));
	ASSERT_EQ(0, hog(run, bytes, kind, zswap_max));
	ASSERT_EQ(0, write_file(VSWAP_KNOB, "0"));
	ASSERT_EQ(0, zswap_set_enabled(false));
}

static void log_run(struct __test_metadata *_metadata, const char *what,
		    const struct hog_run *run)
{
	TH_LOG("%-8s %5.2fs pgscan anon %ld file %ld oom_kill %ld backoffs %ld status %#x",
	       what, run->secs, run->pgscan_anon, run->pgscan_file,
	       run->oom_kills, run->backoffs, run->status);
}

/*
 * The zswap run must end as the no-swap run does: its hog OOM-killed in
 * its cgroup, within twice the time plus a few seconds, after reclaim
 * scanned at most a few times the cgroup's size in anonymous pages.
 */
static void expect_like_noswap(struct __test_metadata *_metadata,
			       const struct hog_run *none,
			       const struct hog_run *zs)
{
	long limit_pages = LIMIT / page_size;

	log_run(_metadata, "no swap", none);
	log_run(_metadata, "zswap", zs);
	EXPECT_EQ(0, none->bystander);
	EXPECT_EQ(0, zs->bystander);
	ASSERT_TRUE(WIFSIGNALED(none->status) && WTERMSIG(none->status) == SIGKILL);
	ASSERT_GE(none->oom_kills, 1);
	EXPECT_TRUE(WIFSIGNALED(zs->status) && WTERMSIG(zs->status) == SIGKILL);
	EXPECT_GE(zs->oom_kills, 1);
	EXPECT_LE(zs->secs, 2 * none->secs + 5);
	EXPECT_LE(zs->pgscan_anon, none->pgscan_anon + 4 * limit_pages);
}

/* Random data: zswap rejects every page, whatever room its pool has. */
TEST_F_TIMEOUT(capacity, incompressible_ooms_like_noswap, TIMEOUT)
{
	struct hog_run none = { 0 }, zs = { 0 };

	run_noswap(_metadata, &none, 4 * LIMIT, PAGE_RANDOM);
	run_zswap(_metadata, &zs, 4 * LIMIT, PAGE_RANDOM, "max");
	expect_like_noswap(_metadata, &none, &zs);
	/* The pool had room: only the backoff can have stopped reclaim. */
	EXPECT_GE(zs.backoffs, 1);
}

/* Data that compresses to half, but the cgroup may put only 2 MiB into zswap. */
TEST_F_TIMEOUT(capacity, zswap_max_ooms_like_noswap, TIMEOUT)
{
	struct hog_run none = { 0 }, zs = { 0 };

	run_noswap(_metadata, &none, 4 * LIMIT, PAGE_HALF);
	run_zswap(_metadata, &zs, 4 * LIMIT, PAGE_HALF, "2M");
	expect_like_noswap(_metadata, &none, &zs);
}

/* Data that compresses to half, but zswap's pool is 1% of RAM and fills up. */
TEST_F_TIMEOUT(capacity, full_pool_ooms_like_noswap, TIMEOUT)
{
	struct hog_run none = { 0 }, zs = { 0 };

	run_noswap(_metadata, &none, 4 * LIMIT, PAGE_HALF);
	ASSERT_EQ(0, write_file(ZSWAP_POOL, "1"));
	run_zswap(_metadata, &zs, 4 * LIMIT, PAGE_HALF, "max");
	expect_like_noswap(_metadata, &none, &zs);
}

/*
 * What zswap can take is still swapped: twice the limit of data that
 * compresses well fits (the pool is charged to the cgroup too), and every
 * byte survives.
 */
TEST_F_TIMEOUT(capacity, compressible_still_swaps, TIMEOUT)
{
	struct hog_run zs = { 0 };

	run_zswap(_metadata, &zs, 2 * LIMIT, PAGE_TEXT, "max");
	log_run(_metadata, "zswap", &zs);
	EXPECT_TRUE(WIFEXITED(zs.status) && WEXITSTATUS(zs.status) == 0);
	EXPECT_EQ(0, zs.oom_kills);
	EXPECT_EQ(0, zs.backoffs);
	EXPECT_EQ(0, zs.bystander);
}

TEST_HARNESS_MAIN
