// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: disk slots for virtual entries' data.
 *
 * Per-CPU caches of disk slots per device, taken and freed in batches;
 * ranges for large folios; the flags of the device a virtual entry's data
 * is on.  Documentation/mm/vswap.rst, "Disk slots", has the design.
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
 * disk slots
 **********************************/

/*
 * Per-CPU caches of disk slots, one per swap device (type), as the swap
 * slot cache keeps for classic entries: a device's si->lock (and, on
 * allocation, swap_avail_lock) is taken once per VSWAP_DISK_BATCH slots
 * taken and once per VSWAP_DISK_BATCH slots freed.  Slots in a cache are
 * SWAP_MAP_BAD on their device, like slots that hold data, and are
 * counted in vswap_nr_disk[], so swapoff, which drains every CPU's cache
 * of its device, waits for them like for slots in use.
 *
 * A type's caches are allocated the first time a CPU takes a batch from
 * it and kept for the type's next swapon, as its swap_info_struct is.
 * Without them (the allocation failed) slots go one at a time.  The lock
 * is a spinlock: frees come from under the page table lock and the
 * virtual device's si->lock; refills, which may sleep, run outside it.
 */
#define VSWAP_DISK_BATCH	32

struct vswap_disk_cache {
	spinlock_t lock;		/* both sides: held for a copy only */
	unsigned int nr;		/* free slots */
	unsigned int nr_ret;		/* slots being freed */
	swp_entry_t slots[VSWAP_DISK_BATCH];
	swp_entry_t ret[VSWAP_DISK_BATCH];
};

static struct vswap_disk_cache __percpu *vswap_disk_caches[MAX_SWAPFILES];

/*
 * The device this CPU took its last batch from, per device tier (index
 * Idx + 1; 0 while there are no tiers), or -1.
 */
static DEFINE_PER_CPU(int, vswap_disk_type[1 + CONFIG_NR_SWAP_TIERS]) = {
	[0 ... CONFIG_NR_SWAP_TIERS] = -1
};

/**
 * vswap_count_disk - Count disk slots taken (or, negative, freed) on a device.
 * @type: the device
 * @delta: the number of slots
 */
void vswap_count_disk(unsigned int type, long delta)
{
	this_cpu_add(vswap_nr_disk[type], delta);
}

/* @type's caches, allocated if they are not yet; NULL without memory. */
static struct vswap_disk_cache __percpu *vswap_disk_caches_get(unsigned int type)
{
	struct vswap_disk_cache __percpu *caches;
	int cpu;

	caches = READ_ONCE(vswap_disk_caches[type]);
	if (caches)
		return caches;
	caches = alloc_percpu_gfp(struct vswap_disk_cache,
				  GFP_NOWAIT | __GFP_NOWARN);
	if (!caches)
		return NULL;
	for_each_possible_cpu(cpu)
		spin_lock_init(&per_cpu_ptr(caches, cpu)->lock);
	/* Pairs with the READ_ONCE()s: the locks are initialised first. */
	if (cmpxchg_release(&vswap_disk_caches[type], NULL, caches)) {
		free_percpu(caches);
		caches = READ_ONCE(vswap_disk_caches[type]);
	}
	return caches;
}

/* Free @nr cached slots of one device and stop counting them. */
static void vswap_disk_slots_put(swp_entry_t *slots, unsigned int nr)
{
	if (!nr)
		return;
	swap_free_backing_slots(slots, nr);
	vswap_count_disk(swp_type(slots[0]), -(long)nr);
}

/* A slot from this CPU's cache of device @type, or val 0. */
static swp_entry_t vswap_disk_cache_take(int type)
{
	struct vswap_disk_cache __percpu *caches;
	struct vswap_disk_cache *cache;
	swp_entry_t slot = { 0 };

	caches = READ_ONCE(vswap_disk_caches[type]);
	if (!caches)
		return slot;
	cache = raw_cpu_ptr(caches);
	spin_lock(&cache->lock);
	if (cache->nr)
		slot = cache->slots[--cache->nr];
	spin_unlock(&cache->lock);
	return slot;
}

/**
 * vswap_disk_cache_drain - Free the slots a CPU's cache of a device holds.
 * @type: the device
 * @cpu: the CPU
 */
