// The audit trail's hash chain (core/audit/audit_chain.hpp): a chain verifies; changing any field
// of any entry, removing, reordering or cutting entries, or a key the hub does not hold, is found
// at the first entry that no longer holds.
#include <catch2/catch.hpp>

#include <functional>

#include "eenplan/core/audit/audit_chain.hpp"
#include "eenplan/core/key_derivation.hpp"

using namespace eenplan;
using namespace eenplan::audit;

namespace {

KeyRing ring_of(std::uint8_t fill, std::uint32_t version = 1) {
    auto ring = KeyRing::create({VersionedKey(version, Bytes(32, fill))}, version);
    REQUIRE(ring);
    return derive_ring(ring.value(), "audit-chain");
}

std::vector<ChainedEntry> make_chain(const KeyRing& keys, int n) {
    std::vector<ChainedEntry> chain;
    std::string previous(genesis_hash);
    for (int i = 1; i <= n; ++i) {
        AuditEntry e{i,
                     1'700'000'000'000'000LL + i,
                     "ib@school.example",
                     i % 2 ? "leerplicht" : "",
                     "admin",
                     "GET",
                     "/v1/pupils/{pupilId}",
                     {"3f0c5e1a-0000-4000-8000-00000000000" + std::to_string(i)},
                     200};
        chain.push_back(audit::chain(keys, previous, e));
        previous = chain.back().hash;
    }
    return chain;
}

std::optional<ChainBreak> verify(const KeyRing& keys, const std::vector<ChainedEntry>& chain, std::int64_t head,
                                 const std::string& head_hash) {
    ChainVerifier verifier(keys);
    for (const ChainedEntry& e : chain) {
        if (auto broken = verifier.next(e)) return broken;
    }
    return verifier.finish(head, head_hash);
}

}  // namespace

SCENARIO("an audit chain verifies, and every kind of change is found where it starts", "[audit][privacy]") {
    const KeyRing keys = ring_of(7);
    const auto chain = make_chain(keys, 5);
    const std::string head_hash = chain.back().hash;
    REQUIRE_FALSE(verify(keys, chain, 5, head_hash));
    CHECK(chain.front().previous_hash == genesis_hash);

    const std::vector<std::pair<const char*, std::function<void(AuditEntry&)>>> edits{
        {"actor", [](AuditEntry& e) { e.actor = "someone@else"; }},
        {"on_behalf_of", [](AuditEntry& e) { e.on_behalf_of = "jeugdbescherming"; }},
        {"role", [](AuditEntry& e) { e.role = "privacy_officer"; }},
        {"method", [](AuditEntry& e) { e.method = "POST"; }},
        {"route", [](AuditEntry& e) { e.route = "/v1/families/{familyId}"; }},
        {"object ids", [](AuditEntry& e) { e.object_ids.push_back("x"); }},
        {"outcome", [](AuditEntry& e) { e.outcome = 404; }},
        {"time", [](AuditEntry& e) { e.at_us += 1; }},
    };
    for (const auto& [field, edit] : edits) {
        for (std::size_t at = 0; at < chain.size(); ++at) {
            auto altered = chain;
            edit(altered[at].entry);
            const auto broken = verify(keys, altered, 5, head_hash);
            INFO(field << " of entry " << at + 1);
            REQUIRE(broken);
            CHECK(broken->sequence == static_cast<std::int64_t>(at + 1));
        }
    }
    WHEN("an entry is removed from the middle") {
        auto cut = chain;
        cut.erase(cut.begin() + 2);
        const auto broken = verify(keys, cut, 5, head_hash);
        REQUIRE(broken);
        CHECK(broken->sequence == 3);
    }
    WHEN("the last entries are removed") {
        auto cut = chain;
        cut.resize(3);
        const auto broken = verify(keys, cut, 5, head_hash);
        REQUIRE(broken);
        CHECK(broken->sequence == 4);
    }
    WHEN("two entries swap places with their sequence numbers") {
        auto swapped = chain;
        std::swap(swapped[1], swapped[2]);
        std::swap(swapped[1].entry.sequence, swapped[2].entry.sequence);
        const auto broken = verify(keys, swapped, 5, head_hash);
        REQUIRE(broken);
        CHECK(broken->sequence == 2);
    }
    WHEN("the chain is rebuilt after an edit without the key") {
        auto forged = make_chain(ring_of(8), 5);  // a consistent chain under another key
        const auto broken = verify(keys, forged, 5, forged.back().hash);
        REQUIRE(broken);
        CHECK(broken->sequence == 1);
    }
    WHEN("an entry names a key version the hub does not hold") {
        auto other = chain;
        other[3].key_version = 9;
        const auto broken = verify(keys, other, 5, head_hash);
        REQUIRE(broken);
        CHECK(broken->sequence == 4);
        CHECK(broken->detail.find("key version 9") != std::string::npos);
    }
}

SCENARIO("the canonical form cannot be made ambiguous by choosing field values", "[audit][privacy]") {
    AuditEntry a{1, 2, "a|b", "", "admin", "GET", "/x", {}, 200};
    AuditEntry b{1, 2, "a", "b", "admin", "GET", "/x", {}, 200};
    CHECK(canonical(a) != canonical(b));
    AuditEntry c{1, 2, "a", "", "admin", "GET", "/x", {"1", "2"}, 200};
    AuditEntry d{1, 2, "a", "", "admin", "GET", "/x", {"1,2"}, 200};
    CHECK(canonical(c) != canonical(d));
}
