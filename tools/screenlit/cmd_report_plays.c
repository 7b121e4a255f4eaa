/* cmd_report_plays.c — `screenlit report plays`: every play record of a period, per screen, as CSV (screenlit or Outsmart columns). */
#include "content/json.h"
#include "content/timeutil.h"
#include "content/tz.h"
#include "content/wire.h"
#include "tools/report/sl_report_doc.h"
#include "tools/report/sl_report_plays.h"
#include "tools/screenlit/cli.h"
#include "tools/screenlit/cmd_report.h"
#include "tools/screenlit/hubclient.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PLAYS_PAGE 10000                        /* records per request: the hub's largest page */
#define PLAYS_REPLY_MAX (64u * 1024u * 1024u)   /* a page of 10 000 records is about 4 MB */
#define PLAYS_SCREENS_MAX (128u * 1024u * 1024u) /* the screen list of a large fleet */

static const char *const cmd = "report plays";

/* The options as given. */
typedef struct {
    sl_hubc_opts ho;
    sl_report_outsmart_ids ids;
    sl_report_plays_layout layout;
    const char *from, *to, *screen, *out, *format;
} plays_args;

enum { OPT_SCREEN = 1, OPT_FORMAT, OPT_LAYOUT, OPT_ORDER, OPT_CAMPAIGN, OPT_BUYER, OPT_AGENCY, OPT_BRAND };

/* The options checked as they come (field is the plays_args). */
static int set_opt(void *field, const sl_opts_entry *e, const char *arg, char *err, size_t errlen)
{
    plays_args *a = field;
    switch (e->id) {
    case OPT_FORMAT:
        if (strcmp(arg, "csv") != 0 && strcmp(arg, "xlsx") != 0) {
            snprintf(err, errlen, "--format wants csv or xlsx, not '%s'", arg);
            return -1;
        }
        a->format = arg;
        return 0;
    case OPT_LAYOUT:
        if (sl_report_plays_layout_parse(arg, &a->layout) != 0) {
            snprintf(err, errlen, "--layout wants screenlit or outsmart, not '%s'", arg);
            return -1;
        }
        return 0;
    case OPT_ORDER:
    case OPT_CAMPAIGN: {
        bool order = e->id == OPT_ORDER;
        if (strlen(arg) > (order ? 256u : 64u)) {
            snprintf(err, errlen, "--%s is at most %d characters", e->name, order ? 256 : 64);
            return -1;
        }
        *(order ? &a->ids.order : &a->ids.campaign) = arg;
        return 0;
    }
    default: { /* the SPACE ids */
        char *end;
        long long v = strtoll(arg, &end, 10);
        if (!*arg || *end || v < 0 || v > 2147483647LL) {
            snprintf(err, errlen, "a SPACE id is a whole number from 0 to 2147483647, not '%s'", arg);
            return -1;
        }
        *(e->id == OPT_BUYER    ? &a->ids.space_buyer
          : e->id == OPT_AGENCY ? &a->ids.space_agency
                                : &a->ids.space_brand) = arg;
        return 0;
    }
    }
}

#define PLAYS_OPT(name, arg, help, id) {(name), 0, SL_OPTS_FUNC, (arg), (help), 0, 0, 0, NULL, set_opt, (id)}

