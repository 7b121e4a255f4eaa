/* cmd_report.c — `screenlit report coverage`: the hub's coverage report written as CSV, XLSX, HTML or JSON, with a short summary. */
#include "content/json.h"
#include "content/timeutil.h"
#include "content/wire.h"
#include "tools/report/sl_report.h"
#include "tools/report/sl_report_doc.h"
#include "tools/screenlit/cli.h"
#include "tools/screenlit/cmd_report.h"
#include "tools/screenlit/hubclient.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_REPLY_MAX (512u * 1024u * 1024u) /* a coverage document of a large fleet over a year */
#define REPORT_SHOT_MAX (4u * 1024u * 1024u)    /* the hub keeps screenshots of at most 2 MiB */
#define REPORT_SHOTS_DEFAULT 12
#define REPORT_SHOTS_LIMIT 64
#define REPORT_TEXT_MAX 256 /* region and unit type, as in the inventory */

/* The options as given. */
typedef struct {
    sl_hubc_opts ho;
    const char *from, *to, *region, *unit, *screen, *out, *input;
    long threshold, nshots;
    bool have_format;
    sl_report_format format;
    sl_report_lang lang;
} coverage_args;

enum { OPT_REGION = 1, OPT_UNIT_TYPE, OPT_SCREEN, OPT_FORMAT, OPT_LANG };

/* The options checked as they come (field is the coverage_args). */
static int set_opt(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    coverage_args *a = field;
    switch (e->id) {
    case OPT_REGION:
    case OPT_UNIT_TYPE:
        if (!*arg || strlen(arg) > REPORT_TEXT_MAX) {
            snprintf(err, errlen, "--%s wants text of 1 to %d bytes", e->name, REPORT_TEXT_MAX);
            return -1;
        }
        *(e->id == OPT_REGION ? &a->region : &a->unit) = arg;
        return 0;
    case OPT_FORMAT:
        if (sl_report_format_parse(arg, &a->format) != 0) {
            snprintf(err, errlen, "--format wants csv, xlsx, json or html, not '%s'", arg);
            return -1;
        }
        a->have_format = true;
        return 0;
    default: /* OPT_LANG */
        if (strcmp(arg, "zh") != 0 && strcmp(arg, "en") != 0) {
            snprintf(err, errlen, "--lang wants zh or en, not '%s'", arg);
            return -1;
        }
        sl_report_lang_parse(arg, &a->lang);
        return 0;
    }
}

#define COV_OPT(name, arg, help, id) {(name), 0, SL_OPTS_FUNC, (arg), (help), 0, 0, 0, NULL, set_opt, (id)}

_Static_assert(REPORT_SHOTS_DEFAULT == 12 && REPORT_SHOTS_LIMIT == 64, "the help of --shots says 12 and 64");

