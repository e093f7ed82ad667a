/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KEEL_VERSION_H
#define KEEL_VERSION_H

#define KEEL_VERSION "0.1.0"
#define KEEL_BUILD_INFO "built " __DATE__ " " __TIME__

/* The arch name comes from the configuration (CONFIG_ARCH_NAME). */
#define KEEL_ARCH_NAME CONFIG_ARCH_NAME

#endif
