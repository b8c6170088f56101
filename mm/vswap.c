// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: swap entries that are not tied to a device.
 *
 * A swapped-out page gets an entry on a device-less swap type; one tagged
 * word per slot says where the data is now.  The swap map, swap cache and
 * swap_cgroup serve the virtual type like any other, but the swap map and
 * swap_cgroup records are populated as slots are used; zswap keeps its
 * entries in the descriptors.
 *
 * This file is the core: storing and loading a page, zswap's entries in
 * the descriptors, the switch, counters and setup.  The allocator of
 * virtual slots is in vswap_alloc.c, disk slots in vswap_disk.c, swapoff
 * in vswap_swapoff.c; vswap_internal.h has what they share.
 *
 * Documentation/mm/vswap.rst has the design: the descriptor, the life of a
 * slot, the locking rules and the races.  In short, every change of a
 * descriptor happens under the virtual entry's locked swap cache folio,
 * except the final release, which runs when no reference to the slot is
 * left.
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
#include "swap_tier.h"
#include "vswap_internal.h"

/*********************************
 * statistics and tunables
 **********************************/

int vswap_type __read_mostly = -1;
struct swap_info_struct *vswap_si __read_mostly;

DEFINE_PER_CPU(long, vswap_nr_desc[VSWAP_DESC_NR]);
DEFINE_PER_CPU(long, vswap_nr_disk[MAX_SWAPFILES]);

static bool vswap_on __read_mostly;

/* Size of the virtual space in slots; 0 means 4 x RAM pages. */
static unsigned long vswap_pages;
module_param_named(pages, vswap_pages, ulong, 0444);
MODULE_PARM_DESC(pages, "Slots in the virtual swap space (default: 4 x RAM pages)");

/**
 * vswap_enabled - Are new swap entries allocated in the virtual space?
 *
 * Return: true if folio_alloc_swap() should take a virtual entry.
 */
bool vswap_enabled(void)
{
	return READ_ONCE(vswap_on);
}

/*
 * A page that neither zswap nor a disk took stays in memory.  After a whole
 * reclaim batch of them in a row, with nothing stored in between, zswap is
 * not counted as the memcg's swap space for VSWAP_BACKOFF: reclaim then
 * stops unmapping pages it cannot store, and an OOM comes as soon as it
 * would without swap.  One stored page ends the streak.
 */
#define VSWAP_KEPT_BATCH	SWAP_CLUSTER_MAX
#define VSWAP_BACKOFF		HZ

/*
 * The same state for the system as a whole: for callers that ask about no
 * memcg in particular (zone_reclaimable_pages(), anon aging), and for a
 * kernel without memcg or with memcg disabled.  It sees every page.
 */
static atomic_t vswap_kept_system;
static unsigned long vswap_backoff_system;

static atomic_t *vswap_kept(struct mem_cgroup *memcg)
{
#ifdef CONFIG_MEMCG
	if (memcg)
		return &memcg->vswap_kept;
#endif
	return &vswap_kept_system;
}

static unsigned long *vswap_backoff_until(struct mem_cgroup *memcg)
{
#ifdef CONFIG_MEMCG
	if (memcg)
		return &memcg->vswap_backoff_until;
#endif
	return &vswap_backoff_system;
}

static bool vswap_in_backoff(struct mem_cgroup *memcg)
{
	unsigned long until = READ_ONCE(*vswap_backoff_until(memcg));

	/* 0 means no backoff; jiffies can be anything. */
	return until && time_before(jiffies, until);
}

/*
 * Count a kept page in @memcg's streak (NULL: the system's).  Nothing is
 * written while a backoff runs: kept pages then only come from reclaim
 * that did not ask, and the streak restarts after it.
 */
static void vswap_streak_kept(struct mem_cgroup *memcg)
{
	atomic_t *kept = vswap_kept(memcg);

	if (vswap_in_backoff(memcg))
		return;
	if (atomic_inc_return(kept) < VSWAP_KEPT_BATCH)
		return;
	atomic_set(kept, 0);
	WRITE_ONCE(*vswap_backoff_until(memcg), (jiffies + VSWAP_BACKOFF) | 1);
	/* The memcg's backoffs, or the system's if that is all there is. */
	if (memcg || mem_cgroup_disabled())
		count_vm_event(VSWAP_ZSWAP_BACKOFF);
}

