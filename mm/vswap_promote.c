// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: data read back from a disk and used goes up to zswap
 * when reclaim takes its folio again, instead of staying on the disk for
 * as long as it is only read.
 *
 * Documentation/mm/swap_tier_moves.rst, "Hot data read back from disk",
 * has the design: the states, the races, what it costs and what it writes.
 */

#include <linux/kobject.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/sysfs.h>
#include <linux/vmstat.h>
#include <linux/vswap.h>
#include <linux/zswap.h>

#include "swap.h"
#include "swap_tier.h"
#include "vswap_internal.h"

/* /sys/kernel/mm/swap/vswap_promote: on unless the administrator says. */
static bool vswap_promote_on __read_mostly = true;

/**
 * vswap_promote - Store a clean, used swap cache folio in zswap.
 * @folio: a locked, clean folio reclaim has just unmapped and may free
 *
 * Called by shrink_folio_list() for a folio it unmapped and found clean,
 * when it may write.  If @folio is a swap cache folio of a virtual slot
 * whose data is on a disk, it was read back and used since, and the disk
 * copy would keep it there for as long as it is only read: offer it to
 * zswap, as a swap-out would.  A store points the slot at zswap and frees
 * the disk slot (vswap_zswap_store()), under the folio lock as every
 * change of a descriptor; a refusal leaves the disk copy, marked so that
 * it is not offered again.  Either way the folio stays clean and reclaim
 * drops it.
 *
 * Context: process context, @folio locked and unmapped, not under
 * writeback (reclaim waited for or skipped that).
 * Return: true if zswap now holds the data.
 */
bool vswap_promote(struct folio *folio)
{
	unsigned long desc;
	swp_entry_t disk;
	int tier;

	/* Classic entries: the slot is the disk; large folios skip zswap. */
	if (!folio_test_anon(folio) || !folio_test_swapcache(folio) ||
	    !is_vswap_entry(folio->swap) || folio_test_large(folio))
		return false;
	if (!READ_ONCE(vswap_promote_on) || !zswap_is_enabled())
		return false;
	/* A pin holder may still write the page: a copy could go stale. */
	if (folio_maybe_dma_pinned(folio))
		return false;
	VM_WARN_ON_ONCE_FOLIO(folio_test_writeback(folio), folio);
	desc = READ_ONCE(*vswap_desc(folio->swap));
	/* One offer per disk copy: see below. */
	if (vswap_desc_tag(desc) != VSWAP_DESC_PHYS ||
	    (desc & VSWAP_PHYS_OFFERED))
		return false;
	/* zram and pmem: memory already; compressing it again gains little. */
	disk = vswap_phys_slot(desc);
	if (READ_ONCE(swp_swap_info(disk)->flags) & SWP_SYNCHRONOUS_IO)
		return false;
	tier = vswap_desc_tier(desc);
	if (!zswap_store(folio)) {
		/*
		 * A store may make room before it compresses, so a page zswap
		 * refuses can still cost writes of other data: offer this
		 * copy no more, or a read-mostly page that does not compress
		 * would cost them at every reclaim.  The tag and the tier
		 * stay, so no count or charge moves.
		 */
		vswap_desc_set(folio, desc | VSWAP_PHYS_OFFERED);
		return false;
	}
	swap_tier_count(tier, SWAP_TIER_STAT_PROMOTED, 1);
	count_vm_event(VSWAP_PROMOTE);
	return true;
}

static ssize_t vswap_promote_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(vswap_promote_on));
}

static ssize_t vswap_promote_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	bool on;

	if (vswap_parse_switch(buf, &on))
		return -EINVAL;
	WRITE_ONCE(vswap_promote_on, on);
	return count;
}

struct kobj_attribute vswap_promote_attr = __ATTR_RW(vswap_promote);
