// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: which data moves between swap tiers, and when.  The
 * oldest data moves first: zswap's own LRU, and on a disk the cluster
 * stamps of vswap_move.c, found by walking the descriptor tables.  Data
 * moves on demand (memory.swap.tiers.demote) and when reclaim finds a
 * cgroup's top device tier full or at its limit (making room).  Also the
 * debugfs view of where a slot's data is.
 *
 * Documentation/mm/swap_tier_moves.rst has the design.
 */

#define pr_fmt(fmt) "vswap: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/swap.h>
#include <linux/swap_cgroup.h>
#include <linux/swapops.h>
#include <linux/uaccess.h>
#include <linux/vswap.h>
#include <linux/zswap.h>

#include "swap.h"
#include "swap_tier.h"
#include "vswap_internal.h"

/*
 * Slots a demotion picks per walk of the tables: what it is asked to move,
 * but at least a cluster's worth and at most 16384 (512 KiB of picks).
 */
#define VSWAP_DEMOTE_PICKS_MIN	SWAPFILE_CLUSTER
#define VSWAP_DEMOTE_PICKS_MAX	16384UL
/*
 * Populated tables a walk for room reads before it settles for what it
 * found (32768 slots), and at most if it found nothing.
 */
#define VSWAP_ROOM_TABLES	64
#define VSWAP_ROOM_TABLES_MAX	(4 * VSWAP_ROOM_TABLES)

/*
 * A slot on a disk a walk picked.  (stamp, offset) orders the slots: the
 * oldest data first, and a cluster's slots in the order of their virtual
 * offsets.  Stamps are jiffies, 64-bit (virtual swap needs 64BIT): they
 * do not wrap, so plain comparisons order them.
 */
struct vswap_pick {
	unsigned long stamp;
	unsigned long offset;
	unsigned long desc;
	unsigned short memcg_id;
};

struct vswap_demote {
	struct mem_cgroup *root;	/* the cgroup whose subtree moves, or all */
	unsigned long nr;		/* pages to move */
	unsigned long start;		/* jiffies when it began, + 1 */
	struct vswap_move_ctl ctl;
	bool stuck;			/* a batch found no room below */
	bool movable_only;		/* pick only slots that can move now */
	unsigned int space;		/* for those: tiers below with free slots */
	bool have_last;			/* per walk: */
	unsigned short last_id;		/* the cgroup asked last, */
	unsigned int last_tiers;	/* and where its slots may go */

	/* Disks: the walk's window of tables, and what it picked. */
	unsigned long first_table, nr_tables;
	unsigned int max_picks, nr_picks;
	bool have_floor;
	struct vswap_pick floor;	/* the newest slot a walk picked */
	struct vswap_pick *picks;	/* a heap while walking, newest first */

	/* The batch being gathered. */
	unsigned int n;
	struct vswap_move m[VSWAP_MOVE_BATCH];
	unsigned short memcg_id[VSWAP_MOVE_BATCH];
	struct zswap_coldest coldest[VSWAP_MOVE_BATCH];
};

static struct vswap_demote *vswap_demote_alloc(struct mem_cgroup *root,
					       unsigned long nr,
					       unsigned int max_picks, gfp_t gfp)
{
	struct vswap_demote *d = kzalloc(sizeof(*d), gfp);

	if (!d)
		return NULL;
	d->picks = kvmalloc_array(max_picks, sizeof(*d->picks), gfp);
	if (!d->picks) {
		kfree(d);
		return NULL;
	}
	d->root = root;
	d->nr = nr;
	/* Moves stamp their data d->start or later: see vswap_move_ctl. */
	d->start = jiffies + 1;
	d->ctl.stamp = d->start;
	d->max_picks = max_picks;
	d->nr_tables = DIV_ROUND_UP(vswap_si->max, VSWAP_TABLE_SLOTS);
	return d;
}

static void vswap_demote_free(struct vswap_demote *d)
{
	kvfree(d->picks);
	kfree(d);
}

static bool vswap_demote_done(struct vswap_demote *d)
{
	return d->ctl.res.moved >= d->nr || d->stuck || signal_pending(current);
}

/*
 * Where a slot charged to the cgroup with id @id may go from tier @from:
 * the usable tiers below, or none with memory.zswap.writeback=0, which
 * keeps the cgroup's pages off every device.
 */
