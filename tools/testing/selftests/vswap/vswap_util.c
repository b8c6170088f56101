// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the virtual swap selftests.  See vswap_util.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vswap_util.h"

size_t page_size;

void vswap_init(void)
{
	page_size = sysconf(_SC_PAGESIZE);
}

enum page_kind page_kind_of(enum page_kind mix, size_t index)
{
	return mix == PAGE_MIXED ? (enum page_kind)(index % 4) : mix;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

uint64_t same_word(size_t index, uint64_t seed)
{
	if (same_word_fits(index))
		return ~((uint64_t)index ^ (seed << 32));
	return 0xa5a5000000000000ULL ^ (seed << 40) ^ index;
}

bool same_word_fits(size_t index)
{
	return (index / 4) % 2 == 0;
}

/* The words of page @index; a zero page has none to encode its index in. */
static void page_fill(uint64_t *w, size_t index, enum page_kind kind,
		      uint64_t seed)
{
	size_t n = page_size / sizeof(*w), j;
	uint64_t s;

	switch (kind) {
	case PAGE_ZERO:
		memset(w, 0, page_size);
		break;
	case PAGE_SAME:
		/*
		 * Alternate words that sign-extend from 61 bits (all-ones
		 * high bits) with words that do not (0xa5 high byte): virtual
		 * swap records the first kind in its descriptor only.
		 */
		for (j = 0; j < n; j++)
			w[j] = same_word(index, seed);
		break;
	case PAGE_TEXT:
		for (j = 0; j < n; j++)
			w[j] = (index << 16) ^ (seed << 48) ^ (j & 0x7);
		break;
	case PAGE_HALF:
	case PAGE_EIGHTH:
		s = (index + 1) * 0x9e3779b97f4a7c15ULL ^ seed;
		for (j = 0; j < (kind == PAGE_HALF ? n / 2 : n / 8); j++)
			w[j] = xorshift(&s);
		for (; j < n; j++)
			w[j] = (index << 16) ^ (seed << 48) ^ (j & 0x7);
		break;
	default:
		s = (index + 1) * 0x9e3779b97f4a7c15ULL ^ seed;
		for (j = 0; j < n; j++)
			w[j] = xorshift(&s);
		break;
	}
}

void pattern_fill(void *buf, size_t npages, enum page_kind mix, uint64_t seed)
{
	size_t i;

	for (i = 0; i < npages; i++)
		page_fill((uint64_t *)((char *)buf + i * page_size), i,
			  page_kind_of(mix, i), seed);
}

long pattern_check(const void *buf, size_t npages, enum page_kind mix,
		   uint64_t seed, char *why, size_t whylen)
{
	uint64_t *want = malloc(page_size);
	const uint64_t *got;
	size_t i, j;

	if (!want) {
		snprintf(why, whylen, "out of memory");
		return 0;
	}
	for (i = 0; i < npages; i++) {
		got = (const uint64_t *)((const char *)buf + i * page_size);
		page_fill(want, i, page_kind_of(mix, i), seed);
		if (!memcmp(want, got, page_size))
			continue;
		for (j = 0; j < page_size / 8 && want[j] == got[j]; j++)
			;
		snprintf(why, whylen,
			 "page %zu (kind %d) word %zu: got %#llx, want %#llx",
			 i, page_kind_of(mix, i), j,
			 (unsigned long long)got[j], (unsigned long long)want[j]);
		free(want);
		return i;
	}
	free(want);
	return -1;
}

bool pattern_page_ok(const void *page, size_t index, enum page_kind mix,
		     uint64_t seed)
{
	uint64_t *want = malloc(page_size);
	bool same;

	if (!want)
		return false;
	page_fill(want, index, page_kind_of(mix, index), seed);
	same = !memcmp(want, page, page_size);
	free(want);
	return same;
}

int pagemap_read(const void *addr, size_t npages, uint64_t *out)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	off_t off = (uintptr_t)addr / page_size * sizeof(uint64_t);
	ssize_t want = npages * sizeof(uint64_t);
	ssize_t got;

	if (fd < 0)
		return -errno;
	got = pread(fd, out, want, off);
	close(fd);
	return got == want ? 0 : -EIO;
}

/* Pages of @addr whose pagemap entry has bit @bit set; -1 on error. */
static long count_pagemap_bit(const void *addr, size_t npages, int bit)
{
	uint64_t *pm = calloc(npages, sizeof(*pm));
	long n = 0;
	size_t i;

	if (!pm || pagemap_read(addr, npages, pm)) {
		free(pm);
		return -1;
	}
	for (i = 0; i < npages; i++)
		n += (pm[i] >> bit) & 1;
	free(pm);
	return n;
}

