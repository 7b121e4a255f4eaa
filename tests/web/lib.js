// lib.js — what the browser scenarios share: Debian's Chromium through playwright-core, logged-in
// sessions per person and language, visiting a page (status, valid HTML, screenshots at two sizes in
// both languages), waiting for things (never for a fixed time), running the player.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { test } = require('node:test');
const { htmlProblems } = require('./htmlcheck');

let chromium;
try {
    ({ chromium } = require('playwright-core'));
} catch (e) {
    throw new Error(`playwright-core is not installed (tests/web/run.sh installs it with npm ci): ${e.message}`);
}

function need(name) {
    const v = process.env[name];
    if (!v)
        throw new Error(`${name} is not set: run the browser tests through ctest (tests/web/run.sh)`);
    return v;
}

const HUB = need('SL_WEB_HUB');
const SHOTS = need('SL_WEB_SHOTS');
const TMP = need('SL_WEB_TMP');
// Files the scenarios download (reports), kept for a reviewer beside the screenshots.
const DOWNLOADS = need('SL_WEB_DOWNLOADS');
const USERS = JSON.parse(fs.readFileSync(need('SL_WEB_USERS'), 'utf8'));
// How long anything may take on a busy 2-core machine before a scenario gives up.
const WAIT_MS = 120000;
const SIZES = [{ width: 1366, height: 768 }, { width: 390, height: 844 }];
const LANGS = ['zh', 'en'];
// Accept-Language of each language's sessions (the browser's locale).
const LOCALE = { zh: 'zh-CN', en: 'en-US' };
// Without the background-networking switches Chromium reaches out to the internet, which a
// closed network refuses (and which is none of a test's business).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-proxy-server',
    '--disable-dev-shm-usage'];

const state = {
    browser: null,
    sessions: new Map(),   // "who/lang/js" -> {context, page}
    pending: [],           // HTML checks of documents loaded, not yet awaited
    problems: [],          // what those checks and the pages' dialogs found
    pagesChecked: 0,
    shots: 0,
    wide: [],              // console pages wider than a phone's screen
    confirms: 0,           // confirm dialogs a scenario expects (expectConfirm)
};

const delay = ms => new Promise(r => setTimeout(r, ms));

// until(WHAT, FN[, MS]) — calls FN every half second until it returns something true (returned);
// after MS (default WAIT_MS) fails saying WHAT it waited for.
async function until(what, fn, ms = WAIT_MS) {
    const end = Date.now() + ms;
    let last = null;
    for (;;) {
        try {
            const v = await fn();
            if (v)
                return v;
            last = null;
        } catch (e) {
            last = e;
        }
        if (Date.now() > end)
            throw new Error(`gave up after ${ms / 1000} s waiting for ${what}${last ? `: ${last.message}` : ''}`);
        await delay(500);
    }
}

async function start() {
    state.browser = await chromium.launch({
        executablePath: need('SL_WEB_CHROMIUM'), headless: true, args: CHROMIUM_ARGS, timeout: WAIT_MS,
    });
}

async function stop() {
    if (state.browser)
        await state.browser.close();
    state.browser = null;
    console.log(`${state.pagesChecked} pages' HTML checked with tidy; ${state.shots} screenshots in ${SHOTS}`);
}

// checkHtml(WHERE, HTML) — queues tidy's problems with the page for the scenario's end.
function checkHtml(where, html) {
    state.pagesChecked++;
    for (const p of htmlProblems(html))
        state.problems.push(`invalid HTML in ${where}: ${p}`);
}

// Every document a page loads is checked; every dialog (alert, confirm…) it opens is a problem,
// since no console page opens one unasked (an alert means script from data ran) — but for the
// confirmation of a dangerous button that a scenario expects (expectConfirm).
function track(page) {
    page.on('response', resp => {
        const req = resp.request();
        if (resp.frame() !== page.mainFrame() || !req.isNavigationRequest())
            return;
        const status = resp.status();
        if (status >= 300 && status < 400)
            return;
        if (!(resp.headers()['content-type'] || '').startsWith('text/html'))
            return;
        const where = `${req.method()} ${resp.url()} (${status})`;
        state.pending.push(resp.text().then(html => checkHtml(where, html), async e => {
            if (req.method() !== 'GET')
                return state.problems.push(`cannot read ${where} to check it: ${e.message}`);
            const again = await page.context().request.get(resp.url());
            checkHtml(where, await again.text());
        }));
    });
    // Script errors and what the browser refused (a style or script the CSP blocks, an image that
    // does not load) are problems too; a page's own 4xx status is what a test asked for.
    page.on('pageerror', e => state.problems.push(`a script error on ${page.url()}: ${e.message}`));
    page.on('console', m => {
        if (m.type() !== 'error')
            return;
        // The page itself (a test asked for a 4xx). The pages name an empty icon, so the browser
        // asks for no /favicon.ico: a 404 of it is a problem too.
        const where = m.location().url || '';
        if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) &&
            where === page.url())
            return;
        state.problems.push(`the browser's console on ${page.url()}: ${m.text()} (${m.location().url || ''})`);
    });
    page.on('dialog', d => {
        if (d.type() === 'confirm' && state.confirms > 0) {
            state.confirms--;
            d.accept().catch(() => {});
            return;
        }
        state.problems.push(`a ${d.type()} dialog "${d.message()}" opened on ${page.url()}`);
        d.dismiss().catch(() => {});
    });
}

