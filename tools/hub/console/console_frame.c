/* console_frame.c — the HTML frame around every console page (navigation by role, language switch, who is logged in, logout) and the error pages; every value goes through sl_report_buf_html. */
#include "tools/hub/console/console_frame.h"

#include "tools/hub/console/console_form.h"

#include <stdio.h>
#include <string.h>

/* The navigation: path under /console/, its texts, and the roles that may
 * open it while the page table has no line for it yet. */
typedef struct {
    const char *path, *zh, *en;
    unsigned roles;
} nav_entry;

static const nav_entry nav[] = {
    {"screens", "屏幕", "Screens", SL_CPAGE_READ},
    {"coverage", "覆盖率", "Coverage", SL_CPAGE_READ},
    {"reports", "报告", "Reports", SL_CPAGE_READ},
    {"channels", "频道", "Channels", SL_CPAGE_STAFF},
    {"campaigns", "节目编排", "Campaigns", SL_CPAGE_PUBLISH},
    {"inventory", "屏幕清单", "Inventory", SL_CPAGE_ADMIN},
    {"people", "人员", "People", SL_CPAGE_ADMIN},
};

sl_caccess sl_cframe_access(const sl_console_page *pg, bool logged_in, sl_hub_role role)
{
    if (!pg || pg->roles == 0)
        return SL_CACCESS_OK;
    if (!logged_in)
        return SL_CACCESS_LOGIN;
    return (pg->roles & (unsigned)role) ? SL_CACCESS_OK : SL_CACCESS_FORBIDDEN;
}

bool sl_cframe_may_open(sl_hub_role role, const char *path)
{
    char param[256];
    bool known = false;
    const sl_console_page *pg = sl_console_page_find("GET", path, param, sizeof param, &known);
    if (pg)
        return role != SL_ROLE_NONE && sl_cframe_access(pg, true, role) == SL_CACCESS_OK;
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
        if (strcmp(nav[i].path, path) == 0)
            return (nav[i].roles & (unsigned)role) != 0;
    }
    return false;
}

const char *sl_cframe_home(sl_hub_role role)
{
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
        if (sl_cframe_may_open(role, nav[i].path))
            return nav[i].path;
    }
    return "password";
}

