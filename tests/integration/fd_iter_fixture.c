/*
 * fd_iter_fixture.c - a test fixture for tests/integration/fd_iter.sh: the channels whose fill
 * the BPF descriptor iterator (probes/fd_iter.bpf.c) reads at its limits, which
 * live_endpoints (the rest of that test's fixture) does not build.
 *
 *   fd_iter_fixture [-b BIG_BYTES] [-f FIFO | -m PREFIX]
 *
 * Each channel's ends are held by two children of their own (reader, writer), which never
 * read or write after setup:
 *   big    a pipe grown to 1 MiB (F_SETPIPE_SZ) holding BIG_BYTES (default 300001: 74 pages,
 *          far more occupied slots than the kernel side sums, so the fill must come from
 *          the pidfd path)
 *   full   a pipe of the default size holding exactly 16 pages: as many slots as the kernel
 *          side sums (FD_ITER_PIPE_SLOTS)
 *   over   a pipe grown to 1 MiB holding 16 pages and 1 byte: one slot more than that
 *   sock   a stream socketpair: end a sent 100 bytes nobody read at b, b sent 7 unread at a
 * With -f, only this instead (fd_iter.sh puts it on an overlay whose lower layer is on another
 * file system, where stat(2) gives another st_dev than the inode's superblock):
 *   fifo   the existing FIFO at path FIFO, opened O_RDWR by one child, grown to 1 MiB and
 *          holding BIG_BYTES, and opened O_RDONLY|O_NONBLOCK by a second child
 * With -m, only the IPC mappings the BPF maps iterator reads instead (each process maps, then
 * holds, never touching the memory again); the objects are named after PREFIX:
 *   shm_rorw  a System V segment (IPC_PRIVATE) attached twice read-write by one child and
 *             once SHM_RDONLY by another (nattch 3)
 *   shm_rmid  a segment attached by two children (one SHM_RDONLY), then marked IPC_RMID
 *   pshm_rorw /dev/shm/PREFIX-rorw: mapped MAP_SHARED read-only (O_RDONLY) by one child,
 *             read-write by a second, and MAP_PRIVATE (written: copied on write) by a third
 *   pshm_priv /dev/shm/PREFIX-priv: mapped MAP_PRIVATE only (by that third child)
 *   pshm_gone /dev/shm/PREFIX-gone: mapped MAP_SHARED by one child, unlinked, then created
 *             again under the same name and mapped by another child
 *   psem      the named semaphore /PREFIX-sem (value 3): created by one child (sem_open
 *             O_CREAT|O_EXCL: glibc maps it under a temporary name it then unlinks) and
 *             opened by a second
 * then prints key=value lines (the fields are described where they are printed) and "ready",
 * and waits. On SIGTERM, SIGINT or SIGHUP, or end-of-file on stdin, it kills and reaps its
 * children, removes the IPC objects it made (-m) and exits 0 (1 if a child ended early).
 * The children die with it (PR_SET_PDEATHSIG), so even SIGKILL leaves no process behind
 * (but -m's objects: their ids and names are printed first, "shmid=ID" as each segment is
 * made, so the caller can remove them). Nothing here is named but -m's objects.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <semaphore.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/fixture_signals.h"

#define MAX_CHILDREN 16
#define MIB (1024 * 1024)

static pid_t children[MAX_CHILDREN];
static int n_children;

static void reap_all(void)
{
	for (int i = 0; i < n_children; i++)
		kill(children[i], SIGKILL);
	for (int i = 0; i < n_children; i++)
		while (waitpid(children[i], NULL, 0) < 0 && errno == EINTR)
			;
	n_children = 0;
}

/* -m's objects, removed at every exit but SIGKILL's */
static int shmids[2] = { -1, -1 };
static char shm_names[3][128];	/* "/PREFIX-rorw", ...: shm_open names */
static char sem_name[128];

static void remove_objects(void)
{
	for (int i = 0; i < 2; i++)
		if (shmids[i] >= 0) {
			shmctl(shmids[i], IPC_RMID, NULL);	/* destroyed once nobody is attached */
			shmids[i] = -1;
		}
	for (int i = 0; i < 3; i++)
		if (shm_names[i][0]) {
			shm_unlink(shm_names[i]);
			shm_names[i][0] = '\0';
		}
	if (sem_name[0]) {
		sem_unlink(sem_name);
		sem_name[0] = '\0';
	}
}

