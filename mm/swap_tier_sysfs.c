// SPDX-License-Identifier: GPL-2.0
/*
 * Swap tiers: a directory per tier under /sys/kernel/mm/swap/tier/, with
 * the tier's counters and a device tier's watermarks, one value per file.
 * The directories follow the tier table: made when a tier is added,
 * removed with it.
 *
 * Design: "Counters" in Documentation/mm/swap_tier_moves.rst.
 */

#define pr_fmt(fmt) "swap_tier: " fmt

#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "swap_tier.h"

DEFINE_PER_CPU(unsigned long, swap_tier_stats[SWAP_TIER_IDS][SWAP_TIER_NR_STATS]);

struct swap_tier_dir {
	struct kobject kobj;
	int id;
	char name[SWAP_TIER_NAME_MAX + 1];
};

/* /sys/kernel/mm/swap/tier, and each tier's directory, by tier id. */
static struct kobject *swap_tier_kobj;
static struct swap_tier_dir *swap_tier_dirs[SWAP_TIER_IDS];

static int swap_tier_dir_id(struct kobject *kobj)
{
	return container_of(kobj, struct swap_tier_dir, kobj)->id;
}

/*
 * What each counter summed to when its tier was made: the per-CPU counters
 * are never written but by their own CPU, so a new tier subtracts these.
 */
static unsigned long swap_tier_stat_base[SWAP_TIER_IDS][SWAP_TIER_NR_STATS];

/* A counter summed over the CPUs; racy, as any statistic. */
static unsigned long swap_tier_stat_sum(int id, enum swap_tier_stat stat)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(swap_tier_stats[id][stat], cpu);
	return sum;
}

/*
 * A counter since its tier was made.  read_back is corrected by -1 after
 * a move's read; a tier made between the two would show -1: 0 instead.
 */
static unsigned long swap_tier_stat_read(int id, enum swap_tier_stat stat)
{
	long v = swap_tier_stat_sum(id, stat) -
		 READ_ONCE(swap_tier_stat_base[id][stat]);

	return max(v, 0L);
}

static void swap_tier_stats_reset(int id)
{
	int stat;

	for (stat = 0; stat < SWAP_TIER_NR_STATS; stat++)
		WRITE_ONCE(swap_tier_stat_base[id][stat],
			   swap_tier_stat_sum(id, stat));
}

static ssize_t stored_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%lu\n",
			  swap_tier_nr_stored(swap_tier_dir_id(kobj)));
}

static struct kobj_attribute stored_attr = __ATTR_RO(stored);

#define SWAP_TIER_STAT_ATTR(_name, _stat)				\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%lu\n",					\
			  swap_tier_stat_read(swap_tier_dir_id(kobj),	\
					      _stat));			\
}									\
static struct kobj_attribute _name##_attr = __ATTR_RO(_name)

SWAP_TIER_STAT_ATTR(moved_in, SWAP_TIER_STAT_MOVED_IN);
SWAP_TIER_STAT_ATTR(moved_out, SWAP_TIER_STAT_MOVED_OUT);
SWAP_TIER_STAT_ATTR(move_failed, SWAP_TIER_STAT_MOVE_FAILED);
SWAP_TIER_STAT_ATTR(read_back, SWAP_TIER_STAT_READ_BACK);
SWAP_TIER_STAT_ATTR(promoted, SWAP_TIER_STAT_PROMOTED);

/*
 * A device tier's watermarks, in per cent of its slots: above high, data
 * moves down until low (mm/vswap_auto.c).  Written under
 * swap_tier_wmark_lock, read without it.
 */
#define SWAP_TIER_HIGH_DEFAULT	100
#define SWAP_TIER_LOW_DEFAULT	90

static DEFINE_MUTEX(swap_tier_wmark_lock);
static unsigned int swap_tier_high[SWAP_TIER_IDS] = {
	[0 ... SWAP_TIER_IDS - 1] = SWAP_TIER_HIGH_DEFAULT
};

static unsigned int swap_tier_low[SWAP_TIER_IDS] = {
	[0 ... SWAP_TIER_IDS - 1] = SWAP_TIER_LOW_DEFAULT
};

/* Data older than this moves down (mm/vswap_auto.c); 0: off. */
#define SWAP_TIER_AGE_MAX	(10U * 365 * 24 * 3600)
static unsigned int swap_tier_age[SWAP_TIER_IDS];

