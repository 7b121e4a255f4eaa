// main.js — the browser scenarios in order, in one Chromium (node:test; run by tests/web/run.sh).
'use strict';
const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const web = require('./lib');

before(() => web.start());
after(() => web.stop());

require('./t_harness');
require('./t_login');
require('./t_roles');
require('./t_screens');
require('./t_reports');
require('./t_escape');
require('./t_admin');
require('./t_editor');

// Last: every console page the scenarios captured fits a phone (390 px) without scrolling sideways.
web.scenario('every page visited fits a 390 px wide phone', async () => {
    assert.deepEqual(web.state.wide, [], `pages wider than the phone:\n${web.state.wide.join('\n')}`);
});
