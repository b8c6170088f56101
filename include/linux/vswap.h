/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual swap space: swap entries that are not tied to a device.
 *
 * See Documentation/mm/vswap.rst for the design, the life of a slot and the
 * locking rules.  Upstream swap code calls in here through these hooks; each
 * compiles to nothing with CONFIG_VIRTUAL_SWAP=n.
 */
#ifndef _LINUX_VSWAP_H
#define _LINUX_VSWAP_H

#include <linux/swap.h>
#include <linux/swapops.h>

struct folio;
struct kobj_attribute;
struct mem_cgroup;
struct writeback_control;
struct zswap_entry;

#ifdef CONFIG_VIRTUAL_SWAP

/*
 * /sys/kernel/mm/swap/vswap_enabled and vswap_promote, registered by
 * mm/swap_state.c
 */
extern struct kobj_attribute vswap_enabled_attr;
extern struct kobj_attribute vswap_promote_attr;

/* The virtual device's side of mm/swapfile.c, for mm/vswap*.c only. */
struct swap_info_struct *swap_register_virtual(unsigned char *swap_map,
					       unsigned long maxpages);
void swap_virtual_add_clusters(struct swap_info_struct *si,
			       unsigned long offset, unsigned long nr);
int swap_alloc_virtual_slots(struct swap_info_struct *si, int nr,
			     swp_entry_t slots[]);
swp_entry_t swap_alloc_virtual_range(struct swap_info_struct *si, int order);
void swap_free_virtual_slots(struct swap_info_struct *si, swp_entry_t entry,
			     unsigned int nr);
int swap_alloc_backing_slots(swp_entry_t slots[], int nr, unsigned int tiers);
void swap_free_backing_slots(swp_entry_t slots[], int nr);
swp_entry_t swap_alloc_backing_range(int order, unsigned int tiers);
void swap_free_backing_range(swp_entry_t slot, unsigned int nr);

/* The swap type of the virtual device, or -1 before it is registered. */
extern int vswap_type;

/**
 * is_vswap_entry - Does @entry name a slot of the virtual swap device?
 * @entry: a swap entry, as stored in a page table or folio->swap
 *
 * Return: true for virtual entries, false for classic device entries.
 */
static inline bool is_vswap_entry(swp_entry_t entry)
{
	return swp_type(entry) == READ_ONCE(vswap_type);
}

/**
 * is_vswap_device - Is @si the virtual swap device?
 * @si: a registered swap device
 *
 * Return: true if @si has no storage of its own.
 */
static inline bool is_vswap_device(struct swap_info_struct *si)
{
	return si->flags & SWP_VIRTUAL;
}

bool vswap_enabled(void);
long vswap_nr_free(struct mem_cgroup *memcg);
swp_entry_t vswap_alloc(struct folio *folio, bool *classic);
void vswap_tiers_charge_new(struct folio *folio, swp_entry_t entry);
int vswap_writepage(struct folio *folio, struct writeback_control *wbc);
bool vswap_read_folio(struct folio *folio);
void vswap_release(swp_entry_t entry, unsigned int nr);
void vswap_free_slot(swp_entry_t entry);
bool vswap_slot_mapped(unsigned long offset);
swp_entry_t vswap_folio_slot(struct folio *folio);
unsigned int vswap_folio_swap_flags(struct folio *folio);
void vswap_count_stable_write_fault(swp_entry_t entry);
void vswap_device_enable(struct swap_info_struct *si);
void vswap_device_disable(struct swap_info_struct *si);
bool vswap_writeback_possible(swp_entry_t entry, unsigned int tiers);
int vswap_move_zswap(struct zswap_entry *zentry, swp_entry_t entry,
		     unsigned int tiers, gfp_t gfp);
int vswap_demote(struct mem_cgroup *memcg, unsigned long nr_pages, int source);
int vswap_disk_swapon(unsigned int type, unsigned long maxpages);
void vswap_disk_swapoff(unsigned int type);
struct zswap_entry *vswap_zswap_load(swp_entry_t entry);
struct zswap_entry *vswap_zswap_store(swp_entry_t entry,
				      struct zswap_entry *zentry);
struct zswap_entry *vswap_zswap_erase(swp_entry_t entry);
int vswap_swapoff(struct swap_info_struct *si);
bool vswap_promote(struct folio *folio);

/**
 * swap_folio_slot - The device slot that holds a swap cache folio's data.
 * @folio: a locked or writeback swap cache folio
 *
 * For a classic entry that is the entry itself.  For a virtual entry it is
 * the physical slot its descriptor names; the swap IO paths use this, so
 * they address the disk while the page tables keep the virtual entry.
 *
 * Return: the slot to read from or write to.
 */
static inline swp_entry_t swap_folio_slot(struct folio *folio)
{
	if (is_vswap_entry(folio->swap))
		return vswap_folio_slot(folio);
	return folio->swap;
}

#else /* !CONFIG_VIRTUAL_SWAP */

static inline bool is_vswap_entry(swp_entry_t entry)
{
	return false;
}

static inline bool is_vswap_device(struct swap_info_struct *si)
{
	return false;
}

static inline bool vswap_enabled(void)
{
	return false;
}

static inline long vswap_nr_free(struct mem_cgroup *memcg)
{
	return 0;
}

static inline swp_entry_t vswap_alloc(struct folio *folio, bool *classic)
{
	*classic = true;
	return (swp_entry_t){ 0 };
}

static inline void vswap_tiers_charge_new(struct folio *folio,
					  swp_entry_t entry)
{
}

static inline int vswap_writepage(struct folio *folio,
				  struct writeback_control *wbc)
{
	return 0;
}

static inline bool vswap_read_folio(struct folio *folio)
{
	return false;
}

static inline void vswap_release(swp_entry_t entry, unsigned int nr)
{
}

static inline void vswap_free_slot(swp_entry_t entry)
{
}

static inline bool vswap_slot_mapped(unsigned long offset)
{
	return true;
}

static inline swp_entry_t swap_folio_slot(struct folio *folio)
{
	return folio->swap;
}

static inline unsigned int vswap_folio_swap_flags(struct folio *folio)
{
	return 0;
}

static inline void vswap_count_stable_write_fault(swp_entry_t entry)
{
}

static inline bool vswap_promote(struct folio *folio)
{
	return false;
}

static inline void vswap_device_enable(struct swap_info_struct *si)
{
}

static inline void vswap_device_disable(struct swap_info_struct *si)
{
}

static inline bool vswap_writeback_possible(swp_entry_t entry,
					    unsigned int tiers)
{
	return true;
}

static inline int vswap_move_zswap(struct zswap_entry *zentry,
				   swp_entry_t entry, unsigned int tiers,
				   gfp_t gfp)
{
	return -ENOMEM;
}

static inline int vswap_demote(struct mem_cgroup *memcg,
			       unsigned long nr_pages, int source)
{
	return -EAGAIN;
}

static inline int vswap_disk_swapon(unsigned int type, unsigned long maxpages)
{
	return 0;
}

static inline void vswap_disk_swapoff(unsigned int type)
{
}

static inline struct zswap_entry *vswap_zswap_load(swp_entry_t entry)
{
	return NULL;
}

static inline struct zswap_entry *vswap_zswap_store(swp_entry_t entry,
						    struct zswap_entry *zentry)
{
	return NULL;
}

static inline struct zswap_entry *vswap_zswap_erase(swp_entry_t entry)
{
	return NULL;
}

static inline int vswap_swapoff(struct swap_info_struct *si)
{
	return 0;
}

#endif /* CONFIG_VIRTUAL_SWAP */

#endif /* _LINUX_VSWAP_H */