static void die(const char *what)
{
	perror(what);
	reap_all();
	remove_objects();
	exit(1);
}

static unsigned long long inode_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	return (unsigned long long)st.st_ino;
}

/* A child holding only fd `keep` (and /dev/null as stdio) until it is killed. */
static pid_t hold(int keep, int max_fd)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0)
		die("fork");
	if (pid > 0) {
		children[n_children++] = pid;
		return pid;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	{
		int null = open("/dev/null", O_RDWR);

		if (null < 0)
			_exit(2);
		dup2(null, 0);
		dup2(null, 1);
		if (null > 2 && null != keep)
			close(null);
	}
	for (int fd = 3; fd <= max_fd; fd++)
		if (fd != keep)
			close(fd);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	{
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
	for (;;)
		pause();
}

static void write_all(int fd, size_t n)
{
	static const char pattern[] = "ipctop fd_iter fixture ";
	char buf[4096];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = pattern[i % (sizeof(pattern) - 1)];
	while (n > 0) {
		ssize_t w = write(fd, buf, n < sizeof(buf) ? n : sizeof(buf));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write");
		n -= (size_t)w;
	}
}

/* A pipe of `size` bytes (0: the default) holding `bytes`, each end held by a child; prints
 * "KEY=inode writer_pid writer_fd reader_pid reader_fd queued capacity". */
static void pipe_channel(const char *key, int size, size_t bytes, int *max_fd)
{
	int p[2], cap, queued = -1;

	if (pipe(p) < 0)
		die("pipe");
	*max_fd = p[1] > *max_fd ? p[1] : *max_fd;
	if (size && fcntl(p[1], F_SETPIPE_SZ, size) < 0)
		die("F_SETPIPE_SZ");
	cap = fcntl(p[1], F_GETPIPE_SZ);
	if (cap < 0 || (size_t)cap < bytes)
		die("F_GETPIPE_SZ");
	/* never blocks: the pipe has room for all of it */
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) < 0)
		die("O_NONBLOCK");
	write_all(p[1], bytes);
	if (fcntl(p[1], F_SETFL, 0) < 0 || ioctl(p[0], FIONREAD, &queued) < 0 ||
	    (size_t)queued != bytes)
		die("FIONREAD");
	{
		pid_t w = hold(p[1], *max_fd), r = hold(p[0], *max_fd);

		printf("%s=%llu %d %d %d %d %d %d\n", key, inode_of(p[0]), (int)w, p[1], (int)r,
		       p[0], queued, cap);
	}
	close(p[0]);
	close(p[1]);
}

/* The FIFO at `path`: one child holds it O_RDWR, grown to 1 MiB and holding `bytes`, another
 * O_RDONLY|O_NONBLOCK; prints "fifo=inode major:minor rdwr_pid rdwr_fd rdonly_pid rdonly_fd
 * queued capacity", the device as stat(2) gives it. */
static void fifo_channel(const char *path, size_t bytes, int *max_fd)
{
	int rw = open(path, O_RDWR | O_NONBLOCK), ro, cap, queued = -1;
	struct stat st;
	pid_t a, b;

	if (rw < 0)
		die("open FIFO O_RDWR");
	*max_fd = rw > *max_fd ? rw : *max_fd;
	if (fstat(rw, &st) < 0 || !S_ISFIFO(st.st_mode))
		die("not a FIFO");
	if (fcntl(rw, F_SETPIPE_SZ, MIB) < 0)
		die("F_SETPIPE_SZ");
	cap = fcntl(rw, F_GETPIPE_SZ);
	if (cap < 0 || (size_t)cap < bytes)
		die("F_GETPIPE_SZ");
	write_all(rw, bytes);	/* O_NONBLOCK: never blocks, there is room for all of it */
	if (fcntl(rw, F_SETFL, 0) < 0 || ioctl(rw, FIONREAD, &queued) < 0 ||
	    (size_t)queued != bytes)
		die("FIONREAD");
	a = hold(rw, *max_fd);
	ro = open(path, O_RDONLY | O_NONBLOCK);
	if (ro < 0)
		die("open FIFO O_RDONLY");
	*max_fd = ro > *max_fd ? ro : *max_fd;
	b = hold(ro, *max_fd);
	printf("fifo=%llu %u:%u %d %d %d %d %d %d\n", (unsigned long long)st.st_ino,
	       major(st.st_dev), minor(st.st_dev), (int)a, rw, (int)b, ro, queued, cap);
	close(rw);
	close(ro);
}