/* Whether the page at path belongs to the navigation entry e ("screens" and "screens/x"). */
static bool in_entry(const char *path, const char *e)
{
    size_t n = strlen(e);
    return strncmp(path, e, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* href="/console/PATH?QUERY&lang=LANG": the same page in another language. */
static void lang_link(sl_report_buf *b, const sl_cpage *p, const char *path, const char *lang, const char *id,
                      const char *text)
{
    sl_report_buf b2 = {0};
    sl_report_buf_puts(&b2, "/console/");
    sl_report_buf_puts(&b2, path);
    sl_report_buf_puts(&b2, "?");
    if (sl_cform_query_write(&b2, p->query, "lang") > 0)
        sl_report_buf_puts(&b2, "&");
    sl_report_buf_puts(&b2, "lang=");
    sl_report_buf_puts(&b2, lang);
    sl_report_buf_printf(b, "<a id=\"%s\" hreflang=\"%s\" lang=\"%s\" href=\"", id, lang, lang);
    sl_report_buf_html(b, b2.p ? b2.p : "");
    sl_report_buf_printf(b, "\"%s>%s</a>", strcmp(p->lang, lang) == 0 ? " class=\"current\"" : "", text);
    sl_report_buf_free(&b2);
}

static void write_nav(sl_report_buf *b, const sl_cpage *p, const char *path)
{
    sl_report_buf_printf(b, "<nav class=\"nav\" aria-label=\"%s\">", sl_cpage_tr(p, "导航", "Navigation"));
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
        if (!sl_cframe_may_open(p->role, nav[i].path))
            continue;
        sl_report_buf_printf(b, "<a id=\"nav-%s\" href=\"/console/%s\"%s>%s</a>", nav[i].path, nav[i].path,
                             in_entry(path, nav[i].path) ? " class=\"current\"" : "",
                             sl_cpage_tr(p, nav[i].zh, nav[i].en));
    }
    sl_report_buf_puts(b, "</nav>");
}

static void write_who(sl_report_buf *b, const sl_cpage *p, const char *path)
{
    sl_report_buf_puts(b, "<div class=\"who\"><span id=\"whoami\" class=\"whoami\">");
    sl_report_buf_html(b, p->user);
    sl_report_buf_puts(b, "</span> <span class=\"role\">");
    sl_report_buf_html(b, sl_hub_role_name(p->role));
    sl_report_buf_printf(b, "</span> <a id=\"nav-password\" href=\"/console/password\"%s>%s</a>",
                         in_entry(path, "password") ? " class=\"current\"" : "",
                         sl_cpage_tr(p, "改密码", "Password"));
    sl_report_buf_puts(b, "<form method=\"post\" action=\"/console/logout\" class=\"logout\">");
    sl_report_buf_puts(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    sl_report_buf_html(b, p->csrf ? p->csrf : "");
    sl_report_buf_puts(b, "\">");
    sl_report_buf_printf(b, "<button type=\"submit\" id=\"logout\">%s</button></form></div>",
                         sl_cpage_tr(p, "退出", "Log out"));
}

void sl_cframe_page(sl_report_buf *b, const sl_cpage *p, const char *path)
{
    bool en = p->lang && p->lang[0] == 'e';
    bool logged_in = p->user && p->user[0] && p->role != SL_ROLE_NONE;
    sl_report_buf_printf(b,
                         "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
                         en ? "en" : "zh-CN");
    if (p->title[0]) {
        sl_report_buf_html(b, p->title);
        sl_report_buf_puts(b, " · ");
    }
    /* An empty icon: without one every browser asks for /favicon.ico, a 404. */
    sl_report_buf_puts(b, "screenlit</title>\n");
    /* The session's CSRF token for the page's own script (the campaign editor's API calls). */
    if (logged_in && p->csrf && p->csrf[0]) {
        sl_report_buf_puts(b, "<meta name=\"sl-csrf\" content=\"");
        sl_report_buf_html(b, p->csrf);
        sl_report_buf_puts(b, "\">\n");
    }
    sl_report_buf_puts(b, "<link rel=\"icon\" href=\"data:,\">\n"
                          "<link rel=\"stylesheet\" href=\"/console/style.css\">\n"
                          "<script src=\"/console/console.js\" defer></script>\n</head>\n");
    if (p->refresh_s)
        sl_report_buf_printf(b, "<body data-refresh=\"%u\">\n", p->refresh_s);
    else
        sl_report_buf_puts(b, "<body>\n");
    sl_report_buf_printf(b, "<header class=\"top\"><a class=\"brand\" href=\"/console/\">screenlit %s</a>",
                         en ? "console" : "控制台");
    if (logged_in)
        write_nav(b, p, path);
    sl_report_buf_puts(b, "<div class=\"side\">");
    if (logged_in)
        write_who(b, p, path);
    sl_report_buf_printf(b, "<div class=\"lang\" aria-label=\"%s\">", en ? "Language" : "语言");
    lang_link(b, p, path, "zh", "lang-zh", "中文");
    lang_link(b, p, path, "en", "lang-en", "English");
    sl_report_buf_puts(b, "</div></div></header>\n<main id=\"main\">\n");
    if (p->out && p->out->p)
        sl_report_buf_add(b, p->out->p, p->out->len);
    sl_report_buf_puts(b, "\n</main>\n</body>\n</html>\n");
}

void sl_cframe_error(sl_cpage *p, unsigned status, const char *detail)
{
    static const struct {
        unsigned status;
        const char *zh, *en, *more_zh, *more_en;
    } pages[] = {
        {400, "请求有误", "Bad request", "请求无法读取。", "The request could not be read."},
        {403, "不允许", "Not allowed", "您的角色不能打开此页。", "Your role may not open this page."},
        {404, "没有此页", "No such page", "控制台没有这个页面。", "The console has no such page."},
        {405, "不允许此方法", "Method not allowed", "此页不接受这种请求。", "This page does not take this kind of request."},
        {409, "无法执行", "Not possible now", "当前状态不允许这样做。", "The state of things does not allow it."},
        {413, "太大", "Too large", "发送的内容超过了上限。", "What was sent is larger than the limit."},
        {415, "无法读取", "Unreadable form", "表单的格式无法读取。", "The form's format cannot be read."},
        {429, "请稍候", "Slow down", "请求太多，请稍后再试。", "Too many requests; try again later."},
        {500, "出错了", "Something went wrong", "集线器出了问题；详情见其日志。",
         "The hub ran into a problem; its log says more."},
        {503, "忙", "Busy", "集线器正忙，请几秒后再试。", "The hub is busy; try again in a few seconds."},
    };
    const size_t n = sizeof pages / sizeof pages[0];
    size_t i = 0;
    while (i < n && pages[i].status != status)
        i++;
    for (i = i < n ? i : 0; pages[i].status != status && pages[i].status != 500;)
        i++; /* another status: 500 */
    p->status = pages[i].status;
    snprintf(p->title, sizeof p->title, "%s", sl_cpage_tr(p, pages[i].zh, pages[i].en));
    p->content_type[0] = '\0';
    p->filename[0] = '\0';
    p->redirect[0] = '\0';
    p->refresh_s = 0;
    if (!p->out)
        return;
    p->out->len = 0;
    if (p->out->p)
        p->out->p[0] = '\0';
    sl_report_buf_printf(p->out, "<section class=\"problem\" id=\"problem\" data-status=\"%u\"><h1>%u ",
                         pages[i].status, pages[i].status);
    sl_report_buf_html(p->out, p->title);
    sl_report_buf_puts(p->out, "</h1><p>");
    sl_report_buf_html(p->out, detail ? detail : sl_cpage_tr(p, pages[i].more_zh, pages[i].more_en));
    sl_report_buf_printf(p->out, "</p><p><a href=\"/console/\">%s</a></p></section>",
                         sl_cpage_tr(p, "回到控制台首页", "Back to the console"));
}
