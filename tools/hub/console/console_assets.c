/* console_assets.c — the console's one stylesheet and its few lines of script, served as /console/style.css and /console/console.js (no inline style or script: the CSP forbids both). */
#include "tools/hub/console/console_frame.h"
#include "tools/hub/console/page_campaigns.h"
#include "tools/hub/console/page_screens.h"

/*
 * The stylesheet works from a phone (390 px) to an office laptop (1366 px)
 * without a framework. Classes pages may use:
 *   .cards > .card (.num, .label)  summary figures in a wrapping grid
 *   .tiles > .tile                 tiles (a screen each) in a wrapping grid
 *   .scroll > table.list           a table that scrolls sideways on a phone
 *   .badge .ok .bad .warn .none    status words (lit, dark, attention, unknown)
 *   .form (label, input, select, textarea, button)   a one-column form
 *   .filters                       a row of filter fields that wraps
 *   .actions                       a row of buttons or links
 *   .error .notice .muted          messages and quiet text
 *   .pager                         previous / next links
 *   img.thumb                      a screenshot thumbnail
 *   .big                           large text (an enrolment code)
 */
const char sl_cframe_css[] =
    ":root{--fg:#1d2330;--muted:#5b6475;--line:#d8dde6;--bg:#f5f7fa;--card:#fff;--accent:#0b5cad;"
    "--ok:#17803d;--bad:#c62828;--warn:#b26a00;--none:#6b7280}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%}\n"
    "body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,\"Segoe UI\","
    "\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif}\n"
    "a{color:var(--accent)}\n"
    "header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding:.5rem 1rem;"
    "background:#13294b;color:#fff}\n"
    "header.top a{color:#fff;text-decoration:none}\n"
    ".brand{font-weight:700;white-space:nowrap}\n"
    ".nav{display:flex;flex-wrap:wrap;gap:.25rem}\n"
    ".nav a{padding:.35rem .6rem;border-radius:4px}\n"
    ".nav a:hover,.nav a.current{background:rgba(255,255,255,.18)}\n"
    ".side{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;margin-left:auto}\n"
    ".who{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}\n"
    ".who .role{opacity:.75;font-size:.85em}\n"
    ".who form{margin:0}\n"
    ".who button{background:transparent;color:#fff;border:1px solid rgba(255,255,255,.6);padding:.2rem .6rem}\n"
    ".lang a{margin-left:.4rem;opacity:.8}\n"
    ".lang a.current{opacity:1;font-weight:700;text-decoration:underline}\n"
    "main{padding:1rem;max-width:1400px;margin:0 auto}\n"
    "h1{font-size:1.4rem;margin:.25rem 0 1rem}\n"
    "h2{font-size:1.15rem;margin:1.5rem 0 .5rem}\n"
    ".muted{color:var(--muted)}\n"
    ".error,.notice{padding:.6rem .8rem;border-radius:4px;margin:0 0 1rem}\n"
    ".error{background:#fdecea;color:#8a1c1c;border:1px solid #f5c2c0}\n"
    ".notice{background:#e8f5ec;color:#125c2c;border:1px solid #b9e0c5}\n"
    ".cards,.tiles{display:grid;gap:.75rem;margin:0 0 1rem}\n"
    ".cards{grid-template-columns:repeat(auto-fit,minmax(9rem,1fr))}\n"
    ".tiles{grid-template-columns:repeat(auto-fill,minmax(15rem,1fr))}\n"
    ".card,.tile{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.75rem}\n"
    ".card .num{display:block;font-size:1.8rem;font-weight:700;line-height:1.2}\n"
    ".card .label{color:var(--muted);font-size:.9em}\n"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:0 0 1rem}\n"
    "table.list{width:100%;border-collapse:collapse;background:var(--card)}\n"
    "table.list th,table.list td{padding:.4rem .6rem;border-bottom:1px solid var(--line);text-align:left;"
    "vertical-align:top}\n"
    "table.list th{background:#eef1f6;white-space:nowrap}\n"
    "table.list td.num,table.list th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.85em;color:#fff;"
    "background:var(--none);white-space:nowrap}\n"
    ".badge.ok{background:var(--ok)}.badge.bad{background:var(--bad)}.badge.warn{background:var(--warn)}\n"
    ".badge.none{background:var(--none)}\n"
    ".form{max-width:28rem;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:1rem}\n"
    ".form label{display:block;margin:.6rem 0 .2rem;font-weight:600}\n"
    "input,select,textarea{font:inherit;padding:.45rem .55rem;border:1px solid #b9c1cf;border-radius:4px;"
    "max-width:100%}\n"
    ".form input,.form select,.form textarea{width:100%}\n"
    "button,.btn{font:inherit;display:inline-block;padding:.45rem .9rem;border-radius:4px;border:1px solid "
    "var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none}\n"
    "button.secondary,.btn.secondary{background:#fff;color:var(--accent)}\n"
    "button.danger{background:var(--bad);border-color:var(--bad)}\n"
    ".form button{margin-top:1rem}\n"
    ".filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin:0 0 1rem}\n"
    ".filters label{display:flex;flex-direction:column;font-size:.85em;color:var(--muted)}\n"
    ".actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0 1rem}\n"
    ".actions form{margin:0}\n"
    ".pager{display:flex;gap:1rem;align-items:center;margin:1rem 0}\n"
    "img.thumb{max-width:100%;height:auto;border:1px solid var(--line);border-radius:4px;background:#000}\n"
    ".big{font-size:2rem;font-weight:700;letter-spacing:.08em;font-family:ui-monospace,monospace}\n"
    "svg{max-width:100%;height:auto}\n"
    ".hb-history{max-height:20rem;overflow-y:auto}\n"
    ".problem{max-width:40rem}\n"
    "@media (max-width:600px){header.top{padding:.5rem .75rem}.side{margin-left:0;width:100%;"
    "justify-content:space-between}main{padding:.75rem}h1{font-size:1.2rem}.form{padding:.75rem}"
    ".tiles{grid-template-columns:1fr}"
    /* nothing wider than a phone: long words break, wide tables and code scroll in their own box */
    "main{overflow-wrap:anywhere}main table{display:block;overflow-x:auto;max-width:100%}"
    "pre{white-space:pre-wrap}}\n"
    /* each page's own rules, after the frame's */
    SL_PAGE_SCREENS_CSS SL_PAGE_CAMPAIGNS_CSS;

/* Without script every page works; the script only adds the two niceties. */
const char sl_cframe_js[] =
    "/* console.js: reloads a page whose body has data-refresh=\"SECONDS\" while it is visible, and asks\n"
    "   before a form with data-confirm=\"QUESTION\" is sent. Pages work without it. */\n"
    "(function () {\n"
    "  'use strict';\n"
    "  var s = parseInt(document.body.getAttribute('data-refresh') || '0', 10);\n"
    "  if (s > 0) {\n"
    "    var due = Date.now() + s * 1000, timer = null;\n"
    "    var arm = function () {\n"
    "      clearTimeout(timer);\n"
    "      if (!document.hidden)\n"
    "        timer = setTimeout(function () { location.reload(); }, Math.max(0, due - Date.now()));\n"
    "    };\n"
    "    document.addEventListener('visibilitychange', arm);\n"
    "    arm();\n"
    "  }\n"
    "  document.addEventListener('submit', function (e) {\n"
    "    var q = e.target.getAttribute && e.target.getAttribute('data-confirm');\n"
    "    if (q && !window.confirm(q))\n"
    "      e.preventDefault();\n"
    "  });\n"
    "})();\n";