// opening(WHAT, OPEN) — OPEN() (Playwright's newContext or newPage, which take no timeout): once a
// loaded machine's Chromium left one unanswered for the scenario's whole 10 minutes, so after
// OPEN_MS it is asked again, once, and then the scenario fails saying so.
const OPEN_MS = 60000;
async function opening(what, open) {
    for (let attempt = 1; ; attempt++) {
        let timer;
        const late = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`Chromium opened no ${what} in ${OPEN_MS / 1000} s`)), OPEN_MS);
        });
        try {
            return await Promise.race([open(), late]);
        } catch (e) {
            if (attempt >= 2 || !/^Chromium opened no/.test(e.message))
                throw e;
            console.log(`${e.message}: asking again`);
        } finally {
            clearTimeout(timer);
        }
    }
}

// context({lang, js, locale, timezoneId}) — a fresh browser context (its own cookies) at 1366×768;
// timezoneId: the browser's own time zone (an IANA name), else the machine's.
async function context({ lang = 'zh', js = true, locale, timezoneId } = {}) {
    const ctx = await opening('a browser context', () => state.browser.newContext({
        locale: locale || LOCALE[lang], javaScriptEnabled: js, viewport: SIZES[0], acceptDownloads: true,
        ...(timezoneId ? { timezoneId } : {}),
    }));
    const newPage = ctx.newPage.bind(ctx);
    ctx.newPage = () => opening('a page', newPage);
    ctx.setDefaultTimeout(WAIT_MS);
    ctx.setDefaultNavigationTimeout(WAIT_MS);
    ctx.on('page', track);
    ctx.lang = lang;
    return ctx;
}

// login(PAGE, WHO[, PASSWORD]) — fills and sends the login form as USERS[WHO]; returns the
// reply to the form's POST.
async function loginForm(page, who, password) {
    const u = USERS[who];
    assert.ok(u, `no person "${who}" in the test's users`);
    const r = await page.goto(`${HUB}/console/login`);
    assert.equal(r.status(), 200, 'GET /console/login');
    await page.fill('input[name="user"]', u.name);
    await page.fill('input[name="password"]', password === undefined ? u.password : password);
    const [post] = await Promise.all([
        page.waitForResponse(x => x.request().method() === 'POST' && new URL(x.url()).pathname === '/console/login'),
        page.click('#login'),
    ]);
    await page.waitForLoadState('load');
    return post;
}

// session(WHO[, LANG[, JS]]) — a page logged in as USERS[WHO] in LANG, made once and kept.
async function session(who, lang = 'zh', js = true) {
    const key = `${who}/${lang}/${js}`;
    let s = state.sessions.get(key);
    if (s && !s.page.isClosed())
        return s.page;
    const ctx = await context({ lang, js });
    const page = await ctx.newPage();
    await loginForm(page, who);
    await page.waitForURL(u => u.pathname !== '/console/login');
    state.sessions.set(key, { context: ctx, page });
    return page;
}

// close(CONTEXT) — closes a context once the HTML of every page it loaded has been read.
async function close(ctx) {
    await Promise.all([...state.pending]);
    await ctx.close();
}

// forget(WHO) — drops WHO's kept sessions (after a password change or a logout).
async function forget(who) {
    for (const [key, s] of state.sessions) {
        if (key.startsWith(`${who}/`)) {
            await close(s.context);
            state.sessions.delete(key);
        }
    }
}

// shoot(PAGE, NAME, LANG[, {phone}]) — full-page screenshots of PAGE as it is, at 1366×768 and at
// 390×844: SHOTS/NAME-LANG-1366.png and SHOTS/NAME-LANG-390.png. A console page wider than the
// phone (it scrolls sideways there) is noted for the last scenario; phone: false for a page that
// is not the console's (a downloaded report).
async function shoot(page, name, lang, { phone = true } = {}) {
    const size = page.viewportSize();
    for (const s of SIZES) {
        await page.setViewportSize(s);
        const png = await page.screenshot({ path: path.join(SHOTS, `${name}-${lang}-${s.width}.png`), fullPage: true });
        state.shots++;
        const width = png.readUInt32BE(16); // the IHDR chunk's width: the page's full width
        if (phone && s.width === SIZES[1].width && width > s.width)
            state.wide.push(`${name} (${lang}, ${new URL(page.url()).pathname}): ${width} px wide`);
    }
    await page.setViewportSize(size);
}

