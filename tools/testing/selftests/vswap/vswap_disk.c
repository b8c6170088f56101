// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap with a disk behind it: lazily allocated disk slots, zswap
 * writeback of virtual entries, and swapoff without a page-table walk.
 *
 * Every test runs with virtual swap and zswap on and the fast swap disk
 * on, fills pages with a pattern that encodes the page index (zero,
 * same-filled, compressible and incompressible pages), and checks every
 * byte after the data has moved, together with the counters and the
 * /proc/self/pagemap swap entries that show what moved and what did not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vswap_test.h"

#define CG_ROOT		"/sys/fs/cgroup"
#define CG_PATH		CG_ROOT "/vswap-disk"

FIXTURE(disk) {
	char *buf;
	size_t npages;
	int type;
	bool in_cgroup;
	bool made_nonrot;
};

#define FAST_ROTATIONAL	"/sys/block/vda/queue/rotational"
#define SMALL_SWAPFILE	"/mnt/scratch/vswap-small.swap"
#define SMALL_PAGES	64

FIXTURE_SETUP(disk)
{
	vswap_init();
	if (access(VSWAP_KNOB, F_OK))
		SKIP(return, "kernel without CONFIG_VIRTUAL_SWAP");
	swap_off(fast_dev());
	swap_off(slow_dev());
	ASSERT_EQ(0, zswap_set_enabled(true));
	/* On before swapon, so that no classic entry takes a disk slot. */
	ASSERT_EQ(0, write_file(VSWAP_KNOB, "1"));
	ASSERT_EQ(0, swap_on(fast_dev(), 10));
	self->type = read_long(VSWAP_DEBUGFS "swap_type");
	ASSERT_GE(self->type, 0);
	self->npages = VSWAP_MB(16) / page_size;
	self->buf = mmap(NULL, self->npages * page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	ASSERT_EQ(0, madvise(self->buf, self->npages * page_size,
			     MADV_NOHUGEPAGE));
}

FIXTURE_TEARDOWN(disk)
{
	if (self->buf)
		munmap(self->buf, self->npages * page_size);
	if (self->in_cgroup) {
		write_file(CG_ROOT "/cgroup.procs", "%d", getpid());
		rmdir(CG_PATH);
	}
	swap_off(fast_dev());
	if (!access(SMALL_SWAPFILE, F_OK)) {
		swap_off(SMALL_SWAPFILE);
		unlink(SMALL_SWAPFILE);
	}
	if (self->made_nonrot)
		write_file(FAST_ROTATIONAL, "1");
	write_file(VSWAP_KNOB, "0");
	zswap_set_enabled(false);
}

/*
 * What /proc/swaps counts as used on the fast disk, less the free and
 * freed slots that the per-CPU disk slot caches hold: the data on it.
 */
static long data_kb(void)
{
	return swap_used_kb(fast_dev()) - vswap_disk_cached_kb();
}

/* Move the test into a cgroup whose zswap pool is limited to @zswap_max. */
static void enter_cgroup(struct __test_metadata *_metadata, bool *in_cgroup,
			 const char *zswap_max)
{
	mkdir(CG_PATH, 0755);
	ASSERT_EQ(0, write_file(CG_ROOT "/cgroup.subtree_control", "+memory"));
	ASSERT_EQ(0, write_file_at(CG_PATH, "memory.zswap.max", "%s", zswap_max));
	ASSERT_EQ(0, write_file_at(CG_PATH, "cgroup.procs", "%d", getpid()));
	*in_cgroup = true;
}

static char *map_pages(struct __test_metadata *_metadata, size_t npages)
{
	char *p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	EXPECT_NE(MAP_FAILED, p);
	if (p != MAP_FAILED)
		madvise(p, npages * page_size, MADV_NOHUGEPAGE);
	return p;
}

/* Wait, up to 10 s, until no page is under writeback. */
static void wait_swap_writeback(struct __test_metadata *_metadata)
{
	int i;

	for (i = 0; i < 1000 && meminfo_kb("Writeback") != 0; i++)
		usleep(10000);
	ASSERT_EQ(0, meminfo_kb("Writeback"));
}

/* Pages whose pagemap entry differs between @a and @b. */
static size_t pagemap_changed(const uint64_t *a, const uint64_t *b,
			      size_t npages)
{
	size_t i, changed = 0;

	for (i = 0; i < npages; i++)
		changed += a[i] != b[i];
	return changed;
}

/*
 * Incompressible pages get a disk slot at swap-out; zero, same-filled and
 * compressible pages get none: /proc/swaps "Used" counts exactly the pages
 * whose data is on the disk.
 */
TEST_F_TIMEOUT(disk, incompressible_pages_land_on_disk, TIMEOUT)
{
	size_t n = self->npages;
	uint64_t *pm = calloc(n, sizeof(*pm));
	long disk0 = vmstat_read("vswap_disk");
	long zswap0 = vmstat_read("vswap_zswap");
	long slots0 = read_long(VSWAP_DEBUGFS "disk");
	long moved0;

	ASSERT_NE(NULL, pm);
	ASSERT_EQ(0, swap_used_kb(fast_dev()));
	pattern_fill(self->buf, n, PAGE_MIXED, 11);
	page_out_virtual(_metadata, self->buf, n, self->type, pm);

	/* One in four pages is random: those, and only those, are on disk. */
	EXPECT_EQ(n / 4, vmstat_read("vswap_disk") - disk0);
	EXPECT_EQ(n / 4, read_long(VSWAP_DEBUGFS "disk") - slots0);
	EXPECT_EQ(n / 4 * page_size / 1024, data_kb());
	EXPECT_EQ(n / 4 + n / 8, vmstat_read("vswap_zswap") - zswap0);

	verify(_metadata, self->buf, n, PAGE_MIXED, 11);
	/*
	 * Freeing the virtual entries frees their disk slots.  A page still
	 * under writeback when it is unmapped keeps its swap cache folio, and
	 * so its slot, until reclaim finds it later (as upstream): let the
	 * writes finish first.
	 */
	wait_swap_writeback(_metadata);
	moved0 = vmstat_read("vswap_swapoff_move");
	ASSERT_EQ(0, munmap(self->buf, n * page_size));
	self->buf = NULL;
	/*
	 * The freed disk slots are in per-CPU caches now, as upstream's
	 * freed slots are in the slot cache: at most 64 per CPU.  swapoff
	 * drains the caches, so it must find nothing left to move.
	 */
	EXPECT_LE(swap_used_kb(fast_dev()),
		  64 * sysconf(_SC_NPROCESSORS_ONLN) * (long)page_size / 1024);
	ASSERT_EQ(0, swap_off(fast_dev()));
	EXPECT_EQ(0, vmstat_read("vswap_swapoff_move") - moved0);
	EXPECT_EQ(slots0, read_long(VSWAP_DEBUGFS "disk"));
	free(pm);
}

#define DISK_BATCH	32

/*
 * Disk slots for virtual entries are taken in per-CPU batches, as the
 * swap slot cache takes classic ones, so that a device's locks are taken
 * once per batch: one page going to disk takes a batch, and the slots it
 * did not use stay in the cache for the next pages, which take no new
 * batch.  Freed slots wait in the cache too; swapoff gives all of them
 * back.  The disk is made non-rotational first: the allocator hands a
 * rotational disk's batches out as far as the next used slot only, and
 * a solid-state one's whole, from a cluster.
 */
TEST_F_TIMEOUT(disk, disk_slots_taken_in_batches, TIMEOUT)
{
	long page_kb = page_size / 1024, used0, cached0, data0, freed;
	size_t n = DISK_BATCH / 2;
	char *p;

	ASSERT_EQ(0, swap_off(fast_dev()));
	ASSERT_EQ(0, write_file(FAST_ROTATIONAL, "0"));
	self->made_nonrot = true;
	ASSERT_EQ(0, swap_on(fast_dev(), 10));
	ASSERT_EQ(0, swap_used_kb(fast_dev()));
	p = map_pages(_metadata, n);
	ASSERT_NE(MAP_FAILED, p);
	/* The fill and the page out on one CPU: one cache, one batch. */
	ASSERT_EQ(0, pin_to_cpu(0));
	pattern_fill(p, n, PAGE_RANDOM, 16);
	page_out_virtual(_metadata, p, 1, self->type, NULL);
	EXPECT_EQ(DISK_BATCH * page_kb, swap_used_kb(fast_dev()));
	EXPECT_EQ((DISK_BATCH - 1) * page_kb, vswap_disk_cached_kb());

	page_out_virtual(_metadata, p + page_size, n - 1, self->type, NULL);
	EXPECT_EQ(DISK_BATCH * page_kb, swap_used_kb(fast_dev()));
	EXPECT_EQ(n * page_kb, data_kb());
	verify(_metadata, p, n, PAGE_RANDOM, 16);
	EXPECT_EQ(0, count_swapped(p, n));

	/*
	 * Freed slots go to this CPU's cache, not back to the device: the
	 * device's "Used" stays, the cache grows by what the data shrank.
	 * Not every page's slot is freed at munmap: a page whose swap cache
	 * folio outlives the unmap keeps its slot until reclaim drops the
	 * folio, as upstream (up to 15 of the 16 here).  At least one slot
	 * is freed.  swapoff gives the cached slots back.
	 */
	wait_swap_writeback(_metadata);
	used0 = swap_used_kb(fast_dev());
	cached0 = vswap_disk_cached_kb();
	data0 = data_kb();
	ASSERT_EQ(0, munmap(p, n * page_size));
	freed = data0 - data_kb();
	EXPECT_GE(freed, page_kb);
	EXPECT_EQ(used0, swap_used_kb(fast_dev()));
	EXPECT_EQ(cached0 + freed, vswap_disk_cached_kb());
	ASSERT_EQ(0, swap_off(fast_dev()));
	EXPECT_EQ(0, vswap_disk_cached_kb());
	ASSERT_EQ(0, pin_to_cpu(-1));
}

/* A swapfile of @pages pages (one is its header) at @path, via mkswap. */
static int make_swapfile(const char *path, size_t pages)
{
	char cmd[256];
	int fd;

	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0)
		return -errno;
	if (posix_fallocate(fd, 0, pages * page_size)) {
		close(fd);
		return -ENOSPC;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "mkswap %s >/dev/null 2>&1", path);
	return system(cmd) ? -EIO : 0;
}

