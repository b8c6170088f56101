// SPDX-License-Identifier: GPL-2.0
/*
 * Swap tiers per cgroup: which tiers a cgroup's pages may go to and how
 * much of each (memory.swap.tiers.max), how much they hold
 * (memory.swap.tiers.current), how much more they may write to each
 * device tier (memory.swap.tiers.budget), and why pages went past a tier
 * (memory.swap.tiers.events).
 *
 * Design: "Per-cgroup policy" and "Usage and limits" in
 * Documentation/mm/swap_tiers.rst.
 */

#define pr_fmt(fmt) "swap_tier: " fmt

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/cgroup.h>
#include <linux/ctype.h>
#include <linux/jiffies.h>
#include <linux/kstrtox.h>
#include <linux/memcontrol.h>
#include <linux/page_counter.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/static_key.h>
#include <linux/string.h>
#include <linux/swap_cgroup.h>
#include <linux/vswap.h>

#include "swap_tier.h"

/*
 * One per non-root memcg.  The swap-out path reads the masks and limits
 * of the page's memcg and its ancestors; usage and events are written by
 * every CPU that swaps a page of the memcg or a descendant, so they are
 * kept off the read-mostly cacheline.
 */
struct swap_tiers_memcg {
	unsigned int off;			/* ids whose limit is 0 */
	unsigned int limited;			/* ids with a byte limit */
	unsigned int budgeted;			/* ids with a write budget */
	unsigned long max[SWAP_TIER_IDS];	/* pages; PAGE_COUNTER_MAX */
	/* jiffies until which making room on a tier is not tried; 0: try */
	unsigned long room_backoff[SWAP_TIER_IDS];
	unsigned long room_busy;		/* ids being made room on */
	/* Pages on each tier, of this memcg and its descendants. */
	atomic_long_t usage[SWAP_TIER_IDS] ____cacheline_aligned_in_smp;
	/* Pages it may still write to each tier it has a budget on. */
	atomic_long_t budget[SWAP_TIER_IDS];
	atomic_long_t events[SWAP_TIER_IDS][SWAP_TIER_NR_EVENTS];
};

/* Set by the first 0 written (even for no tier): until then all allowed. */
static DEFINE_STATIC_KEY_FALSE(swap_tiers_policy);
/* Set by the first byte limit written: until then none is checked. */
static DEFINE_STATIC_KEY_FALSE(swap_tiers_limits);
/* Set by the first write budget written: until then none is kept. */
static DEFINE_STATIC_KEY_FALSE(swap_tiers_budgets);

static const char * const swap_tier_event_names[SWAP_TIER_NR_EVENTS] = {
	[SWAP_TIER_EVENT_LIMIT] = "limit",
	[SWAP_TIER_EVENT_FULL] = "full",
	[SWAP_TIER_EVENT_MOVED_IN] = "moved_in",
	[SWAP_TIER_EVENT_MOVED_OUT] = "moved_out",
	[SWAP_TIER_EVENT_BUDGET] = "budget",
};

/* The memcg's state, or NULL for the root (and a NULL memcg). */
static struct swap_tiers_memcg *swap_tiers_of(struct mem_cgroup *memcg)
{
	return memcg ? memcg->swap_tiers : NULL;
}

/*********************************
 * allowed and usable tiers
 **********************************/

/**
 * swap_tiers_allowed - The tiers a cgroup's pages may be swapped to.
 * @memcg: the cgroup, or NULL
 *
 * Every tier that neither the cgroup nor an ancestor set to 0.  Asked a
 * few times per page swapped out, each a walk up the hierarchy reading one
 * word per level; until some cgroup first sets a 0 it reads nothing but a
 * static key.
 *
 * Return: a mask of tier ids.
 */
unsigned int swap_tiers_allowed(struct mem_cgroup *memcg)
{
	struct swap_tiers_memcg *st;
	unsigned int off = 0;

	if (!static_branch_unlikely(&swap_tiers_policy))
		return SWAP_TIERS_ALL;
	for (; (st = swap_tiers_of(memcg)); memcg = parent_mem_cgroup(memcg))
		off |= READ_ONCE(st->off);
	return ~off;
}

/*
 * Of @tiers, those on which the cgroup or an ancestor has less than @nr
 * pages of write budget left.
 */
static unsigned int swap_tiers_spent(struct mem_cgroup *memcg,
				     unsigned int tiers, unsigned int nr)
{
	struct swap_tiers_memcg *st;
	unsigned long budgeted;
	unsigned int spent = 0;
	int id;

	for (; (st = swap_tiers_of(memcg)); memcg = parent_mem_cgroup(memcg)) {
		budgeted = READ_ONCE(st->budgeted) & tiers;
		for_each_set_bit(id, &budgeted, SWAP_TIER_IDS)
			if (atomic_long_read(&st->budget[id]) < (long)nr)
				spent |= BIT(id);
	}
	return spent;
}

/**
 * swap_tiers_budget_spent - Has a cgroup no write budget left on a tier?
 * @memcg: the cgroup, or NULL
 * @id: the tier
 *
 * Return: true if the cgroup or an ancestor has less than a page of
 * budget left there.
 */
bool swap_tiers_budget_spent(struct mem_cgroup *memcg, int id)
{
	return static_branch_unlikely(&swap_tiers_budgets) &&
	       swap_tiers_spent(memcg, BIT(id), 1);
}

/**
 * swap_tiers_usable - The tiers with room for a cgroup's pages.
 * @memcg: the cgroup, or NULL
 * @tiers: the tiers to ask about, usually swap_tiers_allowed()
 * @nr: the number of pages to place
 *
 * Leaves out of @tiers each tier on which the cgroup or an ancestor would
 * go over its byte limit with @nr more pages, or has less than @nr pages
 * of write budget left.  The answer is a snapshot: the charge follows
 * when the data reaches the tier, so racing swap-outs may overshoot a
 * limit or a budget by the pages in flight.
 *
 * Return: a mask of tier ids, a subset of @tiers.
 */
unsigned int swap_tiers_usable(struct mem_cgroup *memcg, unsigned int tiers,
			       unsigned int nr)
{
	struct swap_tiers_memcg *st;
	unsigned long limited, usage;
	int id;

	if (static_branch_unlikely(&swap_tiers_budgets))
		tiers &= ~swap_tiers_spent(memcg, tiers, nr);
	if (!static_branch_unlikely(&swap_tiers_limits))
		return tiers;
	for (; (st = swap_tiers_of(memcg)); memcg = parent_mem_cgroup(memcg)) {
		limited = READ_ONCE(st->limited) & tiers;
		for_each_set_bit(id, &limited, SWAP_TIER_IDS) {
			/* Below 0 only by a bug: do not lock the tier for it. */
			usage = max(atomic_long_read(&st->usage[id]), 0L);
			if (usage + nr > READ_ONCE(st->max[id]))
				tiers &= ~BIT(id);
		}
	}
	return tiers;
}

/**
 * swap_tiers_may_make_room - May reclaim make room on a tier for a cgroup?
 * @memcg: the cgroup of a page to be stored
 * @id: a device tier it is at its limit on, or that is full
 *
 * Return: false for the root, and for a second after an attempt that
 * moved nothing.
 */
bool swap_tiers_may_make_room(struct mem_cgroup *memcg, int id)
{
	struct swap_tiers_memcg *st = swap_tiers_of(memcg);
	unsigned long until;

	if (!st)
		return false;
	until = READ_ONCE(st->room_backoff[id]);
	return !until || time_after_eq(jiffies, until);
}

/**
 * swap_tiers_usage - A cgroup's pages on a tier, its descendants' included.
 * @memcg: the cgroup, or NULL
 * @id: the tier
 *
 * Return: the pages, 0 for the root.
 */
unsigned long swap_tiers_usage(struct mem_cgroup *memcg, int id)
{
	struct swap_tiers_memcg *st = swap_tiers_of(memcg);

	return st ? max(atomic_long_read(&st->usage[id]), 0L) : 0;
}

/**
 * swap_tiers_room_begin - Start making room on a tier for a cgroup.
 * @memcg: the cgroup swap_tiers_may_make_room() allowed
 * @id: the tier
 *
 * Return: false if another task is making room there for the cgroup.
 */
bool swap_tiers_room_begin(struct mem_cgroup *memcg, int id)
{
	struct swap_tiers_memcg *st = swap_tiers_of(memcg);

	return st && !test_and_set_bit_lock(id, &st->room_busy);
}

