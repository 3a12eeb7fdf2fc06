#include "eenplan/core/p256.hpp"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>
#include <stdexcept>

#include "openssl_handles.hpp"
#include "p256_group.hpp"

namespace eenplan::p256 {
namespace detail {

namespace {
struct GroupDeleter {
    void operator()(EC_GROUP* p) const noexcept { EC_GROUP_free(p); }
};

struct Curve {
    std::unique_ptr<EC_GROUP, GroupDeleter> group;
    ossl::Bignum p = ossl::new_bignum();

    Curve() : group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1)) {
        if (!group) throw std::runtime_error("OpenSSL does not provide P-256");
        check(EC_GROUP_get_curve(group.get(), p.get(), nullptr, nullptr, nullptr), "get curve");
    }
};

const Curve& curve() {
    static const Curve instance;
    return instance;
}
}  // namespace

const EC_GROUP* group() { return curve().group.get(); }
const BIGNUM* order() { return EC_GROUP_get0_order(group()); }
const BIGNUM* field_prime() { return curve().p.get(); }

BN_CTX* bn_ctx() {
    thread_local const ossl::BnCtx ctx(BN_CTX_new());
    if (!ctx) throw std::bad_alloc();
    return ctx.get();
}

void check(int openssl_result, const char* what) {
    if (openssl_result != 1) throw std::runtime_error(std::string("OpenSSL failed: ") + what);
}

}  // namespace detail

using detail::bn_ctx;
using detail::check;
using detail::group;

// ---- Scalar ------------------------------------------------------------------------------------

void Scalar::Deleter::operator()(BIGNUM* p) const noexcept { BN_clear_free(p); }

Scalar::Scalar(BIGNUM* owned) : value_(owned) {
    if (!value_) throw std::bad_alloc();
    // Ask BIGNUM for its constant-time code paths (exponentiation, inversion) on secrets.
    BN_set_flags(value_.get(), BN_FLG_CONSTTIME);
}

Scalar::Scalar(const Scalar& other) : Scalar(BN_dup(other.native())) {}

Scalar& Scalar::operator=(const Scalar& other) {
    if (this != &other) *this = Scalar(other);
    return *this;
}

Scalar::Scalar(Scalar&& other) noexcept = default;
Scalar& Scalar::operator=(Scalar&& other) noexcept = default;
Scalar::~Scalar() = default;

Result<Scalar> Scalar::from_bytes(std::span<const std::uint8_t> big_endian, std::string pointer) {
    if (big_endian.size() != scalar_size) {
        return Problem{std::move(pointer), "must be a 32-byte scalar"};
    }
    Scalar s(BN_bin2bn(big_endian.data(), static_cast<int>(big_endian.size()), nullptr));
    if (BN_is_zero(s.native()) || BN_cmp(s.native(), detail::order()) >= 0) {
        return Problem{std::move(pointer), "must be a scalar between 1 and the group order"};
    }
    return s;
}

Scalar Scalar::reduce_wide(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < 48) throw std::invalid_argument("reduce_wide needs at least 48 bytes");
    ossl::Bignum wide(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    if (!wide) throw std::bad_alloc();
    Scalar s(BN_new());
    check(BN_nnmod(s.value_.get(), wide.get(), detail::order(), bn_ctx()), "reduce mod n");
    if (BN_is_zero(s.native())) throw std::domain_error("scalar reduced to zero");
    return s;
}

Scalar Scalar::random() {
    for (;;) {
        std::uint8_t bytes[48];
        check(RAND_bytes(bytes, sizeof bytes), "RAND_bytes");
        try {
            Scalar s = reduce_wide(bytes);
            OPENSSL_cleanse(bytes, sizeof bytes);
            return s;
        } catch (const std::domain_error&) {
            OPENSSL_cleanse(bytes, sizeof bytes);  // zero: draw again (probability 2^-256)
        }
    }
}

Bytes Scalar::to_bytes() const {
    Bytes out(scalar_size);
    check(BN_bn2binpad(native(), out.data(), static_cast<int>(out.size())) == 32 ? 1 : 0, "scalar to bytes");
    return out;
}

Scalar Scalar::inverse() const {
    // With BN_FLG_CONSTTIME on the input, BN_mod_inverse takes its branch-free path.
    Scalar out(BN_new());
    if (BN_mod_inverse(out.value_.get(), native(), detail::order(), bn_ctx()) == nullptr) {
        throw std::runtime_error("OpenSSL failed: scalar inverse");
    }
    return out;
}

