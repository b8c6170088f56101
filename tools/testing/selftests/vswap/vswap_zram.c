// SPDX-License-Identifier: GPL-2.0
/*
 * zram as the disk behind virtual entries.  zram needs a page to stay
 * unchanged while it is written (BLK_FEAT_STABLE_WRITES) and does its IO
 * synchronously (SWP_SYNCHRONOUS_IO): the flags that matter are those of the
 * device that holds the data, not those of the virtual device.  Each test
 * runs with swap on zram itself, and on dm-delay over zram, which keeps
 * zram's stable writes but holds each write for a while, so that faults
 * find pages still under writeback.
 *
 * zswap is off, so every page that is not same-filled goes to zram.  Pages
 * hold a pattern made of their index, a generation and the word's index;
 * every read is checked byte by byte.  A page mapped writable while zram
 * still compresses it would not corrupt what the task sees (the PTE is
 * dirty, the page is written again): the debug kernel's VM_WARN in
 * do_swap_page() is what catches that, and any warning fails the run.
 * vswap_stable_write_fault counts the faults that found a page in flight
 * and mapped it read-only, so the test knows the race happened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vswap_test.h"

#define ZRAM		"/dev/zram0"
#define ZRAM_SYS	"/sys/block/zram0/"
#define ZRAM_SECTORS	(128UL << 11)
#define DM_NAME		"vswap-delay"
#define DM_NODE		"/tmp/vswap-delay"
/* dm-delay's write delay: long enough for faults to find pages in flight. */
#define DM_WRITE_MS	20

FIXTURE(zram) {
	int type;
	const char *dev;
	bool dm;
};

/* Swap directly on zram, or on dm-delay over zram (async, slow writes). */
FIXTURE_VARIANT(zram) {
	bool delayed;
};

FIXTURE_VARIANT_ADD(zram, direct) {
	.delayed = false,
};

FIXTURE_VARIANT_ADD(zram, delayed) {
	.delayed = true,
};

static void dm_ioctl_init(struct dm_ioctl *io, size_t size)
{
	memset(io, 0, size);
	io->version[0] = DM_VERSION_MAJOR;
	io->version[1] = DM_VERSION_MINOR;
	io->version[2] = DM_VERSION_PATCHLEVEL;
	io->data_size = size;
	io->data_start = sizeof(*io);
	snprintf(io->name, sizeof(io->name), "%s", DM_NAME);
}

static int dm_remove(void)
{
	struct dm_ioctl io;
	int fd = open("/dev/mapper/control", O_RDWR), err;

	if (fd < 0)
		return -errno;
	dm_ioctl_init(&io, sizeof(io));
	err = ioctl(fd, DM_DEV_REMOVE, &io) ? -errno : 0;
	close(fd);
	return err;
}

/*
 * Create DM_NAME: reads go straight to zram, writes are held DM_WRITE_MS.
 * dm stacks zram's stable-writes feature.  Returns its dev_t, or 0.
 */
static dev_t dm_delay_create(void)
{
	struct {
		struct dm_ioctl io;
		struct dm_target_spec spec;
		char params[128];
	} t;
	int fd = open("/dev/mapper/control", O_RDWR);
	dev_t dev = 0;

	if (fd < 0)
		return 0;
	dm_ioctl_init(&t.io, sizeof(t));
	if (ioctl(fd, DM_DEV_CREATE, &t.io))
		goto out;
	dm_ioctl_init(&t.io, sizeof(t));
	t.io.target_count = 1;
	t.spec.sector_start = 0;
	t.spec.length = ZRAM_SECTORS;
	snprintf(t.spec.target_type, sizeof(t.spec.target_type), "delay");
	snprintf(t.params, sizeof(t.params), "%s 0 0 %s 0 %d", ZRAM, ZRAM,
		 DM_WRITE_MS);
	if (ioctl(fd, DM_TABLE_LOAD, &t.io))
		goto remove;
	dm_ioctl_init(&t.io, sizeof(t));
	if (ioctl(fd, DM_DEV_SUSPEND, &t.io))	/* without flags: resume */
		goto remove;
	dev = t.io.dev;
	goto out;
remove:
	dm_remove();
out:
	close(fd);
	return dev;
}