/*
 * A full device gives back what the other CPUs' caches hold before a page
 * is refused a disk: CPU 0 takes a batch of a 63-slot swapfile for one
 * page and keeps the rest; CPU 1 then pages out more than the swapfile
 * has left outside CPU 0's cache, and every page still finds a slot.
 */
TEST_F_TIMEOUT(disk, full_device_takes_back_cached_slots, TIMEOUT)
{
	size_t n = SMALL_PAGES - 4;
	long refused0;
	char *p, *q;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	if (make_swapfile(SMALL_SWAPFILE, SMALL_PAGES))
		SKIP(return, "no swapfile on /mnt/scratch");
	ASSERT_EQ(0, swap_off(fast_dev()));
	/* zswap off: every random page needs a disk slot. */
	ASSERT_EQ(0, zswap_set_enabled(false));
	ASSERT_EQ(0, swap_on(SMALL_SWAPFILE, 10));

	p = map_pages(_metadata, 1);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, pin_to_cpu(0));
	pattern_fill(p, 1, PAGE_RANDOM, 17);
	page_out_virtual(_metadata, p, 1, self->type, NULL);
	EXPECT_GT(vswap_disk_cached_kb(), 0);

	q = map_pages(_metadata, n);
	ASSERT_NE(MAP_FAILED, q);
	ASSERT_EQ(0, pin_to_cpu(1));
	pattern_fill(q, n, PAGE_RANDOM, 18);
	refused0 = vmstat_read("vswap_reject_nodisk");
	page_out_virtual(_metadata, q, n, self->type, NULL);
	EXPECT_EQ(0, vmstat_read("vswap_reject_nodisk") - refused0);
	EXPECT_EQ((long)(n + 1) * (long)page_size / 1024,
		  swap_used_kb(SMALL_SWAPFILE) - vswap_disk_cached_kb());

	verify(_metadata, p, 1, PAGE_RANDOM, 17);
	verify(_metadata, q, n, PAGE_RANDOM, 18);
	munmap(q, n * page_size);
	munmap(p, page_size);
	EXPECT_EQ(0, swap_off(SMALL_SWAPFILE));
	unlink(SMALL_SWAPFILE);
	ASSERT_EQ(0, pin_to_cpu(-1));
}

