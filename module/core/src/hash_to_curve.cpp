// RFC 9380 P256_XMD:SHA-256_SSWU_RO_ over OpenSSL BIGNUM field arithmetic. Step numbers in the
// comments are those of the RFC's listings, so that a reviewer can read the two side by side.
#include "eenplan/core/hash_to_curve.hpp"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdexcept>
#include <vector>

#include "openssl_handles.hpp"
#include "p256_group.hpp"

namespace eenplan::p256 {
namespace {

using detail::check;

constexpr std::size_t sha256_size = 32;   // b_in_bytes
constexpr std::size_t sha256_block = 64;  // s_in_bytes
constexpr std::size_t field_length = 48;  // L = ceil((ceil(log2(p)) + k) / 8), k = 128

// The suite's constants (RFC 9380 §8.2 and Appendix F.2.1.2), computed once.
struct Constants {
    ossl::Bignum a = ossl::new_bignum();   // A = -3
    ossl::Bignum b = ossl::new_bignum();   // B
    ossl::Bignum z = ossl::new_bignum();   // Z = -10 (§8.2)
    ossl::Bignum c1 = ossl::new_bignum();  // (p - 3) / 4
    ossl::Bignum c2 = ossl::new_bignum();  // sqrt(-Z)
    std::unique_ptr<BN_MONT_CTX, decltype(&BN_MONT_CTX_free)> mont{BN_MONT_CTX_new(), &BN_MONT_CTX_free};

    Constants() {
        const BIGNUM* p = detail::field_prime();
        BN_CTX* ctx = detail::bn_ctx();
        if (!mont) throw std::bad_alloc();
        check(EC_GROUP_get_curve(detail::group(), nullptr, a.get(), b.get(), ctx), "curve");
        ossl::Bignum ten = ossl::new_bignum();
        check(BN_set_word(ten.get(), 10), "10");
        check(BN_sub(z.get(), p, ten.get()), "Z");
        check(BN_sub(c1.get(), p, BN_value_one()), "p - 1");
        check(BN_sub_word(c1.get(), 2), "p - 3");
        check(BN_rshift(c1.get(), c1.get(), 2), "(p - 3) / 4");
        if (BN_mod_sqrt(c2.get(), ten.get(), p, ctx) == nullptr) {
            throw std::runtime_error("OpenSSL failed: sqrt(-Z)");
        }
        check(BN_MONT_CTX_set(mont.get(), p, ctx), "Montgomery context");
    }
};

const Constants& constants() {
    static const Constants instance;
    return instance;
}

// Temporaries from the thread's BN_CTX, cleared when the frame ends: they are derived from a
// person number.
class Frame {
public:
    explicit Frame(BN_CTX* ctx) : ctx_(ctx) { BN_CTX_start(ctx_); }
    ~Frame() {
        for (BIGNUM* bn : taken_) BN_clear(bn);
        BN_CTX_end(ctx_);
    }
    Frame(const Frame&) = delete;
    Frame& operator=(const Frame&) = delete;

    BIGNUM* get() {
        BIGNUM* bn = BN_CTX_get(ctx_);
        if (bn == nullptr) throw std::bad_alloc();
        taken_.push_back(bn);
        return bn;
    }

private:
    BN_CTX* ctx_;
    std::vector<BIGNUM*> taken_;
};

// Field arithmetic mod p.
struct Field {
    const BIGNUM* p = detail::field_prime();
    BN_CTX* ctx = detail::bn_ctx();

