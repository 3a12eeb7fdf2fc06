// eenplan-test-hooks.node: calls only the tests need, built beside eenplan.node but never packed
// or loaded by a node, so a flow cannot reach them.
//   encryptWithNonce(publicKey, kind, number, nonce) → {ciphertext} | {problems}: a caller-chosen
//     nonce r, to check the polymorphic test vectors byte for byte.
//   throwNative(what) throws a std::runtime_error: proves the build turns any C++ exception of a
//     synchronous call into a JavaScript error instead of aborting the process.
#include <napi.h>

#include <stdexcept>

#include "eenplan/core/p256.hpp"
#include "eenplan/core/person_number.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "napi_helpers.hpp"

namespace {

using namespace eenplan;

Napi::Value encrypt_with_nonce(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto key = PolymorphicPublicKey::from_bytes(node::key_arg(info, 0, "publicKey"), "/publicKey");
    if (!key) throw Napi::TypeError::New(env, "publicKey: " + key.problems().front().detail);
    const std::string kind = node::string_arg(info, 1, "kind");
    if (kind != "bsn" && kind != "onderwijsnummer")
        throw Napi::TypeError::New(env, "kind must be bsn or onderwijsnummer");
    const auto number = PersonNumber::parse(kind == "bsn" ? PersonNumberKind::bsn : PersonNumberKind::onderwijsnummer,
                                            node::string_arg(info, 2, "number"), "/subject/" + kind);
    Napi::Object out = Napi::Object::New(env);
    if (!number) {
        out.Set("problems", node::to_js(env, number.problems()));
        return out;
    }
    auto r = p256::Scalar::from_bytes(node::key_arg(info, 3, "nonce"), "/nonce");
    if (!r) throw Napi::RangeError::New(env, "nonce: " + r.problems().front().detail);
    out.Set("ciphertext", encrypt_at_source(key.value(), number.value(), r.value()).to_string());
    return out;
}

Napi::Value throw_native(const Napi::CallbackInfo& info) {
    throw std::runtime_error(node::string_arg(info, 0, "what"));
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
    exports.Set("encryptWithNonce", Napi::Function::New<encrypt_with_nonce>(env, "encryptWithNonce"));
    exports.Set("throwNative", Napi::Function::New<throw_native>(env, "throwNative"));
    return exports;
}

}  // namespace

NODE_API_MODULE(eenplan_test_hooks, init)