/*
 * shmem pages take virtual entries too (shmem_writepage), and come back
 * through the swap cache and readahead of virtual offsets.  Their entries
 * live in the shmem mapping, not in page tables, so the counters show
 * where each page went.
 */
TEST_F_TIMEOUT(disk, shmem_roundtrip, TIMEOUT)
{
	size_t n = self->npages;
	long alloc0 = vmstat_read("vswap_alloc");
	long same0 = vmstat_read("vswap_same");
	long zswap0 = vmstat_read("vswap_zswap");
	long disk0 = vmstat_read("vswap_disk");
	char *shm;

	shm = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shm);
	pattern_fill(shm, n, PAGE_MIXED, 41);
	ASSERT_EQ(0, pageout_all(shm, n * page_size));

	EXPECT_EQ(n, vmstat_read("vswap_alloc") - alloc0);
	EXPECT_EQ(n / 4 + n / 8, vmstat_read("vswap_same") - same0);
	EXPECT_EQ(n / 4 + n / 8, vmstat_read("vswap_zswap") - zswap0);
	EXPECT_EQ(n / 4, vmstat_read("vswap_disk") - disk0);
	EXPECT_EQ(n / 4 * page_size / 1024, data_kb());
	verify(_metadata, shm, n, PAGE_MIXED, 41);

	/* Again after the first round trip, then free it all. */
	ASSERT_EQ(0, pageout_all(shm, n * page_size));
	verify(_metadata, shm, n, PAGE_MIXED, 41);
	ASSERT_EQ(0, munmap(shm, n * page_size));
}

