// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The benchmark's floor: empty programs at exactly the hooks ipcscope uses.
 * What this costs is the price of being attached at all; what ipcscope
 * costs beyond it is the price of its work.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tp_btf/signal_generate")
int BPF_PROG(floor_sig_generate) { return 0; }

SEC("tp_btf/signal_deliver")
int BPF_PROG(floor_sig_deliver) { return 0; }

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_sys_enter) { return 0; }

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit) { return 0; }

SEC("tp_btf/sched_process_fork")
int BPF_PROG(floor_fork) { return 0; }

SEC("tp_btf/sched_process_exec")
int BPF_PROG(floor_exec) { return 0; }

SEC("tp_btf/sched_process_exit")
int BPF_PROG(floor_exit) { return 0; }

SEC("tp_btf/sched_prepare_exec")
int BPF_PROG(floor_prepare_exec) { return 0; }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
