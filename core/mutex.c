// SPDX-License-Identifier: GPL-2.0
#include <keel/mutex.h>
#include <keel/panic.h>

void mutex_lock(struct mutex *m)
{
	unsigned long flags;

	spin_lock_irqsave(&m->wq.lock, flags);
	while (m->owner)
		waitqueue_sleep_locked(&m->wq, &flags);
	m->owner = thread_current();
	spin_unlock_irqrestore(&m->wq.lock, flags);
}

void mutex_unlock(struct mutex *m)
{
	unsigned long flags;

	spin_lock_irqsave(&m->wq.lock, flags);
	BUG_ON(m->owner != thread_current());
	m->owner = NULL;
	spin_unlock_irqrestore(&m->wq.lock, flags);
	waitqueue_wake_one(&m->wq);
}

bool mutex_is_held(struct mutex *m)
{
	return m->owner == thread_current();
}
