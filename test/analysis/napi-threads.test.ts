import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { needsJsThread, workerClassesIn } from '../../server/analysis/c/napi-threads';
import { napiAsyncWorkers } from '../../server/collectors/napi-async-workers';

/** What the napi/* thread rules know about node-addon-api workers and thread-safe calls. */
describe('N-API: what runs where', () => {
  test('worker classes: direct, through a local base, through a known base; never NAN workers', () => {
    const text = `
#include <napi.h>
class Direct : public Napi::AsyncWorker {};
struct Progress final : Napi::AsyncProgressQueueWorker<std::pair<int, int>> {};
class Base : public Napi::AsyncWorker { };
class Derived : public Base {};
class FromHeader : public HeaderBase {};
class Legacy : public Nan::AsyncWorker {};
class Wrap : public Napi::ObjectWrap<Wrap> {};
`;
    assert.deepEqual([...workerClassesIn(text, (name) => name === 'HeaderBase')].sort(), ['Base', 'Derived', 'Direct', 'FromHeader', 'Progress']);
  });

  test('an unqualified AsyncWorker counts only in a file that speaks of Napi', () => {
    assert.deepEqual([...workerClassesIn('class W : public AsyncWorker {};')], []);
    assert.deepEqual([...workerClassesIn('using namespace Napi;\nclass W : public AsyncWorker {};')], ['W']);
  });

  test('the collector states the worker classes of a header', () => {
    assert.deepEqual(napiAsyncWorkers.collect('class Job : public Napi::AsyncWorker {\n void Execute() override;\n};', 'job.h'), [
      { kind: 'napi-async-worker', value: 'Job' },
    ]);
  });

  test('thread-safe function calls are the only Node-API calls allowed off the JavaScript thread', () => {
    assert.equal(needsJsThread('napi_call_function'), true);
    assert.equal(needsJsThread('node_api_get_module_file_name'), true);
    assert.equal(needsJsThread('napi_call_threadsafe_function'), false);
    assert.equal(needsJsThread('napi_release_threadsafe_function'), false);
    assert.equal(needsJsThread('uv_async_send'), false);
  });
});
