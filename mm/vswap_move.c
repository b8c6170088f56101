// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: moving a slot's data from its swap tier to a lower
 * one - zswap to a disk, a disk to a slower disk - under the slot's swap
 * cache folio lock, with the page tables untouched; and the stamps of disk
 * clusters, which say how old the data on a disk is.  What moves, and
 * when, is decided in vswap_demote.c.
 *
 * Documentation/mm/swap_tier_moves.rst has the design: the steps of a
 * move, its states and races, and the order.
 */

#define pr_fmt(fmt) "vswap: " fmt

#include <linux/blkdev.h>
#include <linux/jiffies.h>
#include <linux/memcontrol.h>
#include <linux/mempolicy.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swap_cgroup.h>
#include <linux/swapops.h>
#include <linux/vmstat.h>
#include <linux/vswap.h>
#include <linux/writeback.h>
#include <linux/zswap.h>

#include "swap.h"
#include "swap_tier.h"
#include "vswap_internal.h"

/*********************************
 * cluster stamps
 **********************************/

/*
 * Per device, per cluster of SWAPFILE_CLUSTER slots: the jiffies of the
 * last write of a virtual slot's data into the cluster.  Freed after an
 * RCU grace period at swapoff, once no slot of the device is in use; a
 * reader that does not own a slot on the device holds rcu_read_lock().
 */
struct vswap_stamps {
	struct rcu_head rcu;
	unsigned long nr;
	unsigned long stamp[];
};

static struct vswap_stamps __rcu *vswap_stamps[MAX_SWAPFILES];

/**
 * vswap_disk_swapon - Set up a device's cluster stamps.
 * @type: the swap type being swapped on
 * @maxpages: its size in slots
 *
 * Return: 0, or -ENOMEM.
 */
int vswap_disk_swapon(unsigned int type, unsigned long maxpages)
{
	unsigned long nr = DIV_ROUND_UP(maxpages, SWAPFILE_CLUSTER);
	struct vswap_stamps *stamps;

	stamps = kvzalloc(struct_size(stamps, stamp, nr), GFP_KERNEL);
	if (!stamps)
		return -ENOMEM;
	stamps->nr = nr;
	rcu_assign_pointer(vswap_stamps[type], stamps);
	return 0;
}

/**
 * vswap_disk_swapoff - Free a device's cluster stamps.
 * @type: the swap type, with no slot in use, or whose swapon failed
 */
void vswap_disk_swapoff(unsigned int type)
{
	struct vswap_stamps *stamps;

	stamps = rcu_replace_pointer(vswap_stamps[type], NULL, true);
	if (stamps)
		kvfree_rcu(stamps, rcu);
}

/**
 * vswap_stamp_disk_at - Note that a virtual slot's data is written to a disk slot.
 * @slot: the disk slot, which the caller owns
 * @now: the stamp: jiffies, or later for a move (see struct vswap_move_ctl)
 *
 * The cluster's word is written only if @now is later: at most once a
 * jiffy, and never back.
 */
void vswap_stamp_disk_at(swp_entry_t slot, unsigned long now)
{
	unsigned long cluster = swp_offset(slot) / SWAPFILE_CLUSTER;
	struct vswap_stamps *stamps;

	unsigned long old;

	rcu_read_lock();
	stamps = rcu_dereference(vswap_stamps[swp_type(slot)]);
	if (stamps && cluster < stamps->nr) {
		/* Only ever raised: a move may have stamped a jiffy ahead. */
		old = READ_ONCE(stamps->stamp[cluster]);
		while (old < now &&
		       !try_cmpxchg(&stamps->stamp[cluster], &old, now))
			;
	}
	rcu_read_unlock();
}

/**
 * vswap_stamp_of - The stamp of a disk slot's cluster.
 * @slot: a disk slot, which the caller need not own
 *
 * Return: the jiffies of the last write into the cluster, 0 if none.
 */
unsigned long vswap_stamp_of(swp_entry_t slot)
{
	unsigned long cluster = swp_offset(slot) / SWAPFILE_CLUSTER;
	struct vswap_stamps *stamps;
	unsigned long stamp = 0;

	rcu_read_lock();
	stamps = rcu_dereference(vswap_stamps[swp_type(slot)]);
	if (stamps && cluster < stamps->nr)
		stamp = READ_ONCE(stamps->stamp[cluster]);
	rcu_read_unlock();
	return stamp;
}

/*********************************
 * the move
 **********************************/

