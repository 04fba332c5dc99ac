/*
 * demo_registry.c - the per-demo registry of processes and IPC objects, and the removal that
 * trusts nothing it has not re-checked (see demo_registry.h for the format and the rules).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <mqueue.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "demos/demo_registry.h"
#include "src/actions.h"
#include "src/arena.h"

const char *demo_registry_sysv_kind(enum reg_sysv_kind k)
{
	return k == REG_MSG ? "msg" : k == REG_SHM ? "shm" : "sem";
}

const char *demo_registry_posix_kind(enum reg_posix_kind k)
{
	return k == REG_PMQ ? "mq" : k == REG_PSHM ? "shm" : "sem";
}

static bool sysv_kind_parse(const char *s, enum reg_sysv_kind *k)
{
	if (strcmp(s, "msg") == 0)
		*k = REG_MSG;
	else if (strcmp(s, "shm") == 0)
		*k = REG_SHM;
	else if (strcmp(s, "sem") == 0)
		*k = REG_SEM;
	else
		return false;
	return true;
}

static bool posix_kind_parse(const char *s, enum reg_posix_kind *k)
{
	if (strcmp(s, "mq") == 0)
		*k = REG_PMQ;
	else if (strcmp(s, "shm") == 0)
		*k = REG_PSHM;
	else if (strcmp(s, "sem") == 0)
		*k = REG_PSEM;
	else
		return false;
	return true;
}

/* ---- parsing ------------------------------------------------------------------------------ */

static bool num_ll(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool num_ull(const char *s, unsigned long long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && !*end;
}

/* A POSIX name is safe to unlink only if it is a plain name with this demo's prefix. */
static bool posix_name_ok(const char *name)
{
	if (strncmp(name, DEMO_POSIX_PREFIX, strlen(DEMO_POSIX_PREFIX)) != 0)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || (unsigned char)*p <= ' ')
			return false;
	return strlen(name) < sizeof(((struct reg_posix *)0)->name);
}

/* A plain file name in the demo directory: no '/', not "." or "..", no control bytes. */
static bool file_name_ok(const char *name)
{
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strcmp(name, DEMO_REGISTRY_FILE) == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || (unsigned char)*p <= ' ')
			return false;
	return strlen(name) < sizeof(((struct reg_file *)0)->name);
}

