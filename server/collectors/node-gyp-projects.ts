import * as path from 'node:path';
import type { FactCollector } from '../engine/workspace';

/** A directory holding a `binding.gyp`: node-gyp builds a native addon there (npm runs it at install). */
export const NODE_GYP_PROJECT = 'node-gyp-project';

export const nodeGypProjects: FactCollector = {
  kinds: [NODE_GYP_PROJECT],
  languages: [],
  fileNames: ['binding.gyp'],
  triggers: ['targets'],
  collect(_text, file) {
    return [{ kind: NODE_GYP_PROJECT, value: path.dirname(file) }];
  },
};
