/* hub_schedule.c — scheduled coverage reports: the options, and which weekly and monthly runs are due (pure computation). */
#include "tools/hub/coverage/hub_schedule.h"

#include "content/timeutil.h"

#include <stdio.h>
#include <string.h>

#define SCHED_FRIDAY 4                   /* sl_weekday_from_days: 0 = Monday */
#define SCHED_WEEKLY_AT (16 * SL_MS_PER_HOUR) /* 16:00 local */

void sl_schedule_cfg_init(sl_schedule_cfg *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->tz, sizeof c->tz, "%s", SL_SCHED_TZ_DEFAULT);
    c->lang = SL_LANG_ZH;
}

static int parse_kinds(const char *arg, unsigned *kinds)
{
    char buf[64];
    unsigned k = 0;
    if (strlen(arg) >= sizeof buf)
        return -1;
    snprintf(buf, sizeof buf, "%s", arg);
    if (strcmp(buf, "none") == 0) {
        *kinds = 0;
        return 0;
    }
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "weekly") == 0)
            k |= SL_SCHED_WEEKLY;
        else if (strcmp(t, "monthly") == 0)
            k |= SL_SCHED_MONTHLY;
        else
            return -1;
    }
    if (!k)
        return -1;
    *kinds = k;
    return 0;
}

int sl_schedule_cfg_take(sl_schedule_cfg *c, int opt, const char *arg, char *err, size_t errlen)
{
    switch (opt) {
    case SL_SCHED_OPT_REPORTS:
        if (parse_kinds(arg, &c->kinds) != 0) {
            snprintf(err, errlen, "--reports wants weekly, monthly, weekly,monthly or none, not '%s'", arg);
            return -1;
        }
        return 1;
    case SL_SCHED_OPT_TZ: {
        char tzerr[256];
        sl_tz *tz = strlen(arg) < sizeof c->tz ? sl_tz_load(arg, NULL, tzerr, sizeof tzerr) : NULL;
        if (!tz) {
            snprintf(err, errlen, "--report-tz %s: not a time zone (an IANA name such as Asia/Shanghai, or +08:00)",
                     arg);
            return -1;
        }
        sl_tz_free(tz);
        snprintf(c->tz, sizeof c->tz, "%s", arg);
        return 1;
    }
    case SL_SCHED_OPT_LANG:
        if ((strcmp(arg, "zh") != 0 && strcmp(arg, "en") != 0) || sl_report_lang_parse(arg, &c->lang) != 0) {
            snprintf(err, errlen, "--report-lang wants zh or en, not '%s'", arg);
            return -1;
        }
        return 1;
    default:
        return 0;
    }
}

int sl_schedule_opt(void *cfg, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    return sl_schedule_cfg_take(cfg, e->id, arg, err, errlen) > 0 ? 0 : -1;
}

/* The local day of an instant. */
static int64_t local_day(const sl_tz *tz, int64_t ms)
{
    return sl_floordiv(sl_tz_to_local(tz, ms), SL_MS_PER_DAY);
}

/* The weekly run on the Friday `friday` (a day number). */
static void weekly_run(const sl_tz *tz, int64_t friday, sl_schedule_run *run)
{
    int y, m, d;
    memset(run, 0, sizeof *run);
    run->kind = SL_SCHED_WEEKLY;
    run->at_ms = sl_tz_from_local(tz, friday * SL_MS_PER_DAY + SCHED_WEEKLY_AT);
    run->from_day = friday - 7;
    run->to_day = friday - 1;
    sl_civil_from_days(run->to_day, &y, &m, &d);
    snprintf(run->name, sizeof run->name, "coverage-weekly-%04d-%02d-%02d", y, m, d);
}

/* The monthly run on the 1st of (y, m): the month before. */
static void monthly_run(const sl_tz *tz, int y, int m, sl_schedule_run *run)
{
    int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1;
    int64_t first = sl_days_from_civil(y, m, 1);
    memset(run, 0, sizeof *run);
    run->kind = SL_SCHED_MONTHLY;
    run->at_ms = sl_tz_from_local(tz, first * SL_MS_PER_DAY);
    run->from_day = sl_days_from_civil(py, pm, 1);
    run->to_day = first - 1;
    snprintf(run->name, sizeof run->name, "coverage-monthly-%04d-%02d", py, pm);
}

int sl_schedule_last(sl_sched_kind kind, const sl_tz *tz, int64_t now_ms, sl_schedule_run *run)
{
    int64_t day = local_day(tz, now_ms);
    if (kind == SL_SCHED_WEEKLY) {
        int64_t friday = day - ((sl_weekday_from_days(day) - SCHED_FRIDAY + 7) % 7);
        weekly_run(tz, friday, run);
        if (run->at_ms > now_ms)
            weekly_run(tz, friday - 7, run);
        return 0;
    }
    if (kind == SL_SCHED_MONTHLY) {
        int y, m, d;
        sl_civil_from_days(day, &y, &m, &d);
        monthly_run(tz, y, m, run);
        if (run->at_ms > now_ms)
            monthly_run(tz, m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, run);
        return 0;
    }
    return -1;
}

