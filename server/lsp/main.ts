import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { productVersion } from '../version';
import { startServer } from './server';

/** Entry point: `ffi-lens-server --stdio` (or --node-ipc / --socket=N, as the client chooses). */
const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write(`${productVersion()}\n`);
} else if (args.includes('--help') || !args.some((a) => /^--(stdio|node-ipc|socket|pipe|clientProcessId)/.test(a))) {
  process.stdout.write('Usage: ffi-lens-server --stdio | --node-ipc | --socket=<port> | --pipe=<name>\n');
  process.exitCode = args.includes('--help') ? 0 : 2;
} else {
  startServer(createConnection(ProposedFeatures.all));
}
