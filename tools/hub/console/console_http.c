/* console_http.c — the console's HTTP side, done once for every page: session cookie, language, query and form, role check, CSRF check of every POST, then the page's frame, download or redirect, with the security headers. */
#define _GNU_SOURCE
#include "tools/hub/console/console_http.h"

#include "tools/hub/console/console_frame.h"
#include "tools/hub/console/console_pages.h"
#include "tools/hub/console/console_session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONSOLE_ROOT "/console/"
#define CONSOLE_ROOT_LEN (sizeof CONSOLE_ROOT - 1)
#define LANG_COOKIE_AGE_S (366L * 24 * 3600)
#define ASSET_CACHE "max-age=600" /* the stylesheet and script: a new hub's reach browsers within minutes */

/* One console request (r->priv). */
typedef struct {
    sl_console_req q; /* the page's view and the frame's state */
    sl_report_buf out;
    const sl_console_page *page;
    const char *path; /* r->url after /console/ */
    char param[SL_HUB_PARAM_MAX + 1];
    bool prepared;
    sl_body body; /* a POST's body */
    bool body_made;
    sl_cform_file file;
} creq;

static creq *creq_get(sl_req *r)
{
    if (!r->priv)
        r->priv = calloc(1, sizeof(creq));
    return r->priv;
}

void sl_h_console_cleanup(sl_hub *hub, sl_req *r)
{
    creq *st = r->priv;
    if (!st)
        return;
    cJSON_Delete(st->q.page.query);
    cJSON_Delete(st->q.page.form);
    sl_report_buf_free(&st->out);
    if (st->body_made)
        sl_body_free(&st->body);
    sodium_memzero(&st->q, sizeof st->q);
    free(st);
    r->priv = NULL;
}

/* ---- replies ---------------------------------------------------------- */

/* Queues resp with the console's headers: the security ones, the cookies
 * set, Retry-After on 429 and 503. cache: the stylesheet and script. */
static enum MHD_Result send_resp(sl_req *r, creq *st, unsigned status, struct MHD_Response *resp, bool cache)
{
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Security-Policy", SL_CFRAME_CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Cache-Control", cache ? ASSET_CACHE : "no-store");
    for (int i = 0; i < st->q.n_cookies; i++)
        MHD_add_response_header(resp, "Set-Cookie", st->q.set_cookie[i]);
    if ((status == 429 || status == 503) && st->q.retry_after_s > 0) {
        char ra[24];
        snprintf(ra, sizeof ra, "%lld", (long long)st->q.retry_after_s);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    return sl_reply(r, status, resp);
}

/* Queues len bytes (taken: freed with the reply) of Content-Type ctype. */
static enum MHD_Result send_bytes(sl_req *r, creq *st, unsigned status, const char *ctype, char *data, size_t len)
{
    static const char oom[] = "the hub ran out of memory\n";
    struct MHD_Response *resp;
    if (!data) {
        resp = MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom, MHD_RESPMEM_PERSISTENT);
        status = 500;
        ctype = "text/plain; charset=utf-8";
    } else {
        resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
        if (!resp)
            free(data);
    }
    if (resp)
        MHD_add_response_header(resp, "Content-Type", ctype);
    return send_resp(r, st, status, resp, false);
}

/* The page in its frame, with the page's status. */
static enum MHD_Result send_page(sl_req *r, creq *st)
{
    sl_cpage *p = &st->q.page;
    sl_report_buf doc = {0};
    if (st->out.oom)
        sl_cframe_error(p, 500, NULL);
    sl_cframe_page(&doc, p, st->path ? st->path : "");
    size_t len = 0;
    char *html = doc.oom ? NULL : sl_report_buf_take(&doc, &len);
    sl_report_buf_free(&doc);
    return send_bytes(r, st, p->status ? p->status : 200, "text/html; charset=utf-8", html, len);
}

/* An error page (see sl_cframe_error). */
static enum MHD_Result send_error(sl_req *r, creq *st, unsigned status, const char *detail)
{
    sl_cframe_error(&st->q.page, status, detail);
    return send_page(r, st);
}

/* 303 See Other to location (a path on this hub). */
static enum MHD_Result send_redirect(sl_req *r, creq *st, const char *location)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (resp)
        MHD_add_response_header(resp, "Location", location);
    return send_resp(r, st, 303, resp, false);
}

