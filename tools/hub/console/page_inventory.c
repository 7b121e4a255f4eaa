/* page_inventory.c — /console/inventory (admin): the screens that should exist; upload a CSV (the import's rules, every bad line listed), download it, edit one screen's row. */
#include "tools/hub/console/console_pages.h"
#include "tools/hub/console/page_util.h"
#include "tools/hub/service/hub_inventory.h"

#include <stdio.h>
#include <string.h>

#define INV_PAGE_EXPORT_MAX (64u * 1024u * 1024u)
#define INV_PAGE_BAD_SHOWN 200

/* The columns' labels, in sl_inv_cols order. */
static const char *const col_zh[SL_INV_N_COLS] = {"编号", "名称", "地点", "区域", "单位类型",
                                                 "标签（用 ; 分隔）", "频道", "要求的播放时段", "时区"};
static const char *const col_en[SL_INV_N_COLS] = {"Id", "Name", "Site", "Region", "Unit type",
                                                 "Tags (separated by ;)", "Channel", "Required hours", "Time zone"};

static const sl_cpw_done_msg done_msgs[] = {
    {"imported", "清单已导入，屏幕数", "Inventory imported, screens"},
    {"saved", "已保存", "Saved"},
};

static int screen_row(void *ud, const sl_hub_screen_status *s)
{
    sl_cpage *p = ud;
    sl_report_buf_puts(p->out, "<tr><td><a href=\"/console/inventory/");
    sl_report_buf_html(p->out, s->s.id);
    sl_report_buf_puts(p->out, "\">");
    sl_report_buf_html(p->out, s->s.id);
    sl_report_buf_puts(p->out, "</a></td>");
    for (int c = 1; c < SL_INV_N_COLS; c++) {
        sl_report_buf_puts(p->out, "<td>");
        sl_report_buf_html(p->out, sl_inv_value(&s->s, c));
        sl_report_buf_puts(p->out, "</td>");
    }
    sl_report_buf_puts(p->out, "</tr>");
    return 0;
}

/* The bad lines of an upload, as they come. */
typedef struct {
    sl_cpage *p;
    size_t n;
} bad_list;

static void bad_line(void *ud, size_t line, const char *why)
{
    bad_list *b = ud;
    if (b->n++ == 0)
        sl_report_buf_printf(b->p->out, "<div class=\"scroll\"><table class=\"list\" id=\"bad-lines\"><thead><tr>"
                                        "<th class=\"num\">%s</th><th>%s</th></tr></thead><tbody>",
                             sl_cpage_tr(b->p, "行", "Line"), sl_cpage_tr(b->p, "问题", "Problem"));
    sl_report_buf_printf(b->p->out, "<tr id=\"line-%zu\"><td class=\"num\">%zu</td><td>", line, line);
    sl_report_buf_html(b->p->out, why);
    sl_report_buf_puts(b->p->out, "</td></tr>");
}

