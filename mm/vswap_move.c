// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: moving a slot's data from its swap tier to a lower
 * one - zswap to a disk, a disk to a slower disk - under the slot's swap
 * cache folio lock, with the page tables untouched; which data moves
 * first (zswap's LRU, the stamps of disk clusters); and the on-demand
 * trigger, memory.swap.tiers.demote.
 *
 * Documentation/mm/swap_tier_moves.rst has the design: the steps of a
 * move, its states and races, and the order.
 */

#define pr_fmt(fmt) "vswap: " fmt

#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/memcontrol.h>
#include <linux/mempolicy.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swap_cgroup.h>
#include <linux/swapops.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>
#include <linux/vswap.h>
#include <linux/writeback.h>
#include <linux/zswap.h>

#include "swap.h"
#include "swap_tier.h"
#include "vswap_internal.h"

/* Slots a move holds at a time: folios in memory, reads and writes plugged. */
#define VSWAP_MOVE_BATCH	32

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
 * vswap_stamp_disk - Note that a virtual slot's data is written to a disk slot now.
 * @slot: the disk slot, which the caller owns
 *
 * The cluster's word is written only if it changes: at most once a jiffy.
 */
void vswap_stamp_disk(swp_entry_t slot)
{
	unsigned long cluster = swp_offset(slot) / SWAPFILE_CLUSTER;
	unsigned long now = jiffies;
	struct vswap_stamps *stamps;

	rcu_read_lock();
	stamps = rcu_dereference(vswap_stamps[swp_type(slot)]);
	if (stamps && cluster < stamps->nr &&
	    READ_ONCE(stamps->stamp[cluster]) != now)
		WRITE_ONCE(stamps->stamp[cluster], now);
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

/* One slot of a batch. */
struct vswap_move {
	swp_entry_t entry;	/* the virtual slot */
	unsigned long old;	/* its descriptor when it was chosen */
	unsigned int tiers;	/* where it may go: usable tiers below */
	struct folio *folio;	/* its swap cache folio, held by the move */
	bool reading;		/* the folio is unlocked by a disk read */
	unsigned long desc;	/* the descriptor the move gave it, or 0 */
};

/* How the slots of batches ended. */
struct vswap_move_result {
	unsigned long moved;
	unsigned long failed;	/* a read or write error */
	unsigned long exists;	/* its folio was in the swap cache: in use */
	unsigned long gone;	/* freed or rewritten, or no memory */
	unsigned long no_room;	/* no usable tier below had a free slot */
};

/*
 * Let go of a move's locked folio.  A clean folio nothing maps leaves the
 * swap cache: its data is in the backend, and a demotion of gigabytes must
 * not leave them in memory.  A dirty one holds the only current copy.
 */
static void vswap_move_put(struct folio *folio)
{
	if (folio_test_swapcache(folio) && !folio_mapped(folio) &&
	    !folio_test_dirty(folio) && !folio_test_writeback(folio))
		delete_from_swap_cache(folio);
	folio_unlock(folio);
	folio_put(folio);
}

/* Free the backing a slot had before its move: no descriptor names it. */
static void vswap_move_free_old(unsigned long old, bool moved)
{
	if (vswap_desc_tag(old) == VSWAP_DESC_ZSWAP)
		zswap_move_free(vswap_desc_zswap(old), moved);
	else
		vswap_disk_slot_free(vswap_phys_slot(old));
}

/*
 * Is @m's slot's folio, found in the swap cache, one a move can take as
 * it is: an uptodate copy of the data nobody maps or writes, which
 * reclaim has not dropped yet?  If so, it is left locked.
 */
static bool vswap_move_cached(struct vswap_move *m, struct folio *folio)
{
	if (folio_test_large(folio) || !folio_trylock(folio))
		return false;
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
			     struct vswap_move_result *res)
{
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
			res->no_room++;
			continue;
		}
		folio = __read_swap_cache_async(m[i].entry, GFP_KERNEL, mpol,
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
		}
	}
	blk_finish_plug(&plug);
	swap_read_unplug(splug);
}

/*
 * Is @m's locked folio still the slot's, with the data read, unused, and
 * the descriptor unchanged?  A fault may have mapped it while its read was
 * in flight: then the slot is in use and stays.
 */
