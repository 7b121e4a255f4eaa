// markup.js — the inventory texts that are markup (evil-1's row in run.sh) and the check that a page
// shows them as text and made no element of them.
'use strict';

// evil-1's inventory row (tests/web/run.sh).
const TEXTS = {
    name: '<script>alert("name")</script>',
    site: '"><img src=x onerror=alert(\'site\')>',
    region: '<b>区</b>&amp;',
    unit: '<i>unit</i>',
};

// What is wrong on PAGE if the markup texts became markup: elements made of them, or the texts in
// WANT not there as text.
async function markupProblems(page, want) {
    const problems = [];
    const main = page.locator('main');
    const text = (await main.count()) ? await main.textContent() : await page.textContent('body');
    for (const k of want)
        if (!text.includes(TEXTS[k]))
            problems.push(`${page.url()}: the ${k} ${JSON.stringify(TEXTS[k])} is not shown as text`);
    const made = {
        'an <img src=x>': 'img[src="x"]',
        'an onerror attribute': '[onerror]',
        'a <b> or <i> from a region or unit type': 'main b:text-is("区"), main i:text-is("unit")',
        'a script in the page\'s body': 'body script:not([src])',
    };
    for (const [what, sel] of Object.entries(made))
        if (await page.locator(sel).count())
            problems.push(`${page.url()}: ${what} was made from inventory text`);
    return problems;
}

module.exports = { TEXTS, markupProblems };
