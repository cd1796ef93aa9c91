import type { Node } from 'web-tree-sitter';
import { callReceiving, calleeName } from './calls';
import { stripCasts, stripParentheses } from './expressions';
import { walkBody } from './functions';

/** One place where a body changes the value stored in a variable (or in a part of it). */
export interface Write {
  /** The assignment, `++`/`--`, or call that writes. */
  node: Node;
  /** The expression written: `g_count`, `g_stats.calls`, `g_buf[i]`, `g_buf`. */
  target: Node;
  /**
   * The name at the root of the target: `g_stats` for `g_stats.calls`, `g_buf` for `g_buf[i]`.
   * Writes through `->` and `*` are writes to other memory and are not returned.
   */
  root: Node;
  /** For `g_buf[i] = …` and array destinations (`strcpy(g_buf, …)`): the root is written as an array. */
  asArray: boolean;
}

/** Calls that take an address to read, compare or print what is there. */
const READS_ONLY =
  /^(?:mem(?:cmp|chr)|str(?:n?cmp|len|chr|rchr|str|dup)|\w*printf|puts|fputs|assert|sizeof|offsetof|Py_BuildValue|PyBytes_FromStringAndSize|PyUnicode_From\w*|PyLong_From\w*|PyFloat_From\w*)$/;
/** Functions whose first argument is a buffer they fill. */
const FILLS_FIRST_ARGUMENT =
  /^(?:mem(?:cpy|move|set)|str(?:n?cpy|n?cat|ftime)|v?s(?:n)?printf|PyOS_v?snprintf|fgets|bzero|explicit_bzero|wcs(?:n?cpy|n?cat))$/;
/** CPython macros that store into their first argument: `Py_CLEAR(g_cache)`. */
const STORES_FIRST_ARGUMENT = /^(?:Py_CLEAR|Py_SETREF|Py_XSETREF)$/;

/** Follows `.` member accesses and subscripts to the variable they start from. */
function rootOf(target: Node): { root: Node; asArray: boolean } | undefined {
  let node = stripParentheses(target);
  let asArray = false;
  for (;;) {
    if (node.type === 'field_expression') {
      if (node.childForFieldName('operator')?.text !== '.') return undefined;
      const argument = node.childForFieldName('argument');
      if (!argument) return undefined;
      node = stripParentheses(argument);
      asArray = false;
    } else if (node.type === 'subscript_expression') {
      const argument = node.childForFieldName('argument');
      if (!argument) return undefined;
      node = stripParentheses(argument);
      asArray = true;
    } else if (node.type === 'identifier' || node.type === 'qualified_identifier') {
      return { root: node, asArray };
    } else {
      return undefined;
    }
  }
}

function argumentsOf(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment') ?? [];
}

/**
 * The writes in `body`, in document order: assignments (`=`, `+=`, …), `++`/`--`, an address
 * passed to a call that may store through it (`PyArg_ParseTuple(args, "i", &g_level)`), the
 * destination buffer of `strcpy`/`snprintf`/`memset`…, and `Py_CLEAR`/`Py_SETREF` of a variable.
 * `isAtomicCall(name)` names calls whose writes are atomic and are left out.
 */
export function writesIn(body: Node, isAtomicCall: (name: string) => boolean): Write[] {
  const writes: Write[] = [];
  const add = (node: Node, target: Node) => {
    const root = rootOf(target);
    if (root) writes.push({ node, target: stripParentheses(target), ...root });
  };
  for (const node of walkBody(body)) {
    switch (node.type) {
      case 'assignment_expression': {
        const left = node.childForFieldName('left');
        if (left) add(node, left);
        break;
      }
      case 'update_expression': {
        const argument = node.childForFieldName('argument');
        if (argument) add(node, argument);
        break;
      }
      case 'pointer_expression': {
        if (node.childForFieldName('operator')?.text !== '&') break;
        const call = callReceiving(node);
        const name = call ? calleeName(call) : undefined;
        const target = node.childForFieldName('argument');
        if (!call || !name || !target || READS_ONLY.test(name) || isAtomicCall(name)) break;
        add(call, target);
        break;
      }
      case 'call_expression': {
        const name = calleeName(node);
        const [first] = argumentsOf(node);
        if (!name || !first) break;
        if (FILLS_FIRST_ARGUMENT.test(name)) {
          const target = stripCasts(first);
          // A bare name: an array decays to its own storage (the caller checks it is one).
          if (target.type === 'identifier' || target.type === 'qualified_identifier') {
            writes.push({ node, target, root: target, asArray: true });
          }
        } else if (STORES_FIRST_ARGUMENT.test(name)) {
          add(node, first);
        }
        break;
      }
    }
  }
  return writes;
}
