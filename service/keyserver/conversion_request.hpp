// The body of POST /v1/convert, parsed and checked in one place (no HTTP, no keys but the public
// one), so that the handler and the fuzz target (tests/fuzz/keyserver_fuzz.cpp) share it:
//   {"domain": "hub" | "org:<id>", "encryptions": ["pp1:...", ...]}   1..max_batch entries
// Problems point at the failing member or entry and never repeat an encryption.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "eenplan/core/polymorphic.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::keyserver {

struct ConversionRequest {
    std::string domain;
    std::vector<PolymorphicCiphertext> encryptions;
};

// A domain as the clients' settings allow one: "hub" or "org:<1..64 of [A-Za-z0-9_.-]>".
bool domain_shaped(std::string_view domain);

enum class RequestFault { none, malformed, invalid };

struct ParsedConversion {
    RequestFault fault = RequestFault::none;  // malformed: not (bounded) JSON; invalid: see problems
    ConversionRequest request;
    Problems problems;
};

// Each entry must be an encryption under `master_public_key`.
ParsedConversion parse_conversion(std::string_view body, std::size_t max_batch,
                                  const PolymorphicPublicKey& master_public_key);

}  // namespace eenplan::keyserver
