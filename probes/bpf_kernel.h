/*
 * bpf_kernel.h - the kernel structures ipctop's BPF programs read, for the BPF target only
 * (never included by host code). Only the members read are declared, each marked
 * preserve_access_index: every access is relocated against the running kernel's BTF (CO-RE),
 * so no kernel headers are needed and the offsets are the kernel's own. Members that moved
 * into anonymous unions in newer kernels (dentry's d_name, inode's i_nlink) are found by name.
 * Nothing here needs a helper or kfunc newer than Linux 6.1 (Debian 12's kernel).
 */
#ifndef IPCTOP_BPF_KERNEL_H
#define IPCTOP_BPF_KERNEL_H

#include <linux/types.h>

#define S_IFMT_ 0170000
#define S_IFIFO_ 0010000
#define ANON_INODE_FS_MAGIC_ 0x09041934	/* <linux/magic.h> */
#define TMPFS_MAGIC_ 0x01021994
#define HUGETLBFS_MAGIC_ 0x958458f6
#define VM_MAYSHARE_ 0x00000080		/* <linux/mm.h>: what maps prints as "s" */
#define MNT_INTERNAL_ 0x4000		/* <linux/mount.h>: a kern_mount() (shm, pipefs, ...) */

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

struct hlist_bl_node {
	struct hlist_bl_node **pprev;
} __attribute__((preserve_access_index));

struct dentry {
	struct hlist_bl_node d_hash;
	struct dentry *d_parent;
	struct qstr d_name;
} __attribute__((preserve_access_index));

struct vfsmount {
	struct dentry *mnt_root;
	int mnt_flags;
} __attribute__((preserve_access_index));

struct path {
	struct vfsmount *mnt;
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

#endif
