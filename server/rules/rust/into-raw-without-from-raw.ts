import type { Node } from 'web-tree-sitter';
import { foreignFunctionNames, handoffToC, intoRawCalls, ownersTakenBack, type Handoff, type RawOwner } from '../../analysis/rust/ownership-transfers';
import { defineRule } from '../../engine/rule';

interface OrphanTransfer {
  node: Node;
  owner: RawOwner;
  handoff: Handoff;
}

/** `into_raw` pointers handed to C in a file that never calls the matching `from_raw`. */
function findOrphanTransfers(root: Node): OrphanTransfer[] {
  const calls = intoRawCalls(root);
  if (calls.length === 0) return [];
  const takenBack = ownersTakenBack(root);
  const foreign = foreignFunctionNames(root);
  const found: OrphanTransfer[] = [];
  for (const call of calls) {
    const handoff = takenBack.has(call.owner) ? undefined : handoffToC(call.node, foreign);
    if (handoff) found.push({ ...call, handoff });
  }
  return found;
}

function shortText(node: Node): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export default defineRule({
  id: 'rust/into-raw-without-from-raw',
  languages: ['rust'],
  severity: 'warning',
  questions: [5, 27],
  description: 'A `Box`/`CString` is turned into a raw pointer for C with `into_raw`, but the file never takes it back with `from_raw`.',
  messages: {
    passed:
      '`{{call}}` passes an owned {{owner}} to `{{callee}}`, but nothing in this file calls `{{owner}}::from_raw`: it leaks. If C only borrows it for the call, keep the {{owner}} alive in a variable and pass `{{borrow}}`; if C keeps it, take it back with `{{owner}}::from_raw` once C is done.',
    returned:
      '`{{call}}` gives C a {{owner}} pointer, but nothing in this file calls `{{owner}}::from_raw`: the memory leaks, or C frees it with the wrong allocator. Export a `*_free` function that calls `{{owner}}::from_raw`, and document that C must call it, not `free()`.',
  },
  fixable: false,
  triggers: ['into_raw'],
  check(context) {
    for (const { node, owner, handoff } of context.shared(findOrphanTransfers)) {
      const data = { call: shortText(node), owner, callee: handoff.kind === 'passed' ? handoff.callee : '', borrow: owner === 'CString' ? 'value.as_ptr()' : '&mut *value' };
      context.report({ node, messageId: handoff.kind, data });
    }
  },
});
