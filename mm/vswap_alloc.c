// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: the allocator of virtual slots.
 *
 * The descriptor tables, the sparse swap map that grows as slots are used,
 * and the per-CPU slot caches that take slots from the virtual device's
 * clusters in batches and give them back in batches.  Large folios get a
 * naturally aligned range.  Documentation/mm/vswap.rst, "Allocation" and
 * "Large folios", has the design.
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
 * descriptor tables
 **********************************/

unsigned long **vswap_tables __read_mostly;	/* per cluster */
static unsigned int *vswap_cluster_used;	/* allocated slots, per cluster */
static unsigned int *vswap_chunk_used;		/* allocated slots, per chunk */
static unsigned long *vswap_chunk_records;	/* chunks with swap_cgroup records */
static unsigned long vswap_nr_tables;		/* tables allocated */
static unsigned long vswap_nr_records;		/* chunks with swap_cgroup records */

/*
 * Give the cluster holding @offset a table.  Reclaim context, under
 * si->lock: no recursion into reclaim, but the reserves may be used - the
 * table lets a cluster of pages be freed.
 */
static noinline int vswap_table_get(unsigned long offset)
{
	unsigned long *table;

	if (vswap_table(offset))
		return 0;
	table = kzalloc(VSWAP_TABLE_BYTES, GFP_NOWAIT | __GFP_HIGH | __GFP_NOWARN);
	if (!table)
		return -ENOMEM;
	WRITE_ONCE(vswap_tables[offset / VSWAP_TABLE_SLOTS], table);
	vswap_nr_tables++;
	return 0;
}

/* Failure tests make it fail (fail_function): the page is not swapped. */
ALLOW_ERROR_INJECTION(vswap_table_get, ERRNO);

/*********************************
 * the sparse swap map
 **********************************/

/*
 * Upstream swap code reads and writes the virtual device's swap map as
 * si->swap_map[offset].  The map is a VM_SPARSE area: a chunk of
 * VSWAP_CHUNK_SLOTS slots, one page of map, is mapped when the space grows
 * and stays mapped.  get_swap_device() keeps every lookup by an entry its
 * caller does not hold out of unmapped chunks (vswap_slot_mapped()), and
 * the allocator only lists a chunk's clusters once it is mapped.
 * Documentation/mm/vswap.rst says why mapped chunks are not unmapped.
 */
#define VSWAP_CHUNKS_PER_SPACE	max(1UL, SWAP_ADDRESS_SPACE_PAGES / VSWAP_CHUNK_SLOTS)

static DEFINE_MUTEX(vswap_grow_lock);
static struct vm_struct *vswap_map_area;
static unsigned long *vswap_chunk_mapped __read_mostly;	/* bitmap */
static unsigned long vswap_nr_chunks;
static unsigned long vswap_chunks;	/* mapped so far; under vswap_grow_lock */
static unsigned long vswap_grow_next;	/* vswap_chunk_order() cursor */

/**
 * vswap_slot_mapped - Is the swap map of a virtual slot mapped?
 * @offset: the slot
 *
 * get_swap_device() asks before it lets a caller read the swap map of a
 * virtual slot it may not hold.  Pairs with the release in vswap_grow().
 *
 * Return: true if the slot's chunk of the swap map is mapped.
 */
bool vswap_slot_mapped(unsigned long offset)
{
	return test_bit_acquire(offset / VSWAP_CHUNK_SLOTS, vswap_chunk_mapped);
}

/*
 * The chunk to map @k-th, k = 0, 1, ...: chunks are taken from the swap
 * cache's 64 MiB address spaces in turn, so that CPUs taking fresh
 * clusters work under different xa_locks.  Returns vswap_nr_chunks for a
 * k that names no chunk (past the end of the last address space).
 */
static unsigned long vswap_chunk_order(unsigned long k)
{
	unsigned long spaces = DIV_ROUND_UP(vswap_nr_chunks, VSWAP_CHUNKS_PER_SPACE);
	unsigned long chunk = (k % spaces) * VSWAP_CHUNKS_PER_SPACE + k / spaces;

	return min(chunk, vswap_nr_chunks);
}

/*
 * Map @page, zeroed, as chunk @chunk of the swap map.  The page tables are
 * there already (vswap_map_create()), so nothing is allocated, and a
 * not-present PTE becomes present: no TLB flush is needed.
 */