/* @folio, locked, stays in memory: no backend took it. */
static void vswap_note_kept(struct folio *folio)
{
	struct mem_cgroup *memcg = folio_memcg(folio);

	if (memcg)
		vswap_streak_kept(memcg);
	vswap_streak_kept(NULL);
}

/* End a streak.  Read first: a stored page writes nothing shared. */
static void vswap_streak_stored(struct mem_cgroup *memcg)
{
	atomic_t *kept = vswap_kept(memcg);

	if (atomic_read(kept))
		atomic_set(kept, 0);
}

/* @folio, locked, was stored. */
static void vswap_note_stored(struct folio *folio)
{
	struct mem_cgroup *memcg = folio_memcg(folio);

	if (memcg)
		vswap_streak_stored(memcg);
	vswap_streak_stored(NULL);
}

/**
 * vswap_nr_free - What virtual swap can store beyond the free disk slots.
 * @memcg: the memcg reclaim works on, or NULL for the system as a whole
 *
 * Reclaim, memcg and shmem ask whether swapping is possible at all; they
 * add this to get_nr_swap_pages(), the free disk slots, which virtual
 * entries use too.  What virtual swap adds is zswap's room: the pool's
 * (0 while zswap refuses stores for its size), bounded by the free virtual
 * slots and by @memcg's memory.zswap.max (see
 * mem_cgroup_zswap_free_pages()).  It is 0 while @memcg, or for NULL the
 * system, is in backoff: a batch of pages in a row that nothing stored.
 *
 * Return: about the pages zswap can still take, or 0 if virtual swap is
 * off or zswap is not expected to take any.
 */
long vswap_nr_free(struct mem_cgroup *memcg)
{
	struct swap_info_struct *si = READ_ONCE(vswap_si);
	unsigned long free;

	/* Cheapest first: workingset_test_recent() asks on every refault. */
	if (!si || !vswap_enabled() || vswap_in_backoff(memcg))
		return 0;
	free = min_t(unsigned long, si->pages - READ_ONCE(si->inuse_pages),
		     zswap_free_pages());
	if (free && memcg)
		free = min(free, mem_cgroup_zswap_free_pages(memcg));
	return min_t(unsigned long, free, LONG_MAX);
}

/*********************************
 * store and load
 **********************************/

/* Is page @i of @folio one machine word repeated?  Sets *word if so. */
static bool vswap_page_same_filled(struct folio *folio, unsigned int i,
				   unsigned long *word)
{
	unsigned long *data = kmap_local_folio(folio, i * PAGE_SIZE);
	unsigned int k, n = PAGE_SIZE / sizeof(*data);
	bool same = true;

	for (k = 1; k < n; k++) {
		if (data[k] != data[0]) {
			same = false;
			break;
		}
	}
	*word = data[0];
	kunmap_local(data);
	return same;
}

static void vswap_fill_folio(struct folio *folio, unsigned long word)
{
	unsigned long *data = kmap_local_folio(folio, 0);

	memset_l(data, word, PAGE_SIZE / sizeof(*data));
	kunmap_local(data);
}

/*
 * Before a rewrite: drop the copy the slot has, so it cannot be loaded.
 * Reclaim never writes a folio under writeback, so no IO still addresses
 * the disk slot freed here.
 */
static void vswap_drop_backend(struct folio *folio)
{
	unsigned long desc = READ_ONCE(*vswap_desc(folio->swap));

	VM_WARN_ON_ONCE_FOLIO(folio_test_writeback(folio), folio);
	switch (vswap_desc_tag(desc)) {
	case VSWAP_DESC_ZSWAP:
		zswap_invalidate(folio->swap);
		break;
	case VSWAP_DESC_PHYS:
		vswap_desc_set(folio, VSWAP_DESC_MEMORY);
		vswap_disk_slot_free(vswap_phys_slot(desc));
		break;
	default:
		break;
	}
}

/*
 * swapoff uncharges the swap of the slots it moves into memory, as upstream
 * frees them; the page tables keep the entries.  Charge the slot again
 * before its page is stored again.  cgroup v1 charges memsw when the folio
 * leaves the swap cache instead (mem_cgroup_swapout()).
 */
static int vswap_recharge(struct folio *folio)
{
	/* On v1 the record is 0 here, and charging swap is a no-op. */
	if (mem_cgroup_disabled() || lookup_swap_cgroup_id(folio->swap))
		return 0;
	return mem_cgroup_try_charge_swap(folio, folio->swap);
}

