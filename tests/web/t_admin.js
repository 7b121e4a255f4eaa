// t_admin.js — Channels (the published version, its items, the screens following it), the inventory
// (downloaded, one row edited in its form) and People (a person added who logs in and is disabled;
// an API token shown once that works against the API until it is revoked).
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const web = require('./lib');
const { TEXTS, markupProblems } = require('./markup');

const HUB = web.HUB;
const SCREENS = ['door-2', 'evil-1', 'lobby-1', 'new-1'];

// post(PAGE, FORM) — submits FORM (a locator) with its button and waits for the page it leads to;
// returns the reply to the POST.
async function post(page, form) {
    const [r] = await Promise.all([
        page.waitForResponse(x => x.request().method() === 'POST' && x.request().frame() === page.mainFrame()),
        form.locator('button[type="submit"]').click(),
    ]);
    await page.waitForLoadState('load');
    return r;
}

web.scenario('channels: the published version, its items and the screens following it', async () => {
    for (const who of ['publisher', 'auditor']) {
        const page = await web.visit(who, '/console/channels', `channels-${who}`);
        const row = page.locator('#channels tr:has(a[href="/console/channels/bank-lobby"])');
        assert.equal(await row.count(), 1, `the channels list (${who}) has no bank-lobby`);
    }
    const page = await web.session('auditor');
    await page.goto(`${HUB}/console/channels`);
    await Promise.all([page.waitForNavigation(), page.click('#channels a[href="/console/channels/bank-lobby"]')]);
    await web.visit('auditor', '/console/channels/bank-lobby', 'channel', {
        each: async (p, lang) => {
            assert.match(await p.textContent('#current'), /1/, `the current version (${lang})`);
            const items = await p.textContent('#items');
            assert.ok(items.includes('slogan') && items.includes('反诈宣传 全民参与'), `the current items (${lang})`);
            const followers = await p.locator('#followers a[href^="/console/screens/"]').allTextContents();
            assert.deepEqual(followers.map(s => s.trim()).sort(), SCREENS, `the screens following it (${lang})`);
            assert.deepEqual(await markupProblems(p, ['name']), [], `the followers' names (${lang})`);
        },
    });
});

web.scenario('the inventory: downloaded as CSV, one screen\'s row edited in its form', async () => {
    const page = await web.session('admin');
    await page.goto(`${HUB}/console/inventory`);
    const { file } = await web.download(page, page.locator('#download'), 'inventory.csv');
    const rows = web.parseCsv(fs.readFileSync(file, 'utf8').replace(/^\ufeff/, ''));
    assert.deepEqual(rows[0].slice(0, 2), ['id', 'name'], 'the inventory CSV\'s header');
    const evil = rows.find(r => r[0] === 'evil-1');
    assert.ok(evil && evil[1] === TEXTS.name && evil[2] === TEXTS.site, `evil-1's row as imported: ${evil}`);
    assert.deepEqual(rows.slice(1).filter(r => r[0]).map(r => r[0]).sort(), SCREENS, 'the inventory\'s screens');

    // A wrong value is refused, marked, and nothing is saved.
    await page.goto(`${HUB}/console/inventory/door-2`);
    const form = page.locator('form#row');
    await form.locator('input[name="hours"]').fill('whenever it suits');
    let r = await post(page, form);
    assert.ok(r.status() >= 400 && r.status() < 500, `bad hours answered ${r.status()}`);
    assert.equal(await page.locator('form#row input[name="hours"][aria-invalid="true"]').count(), 1,
        'the bad hours are not marked');
    await web.shoot(page, 'inventory-row-error', 'zh');
    // A new name is saved and shows on the screen's page.
    await page.goto(`${HUB}/console/inventory/door-2`);
    assert.equal(await form.locator('input[name="hours"]').inputValue(), 'daily 00:00-24:00', 'the refused hours were saved');
    await web.shoot(page, 'inventory-row', 'zh');
    await form.locator('input[name="name"]').fill('城东支行 门头屏（新）');
    r = await post(page, form);
    assert.ok(r.status() < 400, `saving the row answered ${r.status()}`);
    await page.goto(`${HUB}/console/screens/door-2`);
    assert.match(await page.textContent('h1'), /城东支行 门头屏（新）/, 'the new name is not on the screen\'s page');
});

web.scenario('people: a person added logs in, and is shut out once disabled', async () => {
    const page = await web.session('admin');
    await page.goto(`${HUB}/console/people`);
    const add = page.locator('form#add-user');
    await web.fillForm(add, { name: 'sun', role: 'auditor', password: 'Sun-pass-0412', password2: 'Sun-pass-0412' });
    const r = await post(page, add);
    assert.ok(r.status() < 400, `adding a person answered ${r.status()}`);
    assert.ok((await page.textContent('#users')).includes('sun'), 'sun is not listed');
    await web.shoot(page, 'people-added', 'zh');
    web.USERS.newcomer = { name: 'sun', password: 'Sun-pass-0412' };
    const theirs = await web.session('newcomer');
    assert.equal(new URL(theirs.url()).pathname, '/console/screens', 'sun (an auditor) did not land on the screens');
    // Disabled: their session ends at once.
    await page.goto(`${HUB}/console/people`);
    const disable = page.locator('#users form[action="/console/people/disable"]:has(input[name="name"][value="sun"])');
    await post(page, disable);
    await theirs.goto(`${HUB}/console/screens`);
    assert.equal(await theirs.locator('#login').count(), 1, 'a disabled person is still logged in');
    await web.forget('newcomer');
});

web.scenario('people: an API token is shown once, works against the API, and stops when revoked', async () => {
    const page = await web.session('admin');
    await page.goto(`${HUB}/console/people`);
    const add = page.locator('form#add-token');
    await web.fillForm(add, { name: 'web-auditor', role: 'auditor' });
    await post(page, add);
    const token = (await page.textContent('#token')).trim();
    assert.match(token, /^[0-9a-f]{64}$/, `the token shown: ${token}`);
    await web.shoot(page, 'token-created', 'zh');
    const api = page.context().request;
    const asToken = () => api.get(`${HUB}/api/v1/screens`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal((await asToken()).status(), 200, 'the new token does not work');
    // The list never shows it again.
    await page.goto(`${HUB}/console/people`);
    assert.ok(!(await page.content()).includes(token), 'the people page shows the token again');
    // Revoked (a dangerous button: the browser asks first).
    web.expectConfirm();
    await post(page, page.locator('#tokens form[action="/console/people/tokens/revoke"]:has(input[name="name"][value="web-auditor"])'));
    assert.equal((await asToken()).status(), 401, 'the revoked token still works');
});
