/* hubcmd_report.c — `screenlit-hub report`: a coverage report written straight from the hub's store, by hand or as a scheduled run. */
#include "tools/hub/cmd/hubcmd.h"
#include "tools/hub/coverage/hub_schedule.h"

#include "content/timeutil.h"
#include "tools/report/sl_report_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The options as given. */
typedef struct {
    const char *data, *db, *from, *to, *out, *at;
    sl_coverage_query q;
    sl_report_format format;
    bool have_format;
    sl_report_lang lang;
    unsigned run; /* SL_SCHED_* or 0 */
    sl_schedule_cfg sched;
} rep_args;

enum { OPT_REGION = 1, OPT_UNIT_TYPE, OPT_SCREEN, OPT_THRESHOLD, OPT_FORMAT, OPT_LANG, OPT_RUN };

/* Takes the options that are checked as they come (field is the rep_args). */
static int set_opt(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    rep_args *a = field;
    char *end;
    switch (e->id) {
    case OPT_REGION:
    case OPT_UNIT_TYPE:
        if (!*arg || strlen(arg) > SL_HUB_TEXT_MAX || !sl_wire_text_ok(arg, strlen(arg), false)) {
            snprintf(err, errlen, "--%s wants text of 1 to %d bytes", e->name, SL_HUB_TEXT_MAX);
            return -1;
        }
        *(e->id == OPT_REGION ? &a->q.region : &a->q.unit_type) = arg;
        return 0;
    case OPT_THRESHOLD: {
        long v = strtol(arg, &end, 10);
        if (!*arg || *end || v < 1 || v > 100) {
            snprintf(err, errlen, "--threshold wants a whole percentage from 1 to 100");
            return -1;
        }
        a->q.threshold_pct = (int)v;
        return 0;
    }
    case OPT_FORMAT:
        if (sl_report_format_parse(arg, &a->format) != 0) {
            snprintf(err, errlen, "--format wants csv, xlsx, json or html, not '%s'", arg);
            return -1;
        }
        a->have_format = true;
        return 0;
    case OPT_LANG:
        if ((strcmp(arg, "zh") != 0 && strcmp(arg, "en") != 0) || sl_report_lang_parse(arg, &a->lang)) {
            snprintf(err, errlen, "--lang wants zh or en, not '%s'", arg);
            return -1;
        }
        return 0;
    default: /* OPT_RUN */
        if (strcmp(arg, "weekly") == 0)
            a->run = SL_SCHED_WEEKLY;
        else if (strcmp(arg, "monthly") == 0)
            a->run = SL_SCHED_MONTHLY;
        else {
            snprintf(err, errlen, "--run wants weekly or monthly, not '%s'", arg);
            return -1;
        }
        return 0;
    }
}

#define REP_OPT(name, arg, help, id) {(name), 0, SL_OPTS_FUNC, (arg), (help), 0, 0, 0, NULL, set_opt, (id)}

