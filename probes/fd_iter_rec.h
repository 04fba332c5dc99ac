/*
 * fd_iter_rec.h - one open descriptor (or one IPC mapping) as the BPF iterators of
 * fd_iter.bpf.c write it and fd_iter.c reads it back: the layouts both sides share. Plain fixed-size integers and
 * explicit padding only, so the BPF target and the host compiler lay it out the same way.
 */
#ifndef IPCTOP_FD_ITER_REC_H
#define IPCTOP_FD_ITER_REC_H

#include <linux/types.h>

#define FD_ITER_MAGIC 0x69706366u	/* "ipcf": a record of this layout, version 1 */
#define FD_ITER_PIPE_SLOTS 16		/* occupied ring slots summed in the kernel at most */
#define FD_ITER_NAME_MAX 32

struct fd_iter_rec {
	__u32 magic;		/* FD_ITER_MAGIC */
	__u32 tgid;		/* the process (thread group leader) in the initial pid namespace */
	__u32 fd;
	__u32 f_mode;		/* the file's FMODE_* bits: 0x1 read, 0x2 write */
	__u32 i_mode;		/* the inode's type and permission bits (S_IFMT 0: anonymous) */
	__u32 s_dev;		/* the kernel's dev_t of its filesystem: major << 20 | minor */
	__u64 s_magic;		/* that filesystem's magic (pipefs, sockfs, mqueue, ...) */
	__u64 ino;
	__s64 pipe_queued;	/* pipes and FIFOs: bytes in the ring (as FIONREAD); -1 unknown
				 * (more than FD_ITER_PIPE_SLOTS slots in use: pipes.c asks) */
	__u32 pipe_slots;	/* pipes and FIFOs: max_usage, capacity = slots * page size */
	__u32 pad;
	char name[FD_ITER_NAME_MAX];	/* anonymous inodes: the dentry name, "[eventfd]" */
};

#define FD_ITER_MAP_MAGIC 0x6970634du	/* "ipcM": a mapping record, version 2 */
#define FD_ITER_MAP_NAME_MAX 256		/* NAME_MAX + NUL */

/* flags of a mapping record */
#define FD_ITER_MAP_SYSV 0x1	/* on the kernel's internal mount, named "SYSV<key hex>": a
				 * System V segment, whose inode is the shmid */
#define FD_ITER_MAP_TOP 0x2	/* directly in its mount's root directory (a tmpfs such as
				 * /dev/shm: user space checks the device) */
#define FD_ITER_MAP_DELETED 0x4	/* unlinked: what d_path() marks " (deleted)" */

/* One shared mapping of a file on tmpfs or hugetlbfs that may be an IPC object, from the maps
 * iterator: its device, inode and dentry name, never a path (maps_iter.bpf.c says why);
 * fd_iter_map_entry() names it as /proc/<pid>/maps would ("/SYSV<key>", "/dev/shm/NAME"). */
struct fd_iter_map_rec {
	__u32 magic;		/* FD_ITER_MAP_MAGIC */
	__u32 tgid;
	__u32 s_dev;		/* major << 20 | minor, as in fd_iter_rec */
	__u32 flags;		/* FD_ITER_MAP_* */
	__u64 ino;
	char name[FD_ITER_MAP_NAME_MAX];	/* the dentry's name, NUL-terminated */
};

#endif
