// SPDX-License-Identifier: GPL-2.0
/*
 * core/runqueue.c: FIFO within a level, highest level first, and the
 * non-empty bitmap and count kept right through removes from anywhere,
 * finishing with random operation runs checked against a plain model.
 */
#include "unit.h"
#include <string.h>

#include <keel/sched.h>

#define NPRIO CONFIG_SCHED_PRIORITIES
#define NTHREADS 64

static struct thread threads[NTHREADS];

static struct thread *thread_at(unsigned int i, unsigned int prio)
{
	struct thread *t = &threads[i];

	memset(t, 0, sizeof(*t));
	t->id = i;
	t->prio = prio;
	t->state = THREAD_NEW;
	return t;
}

/*
 * The whole queue as the model sees it: the threads of each level in
 * order. Every check walks both directions so that a broken prev link
 * shows up too, and recomputes what the bitmap and count must be.
 */
struct model {
	unsigned int ids[NPRIO][NTHREADS];
	unsigned int len[NPRIO];
};

static bool matches(const struct runqueue *rq, const struct model *m)
{
	unsigned int total = 0;
	u32 bits = 0;
	int top = -1;

	for (unsigned int p = 0; p < NPRIO; p++) {
		const struct list_head *h = &rq->ready[p], *pos;
		unsigned int n = 0;

		for (pos = h->next; pos != h; pos = pos->next) {
			const struct thread *t =
				list_entry(pos, struct thread, queue_link);

			if (n >= m->len[p] || t->id != m->ids[p][n] ||
			    t->prio != p || pos->next->prev != pos)
				return false;
			n++;
		}
		if (n != m->len[p])
			return false;
		n = 0;
		for (pos = h->prev; pos != h; pos = pos->prev)
			n++;
		if (n != m->len[p])
			return false;
		if (m->len[p]) {
			bits |= 1U << p;
			top = (int)p;
		}
		total += m->len[p];
	}
	return rq->nonempty == bits && rq->nr_ready == total &&
	       runqueue_top_priority(rq) == top;
}

static void model_add(struct model *m, unsigned int id, unsigned int prio)
{
	m->ids[prio][m->len[prio]++] = id;
}

static void model_remove(struct model *m, unsigned int id, unsigned int prio)
{
	for (unsigned int i = 0; i < m->len[prio]; i++) {
		if (m->ids[prio][i] == id) {
			memmove(&m->ids[prio][i], &m->ids[prio][i + 1],
				(m->len[prio] - i - 1) * sizeof(unsigned int));
			m->len[prio]--;
			return;
		}
	}
}

UNIT_TEST(empty_queue)
{
	struct runqueue rq;

	memset(&rq, 0xa5, sizeof(rq));
	runqueue_init(&rq);
	CHECK_EQ(rq.nonempty, 0);
	CHECK_EQ(rq.nr_ready, 0);
	CHECK_EQ(runqueue_top_priority(&rq), -1);
	CHECK(runqueue_pop(&rq) == NULL);
	for (unsigned int p = 0; p < NPRIO; p++)
		CHECK(list_empty(&rq.ready[p]));
}

UNIT_TEST(fifo_within_a_level)
{
	struct runqueue rq;

	runqueue_init(&rq);
	for (unsigned int i = 0; i < 5; i++) {
		struct thread *t = thread_at(i, THREAD_PRIO_NORMAL);

		runqueue_add(&rq, t);
		CHECK_EQ(t->state, THREAD_READY);
	}
	CHECK_EQ(rq.nr_ready, 5);
	CHECK_EQ(runqueue_top_priority(&rq), THREAD_PRIO_NORMAL);
	for (unsigned int i = 0; i < 5; i++) {
		struct thread *t = runqueue_pop(&rq);

		CHECK(t == &threads[i]);
	}
	CHECK(runqueue_pop(&rq) == NULL);
	CHECK_EQ(rq.nonempty, 0);
	CHECK_EQ(rq.nr_ready, 0);
}