static unsigned int vswap_demote_tiers(unsigned short id, int from)
{
	struct mem_cgroup *memcg;
	unsigned int tiers = 0;

	rcu_read_lock();
	memcg = mem_cgroup_from_id(id);
	if (mem_cgroup_zswap_writeback_enabled(memcg))
		tiers = swap_tiers_usable(memcg, swap_tiers_allowed(memcg), 1) &
			swap_tiers_below(from);
	rcu_read_unlock();
	return tiers;
}

/* Move the batch gathered in @d, all on tier @from. */
static void vswap_demote_flush(struct vswap_demote *d, int from)
{
	unsigned long moved = d->ctl.res.moved;
	unsigned long no_room = d->ctl.res.no_room;
	unsigned long no_tier = d->ctl.res.no_tier;
	unsigned int i;

	if (from != SWAP_TIER_ZSWAP)
		for (i = 0; i < d->n; i++)
			d->m[i].tiers = vswap_demote_tiers(d->memcg_id[i], from);
	d->ctl.from = from;
	vswap_move_batch(d->m, d->n, &d->ctl);
	/*
	 * Nothing moved, for want of room or of a tier below: the next
	 * batches of the subtree would most likely fare the same.  Only
	 * slots that can move are picked for the worker (movable_only),
	 * by their cgroup; a tier below that filled meanwhile stops it too,
	 * rather than have it read data it cannot write.
	 */
	if (d->ctl.res.moved == moved &&
	    (d->ctl.res.no_room > no_room ||
	     (d->ctl.res.no_tier > no_tier && !d->movable_only)))
		d->stuck = true;
	d->n = 0;
}

/* Add a slot to the batch; move the batch once full, or enough. */
static void vswap_demote_add(struct vswap_demote *d, int from,
			     swp_entry_t entry, unsigned long desc,
			     unsigned int tiers, unsigned short memcg_id)
{
	d->m[d->n].entry = entry;
	d->m[d->n].old = desc;
	d->m[d->n].tiers = tiers;
	d->memcg_id[d->n++] = memcg_id;
	if (d->n == VSWAP_MOVE_BATCH || d->ctl.res.moved + d->n >= d->nr)
		vswap_demote_flush(d, from);
}

/*********************************
 * disks: the oldest clusters first
 **********************************/

static bool vswap_pick_older(const struct vswap_pick *a,
			     const struct vswap_pick *b)
{
	return a->stamp < b->stamp ||
	       (a->stamp == b->stamp && a->offset < b->offset);
}

static int vswap_pick_cmp(const void *a, const void *b)
{
	return vswap_pick_older(a, b) ? -1 : vswap_pick_older(b, a);
}

/* Restore the heap below @i: the newest pick at the root. */
static void vswap_picks_sift_down(struct vswap_demote *d, unsigned int i)
{
	unsigned int c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= d->nr_picks)
			break;
		if (c + 1 < d->nr_picks &&
		    vswap_pick_older(&d->picks[c], &d->picks[c + 1]))
			c++;
		if (!vswap_pick_older(&d->picks[i], &d->picks[c]))
			break;
		swap(d->picks[i], d->picks[c]);
		i = c;
	}
}

/*
 * Keep @p if it is among the max_picks oldest seen: a max-heap on age, so
 * a slot no older than the newest pick costs one comparison.
 */
static void vswap_pick(struct vswap_demote *d, const struct vswap_pick *p)
{
	unsigned int i, parent;

	if (d->nr_picks < d->max_picks) {
		i = d->nr_picks++;
		d->picks[i] = *p;
		while (i) {
			parent = (i - 1) / 2;
			if (!vswap_pick_older(&d->picks[parent], &d->picks[i]))
				break;
			swap(d->picks[parent], d->picks[i]);
			i = parent;
		}
		return;
	}
	if (!vswap_pick_older(p, &d->picks[0]))
		return;
	d->picks[0] = *p;
	vswap_picks_sift_down(d, 0);
}

/*
 * Is the slot at @offset, with descriptor @desc, on tier @from and
 * charged to @root's subtree?  Fills in @p.  Under the virtual device's
 * si->lock, which keeps the table and the slot's record.
 */
static bool vswap_demote_candidate(struct vswap_demote *d, int from,
				   unsigned long offset, unsigned long desc,
				   struct vswap_pick *p)
{
	struct mem_cgroup *memcg;
	bool ours;

