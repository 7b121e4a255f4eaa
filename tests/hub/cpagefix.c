/* cpagefix.c — the console's page tests' shared pieces: a scratch hub, a page handler run as the frame would, tidy on a page. */
#define _POSIX_C_SOURCE 200809L
#include "tests/hub/cpagefix.h"

#include "tests/unit/testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

void sl_cpagefix_hub(sl_hub *hub, char *dir, size_t cap, const char *prefix)
{
    char err[512];
    memset(hub, 0, sizeof *hub);
    assert_int_equal(sl_test_tmpdir(dir, cap, prefix), 0);
    if (sl_hub_open(hub, dir, NULL, err, sizeof err) != 0)
        fail_msg("cannot open a hub in %s: %s", dir, err);
    hub->log.level = SL_LOG_ERROR;
}

void sl_cpagefix_init(sl_cpagefix *r, sl_hub *hub, const char *lang, sl_hub_role role, const char *param)
{
    memset(r, 0, sizeof *r);
    r->p.hub = hub;
    r->p.lang = lang;
    r->p.user = "tester";
    r->p.role = role;
    r->p.csrf = "c5rf70ken";
    r->p.param = param ? param : "";
    r->p.query = cJSON_CreateObject();
    r->p.form = cJSON_CreateObject();
    r->p.out = &r->out;
    r->p.host = "hub.test:8080";
    assert_non_null(r->p.query);
    assert_non_null(r->p.form);
}

void sl_cpagefix_arg(sl_cpagefix *r, const char *name, const char *value)
{
    cJSON_AddStringToObject(r->p.query, name, value);
}

void sl_cpagefix_field(sl_cpagefix *r, const char *name, const char *value)
{
    cJSON_AddStringToObject(r->p.form, name, value);
}

void sl_cpagefix_run(sl_cpagefix *r, int (*handler)(sl_cpage *, char *, size_t))
{
    r->rc = handler(&r->p, r->err, sizeof r->err);
    if (r->rc != 0)
        fail_msg("the page failed: %s", r->err);
    assert_false(r->out.oom);
    if (!r->out.p)
        sl_report_buf_puts(&r->out, "");
}

void sl_cpagefix_free(sl_cpagefix *r)
{
    if (!r)
        return;
    cJSON_Delete(r->p.query);
    cJSON_Delete(r->p.form);
    r->p.query = r->p.form = NULL;
    sl_report_buf_free(&r->out);
}

/* Whether a line of tidy's report is about an attribute its HTML5 tables do
 * not know though HTML has it: SVG's (the SVG writers' own tests check their
 * output with xmllint) and <img loading>. */
static bool tidy_noise(const char *line)
{
    static const char *const svg[] = {"<svg>", "<rect>", "<text>", "<g>", "<path>", "<line>", "<title>", "<polyline>"};
    if (!strstr(line, "proprietary attribute"))
        return false;
    if (strstr(line, "<img> proprietary attribute \"loading\""))
        return true;
    for (size_t i = 0; i < sizeof svg / sizeof svg[0]; i++) {
        if (strstr(line, svg[i]))
            return true;
    }
    return false;
}

void sl_cpagefix_valid_html(const char *fragment)
{
    char dir[256], path[300], report[300], cmd[1000];
    if (system("command -v tidy >/dev/null 2>&1") != 0)
        fail_msg("tidy is not installed: run tools/setup-debian.sh");
    assert_int_equal(sl_test_tmpdir(dir, sizeof dir, "sl-cpage-html"), 0);
    sl_test_path(dir, "page.html", path, sizeof path);
    sl_test_path(dir, "tidy.txt", report, sizeof report);
    sl_report_buf b = {0};
    sl_report_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>t</title>"
                           "</head><body><main>\n");
    sl_report_buf_puts(&b, fragment);
    sl_report_buf_puts(&b, "</main></body></html>\n");
    assert_int_equal(sl_test_write_file(path, b.p, b.len), 0);
    sl_report_buf_free(&b);
    snprintf(cmd, sizeof cmd, "tidy -quiet -errors --show-warnings yes -f '%s' '%s' >/dev/null 2>&1", report, path);
    int rc = system(cmd);
    size_t len = 0;
    char *text = (char *)sl_test_read_file(report, &len);
    sl_test_rmtree(dir);
    assert_non_null(text);
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) >= 2)
        fail_msg("tidy finds errors:\n%s\nin:\n%.3000s", text, fragment);
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if ((strstr(line, "Warning:") || strstr(line, "Error:")) && !tidy_noise(line))
            fail_msg("tidy: %s\nin:\n%.3000s", line, fragment);
    }
    free(text);
}