static const sl_opts_entry plays_opts[] = {
    SL_OPTS_STR_E("from", 0, "DATE", "first day, YYYY-MM-DD (required)", plays_args, from),
    SL_OPTS_STR_E("to", 0, "DATE", "last day, YYYY-MM-DD (required)", plays_args, to),
    SL_OPTS_SCREEN_E("screen", "only this screen", plays_args, screen),
    PLAYS_OPT("format", "F",
              "csv or xlsx; by default the file's name decides (.xlsx: XLSX, else CSV). A .xlsx name with --format "
              "csv, or a .csv name with --format xlsx, is refused",
              OPT_FORMAT),
    PLAYS_OPT("layout", "L", "screenlit (default) or outsmart", OPT_LAYOUT),
    PLAYS_OPT("order", "ID", "outsmart: the orderid of every record", OPT_ORDER),
    PLAYS_OPT("space-buyer", "N", "outsmart: spacebuyerid", OPT_BUYER),
    PLAYS_OPT("space-agency", "N", "outsmart: spaceagencyid", OPT_AGENCY),
    PLAYS_OPT("space-brand", "N", "outsmart: spacebrandid", OPT_BRAND),
    PLAYS_OPT("campaign", "REF", "outsmart: buyercampaignref", OPT_CAMPAIGN),
    SL_OPTS_STR_E("output", 'o', "FILE", "where to write (required)", plays_args, out),
    SL_HUBC_OPTS_E(plays_args, ho),
    SL_OPTS_HELP_E,
    SL_OPTS_END_E,
};

static void help(void)
{
    printf("NAME\n"
           "    screenlit report plays - every play record of a period, as CSV or XLSX\n"
           "\n"
           "SYNOPSIS\n"
           "    screenlit report plays --from DATE --to DATE [--screen ID] [--format csv|xlsx]\n"
           "                           [--layout screenlit|outsmart] [--order ID]\n"
           "                           [--space-buyer N] [--space-agency N] [--space-brand N]\n"
           "                           [--campaign REF] -o FILE [--hub URL] [--token TOKEN]\n"
           "\n"
           "DESCRIPTION\n"
           "    Reads the play records the hub holds (GET /api/v1/plays, page by page,\n"
           "    for each screen of the inventory or the one --screen names) and writes\n"
           "    those that started inside the period to FILE, screen by screen (by id),\n"
           "    each screen's records in the order it played them (by seq). The period\n"
           "    is each screen's local days FROM 00:00 to TO 24:00, in the screen's time\n"
           "    zone from the inventory, at most 366 days.\n"
           "\n"
           "    Layouts (tools/report/FORMATS.md lists every column):\n"
           "    screenlit  (default) a header line, then every record with the screen's\n"
           "               name, region and unit type, UTC and local start, end, duration,\n"
           "               outcome, reason and clock trust; UTF-8 with a BOM, CRLF line\n"
           "               ends, for Excel and WPS. Failed plays and plays with an\n"
           "               untrusted clock are listed too: they are records.\n"
           "    outsmart   the 19 fields of the Outsmart Playout digital file format (UK\n"
           "               out-of-home playout reporting): no header, LF line ends, UTF-8\n"
           "               without a BOM. Only plays that were shown (not failed) at a\n"
           "               known time (clock not untrusted) are playouts. frameid and\n"
           "               playerref hold the screen id, orderid the screen's channel\n"
           "               unless --order is given, creativeid and creativename the item,\n"
           "               thirdpartycreativeref the media's SHA-256,\n"
           "               mediaownerplayoutref SCREEN:SEQ. The SPACE ids are screenlit's\n"
           "               to leave empty unless given below.\n"
           "\n"
           "    XLSX (screenlit layout only): one sheet \"plays\" with the same columns,\n"
           "    a header row, then a row a record; seq, manifest_version and duration_ms\n"
           "    are numbers, the rest text. At most 1 048 575 records (a sheet's rows).\n"
           "\n"
           "    The file is written whole or not at all; -o - writes CSV to standard output.\n"
           "    A last line (on standard error with -o -) says how many records were\n"
           "    written. Needs an auditor or admin token.\n"
           "\n"
           "OPTIONS\n");
    sl_opts_help(stdout, plays_opts);
    printf("\n"
           SL_HUBC_HELP_ENV
           "\n"
           "EXIT STATUS\n"
           "    0 written, 1 the hub refused or could not be reached, or FILE could not be\n"
           "    written, 2 wrong arguments.\n"
           "\n"
           "EXAMPLES\n"
           "    screenlit report plays --from 2026-11-23 --to 2026-11-29 -o plays.csv\n"
           "    screenlit report plays --from 2026-11-23 --to 2026-11-29 -o plays.xlsx\n"
           "    screenlit report plays --from 2026-11-23 --to 2026-11-23 --screen bank-0412-lobby \\\n"
           "        --layout outsmart --space-buyer 1234 --space-brand 5678 -o playout.csv\n");
}

