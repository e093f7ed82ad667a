# arm64: toolchain and compiler flags. How to run a build and which guests
# it boots belong to its board (boards/arm64/<board>/board.mk).
CROSS_COMPILE ?= aarch64-linux-gnu-
ARCH_CFLAGS := -march=armv8-a -mgeneral-regs-only -mno-outline-atomics \
	-fvisibility=hidden -mcmodel=small
ARCH_LDFLAGS :=
# The magic number of Linux's Image header (byte 56), for the test file
# that stands for an Image kernel ("ARM\x64").
LINUX_IMAGE_MAGIC := ARM\144
