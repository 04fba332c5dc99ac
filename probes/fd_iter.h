/*
 * fd_iter.h - every open descriptor, and every IPC mapping, of every process in one read
 * each: the BPF task-file and task-vma iterators of fd_iter.bpf.c, loaded once per collector
 * on the live system (they need CAP_BPF and CAP_PERFMON) and read once per collection.
 * fds.c and proc_maps.c use them instead of a path walk per descriptor under /proc/<pid>/fd
 * and a read of every /proc/<pid>/maps when they load, and fds.c says why when they do not;
 * the two ways give the same lists (tests/integration/fd_iter.sh compares them).
 *
 * The table and fd_iter_entry() are pure functions of the bytes read (fuzzed: a kernel that
 * writes something else must not crash ipctop).
 */
#ifndef IPCTOP_FD_ITER_H
#define IPCTOP_FD_ITER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "probes/bpf_load.h"
#include "probes/fd_iter_rec.h"
#include "probes/probe.h"

struct fd_iter;

/* The two iterators: every descriptor (fd_iter_rec), every IPC mapping (fd_iter_map_rec). */
enum fd_iter_kind { FD_ITER_FDS, FD_ITER_MAPS, FD_ITER_KINDS };

/* Loads the embedded programs, each on its own (IPCTOP_NO_BPF=1 in the environment: never).
 * why[kind] is "" for an iterator that loaded, else one line saying why not (the verifier's
 * reason, "off (IPCTOP_NO_BPF is set)", ...: probes/bpf_load.h). NULL when neither loaded. */
struct fd_iter *fd_iter_open(char why[FD_ITER_KINDS][BPF_LOAD_WHY_MAX]);
/* One pass of one iterator: *data points at its *len bytes in the iterator's own memory for
 * that kind (page-aligned, writable), valid until the next read of that kind or
 * fd_iter_close. Returns 0, -ENODEV (that iterator did not load) or -errno. */
int fd_iter_read(struct fd_iter *it, enum fd_iter_kind kind, char **data, size_t *len);
/* Gives the memory of the last pass back to the system (its data is no longer needed). */
void fd_iter_release(struct fd_iter *it, enum fd_iter_kind kind);
void fd_iter_close(struct fd_iter *it);

/* The records of one pass, sorted by (tgid, fd). */
struct fd_iter_table {
	struct fd_iter_rec *recs;
	size_t n;
	bool owned;		/* recs is a copy (fd_iter_parse), freed by fd_iter_table_free */
};

/* Checks and copies a pass: 0, or -EBADMSG when len is not a whole number of records or a
 * record's magic is wrong (the table is then empty). */
int fd_iter_parse(const char *buf, size_t len, struct fd_iter_table *out);
/* The same without a copy: the table points into buf (which must be aligned for the records
 * and is sorted in place if need be); -EBADMSG also for a misaligned buf. */
int fd_iter_parse_inplace(char *buf, size_t len, struct fd_iter_table *out);
void fd_iter_table_free(struct fd_iter_table *t);
/* The records of process pid: *first and the count (0: none). */
size_t fd_iter_table_find(const struct fd_iter_table *t, pid_t pid, size_t *first);

/*
 * One record as the descriptor probe's entry (pid, fd, type, mode, dev, inode; the
 * "anon_inode:[name]" link text of anonymous inodes in *link, which is left empty for the
 * others); the type comes from the inode's file type and its filesystem's magic number
 * (pipefs, mqueue, anonymous inodes: <linux/magic.h>). Returns false for a record that
 * makes no sense (the caller counts it as malformed). *queued / *capacity: a pipe's or
 * FIFO's fill, SNAP_UNKNOWN when not read (page_size: the capacity's unit).
 */
bool fd_iter_entry(const struct fd_iter_rec *r, long page_size, struct fd_entry *e,
		   char *link, size_t link_size, int64_t *queued, int64_t *capacity);

/* The IPC mappings of one pass, sorted by tgid (each process's in address order). */
struct fd_iter_maps {
	struct fd_iter_map_rec *recs;
	size_t n;
	bool owned;		/* recs is a copy (fd_iter_maps_parse) */
};

/* As fd_iter_parse / fd_iter_parse_inplace / fd_iter_table_free / fd_iter_table_find, for
 * mapping records. */
int fd_iter_maps_parse(const char *buf, size_t len, struct fd_iter_maps *out);
int fd_iter_maps_parse_inplace(char *buf, size_t len, struct fd_iter_maps *out);
void fd_iter_maps_free(struct fd_iter_maps *t);
size_t fd_iter_maps_find(const struct fd_iter_maps *t, pid_t pid, size_t *first);
/* One mapping record as the maps probe's entry (pid, dev, inode, deleted; m->path is left
 * NULL) and its path as /proc/<pid>/maps shows it, without " (deleted)", in path:
 * "/SYSV<key hex>" for a System V segment, "/dev/shm/NAME" for a file in the root directory
 * of the filesystem whose device is shm_dev (<root>/dev/shm's; 0 when there is none).
 * Returns 1 for such an IPC mapping, 0 for another file's (to skip), -1 for a record that
 * makes no sense (no process, unterminated or empty name, a '/' in it, a System V record not
 * named SYSV...). path_size: FD_ITER_MAP_PATH_MAX. */
#define FD_ITER_MAP_PATH_MAX (sizeof("/dev/shm/") + FD_ITER_MAP_NAME_MAX)
int fd_iter_map_entry(const struct fd_iter_map_rec *r, uint64_t shm_dev, struct map_entry *m,
		      char *path, size_t path_size);

/*
 * One collection's passes of both iterators, for the probes that use them: the collector
 * starts them as a collection begins (on a thread of their own, while the process table is
 * read: the first time it also loads the programs), and the descriptor and maps probes wait
 * for them. Only processes that existed when the passes began (start time before *ticks, in
 * clock ticks since boot) may be taken from them; the others are read in /proc.
 */
struct fd_iter_pass;

struct fd_iter_pass *fd_iter_pass_new(void);
/* wanted false: this collection reads no pass (the users then say so and read /proc). */
void fd_iter_pass_start(struct fd_iter_pass *p, bool wanted);
/* This collection's tables, or NULL with *why saying why not (static text, or the pass's). */
const struct fd_iter_table *fd_iter_pass_fds(struct fd_iter_pass *p, const char **why,
					     unsigned long long *ticks);
const struct fd_iter_maps *fd_iter_pass_maps(struct fd_iter_pass *p, const char **why,
					     unsigned long long *ticks);
/* Would /proc refuse this process's descriptors and maps to ipctop? They need ptrace read
 * access, which kcmp(2) checks the same way without a path lookup (a kernel without kcmp:
 * false). The probes ask it for every process they take from a pass, so that they show what
 * /proc would and say EACCES where it would. */
bool fd_iter_proc_refuses(pid_t pid);
/* The caller is done with that table: its memory goes back to the system. */
void fd_iter_pass_done(struct fd_iter_pass *p, enum fd_iter_kind kind);
void fd_iter_pass_free(struct fd_iter_pass *p);

#endif
