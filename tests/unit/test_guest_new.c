// SPDX-License-Identifier: GPL-2.0
/*
 * core/guest_new.c on the host: the options of `guest new` (each refusal
 * and its message), and the descriptions built from both boards' real
 * templates (boards/<arch>/qemu-virt/guest-machine.dts, compiled by dtc
 * here as the build does), checked node by node and round-tripped through
 * their DTS text and dtc. Also the devtree functions the command brought:
 * devtree_root_new(), devtree_node_copy_into(), devtree_write_dts(). The
 * bundle is core/bundle.c over an archive the test writes; LeakSanitizer
 * sees every refusal's tree freed.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <keel/bundle.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/guest_new.h>

#include "unit.h"

/* What libs/string.c gives Keel (it clashes with libc here). */
const char *error_name(int err)
{
	return err ? "E(error)" : "OK";
}

/* ---- a boot bundle: kernel, initrd and a disk ---- */

static u8 archive[4096];

static size_t cpio_entry(size_t at, const char *name, const void *data,
			 u32 size, u32 mode)
{
	size_t namesize = strlen(name) + 1;

	at += (size_t)sprintf((char *)archive + at,
			      "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x"
			      "%08x%08zx%08x",
			      1, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, namesize,
			      0);
	memcpy(archive + at, name, namesize);
	at = (at + namesize + 3) & ~(size_t)3;
	memcpy(archive + at, data, size);
	return (at + size + 3) & ~(size_t)3;
}

static void open_bundle(void)
{
	static const char kernel[] = "kernel bytes", initrd[] = "initrd";
	static const char disk[] = "a disk";
	size_t at = 0;

	memset(archive, 0, sizeof(archive));
	at = cpio_entry(at, "Image", kernel, sizeof(kernel), 0100644);
	at = cpio_entry(at, "rootfs.cpio", initrd, sizeof(initrd), 0100644);
	at = cpio_entry(at, "disk.img", disk, sizeof(disk), 0100644);
	at = cpio_entry(at, "TRAILER!!!", "", 0, 0);
	CHECK(bundle_open(archive, at) == 3);
}

/* ---- parsing ---- */

#define LIMIT MiB(1024)

/* Split a line on blanks (no quotes needed here) and parse it. */
static int parse(const char *line, struct guest_new_args *a, char *why,
		 size_t len)
{
	static char buf[512];
	static char *argv[32];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 32; t = strtok(NULL, " "))
		argv[argc++] = t;
	return guest_new_parse(argc, argv, LIMIT, a, why, len);
}

UNIT_TEST(parse_full_line)
{
	struct guest_new_args a;
	char why[160];

	open_bundle();
	CHECK(parse("l1 kernel=Image initrd=rootfs.cpio append=quiet vcpus=2 "
		    "mem=256M disk=bundle:disk.img disk=vda1 net=sw0 --dts",
		    &a, why, sizeof(why)) == 0);
	CHECK(!strcmp(a.name, "l1"));
	CHECK(!strcmp(a.kernel, "Image") && !strcmp(a.initrd, "rootfs.cpio"));
	CHECK(!strcmp(a.append, "quiet"));
	CHECK(a.vcpus == 2 && a.mem == MiB(256) && a.dts);
	CHECK(a.nr_devices == 3);
	CHECK(!strcmp(a.devices[0].type, "block") &&
	      !strcmp(a.devices[0].backend, "bundle:disk.img"));
	CHECK(!strcmp(a.devices[1].type, "block") &&
	      !strcmp(a.devices[1].backend, "vda1"));
	CHECK(!strcmp(a.devices[2].type, "net") &&
	      !strcmp(a.devices[2].backend, "sw0"));
	CHECK(why[0] == '\0');
}