void vswap_disk_cache_drain(unsigned int type, unsigned int cpu)
{
	struct vswap_disk_cache __percpu *caches;
	struct vswap_disk_cache *cache;

	caches = READ_ONCE(vswap_disk_caches[type]);
	if (!caches)
		return;
	cache = per_cpu_ptr(caches, cpu);
	spin_lock(&cache->lock);
	vswap_disk_slots_put(cache->slots, cache->nr);
	vswap_disk_slots_put(cache->ret, cache->nr_ret);
	cache->nr = 0;
	cache->nr_ret = 0;
	spin_unlock(&cache->lock);
}

/*
 * Free the slots every CPU's caches of every device hold, unless that was
 * done less than HZ / 10 ago.  Return: true if it was done now.
 */
static bool vswap_disk_caches_drain_all(void)
{
	static unsigned long last = INITIAL_JIFFIES;
	unsigned long now = jiffies, prev = READ_ONCE(last);
	unsigned int type, cpu;

	/* One drainer per period; the others fail as the cache would. */
	if (time_before(now, prev + HZ / 10) ||
	    cmpxchg(&last, prev, now) != prev)
		return false;
	for (type = 0; type < MAX_SWAPFILES; type++) {
		if (!READ_ONCE(vswap_disk_caches[type]))
			continue;
		for_each_possible_cpu(cpu)
			vswap_disk_cache_drain(type, cpu);
	}
	return true;
}

/*
 * A slot from this CPU's cache of the device it last took a batch from for
 * @last (an index of vswap_disk_type), if that device is in @tiers and
 * takes writes; or val 0.
 */
static swp_entry_t vswap_disk_cached(int last, unsigned int tiers)
{
	int type = this_cpu_read(vswap_disk_type[last]);
	swp_entry_t slot;

	/* A type swapped off and on again may be in another tier now. */
	if (type < 0 || !swap_tiers_allow_type(tiers, type))
		return (swp_entry_t){ 0 };
	slot = vswap_disk_cache_take(type);
	/* A device being swapped off gets no new data. */
	if (slot.val &&
	    unlikely(!(READ_ONCE(swp_swap_info(slot)->flags) & SWP_WRITEOK))) {
		vswap_disk_slots_put(&slot, 1);
		slot.val = 0;
	}
	return slot;
}

/*
 * A slot from a new batch of up to @nr on the highest-priority device of
 * @tiers with space (get_swap_pages() rotates devices of equal priority
 * per batch); the rest go to this CPU's cache of that device, which
 * becomes the one for @last.  Return: the slot, or val 0.
 */
static swp_entry_t vswap_disk_refill(int last, unsigned int tiers,
				     unsigned int nr)
{
	struct vswap_disk_cache __percpu *caches;
	swp_entry_t batch[VSWAP_DISK_BATCH];
	struct vswap_disk_cache *cache;
	unsigned int n, kept = 0;
	int type;

	n = swap_alloc_backing_slots(batch, nr, tiers);
	if (!n)
		return (swp_entry_t){ 0 };
	type = swp_type(batch[0]);
	vswap_count_disk(type, n);
	/* Once per batch: is the device's tier above its high watermark? */
	vswap_auto_check(type);
	this_cpu_write(vswap_disk_type[last], type);
	caches = vswap_disk_caches_get(type);
	if (caches) {
		cache = raw_cpu_ptr(caches);
		spin_lock(&cache->lock);
		/* Another task on this CPU may have refilled meanwhile. */
		kept = min(n - 1, VSWAP_DISK_BATCH - cache->nr);
		memcpy(cache->slots + cache->nr, batch + 1,
		       kept * sizeof(*batch));
		cache->nr += kept;
		spin_unlock(&cache->lock);
	}
	vswap_disk_slots_put(batch + 1 + kept, n - 1 - kept);
	return batch[0];
}

/*
 * Walk the device tiers @tiers allows, top down: a tier's cached slot, or
 * else, if the tier may have space, a new batch of @nr from it.
 */
