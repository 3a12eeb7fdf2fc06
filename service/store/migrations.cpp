#include "store/migrations.hpp"

#include <algorithm>
#include <stdexcept>

#include "validation/embedded_files.hpp"

namespace eenplan::service {

std::vector<std::string> split_sql_statements(std::string_view sql) {
    std::vector<std::string> statements;
    std::string current;
    while (!sql.empty()) {
        const auto eol = sql.find('\n');
        std::string_view line = sql.substr(0, eol);
        sql = eol == std::string_view::npos ? std::string_view{} : sql.substr(eol + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        const auto first = line.find_first_not_of(' ');
        if (first == std::string_view::npos || line.substr(first).starts_with("--")) continue;
        if (line.back() == ';') {
            current.append(line.substr(0, line.size() - 1));
            statements.push_back(std::move(current));
            current.clear();
        } else {
            current.append(line).append("\n");
        }
    }
    if (current.find_first_not_of(" \n") != std::string::npos) {
        throw std::logic_error("migration ends without a ';'");
    }
    return statements;
}

const std::vector<Migration>& embedded_migrations() {
    static const std::vector<Migration> migrations = [] {
        std::vector<Migration> all;
        for (const auto& [path, content] : schemas::files()) {
            if (!path.starts_with("sql/") || !path.ends_with(".sql")) continue;
            const std::string_view file = path.substr(4);
            const auto underscore = file.find('_');
            if (underscore == std::string_view::npos) throw std::logic_error("migration without version");
            std::string name(file.substr(underscore + 1, file.size() - underscore - 5));
            std::string only_for;
            for (const char* backend : {"sqlite", "postgresql"}) {
                const std::string suffix = std::string(".") + backend;
                if (name.ends_with(suffix)) {
                    only_for = backend;
                    name.resize(name.size() - suffix.size());
                }
            }
            all.push_back({std::stoi(std::string(file.substr(0, underscore))), std::move(name),
                           split_sql_statements(content), std::move(only_for)});
        }
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
        // A version is applied once per store: two files under one version (a merge of two branches
        // that both added the next number) would silently skip the second, so refuse them. Only a
        // .sqlite/.postgresql pair may share a version.
        for (std::size_t i = 1; i < all.size(); ++i) {
            const Migration& a = all[i - 1];
            const Migration& b = all[i];
            if (a.version != b.version) continue;
            const bool pair =
                !a.only_for.empty() && !b.only_for.empty() && a.only_for != b.only_for && a.name == b.name;
            if (!pair) throw std::logic_error("two migrations share version " + std::to_string(a.version));
        }
        return all;
    }();
    return migrations;
}

}  // namespace eenplan::service
