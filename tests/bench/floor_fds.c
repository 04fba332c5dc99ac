/*
 * floor_fds.c - the benchmark's floor: the least any descriptor lister has to do on this
 * machine, i.e. list /proc, then list every /proc/<pid>/fd and readlink every entry in it.
 *
 *   floor_fds [-q]
 *
 * Prints "processes P descriptors D" (nothing with -q) and exits 0. Single-threaded, no
 * parsing, no output per descriptor: what it costs is the kernel's cost of answering. It
 * opens nothing but directories and never follows a link.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long procs = 0, fds = 0;
	bool quiet = argc > 1 && strcmp(argv[1], "-q") == 0;
	struct dirent *de;
	DIR *proc = opendir("/proc");

	if (!proc) {
		perror("floor_fds: /proc");
		return 1;
	}
	while ((de = readdir(proc)) != NULL) {
		char path[300], target[4096];
		struct dirent *fe;
		DIR *fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		procs++;
		snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
		fd = opendir(path);
		if (!fd)
			continue;
		while ((fe = readdir(fd)) != NULL) {
			if (fe->d_name[0] == '.')
				continue;
			if (readlinkat(dirfd(fd), fe->d_name, target, sizeof(target)) >= 0)
				fds++;
		}
		closedir(fd);
	}
	closedir(proc);
	if (!quiet)
		printf("processes %ld descriptors %ld\n", procs, fds);
	return 0;
}
