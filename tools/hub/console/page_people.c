/* page_people.c — /console/people (admin): the people who log in and their roles (add, disable, enable, remove), API tokens (create, shown once; revoke), publisher keys and their channels (add). */
#include "tools/hub/console/console_pages.h"
#include "tools/hub/console/console_session.h"
#include "tools/hub/console/page_util.h"
#include "tools/hub/service/hub_access.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const sl_cpw_done_msg done_msgs[] = {
    {"added", "已添加人员", "Person added"},
    {"disabled", "已停用（其登录已结束）", "Disabled (their sessions ended)"},
    {"enabled", "已启用", "Enabled"},
    {"removed", "已删除", "Removed"},
    {"revoked", "令牌已吊销", "Token revoked"},
    {"key", "发布密钥已添加", "Publisher key added"},
};

static int user_row(void *ud, const sl_hub_user *u)
{
    sl_cpage *p = ud;
    sl_report_buf_puts(p->out, "<tr><td>");
    sl_report_buf_html(p->out, u->name);
    sl_report_buf_printf(p->out, "</td><td>%s</td><td>", sl_cpw_role(p, u->role));
    sl_cpw_time(p, u->created_ms);
    sl_report_buf_printf(p->out, "</td><td>%s</td><td class=\"actions\">",
                         u->disabled ? sl_cpage_tr(p, "<span class=\"badge bad\">已停用</span>",
                                                   "<span class=\"badge bad\">disabled</span>")
                                     : sl_cpage_tr(p, "<span class=\"badge ok\">可登录</span>",
                                                   "<span class=\"badge ok\">active</span>"));
    if (strcmp(u->name, p->user ? p->user : "") != 0) {
        if (u->disabled)
            sl_cpw_button(p, "people/enable", u->name, sl_cpage_tr(p, "启用", "Enable"), false);
        else
            sl_cpw_button(p, "people/disable", u->name, sl_cpage_tr(p, "停用", "Disable"), false);
        sl_cpw_button(p, "people/remove", u->name, sl_cpage_tr(p, "删除", "Remove"), true);
    }
    sl_report_buf_puts(p->out, "</td></tr>");
    return 0;
}

static int token_row(void *ud, const sl_hub_token *t)
{
    sl_cpage *p = ud;
    sl_report_buf_puts(p->out, "<tr><td>");
    sl_report_buf_html(p->out, t->name);
    sl_report_buf_printf(p->out, "</td><td>%s</td><td>", sl_cpw_role(p, t->role));
    if (t->channels[0])
        sl_report_buf_html(p->out, t->channels);
    else
        sl_report_buf_puts(p->out, sl_cpage_tr(p, "全部", "all"));
    sl_report_buf_puts(p->out, "</td><td>");
    sl_cpw_time(p, t->created_ms);
    sl_report_buf_puts(p->out, "</td><td>");
    sl_cpw_time(p, t->revoked_ms);
    sl_report_buf_puts(p->out, "</td><td class=\"actions\">");
    if (t->revoked_ms < 0)
        sl_cpw_button(p, "people/tokens/revoke", t->name, sl_cpage_tr(p, "吊销", "Revoke"), true);
    sl_report_buf_puts(p->out, "</td></tr>");
    return 0;
}

static int key_row(void *ud, const sl_hub_key *k)
{
    sl_cpage *p = ud;
    sl_report_buf_puts(p->out, "<tr><td>");
    sl_report_buf_html(p->out, k->name);
    sl_report_buf_puts(p->out, "</td><td><code>");
    sl_report_buf_html(p->out, k->key_b64);
    sl_report_buf_puts(p->out, "</code></td><td>");
    if (k->channels[0])
        sl_report_buf_html(p->out, k->channels);
    else
        sl_report_buf_puts(p->out, sl_cpage_tr(p, "全部", "all"));
    sl_report_buf_puts(p->out, "</td><td>");
    sl_cpw_time(p, k->created_ms);
    sl_report_buf_puts(p->out, "</td></tr>");
    return 0;
}

/* A form's opening and its CSRF field. */
static void form_open(sl_cpage *p, const char *id, const char *action, const char *heading)
{
    sl_report_buf_printf(p->out, "<h3>%s</h3><form method=\"post\" action=\"/console/%s\" class=\"form\" id=\"%s\">",
                         heading, action, id);
    sl_cpage_csrf_field(p);
}

static void form_close(sl_cpage *p, const char *button)
{
    sl_report_buf_printf(p->out, "<button type=\"submit\">%s</button></form>", button);
}

