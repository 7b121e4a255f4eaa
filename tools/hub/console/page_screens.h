/* page_screens.h — what the console's two screens pages (the wall, page_screens.c; a screen, page_screen.c) share: state badges, times, sizes, versions, links, problems, their stylesheet. */
#ifndef SL_HUB_PAGE_SCREENS_H
#define SL_HUB_PAGE_SCREENS_H

#include "tools/hub/console/console.h"
#include "tools/hub/service/hub_status.h"

#include <stdint.h>

/* The stylesheet rules of both pages (classes wall-*, scr-*, st-*): the
 * wall as a table on wide screens and as cards on a phone. The frame's
 * stylesheet appends it. */
extern const char sl_page_screens_css[];

/* sl_report_buf_printf into p->out in the page's language (as sl_cpage_tr
 * picks): both formats are literals, so the compiler checks both. */
#define SL_PAGE_PRINTF_TR(p, zh, en, ...)                                                                    \
    (sl_cpage_tr((p), "zh", "en")[0] == 'e' ? sl_report_buf_printf((p)->out, en, __VA_ARGS__)              \
                                            : sl_report_buf_printf((p)->out, zh, __VA_ARGS__))

/* A state in words: "离线" / "offline" and so on. */
const char *sl_page_screens_state_name(const sl_cpage *p, sl_screen_state s);
/* Writes a state as a badge: <span class="st st-CODE">words</span>. */
void sl_page_screens_badge(sl_cpage *p, sl_screen_state s);
/* Writes an instant as time ago ("3 分钟前" / "3 min ago"; "从未" / "never"
 * for -1) in a <time> element with the exact UTC instant. */
void sl_page_screens_ago(sl_cpage *p, int64_t ms, int64_t now_ms);
/* Writes a byte count as "1.5 GB" ("—" for -1). */
void sl_page_screens_bytes(sl_cpage *p, int64_t bytes);
/* Writes a percent-encoded query value (every byte but A-Z a-z 0-9 - . _ ~
 * as %XX) into b; the caller escapes the whole link for HTML. */
void sl_page_screens_pct(sl_report_buf *b, const char *s);
/* Replaces the page by a problem: p->status, a heading and what is wrong
 * (detail, e.g. a service's message, may be NULL), and a link to the wall. */
void sl_page_screens_problem(sl_cpage *p, unsigned status, const char *zh, const char *en, const char *detail);

/* ---- the handlers (the page table names them) ---- */
/* GET screens: the wall. */
int sl_page_screens(sl_cpage *p, char *err, size_t errlen);
/* GET screens/ * /screenshot[?at=MS]: a screen's latest screenshot, or the one taken at MS, as an image. */
int sl_page_screens_shot(sl_cpage *p, char *err, size_t errlen);
/* GET screens/ *: one screen. */
int sl_page_screen(sl_cpage *p, char *err, size_t errlen);
/* POST screens/ * /screenshot-request (admin): ask for a screenshot now. */
int sl_page_screen_shot_request(sl_cpage *p, char *err, size_t errlen);
/* POST screens/ * /enroll-code (admin): make an enrolment code, shown once with its QR code. */
int sl_page_screen_enroll_code(sl_cpage *p, char *err, size_t errlen);
/* POST screens/ * /revoke (admin): de-enrol the screen, after a confirmation step. */
int sl_page_screen_revoke(sl_cpage *p, char *err, size_t errlen);

#endif
