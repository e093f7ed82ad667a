/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A riscv64 vCPU as a hart (vhart.c): its timer, software interrupt,
 * owed remote fences and HSM suspension, as the SBI (sbi_emul.c) and the
 * run loop (vcpu.c) use them.
 */
#ifndef RISCV_VHART_H
#define RISCV_VHART_H

#include <keel/guest.h>

/* A compare value that is never reached: the timer is not armed. */
#define TIME_NONE (~0ULL)

/*
 * Every host hart has Sstc and the firmware lets it be used (henvcfg.STCE
 * sticks): guests get it too (their device tree lists it, and vCPUs run
 * with henvcfg.STCE so that vstimecmp works).
 */
bool riscv_guest_has_sstc(void);

/* The vCPU's guest has Sstc: its timer is vstimecmp. */
static inline bool riscv_vcpu_sstc(const struct vcpu *v)
{
	return v->guest->arch.sstc;
}

/* vCPU life: creation, destruction, and a hart's reset state. */
void riscv_vhart_init(struct vcpu *v);
void riscv_vhart_destroy(struct vcpu *v);
void riscv_vhart_reset(struct arch_vcpu *a);

/* Before entry: out of hart_suspend (the vCPU runs again). */
void riscv_vhart_resume(struct arch_vcpu *a);
/*
 * For the entry's hvip (vcpu.c): take an owed SBI IPI (true if one was),
 * and, without Sstc, VSTIP from the SBI timer's deadline, arming a host
 * event so that a running guest exits when it is due.
 */
bool riscv_vhart_take_ipi(struct arch_vcpu *a);
unsigned long riscv_vhart_sbi_timer_hvip(struct vcpu *v);

/* The guest's timer compare value in guest time; TIME_NONE if unarmed. */
u64 riscv_vhart_timer_compare(const struct vcpu *v);

/*
 * What the SBI asks of a vCPU:
 *   riscv_vcpu_set_timer   SBI TIME: the next timer interrupt at the
 *                          guest's time value, clearing a pending one
 *   riscv_vcpu_send_ipi    raise target's supervisor software interrupt
 *                          and kick it
 *   riscv_vcpu_fence       target must run FENCE.I (i_cache) or drop its
 *                          guest TLB entries before it next runs
 *   riscv_vcpu_suspend     HSM hart_suspend: the vCPU is SUSPENDED until it
 *                          next runs; non_retentive: it then resumes at
 *                          addr with a0 = hart id, a1 = opaque
 *   riscv_vcpu_suspended   whether target is in hart_suspend now
 */
void riscv_vcpu_set_timer(struct vcpu *v, u64 guest_time);
void riscv_vcpu_send_ipi(struct vcpu *target);
void riscv_vcpu_fence(struct vcpu *target, bool i_cache);
void riscv_vcpu_suspend(struct vcpu *v, bool non_retentive, u64 addr,
			u64 opaque);
bool riscv_vcpu_suspended(struct vcpu *target);

#endif