UNIT_TEST(parse_defaults_and_sizes)
{
	struct guest_new_args a;
	char why[160];

	open_bundle();
	CHECK(parse("x kernel=Image", &a, why, sizeof(why)) == 0);
	CHECK(!a.initrd && !a.append && !a.vcpus && !a.mem && !a.dts);
	CHECK(a.nr_devices == 0);
	CHECK(parse("x kernel=Image mem=1G", &a, why, sizeof(why)) == 0);
	CHECK(a.mem == GiB(1));
	CHECK(parse("x kernel=Image mem=8192k", &a, why, sizeof(why)) == 0);
	CHECK(a.mem == MiB(8));
	/* A bare number is megabytes, as for QEMU's -m. */
	CHECK(parse("x kernel=Image mem=64", &a, why, sizeof(why)) == 0);
	CHECK(a.mem == MiB(64));
	CHECK(parse("x kernel=Image vcpus=8", &a, why, sizeof(why)) == 0);
	CHECK(a.vcpus == 8);
}

static const struct {
	const char *line;
	int err;
	const char *why;
} refused[] = {
	{ "", -EINVAL, "no guest name" },
	{ "kernel=Image", -EINVAL, "'kernel=Image' is no guest name" },
	{ "--dts kernel=Image", -EINVAL, "'--dts' is no guest name" },
	{ "a@1 kernel=Image", -EINVAL, "guest name 'a@1': '@' is not allowed" },
	{ "abcdefghijabcdefghijabcdefghijab kernel=Image", -EINVAL,
	  "is longer than 31 characters" },
	{ "x", -EINVAL, "kernel=<file in the boot bundle> is missing" },
	{ "x initrd=rootfs.cpio", -EINVAL, "kernel=<file" },
	{ "x kernel=Image foo=1", -EINVAL, "unknown option 'foo=1'" },
	{ "x kernel=Image --frob", -EINVAL, "unknown option '--frob'" },
	{ "x kernel=Image kernel=Image", -EINVAL, "kernel= is given twice" },
	{ "x kernel=", -EINVAL, "kernel= needs a value" },
	{ "x kernel=nope", -ENOENT,
	  "kernel=nope: no file 'nope' in the boot bundle" },
	{ "x kernel=Image initrd=nope.cpio", -ENOENT,
	  "initrd=nope.cpio: no file 'nope.cpio' in the boot bundle" },
	{ "x kernel=Image disk=bundle:nope.img", -ENOENT,
	  "disk=bundle:nope.img: no file 'nope.img' in the boot bundle" },
	{ "x kernel=Image vcpus=0", -ERANGE, "vcpus=0: must be 1 to 8" },
	{ "x kernel=Image vcpus=9", -ERANGE, "vcpus=9: must be 1 to 8" },
	{ "x kernel=Image vcpus=99999999999999999999999", -ERANGE,
	  "must be 1 to 8" },
	{ "x kernel=Image vcpus=two", -EINVAL, "vcpus=two: not a number" },
	{ "x kernel=Image vcpus=2x", -EINVAL, "vcpus=2x: not a number" },
	{ "x kernel=Image mem=12Q", -EINVAL, "mem=12Q: not a size" },
	{ "x kernel=Image mem=M", -EINVAL, "mem=M: not a size" },
	{ "x kernel=Image mem=1MB", -EINVAL, "mem=1MB: not a size" },
	{ "x kernel=Image mem=2G", -ERANGE,
	  "mem=2G: more than the 1024 MiB of free host memory" },
	{ "x kernel=Image mem=99999999999999999999G", -ERANGE,
	  "more than the 1024 MiB" },
	{ "x kernel=Image mem=17179869184G", -ERANGE,
	  "more than the 1024 MiB" },
	{ "x kernel=Image mem=3M", -ERANGE,
	  "mem=3M: must be a multiple of 2 MiB, at least 4 MiB" },
	{ "x kernel=Image mem=2M", -ERANGE, "at least 4 MiB" },
	{ "x kernel=Image mem=0", -ERANGE, "at least 4 MiB" },
};

UNIT_TEST(parse_refusals_name_what_was_wrong)
{
	struct guest_new_args a;
	char why[160];

	open_bundle();
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		int err = parse(refused[i].line, &a, why, sizeof(why));

		if (err != refused[i].err || !strstr(why, refused[i].why)) {
			printf("  '%s': %d \"%s\", want %d \"%s\"\n",
			       refused[i].line, err, why, refused[i].err,
			       refused[i].why);
			unit_current_failed = 1;
		}
	}
}

