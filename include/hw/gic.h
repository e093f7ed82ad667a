/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ARM Generic Interrupt Controller's memory-mapped register layout,
 * from the GICv3 and GICv4 architecture specification (ARM IHI 0069) and
 * the GICv2 architecture specification (ARM IHI 0048B): what the host
 * drivers (drivers/irqchip/gic-v2.c, gic-v3.c), the guest's GIC
 * (emulators/irqchip/vgic-*) and their unit tests share. Offsets are from
 * the base of their frame. The GICv3 CPU interface is system registers:
 * only the fields of ICC_SGI1R_EL1, which the driver writes and the
 * emulator decodes, are here; the encodings of the ICC_ and ICH_ registers
 * are the arch's (asm/sysreg.h).
 */
#ifndef HW_GIC_H
#define HW_GIC_H

#include <keel/types.h>

/* ---- INTIDs ---- */

#define GIC_NR_SGIS 16 /* INTIDs 0-15 */
#define GIC_NR_PPIS 16 /* INTIDs 16-31 */
#define GIC_NR_PRIVATE (GIC_NR_SGIS + GIC_NR_PPIS) /* banked per CPU */
#define GIC_PPI_BASE GIC_NR_SGIS
#define GIC_SPI_BASE GIC_NR_PRIVATE
/* SGIs, PPIs and SPIs: INTIDs 0-1019; 1020-1023 are special. */
#define GIC_NR_INTIDS 1020
#define GIC_NR_SPIS (GIC_NR_INTIDS - GIC_SPI_BASE)
#define GIC_INTID_SPURIOUS 1023

/*
 * The devicetree binding's interrupt specifier, <type number flags>
 * (Linux's Documentation/devicetree/bindings/interrupt-controller/
 * arm,gic.yaml and arm,gic-v3.yaml): type 0 is an SPI, numbered from
 * INTID 32, type 1 a PPI, numbered from INTID 16.
 */
#define GIC_SPEC_SPI 0
#define GIC_SPEC_PPI 1
#define GIC_SPEC_CELLS 3

/* ---- distributor (GICD) ---- */

#define GICD_V2_SIZE 0x1000ULL /* GICv2: 4 KiB */
#define GICD_V3_SIZE 0x10000ULL /* GICv3: 64 KiB */

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_TYPER2 0x000c /* GICv3 */
#define GICD_STATUSR 0x0010 /* GICv3 */
/* One bit per INTID, 32 INTIDs a register */
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
/* One byte per INTID */
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR 0x0800 /* GICv2, and GICv3 without affinity routing */
/* Two bits per INTID, 16 INTIDs a register */
#define GICD_ICFGR 0x0c00
#define GICD_ICFGR_END 0x0d00
#define GICD_IGRPMODR 0x0d00 /* GICv3 */
#define GICD_NSACR 0x0e00
/* GICv2 SGI registers (GICv3: only without affinity routing) */
#define GICD_SGIR 0x0f00
#define GICD_CPENDSGIR 0x0f10 /* one byte per SGI, a bit per source CPU */
#define GICD_SPENDSGIR 0x0f20
#define GICD_SPENDSGIR_END 0x0f30
/* GICv3: GICD_IROUTER<n>, 64 bits, for SPIs (n = 32-1019) */
#define GICD_IROUTER 0x6000
#define GICD_IROUTER_END (GICD_IROUTER + 8 * GIC_NR_INTIDS)

/*
 * Identification: the last 48 bytes of the frame. PIDR2.ArchRev is
 * architected, the rest IMPLEMENTATION DEFINED (CoreSight's layout).
 * GICv3 (GICD_PIDR2); the redistributors' RD_base
 * frames have the same block at the same offsets.
 */
#define GICD_PIDR4 0xffd0
#define GICD_PIDR0 0xffe0
#define GICD_PIDR1 0xffe4
#define GICD_PIDR2 0xffe8
#define GICD_PIDR3 0xffec
#define GICD_CIDR0 0xfff0
/* GICv2 (ICPIDR2) */
#define GICD_ICPIDR4 0x0fd0
#define GICD_ICPIDR0 0x0fe0
#define GICD_ICPIDR1 0x0fe4
#define GICD_ICPIDR2 0x0fe8
#define GICD_ICPIDR3 0x0fec
#define GICD_ICCIDR0 0x0ff0
#define GIC_PIDR2_ARCHREV_SHIFT 4

/* GICD_CTLR, GICv2 without security extensions / GICv3 with DS = 1 */
#define GICD_CTLR_ENABLE_G0 (1U << 0)
#define GICD_CTLR_ENABLE_G1 (1U << 1)
#define GICD_CTLR_ARE (1U << 4) /* GICv3: affinity routing */
#define GICD_CTLR_DS (1U << 6) /* GICv3: a single security state */
#define GICD_CTLR_RWP (1U << 31) /* GICv3: register write pending */

/* GICD_TYPER */
#define GICD_TYPER_ITLINES_MASK 0x1fU /* 32 * (ITLinesNumber + 1) INTIDs */
#define GICD_TYPER_CPUNUMBER_SHIFT 5
#define GICD_TYPER_SECURITYEXTN (1U << 10)
#define GICD_TYPER_LPIS (1U << 17) /* GICv3 */
#define GICD_TYPER_IDBITS_SHIFT 19 /* GICv3: INTID bits - 1 */
#define GICD_TYPER_A3V (1U << 24) /* GICv3: Aff3 supported */

