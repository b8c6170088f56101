// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: data a device tier moves down on its own.  A device
 * tier above its high watermark has its oldest movable data moved one
 * tier down by a worker until it is at its low watermark; data that has
 * stayed on a tier longer than its max_age_seconds moves down too.
 * zswap's watermarks are its pool limit and accept threshold
 * (mm/zswap.c).
 *
 * Documentation/mm/swap_tier_moves.rst, "Device tiers' watermarks" and
 * "Age", has the design.
 */

#define pr_fmt(fmt) "vswap: " fmt

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/swap.h>
#include <linux/workqueue.h>

#include "swap_tier.h"
#include "vswap_internal.h"

/*
 * Pages a run moves off one tier at most; a tier with more to move is
 * "draining" and the worker is queued again, so that a run is bounded
 * and a watermark written meanwhile takes effect.
 */
#define VSWAP_AUTO_RUN_PAGES	16384UL

static void vswap_auto_worker(struct work_struct *work);
static DECLARE_WORK(vswap_auto_work, vswap_auto_worker);
static void vswap_age_worker(struct work_struct *work);
static DECLARE_DELAYED_WORK(vswap_age_work, vswap_age_worker);
/*
 * Freezable: a move frees its source disk slot, which the hibernation
 * image, once written, may reuse; nothing moves after the snapshot.
 */
static struct workqueue_struct *vswap_auto_wq;

/* Until when a tier whose last run fell short of its goal is left alone. */
static unsigned long vswap_auto_backoff[SWAP_TIER_IDS];
/* Tier ids above their high watermark, not yet at their low one. */
static unsigned long vswap_auto_draining;
/* Runs over a tier above its high watermark, or draining. */
static u64 vswap_auto_passes;

/* Slots in use on device tier @id beyond @percent of its slots. */
static long vswap_auto_excess(int id, unsigned int percent)
{
	unsigned long used, total;

	swap_tier_nr_slots(id, &used, &total);
	return (long)used - (long)(total / 100 * percent +
				   total % 100 * percent / 100);
}

static bool vswap_auto_backed_off(int id)
{
	return time_before(jiffies, READ_ONCE(vswap_auto_backoff[id]));
}

static void vswap_auto_queue(void)
{
	/* Cheap while queued: no atomic on the work's word. */
	if (vswap_auto_wq && !work_pending(&vswap_auto_work))
		queue_work(vswap_auto_wq, &vswap_auto_work);
}

/**
 * vswap_auto_kick - Look at the device tiers' watermarks and ages now.
 * @id: the tier whose watermarks or age were written (or made anew),
 *      or SWAP_TIER_NONE
 *
 * For a watermark just written: the worker otherwise looks only when a
 * CPU takes a batch of slots.
 */
void vswap_auto_kick(int id)
{
	/* New watermarks: no back-off or draining from the old ones. */
	if (id != SWAP_TIER_NONE) {
		WRITE_ONCE(vswap_auto_backoff[id], jiffies);
		clear_bit(id, &vswap_auto_draining);
	}
	vswap_auto_queue();
	/* An age written: look now, and then at the age worker's pace. */
	if (vswap_auto_wq)
		mod_delayed_work(vswap_auto_wq, &vswap_age_work, 0);
}

/**
 * vswap_auto_check - Queue the worker if a device's tier is above its high watermark.
 * @type: the swap type of a device a CPU just took a batch of slots from
 *
 * Called once per batch of slots (vswap_disk_refill(), a large folio's
 * range), or when a batch found the device full; not per page.
 */
void vswap_auto_check(unsigned int type)
{
	vswap_auto_check_tier(swap_type_tier_id(type));
}

/**
 * vswap_auto_check_tier - Queue the worker if a tier is above its high watermark.
 * @id: a device tier id, or SWAP_TIER_NONE
 */
void vswap_auto_check_tier(int id)
{
	unsigned int high;

	if (id == SWAP_TIER_NONE)
		return;
	high = swap_tier_high_percent(id);
	if (high >= 100 || vswap_auto_backed_off(id) || !swap_tiers_below(id))
		return;
	if (vswap_auto_excess(id, high) > 0)
		vswap_auto_queue();
}

/*
 * One run over tier @id: if it is above its high watermark, or draining,
 * move up to VSWAP_AUTO_RUN_PAGES of its oldest movable data down towards
 * its low watermark.  Returns true if it has more to move now.
 */
