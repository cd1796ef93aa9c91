import type { Node } from 'web-tree-sitter';
import { methodCall, isTemporaryCString, pointerEscape } from '../../analysis/rust/temporary-cstrings';
import { indentationOf, startOf, nodeRange } from '../../analysis/tree';
import { defineRule, type Fix } from '../../engine/rule';

const SHOWN_LENGTH = 60;

/** The expression as a message shows it: on one line, shortened when long. */
function shown(node: Node): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > SHOWN_LENGTH ? `${text.slice(0, SHOWN_LENGTH - 1)}…` : text;
}

/** A name for the owning variable that the file does not use yet. */
function ownerName(variable: string, source: string): string {
  for (let suffix = 0; ; suffix++) {
    const candidate = `${variable}_owned${suffix === 0 ? '' : suffix + 1}`;
    if (!new RegExp(`\\b${candidate}\\b`).test(source)) return candidate;
  }
}

/** `let p = CString::new(..).unwrap().as_ptr();` → bind the CString first, then take its pointer. */
function bindFirstFix(declaration: Node, cstring: Node, source: string): Fix | undefined {
  const variable = declaration.childForFieldName('pattern')?.text;
  if (!variable || declaration.parent?.type !== 'block') return undefined;
  const owner = ownerName(variable.replace(/^r#/, ''), source);
  const indentation = indentationOf(declaration, source);
  return {
    title: `Bind the CString to \`${owner}\` before taking its pointer`,
    edits: [
      { range: { start: startOf(declaration), end: startOf(declaration) }, newText: `let ${owner} = ${cstring.text};\n${indentation}` },
      { range: nodeRange(cstring), newText: owner },
    ],
    safe: true,
  };
}

export default defineRule({
  id: 'rust/cstring-temporary-pointer',
  languages: ['rust'],
  severity: 'error',
  questions: [5, 27],
  description: '`.as_ptr()` on a temporary CString whose pointer outlives the statement, after the CString is freed.',
  messages: {
    danglingPointer:
      '`{{expression}}` points into a temporary CString that is freed at the end of the statement, but the pointer {{escape}}: bind the CString to a variable that outlives every use of the pointer (or pass ownership with into_raw() and free it later with CString::from_raw).',
  },
  fixable: true,
  triggers: ['CString', 'c"'],
  queries: {
    asPtr: '(call_expression function: (field_expression field: (field_identifier) @method) (#eq? @method "as_ptr")) @call',
  },
  check(context) {
    for (const capture of context.captures('asPtr')) {
      if (capture.name !== 'call') continue;
      const call = capture.node;
      const method = methodCall(call);
      if (!method || method.args.length > 0 || !isTemporaryCString(method.receiver)) continue;
      const escape = pointerEscape(call);
      if (!escape) continue;
      const fix = escape.letDeclaration ? bindFirstFix(escape.letDeclaration, method.receiver, context.source) : undefined;
      context.report({
        node: call,
        messageId: 'danglingPointer',
        data: { expression: shown(call), escape: escape.how },
        ...(fix ? { fix } : {}),
      });
    }
  },
});
