import type { Node } from 'web-tree-sitter';
import {
  findGilReleasedSpans,
  gilReleasedSpanAt,
  isCallableWithoutGil,
  isPythonApiName,
  reacquiredBy,
  readPythonObjectTypes,
  type GilReleasedSpan,
  type PythonObjectTypes,
} from '../../analysis/c/cpython';
import { readFunctionVariables, type VisibleVariable } from '../../analysis/c/function-locals';
import { readFileScope } from '../../analysis/c/scope';
import { isNameToken } from '../../analysis/c/tokens';
import { defineRule } from '../../engine/rule';

/** Macros that return a Python object from the function: `Py_RETURN_NONE` increments `Py_None`. */
const RETURN_MACRO = /^Py_RETURN_[A-Z_]+$/;
const MEMBER_ACCESS = new Set(['->', '.', '::']);

/** True when `obj->field` touches Python state: any field of CPython's own structs, or a Python-object field of this file's object struct. */
function touchesPythonObject(variable: Pick<VisibleVariable, 'typeName' | 'pointerDepth'> | undefined, field: string, types: PythonObjectTypes): boolean {
  if (!variable || variable.pointerDepth !== 1 || !variable.typeName) return false;
  if (types.isInterpreterType(variable.typeName)) return true;
  return types.objectFieldsOf(variable.typeName)?.has(field) ?? false;
}

/** For `((PyListObject *)op)->`, the cast's type when it is a pointer to one of CPython's object structs. */
function castToInterpreterType(closing: Node, types: PythonObjectTypes): string | undefined {
  const group = closing.parent;
  if (group?.type !== 'parenthesized_expression') return undefined;
  const cast = group.namedChildren.find((child) => child?.type === 'cast_expression');
  const type = cast?.childForFieldName('type')?.text.replace(/\s+/g, '');
  const name = type?.endsWith('*') && !type.endsWith('**') ? type.slice(0, -1) : undefined;
  return name && types.isInterpreterType(name) ? name : undefined;
}

export default defineRule({
  id: 'cpython/api-without-gil',
  languages: ['c', 'cpp'],
  severity: 'error',
  questions: [36, 12],
  description:
    'A Python C-API call or a Python object field is used between Py_BEGIN_ALLOW_THREADS and Py_END_ALLOW_THREADS (or PyEval_SaveThread and PyEval_RestoreThread), where the GIL is not held.',
  messages: {
    call: '`{{call}}` runs without the GIL, released by `{{released}}` on line {{line}}: move it after `{{reacquire}}`, or take the GIL back around it (Py_BLOCK_THREADS … Py_UNBLOCK_THREADS).',
    field:
      '`{{access}}` reads the Python object `{{variable}}` without the GIL, released by `{{released}}` on line {{line}}: copy what you need into C variables before releasing the GIL, or move this after `{{reacquire}}`.',
  },
  fixable: false,
  triggers: [
    'ALLOW_THREADS',
    'allow_threads',
    'BEGIN_THREADS',
    'UNBLOCK_THREADS',
    'PyEval_SaveThread',
    'PyEval_Release',
    'ImagingSectionEnter',
    'gil_scoped_release',
    'PyAllowThreads',
  ],
  check(context) {
    const spans = context.shared(findGilReleasedSpans);
    if (spans.length === 0) return;
    const types = context.shared(readPythonObjectTypes);
    const fileScope = context.shared(readFileScope);
    const reportedLines = new Set<number>();
    const report = (
      [from, to]: [Node, Node],
      span: GilReleasedSpan,
      messageId: 'call' | 'field',
      data: Record<string, string>,
    ) => {
      if (reportedLines.has(from.startPosition.row)) return;
      reportedLines.add(from.startPosition.row);
      context.report({
        range: {
          start: { line: from.startPosition.row, column: from.startPosition.column },
          end: { line: to.endPosition.row, column: to.endPosition.column },
        },
        messageId,
        data: {
          ...data,
          released: span.releasedBy.text,
          line: String(span.releasedBy.startPosition.row + 1),
          reacquire: reacquiredBy(span),
        },
      });
    };

    for (const fn of [...new Set(spans.map((span) => span.function))]) {
      const own = spans.filter((span) => span.function === fn);
      const lookup = readFunctionVariables(context.root, fn);
      const tokens = fn.body;
      tokens.forEach((token, index) => {
        const span = gilReleasedSpanAt(own, token.startIndex);
        if (!span) return;
        const previous = tokens[index - 1];
        const next = tokens[index + 1];
        if (next?.type === '->' && token.type === ')') {
          const typeName = castToInterpreterType(token, types);
          const field = tokens[index + 2];
          const group = token.parent;
          if (typeName && group && isNameToken(field)) {
            report([group, field], span, 'field', { access: `${group.text}->${field.text}`, variable: group.text });
          }
          return;
        }
        if (!isNameToken(token) || (previous && MEMBER_ACCESS.has(previous.type))) return;
        const name = token.text;
        if (next?.type === '(' && isPythonApiName(name) && !isCallableWithoutGil(name)) {
          report([token, token], span, 'call', { call: name });
        } else if (RETURN_MACRO.test(name)) {
          report([token, token], span, 'call', { call: name });
        } else if (next?.type === '->') {
          const field = tokens[index + 2];
          if (!isNameToken(field)) return;
          const variable = lookup(name, token.startIndex) ?? fileScope.variables.get(name)?.[0];
          if (touchesPythonObject(variable, field.text, types)) {
            report([token, field], span, 'field', { access: `${name}->${field.text}`, variable: name });
          }
        }
      });
    }
  },
});
