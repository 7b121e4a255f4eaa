// t_reports.js — Coverage and Reports: the week of the plays on the page, each download format
// opened with a real reader (XLSX through unzip and its sheet XML, CSV and JSON parsed, HTML
// checked and shown), and the scheduled reports' files.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const web = require('./lib');
const { htmlProblems } = require('./htmlcheck');

const HUB = web.HUB;
const WEEK = '/console/coverage?period=custom&from=2026-11-23&to=2026-11-29';
const EVIL = '<script>alert("name")</script>';
const SCREENS = ['door-2', 'evil-1', 'lobby-1', 'new-1'];

// unzip(ARGS) — unzip's output (text); fails the test when unzip does.
function unzip(...args) {
    const r = spawnSync('unzip', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.error)
        throw new Error(`cannot run unzip (apt-get install unzip): ${r.error.message}`);
    assert.equal(r.status, 0, `unzip ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
}

const xmlText = s => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))).replace(/&amp;/g, '&');

// readXlsx(FILE) — the workbook's sheet names and every text of its cells (shared and inline), read
// from the zip's XML after unzip has tested every member's CRC.
function readXlsx(file) {
    unzip('-tq', file);
    const members = unzip('-Z1', file).split('\n').filter(Boolean);
    assert.ok(members.includes('[Content_Types].xml') && members.includes('xl/workbook.xml'),
        `not a workbook: ${members.join(' ')}`);
    const workbook = unzip('-p', file, 'xl/workbook.xml');
    const sheets = [...workbook.matchAll(/<sheet [^>]*name="([^"]*)"/g)].map(m => xmlText(m[1]));
    const texts = [];
    if (members.includes('xl/sharedStrings.xml')) {
        for (const si of unzip('-p', file, 'xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g))
            texts.push([...si[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map(t => xmlText(t[1])).join(''));
    }
    const sheetXml = members.filter(m => /^xl\/worksheets\/sheet\d+\.xml$/.test(m)).map(m => unzip('-p', file, m));
    assert.equal(sheetXml.length, sheets.length, 'one worksheet file per sheet');
    for (const x of sheetXml)
        for (const t of x.matchAll(/<is><t[^>]*>([\s\S]*?)<\/t><\/is>/g))
            texts.push(xmlText(t[1]));
    return { sheets, texts, rows: sheetXml.map(x => (x.match(/<row /g) || []).length) };
}

web.scenario('coverage of a week: the page, and each download opened with a real reader', async () => {
    const page = await web.visit('auditor', WEEK, 'coverage');
    const text = await page.textContent('main');
    for (const id of SCREENS)
        assert.ok(text.includes(id), `the coverage page does not name ${id}`);
    assert.ok(text.includes(EVIL), 'the coverage page does not show the markup name as text');
    assert.ok(await page.locator('section.cov-rank table').count() >= 1, 'no ranking of regions or unit types');

    const links = page.locator('p.cov-downloads a');
    assert.equal(await links.count(), 4, 'four download links');
    const got = {};
    for (const fmt of ['xlsx', 'csv', 'html', 'json']) {
        const link = page.locator(`p.cov-downloads a[href*="format=${fmt}"]`);
        got[fmt] = await web.download(page, link, `coverage.${fmt}`);
        assert.match(got[fmt].name, new RegExp(`\\.${fmt}$`), `the ${fmt} file's name: ${got[fmt].name}`);
    }

    const x = readXlsx(got.xlsx.file);
    assert.deepEqual(x.sheets, ['汇总', '屏幕明细', '未点亮屏幕', '节目播放'], 'the workbook\'s sheets (Chinese page)');
    for (const id of SCREENS)
        assert.ok(x.texts.includes(id), `the workbook does not list ${id}`);
    assert.ok(x.texts.includes(EVIL), 'the workbook lost the markup name');
    assert.ok(x.rows[1] >= 1 + SCREENS.length, `the Screens sheet has ${x.rows[1]} rows`);

    const csv = fs.readFileSync(got.csv.file, 'utf8');
    assert.ok(csv.startsWith('\ufeff'), 'the CSV has no byte order mark');
    assert.ok(csv.includes('\r\n') && !/[^\r]\n/.test(csv), 'the CSV lines do not end in CRLF');
    const rows = web.parseCsv(csv.slice(1));
    const widths = new Set(rows.map(r => r.length));
    assert.deepEqual([...widths], [23], `every CSV row has 23 columns: ${[...widths]}`);
    const screenRows = rows.filter(r => r[0] === '屏幕');
    assert.deepEqual(screenRows.map(r => r[1]).sort(), SCREENS, 'the CSV\'s screen rows');
    assert.equal(screenRows.find(r => r[1] === 'evil-1')[2], EVIL, 'the CSV changed the markup name');

    const doc = JSON.parse(fs.readFileSync(got.json.file, 'utf8'));
    assert.equal(doc.from, '2026-11-23');
    assert.equal(doc.to, '2026-11-29');
    assert.deepEqual(doc.screens.map(s => s.id), SCREENS, 'the JSON\'s screens');
    const lobby = doc.screens.find(s => s.id === 'lobby-1');
    assert.ok(lobby.plays > 0 && lobby.lit_s > 0, `lobby-1 played that week: ${JSON.stringify(lobby)}`);
    assert.ok(doc.dark.some(d => d.id === 'new-1' && d.reasons.some(r => r.code === 'never_enrolled')) ||
        doc.screens.find(s => s.id === 'new-1').enrolled, 'new-1 is neither dark as never enrolled nor enrolled');

    const html = fs.readFileSync(got.html.file, 'utf8');
    assert.deepEqual(htmlProblems(html), [], 'the HTML report is not valid HTML');
    const ctx = await web.context();
    const view = await ctx.newPage();
    await view.goto(`file://${got.html.file}`);
    const shown = await view.textContent('body');
    assert.ok(shown.includes(EVIL) && shown.includes('lobby-1'), 'the HTML report does not show its screens');
    await web.shoot(view, 'coverage-report-html', 'zh', { phone: false });
    await web.close(ctx);
    // Without a period: last week (the campaign's Friday-16:00 week).
    await web.visit('auditor', '/console/coverage', 'coverage-last-week');
});