/* A download: out's bytes as they are, as an attachment when the page named a file. */
static enum MHD_Result send_download(sl_req *r, creq *st)
{
    sl_cpage *p = &st->q.page;
    size_t len = 0;
    char *data = st->out.oom ? NULL : sl_report_buf_take(&st->out, &len);
    if (!data && !st->out.oom)
        data = calloc(1, 1);
    struct MHD_Response *resp = data ? MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE) : NULL;
    if (!resp) {
        free(data);
        return send_error(r, st, 500, NULL);
    }
    MHD_add_response_header(resp, "Content-Type", p->content_type);
    if (p->filename[0]) {
        sl_report_buf h = {0};
        sl_cform_attachment(&h, p->filename);
        if (!h.oom)
            MHD_add_response_header(resp, "Content-Disposition", h.p);
        sl_report_buf_free(&h);
    }
    return send_resp(r, st, p->status ? p->status : 200, resp, false);
}

/* ---- reading the request ---------------------------------------------- */

typedef struct {
    cJSON *obj;
    char err[256];
    bool bad;
} query_ctx;

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    query_ctx *x = cls;
    if (x->bad || !key)
        return x->bad ? MHD_NO : MHD_YES;
    const char *v = value ? value : "";
    if (sl_cform_add(x->obj, key, strlen(key), v, strlen(v), x->err, sizeof x->err) != 0)
        x->bad = true;
    return x->bad ? MHD_NO : MHD_YES;
}

/* The language: ?lang= (kept in a cookie), the cookie, Accept-Language. */
static void pick_language(sl_req *r, creq *st, const char *cookies)
{
    sl_cpage *p = &st->q.page;
    char c[8];
    const char *asked = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "lang");
    if (asked && (strcmp(asked, "zh") == 0 || strcmp(asked, "en") == 0)) {
        p->lang = asked[0] == 'e' ? "en" : "zh";
        sl_creq_cookie(&st->q, SL_CSESS_LANG_COOKIE, p->lang, LANG_COOKIE_AGE_S);
    } else if (sl_cform_cookie(cookies, SL_CSESS_LANG_COOKIE, c, sizeof c) == 0 &&
               (strcmp(c, "zh") == 0 || strcmp(c, "en") == 0)) {
        p->lang = c[0] == 'e' ? "en" : "zh";
    } else {
        p->lang = sl_cform_accept_language(sl_req_header(r, "Accept-Language"));
    }
}

/* /console/login?next=<this page>: where a GET without a session goes. */
static enum MHD_Result to_login(sl_req *r, creq *st)
{
    sl_report_buf next = {0}, loc = {0};
    sl_report_buf_puts(&next, CONSOLE_ROOT);
    sl_report_buf_puts(&next, st->path);
    if (cJSON_GetArraySize(st->q.page.query) > 0) {
        sl_report_buf_puts(&next, "?");
        sl_cform_query_write(&next, st->q.page.query, NULL);
    }
    sl_report_buf_puts(&loc, CONSOLE_ROOT "login");
    if (strcmp(r->method, "POST") != 0 && !next.oom && sl_cform_next_ok(next.p)) {
        sl_report_buf_puts(&loc, "?next=");
        sl_cform_pct_encode(&loc, next.p);
    }
    enum MHD_Result res = loc.oom ? send_error(r, st, 500, NULL) : send_redirect(r, st, loc.p);
    sl_report_buf_free(&next);
    sl_report_buf_free(&loc);
    return res;
}

/* The CSRF token the page's forms carry: of the session when there is one;
 * else (a page open to all: the login form) of the pre-session cookie
 * sl_login, made here on a GET. An open page reads sl_login either way, so
 * that a login form shown before logging in elsewhere still posts. */
static void pick_csrf(sl_req *r, creq *st, const char *cookies)
{
    sl_console_req *q = &st->q;
    if (st->page->roles == 0) {
        if (sl_cform_cookie(cookies, SL_CSESS_LOGIN_COOKIE, q->login_cookie, sizeof q->login_cookie) != 0 ||
            !sl_csess_cookie_shape_ok(q->login_cookie))
            q->login_cookie[0] = '\0';
        uint8_t unused[SL_HUB_HASH_BYTES];
        if (!q->login_cookie[0] && !q->has_session && strcmp(r->method, "POST") != 0 &&
            sl_hub_token_new(q->login_cookie, unused) == 0)
            sl_creq_cookie(q, SL_CSESS_LOGIN_COOKIE, q->login_cookie, -1);
    }
    if (q->has_session)
        sl_csess_csrf(q->session_cookie, q->csrf);
    else if (q->login_cookie[0])
        sl_csess_csrf(q->login_cookie, q->csrf);
    q->page.csrf = q->csrf;
}

/* Everything before the body: the language, the query, the stylesheet and
 * script, the session, the page and whether it may run. 0 to go on, 1 when
 * a reply was queued (*res). */
