import type { FactCollector } from '../engine/workspace';
import { cargoCrates } from './cargo-crates';
import { jniNatives } from './jni-natives';
import { napiAsyncWorkers } from './napi-async-workers';
import { nodeGypProjects } from './node-gyp-projects';

/** Every collector of workspace facts; rules read the facts through `context.workspace`. */
export const ALL_COLLECTORS: readonly FactCollector[] = [jniNatives, cargoCrates, napiAsyncWorkers, nodeGypProjects];