/**
 * swap_tier_high_percent - A device tier's high watermark.
 * @id: a device tier id
 *
 * Return: per cent of the tier's slots; 100 means off.
 */
unsigned int swap_tier_high_percent(int id)
{
	return READ_ONCE(swap_tier_high[id]);
}

/**
 * swap_tier_max_age - How long data may stay on a device tier.
 * @id: a device tier id
 *
 * Return: seconds, or 0 for no limit.
 */
unsigned int swap_tier_max_age(int id)
{
	return READ_ONCE(swap_tier_age[id]);
}

/**
 * swap_tier_low_percent - A device tier's low watermark.
 * @id: a device tier id
 *
 * Return: per cent of the tier's slots.
 */
unsigned int swap_tier_low_percent(int id)
{
	return READ_ONCE(swap_tier_low[id]);
}

static void swap_tier_wmarks_reset(int id)
{
	mutex_lock(&swap_tier_wmark_lock);
	WRITE_ONCE(swap_tier_high[id], SWAP_TIER_HIGH_DEFAULT);
	WRITE_ONCE(swap_tier_low[id], SWAP_TIER_LOW_DEFAULT);
	WRITE_ONCE(swap_tier_age[id], 0);
	mutex_unlock(&swap_tier_wmark_lock);
	vswap_auto_kick(id);
}

/* A knob's show: the value of tier @kobj's directory, from @_read. */
#define SWAP_TIER_KNOB_SHOW(_name, _read)				\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%u\n", _read(swap_tier_dir_id(kobj)));	\
}

/*
 * 0 to 100, and low below high: else -EINVAL, nothing changed.  A gap is
 * kept so that the worker, once at low, has something to do again only
 * after a share of the tier was written.
 */
static ssize_t swap_tier_wmark_store(struct kobject *kobj, const char *buf,
				     size_t count, bool high)
{
	int id = swap_tier_dir_id(kobj);
	unsigned int v;
	int err;

	err = kstrtouint(buf, 10, &v);
	if (err || v > 100)
		return -EINVAL;
	mutex_lock(&swap_tier_wmark_lock);
	if (high ? v <= swap_tier_low[id] : v >= swap_tier_high[id])
		err = -EINVAL;
	else if (high)
		WRITE_ONCE(swap_tier_high[id], v);
	else
		WRITE_ONCE(swap_tier_low[id], v);
	mutex_unlock(&swap_tier_wmark_lock);
	if (err)
		return err;
	/* A tier may be above its new high watermark already. */
	vswap_auto_kick(id);
	return count;
}

SWAP_TIER_KNOB_SHOW(high_percent, swap_tier_high_percent)

static ssize_t high_percent_store(struct kobject *kobj,
				  struct kobj_attribute *attr,
				  const char *buf, size_t count)
{
	return swap_tier_wmark_store(kobj, buf, count, true);
}

SWAP_TIER_KNOB_SHOW(low_percent, swap_tier_low_percent)

static ssize_t low_percent_store(struct kobject *kobj,
				 struct kobj_attribute *attr,
				 const char *buf, size_t count)
{
	return swap_tier_wmark_store(kobj, buf, count, false);
}

SWAP_TIER_KNOB_SHOW(max_age_seconds, swap_tier_max_age)

/* 0 (off) to ten years: else -EINVAL, nothing changed. */
static ssize_t max_age_seconds_store(struct kobject *kobj,
				     struct kobj_attribute *attr,
				     const char *buf, size_t count)
{
	unsigned int v;

	if (kstrtouint(buf, 10, &v) || v > SWAP_TIER_AGE_MAX)
		return -EINVAL;
	WRITE_ONCE(swap_tier_age[swap_tier_dir_id(kobj)], v);
	vswap_auto_kick(swap_tier_dir_id(kobj));
	return count;
}

static struct kobj_attribute max_age_seconds_attr = __ATTR_RW(max_age_seconds);
static struct kobj_attribute high_percent_attr = __ATTR_RW(high_percent);
static struct kobj_attribute low_percent_attr = __ATTR_RW(low_percent);

