/*
 * Native half of com.example.ImageFilter: brightens pixels in a Java int[] and loads a palette
 * by name. Each unsafe function sits next to its correct twin.
 */
#include <jni.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

static jclass g_illegal_argument;

static void throw_bad_argument(JNIEnv *env, const char *message) {
    (*env)->ThrowNew(env, g_illegal_argument, message);
}

static jint clamp_channel(jint value) {
    return value < 0 ? 0 : value > 255 ? 255 : value;
}

static void brighten(jint *pixels, jsize count, jint amount) {
    for (jsize i = 0; i < count; i++) {
        jint p = pixels[i];
        jint r = clamp_channel(((p >> 16) & 0xff) + amount);
        jint g = clamp_channel(((p >> 8) & 0xff) + amount);
        jint b = clamp_channel((p & 0xff) + amount);
        pixels[i] = (p & (jint)0xff000000) | (r << 16) | (g << 8) | b;
    }
}

/* Unsafe: throws from inside the critical region. */
JNIEXPORT void JNICALL Java_com_example_ImageFilter_brightenUnsafe(JNIEnv *env, jclass cls, jintArray image, jint amount) {
    jsize count = (*env)->GetArrayLength(env, image);
    jint *pixels = (*env)->GetPrimitiveArrayCritical(env, image, NULL);
    if (pixels == NULL) return;
    if (amount < -255 || amount > 255) {
        throw_bad_argument(env, "amount out of range");
    }
    brighten(pixels, count, amount);
    (*env)->ReleasePrimitiveArrayCritical(env, image, pixels, 0);
    (void)cls;
}

/* Correct: validates before pinning, only computes inside the region. */
JNIEXPORT void JNICALL Java_com_example_ImageFilter_brighten(JNIEnv *env, jclass cls, jintArray image, jint amount) {
    if (amount < -255 || amount > 255) {
        throw_bad_argument(env, "amount out of range");
        return;
    }
    jsize count = (*env)->GetArrayLength(env, image);
    jint *pixels = (*env)->GetPrimitiveArrayCritical(env, image, NULL);
    if (pixels == NULL) return;
    brighten(pixels, count, amount);
    (*env)->ReleasePrimitiveArrayCritical(env, image, pixels, 0);
    (void)cls;
}

/* Unsafe: the early return for a long name keeps the UTF-8 copy. */
JNIEXPORT jint JNICALL Java_com_example_ImageFilter_paletteSizeUnsafe(JNIEnv *env, jclass cls, jstring jname) {
    const char *name = (*env)->GetStringUTFChars(env, jname, NULL);
    if (name == NULL) return -1;
    if (strlen(name) > 32) {
        return -1;
    }
    jint size = strcmp(name, "web") == 0 ? 216 : 256;
    (*env)->ReleaseStringUTFChars(env, jname, name);
    (void)cls;
    return size;
}

/* Correct: one way out, through the release. */
JNIEXPORT jint JNICALL Java_com_example_ImageFilter_paletteSize(JNIEnv *env, jclass cls, jstring jname) {
    jint size = -1;
    const char *name = (*env)->GetStringUTFChars(env, jname, NULL);
    if (name == NULL) return -1;
    if (strlen(name) > 32) goto done;
    size = strcmp(name, "web") == 0 ? 216 : 256;
done:
    (*env)->ReleaseStringUTFChars(env, jname, name);
    (void)cls;
    return size;
}
