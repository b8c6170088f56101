// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap core: entries that are not tied to a device.
 *
 * Every test switches virtual swap on through
 * /sys/kernel/mm/swap/vswap_enabled, fills pages with a pattern that
 * encodes the page index (zero, same-filled, compressible and
 * incompressible pages), pushes them out and checks every byte when they
 * come back, together with the counters and the pagemap swap entries that
 * prove where they went.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vswap_test.h"

#define ZSWAP_STORED	"/sys/kernel/debug/zswap/stored_pages"
#define CG_PATH		"/sys/fs/cgroup/vswap-test"

static int vswap_swap_type(void)
{
	return read_long(VSWAP_DEBUGFS "swap_type");
}

static int knob_write(const char *val)
{
	return write_file(VSWAP_KNOB, "%s", val);
}

static long knob_read(void)
{
	return read_long(VSWAP_KNOB);
}

FIXTURE(vswap) {
	char *buf;
	size_t npages;
	int type;
};

/* No swap device, zswap on, virtual swap on: the zswap-only setup. */
FIXTURE_SETUP(vswap)
{
	vswap_init();
	if (access(VSWAP_KNOB, F_OK))
		SKIP(return, "kernel without CONFIG_VIRTUAL_SWAP");
	swap_off(fast_dev());
	swap_off(slow_dev());
	ASSERT_EQ(0, zswap_set_enabled(true));
	ASSERT_EQ(0, knob_write("1"));
	self->type = vswap_swap_type();
	ASSERT_GE(self->type, 0);
	self->npages = VSWAP_MB(16) / page_size;
	self->buf = mmap(NULL, self->npages * page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	/* Virtual entries are order 0: keep the test on base pages. */
	ASSERT_EQ(0, madvise(self->buf, self->npages * page_size,
			     MADV_NOHUGEPAGE));
}

FIXTURE_TEARDOWN(vswap)
{
	if (self->buf)
		munmap(self->buf, self->npages * page_size);
	knob_write("0");
	zswap_set_enabled(false);
	swap_off(fast_dev());
}

/*
 * zswap with no swap device at all: zero and fitting same-filled pages are
 * recorded in the descriptor, compressible ones go to zswap, incompressible
 * ones stay in memory - and all of them come back intact.
 */
TEST_F_TIMEOUT(vswap, zswap_only_roundtrip, TIMEOUT)
{
	long same0 = vmstat_read("vswap_same");
	long zswap0 = vmstat_read("vswap_zswap");
	long kept0 = vmstat_read("vswap_reject_nodisk");
	size_t n = self->npages;

	ASSERT_EQ(-1, swap_used_kb(fast_dev()));
	pattern_fill(self->buf, n, PAGE_MIXED, 1);
	page_out_virtual(_metadata, self->buf, n, self->type, NULL);

	/* A quarter zero pages, an eighth same-filled with a fitting word. */
	EXPECT_EQ(n / 4 + n / 8, vmstat_read("vswap_same") - same0);
	/* Compressible pages and same-filled pages with a wide word. */
	EXPECT_EQ(n / 4 + n / 8, vmstat_read("vswap_zswap") - zswap0);
	/* Random pages: zswap rejects them and there is no disk. */
	EXPECT_EQ(n / 4, vmstat_read("vswap_reject_nodisk") - kept0);
	EXPECT_GE(read_long(VSWAP_DEBUGFS "same"), (long)(n / 4 + n / 8));

	verify(_metadata, self->buf, n, PAGE_MIXED, 1);
	EXPECT_EQ(0, count_swapped(self->buf, n));
}

/* Same-filled pages take neither zswap pool space nor a disk slot. */
TEST_F_TIMEOUT(vswap, same_filled_no_storage, TIMEOUT)
{
	size_t n = self->npages, i, fits = 0;
	long stored0, same0 = vmstat_read("vswap_same");

	ASSERT_EQ(0, swap_on(fast_dev(), 10));
	for (i = 0; i < n; i++)
		fits += same_word_fits(i);
	pattern_fill(self->buf, n, PAGE_SAME, 2);
	stored0 = read_long(ZSWAP_STORED);
	page_out_virtual(_metadata, self->buf, n, self->type, NULL);

	EXPECT_EQ(fits, vmstat_read("vswap_same") - same0);
	/* Only the words that do not fit the descriptor went to zswap. */
	EXPECT_EQ(n - fits, read_long(ZSWAP_STORED) - stored0);
	EXPECT_EQ(0, swap_used_kb(fast_dev()));
	verify(_metadata, self->buf, n, PAGE_SAME, 2);
}

/* A page held by zswap occupies no slot on the swap device. */
TEST_F_TIMEOUT(vswap, zswap_pages_use_no_disk_slot, TIMEOUT)
{
	size_t n = self->npages;
	long stored0;

	ASSERT_EQ(0, swap_on(fast_dev(), 10));
	pattern_fill(self->buf, n, PAGE_TEXT, 3);
	stored0 = read_long(ZSWAP_STORED);
	page_out_virtual(_metadata, self->buf, n, self->type, NULL);
	EXPECT_EQ(n, read_long(ZSWAP_STORED) - stored0);
	/* 1000 zswap-held pages cost 0 disk slots; upstream 6.12: 1000. */
	EXPECT_EQ(0, swap_used_kb(fast_dev()));
	verify(_metadata, self->buf, n, PAGE_TEXT, 3);
}

/* Every slot allocated is freed again, with its descriptor table. */
TEST_F_TIMEOUT(vswap, unmap_frees_slots, TIMEOUT)
{
	long alloc0 = vmstat_read("vswap_alloc");
	long free0 = vmstat_read("vswap_free");
	long allocated;

	pattern_fill(self->buf, self->npages, PAGE_MIXED, 4);
	page_out_virtual(_metadata, self->buf, self->npages, self->type,
			 NULL);
	allocated = vmstat_read("vswap_alloc") - alloc0;
	EXPECT_GE(allocated, (long)self->npages);
	ASSERT_EQ(0, munmap(self->buf, self->npages * page_size));
	self->buf = NULL;
	EXPECT_EQ(allocated, vmstat_read("vswap_free") - free0);
}

/*
 * The virtual space's swap map and cgroup records are populated as slots
 * are used: pages spread over several chunks of 4096 slots come back
 * intact, and the space costs less than a byte per slot (a swap device's
 * arrays cost 3), as long as most of it has never been used.
 */
TEST_F_TIMEOUT(vswap, sparse_space_grows_as_used, TIMEOUT)
{
	size_t n = 3 * 4096 + 512, i;
	long slots = read_long(VSWAP_DEBUGFS "slots");
	uint64_t *pm = calloc(n, sizeof(*pm)), highest = 0;
	char *p;

	ASSERT_NE(NULL, pm);
	ASSERT_GT(slots, 4 * (long)n);
	EXPECT_LT(read_long(VSWAP_DEBUGFS "metadata_bytes"), slots);
	p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, madvise(p, n * page_size, MADV_NOHUGEPAGE));
	pattern_fill(p, n, PAGE_TEXT, 11);
	page_out_virtual(_metadata, p, n, self->type, pm);
	for (i = 0; i < n; i++)
		if (PM_SWAP_OFFSET(pm[i]) > highest)
			highest = PM_SWAP_OFFSET(pm[i]);
	/* n slots are in use, so some lie beyond the first three chunks. */
	EXPECT_GE(highest, 3 * 4096);
	EXPECT_LT(read_long(VSWAP_DEBUGFS "metadata_bytes"), slots) {
		TH_LOG("%ld bytes for %ld slots with %zu in use",
		       read_long(VSWAP_DEBUGFS "metadata_bytes"), slots, n);
	}
	verify(_metadata, p, n, PAGE_TEXT, 11);
	munmap(p, n * page_size);
	free(pm);
}