static const sl_opts_entry coverage_opts[] = {
    SL_OPTS_STR_E("from", 0, "DATE", "first day, YYYY-MM-DD (required)", coverage_args, from),
    SL_OPTS_STR_E("to", 0, "DATE", "last day, YYYY-MM-DD (required)", coverage_args, to),
    COV_OPT("region", "R", "only screens of this region (exact text)", OPT_REGION),
    COV_OPT("unit-type", "T", "only screens of this unit type (exact text)", OPT_UNIT_TYPE),
    SL_OPTS_SCREEN_E("screen", "only this screen", coverage_args, screen),
    SL_OPTS_LONG_E("threshold", 0, "PCT", "coverage a screen needs to count as lit, 1-100 (default: the hub's, 95)",
                   coverage_args, threshold, 1, 100, "--threshold wants a whole percentage from 1 to 100"),
    COV_OPT("format", "F", "csv, xlsx, json or html (default: from FILE's extension, else csv)", OPT_FORMAT),
    COV_OPT("lang", "L",
            "zh or en: headings, labels, status words and reasons (default: zh when the locale - LC_ALL, "
            "LC_MESSAGES or LANG - starts with zh, else en)",
            OPT_LANG),
    SL_OPTS_LONG_E("shots", 0, "N",
                   "html: embed the latest screenshot of at most N screens that have one (default 12, at most 64, "
                   "0 for none)",
                   coverage_args, nshots, 0, REPORT_SHOTS_LIMIT, "--shots wants a number from 0 to 64"),
    SL_OPTS_STR_E("input", 0, "FILE",
                  "render a report saved earlier as json instead of asking the hub (no hub or token needed)",
                  coverage_args, input),
    SL_OPTS_STR_E("output", 'o', "FILE", "where to write (required)", coverage_args, out),
    SL_HUBC_OPTS_E(coverage_args, ho),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help_coverage(void)
{
    printf("NAME\n"
           "    screenlit report coverage - which screens were lit, short or dark over a period\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit report coverage --from DATE --to DATE [--region R] [--unit-type T]\n"
           "                              [--screen ID] [--threshold PCT]\n"
           "                              [--format csv|xlsx|json|html] [--lang zh|en]\n"
           "                              [--shots N] -o FILE [--hub URL] [--token TOKEN]\n"
           "    screenlit report coverage --input REPORT.json [--format F] [--lang L] -o FILE\n"
           "\n"
           "DESCRIPTION\n"
           "    Asks the hub for its coverage report (GET /api/v1/reports/coverage, see\n"
           "    tools/hub/REPORTS.md for how coverage is computed) and writes it to FILE:\n"
           "\n"
           "    csv   one row per screen (status, coverage, required and lit hours, plays,\n"
           "          reasons), then one row per region, per unit type and the total;\n"
           "          UTF-8 with a BOM and CRLF line ends, so that Excel and WPS open the\n"
           "          Chinese text correctly\n"
           "    xlsx  a workbook with the sheets Summary (totals, by region, by unit type,\n"
           "          by day), Screens, Dark screens (with the reasons) and Items (plays\n"
           "          and frequency floors per item)\n"
           "    html  one self-contained page, printable on A4: the summary, a chart of\n"
           "          coverage by region and one of the hours lit per day, the screens not\n"
           "          lit and why, proof screenshots, every screen and every item\n"
           "    json  the hub's document as it is (pretty-printed); it can be rendered\n"
           "          again later with --input\n"
           "\n"
           "    The columns are listed in tools/report/FORMATS.md. The file is written\n"
           "    whole or not at all (a temporary file renamed into place); -o - writes a\n"
           "    csv, html or json report to standard output. After writing, one line on\n"
           "    standard output (standard error with -o -) sums it up: screens lit, short\n"
           "    and dark, and the coverage. Dates are each screen's local dates, both\n"
           "    included, at most 366 days. Needs an auditor or admin token.\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, coverage_opts);
    printf("\n"
           SL_HUBC_HELP_ENV
           "\n"
           "EXIT STATUS\n"
           "    0 the report was written (whatever it found), 1 the hub refused or could\n"
           "    not be reached, or FILE could not be written, 2 wrong arguments.\n"
           "\n"
           "EXAMPLES\n"
           "    screenlit report coverage --from 2026-11-23 --to 2026-11-29 -o week.xlsx\n"
           "    screenlit report coverage --from 2026-11-01 --to 2026-11-30 --region 城东区 \\\n"
           "        --lang zh -o 城东区-11月.html\n"
           "    screenlit report coverage --from 2026-11-23 --to 2026-11-29 --format json -o - | jq .summary\n");
}

static void help_report(void)
{
    printf("NAME\n"
           "    screenlit report - coverage reports and play records for auditors\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit report coverage --from DATE --to DATE [OPTIONS] -o FILE\n"
           "    screenlit report plays --from DATE --to DATE [OPTIONS] -o FILE\n"
           "    screenlit report SUBCOMMAND --help\n"
           "\n"
           "SUBCOMMANDS\n"
           "    coverage   which screens were lit, short or dark, and why (CSV, XLSX,\n"
           "               HTML, JSON)\n"
           "    plays      every play record of the period, as CSV (screenlit's columns\n"
           "               or the Outsmart Playout layout)\n"
           "\n"
           "EXIT STATUS\n"
           "    0 written, 1 failure, 2 wrong arguments.\n");
}

void sl_report_cli_pct_encode(const char *s, char *out, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < len; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '.' || *p == '_' || *p == '~') {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[len ? (o < len ? o : len - 1) : 0] = '\0';
}

int sl_report_cli_period(const char *cmd, const char *from, const char *to, int64_t *from_day, int64_t *to_day)
{
    if (!from || !to)
        return sl_cli_usage_error(cmd, "--from DATE and --to DATE are required");
    if (sl_date_parse(from, from_day) != 0)
        return sl_cli_usage_error(cmd, "--from %s: write a date as YYYY-MM-DD", from);
    if (sl_date_parse(to, to_day) != 0)
        return sl_cli_usage_error(cmd, "--to %s: write a date as YYYY-MM-DD", to);
    if (*to_day < *from_day)
        return sl_cli_usage_error(cmd, "--to %s is before --from %s", to, from);
    if (*to_day - *from_day + 1 > 366)
        return sl_cli_usage_error(cmd, "a report covers at most 366 days");
    return SL_EXIT_OK;
}

sl_report_lang sl_report_cli_lang(void)
{
    return sl_report_lang_default(getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG"));
}

/* Fetches the latest screenshot of each screen that has one, up to max. */
static void fetch_shots(sl_hubc *h, const cJSON *doc, size_t max, sl_report_shot *shots, sl_hubc_reply *bodies,
                        size_t *n)
{
    const cJSON *s;
    char path[256], err[SL_HUBC_ERR_MAX];
    *n = 0;
    cJSON_ArrayForEach(s, sl_report_list(doc, "screens"))
    {
        if (*n >= max)
            break;
        const cJSON *shot = sl_report_obj(s, "screenshot");
        const char *id = sl_report_str(s, "id");
        if (!shot || !sl_wire_id_ok(id))
            continue;
        snprintf(path, sizeof path, "/api/v1/screens/%s/screenshot", id);
        sl_hubc_req rq = {.method = "GET", .path = path, .idempotent = true, .reply_max = REPORT_SHOT_MAX};
        sl_hubc_reply *rep = &bodies[*n];
        if (sl_hubc_send(h, &rq, rep, err, sizeof err) != 0) {
            fprintf(stderr, "screenlit report coverage: screenshot of %s left out: %s\n", id, err);
            continue;
        }
        if (rep->status != 200) {
            if (rep->status != 404) {
                sl_hubc_reply_error(h, rep, err, sizeof err);
                fprintf(stderr, "screenlit report coverage: screenshot of %s left out: %s\n", id, err);
            }
            sl_hubc_reply_free(rep);
            continue;
        }
        shots[*n] = (sl_report_shot){.screen = id,
                                     .taken = sl_report_str(shot, "taken"),
                                     .data = (const unsigned char *)rep->body,
                                     .len = rep->len};
        (*n)++;
    }
}

/* GET /api/v1/reports/coverage with the query; the document or NULL with err. */
static cJSON *fetch_report(sl_hubc *h, const char *query, char *err, size_t errlen)
{
    char path[1024 + 64];
    sl_hubc_reply rep;
    cJSON *doc = NULL;
    snprintf(path, sizeof path, "/api/v1/reports/coverage?%s", query);
    sl_hubc_req rq = {.method = "GET", .path = path, .idempotent = true, .reply_max = REPORT_REPLY_MAX};
    if (sl_hubc_send(h, &rq, &rep, err, errlen) != 0)
        return NULL;
    if (rep.status != 200) {
        sl_hubc_reply_error(h, &rep, err, errlen);
    } else {
        sl_json_limits lim = {.max_bytes = REPORT_REPLY_MAX, .max_depth = 0};
        char jerr[256];
        doc = sl_json_parse(rep.body ? rep.body : "", rep.len, &lim, jerr, sizeof jerr);
        if (!doc)
            snprintf(err, errlen, "the hub's report is not JSON: %s", jerr);
    }
    sl_hubc_reply_free(&rep);
    return doc;
}

static void print_summary(FILE *out, const cJSON *doc, const char *path, sl_report_format f, sl_report_lang lang)
{
    const cJSON *s = sl_report_obj(doc, "summary");
    char pct[32];
    long long n = (long long)sl_report_int(s, "screens");
    sl_report_fmt_pct(sl_report_num(s, "coverage_pct"), pct, sizeof pct);
    if (lang == SL_LANG_ZH)
        fprintf(out, "已写入 %s（%s，%lld 块屏幕）：点亮 %lld，不足 %lld，黑屏 %lld；点亮率 %s%%（达标线 %lld%%）\n",
                path, sl_report_format_name(f), n, (long long)sl_report_int(s, "lit"),
                (long long)sl_report_int(s, "short"), (long long)sl_report_int(s, "dark"), pct,
                (long long)sl_report_int(doc, "threshold_pct"));
    else
        fprintf(out, "wrote %s (%s, %lld screen%s): %lld lit, %lld short, %lld dark; coverage %s%% (threshold %lld%%)\n",
                path, sl_report_format_name(f), n, n == 1 ? "" : "s", (long long)sl_report_int(s, "lit"),
                (long long)sl_report_int(s, "short"), (long long)sl_report_int(s, "dark"), pct,
                (long long)sl_report_int(doc, "threshold_pct"));
}

static int cmd_coverage(int argc, char **argv)
{
    static const char *const cmd = "report coverage";
    coverage_args a = {.nshots = REPORT_SHOTS_DEFAULT, .format = SL_REPORT_CSV, .lang = sl_report_cli_lang()};
    bool usage = false;
    int next, prc = sl_cli_parse_opts(cmd, coverage_opts, help_coverage, &a, argc, argv, &next);
    if (prc >= 0)
        return prc;
    sl_hubc_opts ho = a.ho;
    const char *from = a.from, *to = a.to, *region = a.region, *unit = a.unit, *screen = a.screen, *out = a.out,
               *input = a.input;
    long threshold = a.threshold, nshots = a.nshots;
    bool have_format = a.have_format;
    sl_report_format format = a.format;
    sl_report_lang lang = a.lang;
    if (next < argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[next]);
    if (!out)
        return sl_cli_usage_error(cmd, "-o FILE is missing (- for standard output)");
    if (!have_format && sl_report_format_from_path(out, &format) != 0)
        format = SL_REPORT_CSV;
    if (format == SL_REPORT_XLSX && strcmp(out, "-") == 0)
        return sl_cli_usage_error(cmd, "an XLSX workbook cannot go to standard output; name a file");
    if (input && (from || to || region || unit || screen || threshold))
        return sl_cli_usage_error(cmd, "--input renders a saved report: the period and filters are in it");
    int64_t from_day = 0, to_day = 0;
    if (!input) {
        int rc = sl_report_cli_period(cmd, from, to, &from_day, &to_day);
        if (rc != SL_EXIT_OK)
            return rc;
    }

    int rc = SL_EXIT_FAIL;
    char err[SL_HUBC_ERR_MAX];
    cJSON *doc = NULL;
    sl_hubc *h = NULL;
    sl_report_shot shots[REPORT_SHOTS_LIMIT];
    sl_hubc_reply bodies[REPORT_SHOTS_LIMIT];
    size_t n_shots = 0;
    memset(bodies, 0, sizeof bodies);

    if (input) {
        sl_json_limits lim = {.max_bytes = REPORT_REPLY_MAX, .max_depth = 0};
        if (!(doc = sl_json_read_file(input, &lim, err, sizeof err))) {
            fprintf(stderr, "screenlit %s: %s: %s\n", cmd, input, err);
            goto out;
        }
    } else {
        char query[1024], enc[REPORT_TEXT_MAX * 3 + 1];
        size_t q = (size_t)snprintf(query, sizeof query, "from=%s&to=%s", from, to);
        if (region) {
            sl_report_cli_pct_encode(region, enc, sizeof enc);
            q += (size_t)snprintf(query + q, sizeof query - q, "&region=%s", enc);
        }
        if (unit && q < sizeof query) {
            sl_report_cli_pct_encode(unit, enc, sizeof enc);
            q += (size_t)snprintf(query + q, sizeof query - q, "&unit_type=%s", enc);
        }
        if (screen && q < sizeof query)
            q += (size_t)snprintf(query + q, sizeof query - q, "&screen=%s", screen);
        if (threshold && q < sizeof query)
            q += (size_t)snprintf(query + q, sizeof query - q, "&threshold=%ld", threshold);
        if (q >= sizeof query) {
            rc = sl_cli_usage_error(cmd, "--region and --unit-type are too long together");
            goto out;
        }
        if (!(h = sl_hubc_open(&ho, true, &usage, err, sizeof err))) {
            if (usage)
                rc = sl_cli_usage_error(cmd, "%s", err);
            else
                fprintf(stderr, "screenlit %s: %s\n", cmd, err);
            goto out;
        }
        if (!(doc = fetch_report(h, query, err, sizeof err))) {
            fprintf(stderr, "screenlit %s: %s\n", cmd, err);
            goto out;
        }
    }
    if (sl_report_check(doc, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit %s: %s\n", cmd, err);
        goto out;
    }
    if (format == SL_REPORT_HTML && h && nshots > 0)
        fetch_shots(h, doc, (size_t)nshots, shots, bodies, &n_shots);
    sl_report_opts o = {.lang = lang, .shots = shots, .n_shots = n_shots};
    if (sl_report_write(doc, format, &o, out, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit %s: %s\n", cmd, err);
        goto out;
    }
    print_summary(strcmp(out, "-") == 0 ? stderr : stdout, doc, out, format, lang);
    rc = SL_EXIT_OK;
out:
    for (size_t i = 0; i < REPORT_SHOTS_LIMIT; i++)
        sl_hubc_reply_free(&bodies[i]);
    cJSON_Delete(doc);
    sl_hubc_close(h);
    return rc;
}

int sl_cmd_report(int argc, char **argv)
{
    if (argc < 2)
        return sl_cli_usage_error("report", "say which report: coverage or plays");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        help_report();
        return SL_EXIT_OK;
    }
    if (strcmp(sub, "coverage") == 0)
        return cmd_coverage(argc - 1, argv + 1);
    if (strcmp(sub, "plays") == 0)
        return sl_report_cli_plays(argc - 1, argv + 1);
    return sl_cli_usage_error("report", "'%s' is not a report: coverage or plays", sub);
}
