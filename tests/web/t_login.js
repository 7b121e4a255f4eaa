// t_login.js — logging in and out, the language (Chinese first), changing the password, and the
// session cookie and CSRF token that guard every POST.
'use strict';
const assert = require('node:assert/strict');
const web = require('./lib');

const HUB = web.HUB;

// Is PAGE the login form (where the console sends whoever is not logged in)?
async function isLoginForm(page) {
    return (await page.locator('input[name="user"]').count()) === 1 &&
        (await page.locator('input[name="password"]').count()) === 1 && (await page.locator('#login').count()) === 1;
}

web.scenario('the login page: Chinese by default, English from the browser, valid at both sizes', async () => {
    // A browser asking for French gets Chinese, the console's first language.
    for (const [locale, lang] of [['fr-FR', 'zh'], ['zh-CN', 'zh'], ['en-US', 'en'], ['en-GB', 'en']]) {
        const ctx = await web.context({ locale });
        const page = await ctx.newPage();
        const r = await page.goto(`${HUB}/console/login`);
        assert.equal(r.status(), 200);
        assert.equal(await web.langOf(page), lang, `Accept-Language ${locale}`);
        assert.ok(await isLoginForm(page), 'the login form: input user, input password, button #login');
        if (locale === 'zh-CN' || locale === 'en-US')
            await web.shoot(page, 'login', lang);
        await web.close(ctx);
    }
});

web.scenario('not logged in: every page leads to the login form', async () => {
    const ctx = await web.context();
    const page = await ctx.newPage();
    for (const p of ['/console/screens', '/console/screens/lobby-1', '/console/coverage', '/console/reports',
        '/console/password']) {
        await page.goto(HUB + p);
        assert.ok(await isLoginForm(page), `${p} without a session shows ${page.url()}, not the login form`);
        assert.equal(await page.locator('#logout').count(), 0, `${p}: a logout button without a session`);
    }
    await web.close(ctx);
});

web.scenario('a wrong password is refused (401, #error); the right one opens the screens', async () => {
    const ctx = await web.context();
    const page = await ctx.newPage();
    const bad = await web.loginForm(page, 'auditor', 'not-the-password');
    assert.equal(bad.status(), 401, 'a wrong password');
    await page.locator('#error').waitFor({ state: 'visible' });
    const said = (await page.textContent('#error')).trim();
    assert.ok(said.length > 0, '#error says nothing');
    assert.equal(await page.locator('#logout').count(), 0, 'logged in with a wrong password');
    await web.shoot(page, 'login-error', 'zh');
    // An unknown name gets the very same answer (nobody learns which names exist).
    const ctx2 = await web.context();
    const page2 = await ctx2.newPage();
    await page2.goto(`${HUB}/console/login`);
    await page2.fill('input[name="user"]', 'nobody-by-that-name');
    await page2.fill('input[name="password"]', 'whatever-it-is');
    const [nobody] = await Promise.all([
        page2.waitForResponse(x => x.request().method() === 'POST'),
        page2.click('#login'),
    ]);
    assert.equal(nobody.status(), 401, 'an unknown name');
    await page2.locator('#error').waitFor({ state: 'visible' });
    assert.equal((await page2.textContent('#error')).trim(), said, 'an unknown name is told something else');
    await web.close(ctx2);
    // The right password, after the wrong one, on the same page.
    const good = await web.loginForm(page, 'auditor');
    assert.ok(good.status() < 400, `the right password answered ${good.status()}`);
    await page.waitForURL(u => u.pathname === '/console/screens');
    assert.equal(await page.locator('#logout').count(), 1, 'no #logout once logged in');
    assert.equal(await page.locator('#error').count(), 0, 'an #error after logging in');
    await web.close(ctx);
});

web.scenario('the session cookie is HttpOnly and SameSite=Strict', async () => {
    const page = await web.session('admin');
    const cookies = await page.context().cookies();
    assert.ok(cookies.length >= 1, 'no cookie after logging in');
    for (const c of cookies) {
        assert.equal(c.httpOnly, true, `cookie ${c.name} is not HttpOnly`);
        assert.equal(c.sameSite, 'Strict', `cookie ${c.name} is not SameSite=Strict`);
    }
});

web.scenario('the navigation and the language links on every page an admin sees', async () => {
    const page = await web.visit('admin', '/console/screens', 'screens');
    for (const id of ['nav-screens', 'nav-coverage', 'nav-reports', 'nav-channels', 'nav-inventory', 'nav-people',
        'lang-zh', 'lang-en', 'logout'])
        assert.equal(await page.locator(`#${id}`).count(), 1, `#${id} on the screens page`);
    // The switch: to English and back, on the page one is on.
    await Promise.all([page.waitForLoadState('load'), page.click('#lang-en')]);
    await web.until('the English page', async () => (await web.langOf(page)) === 'en');
    assert.equal(new URL(page.url()).pathname, '/console/screens', 'the language switch left the page');
    await Promise.all([page.waitForLoadState('load'), page.click('#lang-zh')]);
    await web.until('the Chinese page', async () => (await web.langOf(page)) === 'zh');
    // Each navigation link opens its page.
    await followNav(page, ['coverage', 'reports', 'screens']);
});

