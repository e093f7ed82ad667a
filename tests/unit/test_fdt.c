// SPDX-License-Identifier: GPL-2.0
/*
 * libs/fdt, checked call for call against Debian's libfdt (the oracle).
 *
 * The blobs: every .dtb that tools/fetch-test-dtbs.sh caches (Debian's
 * arm64 kernel package and QEMU's virt machine), found through
 * KEEL_TEST_DTBS or, when that is unset, by running the script; no blobs
 * is a failure. Both libraries read the same bytes and every answer must
 * agree: offsets, depths, names, paths, parents, properties, phandles,
 * compatible searches, cell counts, reservations, errors. Answers that
 * walk from the root (get_path, parent_offset, path_offset, look-ups by
 * phandle) are checked for every node against what libfdt's own walk
 * implies, and asked of libfdt itself for a sample of nodes of each blob
 * (all nodes of small and malformed blobs) and wherever kfdt differs
 * from the walk: asking libfdt for all would take minutes.
 *
 * Blobs built with the sequential-write calls and blobs edited in place
 * must come out byte for byte the same. Malformed blobs (truncated,
 * wrong magic or version, lying sizes, unterminated strings, bad offsets,
 * blocks out of order, random corruption) must give the same errors, and
 * kfdt must stay inside the blob (ASan watches).
 *
 * Where libfdt 1.6.1 itself reads out of bounds, loops or recurses for
 * ever, or returns nonsense (a property length near 4 GiB wraps its
 * offset arithmetic; aliases that are not NUL-terminated or name
 * themselves; get_path on an offset past the root node; edits of blobs
 * whose header it has not checked), only kfdt is called and its answer
 * checked.
 */
#include "unit.h"

#include <dirent.h>
#include <sys/wait.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>

#include <keel/fdt.h>

/* ---- reporting ---- */

static int nreports;
static const char *ctx = "";

static void report(int line, const char *what, long long k, long long l)
{
	unit_current_failed = 1;
	if (nreports++ < 30)
		printf("  %s:%d: [%s] %s: kfdt %lld, libfdt %lld\n", __FILE__,
		       line, ctx, what, k, l);
}

/* Both libraries must agree; on a difference report it and give up. */
#define SAME(what, k, l)                                            \
	do {                                                        \
		long long k_ = (long long)(k), l_ = (long long)(l); \
		if (k_ != l_) {                                     \
			report(__LINE__, what, k_, l_);             \
			return false;                               \
		}                                                   \
	} while (0)

/* A property of kfdt itself. */
#define MUST(what, cond)                              \
	do {                                          \
		if (!(cond)) {                        \
			report(__LINE__, what, 0, 0); \
			return false;                 \
		}                                     \
	} while (0)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* An offset into the blob for a pointer, -1 for NULL. */
static long long poff(const void *fdt, const void *p)
{
	return p ? (long long)((const char *)p - (const char *)fdt) : -1;
}

/* Big-endian fields at any alignment (libfdt's macros want 4). */
static uint32_t get32(const void *p, size_t off)
{
	fdt32_t v;

	memcpy(&v, (const char *)p + off, sizeof(v));
	return fdt32_to_cpu(v);
}

static void put32(void *p, size_t off, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	memcpy((char *)p + off, &be, sizeof(be));
}

/* Output survives a sanitizer's abort. */
__attribute__((constructor)) static void line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* ---- the blobs ---- */

struct blob {
	char *name;
	void *data;
	size_t size;
};

static struct blob *blobs;
static int nblobs, nqemu;
static bool loaded;

static char *source_root(void)
{
	const char *env = getenv("KEEL_SRCTREE");
	const char *file = __FILE__;
	const char *suffix = "/tests/unit/test_fdt.c";
	size_t n = strlen(file), m = strlen(suffix);

	if (env && *env)
		return strdup(env);
	if (n >= m && strcmp(file + n - m, suffix) == 0)
		return n == m ? strdup("/") : strndup(file, n - m);
	if (strcmp(file, suffix + 1) == 0)
		return strdup(".");
	return NULL;
}

/* Run tools/fetch-test-dtbs.sh; the cache directory is its last line. */
static char *fetch_dtbs(void)
{
	char *root = source_root();
	char cmd[4096], line[4096];
	char *dir = NULL;
	FILE *f;
	int status;

	if (!root) {
		printf("  cannot find the source tree; set KEEL_SRCTREE\n");
		return NULL;
	}
	snprintf(cmd, sizeof(cmd), "'%s/tools/fetch-test-dtbs.sh'", root);
	free(root);
	fflush(stdout);
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0]) {
			free(dir);
			dir = strdup(line);
		}
	}
	status = pclose(f);
	if (status != 0) {
		printf("  %s failed (status %d)\n", cmd, status);
		free(dir);
		return NULL;
	}
	return dir;
}

static bool read_file(const char *path, void **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return false;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return false;
	}
	/* malloc() aligns to 16, as both libraries want 8. */
	*data = malloc(n ? (size_t)n : 1);
	*size = (size_t)n;
	if (!*data || fread(*data, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(*data);
		return false;
	}
	fclose(f);
	return true;
}

static int blob_cmp(const void *a, const void *b)
{
	return strcmp(((const struct blob *)a)->name,
		      ((const struct blob *)b)->name);
}

