/*
 * JNI glue for an imaginary event library, libpump, which delivers events on worker threads it
 * creates itself (journal_replay.c holds the thread this binding starts). The hazard sits next to
 * the version that does it right.
 */
#include <jni.h>
#include <pthread.h>
#include <stdlib.h>
#include "pump.h"
#include "journal_replay.h"

JavaVM *g_vm;                         /* shared with journal_replay.c */
jobject g_listener;                   /* global reference to the Java EventListener */
jmethodID g_on_event;                 /* void onEvent(String topic, int code) */
static pthread_key_t g_detach_key;

static void detach_thread(void *unused)
{
    (*g_vm)->DetachCurrentThread(g_vm);
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    g_vm = vm;
    return JNI_VERSION_1_6;
}

/* The library's threads: attach once, detached by the key destructor when the thread ends. */
static JNIEnv *library_thread_env(void)
{
    JNIEnv *env = NULL;
    if ((*g_vm)->GetEnv(g_vm, (void **)&env, JNI_VERSION_1_6) == JNI_EDETACHED) {
        if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK)
            return NULL;
        pthread_setspecific(g_detach_key, env);
    }
    return env;
}

/*
 * Hazard (jni/unchecked-exception): if the listener throws, the exception is still pending when
 * the next event's string is created.
 */
static int on_event_pair(const pump_event_t *first, const pump_event_t *second, void *user_data)
{
    JNIEnv *env = library_thread_env();
    if (env == NULL)
        return -1;
    jstring topic = (*env)->NewStringUTF(env, first->topic);
    if (topic == NULL)
        return -1;
    (*env)->CallVoidMethod(env, g_listener, g_on_event, topic, (jint)first->code);
    jstring next = (*env)->NewStringUTF(env, second->topic);
    if (next == NULL)
        return -1;
    (*env)->CallVoidMethod(env, g_listener, g_on_event, next, (jint)second->code);
    (*env)->DeleteLocalRef(env, next);
    (*env)->DeleteLocalRef(env, topic);
    return (*env)->ExceptionCheck(env) ? -1 : 0;
}

/* Correct: the exception is noticed and cleared before any other JNI call. */
static int on_event(const pump_event_t *event, void *user_data)
{
    JNIEnv *env = library_thread_env();
    if (env == NULL)
        return -1;
    jstring topic = (*env)->NewStringUTF(env, event->topic);
    if (topic == NULL) {
        (*env)->ExceptionClear(env);
        return -1;
    }
    (*env)->CallVoidMethod(env, g_listener, g_on_event, topic, (jint)event->code);
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionDescribe(env);
        (*env)->DeleteLocalRef(env, topic);
        return -1;
    }
    (*env)->DeleteLocalRef(env, topic);
    return 0;
}

JNIEXPORT void JNICALL Java_com_example_pump_EventPump_start(JNIEnv *env, jobject self, jobject listener,
                                                             jlong journal)
{
    jclass cls = (*env)->GetObjectClass(env, listener);
    g_on_event = (*env)->GetMethodID(env, cls, "onEvent", "(Ljava/lang/String;I)V");
    if (g_on_event == NULL)
        return;
    g_listener = (*env)->NewGlobalRef(env, listener);
    pthread_key_create(&g_detach_key, detach_thread);
    pump_set_event_callback(on_event, NULL);
    pump_set_pair_callback(on_event_pair, NULL);
    start_replay((pump_journal_t *)(intptr_t)journal);
}
