import type { Node } from 'web-tree-sitter';
import { findCCallbacks, mentionsCRegistration } from '../../analysis/c/c-callbacks';
import { ExceptionEscapes, originOf, readClassBases, type EscapingException } from '../../analysis/c/cpp-exceptions';
import { displayName, readDefinedFunctions, type DefinedFunction } from '../../analysis/c/functions';
import { hasCLinkageInFile, namesWithCLinkage } from '../../analysis/c/linkage';
import { defineRule } from '../../engine/rule';

/** JNI entry points: the JVM finds them by their unmangled name, so the generated header declares them extern "C". */
const JNI_ENTRY = /^(?:Java_\w+|JNI_OnLoad|JNI_OnUnload)$/;

/** node-addon-api callbacks (`Napi::Value f(const Napi::CallbackInfo&)`): the wrapper converts their exceptions. */
function takesNapiCallbackInfo(fn: DefinedFunction): boolean {
  return fn.parameters.some((parameter) => /\bCallbackInfo\b/.test(parameter.typeName ?? ''));
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/** ` (std::out_of_range)`, or where a called function of the file throws: ` (via \`parse\`: \`throw ParseError(...)\` at line 12)`. */
function describe(escape: EscapingException): string {
  const origin = originOf(escape);
  const types = origin.thrown && !origin.thrown.some((type) => type === 'string literal' || type === 'number') ? origin.thrown.join(' or ') : undefined;
  if (!escape.through) return types ? ` (${types})` : '';
  return ` (\`${shorten(origin.node.text)}\` at line ${origin.node.startPosition.row + 1})`;
}

export default defineRule({
  id: 'abi/exception-escapes-extern-c',
  languages: ['cpp'],
  severity: 'error',
  questions: [9, 34],
  description:
    'A C++ exception can leave a function with C linkage (extern "C", JNI) or a C++ routine handed to a C API as a callback (pthread_create, qsort, atexit, N-API, libuv, SQLite, PyMethodDef and JNINativeMethod tables), where no C frame can unwind it.',
  messages: {
    linkage:
      '`{{function}}` has C linkage, but a C++ exception can escape it from `{{place}}`{{detail}}; C callers cannot unwind it (terminate or undefined behaviour). Catch everything at the boundary (`catch (...)`) and return an error code or set a pending JS/Java/Python exception.',
    callback:
      "{{function}} is called back through `{{via}}`, but a C++ exception can escape it from `{{place}}`{{detail}}; the C frames above it cannot unwind it. Catch everything in the callback (`catch (...)`) and return the caller's error value or set a pending JS/Java/Python exception.",
  },
  fixable: false,
  triggers: ['throw', 'sto', 'at(', 'any_cast', 'dynamic_cast', 'get<'],
  // Something can throw (the triggers) AND something is a C boundary: C linkage, a JNI entry
  // point, or a routine handed to a C API. Most C++ files have the first and not the second.
  appliesTo: (text) => /extern\s*"C"|\bJava_|\bJNI_On(?:Un)?load\b/.test(text) || mentionsCRegistration(text),
  check(context) {
    const functions = context.shared(readDefinedFunctions);
    const escapes = new ExceptionEscapes(functions, readClassBases(context.root));
    const cNames = namesWithCLinkage(context.root);
    const reported = new Set<number>();
    const report = (routine: Node, body: Node, messageId: string, data: Record<string, string>) => {
      if (reported.has(routine.id)) return;
      reported.add(routine.id);
      const escape = escapes.firstEscape(body);
      if (!escape) return;
      context.report({ node: escape.node, messageId, data: { ...data, place: shorten(escape.node.text), detail: describe(escape) } });
    };
    for (const fn of [...functions.values()].flat()) {
      if (takesNapiCallbackInfo(fn)) continue;
      // A static function has C linkage but no C caller outside this file: it counts once registered as a callback.
      const boundary = fn.owner === undefined && !fn.isStatic && (hasCLinkageInFile(fn.definition, context.language, cNames) || JNI_ENTRY.test(fn.name));
      if (boundary) report(fn.definition, fn.body, 'linkage', { function: displayName(fn) });
    }
    for (const callback of findCCallbacks(context.root, functions)) {
      const { routine } = callback;
      if (routine.kind === 'function') {
        if (takesNapiCallbackInfo(routine.fn)) continue;
        report(routine.fn.definition, routine.fn.body, 'callback', { function: `\`${displayName(routine.fn)}\``, via: callback.via });
        continue;
      }
      const body = routine.node.childForFieldName('body');
      if (body) report(routine.node, body, 'callback', { function: 'The lambda', via: callback.via });
    }
  },
});
