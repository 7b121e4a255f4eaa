// t_roles.js — roles as the API's: a publisher has no inventory or people page (nor links to them),
// an auditor's forged admin POST is refused by the server; and the pages work with JavaScript off.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const web = require('./lib');
const { followNav, isLoginForm } = require('./t_login');

const HUB = web.HUB;
const ADMIN_PAGES = ['inventory', 'people'];

web.scenario('a publisher has no link to the inventory or people pages and cannot read the screens', async () => {
    const page = await web.visit('publisher', '/console/password', 'password-publisher');
    for (const p of ADMIN_PAGES)
        assert.equal(await page.locator(`#nav-${p}`).count(), 0, `a publisher sees #nav-${p}`);
    assert.equal(await page.locator('#nav-channels').count(), 1, 'a publisher has no #nav-channels');
    assert.equal(await page.locator('#logout').count(), 1, 'a publisher\'s page has no #logout');
    // As in the API, screens and coverage are for admins and auditors.
    for (const p of ['/console/screens', '/console/screens/lobby-1', '/console/coverage', '/console/reports'])
        assert.equal((await page.goto(HUB + p)).status(), 403, `a publisher opened ${p}`);
    await web.shoot(page, 'forbidden-publisher', 'zh');
});

web.scenario('an auditor has no admin links nor buttons, and the server refuses its forged admin POSTs', async () => {
    const page = await web.session('auditor');
    await page.goto(`${HUB}/console/screens`);
    for (const p of ADMIN_PAGES)
        assert.equal(await page.locator(`#nav-${p}`).count(), 0, `an auditor sees #nav-${p}`);
    const r = await page.goto(`${HUB}/console/screens/lobby-1`);
    assert.equal(r.status(), 200, 'an auditor cannot read a screen');
    assert.equal(await page.locator('form[method="post"][action^="/console/screens/"]').count(), 0,
        'an auditor is shown an admin button');
    await web.shoot(page, 'screen-auditor', 'zh');
    // The forged POSTs, with the auditor's own valid session and CSRF token (its logout form's).
    const csrf = await web.csrfOf(page);
    for (const p of ['/console/screens/lobby-1/screenshot-request', '/console/screens/new-1/enroll-code',
        '/console/screens/lobby-1/revoke']) {
        const f = await page.context().request.post(HUB + p, {
            form: { csrf, hub: HUB, ttl_h: '24', confirm: 'yes' }, maxRedirects: 0,
        });
        assert.equal(f.status(), 403, `an auditor's POST ${p}`);
    }
    // lobby-1 is still enrolled and lit: the forged revocation did nothing.
    await page.goto(`${HUB}/console/screens/lobby-1`);
    assert.equal(await page.locator('h1 .st-lit').count(), 1, 'lobby-1 is not lit after the forged POSTs');
});

// The admin-only pages.
web.scenario('the inventory and people pages: an admin opens them, nobody else (403), nor without a session', async () => {
    for (const p of ADMIN_PAGES)
        await web.visit('admin', `/console/${p}`, p);
    for (const who of ['publisher', 'auditor'])
        for (const p of ADMIN_PAGES)
            await web.visit(who, `/console/${p}`, `forbidden-${p}-${who}`, { status: 403 });
    const page = await web.session('admin');
    await page.goto(`${HUB}/console/screens`);
    await followNav(page, ['channels', 'inventory', 'people']);
    const publisher = await web.session('publisher');
    await publisher.goto(`${HUB}/console/channels`);
    assert.equal(await publisher.locator('#nav-channels').count(), 1);
    const ctx = await web.context();
    const anon = await ctx.newPage();
    for (const p of ['/console/channels', '/console/inventory', '/console/people']) {
        await anon.goto(HUB + p);
        assert.ok(await isLoginForm(anon), `${p} without a session shows ${anon.url()}, not the login form`);
    }
    await web.close(ctx);
});

