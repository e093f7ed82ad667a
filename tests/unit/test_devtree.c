// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for core/devtree.c. Blobs come from dtc (DTS written below)
 * and from QEMU's virt machine; Debian's libfdt reads the same blobs and
 * is the oracle for what the live tree must contain.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <keel/devtree.h>
#include <keel/fdt.h>

#include "unit.h"

/* ---- blobs ---- */

static const char test_dts[] =
	"/dts-v1/;\n"
	"/memreserve/ 0x10000000 0x1000;\n"
	"/ {\n"
	"	model = \"keel,test\";\n"
	"	compatible = \"keel,test-board\", \"keel,generic\";\n"
	"	#address-cells = <2>;\n"
	"	#size-cells = <2>;\n"
	"	interrupt-parent = <&gic>;\n"
	"	aliases {\n"
	"		serial0 = &uart0;\n"
	"		serial1 = \"/soc/serial@2000\";\n"
	"		soc = \"/soc\";\n"
	"		relative = \"soc/serial@1000\";\n"
	"		unterminated = [2f 73 6f 63];\n"
	"	};\n"
	"	chosen {\n"
	"		stdout-path = \"serial0:115200n8\";\n"
	"		bootargs = \"console=ttyAMA0\";\n"
	"	};\n"
	"	memory@40000000 {\n"
	"		device_type = \"memory\";\n"
	"		reg = <0x0 0x40000000 0x0 0x20000000>,\n"
	"		      <0x1 0x0 0x2 0x10000000>;\n"
	"	};\n"
	"	cpus {\n"
	"		#address-cells = <1>;\n"
	"		#size-cells = <0>;\n"
	"		cpu@0 {\n"
	"			device_type = \"cpu\";\n"
	"			compatible = \"arm,cortex-a57\";\n"
	"			reg = <0>;\n"
	"		};\n"
	"		cpu@1 {\n"
	"			device_type = \"cpu\";\n"
	"			compatible = \"arm,cortex-a57\";\n"
	"			reg = <1>;\n"
	"			status = \"disabled\";\n"
	"		};\n"
	"	};\n"
	"	gic: interrupt-controller@8000000 {\n"
	"		compatible = \"arm,gic-v3\";\n"
	"		interrupt-controller;\n"
	"		#interrupt-cells = <3>;\n"
	"		reg = <0x0 0x08000000 0x0 0x10000>,\n"
	"		      <0x0 0x080a0000 0x0 0xf60000>;\n"
	"	};\n"
	"	soc {\n"
	"		compatible = \"simple-bus\";\n"
	"		#address-cells = <1>;\n"
	"		#size-cells = <1>;\n"
	"		ranges;\n"
	"		uart0: serial@1000 {\n"
	"			compatible = \"arm,pl011\", \"arm,primecell\";\n"
	"			reg = <0x1000 0x100>;\n"
	"			status = \"okay\";\n"
	"			clocks = <&clk>;\n"
	"		};\n"
	"		serial@2000 {\n"
	"			compatible = \"arm,pl011\", \"arm,primecell\";\n"
	"			reg = <0x2000 0x100 0x2800 0x80>;\n"
	"			status = \"ok\";\n"
	"		};\n"
	"		serial@3000 {\n"
	"			compatible = \"arm,pl011\";\n"
	"			reg = <0x3000 0x100>;\n"
	"			status = \"fail\";\n"
	"		};\n"
	"		clk: clock {\n"
	"			compatible = \"fixed-clock\";\n"
	"			#clock-cells = <0>;\n"
	"			clock-frequency = <24000000>;\n"
	"			linux,phandle = <0x55>;\n"
	"		};\n"
	"		bad-reg@0 {\n"
	"			reg = <0x0 0x1 0x2>;\n"
	"		};\n"
	"	};\n"
	"	bus21 {\n"
	"		#address-cells = <2>;\n"
	"		#size-cells = <1>;\n"
	"		dev@1,2000 {\n"
	"			reg = <0x1 0x2000 0x300>;\n"
	"		};\n"
	"	};\n"
	"	bus20 {\n"
	"		#address-cells = <2>;\n"
	"		#size-cells = <0>;\n"
	"		dev@1,5 {\n"
	"			reg = <0x1 0x5 0x2 0x6>;\n"
	"		};\n"
	"	};\n"
	"	bus12 {\n"
	"		#address-cells = <1>;\n"
	"		#size-cells = <2>;\n"
	"		dev@100 {\n"
	"			reg = <0x100 0x1 0x0>;\n"
	"		};\n"
	"	};\n"
	"	defaults {\n"
	"		dev@10 {\n"
	"			reg = <0x0 0x10 0x20>;\n"
	"		};\n"
	"	};\n"
	"	pci {\n"
	"		#address-cells = <3>;\n"
	"		#size-cells = <2>;\n"
	"		dev@0 {\n"
	"			reg = <0x0 0x0 0x0 0x0 0x1000>;\n"
	"		};\n"
	"	};\n"
	"	values {\n"
	"		bytes = [01 02 03];\n"
	"		cells = <1 2 0xdeadbeef>;\n"
	"		zero-cell = <0>;\n"
	"		empty-prop;\n"
	"		u64-prop = /bits/ 64 <0x123456789abcdef0>;\n"
	"		strlist = \"first\", \"second\", \"third\";\n"
	"		quoted = \"say \\\"hi\\\"\\\\\";\n"
	"		nonprint = [61 62 00 01 00];\n"
	"		four = \"abc\";\n"
	"		empty-string = [61 00 00 62 63 64 65 00];\n"
	"		unterminated = [61 62];\n"
	"	};\n"
	"};\n";

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)n;
	}
	fclose(f);
	return buf;
}

static void *dtc_compile(const char *dts, size_t *size)
{
	char path[] = "/tmp/keel-devtree-XXXXXX";
	char cmd[128];
	void *blob = NULL;
	FILE *p;
	int fd;

	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o %s -", path);
	p = popen(cmd, "w");
	if (p) {
		fputs(dts, p);
		if (pclose(p) == 0)
			blob = read_file(path, size);
	}
	unlink(path);
	if (!blob)
		printf("  dtc failed to compile the test source\n");
	return blob;
}

static void *qemu_dtb(size_t *size)
{
	char dir[] = "/tmp/keel-devtree-XXXXXX";
	char path[64], cmd[256];
	void *blob = NULL;

	if (!mkdtemp(dir))
		return NULL;
	snprintf(path, sizeof(path), "%s/virt.dtb", dir);
	snprintf(cmd, sizeof(cmd),
		 "qemu-system-aarch64 -machine virt,virtualization=on,"
		 "gic-version=3 -cpu max -smp 4 -m 1024 -nic none -nographic "
		 "-machine dumpdtb=%s >/dev/null 2>&1",
		 path);
	if (system(cmd) == 0)
		blob = read_file(path, size);
	unlink(path);
	rmdir(dir);
	if (!blob)
		printf("  qemu-system-aarch64 did not dump a device tree\n");
	return blob;
}

static struct devtree_node *load(const void *blob)
{
	struct devtree_node *root = NULL;
	int err;

	if (!blob)
		return NULL;
	err = devtree_unflatten(blob, &root);
	if (err)
		printf("  devtree_unflatten: %d\n", err);
	return root;
}

/* ---- oracles ---- */

static int tree_depth(const struct devtree_node *node)
{
	int d = 0;

	while (node->parent) {
		node = node->parent;
		d++;
	}
	return d;
}

static int count_nodes(struct devtree_node *root)
{
	struct devtree_node *n;
	int count = 0;

	for (n = root; n; n = devtree_next(root, n))
		count++;
	return count;
}

static int compare_props_tree_blob(const struct devtree_node *node,
				   const void *fdt, int off)
{
	const struct devtree_prop *prop;
	int poff = fdt_first_property_offset(fdt, off);
	int diffs = 0;

	devtree_for_each_prop(prop, node) {
		const char *pname = NULL;
		const void *v;
		int plen = -1;

		if (poff < 0) {
			printf("  %s: extra property %s\n", node->name,
			       prop->name);
			return diffs + 1;
		}
		v = fdt_getprop_by_offset(fdt, poff, &pname, &plen);
		if (!v || strcmp(pname, prop->name) || (u32)plen != prop->len ||
		    memcmp(v, prop->value, prop->len)) {
			printf("  %s: property %s differs\n", node->name,
			       prop->name);
			diffs++;
		}
		poff = fdt_next_property_offset(fdt, poff);
	}
	if (poff >= 0) {
		printf("  %s: missing properties\n", node->name);
		diffs++;
	}
	return diffs;
}

/*
 * Walk the live tree and a blob side by side: same nodes in the same
 * order at the same depth, same properties in the same order, same
 * phandles. Returns the number of differences.
 */
