# x86_64: toolchain and compiler flags. How to run a build and which guests
# it boots belong to its board (boards/x86_64/<board>/board.mk).
# The host compiler builds it (a freestanding x86-64 target is the host's).
CROSS_COMPILE ?=
# No red zone: interrupts arrive on the current stack. No SSE/x87: Keel
# never touches the FPU, so a guest's FP state is never live in Keel.
ARCH_CFLAGS := -m64 -march=x86-64 -mno-red-zone -mgeneral-regs-only \
	-mcmodel=small -fvisibility=hidden -fno-asynchronous-unwind-tables \
	-fcf-protection=none
ARCH_LDFLAGS := -m elf_x86_64 -z noexecstack
# The magic number of Linux's Image header (byte 56) for the test file
# that stands for an Image kernel: x86 kernels are bzImages, which have
# none; this names no Linux kernel, so nothing mistakes the file for one.
LINUX_IMAGE_MAGIC := NONE
