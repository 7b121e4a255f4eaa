/* page_campaigns.h — the campaign editor page's stylesheet rules (the page is page_campaigns.c, its script editor.js). */
#ifndef SL_HUB_PAGE_CAMPAIGNS_H
#define SL_HUB_PAGE_CAMPAIGNS_H

/* The editor's rules, on top of the frame's classes (the frame's stylesheet,
 * console_assets.c, ends with them): item and rule cards, a field's error
 * under it, media facts, the upload bar, the preview's layout frames (an
 * HTML approximation whose boxes editor.js places through the CSSOM, which
 * the CSP allows), the diff's added, removed and changed rows. */
#define SL_PAGE_CAMPAIGNS_CSS                                                                                \
    "/* the campaign editor (page_campaigns.c, editor.js) */\n"                                               \
    ".ed-sec{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;"       \
    "margin:0 0 1rem}\n"                                                                                      \
    ".ed-sec h2{margin-top:.25rem}\n"                                                                         \
    ".ed-row{display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:flex-end;margin:.25rem 0}\n"            \
    ".ed-row label{display:flex;flex-direction:column;font-size:.85em;color:var(--muted)}\n"                  \
    ".ed-row label.ed-check{flex-direction:row;align-items:center;gap:.25rem;color:var(--fg)}\n"              \
    ".ed-card{border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem;margin:.5rem 0;"            \
    "background:#fbfcfe}\n"                                                                                   \
    ".ed-card h3{font-size:1rem;margin:.1rem 0 .3rem}\n"                                                      \
    ".ed-ferr{display:block;color:var(--bad);font-size:.85em;font-weight:600}\n"                              \
    ".ed-bad{border-color:var(--bad)!important;outline:1px solid var(--bad)}\n"                               \
    ".ed-warn{color:var(--warn)}\n"                                                                           \
    ".ed-media{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-start;margin:.3rem 0}\n"               \
    ".ed-media img{width:160px;height:auto;border:1px solid var(--line);background:#000}\n"                   \
    ".ed-media progress{width:14rem}\n"                                                                       \
    ".ed-key{font-family:ui-monospace,monospace;overflow-wrap:anywhere}\n"                                    \
    ".ed-frames{display:flex;flex-wrap:wrap;gap:.75rem}\n"                                                    \
    ".ed-frame figure{margin:0}\n"                                                                            \
    ".ed-screen{position:relative;width:320px;max-width:100%;aspect-ratio:16/9;background:#000;"              \
    "overflow:hidden;border:1px solid var(--line)}\n"                                                         \
    ".ed-screen.portrait{width:180px;aspect-ratio:9/16}\n"                                                    \
    ".ed-zone{position:absolute;overflow:hidden;display:flex;align-items:center;justify-content:center;"     \
    "color:#fff;font-size:.75rem;text-align:center;white-space:nowrap}\n"                                     \
    ".ed-zone img{width:100%;height:100%;object-fit:contain}\n"                                               \
    "tr.ed-added td{background:#e8f5ec}tr.ed-removed td{background:#fdecea}tr.ed-changed td{background:#fff6e0}\n" \
    ".ed-miss{color:var(--bad);font-weight:700}.ed-met{color:var(--ok);font-weight:700}\n"

#endif