/* fork() shares virtual entries; COW after swap-in keeps both copies. */
TEST_F_TIMEOUT(vswap, fork_cow, TIMEOUT)
{
	size_t n = self->npages;

	pattern_fill(self->buf, n, PAGE_MIXED, 5);
	page_out_virtual(_metadata, self->buf, n, self->type, NULL);
	ASSERT_EQ(0, fork_check_cow(self->buf, n, 5, 6));
	verify(_metadata, self->buf, n, PAGE_MIXED, 5);
	page_out_virtual(_metadata, self->buf, n, self->type, NULL);
	verify(_metadata, self->buf, n, PAGE_MIXED, 5);
}

struct reader {
	const char *buf;
	size_t npages;
	long bad;
};

static void *reader_thread(void *arg)
{
	struct reader *r = arg;
	char why[256];

	r->bad = pattern_check(r->buf, r->npages, PAGE_MIXED, 7, why,
			       sizeof(why));
	if (r->bad != -1)
		fprintf(stderr, "reader: %s\n", why);
	return NULL;
}

/* Several threads fault the same swapped-out range at once. */
TEST_F_TIMEOUT(vswap, threads_fault_same_range, TIMEOUT)
{
	struct reader r[4];
	pthread_t t[4];
	int i, round;

	pattern_fill(self->buf, self->npages, PAGE_MIXED, 7);
	for (round = 0; round < 3; round++) {
		page_out_virtual(_metadata, self->buf, self->npages,
				 self->type, NULL);
		for (i = 0; i < 4; i++) {
			r[i] = (struct reader){ self->buf, self->npages, 0 };
			ASSERT_EQ(0, pthread_create(&t[i], NULL, reader_thread,
						    &r[i]));
		}
		for (i = 0; i < 4; i++) {
			pthread_join(t[i], NULL);
			EXPECT_EQ(-1, r[i].bad);
		}
	}
}

