/*
 * maps_iter.bpf.c - the mappings iterator ipctop_maps (task_vma): one fd_iter_map_rec per
 * shared mapping of a file on tmpfs or hugetlbfs that may be an IPC object (a System V
 * segment, or a file directly in a tmpfs' root such as /dev/shm), read in the kernel in one
 * pass (what /proc costs a maps file per process). Its own light skeleton (fd_iter.c).
 *
 * It never formats a path: bpf_d_path() takes only trusted pointers, and a vma's file is not
 * one for the verifier (Linux 6.18 refuses it; 6.1 has no such kfunc either). It gives the
 * file's device, inode and dentry name instead, with what d_path() would have told: whether
 * the dentry is unlinked, whether it sits in its mount's root directory, and whether the mount
 * is the kernel's internal one (where System V segments live, named "SYSV<key>", inode =
 * shmid). User space names the objects from that (fd_iter_map_entry). Threads share their
 * leader's memory and are skipped. Read-only.
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "probes/bpf_kernel.h"
#include "probes/fd_iter_rec.h"

struct bpf_iter__task_vma {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	struct vm_area_struct *vma;
} __attribute__((preserve_access_index));

SEC("iter/task_vma")
int ipctop_maps(struct bpf_iter__task_vma *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct vm_area_struct *vma = ctx->vma;
	struct fd_iter_map_rec r = {};
	const unsigned char *name;
	struct dentry *dentry;
	struct vfsmount *mnt;
	struct inode *inode;
	struct file *file;
	unsigned long magic;

	if (!task || !vma || task->pid != task->tgid)
		return 0;
	if (!(vma->vm_flags & VM_MAYSHARE_))
		return 0;
	file = vma->vm_file;
	if (!file)
		return 0;
	inode = file->f_inode;
	dentry = file->f_path.dentry;
	mnt = file->f_path.mnt;
	if (!inode || !dentry || !mnt)
		return 0;
	magic = inode->i_sb->s_magic;
	if (magic != TMPFS_MAGIC_ && magic != HUGETLBFS_MAGIC_)
		return 0;
	name = dentry->d_name.name;
	if (!name || bpf_probe_read_kernel_str(r.name, sizeof(r.name), name) <= 1)
		return 0;
	if (mnt->mnt_flags & MNT_INTERNAL_) {
		/* the kernel's own mount: a System V segment is "SYSV<key>" there (memfds are
		 * "memfd:...", and nobody else names files on it) */
		if (r.name[0] != 'S' || r.name[1] != 'Y' || r.name[2] != 'S' || r.name[3] != 'V')
			return 0;
		r.flags |= FD_ITER_MAP_SYSV;
	} else if (dentry->d_parent == mnt->mnt_root && dentry->d_parent != dentry) {
		r.flags |= FD_ITER_MAP_TOP;
	} else {
		return 0;	/* deeper in a tree: no POSIX object */
	}
	/* d_path()'s " (deleted)": an unhashed dentry that is not a root */
	if (!dentry->d_hash.pprev && dentry->d_parent != dentry)
		r.flags |= FD_ITER_MAP_DELETED;
	r.magic = FD_ITER_MAP_MAGIC;
	r.tgid = task->tgid;
	r.ino = inode->i_ino;
	r.s_dev = inode->i_sb->s_dev;
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
