/*
 * bpf_programs.c - loads each of ipctop's BPF programs on its own, as ipctop does, and prints
 * one line per program: "NAME ok" or "NAME refused: REASON" (the reason ipctop would show in
 * its sources). Exit status: 0 when all loaded, 1 when one did not, 2 when the build has none.
 * With --refused it loads instead refused.bpf.c, which every verifier refuses, through the
 * same loader, and prints its reason. bpf_programs.sh runs it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/bpf_load.h"
#include "probes/fd_iter.h"

#ifdef HAVE_BPF
BPF_LSKEL_BEGIN
#include "tests/integration/refused.lskel.h"
BPF_LSKEL_END

BPF_LOAD_OPS(ipctop_refused)

static int load_refused(void)
{
	char why[BPF_LOAD_WHY_MAX];
	void *skel = bpf_load(&ipctop_refused_ops, "test program", why, sizeof(why));

	if (skel) {
		printf("refused ok (it should not have loaded)\n");
		ipctop_refused_destroy(skel);
		return 0;
	}
	printf("refused refused: %s\n", why);
	return 1;
}
#else
static int load_refused(void)
{
	printf("%s\n", BPF_LOAD_NOT_BUILT);
	return 2;
}
#endif

int main(int argc, char **argv)
{
	static const char *const names[FD_ITER_KINDS] = { "fd_iter", "maps_iter" };
	char why[FD_ITER_KINDS][BPF_LOAD_WHY_MAX];
	struct fd_iter *it = fd_iter_open(why);
	int refused = 0;

	if (argc > 1 && strcmp(argv[1], "--refused") == 0) {
		fd_iter_close(it);
		return load_refused();
	}
	if (strstr(why[FD_ITER_FDS], "built without BPF")) {
		printf("%s\n", why[FD_ITER_FDS]);
		return 2;
	}
	for (int k = 0; k < FD_ITER_KINDS; k++) {
		if (why[k][0]) {
			printf("%s refused: %s\n", names[k], why[k]);
			refused = 1;
		} else {
			printf("%s ok\n", names[k]);
		}
	}
	fd_iter_close(it);
	return refused;
}
