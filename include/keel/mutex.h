/* SPDX-License-Identifier: GPL-2.0 */
/* Sleeping locks for threads (core/mutex.c); never from interrupts. */
#ifndef KEEL_MUTEX_H
#define KEEL_MUTEX_H

#include <keel/sched.h>

struct mutex {
	struct waitqueue wq; /* its lock guards owner */
	struct thread *owner;
};

#define MUTEX_INIT(m)                        \
	{                                    \
		WAITQUEUE_INIT((m).wq), NULL \
	}
#define DEFINE_MUTEX(m) struct mutex m = MUTEX_INIT(m)

void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_is_held(struct mutex *m);

#endif
