/*
 * bpf_load.h - loads one of ipctop's BPF light skeletons and says truly why when it cannot:
 * the verifier's own reason (the last line of its log) when it refused a program, otherwise
 * what the errno means on this machine (a missing capability only when ipctop lacks it).
 * Every skeleton (the descriptor and mappings iterators, the traffic counters) is loaded on
 * its own through here, so that one refusal costs only its own feature.
 */
#ifndef IPCTOP_BPF_LOAD_H
#define IPCTOP_BPF_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#define BPF_LOAD_WHY_MAX 192
#define BPF_LOAD_NOT_BUILT \
	"off (ipctop was built without BPF: configure found no libbpf-dev, clang or bpftool)"

struct bpf_loader_ctx;

/* One light skeleton's generated functions (open, its loader context, load, attach, destroy). */
struct bpf_load_ops {
	void *(*open)(void);
	struct bpf_loader_ctx *(*ctx)(void *skel);
	int (*load)(void *skel);
	int (*attach)(void *skel);
	void (*destroy)(void *skel);
};

/* Around the #include of a generated light skeleton: its warnings are not ours. */
#define BPF_LSKEL_BEGIN \
	_Pragma("GCC diagnostic push") \
	_Pragma("GCC diagnostic ignored \"-Wsign-compare\"") \
	_Pragma("GCC diagnostic ignored \"-Wmissing-prototypes\"") \
	_Pragma("GCC diagnostic ignored \"-Wunused-parameter\"") \
	_Pragma("GCC diagnostic ignored \"-Wunused-function\"") \
	_Pragma("GCC diagnostic ignored \"-Wshadow\"") \
	_Pragma("GCC diagnostic ignored \"-Wpointer-arith\"") \
	_Pragma("GCC diagnostic ignored \"-Wcast-qual\"")
#define BPF_LSKEL_END _Pragma("GCC diagnostic pop")

/* Defines NAME_ops, the struct bpf_load_ops of the light skeleton NAME (included before). */
#define BPF_LOAD_OPS(NAME) \
	static void *NAME##_open(void) { return NAME##__open(); } \
	static struct bpf_loader_ctx *NAME##_ctx(void *s) { return &((struct NAME *)s)->ctx; } \
	static int NAME##_load(void *s) { return NAME##__load(s); } \
	static int NAME##_attach(void *s) { return NAME##__attach(s); } \
	static void NAME##_destroy(void *s) { NAME##__destroy(s); } \
	static const struct bpf_load_ops NAME##_ops = { \
		NAME##_open, NAME##_ctx, NAME##_load, NAME##_attach, NAME##_destroy };

/* "off (IPCTOP_NO_BPF is set)" when the environment turns BPF off, else NULL. */
const char *bpf_load_disabled(void);

/* Is ipctop in the kernel's first pid namespace, where BPF programs' pids (task->tgid) are
 * the pids ipctop sees? (NS_GET_PARENT on its pid namespace; true when it cannot tell.) */
bool bpf_pid_ns_initial(void);
#define BPF_PID_NS_OFF "off (BPF programs see pids of the first pid namespace, not this one's)"

/* Opens, loads and attaches one skeleton: it, or NULL with why (what: "the descriptor
 * iterator", ...) filled with one line: "EACCES: the verifier refused the mappings iterator:
 * R1 type=untrusted_ptr_ expected=...". */
void *bpf_load(const struct bpf_load_ops *ops, const char *what, char *why, size_t why_size);

/* The reason line of a verifier log: its last non-empty line before the statistics
 * ("processed N insns ..."), with control bytes replaced by '?', in out (NUL-terminated);
 * false when the log holds none. Pure (unit-tested). */
int bpf_load_log_reason(const char *log, size_t len, char *out, size_t out_size);

#endif