static bool vswap_move_still_ours(struct vswap_move *m)
{
	struct folio *folio = m->folio;

	return folio_test_swapcache(folio) && folio->swap.val == m->entry.val &&
	       folio_test_uptodate(folio) && !folio_mapped(folio) &&
	       !folio_test_dirty(folio) &&
	       READ_ONCE(*vswap_desc(m->entry)) == m->old;
}

/*
 * Step 2: point each slot at a new disk slot on its first usable tier
 * below and start the writes, plugged.  __swap_writepage() unlocks the
 * folio once its write has started.
 */
static void vswap_move_write(struct vswap_move *m, unsigned int nr, int from,
			     struct vswap_move_result *res)
{
	struct writeback_control wbc = { .sync_mode = WB_SYNC_NONE };
	struct blk_plug plug;
	struct folio *folio;
	swp_entry_t slot;
	unsigned int i;

	blk_start_plug(&plug);
	for (i = 0; i < nr; i++) {
		folio = m[i].folio;
		if (!folio)
			continue;
		if (m[i].reading)
			folio_lock(folio);	/* waits for the read */
		if (!vswap_move_still_ours(&m[i])) {
			if (!folio_test_uptodate(folio)) {
				/* A read error: the slot keeps its disk slot. */
				swap_tier_count(from, SWAP_TIER_STAT_MOVE_FAILED, 1);
				res->failed++;
			} else {
				res->exists++;
			}
			goto put;
		}
		slot = vswap_disk_slot_alloc(m[i].tiers);
		if (!slot.val) {
			res->no_room++;
			goto put;
		}
		m[i].desc = vswap_phys_desc(slot);
		/* Moves the tier charge to the destination. */
		vswap_desc_set(folio, m[i].desc);
		vswap_stamp_disk(slot);
		__swap_writepage(folio, &wbc);
		continue;
put:
		vswap_move_put(folio);
		m[i].folio = NULL;
	}
	blk_finish_plug(&plug);
}

/*
 * Step 3: wait for each write, and with the folio locked again, free the
 * old backing, or go back to it if the write failed.
 */
static void vswap_move_finish(struct vswap_move *m, unsigned int nr, int from,
			      struct vswap_move_result *res)
{
	struct folio *folio;
	unsigned int i;
	int to;

	for (i = 0; i < nr; i++) {
		folio = m[i].folio;
		if (!folio)
			continue;
		folio_wait_writeback(folio);
		folio_lock(folio);
		to = vswap_desc_tier(m[i].desc);
		if (!folio_test_swapcache(folio) ||
		    folio->swap.val != m[i].entry.val ||
		    READ_ONCE(*vswap_desc(m[i].entry)) != m[i].desc) {
			/*
			 * Freed, or rewritten by swapoff, after the write
			 * started: whatever the descriptor names now is not
			 * the move's; its old backing is.
			 */
			vswap_move_free_old(m[i].old, false);
			res->gone++;
		} else if (folio_test_dirty(folio)) {
			/*
			 * end_swap_bio_write() redirtied it: the write failed
			 * (or the page changed meanwhile).  The data stays
			 * where it was; the dirty folio is written again
			 * before reclaim can drop it.
			 */
			vswap_desc_set(folio, m[i].old);
			vswap_disk_slot_free(vswap_phys_slot(m[i].desc));
			swap_tier_count(from, SWAP_TIER_STAT_MOVE_FAILED, 1);
			res->failed++;
		} else {
			vswap_move_free_old(m[i].old, true);
			swap_tier_count(from, SWAP_TIER_STAT_MOVED_OUT, 1);
			swap_tier_count(to, SWAP_TIER_STAT_MOVED_IN, 1);
			swap_tiers_count_move(m[i].entry, from, to);
			if (from == SWAP_TIER_ZSWAP)
				count_vm_event(VSWAP_WRITEBACK);
			count_vm_event(VSWAP_MOVE);
			res->moved++;
		}
		vswap_move_put(folio);
		m[i].folio = NULL;
	}
}

/* Move a batch of slots, all on tier @from, each to its first usable tier below. */
static void vswap_move_batch(struct vswap_move *m, unsigned int nr, int from,
			     struct vswap_move_result *res)
{
	vswap_move_start(m, nr, res);
	vswap_move_write(m, nr, from, res);
	vswap_move_finish(m, nr, from, res);
}

