// SPDX-License-Identifier: GPL-2.0
/*
 * Where the heap and the page allocator report misuse in Keel; the host
 * unit tests link their own versions, which count the calls instead.
 */
#include <keel/heap.h>
#include <keel/page_alloc.h>
#include <keel/printk.h>

void heap_report_error(const char *what, const void *ptr)
{
	printk(KERN_ERR "heap: %s at %p\n", what, ptr);
}

void page_alloc_report_error(const char *what, const void *va)
{
	printk(KERN_ERR "page_alloc: %s at %p\n", what, va);
}
