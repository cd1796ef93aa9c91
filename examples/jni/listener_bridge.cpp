// JNI glue for com.example.prices.PriceFeed: Java registers a listener, and a background
// thread polls libprices (imaginary) and reports each quote to it.
#include <jni.h>

#include <atomic>
#include <thread>

#include <prices.h>  // prices_poll(), price_quote

namespace {

JavaVM* g_vm = nullptr;
jmethodID g_on_quote = nullptr;  // method IDs are not references: safe to keep
std::atomic<bool> g_running{false};
std::thread g_poller;

// HAZARD: `listener` arrives as a local reference. It dies when registerUnsafe returns, but
// the poller reads g_listener_unsafe long after that.
jobject g_listener_unsafe = nullptr;

// Correct: a global reference, created with NewGlobalRef and deleted in unregister().
jobject g_listener = nullptr;

void report(JNIEnv* env, jobject listener) {
  price_quote quote;
  while (g_running && prices_poll(&quote, /*timeout_ms=*/100)) {
    env->CallVoidMethod(listener, g_on_quote, static_cast<jint>(quote.symbol), static_cast<jdouble>(quote.price));
    if (env->ExceptionCheck()) {
      env->ExceptionDescribe();
      env->ExceptionClear();
    }
  }
}

}  // namespace

extern "C" JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void* /*reserved*/) {
  g_vm = vm;
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_6) != JNI_OK) return JNI_ERR;
  jclass listener_class = env->FindClass("com/example/prices/QuoteListener");
  if (listener_class == nullptr) return JNI_ERR;
  g_on_quote = env->GetMethodID(listener_class, "onQuote", "(ID)V");
  env->DeleteLocalRef(listener_class);
  return JNI_VERSION_1_6;
}

// Wrong twice: keeps a local reference in a global, and lends this thread's JNIEnv* to the poller.
extern "C" JNIEXPORT void JNICALL Java_com_example_prices_PriceFeed_registerUnsafe(JNIEnv* env, jobject, jobject listener) {
  g_listener_unsafe = listener;
  g_running = true;
  std::thread([env] { report(env, g_listener_unsafe); }).detach();
}

// Correct: promote the listener, hand the poller the JavaVM*, and let it attach and detach itself.
extern "C" JNIEXPORT void JNICALL Java_com_example_prices_PriceFeed_register(JNIEnv* env, jobject, jobject listener) {
  if (g_poller.joinable()) return;  // already registered
  g_listener = env->NewGlobalRef(listener);
  g_running = true;
  g_poller = std::thread([vm = g_vm, target = g_listener] {
    JNIEnv* thread_env = nullptr;
    if (vm->AttachCurrentThread(reinterpret_cast<void**>(&thread_env), nullptr) != JNI_OK) return;
    report(thread_env, target);
    vm->DetachCurrentThread();
  });
}

extern "C" JNIEXPORT void JNICALL Java_com_example_prices_PriceFeed_unregister(JNIEnv* env, jobject) {
  g_running = false;
  if (g_poller.joinable()) g_poller.join();  // the poller no longer uses g_listener
  if (g_listener != nullptr) {
    env->DeleteGlobalRef(g_listener);
    g_listener = nullptr;
  }
}
