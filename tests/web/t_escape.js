// t_escape.js — inventory texts that are markup (<script>…, "><img onerror=…>, <b>…</b>&amp;) are
// shown as text on every page that shows them, and never become elements or run.
'use strict';
const assert = require('node:assert/strict');
const web = require('./lib');

const HUB = web.HUB;
const { TEXTS, markupProblems } = require('./markup');

web.scenario('the markup check fails on a page that does not escape', async () => {
    const ctx = await web.context();
    const page = await ctx.newPage();
    await page.setContent(`<main><p>${TEXTS.name}</p><p>${TEXTS.site}</p><p>${TEXTS.region}</p></main>`);
    const p = await markupProblems(page, ['name', 'site', 'region']);
    assert.ok(p.length >= 4, `the check found only: ${p.join('\n')}`);
    await web.until('the alerts', () => web.state.problems.filter(x => / dialog "(name|site)"/.test(x)).length === 2);
    web.state.problems.splice(0);
    await web.close(ctx);
});

web.scenario('markup in inventory names is shown as text on every page', async () => {
    const week = '/console/coverage?period=custom&from=2026-11-23&to=2026-11-29';
    const pages = [
        ['/console/screens', 'screens-markup', ['name', 'site', 'region', 'unit']],
        ['/console/screens?status=never_enrolled', 'screens-never-enrolled', ['name', 'site', 'region', 'unit']],
        [`/console/screens?region=${encodeURIComponent(TEXTS.region)}`, 'screens-region-markup', ['name']],
        ['/console/screens/evil-1', 'screen-markup', ['name', 'site', 'region', 'unit']],
        ['/console/screens/evil-1?period=month', 'screen-markup-month', ['name']],
        [week, 'coverage-markup', ['name', 'region', 'unit']],
        [`${week}&region=${encodeURIComponent(TEXTS.region)}`, 'coverage-region-markup', ['name']],
        ['/console/inventory', 'inventory-markup', ['name', 'site', 'region', 'unit']],
        ['/console/channels/bank-lobby', 'channel-markup', ['name', 'site']],
    ];
    for (const [path, name, want] of pages) {
        await web.visit('admin', path, name, {
            each: async (page, lang) => assert.deepEqual(await markupProblems(page, want), [], `${path} (${lang})`),
        });
    }
    // evil-1's row in the inventory's form: each text as the value of its field.
    await web.visit('admin', '/console/inventory/evil-1', 'inventory-row-markup', {
        each: async (page, lang) => {
            assert.deepEqual(await markupProblems(page, []), [], `the form of evil-1's row (${lang})`);
            for (const [field, k] of [['name', 'name'], ['site', 'site'], ['region', 'region'], ['unit_type', 'unit']])
                assert.equal(await page.locator(`form#row input[name="${field}"]`).inputValue(), TEXTS[k], `${field} (${lang})`);
        },
    });
    // The filters offer the markup region and unit type as words, and choosing one works.
    const page = await web.session('admin');
    await page.goto(`${HUB}/console/screens`);
    const options = await page.locator('select[name="region"] option').allTextContents();
    assert.ok(options.includes(TEXTS.region), `the region choices: ${options.join(' | ')}`);
    await page.selectOption('select[name="region"]', { label: TEXTS.region });
    await Promise.all([page.waitForNavigation(), page.click('form[method="get"][action="/console/screens"] button[type="submit"]')]);
    const ids = await page.locator('table.wall tbody tr .wall-id').allTextContents();
    assert.deepEqual(ids.map(s => s.trim()), ['evil-1'], 'the markup region chosen');
    // The admin's forms on evil-1's page: its enrolment code and the revocation's confirmation.
    await page.goto(`${HUB}/console/screens/evil-1`);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/console/screens/evil-1/enroll-code"] button')]);
    assert.deepEqual(await markupProblems(page, ['name']), [], 'the enrolment code of evil-1');
    await web.shoot(page, 'enroll-code-markup', 'zh');
    await page.goto(`${HUB}/console/screens/evil-1`);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/console/screens/evil-1/revoke"] button')]);
    assert.deepEqual(await markupProblems(page, ['name']), [], 'the revocation of evil-1, to confirm');
    assert.equal(await page.locator('input[name="confirm"][value="yes"]').count(), 1, 'no confirmation step');
    await web.shoot(page, 'revoke-confirm', 'zh');
});
