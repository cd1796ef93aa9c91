/*
 * checksum addon: CRC32 of a file for Node.
 *
 *   const { crc32File, crc32FileSync, crc32FileAsync, waitForDevice } = require('./build/Release/checksum');
 *
 * crc32FileAsync is the right way; crc32File does the same work synchronously on the JavaScript
 * thread without saying so in its name, and waitForDevice polls with a sleep.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(env, call)                                                      \
    do {                                                                      \
        if ((call) != napi_ok) {                                              \
            napi_throw_error((env), NULL, "checksum: " #call " failed");      \
            return NULL;                                                      \
        }                                                                     \
    } while (0)

static uint32_t
crc32_update(uint32_t crc, const unsigned char *data, size_t size)
{
    crc = ~crc;
    for (size_t i = 0; i < size; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

/* Reads the whole file: fine on a pool thread, a stall on the JavaScript thread. */
static int
crc32_of_file(const char *path, uint32_t *out)
{
    unsigned char buf[65536];
    size_t n;
    uint32_t crc = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        crc = crc32_update(crc, buf, n);
    fclose(f);
    *out = crc;
    return 0;
}

static napi_value
path_argument(napi_env env, napi_callback_info info, char *path, size_t size)
{
    size_t argc = 1;
    napi_value argv[1];
    CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    CHECK(env, napi_get_value_string_utf8(env, argv[0], path, size, NULL));
    return argv[0];
}

/* HAZARD: reads the file on the JavaScript thread; every timer and socket waits for the disk. */
static napi_value
Crc32File(napi_env env, napi_callback_info info)
{
    char path[1024];
    uint32_t crc;
    napi_value result;
    if (!path_argument(env, info, path, sizeof path))
        return NULL;
    if (crc32_of_file(path, &crc) != 0) {
        napi_throw_error(env, "ENOENT", "cannot read file");
        return NULL;
    }
    CHECK(env, napi_create_uint32(env, crc, &result));
    return result;
}

/* Exported as crc32FileSync: blocking is its documented contract, like fs.readFileSync. Returns hex. */
static napi_value
Crc32FileBlocking(napi_env env, napi_callback_info info)
{
    char path[1024], hex[9];
    uint32_t crc = 0;
    napi_value result;
    if (!path_argument(env, info, path, sizeof path) || crc32_of_file(path, &crc) != 0)
        return NULL;
    snprintf(hex, sizeof hex, "%08x", (unsigned)crc);
    CHECK(env, napi_create_string_utf8(env, hex, 8, &result));
    return result;
}

/* CORRECT: the file is read in the execute callback, on a libuv pool thread. */
typedef struct {
    napi_async_work work;
    napi_deferred deferred;
    char path[1024];
    uint32_t crc;
    int failed;
} Crc32Job;

static void
crc32_execute(napi_env env, void *data)
{
    Crc32Job *job = data;
    job->failed = crc32_of_file(job->path, &job->crc) != 0;
}

static void
crc32_complete(napi_env env, napi_status status, void *data)
{
    Crc32Job *job = data;
    napi_value value;
    napi_status s;
    if (job->failed || status != napi_ok) {
        s = napi_create_string_utf8(env, "cannot read file", NAPI_AUTO_LENGTH, &value);
        if (s == napi_ok)
            s = napi_reject_deferred(env, job->deferred, value);
    } else {
        s = napi_create_uint32(env, job->crc, &value);
        if (s == napi_ok)
            s = napi_resolve_deferred(env, job->deferred, value);
    }
    if (s == napi_ok)
        s = napi_delete_async_work(env, job->work);
    free(job);
    if (s != napi_ok)
        napi_fatal_error("crc32_complete", NAPI_AUTO_LENGTH, "cannot settle the promise", NAPI_AUTO_LENGTH);
}

static napi_value
Crc32FileAsync(napi_env env, napi_callback_info info)
{
    napi_value promise, name;
    Crc32Job *job = calloc(1, sizeof *job);
    if (!job) {
        napi_throw_error(env, "ENOMEM", "out of memory");
        return NULL;
    }
    if (!path_argument(env, info, job->path, sizeof job->path)) {
        free(job);
        return NULL;
    }
    CHECK(env, napi_create_promise(env, &job->deferred, &promise));
    CHECK(env, napi_create_string_utf8(env, "crc32FileAsync", NAPI_AUTO_LENGTH, &name));
    CHECK(env, napi_create_async_work(env, NULL, name, crc32_execute, crc32_complete, job, &job->work));
    CHECK(env, napi_queue_async_work(env, job->work));
    return promise;
}

/* HAZARD: polls for a device node, sleeping on the JavaScript thread between tries. */
static napi_value
WaitForDevice(napi_env env, napi_callback_info info)
{
    char path[256];
    napi_value result;
    int tries = 0;
    if (!path_argument(env, info, path, sizeof path))
        return NULL;
    while (access(path, F_OK) != 0 && tries++ < 50)
        usleep(100 * 1000);
    CHECK(env, napi_get_boolean(env, tries <= 50, &result));
    return result;
}

static napi_value
Init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        {"crc32File", NULL, Crc32File, NULL, NULL, NULL, napi_default, NULL},
        {"crc32FileSync", NULL, Crc32FileBlocking, NULL, NULL, NULL, napi_default, NULL},
        {"crc32FileAsync", NULL, Crc32FileAsync, NULL, NULL, NULL, napi_default, NULL},
        {"waitForDevice", NULL, WaitForDevice, NULL, NULL, NULL, napi_default, NULL},
    };
    CHECK(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
