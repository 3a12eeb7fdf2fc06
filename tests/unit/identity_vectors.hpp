// Loads tests/vectors/identity.json, the identity test vectors shared with other implementations
// (tests/vectors/identity_vectors.py computes them independently of this C++ code).
#pragma once

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "eenplan/core/encoding.hpp"

namespace identity_test {

inline Poco::JSON::Object::Ptr vectors() {
    const char* root = std::getenv("EENPLAN_SOURCE_DIR");
    REQUIRE(root != nullptr);  // ctest sets it (tests/CMakeLists.txt)
    std::ifstream in(std::string(root) + "/tests/vectors/identity.json");
    REQUIRE(in.good());
    Poco::JSON::Parser parser;
    return parser.parse(in).extract<Poco::JSON::Object::Ptr>();
}

inline std::string text(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    REQUIRE(object->has(key));
    return object->getValue<std::string>(key);
}

inline eenplan::Bytes hex(std::string_view text) {
    auto bytes = eenplan::hex_decode(text);
    REQUIRE(bytes.has_value());
    return *bytes;
}

inline eenplan::Bytes bytes(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    return hex(text(object, key));
}

// Each object of an array member, e.g. for (auto v : each(root, "hash_to_curve")).
inline std::vector<Poco::JSON::Object::Ptr> each(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    REQUIRE(object->has(key));
    const auto array = object->getArray(key);
    REQUIRE(array->size() > 0);
    std::vector<Poco::JSON::Object::Ptr> out;
    for (std::size_t i = 0; i < array->size(); ++i) out.push_back(array->getObject(i));
    return out;
}

}  // namespace identity_test
