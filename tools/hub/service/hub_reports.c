/* hub_reports.c — coverage reports as a service: selections checked, reports rendered into memory in every format, scheduled report files listed and read. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/service/hub_reports.h"

#include "content/fsutil.h"
#include "content/timeutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A filter's text: clean text of at most SL_HUB_TEXT_MAX bytes. */
static bool filter_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return !s || (n <= SL_HUB_TEXT_MAX && sl_wire_text_ok(s, n, false));
}

sl_svc_rc sl_hub_report_sel_parse(const sl_hub *hub, const sl_hub_report_args *a, sl_hub_report_sel *sel,
                                  sl_svc_err *e)
{
    memset(sel, 0, sizeof *sel);
    sl_coverage_query *q = &sel->q;
    if (!a->from || sl_date_parse(a->from, &q->from_day) != 0)
        return sl_svc_fail(e, SL_SVC_INVALID, "?from=YYYY-MM-DD is missing or not a date");
    if (!a->to || sl_date_parse(a->to, &q->to_day) != 0)
        return sl_svc_fail(e, SL_SVC_INVALID, "?to=YYYY-MM-DD is missing or not a date");
    if (q->to_day < q->from_day)
        return sl_svc_fail(e, SL_SVC_INVALID, "to (%s) is before from (%s)", a->to, a->from);
    if (q->to_day - q->from_day + 1 > SL_COVERAGE_MAX_DAYS)
        return sl_svc_fail(e, SL_SVC_INVALID, "a report covers at most %d days", SL_COVERAGE_MAX_DAYS);
    if (!filter_ok(a->region) || !filter_ok(a->unit_type))
        return sl_svc_fail(e, SL_SVC_INVALID, "region and unit_type must be URL-encoded text of at most %d bytes",
                           SL_HUB_TEXT_MAX);
    q->region = a->region;
    q->unit_type = a->unit_type;
    if (a->screen && !sl_wire_id_ok(a->screen))
        return sl_svc_fail(e, SL_SVC_INVALID, "screen must be a screen id");
    q->screen = a->screen;
    if (a->threshold) {
        char *end;
        long t = strtol(a->threshold, &end, 10);
        if (!*a->threshold || *end || t < 1 || t > 100)
            return sl_svc_fail(e, SL_SVC_INVALID, "threshold must be a whole percentage from 1 to 100");
        q->threshold_pct = (int)t;
    }
    if (a->detail && strcmp(a->detail, "hours") != 0)
        return sl_svc_fail(e, SL_SVC_INVALID, "detail can only be \"hours\"");
    q->detail_hours = a->detail != NULL;
    if (a->format) {
        if (sl_report_format_parse(a->format, &sel->format) != 0)
            return sl_svc_fail(e, SL_SVC_INVALID, "format must be csv, xlsx, html or json, not '%.40s'", a->format);
        sel->has_format = true;
    }
    sel->lang = hub && hub->reports ? hub->reports->lang : SL_LANG_ZH;
    if (a->lang && ((strcmp(a->lang, "zh") != 0 && strcmp(a->lang, "en") != 0) ||
                    sl_report_lang_parse(a->lang, &sel->lang) != 0))
        return sl_svc_fail(e, SL_SVC_INVALID, "lang must be zh or en");
    return SL_SVC_OK;
}

const char *sl_hub_report_content_type(sl_report_format f)
{
    switch (f) {
    case SL_REPORT_CSV:
        return "text/csv; charset=utf-8";
    case SL_REPORT_XLSX:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    case SL_REPORT_HTML:
        return "text/html; charset=utf-8";
    default:
        return "application/json";
    }
}

