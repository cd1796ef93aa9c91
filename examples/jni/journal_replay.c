/*
 * The journal replay thread of the libpump binding (event_pump.c): started by the binding, it
 * attaches itself to the JVM, delivers the saved events and must detach before it ends.
 */
#include <jni.h>
#include <pthread.h>
#include <stdint.h>
#include "pump.h"
#include "journal_replay.h"

extern JavaVM *g_vm;
extern jobject g_listener;
extern jmethodID g_on_event;

/*
 * Hazard (jni/thread-not-detached): the early return for an empty journal leaves the replay
 * thread attached when it ends.
 */
static void *replay_journal(void *arg)
{
    pump_journal_t *journal = arg;
    JNIEnv *env = NULL;
    if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK)
        return NULL;
    if (pump_journal_size(journal) == 0)
        return NULL;
    pump_event_t event;
    while (pump_journal_next(journal, &event) == 0) {
        jstring topic = (*env)->NewStringUTF(env, event.topic);
        if (topic == NULL)
            break;
        (*env)->CallVoidMethod(env, g_listener, g_on_event, topic, (jint)event.code);
        (*env)->DeleteLocalRef(env, topic);
        if ((*env)->ExceptionCheck(env)) {
            (*env)->ExceptionDescribe(env);
            break;
        }
    }
    (*g_vm)->DetachCurrentThread(g_vm);
    return NULL;
}

/* Correct: every exit after the attach goes through the detach. */
static void *replay_journal_safely(void *arg)
{
    pump_journal_t *journal = arg;
    JNIEnv *env = NULL;
    if ((*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL) != JNI_OK)
        return NULL;
    pump_event_t event;
    while (pump_journal_next(journal, &event) == 0) {
        jstring topic = (*env)->NewStringUTF(env, event.topic);
        if (topic == NULL)
            break;
        (*env)->CallVoidMethod(env, g_listener, g_on_event, topic, (jint)event.code);
        (*env)->DeleteLocalRef(env, topic);
        if ((*env)->ExceptionCheck(env)) {
            (*env)->ExceptionDescribe(env);
            break;
        }
    }
    (*g_vm)->DetachCurrentThread(g_vm);
    return NULL;
}

void start_replay(pump_journal_t *journal)
{
    pthread_t replay, safe_replay;
    pthread_create(&replay, NULL, replay_journal, journal);
    pthread_create(&safe_replay, NULL, replay_journal_safely, journal);
}
