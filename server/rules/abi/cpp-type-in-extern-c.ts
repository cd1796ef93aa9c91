import type { Node } from 'web-tree-sitter';
import { readTypeAliases, resolveAlias, standardClassType, type CReplacement } from '../../analysis/c/cpp-class-types';
import { storageSpecifiersOf } from '../../analysis/c/declarations';
import { functionDeclaratorOf } from '../../analysis/c/functions';
import { declaredFunctionName, declaredLinkage } from '../../analysis/c/linkage';
import { closestAncestor } from '../../analysis/tree';
import { defineRule } from '../../engine/rule';

/** A declaration in a body is a local (`std::vector<Slice> keys(n);` reads like a prototype), never an interface. */
const LOCAL_SCOPES = ['compound_statement', 'function_definition', 'lambda_expression'];

const HEADER = /\.(?:h|hh|hpp|hxx)$/i;

/**
 * True for an `extern "C"` in a header with no `#ifdef __cplusplus` around it: such a header only
 * compiles as C++, so its callers are C++ too (typically a plugin entry point found with dlsym).
 */
function isInCppOnlyHeader(item: Node, filePath: string): boolean {
  if (!HEADER.test(filePath)) return false;
  for (let ancestor = item.parent; ancestor; ancestor = ancestor.parent) {
    if (ancestor.type.startsWith('preproc_if') || ancestor.type === 'preproc_elif') {
      const condition = ancestor.childForFieldName('name') ?? ancestor.childForFieldName('condition');
      if (condition?.text.includes('__cplusplus')) return false;
    }
  }
  return true;
}

const INSTEAD: Record<CReplacement | 'reference', string> = {
  text: '`const char*` and a length',
  buffer: 'a pointer and a length',
  callback: 'a C function pointer and a `void*` context',
  handle: 'an opaque handle (a pointer to an incomplete struct)',
  reference: 'a pointer',
};

/** How a declarator changes its base type before the name: `reference`, `pointer` (also arrays and function pointers) or `value`. */
function declaratorShape(declarator: Node | null): 'reference' | 'pointer' | 'value' {
  let shape: 'reference' | 'pointer' | 'value' = 'value';
  for (let current = declarator; current; ) {
    if (current.type === 'reference_declarator' || current.type === 'abstract_reference_declarator') return 'reference';
    if (current.type === 'function_declarator' || current.type === 'abstract_function_declarator') return 'pointer';
    if (/pointer_declarator$|array_declarator$/.test(current.type)) shape = 'pointer';
    current = current.childForFieldName('declarator') ?? current.namedChildren.find((child) => child?.type.endsWith('declarator')) ?? null;
  }
  return shape;
}

/** The part of a function's declarator above its function_declarator: `&` in `std::string& name(void)`. */
function returnShape(item: Node, functionDeclarator: Node): 'reference' | 'pointer' | 'value' {
  let shape: 'reference' | 'pointer' | 'value' = 'value';
  for (let current = item.childForFieldName('declarator'); current && current.id !== functionDeclarator.id; ) {
    if (current.type === 'reference_declarator') return 'reference';
    if (current.type === 'pointer_declarator') shape = 'pointer';
    current = current.childForFieldName('declarator') ?? current.namedChildren.find((child) => child?.type.endsWith('declarator')) ?? null;
  }
  return shape;
}

/** What is wrong with a type for C, or undefined when C can carry it. */
function problemWith(type: string, shape: 'reference' | 'pointer' | 'value', aliases: ReadonlyMap<string, string>): CReplacement | 'reference' | undefined {
  if (shape === 'pointer') return undefined;
  if (shape === 'reference') return 'reference';
  const resolved = resolveAlias(type, aliases);
  if (resolved.endsWith('&')) return 'reference';
  if (resolved.endsWith('*')) return undefined;
  return standardClassType(resolved)?.replacement;
}

function compact(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** The type quoted for a message, with what it stands for when it is an alias of this file: `KeyList` (`std::vector<std::string>`). */
function withAlias(written: string, type: string, aliases: ReadonlyMap<string, string>): string {
  const resolved = resolveAlias(type, aliases);
  const same = resolved === type.replace(/\b(?:const|volatile)\b/g, '').trim();
  return same ? `\`${written}\`` : `\`${written}\` (\`${compact(resolved)}\`)`;
}

export default defineRule({
  id: 'abi/cpp-type-in-extern-c',
  languages: ['cpp'],
  severity: 'warning',
  questions: [2],
  description:
    'A function with C linkage takes or returns a C++ class by value or any reference (std::string, std::vector, smart pointers, std::function, T&), which no C caller can build, pass or free.',
  messages: {
    parameter:
      '`{{function}}` has C linkage, but its parameter `{{parameter}}` is {{type}}, {{why}}; a C caller cannot pass it. Take {{instead}} instead.',
    result:
      '`{{function}}` has C linkage, but it returns {{type}}, {{why}}; a C caller cannot receive or free it. Return {{instead}} instead.',
  },
  fixable: false,
  triggers: ['extern "C"'],
  check(context) {
    const aliases = readTypeAliases(context.root);
    const why = (problem: CReplacement | 'reference') =>
      problem === 'reference' ? 'a reference (C has no references)' : 'a C++ class with no C layout';
    for (const item of context.root.descendantsOfType(['declaration', 'function_definition'])) {
      if (!item || declaredLinkage(item) !== 'C' || storageSpecifiersOf(item).includes('static') || closestAncestor(item, LOCAL_SCOPES) || isInCppOnlyHeader(item, context.filePath)) {
        continue;
      }
      const name = declaredFunctionName(item);
      const declarator = functionDeclaratorOf(item);
      if (!name || !declarator) continue;
      const returnType = item.childForFieldName('type');
      const returned = returnType ? problemWith(returnType.text, returnShape(item, declarator), aliases) : undefined;
      if (returnType && returned) {
        const type = compact(item.text.slice(0, declarator.startIndex - item.startIndex).trim()).replace(/^(?:extern|inline|static)\s+/, '');
        context.report({ node: returnType, messageId: 'result', data: { function: name, type: withAlias(type, returnType.text, aliases), why: why(returned), instead: INSTEAD[returned] } });
      }
      const parameters = declarator.childForFieldName('parameters')?.namedChildren ?? [];
      parameters.forEach((parameter, index) => {
        if (!parameter || !['parameter_declaration', 'optional_parameter_declaration'].includes(parameter.type)) return;
        const type = parameter.childForFieldName('type');
        const inner = parameter.childForFieldName('declarator');
        const problem = type ? problemWith(type.text, declaratorShape(inner), aliases) : undefined;
        if (!type || !problem) return;
        const nameNode = inner?.descendantsOfType('identifier').find((node) => node !== null);
        const written = compact(parameter.text.replace(/\s*=.*$/s, ''));
        const typeText = withAlias(nameNode ? compact(written.replace(new RegExp(`\\b${nameNode.text}\\s*$`), '').trim()) : written, type.text, aliases);
        context.report({
          node: parameter,
          messageId: 'parameter',
          data: { function: name, parameter: nameNode?.text ?? `#${index + 1}`, type: typeText, why: why(problem), instead: INSTEAD[problem] },
        });
      });
    }
  },
});
