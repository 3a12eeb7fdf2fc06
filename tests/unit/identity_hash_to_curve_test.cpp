// Hash-to-curve, RFC 9380 P256_XMD:SHA-256_SSWU_RO_: the RFC's own vectors, then the shared ones.
#include <catch2/catch.hpp>

#include "eenplan/core/hash_to_curve.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "identity_vectors.hpp"

using namespace eenplan;
using identity_test::hex;

namespace {

constexpr std::string_view rfc_dst = "QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_";

// The affine coordinates as hex, as the RFC lists them.
std::string x_of(const p256::Point& point) {
    const Bytes encoded = point.to_uncompressed_bytes();
    return hex_encode(std::span(encoded).subspan(1, 32));
}
std::string y_of(const p256::Point& point) {
    const Bytes encoded = point.to_uncompressed_bytes();
    return hex_encode(std::span(encoded).subspan(33, 32));
}

struct RfcVector {
    std::string_view msg, u0, u1, q0x, q0y, q1x, q1y, px, py;
};

// RFC 9380 Appendix J.1.1, P256_XMD:SHA-256_SSWU_RO_, DST "QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_".
constexpr RfcVector rfc_vectors[] = {
    {"", "ad5342c66a6dd0ff080df1da0ea1c04b96e0330dd89406465eeba11582515009",
     "8c0f1d43204bd6f6ea70ae8013070a1518b43873bcd850aafa0a9e220e2eea5a",
     "ab640a12220d3ff283510ff3f4b1953d09fad35795140b1c5d64f313967934d5",
     "dccb558863804a881d4fff3455716c836cef230e5209594ddd33d85c565b19b1",
     "51cce63c50d972a6e51c61334f0f4875c9ac1cd2d3238412f84e31da7d980ef5",
     "b45d1a36d00ad90e5ec7840a60a4de411917fbe7c82c3949a6e699e5a1b66aac",
     "2c15230b26dbc6fc9a37051158c95b79656e17a1a920b11394ca91c44247d3e4",
     "8a7a74985cc5c776cdfe4b1f19884970453912e9d31528c060be9ab5c43e8415"},
    {"abc", "afe47f2ea2b10465cc26ac403194dfb68b7f5ee865cda61e9f3e07a537220af1",
     "379a27833b0bfe6f7bdca08e1e83c760bf9a338ab335542704edcd69ce9e46e0",
     "5219ad0ddef3cc49b714145e91b2f7de6ce0a7a7dc7406c7726c7e373c58cb48",
     "7950144e52d30acbec7b624c203b1996c99617d0b61c2442354301b191d93ecf",
     "019b7cb4efcfeaf39f738fe638e31d375ad6837f58a852d032ff60c69ee3875f",
     "589a62d2b22357fed5449bc38065b760095ebe6aeac84b01156ee4252715446e",
     "0bb8b87485551aa43ed54f009230450b492fead5f1cc91658775dac4a3388a0f",
     "5c41b3d0731a27a7b14bc0bf0ccded2d8751f83493404c84a88e71ffd424212e"},
};

}  // namespace

SCENARIO("hash-to-curve reproduces RFC 9380 Appendix J.1.1", "[identity]") {
    for (const RfcVector& v : rfc_vectors) {
        GIVEN("the message \"" + std::string(v.msg) + "\" and the RFC's tag") {
            const auto message = as_bytes(v.msg);
            WHEN("it is hashed to two field elements") {
                const auto u = p256::hash_to_field(message, rfc_dst);
                THEN("they are the RFC's u[0] and u[1]") {
                    CHECK(hex_encode(u[0]) == v.u0);
                    CHECK(hex_encode(u[1]) == v.u1);
                }
                AND_THEN("each maps to the RFC's Q0 and Q1") {
                    const auto q0 = p256::map_to_curve(u[0]);
                    const auto q1 = p256::map_to_curve(u[1]);
                    CHECK(x_of(q0) == v.q0x);
                    CHECK(y_of(q0) == v.q0y);
                    CHECK(x_of(q1) == v.q1x);
                    CHECK(y_of(q1) == v.q1y);
                }
            }
            WHEN("it is hashed to the curve") {
                const auto point = p256::hash_to_curve(message, rfc_dst);
                THEN("the point is the RFC's P") {
                    CHECK(x_of(point) == v.px);
                    CHECK(y_of(point) == v.py);
                }
            }
        }
    }
}

