# riscv64: toolchain and compiler flags. How to run a build and which guests
# it boots belong to its board (boards/riscv64/<board>/board.mk).
CROSS_COMPILE ?= riscv64-linux-gnu-
# No F/D: Keel never touches the FPU, so a guest's FP state is never live
# in Keel. medany: PC-relative addressing, which a relocatable image needs.
# No small-data section: gp is not set up, so nothing may be gp-relative.
ARCH_CFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany \
	-msmall-data-limit=0 -mstrict-align -fvisibility=hidden
ARCH_LDFLAGS :=
# The magic number of Linux's Image header (byte 56, "magic2"), for the
# test file that stands for an Image kernel ("RSC\x05").
LINUX_IMAGE_MAGIC := RSC\005
