/*
 * Exports a batch of native log records to Java as a String[] and a LogRecord[].
 * export_messages leaks a local reference per record; export_records frees them.
 */
#include <jni.h>
#include <stdint.h>

struct log_record {
    int64_t timestamp;
    int level;
    const char *message;
};

struct log_batch {
    const struct log_record *records;
    jint count;
};

/* Leaks: every message string stays in the local reference table until the method returns. */
JNIEXPORT jobjectArray JNICALL
Java_com_example_logs_Batch_exportMessages(JNIEnv *env, jobject self, jlong handle) {
    const struct log_batch *batch = (const struct log_batch *)(intptr_t)handle;
    jclass string_class = (*env)->FindClass(env, "java/lang/String");
    if (string_class == NULL) return NULL;
    jobjectArray out = (*env)->NewObjectArray(env, batch->count, string_class, NULL);
    if (out == NULL) return NULL;
    for (jint i = 0; i < batch->count; i++) {
        jstring message = (*env)->NewStringUTF(env, batch->records[i].message);
        if (message == NULL) return NULL;
        (*env)->SetObjectArrayElement(env, out, i, message);
    }
    return out;
}

/* Correct: each iteration releases what it created before the next one starts. */
JNIEXPORT jobjectArray JNICALL
Java_com_example_logs_Batch_exportRecords(JNIEnv *env, jobject self, jlong handle) {
    const struct log_batch *batch = (const struct log_batch *)(intptr_t)handle;
    jclass record_class = (*env)->FindClass(env, "com/example/logs/LogRecord");
    if (record_class == NULL) return NULL;
    jmethodID init = (*env)->GetMethodID(env, record_class, "<init>", "(JILjava/lang/String;)V");
    if (init == NULL) return NULL;
    jobjectArray out = (*env)->NewObjectArray(env, batch->count, record_class, NULL);
    if (out == NULL) return NULL;
    for (jint i = 0; i < batch->count; i++) {
        const struct log_record *r = &batch->records[i];
        jstring message = (*env)->NewStringUTF(env, r->message);
        if (message == NULL) return NULL;
        jobject record = (*env)->NewObject(env, record_class, init, (jlong)r->timestamp, (jint)r->level, message);
        (*env)->DeleteLocalRef(env, message);
        if (record == NULL) return NULL;
        (*env)->SetObjectArrayElement(env, out, i, record);
        (*env)->DeleteLocalRef(env, record);
    }
    return out;
}