SCENARIO("expand_message_xmd reproduces RFC 9380 Appendix K.1", "[identity]") {
    constexpr std::string_view dst = "QUUX-V01-CS02-with-expander-SHA256-128";
    CHECK(hex_encode(p256::expand_message_xmd(as_bytes(""), dst, 32)) ==
          "68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235");
    CHECK(hex_encode(p256::expand_message_xmd(as_bytes("abc"), dst, 32)) ==
          "d8ccab23b5985ccea865c6c97b6e5b8350e794e603b4b97902f53a8a0d605615");
    THEN("a tag longer than 255 bytes or an impossible length is a programming error") {
        CHECK_THROWS_AS(p256::expand_message_xmd(as_bytes("abc"), std::string(256, 'x'), 32), std::invalid_argument);
        CHECK_THROWS_AS(p256::expand_message_xmd(as_bytes("abc"), dst, 256 * 32), std::invalid_argument);
    }
}

SCENARIO("hash-to-curve agrees with the shared vectors", "[identity]") {
    const auto root = identity_test::vectors();
    for (const auto& v : identity_test::each(root, "expand_message_xmd")) {
        const auto length = v->getValue<std::size_t>("length");
        CHECK(hex_encode(p256::expand_message_xmd(as_bytes(identity_test::text(v, "msg")),
                                                  identity_test::text(v, "dst"), length)) ==
              identity_test::text(v, "uniform_bytes"));
    }
    for (const auto& v : identity_test::each(root, "hash_to_curve")) {
        const std::string msg = identity_test::text(v, "msg");
        const std::string dst = identity_test::text(v, "dst");
        INFO("dst " << dst << ", msg \"" << msg << "\"");
        const auto u = p256::hash_to_field(as_bytes(msg), dst);
        CHECK(hex_encode(u[0]) == identity_test::text(v, "u0"));
        CHECK(hex_encode(u[1]) == identity_test::text(v, "u1"));
        CHECK(x_of(p256::map_to_curve(u[0])) == identity_test::text(v->getObject("Q0"), "x"));
        CHECK(y_of(p256::map_to_curve(u[1])) == identity_test::text(v->getObject("Q1"), "y"));
        const auto point = p256::hash_to_curve(as_bytes(msg), dst);
        CHECK(x_of(point) == identity_test::text(v->getObject("P"), "x"));
        CHECK(y_of(point) == identity_test::text(v->getObject("P"), "y"));
    }
    for (const auto& v : identity_test::each(root, "map_to_curve")) {
        // Includes u = 0, where step 7's CMOV takes Z (RFC 9380 §6.6.2, exceptional case).
        const auto point = p256::map_to_curve(identity_test::bytes(v, "u"));
        CHECK(x_of(point) == identity_test::text(v->getObject("Q"), "x"));
        CHECK(y_of(point) == identity_test::text(v->getObject("Q"), "y"));
    }
}

SCENARIO("identity points", "[identity]") {
    const auto root = identity_test::vectors();
    const auto poly = root->getObject("polymorphic");
    GIVEN("a BSN") {
        const auto number =
            PersonNumber::parse(PersonNumberKind::bsn, identity_test::text(poly, "digits"), "/bsn").value();
        THEN("its identity point hashes \"bsn|<digits>\" under eenplan's tag") {
            CHECK(identity_point(number).to_bytes() == identity_test::bytes(poly, "identity_point"));
            CHECK(identity_point(number) == p256::hash_to_curve(as_bytes("bsn|111222333"), p256::eenplan_dst));
            CHECK_FALSE(identity_point(number) == p256::hash_to_curve(as_bytes("bsn|111222333"), rfc_dst));
        }
    }
    THEN("map_to_curve refuses an input that is not a field element") {
        CHECK_THROWS_AS(p256::map_to_curve(Bytes(32, 0xff)), std::invalid_argument);
        CHECK_THROWS_AS(p256::map_to_curve(Bytes(31, 0x01)), std::invalid_argument);
    }
}