static const sl_opts_entry rep_opts[] = {
    SL_OPTS_STR_E("data", 'd', "DIR", "the hub's data folder (required)", rep_args, data),
    SL_OPTS_STR_E("db", 'D', "URI", "its PostgreSQL database, when it has one", rep_args, db),
    SL_OPTS_STR_E("from", 0, "DATE", "first day, YYYY-MM-DD", rep_args, from),
    SL_OPTS_STR_E("to", 0, "DATE", "last day, YYYY-MM-DD", rep_args, to),
    REP_OPT("region", "R", "only screens of this region", OPT_REGION),
    REP_OPT("unit-type", "T", "only screens of this unit type", OPT_UNIT_TYPE),
    SL_OPTS_SCREEN_E("screen", "only this screen", rep_args, q.screen),
    REP_OPT("threshold", "PCT", "coverage a screen needs to be lit, 1-100 (default 95)", OPT_THRESHOLD),
    REP_OPT("format", "F", "csv, xlsx, json or html", OPT_FORMAT),
    REP_OPT("lang", "L", "zh (default) or en", OPT_LANG),
    SL_OPTS_STR_E("out", 'o', "FILE", "where to write (- for standard output, not xlsx)", rep_args, out),
    REP_OPT("run", "KIND", "weekly or monthly: a scheduled run", OPT_RUN),
    SL_OPTS_STR_E("at", 0, "INSTANT",
                  "the run due at or before this instant, e.g. 2026-11-27T16:00:00+08:00 (default now)", rep_args,
                  at),
    SL_OPTS_FUNC_E("report-tz", 0, "Z", "the schedule's time zone (default Asia/Shanghai)", rep_args, sched,
                   sl_schedule_opt, SL_SCHED_OPT_TZ),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit-hub report - write a coverage report from the hub's data folder\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit-hub report --data DIR [--db URI] --from DATE --to DATE\n"
           "                         [--region R] [--unit-type T] [--screen ID]\n"
           "                         [--threshold PCT] [--format csv|xlsx|json|html]\n"
           "                         [--lang zh|en] --out FILE\n"
           "    screenlit-hub report --data DIR [--db URI] --run weekly|monthly\n"
           "                         [--at INSTANT] [--report-tz ZONE] [--lang zh|en]\n"
           "\n"
           "DESCRIPTION\n"
           "    Computes the coverage report (tools/hub/REPORTS.md) from the store itself,\n"
           "    without the HTTP API: on the hub's machine, next to a running `serve`\n"
           "    or while it is stopped.\n"
           "\n"
           "    With --out, the report of the period (each screen's local dates, both\n"
           "    included, at most 366 days) goes to FILE in the format its extension\n"
           "    names (.csv, .xlsx, .json, .html; else csv, or --format); an HTML report\n"
           "    embeds the latest screenshots of up to %d screens. The formats and\n"
           "    their columns are those of `screenlit report coverage` (tools/report/\n"
           "    FORMATS.md).\n"
           "\n"
           "    With --run, makes the scheduled run of that kind that was due last at\n"
           "    INSTANT (default now) in ZONE (default Asia/Shanghai), exactly as\n"
           "    `serve --reports` does: DIR/reports/coverage-weekly-YYYY-MM-DD.xlsx,\n"
           "    .csv and .html for the seven whole days before the Friday 16:00 at or\n"
           "    before INSTANT, or DIR/reports/coverage-monthly-YYYY-MM.* for the month\n"
           "    before the 1st 00:00 at or before it. Files already there are replaced.\n"
           "    It prints the files' common name.\n"
           "\n"
           "OPTIONS\n",
           SL_HUB_REPORT_SHOTS);
    sl_opts_help(stdout, rep_opts);
    printf("\n"
           "EXIT STATUS\n"
           "    0 written, 1 the store could not be read or a file not written, 2 wrong\n"
           "    arguments.\n"
           "\n"
           "EXAMPLES\n"
           "    screenlit-hub report --data /var/lib/screenlit-hub --from 2026-11-01 \\\n"
           "        --to 2026-11-30 --out november.xlsx\n"
           "    screenlit-hub report --data /var/lib/screenlit-hub --run weekly\n");
}

