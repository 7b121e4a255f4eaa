/* store_days.h — the day summaries every backend keeps (play_days, online_days), merged here above the backends. */
#ifndef SL_HUB_STORE_DAYS_H
#define SL_HUB_STORE_DAYS_H

#include "tools/hub/service/hub_playhours.h"
#include "tools/hub/store/store.h"

/* The two tables of day summaries: one row per screen and UTC day holding text (hub_playhours.h). */
typedef enum {
    SL_ST_DAYS_PLAYS = 0, /* play_days: the day's hours of plays */
    SL_ST_DAYS_ONLINE = 1 /* online_days: the day's minutes online per hour */
} sl_st_days_table;

/* A backend's reads and writes of day rows, inside the transaction it holds
 * (db is the backend's handle for it). get calls found with the stored text
 * of (screen, day) when there is a row (the text is valid during the call). */
typedef struct {
    sl_st_rc (*get)(void *db, sl_st_days_table t, const char *screen, int64_t day,
                    void (*found)(void *ud, const char *text), void *ud, char *err, size_t errlen);
    sl_st_rc (*put)(void *db, sl_st_days_table t, const char *screen, int64_t day, const char *text, char *err,
                    size_t errlen);
    /* Hands each stored play of the screen with seq_lo <= seq <= seq_hi
     * to sl_ph_batch_seed(b, …) (seq, zone, start_ms, duration_ms,
     * clock_trust and outcome are what it reads). */
    sl_st_rc (*near)(void *db, const char *screen, int64_t seq_lo, int64_t seq_hi, sl_ph_batch *b, char *err,
                     size_t errlen);
} sl_st_days_io;

/* Adds a batch's hourly play summaries to the screen's stored days (its
 * lit time merged with the stored plays near it first: hub_playhours.h). */
sl_st_rc sl_st_days_add_plays(const sl_st_days_io *io, void *db, const char *screen, sl_ph_batch *b, char *err,
                              size_t errlen);

/* Counts one minute online in the hour of received_ms in the screen's stored day. */
sl_st_rc sl_st_days_add_minute(const sl_st_days_io *io, void *db, const char *screen, int64_t received_ms, char *err,
                               size_t errlen);

#endif
