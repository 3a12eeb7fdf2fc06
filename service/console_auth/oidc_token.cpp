#include "console_auth/oidc_token.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/json_bounds.hpp"

namespace eenplan::service::oidc {
namespace {

constexpr std::size_t max_document_size = 256 * 1024;
constexpr std::size_t max_token_size = 16 * 1024;

Poco::JSON::Object::Ptr json_object(std::string_view text) {
    if (text.size() > max_document_size || json_bounds::check(text)) return nullptr;
    try {
        const auto value = Poco::JSON::Parser().parse(std::string(text));
        if (value.type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
        return value.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return nullptr;
    }
}

std::string string_member(const Poco::JSON::Object& object, const std::string& name) {
    const auto value = object.get(name);
    return value.isString() ? value.extract<std::string>() : std::string();
}

// A NumericDate (RFC 7519 section 2): a JSON number of seconds.
std::optional<std::int64_t> numeric_date(const Poco::JSON::Object& claims, const std::string& name) {
    const auto value = claims.get(name);
    if (value.isEmpty() || !value.isNumeric() || value.isString()) return std::nullopt;
    try {
        const double seconds = value.convert<double>();
        if (!(seconds >= 0 && seconds < 1e15)) return std::nullopt;
        return static_cast<std::int64_t>(std::floor(seconds));
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

bool endpoint_ok(const std::string& url, bool plain_http_allowed) {
    try {
        const Poco::URI uri(url);
        if (uri.getHost().empty() || !uri.getFragment().empty()) return false;
        return uri.getScheme() == "https" || (plain_http_allowed && uri.getScheme() == "http");
    } catch (const Poco::Exception&) {
        return false;
    }
}

struct BnFree {
    void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

std::shared_ptr<EVP_PKEY> key_from_params(const char* type, OSSL_PARAM_BLD* build) {
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
    if (params == nullptr) return nullptr;
    EVP_PKEY* key = nullptr;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    if (ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1) {
        if (EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) key = nullptr;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return key == nullptr ? nullptr : std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

std::shared_ptr<EVP_PKEY> rsa_key(const std::string& n_text, const std::string& e_text) {
    const auto n = base64url_decode(n_text);
    const auto e = base64url_decode(e_text);
    if (!n || !e || n->empty() || e->empty() || e->size() > 8) return nullptr;
    Bn bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr));
    Bn bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr));
    if (!bn_n || !bn_e || BN_num_bits(bn_n.get()) < 2048 || BN_num_bits(bn_n.get()) > 8192) return nullptr;
    OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
    if (build == nullptr) return nullptr;
    std::shared_ptr<EVP_PKEY> key;
    if (OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, bn_n.get()) == 1 &&
        OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, bn_e.get()) == 1) {
        key = key_from_params("RSA", build);
    }
    OSSL_PARAM_BLD_free(build);
    return key;
}

std::shared_ptr<EVP_PKEY> p256_key(const std::string& x_text, const std::string& y_text) {
    const auto x = base64url_decode(x_text);
    const auto y = base64url_decode(y_text);
    if (!x || !y || x->size() != 32 || y->size() != 32) return nullptr;
    std::string point = "\x04" + *x + *y;  // uncompressed point (SEC 1 section 2.3.3)
    OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
    if (build == nullptr) return nullptr;
    std::shared_ptr<EVP_PKEY> key;
    if (OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
        OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1) {
        key = key_from_params("EC", build);
    }
    OSSL_PARAM_BLD_free(build);
    if (!key) return nullptr;
    // The point must be on the curve (an invalid-curve key would verify forged signatures).
    EVP_PKEY_CTX* check = EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr);
    const bool valid = check != nullptr && EVP_PKEY_public_check(check) == 1;
    EVP_PKEY_CTX_free(check);
    return valid ? key : nullptr;
}

// ES256 signatures are r||s, 32 bytes each (RFC 7518 section 3.4); OpenSSL verifies DER.
std::optional<std::string> ecdsa_der(const std::string& raw) {
    if (raw.size() != 64) return std::nullopt;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    if (sig == nullptr) return std::nullopt;
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
    if (r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    const int size = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (size <= 0) return std::nullopt;
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
    OPENSSL_free(der);
    return out;
}

bool signature_holds(EVP_PKEY* key, std::string_view signed_part, const std::string& signature) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) return false;
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
              EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                               reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

bool same(const std::string& a, const std::string& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::string base64url(std::string_view bytes) { return base64url_encode(as_bytes(bytes)); }

std::optional<std::string> base64url_decode(std::string_view text) {
    const auto bytes = eenplan::base64url_decode(text);
    if (!bytes) return std::nullopt;
    return std::string(bytes->begin(), bytes->end());
}

std::string random_token(std::size_t bytes) {
    std::string buffer(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(buffer.data()), static_cast<int>(bytes)) != 1) {
        throw std::runtime_error("the system's random generator failed");
    }
    return base64url(buffer);
}

std::string code_challenge(std::string_view verifier) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
    return base64url(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        std::string n;
        std::string v;
        // Everything but the unreserved characters (RFC 3986 section 2.3) is escaped.
        Poco::URI::encode(name, "!#$&'()*+,/:;=?@[]% \"<>\\^`{|}", n);
        Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]% \"<>\\^`{|}", v);
        out += (out.empty() ? "" : "&") + n + "=" + v;
    }
    return out;
}

