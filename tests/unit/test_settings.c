/*
 * test_settings.c - ipctoprc (ui/settings.c): parsing good files, comments and spacing;
 * every kind of malformed file gives the defaults and a message naming the line; formatting
 * parses back to the same settings; save creates the directory and load reads it back; the
 * path follows XDG_CONFIG_HOME, then HOME. Saving beside a hostile user (issue 11): a symlink
 * planted as the old temporary name, the target as a symlink, a directory another user owns
 * or may write: nothing is written through a link, the victim file keeps its bytes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "tests/unit/testmain.h"
#include "ui/settings.h"

static char tmpdir[256];

static int make_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ipctop-settings.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmp(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void assert_defaults(const struct settings *s)
{
	CU_ASSERT_DOUBLE_EQUAL(s->refresh, 1.0, 1e-9);
	CU_ASSERT_EQUAL(s->theme, THEME_AUTO);
	CU_ASSERT_EQUAL(s->view, SETTINGS_VIEW_DASHBOARD);
}

static void test_parse_good(void)
{
	struct settings s;
	char err[256] = "";

	CU_ASSERT_EQUAL(settings_parse(&s, "", err, sizeof(err)), 0);
	assert_defaults(&s);
	CU_ASSERT_EQUAL(settings_parse(&s, "# nothing but a comment\n\n   \n", err, sizeof(err)), 0);
	assert_defaults(&s);
	CU_ASSERT_EQUAL(settings_parse(&s, "refresh = 2.5\ntheme = mono\nview = topology\n", err,
				       sizeof(err)), 0);
	CU_ASSERT_DOUBLE_EQUAL(s.refresh, 2.5, 1e-9);
	CU_ASSERT_EQUAL(s.theme, THEME_MONO);
	CU_ASSERT_EQUAL(s.view, SETTINGS_VIEW_TOPOLOGY);
	/* spacing, tabs, CRLF, trailing comments, no final newline, the last one wins */
	CU_ASSERT_EQUAL(settings_parse(&s, "\trefresh=0.5   # fast\r\ntheme\t=  256\r\nrefresh = 3",
				       err, sizeof(err)), 0);
	CU_ASSERT_DOUBLE_EQUAL(s.refresh, 3.0, 1e-9);
	CU_ASSERT_EQUAL(s.theme, THEME_256);
	CU_ASSERT_EQUAL(settings_parse(&s, "theme = 8\n", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.theme, THEME_8);
	CU_ASSERT_EQUAL(s.view, SETTINGS_VIEW_DASHBOARD);	/* defaults for what is not set */
}

/* Every malformed file: -EINVAL, all defaults, a message naming the line. */
static void test_parse_malformed(void)
{
	static const struct {
		const char *text;
		const char *line;	/* expected at the start of the message */
		const char *why;	/* a word of the message */
	} bad[] = {
		{ "refresh = 2\ncolour = red\n", "line 2:", "unknown setting" },
		{ "refresh = fast\n", "line 1:", "refresh" },
		{ "refresh = 0.01\n", "line 1:", "refresh" },
		{ "refresh = 1e9\n", "line 1:", "refresh" },
		{ "refresh = nan\n", "line 1:", "refresh" },
		{ "refresh = 2s\n", "line 1:", "refresh" },
		{ "refresh =\n", "line 1:", "refresh" },
		{ "theme = 16\n", "line 1:", "theme" },
		{ "view = matrix\n", "line 1:", "view" },
		{ "# ok\nrefresh 2\n", "line 2:", "key = value" },
		{ "view = topology\n\x01\x02garbage\n", "line 2:", "not text" },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct settings s = { .refresh = 9, .theme = THEME_256, .view = SETTINGS_VIEW_TOPOLOGY };

		err[0] = 0;
		CU_ASSERT_EQUAL(settings_parse(&s, bad[i].text, err, sizeof(err)), -EINVAL);
		assert_defaults(&s);
		CU_ASSERT_EQUAL(strncmp(err, bad[i].line, strlen(bad[i].line)), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].why));
		if (strncmp(err, bad[i].line, strlen(bad[i].line)) != 0 || !strstr(err, bad[i].why))
			printf("case %zu: \"%s\"\n", i, err);
	}
}