static void load_blobs(void)
{
	const char *env = getenv("KEEL_TEST_DTBS");
	char *dir;
	DIR *d;
	struct dirent *e;
	int cap = 0;

	if (loaded)
		return;
	loaded = true;
	dir = env && *env ? strdup(env) : fetch_dtbs();
	if (!dir) {
		printf("  no dtbs: KEEL_TEST_DTBS unset and fetching failed\n");
		return;
	}
	d = opendir(dir);
	if (!d) {
		printf("  cannot open %s\n", dir);
		free(dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char path[4096];
		struct blob b;

		if (n < 5 || strcmp(e->d_name + n - 4, ".dtb") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!read_file(path, &b.data, &b.size)) {
			printf("  cannot read %s\n", path);
			continue;
		}
		b.name = strdup(e->d_name);
		if (nblobs == cap) {
			struct blob *more;

			cap = cap ? cap * 2 : 256;
			more = realloc(blobs, cap * sizeof(*blobs));
			if (!more) {
				free(b.data);
				free(b.name);
				break;
			}
			blobs = more;
		}
		blobs[nblobs++] = b;
		if (strncmp(b.name, "qemu-", 5) == 0)
			nqemu++;
	}
	closedir(d);
	qsort(blobs, nblobs, sizeof(*blobs), blob_cmp);
	free(dir);
}

static const struct blob *find_blob(const char *name)
{
	for (int i = 0; i < nblobs; i++) {
		if (strcmp(blobs[i].name, name) == 0)
			return &blobs[i];
	}
	return NULL;
}

/* A blob for negative tests: small, with reservations where possible. */
static const struct blob *small_blob(void)
{
	const struct blob *best = NULL;

	for (int i = 0; i < nblobs; i++) {
		if (fdt_check_header(blobs[i].data) != 0 ||
		    fdt_num_mem_rsv(blobs[i].data) < 1)
			continue;
		if (!best || blobs[i].size < best->size)
			best = &blobs[i];
	}
	if (!best)
		best = find_blob("qemu-virt-gicv3.dtb");
	return best;
}

/* A packed copy of blob b (QEMU's dumps carry 1 MiB of free space). */
static void *packed_copy(const struct blob *b, size_t *size)
{
	void *p = malloc(b->size);

	memcpy(p, b->data, b->size);
	if (fdt_pack(p) != 0) {
		free(p);
		return NULL;
	}
	*size = fdt_totalsize(p);
	return p;
}

/* ---- read-only comparison ---- */

static bool aliases_sane(const void *fdt);

struct stats {
	long nodes, props, phandles, compat, aliases, rsv;
};

static struct stats st;

/* Do both agree on every property of the node at node? */
static bool cmp_props(const void *fdt, size_t size, int node)
{
	int ok = kfdt_first_property_offset(fdt, node);
	int ol = fdt_first_property_offset(fdt, node);

	SAME("first_property_offset", ok, ol);
	while (ol >= 0) {
		const char *nk = NULL, *nl = NULL;
		int lk = 0, ll = 0, gk = 0, gl = 0;
		const char *vk = kfdt_getprop_by_offset(fdt, ok, &nk, &lk);
		const char *vl = fdt_getprop_by_offset(fdt, ol, &nl, &ll);
		const char *pk, *pl;

		SAME("getprop_by_offset value", poff(fdt, vk), poff(fdt, vl));
		SAME("getprop_by_offset len", lk, ll);
		SAME("getprop_by_offset name", poff(fdt, nk), poff(fdt, nl));
		if (vk) {
			MUST("value inside the blob",
			     lk >= 0 && poff(fdt, vk) + lk <= (long long)size);
			MUST("value bytes", memcmp(vk, vl, lk) == 0);
		}
		if (nk) {
			MUST("name inside the blob",
			     poff(fdt, nk) + (long long)strlen(nk) <
				     (long long)size);
			pk = kfdt_getprop(fdt, node, nk, &gk);
			pl = fdt_getprop(fdt, node, nl, &gl);
			SAME("getprop value", poff(fdt, pk), poff(fdt, pl));
			SAME("getprop len", gk, gl);
		}
		st.props++;
		ok = kfdt_next_property_offset(fdt, ok);
		ol = fdt_next_property_offset(fdt, ol);
		SAME("next_property_offset", ok, ol);
	}
	return true;
}

/* The children of node, listed with first/next_subnode. */
static bool cmp_subnodes(const void *fdt, int node)
{
	int ok = kfdt_first_subnode(fdt, node);
	int ol = fdt_first_subnode(fdt, node);

	SAME("first_subnode", ok, ol);
	while (ol >= 0) {
		ok = kfdt_next_subnode(fdt, ok);
		ol = fdt_next_subnode(fdt, ol);
		SAME("next_subnode", ok, ol);
	}
	return true;
}

/* Each NUL-terminated string in a compatible list is found again. */
static bool cmp_compatible(const void *fdt, int node)
{
	int len;
	const char *c = fdt_getprop(fdt, node, "compatible", &len);
	const char *end;

	SAME("check_compatible (none)",
	     kfdt_node_check_compatible(fdt, node, "keel,no-such-device"),
	     fdt_node_check_compatible(fdt, node, "keel,no-such-device"));
	if (!c || len <= 0)
		return true;
	for (end = c + len; c < end;) {
		const char *nul = memchr(c, '\0', end - c);

		if (!nul)
			break;
		SAME("node_check_compatible",
		     kfdt_node_check_compatible(fdt, node, c),
		     fdt_node_check_compatible(fdt, node, c));
		st.compat++;
		c = nul + 1;
	}
	return true;
}

/*
 * The answers that need a walk from the root (path, depth, parent, the
 * look-ups by path, name and phandle) cost each library time in
 * proportion to the node's offset, too much to ask libfdt for every node
 * of every blob. So for every node kfdt's answers are checked against the
 * ones libfdt's own walk implies (path, depth and parent as the walk met
 * them); where kfdt's answer differs from that (duplicate names, say) and
 * on a sample of nodes, libfdt is asked and must agree.
 */
struct walked {
	int node, depth, parent, index;
	const char *path; /* as libfdt's names build it */
	const char *name;
	int namelen;
};

/* kfdt's answer k is what the walk implies, or else what libfdt says. */
#define IMPLIED(what, k, implied, libfdt_call)                     \
	do {                                                       \
		long long kv_ = (long long)(k);                    \
		if (sample || kv_ != (long long)(implied))         \
			SAME(what, kv_, (long long)(libfdt_call)); \
	} while (0)

static bool cmp_node_walk(const void *fdt, const struct walked *w, bool sample)
{
	char pk[4096], pl[4096], stripped[4096];
	int rk, rl, len;
	u32 ph;

	rk = kfdt_get_path(fdt, w->node, pk, sizeof(pk));
	if (sample || rk != 0 || strcmp(pk, w->path) != 0) {
		rl = fdt_get_path(fdt, w->node, pl, sizeof(pl));
		SAME("get_path", rk, rl);
		if (rl == 0)
			MUST("get_path string", strcmp(pk, pl) == 0);
	}
	IMPLIED("parent_offset", kfdt_parent_offset(fdt, w->node),
		w->depth ? w->parent : -FDT_ERR_NOTFOUND,
		fdt_parent_offset(fdt, w->node));
	/* A root node with a name gives a relative path: an alias. */
	if (rk == 0 && (pk[0] == '/' || aliases_sane(fdt)))
		IMPLIED("path_offset", kfdt_path_offset(fdt, pk), w->node,
			fdt_path_offset(fdt, pk));
	ph = fdt_get_phandle(fdt, w->node);
	if (ph != 0 && ph != ~0U) {
		IMPLIED("node_offset_by_phandle",
			kfdt_node_offset_by_phandle(fdt, ph), w->node,
			fdt_node_offset_by_phandle(fdt, ph));
		st.phandles++;
	}
	if (!sample || rk != 0 || pk[0] != '/')
		return true;

	/* path_offset() looked up each component already. */
	if (w->name && w->parent >= 0)
		SAME("subnode_offset",
		     kfdt_subnode_offset(fdt, w->parent, w->name),
		     fdt_subnode_offset(fdt, w->parent, w->name));
	/* The walk gave the depth already; node_depth() is not needed. */
	SAME("node_depth", kfdt_node_depth(fdt, w->node),
	     fdt_node_depth(fdt, w->node));
	MUST("node_depth as walked", kfdt_node_depth(fdt, w->node) == w->depth);

	/* Without unit addresses the first match is found instead. */
	if (strchr(pk, '@')) {
		const char *s = pk;
		char *o = stripped;

		while (*s) {
			if (*s == '@') {
				while (*s && *s != '/')
					s++;
			} else {
				*o++ = *s++;
			}
		}
		*o = '\0';
		SAME("path_offset without unit addresses",
		     kfdt_path_offset(fdt, stripped),
		     fdt_path_offset(fdt, stripped));
	}
	if (w->name && w->parent >= 0) {
		const char *at = memchr(w->name, '@', w->namelen);

		if (at && at - w->name < (long)sizeof(stripped)) {
			memcpy(stripped, w->name, at - w->name);
			stripped[at - w->name] = '\0';
			SAME("subnode_offset without unit address",
			     kfdt_subnode_offset(fdt, w->parent, stripped),
			     fdt_subnode_offset(fdt, w->parent, stripped));
		}
	}
	/* Buffers too short by one, just long enough, and tiny. */
	len = (int)strlen(pk);
	SAME("get_path short", kfdt_get_path(fdt, w->node, pk, len),
	     fdt_get_path(fdt, w->node, pl, len));
	SAME("get_path exact", kfdt_get_path(fdt, w->node, pk, len + 1),
	     fdt_get_path(fdt, w->node, pl, len + 1));
	SAME("get_path 1", kfdt_get_path(fdt, w->node, pk, 1),
	     fdt_get_path(fdt, w->node, pl, 1));
	SAME("get_path 2", kfdt_get_path(fdt, w->node, pk, 2),
	     fdt_get_path(fdt, w->node, pl, 2));
	return true;
}

#define CMP_FULL 1 /* the per-node checks that walk from the root */
#define CMP_GLOBAL 2 /* header, reservations, compatible searches, aliases */
#define CMP_SAMPLE_ALL 4 /* ask libfdt about every node, not a sample */

/* How many nodes of each blob libfdt is asked about in full. */
#define SAMPLE_NODES 16

#define MAX_DEPTH 1024

/*
 * Walk the tree with both libraries side by side and compare everything
 * about every node.
 */
static bool cmp_tree(const void *fdt, size_t size, unsigned int flags)
{
	static int parents[MAX_DEPTH];
	static size_t pathlen[MAX_DEPTH];
	static char path[8192];
	int dk = -1, dl = -1, index = 0, nnodes = 0, stride;
	int ok, ol;

	for (ol = fdt_next_node(fdt, -1, NULL); ol >= 0;
	     ol = fdt_next_node(fdt, ol, NULL))
		nnodes++;
	stride = flags & CMP_SAMPLE_ALL ? 1 : nnodes / SAMPLE_NODES + 1;

	ok = kfdt_next_node(fdt, -1, &dk);
	ol = fdt_next_node(fdt, -1, &dl);
	SAME("next_node (root)", ok, ol);
	SAME("depth (root)", dk, dl);
	while (ol >= 0 && dl >= 0) {
		int lk, ll;
		const char *nk = kfdt_get_name(fdt, ok, &lk);
		const char *nl = fdt_get_name(fdt, ol, &ll);
		struct walked w = { ol, dl, -1, index, NULL, nl, ll };

		SAME("get_name", poff(fdt, nk), poff(fdt, nl));
		SAME("get_name len", lk, ll);
		if (nk)
			MUST("name", strcmp(nk, nl) == 0);
		if (dl > 0 && dl <= MAX_DEPTH)
			w.parent = parents[dl - 1];
		if (dl < MAX_DEPTH) {
			/* The path as the walk implies it: parent's + name. */
			size_t at = dl ? pathlen[dl - 1] : 0;

			parents[dl] = ol;
			if (nl && at + 2 + ll < sizeof(path)) {
				if (dl > 1)
					path[at++] = '/';
				else
					at = 1;
				path[0] = '/';
				memcpy(path + at, nl, ll);
				at += ll;
				path[at] = '\0';
				pathlen[dl] = at;
				w.path = path;
			}
		}
		if (!cmp_props(fdt, size, ol) || !cmp_subnodes(fdt, ol) ||
		    !cmp_compatible(fdt, ol))
			return false;
		SAME("get_phandle", kfdt_get_phandle(fdt, ok),
		     fdt_get_phandle(fdt, ol));
		SAME("address_cells", kfdt_address_cells(fdt, ok),
		     fdt_address_cells(fdt, ol));
		SAME("size_cells", kfdt_size_cells(fdt, ok),
		     fdt_size_cells(fdt, ol));
		if ((flags & CMP_FULL) && w.path &&
		    !cmp_node_walk(fdt, &w, index % stride == 0))
			return false;
		st.nodes++;
		index++;
		ok = kfdt_next_node(fdt, ok, &dk);
		ol = fdt_next_node(fdt, ol, &dl);
		SAME("next_node", ok, ol);
		SAME("next_node depth", dk, dl);
	}
	/* Without a depth the walk must see the same nodes too. */
	ok = kfdt_next_node(fdt, -1, NULL);
	ol = fdt_next_node(fdt, -1, NULL);
	SAME("next_node no depth", ok, ol);
	while (ol >= 0) {
		ok = kfdt_next_node(fdt, ok, NULL);
		ol = fdt_next_node(fdt, ol, NULL);
		SAME("next_node no depth", ok, ol);
	}
	return true;
}

static bool cmp_header(const void *fdt, size_t size)
{
	SAME("check_header", kfdt_check_header(fdt), fdt_check_header(fdt));
	SAME("totalsize", kfdt_totalsize(fdt), get32(fdt, 4));
	SAME("version", kfdt_version(fdt), get32(fdt, 20));
	SAME("boot_cpuid_phys", kfdt_boot_cpuid_phys(fdt), get32(fdt, 28));
	return true;
}

/* libfdt 1.6.1 reads out of bounds for reservations if totalsize < 16. */
static bool cmp_rsv(const void *fdt)
{
	int nk, nl;

	if (get32(fdt, 4) < 16)
		return true;
	nk = kfdt_num_mem_rsv(fdt);
	nl = fdt_num_mem_rsv(fdt);
	SAME("num_mem_rsv", nk, nl);
	for (int i = -1; i <= nl + 1; i++) {
		uint64_t ak = 1, sk = 1, al = 1, sl = 1;

		SAME("get_mem_rsv", kfdt_get_mem_rsv(fdt, i, &ak, &sk),
		     fdt_get_mem_rsv(fdt, i, &al, &sl));
		SAME("mem_rsv address", ak, al);
		SAME("mem_rsv size", sk, sl);
		st.rsv++;
	}
	return true;
}

/* node_offset_by_compatible from the start, for up to max strings. */
static bool cmp_compatible_search(const void *fdt, int max)
{
	int off, ok, ol, n = 0;

	ok = kfdt_node_offset_by_compatible(fdt, -1, "keel,no-such-device");
	ol = fdt_node_offset_by_compatible(fdt, -1, "keel,no-such-device");
	SAME("node_offset_by_compatible (none)", ok, ol);
	for (off = fdt_next_node(fdt, -1, NULL); off >= 0 && n < max;
	     off = fdt_next_node(fdt, off, NULL)) {
		int len;
		const char *c = fdt_getprop(fdt, off, "compatible", &len);

		if (!c || len <= 0 || !memchr(c, '\0', len))
			continue;
		/* Only the first node with this string starts a search. */
		if (fdt_node_offset_by_compatible(fdt, -1, c) != off)
			continue;
		n++;
		ok = kfdt_node_offset_by_compatible(fdt, -1, c);
		ol = fdt_node_offset_by_compatible(fdt, -1, c);
		SAME("node_offset_by_compatible", ok, ol);
		while (ol >= 0) {
			ok = kfdt_node_offset_by_compatible(fdt, ok, c);
			ol = fdt_node_offset_by_compatible(fdt, ol, c);
			SAME("node_offset_by_compatible next", ok, ol);
		}
	}
	return true;
}

/*
 * Are all aliases NUL-terminated absolute paths? libfdt 1.6.1 reads past
 * the end of an unterminated one (kfdt answers -BADPATH) and recurses for
 * ever through aliases naming themselves.
 */
static bool aliases_sane(const void *fdt)
{
	int aliases = fdt_path_offset(fdt, "/aliases");

	if (aliases < 0)
		return true;
	for (int p = fdt_first_property_offset(fdt, aliases); p >= 0;
	     p = fdt_next_property_offset(fdt, p)) {
		int len;
		const char *val = fdt_getprop_by_offset(fdt, p, NULL, &len);

		if (!val || len <= 0 || !memchr(val, '\0', len) ||
		    val[0] != '/')
			return false;
	}
	return true;
}

/* Every alias, alone and with a component after it. */
static bool cmp_aliases(const void *fdt)
{
	int aliases = fdt_path_offset(fdt, "/aliases");
	char path[1024];

	if (aliases < 0 || !aliases_sane(fdt))
		return true;
	for (int p = fdt_first_property_offset(fdt, aliases); p >= 0;
	     p = fdt_next_property_offset(fdt, p)) {
		const char *name;
		int len;
		if (!fdt_getprop_by_offset(fdt, p, &name, &len))
			continue;
		SAME("path_offset(alias)", kfdt_path_offset(fdt, name),
		     fdt_path_offset(fdt, name));
		snprintf(path, sizeof(path), "%s/keel-none", name);
		SAME("path_offset(alias/x)", kfdt_path_offset(fdt, path),
		     fdt_path_offset(fdt, path));
		st.aliases++;
	}
	SAME("path_offset(no alias)", kfdt_path_offset(fdt, "keel-none"),
	     fdt_path_offset(fdt, "keel-none"));
	return true;
}

static bool cmp_special_paths(const void *fdt)
{
	static const char *const paths[] = {
		"/",	       "",	     "//",	"///",
		"/keel-none",  "/cpus",	     "/cpus/",	"/cpus//cpu@0",
		"/cpus/cpu",   "/cpus/cpu@", "/memory", "/chosen",
		"/aliases",    "/@",	     "@",	"/cpus/cpu@0/",
		"/soc/",       "/psci",	     "serial0", "serial0/x",
		"keel-none/x",
	};
	bool sane = aliases_sane(fdt);

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (paths[i][0] == '/' || sane)
			SAME(paths[i], kfdt_path_offset(fdt, paths[i]),
			     fdt_path_offset(fdt, paths[i]));
	}
	return true;
}

static bool cmp_all(const void *fdt, size_t size, unsigned int flags)
{
	if (!cmp_header(fdt, size) || !cmp_tree(fdt, size, flags))
		return false;
	if (!(flags & CMP_GLOBAL))
		return true;
	return cmp_rsv(fdt) && cmp_compatible_search(fdt, 8) &&
	       cmp_aliases(fdt) && cmp_special_paths(fdt);
}

/* ---- tests: real blobs ---- */

UNIT_TEST(fdt_dtbs_available)
{
	load_blobs();
	printf("  %d dtbs (%d from the kernel package, %d QEMU dumps)\n",
	       nblobs, nblobs - nqemu, nqemu);
	CHECK(nblobs - nqemu >= 500);
	CHECK(find_blob("qemu-virt-gicv2.dtb") != NULL);
	CHECK(find_blob("qemu-virt-gicv3.dtb") != NULL);
}

/* What one of the two processes comparing the blobs found. */
struct half {
	int compared, failed;
	struct stats st;
};

/* Compare every other blob, starting with blob first. */
static void read_half(int first, struct half *h)
{
	memset(&st, 0, sizeof(st));
	h->compared = 0;
	for (int i = first; i < nblobs; i += 2) {
		ctx = blobs[i].name;
		CHECK_EQ(fdt_check_header(blobs[i].data), 0);
		if (cmp_all(blobs[i].data, blobs[i].size,
			    CMP_FULL | CMP_GLOBAL))
			h->compared++;
	}
	ctx = "";
	h->st = st;
	h->failed = unit_current_failed;
}

/*
 * The walks from the root make this the slow part, so a child process
 * takes half of the blobs (the machine has two cores).
 */
UNIT_TEST(fdt_read_all_dtbs)
{
	double t0 = now();
	struct half mine, theirs = { 0 };
	int fds[2] = { -1, -1 };
	pid_t pid = -1;

	load_blobs();
	nreports = 0;
	fflush(stdout);
	if (pipe(fds) == 0) {
		pid = fork();
		if (pid == 0) {
			close(fds[0]);
			read_half(1, &theirs);
			if (write(fds[1], &theirs, sizeof(theirs)) !=
			    (ssize_t)sizeof(theirs))
				_exit(2);
			fflush(stdout);
			_exit(0);
		}
		close(fds[1]);
		if (pid < 0)
			close(fds[0]);
	}
	read_half(0, &mine);
	if (pid > 0) {
		int status = 0;

		CHECK_EQ(read(fds[0], &theirs, sizeof(theirs)),
			 (ssize_t)sizeof(theirs));
		CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0);
		close(fds[0]);
	} else {
		/* No child: do its half here. */
		read_half(1, &theirs);
	}
	if (theirs.failed)
		unit_current_failed = 1;
	printf("  compared %d of %d dtbs: %ld nodes, %ld properties, "
	       "%ld phandles, %ld compatible strings, %ld aliases, "
	       "%ld reservation look-ups (%.1f s)\n",
	       mine.compared + theirs.compared, nblobs,
	       mine.st.nodes + theirs.st.nodes, mine.st.props + theirs.st.props,
	       mine.st.phandles + theirs.st.phandles,
	       mine.st.compat + theirs.st.compat,
	       mine.st.aliases + theirs.st.aliases, mine.st.rsv + theirs.st.rsv,
	       now() - t0);
	CHECK(nblobs > 0);
	CHECK_EQ(mine.compared + theirs.compared, nblobs);
}