/* One line, split into at most 7 words. Returns false if malformed. */
static bool parse_line(struct demo_registry *r, char *line)
{
	char *w[8] = { NULL };
	size_t n = 0;
	char *save = NULL;
	long long v;
	unsigned long long u;

	for (char *t = strtok_r(line, " ", &save); t && n < 8; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	if (n == 0)
		return true;	/* empty line */
	if (strcmp(w[0], "ipctop-demo-registry") == 0) {
		r->have_header = n == 2 && strcmp(w[1], "2") == 0;
		return r->have_header;
	}
	if (strcmp(w[0], "demo") == 0 && n == 2) {
		snprintf(r->demo, sizeof(r->demo), "%s", w[1]);
		return true;
	}
	if (strcmp(w[0], "root") == 0 && n == 3) {
		if (!num_ll(w[1], 1, INT_MAX, &v) || !num_ull(w[2], &u))
			return false;
		r->root = (pid_t)v;
		r->root_start = u;
		r->have_root = true;
		return true;
	}
	if (strcmp(w[0], "start") == 0 && n == 2) {
		if (!num_ll(w[1], 0, LLONG_MAX, &v))
			return false;
		r->start_time = v;
		r->have_start = true;
		return true;
	}
	if (strcmp(w[0], "uid") == 0 && n == 2) {
		if (!num_ll(w[1], 0, UINT32_MAX, &v))
			return false;
		r->uid = (uid_t)v;
		r->have_uid = true;
		return true;
	}
	if (strcmp(w[0], "proc") == 0 && n == 4) {
		struct reg_proc *p;

		if (!num_ll(w[1], 1, INT_MAX, &v) || !num_ull(w[2], &u))
			return false;
		r->procs = xreallocarray(r->procs, r->n_procs + 1, sizeof(*r->procs));
		p = &r->procs[r->n_procs++];
		p->pid = (pid_t)v;
		p->start = u;
		snprintf(p->role, sizeof(p->role), "%s", w[3]);
		return true;
	}
	if (strcmp(w[0], "sysv") == 0 && n == 6) {
		enum reg_sysv_kind k;
		long long key, cuid, ct;
		struct reg_sysv *sv = NULL;

		if (!sysv_kind_parse(w[1], &k) || !num_ll(w[2], 0, INT_MAX, &v) ||
		    !num_ll(w[3], INT32_MIN, INT32_MAX, &key) ||
		    !num_ll(w[4], 0, UINT32_MAX, &cuid) || !num_ll(w[5], 0, LLONG_MAX, &ct))
			return false;
		/* the same object written down again (after IPC_SET/SETALL): its new ctime */
		for (size_t i = 0; i < r->n_sysv && !sv; i++)
			if (r->sysv[i].kind == k && r->sysv[i].id == v && r->sysv[i].key == key &&
			    r->sysv[i].cuid == (uid_t)cuid)
				sv = &r->sysv[i];
		if (!sv) {
			r->sysv = xreallocarray(r->sysv, r->n_sysv + 1, sizeof(*r->sysv));
			sv = &r->sysv[r->n_sysv++];
		}
		sv->kind = k;
		sv->id = (int)v;
		sv->key = (int32_t)key;
		sv->cuid = (uid_t)cuid;
		sv->ctime = ct;
		return true;
	}
	if (strcmp(w[0], "posix") == 0 && n == 6) {
		enum reg_posix_kind k;
		unsigned long long dev, ino;
		struct reg_posix *p;

		if (!posix_kind_parse(w[1], &k) || !posix_name_ok(w[2]) || !num_ull(w[3], &dev) ||
		    !num_ull(w[4], &ino) || !num_ll(w[5], 0, UINT32_MAX, &v))
			return false;
		r->posix = xreallocarray(r->posix, r->n_posix + 1, sizeof(*r->posix));
		p = &r->posix[r->n_posix++];
		p->kind = k;
		snprintf(p->name, sizeof(p->name), "%s", w[2]);
		p->dev = dev;
		p->ino = ino;
		p->uid = (uid_t)v;
		return true;
	}
	if (strcmp(w[0], "file") == 0 && n == 4) {
		unsigned long long dev, ino;
		struct reg_file *f;

		if (!file_name_ok(w[1]) || !num_ull(w[2], &dev) || !num_ull(w[3], &ino))
			return false;
		r->files = xreallocarray(r->files, r->n_files + 1, sizeof(*r->files));
		f = &r->files[r->n_files++];
		snprintf(f->name, sizeof(f->name), "%s", w[1]);
		f->dev = dev;
		f->ino = ino;
		return true;
	}
	return false;
}

int demo_registry_parse(const char *buf, size_t len, struct demo_registry *out)
{
	char *copy = xmalloc(len + 1);
	char *save = NULL;

	memset(out, 0, sizeof(*out));
	memcpy(copy, buf, len);
	copy[len] = '\0';
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!parse_line(out, line))
			out->bad_lines++;
	free(copy);
	return out->have_header ? 0 : -EINVAL;
}

void demo_registry_fini(struct demo_registry *r)
{
	free(r->procs);
	free(r->sysv);
	free(r->posix);
	free(r->files);
	memset(r, 0, sizeof(*r));
}

/* ---- files -------------------------------------------------------------------------------- */