static void test_format_round_trip(void)
{
	struct settings a = { .refresh = 0.25, .theme = THEME_MONO, .view = SETTINGS_VIEW_TOPOLOGY };
	struct settings b;
	char text[1024], err[256];

	CU_ASSERT_TRUE(settings_format(&a, text, sizeof(text)) > 0);
	CU_ASSERT_EQUAL(settings_parse(&b, text, err, sizeof(err)), 0);
	CU_ASSERT_DOUBLE_EQUAL(b.refresh, a.refresh, 1e-9);
	CU_ASSERT_EQUAL(b.theme, a.theme);
	CU_ASSERT_EQUAL(b.view, a.view);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "theme = mono"));
	CU_ASSERT_STRING_EQUAL(settings_theme_name(THEME_256), "256");
	CU_ASSERT_STRING_EQUAL(settings_view_name(SETTINGS_VIEW_TOPOLOGY), "topology");
}

static void test_save_and_load(void)
{
	struct settings a = { .refresh = 5, .theme = THEME_8, .view = SETTINGS_VIEW_TOPOLOGY };
	struct settings b;
	char path[512], err[512] = "";
	struct stat st;
	FILE *fp;

	/* a missing file: defaults, no error */
	snprintf(path, sizeof(path), "%s/none/ipctoprc", tmpdir);
	CU_ASSERT_EQUAL(settings_load(&b, path, err, sizeof(err)), 0);
	assert_defaults(&b);

	/* save makes the directories, load reads it back */
	snprintf(path, sizeof(path), "%s/cfg/ipctop/ipctoprc", tmpdir);
	CU_ASSERT_EQUAL(settings_save(&a, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(settings_load(&b, path, err, sizeof(err)), 0);
	CU_ASSERT_DOUBLE_EQUAL(b.refresh, 5.0, 1e-9);
	CU_ASSERT_EQUAL(b.theme, THEME_8);
	CU_ASSERT_EQUAL(b.view, SETTINGS_VIEW_TOPOLOGY);
	/* no temporary file left beside it */
	{
		char tmp[600];

		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		CU_ASSERT_NOT_EQUAL(access(tmp, F_OK), 0);
	}

	/* a malformed file on disk: defaults and the path in the message */
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs("refresh = 2\nbogus\n", fp);
	fclose(fp);
	CU_ASSERT_EQUAL(settings_load(&b, path, err, sizeof(err)), -EINVAL);
	assert_defaults(&b);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 2"));

	/* binary junk */
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fwrite("refresh = 2\0\0\0", 1, 15, fp);
	fclose(fp);
	CU_ASSERT_EQUAL(settings_load(&b, path, err, sizeof(err)), -EINVAL);
	assert_defaults(&b);

	/* a directory where the file should be: an error, defaults */
	snprintf(path, sizeof(path), "%s/cfg/ipctop", tmpdir);
	CU_ASSERT_TRUE(settings_load(&b, path, err, sizeof(err)) < 0);
	assert_defaults(&b);
	/* saving where a file is in the way of the directory fails with the errno */
	snprintf(path, sizeof(path), "%s/cfg/ipctop/ipctoprc/sub/ipctoprc", tmpdir);
	CU_ASSERT_TRUE(settings_save(&a, path, err, sizeof(err)) < 0);
}

#define VICTIM_TEXT "root-only secret\n"

/* A 0600 file only its owner may read, holding VICTIM_TEXT. */
static void make_victim(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, VICTIM_TEXT, strlen(VICTIM_TEXT)), (ssize_t)strlen(VICTIM_TEXT));
	close(fd);
}

static bool victim_intact(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(VICTIM_TEXT) && memcmp(buf, VICTIM_TEXT, (size_t)n) == 0;
}

/* The attacker (uid/gid 65534) makes dir (and its parents' last level) and plants link ->
 * target in it, as a separate process. */