/**
 * swap_tiers_room_end - Undo swap_tiers_room_begin().
 * @memcg: the cgroup
 * @id: the tier
 */
void swap_tiers_room_end(struct mem_cgroup *memcg, int id)
{
	clear_bit_unlock(id, &swap_tiers_of(memcg)->room_busy);
}

/**
 * swap_tiers_room_failed - Note that no room could be made on a tier.
 * @memcg: the cgroup swap_tiers_may_make_room() was asked for
 * @id: the tier
 *
 * Keeps reclaim from walking for room per page while there is none.
 */
void swap_tiers_room_failed(struct mem_cgroup *memcg, int id)
{
	struct swap_tiers_memcg *st = swap_tiers_of(memcg);

	if (st)
		WRITE_ONCE(st->room_backoff[id], (jiffies + HZ) | 1);
}

/**
 * swap_tiers_allow_devices - May a cgroup's pages go to any swap device?
 * @memcg: the cgroup, or NULL
 *
 * Return: false if the cgroup or its ancestors left out every device tier.
 */
bool swap_tiers_allow_devices(struct mem_cgroup *memcg)
{
	if (!static_branch_unlikely(&swap_tiers_policy))
		return true;
	return swap_tiers_have_device(swap_tiers_allowed(memcg));
}

/*********************************
 * usage
 **********************************/

/**
 * swap_tiers_charge - Move a slot's charge from one tier to another.
 * @entry: the first of @nr virtual slots, whose swap_cgroup records name
 *	   one memcg (or none)
 * @from: the tier id the slots' data leaves, or SWAP_TIER_NONE
 * @to: the tier id it goes to, or SWAP_TIER_NONE
 * @nr: the number of slots
 *
 * Called by the virtual swap layer when descriptors change, by their one
 * writer, so a charge is never moved twice.  The record keeps its memcg
 * from being freed.  cgroup v1 does not count tiers: its records change
 * hands at swap-in and swap-out, not with the data.
 */
void swap_tiers_charge(swp_entry_t entry, int from, int to, unsigned int nr)
{
	struct swap_tiers_memcg *st;
	struct mem_cgroup *memcg;
	unsigned short id;
	long left;

	if (from == to || mem_cgroup_disabled() ||
	    !cgroup_subsys_on_dfl(memory_cgrp_subsys))
		return;
	id = lookup_swap_cgroup_id(entry);
	if (!id)
		return;
	rcu_read_lock();
	memcg = mem_cgroup_from_id(id);
	for (; (st = swap_tiers_of(memcg)); memcg = parent_mem_cgroup(memcg)) {
		if (from != SWAP_TIER_NONE) {
			left = atomic_long_sub_return(nr, &st->usage[from]);
			VM_WARN_ON_ONCE(left < 0);
		}
		if (to == SWAP_TIER_NONE)
			continue;
		atomic_long_add(nr, &st->usage[to]);
		/* Data reaching a tier is a write to it: spend the budget. */
		if (static_branch_unlikely(&swap_tiers_budgets) &&
		    (READ_ONCE(st->budgeted) & BIT(to)))
			atomic_long_sub(nr, &st->budget[to]);
	}
	rcu_read_unlock();
}

/*********************************
 * events
 **********************************/

/**
 * swap_tiers_event - Count a page that went past a tier.
 * @memcg: the page's cgroup, or NULL
 * @id: the tier
 * @event: why
 *
 * Counted in the cgroup and every ancestor, as memory.events.
 */
void swap_tiers_event(struct mem_cgroup *memcg, int id,
		      enum swap_tier_event event)
{
	struct swap_tiers_memcg *st;

	for (; (st = swap_tiers_of(memcg)); memcg = parent_mem_cgroup(memcg))
		atomic_long_inc(&st->events[id][event]);
}

/**
 * swap_tiers_count_move - Count a page moved from one tier to another.
 * @entry: the virtual slot whose data moved
 * @from: the tier it left
 * @to: the tier it reached
 *
 * For the cgroup the slot's record names, which is charged for it, and
 * every ancestor, as the charge.
 */
