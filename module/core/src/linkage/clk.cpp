#include "eenplan/core/linkage/clk.hpp"

#include <string>

#include "keyed_hash.hpp"

namespace eenplan::linkage {

// One keyed hash per field, each under its own derived key (see clk.hpp).
struct ClkEncoder::Fields {
    explicit Fields(const detail::KeyedHash& master)
        : family_core(master.derive("clk|family_core")),
          family_prefix(master.derive("clk|family_prefix")),
          given_first(master.derive("clk|given_first")),
          given_rest(master.derive("clk|given_rest")),
          birth_date(master.derive("clk|birth_date")),
          postcode(master.derive("clk|postcode")) {}
    detail::KeyedHash family_core;
    detail::KeyedHash family_prefix;
    detail::KeyedHash given_first;
    detail::KeyedHash given_rest;
    detail::KeyedHash birth_date;
    detail::KeyedHash postcode;
};

namespace {

// Sets k positions for one token: 16 positions per HMAC block ("random hashing").
void add_token(Clk& clk, const detail::KeyedHash& hash, std::string_view token, unsigned k) {
    for (unsigned block = 0; block * 16 < k; ++block) {
        const char counter = static_cast<char>(block);
        const detail::Digest d = hash.mac({token, std::string_view(&counter, 1)});
        const unsigned n = std::min(16U, k - block * 16);
        for (unsigned i = 0; i < n; ++i) {
            const unsigned position = (unsigned{d[2 * i]} | (unsigned{d[2 * i + 1]} << 8)) % clk_bits;
            clk.set(position);
        }
    }
}

// Padded bigrams: "berg" → "_b", "be", "er", "rg", "g_"; a space inside a name is a letter too.
void add_bigrams(Clk& clk, const detail::KeyedHash& hash, std::string_view text, unsigned k) {
    if (text.empty() || k == 0) return;
    std::string padded;
    padded.reserve(text.size() + 2);
    padded.push_back('_');
    padded += text;
    padded.push_back('_');
    for (std::size_t i = 0; i + 1 < padded.size(); ++i) add_token(clk, hash, std::string_view(padded).substr(i, 2), k);
}

}  // namespace

ClkEncoder::ClkEncoder(const VersionedKey& key, ClkParameters parameters)
    : key_version_(key.version()),
      parameters_(parameters),
      fields_(std::make_unique<Fields>(detail::KeyedHash(key.secret()))) {}
ClkEncoder::ClkEncoder(ClkEncoder&&) noexcept = default;
ClkEncoder& ClkEncoder::operator=(ClkEncoder&&) noexcept = default;
ClkEncoder::~ClkEncoder() = default;

Clk ClkEncoder::encode(const NormalisedAttributes& a) const {
    const ClkParameters& p = parameters_;
    Clk clk;
    add_bigrams(clk, fields_->family_core, a.family_core, p.family_core_k);
    if (!a.family_prefix.empty()) add_token(clk, fields_->family_prefix, a.family_prefix, p.family_prefix_k);
    add_bigrams(clk, fields_->given_first, a.given_first, p.given_first_k);
    add_bigrams(clk, fields_->given_rest, a.given_rest, p.given_rest_k);
    // A one-letter tag keeps year "2015" apart from, say, a postcode "2015".
    auto tagged = [](char tag, std::string_view value, std::string_view more = {}) {
        std::string token;
        token.reserve(1 + value.size() + more.size());
        token.push_back(tag);
        token.append(value);
        token.append(more);
        return token;
    };
    if (a.birth_date.size() == 10) {
        const std::string_view date = a.birth_date;
        const std::string_view year = date.substr(0, 4), month = date.substr(5, 2), day = date.substr(8, 2);
        add_token(clk, fields_->birth_date, tagged('y', year), p.birth_date_k);
        add_token(clk, fields_->birth_date, tagged('m', month), p.birth_date_k);
        add_token(clk, fields_->birth_date, tagged('d', day), p.birth_date_k);
        add_token(clk, fields_->birth_date, month < day ? tagged('p', month, day) : tagged('p', day, month),
                  p.birth_date_k);
    }
    if (a.postcode.size() >= 4) {
        add_token(clk, fields_->postcode, tagged('4', std::string_view(a.postcode).substr(0, 4)), p.postcode_k);
        if (a.postcode.size() == 6) add_token(clk, fields_->postcode, tagged('6', a.postcode), p.postcode_k);
    }
    clk.recount();
    return clk;
}

}  // namespace eenplan::linkage
