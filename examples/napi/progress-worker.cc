// resize.node: image resizing for Node with node-addon-api.
//
//   resize(pixels, width, height, scale, onProgress, done)  AsyncProgressWorker (correct)
//   resizeQuick(pixels, width, height, scale, done)         AsyncWorker that answers from Execute()
//   watchFolder(dir, onImage)                               std::thread calling a FunctionReference
//   watchFolderSafely(dir, onImage)                         std::thread through a ThreadSafeFunction
//
// `scale_rows` and `folder_next_image` come from an imaginary C library.
#include <napi.h>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "imaging.h"

// ---- resize(): pool-thread work, JavaScript only in OnProgress/OnOK/OnError ----

class ResizeWorker : public Napi::AsyncProgressWorker<uint32_t> {
public:
    ResizeWorker(Napi::Function &done, Napi::Function &onProgress, std::vector<uint8_t> pixels, uint32_t width,
                 uint32_t height, double scale)
        : Napi::AsyncProgressWorker<uint32_t>(done, "resize"),
          onProgress_(Napi::Persistent(onProgress)),
          pixels_(std::move(pixels)),
          width_(width),
          height_(height),
          scale_(scale) {}

    void Execute(const ExecutionProgress &progress) override {
        if (width_ == 0 || height_ == 0) {
            SetError("empty image");  // stored now, thrown on the JavaScript thread by OnError
            return;
        }
        output_.resize(static_cast<size_t>(width_ * scale_) * static_cast<size_t>(height_ * scale_) * 4);
        for (uint32_t row = 0; row < height_; row += 64) {
            scale_rows(pixels_.data(), width_, row, 64, scale_, output_.data());
            uint32_t percent = row * 100 / height_;
            progress.Send(&percent, 1);  // copied and handed to OnProgress
        }
    }

    void OnProgress(const uint32_t *percent, size_t) override {
        onProgress_.Call({Napi::Number::New(Env(), *percent)});
    }

    void OnOK() override {
        Napi::Env env = Env();
        Callback().Call({env.Null(), Napi::Buffer<uint8_t>::Copy(env, output_.data(), output_.size())});
    }

private:
    Napi::FunctionReference onProgress_;
    std::vector<uint8_t> pixels_;
    std::vector<uint8_t> output_;
    uint32_t width_, height_;
    double scale_;
};

// ---- resizeQuick(): Execute() builds the answer itself ----

class QuickResizeWorker : public Napi::AsyncWorker {
public:
    QuickResizeWorker(Napi::Function &done, std::vector<uint8_t> pixels, uint32_t width, uint32_t height, double scale)
        : Napi::AsyncWorker(done, "resizeQuick"), pixels_(std::move(pixels)), width_(width), height_(height), scale_(scale) {}

    void Execute() override {
        std::vector<uint8_t> output(static_cast<size_t>(width_ * scale_) * static_cast<size_t>(height_ * scale_) * 4);
        scale_rows(pixels_.data(), width_, 0, height_, scale_, output.data());
        // Wrong: the worker's Env() and Callback() belong to the JavaScript thread.
        Napi::Env env = Env();  // napi/async-execute-touches-js
        Callback().Call({env.Null(), Napi::Buffer<uint8_t>::Copy(env, output.data(), output.size())});
    }

private:
    std::vector<uint8_t> pixels_;
    uint32_t width_, height_;
    double scale_;
};

static std::vector<uint8_t> CopyPixels(const Napi::CallbackInfo &info)
{
    auto buffer = info[0].As<Napi::Buffer<uint8_t>>();
    return std::vector<uint8_t>(buffer.Data(), buffer.Data() + buffer.Length());
}

Napi::Value Resize(const Napi::CallbackInfo &info)
{
    auto onProgress = info[4].As<Napi::Function>();
    auto done = info[5].As<Napi::Function>();
    auto *worker = new ResizeWorker(done, onProgress, CopyPixels(info), info[1].As<Napi::Number>().Uint32Value(),
                                    info[2].As<Napi::Number>().Uint32Value(), info[3].As<Napi::Number>().DoubleValue());
    worker->Queue();
    return info.Env().Undefined();
}

Napi::Value ResizeQuick(const Napi::CallbackInfo &info)
{
    auto done = info[4].As<Napi::Function>();
    auto *worker = new QuickResizeWorker(done, CopyPixels(info), info[1].As<Napi::Number>().Uint32Value(),
                                         info[2].As<Napi::Number>().Uint32Value(), info[3].As<Napi::Number>().DoubleValue());
    worker->Queue();
    return info.Env().Undefined();
}

// ---- watchFolder(): a native thread calls the JavaScript function itself ----

struct FolderWatch {
    std::string dir;
    Napi::FunctionReference onImage;
    Napi::Env env;
};

static void WatchLoop(FolderWatch *watch)
{
    std::string path;
    while (folder_next_image(watch->dir, &path)) {
        watch->onImage.Call({Napi::String::New(watch->env, path)});  // napi/js-call-from-foreign-thread
    }
    delete watch;
}

Napi::Value WatchFolder(const Napi::CallbackInfo &info)
{
    auto *watch = new FolderWatch{info[0].As<Napi::String>().Utf8Value(), Napi::Persistent(info[1].As<Napi::Function>()), info.Env()};
    std::thread(WatchLoop, watch).detach();
    return info.Env().Undefined();
}

// ---- watchFolderSafely(): the same loop, through a ThreadSafeFunction ----

Napi::Value WatchFolderSafely(const Napi::CallbackInfo &info)
{
    std::string dir = info[0].As<Napi::String>().Utf8Value();
    auto tsfn = Napi::ThreadSafeFunction::New(info.Env(), info[1].As<Napi::Function>(), "watchFolderSafely", 0, 1);
    std::thread([dir, tsfn]() mutable {
        std::string path;
        while (folder_next_image(dir, &path)) {
            auto *found = new std::string(path);
            tsfn.BlockingCall(found, [](Napi::Env env, Napi::Function onImage, std::string *value) {
                onImage.Call({Napi::String::New(env, *value)});  // runs on the JavaScript thread
                delete value;
            });
        }
        tsfn.Release();
    }).detach();
    return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports)
{
    exports.Set("resize", Napi::Function::New(env, Resize));
    exports.Set("resizeQuick", Napi::Function::New(env, ResizeQuick));
    exports.Set("watchFolder", Napi::Function::New(env, WatchFolder));
    exports.Set("watchFolderSafely", Napi::Function::New(env, WatchFolderSafely));
    return exports;
}

NODE_API_MODULE(resize, Init)
