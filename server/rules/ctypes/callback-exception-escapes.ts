import type { Node } from 'web-tree-sitter';
import { decoratorsOf, resolveFunction } from '../../analysis/python/callables';
import { declaresVoidResult, readCffiCallbacks } from '../../analysis/python/cffi-callbacks';
import { readCtypesBindings } from '../../analysis/python/ctypes-bindings';
import { readCtypesCallbacks, returnsVoid } from '../../analysis/python/ctypes-callbacks';
import { exceptionCanEscape } from '../../analysis/python/exception-escape';
import { defineRule } from '../../engine/rule';

/** Decorators that do not wrap the function in anything that could catch. */
const TRANSPARENT_DECORATORS = /^(?:staticmethod|classmethod)$/;

/**
 * The function a callback site wraps, when it wraps it directly: a `def` whose other decorators
 * (applied before the callback's) cannot catch exceptions for it, or a lambda.
 */
function wrappedFunction(site: Node, form: 'call' | 'decorator', target: Node): Node | undefined {
  const fn = form === 'decorator' ? target : resolveFunction(target);
  if (!fn || fn.type === 'lambda') return fn;
  const decorators = decoratorsOf(fn);
  const own = decorators.findIndex((decorator) => decorator.id === site.id || decorator.id === site.parent?.id);
  // Decorators listed below the callback's are applied first and may add the missing guard.
  const applied = form === 'decorator' ? decorators.slice(own + 1) : decorators;
  return applied.every((decorator) => TRANSPARENT_DECORATORS.test(decorator.namedChildren[0]?.text ?? '')) ? fn : undefined;
}

const VALUE_ADVICE = 'return a value C treats as an error';
const VOID_ADVICE = 'record the failure for Python to check once the C call returns';

function nameOf(fn: Node): Node {
  return fn.type === 'function_definition' ? (fn.childForFieldName('name') ?? fn) : fn;
}

export default defineRule({
  id: 'ctypes/callback-exception-escapes',
  languages: ['python'],
  severity: 'warning',
  questions: [9, 34],
  description:
    'A Python function called from C (ctypes prototype, cffi callback or def_extern) can raise, and no catch-all turns the exception into a result C understands.',
  messages: {
    ctypes:
      '`{{callback}}` is called from C through `{{via}}` and can raise; ctypes only prints an escaping exception and C gets {{outcome}}. Catch everything at the top of the body (try/except Exception) and {{advice}}.',
    cffi:
      '`{{callback}}` is called from C through `{{via}}` without onerror=; cffi only prints an escaping exception and C gets {{outcome}}. Catch everything at the top of the body (try/except Exception) and {{advice}}, or pass onerror=.',
  },
  fixable: false,
  triggers: ['FUNCTYPE', 'ffi.callback', 'def_extern'],
  check(context) {
    const reported = new Set<number>();
    const report = (fn: Node, messageId: string, via: string, outcome: string, returnsNothing: boolean) => {
      if (reported.has(fn.id) || !exceptionCanEscape(fn)) return;
      reported.add(fn.id);
      const name = nameOf(fn);
      context.report({
        node: name,
        messageId,
        data: { callback: fn.type === 'lambda' ? 'lambda' : name.text, via, outcome, advice: returnsNothing ? VOID_ADVICE : VALUE_ADVICE },
      });
    };

    if (context.source.includes('FUNCTYPE')) {
      const { names } = context.shared(readCtypesBindings);
      for (const callback of readCtypesCallbacks(context.root, names).callbacks) {
        const fn = wrappedFunction(callback.site, callback.form, callback.target);
        if (!fn) continue;
        const via = callback.form === 'decorator' ? `@${callback.prototype.name}` : callback.prototype.name;
        const returnsNothing = returnsVoid(callback.prototype);
        report(fn, 'ctypes', via, returnsNothing ? 'no sign of the failure' : 'an undefined return value', returnsNothing);
      }
    }
    for (const callback of readCffiCallbacks(context.root)) {
      if (callback.handlesErrors) continue;
      const fn = wrappedFunction(callback.site, callback.form, callback.target);
      if (!fn) continue;
      const via = callback.form === 'decorator' ? `@${callback.ffi}.${callback.kind}` : `${callback.ffi}.${callback.kind}`;
      const returnsNothing = declaresVoidResult(callback.declaration);
      const outcome =
        callback.kind === 'def_extern'
          ? 'a zero result (for a void function, no sign of the failure)'
          : returnsNothing
            ? 'no sign of the failure'
            : 'a zero result';
      report(fn, 'cffi', via, outcome, returnsNothing);
    }
  },
});