/*
 * Switching virtual swap off sends new swap-outs to the device as classic
 * entries; the virtual entries already out keep working, before and after
 * switching it on again.
 */
TEST_F_TIMEOUT(vswap, disable_with_live_entries, TIMEOUT)
{
	size_t n = self->npages, half = n / 2, i;
	uint64_t *pm = calloc(n, sizeof(*pm));

	ASSERT_NE(NULL, pm);
	ASSERT_EQ(0, swap_on(fast_dev(), 10));
	pattern_fill(self->buf, n, PAGE_MIXED, 8);
	page_out_virtual(_metadata, self->buf, half, self->type, NULL);

	ASSERT_EQ(0, knob_write("0"));
	ASSERT_EQ(0, knob_read());
	ASSERT_EQ(0, pageout_all(self->buf + half * page_size,
				 (n - half) * page_size));
	ASSERT_EQ(0, pagemap_read(self->buf, n, pm));
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(PM_SWAPPED(pm[i]));
		/* Virtual entries for the first half, classic ones after. */
		ASSERT_EQ(i < half, PM_SWAP_TYPE(pm[i]) == self->type);
	}
	free(pm);
	EXPECT_GT(swap_used_kb(fast_dev()), 0);

	/*
	 * On again: pages swapped back in keep the entry their swap cache
	 * folio already owns, virtual or classic, until it is freed.
	 */
	ASSERT_EQ(0, knob_write("1"));
	verify(_metadata, self->buf, n, PAGE_MIXED, 8);
	ASSERT_EQ(0, pageout_all(self->buf, n * page_size));
	EXPECT_EQ(n, count_swapped(self->buf, n));
	verify(_metadata, self->buf, n, PAGE_MIXED, 8);
}

/* Malformed writes to the knob fail with EINVAL and change nothing. */
TEST_F_TIMEOUT(vswap, knob_rejects_bad_input, TIMEOUT)
{
	static const char * const bad[] = { "2", "-1", "yes please", "\n", "0x1" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, knob_write(bad[i])) {
			TH_LOG("writing '%s'", bad[i]);
		}
		EXPECT_EQ(1, knob_read());
	}
	ASSERT_EQ(0, knob_write("off"));
	EXPECT_EQ(0, knob_read());
	EXPECT_EQ(-EINVAL, knob_write("maybe"));
	EXPECT_EQ(0, knob_read());
	ASSERT_EQ(0, knob_write("on"));
	EXPECT_EQ(1, knob_read());
}

/*
 * memory.max pressure with no swap device: without virtual swap the
 * cgroup could only OOM; with it, compressible memory goes to zswap.
 */
TEST_F_TIMEOUT(vswap, cgroup_pressure_without_device, TIMEOUT)
{
	int status = fill_in_cgroup(CG_PATH, VSWAP_MB(16), VSWAP_MB(48) / page_size,
				    PAGE_TEXT, 9);

	ASSERT_EQ(0, status) {
		TH_LOG("child status %#x (killed by signal %d: OOM?)", status,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
}

TEST_HARNESS_MAIN
