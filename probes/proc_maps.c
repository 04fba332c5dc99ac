/*
 * proc_maps.c - System V and /dev/shm mappings of every process, from /proc/<pid>/maps.
 *
 * The processes come from the proc_table probe that ran before (skipping kernel threads and
 * zombies, whose maps are empty); if it found none, the probe lists <root>/proc itself.
 * Each maps file is read once; only lines whose path starts with /SYSV or /dev/shm/ are
 * parsed in full. A process gone meanwhile simply has no entries; an unreadable maps file is
 * "pid N maps" in errors (and counted in ctx->maps_unreadable). ctx->maps_scanned tells later
 * probes the list is meaningful.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probes/proc_maps.h"
#include "probes/proc_table.h"

#define MAPS_MAX (64 * 1024 * 1024)

struct pm_state {
	char *buf;
	size_t cap;
};

/* Hex number [*p, ...) up to a byte in stop (or end). Advances *p. */
static bool hex_field(const char **p, const char *e, char stop, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= e)
		return false;
	for (; s < e && *s != stop; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (v >> 60)
			return false;	/* more than 64 bits */
		v = (v << 4) | d;
	}
	if (s == *p || s >= e)
		return false;
	*out = v;
	*p = s + 1;
	return true;
}

int proc_maps_parse_line(const char *line, size_t len, struct proc_maps_line *out)
{
	static const char deleted[] = " (deleted)";
	const char *p = line, *e = line + len;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	if (len > 0 && e[-1] == '\n')
		e--;
	if (!hex_field(&p, e, '-', &out->start) || !hex_field(&p, e, ' ', &out->end))
		return -EBADMSG;
	if (e - p < 5 || p[4] != ' ')
		return -EBADMSG;
	memcpy(out->perms, p, 4);
	out->perms[4] = '\0';
	p += 5;
	if (!hex_field(&p, e, ' ', &out->offset))
		return -EBADMSG;
	if (!hex_field(&p, e, ':', &v) || v > 0xfff)
		return -EBADMSG;
	out->major = (unsigned)v;
	/* minor: up to the space before the inode */
	if (!hex_field(&p, e, ' ', &v) || v > 0xfffff)
		return -EBADMSG;
	out->minor = (unsigned)v;
	/* inode: decimal, then end of line or spaces and the path */
	v = 0;
	if (p >= e || *p < '0' || *p > '9')
		return -EBADMSG;
	for (; p < e && *p != ' '; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return -EBADMSG;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	out->inode = v;
	while (p < e && *p == ' ')
		p++;
	if (p < e) {
		size_t n = (size_t)(e - p);

		if (n > sizeof(deleted) - 1 &&
		    memcmp(e - (sizeof(deleted) - 1), deleted, sizeof(deleted) - 1) == 0) {
			out->deleted = true;
			n -= sizeof(deleted) - 1;
		}
		out->path = p;
		out->path_len = n;
	}
	return 0;
}

bool proc_maps_is_ipc_path(const char *path, size_t len)
{
	return (len > 5 && memcmp(path, "/SYSV", 5) == 0) ||
	       (len > 9 && memcmp(path, "/dev/shm/", 9) == 0);
}

static bool already_have(const struct probe_ctx *ctx, size_t first, const struct map_entry *m)
{
	for (size_t i = first; i < ctx->n_maps; i++) {
		const struct map_entry *o = &ctx->maps[i];

		if (o->dev == m->dev && o->inode == m->inode && o->deleted == m->deleted &&
		    strcmp(o->path, m->path) == 0)
			return true;
	}
	return false;
}

/* Records the IPC mappings found in one maps text. */
static void scan_text(struct probe_ctx *ctx, pid_t pid, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	size_t first = ctx->n_maps;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *slash = memchr(p, '/', (size_t)(le - p));
		struct proc_maps_line ml;

		if (slash && proc_maps_is_ipc_path(slash, (size_t)(le - slash))) {
			if (proc_maps_parse_line(p, (size_t)(le - p), &ml) == 0 && ml.path == slash &&
			    proc_maps_is_ipc_path(ml.path, ml.path_len)) {
				struct map_entry m = {
					.pid = pid,
					.dev = makedev(ml.major, ml.minor),
					.inode = ml.inode,
					.path = arena_strndup(&ctx->scratch, ml.path, ml.path_len),
					.deleted = ml.deleted,
				};

				if (!already_have(ctx, first, &m))
					*probe_add_map(ctx) = m;
			} else {
				snapshot_add_errorf(ctx->snap, "malformed", "pid %d maps", (int)pid);
			}
		}
		p = nl ? nl + 1 : end;
	}
}

static void scan_pid(struct probe_ctx *ctx, struct pm_state *st, pid_t pid)
{
	char path[32];
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%d/maps", (int)pid);
	rc = proc_read_file(ctx->procfd, path, &st->buf, &st->cap, MAPS_MAX, &len);
	if (rc == -ENOENT || rc == -ESRCH)
		return;		/* exited: it maps nothing any more */
	if (rc < 0) {
		snapshot_add_errorf(ctx->snap, probe_errname(-rc), "pid %d maps", (int)pid);
		if (ctx->maps_unreadable++ == 0)
			ctx->maps_unreadable_err = -rc;
		return;
	}
	scan_text(ctx, pid, st->buf, len);
}

static int scan_dir(struct probe_ctx *ctx, struct pm_state *st)
{
	int dfd = openat(ctx->procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;

	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		int err = errno;

		close(dfd);
		return -err;
	}
	while ((de = readdir(d)) != NULL) {
		char *endp;
		long pid = strtol(de->d_name, &endp, 10);

		if (de->d_name[0] < '1' || de->d_name[0] > '9' || *endp || pid > 0x7fffffffL ||
		    (ctx->self && pid == ctx->self))
			continue;
		scan_pid(ctx, st, (pid_t)pid);
	}
	closedir(d);
	return 0;
}

int proc_maps_collect(struct probe_ctx *ctx, void **state)
{
	struct pm_state *st = *state;
	const struct snapshot *s = ctx->snap;
	int rc = 0;

	if (!st)
		*state = st = xcalloc(1, sizeof(*st));
	if (s->n_procs > 0) {
		for (size_t i = 0; i < s->n_procs; i++) {
			const struct proc_rec *p = &s->procs[i];

			if (p->kthread || p->zombie || (ctx->self && p->pid == ctx->self))
				continue;
			scan_pid(ctx, st, p->pid);
		}
	} else {
		rc = scan_dir(ctx, st);
	}
	if (rc == 0)
		ctx->maps_scanned = true;
	return rc;
}

void proc_maps_fini(void *state)
{
	struct pm_state *st = state;

	if (!st)
		return;
	free(st->buf);
	free(st);
}
