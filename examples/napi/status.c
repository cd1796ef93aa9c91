/*
 * vec2 addon: small 2-D vector helpers for Node.
 *
 *   const { length, normalize } = require('./build/Release/vec2');
 *   length({ x: 3, y: 4 })      // 5
 *   normalize({ x: 3, y: 4 })   // { x: 0.6, y: 0.8 }
 *
 * `length` ignores the statuses of its N-API calls, so `length({ x: "3" })` computes with an
 * uninitialised double; `normalize` checks every call.
 */
#include <math.h>
#include <node_api.h>
#include <stdbool.h>

#define NODE_API_CALL(env, call)                                              \
    do {                                                                      \
        if ((call) != napi_ok) {                                              \
            bool pending_ = false;                                            \
            napi_is_exception_pending((env), &pending_);                      \
            if (!pending_)                                                    \
                napi_throw_error((env), NULL, "vec2: " #call " failed");      \
            return NULL;                                                      \
        }                                                                     \
    } while (0)

/* HAZARD: every status is dropped; a wrong argument type leaves x and y uninitialised. */
static napi_value
Length(napi_env env, napi_callback_info info)
{
    size_t argc = 1;
    napi_value argv[1], vx, vy, result;
    double x, y;
    napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
    napi_get_named_property(env, argv[0], "x", &vx);
    napi_get_named_property(env, argv[0], "y", &vy);
    napi_get_value_double(env, vx, &x);
    napi_get_value_double(env, vy, &y);
    napi_create_double(env, sqrt(x * x + y * y), &result);
    return result;
}

/* HAZARD: the status is stored, then overwritten before anyone looks at it. */
static napi_value
Zero(napi_env env, napi_callback_info info)
{
    napi_value point, zero;
    napi_status status;
    status = napi_create_object(env, &point);
    status = napi_create_double(env, 0.0, &zero);
    if (status != napi_ok)
        return NULL;
    NODE_API_CALL(env, napi_set_named_property(env, point, "x", zero));
    NODE_API_CALL(env, napi_set_named_property(env, point, "y", zero));
    return point;
}

/* CORRECT: each call is checked; a failure returns with the JavaScript exception pending. */
static napi_value
Normalize(napi_env env, napi_callback_info info)
{
    size_t argc = 1;
    napi_value argv[1], vx, vy, result, rx, ry;
    double x, y, length;
    NODE_API_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc < 1) {
        napi_throw_type_error(env, NULL, "normalize expects a point");
        return NULL;
    }
    NODE_API_CALL(env, napi_get_named_property(env, argv[0], "x", &vx));
    NODE_API_CALL(env, napi_get_named_property(env, argv[0], "y", &vy));
    NODE_API_CALL(env, napi_get_value_double(env, vx, &x));
    NODE_API_CALL(env, napi_get_value_double(env, vy, &y));
    length = sqrt(x * x + y * y);
    if (length == 0.0) {
        napi_throw_range_error(env, NULL, "cannot normalize a zero vector");
        return NULL;
    }
    NODE_API_CALL(env, napi_create_object(env, &result));
    NODE_API_CALL(env, napi_create_double(env, x / length, &rx));
    NODE_API_CALL(env, napi_create_double(env, y / length, &ry));
    NODE_API_CALL(env, napi_set_named_property(env, result, "x", rx));
    NODE_API_CALL(env, napi_set_named_property(env, result, "y", ry));
    return result;
}

static napi_value
Init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        {"length", NULL, Length, NULL, NULL, NULL, napi_default, NULL},
        {"zero", NULL, Zero, NULL, NULL, NULL, napi_default, NULL},
        {"normalize", NULL, Normalize, NULL, NULL, NULL, napi_default, NULL},
    };
    /* HAZARD: if this fails, require() succeeds with an empty exports object. */
    napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
