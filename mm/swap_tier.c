// SPDX-License-Identifier: GPL-2.0
/*
 * Swap tiers: named, ordered groups of swap devices, defined by priority
 * ranges through /sys/kernel/mm/swap/tiers, with the grammar, format and
 * errors of the upstream "swap tiers" proposal (v10); and zswap, a reserved
 * tier above them all.
 *
 * Design: Documentation/mm/swap_tiers.rst.
 */

#define pr_fmt(fmt) "swap_tier: " fmt

#include <linux/ctype.h>
#include <linux/kobject.h>
#include <linux/lockdep.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/sysfs.h>
#include <linux/vswap.h>
#include <linux/zswap.h>

#include "swap_tier.h"

/* The lowest start a tier can have: the priority of an unprioritized device. */
#define SWAP_TIER_PRIO_MIN	(-1)
#define SWAP_TIER_PRIO_MAX	SHRT_MAX

struct swap_tier {
	char name[SWAP_TIER_NAME_MAX + 1];	/* "" if the slot is free */
	short start;				/* lowest priority it covers */
};

struct swap_tier_table {
	struct swap_tier tier[CONFIG_NR_SWAP_TIERS];
	unsigned int nr;
};

/*
 * swap_tier_mutex serializes the file's writers and readers: only writers
 * change swap_tiers.  swap_tier_lock, nested inside swap_lock and si->lock
 * at swapon and swapoff, covers what a writer checks and commits together:
 * the table and the devices' tiers.
 */
static DEFINE_MUTEX(swap_tier_mutex);
static DEFINE_SPINLOCK(swap_tier_lock);
static struct swap_tier_table swap_tiers;

/* Each swap type's device tier Idx; SWAP_TIER_NONE if none or not in use. */
signed char swap_tier_idx_of_type[MAX_SWAPFILES] = {
	[0 ... MAX_SWAPFILES - 1] = SWAP_TIER_NONE
};

/*
 * For the swap-out path, which reads them without a lock: the device
 * tiers' Idx, highest first, and each tier's devices.  During a change a
 * reader may see the old order or devices for one page.
 */
static signed char swap_tier_order[CONFIG_NR_SWAP_TIERS];
static int swap_tier_nr;
static unsigned int swap_tier_device_ids;	/* the tier ids of device tiers */
static unsigned long swap_tier_types[CONFIG_NR_SWAP_TIERS];

/* The swap types swapped on and not yet off: their tiers are pinned. */
static DECLARE_BITMAP(swap_tier_in_use, MAX_SWAPFILES);
/* Each in-use type's priority when it was swapped on. */
static short swap_tier_prio_of_type[MAX_SWAPFILES];

static bool swap_tier_used(const struct swap_tier *tier)
{
	return tier->name[0];
}

static int swap_tier_find(const struct swap_tier_table *t, const char *name)
{
	int i;

	for (i = 0; i < CONFIG_NR_SWAP_TIERS; i++)
		if (swap_tier_used(&t->tier[i]) && !strcmp(t->tier[i].name, name))
			return i;
	return SWAP_TIER_NONE;
}

/*
 * The tier whose range holds @prio.  6.12 gives a device swapped on
 * without a priority -2, -3, ...: it belongs to the tier that starts at -1.
 */
static int swap_tier_of_prio(const struct swap_tier_table *t, int prio)
{
	int i, best = SWAP_TIER_NONE;

	prio = max(prio, SWAP_TIER_PRIO_MIN);
	for (i = 0; i < CONFIG_NR_SWAP_TIERS; i++) {
		const struct swap_tier *tier = &t->tier[i];

		if (!swap_tier_used(tier) || tier->start > prio)
			continue;
		if (best == SWAP_TIER_NONE || tier->start > t->tier[best].start)
			best = i;
	}
	return best;
}

/* The highest priority tier @idx covers: one below the next start up. */
static int swap_tier_end(const struct swap_tier_table *t, int idx)
{
	int i, end = SWAP_TIER_PRIO_MAX;

	for (i = 0; i < CONFIG_NR_SWAP_TIERS; i++) {
		const struct swap_tier *tier = &t->tier[i];

		if (swap_tier_used(tier) && tier->start > t->tier[idx].start)
			end = min(end, tier->start - 1);
	}
	return end;
}

static bool swap_tier_name_valid(const char *name)
{
	size_t len = strlen(name);
	size_t i;

	if (!len || len > SWAP_TIER_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!(isascii(name[i]) && isalnum(name[i])) && name[i] != '_')
			return false;
	return true;
}

