/*
 * names.c - the characters of a name that must be escaped, and the escaped forms (see
 * names.h): a strict UTF-8 decoder (shortest form, no surrogates, at most U+10FFFF) and
 * "\xNN" per byte of what it rejects or of a control or bidirectional character.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "src/names.h"

/* A bidirectional formatting character or a line/paragraph separator. */
static bool unsafe_format_char(uint32_t c)
{
	return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

size_t names_char(const char *str, bool *unsafe)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t n;

	if (!s[0]) {
		*unsafe = false;
		return 0;
	}
	if (s[0] < 0x80) {
		*unsafe = s[0] < 0x20 || s[0] == 0x7f;
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else {
		*unsafe = true;		/* a continuation byte alone, 0xc0, 0xc1, 0xf5..0xff */
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*unsafe = true;	/* cut short (this also stops at the NUL) */
			return 1;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		*unsafe = true;
		return 1;
	}
	*unsafe = c <= 0x9f || unsafe_format_char(c);
	return n;
}

bool names_utf8_valid(const char *s)
{
	bool unsafe;
	size_t n;

	while ((n = names_char(s, &unsafe)) > 0) {
		if (unsafe && n == 1 && (unsigned char)*s >= 0x80)
			return false;
		s += n;
	}
	return true;
}

static const char *escape(const char *s, char *buf, size_t len, bool backslash)
{
	static const char hex[] = "0123456789abcdef";
	size_t off = 0, n;
	bool unsafe;

	if (!len)
		return "";
	while ((n = names_char(s, &unsafe)) > 0) {
		bool doubled = backslash && *s == '\\';
		size_t need;

		unsafe = unsafe || (backslash && *s == ' ');	/* ids are single words */
		need = unsafe ? 4 * n : doubled ? 2 : n;

		if (off + need >= len)
			break;
		if (unsafe) {
			for (size_t i = 0; i < n; i++) {
				unsigned char c = (unsigned char)s[i];

				buf[off++] = '\\';
				buf[off++] = 'x';
				buf[off++] = hex[c >> 4];
				buf[off++] = hex[c & 15];
			}
		} else if (doubled) {
			buf[off++] = '\\';
			buf[off++] = '\\';
		} else {
			memcpy(buf + off, s, n);
			off += n;
		}
		s += n;
	}
	buf[off] = '\0';
	return buf;
}

const char *names_escape(const char *s, char *buf, size_t len)
{
	return escape(s, buf, len, false);
}

const char *names_escape_id(const char *s, char *buf, size_t len)
{
	return escape(s, buf, len, true);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int names_unescape_id(const char *s, char *buf, size_t len)
{
	size_t off = 0;

	for (; *s; s++) {
		char c = *s;

		if (c == '\\') {
			int hi, lo;

			if (s[1] == '\\') {
				s++;
			} else if (s[1] == 'x' && (hi = hexval(s[2])) >= 0 && (lo = hexval(s[3])) >= 0 &&
				   (hi | lo)) {
				c = (char)(hi << 4 | lo);
				s += 3;
			} else {
				return -1;
			}
		}
		if (off + 1 >= len)
			return -1;
		buf[off++] = c;
	}
	if (!len)
		return -1;
	buf[off] = '\0';
	return (int)off;
}