/* Is every page of @folio a same-filled page a descriptor can hold? */
static bool vswap_folio_same_filled(struct folio *folio)
{
	unsigned int i, nr = folio_nr_pages(folio);
	unsigned long word;

	for (i = 0; i < nr; i++)
		if (!vswap_page_same_filled(folio, i, &word) ||
		    !vswap_same_fits(word))
			return false;
	return true;
}

/*
 * Is every slot of large @folio still on the disk range it was given, on
 * a device that takes writes?
 */
static bool vswap_range_on_disk(struct folio *folio, unsigned int tiers)
{
	unsigned long *desc = vswap_desc(folio->swap);
	unsigned int i, nr = folio_nr_pages(folio);
	swp_entry_t disk;

	if (vswap_desc_tag(READ_ONCE(desc[0])) != VSWAP_DESC_PHYS)
		return false;
	disk = vswap_phys_slot(READ_ONCE(desc[0]));
	if (!(READ_ONCE(swp_swap_info(disk)->flags) & SWP_WRITEOK) ||
	    !swap_tiers_allow_type(tiers, swp_type(disk)))
		return false;
	for (i = 1; i < nr; i++) {
		unsigned long d = READ_ONCE(desc[i]);

		disk.val++;
		if (vswap_desc_tag(d) != VSWAP_DESC_PHYS ||
		    vswap_phys_slot(d).val != disk.val)
			return false;
	}
	return true;
}

/* Drop what each slot of large @folio holds: the folio has the data. */
static void vswap_drop_range(struct folio *folio)
{
	unsigned long *desc = vswap_desc(folio->swap), old;
	unsigned int i, nr = folio_nr_pages(folio);
	struct vswap_disk_run disk = { .nr = 0 };

	for (i = 0; i < nr; i++) {
		old = READ_ONCE(desc[i]);
		/* Large folios never go to zswap in 6.12. */
		VM_WARN_ON_ONCE(vswap_desc_tag(old) == VSWAP_DESC_ZSWAP);
		vswap_desc_replace((swp_entry_t){ folio->swap.val + i },
				   &desc[i], old, VSWAP_DESC_MEMORY);
		if (vswap_desc_tag(old) == VSWAP_DESC_PHYS)
			vswap_disk_run_add(&disk, vswap_phys_slot(old));
	}
	vswap_disk_run_flush(&disk);
}

/*
 * Store a large folio: write it whole to the disk range its descriptors
 * name (a new one if swapoff or a same-filled store took the old one), or
 * keep each page's word if every page is same-filled.  Returns as
 * vswap_writepage().
 */
static int vswap_writepage_large(struct folio *folio,
				 struct writeback_control *wbc)
{
	unsigned int i, nr = folio_nr_pages(folio), zero = 0, tiers;
	struct mem_cgroup *memcg = folio_memcg(folio);
	swp_entry_t disk;
	unsigned long word;

	if (vswap_folio_same_filled(folio)) {
		/* As 6.12's zero map: no IO, the range goes back. */
		vswap_drop_range(folio);
		for (i = 0; i < nr; i++) {
			vswap_page_same_filled(folio, i, &word);
			vswap_desc_set_nr(folio, i, vswap_same_desc(word));
			zero += !word;
		}
		count_vm_events(VSWAP_SAME, nr);
		count_vm_events(SWPOUT_ZERO, zero);
		count_memcg_folio_events(folio, SWPOUT_ZERO, zero);
		vswap_note_stored(folio);
		folio_unlock(folio);
		return 0;
	}

	/* As 6.12 checks before every disk write. */
	if (!mem_cgroup_zswap_writeback_enabled(memcg)) {
		vswap_drop_range(folio);
		goto keep;
	}
	/*
	 * The cgroup's tiers may have changed since the range was taken; a
	 * range kept stays charged, so only its tier need still be allowed.
	 */
	tiers = swap_tiers_allowed(memcg);
	if (!vswap_range_on_disk(folio, tiers)) {
		/*
		 * Reclaim has unmapped the folio, and an unmapped anonymous
		 * folio cannot be split: without a new range it stays.
		 */
		vswap_drop_range(folio);
		disk = vswap_disk_range_alloc(folio_order(folio),
					      swap_tiers_usable(memcg, tiers, nr));
		if (!disk.val)
			goto keep;
		vswap_range_set_disk(folio->swap, disk, nr);
	} else {
		/* Written again: the range's data is new. */
		vswap_stamp_disk(vswap_phys_slot(READ_ONCE(*vswap_desc(folio->swap))));
	}