static int why_(char *why, size_t len, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int why_(char *why, size_t len, int rc, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return rc;
}

int demo_registry_own_dir(const char *path, char *why, size_t why_len)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return why_(why, why_len, -errno, "%s", strerror(errno));
	if (S_ISLNK(st.st_mode))
		return why_(why, why_len, -EPERM, "a symbolic link");
	if (!S_ISDIR(st.st_mode))
		return why_(why, why_len, -EPERM, "not a directory");
	if (st.st_uid != geteuid())
		return why_(why, why_len, -EPERM, "owned by uid %u, not by uid %u",
			    (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return why_(why, why_len, -EPERM, "writable by others (mode %04o)",
			    (unsigned)(st.st_mode & 07777));
	return 0;
}

int demo_registry_base(char *buf, size_t len, bool create, char *why, size_t why_len)
{
	const char *env = getenv("IPCTOP_DEMO_DIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (env && *env)
		n = snprintf(buf, len, "%s", env);
	else if (geteuid() == 0)
		n = snprintf(buf, len, "/run/ipctop-demos");
	else if (xdg && *xdg == '/')
		n = snprintf(buf, len, "%s/ipctop-demos", xdg);
	else
		n = snprintf(buf, len, "/tmp/ipctop-demos-%u", (unsigned)geteuid());
	if (n < 0 || (size_t)n >= len)
		return why_(why, why_len, -ENAMETOOLONG, "%s", strerror(ENAMETOOLONG));
	if (create && mkdir(buf, 0700) < 0 && errno != EEXIST)
		return why_(why, why_len, -errno, "%s", strerror(errno));
	return demo_registry_own_dir(buf, why, why_len);
}

static int registry_write(const char *dir, int flags, const char *line, size_t n)
{
	char path[PATH_MAX];
	int fd, rc = 0;
	ssize_t w;

	if (snprintf(path, sizeof(path), "%s/%s", dir, DEMO_REGISTRY_FILE) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | flags, 0600);
	if (fd < 0)
		return -errno;
	w = write(fd, line, n);
	if (w != (ssize_t)n)
		rc = w < 0 ? -errno : -EIO;
	close(fd);
	return rc;
}

int demo_registry_create(const char *dir)
{
	static const char header[] = "ipctop-demo-registry 2\n";

	return registry_write(dir, O_CREAT | O_EXCL, header, sizeof(header) - 1);
}

int demo_registry_append(const char *dir, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		return -EOVERFLOW;
	line[n++] = '\n';
	return registry_write(dir, 0, line, (size_t)n);
}

int demo_registry_load(const char *dir, struct demo_registry *out)
{
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t got;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/%s", dir, DEMO_REGISTRY_FILE);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	{
		struct stat st;

		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
			close(fd);
			return -EINVAL;	/* not a registry this user wrote */
		}
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = xrealloc(buf, cap);
		}
		got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	rc = got < 0 ? -errno : 0;
	close(fd);
	if (rc == 0)
		rc = demo_registry_parse(buf, len, out);
	free(buf);
	return rc;
}

/* ---- processes ---------------------------------------------------------------------------- */

int demo_registry_proc_start(pid_t pid, unsigned long long *start, char *state)
{
	char path[64], buf[1024];
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -EINVAL;
	p += 2;			/* field 3: state */
	if (state)
		*state = *p;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -EINVAL;
		p++;
	}
	if (sscanf(p, "%llu", start) != 1)
		return -EINVAL;
	return 0;
}

bool demo_registry_proc_alive(pid_t pid, unsigned long long start)
{
	unsigned long long s;
	char state;

	if (pid <= 0 || demo_registry_proc_start(pid, &s, &state) < 0)
		return false;
	return s == start && state != 'Z' && state != 'X';
}

/* ---- noting what was created ------------------------------------------------------------ */

