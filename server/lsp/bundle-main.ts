import { useWasmDirectory } from '../engine/grammars';

// Entry point of the bundled server (dist/server.js in the .vsix): the grammars' .wasm files are
// copied beside the bundle, since no node_modules ships with it. Set before main.ts starts.
useWasmDirectory(__dirname);
require('./main');
