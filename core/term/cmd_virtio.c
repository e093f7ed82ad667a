// SPDX-License-Identifier: GPL-2.0
/*
 * `virtio list [guest]`: guests' virtio devices, their state, queues and
 * backends. The devices are copied out under their locks first, so that
 * printing (which may wait for the console) holds none.
 */
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/string.h>
#include <keel/terminal.h>
#include <keel/virtio.h>

#define VIRTIO_LIST_MAX 64

static void print_status(u8 status)
{
	static const struct {
		u8 bit;
		const char *name;
	} bits[] = {
		{ VIRTIO_STATUS_ACKNOWLEDGE, "ack" },
		{ VIRTIO_STATUS_DRIVER, "driver" },
		{ VIRTIO_STATUS_FEATURES_OK, "features-ok" },
		{ VIRTIO_STATUS_DRIVER_OK, "driver-ok" },
		{ VIRTIO_STATUS_DEVICE_NEEDS_RESET, "NEEDS-RESET" },
		{ VIRTIO_STATUS_FAILED, "failed" },
	};
	bool any = false;

	for (unsigned int i = 0; i < ARRAY_SIZE(bits); i++) {
		if (status & bits[i].bit) {
			term_printf("%s%s", any ? "," : "", bits[i].name);
			any = true;
		}
	}
	if (!any)
		term_printf("reset");
}

static void print_device(const struct virtio_dev_info *d)
{
	term_printf("%s/%s  virtio-%s (%s)  status ", d->guest, d->node,
		    d->type, d->transport);
	print_status(d->status);
	term_printf("\n");
	if (d->backend[0])
		term_printf("  %s\n", d->backend);
	for (unsigned int q = 0; q < d->nr_queues; q++) {
		const struct virtqueue_stats *st = &d->queues[q].stats;

		term_printf("  queue %u: %s size %u, %llu popped, %llu pushed, "
			    "%llu bytes in, %llu bytes out, %llu malformed\n",
			    q, d->queues[q].ready ? "ready" : "off",
			    d->queues[q].size, (unsigned long long)st->popped,
			    (unsigned long long)st->pushed,
			    (unsigned long long)st->bytes_read,
			    (unsigned long long)st->bytes_written,
			    (unsigned long long)st->malformed);
	}
	term_printf("  resets %llu, needed reset %llu%s%s\n",
		    (unsigned long long)d->resets,
		    (unsigned long long)d->needs_reset, d->why[0] ? ": " : "",
		    d->why);
}

static int virtio_run(int argc, char **argv)
{
	struct virtio_dev_info *info;
	unsigned int n;

	if (argc < 2 || argc > 3 || strcmp(argv[1], "list")) {
		if (argc >= 2 && strcmp(argv[1], "list"))
			term_printf("error: unknown subcommand '%s'\n",
				    argv[1]);
		return -EINVAL;
	}
	if (argc == 3 && !guest_find(argv[2])) {
		term_printf("error: no guest '%s' (see 'guest list')\n",
			    argv[2]);
		return -ENOENT;
	}
	info = keel_calloc(VIRTIO_LIST_MAX, sizeof(*info));
	if (!info) {
		term_printf("error: out of memory\n");
		return -ENOMEM;
	}
	n = virtio_snapshot(argc == 3 ? argv[2] : NULL, info, VIRTIO_LIST_MAX);
	if (!n)
		term_printf("no virtio devices%s%s\n",
			    argc == 3 ? " in guest " : "",
			    argc == 3 ? argv[2] : "");
	for (unsigned int i = 0; i < n && i < VIRTIO_LIST_MAX; i++)
		print_device(&info[i]);
	if (n > VIRTIO_LIST_MAX)
		term_printf("(%u more not shown)\n", n - VIRTIO_LIST_MAX);
	keel_free(info);
	return 0;
}

static const struct term_command virtio_cmd = {
	.name = "virtio",
	.summary = "guests' virtio devices: state, queues, backends",
	.usage = "virtio list [guest]",
	.run = virtio_run,
};
TERM_COMMAND(virtio_cmd);
