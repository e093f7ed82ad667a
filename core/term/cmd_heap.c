// SPDX-License-Identifier: GPL-2.0
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/string.h>
#include <keel/terminal.h>

static int heap_run(int argc, char **argv)
{
	struct heap_stats st;

	if (argc != 2 || strcmp(argv[1], "info")) {
		if (argc >= 2)
			term_printf("error: unknown subcommand '%s'\n",
				    argv[1]);
		return -EINVAL;
	}
	heap_get_stats(&st);
	term_printf("Heap:\n");
	term_printf("  in use:        %llu bytes in %llu blocks\n",
		    (unsigned long long)st.bytes_in_use,
		    (unsigned long long)st.live_blocks);
	term_printf("  held:          %llu bytes from the page allocator\n",
		    (unsigned long long)st.bytes_held);
	term_printf("  allocations:   %llu\n",
		    (unsigned long long)st.total_allocs);
	term_printf("  frees:         %llu\n",
		    (unsigned long long)st.total_frees);
	term_printf("  failures:      %llu\n",
		    (unsigned long long)st.failed_allocs);
	term_printf("  errors found:  %llu\n",
		    (unsigned long long)st.errors_detected);
	return 0;
}

static const struct term_command heap_cmd = {
	.name = "heap",
	.summary = "hypervisor heap statistics",
	.usage = "heap info",
	.run = heap_run,
};
TERM_COMMAND(heap_cmd);
