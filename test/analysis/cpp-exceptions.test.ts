import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findCCallbacks } from '../../server/analysis/c/c-callbacks';
import { ExceptionEscapes, originOf, readClassBases } from '../../server/analysis/c/cpp-exceptions';
import { readDefinedFunctions } from '../../server/analysis/c/functions';
import { hasCLinkageInFile, namesWithCLinkage } from '../../server/analysis/c/linkage';
import { parseSnippet } from '../support/parse';

const parseCpp = (source: string) => parseSnippet('cpp', source);

/** The first escape from each function of a snippet, as `name: text of the place` (or `name: -`). */
async function escapes(source: string): Promise<string[]> {
  const tree = await parseCpp(source);
  const functions = readDefinedFunctions(tree.rootNode);
  const analysis = new ExceptionEscapes(functions, readClassBases(tree.rootNode));
  const found = [...functions.values()].flat().map((fn) => `${fn.name}: ${analysis.firstEscape(fn.body)?.node.text ?? '-'}`);
  tree.delete();
  return found;
}

describe('C++ exceptions that leave a function', () => {
  test('handlers: catch-all, a base, the exact type; a rethrow escapes its own handler', async () => {
    assert.deepEqual(
      await escapes(`
class SyntaxError : public std::runtime_error {};
int all(const char* s) { try { return std::stoi(s); } catch (...) { return -1; } }
int base(const char* s) { try { return std::stoi(s); } catch (const std::logic_error&) { return -1; } }
int wrong_base(const char* s) { try { throw SyntaxError(); } catch (const std::logic_error&) { return -1; } }
int exact(std::vector<int>& v) { try { return v.at(3); } catch (std::out_of_range&) { return -1; } }
int rethrow(const char* s) { try { return std::stoi(s); } catch (...) { throw; } }
int whole(const char* s) try { return std::stoi(s); } catch (...) { return -1; }
int unknown(const char* s) { try { throw make_error(s); } catch (const OtherError&) { return -1; } }
`),
      ['all: -', 'base: -', 'wrong_base: throw SyntaxError();', 'exact: -', 'rethrow: throw;', 'whole: -', 'unknown: -'],
    );
  });

  test('calls into the same file are followed, carrying every type the callee can throw', async () => {
    const tree = await parseCpp(`
static int level(const std::string& s) { if (s.empty()) throw std::runtime_error("empty"); return std::stoi(s); }
static int loop_a(int n);
static int loop_b(int n) { return loop_a(n); }
static int loop_a(int n) { return loop_b(n); }
extern "C" int c_level(const char* s) { try { return level(s); } catch (const std::logic_error&) { return -1; } }
extern "C" int c_loop(int n) { return loop_a(n); }
`);
    const functions = readDefinedFunctions(tree.rootNode);
    const analysis = new ExceptionEscapes(functions, readClassBases(tree.rootNode));
    const [cLevel] = functions.get('c_level')!;
    const escape = analysis.firstEscape(cLevel.body);
    assert.equal(escape?.node.text, 'level(s)');
    assert.deepEqual(escape?.thrown, ['std::runtime_error', 'std::invalid_argument', 'std::out_of_range']);
    assert.equal(escape && originOf(escape).node.text, 'throw std::runtime_error("empty");');
    assert.equal(analysis.firstEscape(functions.get('c_loop')![0].body), undefined);
    tree.delete();
  });

  test('standard calls that do not throw stay silent', async () => {
    assert.deepEqual(
      await escapes(`
int f(Base* b, std::any a, std::tuple<int> t) {
  auto* d = dynamic_cast<Derived*>(b);
  auto* p = std::any_cast<int>(&a);
  return std::get<0>(t) + (int)std::strtol("1", nullptr, 10) + obj.signal(1);
}
`),
      ['f: -'],
    );
  });
});

describe('C callbacks and C linkage', () => {
  test('registrations of well-known C APIs and tables; not methods or C++ algorithms', async () => {
    const tree = await parseCpp(`
static int cmp(const void*, const void*);
static void* run(void*);
static napi_value Method(napi_env, napi_callback_info);
static PyObject* py_f(PyObject*, PyObject*);
void go(int* v, size_t n, Emitter& e) {
  qsort(v, n, sizeof(int), cmp);
  pthread_t t; pthread_create(&t, nullptr, run, nullptr);
  std::atexit([] {});
  e.signal(1, cmp);
  std::sort(v, v + n, [](int a, int b) { return a < b; });
}
static napi_property_descriptor props[] = {{"m", nullptr, Method, nullptr, nullptr, nullptr, napi_default, nullptr}};
static PyMethodDef methods[] = {{"f", (PyCFunction)py_f, METH_VARARGS, nullptr}, {nullptr}};
static int cmp(const void*, const void*) { return 0; }
static void* run(void*) { return nullptr; }
static napi_value Method(napi_env, napi_callback_info) { return nullptr; }
static PyObject* py_f(PyObject*, PyObject*) { return nullptr; }
`);
    const callbacks = findCCallbacks(tree.rootNode, readDefinedFunctions(tree.rootNode));
    assert.deepEqual(
      callbacks.map((callback) => `${callback.via}: ${callback.routine.kind === 'function' ? callback.routine.fn.name : 'lambda'}`),
      ['qsort: cmp', 'pthread_create: run', 'atexit: lambda', 'napi_property_descriptor table: Method', 'PyMethodDef table: py_f'],
    );
    tree.delete();
  });

  test('a local declared in an extern "C" body gives no C linkage to a function of the same name', async () => {
    const tree = await parseCpp(`
extern "C" int count(int n) { std::vector<int> keys(n); return n; }
int keys(int n) { return n; }
extern "C" int later(int);
int later(int n) { return n; }
`);
    const names = namesWithCLinkage(tree.rootNode);
    assert.deepEqual([...names].sort(), ['count', 'later']);
    const definitions = [...readDefinedFunctions(tree.rootNode).values()].flat();
    assert.deepEqual(
      definitions.filter((fn) => hasCLinkageInFile(fn.definition, 'cpp', names)).map((fn) => fn.name),
      ['count', 'later'],
    );
    tree.delete();
  });
});
