/*
 * settings.c - reading and writing ipctoprc (see settings.h for the format).
 *
 * Invariant: settings_parse() either applies every line or none; the file on disk is only
 * ever replaced whole (written beside it, then renamed over it), only in a directory that is
 * the user's alone, through a fresh O_EXCL | O_NOFOLLOW temporary: a symlink or file planted
 * by another user (as under sudo -E with HOME in their directory) is never written through.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/arena.h"
#include "ui/settings.h"

#define FILE_MAX (64 * 1024)

static const char *const theme_names[] = {
	[THEME_AUTO] = "auto", [THEME_8] = "8", [THEME_256] = "256", [THEME_MONO] = "mono",
};
static const char *const view_names[] = {
	[SETTINGS_VIEW_DASHBOARD] = "dashboard", [SETTINGS_VIEW_TOPOLOGY] = "topology",
};

const char *settings_theme_name(enum term_theme t)
{
	return (unsigned)t <= THEME_MONO ? theme_names[t] : "?";
}

const char *settings_view_name(enum settings_view v)
{
	return (unsigned)v <= SETTINGS_VIEW_TOPOLOGY ? view_names[v] : "?";
}

void settings_defaults(struct settings *s)
{
	s->refresh = 1.0;
	s->theme = THEME_AUTO;
	s->view = SETTINGS_VIEW_DASHBOARD;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

/* Applies one "key = value" line to s; false with err set. */
static bool parse_line(struct settings *s, char *line, char *err, size_t len)
{
	char *eq = strchr(line, '='), *key, *val, *end;

	if (!eq) {
		snprintf(err, len, "expected \"key = value\", got \"%.40s\"", line);
		return false;
	}
	*eq = 0;
	key = trim(line);
	val = trim(eq + 1);
	if (strcmp(key, "refresh") == 0) {
		double d;

		errno = 0;
		d = strtod(val, &end);
		if (!*val || *end || errno || !isfinite(d) || d < SETTINGS_REFRESH_MIN ||
		    d > SETTINGS_REFRESH_MAX) {
			snprintf(err, len, "refresh \"%.40s\" is not a number of seconds from %g to %g",
				 val, SETTINGS_REFRESH_MIN, SETTINGS_REFRESH_MAX);
			return false;
		}
		s->refresh = d;
	} else if (strcmp(key, "theme") == 0) {
		size_t i;

		for (i = 0; i <= THEME_MONO; i++)
			if (strcmp(val, theme_names[i]) == 0)
				break;
		if (i > THEME_MONO) {
			snprintf(err, len, "theme \"%.40s\" is not one of auto, 8, 256, mono", val);
			return false;
		}
		s->theme = (enum term_theme)i;
	} else if (strcmp(key, "view") == 0) {
		if (strcmp(val, "dashboard") == 0) {
			s->view = SETTINGS_VIEW_DASHBOARD;
		} else if (strcmp(val, "topology") == 0) {
			s->view = SETTINGS_VIEW_TOPOLOGY;
		} else {
			snprintf(err, len, "view \"%.40s\" is not dashboard or topology", val);
			return false;
		}
	} else {
		snprintf(err, len, "unknown setting \"%.40s\" (known: refresh, theme, view)", key);
		return false;
	}
	return true;
}

int settings_parse(struct settings *s, const char *text, char *err, size_t len)
{
	struct settings t;
	char *copy = xstrdup(text ? text : ""), *line, *next;
	int lineno = 0;

	settings_defaults(&t);
	for (line = copy; line; line = next) {
		char *hash, *l, why[160];

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		l = trim(line);
		if (!*l)
			continue;
		for (char *c = l; *c; c++) {
			if (!isprint((unsigned char)*c) && *c != '\t') {
				snprintf(err, len, "line %d: not text", lineno);
				goto bad;
			}
		}
		if (!parse_line(&t, l, why, sizeof(why))) {
			snprintf(err, len, "line %d: %s", lineno, why);
			goto bad;
		}
	}
	free(copy);
	*s = t;
	return 0;
bad:
	free(copy);
	settings_defaults(s);
	return -EINVAL;
}

int settings_format(const struct settings *s, char *buf, size_t len)
{
	return snprintf(buf, len,
			"# ipctop settings: key = value; S in the dashboard writes this file\n"
			"# seconds between snapshots (%g to %g)\n"
			"refresh = %g\n"
			"# colours: auto, 8, 256 or mono\n"
			"theme = %s\n"
			"# the view ipctop opens with: dashboard or topology\n"
			"view = %s\n",
			SETTINGS_REFRESH_MIN, SETTINGS_REFRESH_MAX, s->refresh,
			settings_theme_name(s->theme), settings_view_name(s->view));
}

bool settings_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	/* the XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored */
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/ipctop/ipctoprc", xdg);
	else if (home && *home)
		n = snprintf(buf, len, "%s/.config/ipctop/ipctoprc", home);
	else
		n = -1;
	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = 0;
		return false;
	}
	return true;
}