/* The whole page, with an error at the top when there is one. */
static int people_page(sl_cpage *p, const char *error, char *err, size_t errlen)
{
    sl_store *st = p->hub->store;
    size_t mark;
    sl_cpage_title(p, "人员与令牌", "People and tokens");
    sl_report_buf_printf(p->out, "<h1>%s</h1>", sl_cpage_tr(p, "人员与令牌", "People and tokens"));
    if (error)
        sl_cpw_error(p, error);
    sl_cpw_done(p, done_msgs, sizeof done_msgs / sizeof done_msgs[0]);

    sl_report_buf_printf(p->out, "<section id=\"users\"><h2>%s</h2><div class=\"scroll\"><table class=\"list\">"
                         "<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
                         sl_cpage_tr(p, "控制台用户", "Console users"), sl_cpage_tr(p, "用户名", "Name"),
                         sl_cpage_tr(p, "角色", "Role"), sl_cpage_tr(p, "添加于", "Added"),
                         sl_cpage_tr(p, "状态", "State"));
    mark = p->out->len;
    if (st->ops->user_list(st, user_row, p, err, errlen) != SL_ST_OK)
        return -1;
    sl_cpw_tbody_end(p, mark, 5);
    form_open(p, "add-user", "people/add", sl_cpage_tr(p, "添加用户", "Add a person"));
    sl_cpw_input(p, "user-", "name", "text", sl_cpage_tr(p, "用户名（字母、数字、. _ -）", "Name (letters, digits, . _ -)"), NULL,
                 NULL);
    sl_cpw_role_select(p, "user-", "role", sl_cpage_tr(p, "角色", "Role"));
    sl_cpw_input(p, "user-", "password", "password", sl_cpage_tr(p, "初始密码（至少 8 个字符）", "Initial password (8 characters or more)"),
                 NULL, NULL);
    sl_cpw_input(p, "user-", "password2", "password", sl_cpage_tr(p, "再次输入密码", "The password again"), NULL, NULL);
    form_close(p, sl_cpage_tr(p, "添加", "Add"));
    sl_report_buf_puts(p->out, "</section>");

    sl_report_buf_printf(p->out, "<section id=\"tokens\"><h2>%s</h2><p class=\"muted\">%s</p><div class=\"scroll\">"
                         "<table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                         "<th></th></tr></thead><tbody>",
                         sl_cpage_tr(p, "API 令牌", "API tokens"),
                         sl_cpage_tr(p, "程序和命令行（screenlit）用令牌访问集线器的 API。",
                                     "Programs and the screenlit command use tokens for the hub's API."),
                         sl_cpage_tr(p, "名称", "Name"), sl_cpage_tr(p, "角色", "Role"),
                         sl_cpage_tr(p, "频道", "Channels"), sl_cpage_tr(p, "创建于", "Created"),
                         sl_cpage_tr(p, "吊销于", "Revoked"));
    mark = p->out->len;
    if (st->ops->token_list(st, token_row, p, err, errlen) != SL_ST_OK)
        return -1;
    sl_cpw_tbody_end(p, mark, 6);
    form_open(p, "add-token", "people/tokens/add", sl_cpage_tr(p, "创建令牌", "Create a token"));
    sl_cpw_input(p, "token-", "name", "text", sl_cpage_tr(p, "名称", "Name"), NULL, NULL);
    sl_cpw_role_select(p, "token-", "role", sl_cpage_tr(p, "角色", "Role"));
    sl_cpw_input(p, "token-", "channels", "text",
                 sl_cpage_tr(p, "可发布的频道（仅发布者；用逗号分隔；留空为全部）",
                             "Channels it may publish to (publisher only; comma separated; empty = all)"),
                 NULL, NULL);
    form_close(p, sl_cpage_tr(p, "创建", "Create"));
    sl_report_buf_puts(p->out, "</section>");

    sl_report_buf_printf(p->out, "<section id=\"keys\"><h2>%s</h2><p class=\"muted\">%s</p><div class=\"scroll\">"
                         "<table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
                         "<tbody>",
                         sl_cpage_tr(p, "发布密钥", "Publisher keys"),
                         sl_cpage_tr(p, "集线器只接受用这些密钥签名的节目单。",
                                     "The hub accepts manifests signed with these keys only."),
                         sl_cpage_tr(p, "名称", "Name"), sl_cpage_tr(p, "公钥", "Public key"),
                         sl_cpage_tr(p, "频道", "Channels"), sl_cpage_tr(p, "添加于", "Added"));
    mark = p->out->len;
    if (st->ops->key_list(st, key_row, p, err, errlen) != SL_ST_OK)
        return -1;
    sl_cpw_tbody_end(p, mark, 4);
    form_open(p, "add-key", "people/keys/add", sl_cpage_tr(p, "添加发布密钥", "Add a publisher key"));
    sl_cpw_input(p, "key-", "name", "text", sl_cpage_tr(p, "名称（留空自动命名）", "Name (empty: named after the key)"), NULL,
                 NULL);
    sl_cpw_input(p, "key-", "key", "text",
                 sl_cpage_tr(p, "公钥（publisher.pub 中的 base64 文本）", "Public key (the base64 text of publisher.pub)"),
                 NULL, NULL);
    sl_cpw_input(p, "key-", "channels", "text",
                 sl_cpage_tr(p, "可签名的频道（用逗号分隔；留空为全部）", "Channels it may sign (comma separated; empty = all)"),
                 NULL, NULL);
    form_close(p, sl_cpage_tr(p, "添加", "Add"));
    sl_report_buf_puts(p->out, "</section>");
    return 0;
}

