// SPDX-License-Identifier: GPL-2.0
/*
 * Swap accounting that must mean on a virtual swap kernel what it means on
 * upstream 6.12: a page is charged to memory.swap.current while it holds a
 * swap entry, and /proc/meminfo's SwapTotal and SwapFree describe the swap
 * devices.  Every test runs with classic entries (any kernel, the
 * CONFIG_VIRTUAL_SWAP=n one included) and with virtual entries, and
 * expects the same numbers from both.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vswap_test.h"

#define CG_ROOT		"/sys/fs/cgroup"
#define CG_PATH		CG_ROOT "/vswap-account"

FIXTURE(account) {
	char *buf;
	size_t npages;
	bool in_cgroup;
};

FIXTURE_VARIANT(account) {
	bool virtual;
};

FIXTURE_VARIANT_ADD(account, classic) {
	.virtual = false,
};

FIXTURE_VARIANT_ADD(account, virtual) {
	.virtual = true,
};

FIXTURE_SETUP(account)
{
	vswap_init();
	if (variant->virtual && access(VSWAP_KNOB, F_OK))
		SKIP(return, "kernel without CONFIG_VIRTUAL_SWAP");
	swap_off(fast_dev());
	swap_off(slow_dev());
	/* zswap off: every page that is not zero goes to the disk. */
	ASSERT_EQ(0, zswap_set_enabled(false));
	if (!access(VSWAP_KNOB, F_OK))
		ASSERT_EQ(0, write_file(VSWAP_KNOB, variant->virtual ? "1" : "0"));
	ASSERT_EQ(0, swap_on(fast_dev(), 10));

	mkdir(CG_PATH, 0755);
	ASSERT_EQ(0, write_file(CG_ROOT "/cgroup.subtree_control", "+memory"));
	ASSERT_EQ(0, write_file_at(CG_PATH, "cgroup.procs", "%d", getpid()));
	self->in_cgroup = true;

	self->npages = VSWAP_MB(8) / page_size;
	self->buf = mmap(NULL, self->npages * page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	ASSERT_EQ(0, madvise(self->buf, self->npages * page_size,
			     MADV_NOHUGEPAGE));
	/* Only the buffer is swapped: the program's own pages stay. */
	ASSERT_EQ(0, mlockall(MCL_CURRENT));
	ASSERT_EQ(0, munlock(self->buf, self->npages * page_size));
}

FIXTURE_TEARDOWN(account)
{
	if (self->buf)
		munmap(self->buf, self->npages * page_size);
	if (self->in_cgroup) {
		write_file(CG_ROOT "/cgroup.procs", "%d", getpid());
		rmdir(CG_PATH);
	}
	swap_off(fast_dev());
	if (!access(VSWAP_KNOB, F_OK))
		write_file(VSWAP_KNOB, "0");
}

static long swap_charged(void)
{
	return read_long(CG_PATH "/memory.swap.current");
}

/* Page the buffer out and wait until every write is done. */
static void page_out(struct __test_metadata *_metadata, char *buf,
		     size_t npages)
{
	int i;

	ASSERT_EQ(0, pageout_all(buf, npages * page_size));
	for (i = 0; i < 1000 && meminfo_kb("Writeback") != 0; i++)
		usleep(10000);
	ASSERT_EQ(0, meminfo_kb("Writeback"));
}

/*
 * swapoff reads every page back and frees the device's slots, and with
 * them the swap charge; SwapTotal and SwapFree drop to what the other
 * devices have (none).  Swapped out again, the pages are charged again,
 * and freeing them uncharges them.
 */
TEST_F_TIMEOUT(account, swapoff_uncharges, TIMEOUT)
{
	size_t n = self->npages;
	long size = n * page_size, slack = 64 * page_size;
	long total, free;

	pattern_fill(self->buf, n, PAGE_RANDOM, 81);
	page_out(_metadata, self->buf, n);
	EXPECT_GE(swap_charged(), size - slack);
	EXPECT_LE(swap_charged(), size + slack);
	total = meminfo_kb("SwapTotal");
	free = meminfo_kb("SwapFree");
	EXPECT_EQ(swap_size_kb(fast_dev()), total);
	EXPECT_GE(total - free, size / 1024 - slack / 1024);

	ASSERT_EQ(0, swap_off(fast_dev()));
	EXPECT_LE(swap_charged(), slack) {
		TH_LOG("%ld bytes still charged as swap after swapoff",
		       swap_charged());
	}
	EXPECT_EQ(0, meminfo_kb("SwapTotal"));
	EXPECT_EQ(0, meminfo_kb("SwapFree"));
	verify(_metadata, self->buf, n, PAGE_RANDOM, 81);
	EXPECT_LE(swap_charged(), slack);

	/* Out again: charged again, once. */
	ASSERT_EQ(0, swap_on(fast_dev(), 10));
	page_out(_metadata, self->buf, n);
	EXPECT_GE(swap_charged(), size - slack);
	EXPECT_LE(swap_charged(), size + slack);
	verify(_metadata, self->buf, n, PAGE_RANDOM, 81);

	ASSERT_EQ(0, munmap(self->buf, n * page_size));
	self->buf = NULL;
	EXPECT_LE(swap_charged(), slack);
}

/*
 * memory.swap.max still bounds what is swapped out after swapoff: the
 * pages come back uncharged, and storing them again must charge them,
 * or be refused.
 */
TEST_F_TIMEOUT(account, swap_max_after_swapoff, TIMEOUT)
{
	size_t n = self->npages;
	long limit = n * page_size / 4, slack = 64 * page_size;

	pattern_fill(self->buf, n, PAGE_RANDOM, 82);
	page_out(_metadata, self->buf, n);
	ASSERT_EQ(0, swap_off(fast_dev()));
	verify(_metadata, self->buf, n, PAGE_RANDOM, 82);

	ASSERT_EQ(0, write_file(CG_PATH "/memory.swap.max", "%ld", limit));
	ASSERT_EQ(0, swap_on(fast_dev(), 10));
	page_out(_metadata, self->buf, n);
	EXPECT_LE(swap_charged(), limit);
	EXPECT_GE(swap_charged(), limit - slack);
	/* Refused pages may leave slots in the per-CPU slot caches. */
	EXPECT_LE(swap_used_kb(fast_dev()) * 1024,
		  limit + slack + 64 * sysconf(_SC_NPROCESSORS_ONLN) * page_size);
	verify(_metadata, self->buf, n, PAGE_RANDOM, 82);
	write_file(CG_PATH "/memory.swap.max", "max");
}

TEST_HARNESS_MAIN
