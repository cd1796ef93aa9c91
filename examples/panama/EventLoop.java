package org.example.evloop;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A Java 22 binding of an imaginary event-loop library, libevloop:
 *
 *   evloop *evloop_new(void);
 *   void    evloop_set_timer_callback(evloop *loop, void (*on_timer)(int fired));  // kept until reset
 *   void    evloop_post(evloop *loop, const char *message);                        // copies the message
 *   int     evloop_run_once(evloop *loop);
 *   void    evloop_free(evloop *loop);
 *
 * Each hazard sits next to the correct way of doing the same thing.
 */
public final class EventLoop implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = SymbolLookup.libraryLookup("libevloop.so", Arena.global());
    private static final FunctionDescriptor ON_TIMER = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT);

    private static final MethodHandle NEW = LINKER.downcallHandle(
            LIB.find("evloop_new").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS));
    private static final MethodHandle SET_TIMER_CALLBACK = LINKER.downcallHandle(
            LIB.find("evloop_set_timer_callback").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle POST = LINKER.downcallHandle(
            LIB.find("evloop_post").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle RUN_ONCE = LINKER.downcallHandle(
            LIB.find("evloop_run_once").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle FREE = LINKER.downcallHandle(
            LIB.find("evloop_free").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

    /** Lives as long as this object: the timer stub stays valid until close() resets the callback. */
    private final Arena callbacks = Arena.ofShared();
    private final MemorySegment loop;

    public EventLoop() throws Throwable {
        loop = (MemorySegment) NEW.invokeExact();
    }

    static void onTimer(int fired) {
        // keep it short and never let an exception escape: an exception in an upcall ends the JVM
    }

    private static MethodHandle timerTarget() throws ReflectiveOperationException {
        return MethodHandles.lookup().findStatic(EventLoop.class, "onTimer", MethodType.methodType(void.class, int.class));
    }

    /** Hazard: the library keeps the stub, but its arena closes when the try block ends. */
    public void installTimerUnsafe() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stub = LINKER.upcallStub(timerTarget(), ON_TIMER, arena);
            SET_TIMER_CALLBACK.invokeExact(loop, stub);
        }
    }

    /** Correct: the stub is allocated in the object's arena, closed only after the callback is reset. */
    public void installTimer() throws Throwable {
        MemorySegment stub = LINKER.upcallStub(timerTarget(), ON_TIMER, callbacks);
        SET_TIMER_CALLBACK.invokeExact(loop, stub);
    }

    /** Hazard: every message is copied into the global arena, which is never freed. */
    public void postAllUnsafe(List<String> messages) throws Throwable {
        for (String message : messages) {
            POST.invokeExact(loop, Arena.global().allocateFrom(message));
        }
    }

    /** Correct: evloop_post copies the message, so a confined arena per message is enough. */
    public void postAll(List<String> messages) throws Throwable {
        for (String message : messages) {
            try (Arena arena = Arena.ofConfined()) {
                POST.invokeExact(loop, arena.allocateFrom(message));
            }
        }
    }

    /** Hazard: a confined segment handed to a worker thread throws WrongThreadException there. */
    public Future<?> postLaterUnsafe(ExecutorService executor, String message) {
        Arena arena = Arena.ofConfined();
        MemorySegment text = arena.allocateFrom(message);
        return executor.submit(() -> post(text));
    }

    /** Correct: a shared arena may be read by the worker, which closes it when done. */
    public Future<?> postLater(ExecutorService executor, String message) {
        Arena arena = Arena.ofShared();
        MemorySegment text = arena.allocateFrom(message);
        return executor.submit(() -> {
            try {
                post(text);
            } finally {
                arena.close();
            }
        });
    }

    public int runOnce() throws Throwable {
        return (int) RUN_ONCE.invokeExact(loop);
    }

    private void post(MemorySegment text) {
        try {
            POST.invokeExact(loop, text);
        } catch (Throwable failure) {
            throw new IllegalStateException(failure);
        }
    }

    @Override
    public void close() throws Throwable {
        SET_TIMER_CALLBACK.invokeExact(loop, MemorySegment.NULL);   // native code drops the stub first
        FREE.invokeExact(loop);
        callbacks.close();                                          // then its code may be freed
    }
}