/*
 * Let go of a move's locked folio.  A clean folio nothing maps leaves the
 * swap cache: its data is in the backend, and a demotion of gigabytes must
 * not leave them in memory.  A dirty one holds the only current copy.  On
 * cgroup v1 reclaim drops an uptodate one instead: its mem_cgroup_swapout()
 * records the slot's memsw charge again, which adding the folio took.  One
 * that is not uptodate must go, or a fault would find it and fail.
 */
static void vswap_move_put(struct folio *folio)
{
	if (folio_test_swapcache(folio) && !folio_mapped(folio) &&
	    !folio_test_dirty(folio) && !folio_test_writeback(folio) &&
	    (!folio_test_uptodate(folio) || mem_cgroup_disabled() ||
	     cgroup_subsys_on_dfl(memory_cgrp_subsys)))
		delete_from_swap_cache(folio);
	folio_unlock(folio);
	folio_put(folio);
}

/*
 * Free the backing a slot had before its move: no descriptor names it.  A
 * disk slot goes back to its device with the batch's others, past this
 * CPU's cache, so that the room a move makes is there at once.
 */
static void vswap_move_free_old(struct vswap_move_ctl *ctl, unsigned long old,
				bool moved)
{
	if (vswap_desc_tag(old) == VSWAP_DESC_ZSWAP)
		zswap_move_free(vswap_desc_zswap(old), moved);
	else
		vswap_disk_run_add(&ctl->freed, vswap_phys_slot(old));
}

/*
 * Is @m's slot's folio, found in the swap cache, one a move can take as
 * it is: an uptodate copy of the data nobody maps or writes, which
 * reclaim has not dropped yet (once its write has ended)?  If so, it is
 * left locked.
 */
static bool vswap_move_cached(struct vswap_move *m, struct folio *folio)
{
	if (folio_test_large(folio) || !folio_trylock(folio))
		return false;
	/*
	 * Written out a moment ago: wait for the write, as reclaim would
	 * before dropping it.  A write still in this task's plug is
	 * submitted when the wait sleeps.
	 */
	folio_wait_writeback(folio);
	if (folio_test_swapcache(folio) && folio->swap.val == m->entry.val &&
	    folio_test_uptodate(folio) && !folio_mapped(folio) &&
	    !folio_test_dirty(folio) && !folio_test_writeback(folio) &&
	    READ_ONCE(*vswap_desc(m->entry)) == m->old)
		return true;
	folio_unlock(folio);
	return false;
}

/*
 * Step 1: a new swap cache folio per slot, still holding the descriptor
 * chosen; zswap's data decompressed into it (the folio stays locked),
 * a disk's read started (the read unlocks it).  A clean folio already in
 * the cache that nothing maps is taken locked as it is.
 */
static void vswap_move_start(struct vswap_move *m, unsigned int nr,
			     struct vswap_move_ctl *ctl)
{
	struct vswap_move_result *res = &ctl->res;
	struct mempolicy *mpol = get_task_policy(current);
	struct swap_iocb *splug = NULL;
	struct blk_plug plug;
	struct folio *folio;
	bool allocated;
	unsigned int i;

	blk_start_plug(&plug);
	for (i = 0; i < nr; i++) {
		m[i].folio = NULL;
		m[i].desc = 0;
		if (!m[i].tiers) {
			res->no_tier++;
			continue;
		}
		folio = __read_swap_cache_async(m[i].entry, ctl->gfp, mpol,
						NO_INTERLEAVE_INDEX, &allocated,
						true);
		if (!folio) {
			res->gone++;
			continue;
		}
		if (!allocated) {
			/*
			 * Written out and not reclaimed yet, it holds the data
			 * and can be moved as it is; mapped, or busy, it is
			 * being swapped in or moved: hot, or taken.
			 */
			if (!vswap_move_cached(&m[i], folio)) {
				folio_put(folio);
				res->exists++;
				continue;
			}
			m[i].folio = folio;
			m[i].reading = false;
			continue;
		}
		/* The folio pins the slot; has it changed since it was chosen? */
		if (READ_ONCE(*vswap_desc(m[i].entry)) != m[i].old) {
			vswap_move_put(folio);
			res->gone++;
			continue;
		}
		m[i].folio = folio;
		m[i].reading = vswap_desc_tag(m[i].old) == VSWAP_DESC_PHYS;
		if (!m[i].reading) {
			/* The zswap entry stays until the write has ended. */
			zswap_move_load(vswap_desc_zswap(m[i].old), folio);
			folio_mark_uptodate(folio);
		} else {
			swap_read_folio(folio, &splug);
			/* A move's read is not a swap-in. */
			swap_tier_count(vswap_desc_tier(m[i].old),
					SWAP_TIER_STAT_READ_BACK, -1);
			zswap_move_read(folio);
		}
	}
	blk_finish_plug(&plug);
	swap_read_unplug(splug);
}

