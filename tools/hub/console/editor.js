/* editor.js — the campaign editor of the web console (/console/campaigns, page_campaigns.c): builds a
   playlist source (content/FORMAT.md) with forms, uploads media (SHA-256 in the browser, resumable),
   checks and previews it through the hub (/console/api/), and publishes it signed with the publisher's
   Ed25519 key in WebCrypto. The secret key never leaves the browser: only the signature is sent.
   Compiled into the hub at build time (embed.cmake) and served as /console/editor.js. */
(function () {
    'use strict';
    const root = document.getElementById('editor');
    if (!root)
        return;
    const EN = root.getAttribute('data-lang') === 'en';
    const T = (zh, en) => (EN ? en : zh);
    let csrf = root.getAttribute('data-csrf') || '';
    const DRAFT = 'screenlit-editor-draft';
    const CHUNK = 8 * 1024 * 1024; /* bytes per PUT (the hub takes at most 64 MiB a request) */
    const secure = window.isSecureContext && !!(window.crypto && window.crypto.subtle);

    /* ---- small helpers ------------------------------------------------------------------------- */

    /* h(TAG, ATTRS, ...CHILDREN): an element; text is always set as text, never parsed as HTML. */
    function h(tag, attrs, ...kids) {
        const e = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs || {})) {
            if (v === null || v === undefined || v === false)
                continue;
            if (k.startsWith('on'))
                e.addEventListener(k.slice(2), v);
            else if (k === 'text')
                e.textContent = v;
            else if (k === 'value')
                e.value = v;
            else if (k === 'checked')
                e.checked = true;
            else
                e.setAttribute(k, v === true ? '' : String(v));
        }
        for (const c of kids.flat())
            if (c !== null && c !== undefined && c !== false)
                e.append(c instanceof Node ? c : String(c));
        return e;
    }
    const $ = id => document.getElementById(id);
    const b64 = bytes => btoa(Array.from(new Uint8Array(bytes), c => String.fromCharCode(c)).join(''));
    const unb64 = s => Uint8Array.from(atob(s), c => c.charCodeAt(0));
    const hex = buf => Array.from(new Uint8Array(buf), c => c.toString(16).padStart(2, '0')).join('');
    function mb(n) {
        if (n < 1024 * 1024)
            return `${(n / 1024).toFixed(1)} KB`;
        return `${(n / 1048576).toFixed(1)} MB`;
    }
    function say(id, text, cls) {
        const el = $(id);
        el.replaceChildren(h('p', { class: cls || 'notice', role: cls === 'error' ? 'alert' : 'status', text }));
        return el;
    }
    function status(text) {
        $('ed-status').textContent = text;
    }
    function clone(x) {
        return JSON.parse(JSON.stringify(x));
    }

    /* api(METHOD, PATH, BODY): JSON from /console/api/PATH; a refusal throws its {"error"}. */
    async function api(method, path, body) {
        const init = { method, headers: {}, credentials: 'same-origin' };
        if (method !== 'GET')
            init.headers['X-Screenlit-CSRF'] = csrf;
        if (body !== undefined) {
            init.headers['Content-Type'] = 'application/json';
            init.body = typeof body === 'string' ? body : JSON.stringify(body);
        }
        const r = await fetch('/console/api/' + path, init);
        let j = null;
        try {
            j = await r.json();
        } catch (e) {
            j = null;
        }
        if (!r.ok) {
            const e = new Error((j && j.error) || `${method} /console/api/${path}: HTTP ${r.status}`);
            e.status = r.status;
            e.body = j;
            throw e;
        }
        return j;
    }
    const chPath = () => 'channels/' + encodeURIComponent(S.channel);

    /* ---- the model -------------------------------------------------------------------------------- */

    const LAYOUTS = {
        lobby: {
            zh: '大堂屏：主区域 + 底部滚动字幕', en: 'Lobby: main area + ticker',
            zones: [{ id: 'main', x: 0, y: 0, w: 100, h: 88, background: '#000000' },
                { id: 'ticker', x: 0, y: 88, w: 100, h: 12, background: '#b3131b' }],
        },
        banner: {
            zh: '门头 LED 条屏：一行滚动字幕', en: 'LED door banner: one ticker line',
            zones: [{ id: 'ticker', x: 0, y: 0, w: 100, h: 100, background: '#000000' }],
        },
        portrait: {
            zh: '竖屏：海报 + 底部字幕', en: 'Portrait screen: posters + ticker', portrait: true,
            zones: [{ id: 'main', x: 0, y: 0, w: 100, h: 85, background: '#000000' },
                { id: 'ticker', x: 0, y: 85, w: 100, h: 15, background: '#13294b' }],
        },
        full: {
            zh: '整屏一个区域', en: 'Whole screen, one area',
            zones: [{ id: 'main', x: 0, y: 0, w: 100, h: 100, background: '#000000' }],
        },
    };
    const VOICE = { id: 'voice', sound: true, duck: 0.25 };
    const WEEKDAYS = [['mon', '一', 'Mon'], ['tue', '二', 'Tue'], ['wed', '三', 'Wed'], ['thu', '四', 'Thu'],
        ['fri', '五', 'Fri'], ['sat', '六', 'Sat'], ['sun', '日', 'Sun']];
    const KINDS = {
        text: [T('标语', 'Slogan'), 'slogan'], image: [T('海报', 'Poster'), 'poster'],
        video: [T('视频', 'Clip'), 'clip'], audio: [T('广播', 'Announcement'), 'announcement'],
    };

    const S = {
        channel: '',
        src: null,       /* the playlist source being edited */
        fields: new Map(), /* JSON path -> the form element of that path */
        key: null,       /* {priv: CryptoKey, pubB64, from: 'file'|'browser'} */
        browserKey: null, /* the key pair kept in IndexedDB, if any */
        uploads: new Map(), /* item -> its upload under way */
        sizes: {},       /* sha256 -> bytes of the file picked (kept with the draft, to resume) */
        info: new Map(), /* sha256 -> /info reply */
        versions: [],
    };

    function template(layout) {
        return {
            format: 1, name: T('新节目单', 'New campaign'), timezone: 'Asia/Shanghai',
            zones: clone(LAYOUTS[layout].zones), items: [], rules: [],
        };
    }

    function layoutOf(src) {
        const screen = (src.zones || []).filter(z => !z.sound);
        for (const [name, l] of Object.entries(LAYOUTS)) {
            if (l.zones.length === screen.length &&
                l.zones.every((z, i) => ['id', 'x', 'y', 'w', 'h'].every(k => z[k] === screen[i][k])))
                return name;
        }
        return 'custom';
    }

    function saveDraft() {
        try {
            localStorage.setItem(DRAFT, JSON.stringify({ channel: S.channel, src: S.src, sizes: S.sizes }));
        } catch (e) { /* a full or forbidden storage: the draft is not kept */ }
    }

    function newId(prefix) {
        const ids = new Set(S.src.items.map(i => i.id));
        for (let n = 1; ; n++)
            if (!ids.has(`${prefix}-${n}`))
                return `${prefix}-${n}`;
    }

    function screenZones() {
        return S.src.zones.filter(z => !z.sound).map(z => z.id);
    }

    function addItem(type) {
        const zones = screenZones();
        const it = { id: newId(KINDS[type][1]), type };
        if (type === 'text') {
            it.zone = zones.includes('ticker') ? 'ticker' : zones[0];
            Object.assign(it, { mode: 'ticker', text: '', color: '#ffffff', speed: 120, duration: 20 });
        } else if (type === 'audio') {
            if (!S.src.zones.some(z => z.sound))
                S.src.zones.push(clone(VOICE));
            it.zone = S.src.zones.find(z => z.sound).id;
        } else {
            it.zone = zones.includes('main') ? 'main' : zones[0];
            if (type === 'image')
                it.duration = 10;
        }
        S.src.items.push(it);
        changed();
    }

    /* ---- forms: every input is registered under its JSON path, for errors ------------------------- */

    function reg(path, el) {
        el.setAttribute('data-path', path);
        S.fields.set(path, el);
        return el;
    }

    /* field(LABEL, PATH, INPUT): a labelled input registered under PATH. */
    function field(label, path, input, cls) {
        reg(path, input);
        return h('label', { class: cls || null }, label, input);
    }

    function setOrDelete(obj, k, v) {
        if (v === '' || v === null || v === undefined || (Array.isArray(v) && !v.length))
            delete obj[k];
        else
            obj[k] = v;
        changed(false);
    }

    function textInput(obj, k, opts = {}) {
        return h('input', {
            type: opts.type || 'text', value: obj[k] === undefined ? '' : String(obj[k]), size: opts.size || null,
            placeholder: opts.placeholder || null, name: opts.name || null,
            oninput: e => setOrDelete(obj, k, opts.num ? (e.target.value === '' ? '' : Number(e.target.value)) : e.target.value),
            step: opts.step || null, min: opts.min || null,
        });
    }
    const numInput = (obj, k, opts = {}) => textInput(obj, k, { ...opts, type: 'number', num: true, size: 6 });

    function select(obj, k, choices, after) {
        return h('select', {
            onchange: e => {
                obj[k] = e.target.value;
                changed(!!after);
            },
        }, choices.map(([v, text]) => h('option', { value: v, selected: obj[k] === v, text })));
    }

    function listInput(obj, k, placeholder) {
        return h('input', {
            type: 'text', value: (obj[k] || []).join(', '), placeholder,
            oninput: e => setOrDelete(obj, k, e.target.value.split(/[,，\s]+/).filter(Boolean)),
        });
    }

    function removeButton(list, i) {
        return h('button', {
            type: 'button', class: 'secondary', text: T('删除', 'Remove'),
            onclick: () => {
                list.splice(i, 1);
                changed();
            },
        });
    }

    function renderLayout() {
        const body = $('ed-layout-body');
        const now = layoutOf(S.src);
        const choices = Object.entries(LAYOUTS).map(([k, l]) => [k, T(l.zh, l.en)]);
        if (now === 'custom')
            choices.push(['custom', T('文件中的自定义布局', 'Custom zones (from the file)')]);
        const sel = h('select', {
            id: 'ed-layout-pick', onchange: e => {
                const l = LAYOUTS[e.target.value];
                if (!l)
                    return;
                const sound = S.src.zones.filter(z => z.sound);
                S.src.zones = clone(l.zones).concat(sound);
                const ids = screenZones();
                for (const it of S.src.items)
                    if (it.type !== 'audio' && !ids.includes(it.zone))
                        it.zone = it.type === 'text' && ids.includes('ticker') ? 'ticker' : ids[0];
                changed();
            },
        }, choices.map(([v, text]) => h('option', { value: v, selected: v === now, text })));
        /* the urgent alerts' times are shown in this zone: re-drawn when it changes */
        const tzInput = textInput(S.src, 'timezone', { size: 16 });
        tzInput.addEventListener('change', renderRules);
        body.replaceChildren(
            h('div', { class: 'ed-row' },
                field(T('节目单名称', 'Playlist name'), 'name', textInput(S.src, 'name', { size: 30 })),
                field(T('时区', 'Time zone'), 'timezone', tzInput),
                field(T('布局', 'Layout'), 'zones', sel)),
            h('p', { class: 'muted', text: T('区域：', 'Zones: ') + S.src.zones.map(z => z.sound ? `${z.id} (${T('声音', 'sound')})` : z.id).join(', ') }));
    }

    function renderItem(it, i) {
        const p = `items[${i}]`;
        const zones = it.type === 'audio' ? S.src.zones.map(z => z.id) : screenZones();
        const card = h('div', { class: 'ed-card', id: `ed-item-${i}`, 'data-type': it.type },
            h('h3', { text: `${KINDS[it.type] ? KINDS[it.type][0] : it.type} · ${it.id}` }));
        const row = h('div', { class: 'ed-row' },
            field(T('编号', 'Id'), `${p}.id`, textInput(it, 'id', { size: 16 })),
            field(T('区域', 'Zone'), `${p}.zone`, select(it, 'zone', zones.map(z => [z, z]))),
            field(T('时长（秒）', 'Duration (s)'), `${p}.duration`, numInput(it, 'duration', {
                step: 'any', placeholder: it.type === 'text' ? '20' : T('媒体长度', 'its own'),
            })));
        card.append(row);
        if (it.type === 'text') {
            card.append(h('div', { class: 'ed-row' },
                field(T('文字', 'Text'), `${p}.text`, h('textarea', {
                    rows: 2, cols: 40, value: it.text || '', oninput: e => setOrDelete(it, 'text', e.target.value),
                })),
                field(T('方式', 'Mode'), `${p}.mode`, select(it, 'mode', [['ticker', T('滚动', 'ticker')], ['static', T('静止', 'static')]], true)),
                field(T('颜色', 'Colour'), `${p}.color`, textInput(it, 'color', { type: 'color' })),
                it.mode === 'static' ? null : field(T('速度（像素/秒）', 'Speed (px/s)'), `${p}.speed`, numInput(it, 'speed'))));
        } else {
            const pick = h('input', {
                type: 'file', accept: { image: 'image/*', video: 'video/*', audio: 'audio/*' }[it.type] || null,
                onchange: e => e.target.files[0] && pickFile(it, e.target.files[0]),
            });
            const extra = [];
            if (it.type === 'image' || it.type === 'video')
                extra.push(field(T('适配', 'Fit'), `${p}.fit`, select(it, 'fit', [['contain', T('完整显示', 'contain')], ['cover', T('铺满裁边', 'cover')], ['stretch', T('拉伸', 'stretch')]])));
            if (it.type === 'video')
                extra.push(field(T('播放声音', 'Play its sound'), `${p}.audio`, h('input', {
                    type: 'checkbox', checked: !!it.audio, onchange: e => setOrDelete(it, 'audio', e.target.checked || ''),
                }), 'ed-check'));
            if (it.type === 'audio' || it.type === 'video')
                extra.push(field(T('音量 0–1', 'Volume 0–1'), `${p}.volume`, numInput(it, 'volume', { step: 'any' })));
            card.append(h('div', { class: 'ed-row' },
                field(T('文件', 'File'), `${p}.file`, pick), extra),
            h('div', { class: 'ed-media', id: `ed-media-${i}`, 'data-uid': String(uidOf(it)) }));
        }
        card.append(h('div', { class: 'actions' }, removeButton(S.src.items, i)));
        return card;
    }

    function renderItems() {
        const body = $('ed-items-body');
        body.replaceChildren(
            ...S.src.items.map(renderItem),
            h('div', { class: 'actions' }, Object.entries(KINDS).map(([type, [name]]) =>
                h('button', { type: 'button', class: 'secondary', id: `ed-add-${type}`, text: T('添加', 'Add ') + name, onclick: () => addItem(type) }))));
        S.src.items.forEach(it => it.type !== 'text' && showMedia(it));
    }

    /* Instants of urgent alerts: datetime-local in the playlist's time zone (an IANA name or a fixed offset,
       as content/FORMAT.md allows) <-> ISO 8601 with that zone's offset at the instant. */
    function zoneOffset(tz, ms) {
        /* minutes east of UTC in TZ at the instant MS; null for a zone this browser does not know */
        const fixed = /^([+-])(\d\d):(\d\d)$/.exec(tz || '');
        if (fixed)
            return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
        if (tz === 'UTC' || tz === 'Z')
            return 0;
        let parts;
        try {
            parts = new Intl.DateTimeFormat('en-US', {
                timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
                hour: '2-digit', minute: '2-digit', second: '2-digit',
            }).formatToParts(new Date(ms));
        } catch (e) {
            return null;
        }
        const v = Object.fromEntries(parts.map(x => [x.type, Number(x.value)]));
        const wall = Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second);
        return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
    }
    const pad2 = n => String(Math.floor(Math.abs(n))).padStart(2, '0');
    function toIso(local, tz) {
        const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/.exec(local || '');
        if (!m)
            return '';
        const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] || 0));
        let off = zoneOffset(tz, wall);
        if (off === null)
            return '';
        off = zoneOffset(tz, wall - off * 60000); /* the offset at the instant itself (a change of clocks) */
        return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] || '00'}${off < 0 ? '-' : '+'}${pad2(off / 60)}:${pad2(off % 60)}`;
    }
    function fromIso(iso, tz) {
        const ms = Date.parse(iso || '');
        const off = isNaN(ms) ? null : zoneOffset(tz, ms);
        if (off === null)
            return '';
        const d = new Date(ms + off * 60000);
        return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
    }
    function instantInput(r, k, tz) {
        return h('input', {
            type: 'datetime-local', value: fromIso(r[k], tz), disabled: zoneOffset(tz, 0) === null,
            oninput: e => setOrDelete(r, k, toIso(e.target.value, tz)),
        });
    }

    function renderRule(r, j) {
        const p = `rules[${j}]`;
        const card = h('div', { class: 'ed-card', id: `ed-rule-${j}` }, h('h3', { text: `${T('规则', 'Rule')} ${j + 1}` }));
        const items = h('div', { class: 'ed-row' }, S.src.items.map(it => h('label', { class: 'ed-check' },
            h('input', {
                type: 'checkbox', value: it.id, checked: (r.items || []).includes(it.id),
                onchange: e => {
                    const set = new Set(r.items || []);
                    if (e.target.checked)
                        set.add(it.id);
                    else
                        set.delete(it.id);
                    r.items = S.src.items.map(x => x.id).filter(id => set.has(id));
                    changed(false);
                },
            }), it.id)));
        card.append(h('p', { class: 'muted', text: T('适用于：', 'For these items:') }), reg(`${p}.items`, items));
        const dates = r.dates || {};
        /* "dates" only while one of its two is set (lint refuses an empty one) */
        const setDate = (k, v) => {
            r.dates = dates;
            setOrDelete(dates, k, v);
            if (!Object.keys(dates).length)
                delete r.dates;
        };
        const hours = (r.hours || '').split('-');
        const setHours = () => {
            const a = card.querySelector('.ed-h-from').value.trim(), b = card.querySelector('.ed-h-to').value.trim();
            setOrDelete(r, 'hours', a || b ? `${a}-${b}` : '');
            card.querySelector('.ed-midnight').hidden = !(a && b && a > b);
        };
        card.append(reg(`${p}.dates`, h('div', { class: 'ed-row' },
            field(T('开始日期', 'From date'), `${p}.dates.from`, h('input', { type: 'date', value: dates.from || '', oninput: e => setDate('from', e.target.value) })),
            field(T('结束日期', 'To date'), `${p}.dates.to`, h('input', { type: 'date', value: dates.to || '', oninput: e => setDate('to', e.target.value) })),
            field(T('每天从', 'Hours from'), `${p}.hours`, h('input', { type: 'text', class: 'ed-h-from', size: 5, placeholder: '08:30', value: hours[0] || '', oninput: setHours })),
            field(T('到', 'to'), `${p}.hours.to`, h('input', { type: 'text', class: 'ed-h-to', size: 5, placeholder: '17:30', value: hours[1] || '', oninput: setHours })),
            h('span', { class: 'muted ed-midnight', hidden: !(hours[0] && hours[1] && hours[0] > hours[1]), text: T('跨午夜', 'crosses midnight') }))));
        const wd = h('div', { class: 'ed-row' }, h('span', { class: 'muted', text: T('星期：', 'Weekdays:') }), WEEKDAYS.map(([k, zh, en]) =>
            h('label', { class: 'ed-check' }, h('input', {
                type: 'checkbox', value: k, checked: !r.weekdays || r.weekdays.includes(k),
                onchange: () => {
                    const on = WEEKDAYS.map(w => w[0]).filter(d => card.querySelector(`input[value="${d}"]`).checked);
                    setOrDelete(r, 'weekdays', on.length === 7 ? '' : on);
                },
            }), T(zh, en))));
        card.append(reg(`${p}.weekdays`, wd));
        const urgent = !!r.urgent;
        const tz = S.src.timezone || '';
        const zoneSaid = zoneOffset(tz, 0) === null ?
            T(`时区“${tz}”无效：请先改正节目单的时区`, `the time zone "${tz}" is unknown: correct the playlist's time zone first`) :
            T(`节目单时区 ${tz}`, `the playlist's time zone, ${tz}`);
        card.append(h('div', { class: 'ed-row' },
            field(T('屏幕标签（任一）', 'Screen tags (any)'), `${p}.tags`, listInput(r, 'tags', 'bank, lobby')),
            field(T('每小时至少播放次数', 'At least N plays an hour'), `${p}.min_per_hour`, numInput(r, 'min_per_hour', { min: '0' })),
            field(T('优先级', 'Priority'), `${p}.priority`, numInput(r, 'priority')),
            field(T('定时（如 09:00, 12:00）', 'At times (e.g. 09:00, 12:00)'), `${p}.at`, listInput(r, 'at', '09:00, 12:00')),
            field(T('每隔（分钟）', 'Every (minutes)'), `${p}.every`, numInput(r, 'every', { step: 'any' }))));
        card.append(h('div', { class: 'ed-row' },
            field(T('紧急插播', 'Urgent alert'), `${p}.urgent`, h('input', {
                type: 'checkbox', checked: urgent, onchange: e => {
                    if (e.target.checked)
                        r.urgent = true;
                    else {
                        delete r.urgent;
                        delete r.from;
                        delete r.until;
                    }
                    changed();
                },
            }), 'ed-check'),
            urgent ? field(T(`开始（${zoneSaid}）`, `From (${zoneSaid})`), `${p}.from`, instantInput(r, 'from', tz)) : null,
            urgent ? field(T(`结束（${zoneSaid}）`, `Until (${zoneSaid})`), `${p}.until`, instantInput(r, 'until', tz)) : null));
        card.append(h('div', { class: 'actions' }, removeButton(S.src.rules, j)));
        return card;
    }

    function renderRules() {
        S.src.rules = S.src.rules || [];
        $('ed-rules-body').replaceChildren(
            h('p', { class: 'muted', text: T('没有规则的节目一直可以播放；有规则的节目在任一规则满足时播放。', 'An item no rule names may always play; an item with rules plays when any of them holds.') }),
            ...S.src.rules.map(renderRule),
            h('div', { class: 'actions' }, h('button', {
                type: 'button', class: 'secondary', id: 'ed-add-rule', text: T('添加规则', 'Add a rule'),
                onclick: () => {
                    S.src.rules.push({ items: [] });
                    changed();
                },
            })));
    }

    /* Everything re-drawn from S.src (after a structural change); the draft kept. */
    function render() {
        S.fields.clear();
        for (const id of ['layout', 'items', 'rules', 'check', 'preview', 'publish'])
            $(`ed-${id}`).hidden = !S.src;
        if (!S.src)
            return;
        renderLayout();
        renderItems();
        renderRules();
        renderCheck();
        renderPreview();
        renderPublish();
    }

    /* changed(REDRAW): the model changed (the draft is kept); forms are re-drawn when its shape did. */
    function changed(redraw = true) {
        saveDraft();
        if (redraw)
            render();
    }

    /* ---- media: hash, upload (resumable), facts ----------------------------------------------------- */

    /* An item's media box, found by the item itself (its index changes when items are removed). */
    const uids = new WeakMap();
    let lastUid = 0;
    function uidOf(it) {
        if (!uids.has(it))
            uids.set(it, ++lastUid);
        return uids.get(it);
    }
    const boxOf = it => document.querySelector(`.ed-media[data-uid="${uidOf(it)}"]`);
    function sayAt(it, text, cls) {
        const box = boxOf(it);
        if (box)
            box.replaceChildren(h('p', { class: cls || 'notice', role: cls === 'error' ? 'alert' : 'status', text }));
    }

    async function pickFile(it, file) {
        if (!secure) {
            sayAt(it, T('计算文件的 SHA-256 需要安全连接（HTTPS 或 127.0.0.1）。', 'Hashing the file (SHA-256) needs a secure page (HTTPS or 127.0.0.1).'), 'error');
            return;
        }
        sayAt(it, T(`正在计算 ${file.name} 的 SHA-256…`, `Hashing ${file.name} (SHA-256)…`));
        const sha = hex(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
        it.sha256 = sha;
        it.file = file.name;
        S.sizes[sha] = file.size;
        saveDraft();
        await upload(it, file);
    }

    /* The upload of an item as it stands ({name, done, total, note, from}), drawn into its box. */
    function paintUpload(it) {
        const u = S.uploads.get(it), box = boxOf(it);
        if (!u || !box)
            return;
        let bar = box.querySelector('progress.ed-progress');
        if (!bar) {
            bar = h('progress', { max: String(u.total), value: '0', class: 'ed-progress' });
            box.replaceChildren(h('div', {}, h('div', { text: u.name }), bar, ' ', h('span', { class: 'ed-progress-text' })));
        }
        bar.value = u.done;
        box.setAttribute('data-resumed-from', String(u.from));
        box.querySelector('.ed-progress-text').textContent =
            `${mb(u.done)} / ${mb(u.total)} (${Math.floor((100 * u.done) / Math.max(1, u.total))} %)${u.note ? ' ' + u.note : ''}`;
    }

    /* put(SHA, BLOB, START, TOTAL, ONPROGRESS): one PUT of bytes START.. ; resolves to the hub's reply. */
    function put(sha, blob, start, total, onprogress) {
        return new Promise((resolve, reject) => {
            const x = new XMLHttpRequest();
            x.open('PUT', `/console/api/media/${sha}`);
            x.setRequestHeader('Content-Type', 'application/octet-stream');
            x.setRequestHeader('X-Screenlit-CSRF', csrf);
            if (total > 0)
                x.setRequestHeader('Content-Range', `bytes ${start}-${start + blob.size - 1}/${total}`);
            x.upload.onprogress = e => onprogress(start + e.loaded);
            x.onload = () => {
                let j = null;
                try {
                    j = JSON.parse(x.responseText);
                } catch (e) {
                    j = null;
                }
                resolve({ status: x.status, body: j || {} });
            };
            x.onerror = () => reject(new Error(T('上传中断', 'the upload was interrupted')));
            x.send(blob);
        });
    }

    async function upload(it, file) {
        const sha = it.sha256;
        const u = { name: file.name, done: 0, total: file.size, note: '', from: 0 };
        S.uploads.set(it, u);
        const show = (n, note) => {
            u.done = n;
            u.note = note || '';
            paintUpload(it);
        };
        try {
            const m = await api('POST', 'media/missing', { media: [{ sha256: sha, size: file.size, name: file.name }] });
            const miss = (m.missing || []).find(x => x.sha256 === sha);
            let at = miss ? miss.received || 0 : file.size;
            u.from = at;
            show(at, at > 0 && miss ? T('（从集线器已有的字节处继续）', '(going on from the bytes the hub holds)') : '');
            while (miss && at < file.size) {
                const end = Math.min(file.size, at + CHUNK);
                const r = await put(sha, file.slice(at, end), at, file.size, n => show(n));
                if (r.status === 409 && typeof r.body.received === 'number' && r.body.received !== at) {
                    at = r.body.received;
                    continue;
                }
                if (r.status !== 200)
                    throw new Error(r.body.error || `PUT media: HTTP ${r.status}`);
                at = r.body.received;
                show(at);
                if (r.body.complete)
                    break;
            }
            S.uploads.delete(it);
            S.info.delete(sha);
            await showMedia(it);
            const box = boxOf(it);
            if (box) {
                box.setAttribute('data-uploaded', sha);
                box.setAttribute('data-resumed-from', String(u.from));
            }
        } catch (e) {
            S.uploads.delete(it);
            sayAt(it, T('上传失败：', 'Upload failed: ') + e.message + T('。再次选择该文件即可从中断处继续。', '. Choose the file again to go on from where it stopped.'), 'error');
        }
    }

    async function showMedia(it) {
        if (S.uploads.has(it))
            return paintUpload(it);
        if (!boxOf(it) || !it.sha256)
            return;
        let info = S.info.get(it.sha256);
        const size = S.sizes[it.sha256];
        if (!info && size) {
            /* a file picked here: asked for first, so an unfinished upload costs no failed request */
            try {
                const m = await api('POST', 'media/missing', { media: [{ sha256: it.sha256, size, name: it.file || '' }] });
                const miss = (m.missing || [])[0];
                if (miss) {
                    sayAt(it, T(`${it.file || it.sha256} 还没有完整上传（集线器已有 ${mb(miss.received || 0)}）：再次选择该文件即可继续。`,
                        `${it.file || it.sha256} is not fully uploaded (the hub holds ${mb(miss.received || 0)}): choose the file again to go on.`), 'error');
                    return;
                }
            } catch (e) {
                sayAt(it, e.message, 'error');
                return;
            }
        }
        if (!info) {
            try {
                info = await api('GET', `media/${it.sha256}/info`);
                S.info.set(it.sha256, info);
            } catch (e) {
                sayAt(it, e.status === 404 ? T(`集线器没有 ${it.file || it.sha256}：请选择该文件上传。`, `The hub does not have ${it.file || it.sha256}: choose the file to upload it.`) : e.message, 'error');
                return;
            }
        }
        const box = boxOf(it);
        if (!box)
            return;
        const facts = [it.file || '', mb(info.size || 0)];
        if (info.width && info.height)
            facts.push(`${info.width}×${info.height}`);
        if (info.duration)
            facts.push(`${Number(info.duration).toFixed(1)} s`);
        if (info.codec)
            facts.push(info.codec);
        const thumb = it.type === 'audio' ? null : h('img', { src: `/console/api/media/${it.sha256}/thumb`, alt: it.file || it.id, class: 'ed-thumb' });
        box.replaceChildren(thumb || '', h('div', {},
            h('div', { class: 'ed-facts', text: facts.filter(Boolean).join(' · ') }),
            h('ul', {}, (info.warnings || []).map(w => h('li', { class: 'ed-warn', text: typeof w === 'string' ? w : (w.message || JSON.stringify(w)) })))));
        box.setAttribute('data-sha256', it.sha256);
    }

    /* ---- check: errors at their fields ---------------------------------------------------------------- */

    function fieldOf(path) {
        for (let p = path; p;) {
            if (S.fields.has(p))
                return S.fields.get(p);
            const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut > 0 ? p.slice(0, cut) : '';
        }
        return null;
    }

    function clearErrors() {
        for (const el of document.querySelectorAll('.ed-ferr'))
            el.remove();
        for (const el of document.querySelectorAll('.ed-bad')) {
            el.classList.remove('ed-bad');
            el.removeAttribute('aria-invalid');
        }
    }

    function markErrors(list, kind) {
        const rows = [];
        for (const d of list) {
            const el = fieldOf(d.path || '');
            const text = `${d.path ? d.path + ': ' : ''}${d.message}`;
            if (el) {
                if (kind === 'error') {
                    el.classList.add('ed-bad');
                    el.setAttribute('aria-invalid', 'true');
                }
                const note = h('span', { class: 'ed-ferr' + (kind === 'error' ? '' : ' ed-warn'), 'data-for': d.path || '', text: d.message });
                (el.closest('label') || el).after(note);
            }
            rows.push(h('li', { class: kind === 'error' ? 'ed-miss' : 'ed-warn' }, el ? h('a', {
                href: '#', text, onclick: e => {
                    e.preventDefault();
                    el.focus();
                    el.scrollIntoView({ block: 'center' });
                },
            }) : text));
        }
        return rows;
    }

    async function check() {
        clearErrors();
        const out = $('ed-check-result');
        out.replaceChildren(h('p', { class: 'muted', text: T('正在检查…', 'Checking…') }));
        try {
            const r = await api('POST', chPath() + '/check', { source: S.src });
            const errs = r.errors || [], warns = r.warnings || [];
            out.replaceChildren(
                h('p', { class: errs.length ? 'error' : 'notice', id: 'ed-check-summary', text: errs.length ? T(`${errs.length} 个错误，${warns.length} 个警告`, `${errs.length} errors, ${warns.length} warnings`) : T(`没有错误（${warns.length} 个警告）`, `No errors (${warns.length} warnings)`) }),
                h('ul', { id: 'ed-check-list' }, markErrors(errs, 'error'), markErrors(warns, 'warning')));
            return errs.length === 0;
        } catch (e) {
            out.replaceChildren(h('p', { class: 'error', role: 'alert', text: e.message }));
            return false;
        }
    }

    function renderCheck() {
        $('ed-check-body').replaceChildren(
            h('div', { class: 'actions' }, h('button', { type: 'button', id: 'ed-check-run', text: T('检查', 'Check'), onclick: check })),
            h('div', { id: 'ed-check-result' }));
    }

    /* ---- preview ---------------------------------------------------------------------------------------- */

    function renderPreview() {
        const day = h('input', { type: 'date', id: 'ed-preview-day', value: new Date().toISOString().slice(0, 10) });
        const tags = h('input', { type: 'text', id: 'ed-preview-tags', placeholder: 'bank, lobby' });
        $('ed-preview-body').replaceChildren(
            h('div', { class: 'ed-row' }, h('label', {}, T('日期', 'Day'), day), h('label', {}, T('屏幕标签', 'Screen tags'), tags),
                h('button', { type: 'button', id: 'ed-preview-run', text: T('预览', 'Preview'), onclick: () => preview(day.value, tags.value) })),
            h('div', { id: 'ed-preview-result' }));
    }

    async function preview(day, tagText) {
        const out = $('ed-preview-result');
        out.replaceChildren(h('p', { class: 'muted', text: T('正在计算…', 'Computing…') }));
        const next = new Date(Date.parse(day + 'T00:00:00Z') + 86400000).toISOString().slice(0, 10);
        const tags = tagText.split(/[,，\s]+/).filter(Boolean);
        try {
            const r = await api('POST', chPath() + '/preview', { source: S.src, from: `${day}T00:00`, to: `${next}T00:00`, tags });
            const table = h('table', { class: 'list', id: 'ed-preview-table' },
                h('thead', {}, h('tr', {}, [T('节目', 'Item'), T('区域', 'Zone'), T('播放次数', 'Plays'), T('秒', 'Seconds'), T('每小时下限', 'Floor an hour'), T('达到下限的小时', 'Hours floor met')]
                    .map((t, k) => h('th', { class: k >= 2 ? 'num' : null, text: t })))),
                h('tbody', {}, (r.items || []).map(it => h('tr', { 'data-item': it.item },
                    h('td', { text: it.item }), h('td', { text: it.zone }),
                    h('td', { class: 'num ed-plays', text: String(it.plays) }), h('td', { class: 'num', text: String(it.seconds) }),
                    h('td', { class: 'num', text: it.floor_per_hour ? String(it.floor_per_hour) : '—' }),
                    h('td', { class: 'num' }, it.floor_per_hour ? h('span', { class: it.floor_met ? 'ed-met' : 'ed-miss', text: `${it.floor_hours_met} / ${it.floor_hours_checked} ${it.floor_met ? T('达到', 'met') : T('未达到', 'missed')}` }) : '—')))));
            out.replaceChildren(h('div', { class: 'scroll' }, table), frames(r));
        } catch (e) {
            out.replaceChildren(h('p', { class: 'error', role: 'alert', text: e.message }));
        }
    }

    /* A few moments of the day drawn as boxes: what each zone shows then. */
    function frames(r) {
        const plays = (r.plays || []).slice().sort((a, b) => a.start_ms - b.start_ms);
        const box = h('div', {}, h('h3', { text: T('画面示意', 'Frames') }),
            h('p', { class: 'muted', text: T('以下画面是 HTML 的近似示意，不是播放器的实际渲染。', 'These frames are an HTML approximation, not the player\'s own rendering.') }));
        if (!plays.length)
            return box;
        const portrait = LAYOUTS[layoutOf(S.src)] && LAYOUTS[layoutOf(S.src)].portrait;
        const first = plays[0].start_ms, last = plays[plays.length - 1].start_ms;
        const row = h('div', { class: 'ed-frames', id: 'ed-frames' });
        for (let k = 0; k < 4; k++) {
            const t = first + ((last - first) * k) / 4 + 1;
            const screen = h('div', { class: 'ed-screen' + (portrait ? ' portrait' : '') });
            for (const z of S.src.zones.filter(x => !x.sound)) {
                const on = plays.filter(p => p.zone === z.id && p.start_ms <= t && t < p.start_ms + p.duration_ms).pop();
                const it = on && S.src.items.find(x => x.id === on.item);
                const zone = h('div', { class: 'ed-zone' });
                Object.assign(zone.style, { left: `${z.x}%`, top: `${z.y}%`, width: `${z.w}%`, height: `${z.h}%`, background: z.background || '#000' });
                if (it && it.type === 'text') {
                    zone.textContent = it.text || '';
                    zone.style.color = it.color || '#fff';
                } else if (it && it.sha256) {
                    zone.append(h('img', { src: `/console/api/media/${it.sha256}/thumb`, alt: it.id }));
                }
                screen.append(zone);
            }
            const when = new Date(t).toISOString().slice(11, 16);
            row.append(h('figure', { class: 'ed-frame' }, screen, h('figcaption', { class: 'muted', text: `${when} UTC` })));
        }
        box.append(row);
        return box;
    }

    /* ---- keys --------------------------------------------------------------------------------------------- */

    const PKCS8_ED25519 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

    function idb(mode, fn) {
        return new Promise((resolve, reject) => {
            const open = indexedDB.open('screenlit-editor', 1);
            open.onupgradeneeded = () => open.result.createObjectStore('keys');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const tx = open.result.transaction('keys', mode);
                const q = fn(tx.objectStore('keys'));
                tx.oncomplete = () => resolve(q && q.result);
                tx.onerror = () => reject(tx.error);
            };
        });
    }

    async function selfTest(priv, pubRaw) {
        const pub = await crypto.subtle.importKey('raw', pubRaw, { name: 'Ed25519' }, true, ['verify']);
        const msg = new TextEncoder().encode('screenlit key check');
        return crypto.subtle.verify({ name: 'Ed25519' }, pub, await crypto.subtle.sign({ name: 'Ed25519' }, priv, msg), msg);
    }

    async function loadKeyFile(file) {
        const text = (await file.text()).trim();
        const parts = text.split(/\s+/);
        if (parts[0] === 'screenlit-ed25519-public-v1')
            throw new Error(T('这是公钥文件（publisher.pub）：请选择私钥文件 publisher.key。', 'This is the public key file (publisher.pub): choose the secret key file, publisher.key.'));
        if (parts.length !== 2 || parts[0] !== 'screenlit-ed25519-secret-v1')
            throw new Error(T('不是 screenlit keygen 写的密钥文件（应以 screenlit-ed25519-secret-v1 开头）。', 'Not a key file written by screenlit keygen (it starts with screenlit-ed25519-secret-v1).'));
        let raw;
        try {
            raw = unb64(parts[1]);
        } catch (e) {
            raw = new Uint8Array(0);
        }
        if (raw.length !== 64)
            throw new Error(T('密钥文件已损坏：应为 64 字节。', 'The key file is damaged: it should hold 64 bytes.'));
        const der = new Uint8Array(48);
        der.set(PKCS8_ED25519);
        der.set(raw.subarray(0, 32), 16);
        const pubRaw = raw.slice(32);
        try {
            const priv = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign']);
            if (!(await selfTest(priv, pubRaw)))
                throw new Error(T('密钥文件的公钥与私钥不匹配。', 'The key file\'s public half does not match its secret.'));
            return { priv, pubB64: b64(pubRaw), from: 'file', name: file.name };
        } finally {
            raw.fill(0);
            der.fill(0);
        }
    }

    async function generateKey() {
        const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
        const pubB64 = b64(await crypto.subtle.exportKey('raw', pair.publicKey));
        const k = { priv: pair.privateKey, pubB64, from: 'browser' };
        await idb('readwrite', st => st.put({ privateKey: pair.privateKey, pubB64 }, 'browser'));
        return k;
    }

    function renderKey(msg, cls) {
        const body = $('ed-key-body');
        const kids = [];
        if (!secure) {
            kids.push(h('p', { class: 'error', id: 'ed-key-insecure', text: T('此页不在安全连接中（HTTPS 或 127.0.0.1），浏览器不提供签名所需的 WebCrypto：无法在此发布。', 'This page is not in a secure context (HTTPS or 127.0.0.1): the browser gives it no WebCrypto to sign with, so it cannot publish.') }));
            body.replaceChildren(...kids);
            return;
        }
        if (S.key) {
            kids.push(h('p', {}, T('签名用的密钥：', 'Signing with: '),
                h('strong', { id: 'ed-key-from', text: S.key.from === 'file' ? T(`密钥文件 ${S.key.name}`, `the key file ${S.key.name}`) : T('本浏览器生成的密钥', 'the key made in this browser') })),
            h('p', { class: 'ed-key', id: 'ed-key-public', text: `screenlit-ed25519-public-v1 ${S.key.pubB64}` }));
            if (S.key.from === 'browser')
                kids.push(h('p', { class: 'muted', text: T('请管理员登记这个公钥（人员页的发布者密钥，或 screenlit-hub key add），之后才能用它发布。私钥保存在本浏览器中，不能导出。', 'An admin registers this public key (People page, publisher keys; or screenlit-hub key add) before it can publish. The secret half stays in this browser and cannot be exported.') }));
        } else {
            kids.push(h('p', { class: 'muted', id: 'ed-key-none', text: T('还没有密钥：载入 screenlit keygen 写的 publisher.key，或在浏览器中生成一个。', 'No key yet: load the publisher.key written by screenlit keygen, or make one in this browser.') }));
        }
        kids.push(h('div', { class: 'ed-row' },
            h('label', {}, T('载入密钥文件（publisher.key）', 'Load a key file (publisher.key)'), h('input', {
                type: 'file', id: 'ed-key-file', onchange: async e => {
                    const f = e.target.files[0];
                    e.target.value = '';
                    if (!f)
                        return;
                    try {
                        S.key = await loadKeyFile(f);
                        renderKey(T('已载入密钥文件。私钥只在本页内存中，不会发送。', 'Key file loaded. The secret stays in this page\'s memory and is never sent.'));
                    } catch (err) {
                        renderKey(err.message, 'error');
                    }
                },
            })),
            h('button', {
                type: 'button', class: 'secondary', id: 'ed-key-generate', text: S.browserKey ? T('重新生成浏览器密钥', 'Make a new browser key') : T('在浏览器中生成密钥', 'Make a key in this browser'),
                onclick: async () => {
                    try {
                        S.key = S.browserKey = await generateKey();
                        renderKey(T('已生成密钥并保存在本浏览器中。', 'Key made and kept in this browser.'));
                    } catch (err) {
                        renderKey(err.message, 'error');
                    }
                },
            }),
            S.browserKey && S.key !== S.browserKey ? h('button', {
                type: 'button', class: 'secondary', id: 'ed-key-use-browser', text: T('改用浏览器中的密钥', 'Use the browser\'s key'),
                onclick: () => {
                    S.key = S.browserKey;
                    renderKey();
                },
            }) : null));
        if (msg)
            kids.push(h('p', { class: cls || 'notice', id: 'ed-key-msg', role: cls === 'error' ? 'alert' : 'status', text: msg }));
        body.replaceChildren(...kids);
    }

    async function loadBrowserKey() {
        try {
            const k = await idb('readonly', st => st.get('browser'));
            if (k && k.privateKey)
                S.browserKey = S.key = { priv: k.privateKey, pubB64: k.pubB64, from: 'browser' };
        } catch (e) { /* no IndexedDB (a private window): keys from files only */ }
    }

    /* ---- publish, versions, diff, roll back ---------------------------------------------------------------- */

    /* The signed envelope of content/manifest.h: these members in this order, no white space. JSON.stringify
       escapes as cJSON does (", \, control characters; neither escapes '/' or non-ASCII). */
    async function envelope(payload) {
        const sig = await crypto.subtle.sign({ name: 'Ed25519' }, S.key.priv, new TextEncoder().encode(payload));
        return JSON.stringify({ format: 'screenlit-signed-manifest-1', key: S.key.pubB64, signature: b64(sig), payload });
    }

    async function publish(src) {
        const out = $('ed-publish-result');
        if (!S.key) {
            say('ed-publish-result', T('请先载入或生成签名密钥。', 'Load or make a signing key first.'), 'error');
            return null;
        }
        out.replaceChildren(h('p', { class: 'muted', text: T('正在编译…', 'Compiling…') }));
        try {
            const c = await api('POST', chPath() + '/compile', { source: src });
            const env = await envelope(c.payload);
            const r = await api('POST', chPath() + '/manifests', env);
            const kids = [h('p', { class: 'notice', id: 'ed-published', 'data-version': String(r.version), text: T(`已发布频道 ${S.channel} 的版本 ${r.version}。`, `Published version ${r.version} of channel ${S.channel}.`) })];
            for (const w of r.warnings || [])
                kids.push(h('p', { class: 'ed-warn', text: w }));
            out.replaceChildren(...kids);
            await loadVersions();
            return r.version;
        } catch (e) {
            say('ed-publish-result', T('发布被拒绝：', 'Publishing refused: ') + e.message, 'error');
            out.firstChild.id = 'ed-publish-error';
            return null;
        }
    }

    function renderPublish() {
        $('ed-publish-body').replaceChildren(
            h('p', { class: 'muted', text: T('集线器编译节目单并给出要签名的字节；浏览器用您的密钥签名后发回。', 'The hub compiles the playlist and hands over the exact bytes to sign; the browser signs them with your key and sends the signature back.') }),
            h('div', { class: 'actions' },
                h('button', { type: 'button', id: 'ed-publish-run', text: T('签名并发布', 'Sign and publish'), disabled: !secure, onclick: () => publish(S.src) }),
                h('button', { type: 'button', class: 'secondary', id: 'ed-download', text: T('下载 JSON', 'Download JSON'), onclick: download })),
            h('div', { id: 'ed-publish-result' }));
    }

    function download() {
        const blob = new Blob([JSON.stringify(S.src, null, 2) + '\n'], { type: 'application/json' });
        const a = h('a', { href: URL.createObjectURL(blob), download: `${S.channel || 'playlist'}.json` });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(a.href), 60000);
    }

    async function openVersion(v) {
        const r = await api('GET', `${chPath()}/versions/${v}`);
        return r.source;
    }

    function diff(a, b) {
        const byId = l => new Map((l.items || []).map(i => [i.id, JSON.stringify(i)]));
        const A = byId(a), B = byId(b), rows = [];
        for (const [id, j] of B)
            if (!A.has(id))
                rows.push(['added', id]);
            else if (A.get(id) !== j)
                rows.push(['changed', id]);
        for (const id of A.keys())
            if (!B.has(id))
                rows.push(['removed', id]);
        if (JSON.stringify(a.rules || []) !== JSON.stringify(b.rules || []))
            rows.push(['changed', T('（播放规则）', '(rules)')]);
        if (JSON.stringify(a.zones) !== JSON.stringify(b.zones))
            rows.push(['changed', T('（布局）', '(layout)')]);
        return rows;
    }

    async function showDiff(va, vb) {
        const out = $('ed-diff');
        try {
            const [a, b] = await Promise.all([openVersion(va), openVersion(vb)]);
            const words = { added: T('新增', 'added'), removed: T('删除', 'removed'), changed: T('修改', 'changed') };
            const rows = diff(a, b);
            out.replaceChildren(h('h3', { text: T(`版本 ${va} → ${vb}`, `Version ${va} → ${vb}`) }), rows.length ? h('table', { class: 'list', id: 'ed-diff-table' },
                h('tbody', {}, rows.map(([k, id]) => h('tr', { class: `ed-${k}` }, h('td', { text: words[k] }), h('td', { text: id }))))) : h('p', { class: 'muted', text: T('内容相同。', 'The same content.') }));
        } catch (e) {
            out.replaceChildren(h('p', { class: 'error', text: e.message }));
        }
    }

    async function loadVersions() {
        const body = $('ed-versions-body');
        if (!S.channel) {
            body.replaceChildren(h('p', { class: 'muted', text: T('先选择一个频道。', 'Choose a channel first.') }));
            return;
        }
        try {
            const r = await api('GET', `${chPath()}/versions`);
            S.versions = (Array.isArray(r) ? r : r.versions || []).map(v => (typeof v === 'object' ? v : { version: v }));
        } catch (e) {
            S.versions = [];
            if (e.status !== 404) {
                body.replaceChildren(h('p', { class: 'error', text: e.message }));
                return;
            }
        }
        if (!S.versions.length) {
            body.replaceChildren(h('p', { class: 'muted', id: 'ed-versions-none', text: T('这个频道还没有发布过。', 'Nothing published on this channel yet.') }));
            return;
        }
        const opts = sel => S.versions.map(v => h('option', { value: String(v.version), selected: v.version === sel, text: String(v.version) }));
        const a = h('select', { id: 'ed-diff-a' }, opts(S.versions.length > 1 ? S.versions[1].version : S.versions[0].version));
        const b = h('select', { id: 'ed-diff-b' }, opts(S.versions[0].version));
        body.replaceChildren(
            h('div', { class: 'scroll' }, h('table', { class: 'list', id: 'ed-versions-table', 'data-channel': S.channel },
                h('thead', {}, h('tr', {}, [T('版本', 'Version'), T('发布于', 'Published'), T('签名者', 'Signed by'), ''].map(t => h('th', { text: t })))),
                h('tbody', {}, S.versions.map(v => h('tr', { 'data-version': String(v.version) },
                    h('td', { class: 'num', text: String(v.version) }), h('td', { text: v.published || '' }), h('td', { class: 'ed-key', text: v.signer_name || v.signer || '' }),
                    h('td', {}, h('button', {
                        type: 'button', class: 'secondary ed-open-version', text: T('打开', 'Open'),
                        onclick: async () => openSource(await openVersion(v.version), T(`已打开版本 ${v.version}。`, `Opened version ${v.version}.`)),
                    }), ' ', h('button', {
                        type: 'button', class: 'secondary ed-rollback', text: T('回滚到此版本', 'Roll back to this'),
                        onclick: async () => {
                            const src = await openVersion(v.version);
                            openSource(src, T(`正在把版本 ${v.version} 的内容发布为新版本…`, `Publishing version ${v.version}'s content as a new version…`));
                            await publish(src);
                        },
                    }))))))),
            h('div', { class: 'ed-row' }, h('label', {}, T('比较', 'Compare'), a), h('label', {}, T('与', 'with'), b),
                h('button', { type: 'button', class: 'secondary', id: 'ed-diff-run', text: T('比较', 'Show the difference'), onclick: () => showDiff(a.value, b.value) })),
            h('div', { id: 'ed-diff' }));
    }

    /* ---- opening: channel, current playlist, template, JSON file ---------------------------------------------- */

    function openSource(src, msg) {
        if (!src || typeof src !== 'object' || !Array.isArray(src.zones) || !Array.isArray(src.items))
            throw new Error(T('不是节目单（需要 zones 和 items）。', 'Not a playlist (it needs zones and items).'));
        S.src = src;
        changed();
        status(msg || '');
    }

    async function renderOpen() {
        let channels = [];
        try {
            const r = await api('GET', 'channels');
            channels = (Array.isArray(r) ? r : r.channels || []).map(c => c.channel || c);
        } catch (e) {
            status(T('无法读取频道：', 'Cannot read the channels: ') + e.message);
        }
        const list = h('datalist', { id: 'ed-channel-list' }, channels.map(c => h('option', { value: c })));
        const ch = h('input', {
            type: 'text', id: 'ed-channel', list: 'ed-channel-list', value: S.channel, size: 20, placeholder: 'bank-lobby',
            onchange: e => {
                if (e.target.value.trim() === S.channel)
                    return; /* the same channel again (a second change event on leaving the field) */
                S.channel = e.target.value.trim();
                saveDraft();
                loadVersions();
            },
        });
        const tpl = h('select', { id: 'ed-template' }, Object.entries(LAYOUTS).map(([k, l]) => h('option', { value: k, text: T(l.zh, l.en) })));
        const upload = h('input', {
            type: 'file', id: 'ed-upload-json', accept: 'application/json,.json', onchange: async e => {
                const f = e.target.files[0];
                e.target.value = '';
                try {
                    openSource(JSON.parse(await f.text()), T(`已载入 ${f.name}。`, `Loaded ${f.name}.`));
                } catch (err) {
                    status(T('无法载入：', 'Cannot load it: ') + err.message);
                }
            },
        });
        $('ed-open-body').replaceChildren(
            h('div', { class: 'ed-row' }, h('label', {}, T('频道', 'Channel'), ch), list,
                h('button', {
                    type: 'button', id: 'ed-open-current', text: T('打开当前节目单', 'Open its current playlist'),
                    onclick: async () => {
                        try {
                            openSource(await openVersion('current'), T('已打开当前版本。', 'Opened the current version.'));
                        } catch (e) {
                            status(e.message);
                        }
                    },
                })),
            h('div', { class: 'ed-row' }, h('label', {}, T('模板', 'Template'), tpl),
                h('button', { type: 'button', class: 'secondary', id: 'ed-new', text: T('从模板新建', 'Start from the template'), onclick: () => openSource(template(tpl.value), T('已从模板新建。', 'Started from the template.')) }),
                h('label', {}, T('载入 JSON 文件', 'Load a JSON file'), upload)));
    }

    async function start() {
        try {
            const s = await api('GET', 'session');
            if (s && s.csrf)
                csrf = s.csrf;
        } catch (e) { /* the page's own token */ }
        if (!secure)
            $('ed-insecure').hidden = false;
        try {
            const d = JSON.parse(localStorage.getItem(DRAFT) || 'null');
            if (d && d.src) {
                S.channel = d.channel || '';
                S.src = d.src;
                S.sizes = d.sizes || {};
            }
        } catch (e) { /* no draft */ }
        if (secure)
            await loadBrowserKey();
        renderKey();
        await renderOpen();
        render();
        await loadVersions();
        status(S.src ? T('已恢复本浏览器中保存的草稿。', 'The draft kept in this browser is back.') : '');
        root.setAttribute('data-ready', '1');
    }

    start().catch(e => status(e.message));
})();