/*
 * A page read back from disk keeps its slot while it is clean, so it can
 * be dropped again without a write; dirtying it and swapping it out again
 * writes it to a fresh slot and frees the old one.
 */
TEST_F_TIMEOUT(disk, rewrite_after_swapin, TIMEOUT)
{
	size_t n = self->npages;
	uint64_t *pm = calloc(n, sizeof(*pm));

	ASSERT_NE(NULL, pm);
	pattern_fill(self->buf, n, PAGE_RANDOM, 12);
	page_out_virtual(_metadata, self->buf, n, self->type, pm);
	EXPECT_EQ(n * page_size / 1024, data_kb());
	verify(_metadata, self->buf, n, PAGE_RANDOM, 12);

	pattern_fill(self->buf, n, PAGE_RANDOM, 13);
	page_out_virtual(_metadata, self->buf, n, self->type, pm);
	/* Each page is on disk once: old slots were freed, not leaked. */
	EXPECT_EQ(n * page_size / 1024, data_kb());
	verify(_metadata, self->buf, n, PAGE_RANDOM, 13);
	free(pm);
}

/*
 * zswap's LRU writeback moves virtual entries from the pool to disk
 * without touching the page tables: every pagemap swap entry of the
 * region, type and offset, is the same before and after.
 */
TEST_F_TIMEOUT(disk, writeback_keeps_pagemap, TIMEOUT)
{
	size_t n = self->npages, i;
	uint64_t *before = calloc(n, sizeof(*before));
	uint64_t *after = calloc(n, sizeof(*after));
	uint64_t *pm = calloc(2 * n, sizeof(*pm));
	long wb0 = vmstat_read("vswap_writeback");
	long zswpwb0 = vmstat_read("zswpwb");
	long written, rejected, used0, disk0;
	char *b;

	ASSERT_NE(NULL, before);
	ASSERT_NE(NULL, after);
	ASSERT_NE(NULL, pm);
	enter_cgroup(_metadata, &self->in_cgroup, "max");
	pattern_fill(self->buf, n, PAGE_MIXED, 14);
	page_out_virtual(_metadata, self->buf, n, self->type, before);
	used0 = data_kb();
	disk0 = vmstat_read("vswap_disk");

	/*
	 * With the pool limit at one page, each store of the second region
	 * first writes back the coldest entry of the cgroup: the first
	 * region's, which has aged the longest.
	 */
	ASSERT_EQ(0, write_file_at(CG_PATH, "memory.zswap.max", "%zu",
				   page_size));
	b = map_pages(_metadata, 2 * n);
	ASSERT_NE(MAP_FAILED, b);
	pattern_fill(b, 2 * n, PAGE_TEXT, 15);
	page_out_virtual(_metadata, b, 2 * n, self->type, pm);

	written = vmstat_read("vswap_writeback") - wb0;
	EXPECT_GE(written, (long)(n / 4)) {
		TH_LOG("only %ld entries written back", written);
	}
	EXPECT_EQ(written, vmstat_read("zswpwb") - zswpwb0);
	/*
	 * On disk now: what was there, what was written back, and the
	 * stores zswap rejected when a writeback only rotated a young entry.
	 */
	rejected = vmstat_read("vswap_disk") - disk0;
	EXPECT_EQ(used0 + (written + rejected) * (long)page_size / 1024,
		  data_kb());

	ASSERT_EQ(0, pagemap_read(self->buf, n, after));
	for (i = 0; i < n; i++)
		ASSERT_EQ(before[i], after[i]) {
			TH_LOG("page %zu: pagemap %#llx became %#llx", i,
			       (unsigned long long)before[i],
			       (unsigned long long)after[i]);
		}
	verify(_metadata, self->buf, n, PAGE_MIXED, 14);
	verify(_metadata, b, 2 * n, PAGE_TEXT, 15);
	/*
	 * Clean pages read back from disk can be dropped, or offered to
	 * zswap once (vswap_promote()), and read again.
	 */
	page_out_virtual(_metadata, self->buf, n, self->type, after);
	verify(_metadata, self->buf, n, PAGE_MIXED, 14);
	munmap(b, 2 * n * page_size);
	free(before);
	free(after);
	free(pm);
}

