/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Swap tiers: named, ordered groups of swap backends.  See
 * Documentation/mm/swap_tiers.rst.
 */
#ifndef _MM_SWAP_TIER_H
#define _MM_SWAP_TIER_H

#include <linux/compiler.h>
#include <linux/swap.h>

struct kobj_attribute;

/* Tier ids: compressed tiers first, then device tier Idx i as i + 1. */
#define SWAP_TIER_ZSWAP		0
#define SWAP_TIER_DEVICE_FIRST	1
#define SWAP_TIER_NONE		(-1)

#define SWAP_TIER_NAME_MAX	15

/* A device tier Idx's tier id. */
static inline int swap_tier_id_of_idx(int idx)
{
	return SWAP_TIER_DEVICE_FIRST + idx;
}

#ifdef CONFIG_SWAP
extern signed char swap_tier_idx_of_type[MAX_SWAPFILES];

/**
 * swap_type_tier_idx - The device tier a swap device is in.
 * @type: the swap type, in use
 *
 * Return: the tier's Idx, or SWAP_TIER_NONE.  It changes while the device
 * is in use only from SWAP_TIER_NONE to a tier, when tiers are first
 * defined.
 */
static inline int swap_type_tier_idx(unsigned int type)
{
	return READ_ONCE(swap_tier_idx_of_type[type]);
}

void swap_tiers_assign(struct swap_info_struct *si);
void swap_tiers_release(struct swap_info_struct *si);
extern struct kobj_attribute swap_tiers_attr;
#endif

#endif /* _MM_SWAP_TIER_H */
