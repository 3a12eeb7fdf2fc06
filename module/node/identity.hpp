// Registers the identity functions of the addon (identity.cpp).
#pragma once

#include <napi.h>

namespace eenplan::node {
void register_identity(Napi::Env env, Napi::Object exports);
}