long count_swapped(const void *addr, size_t npages)
{
	return count_pagemap_bit(addr, npages, 62);
}

long count_present(const void *addr, size_t npages)
{
	return count_pagemap_bit(addr, npages, 63);
}

int swap_on(const char *dev, int prio)
{
	int flags = 0;

	if (prio >= 0)
		flags = SWAP_FLAG_PREFER |
			((prio << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
	return swapon(dev, flags) ? -errno : 0;
}

int swap_off(const char *dev)
{
	return swapoff(dev) ? -errno : 0;
}

/* /proc/swaps names the device by its resolved path. */
static const char *dev_name(const char *dev, char *buf, size_t len)
{
	char *r = realpath(dev, NULL);

	snprintf(buf, len, "%s", r ? r : dev);
	free(r);
	return buf;
}

/* Column @col (0: Size, 1: Used) of /proc/swaps for @dev; -1 if not listed. */
static long swaps_column(const char *dev, int col)
{
	char want[256], name[256], type[64], line[512];
	long v[3];
	FILE *f = fopen("/proc/swaps", "r");
	long ret = -1;

	if (!f)
		return -1;
	dev_name(dev, want, sizeof(want));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %63s %ld %ld %ld", name, type, &v[0],
			   &v[1], &v[2]) == 5 && !strcmp(name, want)) {
			ret = v[col];
			break;
		}
	}
	fclose(f);
	return ret;
}

long swap_used_kb(const char *dev)
{
	return swaps_column(dev, 1);
}

long swap_size_kb(const char *dev)
{
	return swaps_column(dev, 0);
}

bool swap_is_on(const char *dev)
{
	return swap_used_kb(dev) >= 0;
}

const char *fast_dev(void)
{
	const char *d = getenv("VSWAP_FAST_DEV");

	return d ? d : "/dev/swap-fast";
}

const char *slow_dev(void)
{
	const char *d = getenv("VSWAP_SLOW_DEV");

	return d ? d : "/dev/swap-slow";
}

/* Run the calling task on @cpu only, or on every CPU if @cpu is -1. */
int pin_to_cpu(int cpu)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE; i++)
		if (i == cpu || (cpu < 0 && i < sysconf(_SC_NPROCESSORS_CONF)))
			CPU_SET(i, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Disk slots held by the per-CPU disk slot caches of mm/vswap_disk.c, in KiB:
 * /proc/swaps counts them as used.  0 on a kernel without them.
 */
long vswap_disk_cached_kb(void)
{
	long n = read_long("/sys/kernel/debug/vswap/disk_cached");

	return n > 0 ? n * (long)page_size / 1024 : 0;
}

/*
 * MADV_PAGEOUT only sees folios on the LRU, and drains only this CPU's LRU
 * batches: pages this task faulted in on another CPU before it migrated
 * (up to a batch of 15) would stay in memory.  Writing 1 to drop_caches
 * drains every CPU's batches (lru_add_drain_all()) first; 4 silences the
 * log line it prints.
 */
int pageout_all(void *buf, size_t len)
{
	write_file("/proc/sys/vm/drop_caches", "4");
	write_file("/proc/sys/vm/drop_caches", "1");
	return madvise(buf, len, MADV_PAGEOUT);
}

int write_file(const char *path, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd, len, ret = 0;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

int write_file_at(const char *dir, const char *file, const char *fmt, ...)
{
	char path[512], buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return write_file(path, "%s", buf);
}

long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

long key_value(const char *path, const char *key)
{
	char k[128];
	long v, ret = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %ld", k, &v) == 2) {
		if (!strcmp(k, key)) {
			ret = v;
			break;
		}
	}
	fclose(f);
	return ret;
}

long meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	size_t len = strlen(key);
	char line[128];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ':') {
			kb = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

long vmstat_read(const char *name)
{
	return key_value("/proc/vmstat", name);
}

int zswap_set_enabled(bool on)
{
	return write_file("/sys/module/zswap/parameters/enabled", on ? "Y" : "N");
}

int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = 0, got = 0;
	int ret;

	if (fd < 0)
		return -errno;
	while ((size_t)got < len - 1 &&
	       (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	ret = n < 0 ? -errno : 0;
	close(fd);
	buf[got] = '\0';
	return ret;
}

const char *escaped(const char *s)
{
	static char buf[256];
	size_t i = 0;

	for (; *s && i < sizeof(buf) - 3; s++) {
		if (*s == '\n' || *s == '\t') {
			buf[i++] = '\\';
			buf[i++] = *s == '\n' ? 'n' : 't';
		} else {
			buf[i++] = *s;
		}
	}
	buf[i] = '\0';
	return buf;
}

int swap_tiers_clear(void)
{
	char raw[4096], ops[256], name[32], *line, *save;
	size_t used = 0;
	int n = 0, ret;

	ret = read_text(SWAP_TIERS, raw, sizeof(raw));
	if (ret)
		return ret;
	strtok_r(raw, "\n", &save);	/* the header */
	while ((line = strtok_r(NULL, "\n", &save)) && used < sizeof(ops) - 20)
		if (sscanf(line, "%15s", name) == 1)
			used += snprintf(ops + used, sizeof(ops) - used,
					 "%s-%s", n++ ? " " : "", name);
	if (!n)
		return 0;
	ret = write_file(SWAP_TIERS, "%s", ops);
	return ret ? ret : n;
}

int cg_create(const char *cg)
{
	char parent[256], *slash;
	int ret;

	snprintf(parent, sizeof(parent), "%s", cg);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return -EINVAL;
	*slash = '\0';
	ret = write_file_at(parent, "cgroup.subtree_control", "+memory");
	if (ret)
		return ret;
	return mkdir(cg, 0755) ? -errno : 0;
}

int cg_destroy(const char *cg)
{
	return rmdir(cg) ? -errno : 0;
}

int cg_enter(const char *cg)
{
	return write_file_at(cg, "cgroup.procs", "%d", getpid());
}

int cg_leave(void)
{
	return cg_enter(CG_ROOT);
}

int cg_read(const char *cg, const char *file, char *buf, size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return read_text(path, buf, len);
}

long cg_read_long(const char *cg, const char *file)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return read_long(path);
}

long cg_stat(const char *cg, const char *key)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/memory.stat", cg);
	return key_value(path, key);
}