void swap_tiers_count_move(swp_entry_t entry, int from, int to)
{
	struct swap_tiers_memcg *st;
	struct mem_cgroup *memcg;

	if (mem_cgroup_disabled() || !cgroup_subsys_on_dfl(memory_cgrp_subsys))
		return;
	rcu_read_lock();
	memcg = mem_cgroup_from_id(lookup_swap_cgroup_id(entry));
	for (; (st = swap_tiers_of(memcg)); memcg = parent_mem_cgroup(memcg)) {
		/* A device in no tier is no tier's: nothing to count there. */
		if (from != SWAP_TIER_NONE)
			atomic_long_inc(&st->events[from][SWAP_TIER_EVENT_MOVED_OUT]);
		if (to != SWAP_TIER_NONE)
			atomic_long_inc(&st->events[to][SWAP_TIER_EVENT_MOVED_IN]);
	}
	rcu_read_unlock();
}

/**
 * swap_tiers_count_passed - Count the device tiers a page went past.
 * @memcg: the page's cgroup, or NULL
 * @allowed: the tiers it was allowed
 * @usable: the tiers it was offered, @allowed less those at a limit
 * @taken: the tier id that took it, or SWAP_TIER_NONE if none did
 *
 * The device tiers are tried top down, so every allowed tier above @taken
 * was either at a limit, out of write budget, or tried and full.
 */
void swap_tiers_count_passed(struct mem_cgroup *memcg, unsigned int allowed,
			     unsigned int usable, int taken)
{
	int pos = 0, idx, id;

	if (!swap_tiers_of(memcg))
		return;
	while ((idx = swap_tiers_next_allowed(allowed, &pos)) !=
	       SWAP_TIER_NONE) {
		id = swap_tier_id_of_idx(idx);
		if (id == taken)
			break;
		if (usable & BIT(id))
			swap_tiers_event(memcg, id, SWAP_TIER_EVENT_FULL);
		else if (static_branch_unlikely(&swap_tiers_budgets) &&
			 swap_tiers_spent(memcg, BIT(id), 1))
			swap_tiers_event(memcg, id, SWAP_TIER_EVENT_BUDGET);
		else
			swap_tiers_event(memcg, id, SWAP_TIER_EVENT_LIMIT);
	}
}

/**
 * swap_tiers_count_limited - Count a page no tier had room for.
 * @memcg: the page's cgroup, or NULL
 * @allowed: the tiers it was allowed (zswap only if zswap is enabled)
 * @usable: @allowed less those at a limit: none
 *
 * The page gets no swap entry, as at memory.swap.max; each allowed tier
 * counts a "limit" event.
 */
void swap_tiers_count_limited(struct mem_cgroup *memcg, unsigned int allowed,
			      unsigned int usable)
{
	if (allowed & BIT(SWAP_TIER_ZSWAP))
		swap_tiers_event(memcg, SWAP_TIER_ZSWAP, SWAP_TIER_EVENT_LIMIT);
	swap_tiers_count_passed(memcg, allowed, usable, SWAP_TIER_NONE);
}

/*********************************
 * a cgroup's state
 **********************************/

/**
 * swap_tiers_memcg_alloc - Give a new non-root cgroup its tier state.
 * @memcg: the cgroup
 *
 * Every tier starts at "max".
 *
 * Return: 0, or -ENOMEM.
 */
int swap_tiers_memcg_alloc(struct mem_cgroup *memcg)
{
	struct swap_tiers_memcg *st;
	int id;

	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	for (id = 0; id < SWAP_TIER_IDS; id++) {
		st->max[id] = PAGE_COUNTER_MAX;
		/* Without its bit, a budget reads as unspent: see below. */
		atomic_long_set(&st->budget[id], LONG_MAX);
	}
	memcg->swap_tiers = st;
	return 0;
}

/**
 * swap_tiers_memcg_free - Free a cgroup's tier state.
 * @memcg: the cgroup, which no swap_cgroup record names any more
 */
void swap_tiers_memcg_free(struct mem_cgroup *memcg)
{
	struct swap_tiers_memcg *st = memcg->swap_tiers;
	int id;

	if (!st)
		return;
	for (id = 0; id < SWAP_TIER_IDS; id++)
		VM_WARN_ONCE(atomic_long_read(&st->usage[id]),
			     "tier %d usage %ld at free\n", id,
			     atomic_long_read(&st->usage[id]));
	kfree(st);
	memcg->swap_tiers = NULL;
}