int sl_page_people(sl_cpage *p, char *err, size_t errlen)
{
    return people_page(p, NULL, err, errlen);
}

/* A POST's refusal: the page again with the message, and status. */
static int refuse(sl_cpage *p, unsigned status, const char *msg, char *err, size_t errlen)
{
    p->status = status;
    return people_page(p, msg, err, errlen);
}

/* The outcome of a service for a POST: STORE and FAILED are the hub's failures. */
static int svc_refuse(sl_cpage *p, const sl_svc_err *e, char *err, size_t errlen)
{
    if (e->rc == SL_SVC_STORE || e->rc == SL_SVC_FAILED) {
        snprintf(err, errlen, "%s", e->msg);
        return -1;
    }
    return refuse(p, (unsigned)e->rc, e->msg, err, errlen);
}

int sl_page_people_add(sl_cpage *p, char *err, size_t errlen)
{
    const char *name = sl_cpage_field(p, "name"), *pw = sl_cpage_field(p, "password");
    const char *pw2 = sl_cpage_field(p, "password2");
    sl_hub_role role = sl_hub_role_parse(sl_cpage_field(p, "role"));
    if (!name || !sl_wire_id_ok(name))
        return refuse(p, 400, sl_cpage_tr(p, "用户名须为 1 到 64 个字母、数字、'.'、'_' 或 '-'。",
                                          "A name is 1 to 64 letters, digits, '.', '_' or '-'."), err, errlen);
    if (role == SL_ROLE_NONE)
        return refuse(p, 400, sl_cpage_tr(p, "请选择角色。", "Pick a role."), err, errlen);
    if (!pw || !pw2 || strcmp(pw, pw2) != 0)
        return refuse(p, 400, sl_cpage_tr(p, "两次输入的密码不一样。", "The two passwords differ."), err, errlen);
    const char *problem = sl_csess_password_problem(pw, p->lang);
    if (problem)
        return refuse(p, 400, problem, err, errlen);
    sl_hub_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    u.role = role;
    u.created_ms = sl_hub_now_ms();
    int h = sl_csess_password_hash(p->hub->console, pw, u.pwhash);
    if (h == -2)
        return refuse(p, 503, sl_cpage_tr(p, "集线器正忙，请几秒后再试。", "The hub is busy: try again in a few seconds."),
                      err, errlen);
    if (h != 0) {
        snprintf(err, errlen, "out of memory while hashing a password");
        return -1;
    }
    sl_st_rc r = p->hub->store->ops->user_add(p->hub->store, &u, err, errlen);
    sodium_memzero(u.pwhash, sizeof u.pwhash);
    if (r == SL_ST_CONFLICT)
        return refuse(p, 409, sl_cpage_tr(p, "已有同名用户，请换一个名字。", "A person has this name: pick another."),
                      err, errlen);
    if (r != SL_ST_OK)
        return -1;
    sl_log_info(&p->hub->log, "console: %s added %s (%s)", p->user, name, sl_hub_role_name(role));
    sl_cpw_redirect(p, "people", "added", name);
    return 0;
}

