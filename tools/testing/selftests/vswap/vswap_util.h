/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the virtual swap selftests: page patterns that encode the
 * page index, pagemap decoding, swap device and cgroup control.
 */
#ifndef VSWAP_UTIL_H
#define VSWAP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VSWAP_MB(x)	((size_t)(x) << 20)

/*
 * What a pattern page holds.  A mixed pattern cycles through all kinds by
 * page index, so every test sees zero, same-filled, compressible and
 * incompressible pages side by side.
 */
enum page_kind {
	PAGE_ZERO,		/* all zero bytes */
	PAGE_SAME,		/* one 8-byte word, derived from the index, repeated */
	PAGE_TEXT,		/* compresses well, index in every word */
	PAGE_RANDOM,		/* xorshift stream seeded by the index: incompressible */
	PAGE_MIXED,		/* pattern_fill(): kind chosen by index % 4 */
	PAGE_HALF,		/* random first half, text second: compresses to ~1/2 */
	PAGE_EIGHTH,		/* random first eighth, text after: to ~1/7 */
};

extern size_t page_size;

void vswap_init(void);
enum page_kind page_kind_of(enum page_kind mix, size_t index);
/* The word a PAGE_SAME page repeats, and whether it sign-extends from 61 bits. */
uint64_t same_word(size_t index, uint64_t seed);
bool same_word_fits(size_t index);
void pattern_fill(void *buf, size_t npages, enum page_kind mix, uint64_t seed);
/*
 * A new anonymous mapping of @npages base pages (MADV_NOHUGEPAGE: large
 * folios take other paths) filled with pattern_fill(@mix, @seed), charged
 * to the caller's cgroup; NULL on failure.
 */
char *map_filled(size_t npages, enum page_kind mix, uint64_t seed);
/* Returns the index of the first wrong page, or -1 if every byte matches. */
long pattern_check(const void *buf, size_t npages, enum page_kind mix,
		   uint64_t seed, char *why, size_t whylen);

/* Does @page hold exactly page @index of pattern @mix, @seed? */
bool pattern_page_ok(const void *page, size_t index, enum page_kind mix,
		     uint64_t seed);

/* /proc/self/pagemap: bit 63 present, bit 62 swapped, type and offset. */
int pagemap_read(const void *addr, size_t npages, uint64_t *out);
#define PM_PRESENT(e)		(((e) >> 63) & 1)
#define PM_SWAPPED(e)		(((e) >> 62) & 1)
#define PM_SWAP_TYPE(e)		((e) & 0x1f)
#define PM_SWAP_OFFSET(e)	(((e) >> 5) & ((1ULL << 50) - 1))
long count_swapped(const void *addr, size_t npages);
long count_present(const void *addr, size_t npages);

int swap_on(const char *dev, int prio);
int swap_off(const char *dev);
bool swap_is_on(const char *dev);
/* The "Used" column of /proc/swaps for dev, in KiB; -1 if not listed. */
long swap_used_kb(const char *dev);
/* The "Size" column of /proc/swaps for dev, in KiB; -1 if not listed. */
long swap_size_kb(const char *dev);
const char *fast_dev(void);
const char *slow_dev(void);

int pageout_all(void *buf, size_t len);
long vswap_disk_cached_kb(void);
int pin_to_cpu(int cpu);
int write_file(const char *path, const char *fmt, ...);
int write_file_at(const char *dir, const char *file, const char *fmt, ...);
long read_long(const char *path);
long vmstat_read(const char *name);
/* The value of @key in /proc/meminfo, in KiB; -1 if it cannot be read. */
long meminfo_kb(const char *key);
long key_value(const char *path, const char *key);

int zswap_set_enabled(bool on);

/* The text of @path into @buf, NUL-terminated: 0 or -errno. */
int read_text(const char *path, char *buf, size_t len);
/* @s with newlines and tabs escaped, for a log line: a static buffer. */
const char *escaped(const char *s);

/* Device tiers: /sys/kernel/mm/swap/tiers. */
#define SWAP_TIERS	"/sys/kernel/mm/swap/tiers"
/* Remove every device tier, in one write: the number removed, or -errno. */
int swap_tiers_clear(void);