static int compare_tree_blob(struct devtree_node *root, const void *fdt)
{
	struct devtree_node *node = root;
	int off = 0, depth = 0, diffs = 0;
	u32 ph;

	while (node && off >= 0 && depth >= 0) {
		const char *name = fdt_get_name(fdt, off, NULL);

		if (!name || strcmp(name, node->name) ||
		    tree_depth(node) != depth) {
			printf("  node %s differs from blob's %s\n", node->name,
			       name ? name : "?");
			diffs++;
		}
		/* libfdt passes on -1, its "no phandle"; the tree says 0. */
		ph = fdt_get_phandle(fdt, off);
		if (ph == 0xffffffff)
			ph = 0;
		if (ph != node->phandle) {
			printf("  %s: phandle %u, blob %u\n", node->name,
			       node->phandle, ph);
			diffs++;
		}
		diffs += compare_props_tree_blob(node, fdt, off);
		node = devtree_next(root, node);
		off = fdt_next_node(fdt, off, &depth);
	}
	if (node || (off >= 0 && depth >= 0)) {
		printf("  the tree and the blob have different node counts\n");
		diffs++;
	}
	return diffs;
}

static int compare_props_blobs(const void *a, int aoff, const void *b, int boff)
{
	int pa = fdt_first_property_offset(a, aoff);
	int pb = fdt_first_property_offset(b, boff);
	int diffs = 0;

	while (pa >= 0 && pb >= 0) {
		const char *na = NULL, *nb = NULL;
		int la = -1, lb = -2;
		const void *va = fdt_getprop_by_offset(a, pa, &na, &la);
		const void *vb = fdt_getprop_by_offset(b, pb, &nb, &lb);

		if (!va || !vb || strcmp(na, nb) || la != lb ||
		    memcmp(va, vb, (size_t)la)) {
			printf("  property %s differs\n", na ? na : "?");
			diffs++;
		}
		pa = fdt_next_property_offset(a, pa);
		pb = fdt_next_property_offset(b, pb);
	}
	if (pa != -FDT_ERR_NOTFOUND || pb != -FDT_ERR_NOTFOUND) {
		printf("  property lists differ in length\n");
		diffs++;
	}
	return diffs;
}

/* Node and property content of two blobs, in order, read by libfdt. */
static int compare_blobs(const void *a, const void *b)
{
	int aoff = 0, boff = 0, adepth = 0, bdepth = 0, diffs = 0;

	while (aoff >= 0 && adepth >= 0 && boff >= 0 && bdepth >= 0) {
		const char *an = fdt_get_name(a, aoff, NULL);
		const char *bn = fdt_get_name(b, boff, NULL);

		if (!an || !bn || strcmp(an, bn) || adepth != bdepth) {
			printf("  node %s differs from %s\n", an ? an : "?",
			       bn ? bn : "?");
			diffs++;
		}
		diffs += compare_props_blobs(a, aoff, b, boff);
		aoff = fdt_next_node(a, aoff, &adepth);
		boff = fdt_next_node(b, boff, &bdepth);
	}
	if ((aoff >= 0 && adepth >= 0) != (boff >= 0 && bdepth >= 0)) {
		printf("  the blobs have different node counts\n");
		diffs++;
	}
	return diffs;
}

/* Flatten into a buffer of exactly the size asked for; NULL on failure. */
static void *flatten(const struct devtree_node *root, size_t *size)
{
	size_t need = 0, used = 0;
	void *buf;
	int err;

	err = devtree_flatten(root, NULL, 0, &need);
	if (err != -ENOSPC || !need)
		return NULL;
	buf = malloc(need);
	if (!buf)
		return NULL;
	err = devtree_flatten(root, buf, need, &used);
	if (err || used != need) {
		printf("  devtree_flatten: %d, %zu of %zu bytes\n", err, used,
		       need);
		free(buf);
		return NULL;
	}
	*size = used;
	return buf;
}

/* The tree's nodes and their blob offsets, in the same order. */
struct node_map {
	struct devtree_node **nodes;
	int *offs;
	int count;
};

static void map_nodes(struct devtree_node *root, const void *fdt,
		      struct node_map *m)
{
	struct devtree_node *node;
	int off = 0, depth = 0, n = count_nodes(root);

	m->nodes = calloc((size_t)n, sizeof(*m->nodes));
	m->offs = calloc((size_t)n, sizeof(*m->offs));
	m->count = 0;
	for (node = root; node && off >= 0 && depth >= 0 && m->count < n;
	     node = devtree_next(root, node)) {
		m->nodes[m->count] = node;
		m->offs[m->count++] = off;
		off = fdt_next_node(fdt, off, &depth);
	}
}

static struct devtree_node *map_find(const struct node_map *m, int off)
{
	for (int i = 0; i < m->count; i++) {
		if (m->offs[i] == off)
			return m->nodes[i];
	}
	return NULL;
}

static void unmap_nodes(struct node_map *m)
{
	free(m->nodes);
	free(m->offs);
}

/* ---- tests against dtc's blob ---- */

UNIT_TEST(unflatten_dtc_blob)
{
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob);
	const char *model = NULL;
	int libfdt_nodes = 0, off, depth = 0;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	CHECK_EQ(strcmp(root->name, ""), 0);
	CHECK(root->parent == NULL);
	for (off = 0; off >= 0 && depth >= 0;
	     off = fdt_next_node(blob, off, &depth))
		libfdt_nodes++;
	CHECK_EQ(count_nodes(root), libfdt_nodes);
	CHECK_EQ(compare_tree_blob(root, blob), 0);
	CHECK_EQ(devtree_prop_read_string(root, "model", &model), 0);
	CHECK(model && !strcmp(model, "keel,test"));
	devtree_free(root);
	free(blob);
}

UNIT_TEST(unflatten_bad_arguments)
{
	struct devtree_node *root = (struct devtree_node *)&root;
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	u8 *copy;

	CHECK_EQ(devtree_unflatten(NULL, &root), -EINVAL);
	CHECK(root == NULL);
	CHECK_EQ(devtree_unflatten(blob, NULL), -EINVAL);
	if (!blob)
		return;
	copy = malloc(size);
	memcpy(copy, blob, size);
	copy[0] ^= 0xff; /* magic */
	root = (struct devtree_node *)&root;
	CHECK_EQ(devtree_unflatten(copy, &root), -EINVAL);
	CHECK(root == NULL);
	memcpy(copy, blob, size);
	fdt_set_version(copy, 1);
	fdt_set_last_comp_version(copy, 1);
	CHECK_EQ(devtree_unflatten(copy, &root), -EINVAL);
	memcpy(copy, blob, size);
	fdt_set_last_comp_version(copy, 18); /* a future format */
	CHECK_EQ(devtree_unflatten(copy, &root), -EINVAL);
	free(copy);
	free(blob);
}