/* A directed yield's place: first at its level, whatever was there. */
UNIT_TEST(add_head_goes_first_in_its_level)
{
	struct runqueue rq;
	struct model m = { 0 };

	runqueue_init(&rq);
	runqueue_add(&rq, thread_at(0, THREAD_PRIO_NORMAL));
	model_add(&m, 0, THREAD_PRIO_NORMAL);
	runqueue_add(&rq, thread_at(1, THREAD_PRIO_NORMAL));
	model_add(&m, 1, THREAD_PRIO_NORMAL);
	runqueue_add(&rq, thread_at(2, THREAD_PRIO_LOW));
	model_add(&m, 2, THREAD_PRIO_LOW);
	runqueue_add_head(&rq, thread_at(3, THREAD_PRIO_NORMAL));
	memmove(&m.ids[THREAD_PRIO_NORMAL][1], &m.ids[THREAD_PRIO_NORMAL][0],
		2 * sizeof(unsigned int));
	m.ids[THREAD_PRIO_NORMAL][0] = 3;
	m.len[THREAD_PRIO_NORMAL]++;
	CHECK_EQ(threads[3].state, THREAD_READY);
	CHECK(matches(&rq, &m));
	/* Alone at a level too: the bitmap and count follow. */
	runqueue_add_head(&rq, thread_at(4, THREAD_PRIO_HIGH));
	model_add(&m, 4, THREAD_PRIO_HIGH);
	CHECK(matches(&rq, &m));
	CHECK(runqueue_pop(&rq) == &threads[4]);
	CHECK(runqueue_pop(&rq) == &threads[3]);
	CHECK(runqueue_pop(&rq) == &threads[0]);
	CHECK(runqueue_pop(&rq) == &threads[1]);
	CHECK(runqueue_pop(&rq) == &threads[2]);
	CHECK(runqueue_pop(&rq) == NULL);
}

UNIT_TEST(highest_level_first)
{
	/* Added in an order unrelated to priority; ties keep arrival order. */
	static const unsigned int prio[] = { 1, 5, 0, 7, 5, 1, 7, 3, 0, 3 };
	static const unsigned int want[] = { 3, 6, 1, 4, 7, 9, 0, 5, 2, 8 };
	struct runqueue rq;

	runqueue_init(&rq);
	for (unsigned int i = 0; i < ARRAY_SIZE(prio); i++)
		runqueue_add(&rq, thread_at(i, prio[i]));
	CHECK_EQ(rq.nonempty, 0xab);
	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
		struct thread *t;

		CHECK_EQ(runqueue_top_priority(&rq), prio[want[i]]);
		t = runqueue_pop(&rq);
		CHECK(t == &threads[want[i]]);
	}
	CHECK_EQ(runqueue_top_priority(&rq), -1);
}

UNIT_TEST(every_level_including_idle)
{
	struct runqueue rq;

	runqueue_init(&rq);
	for (unsigned int p = 0; p < NPRIO; p++) {
		runqueue_add(&rq, thread_at(p, p));
		CHECK_EQ(runqueue_top_priority(&rq), p);
	}
	CHECK_EQ(rq.nonempty, (1U << NPRIO) - 1);
	for (int p = NPRIO - 1; p >= 0; p--) {
		CHECK_EQ(runqueue_top_priority(&rq), p);
		CHECK(runqueue_pop(&rq) == &threads[p]);
	}
	CHECK_EQ(rq.nonempty, 0);
}

