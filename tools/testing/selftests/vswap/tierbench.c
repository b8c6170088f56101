// SPDX-License-Identifier: GPL-2.0
/*
 * tierbench: the swap-tier workloads of "make bench", timed in the guest.
 *
 *   tierbench inversion CGROUP COLD_MB HOT_MB NEW_MB ROUNDS
 *        LRU inversion at zswap's pool limit: COLD_MB touched once, then
 *        ROUNDS times NEW_MB of new cold data written and the HOT_MB set
 *        read back; the figure is the time to fault the whole hot set
 *        back, the mean over the rounds after the first
 *   tierbench demote CGROUP MB SOURCE DEV
 *        MB paged out (to SOURCE's tier, which the caller set up), then
 *        "MB source=SOURCE" written to memory.swap.tiers.demote: MB/s of
 *        the move, and the mean request size written to block device DEV
 *   tierbench raw DEV REQ_KB MB
 *        MB written to DEV with O_DIRECT in REQ_KB requests: the device's
 *        raw write rate at a move's request size
 *
 * CGROUP is a cgroup v2 directory set up by the caller; tierbench moves
 * itself there.  Pages hold PAGE_EIGHTH data in "inversion" (compresses to
 * about a seventh: zswap's pool, charged to the cgroup, holds much) and
 * PAGE_HALF (about half) in "demote"; every byte is checked after the
 * timed part.  Results are one line of
 * "name=value" words starting with the workload's name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static void die(const char *what)
{
	fprintf(stderr, "tierbench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void enter(const char *cg)
{
	if (write_file_at(cg, "cgroup.procs", "%d", getpid()))
		die(cg);
}

static enum page_kind kind = PAGE_HALF;

static char *filled(size_t npages, uint64_t seed)
{
	char *p = map_filled(npages, kind, seed);

	if (!p)
		die("mmap");
	return p;
}

static void check(const char *buf, size_t npages, uint64_t seed)
{
	char why[256];

	if (pattern_check(buf, npages, kind, seed, why, sizeof(why)) != -1) {
		fprintf(stderr, "tierbench: data mismatch: %s\n", why);
		exit(1);
	}
}

/* Where touch() leaves its sum, so that its reads are not optimised out. */
uint64_t touch_sum;

/* Read one word of every page: fault them back, little else. */
static double touch(const char *buf, size_t npages)
{
	double t0 = now();
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < npages; i++)
		sum += *(const uint64_t *)(buf + i * page_size);
	touch_sum += sum;
	return now() - t0;
}

static long zswap_stat(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/debug/zswap/%s", name);
	return read_long(path);
}

static int inversion(const char *cg, size_t cold_mb, size_t hot_mb,
		     size_t new_mb, int rounds)
{
	size_t cold = VSWAP_MB(cold_mb) / page_size;
	size_t hot = VSWAP_MB(hot_mb) / page_size;
	size_t new = VSWAP_MB(new_mb) / page_size;
	char **more = calloc(rounds, sizeof(*more));
	double hot_s = 0, first_s = 0, t;
	long hot_out = 0, wb0, zin = 0, din = 0, z0, d0, o0, dout = 0;
	char *c, *h;
	int r;

	if (!more || rounds < 2)
		die("rounds");
	kind = PAGE_EIGHTH;
	enter(cg);
	wb0 = zswap_stat("written_back_pages");
	c = filled(cold, 1);
	h = filled(hot, 2);
	for (r = 0; r < rounds; r++) {
		more[r] = filled(new, 10 + r);
		if (r)
			hot_out += count_swapped(h, hot);
		z0 = vmstat_read("zswpin");
		d0 = vmstat_read("pswpin");
		o0 = vmstat_read("pswpout");
		t = touch(h, hot);
		if (!r) {
			first_s = t;
			continue;
		}
		hot_s += t;
		/* Where the hot set came back from (readahead included). */
		zin += vmstat_read("zswpin") - z0;
		din += vmstat_read("pswpin") - d0;
		/* What reclaim wrote to disk meanwhile, to make the room. */
		dout += vmstat_read("pswpout") - o0;
	}
	printf("%s hot_refault_s=%.3f first_refault_s=%.3f", "inversion",
	       hot_s / (rounds - 1), first_s);
	printf(" hot_swapped=%ld hot_pages=%zu pool_kb=%ld stored=%ld",
	       hot_out / (rounds - 1), hot, zswap_stat("pool_total_size") >> 10,
	       zswap_stat("stored_pages"));
	printf(" hot_from_zswap=%ld hot_from_disk=%ld disk_writes=%ld",
	       zin / (rounds - 1), din / (rounds - 1), dout / (rounds - 1));
	printf(" written_back=%ld pool_limit_hit=%ld\n",
	       zswap_stat("written_back_pages") - wb0,
	       zswap_stat("pool_limit_hit"));
	check(h, hot, 2);
	check(c, cold, 1);
	for (r = 0; r < rounds; r++)
		check(more[r], new, 10 + r);
	return 0;
}