/**
 * vswap_move_zswap - Write back a virtual slot's zswap entry: move it to a disk.
 * @zentry: the zswap entry zswap's LRU found
 * @entry: the virtual slot it was stored for, which may have changed since
 * @tiers: the tiers the entry's cgroup may use (swap_tiers_usable())
 *
 * zswap writeback of a virtual slot, by the shrinker, the shrink worker or
 * a store at a cgroup's limit: a move with a batch of one, which waits
 * for its write, so that a failed write leaves the entry in zswap.
 *
 * Return: 0 if it moved; -EEXIST if the slot's folio is in the swap cache;
 * -ENOSPC if no usable device has a free slot; -EIO on a write error;
 * -ENOMEM if the slot no longer holds @zentry, or no folio was allocated.
 */
int vswap_move_zswap(struct zswap_entry *zentry, swp_entry_t entry,
		     unsigned int tiers)
{
	struct vswap_move m = {
		.entry = entry,
		.old = vswap_zswap_desc(zentry),
		.tiers = tiers & swap_tiers_below(SWAP_TIER_ZSWAP),
	};
	struct vswap_move_result res = { 0 };

	vswap_move_batch(&m, 1, SWAP_TIER_ZSWAP, &res);
	if (res.moved)
		return 0;
	if (res.exists)
		return -EEXIST;
	if (res.no_room)
		return -ENOSPC;
	if (res.failed)
		return -EIO;
	return -ENOMEM;
}

/*********************************
 * demotion
 **********************************/

struct vswap_demote {
	struct mem_cgroup *root;	/* the cgroup whose subtree moves */
	unsigned long nr;		/* pages to move */
	struct vswap_move_result res;
	unsigned int n;			/* slots in m[] */
	struct vswap_move m[VSWAP_MOVE_BATCH];
	unsigned short memcg_id[VSWAP_MOVE_BATCH];
	struct zswap_coldest coldest[VSWAP_MOVE_BATCH];
};

static bool vswap_demote_done(struct vswap_demote *d)
{
	return d->res.moved >= d->nr || signal_pending(current);
}

/* Where a slot of the cgroup with id @id may go from tier @from. */
static unsigned int vswap_demote_tiers(unsigned short id, int from)
{
	struct mem_cgroup *memcg;
	unsigned int tiers;

	rcu_read_lock();
	memcg = mem_cgroup_from_id(id);
	tiers = swap_tiers_usable(memcg, swap_tiers_allowed(memcg), 1) &
		swap_tiers_below(from);
	rcu_read_unlock();
	return tiers;
}

/* Move the slots gathered in @d from device tier @from. */
static void vswap_demote_flush(struct vswap_demote *d, int from)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		d->m[i].tiers = vswap_demote_tiers(d->memcg_id[i], from);
	vswap_move_batch(d->m, d->n, from, &d->res);
	d->n = 0;
}

/*
 * Is the slot @entry, with descriptor @desc, on tier @from and charged to
 * @root's subtree?  Sets its cgroup's id.  Under the virtual device's
 * si->lock, which keeps the table and the slot's record.
 */
static bool vswap_demote_candidate(struct mem_cgroup *root, swp_entry_t entry,
				   unsigned long desc, int from,
				   unsigned short *id)
{
	struct mem_cgroup *memcg;
	bool ours;

	if (vswap_desc_tag(desc) != VSWAP_DESC_PHYS ||
	    vswap_desc_tier(desc) != from)
		return false;
	*id = lookup_swap_cgroup_id(entry);
	rcu_read_lock();
	memcg = mem_cgroup_from_id(*id);
	ours = memcg && mem_cgroup_is_descendant(memcg, root);
	rcu_read_unlock();
	return ours;
}

/*
 * The oldest cluster stamp after @floor (any, if !@have_floor) among the
 * subtree's slots on tier @from.  Returns false if there is none.
 */
