/* console_frame.h — the console's page frame: the HTML document around a page (head, navigation by role, language switch, user and logout), error pages, who may open what, and the stylesheet and script served with it. */
#ifndef SL_HUB_CONSOLE_FRAME_H
#define SL_HUB_CONSOLE_FRAME_H

#include "tools/hub/console/console.h"
#include "tools/hub/console/console_pages.h"

#include <stdbool.h>

/* The Content-Security-Policy of every console reply: nothing but the hub's
 * own files, no inline script or style (console.js and style.css are
 * files), no framing, forms post only to the hub. */
#define SL_CFRAME_CSP                                                                                        \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "      \
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/* GET /console/style.css and /console/console.js (the script reloads a page
 * with data-refresh on its body while the page is visible, and asks before
 * submitting a form with data-confirm="question"). */
extern const char sl_cframe_css[];
extern const char sl_cframe_js[];
/* GET /console/editor.js: the campaign editor's script (tools/hub/console/editor.js, compiled in at build
 * time by embed.cmake), NUL-terminated; _len bytes without the NUL. */
extern const unsigned char sl_cframe_editor_js[];
extern const size_t sl_cframe_editor_js_len;

/* What the frame decides before a page runs. */
typedef enum {
    SL_CACCESS_OK,       /* the page may run */
    SL_CACCESS_LOGIN,    /* not logged in: to the login page */
    SL_CACCESS_FORBIDDEN /* logged in with a role the page does not allow: 403 */
} sl_caccess;

sl_caccess sl_cframe_access(const sl_console_page *pg, bool logged_in, sl_hub_role role);

/* Whether role may open the GET page at path: by its line in the page table
 * or, for a page of the navigation no line has yet, by the navigation's
 * roles for it. */
bool sl_cframe_may_open(sl_hub_role role, const char *path);

/* Where role starts: the first page of the navigation it may open
 * ("screens", ...), else "password". */
const char *sl_cframe_home(sl_hub_role role);

/* Writes the whole HTML document of a page into b: p->out inside <main>, in
 * the frame for p->lang, p->user, p->role, p->csrf, p->title and
 * p->refresh_s. path is the page's path under /console/ (the navigation
 * marks its entry; the language links lead back to it with p->query). */
void sl_cframe_page(sl_report_buf *b, const sl_cpage *p, const char *path);

/* An error page: its text into p->out (emptied first), its title and
 * status. status: 400, 403, 404, 405, 409, 413, 415, 429, 500 or 503; detail
 * (may be NULL) is a sentence in p's language saying more. */
void sl_cframe_error(sl_cpage *p, unsigned status, const char *detail);

#endif