/* Blobs that libfdt's writer builds without complaint but that are wrong. */
static void *bad_name_blob(const char *node_name, const char *prop_name)
{
	static const u32 one = 0x01000000;
	void *buf = malloc(4096);

	if (fdt_create(buf, 4096) || fdt_finish_reservemap(buf) ||
	    fdt_begin_node(buf, "") || fdt_begin_node(buf, "ok") ||
	    fdt_begin_node(buf, node_name) ||
	    fdt_property(buf, prop_name, &one, 4) || fdt_end_node(buf) ||
	    fdt_end_node(buf) || fdt_end_node(buf) || fdt_finish(buf)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * Damaged blobs the tree used to be built from (issue 8): a reservation
 * map that runs off the end of the blob, FDT_END replaced, and a
 * totalsize larger than the buffer. Each is refused, saying why.
 */
UNIT_TEST(unflatten_runs_the_full_check)
{
	size_t size = 0;
	char *blob = dtc_compile("/dts-v1/;\n/ { a { p = <1>; }; };\n", &size);
	struct devtree_node *root = NULL;
	struct kfdt_fault fault;
	char *p, text[128];

	CHECK(blob != NULL);
	if (!blob)
		return;
	p = malloc(size + 4);
	/* Sound, and at an address only 4-byte aligned: copied, read. */
	memcpy(p + 4, blob, size);
	CHECK_EQ(devtree_unflatten_blob(p + 4, size, &root, &fault), 0);
	CHECK(root != NULL && devtree_child(root, "a"));
	devtree_free(root);

	memcpy(p, blob, size);
	fdt_set_off_mem_rsvmap(p, (size - 8) & ~7U);
	CHECK_EQ(devtree_unflatten(p, &root), -EBADMSG);
	CHECK(root == NULL);
	CHECK_EQ(devtree_unflatten_blob(p, size, &root, &fault), -EBADMSG);
	CHECK(strcmp(fault.reason, "memory reservation map not terminated "
				   "within its block") == 0);
	CHECK_EQ(fault.offset, (long)((size - 8) & ~7U));
	devtree_fault_text(&fault, text, sizeof(text));
	CHECK(strstr(text, "not terminated within its block (at byte 0x"));

	memcpy(p, blob, size);
	CHECK_EQ(fdt32_to_cpu(
			 *(fdt32_t *)(p + size - fdt_size_dt_strings(p) - 4)),
		 FDT_END);
	*(fdt32_t *)(p + size - fdt_size_dt_strings(p) - 4) =
		cpu_to_fdt32(FDT_NOP);
	CHECK_EQ(devtree_unflatten(p, &root), -EBADMSG);
	CHECK(root == NULL);
	CHECK_EQ(devtree_unflatten_blob(p, size, &root, &fault), -EBADMSG);
	CHECK(strstr(fault.reason, "FDT_END replaced") != NULL);

	memcpy(p, blob, size);
	CHECK_EQ(devtree_unflatten_blob(p, size - 1, &root, &fault), -EBADMSG);
	CHECK(strcmp(fault.reason, "totalsize larger than the file") == 0);
	CHECK_EQ(devtree_unflatten_blob(p, size, &root, &fault), 0);
	devtree_free(root);
	free(p);
	free(blob);
}

UNIT_TEST(unflatten_rejects_bad_names)
{
	static const struct {
		const char *node, *prop;
		int err;
	} cases[] = {
		{ "fine@1", "prop", 0 },      { "", "prop", -EBADMSG },
		{ "a/b", "prop", -EBADMSG },  { "fine", "", -EBADMSG },
		{ "fine", "a/b", -EBADMSG },  { "LONG", "prop", -EBADMSG },
		{ "fine", "LONG", -EBADMSG },
	};
	char long_name[300];

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[256] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *n = cases[i].node, *p = cases[i].prop;
		struct devtree_node *root = NULL;
		void *blob;

		blob = bad_name_blob(strcmp(n, "LONG") ? n : long_name,
				     strcmp(p, "LONG") ? p : long_name);
		CHECK(blob != NULL);
		if (!blob)
			continue;
		CHECK_EQ(devtree_unflatten(blob, &root), cases[i].err);
		CHECK((root != NULL) == (cases[i].err == 0));
		devtree_free(root);
		free(blob);
	}
}

UNIT_TEST(find_path)
{
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *soc, *n;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	CHECK(devtree_find_path(root, "/") == root);
	CHECK(devtree_find_path(root, "//") == root);
	soc = devtree_find_path(root, "/soc");
	CHECK(soc && !strcmp(soc->name, "soc") && soc->parent == root);
	n = devtree_find_path(root, "/soc/serial@2000");
	CHECK(n && !strcmp(n->name, "serial@2000") && n->parent == soc);
	CHECK(devtree_find_path(root, "/soc//serial@2000/") == n);
	/* Without a unit address: the first node of that base name. */
	n = devtree_find_path(root, "/soc/serial");
	CHECK(n && !strcmp(n->name, "serial@1000"));
	CHECK(devtree_child(soc, "serial") == n);
	CHECK(devtree_child(soc, "serial@3000") != NULL);
	CHECK(devtree_child(soc, "serial@4000") == NULL);
	CHECK(devtree_child(soc, "seria") == NULL);
	CHECK(devtree_child(soc, "serial@") == NULL);
	CHECK(devtree_child(root, "memory") ==
	      devtree_find_path(root, "/memory@40000000"));
	CHECK(devtree_find_path(root, "/soc/serial@4000") == NULL);
	CHECK(devtree_find_path(root, "/soc/serial@1000/x") == NULL);
	CHECK(devtree_find_path(root, "/nope") == NULL);
	CHECK(devtree_find_path(root, "/so") == NULL);
	CHECK(devtree_find_path(root, "") == NULL);
	CHECK(devtree_find_path(root, NULL) == NULL);
	CHECK(devtree_find_path(NULL, "/") == NULL);
	n = devtree_find_path(root, "/bus21/dev@1,2000");
	CHECK(n && !strcmp(n->name, "dev@1,2000"));
	devtree_free(root);
	free(blob);
}

UNIT_TEST(find_path_aliases)
{
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob);

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	CHECK(devtree_find_path(root, "serial0") ==
	      devtree_find_path(root, "/soc/serial@1000"));
	CHECK(devtree_find_path(root, "serial1") ==
	      devtree_find_path(root, "/soc/serial@2000"));
	CHECK(devtree_find_path(root, "soc/serial@3000") ==
	      devtree_find_path(root, "/soc/serial@3000"));
	CHECK(devtree_find_path(root, "soc/clock") ==
	      devtree_find_path(root, "/soc/clock"));
	CHECK(devtree_find_path(root, "soc/") ==
	      devtree_find_path(root, "/soc"));
	CHECK(devtree_find_path(root, "soc/nothing") == NULL);
	CHECK(devtree_find_path(root, "serial2") == NULL);
	CHECK(devtree_find_path(root, "serial") == NULL);
	CHECK(devtree_find_path(root, "relative") == NULL);
	CHECK(devtree_find_path(root, "unterminated") == NULL);
	CHECK(devtree_find_path(root, "serial0:115200n8") == NULL);
	devtree_free(root);
	free(blob);
}

UNIT_TEST(phandles)
{
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *gic, *clk;
	u32 parent = 0;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	gic = devtree_find_path(root, "/interrupt-controller");
	clk = devtree_find_path(root, "/soc/clock");
	CHECK(gic && clk);
	if (!gic || !clk)
		goto out;
	CHECK_EQ(devtree_prop_read_u32(root, "interrupt-parent", &parent), 0);
	CHECK(parent != 0);
	CHECK_EQ(gic->phandle, parent);
	CHECK(devtree_find_phandle(root, parent) == gic);
	CHECK_EQ(clk->phandle, 0x55);
	CHECK(devtree_find_phandle(root, 0x55) == clk);
	CHECK(devtree_find_phandle(root, 0) == NULL);
	CHECK(devtree_find_phandle(root, 0xffffffff) == NULL);
	CHECK(devtree_find_phandle(root, 0x12345) == NULL);
	CHECK_EQ(root->phandle, 0);
out:
	devtree_free(root);
	free(blob);
}

UNIT_TEST(compatible_search_order)
{
	static const char *const pl011[] = { "serial@1000", "serial@2000",
					     "serial@3000" };
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *n, *cpu0;
	size_t i = 0;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	for (n = devtree_find_compatible(root, NULL, "arm,pl011"); n;
	     n = devtree_find_compatible(root, n, "arm,pl011")) {
		CHECK(i < ARRAY_SIZE(pl011));
		if (i < ARRAY_SIZE(pl011))
			CHECK_EQ(strcmp(n->name, pl011[i]), 0);
		i++;
	}
	CHECK_EQ(i, 3);
	/* A later entry of the list matches too. */
	n = devtree_find_compatible(root, NULL, "arm,primecell");
	CHECK(n && !strcmp(n->name, "serial@1000"));
	n = devtree_find_compatible(root, n, "arm,primecell");
	CHECK(n && !strcmp(n->name, "serial@2000"));
	CHECK(devtree_find_compatible(root, n, "arm,primecell") == NULL);
	/* The search starts at the root itself. */
	CHECK(devtree_find_compatible(root, NULL, "keel,generic") == root);
	CHECK(devtree_find_compatible(root, root, "keel,generic") == NULL);
	cpu0 = devtree_find_compatible(root, NULL, "arm,cortex-a57");
	CHECK(cpu0 && !strcmp(cpu0->name, "cpu@0"));
	/* Exact, whole-entry matches only. */
	CHECK(devtree_find_compatible(root, NULL, "arm,pl01") == NULL);
	CHECK(devtree_find_compatible(root, NULL, "ARM,PL011") == NULL);
	CHECK(devtree_find_compatible(root, NULL, "") == NULL);
	CHECK(devtree_find_compatible(root, NULL, NULL) == NULL);
	CHECK(devtree_is_compatible(root, "keel,test-board"));
	CHECK(!devtree_is_compatible(root, "keel,test"));
	devtree_free(root);
	free(blob);
}

static void check_reg(struct devtree_node *root, const char *path,
		      unsigned int index, int err, u64 addr, u64 size)
{
	struct devtree_node *node = devtree_find_path(root, path);
	u64 a = ~0ULL, s = ~0ULL;

	CHECK(node != NULL);
	if (!node)
		return;
	CHECK_EQ(devtree_read_reg(node, index, &a, &s), err);
	if (!err && (a != addr || s != size))
		printf("  %s reg[%u] = %#llx %#llx, want %#llx %#llx\n", path,
		       index, (unsigned long long)a, (unsigned long long)s,
		       (unsigned long long)addr, (unsigned long long)size);
	if (!err) {
		CHECK(a == addr);
		CHECK(s == size);
	}
}