/* Under swap_tiers_lock(): a tier's id and name stay together. */
static void swap_tiers_set_max(struct swap_tiers_memcg *st, int id,
			       unsigned long max)
{
	WRITE_ONCE(st->max[id], max);
	if (max)
		WRITE_ONCE(st->off, st->off & ~BIT(id));
	else
		WRITE_ONCE(st->off, st->off | BIT(id));
	if (max && max != PAGE_COUNTER_MAX)
		WRITE_ONCE(st->limited, st->limited | BIT(id));
	else
		WRITE_ONCE(st->limited, st->limited & ~BIT(id));
}

/**
 * swap_tiers_memcg_reset - Forget removed tiers in every cgroup.
 * @ids: the removed tiers' ids
 *
 * Called by the writer of /sys/kernel/mm/swap/tiers under its mutex (that
 * of swap_tiers_lock()), so that a tier created again in the same slot
 * starts at "max", with no write budget, and with no events.  A removed tier had no device, so no
 * usage.
 */
void swap_tiers_memcg_reset(unsigned int ids)
{
	unsigned long mask = ids;
	struct swap_tiers_memcg *st;
	struct mem_cgroup *memcg;
	int id, ev;

	if (!ids)
		return;
	for (memcg = mem_cgroup_iter(NULL, NULL, NULL); memcg;
	     memcg = mem_cgroup_iter(NULL, memcg, NULL)) {
		st = swap_tiers_of(memcg);
		if (!st)
			continue;
		for_each_set_bit(id, &mask, SWAP_TIER_IDS) {
			swap_tiers_set_max(st, id, PAGE_COUNTER_MAX);
			WRITE_ONCE(st->budgeted, st->budgeted & ~BIT(id));
			atomic_long_set(&st->budget[id], LONG_MAX);
			for (ev = 0; ev < SWAP_TIER_NR_EVENTS; ev++)
				atomic_long_set(&st->events[id][ev], 0);
			VM_WARN_ON_ONCE(atomic_long_read(&st->usage[id]));
		}
		cond_resched();
	}
}

/*********************************
 * the files
 **********************************/

/**
 * swap_tiers_max_show - Show memory.swap.tiers.max.
 * @m: the file
 * @memcg: its cgroup
 *
 * zswap first, then the device tiers, highest first.
 *
 * Return: 0.
 */
int swap_tiers_max_show(struct seq_file *m, struct mem_cgroup *memcg)
{
	struct swap_tiers_memcg *st = swap_tiers_of(memcg);
	const char *name;
	unsigned long max;
	int pos, id;

	swap_tiers_lock();
	for (pos = 0; (id = swap_tier_nth(pos, &name)) != SWAP_TIER_NONE;
	     pos++) {
		max = READ_ONCE(st->max[id]);
		if (max == PAGE_COUNTER_MAX)
			seq_printf(m, "%s max\n", name);
		else
			seq_printf(m, "%s %llu\n", name, (u64)max * PAGE_SIZE);
	}
	swap_tiers_unlock();
	return 0;
}

/*
 * "max", or decimal bytes with an optional K, M, G, T, P or E suffix (as
 * memory.max takes them, but no hex, octal or overflow) into whole pages,
 * rounded down; a value below one page but 0 is one page, so that only 0
 * means "off".
 */
static int swap_tiers_parse_max(const char *value, unsigned long *pages)
{
	static const char suffixes[] = "KMGTPE";
	size_t len = strlen(value);
	unsigned int shift = 0;
	const char *suffix;
	char num[24];
	u64 bytes;

	if (!strcmp(value, "max")) {
		*pages = PAGE_COUNTER_MAX;
		return 0;
	}
	suffix = len ? strchr(suffixes, toupper(value[len - 1])) : NULL;
	if (suffix) {
		shift = 10 * (suffix - suffixes + 1);
		len--;
	}
	if (!len || len >= sizeof(num) || !isdigit(value[0]))
		return -EINVAL;
	memcpy(num, value, len);
	num[len] = '\0';
	if (kstrtou64(num, 10, &bytes) || bytes > (U64_MAX >> shift))
		return -EINVAL;
	bytes <<= shift;
	*pages = min_t(u64, bytes >> PAGE_SHIFT, PAGE_COUNTER_MAX);
	if (bytes && !*pages)
		*pages = 1;
	return 0;
}

