// SPDX-License-Identifier: GPL-2.0
/*
 * Hibernation with virtual swap entries in use.
 *
 * Pages a region that encodes the page index out onto virtual entries in
 * all three states (same-filled, zswap, disk), then hibernates to the fast
 * disk (echo disk > /sys/power/state, "reboot" mode).  The write returns in
 * the resumed system, a second boot of the same disks: the region must
 * still be on virtual entries in all three states, give back every byte,
 * and swap out and in again.
 *
 * Run by harness/hibernate.sh ("make check-hibernate") on the hibernate
 * kernel, booted with resume=/dev/vda, with virtual swap on, swap on the
 * fast disk and zswap on.  The host checks that the guest wrote the image
 * and went down (a "VM-HIBERNATING" line in the kernel log, printed just
 * before) and that the second boot loaded it; this program checks what
 * the resumed system holds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "vswap_util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define VSWAP_KNOB	"/sys/kernel/mm/swap/vswap_enabled"
#define VSWAP_DEBUGFS	"/sys/kernel/debug/vswap/"
#define POWER		"/sys/power/"
#define NPAGES		8192		/* 32 MiB of 4 KiB pages */
/* Small: the same-filled pages' words then fit in a descriptor. */
#define SEED		71
#define SEED2		73

/* Virtual entries in each state: /sys/kernel/debug/vswap/{same,zswap,disk}. */
struct states {
	long same, zswap, disk;
};

static void states_read(struct states *s)
{
	s->same = read_long(VSWAP_DEBUGFS "same");
	s->zswap = read_long(VSWAP_DEBUGFS "zswap");
	s->disk = read_long(VSWAP_DEBUGFS "disk");
}

static void states_print(const char *when, const struct states *s)
{
	ksft_print_msg("%s: same %ld, zswap %ld, disk %ld\n", when, s->same,
		       s->zswap, s->disk);
}

/* Pages of @buf on a virtual entry (swap type @type) in pagemap. */
static long count_virtual(const char *buf, size_t npages, int type)
{
	uint64_t *pm = calloc(npages, sizeof(*pm));
	long n = 0;
	size_t i;

	if (!pm || pagemap_read(buf, npages, pm)) {
		free(pm);
		return -1;
	}
	for (i = 0; i < npages; i++)
		n += PM_SWAPPED(pm[i]) && PM_SWAP_TYPE(pm[i]) == type;
	free(pm);
	return n;
}

/*
 * Page @buf out and wait up to 30 s for its entries to reach all three
 * states from @before: zero and same-filled pages are recorded in the
 * descriptor, compressible ones go to zswap, incompressible ones past it
 * to the disk, written asynchronously.
 */
static bool page_out_three_states(char *buf, size_t npages, int type,
				  const struct states *before,
				  struct states *now)
{
	long virtual;
	int i;

	if (pageout_all(buf, npages * page_size)) {
		ksft_perror("MADV_PAGEOUT");
		return false;
	}
	virtual = count_virtual(buf, npages, type);
	if (virtual != (long)npages) {
		ksft_print_msg("%ld of %zu pages on a virtual entry (type %d)\n",
			       virtual, npages, type);
		return false;
	}
	for (i = 0; i < 300; i++) {
		states_read(now);
		/*
		 * A quarter of the pages is zero, a quarter same-filled, and
		 * half of those have words a descriptor holds (same_word()).
		 */
		if (now->same - before->same >= 3 * (long)npages / 8 &&
		    now->zswap > before->zswap && now->disk > before->disk)
			return true;
		usleep(100000);
	}
	states_print("not all three states after paging out", now);
	return false;
}

static bool verify(const char *buf, size_t npages, uint64_t seed)
{
	char why[256];

	if (pattern_check(buf, npages, PAGE_MIXED, seed, why,
			  sizeof(why)) == -1)
		return true;
	ksft_print_msg("data mismatch: %s\n", why);
	return false;
}