web.scenario('coverage: a bad period is explained, and the English page downloads English files', async () => {
    const page = await web.session('auditor', 'en');
    const r = await page.goto(`${HUB}/console/coverage?period=custom&from=2026-11-29&to=2026-11-23`);
    assert.ok(r.status() === 200 || r.status() === 400, `a period backwards: ${r.status()}`);
    assert.ok(await page.locator('.error').count() >= 1, 'a period backwards is not explained');
    await web.shoot(page, 'coverage-bad-period', 'en');
    await page.goto(HUB + WEEK);
    const { file } = await web.download(page, page.locator('p.cov-downloads a[href*="format=xlsx"]'), 'coverage-en.xlsx');
    assert.deepEqual(readXlsx(file).sheets, ['Summary', 'Screens', 'Dark screens', 'Items']);
});

web.scenario('the scheduled reports are listed and each file downloads', async () => {
    const page = await web.visit('auditor', '/console/reports', 'reports');
    const links = page.locator('a[href^="/console/reports/"]');
    const n = await links.count();
    assert.ok(n >= 3, `the reports page links ${n} files`);
    for (let i = 0; i < n; i++) {
        const href = await links.nth(i).getAttribute('href');
        const r = await page.context().request.get(HUB + href);
        assert.equal(r.status(), 200, href);
        const body = await r.body();
        if (href.endsWith('.xlsx'))
            assert.equal(body.subarray(0, 2).toString(), 'PK', `${href} is not a zip`);
        else if (href.endsWith('.csv'))
            assert.ok(body.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), `${href} has no BOM`);
        else if (href.endsWith('.html'))
            assert.deepEqual(htmlProblems(body.toString('utf8')), [], `${href} is not valid HTML`);
    }
    const r = await page.goto(`${HUB}/console/reports/..%2Fhub.db`);
    assert.ok(r.status() === 404 || r.status() === 400, `a name outside the reports: ${r.status()}`);
});