/* "zswap" names the compressed tier: never a device tier. */
static bool swap_tier_name_reserved(const char *name)
{
	return !strcmp(name, "zswap");
}

/* "+NAME:START": a tier splitting the range that holds START. */
static int swap_tier_add(struct swap_tier_table *t, char *op)
{
	char *name = op + 1, *colon = strchr(name, ':');
	int i, idx = SWAP_TIER_NONE;
	s16 start;

	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (!swap_tier_name_valid(name) ||
	    kstrtos16(colon + 1, 10, &start) || start < SWAP_TIER_PRIO_MIN)
		return -EINVAL;
	if (swap_tier_name_reserved(name) ||
	    swap_tier_find(t, name) != SWAP_TIER_NONE)
		return -EEXIST;
	for (i = 0; i < CONFIG_NR_SWAP_TIERS; i++) {
		if (!swap_tier_used(&t->tier[i])) {
			if (idx == SWAP_TIER_NONE)
				idx = i;
		} else if (t->tier[i].start == start) {
			return -EBUSY;
		}
	}
	if (idx == SWAP_TIER_NONE)
		return -ENOSPC;
	strscpy(t->tier[idx].name, name);
	t->tier[idx].start = start;
	t->nr++;
	return 0;
}

/*
 * "-NAME": its range goes to the tier below, or, if it started at -1, to
 * the tier above, which then starts at -1.  @removed collects the Idx of
 * every tier removed, so that a device's tier is not taken for one
 * re-created in the same slot.
 */
static int swap_tier_remove(struct swap_tier_table *t, const char *name,
			    unsigned long *removed)
{
	int idx, above;

	if (!swap_tier_name_valid(name))
		return -EINVAL;
	idx = swap_tier_find(t, name);
	if (idx == SWAP_TIER_NONE)
		return -EINVAL;
	if (t->tier[idx].start == SWAP_TIER_PRIO_MIN &&
	    swap_tier_end(t, idx) < SWAP_TIER_PRIO_MAX) {
		above = swap_tier_of_prio(t, swap_tier_end(t, idx) + 1);
		t->tier[above].start = SWAP_TIER_PRIO_MIN;
	}
	t->tier[idx].name[0] = '\0';
	t->nr--;
	__set_bit(idx, removed);
	return 0;
}

static int swap_tier_apply(struct swap_tier_table *t, char *op,
			   unsigned long *removed)
{
	switch (op[0]) {
	case '+':
		return swap_tier_add(t, op);
	case '-':
		return swap_tier_remove(t, op + 1, removed);
	default:
		return -EINVAL;
	}
}

/*
 * Would @t move an in-use device out of its tier?  A device in no tier
 * (swapped on while none existed) may join one.  Under swap_tier_lock.
 */
static bool swap_tiers_move_device(const struct swap_tier_table *t,
				   const unsigned long *removed)
{
	unsigned int type;
	int idx;

	for_each_set_bit(type, swap_tier_in_use, MAX_SWAPFILES) {
		idx = swap_tier_idx_of_type[type];
		if (idx == SWAP_TIER_NONE)
			continue;
		if (test_bit(idx, removed) ||
		    swap_tier_of_prio(t, swap_tier_prio_of_type[type]) != idx)
			return true;
	}
	return false;
}

/*
 * Replace the table with @t and put the devices in no tier into theirs.
 * Under swap_tier_lock.
 */
static void swap_tiers_commit(const struct swap_tier_table *t)
{
	int i, idx, prio = SWAP_TIER_PRIO_MAX;
	unsigned int type, ids = 0;

	swap_tiers = *t;
	for (i = 0; i < t->nr; i++) {
		idx = swap_tier_of_prio(t, prio);
		WRITE_ONCE(swap_tier_order[i], idx);
		ids |= BIT(swap_tier_id_of_idx(idx));
		prio = t->tier[idx].start - 1;
	}
	WRITE_ONCE(swap_tier_device_ids, ids);
	/* Pairs with swap_tiers_next_allowed(). */
	smp_store_release(&swap_tier_nr, t->nr);
	for_each_set_bit(type, swap_tier_in_use, MAX_SWAPFILES) {
		idx = swap_tier_idx_of_type[type];
		if (idx == SWAP_TIER_NONE) {
			idx = swap_tier_of_prio(t, swap_tier_prio_of_type[type]);
			WRITE_ONCE(swap_tier_idx_of_type[type], idx);
			if (idx != SWAP_TIER_NONE)
				set_bit(type, &swap_tier_types[idx]);
		}
	}
}

