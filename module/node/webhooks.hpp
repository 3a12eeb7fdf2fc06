// Registers the Standard Webhooks functions of the addon (webhooks.cpp).
#pragma once

#include <napi.h>

namespace eenplan::node {
void register_webhooks(Napi::Env env, Napi::Object exports);
}
