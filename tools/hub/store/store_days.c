/* store_days.c — merges plays and minutes online into the stored day summaries, for every backend. */
#include "tools/hub/store/store_days.h"

#include "content/timeutil.h"

#include <stdio.h>
#include <stdlib.h>

/* The new text of a day, made from the stored one when there is a row. */
typedef struct {
    char *(*make)(const char *stored, const void *ud);
    const void *ud;
    char *text;
    bool found;
} days_text;

static void days_found(void *ud, const char *stored)
{
    days_text *d = ud;
    d->text = d->make(stored, d->ud);
    d->found = true;
}

/* Reads (screen, day) of table t, builds its new text with make and writes it back. */
static sl_st_rc days_update(const sl_st_days_io *io, void *db, sl_st_days_table t, const char *screen, int64_t day,
                            char *(*make)(const char *stored, const void *ud), const void *ud, char *err,
                            size_t errlen)
{
    days_text d = {make, ud, NULL, false};
    sl_st_rc rc = io->get(db, t, screen, day, days_found, &d, err, errlen);
    if (rc != SL_ST_OK) {
        free(d.text);
        return rc;
    }
    if (!d.found)
        d.text = make(NULL, ud);
    if (!d.text) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    rc = io->put(db, t, screen, day, d.text, err, errlen);
    free(d.text);
    return rc;
}

typedef struct {
    const sl_ph_batch *b;
    int64_t day;
} days_batch;

static char *days_make_plays(const char *stored, const void *ud)
{
    const days_batch *c = ud;
    char *out = NULL;
    return sl_ph_day_merge(stored, c->b, c->day, &out) == 0 ? out : NULL;
}

static char *days_make_online(const char *stored, const void *ud)
{
    return sl_ph_online_add(stored, *(const int *)ud);
}

sl_st_rc sl_st_days_add_plays(const sl_st_days_io *io, void *db, const char *screen, sl_ph_batch *b, char *err,
                              size_t errlen)
{
    int64_t lo, hi;
    if (sl_ph_batch_near(b, &lo, &hi)) {
        sl_st_rc nrc = io->near(db, screen, lo, hi, b, err, errlen);
        if (nrc != SL_ST_OK)
            return nrc;
    }
    if (sl_ph_batch_settle(b) != 0) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    int64_t *days = malloc((b->n ? b->n : 1) * sizeof *days);
    if (!days) {
        snprintf(err, errlen, "out of memory");
        return SL_ST_ERROR;
    }
    size_t n = sl_ph_batch_days(b, days, b->n);
    sl_st_rc rc = SL_ST_OK;
    for (size_t i = 0; i < n && rc == SL_ST_OK; i++) {
        days_batch c = {b, days[i]};
        rc = days_update(io, db, SL_ST_DAYS_PLAYS, screen, days[i], days_make_plays, &c, err, errlen);
    }
    free(days);
    return rc;
}

sl_st_rc sl_st_days_add_minute(const sl_st_days_io *io, void *db, const char *screen, int64_t received_ms, char *err,
                               size_t errlen)
{
    int64_t day = sl_floordiv(received_ms, SL_MS_PER_DAY) * SL_MS_PER_DAY;
    int hour = (int)((received_ms - day) / SL_MS_PER_HOUR);
    return days_update(io, db, SL_ST_DAYS_ONLINE, screen, day, days_make_online, &hour, err, errlen);
}