/**
 * swap_tiers_assign - Put a device being swapped on into its tier.
 * @si: the device, under swap_lock and si->lock
 *
 * The tier whose range holds the device's priority, if tiers exist.  A
 * device whose swapoff failed keeps the tier it had.
 */
void swap_tiers_assign(struct swap_info_struct *si)
{
	if (is_vswap_device(si))
		return;
	spin_lock(&swap_tier_lock);
	if (!test_bit(si->type, swap_tier_in_use)) {
		int idx = swap_tier_of_prio(&swap_tiers, si->prio);

		__set_bit(si->type, swap_tier_in_use);
		swap_tier_prio_of_type[si->type] = si->prio;
		WRITE_ONCE(swap_tier_idx_of_type[si->type], idx);
		if (idx != SWAP_TIER_NONE)
			set_bit(si->type, &swap_tier_types[idx]);
	}
	spin_unlock(&swap_tier_lock);
}

/**
 * swap_tiers_release - Take a device whose swapoff finished out of its tier.
 * @si: the device, under swap_lock and si->lock, with no slot left
 */
void swap_tiers_release(struct swap_info_struct *si)
{
	int idx;

	spin_lock(&swap_tier_lock);
	idx = swap_tier_idx_of_type[si->type];
	if (idx != SWAP_TIER_NONE)
		clear_bit(si->type, &swap_tier_types[idx]);
	__clear_bit(si->type, swap_tier_in_use);
	WRITE_ONCE(swap_tier_idx_of_type[si->type], SWAP_TIER_NONE);
	spin_unlock(&swap_tier_lock);
}

/*********************************
 * routing
 **********************************/

/**
 * swap_tiers_next_allowed - The next device tier a page may go to.
 * @tiers: the tier ids allowed, or usable (swap_tiers_usable())
 * @pos: the position in the priority order, 0 to start; advanced
 *
 * Return: the next allowed device tier's Idx, highest first, or
 * SWAP_TIER_NONE when there is none.
 */
int swap_tiers_next_allowed(unsigned int tiers, int *pos)
{
	/* Pairs with swap_tiers_commit(): the order is written first. */
	int nr = smp_load_acquire(&swap_tier_nr), idx;

	while (*pos < nr) {
		idx = READ_ONCE(swap_tier_order[(*pos)++]);
		if (tiers & BIT(swap_tier_id_of_idx(idx)))
			return idx;
	}
	return SWAP_TIER_NONE;
}

/**
 * swap_tiers_below - The device tiers below a tier.
 * @id: a tier id: zswap, or a device tier
 *
 * Return: the ids of the device tiers after @id in tier order; for zswap
 * every device tier, or SWAP_TIERS_ALL less zswap if there are none.
 */
unsigned int swap_tiers_below(int id)
{
	/* Pairs with swap_tiers_commit(): the order is written first. */
	int nr = smp_load_acquire(&swap_tier_nr), pos, tid;
	bool seen = id == SWAP_TIER_ZSWAP;
	unsigned int below = 0;

	if (seen && !nr)
		return SWAP_TIERS_ALL & ~BIT(SWAP_TIER_ZSWAP);
	for (pos = 0; pos < nr; pos++) {
		tid = swap_tier_id_of_idx(READ_ONCE(swap_tier_order[pos]));
		if (seen)
			below |= BIT(tid);
		else if (tid == id)
			seen = true;
	}
	return below;
}

/**
 * swap_tier_has_space - May a device of a tier have a free slot?
 * @idx: the device tier's Idx
 *
 * A hint read without locks, so that a full tier, or one whose devices are
 * being swapped off, costs no lock per page.  Slots in per-CPU caches
 * count as used: callers drain the caches before giving up.
 *
 * Return: true if a device of the tier takes writes and is not full.
 */
bool swap_tier_has_space(int idx)
{
	/* Set and cleared under swap_tier_lock; a stale word is a hint too. */
	unsigned long types = data_race(swap_tier_types[idx]);
	struct swap_info_struct *si;
	unsigned int type;

	for_each_set_bit(type, &types, MAX_SWAPFILES) {
		si = swp_swap_info(swp_entry(type, 0));
		if (si && (READ_ONCE(si->flags) & SWP_WRITEOK) &&
		    READ_ONCE(si->highest_bit))
			return true;
	}
	return false;
}

/**
 * swap_tiers_nr_free - The free slots of the devices a page may go to.
 * @tiers: the tier ids allowed, or usable (swap_tiers_usable())
 *
 * Read without locks, as get_nr_swap_pages().
 *
 * Return: the number of slots.
 */