int cg_evict(const char *cg)
{
	int i;

	/* More than it holds: reclaim ends with -EAGAIN once nothing is left. */
	write_file_at(cg, "memory.reclaim", "1G");
	for (i = 0; i < 1000 && meminfo_kb("Writeback") != 0; i++)
		usleep(10000);
	write_file_at(cg, "memory.reclaim", "1G");
	return meminfo_kb("Writeback") ? -ETIMEDOUT : 0;
}

int writeback_wait(void)
{
	int i;

	for (i = 0; i < 1000 && meminfo_kb("Writeback") != 0; i++)
		usleep(10000);
	return meminfo_kb("Writeback") ? -ETIMEDOUT : 0;
}

#define CURRENT		"memory.swap.tiers.current"
#define EVENTS		"memory.swap.tiers.events"
#define TIER_DIR	"/sys/kernel/mm/swap/tier/"
#define SLOT_TIER	"/sys/kernel/debug/vswap/slot_tier"

long tier_pages(const char *cg, const char *tier)
{
	char path[256];
	long bytes;

	snprintf(path, sizeof(path), "%s/%s", cg, CURRENT);
	bytes = key_value(path, tier);
	return bytes < 0 ? bytes : bytes / (long)page_size;
}

long tier_event(const char *cg, const char *tier, const char *event)
{
	char text[1024], key[64], *line, *save;
	long v;

	if (cg_read(cg, EVENTS, text, sizeof(text)))
		return -1;
	snprintf(key, sizeof(key), " %s=", event);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(tier);
		char *at;

		if (strncmp(line, tier, n) || line[n] != ' ')
			continue;
		at = strstr(line, key);
		if (at && sscanf(at + strlen(key), "%ld", &v) == 1)
			return v;
	}
	return -1;
}

long tier_stat(const char *tier, const char *stat)
{
	char path[256];

	snprintf(path, sizeof(path), TIER_DIR "%s/%s", tier, stat);
	return read_long(path);
}

void next_jiffy(void)
{
	usleep(20000);
}

int slot_tiers(int type, const char *buf, size_t npages,
	       struct slot_info *out)
{
	uint64_t *pm = calloc(npages, sizeof(*pm));
	char text[128];
	int fd = open(SLOT_TIER, O_RDWR), ret = -1;
	unsigned long off;
	size_t i;
	ssize_t n;

