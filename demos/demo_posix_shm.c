/*
 * demo_posix_shm.c - POSIX shared memory (shm_open + mmap) handed over with named semaphores.
 *
 * pshm-writer creates /ipctop-demo-ROOT-board (one page, mapped then its descriptor closed:
 * the mapping is enough) and two named semaphores, "free" (1) and "ready" (0). pshm-reader
 * opens all three by name. Both also map an ordinary file (MAP_SHARED) of the private
 * directory, which shares memory just the same. The writer waits for "free", spends a step
 * on the next note, writes it into the page and posts "ready"; the reader, slower, waits
 * for "ready", reads the note and posts "free".
 * Processes: pshm-writer (top), pshm-reader.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "demos/demo_ctx.h"
#include "demos/demo_scenarios.h"

#define PAGE 4096

static int semv(sem_t *s)
{
	int v = -1;

	sem_getvalue(s, &v);
	return v;
}

static bool sem_wait_retry(struct demo_ctx *ctx, sem_t *s)
{
	while (sem_wait(s) < 0) {
		if (errno != EINTR) {
			demo_fail(ctx, "sem_wait: %s", strerror(errno));
			return false;
		}
	}
	return true;
}

static void reader(struct demo_ctx *ctx, const char *shm_name, const char *ready_name,
		   const char *free_name, const char *file, const char *objs)
{
	char note[64], fnote[64];
	char *page, *fpage;
	sem_t *ready, *freed;
	int fd = shm_open(shm_name, O_RDONLY | O_CLOEXEC, 0);

	if (fd < 0)
		_exit(demo_fail(ctx, "pshm-reader: shm_open %s: %s", shm_name, strerror(errno)));
	page = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	ready = sem_open(ready_name, 0);
	freed = sem_open(free_name, 0);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	fpage = fd < 0 ? MAP_FAILED : mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (fd >= 0)
		close(fd);
	if (page == MAP_FAILED || fpage == MAP_FAILED || ready == SEM_FAILED ||
	    freed == SEM_FAILED)
		_exit(demo_fail(ctx, "pshm-reader: mmap/sem_open: %s", strerror(errno)));
	demo_caption(ctx, objs, "pshm-reader dropped what it inherited and opened everything by "
		     "name: shm_open(\"%s\") + mmap() of the same pages, sem_open(\"%s\") and "
		     "sem_open(\"%s\").", shm_name, ready_name, free_name);
	for (;;) {
		if (!demo_step_scaled(ctx, 1.5))
			_exit(0);
		if (semv(ready) == 0)
			demo_caption(ctx, objs, "pshm-reader: sem_wait(ready) with ready = 0 - no "
				     "note yet, so it sleeps until the writer posts.");
		if (!sem_wait_retry(ctx, ready))
			_exit(1);
		snprintf(note, sizeof(note), "%s", page);
		snprintf(fnote, sizeof(fnote), "%s", fpage);
		if (sem_post(freed) < 0)
			_exit(demo_fail(ctx, "sem_post: %s", strerror(errno)));
		demo_caption(ctx, objs, "pshm-reader: sem_wait(ready), read \"%s\" straight from the "
			     "shared page (no copy through the kernel; \"%s\" in the file mapping), "
			     "sem_post(free) = %d.", note, fnote, semv(freed));
	}
}

int demo_posix_shm_run(struct demo_ctx *ctx)
{
	char shm_name[96], ready_name[96], free_name[96];
	char ids[400], objs[420], file[PATH_MAX];
	char *page, *fpage;
	sem_t *ready, *freed;
	pid_t child;
	int fd;

	demo_become(ctx, "pshm-writer");
	demo_posix_name(ctx, "board", shm_name, sizeof(shm_name));
	fd = shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return demo_fail(ctx, "shm_open %s: %s", shm_name, strerror(errno));
	demo_posix_created(ctx, REG_PSHM, shm_name);
	if (ftruncate(fd, PAGE) < 0)
		return demo_fail(ctx, "ftruncate: %s", strerror(errno));
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (page == MAP_FAILED)
		return demo_fail(ctx, "mmap: %s", strerror(errno));
	close(fd);
	demo_posix_name(ctx, "ready", ready_name, sizeof(ready_name));
	ready = sem_open(ready_name, O_CREAT | O_EXCL, 0600, 0);
	if (ready == SEM_FAILED)
		return demo_fail(ctx, "sem_open %s: %s", ready_name, strerror(errno));
	demo_posix_created(ctx, REG_PSEM, ready_name);
	demo_posix_name(ctx, "free", free_name, sizeof(free_name));
	freed = sem_open(free_name, O_CREAT | O_EXCL, 0600, 1);
	if (freed == SEM_FAILED)
		return demo_fail(ctx, "sem_open %s: %s", free_name, strerror(errno));
	demo_posix_created(ctx, REG_PSEM, free_name);
	snprintf(ids, sizeof(ids), "pshm:%s,psem:%s,psem:%s", shm_name + 1, ready_name + 1,
		 free_name + 1);
	{
		char id[128];

		snprintf(id, sizeof(id), "pshm:%s", shm_name + 1);
		demo_object(ctx, id, "shared page");
		snprintf(id, sizeof(id), "psem:%s", ready_name + 1);
		demo_object(ctx, id, "semaphore: a note is ready");
		snprintf(id, sizeof(id), "psem:%s", free_name + 1);
		demo_object(ctx, id, "semaphore: the page is free");
	}
	snprintf(objs, sizeof(objs), "%s,pid:%d", ids, (int)getpid());
	demo_caption(ctx, objs, "shm_open(\"%s\") + ftruncate(%d) + mmap(MAP_SHARED) made a "
		     "shared page (a file in /dev/shm); the descriptor is closed, the mapping "
		     "stays. sem_open() made \"%s\" = 0 and \"%s\" = 1 (/dev/shm/sem.*).",
		     shm_name, PAGE, ready_name, free_name);
	demo_path(ctx, "notes", file, sizeof(file));
	fd = open(file, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0)
		demo_file_created(ctx, "notes");
	if (fd < 0 || ftruncate(fd, PAGE) < 0)
		return demo_fail(ctx, "%s: %s", file, strerror(errno));
	fpage = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (fpage == MAP_FAILED)
		return demo_fail(ctx, "mmap %s: %s", file, strerror(errno));
	demo_caption(ctx, objs, "mmap(MAP_SHARED) of an ordinary file, \"%s\", shares memory "
		     "too: both processes map the same page-cache pages, and the kernel also "
		     "writes them back to the file.", file);
	demo_ready(ctx);
	if (!demo_step(ctx))
		return 0;
	child = demo_fork(ctx, "pshm-reader", 0);
	if (child < 0)
		return demo_fail(ctx, "fork: %s", strerror(errno));
	if (child == 0) {
		snprintf(objs, sizeof(objs), "%s,pid:%d", ids, (int)getpid());
		munmap(page, PAGE);
		munmap(fpage, PAGE);
		sem_close(ready);
		sem_close(freed);
		reader(ctx, shm_name, ready_name, free_name, file, objs);
		_exit(0);
	}
	for (int k = 1;; k++) {
		if (semv(freed) == 0)
			demo_caption(ctx, objs, "pshm-writer: sem_wait(free) with free = 0 - the "
				     "reader has not taken the last note, so the writer sleeps.");
		if (!sem_wait_retry(ctx, freed))
			return 1;
		if (!demo_step(ctx))	/* composing the next note takes a step */
			return 0;
		snprintf(page, PAGE, "note %d", k);
		snprintf(fpage, PAGE, "note %d", k);
		if (sem_post(ready) < 0)
			return demo_fail(ctx, "sem_post: %s", strerror(errno));
		demo_caption(ctx, objs, "pshm-writer: sem_wait(free), wrote \"note %d\" into the "
			     "shared page with an ordinary store, sem_post(ready) = %d wakes the "
			     "reader.", k, semv(ready));
	}
}