static noinline int vswap_map_populate(unsigned long chunk, struct page *page)
{
	unsigned long addr = (unsigned long)vswap_map_area->addr +
			     chunk * PAGE_SIZE;

	return vm_area_map_pages(vswap_map_area, addr, addr + PAGE_SIZE, &page);
}

/* Failure tests make it fail: the space stops growing, nothing is lost. */
ALLOW_ERROR_INJECTION(vswap_map_populate, ERRNO);

static int vswap_pte_none(pte_t *pte, unsigned long addr, void *data)
{
	return 0;
}

/*
 * Undo vswap_map_create().  The area's page tables stay: init_mm frees
 * none.
 */
static void __init vswap_map_destroy(void)
{
	if (vswap_map_area)
		free_vm_area(vswap_map_area);
	vswap_map_area = NULL;
	kvfree(vswap_chunk_used);
	bitmap_free(vswap_chunk_records);
	bitmap_free(vswap_chunk_mapped);
}

/*
 * The map of @maxpages slots, none mapped: a VM_SPARSE area and the page
 * tables to map all of it later without allocating.
 */
static unsigned char * __init vswap_map_create(unsigned long maxpages)
{
	unsigned long size;

	vswap_nr_chunks = DIV_ROUND_UP(maxpages, VSWAP_CHUNK_SLOTS);
	size = vswap_nr_chunks * PAGE_SIZE;
	vswap_chunk_mapped = bitmap_zalloc(vswap_nr_chunks, GFP_KERNEL);
	vswap_chunk_records = bitmap_zalloc(vswap_nr_chunks, GFP_KERNEL);
	vswap_chunk_used = kvcalloc(vswap_nr_chunks, sizeof(*vswap_chunk_used),
				    GFP_KERNEL);
	vswap_map_area = get_vm_area(size, VM_SPARSE);
	if (!vswap_chunk_mapped || !vswap_chunk_records || !vswap_chunk_used ||
	    !vswap_map_area)
		goto fail;
	if (apply_to_page_range(&init_mm, (unsigned long)vswap_map_area->addr,
				size, vswap_pte_none, NULL))
		goto fail;
	return vswap_map_area->addr;
fail:
	vswap_map_destroy();
	return NULL;
}

/*
 * Map the next chunk, unless someone did since the caller saw @seen
 * chunks, and give its clusters to the allocator.  The page is allocated
 * before vswap_grow_lock is taken, so a reclaimer that needs a chunk never
 * waits for a grower that is itself reclaiming; never with __GFP_IO:
 * reclaim would swap out.
 *
 * Return: 0 if there may be free slots now, -ENOSPC if the space is
 * mapped to its end, -ENOMEM.
 */
