// Small conversions between Node-API values and core types, shared by the addon's files.
#pragma once

#include <napi.h>

#include <span>
#include <string>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::node {

// problems → [{pointer, detail}], the shape the nodes put on their error output.
inline Napi::Array to_js(Napi::Env env, const Problems& problems) {
    Napi::Array out = Napi::Array::New(env, problems.size());
    for (std::size_t i = 0; i < problems.size(); ++i) {
        Napi::Object problem = Napi::Object::New(env);
        problem.Set("pointer", problems[i].pointer);
        problem.Set("detail", problems[i].detail);
        out.Set(static_cast<std::uint32_t>(i), problem);
    }
    return out;
}

inline std::string string_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
    if (info.Length() <= index || !info[index].IsString()) {
        throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a string");
    }
    return info[index].As<Napi::String>().Utf8Value();
}

// A Buffer, or a string taken as UTF-8 bytes (message bodies arrive as either).
inline std::string bytes_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
    if (info.Length() > index && info[index].IsBuffer()) {
        auto buffer = info[index].As<Napi::Buffer<char>>();
        return {buffer.Data(), buffer.Length()};
    }
    if (info.Length() > index && info[index].IsString()) return info[index].As<Napi::String>().Utf8Value();
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Buffer or a string");
}

// Secret key material given as a Buffer or as hex.
inline Bytes key_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
    if (info.Length() > index && info[index].IsBuffer()) {
        auto buffer = info[index].As<Napi::Buffer<std::uint8_t>>();
        return Bytes(buffer.Data(), buffer.Data() + buffer.Length());
    }
    if (info.Length() > index && info[index].IsString()) {
        if (auto bytes = hex_decode(info[index].As<Napi::String>().Utf8Value())) return *bytes;
    }
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Buffer or a hex string");
}

}  // namespace eenplan::node