static swp_entry_t vswap_disk_tiers_alloc(unsigned int tiers, unsigned int nr)
{
	swp_entry_t slot = { 0 };
	int pos = 0, idx;
	unsigned int tier;

	while (!slot.val &&
	       (idx = swap_tiers_next_allowed(tiers, &pos)) != SWAP_TIER_NONE) {
		tier = BIT(swap_tier_id_of_idx(idx));
		slot = vswap_disk_cached(idx + 1, tier);
		if (!slot.val && swap_tier_has_space(idx))
			slot = vswap_disk_refill(idx + 1, tier, nr);
		/* A full tier may be above its high watermark. */
		if (!slot.val)
			vswap_auto_check_tier(swap_tier_id_of_idx(idx));
	}
	return slot;
}

/**
 * vswap_disk_slot_alloc - A disk slot for a virtual entry's data.
 * @tiers: the swap tier ids the page's cgroup may use (swap_tiers_usable())
 *
 * Without device tiers, from any device, highest priority first.  With
 * them, from the first allowed tier, top down, with a device that has
 * space: each tier has its own device in each CPU's cache, so cgroups
 * with different tiers do not take each other's batches.  Slots come from
 * this CPU's cache of the device, or from a new batch of VSWAP_DISK_BATCH.
 *
 * Return: the slot, counted, or val 0 if no allowed device has space.
 */
swp_entry_t vswap_disk_slot_alloc(unsigned int tiers)
{
	bool tiered = swap_tiers_defined();
	swp_entry_t slot;

	if (tiered)
		slot = vswap_disk_tiers_alloc(tiers, VSWAP_DISK_BATCH);
	else
		slot = vswap_disk_cached(0, SWAP_TIERS_ALL);
	if (!tiered && !slot.val)
		slot = vswap_disk_refill(0, SWAP_TIERS_ALL, VSWAP_DISK_BATCH);
	if (slot.val)
		return slot;
	/*
	 * The devices are full, but for what the CPUs' caches may hold: give
	 * that back and try once more, as swap_slots.c stops caching when
	 * swap runs low.  At most ten times a second: a drain visits every
	 * CPU.
	 */
	if (!vswap_disk_caches_drain_all())
		return slot;
	if (tiered)
		return vswap_disk_tiers_alloc(tiers, 1);
	return vswap_disk_refill(0, SWAP_TIERS_ALL, 1);
}

/**
 * vswap_disk_slot_free - Free a disk slot that held a virtual entry's data.
 * @slot: the disk slot
 *
 * Into this CPU's cache of its device, which frees VSWAP_DISK_BATCH of them
 * at a time.  The slot stays counted until then.
 */
void vswap_disk_slot_free(swp_entry_t slot)
{
	struct vswap_disk_cache __percpu *caches;
	struct vswap_disk_cache *cache;
	unsigned int type = swp_type(slot);

	caches = READ_ONCE(vswap_disk_caches[type]);
	/* Without caches, or while swapoff waits: free it now. */
	if (!caches ||
	    unlikely(!(READ_ONCE(swp_swap_info(slot)->flags) & SWP_WRITEOK))) {
		vswap_disk_slots_put(&slot, 1);
		return;
	}
	cache = raw_cpu_ptr(caches);
	spin_lock(&cache->lock);
	if (cache->nr_ret == VSWAP_DISK_BATCH) {
		vswap_disk_slots_put(cache->ret, cache->nr_ret);
		cache->nr_ret = 0;
	}
	cache->ret[cache->nr_ret++] = slot;
	spin_unlock(&cache->lock);
}

/**
 * vswap_disk_run_flush - Free the disk slots a run holds.
 * @run: the run; empty afterwards
 */
void vswap_disk_run_flush(struct vswap_disk_run *run)
{
	if (run->nr == 1 && !run->direct) {
		vswap_disk_slot_free(run->first);
	} else if (run->nr == 1) {
		vswap_disk_slots_put(&run->first, 1);
	} else if (run->nr > 1) {
		swap_free_backing_range(run->first, run->nr);
		vswap_count_disk(swp_type(run->first), -(long)run->nr);
	}
	run->nr = 0;
}

/**
 * vswap_disk_run_add - Add a disk slot being freed to a run.
 * @run: the run, flushed first if @slot does not extend it
 * @slot: the disk slot
 */
void vswap_disk_run_add(struct vswap_disk_run *run, swp_entry_t slot)
{
	/* The next slot, and not the first of the next cluster. */
	if (run->nr && slot.val == run->first.val + run->nr &&
	    swp_offset(slot) % SWAPFILE_CLUSTER) {
		run->nr++;
		return;
	}
	vswap_disk_run_flush(run);
	run->first = slot;
	run->nr = 1;
}

