// The one P-256 group object and a per-thread BN_CTX, shared by the files that do curve arithmetic.
// Private to module/core.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>

namespace eenplan::p256::detail {

// Created once (thread-safe static initialisation) and only read afterwards: OpenSSL allows
// concurrent use of a const EC_GROUP. For P-256 on x86-64 OpenSSL picks its nistz256 method, whose
// generator multiplication uses a built-in precomputed table.
const EC_GROUP* group();
const BIGNUM* order();        // n
const BIGNUM* field_prime();  // p

// A BN_CTX is a scratch-space pool and not thread-safe, so each thread keeps its own.
BN_CTX* bn_ctx();

// Throws std::runtime_error naming the operation: OpenSSL failing on valid input is lost
// infrastructure (allocation), not a property of the input.
void check(int openssl_result, const char* what);

}  // namespace eenplan::p256::detail