/* Where the records go: a temporary file renamed into place at the end, or
 * standard output (CSV); the CSV text through f, XLSX rows through x. */
typedef struct {
    const char *path;
    char *tmp;
    FILE *f;
    sl_report_plays_xlsx *x;
} plays_out;

static int out_open(plays_out *o, const char *path, bool xlsx, char *err, size_t errlen)
{
    o->path = path;
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    size_t n = strlen(path) + 32;
    if (!(o->tmp = malloc(n))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    if (xlsx)
        return (o->x = sl_report_plays_xlsx_open(o->tmp, err, errlen)) ? 0 : -1;
    if (!(o->f = fopen(o->tmp, "wb"))) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int out_write(plays_out *o, sl_report_buf *b, char *err, size_t errlen)
{
    if (o->x)
        return 0;
    if (b->oom) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (b->len && fwrite(b->p, 1, b->len, o->f) != b->len) {
        snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
        return -1;
    }
    b->len = 0;
    return 0;
}

/* Finishes the file (ok) or removes it (!ok). */
static int out_close(plays_out *o, bool ok, char *err, size_t errlen)
{
    int rc = 0;
    if (o->x) {
        if (!ok) {
            sl_report_plays_xlsx_abandon(o->x);
        } else if (sl_report_plays_xlsx_close(o->x, err, errlen) != 0) {
            ok = false;
            rc = -1;
        } else {
            int fd = open(o->tmp, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || fsync(fd) != 0) {
                snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
                ok = false;
                rc = -1;
            }
            if (fd >= 0)
                close(fd);
        }
        o->x = NULL;
        if (ok && rename(o->tmp, o->path) != 0) {
            snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
            ok = false;
            rc = -1;
        }
        if (!ok)
            unlink(o->tmp);
    } else if (o->f == stdout) {
        if (fflush(stdout) != 0) {
            snprintf(err, errlen, "standard output: %s", strerror(errno));
            rc = -1;
        }
    } else if (o->f) {
        if (ok && (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0)) {
            snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
            ok = false;
            rc = -1;
        }
        if (fclose(o->f) != 0 && ok) {
            snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
            ok = false;
            rc = -1;
        }
        if (ok && rename(o->tmp, o->path) != 0) {
            snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
            ok = false;
            rc = -1;
        }
        if (!ok)
            unlink(o->tmp);
    }
    free(o->tmp);
    o->tmp = NULL;
    o->f = NULL;
    return rc;
}

/* What one run counts. */
typedef struct {
    long long written, left_out, screens;
} plays_count;

/* Every record of one screen that started in [start_ms, end_ms). */
static int one_screen(sl_hubc *h, const sl_report_plays_screen *s, int64_t start_ms, int64_t end_ms,
                      sl_report_plays_layout layout, const sl_report_outsmart_ids *ids, plays_out *o,
                      sl_report_buf *b, plays_count *n, char *err, size_t errlen)
{
    long long after = 0;
    char path[256];
    for (;;) {
        snprintf(path, sizeof path, "/api/v1/plays?screen=%s&after_seq=%lld&limit=%d", s->id, after, PLAYS_PAGE);
        sl_hubc_req rq = {.method = "GET", .path = path, .idempotent = true, .reply_max = PLAYS_REPLY_MAX};
        sl_hubc_reply rep;
        if (sl_hubc_send(h, &rq, &rep, err, errlen) != 0)
            return -1;
        if (rep.status != 200) {
            sl_hubc_reply_error(h, &rep, err, errlen);
            sl_hubc_reply_free(&rep);
            return -1;
        }
        sl_json_limits lim = {.max_bytes = PLAYS_REPLY_MAX, .max_depth = 0};
        char jerr[256];
        cJSON *page = sl_json_parse(rep.body ? rep.body : "", rep.len, &lim, jerr, sizeof jerr);
        sl_hubc_reply_free(&rep);
        const cJSON *recs = page ? sl_report_list(page, "records") : NULL, *r;
        if (!recs) {
            snprintf(err, errlen, "the hub's plays of %s are not a list of records%s%s", s->id, page ? "" : ": ",
                     page ? "" : jerr);
            cJSON_Delete(page);
            return -1;
        }
        int count = 0;
        cJSON_ArrayForEach(r, recs)
        {
            long long seq = (long long)sl_report_int(r, "seq");
            int64_t st = sl_report_int(r, "start_ms");
            count++;
            if (seq <= after) {
                snprintf(err, errlen, "the hub's plays of %s are not in seq order", s->id);
                cJSON_Delete(page);
                return -1;
            }
            after = seq;
            if (st < start_ms || st >= end_ms)
                continue;
            if (o->x) {
                if (sl_report_plays_xlsx_row(o->x, s, r, err, errlen) != 0) {
                    cJSON_Delete(page);
                    return -1;
                }
                n->written++;
            } else if (sl_report_plays_row(b, layout, s, ids, r)) {
                n->written++;
            } else {
                n->left_out++;
            }
        }
        cJSON_Delete(page);
        if (out_write(o, b, err, errlen) != 0)
            return -1;
        if (count < PLAYS_PAGE)
            return 0;
    }
}

int sl_report_cli_plays(int argc, char **argv)
{
    plays_args a = {.layout = SL_PLAYS_SCREENLIT};
    bool usage = false;
    int next, prc = sl_cli_parse_opts(cmd, plays_opts, help, &a, argc, argv, &next);
    if (prc >= 0)
        return prc;
    sl_hubc_opts ho = a.ho;
    sl_report_outsmart_ids ids = a.ids;
    sl_report_plays_layout layout = a.layout;
    const char *from = a.from, *to = a.to, *screen = a.screen, *out = a.out, *format = a.format;
    if (next < argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[next]);
    if (!out)
        return sl_cli_usage_error(cmd, "-o FILE is missing (- for standard output)");
    /* The format: --format, else the file's extension; never one under the other's name. */
    size_t olen = strlen(out);
    bool named_xlsx = olen > 5 && strcasecmp(out + olen - 5, ".xlsx") == 0;
    bool named_csv = olen > 4 && strcasecmp(out + olen - 4, ".csv") == 0;
    bool xlsx = format ? strcmp(format, "xlsx") == 0 : named_xlsx;
    if (xlsx && named_csv)
        return sl_cli_usage_error(cmd, "--format xlsx but %s is named .csv: name it .xlsx", out);
    if (!xlsx && named_xlsx)
        return sl_cli_usage_error(cmd, "--format csv but %s is named .xlsx: name it .csv, or leave --format out", out);
    if (xlsx && strcmp(out, "-") == 0)
        return sl_cli_usage_error(cmd, "an XLSX workbook is written to a file, not to standard output");
    if (xlsx && layout == SL_PLAYS_OUTSMART)
        return sl_cli_usage_error(cmd, "the Outsmart layout is a CSV file format: write it to a .csv file");
    int64_t from_day, to_day;
    int rc = sl_report_cli_period(cmd, from, to, &from_day, &to_day);
    if (rc != SL_EXIT_OK)
        return rc;

    rc = SL_EXIT_FAIL;
    char err[SL_HUBC_ERR_MAX];
    cJSON *list = NULL;
    sl_tz *tz = NULL;
    char tzname[128] = "";
    plays_out o = {0};
    sl_report_buf b = {0};
    plays_count n = {0};
    bool found = false;
    sl_hubc *h = sl_hubc_open(&ho, true, &usage, err, sizeof err);
    if (!h) {
        if (usage)
            return sl_cli_usage_error(cmd, "%s", err);
        fprintf(stderr, "screenlit %s: %s\n", cmd, err);
        return SL_EXIT_FAIL;
    }
    sl_hubc_reply rep;
    sl_hubc_req rq = {.method = "GET", .path = "/api/v1/screens", .idempotent = true, .reply_max = PLAYS_SCREENS_MAX};
    if (sl_hubc_send(h, &rq, &rep, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit %s: %s\n", cmd, err);
        goto out;
    }
    if (rep.status != 200) {
        sl_hubc_reply_error(h, &rep, err, sizeof err);
        sl_hubc_reply_free(&rep);
        fprintf(stderr, "screenlit %s: %s\n", cmd, err);
        goto out;
    }
    sl_json_limits lim = {.max_bytes = PLAYS_SCREENS_MAX, .max_depth = 0};
    list = sl_json_parse(rep.body ? rep.body : "", rep.len, &lim, err, sizeof err);
    sl_hubc_reply_free(&rep);
    if (!list || !sl_report_list(list, "screens")) {
        fprintf(stderr, "screenlit %s: the hub's answer has no \"screens\" list\n", cmd);
        goto out;
    }
    if (out_open(&o, out, xlsx, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit %s: %s\n", cmd, err);
        goto out;
    }
    sl_report_plays_begin(&b, layout);
    const cJSON *s;
    cJSON_ArrayForEach(s, sl_report_list(list, "screens"))
    {
        const char *id = sl_report_str(s, "id"), *zone = sl_report_str(s, "timezone");
        if ((screen && strcmp(id, screen) != 0) || !sl_wire_id_ok(id))
            continue;
        found = true;
        if (!tz || strcmp(tzname, zone) != 0) {
            sl_tz_free(tz);
            if (!(tz = sl_tz_load(zone, NULL, err, sizeof err))) {
                fprintf(stderr, "screenlit %s: screen %s: time zone %s: %s\n", cmd, id, zone, err);
                goto out;
            }
            snprintf(tzname, sizeof tzname, "%s", zone);
        }
        sl_report_plays_screen ps = {id,           sl_report_str(s, "name"),    sl_report_str(s, "region"),
                                     sl_report_str(s, "unit_type"), sl_report_str(s, "channel"), tz};
        int64_t start = sl_tz_from_local(tz, from_day * SL_MS_PER_DAY);
        int64_t end = sl_tz_from_local(tz, (to_day + 1) * SL_MS_PER_DAY);
        if (one_screen(h, &ps, start, end, layout, &ids, &o, &b, &n, err, sizeof err) != 0) {
            fprintf(stderr, "screenlit %s: %s\n", cmd, err);
            goto out;
        }
        n.screens++;
    }
    if (screen && !found) {
        fprintf(stderr, "screenlit %s: the hub's inventory has no screen %s\n", cmd, screen);
        goto out;
    }
    if (out_write(&o, &b, err, sizeof err) != 0 || out_close(&o, true, err, sizeof err) != 0) {
        fprintf(stderr, "screenlit %s: %s\n", cmd, err);
        goto out;
    }
    fprintf(strcmp(out, "-") == 0 ? stderr : stdout, "wrote %s: %lld play record%s of %lld screen%s, %s to %s (%s layout)",
            out, n.written, n.written == 1 ? "" : "s", n.screens, n.screens == 1 ? "" : "s", from, to,
            layout == SL_PLAYS_OUTSMART ? "outsmart" : "screenlit");
    if (n.left_out)
        fprintf(strcmp(out, "-") == 0 ? stderr : stdout, "; %lld left out (failed, or clock untrusted)", n.left_out);
    fprintf(strcmp(out, "-") == 0 ? stderr : stdout, "\n");
    rc = SL_EXIT_OK;
out:
    if (o.f || o.tmp || o.x)
        out_close(&o, false, err, sizeof err);
    sl_report_buf_free(&b);
    sl_tz_free(tz);
    cJSON_Delete(list);
    sl_hubc_close(h);
    return rc;
}