/* ---- sequential write ---- */

/* Two buffers written with the same calls, one by each library. */
struct pair {
	char *k, *l;
	int size;
};

static bool pair_alloc(struct pair *p, int size, int fill)
{
	p->size = size;
	p->k = malloc(size ? size : 1);
	p->l = malloc(size ? size : 1);
	if (!p->k || !p->l)
		return false;
	memset(p->k, fill, size);
	memset(p->l, fill, size);
	return true;
}

static void pair_free(struct pair *p)
{
	free(p->k);
	free(p->l);
}

/* The first byte where the two buffers differ, or -1. */
static long long pair_diff(const struct pair *p)
{
	for (int i = 0; i < p->size; i++) {
		if (p->k[i] != p->l[i])
			return i;
	}
	return -1;
}

/*
 * How much of a pair to compare after each call: the data both blobs
 * hold, and a margin (the whole buffers are compared at the end).
 */
static int pair_span(const struct pair *p)
{
	uint64_t k, l, n;

	if (p->size <= 65536)
		return p->size;
	k = get32(p->k, 12) + (uint64_t)get32(p->k, 32);
	l = get32(p->l, 12) + (uint64_t)get32(p->l, 32);
	n = (k > l ? k : l) + 4096;

	return n < (uint64_t)p->size ? (int)n : p->size;
}

/* Both calls return the same and leave the buffers byte-identical. */
#define BOTH(p, what, kcall, lcall)                                \
	do {                                                       \
		int rk_ = (kcall), rl_ = (lcall);                  \
		SAME(what, rk_, rl_);                              \
		if (memcmp((p)->k, (p)->l, pair_span(p)) != 0) {   \
			report(__LINE__, what ": bytes differ at", \
			       pair_diff(p), -1);                  \
			return false;                              \
		}                                                  \
	} while (0)

/* Only the return values, for long sequences (bytes compared at the end). */
#define BOTH_RC(what, kcall, lcall) SAME(what, (kcall), (lcall))

/* Write the subtree at node of src into both buffers, node by node. */
static bool sw_node(const void *src, int node, struct pair *p)
{
	const char *name = fdt_get_name(src, node, NULL);
	int child, prop;

	BOTH_RC("begin_node", kfdt_begin_node(p->k, name),
		fdt_begin_node(p->l, name));
	fdt_for_each_property_offset(prop, src, node)
	{
		const char *pname;
		int len;
		const void *val =
			fdt_getprop_by_offset(src, prop, &pname, &len);

		BOTH_RC("property", kfdt_property(p->k, pname, val, len),
			fdt_property(p->l, pname, val, len));
	}
	fdt_for_each_subnode(child, src, node)
	{
		if (!sw_node(src, child, p))
			return false;
	}
	BOTH_RC("end_node", kfdt_end_node(p->k), fdt_end_node(p->l));
	return true;
}

/* Rebuild src with the sequential-write calls of both libraries. */
static bool sw_rebuild(const void *src)
{
	struct pair p;
	int n = fdt_num_mem_rsv(src);
	bool ok = false;
	int size =
		(int)(fdt_off_dt_strings(src) + fdt_size_dt_strings(src)) * 2 +
		1024;

	if (!pair_alloc(&p, size, 0x5a))
		goto out;
	if (kfdt_create(p.k, size) != 0 || fdt_create(p.l, size) != 0) {
		report(__LINE__, "create", 0, 0);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		uint64_t a, s;

		fdt_get_mem_rsv(src, i, &a, &s);
		if (kfdt_add_reservemap_entry(p.k, a, s) !=
		    fdt_add_reservemap_entry(p.l, a, s))
			goto out;
	}
	if (kfdt_finish_reservemap(p.k) != 0 ||
	    fdt_finish_reservemap(p.l) != 0 || !sw_node(src, 0, &p))
		goto out;
	if (kfdt_finish(p.k) != 0 || fdt_finish(p.l) != 0) {
		report(__LINE__, "finish", 0, 0);
		goto out;
	}
	if (memcmp(p.k, p.l, size) != 0) {
		report(__LINE__, "rebuilt blobs differ at", pair_diff(&p), -1);
		goto out;
	}
	ok = kfdt_check_header(p.k) == 0;
	if (!ok)
		report(__LINE__, "rebuilt blob check_header", 0, 0);
out:
	pair_free(&p);
	return ok;
}

/*
 * libfdt's string de-duplication makes rebuilding slow under ASan (a
 * memcmp() per byte of the string table per property), so every third
 * kernel blob and both QEMU dumps are rebuilt.
 */
UNIT_TEST(fdt_sw_rebuild_dtbs)
{
	double t0 = now();
	int same = 0, tried = 0;

	load_blobs();
	nreports = 0;
	for (int i = 0; i < nblobs; i++) {
		if (i % 3 && strncmp(blobs[i].name, "qemu-", 5) != 0)
			continue;
		ctx = blobs[i].name;
		tried++;
		if (sw_rebuild(blobs[i].data))
			same++;
	}
	ctx = "";
	printf("  %d of %d dtbs rebuilt byte-identical (%.1f s)\n", same, tried,
	       now() - t0);
	CHECK(tried > nblobs / 3);
	CHECK_EQ(same, tried);
}

/*
 * A fixed sequence of sequential-write calls, some meant to fail, applied
 * to buffers of size bufsize; after every call the return values and the
 * whole buffers must match.
 */
static bool sw_sequence(int bufsize)
{
	static const char longname[] = "a-node-name-that-is-quite-long-0123"
				       "456789abcdefghijklmnopqrstuvwxyz@ff";
	static const u8 cells[] = { 0, 0, 0, 1, 0, 0, 0, 2 };
	struct pair p;
	int before = nreports;
	bool ok = false;

	if (!pair_alloc(&p, bufsize, 0xa5))
		return false;
	ok = true;
	do {
		BOTH(&p, "create", kfdt_create(p.k, bufsize),
		     fdt_create(p.l, bufsize));
		if (bufsize < 48)
			break;
		/* Nodes before the reservation map is finished. */
		BOTH(&p, "begin_node early", kfdt_begin_node(p.k, ""),
		     fdt_begin_node(p.l, ""));
		BOTH(&p, "property early", kfdt_property(p.k, "x", "", 0),
		     fdt_property(p.l, "x", "", 0));
		BOTH(&p, "finish early", kfdt_finish(p.k), fdt_finish(p.l));
		BOTH(&p, "rsv 1",
		     kfdt_add_reservemap_entry(p.k, 0x80000000, 0x1000),
		     fdt_add_reservemap_entry(p.l, 0x80000000, 0x1000));
		BOTH(&p, "rsv 2",
		     kfdt_add_reservemap_entry(p.k, ~0ULL - 0xfff, 0x1000),
		     fdt_add_reservemap_entry(p.l, ~0ULL - 0xfff, 0x1000));
		BOTH(&p, "finish_reservemap", kfdt_finish_reservemap(p.k),
		     fdt_finish_reservemap(p.l));
		BOTH(&p, "rsv late", kfdt_add_reservemap_entry(p.k, 1, 1),
		     fdt_add_reservemap_entry(p.l, 1, 1));
		BOTH(&p, "finish_reservemap again", kfdt_finish_reservemap(p.k),
		     fdt_finish_reservemap(p.l));
		BOTH(&p, "root", kfdt_begin_node(p.k, ""),
		     fdt_begin_node(p.l, ""));
		BOTH(&p, "compatible",
		     kfdt_property(p.k, "compatible", "keel,test\0keel,x", 17),
		     fdt_property(p.l, "compatible", "keel,test\0keel,x", 17));
		BOTH(&p, "#address-cells",
		     kfdt_property(p.k, "#address-cells", cells + 4, 4),
		     fdt_property(p.l, "#address-cells", cells + 4, 4));
		/* A suffix of a name already there shares its bytes. */
		BOTH(&p, "cells", kfdt_property(p.k, "cells", cells, 4),
		     fdt_property(p.l, "cells", cells, 4));
		BOTH(&p, "empty", kfdt_property(p.k, "empty", NULL, 0),
		     fdt_property(p.l, "empty", NULL, 0));
		BOTH(&p, "odd length", kfdt_property(p.k, "odd", "abcde", 5),
		     fdt_property(p.l, "odd", "abcde", 5));
		BOTH(&p, "long name", kfdt_begin_node(p.k, longname),
		     fdt_begin_node(p.l, longname));
		BOTH(&p, "reg", kfdt_property(p.k, "reg", cells, 8),
		     fdt_property(p.l, "reg", cells, 8));
		BOTH(&p, "long property name",
		     kfdt_property(p.k, longname, cells, 3),
		     fdt_property(p.l, longname, cells, 3));
		BOTH(&p, "phandle", kfdt_property(p.k, "phandle", cells, 4),
		     fdt_property(p.l, "phandle", cells, 4));
		BOTH(&p, "end long", kfdt_end_node(p.k), fdt_end_node(p.l));
		BOTH(&p, "empty name", kfdt_begin_node(p.k, ""),
		     fdt_begin_node(p.l, ""));
		BOTH(&p, "end empty", kfdt_end_node(p.k), fdt_end_node(p.l));
		BOTH(&p, "cpus", kfdt_begin_node(p.k, "cpus"),
		     fdt_begin_node(p.l, "cpus"));
		for (int i = 0; i < 3; i++) {
			char name[16];

			snprintf(name, sizeof(name), "cpu@%d", i);
			BOTH(&p, "cpu", kfdt_begin_node(p.k, name),
			     fdt_begin_node(p.l, name));
			BOTH(&p, "device_type",
			     kfdt_property(p.k, "device_type", "cpu", 4),
			     fdt_property(p.l, "device_type", "cpu", 4));
			BOTH(&p, "end cpu", kfdt_end_node(p.k),
			     fdt_end_node(p.l));
		}
		BOTH(&p, "end cpus", kfdt_end_node(p.k), fdt_end_node(p.l));
		BOTH(&p, "end root", kfdt_end_node(p.k), fdt_end_node(p.l));
		BOTH(&p, "finish", kfdt_finish(p.k), fdt_finish(p.l));
		/* A finished tree takes no more. */
		BOTH(&p, "after finish", kfdt_begin_node(p.k, "x"),
		     fdt_begin_node(p.l, "x"));
		BOTH(&p, "finish again", kfdt_finish(p.k), fdt_finish(p.l));
		if (fdt_check_header(p.l) == 0 &&
		    !cmp_all(p.k, bufsize,
			     CMP_FULL | CMP_GLOBAL | CMP_SAMPLE_ALL))
			ok = false;
	} while (0);
	if (nreports != before)
		ok = false;
	pair_free(&p);
	return ok;
}

UNIT_TEST(fdt_sw_nospace_sweep)
{
	int sizes = 0, fitted = 0;

	nreports = 0;
	ctx = "sw sequence";
	/* Every buffer size from too small to roomy. */
	for (int size = 0; size <= 1024 && !nreports; size++) {
		if (!sw_sequence(size))
			break;
		sizes++;
	}
	/* libfdt's size for the finished tree: from there on all fit. */
	for (int size = 40; size <= 1024; size++) {
		char *b = calloc(1, size);

		if (fdt_create(b, size) == 0 && fdt_finish_reservemap(b) == 0 &&
		    fdt_begin_node(b, "") == 0 && fdt_end_node(b) == 0 &&
		    fdt_finish(b) == 0)
			fitted++;
		free(b);
	}
	ctx = "";
	printf("  %d buffer sizes, each call compared byte for byte\n", sizes);
	CHECK_EQ(sizes, 1025);
	CHECK(fitted > 0);
}