static bool vswap_auto_tier(int id)
{
	unsigned int high = swap_tier_high_percent(id);
	unsigned int low = min(swap_tier_low_percent(id), high);
	unsigned long want, moved;
	long excess;

	/* Off, backed off, or the bottom tier: nothing to do. */
	if (high >= 100 || vswap_auto_backed_off(id) || !swap_tiers_below(id)) {
		clear_bit(id, &vswap_auto_draining);
		return false;
	}
	if (!test_bit(id, &vswap_auto_draining) &&
	    vswap_auto_excess(id, high) <= 0)
		return false;
	excess = vswap_auto_excess(id, low);
	if (excess <= 0) {
		clear_bit(id, &vswap_auto_draining);
		return false;
	}
	set_bit(id, &vswap_auto_draining);
	WRITE_ONCE(vswap_auto_passes, vswap_auto_passes + 1);
	want = min_t(unsigned long, excess, VSWAP_AUTO_RUN_PAGES);
	moved = vswap_demote_movable(id, want, 0);
	if (moved >= want)
		return true;
	/*
	 * Short of the goal: what is left cannot move now (no tier below
	 * for its cgroup, no room there, in use).  Not again for a second,
	 * so that a tier that cannot get to its low watermark is not
	 * walked for every batch of slots.
	 */
	clear_bit(id, &vswap_auto_draining);
	WRITE_ONCE(vswap_auto_backoff[id], jiffies + HZ);
	return false;
}

/*
 * The device tiers top down; the first with a full run to make ends the
 * invocation, which is queued again: one run per invocation, so that the
 * freezer never waits for more than one.  Data moved into a lower tier
 * counts as new there (see "Which data moves first"), so it leaves that
 * tier after what was there before.
 */
static void vswap_auto_worker(struct work_struct *work)
{
	int pos = 0, idx;

	while ((idx = swap_tiers_next_allowed(SWAP_TIERS_ALL, &pos)) !=
	       SWAP_TIER_NONE) {
		if (vswap_auto_tier(swap_tier_id_of_idx(idx))) {
			vswap_auto_queue();
			return;
		}
		cond_resched();
	}
}

/*
 * Each device tier with a max_age_seconds: move its movable data written
 * longer ago than that down, VSWAP_AUTO_RUN_PAGES at a time.  Then come
 * back after a quarter of the shortest age, between 1 and 60 seconds; not
 * at all while no tier has an age.
 */
static void vswap_age_worker(struct work_struct *work)
{
	unsigned long next = 60 * HZ, age;
	bool any = false, again = false;
	int pos = 0, idx, id;

	while ((idx = swap_tiers_next_allowed(SWAP_TIERS_ALL, &pos)) !=
	       SWAP_TIER_NONE) {
		id = swap_tier_id_of_idx(idx);
		age = (unsigned long)swap_tier_max_age(id) * HZ;
		if (!age || !swap_tiers_below(id))
			continue;
		any = true;
		next = min(next, max(age / 4, (unsigned long)HZ));
		/* Stamps are jiffies since boot: nothing is older yet. */
		if (time_before_eq(jiffies, age + INITIAL_JIFFIES))
			continue;
		WRITE_ONCE(vswap_auto_passes, vswap_auto_passes + 1);
		/* One full run per invocation, as the watermark worker. */
		if (vswap_demote_movable(id, VSWAP_AUTO_RUN_PAGES,
					 jiffies - age) >= VSWAP_AUTO_RUN_PAGES) {
			again = true;
			break;
		}
		cond_resched();
	}
	if (any)
		queue_delayed_work(vswap_auto_wq, &vswap_age_work,
				   again ? 0 : next);
}

static int __init vswap_auto_init(void)
{
	vswap_auto_wq = alloc_workqueue("vswap_auto",
					WQ_UNBOUND | WQ_FREEZABLE, 1);
	return vswap_auto_wq ? 0 : -ENOMEM;
}
late_initcall(vswap_auto_init);

#ifdef CONFIG_DEBUG_FS
/**
 * vswap_auto_debugfs_init - The watermark worker's counter in debugfs.
 * @dir: /sys/kernel/debug/vswap
 */
void vswap_auto_debugfs_init(struct dentry *dir)
{
	debugfs_create_u64("watermark_passes", 0444, dir, &vswap_auto_passes);
}
#endif