UNIT_TEST(reg_decoding)
{
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *n;
	u64 a = 0;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	/* 2 address cells, 2 size cells */
	check_reg(root, "/memory", 0, 0, 0x40000000, 0x20000000);
	check_reg(root, "/memory", 1, 0, 0x100000000ULL, 0x210000000ULL);
	check_reg(root, "/memory", 2, -ENOENT, 0, 0);
	/* 1, 0 */
	check_reg(root, "/cpus/cpu@1", 0, 0, 1, 0);
	check_reg(root, "/cpus/cpu@1", 1, -ENOENT, 0, 0);
	/* 1, 1 */
	check_reg(root, "/soc/serial@2000", 0, 0, 0x2000, 0x100);
	check_reg(root, "/soc/serial@2000", 1, 0, 0x2800, 0x80);
	/* 2, 1 */
	check_reg(root, "/bus21/dev", 0, 0, 0x100002000ULL, 0x300);
	/* 2, 0 */
	check_reg(root, "/bus20/dev", 0, 0, 0x100000005ULL, 0);
	check_reg(root, "/bus20/dev", 1, 0, 0x200000006ULL, 0);
	check_reg(root, "/bus20/dev", 2, -ENOENT, 0, 0);
	CHECK_EQ(devtree_reg_count(devtree_find_path(root, "/bus20/dev")), 2);
	/* 1, 2 */
	check_reg(root, "/bus12/dev", 0, 0, 0x100, 0x100000000ULL);
	/* No cells given: the defaults 2 and 1. */
	check_reg(root, "/defaults/dev", 0, 0, 0x10, 0x20);
	/* Cell counts that do not fit u64, and a ragged reg. */
	check_reg(root, "/pci/dev", 0, -EINVAL, 0, 0);
	check_reg(root, "/soc/bad-reg", 0, -EINVAL, 0, 0);
	check_reg(root, "/soc/clock", 0, -ENOENT, 0, 0);

	n = devtree_find_path(root, "/memory");
	CHECK_EQ(devtree_reg_count(n), 2);
	CHECK_EQ(devtree_addr_cells(n), 2);
	CHECK_EQ(devtree_size_cells(n), 2);
	CHECK_EQ(devtree_read_reg(n, 1, NULL, NULL), 0);
	CHECK_EQ(devtree_read_reg(n, 0, &a, NULL), 0);
	CHECK_EQ(a, 0x40000000);
	n = devtree_find_path(root, "/cpus/cpu@0");
	CHECK_EQ(devtree_reg_count(n), 1);
	CHECK_EQ(devtree_addr_cells(n), 1);
	CHECK_EQ(devtree_size_cells(n), 0);
	n = devtree_find_path(root, "/soc/serial@2000");
	CHECK_EQ(devtree_reg_count(n), 2);
	n = devtree_find_path(root, "/defaults/dev");
	CHECK_EQ(devtree_addr_cells(n), 2);
	CHECK_EQ(devtree_size_cells(n), 1);
	CHECK_EQ(devtree_reg_count(devtree_find_path(root, "/pci/dev")),
		 -EINVAL);
	CHECK_EQ(devtree_reg_count(devtree_find_path(root, "/soc/bad-reg")),
		 -EINVAL);
	CHECK_EQ(devtree_reg_count(devtree_find_path(root, "/soc/clock")), 0);
	/* The root answers from its own properties. */
	CHECK_EQ(devtree_addr_cells(root), 2);
	CHECK_EQ(devtree_size_cells(root), 2);
	devtree_free(root);
	free(blob);
}

UNIT_TEST(availability)
{
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *n;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	CHECK(devtree_is_available(
		devtree_find_path(root, "/soc/serial@1000")));
	CHECK(devtree_is_available(
		devtree_find_path(root, "/soc/serial@2000")));
	CHECK(!devtree_is_available(
		devtree_find_path(root, "/soc/serial@3000")));
	CHECK(devtree_is_available(devtree_find_path(root, "/cpus/cpu@0")));
	CHECK(!devtree_is_available(devtree_find_path(root, "/cpus/cpu@1")));
	CHECK(devtree_is_available(root));
	n = devtree_find_path(root, "/memory");
	CHECK_EQ(devtree_prop_set(n, "status", "okay", 4), 0); /* no NUL */
	CHECK(!devtree_is_available(n));
	CHECK_EQ(devtree_prop_set_string(n, "status", "okay"), 0);
	CHECK(devtree_is_available(n));
	CHECK_EQ(devtree_prop_set(n, "status", "", 0), 0);
	CHECK(!devtree_is_available(n));
	CHECK_EQ(devtree_prop_remove(n, "status"), 0);
	CHECK(devtree_is_available(n));
	devtree_free(root);
	free(blob);
}

UNIT_TEST(property_reads)
{
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *v, *clk;
	const char *s = NULL;
	const void *p;
	u32 u = 0, len = 0;
	u64 q = 0;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	v = devtree_find_path(root, "/values");
	clk = devtree_find_path(root, "/soc/clock");
	CHECK_EQ(devtree_prop_read_u32(clk, "clock-frequency", &u), 0);
	CHECK_EQ(u, 24000000);
	CHECK_EQ(devtree_prop_read_u32(clk, "nope", &u), -ENOENT);
	CHECK_EQ(devtree_prop_read_u32(v, "cells", &u), -EINVAL);
	CHECK_EQ(devtree_prop_read_u32(v, "empty-prop", &u), -EINVAL);
	CHECK_EQ(devtree_prop_read_u64(v, "u64-prop", &q), 0);
	CHECK(q == 0x123456789abcdef0ULL);
	CHECK_EQ(devtree_prop_read_u64(v, "cells", &q), -EINVAL);
	CHECK_EQ(devtree_prop_read_u64(v, "nope", &q), -ENOENT);
	CHECK_EQ(devtree_prop_read_u32_index(v, "cells", 0, &u), 0);
	CHECK_EQ(u, 1);
	CHECK_EQ(devtree_prop_read_u32_index(v, "cells", 2, &u), 0);
	CHECK_EQ(u, 0xdeadbeef);
	CHECK_EQ(devtree_prop_read_u32_index(v, "cells", 3, &u), -ENOENT);
	CHECK_EQ(devtree_prop_read_u32_index(v, "bytes", 0, &u), -EINVAL);
	CHECK_EQ(devtree_prop_read_u32_index(v, "nope", 0, &u), -ENOENT);

	/* Present but empty is not absent. */
	p = devtree_prop_get(v, "empty-prop", &len);
	CHECK(p != NULL);
	CHECK_EQ(len, 0);
	CHECK(devtree_prop_get(v, "nope", &len) == NULL);
	CHECK(devtree_prop_get(v, "bytes", NULL) != NULL);
	CHECK(devtree_prop_find(v, "bytes") != NULL);
	CHECK(devtree_prop_find(v, "byte") == NULL);

	CHECK_EQ(devtree_prop_read_string(v, "four", &s), 0);
	CHECK(s && !strcmp(s, "abc"));
	CHECK_EQ(devtree_prop_read_string(v, "strlist", &s), 0);
	CHECK(s && !strcmp(s, "first"));
	CHECK_EQ(devtree_prop_read_string(v, "unterminated", &s), -EINVAL);
	CHECK_EQ(devtree_prop_read_string(v, "empty-prop", &s), -EINVAL);
	CHECK_EQ(devtree_prop_read_string(v, "nope", &s), -ENOENT);

	CHECK_EQ(devtree_prop_read_string_index(v, "strlist", 0, &s), 0);
	CHECK(s && !strcmp(s, "first"));
	CHECK_EQ(devtree_prop_read_string_index(v, "strlist", 1, &s), 0);
	CHECK(s && !strcmp(s, "second"));
	CHECK_EQ(devtree_prop_read_string_index(v, "strlist", 2, &s), 0);
	CHECK(s && !strcmp(s, "third"));
	CHECK_EQ(devtree_prop_read_string_index(v, "strlist", 3, &s), -ENOENT);
	CHECK_EQ(devtree_prop_read_string_index(v, "nonprint", 1, &s), 0);
	CHECK(s && !strcmp(s, "\x01"));
	CHECK_EQ(devtree_prop_read_string_index(v, "nonprint", 2, &s), -ENOENT);
	CHECK_EQ(devtree_prop_read_string_index(v, "empty-string", 1, &s), 0);
	CHECK(s && !strcmp(s, ""));
	CHECK_EQ(devtree_prop_read_string_index(v, "empty-string", 2, &s), 0);
	CHECK(s && !strcmp(s, "bcde"));
	CHECK_EQ(devtree_prop_read_string_index(v, "unterminated", 0, &s),
		 -EINVAL);
	CHECK_EQ(devtree_prop_read_string_index(v, "bytes", 0, &s), -EINVAL);
	CHECK_EQ(devtree_prop_read_string_index(v, "nope", 0, &s), -ENOENT);
	CHECK_EQ(devtree_prop_read_string_index(root, "compatible", 1, &s), 0);
	CHECK(s && !strcmp(s, "keel,generic"));
	devtree_free(root);
	free(blob);
}

