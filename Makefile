# SPDX-License-Identifier: GPL-2.0
#
# Virtual swap for Linux 6.12: the only entry point.  See README.md.
#
#   make check     build everything and run the test suite in QEMU
#   make run       swap tiers: three cgroups, three tiers, where the data went

SHELL := /bin/bash
H := harness
VARIANT ?= fast
export VARIANT

.PHONY: all bench check check-fast check-harness check-debug check-novswap check-hibernate run vm deps pristine assemble export status \
	kernel kernel-debug initramfs checkpatch clean distclean help

all: check

help:
	@sed -n 's/^#   //p' Makefile; echo; sed -n 's/^## //p' Makefile

## deps          install missing Debian packages (as root)
deps:
	@$(H)/deps.sh

## pristine      unpack linux-source-6.12 into build/linux (cached)
pristine: deps
	@$(H)/tree.sh pristine

## assemble      pristine tree + the series' new files + patches/
assemble: deps
	@$(H)/tree.sh assemble

## export        copy edits made in build/linux back into the repository
export:
	@$(H)/tree.sh export

## status        what 'make export' would change
status:
	@$(H)/tree.sh status

## kernel        build the kernel (VARIANT=fast|debug|novswap|hibernate) in build/obj-VARIANT
kernel: assemble
	@$(H)/kernel.sh $(VARIANT)

kernel-debug:
	@$(MAKE) --no-print-directory kernel VARIANT=debug

## initramfs     busybox + test programs -> build/initramfs.cpio
initramfs: assemble
	@$(H)/userspace.sh

## check         the suite on the fast kernel, then on the debug kernel;
##               ends with "N passed, N failed, N skipped" for both
check: deps
	@$(MAKE) --no-print-directory kernel VARIANT=fast
	@$(MAKE) --no-print-directory kernel VARIANT=debug
	@$(MAKE) --no-print-directory kernel VARIANT=novswap
	@$(MAKE) --no-print-directory kernel VARIANT=hibernate
	@$(MAKE) --no-print-directory initramfs
	@$(H)/check-all.sh

## check-fast    only the fast kernel (TESTS='name ...' picks programs)
check-fast: kernel initramfs
	@VARIANT=fast $(H)/check.sh $(TESTS)

## check-harness the harness's own tests (KVM probe, dead and stalled guests)
check-harness: kernel initramfs
	@$(H)/test-vm.sh

## check-debug   only the debug kernel (lockdep, DEBUG_VM, KASAN)
check-debug:
	@$(MAKE) --no-print-directory kernel VARIANT=debug
	@$(MAKE) --no-print-directory initramfs
	@VARIANT=debug $(H)/check.sh $(or $(TESTS),swap_roundtrip virtual_swap vswap_disk vswap_zram vswap_fail vswap_capacity vswap_alloc vswap_thp swap_account test_zswap test_zswap_vswap)

## check-novswap the upstream swap tests on CONFIG_VIRTUAL_SWAP=n
check-novswap:
	@$(MAKE) --no-print-directory kernel VARIANT=novswap
	@$(MAKE) --no-print-directory initramfs
	@VARIANT=novswap $(H)/check.sh $(or $(TESTS),swap_roundtrip swap_account_classic vswap_thp_classic test_zswap test_memcontrol)

## check-hibernate hibernation with virtual entries in every state: suspend to
##               the fast disk, resume in a second boot (harness/hibernate.sh)
check-hibernate:
	@$(MAKE) --no-print-directory kernel VARIANT=hibernate
	@$(MAKE) --no-print-directory initramfs
	@$(H)/hibernate.sh

## bench         baseline vs series (virtual swap on/off) in QEMU, rounds
##               alternating; report in build/bench/report.md (README: Benchmarks)
bench:
	@$(MAKE) --no-print-directory kernel VARIANT=base
	@$(MAKE) --no-print-directory kernel VARIANT=fast
	@$(MAKE) --no-print-directory initramfs
	@$(H)/bench.sh

## run           swap tiers (zswap, fast, slow), three cgroup policies, data verified
run: kernel initramfs
	@$(H)/run.sh

## vm            make vm CMD='shell command' EXTRA='host files' [TIMEOUT=s]
vm: kernel initramfs
	@$(H)/vm.sh --timeout $(or $(TIMEOUT),600) \
		$(foreach f,$(EXTRA),--extra $(f)) -- '$(subst ','\'',$(CMD))'

## checkpatch    scripts/checkpatch.pl --strict on new files and patches
checkpatch: assemble
	@$(H)/checkpatch.sh

## clean         remove build outputs, keep the pristine tree and ccache
clean:
	rm -rf build/obj-* build/cfg-* build/headers build/selftests build/initramfs* build/logs build/runs

## distclean     remove build/ entirely
distclean:
	rm -rf build