	if (vswap_desc_tag(desc) != VSWAP_DESC_PHYS ||
	    vswap_desc_tier(desc) != from)
		return false;
	p->stamp = vswap_stamp_of(vswap_phys_slot(desc));
	/* Data that reached the tier since this began (its moves too) stays. */
	if (p->stamp >= d->start)
		return false;
	p->offset = offset;
	if (d->have_floor && !vswap_pick_older(&d->floor, p))
		return false;
	p->memcg_id = lookup_swap_cgroup_id(swp_entry(vswap_type, offset));
	p->desc = desc;
	if (d->movable_only) {
		/* Runs of a cgroup's slots are common: ask once per run. */
		if (!d->have_last || p->memcg_id != d->last_id) {
			d->have_last = true;
			d->last_id = p->memcg_id;
			d->last_tiers = vswap_demote_tiers(p->memcg_id, from) &
					d->space;
		}
		if (!d->last_tiers)
			return false;
	}
	if (!d->root)
		return true;
	rcu_read_lock();
	memcg = mem_cgroup_from_id(p->memcg_id);
	ours = memcg && mem_cgroup_is_descendant(memcg, d->root);
	rcu_read_unlock();
	return ours;
}

/*
 * Walk the populated tables of the window, from first_table on, and pick
 * the oldest slots of tier @from after the floor; stop early, once some
 * are picked, after @settle populated tables, and in any case after
 * @limit.  Returns the tables walked.
 */
static unsigned long vswap_demote_walk(struct vswap_demote *d, int from,
				       unsigned long settle,
				       unsigned long limit)
{
	unsigned long total = DIV_ROUND_UP(vswap_si->max, VSWAP_TABLE_SLOTS);
	unsigned long t, idx, i, walked = 0, populated = 0;
	struct vswap_pick p;
	unsigned long *table;

	d->nr_picks = 0;
	d->have_last = false;
	for (t = 0; t < d->nr_tables; t++) {
		idx = (d->first_table + t) % total;
		walked++;
		if (!READ_ONCE(vswap_tables[idx]))
			continue;
		spin_lock(&vswap_si->lock);
		table = vswap_tables[idx];
		for (i = 0; table && i < VSWAP_TABLE_SLOTS; i++)
			if (vswap_demote_candidate(d, from,
						   idx * VSWAP_TABLE_SLOTS + i,
						   READ_ONCE(table[i]), &p))
				vswap_pick(d, &p);
		spin_unlock(&vswap_si->lock);
		cond_resched();
		if ((++populated >= settle && d->nr_picks) ||
		    populated >= limit)
			break;
	}
	sort(d->picks, d->nr_picks, sizeof(*d->picks), vswap_pick_cmp, NULL);
	return walked;
}

/* Move the picks, oldest first. */
static void vswap_demote_picks(struct vswap_demote *d, int from)
{
	unsigned int i;

	for (i = 0; i < d->nr_picks && !vswap_demote_done(d); i++)
		vswap_demote_add(d, from,
				 swp_entry(vswap_type, d->picks[i].offset),
				 d->picks[i].desc, 0, d->picks[i].memcg_id);
	if (d->n)
		vswap_demote_flush(d, from);
}

/*
 * Demote from device tier @from: walk all the tables, pick the oldest
 * slots after the floor, move them; again from the newest slot picked,
 * until enough moved or nothing is left.  A slot that could not move is
 * behind the floor and not tried again.
 */
static void vswap_demote_device(struct vswap_demote *d, int from)
{
	if (!swap_tiers_below(from))
		return;
	d->have_floor = false;
	d->first_table = 0;
	while (!vswap_demote_done(d)) {
		vswap_demote_walk(d, from, ULONG_MAX, ULONG_MAX);
		if (!d->nr_picks)
			break;
		d->floor = d->picks[d->nr_picks - 1];
		d->have_floor = true;
		vswap_demote_picks(d, from);
	}
}

/*********************************
 * zswap: its LRU
 **********************************/

/*
 * Demote from zswap: each cgroup of the subtree in turn, a batch of its
 * LRU's coldest entries at a time, until a round over them moves nothing.
 */
static void vswap_demote_zswap(struct vswap_demote *d)
{
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
			/* As shrink_memcg(): its entries went to its parent. */
			if (!mem_cgroup_online(memcg))
				continue;
			n = zswap_coldest(memcg, d->coldest,
					  min_t(unsigned long, VSWAP_MOVE_BATCH,
						d->nr - d->ctl.res.moved));
			before = d->ctl.res.moved;
			for (i = 0; i < n; i++)
				vswap_demote_add(d, SWAP_TIER_ZSWAP,
						 d->coldest[i].entry,
						 vswap_zswap_desc(d->coldest[i].zentry),
						 d->coldest[i].tiers &
						 swap_tiers_below(SWAP_TIER_ZSWAP), 0);
			if (d->n)
				vswap_demote_flush(d, SWAP_TIER_ZSWAP);
			if (d->ctl.res.moved > before)
				progress = true;
			cond_resched();
		}
	} while (progress);
}

