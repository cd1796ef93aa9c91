import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { declaredFunctionName, hasCLinkage, namesWithCLinkage } from '../../server/analysis/c/linkage';
import { parseSnippet } from '../support/parse';

const parseCpp = (source: string) => parseSnippet('cpp', source);

/** The linkage reader behind the abi/* rules, on the shapes C++ shims are written in. */
describe('C language linkage', () => {
  test('blocks, single declarations and the __cplusplus guard give C linkage; class members do not', async () => {
    const tree = await parseCpp(`
extern "C" { int in_block(void); struct S { void member(); }; }
extern "C" int prefixed(int x) { return x; }
#ifdef __cplusplus
extern "C" {
#endif
int guarded(int);
#ifdef __cplusplus
}
#endif
int plain(int x) { return x; }
extern "C++" int cxx(void);
`);
    try {
      assert.deepEqual([...namesWithCLinkage(tree.rootNode)].sort(), ['guarded', 'in_block', 'prefixed']);
      const definitions = tree.rootNode.descendantsOfType('function_definition').filter((n) => n !== null);
      const byName = new Map(definitions.map((d) => [declaredFunctionName(d), d]));
      assert.equal(hasCLinkage(byName.get('prefixed')!, 'cpp'), true);
      assert.equal(hasCLinkage(byName.get('plain')!, 'cpp'), false);
      assert.equal(hasCLinkage(byName.get('plain')!, 'c'), true);
    } finally {
      tree.delete();
    }
  });
});
