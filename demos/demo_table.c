/*
 * demo_table.c - every demo scenario, in the order the menu and `demo list` show them: from
 * processes and pipes up to deadlocks. Names are stable (scripts and tests use them).
 */
#include "config.h"

#include <string.h>

#include "demos/demo.h"
#include "demos/demo_scenarios.h"

const struct demo demo_table[] = {
	{ "fork-exec", "fork returns twice, exec replaces the program, wait collects the status",
	  demo_fork_exec_run },
	{ "pipe", "parent -> child through a pipe: inherited ends, unused ends closed, EOF, SIGPIPE",
	  demo_pipe_run },
	{ "pipeline", "a | b | c: a shell-style chain of three processes and two pipes",
	  demo_pipeline_run },
	{ "duplex", "request/response between two processes over two pipes", demo_duplex_run },
	{ "fifo", "a named pipe joins two processes that share no descriptor; open blocks for the peer",
	  demo_fifo_run },
	{ "backpressure", "fast writer, slow reader: the pipe fills up and the writer blocks",
	  demo_backpressure_run },
	{ "msgqueue", "System V message queue: typed messages, a full queue, a queue outliving its users",
	  demo_msgqueue_run },
	{ "posix-mq", "POSIX message queue: highest priority first, a full queue blocks the sender",
	  demo_posix_mq_run },
	{ "shm-sem", "bounded buffer in System V shared memory with empty/full/mutex semaphores",
	  demo_shm_sem_run },
	{ "posix-shm", "shm_open + mmap shared by two processes, handed over with named semaphores",
	  demo_posix_shm_run },
	{ "signals", "default, ignore, catch; blocked means pending; SIGUSR1 merges, RT signals queue",
	  demo_signals_run },
	{ "sigchld", "a zombie until its parent waits; an orphan adopted by a subreaper",
	  demo_sigchld_run },
	{ "unix-socket", "a Unix socket server with three stream clients, and datagrams",
	  demo_unix_socket_run },
	{ "deadlock", "two processes deadlocked on two full pipes, two on two semaphores",
	  demo_deadlock_run },
};

const size_t demo_count = sizeof(demo_table) / sizeof(demo_table[0]);

const struct demo *demo_find(const char *name)
{
	for (size_t i = 0; i < demo_count; i++)
		if (strcmp(demo_table[i].name, name) == 0)
			return &demo_table[i];
	return NULL;
}
