/* console.h — the web console's page interface: what a page handler gets, what it gives back, and the page table. */
#ifndef SL_HUB_CONSOLE_H
#define SL_HUB_CONSOLE_H

#include "tools/hub/hub.h"
#include "tools/report/sl_report_buf.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/*
 * The console is server-rendered HTML under /console/ on the hub's own port.
 * console_*.c do the HTTP side once for every page: the session cookie, the
 * role check, the CSRF token of every POST, the language, the page frame
 * (head, navigation, language switch, stylesheet). A page handler (page_*.c)
 * only reads its inputs from an sl_cpage and writes its part into p->out.
 * The page table is sl_console_pages[] in console_pages.c, declared with
 * every page's handler in console_pages.h; tools/hub/CONSOLE.md has the
 * whole design (sessions, CSRF, the stylesheet's classes, the CSP).
 *
 * Rules for page handlers:
 * - Every value that is not a literal of the program goes into HTML through
 *   sl_report_buf_html (the one escaping function, also the report writer's),
 *   in element text and in quoted attribute values alike. Numbers may be
 *   printed with sl_report_buf_printf.
 * - Every text people read is given in both languages at the call site:
 *   sl_cpage_tr(p, "中文", "English"). Chinese is the default.
 * - Every form that POSTs carries sl_cpage_csrf_field(p) (the frame refuses a
 *   POST without the session's token before any page handler runs).
 * - Links are relative to the site root: "/console/screens/ID".
 * - No JavaScript is needed to read a page.
 */

/* What one request gives a page, and what the page gives back. */
typedef struct sl_cpage {
    /* ---- inputs (set by the frame; read-only for pages) ---- */
    sl_hub *hub;
    const char *lang;     /* "zh" or "en" */
    const char *user;     /* the logged-in person's name */
    sl_hub_role role;     /* their role: SL_ROLE_ADMIN, _PUBLISHER or _AUDITOR */
    const char *csrf;     /* the session's CSRF token (hex) for forms */
    const char *param;    /* the '*' path segment of the page's pattern, or "" */
    cJSON *query;         /* the URL's query arguments: an object of strings (never NULL) */
    cJSON *form;          /* a POST's urlencoded fields: an object of strings (never NULL) */
    const void *upload;   /* a POST's multipart file part (inventory CSV), or NULL */
    size_t upload_len;
    bool tls;             /* served over TLS */
    const char *host;     /* the request's Host header ("hub.example:8080"), or NULL (pages that write
                             an absolute address, such as the enrolment code's, start from it) */

    /* ---- outputs ---- */
    sl_report_buf *out;   /* the page's HTML (inside <main>), or a download's bytes */
    char title[128];      /* the page title (plain text; escaped by the frame) */
    unsigned status;      /* HTTP status; 0 = 200 */
    /* A download or an image instead of a page: the frame sends out's bytes
     * as they are, with this Content-Type (and, when filename is set, as an
     * attachment with that name). */
    char content_type[96]; /* room for the XLSX type (65 bytes) */
    char filename[128];
    /* After a POST: where to send the browser (303 See Other), e.g.
     * "/console/screens/lobby-1?done=screenshot". Empty = show out. */
    char redirect[512];
    /* Whether the page refreshes itself (the frame adds a few lines of
     * script that reload it every refresh_s seconds while it is visible). */
    unsigned refresh_s;
} sl_cpage;

/* One page of the console: GET shows it, POST acts. */
typedef struct sl_console_page {
    const char *method;  /* "GET" or "POST" */
    const char *pattern; /* under /console/, e.g. "screens" or "screens/x/screenshot" with '*' = p->param */
    unsigned roles;      /* the sl_hub_role bits allowed (others get 403) */
    /* Returns 0, or -1 when it could not be made (the frame answers 500 and logs err). */
    int (*handle)(sl_cpage *p, char *err, size_t errlen);
} sl_console_page;

/* The language's text: the first for "zh", the second for "en". */
static inline const char *sl_cpage_tr(const sl_cpage *p, const char *zh, const char *en)
{
    return (p && p->lang && p->lang[0] == 'e') ? en : zh;
}

/* Sets the page's title in its language. (Use this rather than writing
 * p->title with sl_cpage_tr's result: GCC's -Warray-bounds takes
 * sl_cpage_tr's check of p to mean p may be NULL when p->title is written,
 * an error with warnings as errors.) */
static inline void sl_cpage_title(sl_cpage *p, const char *zh, const char *en)
{
    if (!p)
        return;
    const char *t = sl_cpage_tr(p, zh, en);
    size_t n = strlen(t);
    if (n >= sizeof p->title)
        n = sizeof p->title - 1;
    memcpy(p->title, t, n);
    p->title[n] = '\0';
}

/* A query argument, or NULL when absent. */
static inline const char *sl_cpage_arg(const sl_cpage *p, const char *name)
{
    return p ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p->query, name)) : NULL;
}

/* A form field of a POST, or NULL when absent. */
static inline const char *sl_cpage_field(const sl_cpage *p, const char *name)
{
    return p ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p->form, name)) : NULL;
}

/* The hidden CSRF input every POST form carries. */
static inline void sl_cpage_csrf_field(sl_cpage *p)
{
    if (!p)
        return;
    sl_report_buf_puts(p->out, "<input type=\"hidden\" name=\"csrf\" value=\"");
    sl_report_buf_html(p->out, p->csrf ? p->csrf : "");
    sl_report_buf_puts(p->out, "\">");
}

#endif
