// SPDX-License-Identifier: GPL-2.0
/*
 * swapbench: the workloads of "make bench", timed inside the guest.
 *
 *   swapbench throughput CGROUP MB     swap-out, then swap-in + swap-out
 *   swapbench free CGROUP MB           munmap of a mostly swapped region
 *   swapbench swapoff CGROUP MB DEV MAPPED_MB NPROC
 *                                      swapoff of DEV holding MB of data,
 *                                      while NPROC processes map MAPPED_MB
 *   swapbench slots CGROUP MB DEV      disk slots per zswap-held page
 *   swapbench metadata KIND DEV PCT    swap metadata with PCT% of DEV's size
 *                                      paged out, KIND zswap or disk
 *   swapbench compressor CGROUP MB     zswap store and load of MB against the
 *                                      raw speed of zswap's compressor
 *   swapbench locks CGROUP MB          /proc/lock_stat acquisitions per lock
 *                                      class over a round trip of MB
 *   swapbench scaling CGROUP MB MAXPROC LOOPS
 *                                      for N = 1 ... MAXPROC: N processes
 *                                      page out and fault back MB each
 *
 * CGROUP is a cgroup v2 directory whose memory.max the caller has set;
 * swapbench moves itself there.  Pages hold the mixed pattern of
 * vswap_util.c (zero, same-filled, compressible, incompressible), and every
 * byte is checked after the timed part.  Results are printed as
 * "name=value" words on one line that starts with the workload's name, so
 * the host can collect them; the times are CLOCK_MONOTONIC seconds and
 * getrusage() system time of the process doing the work.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/swap.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "vswap_util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double sys_time(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "swapbench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void enter(const char *cg)
{
	if (write_file_at(cg, "cgroup.procs", "%d", getpid()))
		die(cg);
}

static char *map(size_t npages)
{
	char *p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	/* Virtual entries are order 0; keep both kernels on base pages. */
	madvise(p, npages * page_size, MADV_NOHUGEPAGE);
	return p;
}

static void check(const char *buf, size_t npages, uint64_t seed)
{
	char why[256];

	if (pattern_check(buf, npages, PAGE_MIXED, seed, why, sizeof(why)) != -1) {
		fprintf(stderr, "swapbench: data mismatch: %s\n", why);
		exit(1);
	}
}

/*
 * First touch of 4x memory.max swaps most of it out; the second pass
 * checks each page (swap-in) and rewrites it (swap-out again).
 */
static int swap_throughput(const char *cg, size_t mb)
{
	size_t n = VSWAP_MB(mb) / page_size;
	double t0, s0, t1, s1, t2, s2;
	char *p;

	enter(cg);
	p = map(n);
	t0 = now();
	s0 = sys_time();
	pattern_fill(p, n, PAGE_MIXED, 1);
	t1 = now();
	s1 = sys_time();
	check(p, n, 1);
	pattern_fill(p, n, PAGE_MIXED, 2);
	t2 = now();
	s2 = sys_time();
	check(p, n, 2);
	printf("throughput mb=%zu out_mbps=%.1f out_sys=%.3f ", mb,
	       mb / (t1 - t0), s1 - s0);
	printf("inout_mbps=%.1f inout_sys=%.3f\n", mb / (t2 - t1), s2 - s1);
	return 0;
}

/* munmap() of a region whose pages are mostly swapped out. */
static int free_latency(const char *cg, size_t mb)
{
	size_t n = VSWAP_MB(mb) / page_size;
	double t0, s0;
	long swapped;
	char *p;

	enter(cg);
	p = map(n);
	pattern_fill(p, n, PAGE_MIXED, 3);
	madvise(p, n * page_size, MADV_PAGEOUT);
	swapped = count_swapped(p, n);
	t0 = now();
	s0 = sys_time();
	if (munmap(p, n * page_size))
		die("munmap");
	printf("free mb=%zu swapped_pages=%ld munmap_s=%.4f munmap_sys=%.3f\n",
	       mb, swapped, now() - t0, sys_time() - s0);
	return 0;
}

/* A process that maps @mb of touched memory and waits to be killed. */
static pid_t mapper(size_t mb)
{
	size_t n = VSWAP_MB(mb) / page_size, i;
	pid_t pid = fork();
	char *p;

	if (pid)
		return pid;
	/* Page tables for the whole range, one shared zero page per entry. */
	p = map(n);
	for (i = 0; i < n; i++)
		(void)__atomic_load_n(p + i * page_size, __ATOMIC_RELAXED);
	pause();
	_exit(0);
}