struct verifier {
	const char *buf;
	size_t npages;
	enum page_kind mix;
	uint64_t seed;
	int *stop;		/* set by stop_verifiers(), read atomically */
	long rounds;
	long bad;
};

/* Check the range over and over until told to stop or a byte is wrong. */
static void *verifier_thread(void *arg)
{
	struct verifier *v = arg;
	char why[256];

	v->bad = -1;
	do {
		v->bad = pattern_check(v->buf, v->npages, v->mix, v->seed, why,
				       sizeof(why));
		if (v->bad != -1) {
			fprintf(stderr, "verifier: %s\n", why);
			break;
		}
		v->rounds++;
		madvise((void *)v->buf, v->npages * page_size, MADV_PAGEOUT);
	} while (!__atomic_load_n(v->stop, __ATOMIC_RELAXED));
	return NULL;
}

static void start_verifiers(struct __test_metadata *_metadata,
			    struct verifier *v, pthread_t *t, int nr,
			    const char *buf, size_t npages, enum page_kind mix,
			    uint64_t seed, int *stop)
{
	int i;

	for (i = 0; i < nr; i++) {
		v[i] = (struct verifier){ buf, npages, mix, seed, stop, 0, -1 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, verifier_thread, &v[i]));
	}
}

static void stop_verifiers(struct __test_metadata *_metadata,
			   struct verifier *v, pthread_t *t, int nr,
			   int *stop)
{
	int i;

	__atomic_store_n(stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < nr; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(-1, v[i].bad);
		EXPECT_GT(v[i].rounds, 0);
	}
}

