#!/usr/bin/env node
'use strict';
const { runCli } = require('../out/server/cli/main.js');

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
}).then((status) => {
  process.exitCode = status;
});
