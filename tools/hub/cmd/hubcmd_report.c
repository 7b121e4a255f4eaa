/* hubcmd_report.c — `screenlit-hub report`: a coverage report written straight from the hub's store, by hand or as a scheduled run. */
#include "tools/hub/cmd/hubcmd.h"
#include "tools/hub/coverage/hub_schedule.h"

#include "content/timeutil.h"
#include "tools/report/sl_report_doc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
           "OPTIONS\n"
           "    -d, --data DIR      the hub's data folder (required)\n"
           "    -D, --db URI        its PostgreSQL database, when it has one\n"
           "        --from DATE     first day, YYYY-MM-DD\n"
           "        --to DATE       last day, YYYY-MM-DD\n"
           "        --region R      only screens of this region\n"
           "        --unit-type T   only screens of this unit type\n"
           "        --screen ID     only this screen\n"
           "        --threshold PCT coverage a screen needs to be lit, 1-100 (default 95)\n"
           "        --format F      csv, xlsx, json or html\n"
           "        --lang L        zh (default) or en\n"
           "    -o, --out FILE      where to write (- for standard output, not xlsx)\n"
           "        --run KIND      weekly or monthly: a scheduled run\n"
           "        --at INSTANT    the run due at or before this instant, e.g.\n"
           "                        2026-11-27T16:00:00+08:00 (default now)\n"
           "        --report-tz Z   the schedule's time zone (default Asia/Shanghai)\n"
           "    -h, --help          show this help\n"
           "\n"
           "EXIT STATUS\n"
           "    0 written, 1 the store could not be read or a file not written, 2 wrong\n"
           "    arguments.\n"
           "\n"
           "EXAMPLES\n"
           "    screenlit-hub report --data /var/lib/screenlit-hub --from 2026-11-01 \\\n"
           "        --to 2026-11-30 --out november.xlsx\n"
           "    screenlit-hub report --data /var/lib/screenlit-hub --run weekly\n",
           SL_HUB_REPORT_SHOTS);
}

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

/* Parses the command line; SL_HUB_EXIT_OK to go on, else the exit code. */
static int parse(int argc, char **argv, rep_args *a)
{
    static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                         {"db", required_argument, NULL, 'D'},
                                         {"from", required_argument, NULL, 'f'},
                                         {"to", required_argument, NULL, 't'},
                                         {"region", required_argument, NULL, 'r'},
                                         {"unit-type", required_argument, NULL, 'u'},
                                         {"screen", required_argument, NULL, 's'},
                                         {"threshold", required_argument, NULL, 'T'},
                                         {"format", required_argument, NULL, 'F'},
                                         {"lang", required_argument, NULL, 'L'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"run", required_argument, NULL, 'R'},
                                         {"at", required_argument, NULL, 'A'},
                                         {"report-tz", required_argument, NULL, SL_SCHED_OPT_TZ},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    char err[256], *e;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:D:o:h", opts, NULL)) != -1) {
        int t = sl_schedule_cfg_take(&a->sched, c, optarg ? optarg : "", err, sizeof err);
        if (t < 0)
            return sl_hub_usage_error("report", "%s", err);
        if (t > 0)
            continue;
        switch (c) {
        case 'd':
            a->data = optarg;
            break;
        case 'D':
            a->db = optarg;
            break;
        case 'f':
            a->from = optarg;
            break;
        case 't':
            a->to = optarg;
            break;
        case 'r':
        case 'u':
            if (!*optarg || strlen(optarg) > SL_HUB_TEXT_MAX || !sl_hub_text_ok(optarg, strlen(optarg), false))
                return sl_hub_usage_error("report", "--%s wants text of 1 to %d bytes",
                                          c == 'r' ? "region" : "unit-type", SL_HUB_TEXT_MAX);
            *(c == 'r' ? &a->q.region : &a->q.unit_type) = optarg;
            break;
        case 's':
            if (!sl_hub_id_ok(optarg))
                return sl_hub_usage_error("report", "--screen '%s' is not a screen id", optarg);
            a->q.screen = optarg;
            break;
        case 'T': {
            long v = strtol(optarg, &e, 10);
            if (!*optarg || *e || v < 1 || v > 100)
                return sl_hub_usage_error("report", "--threshold wants a whole percentage from 1 to 100");
            a->q.threshold_pct = (int)v;
            break;
        }
        case 'F':
            if (sl_report_format_parse(optarg, &a->format) != 0)
                return sl_hub_usage_error("report", "--format wants csv, xlsx, json or html, not '%s'", optarg);
            a->have_format = true;
            break;
        case 'L':
            if ((strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") != 0) || sl_report_lang_parse(optarg, &a->lang))
                return sl_hub_usage_error("report", "--lang wants zh or en, not '%s'", optarg);
            break;
        case 'o':
            a->out = optarg;
            break;
        case 'R':
            if (strcmp(optarg, "weekly") == 0)
                a->run = SL_SCHED_WEEKLY;
            else if (strcmp(optarg, "monthly") == 0)
                a->run = SL_SCHED_MONTHLY;
            else
                return sl_hub_usage_error("report", "--run wants weekly or monthly, not '%s'", optarg);
            break;
        case 'A':
            a->at = optarg;
            break;
        case 'h':
            help();
            return -1;
        case ':':
            return sl_hub_usage_error("report", "'%s' needs a value", argv[optind - 1]);
        default:
            return sl_hub_usage_error("report", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return sl_hub_usage_error("report", "unexpected argument '%s'", argv[optind]);
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
