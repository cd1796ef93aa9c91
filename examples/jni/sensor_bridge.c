/*
 * JNI glue between com.example.sensors.SensorBridge and libsensor, a C library
 * that samples hardware sensors and reports readings from its own worker thread.
 */
#include <jni.h>
#include <pthread.h>
#include <sensor.h>   /* sensor_subscribe(), sensor_unsubscribe(), sensor_cb */

/* HAZARD: a JNIEnv* belongs to the thread that received it. This global is filled
 * in JNI_OnLoad (the thread running System.loadLibrary) and read later from
 * libsensor's worker thread, which is a different, unattached thread. */
static JNIEnv *g_env;

/* Correct: the JavaVM* is process-wide and may be shared by every thread. */
static JavaVM *g_vm;
static jobject g_bridge;          /* global reference: valid on any thread */
static jmethodID g_onReading;     /* method IDs are not thread-bound */
static pthread_key_t g_detach_key;

static void detach_on_exit(void *env) {
    (void)env;
    (*g_vm)->DetachCurrentThread(g_vm);
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void)reserved;
    g_vm = vm;
    if ((*vm)->GetEnv(vm, (void **)&g_env, JNI_VERSION_1_6) != JNI_OK) return JNI_ERR;
    jclass cls = (*g_env)->FindClass(g_env, "com/example/sensors/SensorBridge");
    if (cls == NULL) return JNI_ERR;
    g_onReading = (*g_env)->GetMethodID(g_env, cls, "onReading", "(ID)V");
    pthread_key_create(&g_detach_key, detach_on_exit);
    return JNI_VERSION_1_6;
}

/* Wrong: runs on libsensor's thread but borrows the loader thread's JNIEnv*. */
static void on_reading_cached(int sensor, double value, void *user) {
    (*g_env)->CallVoidMethod(g_env, g_bridge, g_onReading, (jint)sensor, (jdouble)value);
}

/* Right: every thread gets its own JNIEnv* from the JavaVM*, attaching once. */
static void on_reading(int sensor, double value, void *user) {
    JNIEnv *env = NULL;
    if ((*g_vm)->GetEnv(g_vm, (void **)&env, JNI_VERSION_1_6) == JNI_EDETACHED) {
        if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK) return;
        pthread_setspecific(g_detach_key, env);   /* detach when this thread exits */
    }
    (*env)->CallVoidMethod(env, g_bridge, g_onReading, (jint)sensor, (jdouble)value);
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionDescribe(env);           /* never let it unwind into libsensor */
    }
}

JNIEXPORT void JNICALL
Java_com_example_sensors_SensorBridge_nativeStart(JNIEnv *env, jobject self, jint sensor, jboolean legacy) {
    if (g_bridge == NULL) g_bridge = (*env)->NewGlobalRef(env, self);
    sensor_subscribe(sensor, legacy ? on_reading_cached : on_reading, NULL);
}

JNIEXPORT void JNICALL
Java_com_example_sensors_SensorBridge_nativeStop(JNIEnv *env, jobject self, jint sensor) {
    sensor_unsubscribe(sensor);
}
