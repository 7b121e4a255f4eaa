// htmlcheck.js — is a page's HTML valid? Debian's tidy on the page source: any error, or any warning
// that means broken markup (a tag left open, an end tag with no start, an element where it cannot
// stand), is a problem. Run directly (node htmlcheck.js FILE...) it checks files.
'use strict';
const { spawnSync } = require('node:child_process');

// HTML5 attributes that tidy 5.6 does not know yet and calls "proprietary"; any other unknown
// attribute is a problem (most often a typo or a broken quote).
const HTML5_ATTRIBUTES = new Set(['inputmode', 'enterkeyhint', 'autocapitalize', 'loading', 'decoding',
    'fetchpriority']);
// SVG inside HTML: tidy 5.6 does not know SVG's presentation attributes (font-size on <svg>…).
const SVG_ELEMENTS = new Set(['svg', 'g', 'rect', 'text', 'tspan', 'path', 'line', 'circle', 'ellipse', 'polyline',
    'polygon', 'title', 'desc', 'defs', 'use', 'symbol']);
const SVG_ATTRIBUTES = new Set(['font-size', 'font-family', 'font-weight', 'font-style', 'shape-rendering',
    'text-rendering', 'text-anchor', 'dominant-baseline', 'alignment-baseline', 'fill', 'fill-opacity', 'fill-rule',
    'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin', 'opacity',
    'transform', 'paint-order', 'vector-effect', 'clip-path']);

// tidy options: HTML5 (tidy's default doctype handling), report only, and keep empty elements
// (an empty <span> or <p> is valid HTML; tidy would otherwise warn that it trims them).
const TIDY_ARGS = ['-errors', '-quiet', '--mute-id', 'yes', '--drop-empty-elements', 'no',
    '--drop-empty-paras', 'no', '--char-encoding', 'utf8', '--newline', 'LF'];

// The problems tidy finds in the HTML text (an empty list when it is valid); each with the
// offending line of the source.
function htmlProblems(html) {
    const r = spawnSync('tidy', TIDY_ARGS, { input: html, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.error)
        throw new Error(`cannot run tidy (apt-get install tidy; tools/setup-debian.sh installs it): ${r.error.message}`);
    const lines = html.split('\n');
    const problems = [];
    for (const msg of r.stderr.split('\n')) {
        const m = /^line (\d+) column (\d+) - (Warning|Error): (.*?)(?: \((\w+)\))?$/.exec(msg);
        if (!m)
            continue;
        const [, line, , , text, id] = m;
        const attr = /^<([\w-]+)> proprietary attribute "([^"]+)"/.exec(text);
        if (id === 'PROPRIETARY_ATTRIBUTE' && attr &&
            (HTML5_ATTRIBUTES.has(attr[2]) || (SVG_ELEMENTS.has(attr[1]) && SVG_ATTRIBUTES.has(attr[2]))))
            continue;
        const src = (lines[Number(line) - 1] || '').trim();
        problems.push(`${msg}\n      | ${src.length > 200 ? src.slice(0, 200) + '…' : src}`);
    }
    // Exit status 2 is tidy's "errors"; never let one pass unreported even if its text changed.
    if (r.status === 2 && problems.length === 0)
        problems.push(`tidy reports errors: ${r.stderr.trim()}`);
    return problems;
}

module.exports = { htmlProblems };

if (require.main === module) {
    const fs = require('node:fs');
    let bad = 0;
    for (const f of process.argv.slice(2)) {
        const p = htmlProblems(fs.readFileSync(f, 'utf8'));
        for (const x of p)
            console.log(`${f}: ${x}`);
        bad += p.length ? 1 : 0;
    }
    process.exit(bad ? 1 : 0);
}
