import { JNI_REGISTERED_METHOD, JNI_SYMBOL } from '../../collectors/jni-natives';
import { readNativeMethods, simpleClassName } from '../../analysis/java/native-methods';
import { defineRule } from '../../engine/rule';

export default defineRule({
  id: 'jni/unimplemented-native',
  languages: ['java'],
  severity: 'warning',
  questions: [2],
  description:
    'A native method with no C/C++ implementation in the workspace, although the workspace implements other native methods of the same class.',
  messages: {
    missing:
      '`{{className}}.{{method}}` has no C/C++ implementation: the workspace defines `{{implemented}}` for this class but no `{{symbol}}`, and no RegisterNatives table names `{{method}}`. Calling it throws UnsatisfiedLinkError.',
  },
  fixable: false,
  triggers: ['native'],
  check(context) {
    if (!context.workspace.complete) return;
    const natives = context.shared(readNativeMethods);
    const resolved = (symbol: string, method: string) =>
      context.workspace.has(JNI_SYMBOL, symbol) || context.workspace.has(JNI_REGISTERED_METHOD, method);
    for (const native of natives) {
      const method = native.name.text;
      if (resolved(native.symbol, method)) continue;
      // Only where this class's native side is in the workspace: another method of it is implemented there.
      const sibling = natives.find((other) => other.className === native.className && context.workspace.has(JNI_SYMBOL, other.symbol));
      if (!sibling) continue;
      context.report({
        node: native.name,
        messageId: 'missing',
        data: { className: simpleClassName(native.className), method, symbol: native.symbol, implemented: sibling.symbol },
      });
    }
  },
});
