/*
 * fd_iter.bpf.c - two BPF iterators: ipctop_fds (task_file), one fd_iter_rec per open
 * descriptor of every process, and ipctop_maps (task_vma), one fd_iter_map_rec per shared
 * mapping of a System V segment or /dev/shm file; each read in the kernel in one pass (what
 * /proc costs a path walk per descriptor and a maps file per process). Compiled with clang
 * -target bpf and embedded in ipctop as a bpftool light skeleton (probes/fd_iter.c loads it).
 * Read-only: they only read the task's file table and memory map, inodes, paths and, for
 * pipes and FIFOs, the ring's lengths (as FIONREAD sums them, without the pipe's lock).
 *
 * The kernel structures are declared here with only the members read, marked
 * preserve_access_index: every access is relocated against the running kernel's BTF
 * (CO-RE), so no kernel headers are needed and the offsets are the kernel's own.
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "probes/fd_iter_rec.h"

#define S_IFMT_ 0170000
#define S_IFIFO_ 0010000
#define ANON_INODE_FS_MAGIC_ 0x09041934	/* <linux/magic.h> */
#define VM_MAYSHARE_ 0x00000080		/* <linux/mm.h>: what maps prints as "s" */

struct super_block {
	__u32 s_dev;
	unsigned long s_magic;
} __attribute__((preserve_access_index));

struct pipe_buffer {
	unsigned int len;
} __attribute__((preserve_access_index));

struct pipe_inode_info {
	unsigned int head;
	unsigned int tail;
	unsigned int max_usage;
	unsigned int ring_size;
	struct pipe_buffer *bufs;
} __attribute__((preserve_access_index));

struct inode {
	unsigned short i_mode;
	unsigned long i_ino;
	struct super_block *i_sb;
	struct pipe_inode_info *i_pipe;
} __attribute__((preserve_access_index));

struct qstr {
	const unsigned char *name;
} __attribute__((preserve_access_index));

struct dentry {
	struct qstr d_name;
} __attribute__((preserve_access_index));

struct path {
	struct dentry *dentry;
} __attribute__((preserve_access_index));

struct file {
	struct path f_path;
	struct inode *f_inode;
	unsigned int f_mode;
} __attribute__((preserve_access_index));

struct vm_area_struct {
	unsigned long vm_flags;
	struct file *vm_file;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct bpf_iter__task_vma {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	struct vm_area_struct *vma;
} __attribute__((preserve_access_index));

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

/* "/SYSV" or "/dev/shm/" at the start of path */
static int is_ipc_path(const char *path)
{
	static const char sysv[] = "/SYSV", shm[] = "/dev/shm/";
	int i;

	for (i = 0; i < 5; i++)
		if (path[i] != sysv[i])
			break;
	if (i == 5)
		return 1;
	for (i = 0; i < 9; i++)
		if (path[i] != shm[i])
			return 0;
	return 1;
}

/*
 * The maps side: one fd_iter_map_rec per shared file mapping of a System V segment or a
 * /dev/shm file, with the path /proc/<pid>/maps would print (the same d_path()), so the
 * kernel never formats a process's other mappings. Threads share their leader's memory.
 */
SEC("iter/task_vma")
int ipctop_maps(struct bpf_iter__task_vma *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct vm_area_struct *vma = ctx->vma;
	struct fd_iter_map_rec r = {};
	struct inode *inode;
	struct file *file;

	if (!task || !vma || task->pid != task->tgid)
		return 0;
	if (!(vma->vm_flags & VM_MAYSHARE_))
		return 0;
	file = vma->vm_file;
	if (!file)
		return 0;
	if (bpf_d_path(&file->f_path, r.path, sizeof(r.path)) < 0 || !is_ipc_path(r.path))
		return 0;
	inode = file->f_inode;
	if (!inode)
		return 0;
	r.magic = FD_ITER_MAP_MAGIC;
	r.tgid = task->tgid;
	r.ino = inode->i_ino;
	r.s_dev = inode->i_sb->s_dev;
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
