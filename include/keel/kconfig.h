/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IS_ENABLED(CONFIG_FOO): 1 when the bool option is set (autoconf.h then
 * defines it as 1), else 0, usable in C conditions, so that code for an
 * option that is off is still compiled and checked, then dropped.
 */
#ifndef KEEL_KCONFIG_H
#define KEEL_KCONFIG_H

#define KCONFIG_ARG_PLACEHOLDER_1 0,
#define kconfig_take_second(ignored, val, ...) val
#define kconfig_is_one(arg_or_junk) kconfig_take_second(arg_or_junk 1, 0, 0)
#define kconfig_placeholder(val) kconfig_is_one(KCONFIG_ARG_PLACEHOLDER_##val)
#define IS_ENABLED(option) kconfig_placeholder(option)

#endif