UNIT_TEST(parse_device_limit)
{
	struct guest_new_args a;
	char line[512] = "x kernel=Image", why[160];

	open_bundle();
	for (int i = 0; i < GUEST_NEW_MAX_DEVICES; i++)
		strcat(line, " net=sw0");
	CHECK(parse(line, &a, why, sizeof(why)) == 0);
	CHECK(a.nr_devices == GUEST_NEW_MAX_DEVICES);
	strcat(line, " disk=vda");
	CHECK(parse(line, &a, why, sizeof(why)) == -E2BIG);
	CHECK(strstr(why, "disk=vda: more than 16 devices") != NULL);
}

/* ---- the boards' templates ---- */

static char *source_root(void)
{
	static const char suffix[] = "/tests/unit/test_guest_new.c";
	size_t n = strlen(__FILE__), m = strlen(suffix);

	if (n < m || strcmp(__FILE__ + n - m, suffix))
		return NULL;
	return strndup(__FILE__, n - m);
}

static void *read_all(FILE *f, size_t *size)
{
	size_t cap = 1 << 16, len = 0, got;
	char *buf = malloc(cap);

	while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			char *more = realloc(buf, cap * 2);

			if (!more) {
				free(buf);
				return NULL;
			}
			buf = more;
			cap *= 2;
		}
	}
	*size = len;
	return buf;
}

/* dtc's blob of a file (source non-NULL: of that text instead). */
static void *dtc(const char *path, const char *source, size_t *size)
{
	char tmp[] = "/tmp/keel-guest-new-XXXXXX", cmd[600];
	void *blob = NULL;
	FILE *f;
	int fd = mkstemp(tmp);

	if (fd < 0)
		return NULL;
	close(fd);
	if (source) {
		f = fopen(tmp, "w");
		if (!f)
			return NULL;
		fputs(source, f);
		fclose(f);
		path = tmp;
	}
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb %s", path);
	f = popen(cmd, "r");
	if (f) {
		blob = read_all(f, size);
		if (pclose(f) != 0) {
			free(blob);
			blob = NULL;
		}
	}
	unlink(tmp);
	if (!blob)
		printf("  dtc failed on %s\n", source ? "the DTS text" : path);
	return blob;
}

static struct devtree_node *board_template(const char *arch)
{
	char *root = source_root(), path[512];
	struct devtree_node *tmpl = NULL;
	size_t size = 0;
	void *blob;

	CHECK(root != NULL);
	if (!root)
		return NULL;
	snprintf(path, sizeof(path), "%s/boards/%s/qemu-virt/guest-machine.dts",
		 root, arch);
	free(root);
	blob = dtc(path, NULL, &size);
	CHECK(blob != NULL);
	if (blob)
		CHECK(devtree_unflatten_blob(blob, size, &tmpl, NULL) == 0);
	free(blob);
	return tmpl;
}

static const char *str(struct devtree_node *n, const char *name)
{
	const char *s = NULL;

	if (!n || devtree_prop_read_string(n, name, &s))
		return "(none)";
	return s;
}

static u32 cell(struct devtree_node *n, const char *name, unsigned int i)
{
	u32 v = 0xdeadbeef;

	if (n)
		devtree_prop_read_u32_index(n, name, i, &v);
	return v;
}

struct board {
	const char *arch;
	const char *memory; /* the memory node's name */
	u64 ram_base;
	const char *console;
	const char *slot0, *slot1; /* the first virtio-mmio slots */
	u64 slot0_base;
	/* The slots' interrupt: cell irq_cell of "interrupts". */
	unsigned int irq_cell;
	u32 slot0_irq;
	unsigned int nr_slots;
	const char *irqchip; /* the slots' interrupt-parent */
};

