/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keel's linker script, for every arch (asm/lds.h names the output
 * architecture). Keel is linked as a position-independent executable
 * (at 0 unless asm/lds.h says otherwise) and relocates itself (head.S),
 * so the same image boots wherever the loader puts it. Text, read-only data and writable data each start on a
 * page so that the MMU can map them execute-only, read-only and
 * no-execute (W^X). The .s* small-data sections are RISC-V's.
 */
#include <asm/lds.h>

/*
 * An arch whose loader relocates nothing links Keel where it will run
 * (KEEL_LINK_BASE), and may add a segment of its own (a boot note).
 */
#ifndef KEEL_LINK_BASE
#define KEEL_LINK_BASE 0
#endif
#ifndef KEEL_LDS_ARCH_PHDRS
#define KEEL_LDS_ARCH_PHDRS
#endif
#ifndef KEEL_LDS_ARCH_SECTIONS
#define KEEL_LDS_ARCH_SECTIONS
#endif

OUTPUT_ARCH(KEEL_LDS_ARCH)
ENTRY(_keel_start)

PHDRS
{
	text PT_LOAD FLAGS(5);
	rodata PT_LOAD FLAGS(4);
	data PT_LOAD FLAGS(6);
	dynamic PT_DYNAMIC FLAGS(6);
	KEEL_LDS_ARCH_PHDRS
}

SECTIONS
{
	. = KEEL_LINK_BASE;
	_keel_start = .;
	.text : {
		_text_start = .;
		KEEP(*(.text.head))
		*(.text .text.*)
		. = ALIGN(4096);
		_text_end = .;
	} :text

	.rodata : {
		_rodata_start = .;
		*(.rodata .rodata.* .srodata .srodata.*)
		. = ALIGN(8);
		_drivers_start = .;
		KEEP(*(SORT(.keel.drivers.*)))
		_drivers_end = .;
		. = ALIGN(8);
		_commands_start = .;
		KEEP(*(SORT(.keel.commands.*)))
		_commands_end = .;
		. = ALIGN(8);
		_emulators_start = .;
		KEEP(*(SORT(.keel.emulators.*)))
		_emulators_end = .;
		. = ALIGN(8);
		_virtio_models_start = .;
		KEEP(*(SORT(.keel.virtio_models.*)))
		_virtio_models_end = .;
		. = ALIGN(8);
		_virtio_drivers_start = .;
		KEEP(*(SORT(.keel.virtio_drivers.*)))
		_virtio_drivers_end = .;
	} :rodata
	.rela.dyn : {
		. = ALIGN(8);
		__rela_start = .;
		*(.rela .rela.*)
		__rela_end = .;
	}
	.dynsym : { *(.dynsym) }
	.dynstr : { *(.dynstr) }
	.hash : { *(.hash) }
	.gnu.hash : { *(.gnu.hash) }
	/* Last of read-only data: sections after it name their segment. */
	KEEL_LDS_ARCH_SECTIONS
	. = ALIGN(4096);
	_rodata_end = .;

	.data : {
		_data_start = .;
		*(.data .data.* .sdata .sdata.*)
		*(.got .got.*)
	} :data
	.dynamic : { *(.dynamic) } :data :dynamic

	.bss (NOLOAD) : {
		. = ALIGN(16);
		_bss_start = .;
		*(.bss .bss.* .sbss .sbss.*)
		*(COMMON)
		. = ALIGN(16);
		_bss_end = .;
	} :data
	. = ALIGN(4096);
	_keel_end = .;
	_keel_size = ABSOLUTE(_keel_end - _keel_start);

	/DISCARD/ : {
		*(.interp) *(.comment) *(.note*) *(.eh_frame*)
	}
}