static void check_format(struct devtree_node *node, const char *name,
			 const char *want)
{
	struct devtree_prop *prop = devtree_prop_find(node, name);
	char buf[128];
	int n;

	CHECK(prop != NULL);
	if (!prop)
		return;
	memset(buf, 'X', sizeof(buf));
	n = devtree_format_value(prop, buf, sizeof(buf));
	if (strcmp(buf, want))
		printf("  %s: got '%s', want '%s'\n", name, buf, want);
	CHECK_EQ(strcmp(buf, want), 0);
	CHECK_EQ(n, strlen(want));
}

UNIT_TEST(format_value)
{
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *v;
	struct devtree_prop *model;
	char buf[16];

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	v = devtree_find_path(root, "/values");
	check_format(root, "model", "\"keel,test\"");
	check_format(root, "compatible",
		     "\"keel,test-board\", \"keel,generic\"");
	check_format(v, "strlist", "\"first\", \"second\", \"third\"");
	check_format(v, "four", "\"abc\"");
	check_format(v, "quoted", "\"say \\\"hi\\\"\\\\\"");
	check_format(v, "cells", "<0x1 0x2 0xdeadbeef>");
	check_format(v, "zero-cell", "<0x0>");
	check_format(v, "u64-prop", "<0x12345678 0x9abcdef0>");
	check_format(v, "empty-string", "<0x61000062 0x63646500>");
	check_format(v, "bytes", "[01 02 03]");
	check_format(v, "nonprint", "[61 62 00 01 00]");
	check_format(v, "unterminated", "[61 62]");
	check_format(v, "empty-prop", "");
	check_format(root, "#address-cells", "<0x2>");

	/* Truncated output is still terminated; the full length comes back. */
	model = devtree_prop_find(root, "model");
	memset(buf, 'X', sizeof(buf));
	CHECK_EQ(devtree_format_value(model, buf, 5), 11);
	CHECK_EQ(strcmp(buf, "\"kee"), 0);
	CHECK_EQ(buf[5], 'X');
	CHECK_EQ(devtree_format_value(model, buf, 1), 11);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ(devtree_format_value(model, NULL, 0), 11);
	CHECK_EQ(devtree_format_value(model, buf, 12), 11);
	CHECK_EQ(strcmp(buf, "\"keel,test\""), 0);
	CHECK_EQ(devtree_format_value(model, buf, 11), 11);
	CHECK_EQ(strcmp(buf, "\"keel,test"), 0);
	CHECK_EQ(devtree_format_value(devtree_prop_find(v, "cells"), buf, 8),
		 20);
	CHECK_EQ(strcmp(buf, "<0x1 0x"), 0);
	CHECK(devtree_format_value(NULL, buf, sizeof(buf)) < 0);
	devtree_free(root);
	free(blob);
}

UNIT_TEST(node_paths)
{
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *n;
	char buf[64];

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	CHECK_EQ(devtree_node_path(root, buf, sizeof(buf)), 0);
	CHECK_EQ(strcmp(buf, "/"), 0);
	CHECK_EQ(devtree_node_path(root, buf, 2), 0);
	CHECK_EQ(devtree_node_path(root, buf, 1), -ENOSPC);
	CHECK_EQ(buf[0], '\0');
	n = devtree_find_path(root, "serial0");
	CHECK_EQ(devtree_node_path(n, buf, sizeof(buf)), 0);
	CHECK_EQ(strcmp(buf, "/soc/serial@1000"), 0);
	CHECK_EQ(devtree_node_path(n, buf, 17), 0);
	CHECK_EQ(strcmp(buf, "/soc/serial@1000"), 0);
	memset(buf, 'X', sizeof(buf));
	CHECK_EQ(devtree_node_path(n, buf, 16), -ENOSPC);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ(devtree_node_path(n, NULL, 0), -ENOSPC);
	CHECK(devtree_node_path(NULL, buf, sizeof(buf)) < 0);
	devtree_free(root);
	free(blob);
}

UNIT_TEST(host_root)
{
	struct devtree_node *root = NULL;
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);

	CHECK(devtree_host_root() == NULL);
	root = load(blob);
	devtree_set_host_root(root);
	CHECK(devtree_host_root() == root);
	devtree_set_host_root(NULL);
	CHECK(devtree_host_root() == NULL);
	devtree_free(root);
	free(blob);
}

UNIT_TEST(node_add_remove)
{
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *soc, *n = NULL, *m = NULL;
	struct devtree_node *last;
	char name[300];
	int before;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	before = count_nodes(root);
	soc = devtree_find_path(root, "/soc");
	CHECK_EQ(devtree_node_add(soc, "new@5000", &n), 0);
	CHECK(n && n->parent == soc && n->phandle == 0);
	CHECK(n && list_empty(&n->props) && list_empty(&n->children));
	CHECK(devtree_find_path(root, "/soc/new@5000") == n);
	CHECK(devtree_find_path(root, "/soc/new") == n);
	/* Appended after the existing children. */
	last = list_entry(soc->children.prev, struct devtree_node, link);
	CHECK(last == n);
	m = (struct devtree_node *)&m;
	CHECK_EQ(devtree_node_add(soc, "new@5000", &m), -EEXIST);
	CHECK(m == NULL);
	CHECK_EQ(devtree_node_add(soc, "serial@1000", NULL), -EEXIST);
	/* A different name, even if the base name is shared. */
	CHECK_EQ(devtree_node_add(soc, "serial", &m), 0);
	CHECK(devtree_find_path(root, "/soc/serial@1000") != m);
	CHECK(devtree_find_path(root, "/soc/serial") ==
	      devtree_find_path(root, "/soc/serial@1000"));
	CHECK_EQ(devtree_node_add(soc, "", NULL), -EINVAL);
	CHECK_EQ(devtree_node_add(soc, "a/b", NULL), -EINVAL);
	CHECK_EQ(devtree_node_add(soc, "/", NULL), -EINVAL);
	CHECK_EQ(devtree_node_add(soc, NULL, NULL), -EINVAL);
	CHECK_EQ(devtree_node_add(NULL, "x", NULL), -EINVAL);
	memset(name, 'n', sizeof(name));
	name[256] = '\0';
	CHECK_EQ(devtree_node_add(soc, name, NULL), -EINVAL);
	name[255] = '\0';
	CHECK_EQ(devtree_node_add(soc, name, &m), 0);
	CHECK(m && strlen(m->name) == 255);
	CHECK_EQ(devtree_node_add(n, "child", &m), 0);
	CHECK_EQ(devtree_prop_set_u32(m, "x", 1), 0);
	CHECK_EQ(devtree_node_add(m, "grandchild", NULL), 0);
	CHECK_EQ(count_nodes(root), before + 5);

	/* Removing takes the whole subtree (ASan sees any leak). */
	CHECK_EQ(devtree_node_remove(n), 0);
	CHECK(devtree_find_path(root, "/soc/new@5000") == NULL);
	CHECK_EQ(count_nodes(root), before + 2);
	CHECK_EQ(devtree_node_remove(root), -EINVAL);
	CHECK_EQ(devtree_node_remove(NULL), -EINVAL);
	CHECK_EQ(devtree_node_remove(soc), 0);
	CHECK(devtree_find_path(root, "/soc") == NULL);
	CHECK(devtree_find_path(root, "serial0") == NULL);
	CHECK(devtree_find_compatible(root, NULL, "arm,pl011") == NULL);
	CHECK(devtree_find_phandle(root, 0x55) == NULL);
	/* The name is free again. */
	CHECK_EQ(devtree_node_add(root, "soc", &n), 0);
	CHECK(devtree_find_path(root, "serial0") == NULL);
	devtree_free(root);
	free(blob);
}