static const struct board boards[] = {
	{ "arm64", "memory@40000000", 0x40000000, "pl011@9000000",
	  "virtio_mmio@a000000", "virtio_mmio@a000200", 0x0a000000, 1, 16, 8,
	  "interrupt-controller@8000000" },
	{ "riscv64", "memory@80000000", 0x80000000, "serial@10000000",
	  "virtio_mmio@10001000", "virtio_mmio@10002000", 0x10001000, 0, 1, 8,
	  "plic@c000000" },
};

static struct devtree_node *describe(struct devtree_node *tmpl,
				     const char *line, int want_err)
{
	struct devtree_node *root = NULL;
	struct guest_new_args a;
	char why[160];

	CHECK(parse(line, &a, why, sizeof(why)) == 0);
	CHECK(guest_new_describe(tmpl, &a, &root, why, sizeof(why)) ==
	      want_err);
	CHECK((root != NULL) == !want_err);
	return root;
}

/* The node a "interrupt-parent" names, looked up from the root. */
static struct devtree_node *irq_parent(struct devtree_node *root,
				       struct devtree_node *n)
{
	for (; n; n = n->parent) {
		u32 ph;

		if (!devtree_prop_read_u32(n, "interrupt-parent", &ph))
			return devtree_find_phandle(root, ph);
	}
	return NULL;
}

static void check_board(const struct board *b)
{
	struct devtree_node *tmpl = board_template(b->arch), *root, *g, *m, *n;
	char path[128];
	u64 base, size;

	if (!tmpl)
		return;
	root = describe(
		tmpl,
		"lnew kernel=Image initrd=rootfs.cpio append=rdinit=/init "
		"vcpus=2 mem=128M disk=bundle:disk.img net=sw0",
		0);
	g = devtree_find_path(root, "/guests/lnew");
	CHECK(g != NULL);
	CHECK(devtree_is_compatible(g, "keel,guest"));
	CHECK(!strcmp(str(g, "kernel"), "Image"));
	CHECK(!strcmp(str(g, "initrd"), "rootfs.cpio"));
	CHECK(!strcmp(str(g, "bootargs"), "rdinit=/init"));
	CHECK(!strcmp(str(g, "console"), b->console));
	CHECK(cell(g, "vcpus", 0) == 2);
	m = devtree_find_path(root, "/guests/lnew/machine");
	CHECK(m != NULL);
	snprintf(path, sizeof(path), "/guests/lnew/machine/%s", b->memory);
	n = devtree_find_path(root, path);
	CHECK(n && !devtree_read_reg(n, 0, &base, &size));
	CHECK(n && base == b->ram_base && size == MiB(128));
	snprintf(path, sizeof(path), "/guests/lnew/machine/%s", b->console);
	CHECK(devtree_find_path(root, path) != NULL);
	/* The disk in the first slot, the network in the second, no more. */
	snprintf(path, sizeof(path), "/guests/lnew/machine/%s", b->slot0);
	n = devtree_find_path(root, path);
	CHECK(n && devtree_is_compatible(n, "virtio,mmio"));
	CHECK(!strcmp(str(n, "keel,device"), "block"));
	CHECK(!strcmp(str(n, "keel,backend"), "bundle:disk.img"));
	CHECK(n && !devtree_read_reg(n, 0, &base, &size) &&
	      base == b->slot0_base);
	CHECK(cell(n, "interrupts", b->irq_cell) == b->slot0_irq);
	n = irq_parent(root, n);
	CHECK(n && !strcmp(n->name, b->irqchip));
	snprintf(path, sizeof(path), "/guests/lnew/machine/%s", b->slot1);
	n = devtree_find_path(root, path);
	CHECK(!strcmp(str(n, "keel,device"), "net"));
	CHECK(!strcmp(str(n, "keel,backend"), "sw0"));
	CHECK(cell(n, "interrupts", b->irq_cell) == b->slot0_irq + 1);
	CHECK(devtree_find_compatible(root, n, "virtio,mmio") == NULL);
	/* The template's spare slots stay out of the description. */
	CHECK(devtree_find_path(root, "/virtio-slots") == NULL);
	devtree_free(root);

	/* Defaults: the template's vCPUs and RAM, no initrd, no devices. */
	root = describe(tmpl, "small kernel=Image", 0);
	g = devtree_find_path(root, "/guests/small");
	CHECK(cell(g, "vcpus", 0) == 1);
	CHECK(!strcmp(str(g, "initrd"), "(none)"));
	CHECK(!strcmp(str(g, "bootargs"), "(none)"));
	snprintf(path, sizeof(path), "/guests/small/machine/%s", b->memory);
	n = devtree_find_path(root, path);
	CHECK(n && !devtree_read_reg(n, 0, &base, &size) && size == MiB(256));
	CHECK(devtree_find_compatible(root, NULL, "virtio,mmio") == NULL);
	devtree_free(root);

	/* One device more than the machine has slots. */
	{
		char line[512] = "many kernel=Image";

		for (unsigned int i = 0; i <= b->nr_slots; i++)
			strcat(line, " disk=vda");
		root = describe(tmpl, line, -E2BIG);
		devtree_free(root);
	}
	devtree_free(tmpl);
}

