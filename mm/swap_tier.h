/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Swap tiers: named, ordered groups of swap backends.  See
 * Documentation/mm/swap_tiers.rst.
 */
#ifndef _MM_SWAP_TIER_H
#define _MM_SWAP_TIER_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/limits.h>
#include <linux/swap.h>

struct kobj_attribute;
struct kobject;

/* Tier ids: compressed tiers first, then device tier Idx i as i + 1. */
#define SWAP_TIER_ZSWAP		0
#define SWAP_TIER_DEVICE_FIRST	1
#define SWAP_TIER_NONE		(-1)

#define SWAP_TIER_IDS		(SWAP_TIER_DEVICE_FIRST + CONFIG_NR_SWAP_TIERS)

#define SWAP_TIER_NAME_MAX	15
#define SWAP_TIERS_ALL		UINT_MAX

/* Why a page went past a tier at swap-out: memory.swap.tiers.events. */
enum swap_tier_event {
	SWAP_TIER_EVENT_LIMIT,	/* a cgroup's limit on the tier */
	SWAP_TIER_EVENT_FULL,	/* the tier was tried and did not take it */
	SWAP_TIER_EVENT_MOVED_IN,	/* pages moved into the tier */
	SWAP_TIER_EVENT_MOVED_OUT,	/* pages moved out of the tier */
	SWAP_TIER_EVENT_BUDGET,	/* a cgroup's write budget was spent */
	SWAP_TIER_NR_EVENTS,
};

/* A tier's counters, in pages: /sys/kernel/mm/swap/tier/NAME/. */
enum swap_tier_stat {
	SWAP_TIER_STAT_MOVED_IN,
	SWAP_TIER_STAT_MOVED_OUT,
	SWAP_TIER_STAT_MOVE_FAILED,
	SWAP_TIER_STAT_READ_BACK,
	SWAP_TIER_STAT_PROMOTED,	/* read back, reclaimed into zswap */
	SWAP_TIER_NR_STATS,
};

/* A device tier Idx's tier id. */
static inline int swap_tier_id_of_idx(int idx)
{
	return SWAP_TIER_DEVICE_FIRST + idx;
}

#ifdef CONFIG_SWAP
extern signed char swap_tier_idx_of_type[MAX_SWAPFILES];
/**
 * swap_type_tier_idx - The device tier a swap device is in.
 * @type: the swap type, in use
 *
 * Return: the tier's Idx, or SWAP_TIER_NONE.  It changes while the device
 * is in use only from SWAP_TIER_NONE to a tier, when tiers are first
 * defined.
 */
static inline int swap_type_tier_idx(unsigned int type)
{
	return READ_ONCE(swap_tier_idx_of_type[type]);
}

/**
 * swap_type_tier_id - The tier id of the device tier a swap device is in.
 * @type: the swap type, in use
 *
 * Return: the tier id, or SWAP_TIER_NONE.
 */
static inline int swap_type_tier_id(unsigned int type)
{
	int idx = swap_type_tier_idx(type);

	return idx == SWAP_TIER_NONE ? idx : swap_tier_id_of_idx(idx);
}

/**
 * swap_tiers_allow_type - May a page go to a swap device?
 * @tiers: the tier ids allowed, or usable (swap_tiers_usable())
 * @type: the device's swap type
 *
 * Return: true if the device is in an allowed tier, or in none.
 */
static inline bool swap_tiers_allow_type(unsigned int tiers, unsigned int type)
{
	int idx = swap_type_tier_idx(type);

	return idx == SWAP_TIER_NONE || (tiers & BIT(swap_tier_id_of_idx(idx)));
}

int swap_tiers_next_allowed(unsigned int tiers, int *pos);
unsigned int swap_tiers_below(int id);
unsigned long swap_tier_nr_stored(int id);
void swap_tier_nr_slots(int id, unsigned long *used, unsigned long *total);
#ifdef CONFIG_VIRTUAL_SWAP
void vswap_auto_kick(int id);
#else
static inline void vswap_auto_kick(int id) { }
#endif
unsigned int swap_tier_high_percent(int id);
unsigned int swap_tier_low_percent(int id);
unsigned int swap_tier_max_age(int id);
bool swap_tier_has_space(int idx);
long swap_tiers_nr_free(unsigned int tiers);
bool swap_tiers_have_device(unsigned int tiers);
bool swap_tiers_defined(void);
void swap_tiers_assign(struct swap_info_struct *si);
void swap_tiers_release(struct swap_info_struct *si);
void swap_tiers_lock(void);
void swap_tiers_unlock(void);
const char *swap_tier_name(int id);
void swap_tiers_sysfs_sync(const unsigned long *removed);
int swap_tiers_sysfs_init(struct kobject *swap_kobj);

DECLARE_PER_CPU(unsigned long, swap_tier_stats[SWAP_TIER_IDS][SWAP_TIER_NR_STATS]);

/* Add @nr to tier @id's counter @stat; SWAP_TIER_NONE counts nothing. */
static inline void swap_tier_count(int id, enum swap_tier_stat stat, long nr)
{
	if (id != SWAP_TIER_NONE)
		this_cpu_add(swap_tier_stats[id][stat], nr);
}

int swap_tier_nth(int pos, const char **name);
int swap_tier_id_by_name(const char *name);
extern struct kobj_attribute swap_tiers_attr;
#endif