Result<std::map<std::string, std::string>> form_decode(std::string_view text) {
    std::map<std::string, std::string> fields;
    if (text.size() > 64 * 1024) return Problem{"", "is too long"};
    std::size_t at = 0;
    while (at <= text.size() && !text.empty()) {
        const std::size_t end = std::min(text.find('&', at), text.size());
        const std::string_view pair = text.substr(at, end - at);
        if (!pair.empty()) {
            const std::size_t eq = pair.find('=');
            const auto name = percent_decode(pair.substr(0, eq));
            const auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
            if (!name || !value) return Problem{"", "holds a malformed percent escape"};
            if (fields.contains(*name)) return Problem{"", "repeats a field"};
            fields.emplace(*name, *value);
        }
        at = end + 1;
    }
    return fields;
}

Result<Discovery> parse_discovery(std::string_view json, const std::string& expected_issuer) {
    const auto document = json_object(json);
    if (!document) return Problem{"", "the discovery document is not a JSON object"};
    Discovery out{string_member(*document, "issuer"), string_member(*document, "authorization_endpoint"),
                  string_member(*document, "token_endpoint"), string_member(*document, "jwks_uri")};
    if (out.issuer != expected_issuer) return Problem{"/issuer", "is not the configured issuer"};
    const bool plain = expected_issuer.starts_with("http://");
    Problems problems;
    if (!endpoint_ok(out.authorization_endpoint, plain))
        problems.push_back({"/authorization_endpoint", "is not an https URL"});
    if (!endpoint_ok(out.token_endpoint, plain)) problems.push_back({"/token_endpoint", "is not an https URL"});
    if (!endpoint_ok(out.jwks_uri, plain)) problems.push_back({"/jwks_uri", "is not an https URL"});
    if (!problems.empty()) return problems;
    return out;
}

Result<Jwks> parse_jwks(std::string_view json) {
    const auto document = json_object(json);
    if (!document || !document->isArray("keys")) return Problem{"", "the JWKS is not a JSON object with keys"};
    const auto keys = document->getArray("keys");
    Jwks out;
    for (std::size_t i = 0; i < keys->size() && i < 64; ++i) {
        const auto item = keys->get(static_cast<unsigned>(i));
        if (item.type() != typeid(Poco::JSON::Object::Ptr)) continue;
        const auto& jwk = *item.extract<Poco::JSON::Object::Ptr>();
        const std::string use = string_member(jwk, "use");
        if (!use.empty() && use != "sig") continue;
        const std::string kty = string_member(jwk, "kty");
        const std::string alg = string_member(jwk, "alg");
        Jwk key{string_member(jwk, "kid"), {}, nullptr};
        if (kty == "RSA" && (alg.empty() || alg == "RS256")) {
            key.alg = "RS256";
            key.key = rsa_key(string_member(jwk, "n"), string_member(jwk, "e"));
        } else if (kty == "EC" && string_member(jwk, "crv") == "P-256" && (alg.empty() || alg == "ES256")) {
            key.alg = "ES256";
            key.key = p256_key(string_member(jwk, "x"), string_member(jwk, "y"));
        }
        if (key.key) out.push_back(std::move(key));
    }
    if (out.empty()) return Problem{"/keys", "holds no RS256 or ES256 signing key"};
    return out;
}

