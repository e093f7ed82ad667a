// SPDX-License-Identifier: GPL-2.0
/* The scheduler of host tests of device models' workers (fake_sched.h). */
#include "unit.h"
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "host/fake_sched.h"

struct fake_worker fake_workers[FAKE_MAX_WORKERS];
unsigned int fake_nr_workers;
int fake_thread_start_err;
unsigned int fake_threads_reaped;
unsigned int fake_wakeups;
unsigned int fake_worker_sleeps;

static const char *thread_name;
static jmp_buf sched_jmp;
static bool in_worker;
static unsigned int running; /* the worker in_worker says runs */

void fake_sched_init(const char *name)
{
	thread_name = name;
	fake_nr_workers = 0;
	fake_thread_start_err = 0;
	fake_threads_reaped = 0;
	fake_wakeups = 0;
	fake_worker_sleeps = 0;
}

static bool name_ok(const char *name)
{
	size_t len = strlen(thread_name);

	if (len && thread_name[len - 1] == '/')
		return !strncmp(name, thread_name, len);
	return !strcmp(name, thread_name);
}

struct thread *thread_create(const char *name, thread_fn fn, void *arg,
			     unsigned int prio, u64 affinity)
{
	CHECK(name_ok(name));
	if (fake_nr_workers == ARRAY_SIZE(fake_workers))
		abort();
	memset(&fake_workers[fake_nr_workers], 0, sizeof(fake_workers[0]));
	fake_workers[fake_nr_workers].fn = fn;
	fake_workers[fake_nr_workers].arg = arg;
	return &fake_workers[fake_nr_workers++].t;
}

int thread_start(struct thread *t)
{
	for (unsigned int i = 0; i < fake_nr_workers; i++)
		if (&fake_workers[i].t == t)
			fake_workers[i].started = !fake_thread_start_err;
	return fake_thread_start_err;
}

void thread_reap(struct thread *t)
{
	for (unsigned int i = 0; i < fake_nr_workers; i++) {
		if (&fake_workers[i].t == t) {
			CHECK(!fake_workers[i].started);
			fake_workers[i].exited = true;
			fake_workers[i].reaped = true;
		}
	}
	fake_threads_reaped++;
}

void fake_run_workers(void)
{
	/* A static index: setjmp's frame keeps no register of its own. */
	for (running = 0; running < fake_nr_workers; running++) {
		if (!fake_workers[running].started ||
		    fake_workers[running].exited)
			continue;
		CHECK(!in_worker);
		if (!setjmp(sched_jmp)) {
			in_worker = true;
			fake_workers[running].fn(fake_workers[running].arg);
		}
		in_worker = false;
	}
}

unsigned int fake_workers_alive(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < fake_nr_workers; i++)
		n += fake_workers[i].started && !fake_workers[i].exited;
	return n;
}

void waitqueue_init(struct waitqueue *wq)
{
	spin_lock_init(&wq->lock);
	list_init(&wq->waiters);
}

void waitqueue_sleep_locked(struct waitqueue *wq, unsigned long *flags)
{
	CHECK(in_worker);
	spin_unlock_irqrestore(&wq->lock, *flags);
	longjmp(sched_jmp, 1);
}

void waitqueue_wake_all(struct waitqueue *wq)
{
	CHECK(!spin_is_locked(&wq->lock));
	fake_wakeups++;
}

void thread_exit(void)
{
	CHECK(in_worker);
	fake_workers[running].exited = true;
	longjmp(sched_jmp, 1);
}

void thread_sleep_ms(u64 ms)
{
	if (in_worker)
		fake_worker_sleeps++;
	else
		fake_run_workers();
}
