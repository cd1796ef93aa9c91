package com.example.sensors;

import java.util.function.BiConsumer;

/**
 * Java face of sensor_bridge.c. Readings arrive on libsensor's own worker thread,
 * not on the thread that called {@link #start}, which is what makes a cached
 * JNIEnv* in the native code unsafe.
 */
public final class SensorBridge implements AutoCloseable {
    static {
        System.loadLibrary("sensorbridge");   // runs JNI_OnLoad in sensor_bridge.c
    }

    private final int sensor;
    private final BiConsumer<Integer, Double> listener;

    public SensorBridge(int sensor, BiConsumer<Integer, Double> listener) {
        this.sensor = sensor;
        this.listener = listener;
    }

    /** Starts sampling; {@code legacy} selects the callback that uses the cached JNIEnv*. */
    public void start(boolean legacy) {
        nativeStart(sensor, legacy);
    }

    @Override
    public void close() {
        nativeStop(sensor);
    }

    /** Called from native code, on libsensor's thread. */
    private void onReading(int sensor, double value) {
        listener.accept(sensor, value);
    }

    private native void nativeStart(int sensor, boolean legacy);

    private native void nativeStop(int sensor);

    public static void main(String[] args) throws InterruptedException {
        try (SensorBridge bridge = new SensorBridge(0, (id, v) -> System.out.printf("sensor %d: %.2f%n", id, v))) {
            bridge.start(args.length > 0 && args[0].equals("--legacy"));
            Thread.sleep(1_000);
        }
    }
}