FIXTURE_SETUP(zram)
{
	char path[128];
	dev_t dev;

	vswap_init();
	if (access(VSWAP_KNOB, F_OK))
		SKIP(return, "kernel without CONFIG_VIRTUAL_SWAP");
	/* The test kernels have CONFIG_ZRAM: its absence is a failure. */
	ASSERT_EQ(0, access(ZRAM_SYS "disksize", F_OK));
	swap_off(fast_dev());
	swap_off(slow_dev());
	swap_off(ZRAM);
	swap_off(DM_NODE);
	dm_remove();
	ASSERT_EQ(0, zswap_set_enabled(false));
	ASSERT_EQ(0, write_file(VSWAP_KNOB, "1"));
	ASSERT_EQ(0, write_file(ZRAM_SYS "reset", "1"));
	/* The slowest compressor: the longest writes for faults to race with. */
	ASSERT_EQ(0, write_file(ZRAM_SYS "comp_algorithm", "zstd"));
	ASSERT_EQ(0, write_file(ZRAM_SYS "disksize", "%lu", ZRAM_SECTORS << 9));
	self->dev = ZRAM;
	if (variant->delayed) {
		dev = dm_delay_create();
		ASSERT_NE(0, dev);
		self->dm = true;
		unlink(DM_NODE);
		ASSERT_EQ(0, mknod(DM_NODE, S_IFBLK | 0600, dev));
		self->dev = DM_NODE;
		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/stable_writes",
			 major(dev), minor(dev));
		/* Otherwise the test would not test what it says. */
		ASSERT_EQ(1, read_long(path));
	}
	ASSERT_EQ(1, read_long(ZRAM_SYS "queue/stable_writes"));
	snprintf(path, sizeof(path), "mkswap %s >/dev/null", self->dev);
	ASSERT_EQ(0, system(path));
	ASSERT_EQ(0, swap_on(self->dev, 10));
	self->type = read_long(VSWAP_DEBUGFS "swap_type");
	ASSERT_GE(self->type, 0);
}

FIXTURE_TEARDOWN(zram)
{
	if (self->dev)
		swap_off(self->dev);
	if (self->dm) {
		dm_remove();
		unlink(DM_NODE);
	}
	write_file(ZRAM_SYS "reset", "1");
	write_file(VSWAP_KNOB, "0");
}

/* zram's failed reads and writes (the first two fields of io_stat). */
static long zram_failed_io(void)
{
	long reads, writes;
	FILE *f = fopen(ZRAM_SYS "io_stat", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &reads, &writes) != 2)
		reads = -1, writes = 0;
	fclose(f);
	return reads < 0 ? -1 : reads + writes;
}

static char *map_pages(size_t npages)
{
	char *p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		madvise(p, npages * page_size, MADV_NOHUGEPAGE);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * Pages that are not same-filled reach zram through virtual entries; zram's
 * slots hold exactly those, and everything reads back.
 */
TEST_F_TIMEOUT(zram, pages_reach_zram, TIMEOUT)
{
	size_t i, n = VSWAP_MB(8) / page_size, same = 0;
	long disk0 = vmstat_read("vswap_disk");
	char *buf = map_pages(n);

	ASSERT_NE(NULL, buf);
	for (i = 0; i < n; i++) {
		enum page_kind k = page_kind_of(PAGE_MIXED, i);

		same += k == PAGE_ZERO || (k == PAGE_SAME && same_word_fits(i));
	}
	pattern_fill(buf, n, PAGE_MIXED, 61);
	page_out_virtual(_metadata, buf, n, self->type, NULL);
	EXPECT_EQ(n - same, vmstat_read("vswap_disk") - disk0);
	EXPECT_EQ((long)((n - same) * page_size / 1024),
		  swap_used_kb(self->dev) - vswap_disk_cached_kb());
	verify(_metadata, buf, n, PAGE_MIXED, 61);
	EXPECT_EQ(0, zram_failed_io());
	munmap(buf, n * page_size);
}

/*
 * A pager pushes a region out to zram, CHUNK pages at a time, while writers
 * keep reading and rewriting the very chunk it is paging out, so faults
 * keep finding folios whose write to zram is still in progress.  Each page
 * holds (index, generation, word); a writer checks the whole page before
 * every rewrite, and every page is checked at the end.
 */
#define WRITERS		1
#define REGION_PAGES	2048
#define CHUNK		16
#define SWEEPS		8

struct rewrite {
	char *buf;
	unsigned int id;	/* owns the pages with index % WRITERS == id */
	unsigned int *gen;	/* generation per page of the region */
	size_t *chunk;		/* the first page the pager is paging out */
	int *done;		/* both read and written with __atomic */
	long bad;		/* first wrong page + 1, or 0 */
	char why[128];
};

static void page_pattern(uint64_t *w, size_t index, unsigned int gen)
{
	size_t i;

	for (i = 0; i < page_size / sizeof(*w); i++)
		w[i] = ((uint64_t)index << 40) | ((uint64_t)gen << 16) | i;
}

static bool page_matches(const uint64_t *w, size_t index, unsigned int gen,
			 char *why, size_t len)
{
	size_t i;

	for (i = 0; i < page_size / sizeof(*w); i++) {
		uint64_t want = ((uint64_t)index << 40) |
				((uint64_t)gen << 16) | i;

		if (w[i] != want) {
			snprintf(why, len, "page %zu word %zu: %#llx, want %#llx",
				 index, i, (unsigned long long)w[i],
				 (unsigned long long)want);
			return false;
		}
	}
	return true;
}

/*
 * The pager on CPU 0 and the writers on CPU 1: a writer woken when the
 * pager unlocks a folio to write it must not wait for the pager's CPU,
 * where the write runs to its end without a reschedule.
 */
static void run_on_cpu(int cpu)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
		pin_to_cpu(cpu);
}