UNIT_TEST(prop_set_remove)
{
	static const u8 bytes[] = { 1, 2, 3, 4, 5, 6, 7 };
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *n;
	struct devtree_prop *p, *first;
	const u8 *v;
	u32 len = 0, u = 0;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	n = devtree_find_path(root, "/values");
	first = list_first_entry(&n->props, struct devtree_prop, link);
	/* New properties go last. */
	CHECK_EQ(devtree_prop_set(n, "new", bytes, 3), 0);
	p = list_entry(n->props.prev, struct devtree_prop, link);
	CHECK(!strcmp(p->name, "new") && p->len == 3);
	CHECK(!memcmp(p->value, bytes, 3));
	/* Replacing keeps the property and its place. */
	CHECK_EQ(devtree_prop_set(n, "bytes", bytes, 7), 0);
	CHECK(list_first_entry(&n->props, struct devtree_prop, link) == first);
	v = devtree_prop_get(n, "bytes", &len);
	CHECK(v && len == 7 && !memcmp(v, bytes, 7));
	CHECK_EQ(devtree_prop_set(n, "bytes", bytes + 1, 7 - 1), 0);
	CHECK(devtree_prop_find(n, "bytes") == first);
	v = devtree_prop_get(n, "bytes", &len);
	CHECK(v && len == 6 && !memcmp(v, bytes + 1, 6));
	/* From its own value, shorter and the same length. */
	CHECK_EQ(devtree_prop_set(n, "bytes", (const u8 *)first->value + 2, 3),
		 0);
	v = devtree_prop_get(n, "bytes", &len);
	CHECK(v && len == 3 && !memcmp(v, bytes + 3, 3));
	CHECK_EQ(devtree_prop_set(n, "bytes", first->value, 3), 0);
	v = devtree_prop_get(n, "bytes", &len);
	CHECK(v && len == 3 && !memcmp(v, bytes + 3, 3));
	CHECK_EQ(devtree_prop_set(n, "bytes", (const u8 *)first->value + 1, 2),
		 0);
	v = devtree_prop_get(n, "bytes", &len);
	CHECK(v && len == 2 && v[0] == 5 && v[1] == 6);
	/* Empty values are present values. */
	CHECK_EQ(devtree_prop_set(n, "bytes", NULL, 0), 0);
	CHECK(devtree_prop_get(n, "bytes", &len) != NULL);
	CHECK_EQ(len, 0);
	CHECK_EQ(devtree_prop_set(n, "bytes", bytes, 2), 0);
	CHECK_EQ(devtree_prop_set(n, "fresh-empty", NULL, 0), 0);
	CHECK(devtree_prop_get(n, "fresh-empty", NULL) != NULL);

	CHECK_EQ(devtree_prop_set_u32(n, "u", 0x11223344), 0);
	CHECK_EQ(devtree_prop_read_u32(n, "u", &u), 0);
	CHECK_EQ(u, 0x11223344);
	v = devtree_prop_get(n, "u", &len);
	CHECK(v && len == 4 && v[0] == 0x11 && v[3] == 0x44);
	CHECK_EQ(devtree_prop_set_string(n, "s", "hello"), 0);
	v = devtree_prop_get(n, "s", &len);
	CHECK(v && len == 6 && !strcmp((const char *)v, "hello"));
	CHECK_EQ(devtree_prop_set_string(n, "s", NULL), -EINVAL);

	CHECK_EQ(devtree_prop_set(n, "", bytes, 1), -EINVAL);
	CHECK_EQ(devtree_prop_set(n, NULL, bytes, 1), -EINVAL);
	CHECK_EQ(devtree_prop_set(n, "a/b", bytes, 1), -EINVAL);
	CHECK_EQ(devtree_prop_set(n, "x", NULL, 1), -EINVAL);
	CHECK_EQ(devtree_prop_set(NULL, "x", bytes, 1), -EINVAL);
	CHECK_EQ(devtree_prop_set_u32(n, "", 1), -EINVAL);

	CHECK_EQ(devtree_prop_remove(n, "new"), 0);
	CHECK(devtree_prop_find(n, "new") == NULL);
	CHECK_EQ(devtree_prop_remove(n, "new"), -ENOENT);
	CHECK_EQ(devtree_prop_remove(n, NULL), -EINVAL);
	CHECK_EQ(devtree_prop_remove(NULL, "x"), -EINVAL);

	/* The phandle follows its properties. */
	CHECK_EQ(devtree_prop_set_u32(n, "linux,phandle", 0x70), 0);
	CHECK_EQ(n->phandle, 0x70);
	CHECK_EQ(devtree_prop_set_u32(n, "phandle", 0x71), 0);
	CHECK_EQ(n->phandle, 0x71);
	CHECK(devtree_find_phandle(root, 0x71) == n);
	CHECK_EQ(devtree_prop_remove(n, "phandle"), 0);
	CHECK_EQ(n->phandle, 0x70);
	CHECK_EQ(devtree_prop_remove(n, "linux,phandle"), 0);
	CHECK_EQ(n->phandle, 0);
	CHECK(devtree_find_phandle(root, 0x70) == NULL);
	devtree_free(root);
	free(blob);
}

/* ---- flattening ---- */

UNIT_TEST(flatten_round_trip_dtc)
{
	size_t size = 0, out_size = 0, again_size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *again = NULL;
	void *out, *out2;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	out = flatten(root, &out_size);
	CHECK(out != NULL);
	if (out) {
		CHECK_EQ(fdt_check_full(out, out_size), 0);
		CHECK_EQ(fdt_totalsize(out), out_size);
		CHECK_EQ(fdt_version(out), 17);
		/* Memory reservations are not carried (see core/devtree.c). */
		CHECK_EQ(fdt_num_mem_rsv(blob), 1);
		CHECK_EQ(fdt_num_mem_rsv(out), 0);
		CHECK_EQ(compare_blobs(blob, out), 0);
		CHECK_EQ(compare_tree_blob(root, out), 0);
		/* A second trip gives the same bytes. */
		again = load(out);
		out2 = again ? flatten(again, &again_size) : NULL;
		CHECK(out2 != NULL);
		CHECK(out2 && again_size == out_size &&
		      !memcmp(out, out2, out_size));
		free(out2);
		devtree_free(again);
	}
	free(out);
	devtree_free(root);
	free(blob);
}

UNIT_TEST(flatten_after_changes)
{
	size_t size = 0, out_size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *n = NULL;
	const void *v;
	void *out;
	int off, len = 0;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	CHECK_EQ(devtree_node_add(devtree_find_path(root, "/soc"), "vuart@9000",
				  &n),
		 0);
	CHECK_EQ(devtree_prop_set_string(n, "compatible", "keel,vuart"), 0);
	CHECK_EQ(devtree_prop_set_u32(n, "phandle", 0x99), 0);
	CHECK_EQ(devtree_prop_set(n, "empty", NULL, 0), 0);
	CHECK_EQ(devtree_prop_remove(root, "model"), 0);
	CHECK_EQ(devtree_node_remove(devtree_find_path(root, "/cpus/cpu@1")),
		 0);
	out = flatten(root, &out_size);
	CHECK(out != NULL);
	if (out) {
		CHECK_EQ(fdt_check_full(out, out_size), 0);
		CHECK_EQ(compare_tree_blob(root, out), 0);
		off = fdt_path_offset(out, "/soc/vuart@9000");
		CHECK(off >= 0);
		CHECK_EQ(fdt_node_offset_by_phandle(out, 0x99), off);
		CHECK_EQ(fdt_node_check_compatible(out, off, "keel,vuart"), 0);
		v = fdt_getprop(out, off, "empty", &len);
		CHECK(v != NULL);
		CHECK_EQ(len, 0);
		CHECK(fdt_getprop(out, 0, "model", NULL) == NULL);
		CHECK(fdt_path_offset(out, "/cpus/cpu@1") < 0);
		CHECK(fdt_path_offset(out, "/cpus/cpu@0") >= 0);
	}
	free(out);
	devtree_free(root);
	free(blob);
}

/*
 * devtree_copy: the subtree below a node, as a tree of its own, sharing
 * nothing with the original (a change or a free of one leaves the other).
 */
UNIT_TEST(copy_is_a_separate_subtree)
{
	size_t size = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob), *copy = NULL, *cpu;
	const char *s = NULL;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	CHECK_EQ(devtree_copy(devtree_find_path(root, "/cpus"), &copy), 0);
	CHECK(copy != NULL);
	if (copy) {
		cpu = devtree_child(copy, "cpu@1");
		CHECK(cpu != NULL);
		CHECK_EQ(devtree_prop_read_string(cpu, "status", &s), 0);
		CHECK(s && !strcmp(s, "disabled"));
		CHECK(devtree_child(copy, "cpu@0") != NULL);
		CHECK(devtree_child(copy, "memory@40000000") == NULL);
		CHECK_EQ(devtree_prop_set_string(cpu, "status", "okay"), 0);
		CHECK_EQ(devtree_node_remove(devtree_child(copy, "cpu@0")), 0);
	}
	cpu = devtree_find_path(root, "/cpus/cpu@1");
	CHECK_EQ(devtree_prop_read_string(cpu, "status", &s), 0);
	CHECK(s && !strcmp(s, "disabled"));
	CHECK(devtree_find_path(root, "/cpus/cpu@0") != NULL);
	devtree_free(copy);
	CHECK(devtree_find_path(root, "/cpus/cpu@1") != NULL);
	devtree_free(root);
	free(blob);
}