/*
 * Split "TIER VALUE" (one pair, blanks around and between) in @buf: the
 * tier's name into @name, the value, "max" or bytes, into @pages.
 */
static int swap_tiers_parse_pair(char *buf, char **name, unsigned long *pages)
{
	char *value;

	buf = strim(buf);
	*name = strsep(&buf, " \t");
	value = buf ? skip_spaces(buf) : NULL;
	if (!**name || !value || !*value || value[strcspn(value, " \t")])
		return -EINVAL;
	return swap_tiers_parse_max(value, pages);
}

/**
 * swap_tiers_max_write - Write memory.swap.tiers.max.
 * @memcg: the cgroup
 * @buf: one "TIER VALUE" pair: "max", or bytes with a K/M/G/... suffix
 *
 * Return: 0, or -EINVAL for anything else, the cgroup unchanged.
 */
int swap_tiers_max_write(struct mem_cgroup *memcg, char *buf)
{
	struct swap_tiers_memcg *st = swap_tiers_of(memcg);
	unsigned long max;
	char *name;
	int id, err;

	err = swap_tiers_parse_pair(buf, &name, &max);
	if (err)
		return err;
	/* Before the mutex: enabling a key takes the CPU hotplug lock. */
	if (!max)
		static_branch_enable(&swap_tiers_policy);
	else if (max != PAGE_COUNTER_MAX)
		static_branch_enable(&swap_tiers_limits);

	swap_tiers_lock();
	id = swap_tier_id_by_name(name);
	if (id == SWAP_TIER_NONE)
		err = -EINVAL;
	else
		swap_tiers_set_max(st, id, max);
	swap_tiers_unlock();
	return err;
}

/**
 * swap_tiers_demote_write - Write memory.swap.tiers.demote.
 * @memcg: the cgroup
 * @buf: "BYTES [source=TIER]"
 *
 * Moves up to BYTES of the cgroup's and its descendants' coldest swapped
 * data one tier down: from TIER, or from the top tier down.  BYTES is
 * decimal with an optional K/M/G/... suffix, rounded down to pages, as
 * memory.swap.tiers.max takes it ("max" is not a size here).
 *
 * Return: 0 once that much moved, -EAGAIN if less could, -EINTR on a
 * signal, -ENOMEM, or -EINVAL for bad input, with nothing moved.
 */
int swap_tiers_demote_write(struct mem_cgroup *memcg, char *buf)
{
	int source = SWAP_TIER_NONE;
	unsigned long nr_pages;
	char *bytes, *key;
	int err;

	buf = strim(buf);
	bytes = strsep(&buf, " \t");
	if (!*bytes || !strcmp(bytes, "max") ||
	    swap_tiers_parse_max(bytes, &nr_pages))
		return -EINVAL;
	while (buf && (key = strsep(&buf, " \t"))) {
		if (!*key)
			continue;
		if (source != SWAP_TIER_NONE || !str_has_prefix(key, "source="))
			return -EINVAL;
		swap_tiers_lock();
		source = swap_tier_id_by_name(key + strlen("source="));
		swap_tiers_unlock();
		if (source == SWAP_TIER_NONE)
			return -EINVAL;
	}
	if (!nr_pages)
		return 0;
	err = vswap_demote(memcg, nr_pages, source);
	return err;
}

/**
 * swap_tiers_budget_show - Show memory.swap.tiers.budget.
 * @m: the file
 * @memcg: its cgroup
 *
 * One line per device tier, highest first: the bytes the cgroup may still
 * write to it, or "max".  Overspent (racing writers) shows 0.
 *
 * Return: 0.
 */
int swap_tiers_budget_show(struct seq_file *m, struct mem_cgroup *memcg)
{
	struct swap_tiers_memcg *st = swap_tiers_of(memcg);
	const char *name;
	int pos, id;
	long left;

	swap_tiers_lock();
	for (pos = 0; (id = swap_tier_nth(pos, &name)) != SWAP_TIER_NONE;
	     pos++) {
		if (id == SWAP_TIER_ZSWAP)
			continue;
		if (!(READ_ONCE(st->budgeted) & BIT(id))) {
			seq_printf(m, "%s max\n", name);
			continue;
		}
		left = max(atomic_long_read(&st->budget[id]), 0L);
		seq_printf(m, "%s %llu\n", name, (u64)left * PAGE_SIZE);
	}
	swap_tiers_unlock();
	return 0;
}

