# SPDX-License-Identifier: GPL-2.0
# Objects of the core hypervisor.

obj-y += core/devtree.o
obj-y += core/mm/page_alloc.o
obj-y += core/mm/heap.o
obj-y += core/mm/mm_report.o
obj-y += core/mm/memory.o
obj-y += core/mm/pgtable.o core/mm/pgtable_pool.o
obj-y += core/init.o core/printk.o core/panic.o core/timer.o core/sched.o core/runqueue.o core/thread.o core/irq.o core/smp.o core/power.o core/driver.o core/chardev.o
obj-$(CONFIG_TERMINAL) += core/term/terminal.o core/term/command_registry.o core/term/cmd_help.o
obj-$(CONFIG_CMD_VERSION) += core/term/cmd_version.o
obj-$(CONFIG_CMD_HOST) += core/term/cmd_host.o
obj-$(CONFIG_CMD_HEAP) += core/term/cmd_heap.o
obj-$(CONFIG_CMD_THREAD) += core/term/cmd_thread.o
obj-$(CONFIG_CMD_DEVTREE) += core/term/cmd_devtree.o
obj-$(CONFIG_CMD_POWER) += core/term/cmd_power.o
obj-$(CONFIG_CMD_SELFTEST) += core/term/cmd_selftest.o
obj-y += core/bundle.o
obj-$(CONFIG_CMD_BUNDLE) += core/term/cmd_bundle.o
obj-$(CONFIG_CMD_ENTROPY) += core/term/cmd_entropy.o
obj-y += core/aspace.o core/devemu.o core/devemu_registry.o core/devemu_instance.o core/vcpu.o core/vcpu_prof.o core/guest.o core/guest_config.o core/guest_load.o core/mutex.o
obj-$(CONFIG_CMD_GUEST) += core/term/cmd_guest.o core/term/cmd_vcpu.o
# guest new: its options, and the board's standard machine it builds on.
obj-$(CONFIG_CMD_GUEST) += core/guest_new.o core/guest_machine.o
obj-y += core/vserial.o
obj-y += core/virtio/virtqueue.o core/entropy.o core/blockdev.o core/netswitch.o
obj-$(CONFIG_EMU_VIRTIO) += core/virtio/device.o
obj-$(CONFIG_CMD_VIRTIO) += core/term/cmd_virtio.o
obj-$(CONFIG_CMD_BLOCKDEV) += core/term/cmd_blockdev.o
obj-$(CONFIG_CMD_NETSWITCH) += core/term/cmd_netswitch.o
obj-$(CONFIG_CMD_VSERIAL) += core/term/cmd_vserial.o