/* cgroup v2, with the memory controller. */
#define CG_ROOT		"/sys/fs/cgroup"
/*
 * Create cgroup @cg, a path under CG_ROOT, after enabling the memory
 * controller in its parent's cgroup.subtree_control: 0 or -errno.
 */
int cg_create(const char *cg);
/* Remove @cg, which must hold no process and no cgroup: 0 or -errno. */
int cg_destroy(const char *cg);
/* Move the calling process into @cg, or back to the root cgroup. */
int cg_enter(const char *cg);
int cg_leave(void);
/* The text of @cg's @file into @buf, NUL-terminated: 0 or -errno. */
int cg_read(const char *cg, const char *file, char *buf, size_t len);
/* The number @cg's @file holds, or -1. */
long cg_read_long(const char *cg, const char *file);
/* The value of @key in @cg's memory.stat, or -1. */
long cg_stat(const char *cg, const char *key);
/*
 * Reclaim all that @cg holds (memory.reclaim), then, once no page is
 * under writeback (up to 10 s), again: the folios swapped out leave the
 * swap cache, so that reading them back goes to their backend.  0, or
 * -ETIMEDOUT if writeback did not finish.
 */
int cg_evict(const char *cg);
/* Wait, up to 10 s, until no page is under writeback: 0 or -ETIMEDOUT. */
int writeback_wait(void);

/* @cg's usage of @tier in pages, from memory.swap.tiers.current. */
long tier_pages(const char *cg, const char *tier);
/* An event count of @tier in @cg's memory.swap.tiers.events, or -1. */
long tier_event(const char *cg, const char *tier, const char *event);
/* The counter @stat of /sys/kernel/mm/swap/tier/@tier/, or -1. */
long tier_stat(const char *tier, const char *stat);
/*
 * A demotion leaves alone what reached a tier since it began, to the
 * jiffy (moves stamp their data a jiffy ahead): before demoting data a
 * demotion just moved, let a jiffy pass (20 ms: HZ is 100 or more).
 */
void next_jiffy(void);

/* Where each page's slot holds its data, and the slot's cluster stamp. */
struct slot_info {
	char tier[16];		/* as slot_tier says; "resident" if no slot */
	unsigned long stamp;
	uint64_t pm;		/* the page's pagemap entry */
};

/*
 * The slot_info of each of the @npages pages at @buf, into @out, from
 * pagemap and debugfs vswap/slot_tier; @type is the virtual swap type, a
 * page without an entry of it is "resident".  0, or -1 on error.
 */
int slot_tiers(int type, const char *buf, size_t npages,
	       struct slot_info *out);
/* Pages of @s[first, first + n) on @tier. */
long count_on(const struct slot_info *s, size_t first, size_t n,
	      const char *tier);

/* debugfs fail_function: the kernel's function error injection. */
#define FFN		"/sys/kernel/debug/fail_function/"
/* Make @func return -ENOMEM on every call; NULL turns injection off. */
int function_fail(const char *func);
/* Failures injected since function_fail() turned injection on. */
long function_failures(void);

/*
 * In a child moved into cgroup @cg with memory.max = @limit bytes, fill
 * @npages anonymous base pages with @mix, require at least half of them to
 * be swapped out by the pressure, and verify every byte.  Returns the
 * child's wait status (0 if all went well) or -errno.
 */
int fill_in_cgroup(const char *cg, size_t limit, size_t npages,
		   enum page_kind mix, uint64_t seed);

/*
 * Fork a child that checks @buf (PAGE_MIXED, @seed), rewrites its first
 * half with @cow_seed (COW), pages everything out and checks its copy.
 * Returns the child's wait status (0 if all went well) or -errno.
 */
int fork_check_cow(char *buf, size_t npages, uint64_t seed, uint64_t cow_seed);

/*
 * The word in [brackets] of a THP "enabled" file, e.g. "madvise", into
 * @mode: 0, or -errno.
 */
int thp_mode(const char *path, char *mode, size_t len);

/*
 * The queue/rotational file of the block device behind @dev, into @path:
 * 0 if it can be written, or -errno.  A device that says it does not
 * rotate gets clusters at swapon, and with them large ranges.
 */
int rotational_path(const char *dev, char *path, size_t len);

/*
 * The make-it-fail file of the block device behind @dev, into @path: 0 if
 * it can be written, or -errno.
 */
int make_it_fail_path(const char *dev, char *path, size_t len);

#endif
