// The store a service under test uses: a fresh SQLite file, or a fresh database on the test
// PostgreSQL cluster (tests/support/postgres.sh, started by the ctest fixture "postgres").
// Chosen by EENPLAN_TEST_STORE=sqlite|postgresql, so one test binary runs against both.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <soci/soci.h>

namespace eenplan::testing {

class TestStore {
public:
    // Creates the store; `dir` holds the SQLite file.
    explicit TestStore(const std::filesystem::path& dir);
    ~TestStore();

    [[nodiscard]] bool is_postgresql() const { return postgresql_; }
    [[nodiscard]] const std::string& backend() const { return backend_; }
    [[nodiscard]] const std::string& connection() const { return connection_; }

    // A new session on the store, for inspecting what the service wrote.
    [[nodiscard]] std::unique_ptr<soci::session> session() const;

    [[nodiscard]] long long count(const std::string& table) const;

    // Every row of every table rendered as text, and (SQLite) the raw bytes of the database and
    // its WAL: what a privacy scan must search.
    [[nodiscard]] std::string everything_as_text() const;

    // PostgreSQL only: refuse new connections and end the service's, or allow them again.
    void set_reachable(bool reachable) const;

private:
    bool postgresql_;
    std::string backend_;
    std::string connection_;
    std::string database_name_;
    std::string admin_connection_;
    std::filesystem::path sqlite_file_;
};

}  // namespace eenplan::testing
