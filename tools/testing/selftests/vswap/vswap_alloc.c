// SPDX-License-Identifier: GPL-2.0
/*
 * How virtual slots are allocated and given back: per-CPU clusters, the
 * sparse swap map that readahead must not read where it is not mapped,
 * the metadata that emptied clusters and chunks return, and the per-CPU
 * slot caches across CPU hotplug.
 *
 * Pages are same-filled, with a word derived from the page index, so that
 * many of them cost no memory once swapped out; every byte is checked
 * when they come back.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vswap_test.h"

#define PAGE_CLUSTER	"/proc/sys/vm/page-cluster"
#define VMA_RA		"/sys/kernel/mm/swap/vma_ra_enabled"
#define HPAGE_PMD_SIZE	"/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"

FIXTURE(alloc) {
	int type;
	long page_cluster;
	bool vma_ra;
};

/* /sys/kernel/mm/swap/vma_ra_enabled reads "true" or "false". */
static bool vma_ra_enabled(void)
{
	char buf[8] = "";
	FILE *f = fopen(VMA_RA, "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	return !strncmp(buf, "true", 4);
}

/* zswap, no disk, virtual swap on. */
FIXTURE_SETUP(alloc)
{
	vswap_init();
	if (access(VSWAP_KNOB, F_OK))
		SKIP(return, "kernel without CONFIG_VIRTUAL_SWAP");
	swap_off(fast_dev());
	swap_off(slow_dev());
	ASSERT_EQ(0, zswap_set_enabled(true));
	ASSERT_EQ(0, write_file(VSWAP_KNOB, "1"));
	self->type = read_long(VSWAP_DEBUGFS "swap_type");
	ASSERT_GE(self->type, 0);
	self->page_cluster = read_long(PAGE_CLUSTER);
	self->vma_ra = vma_ra_enabled();
}

FIXTURE_TEARDOWN(alloc)
{
	if (self->page_cluster >= 0)
		write_file(PAGE_CLUSTER, "%ld", self->page_cluster);
	write_file(VMA_RA, "%s", self->vma_ra ? "true" : "false");
	write_file(VSWAP_KNOB, "0");
	zswap_set_enabled(false);
}

/* Slots per cluster: HPAGE_PMD_NR with THP swap, else 256. */
static long cluster_slots(void)
{
	long pmd = read_long(HPAGE_PMD_SIZE);

	return pmd > 0 ? pmd / page_size : 256;
}

static void wait_ok(struct __test_metadata *_metadata, pid_t pid)
{
	int status;

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("child %d: status %#x", pid, status);
	}
}

#define ROUNDS		16
#define PER_ROUND	64

/*
 * A child pinned to @cpu: each byte it reads from @go pages out the next
 * PER_ROUND pages of its region, then it answers on @done.  At the end it
 * leaves its swap offsets in @offsets and checks its data.
 */
static int cpu_child(int cpu, int go, int done, uint64_t *offsets,
		     uint64_t seed)
{
	size_t n = ROUNDS * PER_ROUND, i;
	uint64_t *pm = calloc(n, sizeof(*pm));
	char *p, c;
	int r;

	if (!pm || pin_to_cpu(cpu))
		return 1;
	p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || madvise(p, n * page_size, MADV_NOHUGEPAGE))
		return 2;
	pattern_fill(p, n, PAGE_SAME, seed);
	for (r = 0; r < ROUNDS; r++) {
		if (read(go, &c, 1) != 1)
			return 3;
		if (madvise(p + r * PER_ROUND * page_size,
			    PER_ROUND * page_size, MADV_PAGEOUT))
			return 4;
		if (write(done, &c, 1) != 1)
			return 5;
	}
	if (pagemap_read(p, n, pm))
		return 6;
	for (i = 0; i < n; i++)
		offsets[i] = PM_SWAPPED(pm[i]) ? PM_SWAP_OFFSET(pm[i]) : 0;
	if (pattern_check(p, n, PAGE_SAME, seed, NULL, 0) != -1)
		return 7;
	return 0;
}

/*
 * Two tasks on two CPUs page out in turns, 64 pages at a time: each CPU
 * allocates from clusters of its own, so no cluster holds slots of both -
 * unlike one allocation cursor shared by all CPUs, which interleaves
 * them.
 */