int sl_schedule_current(sl_sched_kind kind, const sl_tz *tz, int64_t now_ms, sl_schedule_run *run)
{
    sl_schedule_run last;
    if (sl_schedule_last(kind, tz, now_ms, &last) != 0)
        return -1;
    if (kind == SL_SCHED_WEEKLY) {
        weekly_run(tz, last.to_day + 1 + 7, run);
    } else {
        int y, m, d;
        sl_civil_from_days(last.to_day + 1, &y, &m, &d);
        monthly_run(tz, m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, run);
    }
    return 0;
}

int64_t sl_schedule_next_at(sl_sched_kind kind, const sl_tz *tz, int64_t now_ms)
{
    sl_schedule_run next;
    return sl_schedule_current(kind, tz, now_ms, &next) == 0 ? next.at_ms : INT64_MAX;
}

int sl_schedule_period_parse(const char *s, sl_sched_period *p)
{
    static const char *const names[] = {"this_week", "last_week", "this_month", "last_month"};
    for (int i = 0; s && i < 4; i++) {
        if (strcmp(s, names[i]) == 0) {
            *p = (sl_sched_period)i;
            return 0;
        }
    }
    return -1;
}

void sl_schedule_period(sl_sched_period p, const sl_tz *tz, int64_t now_ms, int64_t *from_day, int64_t *to_day)
{
    sl_schedule_run run;
    sl_sched_kind kind = p == SL_PERIOD_THIS_WEEK || p == SL_PERIOD_LAST_WEEK ? SL_SCHED_WEEKLY : SL_SCHED_MONTHLY;
    if (p == SL_PERIOD_LAST_WEEK || p == SL_PERIOD_LAST_MONTH) {
        sl_schedule_last(kind, tz, now_ms, &run);
    } else {
        int64_t today = local_day(tz, now_ms);
        sl_schedule_current(kind, tz, now_ms, &run);
        if (run.to_day > today)
            run.to_day = today;
    }
    *from_day = run.from_day;
    *to_day = run.to_day;
}

const sl_report_format sl_schedule_formats[SL_SCHED_N_FORMATS] = {SL_REPORT_XLSX, SL_REPORT_CSV, SL_REPORT_HTML};

int sl_schedule_file_parse(const char *file, const sl_tz *tz, sl_schedule_run *run, sl_report_format *f)
{
    static const char weekly[] = "coverage-weekly-", monthly[] = "coverage-monthly-";
    const char *dot = file ? strchr(file, '.') : NULL;
    char date[16];
    int64_t day;
    sl_schedule_run r;
    if (!dot || strchr(dot + 1, '.'))
        return -1;
    size_t stem = (size_t)(dot - file);
    if (stem == sizeof weekly - 1 + 10 && strncmp(file, weekly, sizeof weekly - 1) == 0) {
        snprintf(date, sizeof date, "%.10s", file + sizeof weekly - 1);
        if (sl_date_parse(date, &day) != 0 || sl_weekday_from_days(day) != SCHED_FRIDAY - 1)
            return -1;
        weekly_run(tz, day + 1, &r);
    } else if (stem == sizeof monthly - 1 + 7 && strncmp(file, monthly, sizeof monthly - 1) == 0) {
        int y, m, d;
        snprintf(date, sizeof date, "%.7s-01", file + sizeof monthly - 1);
        if (sl_date_parse(date, &day) != 0)
            return -1;
        sl_civil_from_days(day, &y, &m, &d);
        monthly_run(tz, m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, &r);
    } else {
        return -1;
    }
    /* The name made again from the date: only the scheduler's own spelling. */
    if (strlen(r.name) != stem || strncmp(r.name, file, stem) != 0)
        return -1;
    for (size_t i = 0; i < SL_SCHED_N_FORMATS; i++) {
        if (strcmp(dot + 1, sl_report_format_name(sl_schedule_formats[i])) == 0) {
            *run = r;
            *f = sl_schedule_formats[i];
            return 0;
        }
    }
    return -1;
}

size_t sl_schedule_due(unsigned kinds, const sl_tz *tz, const int64_t done_ms[2], int64_t now_ms,
                       sl_schedule_run out[2])
{
    static const sl_sched_kind order[2] = {SL_SCHED_WEEKLY, SL_SCHED_MONTHLY};
    size_t n = 0;
    for (int i = 0; i < 2; i++) {
        if (!(kinds & order[i]))
            continue;
        sl_schedule_run r;
        if (sl_schedule_last(order[i], tz, now_ms, &r) == 0 && r.at_ms > done_ms[i])
            out[n++] = r;
    }
    return n;
}