int demo_registry_note_sysv(const char *dir, enum reg_sysv_kind kind, int id)
{
	struct ipc_perm perm;
	time_t ct;

	if (kind == REG_MSG) {
		struct msqid_ds ds;

		if (msgctl(id, IPC_STAT, &ds) < 0)
			return -errno;
		perm = ds.msg_perm;
		ct = ds.msg_ctime;
	} else if (kind == REG_SHM) {
		struct shmid_ds ds;

		if (shmctl(id, IPC_STAT, &ds) < 0)
			return -errno;
		perm = ds.shm_perm;
		ct = ds.shm_ctime;
	} else {
		struct semid_ds ds;

		if (semctl(id, 0, IPC_STAT, &ds) < 0)
			return -errno;
		perm = ds.sem_perm;
		ct = ds.sem_ctime;
	}
	return demo_registry_append(dir, "sysv %s %d %d %u %lld", demo_registry_sysv_kind(kind), id,
				    (int)perm.__key, (unsigned)perm.cuid, (long long)ct);
}

static enum action_posix_kind action_kind(enum reg_posix_kind k)
{
	return k == REG_PMQ ? ACTION_PMQ : k == REG_PSHM ? ACTION_PSHM : ACTION_PSEM;
}

int demo_registry_note_posix(const char *dir, enum reg_posix_kind kind, const char *name)
{
	struct action_posix_id id;
	int rc;

	if (*name == '/')
		name++;
	if (!posix_name_ok(name))
		return -EINVAL;
	rc = action_posix_identify(action_kind(kind), name, &id);
	if (rc < 0)
		return rc;
	return demo_registry_append(dir, "posix %s %s %llu %llu %u", demo_registry_posix_kind(kind),
				    name, (unsigned long long)id.dev, (unsigned long long)id.ino,
				    (unsigned)id.uid);
}

int demo_registry_note_file(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (!file_name_ok(name))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (lstat(path, &st) < 0)
		return -errno;
	return demo_registry_append(dir, "file %s %llu %llu", name, (unsigned long long)st.st_dev,
				    (unsigned long long)st.st_ino);
}

/* ---- removal ------------------------------------------------------------------------------ */

enum log_what { LOG_REMOVED, LOG_LEFT, LOG_FAILED };

