// SPDX-License-Identifier: GPL-2.0
/*
 * Swap tiers: the global /sys/kernel/mm/swap/tiers file.
 *
 * A tier is a named range of swap priorities, from its start priority up
 * to the next higher tier's start - 1 (the top tier up to 32767); once any
 * tier exists, one starts at -1.  Reading the file gives a header line and
 * one "NAME IDX START END" row per device tier, highest first; the reserved
 * zswap tier is not listed.  Writing it applies "+NAME:START" (add) and
 * "-NAME" (remove) operations, separated by commas and white space, left
 * to right and all or nothing.
 *
 * Tested: the read format and the write grammar; how an added tier splits
 * a range and a removed one merges into the tier below; each error code
 * (EINVAL, EEXIST, EBUSY, ENOSPC), with the file's text unchanged after
 * every failed write; slot index reuse; and that a swapped-on device pins
 * its tier: one swapped on with a priority, one without (it belongs to the
 * tier that starts at -1), and devices swapped on before any tier existed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vswap_test.h"

#define TABLE_LEN	4096

/* Is @line the header "Name Idx PrioStart PrioEnd", parsed by white space? */
static bool header_ok(const char *line)
{
	char w[4][16], joined[64];
	int end = -1;

	if (sscanf(line, "%15s %15s %15s %15s %n", w[0], w[1], w[2], w[3],
		   &end) != 4 || end < 0 || line[end])
		return false;
	snprintf(joined, sizeof(joined), "%s %s %s %s", w[0], w[1], w[2], w[3]);
	return !strcmp(joined, "Name Idx PrioStart PrioEnd");
}

/*
 * The rows of the tiers file, parsed by white space, into @out as
 * "NAME IDX START END" joined by "; " ("" for none).  Returns the number
 * of rows, -errno if the file cannot be read, -EPROTO if it is malformed.
 */
static int tiers_table(char *out, size_t len)
{
	char raw[TABLE_LEN], name[32], *line, *save;
	int idx, start, end, pos, rows = 0, ret;
	size_t used = 0;

	ret = read_text(SWAP_TIERS, raw, sizeof(raw));
	if (ret)
		return ret;
	*out = '\0';
	line = strtok_r(raw, "\n", &save);
	if (!line || !header_ok(line))
		return -EPROTO;
	while ((line = strtok_r(NULL, "\n", &save))) {
		pos = -1;
		if (sscanf(line, "%31s %d %d %d %n", name, &idx, &start, &end,
			   &pos) != 4 || pos < 0 || line[pos])
			return -EPROTO;
		used += snprintf(out + used, len - used, "%s%s %d %d %d",
				 rows++ ? "; " : "", name, idx, start, end);
		if (used >= len)
			return -EPROTO;
	}
	return rows;
}

/* The tiers must be exactly @want, rows as tiers_table() joins them. */
static void expect_tiers(struct __test_metadata *_metadata, const char *want)
{
	char got[TABLE_LEN];
	int ret = tiers_table(got, sizeof(got));

	ASSERT_LE(0, ret) {
		TH_LOG("reading %s: %s", SWAP_TIERS, strerror(-ret));
	}
	EXPECT_STREQ(want, got);
}

/* Writing @ops (one write()) must succeed and leave the tiers @want. */
static void tiers_ok(struct __test_metadata *_metadata, const char *ops,
		     const char *want)
{
	int ret = write_file(SWAP_TIERS, "%s", ops);

	ASSERT_EQ(0, ret) {
		TH_LOG("\"%s\": %s", escaped(ops), strerror(-ret));
	}
	expect_tiers(_metadata, want);
}

/* Writing @ops must fail with @err and leave the file's text as it was. */
static void tiers_fail(struct __test_metadata *_metadata, const char *ops,
		       int err)
{
	char before[TABLE_LEN], after[TABLE_LEN];
	int ret;

	ASSERT_EQ(0, read_text(SWAP_TIERS, before, sizeof(before)));
	ret = write_file(SWAP_TIERS, "%s", ops);
	EXPECT_EQ(-err, ret) {
		TH_LOG("\"%s\": got %s, want %s", escaped(ops),
		       ret ? strerror(-ret) : "success", strerror(err));
	}
	ASSERT_EQ(0, read_text(SWAP_TIERS, after, sizeof(after)));
	EXPECT_STREQ(before, after) {
		TH_LOG("the failed write \"%s\" changed the tiers", escaped(ops));
	}
}

/* Swap @dev on with priority @prio (-1: none), from off. */
static void dev_on(struct __test_metadata *_metadata, const char *dev,
		   int prio)
{
	int ret;

	ASSERT_FALSE(swap_is_on(dev)) {
		TH_LOG("%s is already on", dev);
	}
	ret = swap_on(dev, prio);
	ASSERT_EQ(0, ret) {
		TH_LOG("swapon %s: %s", dev, strerror(-ret));
	}
}

