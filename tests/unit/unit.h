/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal host unit-test framework. A test file defines functions with
 * UNIT_TEST(name) and ends with UNIT_MAIN(); each CHECK that fails prints
 * where and why, and the program ends with "N passed, N failed" counting
 * tests (not checks). The exit status is non-zero when anything failed.
 */
#ifndef KEEL_UNIT_H
#define KEEL_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <inttypes.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

#ifndef UNIT_MAX_TESTS
#define UNIT_MAX_TESTS 512
#endif
extern struct unit_test unit_tests[UNIT_MAX_TESTS];
extern int unit_test_count;
extern int unit_current_failed;

/*
 * Printed output captured in buf (size bytes, *len of them used), as a
 * print callback or a terminal stand-in collects it: what does not fit
 * is cut and buf stays a string. vsnprintf's answer.
 */
static inline int unit_vappend(char *buf, size_t size, size_t *len,
			       const char *fmt, va_list ap)
{
	int n = vsnprintf(buf + *len, size - *len, fmt, ap);

	if (n > 0)
		*len = *len + (size_t)n < size - 1 ? *len + (size_t)n :
						     size - 1;
	return n;
}

/*
 * Add a test to the table (UNIT_TEST does, from a constructor). A test
 * past UNIT_MAX_TESTS ends the program with a failure before main runs:
 * dropping it would let it pass by never running.
 */
static inline void unit_register(const char *name, void (*fn)(void))
{
	if (unit_test_count >= UNIT_MAX_TESTS) {
		printf("unit.h: test %s is beyond UNIT_MAX_TESTS (%d): "
		       "raise the limit\n",
		       name, UNIT_MAX_TESTS);
		fflush(stdout);
		exit(EXIT_FAILURE);
	}
	unit_tests[unit_test_count++] = (struct unit_test){ name, fn };
}

#define UNIT_TEST(name)                                                     \
	static void name(void);                                             \
	__attribute__((constructor)) static void unit_register_##name(void) \
	{                                                                   \
		unit_register(#name, name);                                 \
	}                                                                   \
	static void name(void)

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			printf("  %s:%d: CHECK(%s) failed\n", __FILE__, \
			       __LINE__, #cond);                        \
			unit_current_failed = 1;                        \
		}                                                       \
	} while (0)

#define CHECK_EQ(a, b)                                                        \
	do {                                                                  \
		long long unit_a_ = (long long)(a);                           \
		long long unit_b_ = (long long)(b);                           \
		if (unit_a_ != unit_b_) {                                     \
			printf("  %s:%d: %s == %s failed: %lld != %lld\n",    \
			       __FILE__, __LINE__, #a, #b, unit_a_, unit_b_); \
			unit_current_failed = 1;                              \
		}                                                             \
	} while (0)

#define UNIT_MAIN()                                                   \
	struct unit_test unit_tests[UNIT_MAX_TESTS];                  \
	int unit_test_count;                                          \
	int unit_current_failed;                                      \
	int main(void)                                                \
	{                                                             \
		int passed = 0, failed = 0;                           \
		for (int i = 0; i < unit_test_count; i++) {           \
			unit_current_failed = 0;                      \
			unit_tests[i].fn();                           \
			printf("%s %s\n",                             \
			       unit_current_failed ? "FAIL" : "ok  ", \
			       unit_tests[i].name);                   \
			if (unit_current_failed)                      \
				failed++;                             \
			else                                          \
				passed++;                             \
		}                                                     \
		printf("%d passed, %d failed\n", passed, failed);     \
		return failed ? 1 : 0;                                \
	}

#endif