static bool vswap_demote_oldest(struct vswap_demote *d, int from,
				bool have_floor, unsigned long floor,
				unsigned long *oldest)
{
	unsigned long nr_tables = DIV_ROUND_UP(vswap_si->max, VSWAP_TABLE_SLOTS);
	unsigned long idx, i, desc, stamp;
	unsigned long *table;
	unsigned short id;
	bool found = false;

	for (idx = 0; idx < nr_tables; idx++) {
		if (!READ_ONCE(vswap_tables[idx]))
			continue;
		spin_lock(&vswap_si->lock);
		table = vswap_tables[idx];
		for (i = 0; table && i < VSWAP_TABLE_SLOTS; i++) {
			swp_entry_t entry = swp_entry(vswap_type,
					idx * VSWAP_TABLE_SLOTS + i);

			desc = READ_ONCE(table[i]);
			if (!vswap_demote_candidate(d->root, entry, desc, from,
						    &id))
				continue;
			stamp = vswap_stamp_of(vswap_phys_slot(desc));
			if (have_floor && !time_after(stamp, floor))
				continue;
			if (!found || time_before(stamp, *oldest)) {
				*oldest = stamp;
				found = true;
			}
		}
		spin_unlock(&vswap_si->lock);
		cond_resched();
	}
	return found;
}

/*
 * Gather into @d, from table @idx starting at slot *@i, the subtree's
 * slots on tier @from whose cluster stamp is @stamp, until the batch or
 * the demotion is full.  Returns false if the table is gone.
 */
static bool vswap_demote_gather(struct vswap_demote *d, int from,
				unsigned long stamp, unsigned long idx,
				unsigned long *i)
{
	unsigned long room = min_t(unsigned long, VSWAP_MOVE_BATCH,
				   d->nr - d->res.moved);
	unsigned long *table, desc;
	swp_entry_t entry;
	unsigned short id;

	spin_lock(&vswap_si->lock);
	table = vswap_tables[idx];
	for (; table && *i < VSWAP_TABLE_SLOTS && d->n < room; (*i)++) {
		entry = swp_entry(vswap_type, idx * VSWAP_TABLE_SLOTS + *i);
		desc = READ_ONCE(table[*i]);
		if (!vswap_demote_candidate(d->root, entry, desc, from, &id) ||
		    vswap_stamp_of(vswap_phys_slot(desc)) != stamp)
			continue;
		d->m[d->n].entry = entry;
		d->m[d->n].old = desc;
		d->memcg_id[d->n++] = id;
	}
	spin_unlock(&vswap_si->lock);
	return table;
}

/* Move the subtree's slots on tier @from whose cluster stamp is @stamp. */
static void vswap_demote_stamp(struct vswap_demote *d, int from,
			       unsigned long stamp)
{
	unsigned long nr_tables = DIV_ROUND_UP(vswap_si->max, VSWAP_TABLE_SLOTS);
	unsigned long idx, i;

	for (idx = 0; idx < nr_tables && !vswap_demote_done(d); idx++) {
		if (!READ_ONCE(vswap_tables[idx]))
			continue;
		i = 0;
		while (i < VSWAP_TABLE_SLOTS && !vswap_demote_done(d)) {
			if (!vswap_demote_gather(d, from, stamp, idx, &i))
				break;
			if (d->n)
				vswap_demote_flush(d, from);
			cond_resched();
		}
	}
}

/*
 * Demote from device tier @from: cluster stamp by cluster stamp, oldest
 * first.  A stamp is visited once: slots it could not move stay behind.
 */
static void vswap_demote_device(struct vswap_demote *d, int from)
{
	unsigned long stamp = 0;
	bool have_floor = false;

	if (!swap_tiers_below(from))
		return;
	while (!vswap_demote_done(d) &&
	       vswap_demote_oldest(d, from, have_floor, stamp, &stamp)) {
		vswap_demote_stamp(d, from, stamp);
		have_floor = true;
	}
}

/*
 * Demote from zswap: each cgroup of the subtree in turn, a batch of its
 * LRU's coldest entries at a time, until a round over them moves nothing.
 */