static void logf_(struct demo_cleanup_log *log, enum log_what what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void logf_(struct demo_cleanup_log *log, enum log_what what, const char *fmt, ...)
{
	va_list ap;

	if (!log)
		return;
	if (what == LOG_REMOVED)
		log->removed++;
	else if (what == LOG_LEFT)
		log->left++;
	else
		log->failed++;
	if (!log->out || (what != LOG_FAILED && !log->verbose))
		return;
	va_start(ap, fmt);
	vfprintf(log->out, fmt, ap);
	va_end(ap);
	fputc('\n', log->out);
}

void demo_registry_kill(const struct demo_registry *r, pid_t self, struct demo_cleanup_log *log)
{
	struct action_target *held = xcalloc(r->n_procs ? r->n_procs : 1, sizeof(*held));
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	bool waiting = false;

	for (size_t i = 0; i < r->n_procs; i++) {
		const struct reg_proc *p = &r->procs[i];
		int rc;

		held[i].pidfd = -1;
		if (p->pid == self)
			continue;
		/* the pidfd is the process with the recorded start time, or nothing */
		rc = action_target_open(&held[i], p->pid, p->start);
		if (rc == -ESRCH)
			continue;
		if (rc == -ESTALE) {
			logf_(log, LOG_LEFT, "left pid %d (%s): the pid belongs to another process now",
			      (int)p->pid, p->role);
			continue;
		}
		if (rc == 0)
			rc = action_target_signal(&held[i], SIGKILL);
		if (rc == 0) {
			logf_(log, LOG_REMOVED, "killed pid %d (%s)", (int)p->pid, p->role);
			waiting = true;
		} else if (rc != -ESRCH) {
			logf_(log, LOG_FAILED, "pid %d (%s): kill: %s", (int)p->pid, p->role,
			      strerror(-rc));
		}
	}
	/* SIGKILL takes effect quickly; wait so that no process recreates what we remove. */
	for (int round = 0; waiting && round < 100; round++) {
		waiting = false;
		for (size_t i = 0; i < r->n_procs; i++)
			if (held[i].pidfd >= 0 &&
			    demo_registry_proc_alive(r->procs[i].pid, r->procs[i].start))
				waiting = true;
		if (waiting)
			nanosleep(&tick, NULL);
	}
	for (size_t i = 0; i < r->n_procs; i++)
		action_target_close(&held[i]);
	free(held);
}

static void remove_sysv(const struct demo_registry *r, const struct reg_sysv *s,
			struct demo_cleanup_log *log)
{
	const char *kn = demo_registry_sysv_kind(s->kind);
	int rc;

	if (r->have_uid && s->cuid != r->uid) {
		logf_(log, LOG_LEFT, "left %s:%d: created by uid %u, not by the demo's uid %u", kn,
		      s->id, (unsigned)s->cuid, (unsigned)r->uid);
		return;
	}
	/* re-checked right before IPC_RMID: same id, key, creator and ctime */
	if (s->kind == REG_MSG)
		rc = action_remove_msgq(s->id, s->key, s->cuid, s->ctime);
	else if (s->kind == REG_SHM)
		rc = action_remove_shm(s->id, s->key, s->cuid, s->ctime);
	else
		rc = action_remove_sem(s->id, s->key, s->cuid, s->ctime);
	if (rc == 0)
		logf_(log, LOG_REMOVED, "removed %s:%d (key 0x%08" PRIx32 ")", kn, s->id,
		      (uint32_t)s->key);
	else if (rc == -ESTALE)
		logf_(log, LOG_LEFT, "left %s:%d: the id names another object now (key, creator "
		      "or change time differ)", kn, s->id);
	else if (rc != -EINVAL && rc != -EIDRM)	/* EINVAL, EIDRM: already gone */
		logf_(log, LOG_FAILED, "%s:%d: %s", kn, s->id, strerror(-rc));
}

static void remove_posix(const struct demo_registry *r, const struct reg_posix *p,
			 struct demo_cleanup_log *log)
{
	struct action_posix_id want = { 0 };
	const char *kn = demo_registry_posix_kind(p->kind);
	char prefix[64];
	int rc;

	snprintf(prefix, sizeof(prefix), DEMO_POSIX_PREFIX "%d-", (int)r->root);
	if (!r->have_root || strncmp(p->name, prefix, strlen(prefix)) != 0 ||
	    (r->have_uid && p->uid != r->uid)) {
		logf_(log, LOG_LEFT, "left p%s:%s: not a name this demo makes", kn, p->name);
		return;
	}
	want.dev = (dev_t)p->dev;
	want.ino = (ino_t)p->ino;
	want.uid = p->uid;
	rc = action_remove_posix(action_kind(p->kind), p->name, &want);
	if (rc == 0)
		logf_(log, LOG_REMOVED, "removed p%s:%s", kn, p->name);
	else if (rc == -ESTALE)
		logf_(log, LOG_LEFT, "left p%s:%s: the name belongs to another object now (inode or "
		      "owner differ)", kn, p->name);
	else if (rc != -ENOENT)
		logf_(log, LOG_FAILED, "p%s:%s: %s", kn, p->name, strerror(-rc));
}

void demo_registry_remove_objects(const struct demo_registry *r, struct demo_cleanup_log *log)
{
	for (size_t i = r->n_sysv; i-- > 0;)
		remove_sysv(r, &r->sysv[i], log);
	for (size_t i = r->n_posix; i-- > 0;)
		remove_posix(r, &r->posix[i], log);
}

/* name in dirfd, only while it is still dev:ino (never followed). */
static void remove_file(int dirfd, const char *dir, const char *name, unsigned long long dev,
			unsigned long long ino, struct demo_cleanup_log *log)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			logf_(log, LOG_FAILED, "%s/%s: %s", dir, name, strerror(errno));
		return;
	}
	if ((unsigned long long)st.st_dev != dev || (unsigned long long)st.st_ino != ino) {
		logf_(log, LOG_LEFT, "left %s/%s: not the file the demo made", dir, name);
		return;
	}
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		logf_(log, LOG_FAILED, "%s/%s: %s", dir, name, strerror(errno));
	else
		logf_(log, LOG_REMOVED, "removed %s/%s", dir, name);
}

