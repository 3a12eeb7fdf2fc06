#include "identity/key_files.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <openssl/crypto.h>
#include <yaml-cpp/yaml.h>

#include "eenplan/core/key_derivation.hpp"

namespace eenplan::service {
namespace {

// Reads a whole file into a string the caller must wipe.
std::optional<std::string> read_secret_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::optional<Bytes> trimmed_hex(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return std::nullopt;
    const auto last = text.find_last_not_of(" \t\r\n");
    return hex_decode(text.substr(first, last - first + 1));
}

}  // namespace

Result<VersionedKey> load_key_file(const KeyFile& file) {
    auto text = read_secret_file(file.path);
    if (!text) return Problem{"", "key file " + file.path + " cannot be read"};
    auto bytes = trimmed_hex(*text);
    OPENSSL_cleanse(text->data(), text->size());
    if (!bytes || bytes->size() < 32) {
        return Problem{"", "key file " + file.path + " must hold at least 32 bytes as hex"};
    }
    return VersionedKey(file.version, std::move(*bytes));
}

Result<KeyRing> load_key_ring(const std::vector<KeyFile>& files) {
    std::vector<VersionedKey> keys;
    Problems problems;
    for (std::size_t i = 0; i < files.size(); ++i) {
        auto key = load_key_file(files[i]);
        if (key) {
            keys.push_back(std::move(key).value());
        } else {
            problems.push_back({"/keys/pseudonym_keys/" + std::to_string(i) + "/file", key.problems()[0].detail});
        }
    }
    if (!problems.empty()) return problems;
    std::vector<std::uint32_t> versions;
    for (const VersionedKey& key : keys) versions.push_back(key.version());
    std::sort(versions.begin(), versions.end());
    for (std::size_t i = 1; i < versions.size(); ++i) {
        if (versions[i] != versions[i - 1] + 1) {
            // Pseudonyms chain from one version to the next (keyed_pseudonymiser.hpp).
            return Problem{"/keys/pseudonym_keys", "key versions must follow each other without a gap: " +
                                                       std::to_string(versions[i - 1] + 1) + " is missing"};
        }
    }
    const std::uint32_t current = versions.back();
    auto ring = KeyRing::create(std::move(keys), current);
    if (!ring) return Problem{"/keys/pseudonym_keys", ring.problems()[0].detail};
    return ring;
}

Result<DataKeys> load_data_keys(const Config& config) {
    if (config.data_keys.empty()) {
        auto pseudonym_ring = load_key_ring(config.pseudonym_keys);
        if (!pseudonym_ring) return pseudonym_ring.problems();
        return DataKeys{derive_ring(pseudonym_ring.value(), "field-data"), true};
    }
    std::vector<VersionedKey> keys;
    Problems problems;
    std::uint32_t current = 0;
    for (std::size_t i = 0; i < config.data_keys.size(); ++i) {
        const std::string pointer = "/keys/data_keys/" + std::to_string(i) + "/file";
        auto key = load_key_file(config.data_keys[i]);
        if (!key) {
            problems.push_back({pointer, key.problems()[0].detail});
        } else if (key->secret().size() != 32) {
            problems.push_back(
                {pointer, "key file " + config.data_keys[i].path + " must hold exactly 32 bytes as hex"});
        } else {
            current = std::max(current, key->version());
            keys.push_back(std::move(key).value());
        }
    }
    if (!problems.empty()) return problems;
    auto ring = KeyRing::create(std::move(keys), current);
    if (!ring) return Problem{"/keys/data_keys", ring.problems()[0].detail};
    return DataKeys{std::move(ring).value(), false};
}

Result<PolymorphicMasterKeys> load_master_keys(const std::string& path) {
    const std::string pointer = "/keys/polymorphic_master_key";
    auto text = read_secret_file(path);
    if (!text) return Problem{pointer, "key file " + path + " cannot be read"};
    YAML::Node node;
    try {
        node = YAML::Load(*text);
    } catch (const YAML::Exception&) {
        node = YAML::Node();
    }
    OPENSSL_cleanse(text->data(), text->size());
    auto field = [&](const char* name) -> std::optional<Bytes> {
        if (!node.IsMap() || !node[name]) return std::nullopt;
        std::string value = node[name].as<std::string>();
        auto bytes = trimmed_hex(value);
        OPENSSL_cleanse(value.data(), value.size());
        return bytes;
    };
    auto y = field("y");
    auto reshuffle = field("reshuffle_secret");
    auto rekey = field("rekey_secret");
    if (!y || !reshuffle || !rekey) {
        return Problem{pointer, "key file " + path + " must hold y, reshuffle_secret and rekey_secret as hex"};
    }
    auto keys = PolymorphicMasterKeys::from_bytes(*y, *reshuffle, *rekey);
    OPENSSL_cleanse(y->data(), y->size());
    OPENSSL_cleanse(reshuffle->data(), reshuffle->size());
    OPENSSL_cleanse(rekey->data(), rekey->size());
    if (!keys) return Problem{pointer, "key file " + path + ": " + keys.problems()[0].detail};
    return keys;
}

std::string master_keys_yaml(const Bytes& y, const Bytes& reshuffle_secret, const Bytes& rekey_secret) {
    return "# eenplan polymorphic master keys. Key server only: whoever holds this file can link every\n"
           "# pseudonym and decrypt every polymorphic identity. Keep it 0600 and out of backups of data.\n"
           "y: " +
           hex_encode(y) + "\nreshuffle_secret: " + hex_encode(reshuffle_secret) +
           "\nrekey_secret: " + hex_encode(rekey_secret) + "\n";
}

}  // namespace eenplan::service