std::string token_key_id(std::string_view token) {
    const auto dot = token.find('.');
    if (token.size() > max_token_size || dot == std::string_view::npos) return {};
    const auto header = base64url_decode(token.substr(0, dot));
    if (!header) return {};
    const auto object = json_object(*header);
    return object ? string_member(*object, "kid") : std::string();
}

std::vector<std::string> string_claim_values(const Poco::JSON::Object& claims, const std::string& name) {
    std::vector<std::string> out;
    const auto value = claims.get(name);
    if (value.isString()) {
        out.push_back(value.extract<std::string>());
    } else if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        for (const auto& item : *value.extract<Poco::JSON::Array::Ptr>()) {
            if (item.isString()) out.push_back(item.extract<std::string>());
        }
    }
    return out;
}

Result<Poco::JSON::Object::Ptr> verify_id_token(std::string_view token, const Jwks& keys, const IdTokenRules& rules) {
    const auto refuse = [](const char* detail) { return Problem{"/id_token", detail}; };
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (token.size() > max_token_size || second == std::string_view::npos ||
        token.find('.', second + 1) != std::string_view::npos) {
        return refuse("is not a compact JWS");
    }
    const auto header_text = base64url_decode(token.substr(0, first));
    const auto payload_text = base64url_decode(token.substr(first + 1, second - first - 1));
    const auto signature = base64url_decode(token.substr(second + 1));
    if (!header_text || !payload_text || !signature) return refuse("is not base64url");
    const auto header = json_object(*header_text);
    if (!header) return refuse("has a malformed header");
    // The algorithm comes from our key, never from the token: a token naming another is refused.
    const std::string alg = string_member(*header, "alg");
    if (alg != "RS256" && alg != "ES256") return refuse("is not signed with RS256 or ES256");
    if (header->has("crit")) return refuse("names critical header parameters this client does not know");
    const std::string kid = string_member(*header, "kid");
    const std::string_view signed_part = token.substr(0, second);
    bool verified = false;
    for (const Jwk& key : keys) {
        if (key.alg != alg || (!kid.empty() && !key.kid.empty() && key.kid != kid)) continue;
        if (alg == "ES256") {
            const auto der = ecdsa_der(*signature);
            verified = der && signature_holds(key.key.get(), signed_part, *der);
        } else {
            verified = signature_holds(key.key.get(), signed_part, *signature);
        }
        if (verified) break;
    }
    if (!verified) return refuse("is not signed by a key of the identity provider");

    auto claims = json_object(*payload_text);
    if (!claims) return refuse("has malformed claims");
    if (string_member(*claims, "iss") != rules.issuer) return refuse("was issued by another issuer (iss)");
    const auto audiences = string_claim_values(*claims, "aud");
    if (std::find(audiences.begin(), audiences.end(), rules.client_id) == audiences.end()) {
        return refuse("is not meant for this client (aud)");
    }
    const std::string azp = string_member(*claims, "azp");
    if ((audiences.size() > 1 || claims->has("azp")) && azp != rules.client_id) {
        return refuse("is not meant for this client (azp)");
    }
    const auto expires = numeric_date(*claims, "exp");
    if (!expires) return refuse("has no expiry (exp)");
    if (*expires + rules.leeway_s <= rules.now_s) return refuse("has expired (exp)");
    const auto issued = numeric_date(*claims, "iat");
    if (!issued) return refuse("has no issue time (iat)");
    if (*issued > rules.now_s + rules.leeway_s) return refuse("is issued in the future (iat)");
    if (*issued < rules.now_s - rules.max_age_s) return refuse("was issued too long ago (iat)");
    if (!claims->get("nonce").isString() || !same(string_member(*claims, "nonce"), rules.nonce)) {
        return refuse("does not carry this login's nonce");
    }
    if (string_member(*claims, "sub").empty()) return refuse("names no subject (sub)");
    return claims;
}

Result<std::string> parse_token_response(std::string_view json) {
    const auto document = json_object(json);
    if (!document) return Problem{"", "the token endpoint's answer is not a JSON object"};
    std::string token = string_member(*document, "id_token");
    if (token.empty()) return Problem{"/id_token", "is missing from the token endpoint's answer"};
    return token;
}

}  // namespace eenplan::service::oidc