/* Reads a whole file into out. 0, or -1 with err. */
static int read_into(const char *path, sl_report_buf *out, char *err, size_t errlen)
{
    char *data = NULL;
    size_t len = 0;
    if (sl_fs_read_file(path, SL_HUB_REPORT_FILE_MAX, &data, &len, err, errlen) != 0)
        return -1;
    sl_report_buf_add(out, data, len);
    free(data);
    if (out->oom) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* A workbook in memory: libxlsxwriter writes files only, so it goes to a
 * private temporary folder in DATA and is read back. */
static int xlsx_render(sl_hub *hub, const cJSON *doc, sl_report_lang lang, sl_report_buf *out, char *err,
                       size_t errlen)
{
    size_t n = strlen(hub->data_dir) + 64;
    char *dir = malloc(n), *path = malloc(n);
    int rc = -1;
    bool made = false;
    if (!dir || !path) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    snprintf(dir, n, "%s/.report-XXXXXX", hub->data_dir);
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "%s: %s", hub->data_dir, strerror(errno));
        goto out;
    }
    made = true;
    snprintf(path, n, "%s/report.xlsx", dir);
    if (sl_report_xlsx(doc, lang, path, err, errlen) != 0 || read_into(path, out, err, errlen) != 0)
        goto out;
    rc = 0;
out:
    if (made) {
        unlink(path);
        rmdir(dir);
    }
    free(dir);
    free(path);
    return rc;
}

sl_svc_rc sl_hub_report_render(sl_hub *hub, const cJSON *doc, sl_report_format f, sl_report_lang lang,
                               sl_report_buf *out, sl_svc_err *e)
{
    char err[512];
    int rc = -1;
    switch (f) {
    case SL_REPORT_CSV:
        rc = sl_report_csv(doc, lang, out, err, sizeof err);
        break;
    case SL_REPORT_JSON:
        rc = sl_report_json(doc, out, err, sizeof err);
        break;
    case SL_REPORT_XLSX:
        rc = xlsx_render(hub, doc, lang, out, err, sizeof err);
        break;
    case SL_REPORT_HTML: {
        sl_report_shot shots[SL_HUB_REPORT_SHOTS];
        size_t n = sl_hub_report_shots(hub, doc, SL_HUB_REPORT_SHOTS, shots);
        sl_report_opts o = {.lang = lang, .shots = shots, .n_shots = n};
        rc = sl_report_html(doc, &o, out, err, sizeof err);
        sl_hub_report_shots_free(shots, n);
        break;
    }
    default:
        snprintf(err, sizeof err, "unknown report format");
        break;
    }
    if (rc == 0)
        return SL_SVC_OK;
    sl_log_error(&hub->log, "coverage report (%s): %s", sl_report_format_name(f), err);
    return sl_svc_fail(e, SL_SVC_FAILED, "the hub could not write the report (%s): see its log",
                       sl_report_format_name(f));
}

sl_svc_rc sl_hub_report_download(sl_hub *hub, const sl_hub_report_sel *sel, int64_t now_ms, sl_report_buf *out,
                                 char filename[SL_HUB_REPORT_FILENAME_MAX], sl_svc_err *e)
{
    char err[512], from[16], to[16];
    sl_report_format f = sel->has_format ? sel->format : SL_REPORT_JSON;
    cJSON *doc = sl_coverage_report(hub, &sel->q, now_ms, err, sizeof err);
    if (!doc)
        return sl_svc_fail(e, SL_SVC_STORE, "%s", err);
    sl_svc_rc rc = sl_hub_report_render(hub, doc, f, sel->lang, out, e);
    cJSON_Delete(doc);
    sl_date_format(sel->q.from_day, from, sizeof from);
    sl_date_format(sel->q.to_day, to, sizeof to);
    snprintf(filename, SL_HUB_REPORT_FILENAME_MAX, "coverage-%s-%s.%s", from, to, sl_report_format_name(f));
    return rc;
}

sl_tz *sl_hub_report_tz(const sl_hub *hub, sl_svc_err *e)
{
    const char *name = hub && hub->reports ? hub->reports->tz : SL_SCHED_TZ_DEFAULT;
    char err[256];
    sl_tz *tz = sl_tz_load(name, NULL, err, sizeof err);
    if (!tz)
        sl_svc_fail(e, SL_SVC_FAILED, "the report time zone %s cannot be read: %s", name, err);
    return tz;
}