/*
 * Threads fault, check and page out the same range while writeback moves
 * its entries from zswap to disk: a fault that meets an entry under
 * writeback finds the folio in the swap cache and gets the right data.
 */
TEST_F_TIMEOUT(disk, faults_during_writeback, TIMEOUT)
{
	size_t n = self->npages / 2;
	uint64_t *pm = calloc(2 * n, sizeof(*pm));
	long wb0 = vmstat_read("vswap_writeback");
	int stop = 0;
	struct verifier v[3];
	pthread_t t[3];
	int round;
	char *b;

	ASSERT_NE(NULL, pm);
	enter_cgroup(_metadata, &self->in_cgroup, "max");
	pattern_fill(self->buf, n, PAGE_MIXED, 16);
	page_out_virtual(_metadata, self->buf, n, self->type, pm);
	ASSERT_EQ(0, write_file_at(CG_PATH, "memory.zswap.max", "%zu",
				   page_size));
	b = map_pages(_metadata, 2 * n);
	ASSERT_NE(MAP_FAILED, b);

	start_verifiers(_metadata, v, t, 3, self->buf, n, PAGE_MIXED, 16, &stop);
	for (round = 0; round < 4; round++) {
		/* Each store of this region writes back an older entry. */
		pattern_fill(b, 2 * n, PAGE_TEXT, 17 + round);
		ASSERT_EQ(0, pageout_all(b, 2 * n * page_size));
		verify(_metadata, b, 2 * n, PAGE_TEXT, 17 + round);
	}
	stop_verifiers(_metadata, v, t, 3, &stop);

	EXPECT_GT(vmstat_read("vswap_writeback") - wb0, 0);
	verify(_metadata, self->buf, n, PAGE_MIXED, 16);
	munmap(b, 2 * n * page_size);
	free(pm);
}

/*
 * With no disk, writeback of a virtual entry has nowhere to go: it backs
 * off at once, the store that asked for it is rejected and the page stays
 * in memory.  Nothing is lost and nothing spins.
 */
TEST_F_TIMEOUT(disk, writeback_without_disk_backs_off, TIMEOUT)
{
	size_t n = self->npages;
	uint64_t *pm = calloc(n, sizeof(*pm));
	long wb0 = vmstat_read("vswap_writeback");
	long kept0 = vmstat_read("vswap_reject_nodisk");

	ASSERT_NE(NULL, pm);
	ASSERT_EQ(0, swap_off(fast_dev()));
	enter_cgroup(_metadata, &self->in_cgroup, "max");
	pattern_fill(self->buf, n / 2, PAGE_TEXT, 21);
	page_out_virtual(_metadata, self->buf, n / 2, self->type, pm);
	ASSERT_EQ(0, write_file_at(CG_PATH, "memory.zswap.max", "%zu",
				   page_size));
	pattern_fill(self->buf + n / 2 * page_size, n / 2, PAGE_TEXT, 22);
	page_out_virtual(_metadata, self->buf + n / 2 * page_size, n / 2,
			 self->type, pm);

	EXPECT_EQ(0, vmstat_read("vswap_writeback") - wb0);
	EXPECT_GT(vmstat_read("vswap_reject_nodisk") - kept0, 0);
	verify(_metadata, self->buf, n / 2, PAGE_TEXT, 21);
	verify(_metadata, self->buf + n / 2 * page_size, n / 2, PAGE_TEXT, 22);
	free(pm);
}

