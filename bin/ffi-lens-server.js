#!/usr/bin/env node
'use strict';
require('../out/server/lsp/main.js');