FIXTURE(tiers) {
	int stale;		/* tiers the setup found, and removed */
	bool was_on[2];		/* fast_dev(), slow_dev() on before the test */
};

FIXTURE_SETUP(tiers)
{
	struct stat st;

	/* The file is the feature under test: without it, fail. */
	ASSERT_EQ(0, stat(SWAP_TIERS, &st)) {
		TH_LOG("%s: %s", SWAP_TIERS, strerror(errno));
	}
	EXPECT_EQ(0644, st.st_mode & 0777);
	self->was_on[0] = swap_is_on(fast_dev());
	self->was_on[1] = swap_is_on(slow_dev());
	self->stale = swap_tiers_clear();
	ASSERT_LE(0, self->stale);
	expect_tiers(_metadata, "");
}

FIXTURE_TEARDOWN(tiers)
{
	if (!self->was_on[0] && swap_is_on(fast_dev()))
		EXPECT_EQ(0, swap_off(fast_dev()));
	if (!self->was_on[1] && swap_is_on(slow_dev()))
		EXPECT_EQ(0, swap_off(slow_dev()));
	EXPECT_LE(0, swap_tiers_clear());
	expect_tiers(_metadata, "");
}

/*
 * No tiers at boot: only the header.  Rows come highest first whatever the
 * order of the adds and the slot indexes; zswap is never listed.
 */
TEST_F(tiers, format)
{
	char raw[TABLE_LEN];

	EXPECT_EQ(0, self->stale) {
		TH_LOG("%d tiers existed before the first test", self->stale);
	}
	tiers_ok(_metadata, "+HDD:50, +NET:-1\n",
		 "HDD 0 50 32767; NET 1 -1 49");
	tiers_ok(_metadata, "+SSD:100",
		 "SSD 2 100 32767; HDD 0 50 99; NET 1 -1 49");
	ASSERT_EQ(0, read_text(SWAP_TIERS, raw, sizeof(raw)));
	EXPECT_EQ(NULL, strstr(raw, "zswap"));
}

/* Separators in any mix; names and priorities at their limits. */
TEST_F(tiers, grammar)
{
	tiers_ok(_metadata, "\t+low:-1,,+mid:7 ,\n +top:32767\n",
		 "top 2 32767 32767; mid 1 7 32766; low 0 -1 6");
	tiers_ok(_metadata, "-mid,-top", "low 0 -1 32767");
	/* Case-sensitive names of 1 to 15 of [A-Za-z0-9_]. */
	tiers_ok(_metadata, "+LOW:0\t+x:2 , +Ab_0123456789yz:3",
		 "Ab_0123456789yz 3 3 32767; x 2 2 2; LOW 1 0 1; low 0 -1 -1");
	tiers_ok(_metadata, "-LOW -x\n-Ab_0123456789yz", "low 0 -1 32767");
	tiers_ok(_metadata, "-low\n", "");
}

/* Writes of nothing but separators. */
static const char * const only_separators[] = { " ", "\n", ", ,\t\n" };

/* Operations that are not "+NAME:START" or "-NAME" with valid parts. */
static const char * const bad_ops[] = {
	"low:5", "x", "*x:5", "=x:5",			/* no + or - */
	"+", "-", "+x", "+x5", "+x:", "+:5", "+ x:5",	/* parts missing */
	"+x:y", "+x:5y", "+x:1.5", "+x:--1", "+x:5:6",	/* not a number */
	"+x:-2", "+x:32768", "+x:2147483648",		/* out of range */
	"+x-y:5", "+x.y:5", "+x/y:5", "+Ab_0123456789yzQ:5", "-x:5",
};

/* EINVAL for bad grammar, alone or after a valid operation. */
TEST_F(tiers, invalid_grammar)
{
	char ops[64];
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < ARRAY_SIZE(only_separators); i++)
			tiers_fail(_metadata, only_separators[i], EINVAL);
		for (i = 0; i < ARRAY_SIZE(bad_ops); i++) {
			tiers_fail(_metadata, bad_ops[i], EINVAL);
			snprintf(ops, sizeof(ops), "+ok:20 %s", bad_ops[i]);
			tiers_fail(_metadata, ops, EINVAL);
		}
		if (!pass)
			tiers_ok(_metadata, "+low:-1 +mid:10",
				 "mid 1 10 32767; low 0 -1 9");
	}
}

