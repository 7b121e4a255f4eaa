/* page_screens.h — what the console's two screens pages (the wall, page_screens.c; a screen, page_screen.c) share: state badges, times, sizes, problems, their stylesheet. */
#ifndef SL_HUB_PAGE_SCREENS_H
#define SL_HUB_PAGE_SCREENS_H

#include "tools/hub/console/console_pages.h"
#include "tools/hub/service/hub_status.h"

#include <stdint.h>

/* The stylesheet rules of both pages, on top of the frame's classes (badge,
 * filters, list, thumb, pager, notice, big, actions): the wall as a table on
 * wide screens and as cards on a phone, the counts, the screen's page. The
 * frame's stylesheet (console_assets.c) ends with it. */
#define SL_PAGE_SCREENS_CSS                                                                                  \
    "/* the screens pages (page_screens.c, page_screen.c) */\n"                                               \
    ".wall-counts{display:flex;flex-wrap:wrap;gap:.4rem .6rem;align-items:baseline;margin:.25rem 0 1rem}\n"     \
    ".wall-total{font-size:1.3rem;font-weight:700;margin-right:.5rem}\n"                                      \
    ".wall-total.lit{color:var(--ok)}.wall-total.dark{color:var(--bad)}\n"                                    \
    ".wall-counts a{text-decoration:none}.wall-counts a.on .badge{outline:2px solid var(--fg)}\n"              \
    "table.wall td{vertical-align:top}\n"                                                                     \
    "table.wall tr.dark td:first-child{box-shadow:inset 4px 0 var(--bad)}\n"                                  \
    "img.wall-shot{display:block;width:128px;height:72px;object-fit:cover}\n"                                 \
    ".wall-noshot{display:flex;width:128px;height:72px;align-items:center;justify-content:center;"             \
    "background:#eef1f6;color:var(--muted);font-size:.8em;border-radius:4px}\n"                               \
    ".wall-id,.wall-sub{display:block;color:var(--muted);font-size:.85em}\n"                                  \
    ".wall-warn{color:var(--bad);font-weight:700}\n"                                                          \
    ".wall-pages{flex-wrap:wrap;gap:.3rem}\n"                                                                 \
    ".wall-pages a,.wall-pages span{padding:.15rem .55rem;border:1px solid var(--line);border-radius:4px;"     \
    "background:var(--card)}\n"                                                                               \
    ".wall-pages span.on{background:var(--fg);color:#fff}\n"                                                  \
    "@media (max-width:760px){"                                                                               \
    "table.wall thead{display:none}"                                                                          \
    "table.wall,table.wall tbody,table.wall tr,table.wall td{display:block;width:auto}"                       \
    "table.wall tr{border:1px solid var(--line);border-radius:6px;margin:0 0 .75rem;padding:.4rem;"           \
    "overflow:hidden;background:var(--card)}"                                                                 \
    "table.wall tr.dark{border-left:5px solid var(--bad)}"                                                    \
    "table.wall tr.dark td:first-child{box-shadow:none}"                                                      \
    "table.wall td{border:0;padding:.15rem .3rem}"                                                            \
    "table.wall td[data-label]::before{content:attr(data-label);display:inline-block;min-width:6.5em;"        \
    "color:var(--muted);font-size:.85em}"                                                                     \
    "table.wall td.wall-pic{float:right;margin-left:.5rem}"                                                   \
    "img.wall-shot,.wall-noshot{width:112px;height:63px}}\n"                                                   \
    ".scr-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.75rem}\n"           \
    ".scr-grid figure{margin:0}.scr-grid img{width:100%}\n"                                                   \
    ".scr-grid figcaption{font-size:.85em;color:var(--muted)}\n"                                              \
    ".scr-details{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}\n"              \
    ".scr-details dt{color:var(--muted)}.scr-details dd{margin:0}\n"                                          \
    ".scr-actions{align-items:flex-start}\n"                                                                  \
    ".scr-actions form{background:var(--card);border:1px solid var(--line);border-radius:6px;"                \
    "padding:.6rem .8rem;max-width:24rem}\n"                                                                  \
    ".scr-qr svg.qr{width:min(320px,80vw);height:auto}\n"                                                      \
    ".scr-heat{max-width:46rem;overflow-x:auto}.scr-heat svg.heat{min-width:34rem}\n"

/* sl_report_buf_printf into p->out in the page's language (as sl_cpage_tr
 * picks): both formats are literals, so the compiler checks both. */
#define SL_PAGE_PRINTF_TR(p, zh, en, ...)                                                                    \
    (sl_cpage_tr((p), "zh", "en")[0] == 'e' ? sl_report_buf_printf((p)->out, en, __VA_ARGS__)              \
                                            : sl_report_buf_printf((p)->out, zh, __VA_ARGS__))

/* Writes a screen of a coverage report made with detail_hours (an element
 * of its "screens") as the heat map of its n_days (1..SL_HEAT_MAX_DAYS)
 * from from_day, in the page's language. 0, or -1 with err. */
int sl_page_screens_heat(sl_cpage *p, const cJSON *scr, int64_t from_day, size_t n_days, int64_t now_ms, char *err,
                         size_t errlen);

/* A state in words: "离线" / "offline" and so on. */
const char *sl_page_screens_state_name(const sl_cpage *p, sl_screen_state s);
/* The frame's badge colour of a state: "bad" (dark), "warn" or "ok" (lit). */
const char *sl_page_screens_badge_class(sl_screen_state s);
/* Writes a state as a badge: <span class="badge bad st-CODE">words</span>. */
void sl_page_screens_badge(sl_cpage *p, sl_screen_state s);
/* Writes an instant as time ago ("3 分钟前" / "3 min ago"; "从未" / "never"
 * for -1) in a <time> element with the exact UTC instant. */
void sl_page_screens_ago(sl_cpage *p, int64_t ms, int64_t now_ms);
/* Writes a byte count as "1.5 GB" ("—" for -1). */
void sl_page_screens_bytes(sl_cpage *p, int64_t bytes);
/* Replaces the page by the frame's problem page (sl_cframe_error) of status
 * saying what is wrong (zh or en, then detail, e.g. a service's message; may
 * be NULL), with a link back to the wall. */
void sl_page_screens_problem(sl_cpage *p, unsigned status, const char *zh, const char *en, const char *detail);

#endif
