// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The one BPF object ipcscope loads. The programs live in one file per
 * domain, included here rather than linked with `bpftool gen object`:
 * libbpf 1.1's linker rejects a kfunc (bpf_rdonly_cast, files.bpf.h)
 * declared by more than one object ("failed to resolve size of underlying
 * type"), and that kfunc is what makes fd lookups plain loads.
 *
 * Order matters: the skeleton attaches programs in the order they appear,
 * and rt_sigreturn (sys_enter) must be watched before signal_deliver pushes
 * handler frames it would pop.
 */
#include "syscalls.bpf.c"
#include "signals.bpf.c"
#include "proc.bpf.c"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