void demo_registry_remove_files(const char *dir, const struct demo_registry *r,
				struct demo_cleanup_log *log)
{
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (dirfd < 0) {
		if (errno != ENOENT)
			logf_(log, LOG_FAILED, "%s: %s", dir, strerror(errno));
		return;
	}
	for (size_t i = 0; i < r->n_files; i++)
		remove_file(dirfd, dir, r->files[i].name, r->files[i].dev, r->files[i].ino, log);
	/* the registry itself: the file we parsed, a regular file of ours */
	if (fstatat(dirfd, DEMO_REGISTRY_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISREG(st.st_mode) && st.st_uid == geteuid())
			remove_file(dirfd, dir, DEMO_REGISTRY_FILE, (unsigned long long)st.st_dev,
				    (unsigned long long)st.st_ino, log);
		else
			logf_(log, LOG_LEFT, "left %s/%s: not a registry file of this user", dir,
			      DEMO_REGISTRY_FILE);
	}
	close(dirfd);
}

/* The listed files and the registry, then the directory if nothing else is in it. */
static void remove_dir(const char *dir, const struct demo_registry *r,
		       struct demo_cleanup_log *log)
{
	demo_registry_remove_files(dir, r, log);
	if (rmdir(dir) == 0)
		logf_(log, LOG_REMOVED, "removed %s/", dir);
	else if (errno == ENOTEMPTY || errno == EEXIST)
		logf_(log, LOG_LEFT, "left %s/: holds files the demo did not make", dir);
	else if (errno != ENOENT)
		logf_(log, LOG_FAILED, "%s: %s", dir, strerror(errno));
}

void demo_registry_remove(const char *dir, const struct demo_registry *r, pid_t self,
			  struct demo_cleanup_log *log)
{
	demo_registry_kill(r, self, log);
	demo_registry_remove_objects(r, log);
	remove_dir(dir, r, log);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int demo_registry_cleanup_all(struct demo_cleanup_log *log, char *why, size_t why_len)
{
	char base[PATH_MAX], dir[PATH_MAX + 300];
	DIR *d;
	struct dirent *e;
	int rc = demo_registry_base(base, sizeof(base), false, why, why_len);

	if (rc == -ENOENT)
		return 0;	/* no base: nothing was left */
	if (rc < 0)
		return rc;
	d = opendir(base);
	if (!d)
		return errno == ENOENT ? 0 : why_(why, why_len, -errno, "%s", strerror(errno));
	while ((e = readdir(d))) {
		struct demo_registry r;
		char reason[128];
		int lrc;

		if (!all_digits(e->d_name))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", base, e->d_name);
		if (demo_registry_own_dir(dir, reason, sizeof(reason)) < 0) {
			logf_(log, LOG_LEFT, "left %s: %s", dir, reason);
			continue;
		}
		lrc = demo_registry_load(dir, &r);
		if (lrc < 0 || !r.have_root) {
			logf_(log, LOG_LEFT, "left %s/: no registry this user wrote (%s)", dir,
			      lrc < 0 ? (lrc == -EINVAL ? "not one it can read" : strerror(-lrc))
				      : "no root line");
		} else if (demo_registry_proc_alive(r.root, r.root_start)) {
			logf_(log, LOG_LEFT, "left %s/: demo %s is running (root pid %d)", dir,
			      r.demo[0] ? r.demo : "?", (int)r.root);
		} else {
			if (log && log->out && log->verbose)
				fprintf(log->out, "demo %s (root pid %d) is gone: cleaning up\n",
					r.demo[0] ? r.demo : "?", (int)r.root);
			demo_registry_remove(dir, &r, 0, log);
		}
		demo_registry_fini(&r);
	}
	closedir(d);
	return 0;
}
