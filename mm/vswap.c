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

/*********************************
 * descriptor encoding
 **********************************/

/*
 * The low bits of a descriptor are its tag.  EMPTY is what a zeroed table
 * holds: the slot owns no descriptor (and no reference on its table).
 */
#define VSWAP_TAG_BITS		3
#define VSWAP_TAG_MASK		((1UL << VSWAP_TAG_BITS) - 1)

enum vswap_tag {
	VSWAP_DESC_EMPTY,	/* slot not in use, or not set up */
	VSWAP_DESC_MEMORY,	/* data only in the swap cache folio */
	VSWAP_DESC_SAME,	/* payload: the repeated word */
	VSWAP_DESC_ZSWAP,	/* payload: the struct zswap_entry holding it */
	VSWAP_DESC_PHYS,	/* payload: a slot on a swap device */
	VSWAP_DESC_ERROR,	/* the data was lost to a read error; reads fail */
	VSWAP_DESC_NR,
};

static inline enum vswap_tag vswap_desc_tag(unsigned long desc)
{
	return desc & VSWAP_TAG_MASK;
}

/* Can @word be kept in a descriptor?  It must sign-extend from 61 bits. */
static inline bool vswap_same_fits(unsigned long word)
{
	return (unsigned long)((long)(word << VSWAP_TAG_BITS) >>
			       VSWAP_TAG_BITS) == word;
}

static inline unsigned long vswap_same_desc(unsigned long word)
{
	return (word << VSWAP_TAG_BITS) | VSWAP_DESC_SAME;
}

static inline unsigned long vswap_same_word(unsigned long desc)
{
	return (unsigned long)((long)desc >> VSWAP_TAG_BITS);
}

/*
 * zswap keeps a virtual slot's entry here instead of in a tree: the pointer,
 * 8-byte aligned like every slab object, with the tag in its low bits.
 */
static inline unsigned long vswap_zswap_desc(struct zswap_entry *zentry)
{
	VM_WARN_ON_ONCE((unsigned long)zentry & VSWAP_TAG_MASK);
	return (unsigned long)zentry | VSWAP_DESC_ZSWAP;
}

static inline struct zswap_entry *vswap_desc_zswap(unsigned long desc)
{
	return (struct zswap_entry *)(desc & ~VSWAP_TAG_MASK);
}

/*
 * A physical slot is kept as its offset above its type above the tag, so
 * offsets up to 2^56 fit; architectures allow far smaller swap devices.
 */
#define VSWAP_PHYS_TYPE_MASK	((1UL << MAX_SWAPFILES_SHIFT) - 1)
#define VSWAP_PHYS_OFFSET_SHIFT	(VSWAP_TAG_BITS + MAX_SWAPFILES_SHIFT)

static inline unsigned long vswap_phys_desc(swp_entry_t slot)
{
	return (swp_offset(slot) << VSWAP_PHYS_OFFSET_SHIFT) |
	       ((unsigned long)swp_type(slot) << VSWAP_TAG_BITS) |
	       VSWAP_DESC_PHYS;
}

static inline swp_entry_t vswap_phys_slot(unsigned long desc)
{
	return swp_entry((desc >> VSWAP_TAG_BITS) & VSWAP_PHYS_TYPE_MASK,
			 desc >> VSWAP_PHYS_OFFSET_SHIFT);
}

/*********************************
 * statistics and tunables
 **********************************/

int vswap_type __read_mostly = -1;
static struct swap_info_struct *vswap_si __read_mostly;

/*
 * Slots per backend, and physical slots owned by descriptors per device,
 * as per-CPU deltas: every transition changes them, on every CPU.  A disk
 * slot is counted before its descriptor is set and uncounted after it is
 * freed, so swapoff, which waits for the sum to reach zero, cannot miss a
 * slot that is being set up.
 */
static DEFINE_PER_CPU(long, vswap_nr_desc[VSWAP_DESC_NR]);
static DEFINE_PER_CPU(long, vswap_nr_disk[MAX_SWAPFILES]);

/* Sum a per-CPU counter; racy, as any statistic. */
#define vswap_sum(counter)					\
({								\
	long __sum = 0;						\
	int __cpu;						\
								\
	for_each_possible_cpu(__cpu)				\
		__sum += per_cpu(counter, __cpu);		\
	__sum;							\
})

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
 * descriptor tables
 **********************************/