UNIT_TEST(describe_arm64_machine)
{
	open_bundle();
	check_board(&boards[0]);
}

UNIT_TEST(describe_riscv64_machine)
{
	open_bundle();
	check_board(&boards[1]);
}

UNIT_TEST(describe_refuses_a_template_without_guest)
{
	size_t size = 0;
	void *blob = dtc(NULL, "/dts-v1/;\n/ { other { }; };\n", &size);
	struct devtree_node *tmpl = NULL, *root;
	struct guest_new_args a;
	char why[160];

	open_bundle();
	CHECK(blob && !devtree_unflatten_blob(blob, size, &tmpl, NULL));
	free(blob);
	CHECK(parse("x kernel=Image", &a, why, sizeof(why)) == 0);
	CHECK(guest_new_describe(tmpl, &a, &root, why, sizeof(why)) == -EINVAL);
	CHECK(root == NULL && strstr(why, "no /guest node"));
	devtree_free(tmpl);
}

/* ---- DTS text ---- */

struct text {
	char *buf;
	size_t len, cap;
};

static void text_write(void *arg, const char *s)
{
	struct text *t = arg;
	size_t n = strlen(s);

	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->buf = realloc(t->buf, t->cap);
	}
	memcpy(t->buf + t->len, s, n + 1);
	t->len += n;
}

/* Both trees flattened by one writer: equal bytes, equal trees. */
static bool same_tree(const struct devtree_node *a,
		      const struct devtree_node *b)
{
	size_t na = 0, nb = 0;
	void *ba, *bb;
	bool same;

	devtree_flatten(a, NULL, 0, &na);
	devtree_flatten(b, NULL, 0, &nb);
	ba = malloc(na);
	bb = malloc(nb);
	same = ba && bb && !devtree_flatten(a, ba, na, &na) &&
	       !devtree_flatten(b, bb, nb, &nb) && na == nb &&
	       !memcmp(ba, bb, na);
	free(ba);
	free(bb);
	return same;
}

/* The printed description compiles with dtc back into the same tree. */
static void round_trip(const char *arch)
{
	struct devtree_node *tmpl = board_template(arch), *root, *back = NULL;
	struct text t = { 0 };
	size_t size = 0;
	void *blob;

	if (!tmpl)
		return;
	root = describe(tmpl,
			"rt kernel=Image initrd=rootfs.cpio "
			"append=console=ttyS0,quoted\"\\ vcpus=3 mem=64M "
			"disk=bundle:disk.img disk=vdb net=sw1",
			0);
	text_write(&t, "/dts-v1/;\n\n");
	CHECK(devtree_write_dts(root, 0, text_write, &t) == 0);
	CHECK(strstr(t.buf, "\t\trt {\n") != NULL);
	CHECK(strstr(t.buf,
		     "\t\t\tbootargs = \"console=ttyS0,quoted\\\"\\\\\";\n"));
	CHECK(strstr(t.buf, "\t\t\t\t\tdma-coherent;\n") ||
	      !strcmp(arch, "riscv64"));
	blob = dtc(NULL, t.buf, &size);
	CHECK(blob && !devtree_unflatten_blob(blob, size, &back, NULL));
	CHECK(back && same_tree(root, back));
	free(blob);
	free(t.buf);
	devtree_free(back);
	devtree_free(root);
	devtree_free(tmpl);
}

