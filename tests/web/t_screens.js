// t_screens.js — the wall (dark screens first, counts, filters) and a screen's page: request a
// screenshot and see the real player's arrive; make an enrolment code, read its QR code with a real
// decoder and enrol a real player with what it says.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const web = require('./lib');

const HUB = web.HUB;

// The wall's rows as {id, dark, cls}, in the order shown.
async function wallRows(page) {
    const rows = [];
    const trs = page.locator('table.wall tbody tr');
    for (let i = 0, n = await trs.count(); i < n; i++) {
        const tr = trs.nth(i);
        const href = await tr.locator('a[href^="/console/screens/"]').first().getAttribute('href');
        const cls = (await tr.getAttribute('class')) || '';
        rows.push({ id: decodeURIComponent(href.replace('/console/screens/', '')), dark: /\bdark\b/.test(cls), cls });
    }
    return rows;
}

// The screenshots a screen's page shows: their image addresses.
async function shotsOn(page) {
    return page.locator('figure img[src*="/screenshot?at="]').evaluateAll(imgs => imgs.map(i => i.getAttribute('src')));
}

web.scenario('the wall lists every screen, the dark ones first, with counts', async () => {
    const page = await web.visit('auditor', '/console/screens', 'screens-auditor');
    const rows = await wallRows(page);
    assert.deepEqual(rows.map(r => r.id).sort(), ['door-2', 'evil-1', 'lobby-1', 'new-1'], 'the wall\'s screens');
    assert.equal(rows[0].dark, true, `the first row is not a dark screen: ${JSON.stringify(rows)}`);
    const lastDark = rows.map(r => r.dark).lastIndexOf(true);
    const firstLit = rows.findIndex(r => !r.dark);
    assert.ok(firstLit > lastDark, `a lit screen before a dark one: ${rows.map(r => `${r.id}${r.dark ? '(dark)' : ''}`).join(' ')}`);
    const byId = Object.fromEntries(rows.map(r => [r.id, r]));
    assert.equal(byId['lobby-1'].dark, false, `lobby-1, playing now, is not lit: ${byId['lobby-1'].cls}`);
    assert.match(byId['door-2'].cls, /st-row-offline/, 'door-2 is not shown offline');
    assert.match(byId['new-1'].cls, /st-row-never_enrolled/, 'new-1 is not shown never enrolled');
    assert.match(await page.textContent('.wall-total.lit'), /^\s*1\b/, 'the count of lit screens');
    assert.match(await page.textContent('.wall-total.dark'), /^\s*3\b/, 'the count of dark screens');
    // The filters: dark only, and one region.
    await page.selectOption('select[name="status"]', 'dark');
    await Promise.all([page.waitForNavigation(), page.click('form[method="get"][action="/console/screens"] button[type="submit"]')]);
    assert.deepEqual((await wallRows(page)).map(r => r.id).sort(), ['door-2', 'evil-1', 'new-1'], 'status=dark');
    await web.shoot(page, 'screens-dark', 'zh');
    const r = await page.goto(`${HUB}/console/screens?region=${encodeURIComponent('城关镇')}`);
    assert.equal(r.status(), 200);
    assert.deepEqual((await wallRows(page)).map(x => x.id), ['lobby-1'], 'region=城关镇');
});

web.scenario('a screen\'s page: opened from the wall, its state, heat map and plays', async () => {
    const page = await web.session('auditor');
    await page.goto(`${HUB}/console/screens`);
    await Promise.all([page.waitForNavigation(), page.click('table.wall a[href="/console/screens/lobby-1"] >> nth=0')]);
    assert.equal(new URL(page.url()).pathname, '/console/screens/lobby-1');
    assert.match(await page.textContent('h1'), /城关支行 大堂/);
    assert.equal(await page.locator('h1 .st-lit').count(), 1, 'lobby-1 is not lit on its page');
    assert.ok(await page.locator('svg').count() >= 1, 'no heat map');
    await web.visit('auditor', '/console/screens/lobby-1', 'screen');
    await web.visit('auditor', '/console/screens/lobby-1?period=month', 'screen-month');
    await web.visit('auditor', '/console/screens/door-2', 'screen-offline');
    const r = await page.goto(`${HUB}/console/screens/no-such-screen`);
    assert.equal(r.status(), 404, 'an unknown screen');
});