struct mem_cgroup;
struct seq_file;

#if defined(CONFIG_SWAP) && defined(CONFIG_MEMCG)
unsigned int swap_tiers_allowed(struct mem_cgroup *memcg);
unsigned int swap_tiers_usable(struct mem_cgroup *memcg, unsigned int tiers,
			       unsigned int nr);
bool swap_tiers_allow_devices(struct mem_cgroup *memcg);
void swap_tiers_charge(swp_entry_t entry, int from, int to, unsigned int nr);
void swap_tiers_event(struct mem_cgroup *memcg, int id,
		      enum swap_tier_event event);
void swap_tiers_count_passed(struct mem_cgroup *memcg, unsigned int allowed,
			     unsigned int usable, int taken);
void swap_tiers_count_limited(struct mem_cgroup *memcg, unsigned int allowed,
			      unsigned int usable);
int swap_tiers_memcg_alloc(struct mem_cgroup *memcg);
void swap_tiers_memcg_free(struct mem_cgroup *memcg);
void swap_tiers_memcg_reset(unsigned int ids);
int swap_tiers_max_show(struct seq_file *m, struct mem_cgroup *memcg);
int swap_tiers_max_write(struct mem_cgroup *memcg, char *buf);
int swap_tiers_current_show(struct seq_file *m, struct mem_cgroup *memcg);
int swap_tiers_events_show(struct seq_file *m, struct mem_cgroup *memcg);
int swap_tiers_demote_write(struct mem_cgroup *memcg, char *buf);
int swap_tiers_budget_show(struct seq_file *m, struct mem_cgroup *memcg);
int swap_tiers_budget_write(struct mem_cgroup *memcg, char *buf);
void swap_tiers_count_move(swp_entry_t entry, int from, int to);
bool swap_tiers_may_make_room(struct mem_cgroup *memcg, int id);
void swap_tiers_room_failed(struct mem_cgroup *memcg, int id);
bool swap_tiers_room_begin(struct mem_cgroup *memcg, int id);
void swap_tiers_room_end(struct mem_cgroup *memcg, int id);
unsigned long swap_tiers_usage(struct mem_cgroup *memcg, int id);
bool swap_tiers_budget_spent(struct mem_cgroup *memcg, int id);
#else
static inline unsigned int swap_tiers_allowed(struct mem_cgroup *memcg)
{
	return SWAP_TIERS_ALL;
}

static inline unsigned int swap_tiers_usable(struct mem_cgroup *memcg,
					     unsigned int tiers,
					     unsigned int nr)
{
	return tiers;
}

static inline bool swap_tiers_allow_devices(struct mem_cgroup *memcg)
{
	return true;
}

static inline void swap_tiers_charge(swp_entry_t entry, int from, int to,
				     unsigned int nr)
{
}

static inline void swap_tiers_event(struct mem_cgroup *memcg, int id,
				    enum swap_tier_event event)
{
}

static inline void swap_tiers_count_passed(struct mem_cgroup *memcg,
					   unsigned int allowed,
					   unsigned int usable, int taken)
{
}

static inline void swap_tiers_count_limited(struct mem_cgroup *memcg,
					    unsigned int allowed,
					    unsigned int usable)
{
}

static inline void swap_tiers_memcg_reset(unsigned int ids)
{
}

static inline void swap_tiers_count_move(swp_entry_t entry, int from, int to)
{
}

static inline bool swap_tiers_may_make_room(struct mem_cgroup *memcg, int id)
{
	return false;
}

static inline void swap_tiers_room_failed(struct mem_cgroup *memcg, int id)
{
}

static inline bool swap_tiers_room_begin(struct mem_cgroup *memcg, int id)
{
	return false;
}

static inline void swap_tiers_room_end(struct mem_cgroup *memcg, int id)
{
}

static inline unsigned long swap_tiers_usage(struct mem_cgroup *memcg, int id)
{
	return 0;
}

static inline bool swap_tiers_budget_spent(struct mem_cgroup *memcg, int id)
{
	return false;
}
#endif

/* Does @tiers hold every device tier, so that any device will do? */
static inline bool swap_tiers_all_devices(unsigned int tiers)
{
	return (tiers | BIT(SWAP_TIER_ZSWAP)) == SWAP_TIERS_ALL;
}

/**
 * swap_tiers_allow_zswap - May a cgroup's pages go to zswap?
 * @memcg: the cgroup, or NULL
 *
 * Return: false if the cgroup or an ancestor set the zswap tier to 0.
 */
static inline bool swap_tiers_allow_zswap(struct mem_cgroup *memcg)
{
	return swap_tiers_allowed(memcg) & BIT(SWAP_TIER_ZSWAP);
}

/**
 * swap_tiers_zswap_at_limit - Is a cgroup at its limit on the zswap tier?
 * @memcg: the cgroup of a page about to be stored, or NULL
 *
 * Return: true if the cgroup or an ancestor has no room for one more page
 * in zswap under memory.swap.tiers.max.
 */
static inline bool swap_tiers_zswap_at_limit(struct mem_cgroup *memcg)
{
	return !(swap_tiers_usable(memcg, BIT(SWAP_TIER_ZSWAP), 1) &
		 BIT(SWAP_TIER_ZSWAP));
}

#endif /* _MM_SWAP_TIER_H */