/*
 * swapoff of a disk that holds virtual entries' data, while threads keep
 * faulting, checking and paging out the first half of the region: the
 * data comes back into the swap cache through the descriptors.  No page
 * table is visited - the untouched second half keeps exactly the swap
 * entries it had, where upstream's swapoff would have mapped every page.
 */
TEST_F_TIMEOUT(disk, swapoff_under_verifier, TIMEOUT)
{
	size_t n = self->npages, half = n / 2;
	uint64_t *before = calloc(n, sizeof(*before));
	uint64_t *after = calloc(n, sizeof(*after));
	long moved0 = vmstat_read("vswap_swapoff_move");
	long slots0 = read_long(VSWAP_DEBUGFS "disk");
	int stop = 0;
	struct verifier v[2];
	pthread_t t[2];
	long moved, on_disk;

	ASSERT_NE(NULL, before);
	ASSERT_NE(NULL, after);
	pattern_fill(self->buf, n, PAGE_MIXED, 23);
	page_out_virtual(_metadata, self->buf, n, self->type, before);
	on_disk = read_long(VSWAP_DEBUGFS "disk") - slots0;
	ASSERT_EQ((long)(n / 4), on_disk);

	start_verifiers(_metadata, v, t, 2, self->buf, half, PAGE_MIXED, 23,
			&stop);
	ASSERT_EQ(0, swap_off(fast_dev()));
	stop_verifiers(_metadata, v, t, 2, &stop);

	EXPECT_FALSE(swap_is_on(fast_dev()));
	EXPECT_EQ(slots0, read_long(VSWAP_DEBUGFS "disk"));
	moved = vmstat_read("vswap_swapoff_move") - moved0;
	/* At least the second half's disk pages; at most all of them. */
	EXPECT_GE(moved, (long)(n / 2 / 4));
	EXPECT_LE(moved, on_disk);

	ASSERT_EQ(0, pagemap_read(self->buf, n, after));
	EXPECT_EQ(0, pagemap_changed(before + half, after + half, n - half));
	verify(_metadata, self->buf, n, PAGE_MIXED, 23);

	/*
	 * The moved pages are the only copy now: they must be dirty, so
	 * that reclaim stores them again (zswap, or kept in memory) rather
	 * than dropping them.
	 */
	page_out_virtual(_metadata, self->buf, n, self->type, after);
	verify(_metadata, self->buf, n, PAGE_MIXED, 23);
	free(before);
	free(after);
}

/*
 * The switch flipped 200 times while threads page the same range out and
 * check it: classic and virtual entries of one region end up side by side
 * on the disk, and swapoff then brings back both kinds - the virtual ones
 * through the descriptors, the classic ones by upstream's page-table walk.
 */
TEST_F_TIMEOUT(disk, toggle_under_load, TIMEOUT)
{
	size_t n = self->npages, i, virtual = 0, classic = 0;
	uint64_t *pm = calloc(n, sizeof(*pm));
	int stop = 0, round;
	struct verifier v[2];
	pthread_t t[2];

	ASSERT_NE(NULL, pm);
	pattern_fill(self->buf, n, PAGE_MIXED, 31);
	start_verifiers(_metadata, v, t, 2, self->buf, n, PAGE_MIXED, 31, &stop);
	for (round = 0; round < 200; round++) {
		ASSERT_EQ(0, write_file(VSWAP_KNOB, "%d", round % 2));
		usleep(2000);
	}
	stop_verifiers(_metadata, v, t, 2, &stop);

	/* Half the region out with each kind of entry. */
	ASSERT_EQ(0, write_file(VSWAP_KNOB, "1"));
	ASSERT_EQ(0, pageout_all(self->buf, n / 2 * page_size));
	ASSERT_EQ(0, write_file(VSWAP_KNOB, "0"));
	ASSERT_EQ(0, pageout_all(self->buf + n / 2 * page_size,
				 n / 2 * page_size));
	ASSERT_EQ(0, pagemap_read(self->buf, n, pm));
	for (i = 0; i < n; i++) {
		virtual += PM_SWAPPED(pm[i]) && PM_SWAP_TYPE(pm[i]) == self->type;
		classic += PM_SWAPPED(pm[i]) && PM_SWAP_TYPE(pm[i]) != self->type;
	}
	EXPECT_GT(virtual, 0);
	EXPECT_GT(classic, 0);

	ASSERT_EQ(0, swap_off(fast_dev()));
	EXPECT_EQ(0, read_long(VSWAP_DEBUGFS "disk"));
	verify(_metadata, self->buf, n, PAGE_MIXED, 31);
	free(pm);
}

