// Standard Webhooks signing and verification for JavaScript, by the same code as the hub's ingest:
//   sign(secret, id, timestamp, body)                          → "v1,<base64>"
//   verify(secrets, {id, timestamp, signature}, body, now, tolerance?) → {accepted, reason?}
// Secrets are "whsec_" + base64, as configured on both sides. Comparison is constant-time in core.
#include "webhooks.hpp"

#include <vector>

#include "eenplan/core/standard_webhooks.hpp"
#include "napi_helpers.hpp"

namespace eenplan::node {
namespace {

Bytes secret_from(Napi::Env env, const Napi::Value& value, const std::string& name) {
    if (!value.IsString()) throw Napi::TypeError::New(env, name + " must be a string (whsec_...)");
    auto secret = webhooks::parse_secret(value.As<Napi::String>().Utf8Value());
    if (!secret) throw Napi::TypeError::New(env, name + ": " + secret.problems().front().detail);
    return std::move(secret).value();
}

std::int64_t integer_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
    if (info.Length() <= index || !info[index].IsNumber()) {
        throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
    }
    return info[index].As<Napi::Number>().Int64Value();
}

Napi::Value sign(const Napi::CallbackInfo& info) {
    const Bytes secret = secret_from(info.Env(), info[0], "secret");
    const std::string id = string_arg(info, 1, "id");
    const std::int64_t timestamp = integer_arg(info, 2, "timestamp");
    const std::string body = bytes_arg(info, 3, "body");
    return Napi::String::New(info.Env(), webhooks::sign(secret, id, timestamp, body));
}

std::string header(const Napi::Object& headers, const char* name) {
    const Napi::Value value = headers.Get(name);
    return value.IsString() ? value.As<Napi::String>().Utf8Value() : std::string();
}

Napi::Value verify(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "secrets must be an array");
    const auto list = info[0].As<Napi::Array>();
    std::vector<Bytes> secrets;
    for (std::uint32_t i = 0; i < list.Length(); ++i) {
        secrets.push_back(secret_from(env, list.Get(i), "secrets[" + std::to_string(i) + "]"));
    }
    if (info.Length() < 2 || !info[1].IsObject()) throw Napi::TypeError::New(env, "headers must be an object");
    const auto headers = info[1].As<Napi::Object>();
    const std::string id = header(headers, "id");
    const std::string timestamp = header(headers, "timestamp");
    const std::string signature = header(headers, "signature");
    const std::string body = bytes_arg(info, 2, "body");
    const std::int64_t now = integer_arg(info, 3, "now");
    const std::int64_t tolerance =
        info.Length() > 4 ? integer_arg(info, 4, "tolerance") : webhooks::default_tolerance_seconds;

    const auto verification = webhooks::verify(secrets, {id, timestamp, signature}, body, now, tolerance);
    Napi::Object out = Napi::Object::New(env);
    out.Set("accepted", verification.accepted);
    if (!verification.accepted) out.Set("reason", std::string(webhooks::describe(verification.rejection)));
    return out;
}

}  // namespace

void register_webhooks(Napi::Env env, Napi::Object exports) {
    exports.Set("sign", Napi::Function::New<sign>(env, "sign"));
    exports.Set("verify", Napi::Function::New<verify>(env, "verify"));
}

}  // namespace eenplan::node
