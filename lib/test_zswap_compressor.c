// SPDX-License-Identifier: GPL-2.0
/*
 * Test module for the raw speed of zswap's compressor
 * (CONFIG_TEST_ZSWAP_COMPRESSOR).
 *
 * zswap store and load cost more than compressing and decompressing a page:
 * there is reclaim, the swap cache, the zpool, the tree and the page table
 * around every call.  To say how much more, a benchmark needs the raw
 * speed of the very same compressor in the very same kernel.  This module
 * measures it on pages the user supplies, calling crypto_acomp the way
 * zswap_compress() and zswap_decompress() in mm/zswap.c do.  The workload
 * "compressor" of tools/testing/selftests/vswap/swapbench.c uses it.
 *
 * /sys/kernel/debug/test_zswap_compressor/
 *   compressor  the crypto algorithm to use; starts as zswap's build-time
 *               default (CONFIG_ZSWAP_COMPRESSOR_DEFAULT).  Writing a name
 *               the crypto API cannot provide fails with -EINVAL.
 *   data        write-only: whole pages, appended in order.  A write at
 *               offset 0, or an open with O_TRUNC, starts a new data set;
 *               at most ZCOMP_BENCH_MAX_BYTES are kept.
 *   result      read-only: reading runs the benchmark over the data and
 *               returns one line of "key=value" words.
 *
 * Nothing here is charged to a memory cgroup: the pages are the benchmark's
 * own, not the writer's, and the swap workload that uses this module runs
 * in a small cgroup that must only hold its own pages.  Unloading the
 * module frees them.
 */

#define pr_fmt(fmt) "test_zswap_compressor: " fmt

#include <crypto/acompress.h>
#include <linux/bitmap.h>
#include <linux/crypto.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/*
 * The data set is kept three times while the benchmark runs (the pages,
 * their compressed copies and the decompressed pages), so keep it small
 * enough for a test guest; 8192 4 KiB pages are plenty for a stable figure.
 */
#define ZCOMP_BENCH_MAX_BYTES	SZ_32M
#define ZCOMP_BENCH_MAX_PAGES	(ZCOMP_BENCH_MAX_BYTES >> PAGE_SHIFT)
#define ZCOMP_BENCH_WARMUP_PAGES	64U
/*
 * Each timed loop is repeated over the whole data set until it has run
 * this long: a guest without a usable TSC keeps time in jiffies, and a
 * pass can be as short as a few ticks.
 */
#define ZCOMP_BENCH_MIN_NS	(250 * NSEC_PER_MSEC)
#define ZCOMP_BENCH_MAX_PASSES	64

static struct dentry *zcomp_bench_dir;

/* Everything below is protected by zcomp_bench_lock. */
static DEFINE_MUTEX(zcomp_bench_lock);
static char zcomp_bench_alg[CRYPTO_MAX_ALG_NAME] = CONFIG_ZSWAP_COMPRESSOR_DEFAULT;
/* The data set: ZCOMP_BENCH_MAX_PAGES slots, the first nr_pages filled. */
static struct page **zcomp_bench_pages;
static unsigned int zcomp_bench_nr_pages;

/*
 * Work space of one run: compressed copies, decompressed pages and what
 * the compression of each page gave.  Allocated before the clock starts.
 */
struct zcomp_bench_run {
	struct crypto_acomp *acomp;
	struct acomp_req *req;
	struct crypto_wait wait;
	u8 *buffer;			/* zswap's per-CPU buffer: two pages */
	struct page **stored;		/* what zswap would keep in its pool */
	struct page **out;		/* decompressed pages */
	unsigned int *len;		/* compressed length */
	unsigned long *rejected;	/* pages zswap would not store */
};

/* Drop the data set; the caller holds zcomp_bench_lock. */
static void zcomp_bench_reset(void)
{
	unsigned int i;

	for (i = 0; i < zcomp_bench_nr_pages; i++)
		__free_page(zcomp_bench_pages[i]);
	zcomp_bench_nr_pages = 0;
}