/*
 * One table of descriptors per cluster of the virtual device.  A table,
 * and a chunk's swap_cgroup records, exist while any slot of theirs is
 * allocated: the slot cache's refill takes them, vswap_release() gives
 * them back, both under the virtual device's si->lock, which is therefore
 * all that protects the pointers and the counts.  A descriptor reader
 * holds its slot, so the table cannot go away under it.
 */
#define VSWAP_TABLE_SLOTS	SWAPFILE_CLUSTER
#define VSWAP_TABLE_BYTES	(VSWAP_TABLE_SLOTS * sizeof(unsigned long))

static unsigned long **vswap_tables __read_mostly;	/* per cluster */
static unsigned int *vswap_cluster_used;	/* allocated slots, per cluster */
static unsigned int *vswap_chunk_used;		/* allocated slots, per chunk */
static unsigned long *vswap_chunk_records;	/* chunks with swap_cgroup records */
static unsigned long vswap_nr_tables;		/* tables allocated */
static unsigned long vswap_nr_records;		/* chunks with swap_cgroup records */

/* The table of the cluster holding @offset, or NULL. */
static unsigned long *vswap_table(unsigned long offset)
{
	return READ_ONCE(vswap_tables[offset / VSWAP_TABLE_SLOTS]);
}

/* The descriptor of a slot the caller holds. */
static unsigned long *vswap_desc(swp_entry_t entry)
{
	unsigned long offset = swp_offset(entry);
	unsigned long *table = vswap_table(offset);

	VM_WARN_ON_ONCE(!table);
	return &table[offset % VSWAP_TABLE_SLOTS];
}

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
#define VSWAP_CHUNK_SLOTS	PAGE_SIZE
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
 * The map of @maxpages slots, none mapped: a VM_SPARSE area and the page
 * tables to map all of it later without allocating.
 */
static unsigned char *vswap_map_create(unsigned long maxpages)
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
	if (vswap_map_area)
		free_vm_area(vswap_map_area);
	vswap_map_area = NULL;
	kvfree(vswap_chunk_used);
	bitmap_free(vswap_chunk_records);
	bitmap_free(vswap_chunk_mapped);
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

/* The device this CPU took its last batch from, or -1. */
static DEFINE_PER_CPU(int, vswap_disk_type) = -1;

static void vswap_count_disk(unsigned int type, long delta)
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

/* Free the slots @cpu's cache of device @type holds. */
static void vswap_disk_cache_drain(unsigned int type, unsigned int cpu)
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
 * A slot on the swap device this CPU uses, from its cache, or from a new
 * batch on the highest-priority device with space (get_swap_pages()
 * rotates devices of equal priority per batch); val 0 if no device has
 * space.
 */