web.scenario('an admin requests a screenshot and sees the player\'s arrive', async () => {
    const page = await web.session('admin');
    await page.goto(`${HUB}/console/screens/lobby-1`);
    const before = new Set(await shotsOn(page));
    await Promise.all([page.waitForNavigation(), page.click('form[action="/console/screens/lobby-1/screenshot-request"] button')]);
    assert.equal(new URL(page.url()).searchParams.get('done'), 'screenshot', `after the request: ${page.url()}`);
    assert.equal(await page.locator('main [role="status"]').count(), 1, 'no notice that the screenshot was requested');
    await web.shoot(page, 'screen-screenshot-requested', 'zh');
    // The player sends it with its next heartbeat (every second here): reload until it is shown.
    const src = await web.until('the requested screenshot on the screen\'s page', async () => {
        await page.reload();
        return (await shotsOn(page)).find(s => !before.has(s));
    });
    const img = await page.context().request.get(HUB + src);
    assert.equal(img.status(), 200);
    assert.match(img.headers()['content-type'], /^image\/(png|jpeg)/);
    const body = await img.body();
    assert.ok(body.length > 100, 'an empty screenshot');
    const shown = page.locator(`img[src="${src}"]`);
    await shown.scrollIntoViewIfNeeded();
    await web.until('the screenshot drawn', () => shown.evaluate(i => i.complete && i.naturalWidth > 0));
    await web.shoot(page, 'screen-screenshot', 'zh');
    // The wall shows it as the screen's thumbnail.
    await page.goto(`${HUB}/console/screens`);
    assert.equal(await page.locator('tr:has(a[href="/console/screens/lobby-1"]) img.wall-shot').count(), 1,
        'no thumbnail on the wall');
});

// decodeQr(PNG) — the text of the QR code in the picture, read by zbarimg (zbar-tools).
function decodeQr(png) {
    const r = spawnSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' });
    if (r.error)
        throw new Error(`cannot run zbarimg (apt-get install zbar-tools): ${r.error.message}`);
    assert.equal(r.status, 0, `zbarimg read no QR code in ${png}: ${r.stderr}`);
    return r.stdout.replace(/\n$/, '');
}

web.scenario('an admin makes an enrolment code; a real player enrols with its QR code', async () => {
    let enrolFile = null;
    for (const lang of web.LANGS) {
        // In English on a phone (an installer's), in Chinese on a laptop.
        const page = await web.session('admin', lang);
        await page.setViewportSize(lang === 'en' ? web.SIZES[1] : web.SIZES[0]);
        await page.goto(`${HUB}/console/screens/new-1`);
        const form = page.locator('form[action="/console/screens/new-1/enroll-code"]');
        assert.equal(await form.locator('input[name="hub"]').inputValue(), HUB, 'the hub address the form offers');
        await Promise.all([page.waitForNavigation(), form.locator('button').click()]);
        const code = (await page.textContent('.scr-code')).trim();
        assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/, `the code shown: ${code}`);
        await web.shoot(page, 'enroll-code', lang);
        const png = path.join(web.TMP, `qr-${lang}.png`);
        await page.locator('.scr-qr svg').screenshot({ path: png });
        const text = decodeQr(png);
        assert.equal(text, `hub = ${HUB}\ncode = ${code}\n`, 'the QR code: the enrolment file\'s two lines');
        await page.setViewportSize(web.SIZES[0]);
        if (!enrolFile) {
            enrolFile = path.join(web.TMP, 'screenlit-enroll.txt');
            fs.writeFileSync(enrolFile, text);
        }
    }
    // The installer's board: the QR code's lines as its enrolment file (the player also needs the
    // hub's address in its settings to start managed: given here as player.conf's "hub =" would).
    const state = path.join(web.TMP, 'new-1');
    const hub = /^hub = (.*)$/m.exec(fs.readFileSync(enrolFile, 'utf8'))[1];
    const run = await web.runPlayer(['--hub', hub, '--enroll-file', enrolFile, '--publisher-key', web.need('SL_WEB_KEY'),
        '--state-dir', state, '--output', `frames:${path.join(web.TMP, 'new-1-frames')}`, '--frames-every', '5',
        '--size', '320x180', '--poll', '1', '--clock', 'sim:2026-11-25T10:00:00+08:00', '--run', '10']);
    assert.equal(run.code, 0, `the player: ${run.err}`);
    assert.match(run.err, /enrolled from the boot partition as screen new-1/);
    assert.equal(fs.existsSync(enrolFile), false, 'the enrolment file was kept after use');
    const page = await web.session('admin');
    await page.goto(`${HUB}/console/screens/new-1`);
    assert.equal(await page.locator('h1 .st-never_enrolled').count(), 0, 'new-1 is still never enrolled');
    await web.shoot(page, 'screen-enrolled', 'zh');

    // Revoked (after the confirmation step): the board's token stops working at once.
    await Promise.all([page.waitForNavigation(), page.click('form[action="/console/screens/new-1/revoke"] button')]);
    assert.equal(new URL(page.url()).pathname, '/console/screens/new-1/revoke', 'no confirmation step');
    await Promise.all([page.waitForNavigation(), page.click('form:has(input[name="confirm"]) button')]);
    assert.equal(new URL(page.url()).searchParams.get('done'), 'revoked', `after confirming: ${page.url()}`);
    await web.shoot(page, 'screen-revoked', 'zh');
    const again = await web.runPlayer(['--hub', hub, '--publisher-key', web.need('SL_WEB_KEY'), '--state-dir', state,
        '--output', 'null', '--size', '160x90', '--poll', '1', '--clock', 'sim:2026-11-25T11:00:00+08:00', '--run', '5']);
    assert.match(again.err, /de-enrolled at the hub/, `the revoked board: ${again.err}`);
});
