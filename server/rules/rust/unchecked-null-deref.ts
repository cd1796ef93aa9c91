import type { Node } from 'web-tree-sitter';
import { functionItems, isExportedToC, rawPointerParameters } from '../../analysis/rust/c-callable-functions';
import { uncheckedDereferences } from '../../analysis/rust/raw-pointer-dereferences';
import { defineRule } from '../../engine/rule';

interface UncheckedDereference {
  parameter: string;
  functionName: string;
  node: Node;
}

/** Exported functions' raw pointer parameters dereferenced before any null check. */
function findUncheckedDereferences(root: Node): UncheckedDereference[] {
  const found: UncheckedDereference[] = [];
  for (const fn of functionItems(root)) {
    if (!isExportedToC(fn)) continue;
    const functionName = fn.childForFieldName('name')?.text ?? '';
    for (const parameter of rawPointerParameters(fn)) {
      for (const node of uncheckedDereferences(fn, parameter.name)) found.push({ parameter: parameter.name, functionName, node });
    }
  }
  return found;
}

function shortText(node: Node): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export default defineRule({
  id: 'rust/unchecked-null-deref',
  languages: ['rust'],
  severity: 'warning',
  questions: [27, 5],
  description: 'A raw pointer parameter of a function exported to C is dereferenced with no null check before it.',
  messages: {
    unchecked:
      '`{{expression}}` dereferences `{{parameter}}`, a raw pointer that C can pass as NULL to `{{function}}`: check `{{parameter}}.is_null()` first, or take `Option<&T>`/`Option<NonNull<T>>` (FFI-safe, NULL becomes None).',
  },
  fixable: false,
  triggers: ['no_mangle', 'export_name'],
  check(context) {
    for (const { parameter, functionName, node } of context.shared(findUncheckedDereferences)) {
      context.report({ node, messageId: 'unchecked', data: { expression: shortText(node), parameter, function: functionName } });
    }
  },
});