/* A stream socketpair, end a held by one child and b by another, with unread bytes both
 * ways; prints "sock=inode_a pid_a fd_a inode_b pid_b fd_b unread_at_a unread_at_b". */
static void sock_channel(int *max_fd)
{
	int s[2], qa = -1, qb = -1;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) < 0)
		die("socketpair");
	*max_fd = s[1] > *max_fd ? s[1] : *max_fd;
	write_all(s[0], 100);	/* waits at b */
	write_all(s[1], 7);	/* waits at a */
	if (ioctl(s[0], FIONREAD, &qa) < 0 || ioctl(s[1], FIONREAD, &qb) < 0 || qa != 7 ||
	    qb != 100)
		die("socket FIONREAD");
	{
		pid_t a = hold(s[0], *max_fd), b = hold(s[1], *max_fd);

		printf("sock=%llu %d %d %llu %d %d %d %d\n", inode_of(s[0]), (int)a, s[0],
		       inode_of(s[1]), (int)b, s[1], qa, qb);
	}
	close(s[0]);
	close(s[1]);
}

/* ---- -m: the IPC mappings ------------------------------------------------------------------ */

enum step_kind { ST_SHMAT, ST_MMAP, ST_SEM_CREATE, ST_SEM_OPEN };

/* One thing a mapping child does: attach shmid (flags: SHM_RDONLY or 0), map the /dev/shm
 * object name (flags: MAP_SHARED/MAP_PRIVATE, read-only when !rw), or open the semaphore. */
struct step {
	enum step_kind kind;
	int shmid;
	const char *name;
	int flags;
	bool rw;
};

static bool do_step(const struct step *st, long page)
{
	switch (st->kind) {
	case ST_SHMAT:
		return shmat(st->shmid, NULL, st->flags) != (void *)-1;
	case ST_MMAP: {
		int fd = shm_open(st->name, st->rw ? O_RDWR : O_RDONLY, 0);
		char *p;

		if (fd < 0)
			return false;
		p = mmap(NULL, (size_t)page, PROT_READ | (st->rw ? PROT_WRITE : 0), st->flags, fd, 0);
		close(fd);	/* the mapping holds the object, not a descriptor */
		if (p == MAP_FAILED)
			return false;
		if (st->rw)
			p[0] = 'm';	/* MAP_PRIVATE: now a private copy of the page */
		return true;
	}
	case ST_SEM_CREATE:
		return sem_open(st->name, O_CREAT | O_EXCL, 0600, 3) != SEM_FAILED;
	case ST_SEM_OPEN:
		return sem_open(st->name, 0) != SEM_FAILED;
	}
	return false;
}

/* A child that does steps[0..n) and then holds what it mapped until it is killed; returns once
 * it has (within 10 s), or dies. */
static pid_t mapper(const struct step *steps, size_t n, long page)
{
	pid_t parent = getpid(), pid;
	int ready[2];
	char c = 0;
	struct pollfd pfd;

	if (pipe(ready) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int null;
		sigset_t none;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		null = open("/dev/null", O_RDWR);
		if (null < 0)
			_exit(2);
		dup2(null, 0);
		dup2(null, 1);
		for (int fd = 3; fd < 1024; fd++)
			if (fd != ready[1])
				close(fd);
		for (size_t i = 0; i < n; i++)
			if (!do_step(&steps[i], page)) {
				dprintf(2, "fd_iter_fixture: mapper step %zu (%s): %s\n", i,
					steps[i].name ? steps[i].name : "shm", strerror(errno));
				_exit(3);
			}
		c = '+';
		if (write(ready[1], &c, 1) != 1)
			_exit(4);
		close(ready[1]);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (;;)
			pause();
	}
	children[n_children++] = pid;
	close(ready[1]);
	pfd.fd = ready[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) != 1 || read(ready[0], &c, 1) != 1 || c != '+') {
		close(ready[0]);
		errno = EPROTO;
		die("mapper child did not get ready");
	}
	close(ready[0]);
	return pid;
}

