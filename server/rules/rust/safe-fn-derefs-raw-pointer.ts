import type { Node } from 'web-tree-sitter';
import { functionItems, isUnsafeFunction, rawPointerParameters } from '../../analysis/rust/c-callable-functions';
import { externAbiOf, isPublic } from '../../analysis/rust/extern-functions';
import { isInUnsafeBlock, pointerDereferences } from '../../analysis/rust/raw-pointer-dereferences';
import { defineRule } from '../../engine/rule';

/** A free function or an inherent/trait-less method: where a `pub fn` is a public API. */
function isApiFunction(fn: Node): boolean {
  const parent = fn.parent;
  if (parent?.type === 'source_file') return true;
  if (parent?.type !== 'declaration_list') return false;
  const owner = parent.parent;
  if (owner?.type === 'mod_item') return isPublic(owner);
  return owner?.type === 'impl_item' && owner.childForFieldName('trait') === null && !isUnsafeImpl(owner);
}

function isUnsafeImpl(impl: Node): boolean {
  return impl.children.some((child) => child.type === 'unsafe');
}

export default defineRule({
  id: 'rust/safe-fn-derefs-raw-pointer',
  languages: ['rust'],
  severity: 'error',
  questions: [27],
  description: 'A safe `pub fn` dereferences a raw pointer parameter inside `unsafe {}`: safe callers can cause undefined behaviour.',
  messages: {
    unsound:
      '`pub fn {{function}}` is safe but dereferences its raw pointer parameter `{{parameter}}` in `unsafe {}`: any safe caller can pass a dangling or NULL pointer. Declare it `pub unsafe fn` with a `# Safety` section, or take `&{{pointee}}`/a slice instead.',
  },
  fixable: true,
  triggers: ['*const', '*mut'],
  check(context) {
    for (const fn of functionItems(context.root)) {
      if (!isPublic(fn) || isUnsafeFunction(fn) || externAbiOf(fn) !== undefined || !isApiFunction(fn)) continue;
      const name = fn.childForFieldName('name');
      if (!name) continue;
      for (const parameter of rawPointerParameters(fn)) {
        const dereference = pointerDereferences(fn, parameter.name, { nullAware: true }).find((node) => isInUnsafeBlock(node, fn));
        if (!dereference) continue;
        const type = parameter.node.parent?.childForFieldName('type');
        const pointee = type?.childForFieldName('type')?.text ?? 'T';
        const fnKeyword = fn.children.find((child) => child.type === 'fn');
        context.report({
          node: dereference,
          messageId: 'unsound',
          data: { function: name.text, parameter: parameter.name, pointee },
          fix: fnKeyword && {
            title: `Declare \`${name.text}\` as \`unsafe fn\``,
            edits: [{ range: { start: { line: fnKeyword.startPosition.row, column: fnKeyword.startPosition.column }, end: { line: fnKeyword.startPosition.row, column: fnKeyword.startPosition.column } }, newText: 'unsafe ' }],
            safe: false,
          },
        });
        break;
      }
    }
  },
});
