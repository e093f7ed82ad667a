/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler as a device model with a worker thread sees it, for host
 * tests of such models: threads are created and started but run only
 * when the test says (fake_run_workers), each until it sleeps on a wait
 * queue or exits, which longjmps back to the test. A worker starts again
 * from the top the next time it runs, which is what waking from that
 * sleep comes to. Wake-ups are counted, not delivered.
 *
 * A test calls fake_sched_init() before each device it builds; that
 * forgets every thread and count.
 */
#ifndef KEEL_UNIT_FAKE_SCHED_H
#define KEEL_UNIT_FAKE_SCHED_H

#include <keel/sched.h>

#define FAKE_MAX_WORKERS 4

struct fake_worker {
	thread_fn fn;
	void *arg;
	bool started, exited, reaped;
	struct thread t;
};

/* The threads created since fake_sched_init(), in order. */
extern struct fake_worker fake_workers[FAKE_MAX_WORKERS];
extern unsigned int fake_nr_workers;
/* What thread_start() answers (0, or the error: the thread stays new). */
extern int fake_thread_start_err;
/* thread_reap() calls. */
extern unsigned int fake_threads_reaped;
/* waitqueue_wake_all() calls. */
extern unsigned int fake_wakeups;
/* thread_sleep_ms() calls from a worker (time passing, nothing runs). */
extern unsigned int fake_worker_sleeps;

/*
 * No thread and no count. Every thread created from now on must be
 * called thread_name, or start with it where it ends in '/' (devices'
 * workers carry their instance's name after the device's).
 */
void fake_sched_init(const char *thread_name);
/*
 * Run every started worker that has not exited until it sleeps or exits.
 * thread_sleep_ms() outside a worker does too: a device's remove()
 * waits for its worker so.
 */
void fake_run_workers(void);
/* Workers started and not exited. */
unsigned int fake_workers_alive(void);

#endif