/* The resume device must be the fast disk, where the image goes. */
static void check_resume_device(void)
{
	unsigned int maj, min;
	struct stat st;
	FILE *f;
	int n;

	f = fopen(POWER "resume", "r");
	if (!f)
		ksft_exit_fail_perror(POWER "resume");
	n = fscanf(f, "%u:%u", &maj, &min);
	fclose(f);
	if (stat(fast_dev(), &st))
		ksft_exit_fail_perror(fast_dev());
	if (n != 2 || makedev(maj, min) != st.st_rdev)
		ksft_exit_fail_msg("resume device not %s (%u:%u): resume=/dev/vda?\n",
				   fast_dev(), major(st.st_rdev),
				   minor(st.st_rdev));
}

int main(void)
{
	struct states before, out, after, again;
	char *buf, *buf2;
	bool ok;
	int type, ret;
	long n;

	vswap_init();
	ksft_print_header();
	if (access(POWER "disk", W_OK))
		ksft_exit_fail_msg("no %sdisk: run on the hibernate kernel\n",
				   POWER);
	if (read_long(VSWAP_KNOB) != 1)
		ksft_exit_fail_msg("virtual swap is off (setup fast+zswap+vswap)\n");
	type = read_long(VSWAP_DEBUGFS "swap_type");
	if (type < 0)
		ksft_exit_fail_msg("no %sswap_type\n", VSWAP_DEBUGFS);
	if (!swap_is_on(fast_dev()))
		ksft_exit_fail_msg("no swap on %s\n", fast_dev());
	check_resume_device();
	ksft_set_plan(5);

	buf = mmap(NULL, NPAGES * page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		ksft_exit_fail_perror("mmap");
	madvise(buf, NPAGES * page_size, MADV_NOHUGEPAGE);
	pattern_fill(buf, NPAGES, PAGE_MIXED, SEED);

	states_read(&before);
	ok = page_out_three_states(buf, NPAGES, type, &before, &out);
	states_print("before hibernation", &out);
	ksft_test_result(ok, "paged_out_in_three_states\n");

	/*
	 * "reboot": write the image, then restart, which QEMU (-no-reboot)
	 * turns into an exit.  The host starts the second boot.
	 */
	if (write_file(POWER "disk", "reboot"))
		ksft_exit_fail_msg("cannot select the reboot mode in %sdisk\n",
				   POWER);
	ksft_print_msg("VM-HIBERNATING\n");
	fflush(stdout);
	write_file("/dev/kmsg", "vswap_hibernate: VM-HIBERNATING\n");
	ret = write_file(POWER "state", "disk");
	if (ret)
		ksft_print_msg("echo disk > %sstate: %s\n", POWER,
			       strerror(-ret));
	write_file("/dev/kmsg", "vswap_hibernate: VM-RESUMED (%d)\n", ret);
	ksft_test_result(!ret, "hibernated_and_resumed\n");

	/* Before anything faults in: the entries and their states are back. */
	n = count_virtual(buf, NPAGES, type);
	states_read(&after);
	states_print("after resume", &after);
	ksft_test_result(n == NPAGES &&
			 after.same - before.same >= 3 * NPAGES / 8 &&
			 after.zswap > before.zswap && after.disk > before.disk,
			 "entries_kept_in_three_states\n");
	if (n != NPAGES)
		ksft_print_msg("%ld of %d pages on a virtual entry\n", n,
			       NPAGES);

	ksft_test_result(verify(buf, NPAGES, SEED), "data_intact\n");

	/*
	 * The resumed system swaps a second region out and in, onto new
	 * entries and new slots of the disk the image was read from.
	 */
	buf2 = mmap(NULL, NPAGES * page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf2 == MAP_FAILED)
		ksft_exit_fail_perror("mmap");
	madvise(buf2, NPAGES * page_size, MADV_NOHUGEPAGE);
	pattern_fill(buf2, NPAGES, PAGE_MIXED, SEED2);
	states_read(&after);
	ok = page_out_three_states(buf2, NPAGES, type, &after, &again);
	states_print("second region paged out", &again);
	ksft_test_result(ok && verify(buf2, NPAGES, SEED2),
			 "swap_again_after_resume\n");

	munmap(buf2, NPAGES * page_size);
	munmap(buf, NPAGES * page_size);
	ksft_finished();
}