static int vswap_grow(unsigned long seen, gfp_t gfp)
{
	unsigned long chunk;
	struct page *page;
	int err = 0;

	if (READ_ONCE(vswap_chunks) == vswap_nr_chunks)
		return -ENOSPC;
	page = alloc_page(gfp | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	mutex_lock(&vswap_grow_lock);
	if (vswap_chunks != seen)
		goto out;
	if (vswap_chunks == vswap_nr_chunks) {
		err = -ENOSPC;
		goto out;
	}
	while ((chunk = vswap_chunk_order(vswap_grow_next)) == vswap_nr_chunks)
		vswap_grow_next++;
	err = vswap_map_populate(chunk, page);
	if (err)
		goto out;
	page = NULL;
	vswap_grow_next++;
	/* Readers test the bit with acquire: they see the page mapped. */
	smp_mb__before_atomic();
	set_bit(chunk, vswap_chunk_mapped);
	WRITE_ONCE(vswap_chunks, vswap_chunks + 1);
	swap_virtual_add_clusters(vswap_si, chunk * VSWAP_CHUNK_SLOTS,
				  VSWAP_CHUNK_SLOTS);
out:
	mutex_unlock(&vswap_grow_lock);
	if (page)
		__free_page(page);
	return err;
}

/*
 * Grow ahead of need, from a worker that may wait for memory, so that
 * reclaim rarely has to map a chunk itself (with GFP_NOWAIT, which fails
 * exactly when memory is short).
 */
#define VSWAP_GROW_AHEAD	(VSWAP_CHUNK_SLOTS / 4)

/*
 * Free slots to keep mapped: each online CPU holds a cluster of its own
 * and should find two more on the free list when it fills, or the CPUs
 * end up sharing non-full clusters.  The cost is the swap map only - one
 * byte per slot; descriptor tables and swap_cgroup records come with the
 * first slot allocated in their cluster or chunk.
 */
static unsigned long vswap_grow_ahead(void)
{
	return max_t(unsigned long, VSWAP_GROW_AHEAD,
		     3UL * num_online_cpus() * SWAPFILE_CLUSTER);
}

/* Are the free mapped slots fewer than vswap_grow_ahead()?  Racy: a hint. */
static bool vswap_space_low(struct swap_info_struct *si)
{
	unsigned long mapped = min_t(unsigned long, si->max,
				     READ_ONCE(vswap_chunks) * VSWAP_CHUNK_SLOTS);

	return mapped < si->max &&
	       READ_ONCE(si->inuse_pages) + vswap_grow_ahead() >= mapped;
}

static void vswap_grow_workfn(struct work_struct *work)
{
	/*
	 * __GFP_NORETRY: without __GFP_FS an order-0 allocation would retry
	 * for ever rather than fail, and the worker would never let go.
	 * Failing is fine: reclaim then grows the space itself or gets
	 * classic entries, and the next worker tries again.
	 */
	do {
		if (vswap_grow(READ_ONCE(vswap_chunks),
			       GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN))
			break;
		cond_resched();
	} while (vswap_space_low(vswap_si));
}

static DECLARE_WORK(vswap_grow_work, vswap_grow_workfn);

/*********************************
 * allocation and release
 **********************************/

/*
 * Per-CPU caches of free slots and of slots being freed, as swap_slots.c
 * keeps for devices, always active: si->lock is taken once per
 * VSWAP_BATCH allocations and once per VSWAP_BATCH frees.  The allocation
 * side is a mutex, as swap_slots.c's, because the cluster allocator may
 * reschedule while it reclaims cache-only slots; that reclaim frees into
 * the return side, which has a spinlock of its own.
 *
 * A task finds its CPU's cache, then takes the lock: it may have migrated,
 * and the CPU may have gone offline, meanwhile.  Each side's @online is
 * cleared under its lock when the CPU goes offline and its slots are
 * drained, so a late task sees it and bypasses the cache instead of
 * stranding slots there.
 */
#define VSWAP_BATCH	64

struct vswap_slot_cache {
	struct mutex lock;		/* the free slots */
	bool online;
	unsigned int nr, cur;
	swp_entry_t slots[VSWAP_BATCH];
	spinlock_t ret_lock;		/* the slots being freed */
	bool ret_online;
	unsigned int nr_ret;
	swp_entry_t ret[VSWAP_BATCH];
};

static DEFINE_PER_CPU(struct vswap_slot_cache, vswap_slot_cache);

/* Count a newly allocated slot in its cluster and chunk; under si->lock. */
static void vswap_slot_hold(unsigned long offset)
{
	vswap_cluster_used[offset / VSWAP_TABLE_SLOTS]++;
	vswap_chunk_used[offset / VSWAP_CHUNK_SLOTS]++;
}

/*
 * Give a held slot's chunk swap_cgroup records and its cluster a
 * descriptor table, if they have none; under si->lock.
 */
static int vswap_slot_metadata(unsigned long offset)
{
	unsigned long chunk = offset / VSWAP_CHUNK_SLOTS;

	if (!test_bit(chunk, vswap_chunk_records)) {
		if (swap_cgroup_populate(vswap_type, chunk * VSWAP_CHUNK_SLOTS,
					 VSWAP_CHUNK_SLOTS, GFP_NOWAIT |
					 __GFP_HIGH | __GFP_NOWARN)) {
			swap_cgroup_depopulate(vswap_type,
					       chunk * VSWAP_CHUNK_SLOTS,
					       VSWAP_CHUNK_SLOTS);
			return -ENOMEM;
		}
		__set_bit(chunk, vswap_chunk_records);
		vswap_nr_records++;
	}
	return vswap_table_get(offset);
}

/* Undo vswap_slot_hold(), giving back what no allocated slot needs. */
static void vswap_slot_unhold(unsigned long offset)
{
	unsigned long chunk = offset / VSWAP_CHUNK_SLOTS;
	unsigned long cluster = offset / VSWAP_TABLE_SLOTS;
	unsigned long *table;

	if (!--vswap_cluster_used[cluster]) {
		table = vswap_tables[cluster];
		if (table) {
			WRITE_ONCE(vswap_tables[cluster], NULL);
			vswap_nr_tables--;
			kfree(table);
		}
	}
	if (!--vswap_chunk_used[chunk] &&
	    __test_and_clear_bit(chunk, vswap_chunk_records)) {
		swap_cgroup_depopulate(vswap_type, chunk * VSWAP_CHUNK_SLOTS,
				       VSWAP_CHUNK_SLOTS);
		vswap_nr_records--;
	}
}

/*
 * Fill @slots with up to @nr slots from the allocator under one hold of
 * si->lock, and set *@exhausted if it had none to give.  Slots whose
 * metadata cannot be had are freed again, and so are the rest of the
 * batch: memory is short.  Queue the grow worker if the free slots of the
 * mapped space come near what the CPUs' clusters need.
 */
static unsigned int vswap_refill(struct swap_info_struct *si,
				 swp_entry_t *slots, unsigned int nr,
				 bool *exhausted)
{
	unsigned int i, n, kept = 0;
	bool low;

	spin_lock(&si->lock);
	n = swap_alloc_virtual_slots(si, nr, slots);
	*exhausted = !n;
	for (i = 0; i < n; i++)
		vswap_slot_hold(swp_offset(slots[i]));
	for (i = 0; i < n && !vswap_slot_metadata(swp_offset(slots[i])); i++)
		kept++;
	for (; i < n; i++)
		swap_free_virtual_slots(si, slots[i], 1);
	low = vswap_space_low(si);
	spin_unlock(&si->lock);
	if (low)
		queue_work(system_unbound_wq, &vswap_grow_work);
	return kept;
}

/*
 * A free slot from this CPU's cache, refilled if empty, or straight from
 * the allocator if the CPU went offline under us; val 0 if none, with
 * *@exhausted set if the allocator had none.
 */
static swp_entry_t vswap_take_slot(struct swap_info_struct *si,
				   bool *exhausted)
{
	struct vswap_slot_cache *cache = raw_cpu_ptr(&vswap_slot_cache);
	swp_entry_t entry = { 0 };

	*exhausted = false;
	mutex_lock(&cache->lock);
	if (unlikely(!cache->online)) {
		mutex_unlock(&cache->lock);
		/* A slot whose metadata could not be had is freed already. */
		if (!vswap_refill(si, &entry, 1, exhausted))
			entry.val = 0;
		return entry;
	}
	if (cache->cur == cache->nr) {
		cache->nr = vswap_refill(si, cache->slots, VSWAP_BATCH,
					 exhausted);
		cache->cur = 0;
	}
	if (cache->cur < cache->nr)
		entry = cache->slots[cache->cur++];
	mutex_unlock(&cache->lock);
	return entry;
}

/*
 * A naturally aligned range of 1 << @order slots, with its table and
 * records, under one hold of si->lock; val 0 if there is none, with
 * *@exhausted set if the allocator had no range of that order.
 */
static swp_entry_t vswap_take_range(struct swap_info_struct *si, int order,
				    bool *exhausted)
{
	unsigned int i, nr = 1U << order;
	swp_entry_t entry;
	bool low;

	/* A range lies in one cluster, and so in one table and one chunk. */
	BUILD_BUG_ON(VSWAP_CHUNK_SLOTS % VSWAP_TABLE_SLOTS);
	spin_lock(&si->lock);
	entry = swap_alloc_virtual_range(si, order);
	*exhausted = !entry.val;
	if (entry.val) {
		for (i = 0; i < nr; i++)
			vswap_slot_hold(swp_offset(entry) + i);
		if (vswap_slot_metadata(swp_offset(entry))) {
			swap_free_virtual_slots(si, entry, nr);
			entry.val = 0;
		}
	}
	low = vswap_space_low(si);
	spin_unlock(&si->lock);
	if (low)
		queue_work(system_unbound_wq, &vswap_grow_work);
	return entry;
}

/**
 * vswap_range_set_disk - Point a range of virtual slots at a disk range.
 * @entry: the first virtual slot, of a large folio being swapped out
 * @disk: the first disk slot
 * @nr: the number of slots
 *
 * The descriptors are new (EMPTY), or MEMORY under the locked folio.
 */
void vswap_range_set_disk(swp_entry_t entry, swp_entry_t disk,
			  unsigned int nr)
{
	unsigned long *desc = vswap_desc(entry), old;
	unsigned long tiered = vswap_phys_tiered(swp_type(disk));
	unsigned int i;

	/*
	 * Charged now if the range has its record, else by the caller; one
	 * TIERED bit for the range, even if its device joins a tier meanwhile.
	 */
	swap_tiers_charge(entry, SWAP_TIER_NONE,
			  vswap_desc_tier(__vswap_phys_desc(disk) | tiered), nr);
	/* A range is within one cluster: one stamp. */
	vswap_stamp_disk(disk);
	for (i = 0; i < nr; i++, disk.val++) {
		old = READ_ONCE(desc[i]);
		VM_WARN_ON_ONCE(vswap_desc_tier(old) != SWAP_TIER_NONE);
		WRITE_ONCE(desc[i], __vswap_phys_desc(disk) | tiered);
		if (vswap_desc_tag(old) != VSWAP_DESC_EMPTY)
			this_cpu_dec(vswap_nr_desc[vswap_desc_tag(old)]);
	}
	this_cpu_add(vswap_nr_desc[VSWAP_DESC_PHYS], nr);
}

/**
 * vswap_tiers_charge_new - Charge the tier of a new large folio's range.
 * @folio: the folio, whose swap charge folio_alloc_swap() just took
 * @entry: its first virtual slot
 *
 * vswap_alloc() points a large folio's slots at a disk range before
 * mem_cgroup_try_charge_swap() records the slots' cgroup, so the range's
 * tier is charged here, once the record exists.  Order-0 slots start in
 * memory, on no tier.
 */
void vswap_tiers_charge_new(struct folio *folio, swp_entry_t entry)
{
	if (!is_vswap_entry(entry) || !folio_test_large(folio))
		return;
	swap_tiers_charge(entry, SWAP_TIER_NONE,
			  vswap_desc_tier(READ_ONCE(*vswap_desc(entry))),
			  folio_nr_pages(folio));
}

/*
 * A virtual range for large @folio, its descriptors pointing at a disk
 * range of the same order taken first (see "Large folios" in
 * Documentation/mm/vswap.rst).  With no disk range for it the folio gets
 * nothing and reclaim splits it; with no virtual range it gets classic
 * entries, *@classic says.
 */
static swp_entry_t vswap_alloc_large(struct folio *folio, bool *classic)
{
	struct swap_info_struct *si = vswap_si;
	struct mem_cgroup *memcg = folio_memcg(folio);
	unsigned int nr = folio_nr_pages(folio), tiers;
	int order = folio_order(folio);
	swp_entry_t entry, disk;
	unsigned long seen;
	bool exhausted;

	*classic = false;
	/* A cgroup that keeps its pages off the disk: they may go to zswap. */
	if (!mem_cgroup_zswap_writeback_enabled(memcg))
		return (swp_entry_t){ 0 };
	tiers = swap_tiers_usable(memcg, swap_tiers_allowed(memcg), nr);
	disk = vswap_disk_range_alloc(order, tiers);
	if (!disk.val)
		return disk;

	seen = READ_ONCE(vswap_chunks);
	entry = vswap_take_range(si, order, &exhausted);
	if (exhausted &&
	    vswap_grow(seen, GFP_NOWAIT | __GFP_HIGH | __GFP_NOWARN) == 0)
		entry = vswap_take_range(si, order, &exhausted);
	if (!entry.val) {
		swap_free_backing_range(disk, nr);
		vswap_count_disk(swp_type(disk), -(long)nr);
		*classic = true;
		return entry;
	}
	vswap_range_set_disk(entry, disk, nr);
	count_vm_events(VSWAP_ALLOC, nr);
	return entry;
}

/**
 * vswap_alloc - Allocate a virtual swap entry for @folio.
 * @folio: an anonymous or shmem folio being swapped out
 * @classic: set if the caller should try classic entries instead
 *
 * An order-0 folio's slot comes from this CPU's slot cache with
 * SWAP_HAS_CACHE, like a device slot from get_swap_pages(); its descriptor
 * starts as VSWAP_DESC_MEMORY.  A large folio gets a naturally aligned
 * range whose descriptors name a disk range of the same order at once,
 * since it will be written whole; if no disk range is free, it gets
 * nothing and *@classic stays false, so that reclaim splits it.
 *
 * Return: the (first) entry, or an entry with val 0 if the virtual space is
 * full or the slot's metadata could not be allocated (*@classic set), or a
 * large folio cannot be written whole or the folio's cgroup allows no tier
 * that could take it, or every tier it allows is at its limits (limit
 * events counted) (*@classic clear).
 */
swp_entry_t vswap_alloc(struct folio *folio, bool *classic)
{
	struct mem_cgroup *memcg = folio_memcg(folio);
	struct swap_info_struct *si = vswap_si;
	unsigned int allowed, tiers;
	unsigned long seen;
	swp_entry_t entry;
	bool exhausted;

	*classic = true;
	if (!si)
		return (swp_entry_t){ 0 };
	/*
	 * No tier would take its data, or all are at the cgroup's limits: no
	 * entry, as no device slot either, so that reclaim leaves the folio
	 * mapped, as at memory.swap.max.
	 */
	allowed = swap_tiers_allowed(memcg);
	if (!zswap_is_enabled())
		allowed &= ~BIT(SWAP_TIER_ZSWAP);
	tiers = swap_tiers_usable(memcg, allowed, folio_nr_pages(folio));
	if (!(tiers & BIT(SWAP_TIER_ZSWAP)) && !swap_tiers_have_device(tiers)) {
		if (tiers != allowed)
			swap_tiers_count_limited(memcg, allowed, tiers);
		*classic = false;
		return (swp_entry_t){ 0 };
	}
	if (folio_test_large(folio)) {
		if (!IS_ENABLED(CONFIG_THP_SWAP)) {
			*classic = false;
			return (swp_entry_t){ 0 };
		}
		return vswap_alloc_large(folio, classic);
	}
	seen = READ_ONCE(vswap_chunks);
	entry = vswap_take_slot(si, &exhausted);
	/*
	 * The mapped chunks are full: map one now, as a descriptor table is
	 * allocated, from the reserves; or give up.
	 */
	if (exhausted &&
	    vswap_grow(seen, GFP_NOWAIT | __GFP_HIGH | __GFP_NOWARN) == 0)
		entry = vswap_take_slot(si, &exhausted);
	if (!entry.val)
		return entry;
	WRITE_ONCE(*vswap_desc(entry), VSWAP_DESC_MEMORY);
	this_cpu_inc(vswap_nr_desc[VSWAP_DESC_MEMORY]);
	count_vm_event(VSWAP_ALLOC);
	return entry;
}

/*
 * Clear the descriptor of a slot being freed: its swap count is 0 and its
 * swap cache gone, so nobody else can reach it.  zswap has already dropped
 * its copy (zswap_invalidate() runs on every path that frees a slot).  The
 * caller frees the disk slot and uncharges the slot if the old descriptor,
 * returned, says so; the slot keeps its place in its cluster and table
 * until vswap_release().
 */
static unsigned long vswap_slot_clear(swp_entry_t entry)
{
	unsigned long *table = vswap_table(swp_offset(entry));
	unsigned long *slot, desc;

	if (!table)
		return VSWAP_DESC_EMPTY;	/* its metadata could not be had */
	slot = &table[swp_offset(entry) % VSWAP_TABLE_SLOTS];
	desc = READ_ONCE(*slot);
	if (vswap_desc_tag(desc) == VSWAP_DESC_EMPTY)
		return desc;	/* released already, or never handed out */
	WRITE_ONCE(*slot, VSWAP_DESC_EMPTY);
	this_cpu_dec(vswap_nr_desc[vswap_desc_tag(desc)]);
	/*
	 * A path that freed a slot without zswap_invalidate() would leak the
	 * entry, its pool memory, its memcg charge and its LRU node.
	 */
	WARN_ONCE(vswap_desc_tag(desc) == VSWAP_DESC_ZSWAP,
		  "vswap: slot %lx freed with its zswap entry\n",
		  swp_offset(entry));
	count_vm_event(VSWAP_FREE);
	return desc;
}

/**
 * vswap_free_slot - Free a virtual slot whose last reference is gone.
 * @entry: the slot: swap count 0, SWAP_HAS_CACHE, no swap cache folio
 *
 * Called by free_swap_slot().  The slot's backend, descriptor and memcg
 * charge go now, so counters and limits never wait for a batch; the bare
 * slot goes to this CPU's return cache, which frees VSWAP_BATCH slots
 * under one hold of si->lock.
 */
void vswap_free_slot(swp_entry_t entry)
{
	unsigned long desc = vswap_slot_clear(entry);
	struct vswap_slot_cache *cache;

	if (vswap_desc_tag(desc) == VSWAP_DESC_PHYS)
		vswap_disk_slot_free(vswap_phys_slot(desc));
	if (vswap_desc_tag(desc) != VSWAP_DESC_EMPTY) {
		/* The tier first: uncharging the swap drops the record. */
		vswap_charge_move(entry, desc, VSWAP_DESC_EMPTY, 1);
		mem_cgroup_uncharge_swap(entry, 1);
	}
	cache = raw_cpu_ptr(&vswap_slot_cache);
	spin_lock(&cache->ret_lock);
	if (unlikely(!cache->ret_online)) {
		spin_unlock(&cache->ret_lock);
		swapcache_free_entries(&entry, 1);
		return;
	}
	if (cache->nr_ret == VSWAP_BATCH) {
		swapcache_free_entries(cache->ret, cache->nr_ret);
		cache->nr_ret = 0;
	}
	cache->ret[cache->nr_ret++] = entry;
	spin_unlock(&cache->ret_lock);
}

/**
 * vswap_release - Release freed virtual slots.
 * @entry: the first slot
 * @nr: the number of slots
 *
 * Called by swap_entry_range_free() with the virtual device's si->lock
 * held, once the slots have no swap count and no swap cache left.  Slots
 * that came through vswap_free_slot() were released already; others (a
 * refill's spares, a slot freed directly) lose their backend and charge
 * here.  Then each slot leaves its cluster and chunk, whose table and
 * swap_cgroup records go when their last slot does.
 */
void vswap_release(swp_entry_t entry, unsigned int nr)
{
	struct vswap_disk_run disk = { .nr = 0 };
	swp_entry_t charged = entry, slot = entry;
	unsigned int i, nr_charged = 0;
	unsigned short id = 0, slot_id;
	int tier = SWAP_TIER_NONE, slot_tier;
	unsigned long desc;

	lockdep_assert_held(&vswap_si->lock);
	/*
	 * A large folio's range is freed as 6.12 frees a classic range: its
	 * disk range at once, and its charges with one uncharge per run of
	 * slots of one memcg on one tier; the tier first, as uncharging the
	 * swap drops the records.
	 */
	for (i = 0; i < nr; i++, slot.val++) {
		desc = vswap_slot_clear(slot);
		if (vswap_desc_tag(desc) == VSWAP_DESC_EMPTY)
			continue;
		if (vswap_desc_tag(desc) == VSWAP_DESC_PHYS)
			vswap_disk_run_add(&disk, vswap_phys_slot(desc));
		slot_id = lookup_swap_cgroup_id(slot);
		slot_tier = vswap_desc_tier(desc);
		if (nr_charged && (slot_id != id || slot_tier != tier ||
				   slot.val != charged.val + nr_charged)) {
			swap_tiers_charge(charged, tier, SWAP_TIER_NONE,
					  nr_charged);
			mem_cgroup_uncharge_swap(charged, nr_charged);
			nr_charged = 0;
		}
		if (!nr_charged) {
			charged = slot;
			id = slot_id;
			tier = slot_tier;
		}
		nr_charged++;
	}
	vswap_disk_run_flush(&disk);
	if (nr_charged) {
		swap_tiers_charge(charged, tier, SWAP_TIER_NONE, nr_charged);
		mem_cgroup_uncharge_swap(charged, nr_charged);
	}
	/* Last: this may give the records and table back. */
	for (i = 0; i < nr; i++, entry.val++)
		vswap_slot_unhold(swp_offset(entry));
}

static int vswap_cpu_online(unsigned int cpu)
{
	struct vswap_slot_cache *cache = per_cpu_ptr(&vswap_slot_cache, cpu);

	mutex_lock(&cache->lock);
	cache->online = true;
	mutex_unlock(&cache->lock);
	spin_lock(&cache->ret_lock);
	cache->ret_online = true;
	spin_unlock(&cache->ret_lock);
	return 0;
}

/*
 * Free the slots in @cpu's caches and close its virtual slot cache: it is
 * going offline.  Its disk slot caches stay open: a task that frees into
 * one later leaves the slot for the device's swapoff to drain.
 */
static int vswap_cpu_offline(unsigned int cpu)
{
	struct vswap_slot_cache *cache = per_cpu_ptr(&vswap_slot_cache, cpu);
	unsigned int type;

	for (type = 0; type < MAX_SWAPFILES; type++)
		vswap_disk_cache_drain(type, cpu);

	/* Never handed out: no backend, no charge, only the slots. */
	mutex_lock(&cache->lock);
	cache->online = false;
	swapcache_free_entries(cache->slots + cache->cur,
			       cache->nr - cache->cur);
	cache->nr = 0;
	cache->cur = 0;
	mutex_unlock(&cache->lock);

	spin_lock(&cache->ret_lock);
	cache->ret_online = false;
	swapcache_free_entries(cache->ret, cache->nr_ret);
	cache->nr_ret = 0;
	spin_unlock(&cache->ret_lock);
	return 0;
}

/*********************************
 * setup and statistics
 **********************************/

/**
 * vswap_space_init - Allocate the virtual space's own metadata.
 * @maxpages: the slots of the space
 *
 * The per-cluster table pointers and counts and the sparse swap map, with
 * its first chunk mapped: swap_register_virtual() writes slot 0.
 *
 * Return: the swap map, or NULL with nothing allocated but the page tables
 * of the map's area, which init_mm keeps.
 */
unsigned char * __init vswap_space_init(unsigned long maxpages)
{
	unsigned long nr_clusters = DIV_ROUND_UP(maxpages, VSWAP_TABLE_SLOTS);
	struct page *page = NULL;
	unsigned char *map;

	vswap_tables = kvcalloc(nr_clusters, sizeof(*vswap_tables), GFP_KERNEL);
	vswap_cluster_used = kvcalloc(nr_clusters, sizeof(*vswap_cluster_used),
				      GFP_KERNEL);
	map = vswap_map_create(maxpages);
	if (map)
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!vswap_tables || !vswap_cluster_used || !page ||
	    vswap_map_populate(0, page))
		goto fail;
	set_bit(0, vswap_chunk_mapped);
	vswap_chunks = 1;
	vswap_grow_next = 1;
	return map;

fail:
	if (page)
		__free_page(page);
	kvfree(vswap_tables);
	kvfree(vswap_cluster_used);
	vswap_tables = NULL;
	vswap_cluster_used = NULL;
	if (map)
		vswap_map_destroy();
	return NULL;
}

