package com.example.home;

/**
 * Java side of a thermostat driver. thermostat_jni.c implements it, except for one method that
 * was added here and never written in C.
 */
public final class Thermostat implements AutoCloseable {
    static {
        System.loadLibrary("thermostat");
    }

    private final long handle = open();

    public double temperature() {
        return readCelsius(handle);
    }

    /** Added for the schedule feature; nobody wrote the C side (jni/unimplemented-native). */
    public void setSchedule(int[] minutesOfDay, double[] targets) {
        applySchedule(handle, minutesOfDay, targets);
    }

    @Override
    public void close() {
        release(handle);
    }

    private static native long open();
    private static native double readCelsius(long handle);
    private static native void applySchedule(long handle, int[] minutesOfDay, double[] targets);
    private static native void release(long handle);
}
