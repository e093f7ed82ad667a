obj-y += arch/arm64/head.o
obj-y += arch/arm64/context.o
obj-y += arch/arm64/cpu.o
obj-y += arch/arm64/mmu.o
obj-y += arch/arm64/pgtable.o
obj-y += arch/arm64/traps.o
obj-y += arch/arm64/vectors.o