    void mul(BIGNUM* r, const BIGNUM* x, const BIGNUM* y) const {
        check(BN_mod_mul(r, x, y, p, ctx), "field multiply");
    }
    void sqr(BIGNUM* r, const BIGNUM* x) const { check(BN_mod_sqr(r, x, p, ctx), "field square"); }
    void add(BIGNUM* r, const BIGNUM* x, const BIGNUM* y) const { check(BN_mod_add_quick(r, x, y, p), "field add"); }
    void neg(BIGNUM* r, const BIGNUM* x) const {
        if (BN_is_zero(x)) {
            BN_zero(r);
        } else {
            check(BN_sub(r, p, x), "field negate");
        }
    }
    void pow(BIGNUM* r, const BIGNUM* x, const BIGNUM* e) const {
        check(BN_mod_exp_mont_consttime(r, x, e, p, ctx, constants().mont.get()), "field power");
    }
    // inv0 (§4): the inverse, with inv0(0) = 0 (never reached by the map: its argument is A·Z or
    // -A·tv2 with tv2 != 0, or a product of such).
    void inv0(BIGNUM* r, BIGNUM* x) const {
        if (BN_is_zero(x)) {
            BN_zero(r);
            return;
        }
        BN_set_flags(x, BN_FLG_CONSTTIME);
        if (BN_mod_inverse(r, x, p, ctx) == nullptr) throw std::runtime_error("field inverse");
    }
    // CMOV(a, b, c) of §4: b when c, else a; written as a copy of the chosen value.
    static void cmov(BIGNUM* r, const BIGNUM* a, const BIGNUM* b, bool c) {
        if (BN_copy(r, c ? b : a) == nullptr) throw std::bad_alloc();
    }
    // sgn0 for m = 1 (§4.1): the parity of the canonical representative.
    static bool sgn0(const BIGNUM* x) { return BN_is_odd(x) == 1; }
};

// Appendix F.2.1.2: sqrt_ratio for p = 3 mod 4. Returns whether u/v is a square and sets y to
// sqrt(u/v) if so, else to sqrt(Z·u/v). One exponentiation and no inversion.
bool sqrt_ratio_3mod4(const Field& f, Frame& frame, BIGNUM* y, const BIGNUM* u, const BIGNUM* v) {
    const Constants& k = constants();
    BIGNUM* tv1 = frame.get();
    BIGNUM* tv2 = frame.get();
    BIGNUM* tv3 = frame.get();
    BIGNUM* y1 = frame.get();
    BIGNUM* y2 = frame.get();
    f.sqr(tv1, v);                           // 1. tv1 = v^2
    f.mul(tv2, u, v);                        // 2. tv2 = u * v
    f.mul(tv1, tv1, tv2);                    // 3. tv1 = tv1 * tv2
    f.pow(y1, tv1, k.c1.get());              // 4. y1 = tv1^c1
    f.mul(y1, y1, tv2);                      // 5. y1 = y1 * tv2
    f.mul(y2, y1, k.c2.get());               // 6. y2 = y1 * c2
    f.sqr(tv3, y1);                          // 7. tv3 = y1^2
    f.mul(tv3, tv3, v);                      // 8. tv3 = tv3 * v
    const bool is_qr = BN_cmp(tv3, u) == 0;  // 9. isQR = tv3 == u
    Field::cmov(y, y2, y1, is_qr);           // 10. y = CMOV(y2, y1, isQR)
    return is_qr;
}

// Steps 1-24 of Appendix F.2's map_to_curve_simple_swu: y, and x as a fraction whose
// denominator (tv4) the caller inverts, so that hash_to_curve can invert two at once.
struct MappedPoint {
    BIGNUM* x;
    BIGNUM* x_denominator;
    BIGNUM* y;
};

MappedPoint map_to_fraction(const Field& f, Frame& frame, std::span<const std::uint8_t> field_element) {
    const Constants& k = constants();
    BIGNUM* u = frame.get();
    if (field_element.size() != 32 || BN_bin2bn(field_element.data(), 32, u) == nullptr || BN_cmp(u, f.p) >= 0) {
        throw std::invalid_argument("map_to_curve needs a field element of 32 bytes below p");
    }
    BIGNUM* tv1 = frame.get();
    BIGNUM* tv2 = frame.get();
    BIGNUM* tv3 = frame.get();
    BIGNUM* tv4 = frame.get();
    BIGNUM* tv5 = frame.get();
    BIGNUM* tv6 = frame.get();
    BIGNUM* x = frame.get();
    BIGNUM* y = frame.get();
    BIGNUM* y1 = frame.get();
    BIGNUM* scratch = frame.get();

    f.sqr(tv1, u);                    // 1. tv1 = u^2
    f.mul(tv1, k.z.get(), tv1);       // 2. tv1 = Z * tv1
    f.sqr(tv2, tv1);                  // 3. tv2 = tv1^2
    f.add(tv2, tv2, tv1);             // 4. tv2 = tv2 + tv1
    f.add(tv3, tv2, BN_value_one());  // 5. tv3 = tv2 + 1
    f.mul(tv3, k.b.get(), tv3);       // 6. tv3 = B * tv3
    f.neg(scratch, tv2);              // 7. tv4 = CMOV(Z, -tv2, tv2 != 0)
    Field::cmov(tv4, k.z.get(), scratch, !BN_is_zero(tv2));
    f.mul(tv4, k.a.get(), tv4);                                           // 8. tv4 = A * tv4
    f.sqr(tv2, tv3);                                                      // 9. tv2 = tv3^2
    f.sqr(tv6, tv4);                                                      // 10. tv6 = tv4^2
    f.mul(tv5, k.a.get(), tv6);                                           // 11. tv5 = A * tv6
    f.add(tv2, tv2, tv5);                                                 // 12. tv2 = tv2 + tv5
    f.mul(tv2, tv2, tv3);                                                 // 13. tv2 = tv2 * tv3
    f.mul(tv6, tv6, tv4);                                                 // 14. tv6 = tv6 * tv4
    f.mul(tv5, k.b.get(), tv6);                                           // 15. tv5 = B * tv6
    f.add(tv2, tv2, tv5);                                                 // 16. tv2 = tv2 + tv5
    f.mul(x, tv1, tv3);                                                   // 17. x = tv1 * tv3
    const bool is_gx1_square = sqrt_ratio_3mod4(f, frame, y1, tv2, tv6);  // 18.
    f.mul(y, tv1, u);                                                     // 19. y = tv1 * u
    f.mul(y, y, y1);                                                      // 20. y = y * y1
    Field::cmov(x, x, tv3, is_gx1_square);                                // 21. x = CMOV(x, tv3, is_gx1_square)
    Field::cmov(y, y, y1, is_gx1_square);                                 // 22. y = CMOV(y, y1, is_gx1_square)
    const bool e1 = Field::sgn0(u) == Field::sgn0(y);                     // 23. e1 = sgn0(u) == sgn0(y)
    f.neg(scratch, y);                                                    // 24. y = CMOV(-y, y, e1)
    Field::cmov(y, scratch, y, e1);
    return {x, tv4, y};
}

Point affine_point(const Field& f, const BIGNUM* x, const BIGNUM* y) {
    ossl::Point point(EC_POINT_new(detail::group()));
    if (!point) throw std::bad_alloc();
    // Also checks that (x, y) is on the curve, which the map guarantees.
    check(EC_POINT_set_affine_coordinates(detail::group(), point.get(), x, y, f.ctx),
          "map_to_curve result on the curve");
    return Point::adopt(point.release());
}

}  // namespace

Bytes expand_message_xmd(std::span<const std::uint8_t> message, std::string_view dst, std::size_t length) {
    const std::size_t ell = (length + sha256_size - 1) / sha256_size;
    if (dst.size() > 255) throw std::invalid_argument("a hash-to-curve tag has at most 255 bytes");
    if (ell > 255 || length > 65535 || length == 0) {
        throw std::invalid_argument("expand_message_xmd: length out of range");
    }
    const std::uint8_t dst_length = static_cast<std::uint8_t>(dst.size());
    const std::uint8_t length_be[2] = {static_cast<std::uint8_t>(length >> 8),
                                       static_cast<std::uint8_t>(length & 0xff)};
    static constexpr std::uint8_t z_pad[sha256_block] = {};

    ossl::MdCtx md(EVP_MD_CTX_new());
    if (!md) throw std::bad_alloc();
    auto start = [&] { check(EVP_DigestInit_ex(md.get(), ossl::sha256(), nullptr), "digest init"); };
    auto update = [&](const void* data, std::size_t size) {
        check(EVP_DigestUpdate(md.get(), data, size), "digest update");
    };
    auto finish = [&](std::uint8_t* out) { check(EVP_DigestFinal_ex(md.get(), out, nullptr), "digest final"); };
    auto update_dst_prime = [&] {  // DST_prime = DST || I2OSP(len(DST), 1)
        update(dst.data(), dst.size());
        update(&dst_length, 1);
    };

    // b_0 = H(Z_pad || msg || l_i_b_str || I2OSP(0, 1) || DST_prime)
    std::uint8_t b0[sha256_size];
    const std::uint8_t zero = 0;
    start();
    update(z_pad, sizeof z_pad);
    update(message.data(), message.size());
    update(length_be, sizeof length_be);
    update(&zero, 1);
    update_dst_prime();
    finish(b0);

    // b_1 = H(b_0 || I2OSP(1, 1) || DST_prime); b_i = H(strxor(b_0, b_(i-1)) || I2OSP(i, 1) || DST_prime)
    Bytes uniform(ell * sha256_size);
    std::uint8_t chained[sha256_size];
    for (std::size_t i = 1; i <= ell; ++i) {
        for (std::size_t j = 0; j < sha256_size; ++j) {
            chained[j] = i == 1 ? b0[j] : static_cast<std::uint8_t>(b0[j] ^ uniform[(i - 2) * sha256_size + j]);
        }
        const std::uint8_t counter = static_cast<std::uint8_t>(i);
        start();
        update(chained, sizeof chained);
        update(&counter, 1);
        update_dst_prime();
        finish(uniform.data() + (i - 1) * sha256_size);
    }
    OPENSSL_cleanse(b0, sizeof b0);
    OPENSSL_cleanse(chained, sizeof chained);
    uniform.resize(length);
    return uniform;
}

std::array<Bytes, 2> hash_to_field(std::span<const std::uint8_t> message, std::string_view dst) {
    Bytes uniform = expand_message_xmd(message, dst, 2 * field_length);
    Frame frame(detail::bn_ctx());
    BIGNUM* wide = frame.get();
    BIGNUM* element = frame.get();
    std::array<Bytes, 2> out;
    for (std::size_t i = 0; i < 2; ++i) {
        // e_i = OS2IP(tv) mod p: 48 bytes leave a bias of at most 2^-128 (§5).
        if (BN_bin2bn(uniform.data() + i * field_length, field_length, wide) == nullptr) {
            throw std::bad_alloc();
        }
        check(BN_nnmod(element, wide, detail::field_prime(), detail::bn_ctx()), "mod p");
        out[i] = Bytes(32);
        check(BN_bn2binpad(element, out[i].data(), 32) == 32 ? 1 : 0, "field element to bytes");
    }
    OPENSSL_cleanse(uniform.data(), uniform.size());
    return out;
}

Point map_to_curve(std::span<const std::uint8_t> field_element) {
    const Field f;
    Frame frame(f.ctx);
    const MappedPoint q = map_to_fraction(f, frame, field_element);
    BIGNUM* inverse = frame.get();
    f.inv0(inverse, q.x_denominator);  // 25. tv4 = inv0(tv4)
    f.mul(q.x, q.x, inverse);          // 26. x = x * tv4
    return affine_point(f, q.x, q.y);
}

Point hash_to_curve(std::span<const std::uint8_t> message, std::string_view dst) {
    std::array<Bytes, 2> u = hash_to_field(message, dst);
    const Field f;
    Frame frame(f.ctx);
    const MappedPoint q0 = map_to_fraction(f, frame, u[0]);
    const MappedPoint q1 = map_to_fraction(f, frame, u[1]);
    for (Bytes& element : u) OPENSSL_cleanse(element.data(), element.size());

    // Steps 25-26 for both points with one inversion (Montgomery's trick): 1/(d0·d1) times d1 is
    // 1/d0, times d0 is 1/d1. An inversion costs as much as the square root; this saves one.
    // Neither denominator is zero (it is A·Z or -A·tv2 with tv2 != 0), so neither is the product.
    BIGNUM* product = frame.get();
    BIGNUM* inverse = frame.get();
    BIGNUM* inverse0 = frame.get();
    f.mul(product, q0.x_denominator, q1.x_denominator);
    f.inv0(inverse, product);
    f.mul(inverse0, inverse, q1.x_denominator);
    f.mul(inverse, inverse, q0.x_denominator);
    f.mul(q0.x, q0.x, inverse0);
    f.mul(q1.x, q1.x, inverse);
    return affine_point(f, q0.x, q0.y).plus(affine_point(f, q1.x, q1.y));
    // clear_cofactor(R) = R: P-256 has cofactor 1
}

}  // namespace eenplan::p256