static int prepare(sl_hub *hub, sl_req *r, creq *st, enum MHD_Result *res)
{
    sl_console_req *q = &st->q;
    sl_cpage *p = &q->page;
    char err[512];
    st->prepared = true;
    p->hub = hub;
    p->out = &st->out;
    p->user = "";
    p->csrf = "";
    p->param = st->param;
    p->lang = "zh";
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    sl_ratelimit_key(ci ? ci->client_addr : NULL, q->addr_key, q->addr, sizeof q->addr);
    const union MHD_ConnectionInfo *tls = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    const char *proto = sl_req_header(r, "X-Forwarded-Proto");
    /* Behind a TLS proxy the cookies are Secure too; a client that claims it
     * falsely over plain HTTP only loses its own cookies. */
    p->tls = (tls && tls->tls_session) || (proto && strcasecmp(proto, "https") == 0);
    q->secure = p->tls;
    /* Where the browser reached the hub: the default of an enrolment code's hub address. */
    p->host = sl_req_header(r, "X-Forwarded-Host");
    if (!p->host)
        p->host = sl_req_header(r, "Host");
    const char *cookies = sl_req_header(r, "Cookie");
    pick_language(r, st, cookies);
    p->query = cJSON_CreateObject();
    p->form = cJSON_CreateObject();
    if (!p->query || !p->form) {
        *res = send_error(r, st, 500, NULL);
        return 1;
    }
    query_ctx qx = {.obj = p->query};
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_arg, &qx);
    if (qx.bad) {
        char detail[320];
        snprintf(detail, sizeof detail, "%s%s", sl_cpage_tr(p, "网址的参数无法读取：", "The address's query cannot be read: "),
                 qx.err);
        *res = send_error(r, st, 400, detail);
        return 1;
    }
    if (strncmp(r->url, CONSOLE_ROOT, CONSOLE_ROOT_LEN) != 0) {
        *res = send_redirect(r, st, CONSOLE_ROOT); /* /console */
        return 1;
    }
    st->path = r->url + CONSOLE_ROOT_LEN;
    static const struct {
        const char *path, *ctype, *text;
    } assets[] = {{"style.css", "text/css; charset=utf-8", sl_cframe_css},
                  {"console.js", "text/javascript; charset=utf-8", sl_cframe_js},
                  {"editor.js", "text/javascript; charset=utf-8", (const char *)sl_cframe_editor_js}};
    for (size_t i = 0; i < sizeof assets / sizeof assets[0] && strcmp(r->method, "POST") != 0; i++) {
        if (strcmp(st->path, assets[i].path) != 0)
            continue;
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(strlen(assets[i].text), (void *)assets[i].text, MHD_RESPMEM_PERSISTENT);
        if (resp)
            MHD_add_response_header(resp, "Content-Type", assets[i].ctype);
        *res = send_resp(r, st, 200, resp, true);
        return 1;
    }
    char session[SL_HUB_TOKEN_HEX + 2];
    if (sl_cform_cookie(cookies, SL_CSESS_COOKIE, session, sizeof session) == 0 &&
        sl_csess_check(hub, q, session, err, sizeof err) != 0) {
        sl_log_error(&hub->log, "console: %s %s: %s", r->method, r->url, err);
        *res = send_error(r, st, 500, NULL);
        return 1;
    }
    sodium_memzero(session, sizeof session);
    if (q->has_session) {
        p->user = q->session.user.name;
        p->role = q->session.user.role;
        sl_csess_csrf(q->session_cookie, q->csrf); /* the logout form of the frame, on every page */
        p->csrf = q->csrf;
    }
    bool known = false;
    st->page = sl_console_page_find(r->method, st->path, st->param, sizeof st->param, &known);
    if (!st->page) {
        *res = send_error(r, st, known ? 405 : 404, NULL);
        return 1;
    }
    switch (sl_cframe_access(st->page, q->has_session, p->role)) {
    case SL_CACCESS_OK:
        break;
    case SL_CACCESS_LOGIN:
        *res = to_login(r, st);
        return 1;
    case SL_CACCESS_FORBIDDEN:
        sl_log_info(&hub->log, "console: %s (%s) may not %s %s", p->user, sl_hub_role_name(p->role), r->method,
                    r->url);
        *res = send_error(r, st, 403, NULL);
        return 1;
    }
    pick_csrf(r, st, cookies);
    return 0;
}

/* A POST's form: urlencoded or multipart (its file into p->upload). 0, or 1
 * when a reply was queued. */
