// SPDX-License-Identifier: GPL-2.0
/*
 * One-line guests: the options of `guest new` read and checked, then made
 * into a description with the device-tree setters, from the board's
 * template of its standard machine. What comes out is an ordinary
 * description: guest_create() builds the guest from it as from a blob's,
 * and printed as DTS it is a file `guest create` takes back.
 */
#include <keel/bundle.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/guest.h>
#include <keel/guest_new.h>
#include <keel/printf.h>
#include <keel/string.h>

/* ---- the options ---- */

/* Node-name characters (devicetree spec 2.2.1), less '@': no unit here. */
static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == ',' || c == '.' || c == '_' ||
	       c == '+' || c == '-';
}

static int check_name(const char *name, char *why, size_t len)
{
	size_t n = strlen(name);

	if (!n || name[0] == '-' || strchr(name, '=')) {
		snprintf(why, len,
			 "'%s' is no guest name: the name comes first, "
			 "then the options",
			 name);
		return -EINVAL;
	}
	if (n >= GUEST_NAME_LEN) {
		snprintf(why, len,
			 "guest name '%s' is longer than %d characters", name,
			 GUEST_NAME_LEN - 1);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!name_char(name[i])) {
			snprintf(why, len,
				 "guest name '%s': '%c' is not allowed "
				 "(letters, digits and , . _ + -)",
				 name, name[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/* The file of option opt=value (value ends with it) is in the bundle. */
static int check_file(const char *opt, const char *value, const char *file,
		      char *why, size_t len)
{
	struct bundle_file f;

	if (bundle_find(file, &f)) {
		snprintf(why, len, "%s=%s: no file '%s' in the boot bundle",
			 opt, value, file);
		return -ENOENT;
	}
	return 0;
}

/*
 * The decimal number at *p, which moves past it: -EINVAL without a digit,
 * -ERANGE past 64 bits.
 */
static int parse_decimal(const char **p, u64 *out)
{
	u64 v = 0;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	for (; **p >= '0' && **p <= '9'; (*p)++) {
		if (v > (~0ULL - (u64)(**p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (u64)(**p - '0');
	}
	*out = v;
	return 0;
}

/*
 * A size as QEMU's -m takes it: a number with K, M or G (powers of 1024),
 * megabytes when it has none. -EINVAL when it is not one, -ERANGE when
 * it does not fit in 64 bits.
 */
static int parse_size(const char *s, u64 *out)
{
	unsigned int shift = 20;
	const char *p = s;
	u64 v;
	int err = parse_decimal(&p, &v);

	if (err)
		return err;
	if (*p) {
		switch (*p) {
		case 'K':
		case 'k':
			shift = 10;
			break;
		case 'M':
		case 'm':
			shift = 20;
			break;
		case 'G':
		case 'g':
			shift = 30;
			break;
		default:
			return -EINVAL;
		}
		if (p[1])
			return -EINVAL;
	}
	if (v > (~0ULL >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

static int parse_mem(const char *value, u64 limit, u64 *mem, char *why,
		     size_t len)
{
	int err = parse_size(value, mem);

	if (err == -EINVAL) {
		snprintf(why, len,
			 "mem=%s: not a size (a number with K, M or G; "
			 "megabytes without)",
			 value);
		return err;
	}
	if (err || (limit && *mem > limit)) {
		snprintf(why, len,
			 "mem=%s: more than the %llu MiB of free host memory",
			 value, (unsigned long long)(limit >> 20));
		return -ERANGE;
	}
	if (*mem < GUEST_NEW_MEM_MIN || *mem % GUEST_NEW_MEM_ALIGN) {
		snprintf(why, len,
			 "mem=%s: must be a multiple of %llu MiB, at least "
			 "%llu MiB",
			 value, (unsigned long long)(GUEST_NEW_MEM_ALIGN >> 20),
			 (unsigned long long)(GUEST_NEW_MEM_MIN >> 20));
		return -ERANGE;
	}
	return 0;
}

static int parse_vcpus(const char *value, u32 *vcpus, char *why, size_t len)
{
	const char *p = value;
	u64 n;
	int err = parse_decimal(&p, &n);

	if (err == -EINVAL || (!err && *p)) {
		snprintf(why, len, "vcpus=%s: not a number", value);
		return -EINVAL;
	}
	if (err || n < 1 || n > GUEST_MAX_VCPUS) {
		snprintf(why, len, "vcpus=%s: must be 1 to %d", value,
			 GUEST_MAX_VCPUS);
		return -ERANGE;
	}
	*vcpus = (u32)n;
	return 0;
}

static int add_device(struct guest_new_args *a, const char *opt,
		      const char *type, const char *backend, char *why,
		      size_t len)
{
	static const char bundle_prefix[] = "bundle:";
	const size_t plen = sizeof(bundle_prefix) - 1;
	int err;

	if (a->nr_devices == GUEST_NEW_MAX_DEVICES) {
		snprintf(why, len, "%s=%s: more than %d devices", opt, backend,
			 GUEST_NEW_MAX_DEVICES);
		return -E2BIG;
	}
	/* Block devices are the virtio code's to find, when it claims one. */
	if (!strncmp(backend, bundle_prefix, plen)) {
		err = check_file(opt, backend, backend + plen, why, len);
		if (err)
			return err;
	}
	a->devices[a->nr_devices].type = type;
	a->devices[a->nr_devices].backend = backend;
	a->nr_devices++;
	return 0;
}

/* One key=value option. */
static int parse_option(struct guest_new_args *a, const char *word,
			u64 mem_limit, char *why, size_t len)
{
	static const char *const keys[] = { "kernel", "initrd", "append",
					    "vcpus",  "mem",	"disk",
					    "net" };
	const char *eq = strchr(word, '=');
	const char *value = eq ? eq + 1 : NULL;
	size_t klen = eq ? (size_t)(eq - word) : 0;
	unsigned int k;

	for (k = 0; eq && k < ARRAY_SIZE(keys); k++)
		if (strlen(keys[k]) == klen && !strncmp(word, keys[k], klen))
			break;
	if (!eq || k == ARRAY_SIZE(keys)) {
		snprintf(why, len,
			 "unknown option '%s' (kernel= initrd= append= "
			 "vcpus= mem= disk= net= --dts)",
			 word);
		return -EINVAL;
	}
	if (!*value) {
		snprintf(why, len, "%s= needs a value", keys[k]);
		return -EINVAL;
	}
	if (k == 5)
		return add_device(a, "disk", "block", value, why, len);
	if (k == 6)
		return add_device(a, "net", "net", value, why, len);
	if ((k == 0 && a->kernel) || (k == 1 && a->initrd) ||
	    (k == 2 && a->append) || (k == 3 && a->vcpus) ||
	    (k == 4 && a->mem)) {
		snprintf(why, len, "%s= is given twice", keys[k]);
		return -EINVAL;
	}
	switch (k) {
	case 0:
		a->kernel = value;
		return check_file("kernel", value, value, why, len);
	case 1:
		a->initrd = value;
		return check_file("initrd", value, value, why, len);
	case 2:
		a->append = value;
		return 0;
	case 3:
		return parse_vcpus(value, &a->vcpus, why, len);
	default:
		return parse_mem(value, mem_limit, &a->mem, why, len);
	}
}

int guest_new_parse(int argc, char *const *argv, u64 mem_limit,
		    struct guest_new_args *args, char *why, size_t len)
{
	int err;

	memset(args, 0, sizeof(*args));
	if (len)
		why[0] = '\0';
	if (argc < 1) {
		snprintf(why, len, "no guest name");
		return -EINVAL;
	}
	err = check_name(argv[0], why, len);
	if (err)
		return err;
	args->name = argv[0];
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dts")) {
			args->dts = true;
			continue;
		}
		err = parse_option(args, argv[i], mem_limit, why, len);
		if (err)
			return err;
	}
	if (!args->kernel) {
		snprintf(why, len,
			 "kernel=<file in the boot bundle> is missing");
		return -EINVAL;
	}
	return 0;
}

/* ---- the description ---- */

/* v as a big-endian value of cells (1 or 2) cells at `at`. */
static int set_cells(u32 cells, u64 v, u8 *at)
{
	if (cells == 2) {
		u64 be = cpu_to_kfdt64(v);

		memcpy(at, &be, 8);
		return 0;
	}
	if (cells == 1 && v <= 0xffffffffULL) {
		u32 be = cpu_to_kfdt32((u32)v);

		memcpy(at, &be, 4);
		return 0;
	}
	return -EINVAL;
}

/* The memory node's reg: its base as the template has it, size bytes. */
static int set_memory_size(struct devtree_node *mem, u64 size, char *why,
			   size_t len)
{
	u32 ac = devtree_addr_cells(mem), sc = devtree_size_cells(mem);
	u64 base, old;
	u8 reg[16];
	int err;

	err = devtree_read_reg(mem, 0, &base, &old);
	if (!err && ac <= 2 && sc <= 2) {
		err = set_cells(ac, base, reg);
		if (!err)
			err = set_cells(sc, size, reg + 4 * ac);
	} else if (!err) {
		err = -EINVAL;
	}
	if (!err)
		err = devtree_prop_set(mem, "reg", reg, 4 * (ac + sc));
	if (err)
		snprintf(why, len, "template: %s: cannot set its size: %s",
			 mem->name, error_name(err));
	return err;
}

static struct devtree_node *memory_node(struct devtree_node *machine)
{
	struct devtree_node *n;
	const char *type;

	devtree_for_each_child(n, machine)
		if (!devtree_prop_read_string(n, "device_type", &type) &&
		    !strcmp(type, "memory"))
			return n;
	return NULL;
}

static unsigned int count_children(const struct devtree_node *node)
{
	const struct devtree_node *child;
	unsigned int n = 0;

	devtree_for_each_child(child, node)
		n++;
	return n;
}

/* One virtio-mmio slot of the template per device, in order. */
static int add_devices(struct devtree_node *machine,
		       const struct devtree_node *slots,
		       const struct guest_new_args *a, char *why, size_t len)
{
	unsigned int nr_slots = slots ? count_children(slots) : 0, i = 0;
	const struct devtree_node *slot;
	int err;

	if (a->nr_devices > nr_slots) {
		snprintf(why, len,
			 "%u disks and networks: this machine has %u "
			 "virtio-mmio slots",
			 a->nr_devices, nr_slots);
		return -E2BIG;
	}
	if (!a->nr_devices)
		return 0;
	devtree_for_each_child(slot, slots) {
		const struct guest_new_device *d = &a->devices[i];
		struct devtree_node *node;

		err = devtree_node_copy_into(machine, NULL, slot, &node);
		if (!err)
			err = devtree_prop_set_string(node, "keel,device",
						      d->type);
		if (!err)
			err = devtree_prop_set_string(node, "keel,backend",
						      d->backend);
		if (err) {
			snprintf(why, len, "template: %s: %s", slot->name,
				 error_name(err));
			return err;
		}
		if (++i == a->nr_devices)
			break;
	}
	return 0;
}

static int describe(struct devtree_node *root, const struct devtree_node *tmpl,
		    const struct guest_new_args *a, char *why, size_t len)
{
	const struct devtree_node *guest = devtree_child(tmpl, "guest");
	struct devtree_node *guests, *desc, *machine, *mem;
	int err;

	if (!guest) {
		snprintf(why, len, "template: no /guest node");
		return -EINVAL;
	}
	err = devtree_node_add(root, "guests", &guests);
	if (!err)
		err = devtree_node_copy_into(guests, a->name, guest, &desc);
	if (!err)
		err = devtree_prop_set_string(desc, "kernel", a->kernel);
	if (!err && a->initrd)
		err = devtree_prop_set_string(desc, "initrd", a->initrd);
	if (!err && a->append)
		err = devtree_prop_set_string(desc, "bootargs", a->append);
	if (!err && a->vcpus)
		err = devtree_prop_set_u32(desc, "vcpus", a->vcpus);
	if (err) {
		snprintf(why, len, "cannot build the description: %s",
			 error_name(err));
		return err;
	}
	machine = devtree_child(desc, "machine");
	mem = machine ? memory_node(machine) : NULL;
	if (!mem) {
		snprintf(why, len, "template: no machine with a memory node");
		return -EINVAL;
	}
	if (a->mem) {
		err = set_memory_size(mem, a->mem, why, len);
		if (err)
			return err;
	}
	return add_devices(machine, devtree_child(tmpl, "virtio-slots"), a, why,
			   len);
}

int guest_new_describe(const struct devtree_node *tmpl,
		       const struct guest_new_args *args,
		       struct devtree_node **out, char *why, size_t len)
{
	struct devtree_node *root;
	int err;

	*out = NULL;
	if (len)
		why[0] = '\0';
	err = devtree_root_new(&root);
	if (err) {
		snprintf(why, len, "cannot build the description: %s",
			 error_name(err));
		return err;
	}
	err = describe(root, tmpl, args, why, len);
	if (err) {
		devtree_free(root);
		return err;
	}
	*out = root;
	return 0;
}
