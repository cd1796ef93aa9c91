/*
 * Lets Java register a sink object that native logging code calls later, from any thread.
 * The tap is stored as a global reference that nothing ever deletes; the sink is released when
 * it is replaced and when the library unloads.
 */
#include <jni.h>
#include <stddef.h>

static JavaVM *g_vm;
static jobject g_sink;   /* the current sink, or NULL */
static jobject g_tap;    /* a debugging tap, never released */

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    g_vm = vm;
    return JNI_VERSION_1_6;
}

/* Leaks: each call pins a new tap object for the life of the process. */
JNIEXPORT void JNICALL
Java_com_example_logs_LogSink_installTap(JNIEnv *env, jclass cls, jobject tap) {
    g_tap = (*env)->NewGlobalRef(env, tap);
}

/* Correct: the previous sink is released when replaced, and the last one at unload. */
JNIEXPORT void JNICALL
Java_com_example_logs_LogSink_setSink(JNIEnv *env, jclass cls, jobject sink) {
    jobject previous = g_sink;
    g_sink = sink != NULL ? (*env)->NewGlobalRef(env, sink) : NULL;
    if (previous != NULL) (*env)->DeleteGlobalRef(env, previous);
}

JNIEXPORT void JNICALL JNI_OnUnload(JavaVM *vm, void *reserved) {
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK) return;
    if (g_sink != NULL) (*env)->DeleteGlobalRef(env, g_sink);
    g_sink = NULL;
}
