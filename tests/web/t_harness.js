// t_harness.js — the harness checks itself: the HTML checker passes valid HTML5 and fails broken
// pages (made from the console's own login page), and a dialog opened by a page is caught.
'use strict';
const assert = require('node:assert/strict');
const web = require('./lib');
const { htmlProblems } = require('./htmlcheck');

const GOOD = `<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>屏幕</title><link rel="stylesheet" href="/console/style.css"></head>
<body><header><nav><a id="nav-screens" href="/console/screens">屏幕</a></nav></header>
<main><section><h1>大屏 &lt;script&gt;</h1>
<form method="post" action="/console/logout"><input type="hidden" name="csrf" value="ab12">
<input name="user" autocomplete="username" inputmode="text" required><button id="logout" type="submit">退出</button></form>
<table><thead><tr><th>a</th></tr></thead><tbody><tr><td><span></span></td></tr></tbody></table>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img"><rect x="0" y="0" width="1" height="1"><title>t</title></rect></svg>
<figure><img src="/a.png" alt="" loading="lazy" width="4" height="3"><figcaption>x</figcaption></figure>
<details><summary>s</summary><p></p></details></section></main>
<script>if (1 < 2 && document.hidden) {}</script></body></html>
`;

web.scenario('the HTML checker passes valid HTML5 and fails broken pages', async () => {
    assert.deepEqual(htmlProblems(GOOD), []);
    const broken = {
        'an unclosed element': GOOD.replace('</section>', ''),
        'an end tag with no start': GOOD.replace('<td><span></span></td>', '<td></div></td>'),
        'mismatched tags': GOOD.replace('</h1>', '</h2>'),
        'a block inside a paragraph': GOOD.replace('<p></p>', '<p><div>x</div></p>'),
        'a broken attribute quote': GOOD.replace('href="/console/screens"', 'href="/console/screens'),
        'an unknown attribute': GOOD.replace('<table>', '<table onlcik="x">'),
        'an unknown element': GOOD.replace('<figure>', '<figur>'),
    };
    for (const [what, html] of Object.entries(broken))
        assert.notDeepEqual(htmlProblems(html), [], `the checker let ${what} pass`);

    // The console's own page: valid as served, invalid with one end tag taken out.
    const ctx = await web.context();
    const r = await ctx.request.get(`${web.HUB}/console/login`);
    assert.equal(r.status(), 200, 'GET /console/login');
    const page = await r.text();
    assert.deepEqual(htmlProblems(page), [], 'the login page as served');
    assert.match(page, /<\/form>/);
    const cut = htmlProblems(page.replace('</form>', ''));
    assert.ok(cut.some(p => /missing <\/form>|<\/form>/.test(p)), `the login page without </form>: ${cut.join('\n')}`);
    await web.close(ctx);
});

web.scenario('a dialog opened by a page is caught', async () => {
    const ctx = await web.context();
    const page = await ctx.newPage();
    await page.setContent('<p>x</p>');
    await page.evaluate(() => setTimeout(() => alert('caught'), 0));
    await web.until('the dialog', () => web.state.problems.some(p => p.includes('"caught"')));
    const caught = web.state.problems.splice(0);
    assert.ok(caught.some(p => /alert dialog "caught"/.test(p)), caught.join('\n'));
    await web.close(ctx);
});
