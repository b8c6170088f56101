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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static void print_usage(void)
{
	fprintf(stderr,
		"usage: swapbench throughput CGROUP MB\n"
		"       swapbench free CGROUP MB\n"
		"       swapbench swapoff CGROUP MB DEV MAPPED_MB NPROC\n"
		"       swapbench slots CGROUP MB DEV\n");
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
	print_usage();
	return 2;
}