UNIT_TEST(dts_round_trip_arm64)
{
	open_bundle();
	round_trip("arm64");
}

UNIT_TEST(dts_round_trip_riscv64)
{
	open_bundle();
	round_trip("riscv64");
}

/* ---- the devtree functions ---- */

UNIT_TEST(devtree_copy_into_keeps_structure)
{
	size_t size = 0;
	void *blob = dtc(NULL,
			 "/dts-v1/;\n/ { a { p = <1>; b { q = \"x\"; c { }; "
			 "}; d: d { phandle = <7>; }; }; e { }; };\n",
			 &size);
	struct devtree_node *src = NULL, *dst = NULL, *copy, *n;
	char path[64];

	CHECK(blob && !devtree_unflatten_blob(blob, size, &src, NULL));
	free(blob);
	CHECK(devtree_root_new(&dst) == 0);
	CHECK(dst && dst->name[0] == '\0' && !dst->parent);
	CHECK(list_empty(&dst->children) && list_empty(&dst->props));
	CHECK(devtree_node_copy_into(dst, "z", devtree_child(src, "a"),
				     &copy) == 0);
	CHECK(copy && !strcmp(copy->name, "z") && copy->parent == dst);
	CHECK(cell(copy, "p", 0) == 1);
	n = devtree_find_path(dst, "/z/b/c");
	CHECK(n && n->parent && n->parent->parent == copy);
	CHECK(n && !devtree_node_path(n, path, sizeof(path)) &&
	      !strcmp(path, "/z/b/c"));
	CHECK(devtree_find_phandle(dst, 7) == devtree_find_path(dst, "/z/d"));
	/* Its own name when none is given; a taken name is refused. */
	CHECK(devtree_node_copy_into(dst, NULL, devtree_child(src, "e"),
				     NULL) == 0);
	CHECK(devtree_child(dst, "e") != NULL);
	CHECK(devtree_node_copy_into(dst, NULL, devtree_child(src, "e"),
				     &copy) == -EEXIST);
	CHECK(copy == NULL);
	CHECK(devtree_node_copy_into(dst, "bad/name", src, NULL) == -EINVAL);
	devtree_free(dst);
	devtree_free(src);
}

UNIT_TEST(devtree_write_dts_shape)
{
	size_t size = 0;
	void *blob = dtc(NULL,
			 "/dts-v1/;\n/ { s = \"v\"; n { e; c = <1 0x20>; "
			 "b = [01 02 03]; }; };\n",
			 &size);
	struct devtree_node *t = NULL;
	struct text out = { 0 };

	CHECK(blob && !devtree_unflatten_blob(blob, size, &t, NULL));
	free(blob);
	CHECK(devtree_write_dts(t, 0, text_write, &out) == 0);
	CHECK(out.buf && !strcmp(out.buf, "/ {\n"
					  "\ts = \"v\";\n"
					  "\tn {\n"
					  "\t\te;\n"
					  "\t\tc = <0x1 0x20>;\n"
					  "\t\tb = [01 02 03];\n"
					  "\t};\n"
					  "};\n"));
	free(out.buf);
	out = (struct text){ 0 };
	CHECK(devtree_write_dts(devtree_child(t, "n"), 2, text_write, &out) ==
	      0);
	CHECK(out.buf && !strncmp(out.buf, "\t\tn {\n\t\t\te;\n", 11) &&
	      strstr(out.buf, "\t\t};\n"));
	free(out.buf);
	CHECK(devtree_write_dts(NULL, 0, text_write, &out) == -EINVAL);
	devtree_free(t);
}

UNIT_MAIN()