	if (!pm || fd < 0 || pagemap_read(buf, npages, pm))
		goto out;
	for (i = 0; i < npages; i++) {
		out[i].pm = pm[i];
		out[i].stamp = 0;
		if (!PM_SWAPPED(pm[i]) || PM_SWAP_TYPE(pm[i]) != type) {
			snprintf(out[i].tier, sizeof(out[i].tier), "resident");
			continue;
		}
		n = snprintf(text, sizeof(text), "%llu 1",
			     (unsigned long long)PM_SWAP_OFFSET(pm[i]));
		if (pwrite(fd, text, n, 0) != n)
			goto out;
		n = pread(fd, text, sizeof(text) - 1, 0);
		if (n <= 0)
			goto out;
		text[n] = '\0';
		if (sscanf(text, "%lu %15s %lu", &off, out[i].tier,
			   &out[i].stamp) != 3 ||
		    off != PM_SWAP_OFFSET(pm[i]))
			goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	free(pm);
	return ret;
}

long count_on(const struct slot_info *s, size_t first, size_t n,
	      const char *tier)
{
	long nr = 0;
	size_t i;

	for (i = first; i < first + n; i++)
		nr += !strcmp(s[i].tier, tier);
	return nr;
}

/* The child's side of fill_in_cgroup(): exit status 0 if all went well. */
static int fill_child(const char *cg, size_t npages, enum page_kind mix,
		      uint64_t seed)
{
	char procs[256], why[256];
	long swapped;
	char *p;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	if (write_file(procs, "%d", getpid()))
		return 10;
	p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 11;
	madvise(p, npages * page_size, MADV_NOHUGEPAGE);
	pattern_fill(p, npages, mix, seed);
	swapped = count_swapped(p, npages);
	if (swapped < (long)npages / 2) {
		fprintf(stderr, "only %ld of %zu pages swapped\n", swapped, npages);
		return 12;
	}
	if (pattern_check(p, npages, mix, seed, why, sizeof(why)) != -1) {
		fprintf(stderr, "%s\n", why);
		return 13;
	}
	return 0;
}

int fill_in_cgroup(const char *cg, size_t limit, size_t npages,
		   enum page_kind mix, uint64_t seed)
{
	int status, ret;
	pid_t pid;

	mkdir(cg, 0755);
	ret = write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	if (!ret)
		ret = write_file_at(cg, "memory.max", "%zu", limit);
	if (ret) {
		rmdir(cg);
		return ret;
	}
	pid = fork();
	if (pid == 0)
		_exit(fill_child(cg, npages, mix, seed));
	ret = pid < 0 || waitpid(pid, &status, 0) != pid ? -errno : status;
	rmdir(cg);
	return ret;
}

int fork_check_cow(char *buf, size_t npages, uint64_t seed, uint64_t cow_seed)
{
	char why[256];
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (pattern_check(buf, npages, PAGE_MIXED, seed, why,
				  sizeof(why)) != -1) {
			fprintf(stderr, "child: %s\n", why);
			_exit(1);
		}
		pattern_fill(buf, npages / 2, PAGE_MIXED, cow_seed);
		madvise(buf, npages * page_size, MADV_PAGEOUT);
		if (pattern_check(buf, npages / 2, PAGE_MIXED, cow_seed, why,
				  sizeof(why)) != -1) {
			fprintf(stderr, "child after COW: %s\n", why);
			_exit(2);
		}
		_exit(0);
	}
	return waitpid(pid, &status, 0) == pid ? status : -errno;
}

/* Failures fail_function may inject: its "times" counts down from it. */
#define FAIL_BUDGET	1000000L

int function_fail(const char *func)
{
	char dir[256];

	if (!func)
		return write_file(FFN "inject", "\n");
	if (write_file(FFN "inject", "%s", func))
		return -EINVAL;	/* not marked ALLOW_ERROR_INJECTION */
	snprintf(dir, sizeof(dir), FFN "%s/", func);
	if (write_file_at(dir, "retval", "%#lx", (unsigned long)-ENOMEM) ||
	    write_file(FFN "verbose", "0") || write_file(FFN "task-filter", "0") ||
	    write_file(FFN "interval", "1") || write_file(FFN "probability", "100") ||
	    write_file(FFN "times", "%ld", FAIL_BUDGET))
		return -EIO;
	return 0;
}

long function_failures(void)
{
	return FAIL_BUDGET - read_long(FFN "times");
}

int thp_mode(const char *path, char *mode, size_t len)
{
	char line[256], *open, *close;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	open = strchr(line, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || (size_t)(close - open) > len)
		return -EINVAL;
	*close = '\0';
	snprintf(mode, len, "%s", open + 1);
	return 0;
}

int rotational_path(const char *dev, char *path, size_t len)
{
	char real[PATH_MAX];

	if (!realpath(dev, real))
		return -errno;
	snprintf(path, len, "/sys/block/%s/queue/rotational", basename(real));
	return access(path, W_OK) ? -errno : 0;
}

int make_it_fail_path(const char *dev, char *path, size_t len)
{
	char real[PATH_MAX];

	if (!realpath(dev, real))
		return -errno;
	snprintf(path, len, "/sys/class/block/%s/make-it-fail", basename(real));
	return access(path, W_OK) ? -errno : 0;
}

char *map_filled(size_t npages, enum page_kind mix, uint64_t seed)
{
	size_t len = npages * page_size;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, len, MADV_NOHUGEPAGE)) {
		munmap(p, len);
		return NULL;
	}
	pattern_fill(p, npages, mix, seed);
	return p;
}
