/*
 * utf8.h - decoding UTF-8 for the renderers that must emit valid text
 * whatever the report holds (markdown.c, junit.c).  Messages and paths
 * come from repositories and policies and may hold any bytes; a renderer
 * decodes them one sequence at a time and writes U+FFFD for a byte that
 * starts no valid sequence.  Header-only: the function is small and its
 * callers sit in tight loops.
 */
#ifndef CRUCIBLE_REPORT_UTF8_H
#define CRUCIBLE_REPORT_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define CR_UTF8_INVALID UINT32_MAX
#define CR_UTF8_REPLACEMENT "\xef\xbf\xbd"   /* U+FFFD */

/* Decode the sequence at s[0..n), n > 0: its length, and its code point
 * in *cp, or CR_UTF8_INVALID (then the length is 1) for a byte that starts
 * no valid sequence.  Overlong forms, surrogates, values past U+10FFFF
 * and sequences cut short by n are not valid. */
static inline size_t cr_utf8_decode(const unsigned char *s, size_t n,
	uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len;
	uint32_t v;

	*cp = CR_UTF8_INVALID;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, v = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, v = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, v = s[0] & 0x07;
	else
		return 1;
	if (len > n)
		return 1;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 1;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 1;
	*cp = v;
	return len;
}

#endif