/*
 * Is @m's locked folio still the slot's, with the data read, unused, and
 * the descriptor unchanged?  A fault may have mapped it while its read was
 * in flight: then the slot is in use and stays.  A slot whose last
 * reference went meanwhile is only waiting for its folio to go: its data
 * is dead.
 */
static bool vswap_move_still_ours(struct vswap_move *m)
{
	struct folio *folio = m->folio;

	return folio_test_swapcache(folio) && folio->swap.val == m->entry.val &&
	       folio_test_uptodate(folio) && !folio_mapped(folio) &&
	       !folio_test_dirty(folio) && __swap_count(m->entry) &&
	       READ_ONCE(*vswap_desc(m->entry)) == m->old;
}

/*
 * May the slot's data go to a device?  Asked of the cgroup its record
 * names, with the slot held: the tiers were found without holding it.
 */
static bool vswap_move_writeback_ok(struct vswap_move *m)
{
	struct mem_cgroup *memcg;
	bool ok;

	rcu_read_lock();
	memcg = mem_cgroup_from_id(lookup_swap_cgroup_id(m->entry));
	ok = mem_cgroup_zswap_writeback_enabled(memcg);
	rcu_read_unlock();
	return ok;
}

/* A slot that moved: the old backing goes, and it is counted. */
static void vswap_move_done(struct vswap_move *m, struct vswap_move_ctl *ctl)
{
	int to = vswap_desc_tier(m->desc);

	vswap_move_free_old(ctl, m->old, true);
	swap_tier_count(ctl->from, SWAP_TIER_STAT_MOVED_OUT, 1);
	swap_tier_count(to, SWAP_TIER_STAT_MOVED_IN, 1);
	swap_tiers_count_move(m->entry, ctl->from, to);
	if (ctl->from == SWAP_TIER_ZSWAP)
		count_vm_event(VSWAP_WRITEBACK);
	count_vm_event(VSWAP_MOVE);
	ctl->res.moved++;
}

/*
 * Point @m's locked folio's slot at a new disk slot and start the write,
 * which unlocks the folio.  An asynchronous move is done here: as 6.12's
 * zswap writeback, it frees the old backing and counts before the write
 * (the folio has the data, and after __swap_writepage() nothing holds the
 * slot), then leaves the folio to reclaim, which a failed write redirties.
 */
static void vswap_move_write_one(struct vswap_move *m,
				 struct vswap_move_ctl *ctl,
				 struct writeback_control *wbc)
{
	struct folio *folio = m->folio;
	swp_entry_t slot;

	if (!vswap_move_still_ours(m) || !vswap_move_writeback_ok(m)) {
		if (!folio_test_uptodate(folio)) {
			/* A read error: the slot keeps its disk slot. */
			swap_tier_count(ctl->from, SWAP_TIER_STAT_MOVE_FAILED, 1);
			ctl->res.failed++;
		} else {
			ctl->res.exists++;
		}
		goto put;
	}
	slot = vswap_disk_slot_alloc(m->tiers);
	if (!slot.val) {
		ctl->res.no_room++;
		goto put;
	}
	m->desc = vswap_phys_desc(slot);
	/* Moves the tier charge to the destination. */
	vswap_desc_set(folio, m->desc);
	vswap_stamp_disk_at(slot, max(jiffies, ctl->stamp));
	if (!ctl->async) {
		__swap_writepage(folio, wbc);
		return;
	}
	vswap_move_done(m, ctl);
	/* To the inactive tail once written, as zswap writeback. */
	folio_set_reclaim(folio);
	__swap_writepage(folio, wbc);
	folio_put(folio);
	m->folio = NULL;
	return;
put:
	vswap_move_put(folio);
	m->folio = NULL;
}

/*
 * Step 2: the writes, plugged.  The folios the move holds locked (zswap's,
 * and those taken from the cache) are written first; only then does it
 * wait for its reads, holding no folio but its caller's.  Another move
 * may have taken one of its read folios by trylock: that move writes it
 * without waiting for anything, so neither waits for the other.
 */
static void vswap_move_write(struct vswap_move *m, unsigned int nr,
			     struct vswap_move_ctl *ctl)
{
	struct writeback_control wbc = { .sync_mode = WB_SYNC_NONE };
	struct blk_plug plug;
	unsigned int i;