static void attacker_plants(const char *dir, const char *link, const char *target)
{
	pid_t pid = fork();
	int status = -1;

	CU_ASSERT_TRUE_FATAL(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(3);
		if (dir && mkdir(dir, 0755) < 0)
			_exit(4);
		_exit(symlink(target, link) < 0 ? 5 : 0);
	}
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_save_hostile(void)
{
	struct settings a = { .refresh = 2, .theme = THEME_MONO, .view = SETTINGS_VIEW_DASHBOARD };
	char dir[400], path[512], link[600], victim[512], err[1200];
	struct stat st;

	/* the old temporary name planted as a symlink to a file of ours: never written through */
	snprintf(victim, sizeof(victim), "%s/victim1", tmpdir);
	make_victim(victim);
	snprintf(dir, sizeof(dir), "%s/own", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/ipctoprc", dir);
	snprintf(link, sizeof(link), "%s.tmp", path);
	CU_ASSERT_EQUAL_FATAL(symlink(victim, link), 0);
	CU_ASSERT_EQUAL(settings_save(&a, path, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(victim_intact(victim));
	CU_ASSERT_EQUAL(lstat(path, &st), 0);
	CU_ASSERT_TRUE(S_ISREG(st.st_mode));
	CU_ASSERT_EQUAL(lstat(link, &st), 0);	/* left alone: not ours */
	CU_ASSERT_TRUE(S_ISLNK(st.st_mode));

	/* the target itself a symlink: refused, named */
	CU_ASSERT_EQUAL(unlink(path), 0);
	CU_ASSERT_EQUAL(symlink(victim, path), 0);
	CU_ASSERT_EQUAL(settings_save(&a, path, err, sizeof(err)), -ELOOP);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "symbolic link"));
	CU_ASSERT_TRUE(victim_intact(victim));

	/* a directory others may write: refused */
	snprintf(dir, sizeof(dir), "%s/shared", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
	CU_ASSERT_EQUAL(chmod(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/ipctoprc", dir);
	CU_ASSERT_EQUAL(settings_save(&a, path, err, sizeof(err)), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "others may write"));
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);

	if (geteuid() != 0)
		return;	/* the rest needs another user: root only */
	CU_ASSERT_EQUAL(chmod(tmpdir, 0755), 0);	/* the attacker reaches home/ */
	/* HOME in a directory another user controls (sudo -E): the attacker made the config
	 * directory and planted the old temporary name as a link to a root-only file */
	snprintf(victim, sizeof(victim), "%s/victim2", tmpdir);
	make_victim(victim);
	snprintf(dir, sizeof(dir), "%s/home", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(chown(dir, 65534, 65534), 0);
	snprintf(dir, sizeof(dir), "%s/home/ipctop", tmpdir);
	snprintf(path, sizeof(path), "%s/ipctoprc", dir);
	snprintf(link, sizeof(link), "%s.tmp", path);
	attacker_plants(dir, link, victim);
	CU_ASSERT_EQUAL(settings_save(&a, path, err, sizeof(err)), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "belongs to uid 65534"));
	CU_ASSERT_TRUE(victim_intact(victim));
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);

	/* in our own directory, an existing ipctoprc that is another user's: refused */
	snprintf(path, sizeof(path), "%s/own/ipctoprc", tmpdir);
	CU_ASSERT_EQUAL(unlink(path), 0);
	make_victim(path);
	CU_ASSERT_EQUAL(chown(path, 65534, 65534), 0);
	CU_ASSERT_EQUAL(settings_save(&a, path, err, sizeof(err)), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "another user's file"));
	CU_ASSERT_TRUE(victim_intact(path));
}

static void test_path(void)
{
	char buf[512];
	char *old_xdg = getenv("XDG_CONFIG_HOME") ? strdup(getenv("XDG_CONFIG_HOME")) : NULL;
	char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

	setenv("XDG_CONFIG_HOME", "/x/conf", 1);
	setenv("HOME", "/home/u", 1);
	CU_ASSERT_TRUE(settings_path(buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "/x/conf/ipctop/ipctoprc");
	setenv("XDG_CONFIG_HOME", "relative/ignored", 1);
	CU_ASSERT_TRUE(settings_path(buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "/home/u/.config/ipctop/ipctoprc");
	unsetenv("XDG_CONFIG_HOME");
	CU_ASSERT_TRUE(settings_path(buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "/home/u/.config/ipctop/ipctoprc");
	unsetenv("HOME");
	CU_ASSERT_FALSE(settings_path(buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "");
	if (old_xdg)
		setenv("XDG_CONFIG_HOME", old_xdg, 1);
	if (old_home)
		setenv("HOME", old_home, 1);
	free(old_xdg);
	free(old_home);
}

void test_register(void)
{
	TEST_SUITE("settings", make_tmp, remove_tmp,
		   "good files", test_parse_good,
		   "malformed files: defaults and the line", test_parse_malformed,
		   "format parses back", test_format_round_trip,
		   "save, load, errors", test_save_and_load,
		   "save beside a hostile user", test_save_hostile,
		   "XDG_CONFIG_HOME, then HOME", test_path);
}
