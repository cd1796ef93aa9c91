import { readCffiAbiLibraries } from '../../analysis/python/cffi-abi-libraries';
import { repeatingLoop } from '../../analysis/python/loops';
import { defineRule } from '../../engine/rule';

const LOOP_WORDS: Record<string, string> = {
  for_statement: 'a for loop',
  while_statement: 'a while loop',
  list_comprehension: 'a comprehension',
  set_comprehension: 'a comprehension',
  dictionary_comprehension: 'a comprehension',
  generator_expression: 'a generator expression',
};

export default defineRule({
  id: 'cffi/abi-mode-in-loop',
  languages: ['python'],
  severity: 'info',
  questions: [11, 38],
  description: 'A library opened with cffi ABI mode (ffi.dlopen) has its functions called in a loop; API mode is faster and checked at build time.',
  messages: {
    callInLoop:
      '`{{library}}.{{function}}` is called in {{loop}} through cffi ABI mode (`{{ffi}}.dlopen`): libffi dispatches every call and no compiler checks its cdef; for a hot path, switch to API mode (`ffibuilder.set_source(...)`) and import the compiled `lib`.',
  },
  fixable: false,
  triggers: ['dlopen'],
  check(context) {
    const model = readCffiAbiLibraries(context.root);
    if (model.usesApiMode || model.libraries.length === 0) return;
    // One finding per library function, and one per line: the remedy is one change for the module.
    const reported = new Set<string>();
    const lines = new Set<number>();
    for (const { library, function: name, call, callee } of model.calls) {
      const key = `${library.handle}.${name}`;
      if (library.hasFallback || reported.has(key) || lines.has(callee.startPosition.row)) continue;
      const loop = repeatingLoop(call);
      if (!loop) continue;
      reported.add(key);
      lines.add(callee.startPosition.row);
      context.report({
        node: callee,
        messageId: 'callInLoop',
        data: { function: name, library: library.handle, ffi: library.ffi, loop: LOOP_WORDS[loop.type] ?? 'a loop' },
      });
    }
  },
});
