/*
 * fd_iter.bpf.c - the descriptor iterator ipctop_fds (task_file): one fd_iter_rec per open
 * descriptor of every process, read in the kernel in one pass (what /proc costs a path walk
 * per descriptor). Compiled with clang -target bpf and embedded in ipctop as a bpftool light
 * skeleton of its own (probes/fd_iter.c loads it; the maps iterator, maps_iter.bpf.c, is
 * another, so that one refused by a verifier costs only its own pass).
 * Read-only: it only reads the task's file table, inodes, anonymous inodes' names and, for
 * pipes and FIFOs, the ring's lengths (as FIONREAD sums them, without the pipe's lock).
 * The kernel structures it reads are in bpf_kernel.h (CO-RE).
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "probes/bpf_kernel.h"
#include "probes/fd_iter_rec.h"

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __attribute__((preserve_access_index));

/* Bytes queued in a pipe ring, or -1 when the ring is larger than we sum (or unreadable). */
static __s64 pipe_queued(struct pipe_inode_info *pipe)
{
	unsigned int head = pipe->head, tail = pipe->tail;
	unsigned int ring = pipe->ring_size;
	struct pipe_buffer *bufs = pipe->bufs;
	__u64 size = bpf_core_type_size(struct pipe_buffer);
	__s64 sum = 0;

	if (!ring || (ring & (ring - 1)) || head - tail > FD_ITER_PIPE_SLOTS || !bufs)
		return -1;
	for (unsigned int i = 0; i < FD_ITER_PIPE_SLOTS; i++) {
		struct pipe_buffer *b;
		unsigned int len;

		if (tail + i == head)
			break;
		b = (struct pipe_buffer *)((char *)bufs + ((tail + i) & (ring - 1)) * size);
		if (bpf_core_read(&len, sizeof(len), &b->len))
			return -1;
		sum += len;
	}
	return sum;
}

SEC("iter/task_file")
int ipctop_fds(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct fd_iter_rec r = {};
	struct inode *inode;

	if (!task || !file)
		return 0;
	/* /proc/<pid>/fd is the thread group leader's table: a thread that unshared its own
	 * (clone without CLONE_FILES) is not part of it */
	if (task->pid != task->tgid)
		return 0;
	/* direct loads through the kernel's typed pointers (the verifier turns them into
	 * fault-safe loads): much cheaper than a bpf_probe_read_kernel() per field */
	inode = file->f_inode;
	if (!inode)
		return 0;
	r.magic = FD_ITER_MAGIC;
	r.tgid = task->tgid;
	r.fd = ctx->fd;
	r.f_mode = file->f_mode;
	r.i_mode = inode->i_mode;
	r.ino = inode->i_ino;
	r.s_dev = inode->i_sb->s_dev;
	r.s_magic = inode->i_sb->s_magic;
	r.pipe_queued = -1;
	if ((r.i_mode & S_IFMT_) == S_IFIFO_) {
		struct pipe_inode_info *pipe = inode->i_pipe;

		if (pipe) {
			r.pipe_slots = pipe->max_usage;
			r.pipe_queued = pipe_queued(pipe);
		}
	} else if ((r.i_mode & S_IFMT_) == 0 || r.s_magic == ANON_INODE_FS_MAGIC_) {
		/* an anonymous inode (older kernels give it no type, newer ones S_IFREG) */
		const unsigned char *name = file->f_path.dentry->d_name.name;

		if (name)
			bpf_probe_read_kernel_str(r.name, sizeof(r.name), name);
	}
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