/* An added tier takes the upper part of the range it starts in. */
TEST_F(tiers, add_splits_range)
{
	tiers_ok(_metadata, "+HDD:50 +NET:-1", "HDD 0 50 32767; NET 1 -1 49");
	tiers_ok(_metadata, "+SSD:100",
		 "SSD 2 100 32767; HDD 0 50 99; NET 1 -1 49");
	tiers_ok(_metadata, "+MID:51",
		 "SSD 2 100 32767; MID 3 51 99; HDD 0 50 50; NET 1 -1 49");
}

/*
 * A removed tier's range goes to the tier below; the bottom tier's to the
 * tier above, which then starts at -1.
 */
TEST_F(tiers, remove_merges_range)
{
	tiers_ok(_metadata, "+NET:-1 +HDD:50 +SSD:100",
		 "SSD 2 100 32767; HDD 1 50 99; NET 0 -1 49");
	tiers_ok(_metadata, "-HDD", "SSD 2 100 32767; NET 0 -1 99");
	tiers_ok(_metadata, "+HDD:50",
		 "SSD 2 100 32767; HDD 1 50 99; NET 0 -1 49");
	tiers_ok(_metadata, "-SSD", "HDD 1 50 32767; NET 0 -1 49");
	tiers_ok(_metadata, "-NET", "HDD 1 -1 32767");
	tiers_ok(_metadata, "-HDD", "");
}

/* Tiers, if any, must include one that starts at -1. */
TEST_F(tiers, bottom_tier_required)
{
	tiers_fail(_metadata, "+A:10", EINVAL);
	tiers_fail(_metadata, "+A:0 +B:32767", EINVAL);
	tiers_ok(_metadata, "+A:10 +B:-1", "A 0 10 32767; B 1 -1 9");
	tiers_ok(_metadata, "-B", "A 0 -1 32767");
	tiers_fail(_metadata, "-A +C:10", EINVAL);
	tiers_ok(_metadata, "-A", "");
}

/* EEXIST, EINVAL and EBUSY for names and priorities in use or unknown. */
TEST_F(tiers, error_codes)
{
	tiers_ok(_metadata, "+A:-1 +B:10", "B 1 10 32767; A 0 -1 9");
	/* A name in use, also earlier in the write, or the reserved zswap. */
	tiers_fail(_metadata, "+B:20", EEXIST);
	tiers_fail(_metadata, "+C:20 +C:30", EEXIST);
	tiers_fail(_metadata, "+zswap:5", EEXIST);
	/* Removing a tier that does not exist, or zswap. */
	tiers_fail(_metadata, "-C", EINVAL);
	tiers_fail(_metadata, "-a", EINVAL);
	tiers_fail(_metadata, "-zswap", EINVAL);
	/* A start priority in use. */
	tiers_fail(_metadata, "+C:10", EBUSY);
	tiers_fail(_metadata, "+C:-1", EBUSY);
	tiers_fail(_metadata, "+C:20 +D:20", EBUSY);
	/* Names are case-sensitive: only "zswap" itself is reserved. */
	tiers_ok(_metadata, "+a:5 +ZSWAP:20",
		 "ZSWAP 3 20 32767; B 1 10 19; a 2 5 9; A 0 -1 4");
}

/* A write that fails anywhere changes nothing; one that succeeds, all. */
TEST_F(tiers, batch_all_or_nothing)
{
	tiers_fail(_metadata, "+A:-1 +B:10 +B:20", EEXIST);
	tiers_fail(_metadata, "+A:-1, -nonexistent", EINVAL);
	tiers_fail(_metadata, "+A:-1 +B:-1", EBUSY);
	tiers_ok(_metadata, "+A:-1 +B:10 -B", "A 0 -1 32767");
	tiers_fail(_metadata, "-A +B:-1 +B:5", EEXIST);
	tiers_ok(_metadata, "+B:10", "B 1 10 32767; A 0 -1 9");
	tiers_fail(_metadata, "-B +C:20 +D:30 +zswap:40", EEXIST);
	tiers_fail(_metadata, "+C:20 -B +x!:1", EINVAL);
	tiers_fail(_metadata, "+C:20 +D:30 +E:40", ENOSPC);
	tiers_fail(_metadata, "-A -B +C:20", EINVAL);
	/* A write may end with no tiers at all. */
	tiers_ok(_metadata, "+C:20 -A -B -C", "");
}

/* An added tier takes the lowest free slot index. */
TEST_F(tiers, slot_reuse)
{
	tiers_ok(_metadata, "+A:-1 +B:10 +C:20",
		 "C 2 20 32767; B 1 10 19; A 0 -1 9");
	tiers_ok(_metadata, "-B", "C 2 20 32767; A 0 -1 19");
	tiers_ok(_metadata, "+D:30", "D 1 30 32767; C 2 20 29; A 0 -1 19");
	tiers_ok(_metadata, "-A", "D 1 30 32767; C 2 -1 29");
	tiers_ok(_metadata, "+E:5", "D 1 30 32767; E 0 5 29; C 2 -1 4");
	tiers_ok(_metadata, "-C -D -E", "");
	tiers_ok(_metadata, "+F:-1 +G:1", "G 1 1 32767; F 0 -1 0");
}

