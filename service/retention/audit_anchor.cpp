#include "retention/audit_anchor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/key_derivation.hpp"
#include "store/database.hpp"

namespace eenplan::service {
namespace {

std::string mac_of(const VersionedKey& key, const AnchorPoint& point) {
    const std::string message = "eenplan/v1|audit-anchor|" + std::to_string(point.sequence) + "|" + point.hash + "|" +
                                std::to_string(point.at_us);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.secret().data(), static_cast<int>(key.secret().size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &length);
    return hex_encode(std::span<const std::uint8_t>(out, length));
}

}  // namespace

AuditAnchor::AuditAnchor(Database& database, const KeyRing& data_keys, std::string file)
    : database_(database), anchor_keys_(derive_ring(data_keys, "audit-anchor")), file_(std::move(file)) {}

AnchorPoint AuditAnchor::head() {
    return database_.with_session([](soci::session& sql) {
        AnchorPoint point;
        long long sequence = 0;
        sql << "SELECT sequence, hash FROM audit_head WHERE id = 1", soci::into(sequence), soci::into(point.hash);
        point.sequence = sequence;
        return point;
    });
}

AnchorPoint AuditAnchor::write(std::int64_t now_us) {
    AnchorPoint point = head();
    point.at_us = now_us;
    const VersionedKey& key = anchor_keys_.current();
    Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
    line.set("sequence", static_cast<Poco::Int64>(point.sequence));
    line.set("hash", point.hash);
    line.set("at_us", static_cast<Poco::Int64>(point.at_us));
    line.set("key_version", key.version());
    line.set("mac", mac_of(key, point));
    std::ostringstream text;
    line.stringify(text);
    const std::string out = text.str() + "\n";
    // O_APPEND: each line lands at the end whoever else appends; fsync before the anchor counts.
    const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot open the audit anchor file");
    const bool written = ::write(fd, out.data(), out.size()) == static_cast<ssize_t>(out.size());
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!written || !synced) throw std::runtime_error("cannot write the audit anchor file");
    return point;
}

AuditAnchor::Check AuditAnchor::check() {
    Check out;
    std::ifstream in(file_);
    if (!in) return out;
    std::string text, last_line;
    while (std::getline(in, text)) {
        if (!text.empty()) last_line = text;
    }
    if (last_line.empty()) return out;
    try {
        Poco::JSON::Parser parser;
        const auto line = parser.parse(last_line).extract<Poco::JSON::Object::Ptr>();
        AnchorPoint point;
        point.sequence = line->getValue<Poco::Int64>("sequence");
        point.hash = line->getValue<std::string>("hash");
        point.at_us = line->getValue<Poco::Int64>("at_us");
        const auto version = line->getValue<std::uint32_t>("key_version");
        const std::string mac = line->getValue<std::string>("mac");
        const VersionedKey* key = anchor_keys_.find(version);
        const std::string expected = key ? mac_of(*key, point) : std::string();
        if (key == nullptr || expected.size() != mac.size() ||
            CRYPTO_memcmp(expected.data(), mac.data(), mac.size()) != 0) {
            out.problem = "the last line of the anchor file is not signed with this hub's anchor key";
            return out;
        }
        out.anchored = true;
        out.last = point;
    } catch (const Poco::Exception&) {
        out.problem = "the last line of the anchor file cannot be read";
        return out;
    }
    const AnchorPoint now = head();
    if (now.sequence < out.last->sequence) {
        out.problem = "the trail ends at entry " + std::to_string(now.sequence) + " but entry " +
                      std::to_string(out.last->sequence) + " was anchored: entries were cut from the end";
        return out;
    }
    database_.with_session([&](soci::session& sql) {
        std::string hash;
        const long long sequence = out.last->sequence;
        if (sequence == 0) return 0;
        sql << "SELECT hash FROM audit_log WHERE sequence = :s", soci::use(sequence), soci::into(hash);
        if (!sql.got_data()) {
            out.problem = "the anchored entry " + std::to_string(sequence) + " is missing from the trail";
        } else if (hash != out.last->hash) {
            out.problem = "entry " + std::to_string(sequence) + " differs from the one anchored";
        }
        return 0;
    });
    return out;
}

}  // namespace eenplan::service
