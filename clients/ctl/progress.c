/* SPDX-License-Identifier: MIT */
/*
 * One progress line on a terminal (progress.h).  Rate and ETA come from
 * the units done since the start, so a slow first page does not make the
 * estimate swing for the rest of the run.
 */
#include "progress.h"
#include "l10n.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_MS 250

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ctl_progress_init(ctl_progress_t *p, const char *label, const char *unit, uint64_t total)
{
    memset(p, 0, sizeof(*p));
    p->f = isatty(STDERR_FILENO) ? stderr : NULL;
    p->label = label;
    p->unit = unit;
    p->total = total;
    p->start_ms = mono_ms();
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
}

bool ctl_progress_shown(const ctl_progress_t *p)
{
    return p->f != NULL;
}

void ctl_progress_total(ctl_progress_t *p, uint64_t total)
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
static void put_line(ctl_progress_t *p, const char *line)
{
    size_t n = strlen(line);
    fprintf(p->f, "\r%s%*s", line, p->width > n ? (int)(p->width - n) : 0, "");
    fflush(p->f);
    p->width = n;
}

static void draw(ctl_progress_t *p, int64_t now)
{
    char line[256], eta[32] = "", rate[48] = "";
    int64_t elapsed = now - p->start_ms;
    if (elapsed > 0 && p->done > 0) {
        double per_s = (double)p->done * 1000.0 / (double)elapsed;
        snprintf(rate, sizeof rate, ", %.0f/s", per_s);
        if (p->total > p->done && per_s > 0) {
            char t[24];
            clock_text((int64_t)((double)(p->total - p->done) / per_s + 0.5), t, sizeof t);
            snprintf(eta, sizeof eta, _(", ETA %s"), t);
        }
    }
    if (p->total)
        snprintf(line, sizeof line, "%s: %" PRIu64 "/%" PRIu64 " %s (%d%%)%s%s", p->label, p->done,
                 p->total, p->unit, (int)(p->done >= p->total ? 100 : p->done * 100 / p->total),
                 rate, eta);
    else
        snprintf(line, sizeof line, "%s: %" PRIu64 " %s%s", p->label, p->done, p->unit, rate);
    put_line(p, line);
    p->drawn_ms = now;
}

void ctl_progress_update(ctl_progress_t *p, uint64_t done)
{
    p->done = done;
    if (!p->f)
        return;
    int64_t now = mono_ms();
    if (p->width == 0 || now - p->drawn_ms >= REDRAW_MS)
        draw(p, now);
}

/* "fsck: 30 nominations, waiting for the daemon, 0:03". */
static void draw_waiting(ctl_progress_t *p)
{
    char line[256], t[24];
    clock_text((mono_ms() - p->start_ms) / 1000, t, sizeof t);
    if (p->total)
        snprintf(line, sizeof line, _("%s: %" PRIu64 " %s, waiting for the daemon, %s"), p->label,
                 p->total, p->unit, t);
    else
        snprintf(line, sizeof line, _("%s: waiting for the daemon, %s"), p->label, t);
    put_line(p, line);
}

static void *tick(void *arg)
{
    ctl_progress_t *p = arg;
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

int ctl_progress_tick_start(ctl_progress_t *p)
{
    if (!p->f || p->ticking)
        return 0;
    /* The first line now, from this thread: an answer faster than the
     * thread's start must not leave the terminal without it. */
    draw_waiting(p);
    if (pthread_create(&p->thread, NULL, tick, p) != 0)
        return -1;
    p->ticking = true;
    return 0;
}

void ctl_progress_deinit(ctl_progress_t *p)
{
    if (p->ticking) {
        pthread_mutex_lock(&p->lock);
        p->stop = true;
        pthread_cond_signal(&p->cond);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->thread, NULL);
        p->ticking = false;
    }
    if (p->f && p->width) {
        fprintf(p->f, "\r%*s\r", (int)p->width, "");
        fflush(p->f);
    }
    p->width = 0;
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
}