int settings_load(struct settings *s, const char *path, char *err, size_t len)
{
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd, rc;

	settings_defaults(s);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		rc = -errno;
		snprintf(err, len, "%s: %s", path, strerror(-rc));
		return rc;
	}
	buf = xmalloc(FILE_MAX + 1);
	while (got < FILE_MAX && (n = read(fd, buf + got, FILE_MAX - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			snprintf(err, len, "%s: %s", path, strerror(-rc));
			close(fd);
			free(buf);
			return rc;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = 0;
	if (got == FILE_MAX || memchr(buf, 0, got)) {
		snprintf(err, len, "%s: not a settings file (binary or over %d KiB)", path,
			 FILE_MAX / 1024);
		free(buf);
		return -EINVAL;
	}
	{
		char why[256];

		rc = settings_parse(s, buf, why, sizeof(why));
		if (rc < 0)
			snprintf(err, len, "%s (in %s)", why, path);
	}
	free(buf);
	return rc;
}

/* mkdir -p of the directory part of path. */
static int make_dirs(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int rc = 0;

	if (!slash || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = 0;
	for (char *p = dir + 1; ; p++) {
		if (*p == '/' || *p == 0) {
			char c = *p;

			*p = 0;
			if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
				rc = -errno;
				break;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	free(dir);
	return rc;
}

/* err = "<doing><what>: <strerror>"; returns rc. */
static int save_fail(char *err, size_t len, int rc, const char *doing, const char *what)
{
	snprintf(err, len, "%s%s: %s", doing, what, strerror(-rc));
	return rc;
}

/* Creates a fresh temporary "<base>.XXXXXX" in dirfd: O_EXCL | O_NOFOLLOW, so nothing planted
 * there (a symlink, a FIFO, another user's file) is ever opened. */
static int create_temp(int dirfd, const char *base, char *name, size_t len)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";

	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned char rnd[8];
		size_t off = (size_t)snprintf(name, len, "%s.", base);
		int fd;

		if (getentropy(rnd, sizeof(rnd)) < 0)
			return -errno;
		for (size_t i = 0; i < sizeof(rnd) && off + 1 < len; i++)
			name[off++] = digits[rnd[i] % (sizeof(digits) - 1)];
		name[off] = 0;
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

static int write_all(int fd, const char *text, size_t n)
{
	size_t off = 0;

	while (off < n) {
		ssize_t w = write(fd, text + off, n - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)w;
	}
	return 0;
}

int settings_save(const struct settings *s, const char *path, char *err, size_t len)
{
	char text[1024], *dir, tmp[NAME_MAX + 1];
	const char *base = strrchr(path, '/');
	uid_t me = geteuid();
	struct stat st;
	int dirfd, fd, rc, n;

	n = settings_format(s, text, sizeof(text));
	if (n < 0 || (size_t)n >= sizeof(text))
		return save_fail(err, len, -EOVERFLOW, "", path);
	if (!base || !base[1] || strlen(base + 1) + 8 > NAME_MAX)
		return save_fail(err, len, -EINVAL, "", path);
	rc = make_dirs(path);
	if (rc < 0)
		return save_fail(err, len, rc, "cannot create the directory of ", path);
	dir = xstrdup(path);
	dir[base == path ? 1 : (size_t)(base - path)] = 0;	/* "/" or the directory part */
	base++;
	/* the directory must be the user's own and closed to others: in a directory another
	 * user can write, they could swap the file between our check and our rename */
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0) {
		rc = save_fail(err, len, -errno, "cannot open ", dir);
		free(dir);
		return rc;
	}
	if (fstat(dirfd, &st) < 0) {
		rc = save_fail(err, len, -errno, "", dir);
		goto out_dir;
	}
	if (st.st_uid != me || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, len, "refusing to write in %s: it belongs to uid %u%s, not to uid %u "
			 "alone", dir, (unsigned)st.st_uid,
			 st.st_mode & (S_IWGRP | S_IWOTH) ? " and others may write in it" : "",
			 (unsigned)me);
		rc = -EPERM;
		goto out_dir;
	}
	/* an existing target: the user's own regular file, never a symlink to follow */
	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (!S_ISREG(st.st_mode) || st.st_uid != me)) {
		snprintf(err, len, "refusing to replace %s: it is %s", path,
			 S_ISLNK(st.st_mode) ? "a symbolic link" :
			 !S_ISREG(st.st_mode) ? "not a regular file" : "another user's file");
		rc = S_ISLNK(st.st_mode) ? -ELOOP : -EPERM;
		goto out_dir;
	}
	fd = create_temp(dirfd, base, tmp, sizeof(tmp));
	if (fd < 0) {
		rc = save_fail(err, len, fd, "cannot create a temporary file in ", dir);
		goto out_dir;
	}
	rc = write_all(fd, text, (size_t)n);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && renameat(dirfd, tmp, dirfd, base) < 0)
		rc = -errno;
	if (rc) {
		unlinkat(dirfd, tmp, 0);
		save_fail(err, len, rc, "cannot write ", path);
	} else {
		fsync(dirfd);	/* the rename itself on disk */
	}
out_dir:
	close(dirfd);
	free(dir);
	return rc;
}