TEST_F_TIMEOUT(alloc, cpus_take_own_clusters, TIMEOUT)
{
	size_t n = ROUNDS * PER_ROUND, i, j, shared = 0, missing = 0;
	int go[2][2], done[2][2], cpu, r;
	long cluster = cluster_slots();
	uint64_t *offsets;
	pid_t pid[2];
	char c = 0;

	ASSERT_GE(sysconf(_SC_NPROCESSORS_ONLN), 2) {
		TH_LOG("needs two CPUs: boot the guest with VM_SMP=2 or more");
	}
	offsets = mmap(NULL, 2 * n * sizeof(*offsets), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, offsets);
	for (cpu = 0; cpu < 2; cpu++) {
		ASSERT_EQ(0, pipe(go[cpu]));
		ASSERT_EQ(0, pipe(done[cpu]));
		pid[cpu] = fork();
		ASSERT_GE(pid[cpu], 0);
		if (!pid[cpu])
			_exit(cpu_child(cpu, go[cpu][0], done[cpu][1],
					offsets + cpu * n, 40 + cpu));
	}
	for (r = 0; r < ROUNDS; r++) {
		for (cpu = 0; cpu < 2; cpu++) {
			ASSERT_EQ(1, write(go[cpu][1], &c, 1));
			ASSERT_EQ(1, read(done[cpu][0], &c, 1));
		}
	}
	wait_ok(_metadata, pid[0]);
	wait_ok(_metadata, pid[1]);

	for (i = 0; i < 2 * n; i++)
		missing += !offsets[i];
	EXPECT_EQ(0, missing);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			if (offsets[i] && offsets[n + j] &&
			    offsets[i] / cluster == offsets[n + j] / cluster) {
				shared++;
				break;
			}
		}
	}
	EXPECT_EQ(0, shared) {
		TH_LOG("%zu slots of CPU 0 share a %ld-slot cluster with CPU 1",
		       shared, cluster);
	}
	munmap(offsets, 2 * n * sizeof(*offsets));
}

/*
 * Cluster readahead reads the swap map of every slot in its window, up to
 * 1 << page-cluster slots around the faulting one: far past the 4096
 * slots of a mapped chunk of the virtual map, into chunks that are not
 * mapped, and over the free slots this CPU's slot cache holds right after
 * the last ones taken (SWAP_HAS_CACHE, count 0, no folio, for as long as
 * they stay cached: readahead must skip them, not wait for a folio).
 * Sequential faults grow the window to its maximum; every page comes back
 * intact.
 */
TEST_F_TIMEOUT(alloc, readahead_window_past_mapped_space, TIMEOUT)
{
	size_t n = VSWAP_MB(64) / page_size, tail = 10, i;
	long ra0;
	char *p;

	ASSERT_EQ(0, write_file(VMA_RA, "false"));
	ASSERT_EQ(0, write_file(PAGE_CLUSTER, "15"));
	p = mmap(NULL, (n + tail) * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, madvise(p, (n + tail) * page_size, MADV_NOHUGEPAGE));
	pattern_fill(p, n + tail, PAGE_SAME, 61);
	page_out_virtual(_metadata, p, n, self->type, NULL);
	/* A few more: the rest of the batch stays in the slot cache. */
	page_out_virtual(_metadata, p + n * page_size, tail, self->type, NULL);

	ra0 = vmstat_read("swap_ra");
	for (i = 0; i < n + tail; i++)
		ASSERT_TRUE(pattern_page_ok(p + i * page_size, i, PAGE_SAME, 61)) {
			TH_LOG("page %zu came back wrong", i);
		}
	/* The window grew: most pages came in by readahead. */
	EXPECT_GE(vmstat_read("swap_ra") - ra0, (long)n / 2);
	munmap(p, (n + tail) * page_size);
}

/*
 * Metadata of emptied clusters and chunks is given back: after 256 MiB of
 * pages swap out and are freed, what the virtual space still costs beyond
 * where it started is the swap map of the chunks it mapped on the way (it
 * stays mapped) and the tables and records of the few clusters that the
 * CPUs' slot caches still hold - not the 512 KiB of swap_cgroup records
 * and 2 MiB of descriptor tables the pages needed.
 */