web.scenario('with JavaScript off one can log in and read the screens', async () => {
    const ctx = await web.context({ js: false });
    const page = await ctx.newPage();
    await web.loginForm(page, 'auditor');
    await page.waitForURL(u => u.pathname === '/console/screens');
    for (const id of ['lobby-1', 'door-2', 'new-1'])
        assert.ok(await page.locator(`a[href="/console/screens/${id}"]`).count() >= 1, `no link to screen ${id}`);
    await web.shoot(page, 'screens-nojs', 'zh');
    const r = await page.goto(`${HUB}/console/screens/lobby-1`);
    assert.equal(r.status(), 200);
    // The language switch is a link.
    await Promise.all([page.waitForNavigation(), page.click('#lang-en')]);
    assert.equal(await web.langOf(page), 'en', 'the language switch without JavaScript');
    await Promise.all([page.waitForNavigation(), page.click('#lang-zh')]);
    // The week's coverage picked in the form, and its workbook downloaded.
    await page.goto(`${HUB}/console/coverage`);
    await page.fill('form[action="/console/coverage"] input[name="from"]', '2026-11-23');
    await page.fill('form[action="/console/coverage"] input[name="to"]', '2026-11-29');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/console/coverage"] button[value="custom"]')]);
    const url = new URL(page.url());
    assert.deepEqual([url.searchParams.get('from'), url.searchParams.get('to')], ['2026-11-23', '2026-11-29']);
    assert.ok((await page.textContent('main')).includes('lobby-1'), 'the week\'s report without JavaScript');
    await web.shoot(page, 'coverage-nojs', 'zh');
    const { file } = await web.download(page, page.locator('a[href*="format=xlsx"]'), 'coverage-nojs.xlsx');
    assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), 'PK', 'the workbook is not a zip');
    await Promise.all([page.waitForNavigation(), page.click('#logout')]);
    assert.equal(await page.locator('#login').count(), 1, 'logging out without JavaScript');
    await web.close(ctx);
});

web.scenario('a bad inventory CSV uploaded on the inventory page is refused with its errors by line', async () => {
    const page = await web.session('admin');
    const r = await page.goto(`${HUB}/console/inventory`);
    assert.equal(r.status(), 200);
    const bad = path.join(web.TMP, 'bad-inventory.csv');
    fs.writeFileSync(bad, 'id,name,site,region,unit_type,tags,channel,hours,timezone\n' +
        'lobby-1,城关支行 大堂,城关支行,城关镇,bank,bank;lobby,bank-lobby,daily 00:00-24:00,Asia/Shanghai\n' +
        'bad id!,名字,网点,区,bank,,bank-lobby,daily 00:00-24:00,Asia/Shanghai\n' +
        'door-2,城东支行 门头屏,城东支行,城东区,bank,bank;led,bank-lobby,daily 00:00-24:00,Mars/Olympus\n');
    await page.setInputFiles('form[method="post"] input[type="file"]', bad);
    const [post] = await Promise.all([
        page.waitForResponse(x => x.request().method() === 'POST'),
        page.click('form[method="post"]:has(input[type="file"]) button[type="submit"]'),
    ]);
    await page.waitForLoadState('load');
    assert.ok(post.status() >= 400 && post.status() < 500, `a bad CSV answered ${post.status()}`);
    // Each bad line is a row of the table of bad lines, with the reason.
    assert.equal(await page.locator('#bad-lines #line-3').count(), 1, 'the error of line 3 (a bad id)');
    assert.equal(await page.locator('#bad-lines #line-4').count(), 1, 'the error of line 4 (an unknown time zone)');
    await web.shoot(page, 'inventory-errors', 'zh');
    // Nothing of it was taken: the wall still has the four screens, door-2 unchanged.
    await page.goto(`${HUB}/console/screens`);
    assert.equal(await page.locator('table.wall tbody tr').count(), 4);
});