/*
 * swapoff of a disk holding @mb of swapped data while @nproc processes map
 * @mapped_mb each: upstream walks all their page tables, the series reads
 * its descriptors.
 */
static int swapoff_time(const char *cg, size_t mb, const char *dev,
			size_t mapped_mb, int nproc)
{
	size_t n = VSWAP_MB(mb) / page_size;
	pid_t pids[64];
	double t0, s0;
	long used;
	char *p;
	int i;

	if (nproc > 64)
		nproc = 64;
	for (i = 0; i < nproc; i++)
		pids[i] = mapper(mapped_mb);
	enter(cg);
	p = map(n);
	pattern_fill(p, n, PAGE_MIXED, 4);
	madvise(p, n * page_size, MADV_PAGEOUT);
	used = swap_used_kb(dev);
	/* swapoff charges what it brings back: let it all fit. */
	if (write_file_at(cg, "memory.max", "max"))
		die("memory.max");
	t0 = now();
	s0 = sys_time();
	if (swapoff(dev))
		die("swapoff");
	printf("swapoff mb=%zu used_kb=%ld mapped_mb=%zu nproc=%d ", mb, used,
	       mapped_mb, nproc);
	printf("swapoff_s=%.4f swapoff_sys=%.3f\n", now() - t0, sys_time() - s0);
	check(p, n, 4);
	for (i = 0; i < nproc; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	return 0;
}

/* Disk slots used per page zswap holds, with compressible pages only. */
static int disk_slots(const char *cg, size_t mb, const char *dev)
{
	size_t n = VSWAP_MB(mb) / page_size;
	long stored0 = read_long("/sys/kernel/debug/zswap/stored_pages");
	long used0 = swap_used_kb(dev), stored, used;
	char why[256];
	char *p;

	enter(cg);
	p = map(n);
	pattern_fill(p, n, PAGE_TEXT, 5);
	madvise(p, n * page_size, MADV_PAGEOUT);
	stored = read_long("/sys/kernel/debug/zswap/stored_pages") - stored0;
	used = (swap_used_kb(dev) - used0) * 1024 / (long)page_size;
	printf("slots mb=%zu zswap_pages=%ld slots_used=%ld per_1000=%.1f\n",
	       mb, stored, used, stored ? 1000.0 * used / stored : 0.0);
	if (pattern_check(p, n, PAGE_TEXT, 5, why, sizeof(why)) != -1) {
		fprintf(stderr, "swapbench: data mismatch: %s\n", why);
		return 1;
	}
	return 0;
}

/*
 * Metadata.  Everything swap keeps per slot or per swapped page, in bytes,
 * the same way on both kernels:
 *
 *  - a device's arrays, allocated at swapon for its whole size (6.12
 *    mm/swapfile.c and mm/swap_cgroup.c): swap_map (1 byte per slot),
 *    zeromap (1 bit), swap_cgroup (2 bytes, in whole pages) and, on a
 *    non-rotational device, one struct swap_cluster_info (24 bytes without
 *    lock debugging) per 512 slots;
 *  - the zswap trees: one xarray per 64 MiB of offsets, indexed by swap
 *    offset.  Their nodes are counted from the offsets pagemap shows, as
 *    xarray lays them out (64 slots per node, one level per 6 bits of the
 *    tree's highest index), at sizeof(struct xa_node).  The series keeps a
 *    virtual entry's zswap entry in its descriptor: virtual entries
 *    (debugfs vswap/swap_type) have no tree nodes;
 *  - one struct zswap_entry per stored page.
 *  - the series' own: /sys/kernel/debug/vswap/metadata_bytes, the virtual
 *    device's arrays plus its descriptor tables (absent on the baseline).
 *
 * The bench kernels have no slab sysfs (SLUB_TINY), so structure sizes are
 * those of 6.12 on x86-64, without slab rounding.  Left out: the swap
 * cache's heads and per-64 MiB address_space structs (about 0.01 byte per
 * slot) and the compressed data itself.
 */
#define ZSWAP_STORED	"/sys/kernel/debug/zswap/stored_pages"
#define VSWAP_METADATA	"/sys/kernel/debug/vswap/metadata_bytes"
#define VSWAP_TYPE	"/sys/kernel/debug/vswap/swap_type"
#define XA_CHUNK_SHIFT	6
#define SPACE_SHIFT	14	/* SWAP_ADDRESS_SPACE_SHIFT: one tree per 2^14 */
#define KEY_TYPE_SHIFT	50

#define XA_NODE_BYTES		576	/* 4 + 4 pad + 2 pointers + list + 64 slots + 3 marks */
#define ZSWAP_ENTRY_BYTES	56	/* mm/zswap.c, 6.12 */

static bool is_rotational(const char *dev)
{
	char real[PATH_MAX], path[PATH_MAX + 64];
	const char *name;

	if (!realpath(dev, real))
		die(dev);
	name = strrchr(real, '/') + 1;
	snprintf(path, sizeof(path), "/sys/block/%s/queue/rotational", name);
	return read_long(path) != 0;
}

/* Bytes swapon allocates for a device of @slots slots. */
static long device_bytes(long slots, bool rot)
{
	long bytes = slots;					/* swap_map */

	bytes += (slots + 63) / 64 * 8;				/* zeromap */
	bytes += (slots * 2 + page_size - 1) / page_size * page_size;
	if (!rot)
		bytes += (slots + 511) / 512 * 24;		/* clusters */
	return bytes;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nodes of the zswap trees holding @n entries, keys type << 50 | offset. */
static long xa_nodes(uint64_t *keys, size_t n)
{
	const uint64_t offset_mask = (1ULL << KEY_TYPE_SHIFT) - 1;
	long nodes = 0;
	size_t i, j, k;
	int shift, top;

	qsort(keys, n, sizeof(*keys), cmp_u64);
	for (i = 0; i < n; i = j) {
		/* One tree: one type, one 2^14 range of offsets. */
		for (j = i; j < n && keys[j] >> SPACE_SHIFT == keys[i] >> SPACE_SHIFT; j++)
			;
		/* The root's shift covers the tree's highest index. */
		for (top = 0; (keys[j - 1] & offset_mask) >> (top + XA_CHUNK_SHIFT);
		     top += XA_CHUNK_SHIFT)
			;
		for (shift = 0; shift <= top; shift += XA_CHUNK_SHIFT) {
			uint64_t last = ~0ULL, node;

			for (k = i; k < j; k++) {
				node = (keys[k] & offset_mask) >> (shift + XA_CHUNK_SHIFT);
				if (node != last)
					nodes++;
				last = node;
			}
		}
	}
	return nodes;
}

static int swap_metadata(const char *kind_name, const char *dev, int pct)
{
	enum page_kind kind = strcmp(kind_name, "disk") ? PAGE_TEXT : PAGE_RANDOM;
	long slots = swap_size_kb(dev) * 1024 / (long)page_size;
	size_t n = slots > 0 ? (size_t)slots * pct / 100 : 0;
	long stored0 = read_long(ZSWAP_STORED);
	long stored, swapped = 0, disk, vswap = 0, tree = 0, entries, total;
	long vtype = access(VSWAP_TYPE, R_OK) ? -1 : read_long(VSWAP_TYPE);
	size_t in_trees = 0;
	const size_t chunk = 4096;
	uint64_t *pm = NULL, *keys = NULL;
	char why[256];
	char *p = NULL;
	size_t i, c;

	if (slots <= 0 || pct < 0 || pct > 100)
		die("metadata: device not on, or PCT out of range");
	if (n) {
		p = map(n);
		pm = malloc(n * sizeof(*pm));
		keys = malloc(n * sizeof(*keys));
		if (!pm || !keys)
			die("malloc");
		/* In chunks, so that the process never holds much of it. */
		for (i = 0; i < n; i += c) {
			c = n - i < chunk ? n - i : chunk;
			pattern_fill(p + i * page_size, c, kind, 6 + i);
			madvise(p + i * page_size, c * page_size, MADV_PAGEOUT);
		}
		if (pagemap_read(p, n, pm))
			die("pagemap");
		for (i = 0; i < n; i++) {
			if (!PM_SWAPPED(pm[i]))
				continue;
			swapped++;
			if ((long)PM_SWAP_TYPE(pm[i]) != vtype)
				keys[in_trees++] = (uint64_t)PM_SWAP_TYPE(pm[i]) << KEY_TYPE_SHIFT |
						   PM_SWAP_OFFSET(pm[i]);
		}
	}
	stored = read_long(ZSWAP_STORED) - stored0;
	disk = device_bytes(slots + 1, is_rotational(dev));
	if (access(VSWAP_METADATA, R_OK) == 0)
		vswap = read_long(VSWAP_METADATA);
	/* Only pages zswap stores have tree entries; incompressible ones not. */
	if (kind == PAGE_TEXT)
		tree = xa_nodes(keys, in_trees) * XA_NODE_BYTES;
	entries = stored * ZSWAP_ENTRY_BYTES;
	total = disk + vswap + tree + entries;
	printf("metadata kind=%s pct=%d slots=%ld swapped=%ld zswap_pages=%ld ",
	       kind_name, pct, slots, swapped, stored);
	printf("device=%ld vswap=%ld tree=%ld entries=%ld total=%ld ram_kb=%ld\n",
	       disk, vswap, tree, entries, total,
	       key_value("/proc/meminfo", "MemTotal:"));

	for (i = 0; i < n; i += c) {
		c = n - i < chunk ? n - i : chunk;
		if (pattern_check(p + i * page_size, c, kind, 6 + i, why,
				  sizeof(why)) != -1) {
			fprintf(stderr, "swapbench: data mismatch: %s\n", why);
			return 1;
		}
	}
	return 0;
}

/*
 * Compressor bound.  The raw speed of zswap's compressor comes from the
 * kernel's test module lib/test_zswap_compressor.c
 * (CONFIG_TEST_ZSWAP_COMPRESSOR), a micro-benchmark in debugfs: it
 * compresses and decompresses the pages written to it the way zswap does,
 * timed in the kernel.  The baseline kernel has no such module; there the
 * workload prints only zswap's own figures and the report takes the raw
 * ones from the series kernel (same algorithm, same guest).
 */
#define BENCH_DIR	"/sys/kernel/debug/test_zswap_compressor"
#define BENCH_MAX_MB	32	/* ZCOMP_BENCH_MAX_BYTES */

/* The number after " @key=" in @line, or -1. */
static double word_value(const char *line, const char *key)
{
	char pat[64];
	const char *w;

	snprintf(pat, sizeof(pat), " %s=", key);
	w = strstr(line, pat);
	return w ? strtod(w + strlen(pat), NULL) : -1;
}

static void write_all(int fd, const char *buf, size_t len, const char *what)
{
	ssize_t r;

	while (len) {
		r = write(fd, buf, len);
		if (r < 0)
			die(what);
		buf += r;
		len -= r;
	}
}

/*
 * Runs the kernel's micro-benchmark of @algo on @buf and stores its MB/s in
 * @comp and @decomp.  Returns false if this kernel has none.
 */
static bool raw_bound(const char *algo, const char *buf, size_t npages,
		      double *comp, double *decomp)
{
	size_t max = VSWAP_MB(BENCH_MAX_MB) / page_size;
	char line[512];
	ssize_t len;
	int fd;

	if (access(BENCH_DIR "/result", R_OK))
		return false;
	if (write_file(BENCH_DIR "/compressor", "%s", algo))
		die(BENCH_DIR "/compressor");
	fd = open(BENCH_DIR "/data", O_WRONLY | O_TRUNC);
	if (fd < 0)
		die(BENCH_DIR "/data");
	write_all(fd, buf, (npages < max ? npages : max) * page_size,
		  BENCH_DIR "/data");
	close(fd);
	/* -EIO here means a page did not round-trip in the kernel. */
	fd = open(BENCH_DIR "/result", O_RDONLY);
	if (fd < 0)
		die(BENCH_DIR "/result");
	len = read(fd, line, sizeof(line) - 1);
	if (len < 0)
		die(BENCH_DIR "/result");
	close(fd);
	line[len] = '\0';
	*comp = word_value(line, "compress_mbps");
	*decomp = word_value(line, "decompress_mbps");
	if (*comp <= 0 || *decomp <= 0) {
		fprintf(stderr, "swapbench: unexpected %s: %s", BENCH_DIR "/result", line);
		exit(2);
	}
	/* Give the kernel its copy back before the swap part. */
	fd = open(BENCH_DIR "/data", O_WRONLY | O_TRUNC);
	if (fd >= 0)
		close(fd);
	return true;
}

/*
 * zswap store: MADV_PAGEOUT of @mb of compressible pages, all of which must
 * end up in zswap; zswap load: one read per page faults each back in.  The
 * byte-by-byte check comes after the clock stops, as the kernel's check of
 * its round trip does, so both sides time (de)compression and what
 * surrounds it, not the comparison.
 */
static int compressor_bound(const char *cg, size_t mb)
{
	size_t n = VSWAP_MB(mb) / page_size, i;
	double comp = 0, decomp = 0, t0, t1, t2, t3;
	long stored0, stored;
	char algo[64] = "?", why[256];
	bool raw;
	FILE *f;
	char *p;

	f = fopen("/sys/module/zswap/parameters/compressor", "r");
	if (!f || fscanf(f, "%63s", algo) != 1)
		die("zswap compressor");
	fclose(f);
	enter(cg);
	/*
	 * One CPU from the first touch to MADV_PAGEOUT: new pages wait in
	 * the per-CPU LRU batch of the CPU that faulted them, and
	 * MADV_PAGEOUT drains only its own CPU's batch.
	 */
	if (pin_to_cpu(0))
		die("sched_setaffinity");
	p = map(n);
	pattern_fill(p, n, PAGE_TEXT, 7);
	raw = raw_bound(algo, p, n, &comp, &decomp);

	stored0 = read_long(ZSWAP_STORED);
	t0 = now();
	if (madvise(p, n * page_size, MADV_PAGEOUT))
		die("madvise");
	t1 = now();
	pin_to_cpu(-1);
	stored = read_long(ZSWAP_STORED) - stored0;
	if (stored < (long)n) {
		fprintf(stderr, "swapbench: compressor: %ld of %zu pages went to zswap\n",
			stored, n);
		return 1;
	}
	t2 = now();
	for (i = 0; i < n; i++)
		(void)__atomic_load_n(p + i * page_size, __ATOMIC_RELAXED);
	t3 = now();
	if (pattern_check(p, n, PAGE_TEXT, 7, why, sizeof(why)) != -1) {
		fprintf(stderr, "swapbench: data mismatch: %s\n", why);
		return 1;
	}
	printf("compressor mb=%zu algo=%s zswap_pages=%ld store_mbps=%.1f load_mbps=%.1f",
	       mb, algo, stored, mb / (t1 - t0), mb / (t3 - t2));
	if (raw) {
		printf(" compress_mbps=%.1f decompress_mbps=%.1f", comp, decomp);
		printf(" store_fraction=%.3f load_fraction=%.3f",
		       mb / (t1 - t0) / comp, mb / (t3 - t2) / decomp);
	}
	printf("\n");
	return 0;
}

/*
 * Locks.  Acquisitions of every lock class over one round trip, from
 * /proc/lock_stat of a kernel built with CONFIG_LOCK_STAT (the bench-only
 * variants lockstat and base-lockstat): @mb of compressible pages, filled
 * before the statistics are reset, are paged out with MADV_PAGEOUT (zswap
 * stores them), read back one fault per page, checked byte by byte and
 * unmapped, which frees their swap entries.  The statistics are read after
 * munmap().  Pages swapped = zswpout + pswpout of /proc/vmstat over the
 * same window (both kernels count a zswap store as zswpout, a disk write as
 * pswpout); the series' vswap_alloc counter is printed beside them.
 *
 * One line per class with acquisitions, the read and write sides of a
 * reader-writer class added up: "lockclass class=NAME acq=N con=N".
 */
#define LOCK_STAT	"/proc/lock_stat"
#define LOCK_STAT_ON	"/proc/sys/kernel/lock_stat"

static const char *const round_trip_events[] = {
	"zswpout", "pswpout", "zswpin", "pswpin", "vswap_alloc", "vswap_free",
};

#define NR_EVENTS ARRAY_SIZE(round_trip_events)

static void read_events(long *v)
{
	size_t i;

	for (i = 0; i < NR_EVENTS; i++)
		v[i] = vmstat_read(round_trip_events[i]);
}

struct lock_class_count {
	char name[128];
	unsigned long acq, con;
};

/* Parses /proc/lock_stat into @out (at most @max classes); returns how many. */
static size_t read_lock_stat(struct lock_class_count *out, size_t max)
{
	unsigned long con_b, con, acq_b, acq;
	double w0, w1, w2, w3;
	char line[512], *colon, *name;
	size_t n = 0, i, len;
	FILE *f = fopen(LOCK_STAT, "r");

	if (!f)
		die(LOCK_STAT);
	while (fgets(line, sizeof(line), f)) {
		/*
		 * "%40s: con-bounces contentions waittime(4) acq-bounces
		 * acquisitions holdtime(4)"; a reader-writer class has a
		 * "NAME-W:" and a "NAME-R:" line.  Contention points and the
		 * header have no colon followed by these numbers.
		 */
		colon = strrchr(line, ':');
		if (!colon || sscanf(colon + 1, "%lu %lu %lf %lf %lf %lf %lu %lu",
				     &con_b, &con, &w0, &w1, &w2, &w3, &acq_b, &acq) != 8)
			continue;
		*colon = '\0';
		for (name = line; *name == ' '; name++)
			;
		len = strlen(name);
		if (len > 2 && name[len - 2] == '-' &&
		    (name[len - 1] == 'W' || name[len - 1] == 'R'))
			name[len - 2] = '\0';
		for (i = 0; name[i]; i++)
			if (name[i] == ' ' || name[i] == '=')
				name[i] = '_';
		if (!acq && !con)
			continue;
		for (i = 0; i < n && strcmp(out[i].name, name); i++)
			;
		if (i == n) {
			if (n == max)
				continue;
			snprintf(out[n].name, sizeof(out[n].name), "%s", name);
			out[n].acq = 0;
			out[n].con = 0;
			n++;
		}
		out[i].acq += acq;
		out[i].con += con;
	}
	fclose(f);
	return n;
}

static int lock_counts(const char *cg, size_t mb)
{
	size_t n = VSWAP_MB(mb) / page_size, i, nclass;
	long before[NR_EVENTS], after[NR_EVENTS], swapped;
	struct lock_class_count *classes;
	char why[256];
	char *p;

	if (access(LOCK_STAT, W_OK) || write_file(LOCK_STAT_ON, "1")) {
		fprintf(stderr, "swapbench: locks: no %s (a kernel without CONFIG_LOCK_STAT)\n",
			LOCK_STAT);
		return 2;
	}
	enter(cg);
	p = map(n);
	pattern_fill(p, n, PAGE_TEXT, 8);
	/* Every CPU's LRU batches drained before the window opens. */
	write_file("/proc/sys/vm/drop_caches", "4");
	write_file("/proc/sys/vm/drop_caches", "1");
	read_events(before);
	if (write_file(LOCK_STAT, "0"))
		die(LOCK_STAT);
	if (madvise(p, n * page_size, MADV_PAGEOUT))
		die("madvise");
	for (i = 0; i < n; i++)
		(void)__atomic_load_n(p + i * page_size, __ATOMIC_RELAXED);
	if (pattern_check(p, n, PAGE_TEXT, 8, why, sizeof(why)) != -1) {
		fprintf(stderr, "swapbench: data mismatch: %s\n", why);
		return 1;
	}
	if (munmap(p, n * page_size))
		die("munmap");
	classes = calloc(4096, sizeof(*classes));
	if (!classes)
		die("calloc");
	nclass = read_lock_stat(classes, 4096);
	read_events(after);
	swapped = after[0] - before[0] + after[1] - before[1];
	printf("locks mb=%zu pages=%zu swapped=%ld", mb, n, swapped);
	for (i = 0; i < NR_EVENTS; i++)
		if (before[i] >= 0)
			printf(" %s=%ld", round_trip_events[i], after[i] - before[i]);
	printf(" classes=%zu\n", nclass);
	for (i = 0; i < nclass; i++)
		printf("lockclass class=%s acq=%lu con=%lu\n", classes[i].name,
		       classes[i].acq, classes[i].con);
	if (swapped < (long)n / 2) {
		fprintf(stderr, "swapbench: locks: only %ld of %zu pages swapped\n",
			swapped, n);
		return 1;
	}
	return 0;
}

/*
 * Scaling.  @nproc processes, each pinned to its own CPU, fill @mb of their
 * own with compressible pages that encode the page index (PAGE_TEXT, a seed
 * per process), then all start together and @loops times page their
 * region out with MADV_PAGEOUT and fault it back with one read per page,
 * checking every byte after each round trip.  Each process times only its
 * round trips (CLOCK_MONOTONIC, not the check); the figure is the pages
 * moved by all of them over the slowest one's time, as MB/s of data paged
 * out and back in.  No memory.max: MADV_PAGEOUT needs no pressure, and the
 * cgroup's limit must not make processes reclaim each other's pages.
 */
static int scaling_run(size_t mb, int nproc, int loops)
{
	size_t n = VSWAP_MB(mb) / page_size;
	int ready[2], go[2], res[2], i, failed = 0, status;
	double worst = 0, t;
	char c = 0;
	pid_t pid;

	if (pipe(ready) || pipe(go) || pipe(res))
		die("pipe");
	for (i = 0; i < nproc; i++) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid)
			continue;
		{
			double busy = 0, t0;
			char why[256];
			char *p;
			int l;

			close(ready[0]);
			close(go[1]);
			close(res[0]);
			if (pin_to_cpu(i))
				die("sched_setaffinity");
			p = map(n);
			pattern_fill(p, n, PAGE_TEXT, 100 + i);
			if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
				die("scaling: start");
			for (l = 0; l < loops; l++) {
				size_t k;

				t0 = now();
				if (madvise(p, n * page_size, MADV_PAGEOUT))
					die("madvise");
				for (k = 0; k < n; k++)
					(void)__atomic_load_n(p + k * page_size, __ATOMIC_RELAXED);
				busy += now() - t0;
				if (pattern_check(p, n, PAGE_TEXT, 100 + i, why,
						  sizeof(why)) != -1) {
					fprintf(stderr, "swapbench: scaling: process %d: %s\n",
						i, why);
					_exit(1);
				}
			}
			if (write(res[1], &busy, sizeof(busy)) != sizeof(busy))
				_exit(2);
			_exit(0);
		}
	}
	close(ready[1]);
	close(go[0]);
	close(res[1]);
	for (i = 0; i < nproc; i++)
		if (read(ready[0], &c, 1) != 1)
			die("scaling: a process did not start");
	/* All of them filled: from here on only round trips. */
	for (i = 0; i < nproc; i++)
		if (write(go[1], &c, 1) != 1)
			die("scaling: go");
	for (i = 0; i < nproc; i++) {
		if (read(res[0], &t, sizeof(t)) != sizeof(t)) {
			failed = 1;
			break;
		}
		if (t > worst)
			worst = t;
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	close(ready[0]);
	close(go[1]);
	close(res[0]);
	if (failed || worst <= 0) {
		fprintf(stderr, "swapbench: scaling: %d processes failed\n", nproc);
		return 1;
	}
	printf("scaling-%d nproc=%d mb=%zu loops=%d slowest_s=%.3f mbps=%.1f\n",
	       nproc, nproc, mb, loops, worst, (double)mb * nproc * loops / worst);
	return 0;
}

static int scaling(const char *cg, size_t mb, int maxproc, int loops)
{
	int ncpu = get_nprocs(), i;

	enter(cg);
	if (write_file_at(cg, "memory.max", "max"))
		die("memory.max");
	if (maxproc <= 0 || maxproc > ncpu)
		maxproc = ncpu;
	for (i = 1; i <= maxproc; i++)
		if (scaling_run(mb, i, loops))
			return 1;
	return 0;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: swapbench throughput CGROUP MB\n"
		"       swapbench free CGROUP MB\n"
		"       swapbench swapoff CGROUP MB DEV MAPPED_MB NPROC\n"
		"       swapbench slots CGROUP MB DEV\n"
		"       swapbench metadata zswap|disk DEV PCT\n"
		"       swapbench compressor CGROUP MB\n"
		"       swapbench locks CGROUP MB\n"
		"       swapbench scaling CGROUP MB MAXPROC LOOPS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	vswap_init();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 4)
		print_usage();
	if (!strcmp(argv[1], "throughput"))
		return swap_throughput(argv[2], atol(argv[3]));
	if (!strcmp(argv[1], "free"))
		return free_latency(argv[2], atol(argv[3]));
	if (!strcmp(argv[1], "swapoff") && argc == 7)
		return swapoff_time(argv[2], atol(argv[3]), argv[4],
				    atol(argv[5]), atoi(argv[6]));
	if (!strcmp(argv[1], "slots") && argc == 5)
		return disk_slots(argv[2], atol(argv[3]), argv[4]);
	if (!strcmp(argv[1], "metadata") && argc == 5)
		return swap_metadata(argv[2], argv[3], atoi(argv[4]));
	if (!strcmp(argv[1], "compressor"))
		return compressor_bound(argv[2], atol(argv[3]));
	if (!strcmp(argv[1], "locks"))
		return lock_counts(argv[2], atol(argv[3]));
	if (!strcmp(argv[1], "scaling") && argc == 6)
		return scaling(argv[2], atol(argv[3]), atoi(argv[4]), atoi(argv[5]));
	print_usage();
	return 2;
}
