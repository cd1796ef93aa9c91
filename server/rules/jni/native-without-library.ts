import { JNI_REGISTERED_METHOD, JNI_SYMBOL } from '../../collectors/jni-natives';
import { readNativeMethods, simpleClassName } from '../../analysis/java/native-methods';
import { defineRule } from '../../engine/rule';

/** Calls that load native code: System.loadLibrary/load, Runtime's, and project loaders named so. */
const LOADS_NATIVE_CODE =
  /\b(?:loadLibrary|loadNativeLibrary|loadNatives?)\s*\(|\bSystem\s*\.\s*load\s*\(|\.load\s*\(\s*[^)]*\.(?:so|dll|dylib)\b|NativeLoader|NativeLibrary\b|NativeLibraryLoader|NarSystem/;

export default defineRule({
  id: 'jni/native-without-library',
  languages: ['java'],
  severity: 'info',
  questions: [2, 16],
  description: 'A native method whose class loads no library and that no C or C++ file of the workspace implements or registers.',
  messages: {
    unresolved:
      '`{{method}}` is native, but `{{className}}` loads no library and no C/C++ file in the workspace defines `{{symbol}}` or registers `{{method}}`: calling it throws UnsatisfiedLinkError unless a library loaded elsewhere provides it.',
  },
  fixable: false,
  triggers: ['native'],
  check(context) {
    // Absence proves nothing until every file has been read.
    if (!context.workspace.complete || LOADS_NATIVE_CODE.test(context.source)) return;
    const natives = context.shared(readNativeMethods);
    // A class whose native side is in the workspace is loaded by someone: jni/unimplemented-native
    // then says which of its methods has no implementation.
    const boundClasses = new Set(natives.filter((n) => context.workspace.has(JNI_SYMBOL, n.symbol)).map((n) => n.className));
    for (const native of natives) {
      const method = native.name.text;
      if (boundClasses.has(native.className) || context.workspace.has(JNI_REGISTERED_METHOD, method)) continue;
      context.report({
        node: native.name,
        messageId: 'unresolved',
        data: { method, className: simpleClassName(native.className), symbol: native.symbol },
      });
    }
  },
});