/* Sectors and requests written to @dev so far, from its stat file. */
static void disk_writes(const char *dev, long *ios, long *sectors)
{
	char path[320], text[512], real[256];
	long v[8];
	ssize_t n;
	int fd;

	n = readlink(dev, real, sizeof(real) - 1);
	if (n <= 0)
		die(dev);
	real[n] = '\0';
	snprintf(path, sizeof(path), "/sys/block/%s/stat", strrchr(real, '/') ?
		 strrchr(real, '/') + 1 : real);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		die(path);
	text[n] = '\0';
	if (sscanf(text, "%ld %ld %ld %ld %ld %ld %ld %ld", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		die(path);
	*ios = v[4];
	*sectors = v[6];
}

static int demote_rate(const char *cg, size_t mb, const char *source,
		       const char *dev)
{
	size_t n = VSWAP_MB(mb) / page_size;
	long ios0, sec0, ios1, sec1;
	double t0, t;
	char *p;
	int err;

	enter(cg);
	p = filled(n, 3);
	if (madvise(p, n * page_size, MADV_PAGEOUT))
		die("MADV_PAGEOUT");
	sleep(1);	/* writes of the page-out end */
	disk_writes(dev, &ios0, &sec0);
	t0 = now();
	err = write_file_at(cg, "memory.swap.tiers.demote", "%zuM source=%s",
			    mb, source);
	t = now() - t0;
	/* The last writes of an asynchronous move end after it returns. */
	sync();
	disk_writes(dev, &ios1, &sec1);
	if (err && err != -EAGAIN) {
		errno = -err;
		die("memory.swap.tiers.demote");
	}
	printf("demote_%s mb_s=%.1f seconds=%.3f req_kb=%ld ios=%ld written_mb=%.1f\n",
	       source, mb / t, t,
	       ios1 > ios0 ? (sec1 - sec0) / 2 / (ios1 - ios0) : 0,
	       ios1 - ios0, (sec1 - sec0) / 2048.0);
	check(p, n, 3);
	return 0;
}

static int raw_rate(const char *dev, long req_kb, size_t mb)
{
	size_t req = req_kb << 10, total = VSWAP_MB(mb), done;
	double t0, t;
	void *buf;
	int fd;

	if (posix_memalign(&buf, 4096, req))
		die("posix_memalign");
	memset(buf, 0x5a, req);
	fd = open(dev, O_WRONLY | O_DIRECT);
	if (fd < 0)
		die(dev);
	t0 = now();
	for (done = 0; done + req <= total; done += req)
		if (write(fd, buf, req) != (ssize_t)req)
			die("write");
	t = now() - t0;
	close(fd);
	printf("raw req_kb=%ld mb_s=%.1f seconds=%.3f\n", req_kb,
	       done / 1048576.0 / t, t);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	vswap_init();
	if (argc == 7 && !strcmp(argv[1], "inversion"))
		return inversion(argv[2], atol(argv[3]), atol(argv[4]),
				 atol(argv[5]), atoi(argv[6]));
	if (argc == 6 && !strcmp(argv[1], "demote"))
		return demote_rate(argv[2], atol(argv[3]), argv[4], argv[5]);
	if (argc == 5 && !strcmp(argv[1], "raw"))
		return raw_rate(argv[2], atol(argv[3]), atol(argv[4]));
	fprintf(stderr, "usage: see the comment at the top of tierbench.c\n");
	return 2;
}
