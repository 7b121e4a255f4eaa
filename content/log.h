/* log.h — the one logging module: levelled, bounded messages to a stream. */
#ifndef SL_LOG_H
#define SL_LOG_H

#include <stdio.h>

typedef enum {
    SL_LOG_ERROR = 0,
    SL_LOG_WARN = 1,
    SL_LOG_INFO = 2,
    SL_LOG_DEBUG = 3
} sl_log_level;

/* A logger is a plain value owned by the program's context; no globals.
 * out == NULL means stderr. Messages above `level` are dropped. */
typedef struct sl_log {
    sl_log_level level;
    FILE *out;
    const char *prog; /* prefix, e.g. "screenlit-player"; may be NULL */
} sl_log;

/* Initialises a logger at INFO on stderr. */
void sl_log_init(sl_log *lg, const char *prog);

/* Parses "error|warn|info|debug"; returns -1 when unknown. */
int sl_log_level_parse(const char *s);

/* Writes one line (at most SL_LOG_LINE_MAX bytes, longer lines are cut).
 * lg may be NULL: then INFO and above go to stderr. */
void sl_log_msg(const sl_log *lg, sl_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define SL_LOG_LINE_MAX 2048

#define sl_log_error(lg, ...) sl_log_msg((lg), SL_LOG_ERROR, __VA_ARGS__)
#define sl_log_warn(lg, ...) sl_log_msg((lg), SL_LOG_WARN, __VA_ARGS__)
#define sl_log_info(lg, ...) sl_log_msg((lg), SL_LOG_INFO, __VA_ARGS__)
#define sl_log_debug(lg, ...) sl_log_msg((lg), SL_LOG_DEBUG, __VA_ARGS__)

#endif