static void *writer(void *arg)
{
	struct rewrite *r = arg;
	uint64_t seed = r->id + 1, *w;
	size_t i, first;
	unsigned int spin;

	run_on_cpu(1);

	while (!__atomic_load_n(r->done, __ATOMIC_RELAXED) && !r->bad) {
		/*
		 * One page of the chunk at a time, at random moments: a page
		 * touched again and again right after it is unmapped keeps
		 * reclaim from writing it (the fault holds a reference); one
		 * touched a little later finds it under writeback.
		 */
		first = __atomic_load_n(r->chunk, __ATOMIC_RELAXED);
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		i = first + r->id + WRITERS * ((seed >> 33) % (CHUNK / WRITERS));
		w = (uint64_t *)(r->buf + i * page_size);
		if (!page_matches(w, i, r->gen[i], r->why, sizeof(r->why))) {
			r->bad = i + 1;
			break;
		}
		page_pattern(w, i, ++r->gen[i]);
		for (spin = (seed >> 20) % 4096; spin; spin--)
			asm volatile("" ::: "memory");
	}
	return NULL;
}

TEST_F_TIMEOUT(zram, rewrite_under_writeback, TIMEOUT)
{
	size_t i, sweep, n = REGION_PAGES;
	long disk0 = vmstat_read("vswap_disk");
	long stable0 = vmstat_read("vswap_stable_write_fault");
	struct rewrite r[WRITERS];
	pthread_t wt[WRITERS];
	size_t chunk = 0;
	int done = 0;
	unsigned int *gen;
	char why[128];
	char *buf;

	buf = map_pages(n);
	gen = calloc(n, sizeof(*gen));
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, gen);
	for (i = 0; i < n; i++)
		page_pattern((uint64_t *)(buf + i * page_size), i, 0);

	for (i = 0; i < WRITERS; i++) {
		r[i] = (struct rewrite){ .buf = buf, .id = i, .gen = gen,
					 .chunk = &chunk, .done = &done };
		ASSERT_EQ(0, pthread_create(&wt[i], NULL, writer, &r[i]));
	}
	run_on_cpu(0);
	for (sweep = 0; sweep < SWEEPS; sweep++) {
		for (i = 0; i < n; i += CHUNK) {
			__atomic_store_n(&chunk, i, __ATOMIC_RELAXED);
			madvise(buf + i * page_size, CHUNK * page_size,
				MADV_PAGEOUT);
		}
	}
	__atomic_store_n(&done, 1, __ATOMIC_RELAXED);
	for (i = 0; i < WRITERS; i++)
		pthread_join(wt[i], NULL);

	for (i = 0; i < WRITERS; i++)
		EXPECT_EQ(0, r[i].bad) {
			TH_LOG("writer %zu: %s", i, r[i].why);
		}
	/*
	 * The pages went to zram, thousands of writes.  How many depends on
	 * timing: a page still under writeback, or held by a fault, is not
	 * written again by the next sweep.
	 */
	EXPECT_GE(vmstat_read("vswap_disk") - disk0, (long)(n / 2));
	/*
	 * With writes held back, faults found pages under writeback and
	 * mapped them read-only: the race this test is about did happen.
	 */
	if (variant->delayed)
		EXPECT_LT(0, vmstat_read("vswap_stable_write_fault") - stable0);
	TH_LOG("%ld writes to zram, %ld faults on pages in flight",
	       vmstat_read("vswap_disk") - disk0,
	       vmstat_read("vswap_stable_write_fault") - stable0);
	/* Out once more, and every page must come back as last written. */
	ASSERT_EQ(0, pageout_all(buf, n * page_size));
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(page_matches((uint64_t *)(buf + i * page_size), i,
					 gen[i], why, sizeof(why))) {
			TH_LOG("after the run: %s", why);
		}
	}
	EXPECT_EQ(0, zram_failed_io());
	free(gen);
	munmap(buf, n * page_size);
}

TEST_HARNESS_MAIN