/* CONFIG_NR_SWAP_TIERS (4 by default) slots; zswap takes none of them. */
TEST_F(tiers, enospc)
{
	tiers_fail(_metadata, "+A:-1 +B:10 +C:20 +D:30 +E:40", ENOSPC);
	tiers_ok(_metadata, "+A:-1 +B:10 +C:20 +D:30",
		 "D 3 30 32767; C 2 20 29; B 1 10 19; A 0 -1 9");
	tiers_fail(_metadata, "+E:40", ENOSPC);
	tiers_fail(_metadata, "-D +E:40 +F:50", ENOSPC);
	/* A slot freed earlier in the same write can be taken. */
	tiers_ok(_metadata, "-B +E:40",
		 "E 1 40 32767; D 3 30 39; C 2 20 29; A 0 -1 19");
}

/*
 * A device swapped on with priority 20 is in the tier whose range holds
 * 20: that tier cannot be removed, and no tier can be added that would
 * take 20 from it, until swapoff.  Everything else can change.
 */
TEST_F_TIMEOUT(tiers, device_pins_tier, TIMEOUT)
{
	tiers_ok(_metadata, "+slow:-1 +fast:10",
		 "fast 1 10 32767; slow 0 -1 9");
	dev_on(_metadata, fast_dev(), 20);
	tiers_fail(_metadata, "-fast", EBUSY);
	tiers_fail(_metadata, "+ultra:15", EBUSY);
	tiers_fail(_metadata, "+ultra:20", EBUSY);
	tiers_fail(_metadata, "+ultra:25 -fast", EBUSY);
	tiers_ok(_metadata, "+ultra:21",
		 "ultra 2 21 32767; fast 1 10 20; slow 0 -1 9");
	tiers_ok(_metadata, "+mid:5",
		 "ultra 2 21 32767; fast 1 10 20; mid 3 5 9; slow 0 -1 4");
	tiers_ok(_metadata, "-ultra -slow", "fast 1 10 32767; mid 3 -1 9");
	ASSERT_EQ(0, swap_off(fast_dev()));
	tiers_ok(_metadata, "+ultra:15",
		 "ultra 0 15 32767; fast 1 10 14; mid 3 -1 9");
	tiers_ok(_metadata, "-fast", "ultra 0 15 32767; mid 3 -1 14");
}

/*
 * A device swapped on without a priority (6.12 gives it -2) is in the tier
 * that starts at -1, however narrow that tier is.
 */
TEST_F_TIMEOUT(tiers, unprioritized_device_in_bottom_tier, TIMEOUT)
{
	tiers_ok(_metadata, "+low:-1 +high:10", "high 1 10 32767; low 0 -1 9");
	dev_on(_metadata, slow_dev(), -1);
	tiers_fail(_metadata, "-low", EBUSY);
	tiers_fail(_metadata, "-high -low", EBUSY);
	tiers_ok(_metadata, "-high", "low 0 -1 32767");
	tiers_ok(_metadata, "+high:0", "high 1 0 32767; low 0 -1 -1");
	tiers_fail(_metadata, "-low", EBUSY);
	ASSERT_EQ(0, swap_off(slow_dev()));
	tiers_ok(_metadata, "-low", "high 1 -1 32767");
}

/*
 * Devices swapped on while no tiers exist join the tiers of their
 * priorities when the tiers are defined, and then pin them.
 */
TEST_F_TIMEOUT(tiers, device_on_before_tiers, TIMEOUT)
{
	dev_on(_metadata, fast_dev(), 20);
	dev_on(_metadata, slow_dev(), -1);
	tiers_ok(_metadata, "+slow:-1 +fast:10",
		 "fast 1 10 32767; slow 0 -1 9");
	tiers_fail(_metadata, "-fast", EBUSY);
	tiers_fail(_metadata, "-slow", EBUSY);
	tiers_fail(_metadata, "-slow -fast", EBUSY);
	tiers_fail(_metadata, "+ultra:15", EBUSY);
	tiers_ok(_metadata, "+ultra:25",
		 "ultra 2 25 32767; fast 1 10 24; slow 0 -1 9");
	ASSERT_EQ(0, swap_off(fast_dev()));
	ASSERT_EQ(0, swap_off(slow_dev()));
	tiers_ok(_metadata, "-slow -fast", "ultra 2 -1 32767");
}

TEST_HARNESS_MAIN
