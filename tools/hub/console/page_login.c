/* page_login.c — the console's own pages: logging in (GET/POST login), logging out, changing one's password, and /console/ itself (to the first page the role may open). */
#include "tools/hub/console/console_form.h"
#include "tools/hub/console/console_frame.h"
#include "tools/hub/console/console_pages.h"
#include "tools/hub/console/console_session.h"

#include <stdio.h>
#include <string.h>

/* <p class="error" id="error">MESSAGE</p> */
static void error_line(sl_cpage *p, const char *msg)
{
    sl_report_buf_puts(p->out, "<p class=\"error\" id=\"error\" role=\"alert\">");
    sl_report_buf_html(p->out, msg);
    sl_report_buf_puts(p->out, "</p>");
}

/* A refused login or password change: its status into p->status and its
 * message (into msg when it needs the retry time). wrong_status, wrong_zh
 * and wrong_en are for SL_CSESS_WRONG. */
static const char *refusal(sl_cpage *p, sl_csess_rc rc, unsigned wrong_status, const char *wrong_zh,
                           const char *wrong_en, char *msg, size_t len)
{
    long long s = (long long)sl_creq_of(p)->retry_after_s;
    switch (rc) {
    case SL_CSESS_SLOW:
        p->status = 429;
        if (p->lang && p->lang[0] == 'e')
            snprintf(msg, len, "Too many failed attempts: try again in %lld s.", s);
        else
            snprintf(msg, len, "失败次数太多，请 %lld 秒后再试。", s);
        return msg;
    case SL_CSESS_BUSY:
        p->status = 503;
        return sl_cpage_tr(p, "集线器正忙，请几秒后再试。", "The hub is busy: try again in a few seconds.");
    default:
        p->status = wrong_status;
        return sl_cpage_tr(p, wrong_zh, wrong_en);
    }
}

/* A labelled input of the one-column form. */
static void input(sl_cpage *p, const char *name, const char *type, const char *autocomplete, const char *label,
                  const char *value, bool focus)
{
    sl_report_buf_printf(p->out, "<label for=\"%s\">", name);
    sl_report_buf_html(p->out, label);
    sl_report_buf_printf(p->out, "</label><input id=\"%s\" name=\"%s\" type=\"%s\" autocomplete=\"%s\" required%s",
                         name, name, type, autocomplete, focus ? " autofocus" : "");
    if (value) {
        sl_report_buf_puts(p->out, " value=\"");
        sl_report_buf_html(p->out, value);
        sl_report_buf_puts(p->out, "\"");
    }
    sl_report_buf_puts(p->out, ">");
}

/* The login form, with the name typed and an error when there is one. */
static void login_form(sl_cpage *p, const char *user, const char *next, const char *error)
{
    sl_cpage_title(p, "登录", "Log in");
    sl_report_buf_printf(p->out, "<section class=\"login\"><h1>%s</h1>",
                         sl_cpage_tr(p, "登录 screenlit 控制台", "Log in to the screenlit console"));
    if (error)
        error_line(p, error);
    sl_report_buf_puts(p->out, "<form method=\"post\" action=\"/console/login\" class=\"form\">");
    sl_cpage_csrf_field(p);
    sl_report_buf_puts(p->out, "<input type=\"hidden\" name=\"next\" value=\"");
    sl_report_buf_html(p->out, next && sl_cform_next_ok(next) ? next : "");
    sl_report_buf_puts(p->out, "\">");
    input(p, "user", "text", "username", sl_cpage_tr(p, "用户名", "Name"), user ? user : "", !user || !user[0]);
    input(p, "password", "password", "current-password", sl_cpage_tr(p, "密码", "Password"), NULL,
          user && user[0]);
    sl_report_buf_printf(p->out, "<button type=\"submit\" id=\"login\">%s</button></form>",
                         sl_cpage_tr(p, "登录", "Log in"));
    if (p->user && p->user[0]) {
        sl_report_buf_printf(p->out, "<p class=\"muted\">%s", sl_cpage_tr(p, "当前已登录：", "Logged in now as "));
        sl_report_buf_html(p->out, p->user);
        sl_report_buf_puts(p->out, "</p>");
    }
    sl_report_buf_puts(p->out, "</section>");
}