	count_vm_events(VSWAP_DISK, nr);
	vswap_note_stored(folio);
	/* 6.12's zswap rejects large folios: to the disk, whole. */
	__swap_writepage(folio, wbc);
	return 0;

keep:
	count_vm_events(VSWAP_REJECT_NODISK, nr);
	vswap_note_kept(folio);
	folio_mark_dirty(folio);
	return AOP_WRITEPAGE_ACTIVATE;
}

/**
 * vswap_writepage - Store a folio that owns a virtual entry.
 * @folio: the locked swap cache folio
 * @wbc: writeback control of the reclaim that writes it
 *
 * Records a same-filled page in its descriptor, or stores the page in
 * zswap, or, if zswap rejects it, writes it to a disk slot allocated now.
 * A large folio is written whole to the disk range it got with its
 * entries, or kept as same-filled words.
 * With no disk slot (or zswap writeback disabled for the page's cgroup),
 * or no swap charge for a slot swapoff uncharged, the page stays in
 * memory: it is redirtied and left in the swap cache, and reclaim
 * activates it.  Whatever the slot held before is dropped first, so stale
 * data can never be loaded.
 *
 * Return: 0 if the folio was stored or its write started, and it is
 * unlocked; AOP_WRITEPAGE_ACTIVATE with the folio still locked if it stays
 * in memory.
 */
int vswap_writepage(struct folio *folio, struct writeback_control *wbc)
{
	struct mem_cgroup *memcg = folio_memcg(folio);
	unsigned int allowed, usable;
	unsigned long word;
	bool tried;
	swp_entry_t slot;

	if (vswap_recharge(folio)) {
		/* memory.swap.max: as if folio_alloc_swap() had failed. */
		folio_mark_dirty(folio);
		return AOP_WRITEPAGE_ACTIVATE;
	}
	if (folio_test_large(folio))
		return vswap_writepage_large(folio, wbc);
	vswap_drop_backend(folio);

	if (vswap_page_same_filled(folio, 0, &word) && vswap_same_fits(word)) {
		vswap_desc_set(folio, vswap_same_desc(word));
		count_vm_event(VSWAP_SAME);
		if (!word) {
			count_vm_event(SWPOUT_ZERO);
			count_memcg_folio_events(folio, SWPOUT_ZERO, 1);
		}
		vswap_note_stored(folio);
		folio_unlock(folio);
		return 0;
	}

	/*
	 * zswap puts its entry into the descriptor (vswap_zswap_store()).  It
	 * counts its own events: at the cgroup's limit, or rejecting the page.
	 */
	allowed = swap_tiers_allowed(memcg);
	tried = zswap_is_enabled() && (allowed & BIT(SWAP_TIER_ZSWAP));
	if (zswap_store(folio)) {
		count_vm_event(VSWAP_ZSWAP);
		vswap_note_stored(folio);
		folio_unlock(folio);
		return 0;
	}

	vswap_desc_set(folio, VSWAP_DESC_MEMORY);
	/* As upstream: memory.zswap.writeback=0 keeps pages off the disk. */
	if (!mem_cgroup_zswap_writeback_enabled(memcg))
		goto keep;

	usable = swap_tiers_usable(memcg, allowed, 1);
	slot = vswap_disk_slot_alloc(usable);
	/* The top tier full, or at the cgroup's limit: make room there. */
	slot = vswap_room(memcg, allowed, slot);
	tried |= swap_tiers_have_device(usable);
	swap_tiers_count_passed(memcg, allowed, usable, slot.val ?
				swap_type_tier_id(swp_type(slot)) :
				SWAP_TIER_NONE);
	if (!slot.val) {
		/* No backend took it: keep it, never lose it. */
		count_vm_event(VSWAP_REJECT_NODISK);
		goto keep;
	}
	vswap_desc_set(folio, vswap_phys_desc(slot));
	vswap_stamp_disk(slot);
	count_vm_event(VSWAP_DISK);
	vswap_note_stored(folio);
	/* The IO paths find the slot through swap_folio_slot(). */
	__swap_writepage(folio, wbc);
	return 0;

keep:
	/* A tier was tried and none took the page: memory.swap.events. */
	if (tried && memcg)
		memcg_memory_event(memcg, MEMCG_SWAP_FAIL);
	vswap_note_kept(folio);
	folio_mark_dirty(folio);
	return AOP_WRITEPAGE_ACTIVATE;
}

