// Scalars and points of the NIST P-256 group (SEC 2 secp256r1), as values with owned OpenSSL
// storage. The building blocks of polymorphic pseudonyms (polymorphic.hpp).
//
// Why P-256 and not Ristretto255: P-256 is in OpenSSL's FIPS provider, in WebCrypto and in Node's
// crypto, so a JavaScript or Java peer can check our vectors without a special library; it has
// prime order (cofactor 1), so every valid point is in the group and no cofactor clearing or
// small-subgroup check is needed. Ristretto255 would give a faster, constant-time,
// encoding-canonical group with simpler hash-to-group, but OpenSSL does not provide it and this
// library may depend on OpenSSL and the standard library only.
#pragma once

#include <cstdint>
#include <memory>
#include <openssl/ec.h>  // EC_POINT (types.h does not declare it)
#include <span>
#include <string>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::p256 {

inline constexpr std::size_t scalar_size = 32;
inline constexpr std::size_t compressed_point_size = 33;  // SEC1 §2.3.3: 0x02/0x03 || x

// An integer in [1, n-1], n the group order. Secret scalars live here, so storage is cleared on
// destruction.
class Scalar {
public:
    Scalar(const Scalar& other);
    Scalar& operator=(const Scalar& other);
    Scalar(Scalar&& other) noexcept;
    Scalar& operator=(Scalar&& other) noexcept;
    ~Scalar();

    // Exactly 32 big-endian bytes, a value in [1, n-1]; anything else is a problem.
    static Result<Scalar> from_bytes(std::span<const std::uint8_t> big_endian, std::string pointer);
    // At least 48 bytes reduced mod n (RFC 9380 §5: 128 bits more than n keep the bias below
    // 2^-128). Throws std::domain_error on the 2^-256 chance of zero.
    static Scalar reduce_wide(std::span<const std::uint8_t> bytes);
    // Uniform in [1, n-1], from 48 bytes of RAND_bytes reduced mod n.
    static Scalar random();

    [[nodiscard]] Bytes to_bytes() const;                       // 32 bytes, big-endian
    [[nodiscard]] Scalar inverse() const;                       // mod n, constant-time path
    friend Scalar operator*(const Scalar& a, const Scalar& b);  // mod n
    friend bool operator==(const Scalar& a, const Scalar& b);

    [[nodiscard]] const BIGNUM* native() const noexcept { return value_.get(); }

private:
    struct Deleter {
        void operator()(BIGNUM* p) const noexcept;
    };
    explicit Scalar(BIGNUM* owned);
    std::unique_ptr<BIGNUM, Deleter> value_;
};

// A point of P-256 other than the point at infinity (parsing refuses infinity; arithmetic that
// would produce it throws std::domain_error, which needs a discrete logarithm to provoke).
class Point {
public:
    Point(const Point& other);
    Point& operator=(const Point& other);
    Point(Point&& other) noexcept = default;
    Point& operator=(Point&& other) noexcept = default;
    ~Point();

    // SEC1 compressed (33 bytes) or uncompressed (65 bytes) encoding of a point on the curve.
    static Result<Point> from_bytes(std::span<const std::uint8_t> sec1, std::string pointer);
    static Point generator_times(const Scalar& k);  // kG, on OpenSSL's precomputed generator table

    [[nodiscard]] Point times(const Scalar& k) const;  // k·this
    [[nodiscard]] Point plus(const Point& other) const;
    [[nodiscard]] Point minus(const Point& other) const;

    [[nodiscard]] Bytes to_bytes() const;               // compressed, 33 bytes
    [[nodiscard]] Bytes to_uncompressed_bytes() const;  // 0x04 || x || y, 65 bytes
    friend bool operator==(const Point& a, const Point& b);

    [[nodiscard]] const EC_POINT* native() const noexcept { return value_.get(); }
    // Takes ownership; throws std::domain_error when the point is at infinity.
    static Point adopt(EC_POINT* owned);

private:
    struct Deleter {
        void operator()(EC_POINT* p) const noexcept;
    };
    explicit Point(EC_POINT* owned) : value_(owned) {}
    std::unique_ptr<EC_POINT, Deleter> value_;
};

}  // namespace eenplan::p256