static void zcomp_bench_free_pages(struct page **pages, unsigned int nr)
{
	unsigned int i;

	if (!pages)
		return;
	for (i = 0; i < nr; i++)
		if (pages[i])
			__free_page(pages[i]);
	kvfree(pages);
}

/* Fill @nr freshly allocated pages; NULL on failure, nothing left over. */
static struct page **zcomp_bench_alloc_pages(unsigned int nr, gfp_t gfp)
{
	struct page **pages = kvcalloc(nr, sizeof(*pages), GFP_KERNEL);
	unsigned int i;

	if (!pages)
		return NULL;
	for (i = 0; i < nr; i++) {
		/* Low memory, so that sg_init_one() can take page_address(). */
		pages[i] = alloc_page(gfp);
		if (!pages[i]) {
			zcomp_bench_free_pages(pages, i);
			return NULL;
		}
	}
	return pages;
}

static void zcomp_bench_run_free(struct zcomp_bench_run *run, unsigned int nr)
{
	zcomp_bench_free_pages(run->stored, nr);
	zcomp_bench_free_pages(run->out, nr);
	kvfree(run->len);
	bitmap_free(run->rejected);
	kfree(run->buffer);
	if (run->req)
		acomp_request_free(run->req);
	if (!IS_ERR_OR_NULL(run->acomp))
		crypto_free_acomp(run->acomp);
}

/*
 * The transform and request as zswap_cpu_comp_prepare() sets them up for
 * one CPU: the same algorithm lookup, the same callback, so that an
 * asynchronous implementation is waited for exactly as zswap waits.
 */
static int zcomp_bench_run_alloc(struct zcomp_bench_run *run, unsigned int nr)
{
	memset(run, 0, sizeof(*run));
	run->acomp = crypto_alloc_acomp_node(zcomp_bench_alg, 0, 0, numa_node_id());
	if (IS_ERR(run->acomp))
		return PTR_ERR(run->acomp);
	run->req = acomp_request_alloc(run->acomp);
	run->buffer = kmalloc(PAGE_SIZE * 2, GFP_KERNEL);
	run->len = kvcalloc(nr, sizeof(*run->len), GFP_KERNEL);
	run->rejected = bitmap_zalloc(nr, GFP_KERNEL);
	/*
	 * Zeroed, so that they have been written to before the clock starts:
	 * the first write to a page can cost far more than the compressor (a
	 * hypervisor that maps guest memory lazily faults it in then).
	 */
	run->stored = zcomp_bench_alloc_pages(nr, GFP_KERNEL | __GFP_ZERO);
	run->out = zcomp_bench_alloc_pages(nr, GFP_KERNEL | __GFP_ZERO);
	if (!run->req || !run->buffer || !run->len || !run->rejected ||
	    !run->stored || !run->out)
		return -ENOMEM;
	crypto_init_wait(&run->wait);
	acomp_request_set_callback(run->req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				   crypto_req_done, &run->wait);
	return 0;
}

/*
 * One page as zswap_compress() does it: the page in, zswap's two-page
 * buffer out (a compressor may expand its input), then the result copied
 * where zswap would keep it.  A page that does not compress, or comes out
 * larger than a page (zsmalloc's largest object), zswap rejects and the
 * page goes to disk; here it is kept uncompressed and restored with a copy,
 * so that every page is timed the same way and round-trips.
 */
static void zcomp_bench_compress_page(struct zcomp_bench_run *run,
				      unsigned int i, struct page *page)
{
	struct scatterlist input, output;
	int err;

	sg_init_table(&input, 1);
	sg_set_page(&input, page, PAGE_SIZE, 0);
	sg_init_one(&output, run->buffer, PAGE_SIZE * 2);
	acomp_request_set_params(run->req, &input, &output, PAGE_SIZE, PAGE_SIZE);
	err = crypto_wait_req(crypto_acomp_compress(run->req), &run->wait);
	if (err || run->req->dlen > PAGE_SIZE) {
		__set_bit(i, run->rejected);
		copy_highpage(run->stored[i], page);
		run->len[i] = PAGE_SIZE;
		return;
	}
	__clear_bit(i, run->rejected);
	memcpy(page_address(run->stored[i]), run->buffer, run->req->dlen);
	run->len[i] = run->req->dlen;
}