/**
 * vswap_read_folio - Fill a swap cache folio from its virtual slot.
 * @folio: the locked, not uptodate swap cache folio of a virtual entry
 *
 * Fills the folio from its descriptor or from zswap and unlocks it.  If
 * the data is on disk, leaves the folio locked for swap_read_folio() to
 * read the physical slot, which swap_folio_slot() names; the disk keeps
 * its copy, so a clean folio can later be dropped without a write.
 *
 * A folio is left !uptodate, so the fault gets SIGBUS, only if the slot
 * has no data, which would be a bug of this layer.
 *
 * Return: false if the caller must read the disk slot, true otherwise.
 */
bool vswap_read_folio(struct folio *folio)
{
	unsigned long desc = READ_ONCE(*vswap_desc(folio->swap));
	unsigned long word;

	swap_tier_count(vswap_desc_tier(desc), SWAP_TIER_STAT_READ_BACK, 1);
	switch (vswap_desc_tag(desc)) {
	case VSWAP_DESC_SAME:
		word = vswap_same_word(desc);
		vswap_fill_folio(folio, word);
		folio_mark_uptodate(folio);
		if (!word) {
			count_vm_event(SWPIN_ZERO);
			count_memcg_folio_events(folio, SWPIN_ZERO, 1);
		}
		break;
	case VSWAP_DESC_ZSWAP:
		/*
		 * The load is exclusive for a swap cache folio: zswap takes
		 * its entry out of the descriptor (leaving MEMORY) and dirties
		 * the folio, which now holds the only copy.
		 */
		if (!zswap_load(folio))
			WARN_ONCE(1, "vswap: zswap lost slot %lx\n",
				  swp_offset(folio->swap));
		break;
	case VSWAP_DESC_PHYS:
		return false;
	case VSWAP_DESC_ERROR:
		/* As upstream's poisoned swap entry: the fault gets SIGBUS. */
		pr_err_ratelimited("slot %lx lost its data to a read error\n",
				   swp_offset(folio->swap));
		break;
	default:
		WARN_ONCE(1, "vswap: read of slot %lx without data (desc %lx)\n",
			  swp_offset(folio->swap), desc);
		break;
	}
	folio_unlock(folio);
	return true;
}

/**
 * vswap_folio_slot - The disk slot that holds a virtual entry's data.
 * @folio: a locked or writeback swap cache folio of a virtual entry
 *
 * Use swap_folio_slot(), which also serves classic entries.  The folio
 * lock, or writeback, which a rewrite waits for, keeps the descriptor
 * stable while the IO paths use the answer.
 *
 * Return: the physical slot if the data is on disk, else @folio->swap.
 */
swp_entry_t vswap_folio_slot(struct folio *folio)
{
	unsigned long desc = READ_ONCE(*vswap_desc(folio->swap));

	VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio) &&
			      !folio_test_writeback(folio), folio);
	if (vswap_desc_tag(desc) == VSWAP_DESC_PHYS)
		return vswap_phys_slot(desc);
	return folio->swap;
}

/*********************************
 * zswap writeback
 **********************************/

/**
 * vswap_writeback_possible - Can zswap write @entry back at all?
 * @entry: the swap entry of a zswap entry on the LRU
 * @tiers: the swap tier ids the entry's cgroup may use (swap_tiers_usable())
 *
 * A classic entry has its disk slot.  A virtual entry needs a free one on
 * an allowed device; asking before a folio is allocated lets the shrinker
 * stop cheaply when there is no disk space, or no disk.
 *
 * Return: false if @entry is virtual and no allowed device has a free slot.
 */
bool vswap_writeback_possible(swp_entry_t entry, unsigned int tiers)
{
	return !is_vswap_entry(entry) || swap_tiers_nr_free(tiers) > 0;
}

/*********************************
 * zswap entries
 **********************************/

/*
 * zswap keeps a virtual slot's entry in the slot's descriptor, not in a
 * tree: one lookup instead of two, and no tree nodes (about 9 bytes per
 * stored page).  zswap's tree lock serializes its tree; here the writers
 * are serialized by the folio lock of the slot's swap cache folio (store,
 * exclusive load, writeback, the invalidation before a rewrite), or the
 * slot is dead (the invalidation when it is freed), and no folio can be
 * added for a slot without a swap count.
 */

/**
 * vswap_zswap_load - The zswap entry of a virtual slot.
 * @entry: a virtual swap entry whose slot the caller owns
 *
 * Return: the entry, or NULL if the slot's data is not in zswap.
 */