static void vswap_demote_zswap(struct vswap_demote *d)
{
	struct zswap_coldest *coldest = d->coldest;
	struct mem_cgroup *memcg;
	unsigned long before;
	unsigned int i, n;
	bool progress;

	do {
		progress = false;
		for (memcg = mem_cgroup_iter(d->root, NULL, NULL); memcg;
		     memcg = mem_cgroup_iter(d->root, memcg, NULL)) {
			if (vswap_demote_done(d)) {
				mem_cgroup_iter_break(d->root, memcg);
				return;
			}
			n = zswap_coldest(memcg, coldest,
					  min_t(unsigned long, VSWAP_MOVE_BATCH,
						d->nr - d->res.moved));
			for (i = 0; i < n; i++) {
				d->m[i].entry = coldest[i].entry;
				d->m[i].old = vswap_zswap_desc(coldest[i].zentry);
				d->m[i].tiers = coldest[i].tiers &
					swap_tiers_below(SWAP_TIER_ZSWAP);
			}
			before = d->res.moved;
			vswap_move_batch(d->m, n, SWAP_TIER_ZSWAP, &d->res);
			if (d->res.moved > before)
				progress = true;
			cond_resched();
		}
	} while (progress);
}

/*********************************
 * making room
 **********************************/

/*
 * Move up to a batch of @memcg's coldest data off device tier @tier, which
 * it is at its limit on or which is full.  Returns true if any moved.
 */
static bool vswap_make_room(struct mem_cgroup *memcg, int tier)
{
	struct vswap_demote *d;
	bool moved;

	if (!swap_tiers_may_make_room(memcg, tier) || !swap_tiers_below(tier))
		return false;
	/* Reclaim runs this; it may use the reserves, and not wait. */
	d = kzalloc(sizeof(*d), GFP_NOIO | __GFP_NOWARN);
	if (!d)
		return false;
	d->root = memcg;
	d->nr = VSWAP_MOVE_BATCH;
	vswap_demote_device(d, tier);
	moved = d->res.moved;
	if (!moved)
		swap_tiers_room_failed(memcg, tier);
	kfree(d);
	return moved;
}

/**
 * vswap_room - Make room on a cgroup's top device tier for a page.
 * @memcg: the cgroup of a page being stored, whose folio reclaim holds
 * @allowed: the tiers it may use (swap_tiers_allowed())
 * @usable: those it has room on (swap_tiers_usable())
 *
 * If the first device tier the cgroup allows is at its limit, or its
 * devices are full, move a batch of the cgroup's coldest data from it to
 * the next tier it allows, as zswap writes back at memory.zswap.max, so
 * that the page goes to the top tier and older data goes down.  A page is
 * passed down only when no room could be made.
 *
 * Return: the tiers to offer the page, @usable or more.
 */
unsigned int vswap_room(struct mem_cgroup *memcg, unsigned int allowed,
			unsigned int usable)
{
	int pos = 0, idx, id;

	if (!memcg || !swap_tiers_defined())
		return usable;
	idx = swap_tiers_next_allowed(allowed, &pos);
	if (idx == SWAP_TIER_NONE)
		return usable;
	id = swap_tier_id_of_idx(idx);
	if ((usable & BIT(id)) && swap_tier_has_space(idx))
		return usable;
	if (!vswap_make_room(memcg, id))
		return usable;
	return swap_tiers_usable(memcg, allowed, 1);
}

/**
 * vswap_demote - Move a cgroup's coldest swapped data one tier down.
 * @memcg: the cgroup; its descendants' data moves too
 * @nr_pages: how much, in pages at their uncompressed size
 * @source: the tier to move from, or SWAP_TIER_NONE for each in turn, top
 *          down
 *
 * Return: 0 once @nr_pages moved, -EINTR on a signal, -EAGAIN if less
 * could be moved.
 */
int vswap_demote(struct mem_cgroup *memcg, unsigned long nr_pages, int source)
{
	struct vswap_demote *d;
	int pos = 0, idx, err;

	if (!READ_ONCE(vswap_si))
		return -EAGAIN;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->root = memcg;
	d->nr = nr_pages;

	if (source == SWAP_TIER_ZSWAP || source == SWAP_TIER_NONE)
		vswap_demote_zswap(d);
	if (source != SWAP_TIER_NONE && source != SWAP_TIER_ZSWAP)
		vswap_demote_device(d, source);
	while (source == SWAP_TIER_NONE && !vswap_demote_done(d) &&
	       (idx = swap_tiers_next_allowed(SWAP_TIERS_ALL, &pos)) !=
	       SWAP_TIER_NONE)
		vswap_demote_device(d, swap_tier_id_of_idx(idx));

	if (d->res.moved >= d->nr)
		err = 0;
	else if (signal_pending(current))
		err = -EINTR;
	else
		err = -EAGAIN;
	kfree(d);
	return err;
}

