/*
 * tree_mangler.c - makes a corrupted copy of a recorded /proc tree, for
 * tests/integration/hostile_trees.sh (issue 7, hostile conditions).
 *
 *   tree_mangler SRC DST SEED [COUNT]
 *
 * Copies the tree SRC (directories, regular files, symlinks as symlinks) to DST, which must
 * not exist, then applies COUNT (default 1 to 3, from the seed) corruptions to entries picked
 * at random, and prints one line per corruption, "MUTATION <kind> <path relative to DST>",
 * then "EXPECT error WHERE" lines or "EXPECT any". The same SEED always gives the same
 * corruptions of the same tree.
 *
 * Corruptions: truncation at a random offset, random bytes overwritten, the file deleted,
 * replaced by a directory, by a dangling symlink, by a symlink to itself (ELOOP) or to
 * /dev/zero (endless data: readers must bound what they read), a number replaced by a huge
 * or negative one, the whole content replaced by binary junk, a 70000-byte line inserted, a
 * line repeated a thousand times or deleted, newlines turned into NULs, fields added, chmod 000
 * (no effect for root, which bypasses it); symlinks (fd entries) re-pointed at junk, huge
 * inode numbers or very long targets; directories removed, replaced by a file, or joined by
 * junk entries (names that look like pids, absurd pids).
 *
 * "EXPECT error WHERE" when a corruption certainly makes a file that ipctop reads in every
 * tree unparsable or unreadable (a process's status, or a /proc/sysvipc table, turned into
 * binary junk or a directory) and that file is still there after every corruption (for a
 * status: next to a stat that is there too, else the process counts as exited), so the
 * snapshot must have an error whose "where" starts with WHERE ("pid 123 status",
 * "sysvipc/msg"); "EXPECT any" when there is no such file (a corruption may be harmless, or
 * of a file that is not read). Never creates FIFOs or device nodes.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t rng_state;

/* Corruptions that must show as errors, checked again once all are done. */
static char *destroyed_paths[64];
static size_t n_destroyed;

/* A path corrupted again: only its last corruption counts. */
static void forget(const char *path)
{
	for (size_t i = 0; i < n_destroyed; i++)
		if (strcmp(destroyed_paths[i], path) == 0) {
			free(destroyed_paths[i]);
			destroyed_paths[i] = destroyed_paths[--n_destroyed];
			return;
		}
}

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static size_t rnd_below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "tree_mangler: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/* ---- the entries of the copy (paths relative to DST) ---- */

static char **entries;
static size_t n_entries, cap_entries;

/* Only what ipctop reads is worth corrupting (not a fixture's README or expected output);
 * not proc/ itself either: without it there is no snapshot at all (tests/integration/cli.sh). */
static void add_entry(const char *rel)
{
	if ((strncmp(rel, "proc/", 5) != 0 && strncmp(rel, "dev", 3) != 0))
		return;
	if (n_entries == cap_entries) {
		cap_entries = cap_entries ? cap_entries * 2 : 256;
		entries = realloc(entries, cap_entries * sizeof(*entries));
		if (!entries)
			die("realloc", "");
	}
	entries[n_entries] = strdup(rel);
	if (!entries[n_entries])
		die("strdup", rel);
	n_entries++;
}

static void copy_file(const char *src, const char *dst)
{
	char buf[65536];
	int in = open(src, O_RDONLY | O_NOFOLLOW), out;
	ssize_t n;

	if (in < 0)
		die("open", src);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (out < 0)
		die("create", dst);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			die("write", dst);
	if (n < 0)
		die("read", src);
	close(in);
	close(out);
}

