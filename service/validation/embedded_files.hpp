// Files from schemas/ compiled into the binary (see cmake/EmbedFiles.cmake).
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace eenplan::schemas {
const std::vector<std::pair<std::string_view, std::string_view>>& files();
}

namespace eenplan::service {

inline std::optional<std::string_view> embedded_file(std::string_view path) {
    for (const auto& [name, content] : schemas::files()) {
        if (name == path) return content;
    }
    return std::nullopt;
}

}  // namespace eenplan::service
