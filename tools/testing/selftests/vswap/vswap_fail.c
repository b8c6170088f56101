// SPDX-License-Identifier: GPL-2.0
/*
 * Failures lose nothing: IO errors on the swap disk and allocation failures
 * of the virtual swap metadata, injected with the kernel's fault injection
 * scoped as narrowly as it allows.
 *
 * - Disk IO: CONFIG_FAIL_MAKE_REQUEST with make-it-fail on the fast swap
 *   disk only, and task-filter on, so only the IO a chosen task submits
 *   fails (the test's writes, a child's fault, a child's swapoff).
 * - Metadata: CONFIG_FAIL_FUNCTION on the series' own allocation helpers,
 *   which are marked ALLOW_ERROR_INJECTION; no other allocation fails, the
 *   test's own page faults included.
 *
 * Every test checks every page it does not expect to lose byte by byte
 * against a pattern that encodes the page index.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vswap_test.h"

#define CG_ROOT		"/sys/fs/cgroup"
#define CG_PATH		CG_ROOT "/vswap-fail"
#define FMR		"/sys/kernel/debug/fail_make_request/"
#define PAGE_CLUSTER	"/proc/sys/vm/page-cluster"

/*
 * Make IO that tasks with /proc/PID/make-it-fail set submit to @dev fail,
 * at most @times bios (-1: no limit); @times 0 turns it off.
 */
static int disk_fail(const char *dev, long times)
{
	char path[PATH_MAX];
	int err = make_it_fail_path(dev, path, sizeof(path));

	if (err)
		return err;
	if (!times)
		return write_file(path, "0");
	if (write_file(FMR "verbose", "0") || write_file(FMR "task-filter", "1") ||
	    write_file(FMR "interval", "1") || write_file(FMR "space", "0") ||
	    write_file(FMR "probability", "100") ||
	    write_file(FMR "times", "%ld", times))
		return -EIO;
	return write_file(path, "1");
}

static int task_fails_io(bool on)
{
	return write_file("/proc/self/make-it-fail", on ? "1" : "0");
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

/*
 * Read page @index of @buf: 1 if the read raised SIGBUS, 0 if the page
 * holds its pattern, -1 if it holds anything else.
 */
static int probe_page(const char *buf, size_t index, enum page_kind mix,
		      uint64_t seed)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	int ret;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1))
		ret = 1;
	else
		ret = pattern_page_ok(buf + index * page_size, index, mix, seed) ?
		      0 : -1;
	sigaction(SIGBUS, &old, NULL);
	return ret;
}

static void wait_writeback(struct __test_metadata *_metadata)
{
	writeback_wait();
	ASSERT_EQ(0, meminfo_kb("Writeback"));
}

/*
 * Drop the clean swap cache folios of the cgroup, so that the next access
 * of each page reads its backend.
 */
static void evict(void)
{
	int i;

	for (i = 0; i < 4; i++)
		write_file(CG_PATH "/memory.reclaim", "1G");
}

FIXTURE(io) {
	char *buf;
	size_t npages;
	long page_cluster;
	bool in_cgroup;
};

