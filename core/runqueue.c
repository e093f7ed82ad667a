// SPDX-License-Identifier: GPL-2.0
/* Priority run queues: a list per level and a bitmap of non-empty levels. */
#include <keel/bitops.h>
#include <keel/sched.h>

void runqueue_init(struct runqueue *rq)
{
	for (unsigned int p = 0; p < CONFIG_SCHED_PRIORITIES; p++)
		list_init(&rq->ready[p]);
	rq->nonempty = 0;
	rq->nr_ready = 0;
}

void runqueue_add(struct runqueue *rq, struct thread *t)
{
	t->state = THREAD_READY;
	list_add_tail(&t->queue_link, &rq->ready[t->prio]);
	rq->nonempty |= 1U << t->prio;
	rq->nr_ready++;
}

void runqueue_add_head(struct runqueue *rq, struct thread *t)
{
	t->state = THREAD_READY;
	list_add(&t->queue_link, &rq->ready[t->prio]);
	rq->nonempty |= 1U << t->prio;
	rq->nr_ready++;
}

void runqueue_remove(struct runqueue *rq, struct thread *t)
{
	list_del(&t->queue_link);
	if (list_empty(&rq->ready[t->prio]))
		rq->nonempty &= ~(1U << t->prio);
	rq->nr_ready--;
}

int runqueue_top_priority(const struct runqueue *rq)
{
	return (int)fls64(rq->nonempty) - 1;
}

struct thread *runqueue_pop(struct runqueue *rq)
{
	int prio = runqueue_top_priority(rq);
	struct thread *t;

	if (prio < 0)
		return NULL;
	t = list_first_entry(&rq->ready[prio], struct thread, queue_link);
	runqueue_remove(rq, t);
	return t;
}
