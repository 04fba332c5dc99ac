/*
 * demo_scenarios.h - the run function of every scenario (one file each: demos/demo_<name>.c).
 * Each runs in the scenario's top process; see demo_ctx.h for the rules they follow.
 */
#ifndef IPCTOP_DEMO_SCENARIOS_H
#define IPCTOP_DEMO_SCENARIOS_H

struct demo_ctx;

int demo_fork_exec_run(struct demo_ctx *ctx);
int demo_pipe_run(struct demo_ctx *ctx);
int demo_pipeline_run(struct demo_ctx *ctx);
int demo_duplex_run(struct demo_ctx *ctx);
int demo_fifo_run(struct demo_ctx *ctx);
int demo_backpressure_run(struct demo_ctx *ctx);
int demo_msgqueue_run(struct demo_ctx *ctx);
int demo_posix_mq_run(struct demo_ctx *ctx);
int demo_shm_sem_run(struct demo_ctx *ctx);
int demo_posix_shm_run(struct demo_ctx *ctx);
int demo_signals_run(struct demo_ctx *ctx);
int demo_sigchld_run(struct demo_ctx *ctx);
int demo_unix_socket_run(struct demo_ctx *ctx);
int demo_deadlock_run(struct demo_ctx *ctx);

#endif
