/*
 * textfile.c - DIR/ipctop.prom replaced atomically (see textfile.h for the rules and why).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/arena.h"
#include "src/openmetrics_out.h"
#include "src/textfile.h"

struct textfile {
	int dirfd;
	char *dir;		/* for messages */
};

struct textfile *textfile_open(const char *dir, char *err, size_t errlen)
{
	struct textfile *tf;
	struct stat st;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		/* O_NOFOLLOW on a symlink: ELOOP (or ENOTDIR, with O_DIRECTORY) */
		if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
			snprintf(err, errlen, "--textfile '%s': is a symlink (give the directory "
				 "it points to)", dir);
		else
			snprintf(err, errlen, "--textfile '%s': %s", dir, strerror(e));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--textfile '%s': not a directory", dir);
		close(fd);
		return NULL;
	}
	if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
		snprintf(err, errlen, "--textfile '%s': anyone may replace files in it (world-"
			 "writable without the sticky bit)", dir);
		close(fd);
		return NULL;
	}
	tf = xcalloc(1, sizeof(*tf));
	tf->dirfd = fd;
	tf->dir = xrealloc(NULL, strlen(dir) + 1);
	memcpy(tf->dir, dir, strlen(dir) + 1);
	return tf;
}

void textfile_free(struct textfile *tf)
{
	if (!tf)
		return;
	close(tf->dirfd);
	free(tf->dir);
	free(tf);
}

/* Creates DIR/.ipctop.prom.XXXXXX (name written into name[]) exclusively; fd or -errno. */
static int create_temp(struct textfile *tf, char *name, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned char rnd[6];
		char suffix[sizeof(rnd) + 1];
		int fd;

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -errno;
		for (size_t i = 0; i < sizeof(rnd); i++)
			suffix[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
		suffix[sizeof(rnd)] = '\0';
		snprintf(name, len, "." TEXTFILE_NAME ".%s", suffix);
		fd = openat(tf->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int textfile_write(struct textfile *tf, const struct snapshot *s, char *err, size_t errlen)
{
	char tmp[64];
	struct stat st, mine;
	const char *step;
	FILE *f;
	int fd, e;

	if (fstatat(tf->dirfd, TEXTFILE_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s/%s: is %s, not a regular file: not replacing it", tf->dir,
			 TEXTFILE_NAME, S_ISLNK(st.st_mode) ? "a symlink" :
			 S_ISDIR(st.st_mode) ? "a directory" : "something else");
		return -1;
	}

	fd = create_temp(tf, tmp, sizeof(tmp));
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create a temporary file: %s", tf->dir,
			 strerror(-fd));
		return -1;
	}
	/* the collector (another user) reads it: 0644 whatever the umask */
	if (fchmod(fd, 0644) < 0) {
		step = "chmod";
		goto fail_fd;
	}
	f = fdopen(fd, "w");
	if (!f) {
		step = "fdopen";
		goto fail_fd;
	}
	if (openmetrics_out_write(f, s) < 0 || fsync(fd) < 0) {
		e = errno;
		fclose(f);
		errno = e;
		step = "write";
		goto fail_unlink;
	}
	if (fstat(fd, &mine) < 0) {
		e = errno;
		fclose(f);
		errno = e;
		step = "fstat";
		goto fail_unlink;
	}
	if (fclose(f) == EOF) {
		step = "close";
		goto fail_unlink;
	}
	/* the name must still be the file written (in a sticky or private directory nobody
	 * else can rename it; this says so if someone could) */
	if (fstatat(tf->dirfd, tmp, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != mine.st_dev ||
	    st.st_ino != mine.st_ino) {
		snprintf(err, errlen, "%s/%s: replaced by someone else while being written", tf->dir,
			 tmp);
		return -1;
	}
	if (renameat(tf->dirfd, tmp, tf->dirfd, TEXTFILE_NAME) < 0) {
		step = "rename";
		goto fail_unlink;
	}
	if (fsync(tf->dirfd) < 0) {
		snprintf(err, errlen, "%s: fsync: %s", tf->dir, strerror(errno));
		return -1;
	}
	return 0;

fail_fd:
	e = errno;
	close(fd);
	errno = e;
fail_unlink:
	e = errno;
	unlinkat(tf->dirfd, tmp, 0);
	snprintf(err, errlen, "%s/%s: %s: %s", tf->dir, TEXTFILE_NAME, step, strerror(e));
	return -1;
}