/* GICD_SGIR (GICv2) */
#define GICD_SGIR_FILTER_SHIFT 24
#define GICD_SGIR_FILTER_MASK 0x3U
#define GICD_SGIR_FILTER_LIST 0 /* the CPUs of CPUTargetList */
#define GICD_SGIR_FILTER_OTHERS 1 /* all but the sender */
#define GICD_SGIR_FILTER_SELF 2 /* the sender */
#define GICD_SGIR_TARGETS_SHIFT 16
#define GICD_SGIR_TARGETS_MASK 0xffU
#define GICD_SGIR_INTID_MASK 0xfU

/* GICD_IROUTER (GICv3): Aff3 in 39:32, Aff2.Aff1.Aff0 in 23:0, as MPIDR */
#define GICD_IROUTER_IRM (1ULL << 31) /* any participating PE */
#define GICD_IROUTER_AFF_MASK 0xff00ffffffULL

/* ---- redistributors (GICR, GICv3) ---- */

/* Each is an RD_base frame then an SGI_base frame; GICv4 adds two. */
#define GICR_SGI_BASE 0x10000ULL
#define GICR_V3_SIZE 0x20000ULL
#define GICR_V4_SIZE 0x40000ULL /* when GICR_TYPER.VLPIS */

/* RD_base frame */
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008 /* 64 bits */
#define GICR_STATUSR 0x0010
#define GICR_WAKER 0x0014
#define GICR_SETLPIR 0x0040
#define GICR_CLRLPIR 0x0048
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICR_INVLPIR 0x00a0
#define GICR_INVALLR 0x00b0
#define GICR_PIDR2 GICD_PIDR2

#define GICR_CTLR_RWP (1U << 3)

#define GICR_TYPER_PLPIS (1ULL << 0)
#define GICR_TYPER_VLPIS (1ULL << 1)
#define GICR_TYPER_LAST (1ULL << 4)
#define GICR_TYPER_PROCNUM_SHIFT 8
#define GICR_TYPER_AFF_SHIFT 32

#define GICR_WAKER_PROCESSOR_SLEEP (1U << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1U << 2)

/*
 * GICR_TYPER.Affinity_Value for a PE's MPIDR: Aff3.Aff2.Aff1.Aff0 in 32
 * bits (GICD_IROUTER keeps MPIDR's layout instead).
 */
static inline u32 gic_affinity32(u64 mpidr)
{
	return (u32)(((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff));
}

/* GICD_IROUTER's routing to the PE of this MPIDR (IRM clear). */
static inline u64 gic_irouter_affinity(u64 mpidr)
{
	return mpidr & GICD_IROUTER_AFF_MASK;
}

/*
 * SGI_base frame: the distributor's layout for INTIDs 0-31, one register
 * of each family (two of ICFGR, eight of IPRIORITYR).
 */
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0 0x0200
#define GICR_ICPENDR0 0x0280
#define GICR_ISACTIVER0 0x0300
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR0 0x0400
#define GICR_IPRIORITYR_END (GICR_IPRIORITYR0 + GIC_NR_PRIVATE)
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04
#define GICR_IGRPMODR0 0x0d00

/* ---- GICv2 CPU interface (GICC) ---- */

/* 8 KiB: GICC_DIR is at 0x1000. */
#define GICC_V2_SIZE 0x2000ULL
#define GICV2_MAX_CPUS 8

#define GICC_CTLR 0x0000
#define GICC_PMR 0x0004
#define GICC_BPR 0x0008
#define GICC_IAR 0x000c
#define GICC_EOIR 0x0010
#define GICC_DIR 0x1000

#define GICC_IAR_INTID_MASK 0x3ffU

/* ---- ICC_SGI1R_EL1, the GICv3 CPU interface's SGI generation ---- */

#define ICC_SGI1R_TARGETS_MASK 0xffffULL /* Aff0 = RS * 16 + bit */
#define ICC_SGI1R_AFF1_SHIFT 16
#define ICC_SGI1R_INTID_SHIFT 24
#define ICC_SGI1R_AFF2_SHIFT 32
#define ICC_SGI1R_IRM (1ULL << 40) /* all PEs but the sender */
#define ICC_SGI1R_RS_SHIFT 44
#define ICC_SGI1R_AFF3_SHIFT 48

#define ICC_SGI1R_TARGETS(v) ((v)&ICC_SGI1R_TARGETS_MASK)
#define ICC_SGI1R_AFF1(v) (((v) >> ICC_SGI1R_AFF1_SHIFT) & 0xff)
#define ICC_SGI1R_INTID(v) (((v) >> ICC_SGI1R_INTID_SHIFT) & 0xf)
#define ICC_SGI1R_AFF2(v) (((v) >> ICC_SGI1R_AFF2_SHIFT) & 0xff)
#define ICC_SGI1R_RS(v) (((v) >> ICC_SGI1R_RS_SHIFT) & 0xf)
#define ICC_SGI1R_AFF3(v) (((v) >> ICC_SGI1R_AFF3_SHIFT) & 0xff)

#endif
