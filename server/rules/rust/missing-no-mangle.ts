import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { crateOf } from '../../analysis/rust/crate';
import { exportAttributeOf, externAbiOf, isModuleLevel, isPublic, namesUsedAsValues } from '../../analysis/rust/extern-functions';
import { attributesOf, isTestOnly } from '../../analysis/rust/item-attributes';
import { indentationOf, startOf } from '../../analysis/tree';
import { defineRule, type Fix } from '../../engine/rule';

/** Targets of a package that are separate crates from its library: tests, examples, benches, binaries, build script. */
function isLibraryTarget(filePath: string, crateDir: string): boolean {
  const relative = path.relative(crateDir, filePath).split(path.sep).join('/');
  return !/^(?:tests|examples|benches|src\/bin)\//.test(relative) && relative !== 'build.rs' && relative !== 'src/main.rs';
}

/** Where an attribute goes above `fn`: before its first attribute or doc comment, else before the item. */
function insertNoMangleFix(fn: Node, source: string): Fix {
  const [first] = attributesOf(fn);
  const anchor = first ?? fn;
  const attribute = source.includes('unsafe(no_mangle)') && !source.includes('#[no_mangle]') ? '#[unsafe(no_mangle)]' : '#[no_mangle]';
  return {
    title: `Export it with ${attribute}`,
    edits: [{ range: { start: startOf(anchor), end: startOf(anchor) }, newText: `${attribute}\n${indentationOf(anchor, source)}` }],
    safe: false,
  };
}

function insertExternFix(fn: Node): Fix | undefined {
  const keyword = fn.children.find((child) => child.type === 'fn');
  if (!keyword) return undefined;
  return {
    title: 'Declare it extern "C"',
    edits: [{ range: { start: startOf(keyword), end: startOf(keyword) }, newText: 'extern "C" ' }],
    safe: false,
  };
}

export default defineRule({
  id: 'rust/missing-no-mangle',
  languages: ['rust'],
  severity: 'error',
  questions: [25, 2],
  description: 'A `pub extern "C" fn` in a C library crate without #[no_mangle], or a #[no_mangle] fn that keeps the Rust ABI.',
  messages: {
    missingNoMangle:
      '`{{function}}` is `pub extern "{{abi}}"` in this {{crateType}} but has no #[no_mangle] or #[export_name]: its symbol is mangled and C cannot link to it; add #[no_mangle] (or make it private if only Rust uses it).',
    rustAbiExport:
      '`{{function}}` is exported under a C name by #[{{attribute}}] in this {{crateType}} but uses the Rust ABI, so C callers use the wrong calling convention: declare it `extern "C" fn`.',
  },
  fixable: true,
  triggers: ['extern "C" fn', 'extern "system" fn', 'extern fn', 'no_mangle', 'export_name', 'extern "C-unwind" fn'],
  check(context) {
    const crate = context.workspace.complete ? crateOf(context.filePath, context.workspace) : undefined;
    if (crate && !isLibraryTarget(context.filePath, crate.dir)) return;
    const crateType = crate?.buildsCLibrary ? 'cdylib/staticlib crate' : 'crate';
    let valueNames: Set<string> | undefined;
    for (const fn of context.root.descendantsOfType('function_item')) {
      if (!isModuleLevel(fn) || fn.childForFieldName('type_parameters')) continue;
      const name = fn.childForFieldName('name');
      if (!name) continue;
      const abi = externAbiOf(fn);
      const attribute = exportAttributeOf(fn);
      if (abi && !attribute) {
        if (!crate?.buildsCLibrary || !isPublic(fn) || isTestOnly(fn)) continue;
        valueNames ??= namesUsedAsValues(context.root);
        if (valueNames.has(name.text)) continue; // a callback handed over by address needs no symbol name
        context.report({
          node: name,
          messageId: 'missingNoMangle',
          data: { function: name.text, abi, crateType },
          fix: insertNoMangleFix(fn, context.source),
        });
      } else if (!abi && attribute) {
        if (isTestOnly(fn) || /extern\s+"Rust"/.test(context.source)) continue;
        if (crate && !crate.buildsCLibrary) continue;
        const fix = insertExternFix(fn);
        context.report({
          node: name,
          messageId: 'rustAbiExport',
          data: { function: name.text, attribute, crateType },
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
});
