import type { Node } from 'web-tree-sitter';
import type { CFieldDeclaration, CStructDeclaration } from '../../analysis/c/struct-text';
import { cScalar } from '../../analysis/c/scalar-types';
import { readCDeclarationsInModule } from '../../analysis/python/c-declarations-in-module';
import { readCtypesNames, type CtypesNames } from '../../analysis/python/ctypes-bindings';
import { DATA_MODELS, scalarSize, structureLayout, type DataModel } from '../../analysis/python/ctypes-layout';
import { CTYPES_SCALARS, readCtypesStructures, type CtypesStructure, type CtypesStructures } from '../../analysis/python/ctypes-structures';
import { indentationOf, nodeRange } from '../../analysis/tree';
import { defineRule, type Fix, type RuleContext, type TextEdit } from '../../engine/rule';

/** Signs that a module is written for Windows, where `long` is 32 bits like `DWORD` and `LONG`. */
const WINDOWS_MODULE = /\b(?:windll|WinDLL|oledll|OleDLL|wintypes|WINFUNCTYPE)\b|['"]win32['"]|\bos\.name\s*==\s*['"]nt['"]/;
const CHARACTER_TYPES: Record<string, { pointer: string; element: string }> = {
  char: { pointer: 'c_char_p', element: 'c_char' },
  'signed char': { pointer: 'c_char_p', element: 'c_char' },
  'unsigned char': { pointer: 'c_char_p', element: 'c_char' },
  wchar_t: { pointer: 'c_wchar_p', element: 'c_wchar' },
};

/** How new code names `ctypes.<member>` here, with the import edit it needs, if any. */
function spellCtypes(member: string, names: CtypesNames, root: Node): { text: string; edits: TextEdit[] } | undefined {
  for (const [local, imported] of names.importedNames) if (imported === member) return { text: local, edits: [] };
  if (names.starImport) return { text: member, edits: [] };
  const [alias] = names.moduleAliases;
  if (alias) return { text: `${alias}.${member}`, edits: [] };
  const statement = root
    .descendantsOfType('import_from_statement')
    .find((node) => node.childForFieldName('module_name')?.text === 'ctypes');
  const last = statement?.childrenForFieldName('name').at(-1);
  if (!last) return undefined;
  const at = { line: last.endPosition.row, column: last.endPosition.column };
  return { text: member, edits: [{ range: { start: at, end: at }, newText: `, ${member}` }] };
}

/** Describes where the natural and the packed layouts first part, or undefined when they agree. */
function layoutDifference(structures: CtypesStructures, structure: CtypesStructure, ours: number | undefined, theirs: number): string | undefined {
  for (const model of DATA_MODELS) {
    const natural = structureLayout(structures, structure.name, ours, model);
    const packed = structureLayout(structures, structure.name, theirs, model);
    if (!natural || !packed) return undefined;
    const moved = packed.offsets.findIndex((offset, index) => offset !== natural.offsets[index]);
    if (moved !== -1) {
      const field = structure.fields![moved].name;
      return `\`${field}\` is at offset ${packed.offsets[moved]} in C but ${natural.offsets[moved]} here`;
    }
    if (packed.size !== natural.size) return `sizeof is ${packed.size} in C but ${natural.size} here`;
  }
  return undefined;
}

function packFix(structure: CtypesStructure, pack: number, source: string): Fix | undefined {
  const body = structure.definition.childForFieldName('body');
  const statements = body?.namedChildren.filter((child) => child.type !== 'comment') ?? [];
  const isDocstring = (node: Node) => node.type === 'expression_statement' && node.namedChildren[0]?.type === 'string';
  const anchor = statements.find((statement, index) => !(index === 0 && isDocstring(statement)));
  if (!body || body.startPosition.row === structure.definition.startPosition.row) return undefined;
  const lines = (indent: string) => `${indent}_pack_ = ${pack}\n${indent}_layout_ = "ms"\n`;
  let edit: TextEdit;
  if (anchor) {
    const at = { line: anchor.startPosition.row, column: 0 };
    edit = { range: { start: at, end: at }, newText: lines(indentationOf(anchor, source)) };
  } else {
    const last = statements[statements.length - 1];
    if (!last) return undefined;
    const at = { line: last.endPosition.row, column: last.endPosition.column };
    edit = { range: { start: at, end: at }, newText: `\n${lines(indentationOf(last, source)).trimEnd()}` };
  }
  return { title: `Set _pack_ = ${pack} on ${structure.name}`, edits: [edit], safe: true };
}

function checkPacking(context: RuleContext, structures: CtypesStructures, structure: CtypesStructure, declaration: CStructDeclaration): void {
  const theirs = declaration.packing;
  if (theirs === undefined || !structure.ctypesBase || structure.mixins.length > 0 || !structure.fields) return;
  const packValue = structure.pack;
  if (packValue && packValue.type !== 'integer') return;
  const ours = packValue ? Number(packValue.text) : undefined;
  if (ours === theirs) return;
  const difference = layoutDifference(structures, structure, ours, theirs);
  if (!difference) return;
  const data = { struct: structure.name, packing: declaration.packingSpelling ?? `pack(${theirs})`, pack: String(theirs), difference };
  if (packValue) {
    context.report({
      node: packValue,
      messageId: 'wrongPack',
      data: { ...data, ours: packValue.text },
      fix: { title: `Set _pack_ = ${theirs}`, edits: [{ range: nodeRange(packValue), newText: String(theirs) }], safe: true },
    });
    return;
  }
  const fix = packFix(structure, theirs, context.source);
  context.report({ node: structure.nameNode, messageId: 'missingPack', data, ...(fix ? { fix } : {}) });
}

/** The scalar member a type node names directly (`ctypes.c_long`, `c_long`), not through an alias. */
function directScalar(node: Node, names: CtypesNames): string | undefined {
  return [...CTYPES_SCALARS].find((member) => names.isMember(node, member));
}

function checkField(
  context: RuleContext,
  names: CtypesNames,
  structure: CtypesStructure,
  typeNode: Node,
  cField: CFieldDeclaration,
  windowsModule: boolean,
): void {
  const field = cField.name;
  let element = typeNode;
  let cDimensions = cField.dimensions;
  while (element.type === 'parenthesized_expression' && element.namedChildCount === 1) element = element.namedChildren[0]!;
  // `c_long * 4` against `int32_t x[4]`: compare the elements.
  if (element.type === 'binary_operator' && cDimensions.length === 1) {
    const length = element.childForFieldName('right');
    if (length?.text !== cDimensions[0]) return;
    element = element.childForFieldName('left') ?? element;
    cDimensions = [];
  }
  const member = directScalar(element, names);
  if (!member || cField.pointerDepth > 0) return;

  const character = CHARACTER_TYPES[cField.type];
  if (character && member === character.pointer && cDimensions.length > 0) {
    const length = cDimensions.length === 1 && /^\d+$/.test(cDimensions[0]) ? cDimensions[0] : undefined;
    const spelled = spellCtypes(character.element, names, context.root);
    const count = length ?? (/^\w+$/.test(cDimensions[0]) ? cDimensions[0] : `(${cDimensions[0]})`);
    const replacement = `${spelled?.text ?? character.element} * ${count}`;
    context.report({
      node: element,
      messageId: 'pointerForArray',
      data: { field, struct: structure.name, type: element.text, cDeclaration: `${cField.type} ${field}[${cDimensions.join('][')}]`, replacement },
      ...(length && spelled && cDimensions.length === 1
        ? { fix: { title: `Use ${replacement}`, edits: [{ range: nodeRange(element), newText: replacement }, ...spelled.edits], safe: true } }
        : {}),
    });
    return;
  }

  const scalar = cScalar(cField.type);
  if (!scalar || cDimensions.length > 0) return;
  const models: readonly DataModel[] = scalar.windows && windowsModule ? ['llp64'] : DATA_MODELS;
  const mismatch = models.find((model) => {
    const ours = scalarSize(member, model);
    return ours !== undefined && ours !== scalar[model];
  });
  if (!mismatch || member === 'c_char_p' || member === 'c_wchar_p' || member === 'c_void_p' || member === 'py_object') return;
  const spelled = spellCtypes(scalar.ctypes, names, context.root);
  const platformLong = (member === 'c_long' || member === 'c_ulong') && scalar.lp64 === scalar.llp64;
  context.report({
    node: element,
    messageId: platformLong ? 'platformLong' : 'wrongWidth',
    data: {
      field,
      struct: structure.name,
      type: element.text,
      cType: cField.type,
      ours: String(scalarSize(member, mismatch)),
      theirs: String(scalar[mismatch]),
      replacement: spelled?.text ?? scalar.ctypes,
    },
    ...(spelled
      ? { fix: { title: `Use ${spelled.text}`, edits: [{ range: nodeRange(element), newText: spelled.text }, ...spelled.edits], safe: true } }
      : {}),
  });
}

export default defineRule({
  id: 'ctypes/struct-layout-mismatch',
  languages: ['python'],
  severity: 'warning',
  questions: [10],
  description: 'A ctypes Structure or Union lays out its fields differently from the C declaration in the same module.',
  messages: {
    missingPack:
      '`{{struct}}` is packed in C ({{packing}}) but its ctypes class has no `_pack_`, so {{difference}}: set `_pack_ = {{pack}}` before `_fields_`.',
    wrongPack:
      '`{{struct}}` sets `_pack_ = {{ours}}` but C declares it with {{packing}}, so {{difference}}: set `_pack_ = {{pack}}`.',
    platformLong:
      'Field `{{field}}` of `{{struct}}` is `{{type}}` but C declares it `{{cType}}`, {{theirs}} bytes everywhere; `{{type}}` is 8 bytes on Linux and macOS but 4 on Windows, so one of them reads the wrong bytes: use `{{replacement}}`.',
    wrongWidth:
      'Field `{{field}}` of `{{struct}}` is `{{type}}` ({{ours}} bytes) but C declares it `{{cType}}` ({{theirs}} bytes), which shifts every later field and the size; use `{{replacement}}`.',
    pointerForArray:
      'Field `{{field}}` of `{{struct}}` is `{{type}}`, a pointer, but C declares `{{cDeclaration}}`, characters stored inside the struct: use `{{replacement}}`.',
  },
  fixable: true,
  triggers: ['_fields_'],
  check(context) {
    const names = readCtypesNames(context.root);
    const structures = readCtypesStructures(context.root, names);
    if (structures.structures.size === 0) return;
    const declarations = readCDeclarationsInModule(context.root);
    const windowsModule = WINDOWS_MODULE.test(context.source);
    for (const structure of structures.structures.values()) {
      if (structure.dynamic || !structure.fields) continue;
      const declaration = declarations.findStruct(structure.name);
      if (!declaration || declaration.kind !== structure.kind) continue;
      checkPacking(context, structures, structure, declaration);
      for (const field of structure.fields) {
        const cField = declaration.fields.find((candidate) => candidate.name === field.name);
        if (!cField || field.bits || cField.bits !== undefined) continue;
        checkField(context, names, structure, field.type, cField, windowsModule);
      }
    }
  },
});