int sl_page_login_get(sl_cpage *p, char *err, size_t errlen)
{
    login_form(p, NULL, sl_cpage_arg(p, "next"), NULL);
    return 0;
}

int sl_page_login_post(sl_cpage *p, char *err, size_t errlen)
{
    sl_console_req *q = sl_creq_of(p);
    const char *user = sl_cpage_field(p, "user"), *next = sl_cpage_field(p, "next");
    char msg[200];
    sl_csess_rc rc = sl_csess_login(q, user, sl_cpage_field(p, "password"));
    if (rc == SL_CSESS_ERROR) {
        snprintf(err, errlen, "logging in failed (see above)");
        return -1;
    }
    if (rc != SL_CSESS_OK) {
        login_form(p, user, next, refusal(p, rc, 401, "用户名或密码不对。", "Wrong name or password.", msg, sizeof msg));
        return 0;
    }
    if (next && sl_cform_next_ok(next))
        snprintf(p->redirect, sizeof p->redirect, "%s", next);
    else
        snprintf(p->redirect, sizeof p->redirect, "/console/%s", sl_cframe_home(q->session.user.role));
    return 0;
}

int sl_page_logout(sl_cpage *p, char *err, size_t errlen)
{
    sl_csess_logout(sl_creq_of(p));
    snprintf(p->redirect, sizeof p->redirect, "/console/login");
    return 0;
}

/* The password form, with an error or a confirmation. */
static void password_form(sl_cpage *p, const char *error)
{
    sl_cpage_title(p, "修改密码", "Change password");
    sl_report_buf_printf(p->out, "<h1>%s</h1>", p->title);
    if (error)
        error_line(p, error);
    else if (sl_cpage_arg(p, "done"))
        sl_report_buf_printf(p->out, "<p class=\"notice\" id=\"done\" role=\"status\">%s</p>",
                             sl_cpage_tr(p, "密码已修改。您在其他地方的登录已结束。",
                                         "Your password was changed. Your other sessions have ended."));
    sl_report_buf_puts(p->out, "<form method=\"post\" action=\"/console/password\" class=\"form\">");
    sl_cpage_csrf_field(p);
    input(p, "old", "password", "current-password", sl_cpage_tr(p, "当前密码", "Current password"), NULL, true);
    input(p, "new", "password", "new-password", sl_cpage_tr(p, "新密码（至少 8 个字符）", "New password (8 characters or more)"),
          NULL, false);
    input(p, "new2", "password", "new-password", sl_cpage_tr(p, "再次输入新密码", "New password again"), NULL, false);
    sl_report_buf_printf(p->out, "<button type=\"submit\" id=\"save\">%s</button></form>",
                         sl_cpage_tr(p, "保存", "Save"));
}

int sl_page_password_get(sl_cpage *p, char *err, size_t errlen)
{
    password_form(p, NULL);
    return 0;
}

int sl_page_password_post(sl_cpage *p, char *err, size_t errlen)
{
    sl_console_req *q = sl_creq_of(p);
    const char *fresh = sl_cpage_field(p, "new"), *again = sl_cpage_field(p, "new2");
    const char *problem = sl_csess_password_problem(fresh, p->lang);
    char msg[200];
    p->status = 400;
    if (!fresh || !again || strcmp(fresh, again) != 0) {
        password_form(p, sl_cpage_tr(p, "两次输入的新密码不一样。", "The two new passwords differ."));
        return 0;
    }
    if (problem) {
        password_form(p, problem);
        return 0;
    }
    sl_csess_rc rc = sl_csess_password_change(q, sl_cpage_field(p, "old"), fresh);
    if (rc == SL_CSESS_ERROR) {
        snprintf(err, errlen, "changing the password failed (see above)");
        return -1;
    }
    if (rc != SL_CSESS_OK) {
        password_form(p, refusal(p, rc, 403, "当前密码不对。", "The current password is wrong.", msg, sizeof msg));
        return 0;
    }
    p->status = 0;
    snprintf(p->redirect, sizeof p->redirect, "/console/password?done=1");
    return 0;
}

int sl_page_home(sl_cpage *p, char *err, size_t errlen)
{
    snprintf(p->redirect, sizeof p->redirect, "/console/%s", sl_cframe_home(p->role));
    return 0;
}
