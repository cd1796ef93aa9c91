module.exports = require('bindings')('legacy_codecs');
