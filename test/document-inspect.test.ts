import * as assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Engine } from '../server/engine/engine';
import { ALL_RULES } from '../server/rules';

/** ParsedDocument.withRoot: what hovers read the current text through, without owning the tree. */
describe('ParsedDocument.withRoot', () => {
  const engine = new Engine(ALL_RULES);
  after(() => engine.dispose());
  const leafAt = (root: import('web-tree-sitter').Node, row: number, column: number) => root.descendantForPosition({ row, column })?.text;

  test('a document without a tree (nothing to check) is parsed for the call and keeps no tree', async () => {
    const document = await engine.openDocument('plain.py', 'python', 'x = 1\nprint(x)\n');
    try {
      engine.check(document);
      assert.equal(document.tree, undefined, 'no rule applies, so no tree is kept');
      assert.equal(document.withRoot((root) => leafAt(root, 1, 0)), 'print');
      assert.equal(document.tree, undefined, 'the temporary tree is not kept');
    } finally {
      document.dispose();
    }
  });

  test('an edited tree is re-parsed before it is read; an up-to-date one is reused', async () => {
    const document = await engine.openDocument('lib.py', 'python', 'import ctypes\nlib.f.restype = ctypes.c_void_p\n');
    try {
      const kept = document.parse(); // as a check that found rules to run leaves it
      assert.ok(kept);
      assert.equal(document.withRoot((root) => leafAt(root, 1, 6)), 'restype');
      assert.equal(document.tree, kept, 'reused as it is');
      document.applyChanges([{ range: { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } }, text: 'lib.g.argtypes = []\n' }]);
      assert.equal(document.withRoot((root) => leafAt(root, 1, 6)), 'argtypes');
      assert.equal(document.withRoot((root) => leafAt(root, 2, 6)), 'restype');
    } finally {
      document.dispose();
    }
  });
});