static swp_entry_t vswap_disk_slot_alloc(void)
{
	struct vswap_disk_cache __percpu *caches;
	swp_entry_t batch[VSWAP_DISK_BATCH];
	struct vswap_disk_cache *cache;
	int type = this_cpu_read(vswap_disk_type);
	unsigned int n, kept = 0;

	if (type >= 0) {
		batch[0] = vswap_disk_cache_take(type);
		/* A device being swapped off gets no new data. */
		if (batch[0].val &&
		    likely(READ_ONCE(swp_swap_info(batch[0])->flags) & SWP_WRITEOK))
			return batch[0];
		if (batch[0].val)
			vswap_disk_slots_put(batch, 1);
	}

	n = swap_alloc_backing_slots(batch, VSWAP_DISK_BATCH);
	if (!n) {
		/*
		 * The devices are full, but for what the CPUs' caches may
		 * hold: give that back and try once more, as swap_slots.c
		 * stops caching when swap runs low.  At most ten times a
		 * second: a drain visits every CPU.
		 */
		if (!vswap_disk_caches_drain_all())
			return (swp_entry_t){ 0 };
		n = swap_alloc_backing_slots(batch, 1);
		if (!n)
			return (swp_entry_t){ 0 };
	}
	type = swp_type(batch[0]);
	vswap_count_disk(type, n);
	this_cpu_write(vswap_disk_type, type);
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
 * Free a disk slot that held a virtual entry's data: into this CPU's cache
 * of its device, which frees VSWAP_DISK_BATCH of them at a time.  The slot
 * stays counted until then.
 */
static void vswap_disk_slot_free(swp_entry_t slot)
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

/*
 * Disk slots freed together: a run of consecutive slots in one cluster of
 * one device - a large folio's range - goes back with one hold of the
 * device's si->lock and cluster lock, as 6.12 frees a classic range; a
 * single slot goes through this CPU's disk slot cache.
 */
struct vswap_disk_run {
	swp_entry_t first;
	unsigned int nr;
};

static void vswap_disk_run_flush(struct vswap_disk_run *run)
{
	if (run->nr == 1) {
		vswap_disk_slot_free(run->first);
	} else if (run->nr > 1) {
		swap_free_backing_range(run->first, run->nr);
		vswap_count_disk(swp_type(run->first), -(long)run->nr);
	}
	run->nr = 0;
}

static void vswap_disk_run_add(struct vswap_disk_run *run, swp_entry_t slot)
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

/*
 * A disk range of @order, giving back what the CPUs' disk slot caches hold
 * if no device has one free: cached slots keep clusters from being free.
 */
static swp_entry_t vswap_disk_range_alloc(int order)
{
	swp_entry_t disk = swap_alloc_backing_range(order);

	if (!disk.val && vswap_disk_caches_drain_all())
		disk = swap_alloc_backing_range(order);
	if (disk.val)
		vswap_count_disk(swp_type(disk), 1U << order);
	return disk;
}

/*
 * Replace descriptor @old at @slot by @desc.  The caller excludes every other
 * writer: it holds the slot's swap cache folio locked, or the slot has no
 * swap count and no swap cache left and is being freed.
 */
static void vswap_desc_replace(unsigned long *slot, unsigned long old,
			       unsigned long desc)
{
	WRITE_ONCE(*slot, desc);
	this_cpu_dec(vswap_nr_desc[vswap_desc_tag(old)]);
	this_cpu_inc(vswap_nr_desc[vswap_desc_tag(desc)]);
}

/*
 * Point the slot of page @i of @folio, a swap cache folio the caller holds
 * locked, elsewhere.  A large folio's slots are one range in one table.
 */
static void vswap_desc_set_nr(struct folio *folio, unsigned int i,
			      unsigned long desc)
{
	unsigned long *slot = vswap_desc(folio->swap) + i;

	VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio), folio);
	vswap_desc_replace(slot, READ_ONCE(*slot), desc);
}

static void vswap_desc_set(struct folio *folio, unsigned long desc)
{
	vswap_desc_set_nr(folio, 0, desc);
}

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

/*
 * Point the descriptors of @nr slots from @entry on, new (EMPTY) or MEMORY,
 * at the disk range @disk.
 */