static struct attribute *swap_tier_dir_attrs[] = {
	&stored_attr.attr,
	&moved_in_attr.attr,
	&moved_out_attr.attr,
	&move_failed_attr.attr,
	&read_back_attr.attr,
	&promoted_attr.attr,
	&high_percent_attr.attr,
	&low_percent_attr.attr,
	&max_age_seconds_attr.attr,
	NULL,
};

/* Watermarks, age: device tiers, with virtual swap (only its slots move). */
static umode_t swap_tier_dir_visible(struct kobject *kobj,
				     struct attribute *attr, int n)
{
	if (attr == &high_percent_attr.attr || attr == &low_percent_attr.attr ||
	    attr == &max_age_seconds_attr.attr)
		return IS_ENABLED(CONFIG_VIRTUAL_SWAP) &&
		       swap_tier_dir_id(kobj) >= SWAP_TIER_DEVICE_FIRST ?
		       attr->mode : 0;
	return attr->mode;
}

static const struct attribute_group swap_tier_dir_group = {
	.attrs = swap_tier_dir_attrs,
	.is_visible = swap_tier_dir_visible,
};
__ATTRIBUTE_GROUPS(swap_tier_dir);

static void swap_tier_dir_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct swap_tier_dir, kobj));
}

static const struct kobj_type swap_tier_dir_ktype = {
	.release = swap_tier_dir_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = swap_tier_dir_groups,
};

/* A new tier starts with zeroed counters. */
static void swap_tier_dir_add(int id, const char *name)
{
	struct swap_tier_dir *dir = kzalloc(sizeof(*dir), GFP_KERNEL);

	/* A new tier's watermarks, also if its directory cannot be made. */
	swap_tier_wmarks_reset(id);
	if (!dir)
		goto fail;
	swap_tier_stats_reset(id);
	dir->id = id;
	strscpy(dir->name, name);
	if (kobject_init_and_add(&dir->kobj, &swap_tier_dir_ktype,
				 swap_tier_kobj, "%s", name)) {
		kobject_put(&dir->kobj);
		goto fail;
	}
	swap_tier_dirs[id] = dir;
	return;
fail:
	/* The tier works without its directory; only its counters hide. */
	pr_warn("no sysfs directory for tier %s\n", name);
}

static void swap_tier_dir_remove(int id)
{
	kobject_del(&swap_tier_dirs[id]->kobj);
	kobject_put(&swap_tier_dirs[id]->kobj);
	swap_tier_dirs[id] = NULL;
}

/**
 * swap_tiers_sysfs_sync - Make the tier directories match the tier table.
 * @removed: the device tier Idx bits a write removed (and may have added
 *           again: their counters start over)
 *
 * Under swap_tiers_lock(), after a change of the table is committed.
 */
void swap_tiers_sysfs_sync(const unsigned long *removed)
{
	const char *name;
	int id;

	if (!swap_tier_kobj)
		return;
	/* Removals first: a name may move to another tier id. */
	for (id = SWAP_TIER_DEVICE_FIRST; id < SWAP_TIER_IDS; id++) {
		name = swap_tier_name(id);
		if (swap_tier_dirs[id] &&
		    (!name || test_bit(id - SWAP_TIER_DEVICE_FIRST, removed) ||
		     strcmp(swap_tier_dirs[id]->name, name)))
			swap_tier_dir_remove(id);
	}
	for (id = SWAP_TIER_DEVICE_FIRST; id < SWAP_TIER_IDS; id++) {
		name = swap_tier_name(id);
		if (!swap_tier_dirs[id] && name)
			swap_tier_dir_add(id, name);
	}
}

/**
 * swap_tiers_sysfs_init - Create /sys/kernel/mm/swap/tier/ and zswap's directory.
 * @swap_kobj: /sys/kernel/mm/swap
 *
 * Return: 0, or -ENOMEM.
 */
int swap_tiers_sysfs_init(struct kobject *swap_kobj)
{
	const char *name;

	swap_tier_kobj = kobject_create_and_add("tier", swap_kobj);
	if (!swap_tier_kobj)
		return -ENOMEM;
	swap_tiers_lock();
	name = swap_tier_name(SWAP_TIER_ZSWAP);
	if (name)
		swap_tier_dir_add(SWAP_TIER_ZSWAP, name);
	swap_tiers_unlock();
	return 0;
}