struct zswap_entry *vswap_zswap_load(swp_entry_t entry)
{
	unsigned long desc = READ_ONCE(*vswap_desc(entry));

	if (vswap_desc_tag(desc) != VSWAP_DESC_ZSWAP)
		return NULL;
	return vswap_desc_zswap(desc);
}

/**
 * vswap_zswap_store - Make a zswap entry hold a virtual slot's data.
 * @entry: the virtual swap entry of a locked swap cache folio
 * @zentry: the new zswap entry
 *
 * A disk copy the slot still has is a promotion's (vswap_promote()): the
 * folio is clean, and the disk slot is freed here.
 *
 * Return: the zswap entry the slot held before, for zswap to free, or NULL.
 */
struct zswap_entry *vswap_zswap_store(swp_entry_t entry,
				      struct zswap_entry *zentry)
{
	unsigned long *slot = vswap_desc(entry);
	unsigned long old = READ_ONCE(*slot);

	vswap_desc_replace(entry, slot, old, vswap_zswap_desc(zentry));
	if (vswap_desc_tag(old) == VSWAP_DESC_ZSWAP)
		return vswap_desc_zswap(old);
	/*
	 * A rewrite dropped the disk copy first (vswap_writepage()); only a
	 * promotion stores a clean folio whose copy is still on disk, and
	 * the copy goes now that zswap has the data (vswap_promote()).
	 */
	if (vswap_desc_tag(old) == VSWAP_DESC_PHYS)
		vswap_disk_slot_free(vswap_phys_slot(old));
	return NULL;
}

/**
 * vswap_zswap_erase - Take the zswap entry out of a virtual slot.
 * @entry: a virtual swap entry: of a locked swap cache folio, or being freed
 *
 * The descriptor becomes MEMORY: the folio, if any, holds the data now.
 * vswap_release() later drops the descriptor of a slot being freed.
 *
 * Return: the zswap entry, for zswap to free, or NULL if there was none.
 */
struct zswap_entry *vswap_zswap_erase(swp_entry_t entry)
{
	unsigned long offset = swp_offset(entry);
	unsigned long *table, *slot, old;

	/*
	 * A slot being freed is still held in its cluster, and so keeps its
	 * table.  Only a slot whose table could not be allocated has none,
	 * and the refill frees that one without coming here.  Should that
	 * change, warn rather than dereference NULL.
	 */
	table = vswap_table(offset);
	if (WARN_ON_ONCE(!table))
		return NULL;
	slot = &table[offset % VSWAP_TABLE_SLOTS];
	old = READ_ONCE(*slot);
	if (vswap_desc_tag(old) != VSWAP_DESC_ZSWAP)
		return NULL;
	vswap_desc_replace(entry, slot, old, VSWAP_DESC_MEMORY);
	return vswap_desc_zswap(old);
}

/*********************************
 * sysfs
 **********************************/

static ssize_t vswap_enabled_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", vswap_enabled());
}

/**
 * vswap_parse_switch - Parse a sysfs switch of this layer.
 * @buf: what was written
 * @on: the switch's new state
 *
 * Exactly one word: 1, y or on; 0, n or off.  kstrtobool() would take
 * "yes please" or "0x1".
 *
 * Return: 0, or -EINVAL with @on unchanged.
 */
int vswap_parse_switch(const char *buf, bool *on)
{
	if (sysfs_streq(buf, "1") || sysfs_streq(buf, "y") ||
	    sysfs_streq(buf, "on"))
		*on = true;
	else if (sysfs_streq(buf, "0") || sysfs_streq(buf, "n") ||
		 sysfs_streq(buf, "off"))
		*on = false;
	else
		return -EINVAL;
	return 0;
}

static ssize_t vswap_enabled_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	bool on;

	if (vswap_parse_switch(buf, &on))
		return -EINVAL;
	if (on && !READ_ONCE(vswap_si))
		return -ENODEV;
	WRITE_ONCE(vswap_on, on);
	return count;
}

struct kobj_attribute vswap_enabled_attr = __ATTR_RW(vswap_enabled);

/*********************************
 * debugfs
 **********************************/

#ifdef CONFIG_DEBUG_FS
/* Slots whose descriptor has tag @data. */
static int vswap_debugfs_get(void *data, u64 *val)
{
	*val = max(vswap_sum(vswap_nr_desc[(uintptr_t)data]), 0L);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vswap_debugfs_fops, vswap_debugfs_get, NULL, "%llu\n");

