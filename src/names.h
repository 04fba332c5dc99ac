/*
 * names.h - text from the world: names (comm, argv, FIFO and socket paths, POSIX names)
 * hold any byte but NUL, from any user. What a terminal or a strict UTF-8 reader must not
 * get as it is, and the one escaped form every output shows (text, dashboard, object ids;
 * src/json_out.c writes \u escapes and keeps the exact bytes instead).
 *
 * Pure functions over NUL-terminated strings, independent of the locale; nothing allocates.
 */
#ifndef IPCTOP_NAMES_H
#define IPCTOP_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The character at s: returns its length in bytes (0 only at the terminating NUL) and sets
 * *unsafe when it must never reach a terminal or a reader as it is: a byte that does not
 * start a valid UTF-8 sequence (length 1: shortest form, no surrogates, at most U+10FFFF), a
 * control character (C0, DEL, C1 U+0080-U+009F), a bidirectional formatting character
 * (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) or a line/paragraph separator
 * (U+2028, U+2029).
 */
size_t names_char(const char *s, bool *unsafe);
/* Whether s is valid UTF-8 (every character, unsafe or not, well formed). */
bool names_utf8_valid(const char *s);
/* s for a terminal: every byte of an unsafe character written "\xNN" (lower-case hex), the
 * rest as is. Never cuts a character or an escape in two; returns buf. The one sanitizer of
 * the text output and the dashboard. */
const char *names_escape(const char *s, char *buf, size_t len);
/* As names_escape, and a backslash written "\\" and a space "\x20": reversible
 * (names_unescape_id) and one word, the form of POSIX names in object ids. */
const char *names_escape_id(const char *s, char *buf, size_t len);
/* The bytes names_escape_id(s) came from, NUL-terminated in buf; -1 when s is not in that
 * form (a lone backslash, a bad escape, an escape of NUL) or buf is too small. Returns the
 * length. */
int names_unescape_id(const char *s, char *buf, size_t len);

#endif