UNIT_TEST(flatten_no_space)
{
	size_t size = 0, need = 0, used = 0;
	void *blob = dtc_compile(test_dts, &size);
	struct devtree_node *root = load(blob);
	u8 *buf;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	CHECK_EQ(devtree_flatten(root, NULL, 0, &need), -ENOSPC);
	CHECK(need > 40);
	/* Exactly the size asked for, in a buffer ASan fences. */
	buf = malloc(need);
	CHECK_EQ(devtree_flatten(root, buf, need, &used), 0);
	CHECK_EQ(used, need);
	CHECK_EQ(fdt_check_full(buf, used), 0);
	free(buf);
	buf = malloc(need - 1);
	used = 0;
	CHECK_EQ(devtree_flatten(root, buf, need - 1, &used), -ENOSPC);
	CHECK_EQ(used, need);
	free(buf);
	buf = malloc(need + 4096);
	CHECK_EQ(devtree_flatten(root, buf, need + 4096, &used), 0);
	CHECK_EQ(used, need);
	CHECK_EQ(fdt_totalsize(buf), need);
	free(buf);
	for (size_t small = 1; small < 64; small += 7) {
		buf = malloc(small);
		used = 0;
		CHECK_EQ(devtree_flatten(root, buf, small, &used), -ENOSPC);
		CHECK_EQ(used, need);
		free(buf);
	}
	CHECK_EQ(devtree_flatten(NULL, NULL, 0, &used), -EINVAL);
	CHECK_EQ(devtree_flatten(root, NULL, 0, NULL), -EINVAL);
	devtree_free(root);
	free(blob);
}

UNIT_TEST(built_tree_round_trip)
{
	struct devtree_node *root = NULL, *n, *back = NULL;
	size_t size = 0;
	void *blob = dtc_compile("/dts-v1/;\n/ { };\n", &size), *out;
	int depth;

	root = load(blob);
	CHECK(root != NULL && list_empty(&root->children));
	if (!root) {
		free(blob);
		return;
	}
	/* Deep enough that recursion would be a risk on a Keel stack. */
	n = root;
	for (depth = 0; depth < 5000; depth++) {
		char name[16];

		snprintf(name, sizeof(name), "n@%x", depth);
		if (devtree_node_add(n, name, &n) ||
		    devtree_prop_set_u32(n, "depth", (u32)depth))
			break;
	}
	CHECK_EQ(depth, 5000);
	CHECK_EQ(count_nodes(root), 5001);
	CHECK_EQ(tree_depth(n), 5000);
	out = flatten(root, &size);
	CHECK(out != NULL);
	if (out) {
		struct kfdt_fault fault;

		CHECK_EQ(compare_tree_blob(root, out), 0);
		/* Flattened fine, but deeper than any blob Keel reads. */
		CHECK_EQ(devtree_unflatten_blob(out, size, &back, &fault),
			 -EBADMSG);
		CHECK(back == NULL);
		CHECK(fault.reason &&
		      strcmp(fault.reason, "nodes nested too deep") == 0);
	}
	free(out);
	devtree_free(root);
	free(blob);
}

/* The deepest tree a blob may hold (KFDT_MAX_DEPTH levels) reads back. */
UNIT_TEST(deepest_tree_round_trip)
{
	struct devtree_node *root = NULL, *n, *back = NULL;
	size_t size = 0;
	void *blob = dtc_compile("/dts-v1/;\n/ { };\n", &size), *out;
	int depth;

	root = load(blob);
	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	n = root;
	for (depth = 1; depth < KFDT_MAX_DEPTH; depth++)
		CHECK_EQ(devtree_node_add(n, "n", &n), 0);
	out = flatten(root, &size);
	CHECK(out != NULL);
	back = load(out);
	CHECK(back != NULL);
	if (back)
		CHECK_EQ(count_nodes(back), KFDT_MAX_DEPTH);
	devtree_free(back);
	free(out);
	devtree_free(root);
	free(blob);
}

/* ---- QEMU's tree, with libfdt as the oracle ---- */

static void strip_units(const char *path, char *out)
{
	bool skip = false;

	for (; *path; path++) {
		if (*path == '/')
			skip = false;
		else if (*path == '@')
			skip = true;
		if (!skip)
			*out++ = *path;
	}
	*out = '\0';
}

static void check_against_libfdt(struct devtree_node *root, const void *fdt)
{
	struct node_map m;
	char path[512], fpath[512], shortp[512];
	int bad_paths = 0, bad_short = 0, bad_cells = 0, bad_reg = 0;
	int bad_avail = 0, bad_phandle = 0, regs = 0;

	map_nodes(root, fdt, &m);
	CHECK_EQ(m.count, count_nodes(root));
	for (int i = 0; i < m.count; i++) {
		struct devtree_node *node = m.nodes[i];
		int off = m.offs[i], parent, ac, sc, len, toff;
		const fdt32_t *reg;
		const char *status;

		if (devtree_node_path(node, path, sizeof(path)) ||
		    fdt_get_path(fdt, off, fpath, sizeof(fpath)) ||
		    strcmp(path, fpath) || fdt_path_offset(fdt, path) != off ||
		    devtree_find_path(root, path) != node)
			bad_paths++;
		strip_units(path, shortp);
		toff = fdt_path_offset(fdt, shortp);
		if (devtree_find_path(root, shortp) !=
		    (toff >= 0 ? map_find(&m, toff) : NULL))
			bad_short++;
		if (node->phandle &&
		    (devtree_find_phandle(root, node->phandle) != node ||
		     fdt_node_offset_by_phandle(fdt, node->phandle) != off))
			bad_phandle++;
		status = fdt_getprop(fdt, off, "status", &len);
		if (devtree_is_available(node) !=
		    (!status || !strcmp(status, "okay") ||
		     !strcmp(status, "ok")))
			bad_avail++;

		parent = node->parent ? fdt_parent_offset(fdt, off) : off;
		ac = fdt_address_cells(fdt, parent);
		sc = fdt_size_cells(fdt, parent);
		if (ac >= 0 && (u32)ac != devtree_addr_cells(node))
			bad_cells++;
		if (sc >= 0 && (u32)sc != devtree_size_cells(node))
			bad_cells++;
		reg = fdt_getprop(fdt, off, "reg", &len);
		if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2)
			continue;
		if (devtree_reg_count(node) != len / (4 * (ac + sc)))
			bad_reg++;
		for (int e = 0; e < len / (4 * (ac + sc)); e++) {
			const fdt32_t *c = reg + e * (ac + sc);
			u64 wa = 0, ws = 0, a = 0, s = 0;

			for (int k = 0; k < ac; k++)
				wa = wa << 32 | fdt32_to_cpu(c[k]);
			for (int k = 0; k < sc; k++)
				ws = ws << 32 | fdt32_to_cpu(c[ac + k]);
			if (devtree_read_reg(node, (unsigned int)e, &a, &s) ||
			    a != wa || s != ws)
				bad_reg++;
			regs++;
		}
	}
	CHECK_EQ(bad_paths, 0);
	CHECK_EQ(bad_short, 0);
	CHECK_EQ(bad_phandle, 0);
	CHECK_EQ(bad_avail, 0);
	CHECK_EQ(bad_cells, 0);
	CHECK_EQ(bad_reg, 0);
	CHECK(regs > 10);
	unmap_nodes(&m);
}

/* For every compatible string in the tree, both walks give the same nodes. */
static void check_compatible_order(struct devtree_node *root, const void *fdt)
{
	struct node_map m;
	struct devtree_node *node;
	int strings = 0, bad = 0;

	map_nodes(root, fdt, &m);
	for (node = root; node; node = devtree_next(root, node)) {
		const char *compat;

		for (unsigned int i = 0; !devtree_prop_read_string_index(
			     node, "compatible", i, &compat);
		     i++) {
			struct devtree_node *n = NULL;
			int off = -1;

			do {
				n = devtree_find_compatible(root, n, compat);
				off = fdt_node_offset_by_compatible(fdt, off,
								    compat);
				if (n != (off >= 0 ? map_find(&m, off) : NULL))
					bad++;
			} while (n && off >= 0);
			strings++;
		}
	}
	CHECK(strings > 10);
	CHECK_EQ(bad, 0);
	unmap_nodes(&m);
}

UNIT_TEST(qemu_virt_tree)
{
	size_t size = 0, out_size = 0;
	void *blob = qemu_dtb(&size), *out;
	struct devtree_node *root = load(blob), *gic;
	u32 parent = 0;

	CHECK(root != NULL);
	if (!root) {
		free(blob);
		return;
	}
	CHECK_EQ(compare_tree_blob(root, blob), 0);
	check_against_libfdt(root, blob);
	check_compatible_order(root, blob);
	CHECK(devtree_find_compatible(root, NULL, "arm,gic-v3") != NULL);
	CHECK(devtree_find_compatible(root, NULL, "arm,pl011") != NULL);
	CHECK_EQ(devtree_prop_read_u32(root, "interrupt-parent", &parent), 0);
	gic = devtree_find_phandle(root, parent);
	CHECK(gic && devtree_is_compatible(gic, "arm,gic-v3"));
	out = flatten(root, &out_size);
	CHECK(out != NULL);
	if (out) {
		CHECK_EQ(fdt_check_full(out, out_size), 0);
		CHECK_EQ(compare_blobs(blob, out), 0);
		CHECK(out_size < size); /* QEMU pads its blob to 1 MiB */
	}
	free(out);
	devtree_free(root);
	free(blob);
}