static int vswap_metadata_get(void *data, u64 *val)
{
	*val = vswap_metadata_bytes();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vswap_metadata_fops, vswap_metadata_get, NULL, "%llu\n");

static int vswap_slots_get(void *data, u64 *val)
{
	*val = vswap_si->max;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vswap_nr_slots_fops, vswap_slots_get, NULL, "%llu\n");

/* Slots whose swap map is mapped. */
static int vswap_populated_get(void *data, u64 *val)
{
	*val = vswap_populated_slots();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vswap_populated_fops, vswap_populated_get, NULL, "%llu\n");

/*
 * Slots the allocator has handed out: in use, and held by the per-CPU
 * slot caches on either side.
 */
static int vswap_allocated_get(void *data, u64 *val)
{
	*val = READ_ONCE(vswap_si->inuse_pages);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vswap_allocated_fops, vswap_allocated_get, NULL, "%llu\n");

/* Disk slots held by the per-CPU disk slot caches, on either side. */
static int vswap_disk_cached_get(void *data, u64 *val)
{
	*val = vswap_disk_cached_slots();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vswap_disk_cached_fops, vswap_disk_cached_get, NULL, "%llu\n");

static int vswap_type_get(void *data, u64 *val)
{
	*val = vswap_type;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vswap_type_fops, vswap_type_get, NULL, "%llu\n");

static void vswap_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("vswap", NULL);

	/* The type field of virtual entries in /proc/PID/pagemap. */
	debugfs_create_file("swap_type", 0444, dir, NULL, &vswap_type_fops);

	debugfs_create_file("memory", 0444, dir, (void *)VSWAP_DESC_MEMORY,
			    &vswap_debugfs_fops);
	debugfs_create_file("same", 0444, dir, (void *)VSWAP_DESC_SAME,
			    &vswap_debugfs_fops);
	debugfs_create_file("zswap", 0444, dir, (void *)VSWAP_DESC_ZSWAP,
			    &vswap_debugfs_fops);
	debugfs_create_file("disk", 0444, dir, (void *)VSWAP_DESC_PHYS,
			    &vswap_debugfs_fops);
	debugfs_create_file("error", 0444, dir, (void *)VSWAP_DESC_ERROR,
			    &vswap_debugfs_fops);
	debugfs_create_file("metadata_bytes", 0444, dir, NULL,
			    &vswap_metadata_fops);
	debugfs_create_file("slots", 0444, dir, NULL, &vswap_nr_slots_fops);
	debugfs_create_file("populated", 0444, dir, NULL, &vswap_populated_fops);
	debugfs_create_file("allocated", 0444, dir, NULL, &vswap_allocated_fops);
	debugfs_create_file("disk_cached", 0444, dir, NULL,
			    &vswap_disk_cached_fops);
	vswap_demote_debugfs_init(dir);
	vswap_auto_debugfs_init(dir);
}
#else
static inline void vswap_debugfs_init(void) { }
#endif

/*********************************
 * init
 **********************************/

static int __init vswap_init(void)
{
	struct swap_info_struct *si;
	unsigned long maxpages;
	unsigned char *map;

	maxpages = clamp(vswap_pages ? vswap_pages : 4 * totalram_pages(), 2UL,
			 min(swapfile_maximum_size, (unsigned long)UINT_MAX));
	map = vswap_space_init(maxpages);
	if (!map) {
		pr_err("no memory for the metadata of %lu slots\n", maxpages);
		return -ENOMEM;
	}
	si = swap_register_virtual(map, maxpages);
	if (IS_ERR(si)) {
		/* The chunk stays mapped, unused: the area is not freed. */
		pr_err("cannot register the virtual swap device: %ld\n",
		       PTR_ERR(si));
		return PTR_ERR(si);
	}
	vswap_space_start(si);

	/* Last: a non-NULL vswap_si says the allocator is ready. */
	WRITE_ONCE(vswap_type, si->type);
	WRITE_ONCE(vswap_si, si);
	WRITE_ONCE(vswap_on, IS_ENABLED(CONFIG_VIRTUAL_SWAP_DEFAULT_ON));
	vswap_debugfs_init();
	pr_info("%u slots (swap type %d), %s\n", si->max, si->type,
		vswap_on ? "enabled" : "disabled");
	return 0;
}
late_initcall(vswap_init);

/*********************************
 * KUnit tests
 **********************************/

#if IS_ENABLED(CONFIG_VIRTUAL_SWAP_KUNIT_TEST)
#include <kunit/test.h>

