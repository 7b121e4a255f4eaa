/* sl_report.c — report formats: names, choosing by file extension, JSON output, writing a file atomically. */
#include "tools/report/sl_report.h"

#include "content/fsutil.h"
#include "content/json.h"
#include "tools/report/sl_report_doc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const format_names[] = {"csv", "xlsx", "json", "html"};

int sl_report_format_parse(const char *s, sl_report_format *f)
{
    for (int i = 0; s && i < 4; i++) {
        if (strcmp(s, format_names[i]) == 0) {
            *f = (sl_report_format)i;
            return 0;
        }
    }
    return -1;
}

int sl_report_format_from_path(const char *path, sl_report_format *f)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/'))
        return -1;
    if (strcasecmp(dot, ".htm") == 0) {
        *f = SL_REPORT_HTML;
        return 0;
    }
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(dot + 1, format_names[i]) == 0) {
            *f = (sl_report_format)i;
            return 0;
        }
    }
    return -1;
}

const char *sl_report_format_name(sl_report_format f)
{
    return (unsigned)f < 4 ? format_names[f] : "?";
}

int sl_report_json(const cJSON *doc, sl_report_buf *out, char *err, size_t errlen)
{
    if (sl_report_check(doc, err, errlen) != 0)
        return -1;
    char *text = sl_json_print(doc, true);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sl_report_buf_puts(out, text);
    sl_report_buf_puts(out, "\n");
    free(text);
    if (out->oom) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Makes sure the file's bytes are on disk before it is renamed into place. */
static int sync_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f || fsync(fileno(f)) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    return 0;
}

static int write_xlsx(const cJSON *doc, sl_report_lang lang, const char *path, char *err, size_t errlen)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* libxlsxwriter names its output by path; keep ".xlsx" at the end. */
    snprintf(tmp, n, "%s.tmp.%ld.xlsx", path, (long)getpid());
    int rc = -1;
    char *dir = sl_fs_dirname(path);
    bool dir_ok = dir && sl_fs_is_dir(dir);
    if (!dir_ok)
        snprintf(err, errlen, "%s: %s", path, dir ? "its folder does not exist" : "out of memory");
    free(dir);
    if (!dir_ok) {
        free(tmp);
        return -1;
    }
    if (sl_report_xlsx(doc, lang, tmp, err, errlen) != 0 || sync_file(tmp, err, errlen) != 0)
        goto out;
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int sl_report_write(const cJSON *doc, sl_report_format f, const sl_report_opts *o, const char *path, char *err,
                    size_t errlen)
{
    sl_report_opts dflt = {0};
    sl_report_buf b = {0};
    int rc = -1;
    if (!o)
        o = &dflt;
    bool to_stdout = strcmp(path, "-") == 0;
    if (f == SL_REPORT_XLSX) {
        if (to_stdout) {
            snprintf(err, errlen, "an XLSX workbook cannot go to standard output; name a file");
            return -1;
        }
        return write_xlsx(doc, o->lang, path, err, errlen);
    }
    switch (f) {
    case SL_REPORT_CSV:
        rc = sl_report_csv(doc, o->lang, &b, err, errlen);
        break;
    case SL_REPORT_HTML:
        rc = sl_report_html(doc, o, &b, err, errlen);
        break;
    case SL_REPORT_JSON:
        rc = sl_report_json(doc, &b, err, errlen);
        break;
    default:
        snprintf(err, errlen, "unknown report format");
        break;
    }
    if (rc != 0)
        goto out;
    rc = -1;
    if (to_stdout) {
        if (fwrite(b.p, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
            snprintf(err, errlen, "standard output: %s", strerror(errno));
            goto out;
        }
    } else if (sl_fs_write_atomic(path, b.p ? b.p : "", b.len, 0644, false, err, errlen) != 0) {
        goto out;
    }
    rc = 0;
out:
    sl_report_buf_free(&b);
    return rc;
}