UNIT_TEST(fdt_sw_states)
{
	char k[256] __attribute__((aligned(8)));
	char l[256] __attribute__((aligned(8)));

	nreports = 0;
	ctx = "sw states";
	memset(k, 0, sizeof(k));
	memset(l, 0, sizeof(l));
	/* Not a tree being built at all. */
	CHECK_EQ(kfdt_begin_node(k, "x"), fdt_begin_node(l, "x"));
	CHECK_EQ(kfdt_add_reservemap_entry(k, 1, 1),
		 fdt_add_reservemap_entry(l, 1, 1));
	CHECK_EQ(kfdt_finish(k), fdt_finish(l));
	CHECK_EQ(kfdt_end_node(k), -KFDT_ERR_BADMAGIC);
	CHECK_EQ(kfdt_create(k, 47), fdt_create(l, 47));
	CHECK_EQ(kfdt_create(k, -1), -KFDT_ERR_NOSPACE);
	CHECK_EQ(kfdt_create(k, 48), 0);
	CHECK_EQ(fdt_create(l, 48), 0);
	CHECK(memcmp(k, l, sizeof(k)) == 0);
	/* A negative length is refused (libfdt would copy ~4 GiB). */
	CHECK_EQ(kfdt_create(k, sizeof(k)), 0);
	CHECK_EQ(kfdt_finish_reservemap(k), 0);
	CHECK_EQ(kfdt_begin_node(k, ""), 0);
	CHECK_EQ(kfdt_property(k, "x", "", -1), -KFDT_ERR_BADVALUE);

	/* An unfinished tree can be read. */
	CHECK_EQ(kfdt_create(k, sizeof(k)), 0);
	CHECK_EQ(fdt_create(l, sizeof(l)), 0);
	CHECK_EQ(kfdt_finish_reservemap(k), fdt_finish_reservemap(l));
	ctx = "unfinished, empty";
	CHECK(cmp_all(k, sizeof(k), CMP_FULL | CMP_SAMPLE_ALL));
	CHECK(cmp_all(l, sizeof(l), CMP_FULL | CMP_SAMPLE_ALL));
	CHECK_EQ(kfdt_begin_node(k, ""), fdt_begin_node(l, ""));
	CHECK_EQ(kfdt_property(k, "model", "keel", 5),
		 fdt_property(l, "model", "keel", 5));
	CHECK_EQ(kfdt_begin_node(k, "a@1"), fdt_begin_node(l, "a@1"));
	CHECK_EQ(kfdt_property(k, "phandle", "\0\0\0\7", 4),
		 fdt_property(l, "phandle", "\0\0\0\7", 4));
	CHECK(memcmp(k, l, sizeof(k)) == 0);
	ctx = "unfinished";
	CHECK(cmp_all(k, sizeof(k), CMP_FULL | CMP_GLOBAL | CMP_SAMPLE_ALL));
	CHECK(kfdt_getprop(k, 0, "model", NULL) != NULL);
	CHECK_EQ(kfdt_path_offset(k, "/a"), fdt_path_offset(l, "/a"));
	CHECK_EQ(kfdt_node_offset_by_phandle(k, 7),
		 fdt_node_offset_by_phandle(l, 7));
	ctx = "";
	CHECK_EQ(nreports, 0);
}

/* ---- editing in place ---- */

/* The offset of path in both (they must agree). */
#define BOTH_PATH(var, p, path)                                           \
	do {                                                              \
		var = fdt_path_offset((p)->l, path);                      \
		SAME("path_offset", kfdt_path_offset((p)->k, path), var); \
	} while (0)

/* A node deep in the tree with children, and the last node. */
static void pick_nodes(const void *fdt, char *parent, char *last, size_t n)
{
	int best = -1, bestdepth = -1, lastnode = 0, depth = 0;

	for (int off = 0; off >= 0 && depth >= 0;
	     off = fdt_next_node(fdt, off, &depth)) {
		if (depth > 0)
			lastnode = off;
		if (depth > bestdepth && fdt_first_subnode(fdt, off) >= 0) {
			best = off;
			bestdepth = depth;
		}
	}
	if (best < 0 || fdt_get_path(fdt, best, parent, n) != 0)
		strcpy(parent, "/");
	if (fdt_get_path(fdt, lastnode, last, n) != 0)
		strcpy(last, "/");
}

/* A series of edits made by both libraries on copies of src. */
static bool rw_series(const void *src, size_t srcsize)
{
	static const char grown[] = "a value longer than the one it replaces,"
				    " 57 bytes long....";
	char parentpath[1024], lastpath[1024];
	struct pair p, q;
	int size = (int)srcsize + 8192;
	int node, parent, added, child, len, packed;
	const char *name;
	int before = nreports;
	bool ok = false;

	pick_nodes(src, parentpath, lastpath, sizeof(parentpath));
	if (!pair_alloc(&p, size, 0x3c))
		return false;
	q.k = q.l = NULL;
	do {
		BOTH(&p, "open_into", kfdt_open_into(src, p.k, size),
		     fdt_open_into(src, p.l, size));
		BOTH_PATH(parent, &p, parentpath);
		if (parent < 0)
			break;
		node = fdt_first_subnode(p.l, parent);
		/* Grow, shrink and keep the length of a property. */
		fdt_getprop_by_offset(p.l, fdt_first_property_offset(p.l, node),
				      &name, &len);
		if (name) {
			char pname[256];

			snprintf(pname, sizeof(pname), "%s", name);
			BOTH(&p, "setprop grow",
			     kfdt_setprop(p.k, node, pname, grown,
					  sizeof(grown)),
			     fdt_setprop(p.l, node, pname, grown,
					 sizeof(grown)));
			BOTH(&p, "setprop shrink",
			     kfdt_setprop(p.k, node, pname, "ab", 3),
			     fdt_setprop(p.l, node, pname, "ab", 3));
			BOTH(&p, "setprop same size",
			     kfdt_setprop(p.k, node, pname, "cd", 3),
			     fdt_setprop(p.l, node, pname, "cd", 3));
			BOTH(&p, "setprop empty",
			     kfdt_setprop(p.k, node, pname, NULL, 0),
			     fdt_setprop(p.l, node, pname, NULL, 0));
		}
		/* New properties: a new name, a name already in the table. */
		BOTH(&p, "setprop new name",
		     kfdt_setprop(p.k, node, "keel,new-property", "xyz", 4),
		     fdt_setprop(p.l, node, "keel,new-property", "xyz", 4));
		BOTH(&p, "setprop status",
		     kfdt_setprop(p.k, node, "status", "okay", 5),
		     fdt_setprop(p.l, node, "status", "okay", 5));
		BOTH(&p, "setprop_u32",
		     kfdt_setprop_u32(p.k, 0, "keel,u32", 42),
		     fdt_setprop_u32(p.l, 0, "keel,u32", 42));
		BOTH(&p, "setprop_u32 again",
		     kfdt_setprop_u32(p.k, 0, "keel,u32", 0xdeadbeef),
		     fdt_setprop_u32(p.l, 0, "keel,u32", 0xdeadbeef));
		/* Subnodes. */
		BOTH(&p, "add_subnode",
		     added = kfdt_add_subnode(p.k, 0, "keel@1"),
		     fdt_add_subnode(p.l, 0, "keel@1"));
		BOTH(&p, "add_subnode exists",
		     kfdt_add_subnode(p.k, 0, "keel@1"),
		     fdt_add_subnode(p.l, 0, "keel@1"));
		SAME("subnode_offset no unit",
		     kfdt_subnode_offset(p.k, 0, "keel"), added);
		BOTH(&p, "add_subnode child",
		     child = kfdt_add_subnode(p.k, added, "child"),
		     fdt_add_subnode(p.l, added, "child"));
		BOTH(&p, "setprop in new node",
		     kfdt_setprop(p.k, child, "reg", "\0\0\0\1", 4),
		     fdt_setprop(p.l, child, "reg", "\0\0\0\1", 4));
		BOTH(&p, "add_subnode deep",
		     kfdt_add_subnode(p.k, child, "grandchild"),
		     fdt_add_subnode(p.l, child, "grandchild"));
		BOTH_PATH(parent, &p, parentpath);
		BOTH(&p, "add_subnode under parent",
		     kfdt_add_subnode(p.k, parent, "keel-added"),
		     fdt_add_subnode(p.l, parent, "keel-added"));
		/* Deleting properties and nodes. */
		BOTH_PATH(parent, &p, parentpath);
		node = fdt_first_subnode(p.l, parent);
		BOTH(&p, "delprop",
		     kfdt_delprop(p.k, node, "keel,new-property"),
		     fdt_delprop(p.l, node, "keel,new-property"));
		BOTH(&p, "delprop missing",
		     kfdt_delprop(p.k, node, "keel,new-property"),
		     fdt_delprop(p.l, node, "keel,new-property"));
		BOTH_PATH(node, &p, lastpath);
		if (node > 0)
			BOTH(&p, "del_node last", kfdt_del_node(p.k, node),
			     fdt_del_node(p.l, node));
		BOTH_PATH(node, &p, "/keel@1");
		BOTH(&p, "del_node with children", kfdt_del_node(p.k, node),
		     fdt_del_node(p.l, node));
		BOTH_PATH(parent, &p, parentpath);
		if (parent > 0)
			BOTH(&p, "del_node subtree", kfdt_del_node(p.k, parent),
			     fdt_del_node(p.l, parent));
		/* Pack, then there is no room left to grow. */
		BOTH(&p, "pack", kfdt_pack(p.k), fdt_pack(p.l));
		packed = (int)fdt_totalsize(p.l);
		BOTH(&p, "setprop no space",
		     kfdt_setprop(p.k, 0, "keel,no-room", "x", 2),
		     fdt_setprop(p.l, 0, "keel,no-room", "x", 2));
		BOTH(&p, "add_subnode no space",
		     kfdt_add_subnode(p.k, 0, "nope"),
		     fdt_add_subnode(p.l, 0, "nope"));
		BOTH(&p, "delprop after pack", kfdt_delprop(p.k, 0, "keel,u32"),
		     fdt_delprop(p.l, 0, "keel,u32"));
		/* Reopen the packed tree into a buffer just big enough. */
		if (!pair_alloc(&q, packed + 64, 0x77))
			break;
		BOTH(&q, "open_into packed", kfdt_open_into(p.k, q.k, q.size),
		     fdt_open_into(p.l, q.l, q.size));
		BOTH(&q, "open_into too small", kfdt_open_into(p.k, q.k, 100),
		     fdt_open_into(p.l, q.l, 100));
		BOTH(&q, "setprop fits",
		     kfdt_setprop(q.k, 0, "k", "12345678", 8),
		     fdt_setprop(q.l, 0, "k", "12345678", 8));
		BOTH(&q, "setprop overflows",
		     kfdt_setprop(q.k, 0, "keel,too-big", grown, sizeof(grown)),
		     fdt_setprop(q.l, 0, "keel,too-big", grown, sizeof(grown)));
		/* And in place, as a hypervisor would. */
		BOTH(&q, "open_into in place", kfdt_open_into(q.k, q.k, q.size),
		     fdt_open_into(q.l, q.l, q.size));
		if (memcmp(p.k, p.l, p.size) != 0 ||
		    memcmp(q.k, q.l, q.size) != 0) {
			report(__LINE__, "buffers differ", pair_diff(&p),
			       pair_diff(&q));
			break;
		}
		/* The edited tree reads the same through both. */
		ok = cmp_all(q.k, q.size, 0);
	} while (0);
	if (nreports != before)
		ok = false;
	pair_free(&p);
	if (q.k)
		pair_free(&q);
	return ok;
}

UNIT_TEST(fdt_rw_all_dtbs)
{
	double t0 = now();
	int same = 0;

	load_blobs();
	nreports = 0;
	for (int i = 0; i < nblobs; i++) {
		ctx = blobs[i].name;
		if (rw_series(blobs[i].data, blobs[i].size))
			same++;
	}
	ctx = "";
	printf("  %d of %d dtbs edited byte-identical (%.1f s)\n", same, nblobs,
	       now() - t0);
	CHECK(nblobs > 0);
	CHECK_EQ(same, nblobs);
}

/* ---- malformed blobs ---- */

/* Header fields, for mutating copies. */
enum {
	H_MAGIC = 0,
	H_TOTALSIZE = 4,
	H_OFF_STRUCT = 8,
	H_OFF_STRINGS = 12,
	H_OFF_RSVMAP = 16,
	H_VERSION = 20,
	H_LAST_COMP = 24,
	H_SIZE_STRINGS = 32,
	H_SIZE_STRUCT = 36,
};

/* An exact-size copy of the first n bytes of src, at least a header. */
static void *copy_blob(const void *src, size_t n, size_t *size)
{
	size_t alloc = n < 64 ? 64 : n;
	char *p = calloc(1, alloc);

	memcpy(p, src, n);
	*size = alloc;
	return p;
}

/* Compare everything both libraries can be asked about this blob. */
static bool cmp_malformed(const void *fdt, size_t size)
{
	return cmp_all(fdt, size, CMP_FULL | CMP_GLOBAL | CMP_SAMPLE_ALL);
}

/*
 * Would libfdt 1.6.1 walk this blob safely? Not if any property token it
 * could meet carries a length near 4 GiB (its offsets wrap).
 */
static bool libfdt_can_walk(const void *fdt, size_t size)
{
	uint64_t st = fdt_off_dt_struct(fdt), total = fdt_totalsize(fdt);
	uint64_t end = total < size ? total : size;

	if (fdt_version(fdt) >= 17 && st + fdt_size_dt_struct(fdt) < end)
		end = st + fdt_size_dt_struct(fdt);
	for (uint64_t o = st; o + 8 <= end; o += 4) {
		if (get32(fdt, o) == FDT_PROP &&
		    get32(fdt, o + 4) >= 0x7f000000)
			return false;
	}
	return true;
}

/*
 * Can libfdt 1.6.1 be given this blob to edit? Its edits trust the
 * header once fdt_check_header() passes (and its property walk wraps on
 * lengths near 4 GiB), so blobs it would overrun are edited by kfdt only.
 */
static bool libfdt_can_edit(const void *fdt, size_t size)
{
	int n;

	if (fdt_check_header(fdt) != 0 || fdt_totalsize(fdt) > size)
		return false;
	n = fdt_num_mem_rsv(fdt);
	if (n < 0 ||
	    fdt_off_mem_rsvmap(fdt) + (n + 1) * 16ULL > fdt_off_dt_struct(fdt))
		return false;
	return libfdt_can_walk(fdt, size);
}

