import { isTestOnly } from '../../analysis/rust/item-attributes';
import { abiAllowsUnwinding, foreignAbiFunctions } from '../../analysis/rust/c-abi';
import { firstPanic } from '../../analysis/rust/panics';
import { defineRule } from '../../engine/rule';

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

export default defineRule({
  id: 'rust/panic-across-ffi',
  languages: ['rust'],
  severity: 'error',
  questions: [9, 34],
  description: 'An extern "C" function defined in Rust can panic (unwrap, expect, panic!, indexing, division) outside catch_unwind: the panic cannot cross into C and aborts the process.',
  messages: {
    panics:
      'extern "{{abi}}" fn `{{function}}` can panic at `{{expression}}`, and a panic cannot unwind into its C caller (the process aborts). Run the body inside std::panic::catch_unwind and return an error code, or declare it extern "C-unwind" if the caller can unwind.',
  },
  fixable: false,
  triggers: ['extern "C" fn', 'extern "system" fn', 'extern fn'],
  check(context) {
    for (const fn of foreignAbiFunctions(context.root)) {
      if (abiAllowsUnwinding(fn.abi) || isTestOnly(fn.node)) continue;
      const panic = firstPanic(fn.node, fn.body);
      if (!panic) continue;
      context.report({ node: panic, messageId: 'panics', data: { abi: fn.abi, function: fn.name, expression: shorten(panic.text) } });
    }
  },
});