static void vswap_range_set_disk(swp_entry_t entry, swp_entry_t disk,
				 unsigned int nr)
{
	unsigned long *desc = vswap_desc(entry), old;
	unsigned int i;

	for (i = 0; i < nr; i++, disk.val++) {
		old = READ_ONCE(desc[i]);
		WRITE_ONCE(desc[i], vswap_phys_desc(disk));
		if (vswap_desc_tag(old) != VSWAP_DESC_EMPTY)
			this_cpu_dec(vswap_nr_desc[vswap_desc_tag(old)]);
	}
	this_cpu_add(vswap_nr_desc[VSWAP_DESC_PHYS], nr);
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
	unsigned int nr = folio_nr_pages(folio);
	int order = folio_order(folio);
	swp_entry_t entry, disk;
	unsigned long seen;
	bool exhausted;

	*classic = false;
	/* A cgroup that keeps its pages off the disk: they may go to zswap. */
	if (!mem_cgroup_zswap_writeback_enabled(folio_memcg(folio)))
		return (swp_entry_t){ 0 };
	disk = vswap_disk_range_alloc(order);
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
 * large folio cannot be written whole (*@classic clear).
 */
swp_entry_t vswap_alloc(struct folio *folio, bool *classic)
{
	struct swap_info_struct *si = vswap_si;
	unsigned long seen;
	swp_entry_t entry;
	bool exhausted;

	*classic = true;
	if (!si)
		return (swp_entry_t){ 0 };
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
	if (vswap_desc_tag(desc) != VSWAP_DESC_EMPTY)
		mem_cgroup_uncharge_swap(entry, 1);
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
	unsigned long desc;

	lockdep_assert_held(&vswap_si->lock);
	/*
	 * A large folio's range is freed as 6.12 frees a classic range: its
	 * disk range at once, and its charge with one uncharge per memcg run.
	 */
	for (i = 0; i < nr; i++, slot.val++) {
		desc = vswap_slot_clear(slot);
		if (vswap_desc_tag(desc) == VSWAP_DESC_EMPTY)
			continue;
		if (vswap_desc_tag(desc) == VSWAP_DESC_PHYS)
			vswap_disk_run_add(&disk, vswap_phys_slot(desc));
		slot_id = lookup_swap_cgroup_id(slot);
		if (nr_charged && (slot_id != id ||
				   slot.val != charged.val + nr_charged)) {
			mem_cgroup_uncharge_swap(charged, nr_charged);
			nr_charged = 0;
		}
		if (!nr_charged) {
			charged = slot;
			id = slot_id;
		}
		nr_charged++;
	}
	vswap_disk_run_flush(&disk);
	if (nr_charged)
		mem_cgroup_uncharge_swap(charged, nr_charged);
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
static bool vswap_range_on_disk(struct folio *folio)
{
	unsigned long *desc = vswap_desc(folio->swap);
	unsigned int i, nr = folio_nr_pages(folio);
	swp_entry_t disk;

	if (vswap_desc_tag(READ_ONCE(desc[0])) != VSWAP_DESC_PHYS)
		return false;
	disk = vswap_phys_slot(READ_ONCE(desc[0]));
	if (!(READ_ONCE(swp_swap_info(disk)->flags) & SWP_WRITEOK))
		return false;
	for (i = 1; i < nr; i++) {
		disk.val++;
		if (READ_ONCE(desc[i]) != vswap_phys_desc(disk))
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
		vswap_desc_replace(&desc[i], old, VSWAP_DESC_MEMORY);
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
	unsigned int i, nr = folio_nr_pages(folio), zero = 0;
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
	if (!mem_cgroup_zswap_writeback_enabled(folio_memcg(folio))) {
		vswap_drop_range(folio);
		goto keep;
	}
	if (!vswap_range_on_disk(folio)) {
		/*
		 * Reclaim has unmapped the folio, and an unmapped anonymous
		 * folio cannot be split: without a new range it stays.
		 */
		vswap_drop_range(folio);
		disk = vswap_disk_range_alloc(folio_order(folio));
		if (!disk.val)
			goto keep;
		vswap_range_set_disk(folio->swap, disk, nr);
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
	unsigned long word;
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

	/* zswap puts its entry into the descriptor (vswap_zswap_store()). */
	if (zswap_store(folio)) {
		count_vm_event(VSWAP_ZSWAP);
		vswap_note_stored(folio);
		folio_unlock(folio);
		return 0;
	}

	vswap_desc_set(folio, VSWAP_DESC_MEMORY);
	/* As upstream: memory.zswap.writeback=0 keeps pages off the disk. */
	if (!mem_cgroup_zswap_writeback_enabled(folio_memcg(folio))) {
		vswap_note_kept(folio);
		folio_mark_dirty(folio);
		return AOP_WRITEPAGE_ACTIVATE;
	}

	slot = vswap_disk_slot_alloc();
	if (!slot.val) {
		/* No backend took it: keep it, never lose it. */
		count_vm_event(VSWAP_REJECT_NODISK);
		vswap_note_kept(folio);
		folio_mark_dirty(folio);
		return AOP_WRITEPAGE_ACTIVATE;
	}
	vswap_desc_set(folio, vswap_phys_desc(slot));
	count_vm_event(VSWAP_DISK);
	vswap_note_stored(folio);
	/* The IO paths find the slot through swap_folio_slot(). */
	__swap_writepage(folio, wbc);
	return 0;
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

/*********************************
 * zswap writeback
 **********************************/

/**
 * vswap_writeback_possible - Can zswap write @entry back at all?
 * @entry: the swap entry of a zswap entry on the LRU
 *
 * A classic entry has its disk slot.  A virtual entry needs a free one;
 * asking before a folio is allocated lets the shrinker stop cheaply when
 * there is no disk space, or no disk.
 *
 * Return: false if @entry is virtual and no swap device has a free slot.
 */
bool vswap_writeback_possible(swp_entry_t entry)
{
	return !is_vswap_entry(entry) || get_nr_swap_pages() > 0;
}

/**
 * vswap_writeback_begin - Take a virtual slot from zswap for writeback.
 * @folio: the locked, new swap cache folio zswap writeback allocated
 * @zentry: the zswap entry zswap means to write back
 *
 * This is zswap's compare-and-exchange of its tree for a virtual slot: if
 * the descriptor still holds @zentry, it now names a new disk slot, which
 * __swap_writepage() will write once zswap has decompressed @zentry into
 * @folio.  Until the write starts, the folio lock keeps everyone else from
 * reading the descriptor.
 *
 * Return: 0 on success; -ENOMEM, as zswap's own check, if the slot no
 * longer holds @zentry (it was loaded, or freed and reused, behind the
 * LRU's back); -ENOSPC if no disk slot is free.
 */
int vswap_writeback_begin(struct folio *folio, struct zswap_entry *zentry)
{
	swp_entry_t slot;

	VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio), folio);
	if (READ_ONCE(*vswap_desc(folio->swap)) != vswap_zswap_desc(zentry))
		return -ENOMEM;
	slot = vswap_disk_slot_alloc();
	if (!slot.val)
		return -ENOSPC;
	vswap_desc_set(folio, vswap_phys_desc(slot));
	count_vm_event(VSWAP_WRITEBACK);
	return 0;
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
 * Return: the zswap entry the slot held before, for zswap to free, or NULL.
 */
struct zswap_entry *vswap_zswap_store(swp_entry_t entry,
				      struct zswap_entry *zentry)
{
	unsigned long *slot = vswap_desc(entry);
	unsigned long old = READ_ONCE(*slot);

	vswap_desc_replace(slot, old, vswap_zswap_desc(zentry));
	if (vswap_desc_tag(old) == VSWAP_DESC_ZSWAP)
		return vswap_desc_zswap(old);
	/* A disk copy would now be stale; vswap_writepage() dropped it. */
	VM_WARN_ON_ONCE(vswap_desc_tag(old) == VSWAP_DESC_PHYS);
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
	vswap_desc_replace(slot, old, VSWAP_DESC_MEMORY);
	return vswap_desc_zswap(old);
}

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

/*********************************
 * sysfs
 **********************************/

static ssize_t vswap_enabled_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", vswap_enabled());
}

static ssize_t vswap_enabled_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	bool on;

	/* Exactly one word; kstrtobool() would take "yes please" or "0x1". */
	if (sysfs_streq(buf, "1") || sysfs_streq(buf, "y") ||
	    sysfs_streq(buf, "on"))
		on = true;
	else if (sysfs_streq(buf, "0") || sysfs_streq(buf, "n") ||
		 sysfs_streq(buf, "off"))
		on = false;
	else
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
	struct swap_info_struct *si = vswap_si;
	unsigned long nr_clusters = DIV_ROUND_UP(si->max, VSWAP_TABLE_SLOTS);

	/*
	 * What the virtual space costs: the mapped pages of its swap map and
	 * the page tables of all of it, its zero map, its clusters, the
	 * table pointers and counts per cluster and chunk, the tables and
	 * swap_cgroup records in use, and the per-CPU slot caches.  (The
	 * swap cache costs what it costs for any swap device.)
	 */
	*val = READ_ONCE(vswap_chunks) * PAGE_SIZE +
	       DIV_ROUND_UP(vswap_nr_chunks, PTRS_PER_PTE) * PAGE_SIZE +
	       BITS_TO_LONGS(si->max) * sizeof(long) +
	       nr_clusters * (sizeof(struct swap_cluster_info) +
			      sizeof(*vswap_tables) + sizeof(*vswap_cluster_used)) +
	       vswap_nr_chunks * sizeof(*vswap_chunk_used) +
	       2 * BITS_TO_LONGS(vswap_nr_chunks) * sizeof(long) +
	       READ_ONCE(vswap_nr_tables) * VSWAP_TABLE_BYTES +
	       num_possible_cpus() * sizeof(struct vswap_slot_cache);
	if (!mem_cgroup_disabled())
		*val += READ_ONCE(vswap_nr_records) * VSWAP_CHUNK_SLOTS *
			sizeof(unsigned short) +
			DIV_ROUND_UP(si->max, PAGE_SIZE / sizeof(unsigned short)) *
			sizeof(struct page *);
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
	*val = min_t(u64, READ_ONCE(vswap_chunks) * VSWAP_CHUNK_SLOTS,
		     vswap_si->max);
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
	struct vswap_disk_cache __percpu *caches;
	struct vswap_disk_cache *cache;
	unsigned int type, cpu;

	*val = 0;
	for (type = 0; type < MAX_SWAPFILES; type++) {
		caches = READ_ONCE(vswap_disk_caches[type]);
		if (!caches)
			continue;
		for_each_possible_cpu(cpu) {
			cache = per_cpu_ptr(caches, cpu);
			*val += READ_ONCE(cache->nr) + READ_ONCE(cache->nr_ret);
		}
	}
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
}
#else
static inline void vswap_debugfs_init(void) { }
#endif

/*********************************
 * init
 **********************************/

static int __init vswap_init(void)
{
	unsigned long nr_clusters, maxpages;
	struct swap_info_struct *si;
	struct page *page = NULL;
	unsigned char *map;
	int cpu;

	maxpages = clamp(vswap_pages ? vswap_pages : 4 * totalram_pages(), 2UL,
			 min(swapfile_maximum_size, (unsigned long)UINT_MAX));
	nr_clusters = DIV_ROUND_UP(maxpages, VSWAP_TABLE_SLOTS);
	vswap_tables = kvcalloc(nr_clusters, sizeof(*vswap_tables), GFP_KERNEL);
	vswap_cluster_used = kvcalloc(nr_clusters, sizeof(*vswap_cluster_used),
				      GFP_KERNEL);
	map = vswap_map_create(maxpages);
	if (map)
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	/* Chunk 0 first: swap_register_virtual() writes slot 0. */
	if (!vswap_tables || !vswap_cluster_used || !page ||
	    vswap_map_populate(0, page)) {
		pr_err("no memory for the metadata of %lu slots\n", maxpages);
		if (page)
			__free_page(page);
		goto fail;
	}
	set_bit(0, vswap_chunk_mapped);
	vswap_chunks = 1;
	vswap_grow_next = 1;
	si = swap_register_virtual(map, maxpages);
	if (IS_ERR(si)) {
		/* The chunk stays mapped, unused: the area is not freed. */
		pr_err("cannot register the virtual swap device: %ld\n",
		       PTR_ERR(si));
		return PTR_ERR(si);
	}
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

	WRITE_ONCE(vswap_type, si->type);
	WRITE_ONCE(vswap_si, si);
	WRITE_ONCE(vswap_on, IS_ENABLED(CONFIG_VIRTUAL_SWAP_DEFAULT_ON));
	vswap_debugfs_init();
	pr_info("%u slots (swap type %d), %s\n", si->max, si->type,
		vswap_on ? "enabled" : "disabled");
	return 0;

fail:
	kvfree(vswap_tables);
	kvfree(vswap_cluster_used);
	vswap_tables = NULL;
	vswap_cluster_used = NULL;
	if (map) {
		/* The area's page tables stay: init_mm frees none. */
		free_vm_area(vswap_map_area);
		vswap_map_area = NULL;
		kvfree(vswap_chunk_used);
		bitmap_free(vswap_chunk_records);
		bitmap_free(vswap_chunk_mapped);
	}
	return -ENOMEM;
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
			unsigned long desc = vswap_phys_desc(slot);

			KUNIT_EXPECT_EQ(test, vswap_desc_tag(desc),
					VSWAP_DESC_PHYS);
			KUNIT_EXPECT_EQ_MSG(test, vswap_phys_slot(desc).val,
					    slot.val, "type %u offset %#lx",
					    type, offsets[i]);
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
