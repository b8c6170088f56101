// SPDX-License-Identifier: GPL-2.0
/*
 * memhog: a memory-pressure workload that checks its data.
 *
 *   memhog [-m MIX] [-p PASSES] [-H] MEGABYTES
 *
 * Fills MEGABYTES of anonymous memory with pages that encode their index
 * (MIX: mixed, zero, same, text or random), then reads every byte back
 * PASSES times, rewriting the pattern with a new seed between passes so each
 * pass swaps pages in and out again.  Exits 1 on the first wrong byte.
 *
 * With -H it then prints "memhog: holding" and keeps its memory until
 * SIGUSR1, so a script can look at the swap counters while the pages are
 * out; it verifies every byte once more before it exits.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vswap_util.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const char * const mixes[] = {
		[PAGE_ZERO] = "zero", [PAGE_SAME] = "same", [PAGE_TEXT] = "text",
		[PAGE_RANDOM] = "random", [PAGE_MIXED] = "mixed",
		[PAGE_HALF] = "half", [PAGE_EIGHTH] = "eighth",
	};
	enum page_kind mix = PAGE_MIXED;
	int passes = 1, hold = 0, opt, k, pass, sig;
	sigset_t set;
	size_t npages;
	char why[256];
	double t;
	char *p;

	while ((opt = getopt(argc, argv, "m:p:H")) != -1) {
		switch (opt) {
		case 'm':
			for (k = 0; k <= PAGE_EIGHTH; k++)
				if (!strcmp(optarg, mixes[k]))
					mix = k;
			if (strcmp(optarg, mixes[mix])) {
				fprintf(stderr, "memhog: unknown mix %s\n", optarg);
				return 2;
			}
			break;
		case 'p':
			passes = atoi(optarg);
			break;
		case 'H':
			hold = 1;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 || passes < 1)
		goto usage;

	vswap_init();
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	npages = VSWAP_MB(atol(argv[optind])) / page_size;
	p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("memhog: mmap");
		return 1;
	}
	for (pass = 1; pass <= passes; pass++) {
		t = now();
		pattern_fill(p, npages, mix, pass);
		printf("memhog: pass %d: wrote %zu pages (%s) in %.2fs, %ld swapped\n",
		       pass, npages, mixes[mix], now() - t,
		       count_swapped(p, npages));
		t = now();
		if (pattern_check(p, npages, mix, pass, why, sizeof(why)) != -1) {
			printf("memhog: pass %d: DATA MISMATCH: %s\n", pass, why);
			return 1;
		}
		printf("memhog: pass %d: verified %zu pages in %.2fs\n", pass,
		       npages, now() - t);
		fflush(stdout);
	}
	if (hold) {
		printf("memhog: holding %zu pages until SIGUSR1\n", npages);
		fflush(stdout);
		sigwait(&set, &sig);
		if (pattern_check(p, npages, mix, passes, why, sizeof(why)) != -1) {
			printf("memhog: final check: DATA MISMATCH: %s\n", why);
			return 1;
		}
		printf("memhog: final check: %zu pages verified\n", npages);
	}
	return 0;
usage:
	fprintf(stderr,
		"usage: memhog [-m mixed|zero|same|text|random|half|eighth] [-p PASSES] [-H] MEGABYTES\n");
	return 2;
}
