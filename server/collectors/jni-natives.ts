import type { FactCollector } from '../engine/workspace';

/** `Java_…` symbols a C/C++ file exports, and the method names it passes to RegisterNatives. */
export const JNI_SYMBOL = 'jni-symbol';
export const JNI_REGISTERED_METHOD = 'jni-registered-method';

const EXPORTED_SYMBOL = /\bJava_[A-Za-z0-9_]+(?=\s*\()/g;
// `{ "name", "(sig)…", fn }` in a JNINativeMethod table, with or without a (char *) cast
const CAST = String.raw`(?:\(\s*char\s*\*\s*\)\s*|const_cast<\s*char\s*\*\s*>\(\s*)?`;
const NATIVE_METHOD_ENTRY = new RegExp(String.raw`\{\s*${CAST}"([A-Za-z_$][\w$]*)"\s*\)?\s*,\s*${CAST}"\(`, 'g');

export const jniNatives: FactCollector = {
  kinds: [JNI_SYMBOL, JNI_REGISTERED_METHOD],
  languages: ['c', 'cpp'],
  triggers: ['Java_', 'RegisterNatives'],
  collect(text) {
    const facts: { kind: string; value: string }[] = [];
    for (const [symbol] of text.matchAll(EXPORTED_SYMBOL)) {
      facts.push({ kind: JNI_SYMBOL, value: symbol });
      // An overloaded method's symbol is `<short name>__<mangled signature>`: also state the
      // short name at each `__`, so a lookup by short name finds it (escapes like `__1` are
      // harmless extra prefixes).
      for (let at = symbol.indexOf('__'); at !== -1; at = symbol.indexOf('__', at + 1)) {
        facts.push({ kind: JNI_SYMBOL, value: symbol.slice(0, at) });
      }
    }
    if (text.includes('RegisterNatives')) {
      for (const [, name] of text.matchAll(NATIVE_METHOD_ENTRY)) facts.push({ kind: JNI_REGISTERED_METHOD, value: name });
    }
    return facts;
  },
};

/** JNI's name mangling (JNI spec, "Resolving Native Method Names"). */
export function mangleJniName(name: string): string {
  let out = '';
  for (const ch of name) {
    if (ch === '.' || ch === '/') out += '_';
    else if (ch === '_') out += '_1';
    else if (ch === ';') out += '_2';
    else if (ch === '[') out += '_3';
    else if (/[A-Za-z0-9]/.test(ch)) out += ch;
    else out += `_0${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** The short symbol a JVM looks up for `method` of the class with binary name `className`. */
export function jniShortSymbol(className: string, method: string): string {
  return `Java_${mangleJniName(className)}_${mangleJniName(method)}`;
}
