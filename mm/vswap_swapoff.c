// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: swapoff of a device that holds virtual entries' data.
 *
 * The descriptors are the map from virtual to physical slots; read
 * backwards, they find every slot of the device without a page-table walk.
 * Documentation/mm/vswap.rst has the design.
 */

#define pr_fmt(fmt) "vswap: " fmt

#include <linux/blkdev.h>
#include <linux/cpuhotplug.h>
#include <linux/debugfs.h>
#include <linux/error-injection.h>
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/memcontrol.h>
#include <linux/mempolicy.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/pagemap.h>
#include <linux/swap.h>
#include <linux/swap_cgroup.h>
#include <linux/swap_slots.h>
#include <linux/swapfile.h>
#include <linux/swapops.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <linux/vswap.h>
#include <linux/workqueue.h>
#include <linux/zswap.h>

#include "swap.h"
#include "vswap_internal.h"

/*********************************
 * swapoff
 **********************************/

/*
 * Is the slot at @offset's data on device @type?  For a caller that owns no
 * part of the slot: si->lock keeps the table from being freed.
 */
static bool vswap_slot_on_device(unsigned long offset, unsigned int type)
{
	unsigned long *table, desc = VSWAP_DESC_EMPTY;

	spin_lock(&vswap_si->lock);
	table = vswap_table(offset);
	if (table)
		desc = READ_ONCE(table[offset % VSWAP_TABLE_SLOTS]);
	spin_unlock(&vswap_si->lock);
	return vswap_desc_tag(desc) == VSWAP_DESC_PHYS &&
	       swp_type(vswap_phys_slot(desc)) == type;
}

/*
 * Make the locked swap cache @folio hold the data of its page @i, if that
 * is still on device @type, and free the disk slot.
 */
static void vswap_swapoff_take(struct folio *folio, unsigned int i,
			       unsigned int type)
{
	swp_entry_t entry = { folio->swap.val + i };
	unsigned long desc = READ_ONCE(*vswap_desc(entry));

	if (vswap_desc_tag(desc) != VSWAP_DESC_PHYS ||
	    swp_type(vswap_phys_slot(desc)) != type)
		return;		/* rewritten since the scan */
	if (folio_test_uptodate(folio)) {
		/* The folio holds the only copy now. */
		folio_mark_dirty(folio);
		vswap_desc_set_nr(folio, i, VSWAP_DESC_MEMORY);
	} else {
		/*
		 * The disk could not be read.  As upstream's swapoff, which
		 * poisons the PTE, let the device go and make the page's
		 * next fault fail instead of failing every swapoff.
		 */
		vswap_desc_set_nr(folio, i, VSWAP_DESC_ERROR);
	}
	vswap_disk_slot_free(vswap_phys_slot(desc));
	/*
	 * Upstream's swapoff frees the slot, and with it the swap charge: so
	 * does this one.  The next store charges again (vswap_recharge()).
	 */
	mem_cgroup_uncharge_swap(entry, 1);
	count_vm_event(VSWAP_SWAPOFF_MOVE);
}

/*
 * Bring one virtual slot whose data is on the device going away into its
 * swap cache folio, the way zswap writeback takes a slot: own the folio
 * lock, then recheck the descriptor.  The page tables keep the entry; a
 * fault finds the folio in the swap cache.  A large folio (not written
 * yet, or not reclaimed since) is taken whole, so that it is wholly
 * uncharged, and charged again whole when it is stored again.
 */
static int vswap_swapoff_move(swp_entry_t entry, unsigned int type)
{
	struct mempolicy *mpol = get_task_policy(current);
	struct folio *folio;
	unsigned long desc;
	unsigned int i;
	bool allocated;

	folio = __read_swap_cache_async(entry, GFP_KERNEL, mpol,
					NO_INTERLEAVE_INDEX, &allocated, false);
	if (!folio) {
		/*
		 * No memory, or no swap count left: the slot is being freed
		 * (its swap cache folio just went, the release has not run
		 * yet).  Only the first is an error; vswap_swapoff() comes
		 * back for a slot that is still on the device.  The count is
		 * read first: a slot freed and reused after it would fail the
		 * descriptor check instead.
		 */
		if (!__swap_count(entry) ||
		    !vswap_slot_on_device(swp_offset(entry), type))
			return 0;
		return -ENOMEM;
	}
	if (allocated)
		/* Reads the disk slot and unlocks when the IO completes. */
		swap_read_folio(folio, NULL);
	folio_lock(folio);
	folio_wait_writeback(folio);

	/*
	 * Only the locked swap cache folio of the entry pins the slot, and
	 * with it the descriptor table: a folio found in the cache may have
	 * left it, and the slot been freed, before the lock was taken.
	 */
	if (!folio_test_swapcache(folio) ||
	    entry.val - folio->swap.val >= folio_nr_pages(folio))
		goto out;
	/* A large folio's other slots are moved with the first one found. */
	desc = READ_ONCE(*vswap_desc(entry));
	if (vswap_desc_tag(desc) != VSWAP_DESC_PHYS ||
	    swp_type(vswap_phys_slot(desc)) != type)
		goto out;
	for (i = 0; i < folio_nr_pages(folio); i++)
		vswap_swapoff_take(folio, i, type);
out:
	folio_unlock(folio);
	folio_put(folio);
	return 0;
}