static void copy_tree(const char *src, const char *dst, const char *rel)
{
	DIR *d = opendir(src);
	struct dirent *de;

	if (!d)
		die("opendir", src);
	if (mkdir(dst, 0755) < 0)
		die("mkdir", dst);
	while ((de = readdir(d)) != NULL) {
		char s[4096], t[4096], r[4096];
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(s, sizeof(s), "%s/%s", src, de->d_name);
		snprintf(t, sizeof(t), "%s/%s", dst, de->d_name);
		snprintf(r, sizeof(r), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		if (lstat(s, &st) < 0)
			die("lstat", s);
		if (S_ISDIR(st.st_mode)) {
			copy_tree(s, t, r);
		} else if (S_ISREG(st.st_mode)) {
			copy_file(s, t);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlink(s, target, sizeof(target) - 1);

			if (n < 0)
				die("readlink", s);
			target[n] = '\0';
			if (symlink(target, t) < 0)
				die("symlink", t);
		} else {
			continue;	/* no FIFOs, sockets or devices in a copy */
		}
		add_entry(r);
	}
	closedir(d);
}

/* ---- file contents ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	*len = 0;
	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				die("realloc", path);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return buf;
}

static void spit(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	if (fd < 0)
		die("open", path);
	if (len && write(fd, buf, len) != (ssize_t)len)
		die("write", path);
	close(fd);
}

/* Replaces [off, off+cut) of the file by ins (ilen bytes). */
static void splice_file(const char *path, size_t off, size_t cut, const char *ins, size_t ilen)
{
	size_t len;
	char *buf = slurp(path, &len), *out;

	if (!buf)
		return;
	if (off > len)
		off = len;
	if (cut > len - off)
		cut = len - off;
	out = malloc(len - cut + ilen + 1);
	if (!out)
		die("malloc", path);
	memcpy(out, buf, off);
	memcpy(out + off, ins, ilen);
	memcpy(out + off + ilen, buf + off + cut, len - off - cut);
	spit(path, out, len - cut + ilen);
	free(out);
	free(buf);
}

static void remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d;
		struct dirent *de;

		chmod(path, 0755);
		d = opendir(path);
		while (d && (de = readdir(d)) != NULL) {
			char p[4096];

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
			remove_tree(p);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static const char *const huge_numbers[] = {
	"99999999999999999999999999999", "18446744073709551616", "18446744073709551615",
	"9223372036854775808", "9223372036854775807", "-9223372036854775809", "4294967296",
	"4294967295", "2147483648", "-2147483649", "-1", "0x7fffffff", "1e308", "", "00000000000000000000000000000001",
	"+5", "--3", "3.5",
};

/* A random line: where it starts and its length (without the newline). */
static int pick_line(const char *buf, size_t len, size_t *start, size_t *llen)
{
	size_t lines = 0, want, i, s = 0;

	for (i = 0; i < len; i++)
		if (buf[i] == '\n')
			lines++;
	if (len && buf[len - 1] != '\n')
		lines++;
	if (!lines)
		return -1;
	want = rnd_below(lines);
	for (i = 0; i < len && want; i++)
		if (buf[i] == '\n') {
			want--;
			s = i + 1;
		}
	for (i = s; i < len && buf[i] != '\n'; i++)
		;
	*start = s;
	*llen = i - s;
	return 0;
}

/* Is this a file ipctop reads in every tree, so destroying it must show in errors? */
static int must_error(const char *rel)
{
	const char *base = strrchr(rel, '/');
	int depth = 0;

	for (const char *p = rel; *p; p++)
		depth += *p == '/';
	base = base ? base + 1 : rel;
	if (strncmp(rel, "proc/sysvipc/", 13) == 0 && depth == 2)
		return strcmp(base, "msg") == 0 || strcmp(base, "shm") == 0 || strcmp(base, "sem") == 0;
	/* proc/<pid>/status (stat: a vanished or unparsable stat may just mean "exited") */
	if (strncmp(rel, "proc/", 5) == 0 && depth == 2 && rel[5] >= '1' && rel[5] <= '9')
		return strcmp(base, "status") == 0;
	return 0;
}

static void mutate_file(const char *root, const char *rel)
{
	char path[4096];
	size_t len;
	char *buf;
	const char *kind = NULL;
	int destroyed = 0;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	forget(path);
	buf = slurp(path, &len);
	switch (rnd_below(14)) {
	case 0:
		if (truncate(path, (off_t)rnd_below(len + 1)) == 0)
			kind = "truncate";
		break;
	case 1:
		for (size_t k = 0, n = 1 + rnd_below(8); len && k < n; k++)
			buf[rnd_below(len)] = (char)rnd();
		spit(path, buf, len);
		kind = "garbage-bytes";
		break;
	case 2:
		unlink(path);
		kind = "delete";
		break;
	case 3:
		unlink(path);
		mkdir(path, 0755);
		kind = "directory";
		destroyed = 1;
		break;
	case 4:
		unlink(path);
		if (symlink("does/not/exist", path) == 0)
			kind = "dangling-symlink";
		break;
	case 5: {
		/* the k-th run of digits becomes a huge (or odd) number */
		size_t runs = 0, k, i, s = 0, e;

		for (i = 0; i < len; i++)
			if (buf[i] >= '0' && buf[i] <= '9' && (i == 0 || buf[i - 1] < '0' || buf[i - 1] > '9'))
				runs++;
		if (!runs)
			break;
		k = rnd_below(runs);
		for (i = 0; i < len; i++)
			if (buf[i] >= '0' && buf[i] <= '9' && (i == 0 || buf[i - 1] < '0' || buf[i - 1] > '9')) {
				if (k-- == 0) {
					s = i;
					break;
				}
			}
		for (e = s; e < len && buf[e] >= '0' && buf[e] <= '9'; e++)
			;
		{
			const char *h = huge_numbers[rnd_below(sizeof(huge_numbers) / sizeof(huge_numbers[0]))];

			splice_file(path, s, e - s, h, strlen(h));
		}
		kind = "huge-number";
		break;
	}
	case 6: {
		size_t n = 1 + rnd_below(4096);
		char *junk = malloc(n);

		if (!junk)
			die("malloc", path);
		for (size_t i = 0; i < n; i++)
			junk[i] = (char)(rnd() | 0x80);	/* never plain text */
		spit(path, junk, n);
		free(junk);
		kind = "binary-junk";
		destroyed = 1;
		break;
	}
	case 7: {
		size_t n = 70000;
		char *line = malloc(n);

		if (!line)
			die("malloc", path);
		memset(line, rnd() & 1 ? 'A' : '9', n);
		splice_file(path, rnd_below(len + 1), 0, line, n);
		free(line);
		kind = "long-line";
		break;
	}
	case 8: {
		size_t s, l;

		if (pick_line(buf, len, &s, &l) < 0)
			break;
		if (rnd() & 1) {
			size_t reps = 1000, one = l + 1;
			char *many = malloc(one * reps);

			if (!many)
				die("malloc", path);
			for (size_t i = 0; i < reps; i++) {
				memcpy(many + i * one, buf + s, l);
				many[i * one + l] = '\n';
			}
			splice_file(path, s, 0, many, one * reps);
			free(many);
			kind = "repeat-line";
		} else {
			splice_file(path, s, l + 1, "", 0);
			kind = "delete-line";
		}
		break;
	}
	case 9:
		unlink(path);
		if (symlink(strrchr(path, '/') + 1, path) == 0)
			kind = "symlink-loop";
		break;
	case 10:
		unlink(path);
		if (symlink("/dev/zero", path) == 0)
			kind = "symlink-dev-zero";
		break;
	case 11:
		for (size_t i = 0; i < len; i++)
			if (buf[i] == '\n')
				buf[i] = '\0';
		spit(path, buf, len);
		kind = "newlines-to-nul";
		break;
	case 12: {
		size_t s, l;
		static const char *const extra[] = { " 12 34", "\t\t", " x", "  ", " -", ":", " (a) b" };
		const char *x = extra[rnd_below(sizeof(extra) / sizeof(extra[0]))];

		if (pick_line(buf, len, &s, &l) < 0)
			break;
		splice_file(path, s + l, 0, x, strlen(x));
		kind = "extra-field";
		break;
	}
	case 13:
		chmod(path, 0);
		kind = "chmod-000";
		break;
	}
	free(buf);
	if (kind)
		printf("MUTATION %s %s\n", kind, rel);
	if (kind && destroyed && must_error(rel) && n_destroyed < 64)
		destroyed_paths[n_destroyed++] = strdup(path);
}

static void mutate_link(const char *root, const char *rel)
{
	static const char *const targets[] = {
		"pipe:[99999999999999999999999]", "pipe:[]", "pipe:[-1]", "pipe:[18446744073709551615]",
		"socket:[", "socket:[0]", "anon_inode:[eventfd]", "anon_inode:", "/dev/mqueue/../../x",
		"[", "pipe:[12]junk", "/dev/zero", "",
	};
	char path[4096], target[5000];
	const char *kind = "retarget";

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	unlink(path);
	switch (rnd_below(4)) {
	case 0:
		snprintf(target, sizeof(target), "%s", targets[rnd_below(sizeof(targets) / sizeof(targets[0]))]);
		if (!*target)
			snprintf(target, sizeof(target), "x");	/* symlink(2) refuses "" */
		break;
	case 1: {
		size_t n = 1 + rnd_below(60);

		for (size_t i = 0; i < n; i++)
			target[i] = (char)(1 + rnd_below(255));
		target[n] = '\0';
		kind = "retarget-junk";
		break;
	}
	case 2:
		memset(target, 'p', 4000);
		memcpy(target, "pipe:[", 6);
		target[4000] = '\0';
		kind = "retarget-long";
		break;
	default:
		kind = "delete-link";
		printf("MUTATION %s %s\n", kind, rel);
		return;
	}
	if (symlink(target, path) < 0)
		symlink("x", path);
	printf("MUTATION %s %s\n", kind, rel);
}

static void mutate_dir(const char *root, const char *rel)
{
	char path[4096], p[4200];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	switch (rnd_below(4)) {
	case 0:
		remove_tree(path);
		printf("MUTATION remove-dir %s\n", rel);
		break;
	case 1:
		remove_tree(path);
		{
			int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);

			if (fd >= 0) {
				if (write(fd, "1 (x) R 0\n", 10) != 10)
					die("write", path);
				close(fd);
			}
		}
		printf("MUTATION dir-to-file %s\n", rel);
		break;
	case 2: {
		static const char *const names[] = {
			"4294967296", "99999999999", "0", "007", "-1", "2147483647", "123abc", "1 2",
		};
		const char *n = names[rnd_below(sizeof(names) / sizeof(names[0]))];
		int fd;

		snprintf(p, sizeof(p), "%s/%s", path, n);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/%s/stat", path, n);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			if (write(fd, "\xff\xfe(((( ))) Z -5\n", 17) != 17)
				die("write", p);
			close(fd);
		}
		printf("MUTATION junk-entry %s/%s\n", rel, n);
		break;
	}
	default:
		chmod(path, 0);
		printf("MUTATION chmod-000 %s\n", rel);
		break;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	unsigned long long seed;
	size_t count;
	int expect_error = 0;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: tree_mangler SRC DST SEED [COUNT]\n");
		return 2;
	}
	seed = strtoull(argv[3], NULL, 10);
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
	if (!rng_state)
		rng_state = 1;
	copy_tree(argv[1], argv[2], "");
	if (n_entries == 0) {
		fprintf(stderr, "tree_mangler: %s is empty\n", argv[1]);
		return 1;
	}
	/* the order readdir gave may differ between file systems: sort for reproducibility */
	qsort(entries, n_entries, sizeof(*entries), cmp_str);
	count = argc == 5 ? (size_t)strtoul(argv[4], NULL, 10) : 1 + rnd_below(3);
	for (size_t i = 0; i < count; i++) {
		const char *rel = entries[rnd_below(n_entries)];
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", argv[2], rel);
		if (lstat(path, &st) < 0)
			continue;	/* already removed by an earlier corruption */
		if (S_ISDIR(st.st_mode))
			mutate_dir(argv[2], rel);
		else if (S_ISLNK(st.st_mode))
			mutate_link(argv[2], rel);
		else
			mutate_file(argv[2], rel);
	}
	/* a destroyed file still in place (no later corruption removed it or its directory) */
	for (size_t i = 0; i < n_destroyed; i++) {
		const char *p = destroyed_paths[i], *rel = p + strlen(argv[2]) + 1;
		struct stat st;

		if (lstat(p, &st) == 0 && !S_ISLNK(st.st_mode)) {
			if (strncmp(rel, "proc/sysvipc/", 13) == 0) {
				printf("EXPECT error %s\n", rel + 5);
				expect_error = 1;
			} else {
				/* proc/<pid>/status: its stat must be there, or "gone" */
				char stat_path[4200];
				int pid = atoi(rel + 5);

				snprintf(stat_path, sizeof(stat_path), "%s/proc/%d/stat", argv[2], pid);
				if (lstat(stat_path, &st) == 0 && !S_ISLNK(st.st_mode)) {
					printf("EXPECT error pid %d status\n", pid);
					expect_error = 1;
				}
			}
		}
		free(destroyed_paths[i]);
	}
	if (!expect_error)
		printf("EXPECT any\n");
	for (size_t i = 0; i < n_entries; i++)
		free(entries[i]);
	free(entries);
	return 0;
}
