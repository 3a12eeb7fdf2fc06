// Whole-file reads and writes for the test support code.
#pragma once

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

}  // namespace eenplan::testing