/* One edit of a malformed blob: kfdt must cope; libfdt must agree where it can. */
static bool rw_malformed_op(const void *fdt, size_t size, int op, bool both)
{
	char *k = malloc(size), *l = malloc(size);
	int rk = 0, rl = 0;
	bool ok = true;

	memcpy(k, fdt, size);
	memcpy(l, fdt, size);
	switch (op) {
	case 0:
		rk = kfdt_setprop(k, 0, "keel", "value", 6);
		if (both)
			rl = fdt_setprop(l, 0, "keel", "value", 6);
		break;
	case 1:
		rk = kfdt_setprop(k, 0, "compatible", "x", 2);
		if (both)
			rl = fdt_setprop(l, 0, "compatible", "x", 2);
		break;
	case 2:
		rk = kfdt_delprop(k, 0, "compatible");
		if (both)
			rl = fdt_delprop(l, 0, "compatible");
		break;
	case 3:
		rk = kfdt_add_subnode(k, 0, "keel");
		if (both)
			rl = fdt_add_subnode(l, 0, "keel");
		break;
	case 4:
		rk = kfdt_del_node(k, kfdt_first_subnode(k, 0));
		if (both)
			rl = fdt_del_node(l, fdt_first_subnode(l, 0));
		break;
	default:
		rk = kfdt_pack(k);
		if (both)
			rl = fdt_pack(l);
		break;
	}
	if (both && (rk != rl || memcmp(k, l, size) != 0)) {
		report(__LINE__, "edit of a malformed blob", rk, rl);
		ok = false;
	}
	free(k);
	free(l);
	return ok;
}

static bool cmp_rw_malformed(const void *fdt, size_t size)
{
	bool both = libfdt_can_edit(fdt, size);
	struct pair p;
	bool ok = true;

	/* kfdt trusts totalsize to be the buffer's size, as libfdt does. */
	if (kfdt_totalsize(fdt) > size)
		return true;
	if (!pair_alloc(&p, (int)size + 4096, 0x11))
		return false;
	{
		int rk = kfdt_open_into(fdt, p.k, p.size);
		int rl = both ? fdt_open_into(fdt, p.l, p.size) : rk;

		if (rk != rl || (both && memcmp(p.k, p.l, p.size) != 0)) {
			report(__LINE__, "open_into of a malformed blob", rk,
			       rl);
			ok = false;
		}
	}
	pair_free(&p);
	for (int op = 0; op < 6 && ok; op++)
		ok = rw_malformed_op(fdt, size, op, both);
	return ok;
}

UNIT_TEST(fdt_bad_headers)
{
	static const struct {
		unsigned int field;
		uint32_t value; /* or, with relative, added to the old one */
		bool relative;
	} cases[] = {
		{ H_MAGIC, 0, false },
		{ H_MAGIC, 0xedfe0dd0, false },
		{ H_MAGIC, ~0xd00dfeedU, false },
		{ H_VERSION, 0, false },
		{ H_VERSION, 1, false },
		{ H_VERSION, 2, false },
		{ H_VERSION, 3, false },
		{ H_VERSION, 15, false },
		{ H_VERSION, 16, false },
		{ H_VERSION, 18, false },
		{ H_VERSION, ~0U, false },
		{ H_LAST_COMP, 0, false },
		{ H_LAST_COMP, 17, false },
		{ H_LAST_COMP, 18, false },
		{ H_LAST_COMP, ~0U, false },
		{ H_TOTALSIZE, 0, false },
		{ H_TOTALSIZE, 1, false },
		{ H_TOTALSIZE, 15, false },
		{ H_TOTALSIZE, 16, false },
		{ H_TOTALSIZE, 35, false },
		{ H_TOTALSIZE, 39, false },
		{ H_TOTALSIZE, 40, false },
		{ H_TOTALSIZE, -1U, true },
		{ H_TOTALSIZE, -4U, true },
		{ H_TOTALSIZE, 4, true },
		{ H_TOTALSIZE, 4096, true },
		{ H_TOTALSIZE, 0x7ffffffe, false },
		{ H_TOTALSIZE, 0x7fffffff, false },
		{ H_TOTALSIZE, 0x80000000, false },
		{ H_TOTALSIZE, ~0U, false },
		{ H_OFF_RSVMAP, 0, false },
		{ H_OFF_RSVMAP, 8, false },
		{ H_OFF_RSVMAP, 36, false },
		{ H_OFF_RSVMAP, 16, true },
		{ H_OFF_RSVMAP, ~0U, false },
		{ H_OFF_STRUCT, 0, false },
		{ H_OFF_STRUCT, 39, false },
		{ H_OFF_STRUCT, 4, true },
		{ H_OFF_STRUCT, 1, true },
		{ H_OFF_STRUCT, -4U, true },
		{ H_OFF_STRUCT, 0x7ffffff0, false },
		{ H_OFF_STRUCT, ~0U, false },
		{ H_OFF_STRINGS, 0, false },
		{ H_OFF_STRINGS, 39, false },
		{ H_OFF_STRINGS, 1, true },
		{ H_OFF_STRINGS, -1U, true },
		{ H_OFF_STRINGS, 0x80000000, false },
		{ H_OFF_STRINGS, ~0U, false },
		{ H_SIZE_STRUCT, 0, false },
		{ H_SIZE_STRUCT, 4, false },
		{ H_SIZE_STRUCT, -4U, true },
		{ H_SIZE_STRUCT, -5U, true },
		{ H_SIZE_STRUCT, 4, true },
		{ H_SIZE_STRUCT, 0x80000000, false },
		{ H_SIZE_STRUCT, ~0U, false },
		{ H_SIZE_STRINGS, 0, false },
		{ H_SIZE_STRINGS, -1U, true },
		{ H_SIZE_STRINGS, 1, true },
		{ H_SIZE_STRINGS, 0x80000000, false },
		{ H_SIZE_STRINGS, ~0U, false },
	};
	const struct blob *b;
	int done = 0;

	load_blobs();
	b = small_blob();
	CHECK(b != NULL);
	if (!b)
		return;
	nreports = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t size;
		char *p = copy_blob(b->data, b->size, &size);
		uint32_t v = cases[i].value;
		char name[64];

		if (cases[i].relative)
			v += get32(p, cases[i].field);
		put32(p, cases[i].field, v);
		snprintf(name, sizeof(name), "header field %u = %#x",
			 cases[i].field, v);
		ctx = name;
		/*
		 * Both libraries read up to the total size the header
		 * claims; give them that much where it is modest. A huge
		 * claim is bounded by the block sizes of version 17.
		 */
		if (get32(p, H_TOTALSIZE) > size &&
		    get32(p, H_TOTALSIZE) <= size + 65536) {
			size_t bigger = get32(p, H_TOTALSIZE);
			char *q = calloc(1, bigger);

			memcpy(q, p, size);
			free(p);
			p = q;
			size = bigger;
		}
		if (get32(p, H_TOTALSIZE) <= size ||
		    get32(p, H_VERSION) >= 17) {
			if (cmp_malformed(p, size) && cmp_rw_malformed(p, size))
				done++;
		} else {
			done++;
		}
		free(p);
	}
	ctx = "";
	printf("  %d header mutations of %s compared\n", done, b->name);
	CHECK_EQ(done, (int)(sizeof(cases) / sizeof(cases[0])));
}

UNIT_TEST(fdt_truncated)
{
	const struct blob *b;
	int lengths = 0, agreed = 0;

	load_blobs();
	b = small_blob();
	CHECK(b != NULL);
	if (!b)
		return;
	nreports = 0;
	/* Every length from nothing to the whole blob. */
	for (size_t n = 0; n <= b->size; n++) {
		size_t size;
		char *p = copy_blob(b->data, n, &size);
		char name[64];

		put32(p, H_TOTALSIZE, n);
		snprintf(name, sizeof(name), "%s cut to %zu", b->name, n);
		ctx = name;
		lengths++;
		/* The quadratic checks on every 16th length only. */
		if (cmp_all(p, size,
			    n % 16 ? CMP_GLOBAL :
				     CMP_FULL | CMP_GLOBAL | CMP_SAMPLE_ALL) &&
		    (n % 16 || cmp_rw_malformed(p, size)))
			agreed++;
		free(p);
		if (nreports > 30)
			break;
	}
	ctx = "";
	printf("  %s cut to each of %d lengths\n", b->name, lengths);
	CHECK_EQ(agreed, lengths);
}

UNIT_TEST(fdt_misaligned)
{
	const struct blob *b;
	char *buf;

	load_blobs();
	b = small_blob();
	CHECK(b != NULL);
	if (!b)
		return;
	nreports = 0;
	ctx = "misaligned";
	buf = malloc(b->size + 8);
	for (int shift = 1; shift < 8; shift++) {
		memcpy(buf + shift, b->data, b->size);
		CHECK_EQ(kfdt_check_header(buf + shift), -KFDT_ERR_ALIGNMENT);
		CHECK(cmp_all(buf + shift, b->size, CMP_FULL | CMP_GLOBAL));
	}
	free(buf);
	ctx = "";
}

/* Offsets that are not nodes or properties, for every call that takes one. */
static bool cmp_bad_offset(const void *fdt, size_t size, int off)
{
	const char *nk, *nl;
	int lk = 0, ll = 0, dk = 0, dl = 0;
	int end = (int)fdt_size_dt_struct(fdt) - 4;
	char pk[256], pl[256];

	SAME("get_name", poff(fdt, kfdt_get_name(fdt, off, &lk)),
	     poff(fdt, fdt_get_name(fdt, off, &ll)));
	SAME("get_name len", lk, ll);
	SAME("first_property_offset", kfdt_first_property_offset(fdt, off),
	     fdt_first_property_offset(fdt, off));
	SAME("next_property_offset", kfdt_next_property_offset(fdt, off),
	     fdt_next_property_offset(fdt, off));
	nk = nl = NULL;
	SAME("getprop_by_offset",
	     poff(fdt, kfdt_getprop_by_offset(fdt, off, &nk, &lk)),
	     poff(fdt, fdt_getprop_by_offset(fdt, off, &nl, &ll)));
	SAME("getprop_by_offset len", lk, ll);
	SAME("getprop_by_offset name", poff(fdt, nk), poff(fdt, nl));
	SAME("getprop", poff(fdt, kfdt_getprop(fdt, off, "compatible", &lk)),
	     poff(fdt, fdt_getprop(fdt, off, "compatible", &ll)));
	SAME("getprop len", lk, ll);
	SAME("next_node", kfdt_next_node(fdt, off, &dk),
	     fdt_next_node(fdt, off, &dl));
	SAME("next_node depth", dk, dl);
	SAME("next_node no depth", kfdt_next_node(fdt, off, NULL),
	     fdt_next_node(fdt, off, NULL));
	SAME("first_subnode", kfdt_first_subnode(fdt, off),
	     fdt_first_subnode(fdt, off));
	SAME("next_subnode", kfdt_next_subnode(fdt, off),
	     fdt_next_subnode(fdt, off));
	SAME("subnode_offset", kfdt_subnode_offset(fdt, off, "cpus"),
	     fdt_subnode_offset(fdt, off, "cpus"));
	SAME("node_depth", kfdt_node_depth(fdt, off), fdt_node_depth(fdt, off));
	SAME("parent_offset", kfdt_parent_offset(fdt, off),
	     fdt_parent_offset(fdt, off));
	SAME("get_phandle", kfdt_get_phandle(fdt, off),
	     fdt_get_phandle(fdt, off));
	SAME("node_check_compatible", kfdt_node_check_compatible(fdt, off, "x"),
	     fdt_node_check_compatible(fdt, off, "x"));
	SAME("node_offset_by_compatible",
	     kfdt_node_offset_by_compatible(fdt, off, "x"),
	     fdt_node_offset_by_compatible(fdt, off, "x"));
	SAME("address_cells", kfdt_address_cells(fdt, off),
	     fdt_address_cells(fdt, off));
	SAME("size_cells", kfdt_size_cells(fdt, off), fdt_size_cells(fdt, off));
	/* Past the root node libfdt's get_path() reads before buf. */
	if (off < end)
		SAME("get_path", kfdt_get_path(fdt, off, pk, sizeof(pk)),
		     fdt_get_path(fdt, off, pl, sizeof(pl)));
	else
		MUST("get_path past the root",
		     kfdt_get_path(fdt, off, pk, sizeof(pk)) ==
			     -KFDT_ERR_BADOFFSET);
	/* And the edits. */
	for (int op = 0; op < 4; op++) {
		char *k = malloc(size + 256), *l = malloc(size + 256);
		int rk, rl;

		fdt_open_into(fdt, l, size + 256);
		memcpy(k, l, size + 256);
		switch (op) {
		case 0:
			rk = kfdt_setprop(k, off, "keel", "v", 2);
			rl = fdt_setprop(l, off, "keel", "v", 2);
			break;
		case 1:
			rk = kfdt_delprop(k, off, "compatible");
			rl = fdt_delprop(l, off, "compatible");
			break;
		case 2:
			rk = kfdt_add_subnode(k, off, "keel");
			rl = fdt_add_subnode(l, off, "keel");
			break;
		default:
			rk = kfdt_del_node(k, off);
			rl = fdt_del_node(l, off);
			break;
		}
		if (rk != rl || memcmp(k, l, size + 256) != 0) {
			report(__LINE__, "edit at a bad offset", rk, rl);
			free(k);
			free(l);
			return false;
		}
		free(k);
		free(l);
	}
	return true;
}

