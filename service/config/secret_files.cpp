#include "config/secret_files.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include <openssl/crypto.h>

namespace eenplan::service {
namespace {

constexpr std::size_t max_secret_file_bytes = 64 * 1024;

}  // namespace

std::optional<Problem> check_secret_file_mode(const std::string& path, const std::string& pointer) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return Problem{pointer, "the file " + path + " cannot be read"};
    if (!S_ISREG(info.st_mode)) return Problem{pointer, "the file " + path + " is not a regular file"};
    const unsigned mode = info.st_mode & 07777U;
    if ((mode & 077U) != 0) {
        char octal[8];
        std::snprintf(octal, sizeof octal, "%04o", mode);
        return Problem{pointer, "the file " + path + " holds a key or secret but has mode " + octal +
                                    ", which lets group or others read or change it; it must be 0600 or "
                                    "stricter (chmod 600 " +
                                    path + ")"};
    }
    return std::nullopt;
}

Result<std::string> read_secret_file(const std::string& path, const std::string& pointer) {
    if (auto problem = check_secret_file_mode(path, pointer)) return *problem;
    std::ifstream in(path, std::ios::binary);
    if (!in) return Problem{pointer, "the file " + path + " cannot be read"};
    // Bounded: a secret is short, and a path to something endless (a /proc file) must not hang.
    std::string text(max_secret_file_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_secret_file_bytes) {
        OPENSSL_cleanse(text.data(), text.size());
        return Problem{pointer, "the file " + path + " is larger than " + std::to_string(max_secret_file_bytes) +
                                    " bytes: not a secret"};
    }
    const auto first = text.find_first_not_of(" \t\r\n");
    const auto last = text.find_last_not_of(" \t\r\n");
    std::string trimmed = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
    OPENSSL_cleanse(text.data(), text.size());
    if (trimmed.empty()) return Problem{pointer, "the file " + path + " is empty"};
    return trimmed;
}

std::vector<std::pair<std::string, std::string>> secret_file_paths(const Config& config) {
    std::vector<std::pair<std::string, std::string>> files;
    for (std::size_t i = 0; i < config.pseudonym_keys.size(); ++i) {
        files.emplace_back("/keys/pseudonym_keys/" + std::to_string(i) + "/file", config.pseudonym_keys[i].path);
    }
    for (std::size_t i = 0; i < config.data_keys.size(); ++i) {
        files.emplace_back("/keys/data_keys/" + std::to_string(i) + "/file", config.data_keys[i].path);
    }
    if (config.linkage.key) files.emplace_back("/keys/linkage_key/file", config.linkage.key->path);
    if (config.polymorphic_master_key)
        files.emplace_back("/keys/polymorphic_master_key", *config.polymorphic_master_key);
    if (config.keyserver) {
        files.emplace_back("/keys/keyserver/recipient_key_file", config.keyserver->recipient_key_file);
        for (std::size_t i = 0; i < config.keyserver->previous_recipient_key_files.size(); ++i) {
            files.emplace_back("/keys/keyserver/previous_recipient_key_files/" + std::to_string(i),
                               config.keyserver->previous_recipient_key_files[i]);
        }
        files.emplace_back("/keys/keyserver/client_key_file", config.keyserver->client_key_file);
    }
    if (config.admin.jwt_secret_file) files.emplace_back("/admin/jwt_secret_file", *config.admin.jwt_secret_file);
    if (config.listen.tls) files.emplace_back("/listen/tls/private_key", config.listen.tls->private_key);
    return files;
}

Problems check_secret_file_modes(const Config& config) {
    Problems problems;
    for (const auto& [pointer, path] : secret_file_paths(config)) {
        if (auto problem = check_secret_file_mode(path, pointer)) problems.push_back(*problem);
    }
    return problems;
}

}  // namespace eenplan::service