/*
 * Debian's kernel blobs, when tools/fetch-test-dtbs.sh has cached them:
 * hundreds of real, dtc-built trees through unflatten and flatten. The
 * test reads only the cache and passes (saying so) when there is none;
 * KEEL_TEST_DTBS (set by make unittest, which fetches them) names the
 * directory and makes its blobs required.
 */
static bool find_dtb_cache(char *dir, size_t len)
{
	const char *cache = getenv("KEEL_CACHE"), *home = getenv("HOME");
	const char *given = getenv("KEEL_TEST_DTBS");
	char root[256], stamp[600];
	struct dirent *e;
	bool found = false;
	DIR *d;

	if (given && *given) {
		snprintf(dir, len, "%s", given);
		return true;
	}
	if (cache)
		snprintf(root, sizeof(root), "%s/dtbs", cache);
	else
		snprintf(root, sizeof(root), "%s/.cache/keel/dtbs",
			 home ? home : "/tmp");
	d = opendir(root);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, len, "%s/%s", root, e->d_name);
		snprintf(stamp, sizeof(stamp), "%s/.complete", dir);
		found = access(stamp, F_OK) == 0;
	}
	closedir(d);
	return found;
}

static int round_trip_file(const char *path)
{
	struct devtree_node *root;
	size_t size = 0, out_size = 0;
	void *blob = read_file(path, &size), *out = NULL;
	int diffs = 1;

	root = blob && size >= sizeof(struct fdt_header) &&
			       !fdt_check_full(blob, size) ?
		       load(blob) :
		       NULL;
	if (root) {
		diffs = compare_tree_blob(root, blob);
		out_size = size + 1024;
		out = malloc(out_size);
		if (devtree_flatten(root, out, out_size, &out_size) ||
		    fdt_check_full(out, out_size))
			diffs++;
		else
			diffs += compare_blobs(blob, out);
	}
	if (diffs)
		printf("  %s: %d differences\n", path, diffs);
	free(out);
	devtree_free(root);
	free(blob);
	return diffs;
}

UNIT_TEST(cached_kernel_blobs)
{
	char dir[512], path[1024];
	int files = 0, bad = 0;
	struct dirent *e;
	DIR *d;

	if (!find_dtb_cache(dir, sizeof(dir)) || !(d = opendir(dir))) {
		printf("  no cached blobs (tools/fetch-test-dtbs.sh): skipped\n");
		CHECK(!getenv("KEEL_TEST_DTBS"));
		return;
	}
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n < 5 || strcmp(e->d_name + n - 4, ".dtb"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		bad += round_trip_file(path) != 0;
		files++;
	}
	closedir(d);
	CHECK(files > 0);
	CHECK_EQ(bad, 0);
	printf("  %d blobs from %s\n", files, dir);
}

/* ---- damaged blobs ---- */

struct fuzz_stats {
	int accepted, rejected, bad_errors;
};

/* A damaged blob must be refused cleanly or read into a usable tree. */
static void try_blob(const void *blob, struct fuzz_stats *st)
{
	struct devtree_node *root = (struct devtree_node *)&root;
	size_t size = 2 * (size_t)fdt_totalsize(blob) + 1024, used = 0;
	void *out;
	int err;

	err = devtree_unflatten(blob, &root);
	if (err) {
		st->rejected++;
		if (root || (err != -EINVAL && err != -EBADMSG)) {
			printf("  unflatten: %d, root %p\n", err, (void *)root);
			st->bad_errors++;
		}
		return;
	}
	st->accepted++;
	if (!root) {
		printf("  unflatten succeeded without a tree\n");
		st->bad_errors++;
		return;
	}
	/* Damage never makes a tree much bigger than its blob. */
	out = malloc(size);
	err = devtree_flatten(root, out, size, &used);
	if (err || fdt_check_full(out, used) || compare_tree_blob(root, out)) {
		printf("  flattening a damaged blob's tree: %d\n", err);
		st->bad_errors++;
	}
	free(out);
	devtree_free(root);
}

/*
 * Damage a copy of the blob. The blob's header tells the reader how many
 * bytes it may touch, so the copy is at least that big; within it, ASan
 * catches reads past the end.
 */
static void try_damaged(const u8 *orig, size_t size, size_t off,
			const void *bytes, size_t n, struct fuzz_stats *st)
{
	size_t alloc = size;
	u8 hdr[8], *copy;
	u32 total;

	memcpy(hdr, orig, 8);
	if (off < 8)
		memcpy(hdr + off, bytes, MIN(n, 8 - off));
	memcpy(&total, hdr + 4, 4);
	total = fdt32_to_cpu(total);
	if (total > alloc && total <= 16u << 20)
		alloc = total;
	copy = calloc(1, alloc);
	memcpy(copy, orig, size);
	memcpy(copy + off, bytes, n);
	try_blob(copy, st);
	free(copy);
}

/*
 * Every byte changed in `patterns` ways, and every `word_step`-th aligned
 * word replaced by tags, sizes and offsets that could mislead a reader.
 */
static void fuzz_blob(const u8 *blob, size_t size, size_t patterns,
		      size_t word_step, struct fuzz_stats *st)
{
	static const u32 tags[] = { 0, 1, 2, 3, 4, 9 };
	static const u32 hostile[] = { 0xffffffff, 0xfffffffc, 0x80000000,
				       0x7fffffff, 0x1000 };

	for (size_t off = 0; off < size; off++) {
		const u8 b[] = { blob[off] ^ 0xff, 0, blob[off] ^ 0x01,
				 blob[off] ^ 0x80 };

		for (size_t i = 0; i < MIN(patterns, ARRAY_SIZE(b)); i++)
			try_damaged(blob, size, off, &b[i], 1, st);
	}
	for (size_t off = 0; off + 4 <= size; off += 4 * word_step) {
		const u32 near[] = { (u32)size, (u32)size - 4, (u32)size + 4,
				     (u32)off };
		u32 w;

		for (size_t i = 0; i < ARRAY_SIZE(tags); i++) {
			w = cpu_to_fdt32(tags[i]);
			try_damaged(blob, size, off, &w, 4, st);
		}
		for (size_t i = 0; i < ARRAY_SIZE(hostile); i++) {
			w = cpu_to_fdt32(hostile[i]);
			try_damaged(blob, size, off, &w, 4, st);
		}
		for (size_t i = 0; i < ARRAY_SIZE(near); i++) {
			w = cpu_to_fdt32(near[i]);
			try_damaged(blob, size, off, &w, 4, st);
		}
	}
}

UNIT_TEST(damaged_blobs_dtc)
{
	struct fuzz_stats st = { 0, 0, 0 };
	size_t size = 0;
	u8 *blob = dtc_compile(test_dts, &size);

	CHECK(blob != NULL);
	if (!blob)
		return;
	fuzz_blob(blob, size, 4, 1, &st);
	CHECK_EQ(st.bad_errors, 0);
	CHECK(st.accepted > 0);
	CHECK(st.rejected > 0);
	printf("  %d damaged blobs read, %d refused\n", st.accepted,
	       st.rejected);
	free(blob);
}

UNIT_TEST(damaged_blobs_qemu)
{
	struct fuzz_stats st = { 0, 0, 0 };
	size_t size = 0;
	u8 *blob = qemu_dtb(&size), *packed;

	CHECK(blob != NULL);
	if (!blob)
		return;
	/*
	 * Without QEMU's megabyte of padding, so every byte matters. One
	 * change per byte and every 16th word: the dtc blob's run covers
	 * the same shapes exhaustively in a quarter of the bytes.
	 */
	packed = malloc(size);
	CHECK_EQ(fdt_open_into(blob, packed, (int)size), 0);
	CHECK_EQ(fdt_pack(packed), 0);
	fuzz_blob(packed, fdt_totalsize(packed), 1, 16, &st);
	CHECK_EQ(st.bad_errors, 0);
	CHECK(st.accepted > 0);
	CHECK(st.rejected > 0);
	free(packed);
	free(blob);
}

UNIT_TEST(truncated_blobs)
{
	struct fuzz_stats st = { 0, 0, 0 };
	size_t size = 0;
	u8 *blob = dtc_compile(test_dts, &size);

	CHECK(blob != NULL);
	if (!blob)
		return;
	for (size_t n = 0; n < size; n++) {
		/* The header says n bytes and the buffer holds only those. */
		size_t alloc = MAX(n, (size_t)40);
		u8 *copy = calloc(1, alloc);
		struct devtree_node *root = (struct devtree_node *)&root;

		memcpy(copy, blob, MIN(alloc, size));
		fdt_set_totalsize(copy, (u32)n);
		CHECK(devtree_unflatten(copy, &root) < 0);
		CHECK(root == NULL);
		free(copy);

		/* The header unchanged and the rest of the bytes gone. */
		copy = calloc(1, size);
		memcpy(copy, blob, n);
		try_blob(copy, &st);
		free(copy);
	}
	CHECK_EQ(st.bad_errors, 0);
	free(blob);
}

UNIT_MAIN()