/**
 * vswap_space_start - Let the allocator hand out slots of the registered space.
 * @si: the virtual device, registered on the map of vswap_space_init()
 *
 * Lists the first chunk's clusters and opens the per-CPU slot caches.
 */
void __init vswap_space_start(struct swap_info_struct *si)
{
	int cpu;

	swap_virtual_add_clusters(si, 0, VSWAP_CHUNK_SLOTS);
	for_each_possible_cpu(cpu) {
		struct vswap_slot_cache *cache = per_cpu_ptr(&vswap_slot_cache, cpu);

		mutex_init(&cache->lock);
		spin_lock_init(&cache->ret_lock);
	}
	/* Until this runs, every CPU's cache is closed: slots go direct. */
	if (cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "mm/vswap:online",
			      vswap_cpu_online, vswap_cpu_offline) < 0)
		pr_warn("no per-CPU slot caches: every slot takes si->lock\n");
}

/**
 * vswap_metadata_bytes - What the virtual space costs in memory now.
 *
 * The mapped pages of its swap map and the page tables of all of it, its
 * clusters, the table pointers and counts per cluster and
 * chunk, the tables and swap_cgroup records in use, and the per-CPU slot
 * caches.  (The swap cache costs what it costs for any swap device.)
 *
 * Return: the bytes.
 */