Scalar operator*(const Scalar& a, const Scalar& b) {
    Scalar out(BN_new());
    check(BN_mod_mul(out.value_.get(), a.native(), b.native(), detail::order(), bn_ctx()), "scalar multiply");
    return out;
}

bool operator==(const Scalar& a, const Scalar& b) { return BN_cmp(a.native(), b.native()) == 0; }

// ---- Point -------------------------------------------------------------------------------------

void Point::Deleter::operator()(EC_POINT* p) const noexcept { EC_POINT_clear_free(p); }

Point Point::adopt(EC_POINT* owned) {
    if (owned == nullptr) throw std::bad_alloc();
    Point p(owned);
    if (EC_POINT_is_at_infinity(group(), owned) == 1) {
        throw std::domain_error("P-256 arithmetic reached the point at infinity");
    }
    return p;
}

Point::Point(const Point& other) : value_(EC_POINT_dup(other.native(), group())) {
    if (!value_) throw std::bad_alloc();
}

Point& Point::operator=(const Point& other) {
    if (this != &other) *this = Point(other);
    return *this;
}

Point::~Point() = default;

Result<Point> Point::from_bytes(std::span<const std::uint8_t> sec1, std::string pointer) {
    const bool compressed = sec1.size() == compressed_point_size && (sec1[0] == 0x02 || sec1[0] == 0x03);
    const bool uncompressed = sec1.size() == 65 && sec1[0] == 0x04;
    if (!compressed && !uncompressed) {
        // Also refuses the one-byte encoding 0x00 of the point at infinity.
        return Problem{std::move(pointer), "must be a SEC1-encoded P-256 point"};
    }
    ossl::Point point(EC_POINT_new(group()));
    if (!point) throw std::bad_alloc();
    // oct2point checks that the point lies on the curve (and, compressed, that x has a root).
    if (EC_POINT_oct2point(group(), point.get(), sec1.data(), sec1.size(), bn_ctx()) != 1 ||
        EC_POINT_is_on_curve(group(), point.get(), bn_ctx()) != 1) {
        return Problem{std::move(pointer), "is not a point on the P-256 curve"};
    }
    return adopt(point.release());
}

Point Point::generator_times(const Scalar& k) {
    ossl::Point out(EC_POINT_new(group()));
    if (!out) throw std::bad_alloc();
    check(EC_POINT_mul(group(), out.get(), k.native(), nullptr, nullptr, bn_ctx()), "k·G");
    return adopt(out.release());
}

Point Point::times(const Scalar& k) const {
    ossl::Point out(EC_POINT_new(group()));
    if (!out) throw std::bad_alloc();
    check(EC_POINT_mul(group(), out.get(), nullptr, native(), k.native(), bn_ctx()), "k·P");
    return adopt(out.release());
}

Point Point::plus(const Point& other) const {
    ossl::Point out(EC_POINT_new(group()));
    if (!out) throw std::bad_alloc();
    check(EC_POINT_add(group(), out.get(), native(), other.native(), bn_ctx()), "P + Q");
    return adopt(out.release());
}

Point Point::minus(const Point& other) const {
    ossl::Point negated(EC_POINT_dup(other.native(), group()));
    if (!negated) throw std::bad_alloc();
    check(EC_POINT_invert(group(), negated.get(), bn_ctx()), "-Q");
    ossl::Point out(EC_POINT_new(group()));
    if (!out) throw std::bad_alloc();
    check(EC_POINT_add(group(), out.get(), native(), negated.get(), bn_ctx()), "P - Q");
    return adopt(out.release());
}

namespace {
Bytes encode(const EC_POINT* point, point_conversion_form_t form, std::size_t size) {
    Bytes out(size);
    const std::size_t n = EC_POINT_point2oct(group(), point, form, out.data(), out.size(), bn_ctx());
    if (n != size) throw std::runtime_error("OpenSSL failed: point encoding");
    return out;
}
}  // namespace

Bytes Point::to_bytes() const { return encode(native(), POINT_CONVERSION_COMPRESSED, compressed_point_size); }

Bytes Point::to_uncompressed_bytes() const { return encode(native(), POINT_CONVERSION_UNCOMPRESSED, 65); }

bool operator==(const Point& a, const Point& b) { return EC_POINT_cmp(group(), a.native(), b.native(), bn_ctx()) == 0; }

}  // namespace eenplan::p256
