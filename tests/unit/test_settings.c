/*
 * test_settings.c - ipctoprc (ui/settings.c): parsing good files, comments and spacing;
 * every kind of malformed file gives the defaults and a message naming the line; formatting
 * parses back to the same settings; save creates the directory and load reads it back; the
 * path follows XDG_CONFIG_HOME, then HOME.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	CU_ASSERT_EQUAL(settings_save(&a, path), 0);
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
	CU_ASSERT_TRUE(settings_save(&a, path) < 0);
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
		   "XDG_CONFIG_HOME, then HOME", test_path);
}
