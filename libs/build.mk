obj-y += libs/fdt/fdt_ro.o
obj-y += libs/fdt/fdt_sw.o
obj-y += libs/fdt/fdt_rw.o
obj-y += libs/fdt/fdt_strerror.o
obj-y += libs/fdt/fdt_check.o
obj-y += libs/string.o
obj-y += libs/printf.o
obj-y += libs/crc32.o
