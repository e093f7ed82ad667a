/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The board's standard guest machine (boards/<arch>/<board>/
 * guest-machine.dts, compiled by dtc to GUEST_MACHINE_DTB), built into
 * Keel for `guest new` (core/guest_new.c). 8-byte aligned, as an
 * unflattened blob wants.
 */
	.section .rodata.guest_machine, "a"
	.balign 8
	.global guest_machine_dtb
guest_machine_dtb:
	.incbin GUEST_MACHINE_DTB
	.global guest_machine_dtb_end
guest_machine_dtb_end:
