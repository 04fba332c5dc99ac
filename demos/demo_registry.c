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

static struct reg_sysv *sysv_find_pending(struct demo_registry *r, enum reg_sysv_kind k,
					  int32_t key)
{
	for (size_t i = r->n_sysv; i-- > 0;)
		if (r->sysv[i].kind == k && r->sysv[i].key == key && r->sysv[i].id < 0 &&
		    !r->sysv[i].failed)
			return &r->sysv[i];
	return NULL;
}

static struct reg_sysv *sysv_add(struct demo_registry *r)
{
	r->sysv = xreallocarray(r->sysv, r->n_sysv + 1, sizeof(*r->sysv));
	memset(&r->sysv[r->n_sysv], 0, sizeof(*r->sysv));
	r->sysv[r->n_sysv].id = -1;
	return &r->sysv[r->n_sysv++];
}

/* One line, split into at most 5 words. Returns false if malformed. */
static bool parse_line(struct demo_registry *r, char *line)
{
	char *w[6] = { NULL };
	size_t n = 0;
	char *save = NULL;
	long long v;
	unsigned long long u;

	for (char *t = strtok_r(line, " ", &save); t && n < 6; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	if (n == 0)
		return true;	/* empty line */
	if (strcmp(w[0], "ipctop-demo-registry") == 0) {
		r->have_header = n == 2 && strcmp(w[1], "1") == 0;
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
	if ((strcmp(w[0], "sysv-key") == 0 || strcmp(w[0], "sysv-failed") == 0) && n == 3) {
		enum reg_sysv_kind k;
		struct reg_sysv *s;

		if (!sysv_kind_parse(w[1], &k) || !num_ll(w[2], INT32_MIN, INT32_MAX, &v) || v == 0)
			return false;
		if (strcmp(w[0], "sysv-failed") == 0) {
			s = sysv_find_pending(r, k, (int32_t)v);
			if (s)
				s->failed = true;
			return true;
		}
		s = sysv_add(r);
		s->kind = k;
		s->key = (int32_t)v;
		return true;
	}
	if (strcmp(w[0], "sysv") == 0 && n == 4) {
		enum reg_sysv_kind k;
		long long key;
		struct reg_sysv *s;

		if (!sysv_kind_parse(w[1], &k) || !num_ll(w[2], 0, INT_MAX, &v) ||
		    !num_ll(w[3], INT32_MIN, INT32_MAX, &key) || key == 0)
			return false;
		s = sysv_find_pending(r, k, (int32_t)key);
		if (!s) {
			s = sysv_add(r);
			s->kind = k;
			s->key = (int32_t)key;
		}
		s->id = (int)v;
		return true;
	}
	if (strcmp(w[0], "posix") == 0 && n == 3) {
		enum reg_posix_kind k;
		struct reg_posix *p;

		if (!posix_kind_parse(w[1], &k) || !posix_name_ok(w[2]))
			return false;
		r->posix = xreallocarray(r->posix, r->n_posix + 1, sizeof(*r->posix));
		p = &r->posix[r->n_posix++];
		p->kind = k;
		snprintf(p->name, sizeof(p->name), "%s", w[2]);
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
	memset(r, 0, sizeof(*r));
}

/* ---- files -------------------------------------------------------------------------------- */

static int check_own_dir(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return -ENOTDIR;
	return 0;
}

int demo_registry_base(char *buf, size_t len, bool create)
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
		return -ENAMETOOLONG;
	if (!create)
		return 0;
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	return check_own_dir(buf);
}

int demo_registry_append(const char *dir, const char *fmt, ...)
{
	char path[PATH_MAX], line[512];
	va_list ap;
	int fd, n, rc = 0;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		return -EOVERFLOW;
	line[n++] = '\n';
	snprintf(path, sizeof(path), "%s/%s", dir, DEMO_REGISTRY_FILE);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, line, (size_t)n) != n)
		rc = errno ? -errno : -EIO;
	close(fd);
	return rc;
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
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
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

/* ---- removal ------------------------------------------------------------------------------ */

static void logf_(struct demo_cleanup_log *log, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void logf_(struct demo_cleanup_log *log, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (!log)
		return;
	if (ok)
		log->removed++;
	else
		log->failed++;
	if (!log->out || (ok && !log->verbose))
		return;
	va_start(ap, fmt);
	vfprintf(log->out, fmt, ap);
	va_end(ap);
	fputc('\n', log->out);
}

void demo_registry_kill(const struct demo_registry *r, pid_t self, struct demo_cleanup_log *log)
{
	bool waiting = false;
	struct timespec tick = { 0, 20 * 1000 * 1000 };

	for (size_t i = 0; i < r->n_procs; i++) {
		const struct reg_proc *p = &r->procs[i];

		if (p->pid == self || !demo_registry_proc_alive(p->pid, p->start))
			continue;
		if (kill(p->pid, SIGKILL) == 0) {
			logf_(log, true, "killed pid %d (%s)", (int)p->pid, p->role);
			waiting = true;
		} else {
			logf_(log, false, "pid %d (%s): kill: %s", (int)p->pid, p->role,
			      strerror(errno));
		}
	}
	/* SIGKILL takes effect quickly; wait so that no process recreates what we remove. */
	for (int round = 0; waiting && round < 100; round++) {
		waiting = false;
		for (size_t i = 0; i < r->n_procs; i++)
			if (r->procs[i].pid != self && demo_registry_proc_alive(r->procs[i].pid, r->procs[i].start))
				waiting = true;
		if (waiting)
			nanosleep(&tick, NULL);
	}
}

/* Identity of a SysV object: key, creator uid, change time. Returns 0 or -errno. */
static int sysv_stat(enum reg_sysv_kind k, int id, int32_t *key, uid_t *cuid, int64_t *ctime_)
{
	if (k == REG_MSG) {
		struct msqid_ds ds;

		if (msgctl(id, IPC_STAT, &ds) < 0)
			return -errno;
		*key = (int32_t)ds.msg_perm.__key;
		*cuid = ds.msg_perm.cuid;
		*ctime_ = (int64_t)ds.msg_ctime;
	} else if (k == REG_SHM) {
		struct shmid_ds ds;

		if (shmctl(id, IPC_STAT, &ds) < 0)
			return -errno;
		*key = (int32_t)ds.shm_perm.__key;
		*cuid = ds.shm_perm.cuid;
		*ctime_ = (int64_t)ds.shm_ctime;
	} else {
		struct semid_ds ds;

		if (semctl(id, 0, IPC_STAT, &ds) < 0)
			return -errno;
		*key = (int32_t)ds.sem_perm.__key;
		*cuid = ds.sem_perm.cuid;
		*ctime_ = (int64_t)ds.sem_ctime;
	}
	return 0;
}

static int sysv_get(enum reg_sysv_kind k, int32_t key)
{
	if (k == REG_MSG)
		return msgget((key_t)key, 0);
	if (k == REG_SHM)
		return shmget((key_t)key, 0, 0);
	return semget((key_t)key, 0, 0);
}

static int sysv_rmid(enum reg_sysv_kind k, int id)
{
	if (k == REG_MSG)
		return msgctl(id, IPC_RMID, NULL);
	if (k == REG_SHM)
		return shmctl(id, IPC_RMID, NULL);
	return semctl(id, 0, IPC_RMID);
}

static void remove_sysv(const struct demo_registry *r, const struct reg_sysv *s,
			struct demo_cleanup_log *log)
{
	const char *kn = demo_registry_sysv_kind(s->kind);
	int id = s->id;
	int32_t key;
	uid_t cuid;
	int64_t ct;
	int rc;

	if (s->failed)
		return;
	if (id < 0) {
		id = sysv_get(s->kind, s->key);
		if (id < 0)
			return;		/* never created, or already gone */
	}
	rc = sysv_stat(s->kind, id, &key, &cuid, &ct);
	if (rc == -EINVAL || rc == -EIDRM)
		return;			/* already gone */
	if (rc < 0) {
		logf_(log, false, "%s:%d: %s", kn, id, strerror(-rc));
		return;
	}
	/* Still ours? (A segment already marked for removal has key 0: it is going anyway.) */
	if (key != s->key || (r->have_uid && cuid != r->uid) ||
	    (r->have_start && ct + 1 < r->start_time))
		return;
	if (sysv_rmid(s->kind, id) < 0 && errno != EINVAL && errno != EIDRM)
		logf_(log, false, "%s:%d: IPC_RMID: %s", kn, id, strerror(errno));
	else
		logf_(log, true, "removed %s:%d (key 0x%08" PRIx32 ")", kn, id, (uint32_t)s->key);
}

static void remove_posix(const struct demo_registry *r, const struct reg_posix *p,
			 struct demo_cleanup_log *log)
{
	char want[64], name[300];
	int rc;

	snprintf(want, sizeof(want), DEMO_POSIX_PREFIX "%d-", (int)r->root);
	if (!r->have_root || strncmp(p->name, want, strlen(want)) != 0 || !posix_name_ok(p->name))
		return;
	snprintf(name, sizeof(name), "/%s", p->name);
	if (p->kind == REG_PMQ)
		rc = mq_unlink(name);
	else if (p->kind == REG_PSHM)
		rc = shm_unlink(name);
	else
		rc = sem_unlink(name);
	if (rc == 0)
		logf_(log, true, "removed p%s:%s", p->kind == REG_PMQ ? "mq" :
		      p->kind == REG_PSHM ? "shm" : "sem", p->name);
	else if (errno != ENOENT)
		logf_(log, false, "%s %s: %s", demo_registry_posix_kind(p->kind), p->name,
		      strerror(errno));
}

void demo_registry_remove_objects(const struct demo_registry *r, struct demo_cleanup_log *log)
{
	for (size_t i = r->n_sysv; i-- > 0;)
		remove_sysv(r, &r->sysv[i], log);
	for (size_t i = r->n_posix; i-- > 0;)
		remove_posix(r, &r->posix[i], log);
}

void demo_registry_empty_dir(const char *dir, struct demo_cleanup_log *log)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		if (errno != ENOENT)
			logf_(log, false, "%s: %s", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT)
			logf_(log, false, "%s/%s: %s", dir, e->d_name, strerror(errno));
	}
	closedir(d);
}

/* Every file of the private directory, then the directory. */
static void remove_dir(const char *dir, struct demo_cleanup_log *log)
{
	demo_registry_empty_dir(dir, log);
	if (rmdir(dir) < 0 && errno != ENOENT)
		logf_(log, false, "%s: %s", dir, strerror(errno));
}

void demo_registry_remove(const char *dir, const struct demo_registry *r, pid_t self,
			  struct demo_cleanup_log *log)
{
	demo_registry_kill(r, self, log);
	demo_registry_remove_objects(r, log);
	remove_dir(dir, log);
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

int demo_registry_cleanup_all(struct demo_cleanup_log *log)
{
	char base[PATH_MAX], dir[PATH_MAX + 300];
	DIR *d;
	struct dirent *e;
	int rc = demo_registry_base(base, sizeof(base), false);

	if (rc < 0)
		return rc;
	if (check_own_dir(base) < 0)
		return 0;	/* no base (or not ours): nothing was left by us */
	d = opendir(base);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		struct demo_registry r;
		int lrc;

		if (!all_digits(e->d_name))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", base, e->d_name);
		if (check_own_dir(dir) < 0)
			continue;
		lrc = demo_registry_load(dir, &r);
		if (lrc == 0 && r.have_root) {
			if (demo_registry_proc_alive(r.root, r.root_start)) {
				demo_registry_fini(&r);
				continue;	/* a running demo: its conductor cleans up */
			}
			if (log && log->out && log->verbose)
				fprintf(log->out, "demo %s (root pid %d) is gone: cleaning up\n",
					r.demo[0] ? r.demo : "?", (int)r.root);
			demo_registry_remove(dir, &r, 0, log);
		} else {
			/* No usable registry: a demo killed while starting. Only its directory can
			 * hold anything, and only if its root pid no longer exists at all. */
			char path[300];

			snprintf(path, sizeof(path), "/proc/%s", e->d_name);
			if (access(path, F_OK) != 0)
				remove_dir(dir, log);
		}
		demo_registry_fini(&r);
	}
	closedir(d);
	return 0;
}
