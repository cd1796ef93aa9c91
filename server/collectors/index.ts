import type { FactCollector } from '../engine/workspace';
import { cHeaders } from './c-headers';
import { cargoCrates } from './cargo-crates';
import { cffiSymbols } from './cffi-symbols';
import { cgoSymbols } from './cgo-symbols';
import { ctypesSymbols } from './ctypes-symbols';
import { jniNatives } from './jni-natives';
import { napiAsyncWorkers } from './napi-async-workers';
import { nodeGypProjects } from './node-gyp-projects';
import { panamaSymbols } from './panama-symbols';
import { rustExternSymbols } from './rust-extern-symbols';

/** Every collector of workspace facts; rules read the facts through `context.workspace`. */
export const ALL_COLLECTORS: readonly FactCollector[] = [
  jniNatives,
  cargoCrates,
  napiAsyncWorkers,
  nodeGypProjects,
  cHeaders,
  ctypesSymbols,
  cffiSymbols,
  cgoSymbols,
  rustExternSymbols,
  panamaSymbols,
];