// followNav(PAGE, NAMES) — clicks #nav-NAME for each NAME: it must open /console/NAME (200).
async function followNav(page, names) {
    for (const name of names) {
        const [r] = await Promise.all([page.waitForNavigation(), page.click(`#nav-${name}`)]);
        assert.equal(new URL(page.url()).pathname, `/console/${name}`, `#nav-${name}`);
        assert.equal(r.status(), 200, `#nav-${name} → /console/${name}`);
    }
}

module.exports = { followNav, isLoginForm };

web.scenario('a POST without the CSRF field is refused (403) even with a valid session', async () => {
    const page = await web.session('admin');
    await page.goto(`${HUB}/console/password`);
    const csrf = await web.csrfOf(page);
    const req = page.context().request;
    const tries = {
        'no csrf field': {},
        'an empty csrf field': { csrf: '' },
        'another csrf token': { csrf: csrf.replace(/^./, c => (c === '0' ? '1' : '0')) },
    };
    for (const [what, extra] of Object.entries(tries)) {
        for (const p of ['/console/password', '/console/logout']) {
            const r = await req.post(HUB + p, {
                form: { old: web.USERS.admin.password, new: 'Never-set-0412', new2: 'Never-set-0412', ...extra },
                maxRedirects: 0,
            });
            assert.equal(r.status(), 403, `POST ${p} with ${what}`);
        }
    }
    // Still logged in with the old password: none of those acted.
    const r = await page.goto(`${HUB}/console/screens`);
    assert.equal(r.status(), 200);
    assert.equal(await page.locator('#logout').count(), 1, 'a refused logout logged out');
    // The same POST with the token is taken (here: a logout of a throwaway session).
    const ctx = await web.context();
    const p2 = await ctx.newPage();
    await web.loginForm(p2, 'admin');
    await p2.waitForURL(u => u.pathname === '/console/screens');
    const ok = await ctx.request.post(`${HUB}/console/logout`, { form: { csrf: await web.csrfOf(p2) }, maxRedirects: 0 });
    assert.ok([200, 303].includes(ok.status()), `POST /console/logout with its token: ${ok.status()}`);
    await p2.goto(`${HUB}/console/screens`);
    assert.ok(await isLoginForm(p2), 'still logged in after the logout');
    await web.close(ctx);
});

web.scenario('log out with #logout: the session ends', async () => {
    const ctx = await web.context();
    const page = await ctx.newPage();
    await web.loginForm(page, 'auditor');
    await page.waitForURL(u => u.pathname === '/console/screens');
    const before = await ctx.cookies();
    await Promise.all([page.waitForNavigation(), page.click('#logout')]);
    assert.ok(await isLoginForm(page), `after #logout: ${page.url()}`);
    // The old cookie, sent again, opens nothing.
    const ctx2 = await web.context();
    await ctx2.addCookies(before);
    const p2 = await ctx2.newPage();
    await p2.goto(`${HUB}/console/screens`);
    assert.ok(await isLoginForm(p2), 'the cookie of a logged-out session still works');
    await web.close(ctx2);
    await web.close(ctx);
});

// Logging in as NAME with PASSWORD in a fresh context: true when it leads to the screens.
async function logsIn(who, password) {
    const ctx = await web.context();
    const page = await ctx.newPage();
    const r = await web.loginForm(page, who, password);
    const ok = r.status() !== 401 && new URL(page.url()).pathname === '/console/screens';
    await web.close(ctx);
    return ok;
}

web.scenario('changing the password on /console/password', async () => {
    const who = 'changer';
    const old = web.USERS[who].password;
    const next = 'Chen-new-pass-1130';
    await web.visit(who, '/console/password', 'password');
    const page = await web.session(who);
    await page.goto(`${HUB}/console/password`);
    // A wrong old password, and two new ones that differ: nothing changes.
    for (const [o, n, n2] of [['wrong-old-pass', next, next], [old, next, `${next}x`]]) {
        await page.fill('input[name="old"]', o);
        await page.fill('input[name="new"]', n);
        await page.fill('input[name="new2"]', n2);
        const [r] = await Promise.all([
            page.waitForResponse(x => x.request().method() === 'POST'),
            page.click('#save'),
        ]);
        assert.ok(r.status() >= 400 && r.status() < 500, `a refused change answered ${r.status()}`);
        await page.waitForLoadState('load');
        assert.equal(await page.locator('#error').count(), 1, 'a refused change shows no #error');
    }
    await web.shoot(page, 'password-error', 'zh');
    assert.equal(await logsIn(who, old), true, 'the old password stopped working after refused changes');
    // The change: the new password works, the old one no longer.
    await page.goto(`${HUB}/console/password`);
    await page.fill('input[name="old"]', old);
    await page.fill('input[name="new"]', next);
    await page.fill('input[name="new2"]', next);
    const [r] = await Promise.all([page.waitForResponse(x => x.request().method() === 'POST'), page.click('#save')]);
    assert.ok(r.status() < 400, `the change answered ${r.status()}`);
    await page.waitForLoadState('load');
    await web.shoot(page, 'password-changed', 'zh');
    assert.equal(await logsIn(who, next), true, 'the new password does not work');
    assert.equal(await logsIn(who, old), false, 'the old password still works');
    web.USERS[who].password = next;
    await web.forget(who);
});
