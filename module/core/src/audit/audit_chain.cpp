#include "eenplan/core/audit/audit_chain.hpp"

#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "eenplan/core/encoding.hpp"

namespace eenplan::audit {
namespace {

void field(std::string& out, std::string_view value) {
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += '|';
}

bool same(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string canonical(const AuditEntry& entry) {
    std::string out;
    field(out, std::to_string(entry.sequence));
    field(out, std::to_string(entry.at_us));
    field(out, entry.actor);
    field(out, entry.on_behalf_of);
    field(out, entry.role);
    field(out, entry.method);
    field(out, entry.route);
    field(out, std::to_string(entry.object_ids.size()));
    for (const std::string& id : entry.object_ids) field(out, id);
    field(out, std::to_string(entry.outcome));
    return out;
}

std::string chain_hash(const VersionedKey& chain_key, std::string_view previous_hash, const AuditEntry& entry) {
    std::string message = "eenplan/v1|audit|";
    message += previous_hash;
    message += '|';
    message += canonical(entry);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), chain_key.secret().data(), static_cast<int>(chain_key.secret().size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &size) == nullptr) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return hex_encode(std::span<const std::uint8_t>(mac, size));
}

ChainedEntry chain(const KeyRing& chain_keys, std::string_view previous_hash, AuditEntry entry) {
    ChainedEntry out;
    out.key_version = chain_keys.current().version();
    out.previous_hash = std::string(previous_hash);
    out.hash = chain_hash(chain_keys.current(), previous_hash, entry);
    out.entry = std::move(entry);
    return out;
}

std::optional<ChainBreak> ChainVerifier::next(const ChainedEntry& stored) {
    if (broken_) return broken_;
    const std::int64_t sequence = stored.entry.sequence;
    if (sequence != last_sequence_ + 1) {
        broken_ = ChainBreak{last_sequence_ + 1, "entry " + std::to_string(last_sequence_ + 1) +
                                                     " is missing (the next stored entry is " +
                                                     std::to_string(sequence) + ")"};
    } else if (!same(stored.previous_hash, last_hash_)) {
        broken_ = ChainBreak{
            sequence, "entry " + std::to_string(sequence) + " does not point at the hash of the entry before it"};
    } else if (const VersionedKey* key = keys_.find(stored.key_version); key == nullptr) {
        broken_ = ChainBreak{sequence, "entry " + std::to_string(sequence) + " names key version " +
                                           std::to_string(stored.key_version) + ", which this hub does not hold"};
    } else if (!same(chain_hash(*key, stored.previous_hash, stored.entry), stored.hash)) {
        broken_ = ChainBreak{
            sequence, "entry " + std::to_string(sequence) + " was altered: its hash does not match its contents"};
    }
    if (broken_) return broken_;
    last_sequence_ = sequence;
    last_hash_ = stored.hash;
    return std::nullopt;
}

std::optional<ChainBreak> ChainVerifier::finish(std::int64_t head_sequence, std::string_view head_hash) {
    if (broken_) return broken_;
    if (head_sequence != last_sequence_) {
        broken_ = ChainBreak{last_sequence_ + 1, "the trail ends at entry " + std::to_string(last_sequence_) + " but " +
                                                     std::to_string(head_sequence) + " were written"};
    } else if (!same(head_hash, last_hash_)) {
        broken_ = ChainBreak{last_sequence_, "the last entry is not the one last written"};
    }
    return broken_;
}

}  // namespace eenplan::audit
