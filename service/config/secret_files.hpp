// Files that hold keys and secrets: refused when group or others may read or write them, and read
// without their content ever reaching a message (problems name the path and the mode only).
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace eenplan::service {

// A problem at `pointer` when the file cannot be found, or when its mode grants group or others
// anything (mode & 077): "chmod 600". Symbolic links are followed (the mode of the file read).
std::optional<Problem> check_secret_file_mode(const std::string& path, const std::string& pointer);

// The file's text without leading and trailing white space, after check_secret_file_mode.
Result<std::string> read_secret_file(const std::string& path, const std::string& pointer);

// Every key and secret file the configuration names (pseudonym, data, linkage and master keys, the
// admin token key, the TLS private key) with its JSON Pointer; files given as `*_file` settings
// were already checked when the configuration was read.
std::vector<std::pair<std::string, std::string>> secret_file_paths(const Config& config);

// check_secret_file_mode over secret_file_paths: what start-up refuses before anything is read.
Problems check_secret_file_modes(const Config& config);

}  // namespace eenplan::service