/* Slots read ahead, then moved, at a time: bounds what swapoff holds. */
#define VSWAP_SWAPOFF_BATCH	SWAP_CLUSTER_MAX

/*
 * Start the reads of a batch of slots before moving any of them, as swap
 * readahead does: the move then waits for IO that is already in flight, and
 * the block layer merges neighbouring slots, which a table's slots often
 * are.  Nothing is pinned: a folio reclaimed before its move is read again.
 */
static void vswap_swapoff_read_ahead(const swp_entry_t *batch, unsigned int nr)
{
	struct mempolicy *mpol = get_task_policy(current);
	struct swap_iocb *splug = NULL;
	struct blk_plug plug;
	struct folio *folio;
	bool allocated;
	unsigned int i;

	blk_start_plug(&plug);
	for (i = 0; i < nr; i++) {
		folio = __read_swap_cache_async(batch[i], GFP_KERNEL, mpol,
						NO_INTERLEAVE_INDEX, &allocated,
						false);
		if (!folio)
			continue;	/* freed meanwhile, or no memory */
		if (allocated)
			swap_read_folio(folio, &splug);
		folio_put(folio);
	}
	blk_finish_plug(&plug);
	swap_read_unplug(splug);
	lru_add_drain();
}

static int vswap_swapoff_batch(const swp_entry_t *batch, unsigned int nr,
			       unsigned int type)
{
	unsigned int i;
	int err;

	vswap_swapoff_read_ahead(batch, nr);
	for (i = 0; i < nr; i++) {
		err = vswap_swapoff_move(batch[i], type);
		if (err)
			return err;
		if (signal_pending(current))
			return -EINTR;
	}
	return 0;
}

/* One pass over the descriptor tables; moves what it finds on @type. */
static int vswap_swapoff_pass(unsigned int type)
{
	unsigned long nr_tables = DIV_ROUND_UP(vswap_si->max, VSWAP_TABLE_SLOTS);
	swp_entry_t batch[VSWAP_SWAPOFF_BATCH];
	DECLARE_BITMAP(found, VSWAP_TABLE_SLOTS);
	unsigned long idx, i, desc;
	unsigned long *table;
	unsigned int nr;
	int err;

	for (idx = 0; idx < nr_tables; idx++) {
		if (!READ_ONCE(vswap_tables[idx]))
			continue;
		/* Note the matches; the table may go once the lock drops. */
		bitmap_zero(found, VSWAP_TABLE_SLOTS);
		spin_lock(&vswap_si->lock);
		table = vswap_tables[idx];
		for (i = 0; table && i < VSWAP_TABLE_SLOTS; i++) {
			desc = READ_ONCE(table[i]);
			if (vswap_desc_tag(desc) == VSWAP_DESC_PHYS &&
			    swp_type(vswap_phys_slot(desc)) == type)
				__set_bit(i, found);
		}
		spin_unlock(&vswap_si->lock);

		nr = 0;
		for_each_set_bit(i, found, VSWAP_TABLE_SLOTS) {
			batch[nr++] = swp_entry(vswap_type,
						idx * VSWAP_TABLE_SLOTS + i);
			if (nr < VSWAP_SWAPOFF_BATCH)
				continue;
			err = vswap_swapoff_batch(batch, nr, type);
			if (err)
				return err;
			nr = 0;
		}
		if (nr) {
			err = vswap_swapoff_batch(batch, nr, type);
			if (err)
				return err;
		}
		cond_resched();
	}
	return 0;
}

/**
 * vswap_swapoff - Move virtual entries' data off a device being swapped off.
 * @si: the device; it is no longer SWP_WRITEOK, so no new slot is taken
 *
 * Called by try_to_unuse() before it looks at page tables, and again on
 * each of its retries, which catch a slot taken on the device just before
 * swapoff cleared SWP_WRITEOK but counted only after this pass.  Finds the
 * device's slots through the descriptor tables - the map from virtual to
 * physical, read backwards - and brings each page into the swap cache of
 * its virtual entry, which the page tables keep.  Afterwards only classic
 * entries of the device are left for try_to_unuse(); if there are none,
 * it walks no page table at all.
 *
 * Return: 0 once no virtual descriptor names the device, -EINTR on a
 * signal, -ENOMEM if no folio could be allocated for a page.
 */
int vswap_swapoff(struct swap_info_struct *si)
{
	unsigned int cpu;
	int err;

	if (!vswap_si || is_vswap_device(si))
		return 0;
	for (;;) {
		/*
		 * The device lost SWP_WRITEOK: nothing takes its slots from a
		 * cache now or frees them into one, bar a task that looked
		 * just before; the next round drains what it left.
		 */
		for_each_possible_cpu(cpu)
			vswap_disk_cache_drain(si->type, cpu);
		if (!vswap_sum(vswap_nr_disk[si->type]))
			break;
		err = vswap_swapoff_pass(si->type);
		if (err)
			return err;
		/*
		 * A slot allocated just before the device lost SWP_WRITEOK
		 * is counted before its descriptor is set: wait for it.
		 */
		if (vswap_sum(vswap_nr_disk[si->type]))
			schedule_timeout_uninterruptible(1);
		if (signal_pending(current))
			return -EINTR;
	}
	return 0;
}