/**
 * swap_tiers_budget_write - Write memory.swap.tiers.budget.
 * @memcg: the cgroup
 * @buf: "TIER BYTES" or "TIER max", one device tier
 *
 * Sets what the cgroup may still write to the tier from now on: swap-outs
 * and moves into it, charged to it and each ancestor with a budget there.
 * A write replaces what was left; "max" removes the budget.  BYTES is
 * rounded down to pages, a non-zero value below a page being one page.
 *
 * Return: 0, or -EINVAL for bad input or zswap, with nothing changed.
 */
int swap_tiers_budget_write(struct mem_cgroup *memcg, char *buf)
{
	struct swap_tiers_memcg *st = swap_tiers_of(memcg);
	unsigned long pages;
	char *name;
	int id, err;

	err = swap_tiers_parse_pair(buf, &name, &pages);
	if (err)
		return err;
	swap_tiers_lock();
	id = swap_tier_id_by_name(name);
	swap_tiers_unlock();
	if (id == SWAP_TIER_NONE || id == SWAP_TIER_ZSWAP)
		return -EINVAL;
	/* Outside the mutex: enabling a key takes the CPU hotplug lock. */
	if (pages != PAGE_COUNTER_MAX)
		static_branch_enable(&swap_tiers_budgets);

	swap_tiers_lock();
	/* The tier may have been removed, or renamed, meanwhile. */
	id = swap_tier_id_by_name(name);
	if (id == SWAP_TIER_NONE || id == SWAP_TIER_ZSWAP) {
		err = -EINVAL;
	} else if (pages == PAGE_COUNTER_MAX) {
		WRITE_ONCE(st->budgeted, st->budgeted & ~BIT(id));
		atomic_long_set(&st->budget[id], LONG_MAX);
	} else {
		/*
		 * Value first, then the bit; a reader that sees the bit
		 * with the value before reads LONG_MAX (no budget) or the
		 * old budget: at worst one page decided on the old value.
		 */
		atomic_long_set(&st->budget[id], pages);
		WRITE_ONCE(st->budgeted, st->budgeted | BIT(id));
	}
	swap_tiers_unlock();
	return err;
}

/**
 * swap_tiers_current_show - Show memory.swap.tiers.current.
 * @m: the file
 * @memcg: its cgroup
 *
 * Bytes of the cgroup's and its descendants' swapped data on each tier,
 * at its uncompressed size.
 *
 * Return: 0.
 */
int swap_tiers_current_show(struct seq_file *m, struct mem_cgroup *memcg)
{
	struct swap_tiers_memcg *st = swap_tiers_of(memcg);
	const char *name;
	long usage;
	int pos, id;

	swap_tiers_lock();
	for (pos = 0; (id = swap_tier_nth(pos, &name)) != SWAP_TIER_NONE;
	     pos++) {
		usage = max(atomic_long_read(&st->usage[id]), 0L);
		seq_printf(m, "%s %llu\n", name, (u64)usage * PAGE_SIZE);
	}
	swap_tiers_unlock();
	return 0;
}

/**
 * swap_tiers_events_show - Show memory.swap.tiers.events.
 * @m: the file
 * @memcg: its cgroup
 *
 * Nested-keyed: one line per tier, "TIER limit=N full=N moved_in=N
 * moved_out=N budget=N".
 *
 * Return: 0.
 */
int swap_tiers_events_show(struct seq_file *m, struct mem_cgroup *memcg)
{
	struct swap_tiers_memcg *st = swap_tiers_of(memcg);
	const char *name;
	int pos, id, ev;

	swap_tiers_lock();
	for (pos = 0; (id = swap_tier_nth(pos, &name)) != SWAP_TIER_NONE;
	     pos++) {
		seq_puts(m, name);
		for (ev = 0; ev < SWAP_TIER_NR_EVENTS; ev++)
			seq_printf(m, " %s=%ld", swap_tier_event_names[ev],
				   atomic_long_read(&st->events[id][ev]));
		seq_putc(m, '\n');
	}
	swap_tiers_unlock();
	return 0;
}
