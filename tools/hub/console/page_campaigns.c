/* page_campaigns.c — /console/campaigns: the campaign editor's page. The server renders its frame and sections; the script editor.js builds the forms in them and works through /console/api/ (check, preview, compile, publish), signing in the browser with a key that never leaves it. */
#include "tools/hub/console/console_pages.h"

#include <string.h>

/* Whether a browser at this address is in a secure context (HTTPS, or the
 * hub's loopback address): only there does it have WebCrypto to sign with. */
static bool secure_context(const sl_cpage *p)
{
    if (p->tls)
        return true;
    const char *h = p->host ? p->host : "";
    static const char *const loop[] = {"127.0.0.1", "localhost", "[::1]"};
    for (size_t i = 0; i < sizeof loop / sizeof loop[0]; i++) {
        size_t n = strlen(loop[i]);
        if (strncmp(h, loop[i], n) == 0 && (h[n] == '\0' || h[n] == ':'))
            return true;
    }
    return false;
}

/* A section of the editor: its heading and the element editor.js fills. */
static void section(sl_cpage *p, const char *id, const char *zh, const char *en, bool hidden)
{
    sl_report_buf_printf(p->out, "<section class=\"ed-sec\" id=\"ed-%s\"%s><h2>%s</h2><div id=\"ed-%s-body\"></div></section>",
                         id, hidden ? " hidden" : "", sl_cpage_tr(p, zh, en), id);
}

int sl_page_campaigns(sl_cpage *p, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    sl_cpage_title(p, "节目编排", "Campaigns");
    sl_report_buf_printf(p->out, "<h1>%s</h1><p class=\"muted\">%s</p>", sl_cpage_tr(p, "节目编排", "Campaigns"),
                         sl_cpage_tr(p, "打开频道的当前节目单或从模板开始，添加标语、海报、视频和广播，设定播放规则，检查、预览，"
                                        "然后用您的密钥在浏览器中签名发布。私钥从不离开这台电脑。",
                                     "Open a channel's current playlist or start from a template, add slogans, posters, "
                                     "clips and announcements, set the rules, check and preview, then sign and publish "
                                     "with your key in this browser. The secret key never leaves this computer."));
    sl_report_buf_printf(p->out, "<noscript><p class=\"error\">%s</p></noscript>",
                         sl_cpage_tr(p, "编辑器需要 JavaScript：请在浏览器中启用它。",
                                     "The editor needs JavaScript: enable it in the browser."));
    sl_report_buf_printf(p->out, "<p class=\"error\" id=\"ed-insecure\"%s>%s</p>", secure_context(p) ? " hidden" : "",
                         sl_cpage_tr(p, "在浏览器中签名发布需要通过 HTTPS 打开控制台（或在集线器本机用 http://127.0.0.1 打开）："
                                        "浏览器只在安全连接中提供签名所需的 WebCrypto。仍可编辑、检查、预览和下载节目单。",
                                     "Publishing from the browser needs the console over HTTPS (or at http://127.0.0.1 on the "
                                     "hub's own computer): browsers give the WebCrypto that signs only to secure pages. You "
                                     "can still edit, check, preview and download the playlist."));
    sl_report_buf_printf(p->out, "<div id=\"editor\" data-lang=\"%s\" data-csrf=\"", sl_cpage_tr(p, "zh", "en"));
    sl_report_buf_html(p->out, p->csrf ? p->csrf : "");
    sl_report_buf_puts(p->out, "\" data-user=\"");
    sl_report_buf_html(p->out, p->user ? p->user : "");
    sl_report_buf_puts(p->out, "\">");
    sl_report_buf_printf(p->out, "<p id=\"ed-status\" role=\"status\" class=\"muted\">%s</p>",
                         sl_cpage_tr(p, "正在载入编辑器…", "Loading the editor…"));
    section(p, "open", "频道与节目单", "Channel and playlist", false);
    section(p, "key", "签名密钥", "Signing key", false);
    section(p, "layout", "屏幕布局", "Layout", true);
    section(p, "items", "节目", "Items", true);
    section(p, "rules", "播放规则", "Rules", true);
    section(p, "check", "检查", "Check", true);
    section(p, "preview", "预览", "Preview", true);
    section(p, "publish", "发布", "Publish", true);
    section(p, "versions", "版本", "Versions", false);
    sl_report_buf_puts(p->out, "</div><script src=\"/console/editor.js\" defer></script>");
    return 0;
}