/* Parses the command line; SL_HUB_EXIT_OK to go on, else the exit code. */
static int parse(int argc, char **argv, rep_args *a)
{
    int next;
    int parsed = sl_hub_parse_opts("report", rep_opts, help, a, argc, argv, &next);
    if (parsed >= 0)
        return parsed == SL_HUB_EXIT_OK ? -1 : parsed;
    if (next < argc)
        return sl_hub_usage_error("report", "unexpected argument '%s'", argv[next]);
    if (!a->data)
        return sl_hub_usage_error("report", "--data DIR is missing");
    if (a->db && !sl_store_db_is_pg(a->db))
        return sl_hub_usage_error("report", "--db wants postgresql://USER@HOST:PORT/DB");
    if (a->run) {
        if (a->out || a->from || a->to || a->q.region || a->q.unit_type || a->q.screen || a->have_format)
            return sl_hub_usage_error("report", "--run makes a scheduled run: no --out, period or filters");
        return SL_HUB_EXIT_OK;
    }
    if (a->at)
        return sl_hub_usage_error("report", "--at goes with --run");
    if (!a->out)
        return sl_hub_usage_error("report", "--out FILE (or --run) is missing");
    if (!a->from || !a->to)
        return sl_hub_usage_error("report", "--from DATE and --to DATE are required");
    if (sl_date_parse(a->from, &a->q.from_day) != 0 || sl_date_parse(a->to, &a->q.to_day) != 0)
        return sl_hub_usage_error("report", "write dates as YYYY-MM-DD");
    if (a->q.to_day < a->q.from_day)
        return sl_hub_usage_error("report", "--to %s is before --from %s", a->to, a->from);
    if (a->q.to_day - a->q.from_day + 1 > SL_COVERAGE_MAX_DAYS)
        return sl_hub_usage_error("report", "a report covers at most %d days", SL_COVERAGE_MAX_DAYS);
    if (!a->have_format && sl_report_format_from_path(a->out, &a->format) != 0)
        a->format = SL_REPORT_CSV;
    if (a->format == SL_REPORT_XLSX && strcmp(a->out, "-") == 0)
        return sl_hub_usage_error("report", "an XLSX workbook cannot go to standard output; name a file");
    return SL_HUB_EXIT_OK;
}

int sl_hub_cmd_report(int argc, char **argv)
{
    rep_args a;
    memset(&a, 0, sizeof a);
    sl_schedule_cfg_init(&a.sched);
    a.lang = SL_LANG_ZH;
    int rc = parse(argc, argv, &a);
    if (rc < 0)
        return SL_HUB_EXIT_OK; /* --help */
    if (rc != SL_HUB_EXIT_OK)
        return rc;

    int64_t now = sl_hub_now_ms(), at = now;
    char err[512];
    sl_tz *tz = NULL;
    if (a.run) {
        if (!(tz = sl_tz_load(a.sched.tz, NULL, err, sizeof err)))
            return sl_hub_usage_error("report", "--report-tz %s: %s", a.sched.tz, err);
        if (a.at && sl_instant_parse(a.at, NULL, &at) != 0) {
            sl_tz_free(tz);
            return sl_hub_usage_error("report", "--at %s: write an instant such as 2026-11-27T16:00:00+08:00", a.at);
        }
    }

    sl_hub hub;
    cJSON *doc = NULL;
    memset(&hub, 0, sizeof hub);
    rc = SL_HUB_EXIT_FAIL;
    if (sl_hub_open(&hub, a.data, a.db, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit-hub report: %s\n", err);
        goto out;
    }
    if (a.run) {
        sl_schedule_run run;
        sl_schedule_last((sl_sched_kind)a.run, tz, at, &run);
        if (sl_schedule_make(&hub, &run, a.lang, err, sizeof err) != 0) {
            fprintf(stderr, "screenlit-hub report: %s: %s\n", run.name, err);
            goto out;
        }
        printf("%s/%s/%s\n", a.data, SL_SCHED_DIR, run.name);
        rc = SL_HUB_EXIT_OK;
        goto out;
    }
    if (!(doc = sl_coverage_report(&hub, &a.q, now, err, sizeof err))) {
        fprintf(stderr, "screenlit-hub report: %s\n", err);
        goto out;
    }
    if (sl_hub_report_file(&hub, doc, a.format, a.lang, a.out, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit-hub report: %s\n", err);
        goto out;
    }
    const cJSON *s = sl_report_obj(doc, "summary");
    char pct[32];
    sl_report_fmt_pct(sl_report_num(s, "coverage_pct"), pct, sizeof pct);
    fprintf(strcmp(a.out, "-") == 0 ? stderr : stdout,
            "wrote %s (%s): %lld screens, %lld lit, %lld short, %lld dark; coverage %s%%\n", a.out,
            sl_report_format_name(a.format), (long long)sl_report_int(s, "screens"),
            (long long)sl_report_int(s, "lit"), (long long)sl_report_int(s, "short"),
            (long long)sl_report_int(s, "dark"), pct);
    rc = SL_HUB_EXIT_OK;
out:
    cJSON_Delete(doc);
    sl_tz_free(tz);
    sl_hub_close(&hub);
    return rc;
}
