// Free text sealed for one table, row and column (core/sealed_text.hpp) opens only there, under the
// ring's keys; text stored before sealing began passes through; nothing of the text is visible.
#include <catch2/catch.hpp>

#include "eenplan/core/sealed_text.hpp"

using namespace eenplan;

namespace {

KeyRing ring_of(std::uint8_t fill) {
    auto ring = KeyRing::create({VersionedKey(1, Bytes(32, fill))}, 1);
    REQUIRE(ring);
    return std::move(ring).value();
}

}  // namespace

SCENARIO("a sealed reason opens only for its own table, row and column", "[privacy][audit]") {
    const TextSealer sealer(ring_of(3));
    const std::string reason = "moeder opgenomen in GGZ";
    const std::string sealed = sealer.seal("pupil_merges", "m-1", "reason", reason);
    CHECK(sealed.starts_with("fe1:1:"));
    CHECK(sealed.find("GGZ") == std::string::npos);
    CHECK(sealer.open("pupil_merges", "m-1", "reason", sealed).value() == reason);
    CHECK(sealer.sealed_here("pupil_merges", "m-1", "reason", sealed));

    CHECK_FALSE(sealer.open("pupil_merges", "m-2", "reason", sealed).ok());                  // another row
    CHECK_FALSE(sealer.open("pupil_merges", "m-1", "undo_reason", sealed).ok());             // another column
    CHECK_FALSE(sealer.open("link_reviews", "m-1", "reason", sealed).ok());                  // another table
    CHECK_FALSE(TextSealer(ring_of(4)).open("pupil_merges", "m-1", "reason", sealed).ok());  // another key
    CHECK(sealer.open_or_placeholder("pupil_merges", "m-2", "reason", sealed) == unreadable_text);
    CHECK_FALSE(sealer.sealed_here("pupil_merges", "m-2", "reason", sealed));

    // Two seals of one text differ (a fresh nonce each time).
    CHECK(sealer.seal("pupil_merges", "m-1", "reason", reason) != sealed);
    // Text from before sealing began is returned as it is, and is not "sealed here".
    CHECK(sealer.open("tasks", "t-1", "reason", "oude reden").value() == "oude reden");
    CHECK_FALSE(sealer.sealed_here("tasks", "t-1", "reason", "oude reden"));
}
