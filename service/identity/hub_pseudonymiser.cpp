#include "identity/hub_pseudonymiser.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <openssl/crypto.h>

namespace eenplan::service {

Result<VersionedKey> load_key_file(const KeyFile& file) {
    std::ifstream in(file.path);
    if (!in) return Problem{"", "key file " + file.path + " cannot be read"};
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    const auto first = text.find_first_not_of(" \t\r\n");
    const auto last = text.find_last_not_of(" \t\r\n");
    auto bytes = first == std::string::npos ? std::nullopt
                                            : hex_decode(std::string_view(text).substr(first, last - first + 1));
    OPENSSL_cleanse(text.data(), text.size());
    if (!bytes || bytes->size() < 32) {
        return Problem{"", "key file " + file.path + " must hold at least 32 bytes as hex"};
    }
    return VersionedKey(file.version, std::move(*bytes));
}

HubPseudonymiser::HubPseudonymiser(std::vector<VersionedKey> keys) : keys_(std::move(keys)) {
    if (keys_.empty()) throw std::invalid_argument("at least one pseudonym key is needed");
    current_ = &*std::max_element(keys_.begin(), keys_.end(),
                                  [](const auto& a, const auto& b) { return a.version() < b.version(); });
}

Result<HubPseudonymiser> HubPseudonymiser::from_config(const std::vector<KeyFile>& files) {
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
    return HubPseudonymiser(std::move(keys));
}

std::string HubPseudonymiser::pseudonymise(const PersonNumber& number) const {
    return keyed_pseudonym(*current_, hub_domain, number);
}

}  // namespace eenplan::service