UNIT_TEST(fdt_bad_offsets)
{
	const struct blob *b;
	const void *fdt;
	int n = 0, agreed = 0, prop, end;
	uint64_t a, s;

	load_blobs();
	b = small_blob();
	CHECK(b != NULL);
	if (!b)
		return;
	fdt = b->data;
	nreports = 0;
	ctx = b->name;
	prop = fdt_first_property_offset(fdt, 0);
	end = (int)fdt_size_dt_struct(fdt);
	{
		const int offsets[] = {
			-1,
			-4,
			INT32_MIN,
			1,
			2,
			3,
			5,
			prop,
			prop + 4,
			prop + 8,
			end - 8,
			end - 4,
			end,
			end + 4,
			(int)b->size,
			0x7ffffff0,
			INT32_MAX - 3,
			INT32_MAX,
		};

		for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]);
		     i++, n++) {
			if (cmp_bad_offset(fdt, b->size, offsets[i]))
				agreed++;
		}
	}
	/* Every offset inside the structure block, aligned or not. */
	for (int off = 0; off < end; off++, n++) {
		if (cmp_bad_offset(fdt, b->size, off))
			agreed++;
	}
	CHECK_EQ(agreed, n);
	/* Reservation entries out of range; phandles that cannot be. */
	CHECK_EQ(kfdt_get_mem_rsv(fdt, -1, &a, &s), -KFDT_ERR_BADOFFSET);
	CHECK_EQ(kfdt_get_mem_rsv(fdt, INT32_MAX, &a, &s), -KFDT_ERR_BADOFFSET);
	CHECK_EQ(kfdt_get_mem_rsv(fdt, 1 << 28, &a, &s), -KFDT_ERR_BADOFFSET);
	CHECK_EQ(kfdt_node_offset_by_phandle(fdt, 0),
		 fdt_node_offset_by_phandle(fdt, 0));
	CHECK_EQ(kfdt_node_offset_by_phandle(fdt, ~0U),
		 fdt_node_offset_by_phandle(fdt, ~0U));
	CHECK_EQ(kfdt_node_offset_by_phandle(fdt, 0x7654321),
		 fdt_node_offset_by_phandle(fdt, 0x7654321));
	ctx = "";
	printf("  %d offsets into %s, every call\n", n, b->name);
}

/* Structure offset of the first property of the root node called name. */
static int root_prop(const void *fdt, const char *name)
{
	int len;
	const void *v = fdt_getprop(fdt, 0, name, &len);

	return v ? (int)((const char *)v - (const char *)fdt -
			 fdt_off_dt_struct(fdt) - 12) :
		   -1;
}

UNIT_TEST(fdt_bad_strings)
{
	const struct blob *b;
	int n = 0, agreed = 0;

	load_blobs();
	b = small_blob();
	CHECK(b != NULL);
	if (!b)
		return;
	nreports = 0;
	for (int c = 0; c < 10; c++) {
		size_t size;
		char *p = copy_blob(b->data, b->size, &size);
		int prop = root_prop(p, "compatible");
		uint32_t strsize = get32(p, H_SIZE_STRINGS);
		uint32_t strings = get32(p, H_OFF_STRINGS);
		char *nameoff = p + get32(p, H_OFF_STRUCT) + prop + 8;
		const char *what = "";

		switch (c) {
		case 0:
			what = "name offset at the end of the strings";
			put32(nameoff, 0, strsize);
			break;
		case 1:
			what = "name offset past the strings";
			put32(nameoff, 0, strsize + 100);
			break;
		case 2:
			what = "negative name offset";
			put32(nameoff, 0, 0x80000000);
			break;
		case 3:
			what = "name offset -1";
			put32(nameoff, 0, ~0U);
			break;
		case 4:
			what = "name is the last NUL";
			put32(nameoff, 0, strsize - 1);
			break;
		case 5:
			/* The last name loses its NUL to a shorter block. */
			what = "unterminated last name";
			put32(p, H_SIZE_STRINGS, strsize - 1);
			break;
		case 6:
			what = "unterminated at the blob's end";
			put32(p, H_SIZE_STRINGS, strsize - 1);
			put32(p, H_TOTALSIZE, strings + strsize - 1);
			break;
		case 7:
			/* Version 16 does not bound names by the block size. */
			what = "v16 name offset past the strings";
			put32(p, H_VERSION, 16);
			put32(nameoff, 0, strsize + 8);
			break;
		case 8:
			what = "v16 name offset past the blob";
			put32(p, H_VERSION, 16);
			put32(nameoff, 0, (uint32_t)size);
			break;
		default:
			/* A node name that never ends. */
			what = "unterminated node name";
			memset(p + get32(p, H_OFF_STRUCT) + 4, 'x',
			       size - get32(p, H_OFF_STRUCT) - 4);
			break;
		}
		ctx = what;
		n++;
		if (cmp_malformed(p, size) && cmp_rw_malformed(p, size))
			agreed++;
		free(p);
	}
	ctx = "";
	CHECK_EQ(agreed, n);
}

/*
 * Property lengths that overflow the offset arithmetic. libfdt 1.6.1
 * returns such a property with a negative length (0xfffffff8) or walks in
 * place for ever (0xfffffff4); kfdt must call the blob malformed.
 */
UNIT_TEST(fdt_bad_property_lengths)
{
	static const uint32_t lens[] = {
		0xfffffff4, 0xfffffff8, 0xfffffffc, 0xffffffff, 0xfffff000,
		0x80000000, 0x7fffffff, 0x7ffffff0, 0x10000000,
	};
	const struct blob *b;

	load_blobs();
	b = small_blob();
	CHECK(b != NULL);
	if (!b)
		return;
	nreports = 0;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t size;
		char *p = copy_blob(b->data, b->size, &size);
		int prop = fdt_first_property_offset(p, 0);
		const char *name;
		int len, d = 0;
		char *k;

		put32(p + get32(p, H_OFF_STRUCT) + prop, 4, lens[i]);
		ctx = "huge property length";
		CHECK(kfdt_getprop_by_offset(p, prop, &name, &len) == NULL);
		CHECK_EQ(len, -KFDT_ERR_BADOFFSET);
		CHECK_EQ(kfdt_first_property_offset(p, 0),
			 -KFDT_ERR_BADSTRUCTURE);
		CHECK(kfdt_getprop(p, 0, "compatible", &len) == NULL);
		CHECK_EQ(len, -KFDT_ERR_BADSTRUCTURE);
		CHECK_EQ(kfdt_next_node(p, 0, &d), -KFDT_ERR_BADSTRUCTURE);
		CHECK_EQ(kfdt_path_offset(p, "/cpus"), -KFDT_ERR_BADSTRUCTURE);
		CHECK_EQ(kfdt_node_offset_by_phandle(p, 1),
			 -KFDT_ERR_BADSTRUCTURE);
		/* Edits refuse too, and leave the blob as it was. */
		k = malloc(size + 256);
		CHECK_EQ(kfdt_open_into(p, k, size + 256), 0);
		CHECK_EQ(kfdt_setprop(k, 0, "compatible", "x", 2),
			 -KFDT_ERR_BADSTRUCTURE);
		CHECK_EQ(kfdt_add_subnode(k, 0, "x"), -KFDT_ERR_BADSTRUCTURE);
		CHECK_EQ(kfdt_del_node(k, 0), -KFDT_ERR_BADSTRUCTURE);
		free(k);
		/* Where libfdt's arithmetic does not wrap, it agrees. */
		if (lens[i] < 0xfffff000 && !cmp_malformed(p, size))
			CHECK(false);
		free(p);
	}
	ctx = "";
}

/* A copy of src with its blocks laid out in a different order. */
static void *relayout(const void *src, bool strings_first, int gap,
		      size_t *size)
{
	uint32_t rsv = (fdt_num_mem_rsv(src) + 1) * 16;
	uint32_t st = fdt_size_dt_struct(src), str = fdt_size_dt_strings(src);
	char *p;
	uint32_t at = 40;

	*size = 40 + rsv + st + str + 3 * gap;
	p = calloc(1, *size);
	memcpy(p, src, 40);
	put32(p, H_TOTALSIZE, *size);
	memcpy(p + at, (const char *)src + fdt_off_mem_rsvmap(src), rsv);
	put32(p, H_OFF_RSVMAP, at);
	at += rsv + gap;
	if (strings_first) {
		memcpy(p + at, (const char *)src + fdt_off_dt_strings(src),
		       str);
		put32(p, H_OFF_STRINGS, at);
		at += str + gap;
	}
	memcpy(p + at, (const char *)src + fdt_off_dt_struct(src), st);
	put32(p, H_OFF_STRUCT, at);
	at += st + gap;
	if (!strings_first) {
		memcpy(p + at, (const char *)src + fdt_off_dt_strings(src),
		       str);
		put32(p, H_OFF_STRINGS, at);
	}
	return p;
}

UNIT_TEST(fdt_layouts)
{
	const struct blob *b;

	load_blobs();
	b = small_blob();
	CHECK(b != NULL);
	if (!b)
		return;
	nreports = 0;
	for (int c = 0; c < 4; c++) {
		size_t size;
		char *p = relayout(b->data, c & 1, c & 2 ? 12 : 0, &size);
		struct pair q;

		ctx = c & 1 ? "strings before structure" :
			      "gaps between blocks";
		/* Read as they are. */
		CHECK_EQ(kfdt_check_header(p), 0);
		CHECK(cmp_all(p, size, CMP_FULL | CMP_GLOBAL));
		/* Edits refuse blocks out of order. */
		pair_alloc(&q, (int)size, 0);
		memcpy(q.k, p, size);
		memcpy(q.l, p, size);
		CHECK_EQ(kfdt_setprop(q.k, 0, "x", "", 0),
			 fdt_setprop(q.l, 0, "x", "", 0));
		CHECK_EQ(kfdt_pack(q.k), fdt_pack(q.l));
		CHECK(memcmp(q.k, q.l, q.size) == 0);
		pair_free(&q);
		/* open_into() puts them in order, or copies them as they are. */
		pair_alloc(&q, (int)size * 2, 0x42);
		CHECK_EQ(kfdt_open_into(p, q.k, q.size),
			 fdt_open_into(p, q.l, q.size));
		CHECK(memcmp(q.k, q.l, q.size) == 0);
		CHECK_EQ(kfdt_pack(q.k), fdt_pack(q.l));
		CHECK(memcmp(q.k, q.l, q.size) == 0);
		CHECK(cmp_all(q.k, q.size, CMP_GLOBAL));
		/* No room for the reordered copy. */
		CHECK_EQ(kfdt_open_into(p, q.k, 100),
			 fdt_open_into(p, q.l, 100));
		CHECK_EQ(kfdt_open_into(p, q.k, -1), fdt_open_into(p, q.l, -1));
		CHECK(memcmp(q.k, q.l, q.size) == 0);
		/* Reordered within one buffer, the old blob at its start. */
		memset(q.k, 0x42, q.size);
		memset(q.l, 0x42, q.size);
		memcpy(q.k, p, size);
		memcpy(q.l, p, size);
		CHECK_EQ(kfdt_open_into(q.k, q.k, q.size),
			 fdt_open_into(q.l, q.l, q.size));
		CHECK_EQ(kfdt_check_header(q.k), 0);
		CHECK_EQ(fdt_totalsize(q.k), q.size);
		/* (libfdt 1.6.1 loses boot_cpuid_phys here; kfdt keeps it.) */
		CHECK_EQ(kfdt_boot_cpuid_phys(q.k), fdt_boot_cpuid_phys(p));
		q.l[28] = q.k[28];
		q.l[29] = q.k[29];
		q.l[30] = q.k[30];
		q.l[31] = q.k[31];
		CHECK(memcmp(q.k, q.l, q.size) == 0);
		pair_free(&q);
		free(p);
	}
	ctx = "";
	CHECK_EQ(nreports, 0);
}

/* ---- random corruption ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (uint32_t)(rng_state % n) : 0;
}

/* Corrupt a few bytes or words of the blob, mostly in the structure block. */
static void mutate(char *p, size_t size)
{
	static const uint32_t words[] = {
		1, 2, 3, 4, 9, 0, 8, 16, 0x7fffffff, 0xffffffff, 0x10000,
	};
	uint32_t st = get32(p, H_OFF_STRUCT), sts = get32(p, H_SIZE_STRUCT);
	uint32_t str = get32(p, H_OFF_STRINGS), strs = get32(p, H_SIZE_STRINGS);
	int n = 1 + rnd(3);

	while (n--) {
		uint32_t where = rnd(100), off;

		if (where < 60 && sts >= 4) {
			/* A word of the structure block. */
			off = st + rnd(sts / 4) * 4;
			if (rnd(2))
				put32(p, off, words[rnd(11)]);
			else
				p[off + rnd(4)] = (char)rnd(256);
		} else if (where < 80 && strs) {
			/* A byte of the strings block. */
			off = str + rnd(strs);
			p[off] = rnd(2) ? 0 : (char)rnd(256);
		} else if (where < 95) {
			/* A header field, kept no larger than the buffer. */
			off = 4 * rnd(10);
			if (off == H_TOTALSIZE)
				put32(p, off, rnd(size + 1));
			else if (off != H_MAGIC)
				put32(p, off,
				      rnd(3) ? rnd(size + 64) : words[rnd(11)]);
		} else {
			/* Any byte but the magic and total size. */
			off = 8 + rnd(size - 8);
			p[off] = (char)rnd(256);
		}
	}
}

