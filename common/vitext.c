/* SPDX-License-Identifier: MIT */
/*
 * Vietnamese folding and ordering (see vitext.h), on utf8proc's
 * decomposition: a Vietnamese letter is a base letter, at most one vowel
 * modifier (breve, circumflex, horn) and at most one tone mark.
 */
#include "vitext.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static utf8proc_int32_t fold_d(utf8proc_int32_t c, void *data)
{
    (void)data;
    return c == 0x0111 || c == 0x0110 ? 'd' : c;
}

char *vitext_fold(const char *s)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n =
        utf8proc_map_custom((const utf8proc_uint8_t *)s, 0, &out,
                            /* COMPOSE decomposes first; STRIPMARK drops the marks in between */
                            UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_STRIPMARK |
                                UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE,
                            fold_d, NULL);
    return n < 0 ? NULL : (char *)out;
}

bool vitext_contains(const char *haystack, const char *needle)
{
    char *h = vitext_fold(haystack), *n = vitext_fold(needle);
    bool found = h && n && strstr(h, n) != NULL;
    free(h);
    free(n);
    return found;
}

/* Tone marks in dictionary order (ngang = 0). */
static int tone_of(utf8proc_int32_t c)
{
    switch (c) {
    case 0x0300:
        return 1; /* huyền */
    case 0x0309:
        return 2; /* hỏi */
    case 0x0303:
        return 3; /* ngã */
    case 0x0301:
        return 4; /* sắc */
    case 0x0323:
        return 5; /* nặng */
    default:
        return -1;
    }
}

/* Vowel modifiers: breve (ă), circumflex (â ê ô), horn (ơ ư). */
static int variant_of(utf8proc_int32_t c)
{
    switch (c) {
    case 0x0306:
        return 1;
    case 0x0302:
        return 2;
    case 0x031B:
        return 3;
    default:
        return -1;
    }
}

unsigned char *vitext_sort_key(const char *s, size_t *len)
{
    utf8proc_int32_t *cps = NULL;
    utf8proc_uint8_t *dec = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &dec,
                                      UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
    if (n < 0)
        return NULL;
    cps = malloc(((size_t)n + 1) * sizeof(*cps));
    /* primary: up to 4 bytes per letter; secondary: one tone per letter */
    unsigned char *key = malloc((size_t)n * 5 + 2);
    unsigned char *tones = malloc((size_t)n + 1);
    size_t k = 0, t = 0, count = 0;
    if (!cps || !key || !tones) {
        free(cps), free(key), free(tones), free(dec);
        return NULL;
    }
    for (utf8proc_ssize_t i = 0; i < n;) {
        utf8proc_ssize_t m = utf8proc_iterate(dec + i, n - i, &cps[count]);
        if (m <= 0)
            break;
        i += m;
        count++;
    }
    for (size_t i = 0; i < count; i++) {
        utf8proc_int32_t c = cps[i];
        int variant = 0, tone = 0;
        for (; i + 1 < count && (variant_of(cps[i + 1]) >= 0 || tone_of(cps[i + 1]) >= 0); i++) {
            if (variant_of(cps[i + 1]) >= 0)
                variant = variant_of(cps[i + 1]);
            else
                tone = tone_of(cps[i + 1]);
        }
        if (c == 0x0111) {
            c = 'd';
            variant = 1;
        }
        if (c >= 'a' && c <= 'z') {
            key[k++] = (unsigned char)(0x10 + (c - 'a') * 4 + variant);
        } else if (c >= '0' && c <= '9') {
            key[k++] = (unsigned char)(0x02 + (c - '0'));
        } else if (c == ' ') {
            key[k++] = 0x01;
        } else {
            /* anything else after the letters, by code point */
            key[k++] = 0xF0;
            key[k++] = (unsigned char)(c >> 16);
            key[k++] = (unsigned char)(c >> 8);
            key[k++] = (unsigned char)c;
        }
        tones[t++] = (unsigned char)(tone + 1);
    }
    key[k++] = 0x00;
    memcpy(key + k, tones, t);
    k += t;
    free(cps);
    free(tones);
    free(dec);
    *len = k;
    return key;
}

int vitext_compare(const char *a, const char *b)
{
    size_t la = 0, lb = 0;
    unsigned char *ka = vitext_sort_key(a, &la), *kb = vitext_sort_key(b, &lb);
    int r;
    if (!ka || !kb) {
        r = strcmp(a, b);
    } else {
        r = memcmp(ka, kb, la < lb ? la : lb);
        if (r == 0)
            r = la < lb ? -1 : la > lb;
    }
    free(ka);
    free(kb);
    return r;
}
