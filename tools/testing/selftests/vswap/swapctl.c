// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl: swapon with a priority, which busybox's swapon lacks.
 *
 *   swapctl on DEVICE [PRIORITY]
 *   swapctl off DEVICE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vswap_util.h"

int main(int argc, char **argv)
{
	int ret;

	if (argc >= 3 && !strcmp(argv[1], "on")) {
		ret = swap_on(argv[2], argc > 3 ? atoi(argv[3]) : -1);
	} else if (argc == 3 && !strcmp(argv[1], "off")) {
		ret = swap_off(argv[2]);
	} else {
		fprintf(stderr, "usage: swapctl on DEVICE [PRIORITY] | off DEVICE\n");
		return 2;
	}
	if (ret) {
		fprintf(stderr, "swapctl %s %s: %s\n", argv[1], argv[2],
			strerror(-ret));
		return 1;
	}
	return 0;
}
