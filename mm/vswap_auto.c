// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: data a device tier moves down on its own.  A device
 * tier above its high watermark has its oldest movable data moved one
 * tier down by a worker until it is at its low watermark.  zswap's
 * watermarks are its pool limit and accept threshold (mm/zswap.c).
 *
 * Documentation/mm/swap_tier_moves.rst, "Device tiers' watermarks", has
 * the design.
 */

#define pr_fmt(fmt) "vswap: " fmt

#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/swap.h>
#include <linux/workqueue.h>

#include "swap_tier.h"
#include "vswap_internal.h"

static void vswap_auto_worker(struct work_struct *work);
static DECLARE_WORK(vswap_auto_work, vswap_auto_worker);

/* Until when a tier whose last run moved nothing is left alone. */
static unsigned long vswap_auto_backoff[SWAP_TIER_IDS];
/* Runs that moved data out of a tier above its high watermark, or tried. */
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

/**
 * vswap_auto_check - Queue the worker if a device's tier is above its high watermark.
 * @type: the swap type of a device a CPU just took a batch of slots from
 *
 * Called once per batch (vswap_disk_refill()), not per page.
 */
void vswap_auto_check(unsigned int type)
{
	int id = swap_type_tier_id(type);
	unsigned int high;

	if (id == SWAP_TIER_NONE)
		return;
	high = swap_tier_high_percent(id);
	if (high >= 100 || vswap_auto_backed_off(id))
		return;
	if (vswap_auto_excess(id, high) > 0)
		queue_work(system_unbound_wq, &vswap_auto_work);
}

/*
 * Each device tier top down: above its high watermark, move its oldest
 * movable data down to its low watermark.  What lands on a lower tier
 * that is then above its own moves on in the same run.
 */
static void vswap_auto_worker(struct work_struct *work)
{
	unsigned int high, low;
	int pos = 0, idx, id;
	long excess;

	while ((idx = swap_tiers_next_allowed(SWAP_TIERS_ALL, &pos)) !=
	       SWAP_TIER_NONE) {
		id = swap_tier_id_of_idx(idx);
		high = swap_tier_high_percent(id);
		low = min(swap_tier_low_percent(id), high);
		if (high >= 100 || vswap_auto_backed_off(id) ||
		    vswap_auto_excess(id, high) <= 0)
			continue;
		excess = vswap_auto_excess(id, low);
		vswap_auto_passes++;
		/* Nothing movable, or no room below: not again for a second. */
		if (excess > 0 && !vswap_demote_movable(id, excess))
			WRITE_ONCE(vswap_auto_backoff[id], jiffies + HZ);
		cond_resched();
	}
}

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
