// main.js — the browser scenarios in order, in one Chromium (node:test; run by tests/web/run.sh).
'use strict';
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