/* One page as zswap_decompress() does it; false if it does not decompress. */
static bool zcomp_bench_decompress_page(struct zcomp_bench_run *run,
					unsigned int i)
{
	struct scatterlist input, output;

	if (test_bit(i, run->rejected)) {
		copy_highpage(run->out[i], run->stored[i]);
		return true;
	}
	sg_init_one(&input, page_address(run->stored[i]), run->len[i]);
	sg_init_table(&output, 1);
	sg_set_page(&output, run->out[i], PAGE_SIZE, 0);
	acomp_request_set_params(run->req, &input, &output, run->len[i], PAGE_SIZE);
	if (crypto_wait_req(crypto_acomp_decompress(run->req), &run->wait))
		return false;
	return run->req->dlen == PAGE_SIZE;
}

/*
 * Print " @key=" @bytes in @ns as MiB/s, the unit of swapbench, with one
 * decimal (no floating point in the kernel).
 */
static void zcomp_bench_print_mibps(struct seq_file *m, const char *key,
				    u64 bytes, u64 ns)
{
	u64 tenths = div64_u64(bytes * 10 * NSEC_PER_SEC,
			       max_t(u64, ns, 1) * SZ_1M);
	u32 rem;
	u64 whole = div_u64_rem(tenths, 10, &rem);

	seq_printf(m, " %s=%llu.%u", key, whole, rem);
}

/**
 * zcomp_bench_result_show() - run the benchmark and print its result
 * @m: the seq_file of the "result" file
 * @v: unused
 *
 * After an untimed warm-up round trip of the first pages, compresses
 * every page of the data set, then decompresses every page, each loop
 * timed as a whole with ktime_get_ns() and repeated until it has run for
 * ZCOMP_BENCH_MIN_NS, and only then compares
 * the decompressed pages with the originals, so that neither the check nor
 * any allocation is in the timed loops.  Both speeds are in uncompressed
 * bytes per second, like zswap's store and load throughput.
 *
 * Return: 0 with one line in @m, -ENODATA without data, -EINVAL if the
 * algorithm cannot be allocated, -ENOMEM, or -EIO if a page does not come
 * back as it was.
 */
