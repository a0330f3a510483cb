/* SPDX-License-Identifier: MIT */
/*
 * One progress line on a terminal (progress.h), for exemplarctl and the
 * daemon's offline operations.  Rate and ETA come from the units done since
 * the start, so a slow first page does not make the estimate swing for the
 * rest of the run.
 */
#include "progress.h"
#include "i18n.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_MS 250

/* The line on the terminal now, for ex_progress_clear_current. */
static ex_progress_t *current;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ex_progress_init(ex_progress_t *p, const char *label, const char *unit, uint64_t total)
{
    memset(p, 0, sizeof(*p));
    p->f = isatty(STDERR_FILENO) ? stderr : NULL;
    p->label = label;
    p->unit = unit;
    p->total = total;
    p->start_ms = mono_ms();
    if (p->f)
        current = p;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
}

bool ex_progress_shown(const ex_progress_t *p)
{
    return p->f != NULL;
}

void ex_progress_total(ex_progress_t *p, uint64_t total)
{
    p->total = total;
}

/* "1:05" or "1:02:05". */
static void clock_text(int64_t s, char *buf, size_t len)
{
    if (s >= 3600)
        snprintf(buf, len, "%" PRId64 ":%02d:%02d", s / 3600, (int)(s / 60 % 60), (int)(s % 60));
    else
        snprintf(buf, len, "%" PRId64 ":%02d", s / 60, (int)(s % 60));
}

/* Writes the line over the previous one, padded to erase what is left. */
static void put_line(ex_progress_t *p, const char *line)
{
    size_t n = strlen(line);
    fprintf(p->f, "\r%s%*s", line, p->width > n ? (int)(p->width - n) : 0, "");
    fflush(p->f);
    p->width = n;
}

/* Bytes in kB, MB or GB (powers of ten, as dd prints them), chosen by
 * the larger of done and total so that both read alike. */
static const char *byte_unit(uint64_t n, double *div)
{
    *div = n >= 1000000000 ? 1e9 : n >= 1000000 ? 1e6 : 1e3;
    return n >= 1000000000 ? "GB" : n >= 1000000 ? "MB" : "kB";
}

static void draw(ex_progress_t *p, int64_t now)
{
    char line[256], eta[32] = "", rate[48] = "", count[64] = "";
    int64_t elapsed = now - p->start_ms;
    if (elapsed > 0 && p->done > 0) {
        double per_s = (double)p->done * 1000.0 / (double)elapsed, div;
        if (p->unit) {
            snprintf(rate, sizeof rate, ", %.0f/s", per_s);
        } else {
            const char *u = byte_unit((uint64_t)per_s, &div);
            snprintf(rate, sizeof rate, ", %.1f %s/s", per_s / div, u);
        }
        if (p->total > p->done && per_s > 0) {
            char t[24];
            clock_text((int64_t)((double)(p->total - p->done) / per_s + 0.5), t, sizeof t);
            snprintf(eta, sizeof eta, _(", ETA %s"), t);
        }
    }
    if (p->count_unit)
        snprintf(count, sizeof count, ", %" PRIu64 " %s", p->count, p->count_unit);
    int pct = p->total ? (int)(p->done >= p->total ? 100 : p->done * 100 / p->total) : 0;
    double div;
    const char *bu = byte_unit(p->total > p->done ? p->total : p->done, &div);
    if (!p->unit && p->total)
        snprintf(line, sizeof line, "%s: %.1f/%.1f %s (%d%%)%s%s%s", p->label,
                 (double)p->done / div, (double)p->total / div, bu, pct, count, rate, eta);
    else if (!p->unit)
        snprintf(line, sizeof line, "%s: %.1f %s%s%s", p->label, (double)p->done / div, bu, count,
                 rate);
    else if (p->total)
        snprintf(line, sizeof line, "%s: %" PRIu64 "/%" PRIu64 " %s (%d%%)%s%s%s", p->label,
                 p->done, p->total, p->unit, pct, count, rate, eta);
    else
        snprintf(line, sizeof line, "%s: %" PRIu64 " %s%s%s", p->label, p->done, p->unit, count,
                 rate);
    put_line(p, line);
    p->drawn_ms = now;
}

void ex_progress_update(ex_progress_t *p, uint64_t done)
{
    p->done = done;
    if (!p->f)
        return;
    int64_t now = mono_ms();
    if (p->width == 0 || now - p->drawn_ms >= REDRAW_MS)
        draw(p, now);
}

void ex_progress_count(ex_progress_t *p, uint64_t count, const char *unit)
{
    p->count = count;
    p->count_unit = unit;
}

/* The line shown while one blocking call runs (p->lock held). */
static void draw_waiting(ex_progress_t *p)
{
    char line[256], t[24];
    clock_text((mono_ms() - p->start_ms) / 1000, t, sizeof t);
    if (p->phase)
        snprintf(line, sizeof line, "%s: %s, %s", p->label, p->phase, t);
    else if (p->total && p->unit)
        snprintf(line, sizeof line, _("%s: %" PRIu64 " %s, waiting for the daemon, %s"), p->label,
                 p->total, p->unit, t);
    else
        snprintf(line, sizeof line, _("%s: waiting for the daemon, %s"), p->label, t);
    put_line(p, line);
}

static void *tick(void *arg)
{
    ex_progress_t *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += REDRAW_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->cond, &p->lock, &until);
        if (!p->stop)
            draw_waiting(p);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int ex_progress_tick_start(ex_progress_t *p)
{
    if (!p->f || p->ticking)
        return 0;
    /* The first line is drawn here, not by the thread: a call that returns
     * before the thread runs still showed what it waited for. */
    pthread_mutex_lock(&p->lock);
    draw_waiting(p);
    pthread_mutex_unlock(&p->lock);
    if (pthread_create(&p->thread, NULL, tick, p) != 0)
        return -1;
    p->ticking = true;
    return 0;
}

int ex_progress_phase(ex_progress_t *p, const char *phase)
{
    if (!p->f)
        return 0;
    pthread_mutex_lock(&p->lock);
    p->phase = phase;
    p->start_ms = mono_ms();
    if (p->ticking)
        draw_waiting(p);
    pthread_mutex_unlock(&p->lock);
    return ex_progress_tick_start(p);
}

void ex_progress_tick_stop(ex_progress_t *p)
{
    if (p->ticking) {
        pthread_mutex_lock(&p->lock);
        p->stop = true;
        pthread_cond_signal(&p->cond);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->thread, NULL);
        p->ticking = false;
        p->stop = false;
    }
    p->phase = NULL;
    p->start_ms = mono_ms();
    p->drawn_ms = 0;
}

void ex_progress_clear(ex_progress_t *p)
{
    ex_progress_tick_stop(p);
    if (p->f && p->width) {
        fprintf(p->f, "\r%*s\r", (int)p->width, "");
        fflush(p->f);
    }
    p->width = 0;
}

void ex_progress_clear_current(void)
{
    if (current)
        ex_progress_clear(current);
}

void ex_progress_deinit(ex_progress_t *p)
{
    ex_progress_clear(p);
    if (current == p)
        current = NULL;
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
}
