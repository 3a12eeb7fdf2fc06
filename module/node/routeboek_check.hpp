#pragma once

#include <napi.h>

namespace eenplan::node {

// yamlDocument and RouteboekCheck (routeboek_check.cpp).
void register_routeboek_check(Napi::Env env, Napi::Object exports);

}  // namespace eenplan::node