/* A new /dev/shm object of one page; its inode. */
static unsigned long long new_shm_object(const char *name, long page)
{
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	unsigned long long ino;

	if (fd < 0)
		die(name);
	if (ftruncate(fd, page) < 0)
		die("ftruncate");
	ino = inode_of(fd);
	close(fd);
	return ino;
}

static int new_segment(int slot, long page)
{
	int id = shmget(IPC_PRIVATE, (size_t)page, IPC_CREAT | IPC_EXCL | 0600);

	if (id < 0)
		die("shmget");
	shmids[slot] = id;
	printf("shmid=%d\n", id);	/* at once: the caller can remove it if this dies */
	return id;
}

static void maps_objects(const char *prefix, long page)
{
	char rorw[128], priv[128], gone[128];
	unsigned long long ino_rorw, ino_priv, ino_gone_old, ino_gone, ino_sem;
	pid_t w, r, d1, d2, a, b, p, g, h, s1, s2;
	struct stat st;
	int s_rorw, s_rmid;

	if (strlen(prefix) > 64 || strchr(prefix, '/') || !prefix[0]) {
		fprintf(stderr, "fd_iter_fixture: -m PREFIX: 1 to 64 characters, no '/'\n");
		exit(2);
	}
	snprintf(rorw, sizeof(rorw), "/%s-rorw", prefix);
	snprintf(priv, sizeof(priv), "/%s-priv", prefix);
	snprintf(gone, sizeof(gone), "/%s-gone", prefix);
	snprintf(sem_name, sizeof(sem_name), "/%s-sem", prefix);

	/* System V: read-write twice and SHM_RDONLY; attached twice, then IPC_RMID */
	s_rorw = new_segment(0, page);
	s_rmid = new_segment(1, page);
	{
		const struct step sw[2] = { { ST_SHMAT, s_rorw, NULL, 0, true },
					    { ST_SHMAT, s_rorw, NULL, 0, true } };
		const struct step sr = { ST_SHMAT, s_rorw, NULL, SHM_RDONLY, false };
		const struct step sd1 = { ST_SHMAT, s_rmid, NULL, 0, true };
		const struct step sd2 = { ST_SHMAT, s_rmid, NULL, SHM_RDONLY, false };

		w = mapper(sw, 2, page);
		r = mapper(&sr, 1, page);
		d1 = mapper(&sd1, 1, page);
		d2 = mapper(&sd2, 1, page);
	}
	if (shmctl(s_rmid, IPC_RMID, NULL) < 0)
		die("IPC_RMID");
	shmids[1] = -1;	/* gone with its last attacher */
	/* shm_rorw=SHMID RW_PID RO_PID; shm_rmid=SHMID PID PID */
	printf("shm_rorw=%d %d %d\nshm_rmid=%d %d %d\n", s_rorw, (int)w, (int)r, s_rmid, (int)d1,
	       (int)d2);

	/* POSIX shared memory */
	snprintf(shm_names[0], sizeof(shm_names[0]), "%s", rorw);
	ino_rorw = new_shm_object(rorw, page);
	snprintf(shm_names[1], sizeof(shm_names[1]), "%s", priv);
	ino_priv = new_shm_object(priv, page);
	snprintf(shm_names[2], sizeof(shm_names[2]), "%s", gone);
	ino_gone_old = new_shm_object(gone, page);
	{
		const struct step sa = { ST_MMAP, -1, rorw, MAP_SHARED, false };
		const struct step sb = { ST_MMAP, -1, rorw, MAP_SHARED, true };
		const struct step sp[2] = { { ST_MMAP, -1, rorw, MAP_PRIVATE, true },
					    { ST_MMAP, -1, priv, MAP_PRIVATE, false } };
		const struct step sg = { ST_MMAP, -1, gone, MAP_SHARED, true };

		a = mapper(&sa, 1, page);
		b = mapper(&sb, 1, page);
		p = mapper(sp, 2, page);
		g = mapper(&sg, 1, page);
		if (shm_unlink(gone) < 0)
			die("shm_unlink");
		ino_gone = new_shm_object(gone, page);
		h = mapper(&sg, 1, page);
	}
	/* pshm_rorw=NAME INODE RO_PID RW_PID PRIVATE_PID; pshm_priv=NAME INODE PRIVATE_PID;
	 * pshm_gone=NAME OLD_INODE NEW_INODE OLD_MAPPER NEW_MAPPER (NAME: the file's, under
	 * /dev/shm) */
	printf("pshm_rorw=%s %llu %d %d %d\n", rorw + 1, ino_rorw, (int)a, (int)b, (int)p);
	printf("pshm_priv=%s %llu %d\n", priv + 1, ino_priv, (int)p);
	printf("pshm_gone=%s %llu %llu %d %d\n", gone + 1, ino_gone_old, ino_gone, (int)g, (int)h);

	/* the named semaphore: created in one child, opened by another */
	{
		const struct step sc = { ST_SEM_CREATE, -1, sem_name, 0, true };
		const struct step so = { ST_SEM_OPEN, -1, sem_name, 0, true };
		char path[160];

		s1 = mapper(&sc, 1, page);
		s2 = mapper(&so, 1, page);
		snprintf(path, sizeof(path), "/dev/shm/sem.%s", sem_name + 1);
		if (stat(path, &st) < 0)
			die(path);
		ino_sem = (unsigned long long)st.st_ino;
	}
	/* psem=NAME (without "sem.") INODE CREATOR_PID OPENER_PID VALUE */
	printf("psem=%s %llu %d %d 3\n", sem_name + 1, ino_sem, (int)s1, (int)s2);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t big = 300001;
	const char *fifo = NULL, *prefix = NULL;
	int opt, max_fd = 2, status = 0;
	sigset_t unblocked;

	while ((opt = getopt(argc, argv, "b:f:m:")) != -1) {
		if (opt == 'b') {
			big = strtoul(optarg, NULL, 10);
		} else if (opt == 'f') {
			fifo = optarg;
		} else if (opt == 'm') {
			prefix = optarg;
		} else {
			fprintf(stderr, "usage: fd_iter_fixture [-b BIG_BYTES] [-f FIFO | -m PREFIX]\n");
			return 2;
		}
	}
	if (page <= 0 || big < 1 || big > MIB) {
		fprintf(stderr, "fd_iter_fixture: BIG_BYTES 1..%d\n", MIB);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);	/* nothing buffered is copied into a child */
	for (int fd = 3; fd < 1024; fd++)	/* nothing inherited shows up in the children */
		close(fd);

	fixture_signals(&unblocked);	/* blocked but while waiting: fixture_signals.h */

	printf("page=%ld\n", page);
	if (prefix) {
		maps_objects(prefix, page);
	} else if (fifo) {
		fifo_channel(fifo, big, &max_fd);
	} else {
		pipe_channel("big", MIB, big, &max_fd);
		pipe_channel("full", 0, (size_t)(16 * page), &max_fd);
		pipe_channel("over", MIB, (size_t)(16 * page + 1), &max_fd);
		sock_channel(&max_fd);
	}
	printf("pids=%d", (int)getpid());
	for (int i = 0; i < n_children; i++)
		printf(",%d", (int)children[i]);
	printf("\nready\n");
	fflush(stdout);

	while (!fixture_stop) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int n = ppoll(&pfd, 1, NULL, &unblocked);

		if (n > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) {
			char buf[256];
			ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));

			if (r <= 0)
				break;	/* end-of-file (or an unreadable stdin) */
		}
		/* a child that ended early: a broken fixture must not pass for a good one */
		for (int i = 0; i < n_children; i++) {
			int st;

			if (waitpid(children[i], &st, WNOHANG) == children[i]) {
				fprintf(stderr, "fd_iter_fixture: child %d ended (status %d)\n",
					(int)children[i], st);
				children[i] = children[--n_children];
				i--;
				status = 1;
			}
		}
		if (status)
			break;
	}
	reap_all();
	remove_objects();
	return status;
}