unsigned long vswap_metadata_bytes(void)
{
	struct swap_info_struct *si = vswap_si;
	unsigned long nr_clusters = DIV_ROUND_UP(si->max, VSWAP_TABLE_SLOTS);
	unsigned long bytes;

	bytes = READ_ONCE(vswap_chunks) * PAGE_SIZE +
		DIV_ROUND_UP(vswap_nr_chunks, PTRS_PER_PTE) * PAGE_SIZE +
		nr_clusters * (sizeof(struct swap_cluster_info) +
			       sizeof(*vswap_tables) + sizeof(*vswap_cluster_used)) +
		vswap_nr_chunks * sizeof(*vswap_chunk_used) +
		2 * BITS_TO_LONGS(vswap_nr_chunks) * sizeof(long) +
		READ_ONCE(vswap_nr_tables) * VSWAP_TABLE_BYTES +
		num_possible_cpus() * sizeof(struct vswap_slot_cache);
	if (!mem_cgroup_disabled())
		bytes += READ_ONCE(vswap_nr_records) * VSWAP_CHUNK_SLOTS *
			 sizeof(unsigned short) +
			 DIV_ROUND_UP(si->max, PAGE_SIZE / sizeof(unsigned short)) *
			 sizeof(struct page *);
	return bytes;
}

/**
 * vswap_populated_slots - Slots whose swap map is mapped.
 *
 * Return: the number of slots.
 */
unsigned long vswap_populated_slots(void)
{
	return min_t(unsigned long, READ_ONCE(vswap_chunks) * VSWAP_CHUNK_SLOTS,
		     vswap_si->max);
}