	blk_start_plug(&plug);
	for (i = 0; i < nr; i++)
		if (m[i].folio && !m[i].reading)
			vswap_move_write_one(&m[i], ctl, &wbc);
	for (i = 0; i < nr; i++) {
		if (!m[i].folio || !m[i].reading)
			continue;
		folio_lock(m[i].folio);	/* waits for the read */
		vswap_move_write_one(&m[i], ctl, &wbc);
	}
	blk_finish_plug(&plug);
}

/*
 * Step 3: wait for each write, and with the folio locked again, free the
 * old backing, or go back to it if the write failed.
 */
static void vswap_move_finish(struct vswap_move *m, unsigned int nr,
			      struct vswap_move_ctl *ctl)
{
	struct folio *folio;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		folio = m[i].folio;
		if (!folio)
			continue;
		folio_wait_writeback(folio);
		folio_lock(folio);
		if (!folio_test_swapcache(folio) ||
		    folio->swap.val != m[i].entry.val ||
		    READ_ONCE(*vswap_desc(m[i].entry)) != m[i].desc) {
			/*
			 * Freed, or rewritten by swapoff, after the write
			 * started: whatever the descriptor names now is not
			 * the move's; its old backing is.
			 */
			vswap_move_free_old(ctl, m[i].old, false);
			ctl->res.gone++;
		} else if (folio_test_dirty(folio)) {
			/*
			 * end_swap_bio_write() redirtied it: the write failed
			 * (or the page changed meanwhile).  The data stays
			 * where it was; the dirty folio is written again
			 * before reclaim can drop it.
			 */
			vswap_desc_set(folio, m[i].old);
			vswap_disk_slot_free(vswap_phys_slot(m[i].desc));
			swap_tier_count(ctl->from, SWAP_TIER_STAT_MOVE_FAILED, 1);
			ctl->res.failed++;
		} else {
			vswap_move_done(&m[i], ctl);
		}
		vswap_move_put(folio);
		m[i].folio = NULL;
	}
}

/**
 * vswap_move_batch - Move a batch of virtual slots one tier down.
 * @m: the slots, each with the descriptor it was chosen with and the tiers
 *     it may go to
 * @nr: how many, at most VSWAP_MOVE_BATCH
 * @ctl: the tier they are on, how to allocate, whether to wait; counts
 *       how each slot ended
 *
 * Each slot goes to a new disk slot on the first of its tiers with room.
 * Reads, then writes, are issued under one plug each; the old disk slots
 * go back to their devices in runs, the last at the end.
 */
void vswap_move_batch(struct vswap_move *m, unsigned int nr,
		      struct vswap_move_ctl *ctl)
{
	ctl->freed.direct = true;
	vswap_move_start(m, nr, ctl);
	vswap_move_write(m, nr, ctl);
	if (!ctl->async)
		vswap_move_finish(m, nr, ctl);
	vswap_disk_run_flush(&ctl->freed);
}

/**
 * vswap_move_zswap - Write back a virtual slot's zswap entry: move it to a disk.
 * @zentry: the zswap entry zswap's LRU found
 * @entry: the virtual slot it was stored for, which may have changed since
 * @tiers: the tiers the entry's cgroup may use (swap_tiers_usable())
 * @gfp: for the folio the data moves in: GFP_KERNEL as 6.12's writeback,
 *       or no reserves and no waiting for a store at zswap's pool limit
 *
 * zswap writeback of a virtual slot, by the shrinker, the shrink worker or
 * a store at a limit: a move of one slot which, as 6.12's
 * writeback, does not wait for its write.  A failed write leaves the page
 * dirty in memory, to be written again.
 *
 * Return: 0 if the write started; -EEXIST if the slot's folio is in the
 * swap cache and busy, or the slot is being freed, or its cgroup keeps it
 * off the devices; -ENOSPC if no usable device has a free slot; -ENOMEM
 * if the slot no longer holds @zentry, no folio was allocated, or one is
 * about to be added for the slot.
 */
int vswap_move_zswap(struct zswap_entry *zentry, swp_entry_t entry,
		     unsigned int tiers, gfp_t gfp)
{
	struct vswap_move m = {
		.entry = entry,
		.old = vswap_zswap_desc(zentry),
		.tiers = tiers & swap_tiers_below(SWAP_TIER_ZSWAP),
	};
	struct vswap_move_ctl ctl = {
		.from = SWAP_TIER_ZSWAP,
		.gfp = gfp,
		.async = true,
	};

	vswap_move_batch(&m, 1, &ctl);
	if (ctl.res.moved)
		return 0;
	if (ctl.res.exists)
		return -EEXIST;
	if (ctl.res.no_room || ctl.res.no_tier)
		return -ENOSPC;
	return -ENOMEM;
}
