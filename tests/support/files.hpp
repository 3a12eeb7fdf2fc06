// Whole-file reads and writes for the test support code, and the repository's own files.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace eenplan::testing {

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// Key and secret files: owner-only (0600), as the service requires of them at start-up.
inline void make_private(const std::filesystem::path& path) {
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
}

inline void write_secret_file(const std::filesystem::path& path, const std::string& text) {
    write_file(path, text);
    make_private(path);
}

// A file of the source tree (ctest sets EENPLAN_SOURCE_DIR), e.g. "deploy/config/...".
inline std::filesystem::path source_file(const std::string& relative) {
    const char* dir = std::getenv("EENPLAN_SOURCE_DIR");
    return std::filesystem::path(dir ? dir : ".") / relative;
}

inline std::string shipped_routeboek_path() {
    return source_file("deploy/config/routeboek-haaglanden-po.yaml").string();
}

}  // namespace eenplan::testing
