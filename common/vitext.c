/* SPDX-License-Identifier: MIT */
/*
 * Vietnamese folding and ordering (see vitext.h), on utf8proc's
 * decomposition: a Vietnamese letter is a base letter, at most one vowel
 * modifier (breve, circumflex, horn) and at most one tone mark.
 */
#include "vitext.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static utf8proc_int32_t fold_d(utf8proc_int32_t c, void *data)
{
    (void)data;
    return c == 0x0111 || c == 0x0110 ? 'd' : c;
}

/* COMPOSE decomposes first; STRIPMARK drops the marks in between. */
#define FOLD_FLAGS                                                                                 \
    (UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD |                \
     UTF8PROC_COMPOSE)

static char *fold_utf8proc(const char *s)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n =
        utf8proc_map_custom((const utf8proc_uint8_t *)s, 0, &out, FOLD_FLAGS, fold_d, NULL);
    return n < 0 ? NULL : (char *)out;
}

/*
 * The fast path.  utf8proc's map decomposes, case-folds and recomposes a
 * whole string through UTF-32 buffers: about 4 000 instructions for a
 * title's name, and the title catalogue folds every name it compares a
 * published fact with.  Text made only of code points below U+0250 (ASCII,
 * Latin-1, Latin Extended-A and -B) and of the Latin Extended Additional
 * block (U+1E00-U+1EFF: every precomposed Vietnamese letter) carries no
 * combining mark, so its folded form is the concatenation of each code
 * point's folded form (what is left after the marks are stripped cannot
 * compose).  Those forms come from utf8proc itself, once, into FOLD_TABLE;
 * any other code point, or invalid UTF-8, takes utf8proc's path for the
 * whole string, so the two paths cannot differ (tests/unit/test_vitext.c
 * checks them against each other).
 */
#define FOLD_LOW_END   0x0250
#define FOLD_EXT_START 0x1E00
#define FOLD_EXT_END   0x1F00
#define FOLD_ENTRIES   (FOLD_LOW_END + (FOLD_EXT_END - FOLD_EXT_START))
#define FOLD_SLOW      0xFF /* len of a code point the table does not fold */

typedef struct {
    uint8_t len;
    char out[7];
} fold_entry_t;

static fold_entry_t FOLD_TABLE[FOLD_ENTRIES];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static int fold_index(utf8proc_int32_t cp)
{
    if (cp > 0 && cp < FOLD_LOW_END)
        return cp;
    if (cp >= FOLD_EXT_START && cp < FOLD_EXT_END)
        return FOLD_LOW_END + (cp - FOLD_EXT_START);
    return -1;
}

static void fold_table_fill(void)
{
    for (int i = 0; i < FOLD_ENTRIES; i++) {
        utf8proc_int32_t cp = i < FOLD_LOW_END ? i : FOLD_EXT_START + (i - FOLD_LOW_END);
        utf8proc_uint8_t one[8] = {0};
        FOLD_TABLE[i].len = FOLD_SLOW;
        if (cp == 0 || utf8proc_encode_char(cp, one) <= 0)
            continue;
        char *f = fold_utf8proc((const char *)one);
        size_t n = f ? strlen(f) : SIZE_MAX;
        if (n <= sizeof(FOLD_TABLE[i].out)) {
            memcpy(FOLD_TABLE[i].out, f, n);
            FOLD_TABLE[i].len = (uint8_t)n;
        }
        free(f);
    }
}

/* The FOLD_TABLE entry of the code point at s[*i] (advancing *i), or NULL
 * when s needs utf8proc's path from there. */
static const fold_entry_t *fold_next(const utf8proc_uint8_t *s, size_t len, size_t *i)
{
    utf8proc_int32_t cp = s[*i];
    utf8proc_ssize_t n = 1;
    if (cp >= 0x80)
        n = utf8proc_iterate(s + *i, (utf8proc_ssize_t)(len - *i), &cp);
    int k = n > 0 ? fold_index(cp) : -1;
    if (k < 0 || FOLD_TABLE[k].len == FOLD_SLOW)
        return NULL;
    *i += (size_t)n;
    return &FOLD_TABLE[k];
}

/* The folded form through FOLD_TABLE into a malloc'd string; NULL (with
 * *slow) when s needs utf8proc's path, or out of memory. */
static char *fold_table(const char *s, bool *slow)
{
    size_t len = strlen(s);
    /* ASCII folds to one byte, a 2- or 3-byte code point to at most 7 */
    char *out = malloc(len * 4 + 1);
    size_t o = 0;
    *slow = false;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len;) {
        const fold_entry_t *f = fold_next((const utf8proc_uint8_t *)s, len, &i);
        if (!f) {
            *slow = true;
            free(out);
            return NULL;
        }
        for (uint8_t b = 0; b < f->len; b++)
            out[o++] = f->out[b];
    }
    out[o] = 0;
    return out;
}

char *vitext_fold(const char *s)
{
    bool slow = false;
    pthread_once(&fold_once, fold_table_fill);
    char *f = fold_table(s, &slow);
    return slow ? fold_utf8proc(s) : f;
}

bool vitext_fold_equals(const char *folded, const char *s)
{
    pthread_once(&fold_once, fold_table_fill);
    size_t len = strlen(s), o = 0;
    /* Compared as it is folded, without a copy, up to the first difference:
     * what follows cannot change the folded form of what came before (its
     * marks are stripped, and no character the table folds is the first
     * of a canonical composition with a starter).  A code point the table
     * does not fold sends the whole of s through utf8proc. */
    for (size_t i = 0; i < len;) {
        const fold_entry_t *f = fold_next((const utf8proc_uint8_t *)s, len, &i);
        if (!f) {
            char *whole = fold_utf8proc(s);
            bool same = whole && strcmp(whole, folded) == 0;
            free(whole);
            return same;
        }
        for (uint8_t b = 0; b < f->len; b++)
            if (folded[o++] != f->out[b])
                return false;
    }
    return folded[o] == 0;
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
