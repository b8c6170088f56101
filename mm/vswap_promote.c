// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: data read back from a disk tier and used goes up to
 * zswap when reclaim takes its folio again, instead of staying on the disk
 * for as long as it is only read.
 *
 * Documentation/mm/swap_tier_moves.rst, "Hot data read back from disk",
 * has the design: the states, the races and the cost.
 */

#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/vmstat.h>
#include <linux/vswap.h>
#include <linux/zswap.h>

#include "swap.h"
#include "swap_tier.h"
#include "vswap_internal.h"

/**
 * vswap_promote - Store a clean, used swap cache folio in zswap.
 * @folio: a locked, clean, just unmapped folio reclaim is about to free
 *
 * Called by shrink_folio_list() for a folio it unmapped and found clean,
 * when it may do IO.  If @folio is a swap cache folio of a virtual slot
 * whose data is on a disk, it was read back and used since, and the disk
 * copy would keep it there for as long as it is not written: offer it to
 * zswap.  A store points the slot at zswap and frees the disk slot
 * (vswap_zswap_store()), under the folio lock as every change of a
 * descriptor; a refusal changes nothing, so no disk write is ever added.
 * Either way the folio stays clean and reclaim drops it.
 *
 * Context: process context, the folio locked and unmapped, not under
 * writeback (reclaim waited for or skipped that).
 * Return: true if zswap now holds the data.
 */
bool vswap_promote(struct folio *folio)
{
	unsigned long desc;
	int tier;

	/* Classic entries: the slot is the disk; large folios skip zswap. */
	if (!folio_test_anon(folio) || !folio_test_swapcache(folio) ||
	    !is_vswap_entry(folio->swap) || folio_test_large(folio))
		return false;
	/* The device may be writing it; a copy in zswap could go stale. */
	if (folio_maybe_dma_pinned(folio) || !zswap_is_enabled())
		return false;
	VM_WARN_ON_ONCE_FOLIO(folio_test_writeback(folio), folio);
	desc = READ_ONCE(*vswap_desc(folio->swap));
	if (vswap_desc_tag(desc) != VSWAP_DESC_PHYS)
		return false;
	tier = vswap_desc_tier(desc);
	if (!zswap_store(folio))
		return false;
	swap_tier_count(tier, SWAP_TIER_STAT_PROMOTED, 1);
	count_vm_event(VSWAP_PROMOTE);
	return true;
}