/* disable, enable, remove: the person named in the form. */
static int user_change(sl_cpage *p, const char *what, char *err, size_t errlen)
{
    const char *name = sl_cpage_field(p, "name");
    sl_store *st = p->hub->store;
    sl_hub_user u;
    if (!name || !sl_wire_id_ok(name))
        return refuse(p, 400, sl_cpage_tr(p, "没有指定用户。", "No person named."), err, errlen);
    if (p->user && strcmp(name, p->user) == 0)
        return refuse(p, 409, sl_cpage_tr(p, "不能停用或删除自己。", "You cannot disable or remove yourself."), err,
                      errlen);
    sl_st_rc r = st->ops->user_get(st, name, &u, err, errlen);
    if (r == SL_ST_OK)
        r = strcmp(what, "removed") == 0 ? st->ops->user_remove(st, name, err, errlen)
                                         : st->ops->user_set(st, name, u.role, strcmp(what, "disabled") == 0, err, errlen);
    if (r == SL_ST_NOT_FOUND)
        return refuse(p, 404, sl_cpage_tr(p, "没有这个用户。", "Nobody has this name."), err, errlen);
    if (r != SL_ST_OK)
        return -1;
    sl_log_info(&p->hub->log, "console: %s %s %s", p->user, what, name);
    sl_cpw_redirect(p, "people", what, name);
    return 0;
}

int sl_page_people_disable(sl_cpage *p, char *err, size_t errlen)
{
    return user_change(p, "disabled", err, errlen);
}

int sl_page_people_enable(sl_cpage *p, char *err, size_t errlen)
{
    return user_change(p, "enabled", err, errlen);
}

int sl_page_people_remove(sl_cpage *p, char *err, size_t errlen)
{
    return user_change(p, "removed", err, errlen);
}

int sl_page_token_add(sl_cpage *p, char *err, size_t errlen)
{
    const char *name = sl_cpage_field(p, "name"), *channels = sl_cpage_field(p, "channels");
    sl_hub_role role = sl_hub_role_parse(sl_cpage_field(p, "role"));
    char hex[SL_HUB_TOKEN_HEX + 1], scope[SL_HUB_SCOPE_MAX + 1];
    sl_svc_err e;
    if (sl_access_token_create(p->hub->store, name, role, channels, hex, scope, &e) != SL_SVC_OK)
        return svc_refuse(p, &e, err, errlen);
    sl_log_info(&p->hub->log, "console: %s created the %s token %s", p->user, sl_hub_role_name(role), name);
    sl_cpage_title(p, "新令牌", "New token");
    sl_report_buf_printf(p->out, "<h1>%s</h1><p class=\"error\" id=\"once\" role=\"alert\">%s</p><p>",
                         sl_cpage_tr(p, "新令牌", "New token"),
                         sl_cpage_tr(p, "这个令牌只显示这一次：现在就复制并妥善保存。集线器只保存它的哈希，无法再次显示。",
                                     "This token is shown this once only: copy it now and keep it safe. The hub keeps "
                                     "only its hash and cannot show it again."));
    sl_report_buf_html(p->out, name);
    sl_report_buf_printf(p->out, " (%s", sl_cpw_role(p, role));
    if (scope[0]) {
        sl_report_buf_puts(p->out, sl_cpage_tr(p, "，频道 ", ", channels "));
        sl_report_buf_html(p->out, scope);
    }
    sl_report_buf_puts(p->out, ")</p><p><code id=\"token\" class=\"big\">");
    sl_report_buf_html(p->out, hex);
    sl_report_buf_printf(p->out, "</code></p><p><a href=\"/console/people\">%s</a></p>",
                         sl_cpage_tr(p, "返回人员与令牌", "Back to people and tokens"));
    sodium_memzero(hex, sizeof hex);
    return 0;
}

int sl_page_token_revoke(sl_cpage *p, char *err, size_t errlen)
{
    const char *name = sl_cpage_field(p, "name");
    sl_svc_err e;
    if (sl_access_token_revoke(p->hub->store, name, &e) != SL_SVC_OK)
        return svc_refuse(p, &e, err, errlen);
    sl_log_info(&p->hub->log, "console: %s revoked the token %s", p->user, name);
    sl_cpw_redirect(p, "people", "revoked", name);
    return 0;
}

int sl_page_key_add(sl_cpage *p, char *err, size_t errlen)
{
    char used[SL_HUB_ID_MAX + 1];
    sl_svc_err e;
    if (sl_access_key_add(p->hub->store, sl_cpage_field(p, "name"), sl_cpage_field(p, "key"),
                          sl_cpage_field(p, "channels"), used, NULL, &e) != SL_SVC_OK)
        return svc_refuse(p, &e, err, errlen);
    sl_log_info(&p->hub->log, "console: %s added the publisher key %s", p->user, used);
    sl_cpw_redirect(p, "people", "key", used);
    return 0;
}
