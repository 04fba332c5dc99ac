/*
 * signames.h - signal numbers, names and masks, named as CONTRACT.md says: "SIGUSR1",
 * real-time signals "SIGRTMIN+n" counted from the C library's SIGRTMIN, 32 and 33 "SIG32"/"SIG33".
 * A mask holds signal n in bit n-1, as /proc/<pid>/status does.
 */
#ifndef IPCTOP_SIGNAMES_H
#define IPCTOP_SIGNAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIG_MAX 64

/* Writes the name of signo (1..64) into buf; returns buf. Unknown numbers: "SIG<n>". */
const char *signame(int signo, char *buf, size_t len);
/* Accepts "SIGUSR1", "USR1", "usr1", "10", "SIGRTMIN+2", "RTMIN+2", "SIGRTMAX-1".
 * Returns the number or -1. */
int signame_parse(const char *name);
/* Parses 16 hex digits (no 0x) as printed in /proc/<pid>/status. false if malformed. */
bool sigmask_parse_hex(const char *hex, uint64_t *mask);
static inline bool sigmask_has(uint64_t mask, int signo)
{
	return signo >= 1 && signo <= SIG_MAX && (mask >> (signo - 1)) & 1;
}
/* "SIGINT,SIGTERM" (comma-separated) into buf; "" for an empty mask. Returns buf. */
const char *sigmask_format(uint64_t mask, char *buf, size_t len);

#endif