long swap_tiers_nr_free(unsigned int tiers)
{
	struct swap_info_struct *si;
	unsigned int type;
	long nr = 0;

	if (swap_tiers_all_devices(tiers))
		return get_nr_swap_pages();
	/* The devices swapped on (a racy read, as nr_swap_pages is). */
	for_each_set_bit(type, swap_tier_in_use, MAX_SWAPFILES) {
		si = swp_swap_info(swp_entry(type, 0));
		if (!si || !(READ_ONCE(si->flags) & SWP_WRITEOK) ||
		    !swap_tiers_allow_type(tiers, type))
			continue;
		nr += READ_ONCE(si->pages) - READ_ONCE(si->inuse_pages);
	}
	return nr;
}

/**
 * swap_tiers_have_device - Do some tiers include a device tier?
 * @tiers: tier ids allowed, or usable (swap_tiers_usable())
 *
 * Whether the tier has a device swapped on, or space, is not asked.
 *
 * Return: true if there are no device tiers (every device will do), or if
 * @tiers includes one.
 */
bool swap_tiers_have_device(unsigned int tiers)
{
	return !READ_ONCE(swap_tier_nr) ||
	       (tiers & READ_ONCE(swap_tier_device_ids));
}

/**
 * swap_tiers_defined - Are there device tiers?
 *
 * Return: true if /sys/kernel/mm/swap/tiers lists any.
 */
bool swap_tiers_defined(void)
{
	return READ_ONCE(swap_tier_nr);
}

/*********************************
 * names, for the per-cgroup files
 **********************************/

/**
 * swap_tiers_lock - Keep the tiers' names and ids from changing.
 *
 * Takes swap_tier_mutex, which serializes /sys/kernel/mm/swap/tiers, for
 * the per-cgroup files: a name looked up means the same tier until
 * swap_tiers_unlock().
 */
void swap_tiers_lock(void)
{
	mutex_lock(&swap_tier_mutex);
}

/**
 * swap_tiers_unlock - Undo swap_tiers_lock().
 */
void swap_tiers_unlock(void)
{
	mutex_unlock(&swap_tier_mutex);
}

/**
 * swap_tier_nth - The tier at a position of the per-cgroup files.
 * @pos: the position, 0 for the first
 * @name: set to the tier's name
 *
 * zswap first, then the device tiers, highest first.  Under
 * swap_tiers_lock().
 *
 * Return: the tier's id, or SWAP_TIER_NONE past the last tier.
 */
int swap_tier_nth(int pos, const char **name)
{
	int idx;

	lockdep_assert_held(&swap_tier_mutex);
	if (IS_ENABLED(CONFIG_ZSWAP)) {
		if (!pos) {
			*name = "zswap";
			return SWAP_TIER_ZSWAP;
		}
		pos--;
	}
	if (pos >= swap_tiers.nr)
		return SWAP_TIER_NONE;
	idx = swap_tier_order[pos];
	*name = swap_tiers.tier[idx].name;
	return swap_tier_id_of_idx(idx);
}

/**
 * swap_tier_name - The name of a tier.
 * @id: a tier id
 *
 * Under swap_tiers_lock().
 *
 * Return: the name, or NULL if no tier has that id.
 */
const char *swap_tier_name(int id)
{
	int idx = id - SWAP_TIER_DEVICE_FIRST;

	lockdep_assert_held(&swap_tier_mutex);
	if (id == SWAP_TIER_ZSWAP)
		return IS_ENABLED(CONFIG_ZSWAP) ? "zswap" : NULL;
	if (idx < 0 || idx >= CONFIG_NR_SWAP_TIERS ||
	    !swap_tier_used(&swap_tiers.tier[idx]))
		return NULL;
	return swap_tiers.tier[idx].name;
}

/**
 * swap_tier_nr_stored - The pages a tier holds now.
 * @id: a tier id
 *
 * For zswap, its stored pages; for a device tier, the slots in use on its
 * devices, classic entries included.  Racy, as any statistic.
 *
 * Return: the number of pages.
 */
unsigned long swap_tier_nr_stored(int id)
{
	struct swap_info_struct *si;
	unsigned long types, nr = 0;
	unsigned int type;

	if (id == SWAP_TIER_ZSWAP)
		return IS_ENABLED(CONFIG_ZSWAP) ? atomic_read(&zswap_stored_pages) : 0;
	/* Set and cleared under swap_tier_lock; a statistic may be stale. */
	types = data_race(swap_tier_types[id - SWAP_TIER_DEVICE_FIRST]);
	for_each_set_bit(type, &types, MAX_SWAPFILES) {
		si = swp_swap_info(swp_entry(type, 0));
		if (si)
			nr += READ_ONCE(si->inuse_pages);
	}
	return nr;
}

