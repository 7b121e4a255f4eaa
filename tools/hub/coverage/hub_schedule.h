/* hub_schedule.h — scheduled coverage reports: which weekly and monthly runs are due, the thread that makes them, writing them from the store. */
#ifndef SL_HUB_SCHEDULE_H
#define SL_HUB_SCHEDULE_H

#include "content/opts.h"
#include "content/tz.h"
#include "tools/hub/coverage/hub_coverage.h"
#include "tools/hub/hub.h"
#include "tools/report/sl_report.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * When (in the zone of --report-tz, default Asia/Shanghai):
 * - weekly: every Friday at 16:00, for the seven whole days before that
 *   Friday (Friday of the week before to Thursday). A report made at 16:00
 *   cannot count the rest of Friday: the coverage computation counts
 *   required hours still to come as not lit.
 * - monthly: on the 1st at 00:00, for the month before.
 * Files: DATA/reports/coverage-weekly-YYYY-MM-DD.{html,csv,xlsx} (the
 * period's last day) and DATA/reports/coverage-monthly-YYYY-MM.{…}.
 * A run whose three files exist is done; at start-up the latest run of
 * each kind is made when its files are missing (the hub was down when it
 * was due), once.
 */

typedef enum { SL_SCHED_WEEKLY = 1, SL_SCHED_MONTHLY = 2 } sl_sched_kind;

#define SL_SCHED_TZ_DEFAULT "Asia/Shanghai"
#define SL_SCHED_DIR "reports" /* under DATA */

typedef struct sl_schedule_cfg {
    unsigned kinds;     /* SL_SCHED_* bits; 0 = no scheduled reports */
    char tz[128];       /* the zone of the schedule */
    sl_report_lang lang;
} sl_schedule_cfg;

/* One run: when it is due and what it covers. */
typedef struct {
    sl_sched_kind kind;
    int64_t at_ms;            /* the instant it is due (UTC) */
    int64_t from_day, to_day; /* the period, dates as days since 1970-01-01 */
    char name[64];            /* "coverage-weekly-2026-11-26", "coverage-monthly-2026-11" */
} sl_schedule_run;

/* No reports, Asia/Shanghai, Chinese. */
void sl_schedule_cfg_init(sl_schedule_cfg *c);

/* The options of `serve` that set it, for option tables about the struct
 * `type` whose member `field` is the sl_schedule_cfg, and their help. */
#define SL_SCHED_OPT_REPORTS 0x2001
#define SL_SCHED_OPT_TZ 0x2002
#define SL_SCHED_OPT_LANG 0x2003
#define SL_SCHEDULE_OPTS_E(type, field)                                                                       \
    SL_OPTS_FUNC_E("reports", 0, "LIST",                                                                      \
                   "write coverage reports on a schedule: weekly, monthly or weekly,monthly (default none); " \
                   "see SCHEDULED REPORTS",                                                                   \
                   type, field, sl_schedule_opt, SL_SCHED_OPT_REPORTS),                                       \
        SL_OPTS_FUNC_E("report-tz", 0, "ZONE", "the time zone of that schedule (default Asia/Shanghai)", type, \
                       field, sl_schedule_opt, SL_SCHED_OPT_TZ),                                              \
        SL_OPTS_FUNC_E("report-lang", 0, "L", "zh (default) or en", type, field, sl_schedule_opt, SL_SCHED_OPT_LANG)

#define SL_SCHEDULE_HELP_TEXT                                                                                 \
    "SCHEDULED REPORTS\n"                                                                                     \
    "    With --reports weekly the hub writes, every Friday at 16:00, the coverage\n"                         \
    "    report of the seven whole days before (Friday to Thursday) as\n"                                     \
    "    DIR/reports/coverage-weekly-YYYY-MM-DD.html, .csv and .xlsx (the date is\n"                          \
    "    the period's last day); with --reports monthly, on the 1st at 00:00, the\n"                          \
    "    report of the month before as DIR/reports/coverage-monthly-YYYY-MM.*.\n"                             \
    "    Times are in --report-tz. A report the hub was down for is written when it\n"                        \
    "    starts (the latest of each kind, once). `screenlit-hub report` writes the\n"                         \
    "    same files for any period by hand.\n"

/* Takes one of the options above: 1 when c was one (and it was right), 0
 * when c is another option, -1 with err when its value is wrong. */
int sl_schedule_cfg_take(sl_schedule_cfg *c, int opt, const char *arg, char *err, size_t errlen);

/* The setter of SL_SCHEDULE_OPTS_E (content/opts.h): cfg is the
 * sl_schedule_cfg, e->id the option. 0 or -1 with err. */
int sl_schedule_opt(void *cfg, const sl_opts_entry *e, const char *arg, char *err, size_t errlen);

/* The latest run of kind due at or before now_ms. 0 or -1 (unknown kind). */
int sl_schedule_last(sl_sched_kind kind, const sl_tz *tz, int64_t now_ms, sl_schedule_run *run);

/* The first run of kind due after now_ms: the period in progress (this
 * week: the Friday of the latest run to the Thursday after; this month).
 * 0 or -1 (unknown kind). */
int sl_schedule_current(sl_sched_kind kind, const sl_tz *tz, int64_t now_ms, sl_schedule_run *run);

/* The periods people pick (the web console's coverage page). */
typedef enum { SL_PERIOD_THIS_WEEK, SL_PERIOD_LAST_WEEK, SL_PERIOD_THIS_MONTH, SL_PERIOD_LAST_MONTH } sl_sched_period;

/* "this_week", "last_week", "this_month" or "last_month". 0 or -1. */
int sl_schedule_period_parse(const char *s, sl_sched_period *p);

/* The dates of a period at now_ms in tz, as the scheduled reports count
 * them: last week (month) is the period of the latest weekly (monthly) run
 * due (sl_schedule_last: the week turns on Friday at 16:00), this week
 * (month) the period in progress (sl_schedule_current), up to today. */
void sl_schedule_period(sl_sched_period p, const sl_tz *tz, int64_t now_ms, int64_t *from_day, int64_t *to_day);

/* The instant of the first run of kind due after now_ms. */
int64_t sl_schedule_next_at(sl_sched_kind kind, const sl_tz *tz, int64_t now_ms);

/* The formats of a run's files, in the order they are written (HTML last). */
#define SL_SCHED_N_FORMATS 3
extern const sl_report_format sl_schedule_formats[SL_SCHED_N_FORMATS];

/* The run and format a file name in DATA/reports stands for, exactly as
 * sl_schedule_make names its files: "coverage-weekly-YYYY-MM-DD.EXT" (the
 * date a Thursday) or "coverage-monthly-YYYY-MM.EXT", EXT one of
 * sl_schedule_formats. 0, or -1 for any other name (another file, a path,
 * "..", another extension or case). */
int sl_schedule_file_parse(const char *file, const sl_tz *tz, sl_schedule_run *run, sl_report_format *f);

/* Which runs are due at now_ms: of each kind in kinds, its latest run at or
 * before now_ms when that run is due after done_ms[kind's index] (0 weekly,
 * 1 monthly: the instant of the last run that was made; INT64_MIN for none,
 * as at start-up). Writes them to out (weekly first) and returns how many. */
size_t sl_schedule_due(unsigned kinds, const sl_tz *tz, const int64_t done_ms[2], int64_t now_ms,
                       sl_schedule_run out[2]);

/* ---- making reports (hub_schedule_run.c) ---- */

#define SL_HUB_REPORT_SHOTS 12 /* proof screenshots on an HTML report */

/* The at most max latest screenshots of the document's screens that have
 * one, read from DATA/screenshots (in the document's order; a file that is
 * gone is skipped). Returns how many; free them with sl_hub_report_shots_free. */
size_t sl_hub_report_shots(sl_hub *hub, const cJSON *doc, size_t max, sl_report_shot *shots);
void sl_hub_report_shots_free(sl_report_shot *shots, size_t n);

/* Writes a report document to path in format f (an HTML one with the
 * latest screenshots of up to SL_HUB_REPORT_SHOTS screens). 0 or -1 with err. */
int sl_hub_report_file(sl_hub *hub, const cJSON *doc, sl_report_format f, sl_report_lang lang, const char *path,
                       char *err, size_t errlen);

/* Makes one scheduled run: DATA/reports/NAME.xlsx, .csv and .html. 0 or -1 with err. */
int sl_schedule_make(sl_hub *hub, const sl_schedule_run *run, sl_report_lang lang, char *err, size_t errlen);

/* Whether the three files of a run are all in DATA/reports. */
bool sl_schedule_made(const sl_hub *hub, const sl_schedule_run *run);

/* The running schedule. */
typedef struct sl_schedule sl_schedule;

/* Starts the thread that writes the reports of cfg; *out stays NULL when
 * cfg->kinds is 0 (nothing to do). 0, or -1 with err. */
int sl_schedule_start(sl_hub *hub, const sl_schedule_cfg *cfg, sl_schedule **out, char *err, size_t errlen);
/* Stops it (a report being written is finished first); NULL is fine. */
void sl_schedule_stop(sl_schedule *s);

#endif