// visit(WHO, PATH, NAME[, {status, each}]) — opens PATH as WHO in Chinese and in English: checks
// the status (200 unless told) and the page's language, calls each(PAGE, LANG) when given, takes
// the screenshots (NAME); returns the Chinese page, still there (its HTML is checked by the
// scenario's end).
async function visit(who, pathname, name, { status = 200, each } = {}) {
    let first = null;
    for (const lang of LANGS) {
        const page = await session(who, lang);
        let r = await page.goto(HUB + pathname);
        // The page before may refresh itself (the wall does) just as this navigation starts;
        // Playwright then has no response for it: go again.
        if (!r)
            r = await page.goto(HUB + pathname);
        assert.ok(r, `GET ${pathname} as ${who} (${lang}): no response`);
        assert.equal(r.status(), status, `GET ${pathname} as ${who} (${lang})`);
        assert.equal(await langOf(page), lang, `the language of ${pathname}`);
        if (each)
            await each(page, lang);
        await shoot(page, name, lang);
        first = first || page;
    }
    return first;
}

// langOf(PAGE) — the language of the page shown: "zh" or "en" (from <html lang>, e.g. zh-CN).
async function langOf(page) {
    const l = (await page.getAttribute('html', 'lang')) || '';
    return l.split('-')[0];
}

// csrfOf(PAGE) — the session's CSRF token, from a form of the page.
async function csrfOf(page) {
    const v = await page.getAttribute('input[name="csrf"]', 'value');
    assert.ok(v && /^[0-9a-f]{16,}$/.test(v), `no CSRF token in a form of ${page.url()}`);
    return v;
}

// checked() — waits for the HTML checks of the pages loaded so far; fails on any problem found
// (invalid HTML, a dialog).
async function checked() {
    while (state.pending.length)
        await Promise.all(state.pending.splice(0));
    const p = state.problems.splice(0);
    assert.deepEqual(p, [], `${p.length} problems on the pages:\n${p.join('\n')}`);
}

// scenario(NAME, FN[, OPTS]) — a test whose pages must be valid HTML and open no dialog.
// OPTS.todo: the scenario runs and reports, but its failure does not fail the suite (a page not
// built yet).
function scenario(name, fn, opts = {}) {
    test(name, { timeout: 10 * 60 * 1000, ...opts }, async t => {
        try {
            await fn(t);
        } finally {
            await checked();
        }
    });
}

// parseCsv(TEXT) — RFC 4180 rows of fields (lines end in CRLF or LF).
function parseCsv(text) {
    const rows = [];
    let row = [], field = '', quoted = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') {
                field += '"';
                i++;
            } else if (c === '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c === '"') {
            quoted = true;
        } else if (c === ',') {
            row.push(field);
            field = '';
        } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
            row.push(field);
            rows.push(row);
            row = [];
            field = '';
            if (c === '\r')
                i++;
        } else {
            field += c;
        }
    }
    if (field || row.length)
        rows.push([...row, field]);
    return rows;
}

// download(PAGE, LINK, AS) — clicks LINK and keeps what it downloads as DOWNLOADS/AS; returns the
// file's path and the name the hub gave it.
async function download(page, link, as) {
    const [d] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = path.join(DOWNLOADS, as);
    await d.saveAs(file);
    assert.equal(await d.failure(), null, `the download of ${as} failed`);
    return { file, name: d.suggestedFilename() };
}

// fillForm(FORM, FIELDS) — fills FORM's fields (a locator) by name: text into inputs, a choice into
// selects.
async function fillForm(form, fields) {
    for (const [name, value] of Object.entries(fields)) {
        const el = form.locator(`[name="${name}"]`);
        if ((await el.evaluate(e => e.tagName)) === 'SELECT')
            await el.selectOption(value);
        else
            await el.fill(value);
    }
}

// expectConfirm() — the next confirm dialog (a form with data-confirm) is expected: it is accepted.
function expectConfirm() {
    state.confirms++;
}

// run(ARGS[, MS]) — runs the player with ARGS; resolves to {code, out, err} when it exits.
function runPlayer(args, ms = 5 * 60 * 1000) {
    return new Promise((resolve, reject) => {
        const p = spawn(need('SL_WEB_PLAYER'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '', err = '';
        p.stdout.on('data', d => { out += d; });
        p.stderr.on('data', d => { err += d; });
        const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`the player ran over ${ms / 1000} s:\n${err}`)); }, ms);
        p.on('error', e => { clearTimeout(timer); reject(e); });
        p.on('exit', code => { clearTimeout(timer); resolve({ code, out, err }); });
    });
}

module.exports = {
    HUB, SHOTS, TMP, DOWNLOADS, USERS, WAIT_MS, LANGS, SIZES, state, until, delay, start, stop, context, close, track, loginForm,
    session, forget, shoot, visit, langOf, csrfOf, checked, scenario, runPlayer, checkHtml, need, parseCsv,
    download, fillForm, expectConfirm,
};