/*********************************
 * debugfs
 **********************************/

#ifdef CONFIG_DEBUG_FS
/* The slots one query of slot_tier covers at most: a table's. */
#define VSWAP_SLOT_QUERY_MAX	VSWAP_TABLE_SLOTS

struct vswap_slot_query {
	unsigned long first;
	unsigned long nr;
};

static int vswap_slot_tier_open(struct inode *inode, struct file *file)
{
	struct vswap_slot_query *q = kzalloc(sizeof(*q), GFP_KERNEL);

	if (!q)
		return -ENOMEM;
	file->private_data = q;
	return 0;
}

static int vswap_slot_tier_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

/* "OFFSET [NR]": the slots the next read describes. */
static ssize_t vswap_slot_tier_write(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	struct vswap_slot_query *q = file->private_data;
	unsigned long first, nr = 1;
	char buf[48];
	int n;

	if (!count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	n = sscanf(buf, "%lu %lu", &first, &nr);
	if (n < 1 || !nr || nr > VSWAP_SLOT_QUERY_MAX ||
	    first >= vswap_si->max || nr > vswap_si->max - first)
		return -EINVAL;
	q->first = first;
	q->nr = nr;
	return count;
}

/* The tier a descriptor's data is on, by name, for a test to compare. */
static const char *vswap_desc_where(unsigned long desc)
{
	const char *name;
	int tier;

	switch (vswap_desc_tag(desc)) {
	case VSWAP_DESC_ZSWAP:
		return "zswap";
	case VSWAP_DESC_PHYS:
		tier = vswap_desc_tier(desc);
		if (tier == SWAP_TIER_NONE)
			return "untiered";
		name = swap_tier_name(tier);
		return name ? name : "?";
	case VSWAP_DESC_SAME:
		return "same";
	case VSWAP_DESC_MEMORY:
		return "memory";
	case VSWAP_DESC_ERROR:
		return "error";
	default:
		return "free";
	}
}

/* One line per slot: "OFFSET TIER STAMP". */
static ssize_t vswap_slot_tier_read(struct file *file, char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct vswap_slot_query *q = file->private_data;
	size_t size = q->nr * 48, len = 0;
	unsigned long i, offset, desc, stamp, *table;
	ssize_t ret;
	char *text;

	if (!q->nr)
		return -EINVAL;
	text = kvmalloc(size, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	swap_tiers_lock();
	for (i = 0; i < q->nr; i++) {
		offset = q->first + i;
		/* Keeps the table of a slot the reader does not own. */
		spin_lock(&vswap_si->lock);
		table = vswap_table(offset);
		desc = table ? READ_ONCE(table[offset % VSWAP_TABLE_SLOTS]) :
		       VSWAP_DESC_EMPTY;
		stamp = vswap_desc_tag(desc) == VSWAP_DESC_PHYS ?
			vswap_stamp_of(vswap_phys_slot(desc)) : 0;
		spin_unlock(&vswap_si->lock);
		len += scnprintf(text + len, size - len, "%lu %s %lu\n", offset,
				 vswap_desc_where(desc), stamp);
	}
	swap_tiers_unlock();
	ret = simple_read_from_buffer(ubuf, count, ppos, text, len);
	kvfree(text);
	return ret;
}

static const struct file_operations vswap_slot_tier_fops = {
	.owner = THIS_MODULE,
	.open = vswap_slot_tier_open,
	.release = vswap_slot_tier_release,
	.read = vswap_slot_tier_read,
	.write = vswap_slot_tier_write,
	.llseek = default_llseek,
};

/**
 * vswap_move_debugfs_init - Add slot_tier to the virtual swap debugfs directory.
 * @dir: /sys/kernel/debug/vswap
 *
 * Write "OFFSET [NR]" (up to a table's slots), then read from the start:
 * one line per slot, "OFFSET TIER STAMP", the tier holding its data and,
 * for a disk slot, its cluster's stamp.
 */
void vswap_move_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("slot_tier", 0600, dir, NULL,
			    &vswap_slot_tier_fops);
}
#endif
