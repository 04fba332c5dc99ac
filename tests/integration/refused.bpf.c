/*
 * refused.bpf.c - a BPF iterator every verifier refuses (it reads a register never written),
 * for bpf_programs.sh: ipctop's loader must report the verifier's own reason for it, not a
 * missing capability. Never loaded by ipctop itself.
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

struct bpf_iter_meta;
struct task_struct;

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

SEC("iter/task")
int ipctop_refused(struct bpf_iter__task *ctx)
{
	int r;

	(void)ctx;
	/* r2 is read before any write: "R2 !read_ok" */
	asm volatile("r0 = r2" : "=r"(r));
	return r & 1;
}

char LICENSE[] SEC("license") = "GPL";