/**
 * vswap_demote - Move a cgroup's coldest swapped data one tier down.
 * @memcg: the cgroup; its descendants' data moves too
 * @nr_pages: how much, in pages at their uncompressed size
 * @source: the tier to move from, or SWAP_TIER_NONE for each in turn, top
 *          down
 *
 * Data that reached a tier after the demotion began, its own moves
 * included, is not moved by it: a page moves at most one tier.
 *
 * Return: 0 once @nr_pages moved, -EINTR on a signal, -EAGAIN if less
 * could be moved, -ENOMEM.
 */
int vswap_demote(struct mem_cgroup *memcg, unsigned long nr_pages, int source)
{
	struct vswap_demote *d;
	int pos = 0, idx, err;

	if (!READ_ONCE(vswap_si))
		return -EAGAIN;
	d = vswap_demote_alloc(memcg, nr_pages,
			       clamp(nr_pages, VSWAP_DEMOTE_PICKS_MIN,
				     VSWAP_DEMOTE_PICKS_MAX), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	/* Fail rather than reclaim or OOM-kill for a folio to move with. */
	d->ctl.gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN;

	if (source == SWAP_TIER_ZSWAP || source == SWAP_TIER_NONE)
		vswap_demote_zswap(d);
	if (source != SWAP_TIER_NONE && source != SWAP_TIER_ZSWAP)
		vswap_demote_device(d, source);
	while (source == SWAP_TIER_NONE &&
	       (idx = swap_tiers_next_allowed(SWAP_TIERS_ALL, &pos)) !=
	       SWAP_TIER_NONE) {
		/* No room below one tier says nothing of the next. */
		d->stuck = false;
		if (vswap_demote_done(d))
			break;
		vswap_demote_device(d, swap_tier_id_of_idx(idx));
	}

	if (d->ctl.res.moved >= d->nr)
		err = 0;
	else if (signal_pending(current))
		err = -EINTR;
	else
		err = -EAGAIN;
	vswap_demote_free(d);
	return err;
}

/**
 * vswap_demote_movable - Move the oldest movable data off a device tier.
 * @from: the device tier id
 * @nr_pages: how much, in pages
 * @before: only data stamped before these jiffies, or 0 for any
 *
 * For the watermark and age worker (mm/vswap_auto.c): every cgroup's
 * data, the oldest first, skipping slots whose cgroup cannot move them
 * (no usable tier below with free slots, memory.zswap.writeback=0).
 * Waits for its writes.
 *
 * Return: the pages moved.
 */
unsigned long vswap_demote_movable(int from, unsigned long nr_pages,
				   unsigned long before)
{
	struct vswap_demote *d;
	unsigned long moved;
	int id;

	if (!READ_ONCE(vswap_si))
		return 0;
	d = vswap_demote_alloc(NULL, nr_pages,
			       clamp(nr_pages, VSWAP_DEMOTE_PICKS_MIN,
				     VSWAP_DEMOTE_PICKS_MAX),
			       GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
	if (!d)
		return 0;
	d->ctl.gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN;
	d->movable_only = true;
	/* Picks stop at the cutoff; what moves is still stamped now. */
	if (before && time_before(before, d->start))
		d->start = before;
	/*
	 * Only slots whose cgroup has a tier below with free slots: a slot
	 * that cannot move is skipped, and the walk goes on past it (the
	 * floor), rather than ending the demotion as "stuck".
	 */
	for (id = SWAP_TIER_DEVICE_FIRST; id < SWAP_TIER_IDS; id++)
		if ((swap_tiers_below(from) & BIT(id)) &&
		    swap_tiers_nr_free(BIT(id)) > 0)
			d->space |= BIT(id);
	if (d->space)
		vswap_demote_device(d, from);
	moved = d->ctl.res.moved;
	vswap_demote_free(d);
	return moved;
}

/*********************************
 * making room
 **********************************/

/* Where the next walk for room on each tier starts: walks take turns. */
static unsigned long vswap_room_cursor[SWAP_TIER_IDS];

/*
 * Move a batch of @memcg's oldest data off device tier @tier, which it is
 * at its limit on or which is full, to the tiers below it may use.  The
 * walk reads VSWAP_ROOM_TABLES populated tables from where the last one
 * stopped, more (up to VSWAP_ROOM_TABLES_MAX) only until it finds some of
 * the cgroup's data: the oldest it found moves.  As zswap's writeback, the
 * move does not wait for its writes.  Returns true if anything moved.
 */
static bool vswap_make_room(struct mem_cgroup *memcg, unsigned int allowed,
			    int tier)
{
	unsigned long total = DIV_ROUND_UP(vswap_si->max, VSWAP_TABLE_SLOTS);
	struct vswap_demote *d;
	unsigned int below;
	bool moved;

	/*
	 * Cheapest first: a page that misses its tier asks each time.  A
	 * spent write budget is not a limit room can be made under: the
	 * page could not take the room.
	 */
	if (!swap_tiers_may_make_room(memcg, tier) ||
	    !swap_tiers_usage(memcg, tier) ||
	    swap_tiers_budget_spent(memcg, tier))
		return false;
	below = swap_tiers_below(tier) &
		swap_tiers_usable(memcg, allowed, VSWAP_MOVE_BATCH);
	if (!below || swap_tiers_nr_free(below) <= 0) {
		swap_tiers_room_failed(memcg, tier);
		return false;
	}
	/* One walk per cgroup and tier at a time; the others pass down. */
	if (!swap_tiers_room_begin(memcg, tier))
		return false;
	/* Reclaim runs this: no reserves for it, no waiting. */
	d = vswap_demote_alloc(memcg, VSWAP_MOVE_BATCH, VSWAP_MOVE_BATCH,
			       GFP_NOWAIT | __GFP_NOWARN | __GFP_NOMEMALLOC);
	if (!d) {
		swap_tiers_room_end(memcg, tier);
		return false;
	}
	d->ctl.gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN |
		     __GFP_NOMEMALLOC;
	d->ctl.async = true;
	d->first_table = READ_ONCE(vswap_room_cursor[tier]) % total;
	WRITE_ONCE(vswap_room_cursor[tier],
		   (d->first_table +
		    vswap_demote_walk(d, tier, VSWAP_ROOM_TABLES,
				      VSWAP_ROOM_TABLES_MAX)) % total);
	vswap_demote_picks(d, tier);
	moved = d->ctl.res.moved;
	vswap_demote_free(d);
	if (!moved)
		swap_tiers_room_failed(memcg, tier);
	swap_tiers_room_end(memcg, tier);
	return moved;
}

/**
 * vswap_room - Make room for a page on a device tier above the one it got.
 * @memcg: the cgroup of a page being stored, whose folio reclaim holds
 * @allowed: the tiers it may use (swap_tiers_allowed())
 * @slot: the disk slot vswap_disk_slot_alloc() gave it, or val 0
 *
 * If the page did not get a slot on the first device tier the cgroup
 * allows - the tier is at the cgroup's limit, or full - move a batch of
 * the cgroup's oldest data from that tier to the next it allows, as zswap
 * writes back at memory.zswap.max, and give the page a slot there
 * instead; if no room can be made there, the same with the next tier, down
 * to the one the page got.  A page goes down only when no room could be
 * made.
 *
 * Return: the slot for the page: @slot, or one on a higher tier (@slot is
 * then freed).
 */
swp_entry_t vswap_room(struct mem_cgroup *memcg, unsigned int allowed,
		       swp_entry_t slot)
{
	int pos = 0, idx, id, got;
	unsigned int tier;
	swp_entry_t new;

	if (!memcg || !swap_tiers_defined())
		return slot;
	got = slot.val ? swap_type_tier_id(swp_type(slot)) : SWAP_TIER_NONE;
	while ((idx = swap_tiers_next_allowed(allowed, &pos)) !=
	       SWAP_TIER_NONE) {
		id = swap_tier_id_of_idx(idx);
		/* The usual case: a slot on the top tier, one comparison. */
		if (id == got)
			break;
		if (!vswap_make_room(memcg, allowed, id))
			continue;
		tier = swap_tiers_usable(memcg, BIT(id), 1);
		new = tier ? vswap_disk_slot_alloc(tier) : (swp_entry_t){ 0 };
		if (!new.val)
			continue;
		if (slot.val)
			vswap_disk_slot_free(slot);
		return new;
	}
	return slot;
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
	size_t size = q->nr * 64, len = 0;
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
 * vswap_demote_debugfs_init - Add slot_tier to the virtual swap debugfs directory.
 * @dir: /sys/kernel/debug/vswap
 *
 * Write "OFFSET [NR]" (up to a table's slots), then read from the start:
 * one line per slot, "OFFSET TIER STAMP", the tier holding its data and,
 * for a disk slot, its cluster's stamp.
 */
void vswap_demote_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("slot_tier", 0600, dir, NULL,
			    &vswap_slot_tier_fops);
}
#endif
