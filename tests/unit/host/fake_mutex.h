/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mutexes for host tests of code that takes them: one thread (the test,
 * fake_self) runs, so taking a mutex already held, or letting go of one
 * not held, fails the test.
 */
#ifndef KEEL_UNIT_FAKE_MUTEX_H
#define KEEL_UNIT_FAKE_MUTEX_H

#include <keel/mutex.h>
#include <keel/sched.h>

/* The thread every test runs as: thread_current(). */
extern struct thread fake_self;
/* Mutexes held now. */
extern int fake_mutexes_held;

#endif
