/* page_util.c — small pieces the admin pages share: notices and errors, labelled fields with their error, instants and sizes, the redirect after a POST. */
#include "tools/hub/console/page_util.h"

#include "content/timeutil.h"
#include "tools/hub/console/console_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sl_cpw_error(sl_cpage *p, const char *msg)
{
    sl_report_buf_puts(p->out, "<p class=\"error\" id=\"error\" role=\"alert\">");
    sl_report_buf_html(p->out, msg);
    sl_report_buf_puts(p->out, "</p>");
}

void sl_cpw_done(sl_cpage *p, const sl_cpw_done_msg *msgs, size_t n)
{
    const char *done = sl_cpage_arg(p, "done"), *name = sl_cpage_arg(p, "name");
    for (size_t i = 0; done && i < n; i++) {
        if (strcmp(done, msgs[i].key) != 0)
            continue;
        sl_report_buf_puts(p->out, "<p class=\"notice\" id=\"done\" role=\"status\">");
        sl_report_buf_html(p->out, sl_cpage_tr(p, msgs[i].zh, msgs[i].en));
        if (name) {
            sl_report_buf_puts(p->out, sl_cpage_tr(p, "：", ": "));
            sl_report_buf_html(p->out, name);
        }
        sl_report_buf_puts(p->out, "</p>");
        return;
    }
}

void sl_cpw_redirect(sl_cpage *p, const char *path, const char *done, const char *name)
{
    sl_report_buf b = {0};
    sl_report_buf_printf(&b, "/console/%s?done=%s", path, done);
    if (name) {
        sl_report_buf_puts(&b, "&name=");
        sl_cform_pct_encode(&b, name);
    }
    char *s = sl_report_buf_take(&b, NULL);
    snprintf(p->redirect, sizeof p->redirect, "%s", s && strlen(s) < sizeof p->redirect ? s : "/console/");
    free(s);
}

void sl_cpw_input(sl_cpage *p, const char *form, const char *name, const char *type, const char *label,
                  const char *value, const char *error)
{
    sl_report_buf_printf(p->out, "<label for=\"f-%s%s\">", form, name);
    sl_report_buf_html(p->out, label);
    sl_report_buf_printf(p->out, "</label><input id=\"f-%s%s\" name=\"%s\" type=\"%s\"%s", form, name, name, type,
                         error ? " aria-invalid=\"true\" class=\"problem\"" : "");
    if (strcmp(type, "password") == 0)
        sl_report_buf_puts(p->out, " autocomplete=\"new-password\"");
    if (value) {
        sl_report_buf_puts(p->out, " value=\"");
        sl_report_buf_html(p->out, value);
        sl_report_buf_puts(p->out, "\"");
    }
    sl_report_buf_puts(p->out, ">");
    if (error) {
        sl_report_buf_printf(p->out, "<span class=\"error\" id=\"error-%s%s\" role=\"alert\">", form, name);
        sl_report_buf_html(p->out, error);
        sl_report_buf_puts(p->out, "</span>");
    }
}

const char *sl_cpw_role(const sl_cpage *p, sl_hub_role r)
{
    switch (r) {
    case SL_ROLE_ADMIN:
        return sl_cpage_tr(p, "管理员", "admin");
    case SL_ROLE_PUBLISHER:
        return sl_cpage_tr(p, "发布者", "publisher");
    case SL_ROLE_AUDITOR:
        return sl_cpage_tr(p, "审计员", "auditor");
    default:
        return "-";
    }
}

void sl_cpw_role_select(sl_cpage *p, const char *form, const char *name, const char *label)
{
    static const sl_hub_role roles[] = {SL_ROLE_AUDITOR, SL_ROLE_PUBLISHER, SL_ROLE_ADMIN};
    sl_report_buf_printf(p->out, "<label for=\"f-%s%s\">", form, name);
    sl_report_buf_html(p->out, label);
    sl_report_buf_printf(p->out, "</label><select id=\"f-%s%s\" name=\"%s\">", form, name, name);
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        sl_report_buf_printf(p->out, "<option value=\"%s\">%s</option>", sl_hub_role_name(roles[i]),
                             sl_cpw_role(p, roles[i]));
    sl_report_buf_puts(p->out, "</select>");
}

void sl_cpw_time(sl_cpage *p, int64_t ms)
{
    char buf[40];
    if (ms < 0) {
        sl_report_buf_puts(p->out, "—");
        return;
    }
    sl_instant_format(ms, 0, buf, sizeof buf);
    /* "2026-11-25T08:00:00Z" -> "2026-11-25 08:00 UTC" */
    if (strlen(buf) >= 16)
        sl_report_buf_printf(p->out, "%.10s %.5s UTC", buf, buf + 11);
    else
        sl_report_buf_html(p->out, buf);
}

void sl_cpw_bytes(sl_cpage *p, int64_t n)
{
    if (n < 1000)
        sl_report_buf_printf(p->out, "%lld B", (long long)n);
    else if (n < 1000 * 1000)
        sl_report_buf_printf(p->out, "%.1f kB", (double)n / 1e3);
    else if (n < 1000LL * 1000 * 1000)
        sl_report_buf_printf(p->out, "%.1f MB", (double)n / 1e6);
    else
        sl_report_buf_printf(p->out, "%.2f GB", (double)n / 1e9);
}

void sl_cpw_button(sl_cpage *p, const char *action, const char *value, const char *label, bool danger)
{
    sl_report_buf_printf(p->out, "<form method=\"post\" action=\"/console/%s\"", action);
    if (danger) {
        sl_report_buf_puts(p->out, " data-confirm=\"");
        sl_report_buf_html(p->out, label);
        sl_report_buf_puts(p->out, sl_cpage_tr(p, "：确定吗？", ": are you sure?"));
        sl_report_buf_puts(p->out, "\"");
    }
    sl_report_buf_puts(p->out, ">");
    sl_cpage_csrf_field(p);
    sl_report_buf_puts(p->out, "<input type=\"hidden\" name=\"name\" value=\"");
    sl_report_buf_html(p->out, value);
    sl_report_buf_printf(p->out, "\"><button type=\"submit\"%s>", danger ? " class=\"danger\"" : " class=\"secondary\"");
    sl_report_buf_html(p->out, label);
    sl_report_buf_puts(p->out, "</button></form>");
}

void sl_cpw_tbody_end(sl_cpage *p, size_t mark, int cols)
{
    if (p->out->len == mark)
        sl_report_buf_printf(p->out, "<tr><td colspan=\"%d\" class=\"muted\">%s</td></tr>", cols,
                             sl_cpage_tr(p, "（无）", "(none)"));
    sl_report_buf_puts(p->out, "</tbody></table></div>");
}
