/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the virtual swap layer share: the descriptor encoding,
 * the descriptor tables, the counters, and the calls between the core
 * (vswap.c: store, load, zswap, sysfs, debugfs, init), the allocator of
 * virtual slots and the sparse swap map (vswap_alloc.c), disk slots
 * (vswap_disk.c) and swapoff (vswap_swapoff.c).  Documentation/mm/vswap.rst
 * has the design.
 */
#ifndef _MM_VSWAP_INTERNAL_H
#define _MM_VSWAP_INTERNAL_H

#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include "swap.h"		/* SWAPFILE_CLUSTER */
#include "swap_tier.h"

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
struct zswap_entry;

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
 * A physical slot is kept as its offset above a TIERED and an OFFERED bit
 * above its type above the tag, so offsets up to 2^54 fit; architectures
 * allow far smaller swap devices.  TIERED says that the device was in a
 * swap tier when the descriptor was made: the slot is charged to that
 * tier, which the device keeps while it is in use
 * (Documentation/mm/swap_tiers.rst).  OFFERED says that zswap refused
 * this disk copy once when reclaim offered it (vswap_promote()); a new
 * descriptor, at a rewrite or a move, is made without it.
 */
#define VSWAP_PHYS_TYPE_MASK	((1UL << MAX_SWAPFILES_SHIFT) - 1)
#define VSWAP_PHYS_TIERED	(1UL << (VSWAP_TAG_BITS + MAX_SWAPFILES_SHIFT))
#define VSWAP_PHYS_OFFERED	(VSWAP_PHYS_TIERED << 1)
#define VSWAP_PHYS_OFFSET_SHIFT	(VSWAP_TAG_BITS + MAX_SWAPFILES_SHIFT + 2)

/* The descriptor of @slot, without the TIERED bit. */
static inline unsigned long __vswap_phys_desc(swp_entry_t slot)
{
	return (swp_offset(slot) << VSWAP_PHYS_OFFSET_SHIFT) |
	       ((unsigned long)swp_type(slot) << VSWAP_TAG_BITS) |
	       VSWAP_DESC_PHYS;
}

/* The TIERED bit for a descriptor of a slot on device @type made now. */
static inline unsigned long vswap_phys_tiered(unsigned int type)
{
	return swap_type_tier_idx(type) == SWAP_TIER_NONE ? 0 : VSWAP_PHYS_TIERED;
}

/* The descriptor of @slot, made now. */
static inline unsigned long vswap_phys_desc(swp_entry_t slot)
{
	return __vswap_phys_desc(slot) | vswap_phys_tiered(swp_type(slot));
}

static inline swp_entry_t vswap_phys_slot(unsigned long desc)
{
	return swp_entry((desc >> VSWAP_TAG_BITS) & VSWAP_PHYS_TYPE_MASK,
			 desc >> VSWAP_PHYS_OFFSET_SHIFT);
}

/*********************************
 * counters
 **********************************/

extern struct swap_info_struct *vswap_si;

/*
 * Slots per backend, and physical slots owned by descriptors per device,
 * as per-CPU deltas: every transition changes them, on every CPU.  A disk
 * slot is counted before its descriptor is set and uncounted after it is
 * freed, so swapoff, which waits for the sum to reach zero, cannot miss a
 * slot that is being set up.
 */
DECLARE_PER_CPU(long, vswap_nr_desc[VSWAP_DESC_NR]);
DECLARE_PER_CPU(long, vswap_nr_disk[MAX_SWAPFILES]);

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

/* A chunk of the sparse swap map: the slots one page of map covers. */
#define VSWAP_CHUNK_SLOTS	PAGE_SIZE

extern unsigned long **vswap_tables;		/* per cluster */

/* The table of the cluster holding @offset, or NULL. */
static inline unsigned long *vswap_table(unsigned long offset)
{
	return READ_ONCE(vswap_tables[offset / VSWAP_TABLE_SLOTS]);
}

/* The descriptor of a slot the caller holds. */
static inline unsigned long *vswap_desc(swp_entry_t entry)
{
	unsigned long offset = swp_offset(entry);
	unsigned long *table = vswap_table(offset);

	VM_WARN_ON_ONCE(!table);
	return &table[offset % VSWAP_TABLE_SLOTS];
}

/*
 * The swap tier a descriptor's data is on, which its slot's cgroup is
 * charged for in memory.swap.tiers.current.
 */
static inline int vswap_desc_tier(unsigned long desc)
{
	switch (vswap_desc_tag(desc)) {
	case VSWAP_DESC_ZSWAP:
		return SWAP_TIER_ZSWAP;
	case VSWAP_DESC_PHYS:
		if (!(desc & VSWAP_PHYS_TIERED))
			return SWAP_TIER_NONE;
		return swap_type_tier_id(swp_type(vswap_phys_slot(desc)));
	default:
		return SWAP_TIER_NONE;
	}
}

/*
 * Move the tier charge of @nr slots from @entry, whose data leaves the
 * backend of descriptor @old for that of @desc ("Usage and limits" in
 * Documentation/mm/swap_tiers.rst).  Staying in a tier costs a comparison.
 */
