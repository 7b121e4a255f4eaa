// t_roles.js — roles as the API's: a publisher has no inventory or people page (nor links to them),
// an auditor's forged admin POST is refused by the server; and the pages work with JavaScript off.
'use strict';
const assert = require('node:assert/strict');
const web = require('./lib');

const HUB = web.HUB;
const ADMIN_PAGES = ['inventory', 'people'];

web.scenario('a publisher cannot open the inventory or people pages, nor sees links to them', async () => {
    // A publisher lands on the first page of its own navigation.
    const page = await web.session('publisher');
    const home = new URL(page.url()).pathname;
    assert.ok(home.startsWith('/console/') && home !== '/console/login', `a publisher logged in to ${home}`);
    await web.visit('publisher', home, 'home-publisher');
    for (const p of ADMIN_PAGES)
        assert.equal(await page.locator(`#nav-${p}`).count(), 0, `a publisher sees #nav-${p}`);
    assert.equal(await page.locator('#logout').count(), 1, 'a publisher\'s page has no #logout');
    for (const p of ADMIN_PAGES)
        await web.visit('publisher', `/console/${p}`, `forbidden-${p}-publisher`, { status: 403 });
    // As in the API, the screens are for admins and auditors.
    assert.equal((await page.goto(`${HUB}/console/screens`)).status(), 403, 'a publisher opened the screens');
    // An admin has them (the same check passes for the right reason).
    for (const p of ADMIN_PAGES)
        await web.visit('admin', `/console/${p}`, p);
});

web.scenario('an auditor cannot open admin pages nor press admin buttons, even by a forged POST', async () => {
    const page = await web.session('auditor');
    await page.goto(`${HUB}/console/screens`);
    for (const p of ADMIN_PAGES)
        assert.equal(await page.locator(`#nav-${p}`).count(), 0, `an auditor sees #nav-${p}`);
    for (const p of ADMIN_PAGES) {
        const r = await page.goto(`${HUB}/console/${p}`);
        assert.equal(r.status(), 403, `an auditor opened /console/${p}`);
    }
    const r = await page.goto(`${HUB}/console/screens/lobby-1`);
    assert.equal(r.status(), 200, 'an auditor cannot read a screen');
    assert.equal(await page.locator('form[action*="screenshot-request"], form[action*="enroll"], form[action*="revoke"]').count(),
        0, 'an auditor is shown an admin button');
    await web.shoot(page, 'screen-auditor', 'zh');
    // The forged POSTs, with the auditor's own valid session and CSRF token.
    const csrf = await web.csrfOf(page);
    for (const p of ['/console/screens/lobby-1/screenshot-request', '/console/screens/new-1/enroll-code',
        '/console/screens/lobby-1/revoke']) {
        const f = await page.context().request.post(HUB + p, { form: { csrf }, maxRedirects: 0 });
        assert.equal(f.status(), 403, `an auditor's POST ${p}`);
    }
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
    await Promise.all([page.waitForNavigation(), page.click('#logout')]);
    assert.equal(await page.locator('#login').count(), 1, 'logging out without JavaScript');
    await web.close(ctx);
});