/* Newest period first: by last day, then weekly before monthly. */
static int made_cmp(const void *a, const void *b)
{
    const sl_hub_report_made *x = a, *y = b;
    if (x->run.to_day != y->run.to_day)
        return x->run.to_day > y->run.to_day ? -1 : 1;
    return (int)x->run.kind - (int)y->run.kind;
}

sl_svc_rc sl_hub_reports_list(sl_hub *hub, const sl_tz *tz, sl_hub_report_made **out, size_t *n, sl_svc_err *e)
{
    *out = NULL;
    *n = 0;
    char *dir = sl_fs_join(hub->data_dir, SL_SCHED_DIR);
    if (!dir)
        return sl_svc_fail(e, SL_SVC_FAILED, "out of memory");
    DIR *d = opendir(dir);
    if (!d) {
        sl_svc_rc rc = SL_SVC_OK;
        if (errno != ENOENT) {
            sl_log_error(&hub->log, "%s: %s", dir, strerror(errno));
            rc = sl_svc_fail(e, SL_SVC_FAILED, "the hub cannot read its reports folder");
        }
        free(dir);
        return rc;
    }
    sl_hub_report_made *list = NULL;
    size_t cap = 0, count = 0;
    sl_svc_rc rc = SL_SVC_OK;
    struct dirent *de;
    while ((de = readdir(d))) {
        sl_schedule_run run;
        sl_report_format f;
        struct stat st;
        if (sl_schedule_file_parse(de->d_name, tz, &run, &f) != 0)
            continue;
        char *path = sl_fs_join(dir, de->d_name);
        bool file = path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
        free(path);
        if (!file)
            continue;
        int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
        size_t i = 0;
        while (i < count && strcmp(list[i].run.name, run.name) != 0)
            i++;
        if (i == count) {
            if (count == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                sl_hub_report_made *nl = realloc(list, ncap * sizeof *nl);
                if (!nl) {
                    rc = sl_svc_fail(e, SL_SVC_FAILED, "out of memory");
                    break;
                }
                list = nl;
                cap = ncap;
            }
            list[count++] = (sl_hub_report_made){.run = run, .formats = 0, .written_ms = mtime};
        }
        list[i].formats |= 1u << f;
        if (mtime > list[i].written_ms)
            list[i].written_ms = mtime;
    }
    closedir(d);
    free(dir);
    if (rc != SL_SVC_OK) {
        free(list);
        return rc;
    }
    if (count)
        qsort(list, count, sizeof *list, made_cmp);
    *out = list;
    *n = count;
    return SL_SVC_OK;
}

sl_svc_rc sl_hub_reports_read(sl_hub *hub, const sl_tz *tz, const char *file, sl_report_buf *out,
                              sl_report_format *format, sl_svc_err *e)
{
    sl_schedule_run run;
    char err[512];
    if (sl_schedule_file_parse(file, tz, &run, format) != 0)
        return sl_svc_fail(e, SL_SVC_INVALID,
                           "not a scheduled report's name (coverage-weekly-YYYY-MM-DD.EXT or "
                           "coverage-monthly-YYYY-MM.EXT, EXT xlsx, csv or html)");
    size_t n = strlen(hub->data_dir) + sizeof SL_SCHED_DIR + strlen(file) + 2;
    char *path = malloc(n);
    if (!path)
        return sl_svc_fail(e, SL_SVC_FAILED, "out of memory");
    snprintf(path, n, "%s/%s/%s", hub->data_dir, SL_SCHED_DIR, file);
    sl_svc_rc rc = SL_SVC_OK;
    if (!sl_fs_is_file(path))
        rc = sl_svc_fail(e, SL_SVC_NOT_FOUND, "the hub has no report %s", file);
    else if (read_into(path, out, err, sizeof err) != 0) {
        sl_log_error(&hub->log, "%s", err);
        rc = sl_svc_fail(e, SL_SVC_FAILED, "the hub could not read the report %s", file);
    }
    free(path);
    return rc;
}
