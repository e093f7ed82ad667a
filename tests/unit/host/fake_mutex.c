// SPDX-License-Identifier: GPL-2.0
/* Mutexes of host tests (fake_mutex.h). */
#include "unit.h"

#include "host/fake_mutex.h"

struct thread fake_self;
int fake_mutexes_held;

void mutex_lock(struct mutex *m)
{
	CHECK(!m->owner); /* nothing here takes one twice */
	m->owner = &fake_self;
	fake_mutexes_held++;
}

void mutex_unlock(struct mutex *m)
{
	CHECK(m->owner == &fake_self);
	m->owner = NULL;
	fake_mutexes_held--;
}

bool mutex_is_held(struct mutex *m)
{
	return m->owner == &fake_self;
}

struct thread *thread_current(void)
{
	return &fake_self;
}
