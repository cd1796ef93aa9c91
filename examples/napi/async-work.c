/*
 * compress.node: gzip-like compression of Buffers for Node, written against the C Node-API.
 *
 *   compress(buffer)            -> Promise<Buffer>   (async work, correct)
 *   checksum(buffer, callback)  -> undefined         (async work that resolves from the pool)
 *   watch(dir, onChange)        -> undefined         (a native thread that calls JavaScript)
 *   watchSafely(dir, onChange)  -> undefined         (the same through a thread-safe function)
 *
 * The codec itself (`codec_compress`, `codec_crc32`, `dir_wait_change`) is an imaginary C library.
 */
#include <node_api.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

#define CALL(env, expr)                                                        \
    do {                                                                       \
        if ((expr) != napi_ok) {                                               \
            napi_throw_error((env), NULL, "Node-API call failed: " #expr);     \
            return NULL;                                                       \
        }                                                                      \
    } while (0)

/* ---- compress(): the execute callback only touches C data ---------------- */

typedef struct {
    napi_async_work work;
    napi_deferred deferred;
    napi_ref input_ref;      /* keeps the input Buffer alive while the pool reads it */
    const uint8_t *input;
    size_t input_length;
    uint8_t *output;
    size_t output_length;
    int error;
} compress_job;

static void compress_execute(napi_env env, void *data)
{
    (void)env; /* belongs to the JavaScript thread: not usable here */
    compress_job *job = data;
    job->error = codec_compress(job->input, job->input_length, &job->output, &job->output_length);
}

static void free_output(napi_env env, void *data, void *hint)
{
    (void)env;
    (void)hint;
    free(data);
}

static void compress_complete(napi_env env, napi_status status, void *data)
{
    compress_job *job = data;
    napi_value result;
    if (status == napi_ok && job->error == 0 &&
        napi_create_external_buffer(env, job->output_length, job->output, free_output, NULL, &result) == napi_ok) {
        (void)napi_resolve_deferred(env, job->deferred, result); /* settling is all that is left */
    } else {
        napi_value message, error;
        free(job->output);
        if (napi_create_string_utf8(env, codec_strerror(job->error), NAPI_AUTO_LENGTH, &message) == napi_ok &&
            napi_create_error(env, NULL, message, &error) == napi_ok)
            (void)napi_reject_deferred(env, job->deferred, error);
    }
    napi_delete_reference(env, job->input_ref);
    napi_delete_async_work(env, job->work);
    free(job);
}

static napi_value compress(napi_env env, napi_callback_info info)
{
    size_t argc = 1;
    napi_value argv[1], name, promise;
    void *bytes;
    compress_job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        napi_throw_error(env, NULL, "out of memory");
        return NULL;
    }
    CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    CALL(env, napi_get_buffer_info(env, argv[0], &bytes, &job->input_length));
    job->input = bytes;
    CALL(env, napi_create_reference(env, argv[0], 1, &job->input_ref));
    CALL(env, napi_create_promise(env, &job->deferred, &promise));
    CALL(env, napi_create_string_utf8(env, "compress", NAPI_AUTO_LENGTH, &name));
    CALL(env, napi_create_async_work(env, NULL, name, compress_execute, compress_complete, job, &job->work));
    CALL(env, napi_queue_async_work(env, job->work));
    return promise;
}

/* ---- checksum(): the callback is called from the pool thread ------------- */

typedef struct {
    napi_async_work work;
    napi_ref callback;
    napi_ref input_ref;
    const uint8_t *input;
    size_t input_length;
} checksum_job;

static void checksum_execute(napi_env env, void *data)
{
    checksum_job *job = data;
    uint32_t crc = codec_crc32(job->input, job->input_length);
    napi_value callback, argv[2], global;
    /* Wrong: every one of these needs the JavaScript thread. */
    if (napi_get_reference_value(env, job->callback, &callback) != napi_ok || /* napi/async-execute-touches-js */
        napi_get_null(env, &argv[0]) != napi_ok || napi_create_uint32(env, crc, &argv[1]) != napi_ok ||
        napi_get_global(env, &global) != napi_ok)
        return;
    (void)napi_call_function(env, global, callback, 2, argv, NULL);
}

static void checksum_complete(napi_env env, napi_status status, void *data)
{
    checksum_job *job = data;
    napi_delete_reference(env, job->callback);
    napi_delete_reference(env, job->input_ref);
    napi_delete_async_work(env, job->work);
    free(job);
}

