/* C side of com.example.home.Thermostat: one exported function per native method. */
#include <jni.h>
#include <stdint.h>
#include "thermostat.h"

JNIEXPORT jlong JNICALL Java_com_example_home_Thermostat_open(JNIEnv *env, jclass cls) {
    return (jlong)(intptr_t)thermostat_open();
}

JNIEXPORT jdouble JNICALL Java_com_example_home_Thermostat_readCelsius(JNIEnv *env, jclass cls, jlong handle) {
    return thermostat_read_celsius((thermostat *)(intptr_t)handle);
}

JNIEXPORT void JNICALL Java_com_example_home_Thermostat_release(JNIEnv *env, jclass cls, jlong handle) {
    thermostat_close((thermostat *)(intptr_t)handle);
}

/* applySchedule was never written: Java_com_example_home_Thermostat_applySchedule is missing. */
