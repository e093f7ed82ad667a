/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dates and seconds since 1970 (UTC, the proleptic Gregorian calendar),
 * for clocks that keep the date in fields: emulated RTCs and the host's.
 * Days are counted from 0000-03-01, which puts the leap day at the end
 * of each year (Howard Hinnant's civil-date algorithms).
 */
#ifndef KEEL_CALENDAR_H
#define KEEL_CALENDAR_H

#include <keel/types.h>

#define SECS_PER_DAY 86400ULL
#define DAYS_TO_1970 719468ULL /* from 0000-03-01, the civil-date epoch */
#define DAYS_PER_ERA 146097ULL /* 400 years */

struct civil {
	unsigned int sec, min, hour, wday; /* wday 0-6, Sunday 0 */
	unsigned int mday, mon; /* 1-31, 1-12 */
	u64 year;
};

static inline void civil_from_seconds(u64 secs, struct civil *t)
{
	u64 days = secs / SECS_PER_DAY, rem = secs % SECS_PER_DAY;
	u64 z = days + DAYS_TO_1970, era = z / DAYS_PER_ERA;
	u64 doe = z - era * DAYS_PER_ERA;
	u64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	u64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	u64 mp = (5 * doy + 2) / 153; /* months from March */

	t->sec = (unsigned int)(rem % 60);
	t->min = (unsigned int)(rem / 60 % 60);
	t->hour = (unsigned int)(rem / 3600);
	t->wday = (unsigned int)((days + 4) % 7); /* 1970-01-01: Thursday */
	t->mday = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	t->mon = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	t->year = yoe + era * 400 + (t->mon <= 2);
}

/* Seconds since 1970 of a date (wday is not looked at); 0 before 1970. */
static inline u64 civil_to_seconds(const struct civil *t)
{
	u64 y = t->year - (t->mon <= 2);
	u64 era = y / 400, yoe = y - era * 400;
	u64 doy = (153 * (t->mon > 2 ? t->mon - 3 : t->mon + 9) + 2) / 5 +
		  t->mday - 1;
	u64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	u64 days = era * DAYS_PER_ERA + doe;

	if (t->year < 1970 || days < DAYS_TO_1970)
		return 0;
	return (days - DAYS_TO_1970) * SECS_PER_DAY + t->hour * 3600ULL +
	       t->min * 60ULL + t->sec;
}

#endif