/**
 * vswap_disk_range_alloc - A disk range for a large folio's data.
 * @order: the range has 1 << @order slots
 * @tiers: the swap tier ids the folio's cgroup may use; the range is on
 *	the highest-priority allowed device with one free
 *
 * Gives back what the CPUs' disk slot caches hold if no device has a range
 * free, and tries once more: cached slots keep clusters from being free.
 *
 * Return: the first slot, the range counted, or val 0.
 */
swp_entry_t vswap_disk_range_alloc(int order, unsigned int tiers)
{
	swp_entry_t disk = swap_alloc_backing_range(order, tiers);

	if (!disk.val && vswap_disk_caches_drain_all())
		disk = swap_alloc_backing_range(order, tiers);
	if (disk.val) {
		vswap_count_disk(swp_type(disk), 1U << order);
		vswap_auto_check(swp_type(disk));
	}
	return disk;
}

/**
 * vswap_disk_cached_slots - Disk slots the per-CPU disk slot caches hold.
 *
 * Return: the slots, free or being freed, of every CPU and device.
 */
unsigned long vswap_disk_cached_slots(void)
{
	struct vswap_disk_cache __percpu *caches;
	struct vswap_disk_cache *cache;
	unsigned long nr = 0;
	unsigned int type, cpu;

	for (type = 0; type < MAX_SWAPFILES; type++) {
		caches = READ_ONCE(vswap_disk_caches[type]);
		if (!caches)
			continue;
		for_each_possible_cpu(cpu) {
			cache = per_cpu_ptr(caches, cpu);
			nr += READ_ONCE(cache->nr) + READ_ONCE(cache->nr_ret);
		}
	}
	return nr;
}

/*********************************
 * the backing device's flags
 **********************************/

/*
 * Active swap devices that write through a filesystem (swap over NFS).  A
 * virtual folio that is not on a disk yet may go to one of them.
 */
static atomic_t vswap_fs_ops_devices = ATOMIC_INIT(0);

/**
 * vswap_device_enable - Note a swap device that starts taking new slots.
 * @si: the device, as swapon (or a failed swapoff) makes it SWP_WRITEOK
 */
void vswap_device_enable(struct swap_info_struct *si)
{
	if (si->flags & SWP_FS_OPS)
		atomic_inc(&vswap_fs_ops_devices);
}

/**
 * vswap_device_disable - Note a swap device that takes no new slots.
 * @si: the device, as swapoff clears its SWP_WRITEOK
 */
void vswap_device_disable(struct swap_info_struct *si)
{
	if (si->flags & SWP_FS_OPS)
		atomic_dec(&vswap_fs_ops_devices);
}

/**
 * vswap_folio_swap_flags - The swap device flags that apply to a virtual folio.
 * @folio: a locked or writeback swap cache folio of a virtual entry
 *
 * Use folio_swap_flags(), which also serves classic entries.  If the data
 * is on a disk, the flags are that disk's.  A folio that is not under
 * writeback may still be written, and vswap_writepage() chooses the disk
 * then - a new one even for data already on a disk - without knowing the
 * reclaimer's gfp mask: while any active device writes through a
 * filesystem, such a folio reports SWP_FS_OPS, so that reclaim without
 * __GFP_FS keeps it.
 *
 * Return: the flags of the device that holds, or may come to hold, the data.
 */
unsigned int vswap_folio_swap_flags(struct folio *folio)
{
	/* The disk slot if the data is on one, else the virtual entry. */
	unsigned int flags = swp_swap_info(vswap_folio_slot(folio))->flags;

	if (!folio_test_writeback(folio) && atomic_read(&vswap_fs_ops_devices))
		flags |= SWP_FS_OPS;
	return flags;
}

/**
 * vswap_count_stable_write_fault - Count a fault that mapped a page read-only
 * because its write to a stable-writes disk was still in flight.
 * @entry: the swap entry of the fault
 */
void vswap_count_stable_write_fault(swp_entry_t entry)
{
	if (is_vswap_entry(entry))
		count_vm_event(VSWAP_STABLE_WRITE_FAULT);
}
