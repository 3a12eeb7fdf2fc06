#include "support/files.hpp"
#include "support/test_store.hpp"

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace eenplan::testing {
namespace {

std::string postgres_admin_connection() {
    const char* file = std::getenv("EENPLAN_TEST_PG_FILE");
    if (file == nullptr) throw std::runtime_error("EENPLAN_TEST_PG_FILE is not set: run the tests through ctest");
    std::string line = read_file(file);
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
    if (line.empty())
        throw std::runtime_error("the PostgreSQL fixture did not start (empty " + std::string(file) + ")");
    return line;
}

}  // namespace

TestStore::TestStore(const std::filesystem::path& dir) {
    const char* store = std::getenv("EENPLAN_TEST_STORE");
    postgresql_ = store != nullptr && std::string(store) == "postgresql";
    if (!postgresql_) {
        backend_ = "sqlite";
        sqlite_file_ = dir / "eenplan.db";
        connection_ = "db=" + sqlite_file_.string();
        return;
    }
    backend_ = "postgresql";
    admin_connection_ = postgres_admin_connection();
    std::random_device random;
    database_name_ = "eenplan_test_" + std::to_string(random()) + std::to_string(random() % 1000);
    soci::session admin(soci::postgresql, admin_connection_);
    admin << "CREATE DATABASE " + database_name_;
    connection_ = admin_connection_.substr(0, admin_connection_.find("dbname=")) + "dbname=" + database_name_;
}

TestStore::~TestStore() {
    if (!postgresql_) return;
    try {
        soci::session admin(soci::postgresql, admin_connection_);
        admin << "DROP DATABASE IF EXISTS " + database_name_ + " WITH (FORCE)";
    } catch (const std::exception&) {
        // The cluster is thrown away at the end of the run anyway.
    }
}

std::unique_ptr<soci::session> TestStore::session() const {
    if (postgresql_) return std::make_unique<soci::session>(soci::postgresql, connection_);
    return std::make_unique<soci::session>(soci::sqlite3, connection_);
}

long long TestStore::count(const std::string& table) const {
    auto sql = session();
    long long n = 0;
    *sql << "SELECT COUNT(*) FROM " + table, soci::into(n);
    return n;
}

std::string TestStore::everything_as_text() const {
    auto sql = session();
    std::vector<std::string> tables(200);
    if (postgresql_) {
        *sql << "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", soci::into(tables);
    } else {
        *sql << "SELECT name FROM sqlite_master WHERE type = 'table'", soci::into(tables);
    }
    std::string text;
    for (const std::string& table : tables) {
        text += "== " + table + "\n";
        if (postgresql_) {
            // Each row as the text PostgreSQL renders for the whole tuple, so no column is missed.
            soci::rowset<std::string> rows = (sql->prepare << "SELECT t::text FROM " + table + " t");
            for (const std::string& row : rows) text += row + "\n";
        } else {
            soci::rowset<soci::row> rows = (sql->prepare << "SELECT * FROM " + table);
            for (const soci::row& row : rows) {
                for (std::size_t i = 0; i < row.size(); ++i) {
                    if (row.get_indicator(i) == soci::i_null) continue;
                    switch (row.get_properties(i).get_data_type()) {
                        case soci::dt_string: text += row.get<std::string>(i); break;
                        case soci::dt_integer: text += std::to_string(row.get<int>(i)); break;
                        case soci::dt_long_long: text += std::to_string(row.get<long long>(i)); break;
                        case soci::dt_unsigned_long_long: text += std::to_string(row.get<unsigned long long>(i)); break;
                        case soci::dt_double: text += std::to_string(row.get<double>(i)); break;
                        default: text += "?"; break;
                    }
                    text += "|";
                }
                text += "\n";
            }
        }
    }
    if (!postgresql_) {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            const std::filesystem::path file = sqlite_file_.string() + suffix;
            if (std::filesystem::exists(file)) text += read_file(file);
        }
    }
    return text;
}

void TestStore::set_reachable(bool reachable) const {
    if (!postgresql_) throw std::logic_error("set_reachable is for PostgreSQL only");
    soci::session admin(soci::postgresql, admin_connection_);
    admin << "ALTER DATABASE " + database_name_ + " WITH ALLOW_CONNECTIONS " + (reachable ? "true" : "false");
    if (!reachable) {
        admin << "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database_name_ + "'";
    }
}

}  // namespace eenplan::testing