/* Is [p, p + len) inside the blob? */
static bool inside(const void *fdt, size_t size, const void *p, long long len)
{
	long long off = poff(fdt, p);

	return off >= 0 && len >= 0 && off + len <= (long long)size;
}

/* kfdt alone, on a blob libfdt cannot be trusted with: no crash, no overrun. */
static bool kfdt_survives(const void *fdt, size_t size)
{
	char path[512];
	int d = -1, len, off, prop;
	const char *name;

	kfdt_check_header(fdt);
	kfdt_num_mem_rsv(fdt);
	for (off = kfdt_next_node(fdt, -1, &d); off >= 0 && d >= 0;
	     off = kfdt_next_node(fdt, off, &d)) {
		const char *n = kfdt_get_name(fdt, off, &len);
		u32 ph;

		MUST("name inside", !n || inside(fdt, size, n, len + 1));
		for (prop = kfdt_first_property_offset(fdt, off); prop >= 0;
		     prop = kfdt_next_property_offset(fdt, prop)) {
			const void *v =
				kfdt_getprop_by_offset(fdt, prop, &name, &len);

			MUST("value inside", !v || inside(fdt, size, v, len));
			if (v && !kfdt_getprop(fdt, off, name, &len))
				MUST("getprop finds it", false);
		}
		if (kfdt_get_path(fdt, off, path, sizeof(path)) == 0)
			kfdt_path_offset(fdt, path);
		kfdt_parent_offset(fdt, off);
		kfdt_node_depth(fdt, off);
		kfdt_first_subnode(fdt, off);
		kfdt_next_subnode(fdt, off);
		kfdt_node_check_compatible(fdt, off, "x");
		kfdt_address_cells(fdt, off);
		kfdt_size_cells(fdt, off);
		ph = kfdt_get_phandle(fdt, off);
		if (ph)
			kfdt_node_offset_by_phandle(fdt, ph);
	}
	kfdt_node_offset_by_compatible(fdt, -1, "x");
	kfdt_path_offset(fdt, "/cpus/cpu@0");
	return cmp_rw_malformed(fdt, size);
}

/* Corrupt count copies of b; both libraries must agree on each. */
static void fuzz_blob(const struct blob *b, int count)
{
	size_t size;
	void *base = packed_copy(b, &size);
	int runs = 0, agreed = 0, kfdt_only = 0;
	double t0 = now();

	CHECK(base != NULL);
	if (!base)
		return;
	nreports = 0;
	for (int i = 0; i < count && nreports < 30; i++) {
		char *p = malloc(size);
		char name[128];

		memcpy(p, base, size);
		mutate(p, size);
		snprintf(name, sizeof(name), "%s fuzz case %d", b->name, i);
		ctx = name;
		runs++;
		/* libfdt 1.6.1 cannot be trusted with huge property lengths. */
		if (!libfdt_can_walk(p, size)) {
			kfdt_only++;
			if (kfdt_survives(p, size))
				agreed++;
		} else if (cmp_all(p, size,
				   CMP_FULL | CMP_GLOBAL | CMP_SAMPLE_ALL) &&
			   cmp_rw_malformed(p, size)) {
			agreed++;
		}
		free(p);
	}
	ctx = "";
	free(base);
	printf("  %d corrupted copies of %s (%d for kfdt alone, %.1f s)\n",
	       runs, b->name, kfdt_only, now() - t0);
	CHECK_EQ(agreed, runs);
}

/* The smallest blob with aliases, to corrupt those too. */
static const struct blob *alias_blob(void)
{
	const struct blob *best = NULL;

	for (int i = 0; i < nblobs; i++) {
		if (fdt_path_offset(blobs[i].data, "/aliases") < 0)
			continue;
		if (!best || blobs[i].size < best->size)
			best = &blobs[i];
	}
	return best;
}

UNIT_TEST(fdt_fuzz)
{
	const struct blob *b;

	load_blobs();
	b = small_blob();
	CHECK(b != NULL);
	if (b)
		fuzz_blob(b, 3000);
	b = alias_blob();
	CHECK(b != NULL);
	if (b)
		fuzz_blob(b, 1000);
}

/* ---- old versions ---- */

/* src converted by dtc to another blob version, or NULL. */
static void *dtc_convert(const struct blob *b, int version, size_t *size)
{
	char dir[] = "/tmp/keel-fdt-XXXXXX";
	char in[64], out[64], cmd[256];
	void *data = NULL;
	FILE *f;

	if (!mkdtemp(dir))
		return NULL;
	snprintf(in, sizeof(in), "%s/in.dtb", dir);
	snprintf(out, sizeof(out), "%s/out.dtb", dir);
	f = fopen(in, "wb");
	if (f) {
		fwrite(b->data, 1, b->size, f);
		fclose(f);
		snprintf(cmd, sizeof(cmd),
			 "dtc -q -I dtb -O dtb -V %d -o %s %s 2>/dev/null",
			 version, out, in);
		if (system(cmd) != 0 || !read_file(out, &data, size))
			data = NULL;
	}
	unlink(in);
	unlink(out);
	rmdir(dir);
	return data;
}

UNIT_TEST(fdt_old_versions)
{
	static const int versions[] = { 1, 2, 3, 16 };
	int converted = 0, agreed = 0;

	load_blobs();
	nreports = 0;
	for (int i = 0; i < nblobs; i += nblobs / 8 + 1) {
		for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]);
		     v++) {
			size_t size;
			void *p = dtc_convert(&blobs[i], versions[v], &size);
			char name[128];
			struct pair q;

			if (!p)
				continue;
			converted++;
			snprintf(name, sizeof(name), "%s as version %d",
				 blobs[i].name, versions[v]);
			ctx = name;
			CHECK_EQ(kfdt_version(p), versions[v]);
			pair_alloc(&q, (int)size * 2, 0x99);
			if (cmp_all(p, size, CMP_FULL | CMP_GLOBAL)) {
				/* Version 16 can be opened; older ones cannot. */
				int rk = kfdt_open_into(p, q.k, q.size);

				CHECK_EQ(rk, fdt_open_into(p, q.l, q.size));
				CHECK(memcmp(q.k, q.l, q.size) == 0);
				if (rk == 0 && cmp_all(q.k, q.size, CMP_GLOBAL))
					agreed++;
				else if (rk == -KFDT_ERR_BADVERSION)
					agreed++;
			}
			pair_free(&q);
			free(p);
		}
	}
	ctx = "";
	printf("  %d blobs converted by dtc to versions 1, 2, 3 and 16\n",
	       converted);
	CHECK(converted >= 8 * 4);
	CHECK_EQ(agreed, converted);
}

UNIT_TEST(fdt_error_names)
{
	for (int e = 2; e >= -25; e--) {
		/* libfdt 1.6.1 has no name for FDT_ERR_ALIGNMENT. */
		if (e == -KFDT_ERR_ALIGNMENT)
			CHECK(strcmp(kfdt_strerror(e), "FDT_ERR_ALIGNMENT") ==
			      0);
		else
			CHECK(strcmp(kfdt_strerror(e), fdt_strerror(e)) == 0);
	}
	CHECK(strcmp(kfdt_strerror(INT32_MIN), "<unknown error>") == 0);
}

/* ---- kfdt_check_full() against fdt_check_full() ---- */

/*
 * kfdt_check_full() refuses every blob libfdt's fdt_check_full() refuses
 * (with the same error), and more (see libs/fdt/fdt_check.c): where it is
 * the stricter, libfdt must accept, so that each extra rule is known.
 */
enum libfdt_says { L_SAME, L_ACCEPTS, L_OTHER };

/* A blob compiled by dtc from source, or NULL. */
static void *dtc_source(const char *dts, size_t *size)
{
	char dir[] = "/tmp/keel-fdt-XXXXXX";
	char in[64], out[64], cmd[256];
	void *data = NULL;
	FILE *f;

	if (!mkdtemp(dir))
		return NULL;
	snprintf(in, sizeof(in), "%s/in.dts", dir);
	snprintf(out, sizeof(out), "%s/out.dtb", dir);
	f = fopen(in, "w");
	if (f) {
		fputs(dts, f);
		fclose(f);
		snprintf(cmd, sizeof(cmd),
			 "dtc -q -I dts -O dtb -o %s %s 2>/dev/null", out, in);
		if (system(cmd) != 0 || !read_file(out, &data, size))
			data = NULL;
	}
	unlink(in);
	unlink(out);
	rmdir(dir);
	return data;
}

static const char check_dts[] = "/dts-v1/;\n"
				"/memreserve/ 0x80000000 0x10000;\n"
				"/ {\n"
				"	#address-cells = <1>;\n"
				"	model = \"keel-test\";\n"
				"	node@1 {\n"
				"		compatible = \"a,b\";\n"
				"		child { x = <1 2>; };\n"
				"	};\n"
				"};\n";

/* Absolute offset of the nth token tag in the structure block, or -1. */
static long find_tag(const void *fdt, uint32_t tag, int nth)
{
	int off = 0, next;

	for (;;) {
		uint32_t t = fdt_next_tag(fdt, off, &next);

		if (t == tag && nth-- == 0)
			return fdt_off_dt_struct(fdt) + off;
		if (t == FDT_END || next < 0)
			return -1;
		off = next;
	}
}

/* The last token (FDT_END in a dtc blob). */
static long last_tag(const void *fdt)
{
	return fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt) - 4;
}

/* A hand-made version 17 blob: the words of a structure block, strings. */
static void *hand_blob(const uint32_t *words, int n, const char *strs,
		       int strsize, size_t *size)
{
	uint32_t st = 56, str = st + 4 * n;
	char *p;

	*size = str + strsize;
	p = calloc(1, *size);
	put32(p, H_MAGIC, FDT_MAGIC);
	put32(p, H_TOTALSIZE, *size);
	put32(p, H_OFF_STRUCT, st);
	put32(p, H_OFF_STRINGS, str);
	put32(p, H_OFF_RSVMAP, 40);
	put32(p, H_VERSION, 17);
	put32(p, H_LAST_COMP, 16);
	put32(p, H_SIZE_STRINGS, strsize);
	put32(p, H_SIZE_STRUCT, 4 * n);
	for (int i = 0; i < n; i++)
		put32(p, st + 4 * i, words[i]);
	memcpy(p + str, strs, strsize);
	return p;
}

/* One damaged blob: the verdicts of both checks. */
static bool check_case(const char *name, const void *p, size_t bufsize,
		       int kerr, const char *reason, enum libfdt_says lsays)
{
	struct kfdt_fault fault = { "unset", -2 };
	int rk = kfdt_check_full(p, bufsize, &fault), rl;

	ctx = name;
	rl = libfdt_can_walk(p, bufsize) ? fdt_check_full(p, bufsize) : 1;
	SAME("kfdt_check_full", rk, kerr);
	MUST("a reason", fault.reason && strstr(fault.reason, reason));
	MUST("an offset inside the blob",
	     fault.offset >= -1 && fault.offset < (long)bufsize);
	if (rl == 1)
		; /* libfdt 1.6.1 would overrun: not asked */
	else if (lsays == L_SAME)
		SAME("fdt_check_full", rk, rl);
	else if (lsays == L_ACCEPTS)
		SAME("fdt_check_full accepts", rl, 0);
	else
		MUST("fdt_check_full refuses", rl < 0);
	return true;
}

UNIT_TEST(fdt_check_full_accepts_real_blobs)
{
	size_t size;
	void *p = dtc_source(check_dts, &size);
	int ok = 0;

	load_blobs();
	nreports = 0;
	CHECK(p != NULL);
	if (p) {
		CHECK_EQ(kfdt_check_full(p, size, NULL), 0);
		CHECK_EQ(fdt_check_full(p, size), 0);
	}
	free(p);
	for (int i = 0; i < nblobs; i++) {
		struct kfdt_fault f = { NULL, 0 };
		int rk = kfdt_check_full(blobs[i].data, blobs[i].size, &f);

		if (rk)
			printf("  %s: %d %s at %ld\n", blobs[i].name, rk,
			       f.reason, f.offset);
		CHECK_EQ(fdt_check_full(blobs[i].data, blobs[i].size), 0);
		ok += rk == 0;
		/* Room to spare after totalsize is fine. */
		CHECK_EQ(kfdt_check_full(blobs[i].data, blobs[i].size + 64,
					 NULL),
			 rk);
	}
	printf("  %d of %d blobs (%d from QEMU) pass the full check\n", ok,
	       nblobs, nqemu);
	CHECK_EQ(ok, nblobs);
	CHECK(nblobs > 0);
}