/* The page: an upload's outcome (error, then the bad lines already in out), the forms, the screens. */
static int inventory_page(sl_cpage *p, char *err, size_t errlen)
{
    sl_report_buf_printf(p->out, "<section id=\"upload\"><h2>%s</h2><p class=\"muted\">%s</p>"
                                 "<form method=\"post\" action=\"/console/inventory\" enctype=\"multipart/form-data\" "
                                 "class=\"form\">",
                         sl_cpage_tr(p, "上传清单", "Upload the inventory"),
                         sl_cpage_tr(p, "UTF-8 编码的 CSV，第一行为表头 id,name,site,region,unit_type,tags,channel,hours,"
                                        "timezone。按编号添加或替换屏幕；有任何错误时不做任何改动。",
                                     "A UTF-8 CSV whose first line is the header id,name,site,region,unit_type,tags,"
                                     "channel,hours,timezone. Screens are added or replaced by id; any error and "
                                     "nothing changes."));
    sl_cpage_csrf_field(p);
    sl_report_buf_printf(p->out, "<label for=\"f-csv\">%s</label><input id=\"f-csv\" name=\"csv\" type=\"file\" "
                                 "accept=\".csv,text/csv\" required><button type=\"submit\" id=\"import\">%s</button>"
                                 "</form><p><a class=\"btn secondary\" id=\"download\" "
                                 "href=\"/console/inventory/download\">%s</a></p></section>",
                         sl_cpage_tr(p, "CSV 文件", "CSV file"), sl_cpage_tr(p, "导入", "Import"),
                         sl_cpage_tr(p, "下载清单（CSV）", "Download the inventory (CSV)"));
    sl_report_buf_printf(p->out, "<section id=\"screens\"><h2>%s</h2><div class=\"scroll\"><table class=\"list\">"
                                 "<thead><tr>",
                         sl_cpage_tr(p, "屏幕", "Screens"));
    for (int c = 0; c < SL_INV_N_COLS; c++)
        sl_report_buf_printf(p->out, "<th>%s</th>", sl_cpage_tr(p, col_zh[c], col_en[c]));
    sl_report_buf_puts(p->out, "</tr></thead><tbody>");
    size_t mark = p->out->len;
    if (p->hub->store->ops->screen_list(p->hub->store, screen_row, p, err, errlen) != SL_ST_OK)
        return -1;
    sl_cpw_tbody_end(p, mark, SL_INV_N_COLS);
    sl_report_buf_puts(p->out, "</section>");
    return 0;
}

static void heading(sl_cpage *p)
{
    sl_cpage_title(p, "屏幕清单", "Inventory");
    sl_report_buf_printf(p->out, "<h1>%s</h1>", sl_cpage_tr(p, "屏幕清单", "Inventory"));
}

int sl_page_inventory(sl_cpage *p, char *err, size_t errlen)
{
    heading(p);
    sl_cpw_done(p, done_msgs, sizeof done_msgs / sizeof done_msgs[0]);
    return inventory_page(p, err, errlen);
}

int sl_page_inventory_upload(sl_cpage *p, char *err, size_t errlen)
{
    sl_svc_err e;
    size_t n = 0;
    char num[32];
    heading(p);
    if (!p->upload) {
        p->status = 400;
        sl_cpw_error(p, sl_cpage_tr(p, "没有收到文件：请选择一个 CSV 文件。", "No file came: choose a CSV file."));
        return inventory_page(p, err, errlen);
    }
    /* The error line goes first: the bad lines follow it as the service finds them. */
    sl_report_buf_printf(p->out, "<p class=\"error\" id=\"error\" role=\"alert\">%s</p>",
                         sl_cpage_tr(p, "清单有错误，未做任何改动：", "The inventory has errors; nothing changed:"));
    size_t mark = p->out->len;
    bad_list bad = {p, 0};
    sl_svc_rc rc = sl_inv_import_all(p->hub, p->upload, p->upload_len, &n, bad_line, &bad, &e);
    if (rc == SL_SVC_OK) {
        snprintf(num, sizeof num, "%zu", n);
        sl_log_info(&p->hub->log, "console: %s imported the inventory (%zu screens)", p->user, n);
        sl_cpw_redirect(p, "inventory", "imported", num);
        return 0;
    }
    if (rc == SL_SVC_STORE || rc == SL_SVC_FAILED) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    p->status = 400;
    if (bad.n)
        sl_report_buf_puts(p->out, "</tbody></table></div>");
    else if (p->out->len == mark) {
        sl_report_buf_puts(p->out, "<p class=\"error\">");
        sl_report_buf_html(p->out, e.msg);
        sl_report_buf_puts(p->out, "</p>");
    }
    return inventory_page(p, err, errlen);
}

int sl_page_inventory_download(sl_cpage *p, char *err, size_t errlen)
{
    sl_body b;
    sl_svc_err e;
    sl_body_init(&b, INV_PAGE_EXPORT_MAX);
    if (sl_inv_export(p->hub, &b, &e) != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        sl_body_free(&b);
        return -1;
    }
    sl_report_buf_add(p->out, b.data, b.len);
    sl_body_free(&b);
    snprintf(p->content_type, sizeof p->content_type, "text/csv; charset=utf-8");
    snprintf(p->filename, sizeof p->filename, "inventory.csv");
    return 0;
}

