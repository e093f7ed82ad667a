// SPDX-License-Identifier: GPL-2.0
/*
 * unit.h itself: registering a test beyond UNIT_MAX_TESTS must end the
 * program with a failure rather than drop the test. A child process
 * fills what is left of this program's own table and registers one more;
 * the parent expects it to exit with a failure right there.
 */
#include "unit.h"
#include <sys/wait.h>
#include <unistd.h>

static void filler(void)
{
}

/* Exit statuses of the child that tell how it went wrong. */
#define CHILD_TABLE_NOT_FULL 3
#define CHILD_SURVIVED 4

UNIT_TEST(registration_beyond_limit_fails)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid < 0)
		return;
	if (pid == 0) {
		while (unit_test_count < UNIT_MAX_TESTS)
			unit_register("filler", filler);
		if (unit_test_count != UNIT_MAX_TESTS)
			_exit(CHILD_TABLE_NOT_FULL);
		unit_register("one_too_many", filler);
		_exit(CHILD_SURVIVED);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), EXIT_FAILURE);
}

UNIT_TEST(registration_up_to_limit_keeps_every_test)
{
	/* This file's two tests are in the table, in definition order. */
	CHECK_EQ(unit_test_count, 2);
	CHECK(unit_tests[0].fn == registration_beyond_limit_fails);
	CHECK(unit_tests[1].fn == registration_up_to_limit_keeps_every_test);
}

UNIT_MAIN();
