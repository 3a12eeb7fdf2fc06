// eenplan.node: the Node-API entry point. nodes/lib/native.js loads it and says what to do when
// it is missing.
#include <napi.h>

#include "identity.hpp"
#include "routeboek_check.hpp"
#include "webhooks.hpp"

namespace {

Napi::Object init(Napi::Env env, Napi::Object exports) {
    eenplan::node::register_identity(env, exports);
    eenplan::node::register_webhooks(env, exports);
    eenplan::node::register_routeboek_check(env, exports);
    exports.Set("abi", Napi::Number::New(env, NAPI_VERSION));
    return exports;
}

}  // namespace

NODE_API_MODULE(eenplan, init)