static int read_form(sl_req *r, creq *st, enum MHD_Result *res)
{
    sl_cpage *p = &st->q.page;
    char err[256], boundary[SL_CFORM_BOUNDARY_MAX + 1];
    int rc = 0;
    const char *data = st->body_made && st->body.data ? st->body.data : "";
    size_t len = st->body_made ? st->body.len : 0;
    if (len == 0)
        return 0;
    if (sl_req_content_type_is(r, "application/x-www-form-urlencoded")) {
        rc = sl_cform_urlencoded(data, len, p->form, err, sizeof err);
    } else if (sl_cform_boundary(sl_req_header(r, "Content-Type"), boundary) == 0) {
        rc = sl_cform_multipart(data, len, boundary, p->form, &st->file, err, sizeof err);
        p->upload = st->file.data;
        p->upload_len = st->file.len;
    } else {
        *res = send_error(r, st, 415,
                          sl_cpage_tr(p, "表单须为 application/x-www-form-urlencoded 或 multipart/form-data。",
                                      "A form is application/x-www-form-urlencoded or multipart/form-data."));
        return 1;
    }
    if (rc != 0) {
        char detail[400];
        snprintf(detail, sizeof detail, "%s%s", sl_cpage_tr(p, "表单无法读取：", "The form cannot be read: "), err);
        *res = send_error(r, st, 400, detail);
        return 1;
    }
    return 0;
}

int sl_h_console_begin(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    creq *st = creq_get(r);
    if (!st) {
        sl_reply_error(r, 500, NULL, "the hub ran out of memory");
        return 1;
    }
    if (prepare(hub, r, st, &res) != 0)
        return 1;
    /* Before login only the login form (small); afterwards an upload too. */
    size_t cap = st->q.has_session ? SL_CFORM_MULTIPART_MAX : SL_CFORM_BODY_MAX;
    const char *cl = sl_req_header(r, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > cap) {
        send_error(r, st, 413, NULL);
        return 1;
    }
    sl_body_init(&st->body, cap);
    st->body_made = true;
    return 0;
}

void sl_h_console_chunk(sl_hub *hub, sl_req *r, const char *data, size_t len)
{
    creq *st = r->priv;
    if (!st || !st->body_made)
        return;
    int rc = sl_body_append(&st->body, data, len);
    if (rc == -1)
        sl_req_fail(r, 413, NULL, "the form is larger than %zu bytes%s", st->body.max,
                    st->q.has_session ? "" : " (before logging in)");
    else if (rc != 0)
        sl_req_fail(r, 500, NULL, "the hub ran out of memory");
}

enum MHD_Result sl_h_console(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    char err[512] = "";
    creq *st = creq_get(r);
    if (!st)
        return sl_reply_error(r, 500, NULL, "the hub ran out of memory");
    if (!st->prepared && prepare(hub, r, st, &res) != 0)
        return res;
    sl_console_req *q = &st->q;
    sl_cpage *p = &q->page;
    bool post = strcmp(r->method, "POST") == 0;
    if (post) {
        if (read_form(r, st, &res) != 0)
            return res;
        /* A session's token, or on the login form the pre-session cookie's. */
        const char *given = sl_cpage_field(p, "csrf");
        bool csrf_ok = (q->has_session && sl_csess_csrf_ok(q->session_cookie, given)) ||
                       (st->page->roles == 0 && sl_csess_csrf_ok(q->login_cookie, given));
        if (!csrf_ok) {
            sl_log_warn(&hub->log, "console: POST %s from %s refused: %s CSRF token", r->url, q->addr,
                        sl_cpage_field(p, "csrf") ? "a wrong" : "no");
            return send_error(r, st, 403,
                              sl_cpage_tr(p, "表单已过期，或不是从本站页面提交的。请重新打开页面再试。",
                                          "The form was out of date or not sent from this site's page. Open the "
                                          "page again and retry."));
        }
    }
    int rc = st->page->handle(p, err, sizeof err);
    if (post)
        sl_authcache_clear(hub->authcache); /* a change (inventory, people) is seen at the next request */
    if (rc != 0) {
        sl_log_error(&hub->log, "console: %s %s: %s", r->method, r->url, err[0] ? err : "the page failed");
        return send_error(r, st, 500, NULL);
    }
    if (p->redirect[0]) {
        if (p->redirect[0] != '/' || p->redirect[1] == '/' || strpbrk(p->redirect, "\r\n\\")) {
            sl_log_error(&hub->log, "console: %s %s: the page redirects to '%.80s', not a path on this hub",
                         r->method, r->url, p->redirect);
            return send_error(r, st, 500, NULL);
        }
        return send_redirect(r, st, p->redirect);
    }
    if (p->content_type[0])
        return send_download(r, st);
    return send_page(r, st);
}
