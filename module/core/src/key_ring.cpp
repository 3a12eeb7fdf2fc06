#include "eenplan/core/key_ring.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace eenplan {

Result<KeyRing> KeyRing::create(std::vector<VersionedKey> keys, std::uint32_t current_version) {
    Problems problems;
    std::optional<std::size_t> current;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (keys[i].version() == keys[j].version()) {
                problems.push_back(
                    {"/keys/" + std::to_string(i), "repeats key version " + std::to_string(keys[i].version())});
            }
        }
        if (keys[i].version() == current_version) current = i;
    }
    if (!current) {
        problems.push_back(
            {"/current", "names key version " + std::to_string(current_version) + ", which the ring does not hold"});
    }
    if (!problems.empty()) return problems;
    return KeyRing(std::move(keys), *current);
}

const VersionedKey* KeyRing::find(std::uint32_t version) const noexcept {
    for (const VersionedKey& key : keys_) {
        if (key.version() == version) return &key;
    }
    return nullptr;
}

std::vector<std::uint32_t> KeyRing::versions() const {
    std::vector<std::uint32_t> out;
    out.reserve(keys_.size());
    for (const VersionedKey& key : keys_) out.push_back(key.version());
    return out;
}

Result<KeyRing> KeyRing::rotated(VersionedKey next) const {
    const auto newest = std::max_element(keys_.begin(), keys_.end(), [](const VersionedKey& a, const VersionedKey& b) {
        return a.version() < b.version();
    });
    if (newest != keys_.end() && next.version() <= newest->version()) {
        return Problem{"/version",
                       "must be higher than every version in the ring (" + std::to_string(newest->version()) + ")"};
    }
    std::vector<VersionedKey> keys = keys_;
    const std::uint32_t version = next.version();
    keys.push_back(std::move(next));
    return create(std::move(keys), version);
}

Result<KeyRing> KeyRing::retired(std::uint32_t version) const {
    if (version == current().version()) {
        return Problem{"/version", "is the current key, which cannot be retired"};
    }
    if (find(version) == nullptr) return Problem{"/version", "is not in the ring"};
    std::vector<VersionedKey> keys;
    for (const VersionedKey& key : keys_) {
        if (key.version() != version) keys.push_back(key);
    }
    return create(std::move(keys), current().version());
}

}  // namespace eenplan