UNIT_TEST(fdt_check_full_damaged)
{
	size_t size, sz;
	char *base = dtc_source(check_dts, &size), *p;
	long prop, end, root_end, node1;
	uint32_t st, str, strs;

	nreports = 0;
	CHECK(base != NULL);
	if (!base)
		return;
	st = fdt_off_dt_struct(base);
	str = fdt_off_dt_strings(base);
	strs = fdt_size_dt_strings(base);
	prop = find_tag(base, FDT_PROP, 0);
	node1 = find_tag(base, FDT_BEGIN_NODE, 1);
	end = last_tag(base);
	root_end = end - 4;
	CHECK(prop > 0 && node1 > 0 && get32(base, end) == FDT_END &&
	      get32(base, root_end) == FDT_END_NODE);
	p = malloc(size + 64);

#define FRESH() memcpy(p, base, size)
	/* The reserve map: off the end of the blob; no terminator in it. */
	FRESH();
	put32(p, H_OFF_RSVMAP, (size - 8) & ~7U);
	CHECK(check_case("reserve map off the end", p, size, -FDT_ERR_TRUNCATED,
			 "not terminated", L_SAME));
	FRESH();
	memset(p + 40 + 16 + 8, 0x11, 8);
	CHECK(check_case("reserve map terminator overwritten", p, size,
			 -FDT_ERR_TRUNCATED, "not terminated", L_SAME));
	FRESH();
	put32(p, 40, 0xffffffff);
	put32(p, 44, 0xffffffff);
	CHECK(check_case("reservation wraps", p, size, -FDT_ERR_BADVALUE,
			 "wraps", L_ACCEPTS));
	/* FDT_END: replaced, missing, early. */
	FRESH();
	put32(p, end, FDT_NOP);
	CHECK(check_case("FDT_END replaced by NOP", p, size,
			 -FDT_ERR_BADSTRUCTURE, "FDT_END replaced", L_SAME));
	FRESH();
	put32(p, end, FDT_BEGIN_NODE);
	CHECK(check_case("FDT_END replaced by BEGIN_NODE", p, size,
			 -FDT_ERR_BADSTRUCTURE, "second root", L_SAME));
	FRESH();
	put32(p, end, 0x12345678);
	CHECK(check_case("FDT_END replaced by junk", p, size,
			 -FDT_ERR_BADSTRUCTURE, "after the root", L_SAME));
	FRESH();
	put32(p, H_SIZE_STRUCT, fdt_size_dt_struct(base) - 4);
	CHECK(check_case("FDT_END cut off", p, size, -FDT_ERR_TRUNCATED,
			 "without FDT_END", L_SAME));
	FRESH();
	put32(p, root_end, FDT_END);
	put32(p, end, FDT_NOP);
	CHECK(check_case("FDT_END inside the root", p, size,
			 -FDT_ERR_BADSTRUCTURE, "open node", L_SAME));
	/* Strings. */
	FRESH();
	put32(p, prop + 8, strs + 100);
	CHECK(check_case("string offset past the strings block", p, size,
			 -FDT_ERR_BADOFFSET, "name offset", L_SAME));
	FRESH();
	put32(p, prop + 8, 0x80000000);
	CHECK(check_case("negative string offset", p, size, -FDT_ERR_BADOFFSET,
			 "name offset", L_SAME));
	FRESH();
	p[str + strs - 1] = 'x';
	CHECK(check_case("last string unterminated", p, size,
			 -FDT_ERR_TRUNCATED, "not NUL-terminated", L_SAME));
	/* Names and lengths in the structure block. */
	FRESH();
	memset(p + node1 + 4, 'n', end + 4 - node1 - 4);
	CHECK(check_case("node name unterminated", p, size,
			 -FDT_ERR_BADSTRUCTURE, "node name not NUL", L_SAME));
	FRESH();
	put32(p, prop + 4, 0x1000);
	CHECK(check_case("property length past the block", p, size,
			 -FDT_ERR_BADSTRUCTURE, "value runs past", L_SAME));
	FRESH();
	put32(p, prop + 4, 0xfffffff0);
	CHECK(check_case("property length near 4 GiB", p, size,
			 -FDT_ERR_BADSTRUCTURE, "value runs past", L_OTHER));
	FRESH();
	put32(p, st + 8, 0x12345678);
	put32(p, st + 8, get32(base, st + 8) + 0x100);
	CHECK(check_case("unknown token", p, size, -FDT_ERR_BADSTRUCTURE,
			 "unknown token", L_SAME));
	/* Nesting. */
	FRESH();
	put32(p, st, FDT_END_NODE);
	CHECK(check_case("END_NODE before any node", p, size,
			 -FDT_ERR_BADSTRUCTURE, "without a node", L_SAME));
	FRESH();
	put32(p, root_end, FDT_NOP);
	CHECK(check_case("root never ended", p, size, -FDT_ERR_BADSTRUCTURE,
			 "open node", L_SAME));
	FRESH();
	put32(p, root_end - 4, FDT_NOP);
	CHECK(check_case("node1 never ended", p, size, -FDT_ERR_BADSTRUCTURE,
			 "open node", L_SAME));
	/* Layout and header. */
	FRESH();
	put32(p, H_OFF_RSVMAP, 44);
	CHECK(check_case("reserve map misaligned", p, size, -FDT_ERR_BADLAYOUT,
			 "8-byte aligned", L_OTHER));
	FRESH();
	CHECK(check_case("totalsize larger than the buffer", p, size - 1,
			 -FDT_ERR_TRUNCATED, "larger than the file", L_SAME));
	CHECK(check_case("buffer shorter than a header", p, 20,
			 -FDT_ERR_TRUNCATED, "shorter", L_SAME));
	put32(p, H_TOTALSIZE, 32);
	CHECK(check_case("totalsize smaller than the header", p, size,
			 -FDT_ERR_TRUNCATED, "smaller than the header",
			 L_SAME));
	FRESH();
	put32(p, H_SIZE_STRINGS, size);
	CHECK(check_case("strings block past totalsize", p, size,
			 -FDT_ERR_TRUNCATED, "strings block outside", L_SAME));
	FRESH();
	put32(p, H_OFF_STRUCT, 24);
	CHECK(check_case("structure block over the header", p, size,
			 -FDT_ERR_TRUNCATED, "structure block outside",
			 L_SAME));
	FRESH();
	put32(p, H_OFF_STRINGS, st);
	put32(p, H_SIZE_STRINGS, 16);
	CHECK(check_case("strings over the structure block", p, size,
			 -FDT_ERR_BADLAYOUT, "overlaps the structure",
			 L_OTHER));
	FRESH();
	put32(p, H_MAGIC, 0xfeedd00d);
	CHECK(check_case("bad magic", p, size, -FDT_ERR_BADMAGIC, "magic",
			 L_SAME));
	FRESH();
	put32(p, H_LAST_COMP, 18);
	CHECK(check_case("a future format", p, size, -FDT_ERR_BADVERSION,
			 "later than 17", L_SAME));
	/* An aligned blob at a misaligned address. */
	memcpy(p + 4, base, size);
	CHECK(check_case("misaligned in memory", p + 4, size,
			 -FDT_ERR_ALIGNMENT, "aligned", L_SAME));
	free(p);

	/* The structure block 4 bytes later: misaligned by 2, by 4 fine. */
	p = calloc(1, size + 8);
	memcpy(p, base, st);
	memcpy(p + st + 2, base + st, size - st);
	put32(p, H_OFF_STRUCT, st + 2);
	put32(p, H_OFF_STRINGS, str + 2);
	put32(p, H_TOTALSIZE, size + 2);
	CHECK(check_case("structure block misaligned", p, size + 2,
			 -FDT_ERR_BADLAYOUT, "4-byte aligned", L_ACCEPTS));
	free(p);
	free(base);

	/* Too deep: KFDT_MAX_DEPTH nodes nest, one more does not. */
	for (int extra = 0; extra < 2; extra++) {
		char dts[4096] = "/dts-v1/;\n/ {";
		int levels = KFDT_MAX_DEPTH - 1 + extra;

		for (int i = 0; i < levels; i++)
			strcat(dts, " n {");
		for (int i = 0; i < levels; i++)
			strcat(dts, " };");
		strcat(dts, " };\n");
		p = dtc_source(dts, &sz);
		CHECK(p != NULL);
		if (!p)
			continue;
		if (extra)
			CHECK(check_case("nested too deep", p, sz,
					 -FDT_ERR_BADSTRUCTURE, "too deep",
					 L_ACCEPTS));
		else
			CHECK_EQ(kfdt_check_full(p, sz, NULL), 0);
		free(p);
	}

	/* Version 3 (dtc -V 3): libfdt reads it, Keel does not. */
	p = dtc_source(check_dts, &sz);
	if (p) {
		struct blob b = { "check", p, sz };
		void *old = dtc_convert(&b, 3, &size);

		CHECK(old != NULL);
		if (old)
			CHECK(check_case("version 3", old, size,
					 -FDT_ERR_BADVERSION, "older than 16",
					 L_ACCEPTS));
		free(old);
	}
	free(p);
	ctx = "";
	CHECK_EQ(nreports, 0);
#undef FRESH
}

UNIT_TEST(fdt_check_full_hand_made)
{
	static const char strs[] = "p\0";
	static const uint32_t only_end[] = { FDT_END };
	static const uint32_t prop_outside[] = {
		FDT_PROP, 0, 0, FDT_BEGIN_NODE, 0, FDT_END_NODE, FDT_END
	};
	static const uint32_t named_root[] = { FDT_BEGIN_NODE, 0x61000000,
					       FDT_END_NODE, FDT_END };
	static const uint32_t two_roots[] = { FDT_BEGIN_NODE, 0, FDT_END_NODE,
					      FDT_BEGIN_NODE, 0, FDT_END_NODE,
					      FDT_END };
	static const uint32_t early_end[] = { FDT_BEGIN_NODE, 0, FDT_END_NODE,
					      FDT_END, FDT_NOP };
	static const uint32_t nops[] = { FDT_NOP, FDT_BEGIN_NODE, 0,
					 FDT_NOP, FDT_PROP,	  0,
					 0,	  FDT_NOP,	  FDT_END_NODE,
					 FDT_END };
	static const struct {
		const char *name;
		const uint32_t *words;
		int n, err;
		const char *reason;
		enum libfdt_says lsays;
	} cases[] = {
		{ "no root node", only_end, 1, -FDT_ERR_BADSTRUCTURE, "no root",
		  L_ACCEPTS },
		{ "property outside any node", prop_outside, 7,
		  -FDT_ERR_BADSTRUCTURE, "outside any node", L_ACCEPTS },
		{ "root with a name", named_root, 4, -FDT_ERR_BADSTRUCTURE,
		  "root node name", L_SAME },
		{ "two roots", two_roots, 7, -FDT_ERR_BADSTRUCTURE,
		  "second root", L_SAME },
		{ "FDT_END before the block's end", early_end, 5,
		  -FDT_ERR_BADSTRUCTURE, "before the end", L_ACCEPTS },
	};

	nreports = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t size;
		void *p = hand_blob(cases[i].words, cases[i].n, strs, 2, &size);

		CHECK(check_case(cases[i].name, p, size, cases[i].err,
				 cases[i].reason, cases[i].lsays));
		free(p);
	}
	/* NOPs anywhere inside the tree are fine. */
	{
		size_t size;
		void *p = hand_blob(nops, 10, strs, 2, &size);

		CHECK_EQ(kfdt_check_full(p, size, NULL), 0);
		CHECK_EQ(fdt_check_full(p, size), 0);
		free(p);
	}
	ctx = "";
	CHECK_EQ(nreports, 0);
}

/*
 * Random damage: whatever libfdt refuses kfdt refuses; whatever kfdt
 * accepts libfdt accepts, and reads safely in full.
 */
UNIT_TEST(fdt_check_full_fuzz)
{
	const struct blob *b;
	size_t size;
	void *base;
	int runs = 0, refused = 0, both = 0;

	load_blobs();
	b = small_blob();
	CHECK(b != NULL);
	if (!b)
		return;
	base = packed_copy(b, &size);
	CHECK(base != NULL);
	if (!base)
		return;
	nreports = 0;
	for (int i = 0; i < 20000 && nreports < 30; i++) {
		char *p = malloc(size);
		char name[128];
		struct kfdt_fault f = { NULL, -2 };
		int rk, rl;

		memcpy(p, base, size);
		mutate(p, size);
		snprintf(name, sizeof(name), "%s check fuzz case %d", b->name,
			 i);
		ctx = name;
		runs++;
		rk = kfdt_check_full(p, size, &f);
		if (rk) {
			refused++;
			if (!f.reason || f.offset < -1 ||
			    f.offset >= (long)size)
				report(__LINE__, "fault", rk, f.offset);
		}
		if (libfdt_can_walk(p, size)) {
			rl = fdt_check_full(p, size);
			if (rl && !rk)
				report(__LINE__, "libfdt refuses, kfdt accepts",
				       rk, rl);
			if (!rk && rl)
				report(__LINE__, "kfdt accepts, libfdt not", rk,
				       rl);
			if (rl && rk) {
				both++;
				/*
				 * Where both refuse, for the same reason,
				 * unless kfdt stopped first on a rule of
				 * its own (libfdt reads reservations on
				 * into the next block).
				 */
				if (rk != rl && rk != -FDT_ERR_BADLAYOUT &&
				    rk != -FDT_ERR_BADVALUE &&
				    !strstr(f.reason, "within its block")) {
					printf("  %s at %ld\n", f.reason,
					       f.offset);
					report(__LINE__, "different error", rk,
					       rl);
				}
			}
		}
		if (!rk && !kfdt_survives(p, size))
			report(__LINE__, "accepted blob unreadable", 0, 0);
		free(p);
	}
	ctx = "";
	free(base);
	printf("  %d damaged copies: %d refused (%d by libfdt too)\n", runs,
	       refused, both);
	CHECK(refused > runs / 3);
	CHECK_EQ(nreports, 0);
}

UNIT_MAIN()