UNIT_TEST(remove_keeps_bitmap_and_order)
{
	struct runqueue rq;
	struct thread *a = thread_at(0, 2), *b = thread_at(1, 2);
	struct thread *c = thread_at(2, 2), *h = thread_at(3, 6);

	runqueue_init(&rq);
	runqueue_add(&rq, a);
	runqueue_add(&rq, b);
	runqueue_add(&rq, c);
	runqueue_add(&rq, h);

	/* Out of the middle: the level stays marked and keeps its order. */
	runqueue_remove(&rq, b);
	CHECK_EQ(rq.nonempty, (1U << 2) | (1U << 6));
	CHECK_EQ(rq.nr_ready, 3);
	CHECK(list_empty(&b->queue_link));

	/* The only thread of the top level: the next level takes over. */
	runqueue_remove(&rq, h);
	CHECK_EQ(rq.nonempty, 1U << 2);
	CHECK_EQ(runqueue_top_priority(&rq), 2);

	runqueue_remove(&rq, c);
	CHECK_EQ(rq.nonempty, 1U << 2);
	CHECK(runqueue_pop(&rq) == a);
	CHECK_EQ(rq.nonempty, 0);
	CHECK_EQ(rq.nr_ready, 0);
	CHECK(runqueue_pop(&rq) == NULL);
}

UNIT_TEST(requeue_goes_to_the_back)
{
	/* Round-robin: the scheduler puts the preempted thread back in. */
	struct runqueue rq;
	unsigned int order[9];

	runqueue_init(&rq);
	for (unsigned int i = 0; i < 3; i++)
		runqueue_add(&rq, thread_at(i, 4));
	for (unsigned int i = 0; i < 9; i++) {
		struct thread *t = runqueue_pop(&rq);

		order[i] = t->id;
		runqueue_add(&rq, t);
	}
	for (unsigned int i = 0; i < 9; i++)
		CHECK_EQ(order[i], i % 3);
	CHECK_EQ(rq.nr_ready, 3);
}

UNIT_TEST(level_changes_between_stays)
{
	/* As thread_set_priority does: out, new level, back in. */
	struct runqueue rq;
	struct thread *a = thread_at(0, 3), *b = thread_at(1, 3);

	runqueue_init(&rq);
	runqueue_add(&rq, a);
	runqueue_add(&rq, b);
	runqueue_remove(&rq, a);
	a->prio = 5;
	runqueue_add(&rq, a);
	CHECK_EQ(rq.nonempty, (1U << 3) | (1U << 5));
	CHECK(runqueue_pop(&rq) == a);
	runqueue_remove(&rq, b);
	b->prio = 1;
	runqueue_add(&rq, b);
	CHECK_EQ(rq.nonempty, 1U << 1);
	CHECK(runqueue_pop(&rq) == b);
	CHECK_EQ(rq.nr_ready, 0);
}

static u64 rng_state;

static u32 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)(rng_state >> 16);
}

UNIT_TEST(random_runs_match_model)
{
	for (u64 seed = 1; seed <= 40; seed++) {
		struct runqueue rq;
		struct model m = { 0 };
		bool queued[NTHREADS] = { 0 };
		bool ok = true;

		rng_state = seed * 0x9e3779b97f4a7c15ULL;
		runqueue_init(&rq);
		for (unsigned int i = 0; i < NTHREADS; i++)
			thread_at(i, 0);
		for (unsigned int step = 0; step < 4000 && ok; step++) {
			unsigned int i = rnd() % NTHREADS;
			unsigned int op = rnd() % 8;
			struct thread *t = &threads[i];

			if (op < 4 && !queued[i]) {
				t->prio = rnd() % NPRIO;
				runqueue_add(&rq, t);
				model_add(&m, i, t->prio);
				queued[i] = true;
				ok = t->state == THREAD_READY;
			} else if (op < 6 && queued[i]) {
				runqueue_remove(&rq, t);
				model_remove(&m, i, t->prio);
				queued[i] = false;
			} else {
				int p = -1;

				for (int q = NPRIO - 1; q >= 0 && p < 0; q--)
					if (m.len[q])
						p = q;
				t = runqueue_pop(&rq);
				if (p < 0) {
					ok = t == NULL;
				} else {
					ok = t && t->id == m.ids[p][0];
					if (t) {
						model_remove(&m, t->id,
							     (unsigned int)p);
						queued[t->id] = false;
					}
				}
			}
			if (ok)
				ok = matches(&rq, &m);
			if (!ok)
				printf("  seed %llu diverged at step %u\n",
				       (unsigned long long)seed, step);
		}
		CHECK(ok);
	}
}

UNIT_MAIN();