static inline void vswap_charge_move(swp_entry_t entry, unsigned long old,
				     unsigned long desc, unsigned int nr)
{
	int from = vswap_desc_tier(old), to = vswap_desc_tier(desc);

	if (from != to)
		swap_tiers_charge(entry, from, to, nr);
}

/*
 * Replace descriptor @old at @slot, @entry's, by @desc.  The caller
 * excludes every other writer: it holds the slot's swap cache folio
 * locked, or the slot has no swap count and no swap cache left and is
 * being freed.
 */
static inline void vswap_desc_replace(swp_entry_t entry, unsigned long *slot,
				      unsigned long old, unsigned long desc)
{
	WRITE_ONCE(*slot, desc);
	this_cpu_dec(vswap_nr_desc[vswap_desc_tag(old)]);
	this_cpu_inc(vswap_nr_desc[vswap_desc_tag(desc)]);
	vswap_charge_move(entry, old, desc, 1);
}

/*
 * Point the slot of page @i of @folio, a swap cache folio the caller holds
 * locked, elsewhere.  A large folio's slots are one range in one table.
 */
static inline void vswap_desc_set_nr(struct folio *folio, unsigned int i,
				     unsigned long desc)
{
	swp_entry_t entry = { folio->swap.val + i };
	unsigned long *slot = vswap_desc(entry);

	VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio), folio);
	vswap_desc_replace(entry, slot, READ_ONCE(*slot), desc);
}

static inline void vswap_desc_set(struct folio *folio, unsigned long desc)
{
	vswap_desc_set_nr(folio, 0, desc);
}

/*********************************
 * calls between the files
 **********************************/

/* vswap.c */
int vswap_parse_switch(const char *buf, bool *on);

/* vswap_alloc.c */
unsigned char * __init vswap_space_init(unsigned long maxpages);
void __init vswap_space_start(struct swap_info_struct *si);
unsigned long vswap_metadata_bytes(void);
unsigned long vswap_populated_slots(void);
void vswap_range_set_disk(swp_entry_t entry, swp_entry_t disk,
			  unsigned int nr);

/* vswap_disk.c */
/*
 * Disk slots freed together: a run of consecutive slots in one cluster of
 * one device - a large folio's range - goes back with one hold of the
 * device's si->lock and cluster lock, as 6.12 frees a classic range; a
 * single slot goes through this CPU's disk slot cache.
 */
struct vswap_disk_run {
	swp_entry_t first;
	unsigned int nr;
	bool direct;		/* a single slot too past the CPU's cache */
};

void vswap_disk_run_add(struct vswap_disk_run *run, swp_entry_t slot);
void vswap_disk_run_flush(struct vswap_disk_run *run);
void vswap_count_disk(unsigned int type, long delta);
swp_entry_t vswap_disk_slot_alloc(unsigned int tiers);
void vswap_disk_slot_free(swp_entry_t slot);
swp_entry_t vswap_disk_range_alloc(int order, unsigned int tiers);
void vswap_disk_cache_drain(unsigned int type, unsigned int cpu);
unsigned long vswap_disk_cached_slots(void);

/* vswap_move.c: moving a slot's data to a lower tier */

/* Slots a move holds at a time: folios in memory, reads and writes plugged. */
#define VSWAP_MOVE_BATCH	32

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
	/* its cgroup allows no tier below, or has no room under its limits */
	unsigned long no_tier;
};

/* How to move a batch, and how its slots ended. */
struct vswap_move_ctl {
	int from;		/* the tier the slots are on */
	gfp_t gfp;		/* for the folios, and their memcg charge */
	bool async;		/* do not wait for the writes */
	/*
	 * The least stamp the destinations get: a demotion starting at
	 * jiffies J moves data stamped up to J and stamps what it moves
	 * J + 1 or later, so it never takes its own moves for old data.
	 */
	unsigned long stamp;
	struct vswap_disk_run freed;	/* old disk slots, freed at the end */
	struct vswap_move_result res;
};

void vswap_move_batch(struct vswap_move *m, unsigned int nr,
		      struct vswap_move_ctl *ctl);
void vswap_stamp_disk_at(swp_entry_t slot, unsigned long now);

/* Note that a virtual slot's data is written to a disk slot now. */
static inline void vswap_stamp_disk(swp_entry_t slot)
{
	vswap_stamp_disk_at(slot, jiffies);
}

unsigned long vswap_stamp_of(swp_entry_t slot);

/* vswap_demote.c: which data moves, and when */
struct mem_cgroup;
swp_entry_t vswap_room(struct mem_cgroup *memcg, unsigned int allowed,
		       swp_entry_t slot);
unsigned long vswap_demote_movable(int from, unsigned long nr_pages,
				   unsigned long before);
#ifdef CONFIG_DEBUG_FS
struct dentry;
void vswap_demote_debugfs_init(struct dentry *dir);
#endif

/* vswap_auto.c: device tiers' watermarks */
void vswap_auto_check(unsigned int type);
void vswap_auto_check_tier(int id);
#ifdef CONFIG_DEBUG_FS
void vswap_auto_debugfs_init(struct dentry *dir);
#endif

#endif /* _MM_VSWAP_INTERNAL_H */