static napi_value checksum(napi_env env, napi_callback_info info)
{
    size_t argc = 2;
    napi_value argv[2], name;
    void *bytes;
    checksum_job *job = calloc(1, sizeof *job);
    if (job == NULL) return NULL;
    CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    CALL(env, napi_get_buffer_info(env, argv[0], &bytes, &job->input_length));
    job->input = bytes;
    CALL(env, napi_create_reference(env, argv[0], 1, &job->input_ref));
    CALL(env, napi_create_reference(env, argv[1], 1, &job->callback));
    CALL(env, napi_create_string_utf8(env, "checksum", NAPI_AUTO_LENGTH, &name));
    CALL(env, napi_create_async_work(env, NULL, name, checksum_execute, checksum_complete, job, &job->work));
    CALL(env, napi_queue_async_work(env, job->work));
    return NULL;
}

/* ---- watch(): a native thread calls JavaScript directly ------------------ */

typedef struct {
    napi_env env;            /* captured on the JavaScript thread */
    napi_ref on_change;
    napi_threadsafe_function tsfn;
    char *dir;
} watcher;

static void *watch_loop(void *arg)
{
    watcher *w = arg;
    char changed[4096];
    while (dir_wait_change(w->dir, changed, sizeof changed) == 0) {
        napi_value callback, path, global;
        if (napi_get_reference_value(w->env, w->on_change, &callback) != napi_ok || /* napi/js-call-from-foreign-thread */
            napi_create_string_utf8(w->env, changed, NAPI_AUTO_LENGTH, &path) != napi_ok ||
            napi_get_global(w->env, &global) != napi_ok)
            break;
        (void)napi_call_function(w->env, global, callback, 1, &path, NULL);
    }
    return NULL;
}

static napi_value watch(napi_env env, napi_callback_info info)
{
    size_t argc = 2, length;
    napi_value argv[2];
    pthread_t thread;
    watcher *w = calloc(1, sizeof *w);
    if (w == NULL) return NULL;
    CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    CALL(env, napi_get_value_string_utf8(env, argv[0], NULL, 0, &length));
    w->dir = malloc(length + 1);
    CALL(env, napi_get_value_string_utf8(env, argv[0], w->dir, length + 1, &length));
    CALL(env, napi_create_reference(env, argv[1], 1, &w->on_change));
    w->env = env;
    pthread_create(&thread, NULL, watch_loop, w);
    pthread_detach(thread);
    return NULL;
}

/* ---- watchSafely(): the same thread, through a thread-safe function ------ */

/* Node calls this on the JavaScript thread, once per queued path. */
static void deliver_change(napi_env env, napi_value js_callback, void *context, void *data)
{
    char *changed = data;
    napi_value path, undefined;
    if (env != NULL &&
        napi_create_string_utf8(env, changed, NAPI_AUTO_LENGTH, &path) == napi_ok &&
        napi_get_undefined(env, &undefined) == napi_ok) {
        /* a callback that throws leaves a pending exception, which Node reports */
        (void)napi_call_function(env, undefined, js_callback, 1, &path, NULL);
    }
    free(changed);
}

static void *watch_loop_safely(void *arg)
{
    watcher *w = arg;
    char changed[4096];
    while (dir_wait_change(w->dir, changed, sizeof changed) == 0) {
        char *copy = strdup(changed);
        if (copy == NULL || napi_call_threadsafe_function(w->tsfn, copy, napi_tsfn_blocking) != napi_ok) {
            free(copy);
            break;
        }
    }
    (void)napi_release_threadsafe_function(w->tsfn, napi_tsfn_release); /* fails only for a bad handle */
    return NULL;
}

static napi_value watch_safely(napi_env env, napi_callback_info info)
{
    size_t argc = 2, length;
    napi_value argv[2], name;
    pthread_t thread;
    watcher *w = calloc(1, sizeof *w);
    if (w == NULL) return NULL;
    CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    CALL(env, napi_get_value_string_utf8(env, argv[0], NULL, 0, &length));
    w->dir = malloc(length + 1);
    CALL(env, napi_get_value_string_utf8(env, argv[0], w->dir, length + 1, &length));
    CALL(env, napi_create_string_utf8(env, "watchSafely", NAPI_AUTO_LENGTH, &name));
    CALL(env, napi_create_threadsafe_function(env, argv[1], NULL, name, 0, 1, NULL, NULL, NULL, deliver_change, &w->tsfn));
    pthread_create(&thread, NULL, watch_loop_safely, w);
    pthread_detach(thread);
    return NULL;
}

static napi_value init(napi_env env, napi_value exports)
{
    napi_property_descriptor methods[] = {
        {"compress", NULL, compress, NULL, NULL, NULL, napi_default, NULL},
        {"checksum", NULL, checksum, NULL, NULL, NULL, napi_default, NULL},
        {"watch", NULL, watch, NULL, NULL, NULL, napi_default, NULL},
        {"watchSafely", NULL, watch_safely, NULL, NULL, NULL, napi_default, NULL},
    };
    CALL(env, napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods));
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