/*
 * A child that pages @npages random pages out to the disk, reports that
 * on @ready, and waits to be killed.
 */
static void swapped_child(size_t npages, int ready, uint64_t seed)
{
	char *p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(1);
	madvise(p, npages * page_size, MADV_NOHUGEPAGE);
	pattern_fill(p, npages, PAGE_RANDOM, seed);
	madvise(p, npages * page_size, MADV_PAGEOUT);
	if (write(ready, "r", 1) != 1)
		_exit(2);
	for (;;)
		pause();
}

/*
 * swapoff while the tasks that own the device's pages are killed: slots
 * are freed under swapoff's feet (a slot's folio gone, its release still
 * to come), which must never fail swapoff with -ENOMEM.  Ten rounds of
 * four tasks, killed while swapoff runs; the test's own pages on the
 * same device come back intact every time, and the cgroup of them all has
 * no swap charged left: what swapoff moved is uncharged, what the tasks
 * owned is freed.
 */
#define EXIT_ROUNDS	10
#define EXIT_TASKS	4

TEST_F_TIMEOUT(disk, swapoff_while_owners_exit, TIMEOUT)
{
	size_t per = VSWAP_MB(4) / page_size, n = VSWAP_MB(4) / page_size;
	pid_t pid[EXIT_TASKS];
	int round, i, status, fds[2];
	char c;

	enter_cgroup(_metadata, &self->in_cgroup, "max");
	for (round = 0; round < EXIT_ROUNDS; round++) {
		if (round)
			ASSERT_EQ(0, swap_on(fast_dev(), 10));
		pattern_fill(self->buf, n, PAGE_RANDOM, 100 + round);
		page_out_virtual(_metadata, self->buf, n, self->type, NULL);
		ASSERT_EQ(0, pipe(fds));
		for (i = 0; i < EXIT_TASKS; i++) {
			pid[i] = fork();
			ASSERT_GE(pid[i], 0);
			if (!pid[i])
				swapped_child(per, fds[1], 200 + i);
		}
		for (i = 0; i < EXIT_TASKS; i++)
			ASSERT_EQ(1, read(fds[0], &c, 1));
		close(fds[0]);
		close(fds[1]);

		/* The kills land while swapoff walks the descriptors. */
		if (!fork()) {
			usleep(1000 * (round % 5));
			for (i = 0; i < EXIT_TASKS; i++)
				kill(pid[i], SIGKILL);
			_exit(0);
		}
		ASSERT_EQ(0, swap_off(fast_dev())) {
			TH_LOG("round %d: swapoff: %s", round, strerror(errno));
		}
		for (i = 0; i < EXIT_TASKS; i++)
			ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		while (wait(&status) > 0)
			;
		verify(_metadata, self->buf, n, PAGE_RANDOM, 100 + round);
		EXPECT_LE(read_long(CG_PATH "/memory.swap.current"),
			  64 * (long)page_size);
	}
	EXPECT_EQ(0, read_long(VSWAP_DEBUGFS "disk"));
}

TEST_HARNESS_MAIN