TEST_F_TIMEOUT(alloc, metadata_given_back, TIMEOUT)
{
	size_t n = VSWAP_MB(256) / page_size;
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	long meta0, mapped0, meta1, meta2, mapped2, kept, allowed;
	char *p;

	meta0 = read_long(VSWAP_DEBUGFS "metadata_bytes");
	mapped0 = read_long(VSWAP_DEBUGFS "populated");
	p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, madvise(p, n * page_size, MADV_NOHUGEPAGE));
	pattern_fill(p, n, PAGE_SAME, 62);
	page_out_virtual(_metadata, p, n, self->type, NULL);
	meta1 = read_long(VSWAP_DEBUGFS "metadata_bytes");
	/* A descriptor per slot, at least, while the pages are out. */
	EXPECT_GE(meta1 - meta0, (long)(n * 8));
	verify(_metadata, p, n, PAGE_SAME, 62);
	ASSERT_EQ(0, munmap(p, n * page_size));

	meta2 = read_long(VSWAP_DEBUGFS "metadata_bytes");
	mapped2 = read_long(VSWAP_DEBUGFS "populated");
	kept = meta2 - meta0;
	/*
	 * The map pages of the chunks mapped meanwhile (a byte per slot),
	 * and per CPU a table (8 bytes a slot) and records (2 bytes a slot
	 * of a 4096-slot chunk) for each of its cached and returned slots'
	 * clusters: three at most.
	 */
	allowed = (mapped2 - mapped0) +
		  cpus * 3 * (cluster_slots() * 8 + 4096 * 2);
	EXPECT_LE(kept, allowed) {
		TH_LOG("%ld bytes kept of %ld, %ld allowed", kept,
		       meta1 - meta0, allowed);
	}
}

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"
#define SLOT_BATCH	64

/*
 * A CPU going offline gives back the slots its caches hold (free slots
 * it took in a batch, freed slots waiting for a batch), and coming back
 * online uses a cache again: its first page out takes a whole batch.
 * Pages swapped out and in around the offline keep their data.
 */
TEST_F_TIMEOUT(alloc, offline_cpu_gives_back_slots, TIMEOUT)
{
	size_t n = 100;
	long held, offline, online;
	char *p;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2 || access(CPU1_ONLINE, W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, madvise(p, n * page_size, MADV_NOHUGEPAGE));

	/*
	 * Start CPU 1 with empty caches.  Then on CPU 1: 100 pages out take
	 * two batches, 28 slots stay cached; the 100 frees (swap-in, then
	 * unmap) leave 36 in the return cache.
	 */
	ASSERT_EQ(0, pin_to_cpu(0));
	ASSERT_EQ(0, write_file(CPU1_ONLINE, "0"));
	ASSERT_EQ(0, write_file(CPU1_ONLINE, "1"));
	ASSERT_EQ(0, pin_to_cpu(1));
	/* Faulted in on the CPU that pages out: its LRU batch is drained. */
	pattern_fill(p, n, PAGE_SAME, 63);
	page_out_virtual(_metadata, p, n, self->type, NULL);
	verify(_metadata, p, n, PAGE_SAME, 63);
	ASSERT_EQ(0, munmap(p, n * page_size));
	ASSERT_EQ(0, pin_to_cpu(0));
	held = read_long(VSWAP_DEBUGFS "allocated");

	ASSERT_EQ(0, write_file(CPU1_ONLINE, "0"));
	offline = read_long(VSWAP_DEBUGFS "allocated");
	ASSERT_EQ(0, write_file(CPU1_ONLINE, "1"));
	EXPECT_LE(offline, held - 28 - 36) {
		TH_LOG("%ld slots allocated with CPU 1 online, %ld offline",
		       held, offline);
	}

	/* Back online, CPU 1 allocates through its cache again. */
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, pin_to_cpu(1));
	pattern_fill(p, 1, PAGE_SAME, 64);
	offline = read_long(VSWAP_DEBUGFS "allocated");
	page_out_virtual(_metadata, p, 1, self->type, NULL);
	online = read_long(VSWAP_DEBUGFS "allocated");
	EXPECT_EQ(SLOT_BATCH, online - offline) {
		TH_LOG("one page out on CPU 1 allocated %ld slots",
		       online - offline);
	}
	verify(_metadata, p, 1, PAGE_SAME, 64);
	munmap(p, page_size);
}

TEST_HARNESS_MAIN