/* The form of one screen's row: vals as given (or stored), the error at column bad. */
static void row_form(sl_cpage *p, const char *const vals[SL_INV_N_COLS], int bad, const char *why)
{
    sl_cpage_title(p, "编辑屏幕", "Edit a screen");
    sl_report_buf_printf(p->out, "<h1>%s ", sl_cpage_tr(p, "编辑屏幕", "Edit screen"));
    sl_report_buf_html(p->out, p->param);
    sl_report_buf_puts(p->out, "</h1>");
    if (why)
        sl_cpw_error(p, sl_cpage_tr(p, "未保存：请改正标出的字段。", "Not saved: correct the field marked."));
    sl_report_buf_puts(p->out, "<form method=\"post\" action=\"/console/inventory/");
    sl_report_buf_html(p->out, p->param);
    sl_report_buf_puts(p->out, "\" class=\"form\" id=\"row\">");
    sl_cpage_csrf_field(p);
    for (int c = 1; c < SL_INV_N_COLS; c++)
        sl_cpw_input(p, "", sl_inv_cols[c], "text", sl_cpage_tr(p, col_zh[c], col_en[c]), vals[c], c == bad ? why : NULL);
    sl_report_buf_printf(p->out, "<p class=\"muted\">%s</p><button type=\"submit\" id=\"save\">%s</button></form>"
                                 "<p><a href=\"/console/inventory\">%s</a></p>",
                         sl_cpage_tr(p, "播放时段例如 mon-fri 08:30-17:30; sat 09:00-12:00；时区例如 Asia/Shanghai 或 +08:00。",
                                     "Hours like mon-fri 08:30-17:30; sat 09:00-12:00; a time zone like Asia/Shanghai "
                                     "or +08:00."),
                         sl_cpage_tr(p, "保存", "Save"), sl_cpage_tr(p, "返回清单", "Back to the inventory"));
}

/* The screen of p->param into *s (may be NULL): 1; 0 when it is not in the
 * inventory (the 404 page is written); -1 when the store failed. */
static int row_get(sl_cpage *p, sl_hub_screen *s, char *err, size_t errlen)
{
    sl_st_rc r = p->hub->store->ops->screen_get(p->hub->store, p->param, s, err, errlen);
    if (r == SL_ST_NOT_FOUND) {
        p->status = 404;
        heading(p);
        sl_cpw_error(p, sl_cpage_tr(p, "清单中没有这块屏幕。", "No screen of the inventory has this id."));
        return 0;
    }
    return r == SL_ST_OK ? 1 : -1;
}

int sl_page_inventory_row(sl_cpage *p, char *err, size_t errlen)
{
    sl_hub_screen s;
    int r = row_get(p, &s, err, errlen);
    if (r <= 0)
        return r;
    const char *vals[SL_INV_N_COLS];
    for (int c = 0; c < SL_INV_N_COLS; c++)
        vals[c] = sl_inv_value(&s, c);
    row_form(p, vals, -1, NULL);
    return 0;
}

int sl_page_inventory_row_save(sl_cpage *p, char *err, size_t errlen)
{
    const char *vals[SL_INV_N_COLS];
    int bad = -1;
    sl_svc_err e;
    int r = row_get(p, NULL, err, errlen);
    if (r <= 0)
        return r;
    vals[0] = p->param;
    for (int c = 1; c < SL_INV_N_COLS; c++) {
        const char *v = sl_cpage_field(p, sl_inv_cols[c]);
        vals[c] = v ? v : "";
    }
    sl_svc_rc rc = sl_inv_put_row(p->hub, vals, &bad, &e);
    if (rc == SL_SVC_INVALID) {
        p->status = 400;
        row_form(p, vals, bad, e.msg);
        return 0;
    }
    if (rc != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    sl_log_info(&p->hub->log, "console: %s saved screen %s", p->user, p->param);
    sl_cpw_redirect(p, "inventory", "saved", p->param);
    return 0;
}