/* Words that sign-extend from 61 bits round-trip through a descriptor. */
static void vswap_test_same_roundtrip(struct kunit *test)
{
	static const unsigned long words[] = {
		0, 1, ~0UL, ~1UL, 0x0fffffffffffffffUL, 0xf000000000000000UL,
		(1UL << 60) - 1, -(1L << 60),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		unsigned long desc = vswap_same_desc(words[i]);

		KUNIT_EXPECT_TRUE_MSG(test, vswap_same_fits(words[i]),
				      "word %#lx", words[i]);
		KUNIT_EXPECT_EQ(test, vswap_desc_tag(desc), VSWAP_DESC_SAME);
		KUNIT_EXPECT_EQ(test, vswap_same_word(desc), words[i]);
	}
}

/* Words whose top four bits differ cannot be kept; they go to zswap. */
static void vswap_test_same_rejects_wide(struct kunit *test)
{
	static const unsigned long words[] = {
		0xa5a5a5a5a5a5a5a5UL, 1UL << 60, 0x7fffffffffffffffUL,
		0x8000000000000000UL, 0x5a5a5a5a5a5a5a5aUL,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		KUNIT_EXPECT_FALSE_MSG(test, vswap_same_fits(words[i]),
				       "word %#lx", words[i]);
}

/* The tags fit their bits, and a zeroed table reads as EMPTY. */
static void vswap_test_tags(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, (unsigned long)VSWAP_DESC_NR, VSWAP_TAG_MASK + 1);
	KUNIT_EXPECT_EQ(test, vswap_desc_tag(0), VSWAP_DESC_EMPTY);
	KUNIT_EXPECT_EQ(test, vswap_desc_tag(VSWAP_DESC_ZSWAP),
			VSWAP_DESC_ZSWAP);
	KUNIT_EXPECT_EQ(test, vswap_desc_tag(VSWAP_DESC_MEMORY),
			VSWAP_DESC_MEMORY);
}

/* Physical slots of any type, up to large offsets, decode to themselves. */
static void vswap_test_phys_roundtrip(struct kunit *test)
{
	static const unsigned long offsets[] = {
		1, 511, 512, 0xfffff, 1UL << 40, (1UL << 50) - 1,
	};
	unsigned int type, i;

	for (type = 0; type < MAX_SWAPFILES; type++) {
		for (i = 0; i < ARRAY_SIZE(offsets); i++) {
			swp_entry_t slot = swp_entry(type, offsets[i]);
			unsigned long desc = __vswap_phys_desc(slot);

			KUNIT_EXPECT_EQ(test, vswap_desc_tag(desc),
					VSWAP_DESC_PHYS);
			KUNIT_EXPECT_EQ_MSG(test, vswap_phys_slot(desc).val,
					    slot.val, "type %u offset %#lx",
					    type, offsets[i]);
			/* The TIERED and OFFERED bits are not part of it. */
			desc |= VSWAP_PHYS_TIERED | VSWAP_PHYS_OFFERED;
			KUNIT_EXPECT_EQ(test, vswap_desc_tag(desc),
					VSWAP_DESC_PHYS);
			KUNIT_EXPECT_EQ(test, vswap_phys_slot(desc).val,
					slot.val);
		}
	}
}

/* A zswap entry's pointer, as slab hands them out, survives the tag. */
static void vswap_test_zswap_roundtrip(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		/* The size of struct zswap_entry, from a kmalloc cache. */
		void *p = kunit_kmalloc(test, 56, GFP_KERNEL);
		unsigned long desc;

		KUNIT_ASSERT_NOT_NULL(test, p);
		desc = vswap_zswap_desc(p);
		KUNIT_EXPECT_EQ(test, vswap_desc_tag(desc), VSWAP_DESC_ZSWAP);
		KUNIT_EXPECT_PTR_EQ(test, (void *)vswap_desc_zswap(desc), p);
	}
}

static struct kunit_case vswap_test_cases[] = {
	KUNIT_CASE(vswap_test_same_roundtrip),
	KUNIT_CASE(vswap_test_phys_roundtrip),
	KUNIT_CASE(vswap_test_zswap_roundtrip),
	KUNIT_CASE(vswap_test_same_rejects_wide),
	KUNIT_CASE(vswap_test_tags),
	{}
};

static struct kunit_suite vswap_test_suite = {
	.name = "vswap-descriptor",
	.test_cases = vswap_test_cases,
};

kunit_test_suite(vswap_test_suite);
#endif