/**
 * swap_tier_nr_slots - The slots of a device tier's devices, and in use.
 * @id: a device tier id
 * @used: the slots in use, classic entries and per-CPU caches included
 * @total: the slots of the tier's devices that are swapped on
 *
 * Racy, as swap_tier_nr_stored().
 */
void swap_tier_nr_slots(int id, unsigned long *used, unsigned long *total)
{
	struct swap_info_struct *si;
	unsigned long types;
	unsigned int type;

	*used = 0;
	*total = 0;
	/* Set and cleared under swap_tier_lock; a statistic may be stale. */
	types = data_race(swap_tier_types[id - SWAP_TIER_DEVICE_FIRST]);
	for_each_set_bit(type, &types, MAX_SWAPFILES) {
		si = swp_swap_info(swp_entry(type, 0));
		if (!si || !(READ_ONCE(si->flags) & SWP_WRITEOK))
			continue;
		*used += READ_ONCE(si->inuse_pages);
		*total += READ_ONCE(si->pages);
	}
}

/**
 * swap_tier_id_by_name - The id of a tier named in a per-cgroup file.
 * @name: "zswap" or a device tier's name
 *
 * Under swap_tiers_lock().
 *
 * Return: the tier's id, or SWAP_TIER_NONE if no tier has that name.
 */
int swap_tier_id_by_name(const char *name)
{
	int idx;

	lockdep_assert_held(&swap_tier_mutex);
	if (IS_ENABLED(CONFIG_ZSWAP) && swap_tier_name_reserved(name))
		return SWAP_TIER_ZSWAP;
	idx = swap_tier_find(&swap_tiers, name);
	return idx == SWAP_TIER_NONE ? idx : swap_tier_id_of_idx(idx);
}

/*********************************
 * /sys/kernel/mm/swap/tiers
 **********************************/

/* Device tiers, highest first: v10's format, without zswap. */
static ssize_t tiers_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct swap_tier_table *t = &swap_tiers;
	int len, i, idx;

	mutex_lock(&swap_tier_mutex);
	len = sysfs_emit(buf, "Name Idx PrioStart PrioEnd\n");
	for (i = 0; i < t->nr; i++) {
		idx = swap_tier_order[i];
		len += sysfs_emit_at(buf, len, "%s %d %d %d\n", t->tier[idx].name,
				     idx, t->tier[idx].start,
				     swap_tier_end(t, idx));
	}
	mutex_unlock(&swap_tier_mutex);
	return len;
}

/* Operations separated by commas or white space, all or nothing. */
static ssize_t tiers_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	DECLARE_BITMAP(removed, CONFIG_NR_SWAP_TIERS) = { 0 };
	struct swap_tier_table *t;
	char *ops, *cur, *op;
	int nr_ops = 0, err = 0;

	ops = kstrndup(buf, count, GFP_KERNEL);
	t = kmalloc(sizeof(*t), GFP_KERNEL);
	if (!ops || !t) {
		err = -ENOMEM;
		goto out;
	}

	mutex_lock(&swap_tier_mutex);
	*t = swap_tiers;
	cur = ops;
	while (!err && (op = strsep(&cur, ", \t\n"))) {
		if (!*op)
			continue;
		err = swap_tier_apply(t, op, removed);
		nr_ops++;
	}
	if (!err && (!nr_ops ||
		     (t->nr && swap_tier_of_prio(t, SWAP_TIER_PRIO_MIN) ==
			       SWAP_TIER_NONE)))
		err = -EINVAL;
	if (!err) {
		spin_lock(&swap_tier_lock);
		if (swap_tiers_move_device(t, removed))
			err = -EBUSY;
		else
			swap_tiers_commit(t);
		spin_unlock(&swap_tier_lock);
	}
	if (!err) {
		swap_tiers_memcg_reset((unsigned int)removed[0] <<
				       SWAP_TIER_DEVICE_FIRST);
		swap_tiers_sysfs_sync(removed);
	}
	mutex_unlock(&swap_tier_mutex);
out:
	kfree(t);
	kfree(ops);
	return err ? err : count;
}

struct kobj_attribute swap_tiers_attr = __ATTR_RW(tiers);