FIXTURE_SETUP(io)
{
	char path[PATH_MAX];

	vswap_init();
	if (access(VSWAP_KNOB, F_OK))
		SKIP(return, "kernel without CONFIG_VIRTUAL_SWAP");
	/* The test config has fault injection: its absence is a failure. */
	ASSERT_EQ(0, access(FMR "times", W_OK));
	swap_off(fast_dev());
	swap_off(slow_dev());
	ASSERT_EQ(0, make_it_fail_path(fast_dev(), path, sizeof(path))) {
		TH_LOG("no make-it-fail for %s", fast_dev());
	}
	/* zswap off: every page that is not same-filled goes to the disk. */
	ASSERT_EQ(0, zswap_set_enabled(false));
	ASSERT_EQ(0, write_file(VSWAP_KNOB, "1"));
	ASSERT_EQ(0, swap_on(fast_dev(), 10));
	/* No readahead: an injected read error hits the page asked for. */
	self->page_cluster = read_long(PAGE_CLUSTER);
	ASSERT_EQ(0, write_file(PAGE_CLUSTER, "0"));

	mkdir(CG_PATH, 0755);
	ASSERT_EQ(0, write_file(CG_ROOT "/cgroup.subtree_control", "+memory"));
	ASSERT_EQ(0, write_file_at(CG_PATH, "cgroup.procs", "%d", getpid()));
	self->in_cgroup = true;

	self->npages = VSWAP_MB(4) / page_size;
	self->buf = mmap(NULL, self->npages * page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	ASSERT_EQ(0, madvise(self->buf, self->npages * page_size,
			     MADV_NOHUGEPAGE));
	/*
	 * Only the test's buffer may go to the disk: an injected error must
	 * not hit the program's own stack or heap, in this process or in a
	 * child that shares them.
	 */
	ASSERT_EQ(0, mlockall(MCL_CURRENT));
	ASSERT_EQ(0, munlock(self->buf, self->npages * page_size));
}

FIXTURE_TEARDOWN(io)
{
	task_fails_io(false);
	disk_fail(fast_dev(), 0);
	if (self->buf)
		munmap(self->buf, self->npages * page_size);
	if (self->in_cgroup) {
		write_file(CG_ROOT "/cgroup.procs", "%d", getpid());
		rmdir(CG_PATH);
	}
	if (self->page_cluster >= 0)
		write_file(PAGE_CLUSTER, "%ld", self->page_cluster);
	swap_off(fast_dev());
	write_file(VSWAP_KNOB, "0");
}

/*
 * Every write to the disk fails: each page stays in memory, dirty, and is
 * never read back from the slot its write failed to fill.  Once the disk
 * works again, the pages go out and come back intact.
 */
TEST_F_TIMEOUT(io, write_error_keeps_page, TIMEOUT)
{
	size_t n = self->npages;
	long disk0 = vmstat_read("vswap_disk");
	long pswpin0, tried;

	pattern_fill(self->buf, n, PAGE_MIXED, 61);
	ASSERT_EQ(0, disk_fail(fast_dev(), -1));
	ASSERT_EQ(0, task_fails_io(true));
	ASSERT_EQ(0, pageout_all(self->buf, n * page_size));
	wait_writeback(_metadata);
	ASSERT_EQ(0, task_fails_io(false));
	ASSERT_EQ(0, disk_fail(fast_dev(), 0));

	/* Compressible and random pages, half of all, went for the disk. */
	tried = vmstat_read("vswap_disk") - disk0;
	EXPECT_GE(tried, n / 2);
	/* Every write failed, so no page may come from the disk. */
	pswpin0 = vmstat_read("pswpin");
	verify(_metadata, self->buf, n, PAGE_MIXED, 61);
	EXPECT_EQ(0, vmstat_read("pswpin") - pswpin0);

	/* The disk works again: out, dropped from memory, and back. */
	ASSERT_EQ(0, pageout_all(self->buf, n * page_size));
	wait_writeback(_metadata);
	evict();
	pswpin0 = vmstat_read("pswpin");
	verify(_metadata, self->buf, n, PAGE_MIXED, 61);
	EXPECT_GE(vmstat_read("pswpin") - pswpin0, n / 4) {
		TH_LOG("the pages did not come back from the disk");
	}
}

/*
 * A read error kills the task that faults on the page (SIGBUS), and only
 * it: the parent, which shares every page, finds all others intact, and
 * the lost page either fails for it too or holds its data - never garbage.
 */
TEST_F_TIMEOUT(io, read_error_kills_only_faulting_task, TIMEOUT)
{
	size_t n = self->npages, i, lost = n / 2;
	long pswpin0;
	int status, r;
	pid_t pid;

	pattern_fill(self->buf, n, PAGE_RANDOM, 62);
	ASSERT_EQ(0, pageout_all(self->buf, n * page_size));
	wait_writeback(_metadata);
	evict();

	ASSERT_EQ(0, disk_fail(fast_dev(), -1));
	pswpin0 = vmstat_read("pswpin");
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		if (task_fails_io(true))
			_exit(2);
		/* Only a failed read may end this: SIGBUS. */
		_exit(pattern_page_ok(self->buf + lost * page_size, lost,
				      PAGE_RANDOM, 62) ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, disk_fail(fast_dev(), 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS) {
		TH_LOG("child: status %#x, %ld pages read", status,
		       vmstat_read("pswpin") - pswpin0);
	}

	for (i = 0; i < n; i++) {
		r = probe_page(self->buf, i, PAGE_RANDOM, 62);
		if (i == lost) {
			EXPECT_NE(-1, r) {
				TH_LOG("page %zu: wrong data after a read error", i);
			}
			continue;
		}
		ASSERT_EQ(0, r) {
			TH_LOG("page %zu: %s", i, r > 0 ? "SIGBUS" : "wrong data");
		}
	}
}

/*
 * swapoff that cannot read some pages still succeeds: those pages, and
 * only those, fail with SIGBUS afterwards, the debugfs "error" count says
 * how many, and no page of the cgroup is still charged as swap.
 */
TEST_F_TIMEOUT(io, swapoff_read_error, TIMEOUT)
{
	size_t n = self->npages, i, lost = 0;
	long err0 = read_long(VSWAP_DEBUGFS "error");
	long swapped, errors;
	int status, r;
	pid_t pid;

	pattern_fill(self->buf, n, PAGE_RANDOM, 63);
	ASSERT_EQ(0, pageout_all(self->buf, n * page_size));
	wait_writeback(_metadata);
	evict();
	swapped = read_long(CG_PATH "/memory.swap.current");
	EXPECT_GE(swapped, (long)(n * page_size * 9 / 10));

	/* One failed bio: the reads swapoff starts at once, merged. */
	ASSERT_EQ(0, disk_fail(fast_dev(), 1));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		if (task_fails_io(true))
			_exit(2);
		_exit(swapoff(fast_dev()) ? 100 + errno : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, disk_fail(fast_dev(), 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("swapoff failed: errno %d", WEXITSTATUS(status) - 100);
	}
	EXPECT_FALSE(swap_is_on(fast_dev()));

	errors = read_long(VSWAP_DEBUGFS "error") - err0;
	EXPECT_GE(errors, 1) {
		TH_LOG("the injected read error hit no page");
	}
	/*
	 * Upstream's swapoff frees every slot, and their charges: the pages
	 * read back and the lost ones alike.  Allow what the test program
	 * itself may have swapped out as zero pages.
	 */
	EXPECT_LE(read_long(CG_PATH "/memory.swap.current"),
		  64 * (long)page_size);

	for (i = 0; i < n; i++) {
		r = probe_page(self->buf, i, PAGE_RANDOM, 63);
		ASSERT_NE(-1, r) {
			TH_LOG("page %zu: wrong data", i);
		}
		lost += r;
	}
	EXPECT_EQ(errors, (long)lost);
}

FIXTURE(meta) {
	char *buf;
	size_t npages;
	char **fill;
	size_t nfill;
	int type;
};

/*
 * The helper to fail; whether it runs only for slots beyond the mapped
 * space (the test then fills that space first); whether its failure stops
 * the space from growing.  A cluster's descriptor table and a chunk's
 * swap_cgroup records are allocated when a slot of a cluster or chunk
 * with none is taken, so they fail as soon as this CPU's cluster is used
 * up; the swap map only when the space grows.
 */
FIXTURE_VARIANT(meta) {
	const char *func;
	bool on_growth;
	bool stops_growth;
};

FIXTURE_VARIANT_ADD(meta, descriptor_table) {
	.func = "vswap_table_get",
};

FIXTURE_VARIANT_ADD(meta, swap_map_chunk) {
	.func = "vswap_map_populate",
	.on_growth = true,
	.stops_growth = true,
};

FIXTURE_VARIANT_ADD(meta, swap_cgroup_chunk) {
	.func = "swap_cgroup_populate",
	.on_growth = true,
};

FIXTURE_SETUP(meta)
{
	vswap_init();
	if (access(VSWAP_KNOB, F_OK))
		SKIP(return, "kernel without CONFIG_VIRTUAL_SWAP");
	ASSERT_EQ(0, access(FFN "inject", W_OK));
	/* zswap and no disk: a page without a virtual entry stays in memory. */
	swap_off(fast_dev());
	swap_off(slow_dev());
	ASSERT_EQ(0, zswap_set_enabled(true));
	ASSERT_EQ(0, write_file(VSWAP_KNOB, "1"));
	self->type = read_long(VSWAP_DEBUGFS "swap_type");
	self->npages = VSWAP_MB(8) / page_size;
	self->buf = mmap(NULL, self->npages * page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	ASSERT_EQ(0, madvise(self->buf, self->npages * page_size,
			     MADV_NOHUGEPAGE));
}

FIXTURE_TEARDOWN(meta)
{
	size_t i;

	function_fail(NULL);
	if (self->buf)
		munmap(self->buf, self->npages * page_size);
	for (i = 0; i < self->nfill; i++)
		munmap(self->fill[i], VSWAP_MB(16));
	free(self->fill);
	write_file(VSWAP_KNOB, "0");
	zswap_set_enabled(false);
}

/* Virtual slots in use now, by backend. */
static long slots_in_use(void)
{
	static const char * const backend[] = {
		"memory", "same", "zswap", "disk", "error",
	};
	long sum = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(backend); i++) {
		char path[128];

		snprintf(path, sizeof(path), VSWAP_DEBUGFS "%s", backend[i]);
		sum += read_long(path);
	}
	return sum;
}

/*
 * Take all but about @left of the populated virtual slots with
 * same-filled pages, which cost a slot and no memory once swapped out,
 * so that the next pages need the space to grow.
 */
static void fill_populated(struct __test_metadata *_metadata, char ***fill,
			   size_t *nfill, long left)
{
	size_t per = VSWAP_MB(16) / page_size, i;
	long need = read_long(VSWAP_DEBUGFS "populated") - slots_in_use() - left;

	while (need > 0) {
		char *p = mmap(NULL, VSWAP_MB(16), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		ASSERT_NE(MAP_FAILED, p);
		*fill = realloc(*fill, (*nfill + 1) * sizeof(p));
		ASSERT_NE(NULL, *fill);
		(*fill)[(*nfill)++] = p;
		madvise(p, VSWAP_MB(16), MADV_NOHUGEPAGE);
		for (i = 0; i < per && (long)i < need; i++)
			memset(p + i * page_size, 0x01, page_size);
		ASSERT_EQ(0, pageout_all(p, i * page_size));
		need -= i;
	}
}

/*
 * A metadata allocation of the series fails: the pages that needed it
 * are not swapped out, every page keeps its data, and once allocations
 * work again the same pages swap out and back intact.
 */
TEST_F_TIMEOUT(meta, alloc_failure_backs_off, TIMEOUT)
{
	size_t n = self->npages;
	long alloc0, populated0, populated, failed, allocated;

	ASSERT_EQ(0, function_fail(variant->func)) {
		TH_LOG("%s cannot be failed: not ALLOW_ERROR_INJECTION?",
		       variant->func);
	}
	if (variant->on_growth) {
		/*
		 * The space grows ahead of need from a worker: let one that
		 * got past the injection finish, then leave the populated
		 * chunks almost full, so the pages below need a new one.
		 */
		usleep(200000);
		fill_populated(_metadata, &self->fill, &self->nfill, 256);
	}
	pattern_fill(self->buf, n, PAGE_MIXED, 71);
	populated0 = read_long(VSWAP_DEBUGFS "populated");
	alloc0 = vmstat_read("vswap_alloc");
	ASSERT_EQ(0, pageout_all(self->buf, n * page_size));
	failed = function_failures();
	/* Before the injection stops: the grow worker may be queued. */
	populated = read_long(VSWAP_DEBUGFS "populated");
	ASSERT_EQ(0, function_fail(NULL));
	allocated = vmstat_read("vswap_alloc") - alloc0;

	EXPECT_GE(failed, 1) {
		TH_LOG("%s was never called", variant->func);
	}
	/* Pages whose slot needs the failed metadata are not swapped. */
	EXPECT_LT(allocated, (long)n);
	if (variant->stops_growth)
		EXPECT_EQ(populated0, populated);
	EXPECT_LE(count_swapped(self->buf, n), allocated);
	verify(_metadata, self->buf, n, PAGE_MIXED, 71);

	/* Allocations work again: every page swaps out, and back. */
	page_out_virtual(_metadata, self->buf, n, self->type, NULL);
	verify(_metadata, self->buf, n, PAGE_MIXED, 71);
}

TEST_HARNESS_MAIN