static int zcomp_bench_result_show(struct seq_file *m, void *v)
{
	unsigned int nr, i, rejected, comp_passes = 0, decomp_passes = 0;
	struct zcomp_bench_run run;
	u64 t0, comp_ns, decomp_ns, in_bytes, out_bytes = 0;
	int ret;

	mutex_lock(&zcomp_bench_lock);
	nr = zcomp_bench_nr_pages;
	if (!nr) {
		ret = -ENODATA;
		goto unlock;
	}
	ret = zcomp_bench_run_alloc(&run, nr);
	if (ret) {
		/* An unknown name is the user's mistake, not a missing file. */
		if (ret == -ENOENT)
			ret = -EINVAL;
		goto free;
	}

	/*
	 * An untimed round trip of the first pages first: the first call of
	 * an algorithm sets up its state and, under emulation, has its code
	 * translated, which zswap in steady state does not pay either.
	 */
	for (i = 0; i < min(nr, ZCOMP_BENCH_WARMUP_PAGES); i++) {
		zcomp_bench_compress_page(&run, i, zcomp_bench_pages[i]);
		zcomp_bench_decompress_page(&run, i);
	}

	/* Every pass gives the same result; the last one is checked. */
	t0 = ktime_get_ns();
	do {
		for (i = 0; i < nr; i++) {
			zcomp_bench_compress_page(&run, i, zcomp_bench_pages[i]);
			cond_resched();
		}
		comp_ns = ktime_get_ns() - t0;
	} while (++comp_passes < ZCOMP_BENCH_MAX_PASSES &&
		 comp_ns < ZCOMP_BENCH_MIN_NS);

	t0 = ktime_get_ns();
	do {
		for (i = 0; i < nr; i++) {
			if (!zcomp_bench_decompress_page(&run, i)) {
				pr_warn("%s: page %u does not decompress\n",
					zcomp_bench_alg, i);
				ret = -EIO;
				goto free;
			}
			cond_resched();
		}
		decomp_ns = ktime_get_ns() - t0;
	} while (++decomp_passes < ZCOMP_BENCH_MAX_PASSES &&
		 decomp_ns < ZCOMP_BENCH_MIN_NS);

	for (i = 0; i < nr; i++) {
		if (memcmp(page_address(zcomp_bench_pages[i]),
			   page_address(run.out[i]), PAGE_SIZE)) {
			pr_warn("%s: page %u differs after the round trip\n",
				zcomp_bench_alg, i);
			ret = -EIO;
			goto free;
		}
		out_bytes += run.len[i];
	}

	in_bytes = (u64)nr * PAGE_SIZE;
	rejected = bitmap_weight(run.rejected, nr);
	seq_printf(m, "compressor algo=%s pages=%u in_bytes=%llu out_bytes=%llu rejected=%u",
		   zcomp_bench_alg, nr, in_bytes, out_bytes, rejected);
	seq_printf(m, " compress_passes=%u compress_ns=%llu decompress_passes=%u decompress_ns=%llu",
		   comp_passes, comp_ns, decomp_passes, decomp_ns);
	zcomp_bench_print_mibps(m, "compress_mbps", in_bytes * comp_passes, comp_ns);
	zcomp_bench_print_mibps(m, "decompress_mbps", in_bytes * decomp_passes,
				decomp_ns);
	seq_putc(m, '\n');
free:
	zcomp_bench_run_free(&run, nr);
unlock:
	mutex_unlock(&zcomp_bench_lock);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(zcomp_bench_result);

static ssize_t zcomp_bench_alg_read(struct file *file, char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	char name[CRYPTO_MAX_ALG_NAME + 1];
	int len;

	mutex_lock(&zcomp_bench_lock);
	len = scnprintf(name, sizeof(name), "%s\n", zcomp_bench_alg);
	mutex_unlock(&zcomp_bench_lock);
	return simple_read_from_buffer(ubuf, count, ppos, name, len);
}

/* The whole name in one write, as "echo lz4 > compressor" does it. */
static ssize_t zcomp_bench_alg_write(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	char name[CRYPTO_MAX_ALG_NAME];
	char *s;

	if (*ppos || !count || count >= sizeof(name))
		return -EINVAL;
	if (copy_from_user(name, ubuf, count))
		return -EFAULT;
	name[count] = '\0';
	s = strim(name);
	/* Checked now, so that a typo shows at the write, not at the run. */
	if (!*s || !crypto_has_acomp(s, 0, 0))
		return -EINVAL;
	mutex_lock(&zcomp_bench_lock);
	strscpy(zcomp_bench_alg, s, sizeof(zcomp_bench_alg));
	mutex_unlock(&zcomp_bench_lock);
	*ppos += count;
	return count;
}

static const struct file_operations zcomp_bench_alg_fops = {
	.owner = THIS_MODULE,
	.read = zcomp_bench_alg_read,
	.write = zcomp_bench_alg_write,
	.llseek = default_llseek,
};

/* "> data" in a shell (O_TRUNC) frees the data set. */
static int zcomp_bench_data_open(struct inode *inode, struct file *file)
{
	if ((file->f_mode & FMODE_WRITE) && (file->f_flags & O_TRUNC)) {
		mutex_lock(&zcomp_bench_lock);
		zcomp_bench_reset();
		mutex_unlock(&zcomp_bench_lock);
	}
	/* Only sequential writes make sense; the position is the data size. */
	return nonseekable_open(inode, file);
}

/**
 * zcomp_bench_data_write() - add whole pages to the data set
 * @file: the "data" file
 * @ubuf: the pages
 * @count: their size, a multiple of PAGE_SIZE
 * @ppos: 0 to start a new data set, or the end of the current one
 *
 * The new pages are allocated and filled before the data set changes, so a
 * write that fails leaves it as it was.
 *
 * Return: @count, -EINVAL for a partial page or a write anywhere but at 0
 * or the end, -EFBIG beyond ZCOMP_BENCH_MAX_BYTES, -ENOMEM or -EFAULT.
 */
static ssize_t zcomp_bench_data_write(struct file *file, const char __user *ubuf,
				      size_t count, loff_t *ppos)
{
	unsigned int nr = count >> PAGE_SHIFT, first, i;
	struct page **pages;
	ssize_t ret;

	if (!count || offset_in_page(count))
		return -EINVAL;
	mutex_lock(&zcomp_bench_lock);
	first = *ppos ? zcomp_bench_nr_pages : 0;
	if (*ppos != (loff_t)first << PAGE_SHIFT) {
		ret = -EINVAL;
		goto unlock;
	}
	if (count > ZCOMP_BENCH_MAX_BYTES || first + nr > ZCOMP_BENCH_MAX_PAGES) {
		ret = -EFBIG;
		goto unlock;
	}
	if (!zcomp_bench_pages) {
		zcomp_bench_pages = kvcalloc(ZCOMP_BENCH_MAX_PAGES,
					     sizeof(*zcomp_bench_pages), GFP_KERNEL);
		if (!zcomp_bench_pages) {
			ret = -ENOMEM;
			goto unlock;
		}
	}
	pages = zcomp_bench_alloc_pages(nr, GFP_KERNEL);
	if (!pages) {
		ret = -ENOMEM;
		goto unlock;
	}
	for (i = 0; i < nr; i++) {
		if (copy_from_user(page_address(pages[i]),
				   ubuf + ((size_t)i << PAGE_SHIFT), PAGE_SIZE)) {
			zcomp_bench_free_pages(pages, nr);
			ret = -EFAULT;
			goto unlock;
		}
		cond_resched();
	}
	if (!first)
		zcomp_bench_reset();
	memcpy(zcomp_bench_pages + first, pages, nr * sizeof(*pages));
	kvfree(pages);
	zcomp_bench_nr_pages = first + nr;
	*ppos += count;
	ret = count;
unlock:
	mutex_unlock(&zcomp_bench_lock);
	return ret;
}

static const struct file_operations zcomp_bench_data_fops = {
	.owner = THIS_MODULE,
	.open = zcomp_bench_data_open,
	.write = zcomp_bench_data_write,
};

static int __init zcomp_bench_init(void)
{
	zcomp_bench_dir = debugfs_create_dir("test_zswap_compressor", NULL);
	debugfs_create_file("compressor", 0600, zcomp_bench_dir, NULL,
			    &zcomp_bench_alg_fops);
	debugfs_create_file("data", 0200, zcomp_bench_dir, NULL,
			    &zcomp_bench_data_fops);
	debugfs_create_file("result", 0400, zcomp_bench_dir, NULL,
			    &zcomp_bench_result_fops);
	return 0;
}

static void __exit zcomp_bench_exit(void)
{
	/* Waits for the files' callers to return; no new ones can come. */
	debugfs_remove_recursive(zcomp_bench_dir);
	mutex_lock(&zcomp_bench_lock);
	zcomp_bench_reset();
	mutex_unlock(&zcomp_bench_lock);
	kvfree(zcomp_bench_pages);
}

module_init(zcomp_bench_init);
module_exit(zcomp_bench_exit);

MODULE_DESCRIPTION("Raw compress and decompress speed of zswap's compressor");
MODULE_LICENSE("GPL");
