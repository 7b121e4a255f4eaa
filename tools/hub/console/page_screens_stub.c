/* page_screens_stub.c — a placeholder for /console/screens until the screens page exists: delete this file and its lines in console_pages.c and console_pages.h when it does. */
#include "tools/hub/console/console_pages.h"

int sl_page_screens_stub(sl_cpage *p, char *err, size_t errlen)
{
    sl_cpage_title(p, "屏幕", "Screens");
    sl_report_buf_printf(p->out, "<h1>%s</h1><p id=\"coming\">%s</p>", sl_cpage_tr(p, "屏幕", "Screens"),
                         sl_cpage_tr(p, "屏幕总览页即将推出。", "The screens page is coming."));
    return 0;
}
