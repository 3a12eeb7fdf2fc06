#include "retention/payload_keys.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include <openssl/rand.h>
#include <soci/soci.h>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/field_encryption.hpp"
#include "store/batch_sql.hpp"
#include "store/database.hpp"
#include "store/write_transaction.hpp"

namespace eenplan::service {
namespace {

constexpr std::string_view prefix = "pk1|";

std::string payload_binding(std::string_view owner, std::string_view table, std::string_view row,
                            std::string_view column) {
    std::string out = "eenplan/v1|payload|";
    out.append(owner).append("|").append(table).append("|").append(row).append("|").append(column);
    return out;
}

std::string key_binding(std::string_view owner) { return "eenplan/v1|payload-key|" + std::string(owner); }

long long now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::optional<std::string> select_wrapped(soci::session& sql, const std::string& owner) {
    std::string wrapped;
    sql << "SELECT wrapped FROM payload_keys WHERE owner = :o", soci::use(owner), soci::into(wrapped);
    if (!sql.got_data()) return std::nullopt;
    return wrapped;
}

// The key in a payload_keys.wrapped value, or nullopt when it does not open.
std::optional<Bytes> unwrap(const KeyRing& tenant_keys, const std::string& owner, const std::string& wrapped) {
    auto hex = decrypt_field(tenant_keys, wrapped, key_binding(owner));
    if (!hex) return std::nullopt;
    auto key = hex_decode(hex.value());
    if (!key || key->size() != 32) return std::nullopt;
    return std::move(*key);
}

std::atomic<const PayloadKeys*> installed{nullptr};

}  // namespace

PayloadKeys::PayloadKeys(Database* key_store, KeyRing tenant_keys)
    : key_store_(key_store), tenant_keys_(std::move(tenant_keys)) {}

PayloadKeys::~PayloadKeys() = default;

template <typename Fn>
auto PayloadKeys::on_key_store(soci::session& sql, Fn&& fn) const {
    if (key_store_ == nullptr) return fn(sql);
    return key_store_->with_session([&](soci::session& keys) { return fn(keys); });
}

void PayloadKeys::prepare() const {
    if (key_store_ == nullptr) return;
    key_store_->with_session([](soci::session& keys) {
        keys << "CREATE TABLE IF NOT EXISTS payload_keys (owner TEXT PRIMARY KEY, wrapped TEXT NOT NULL, "
                "created_at_us BIGINT NOT NULL)";
        return 0;
    });
}

std::string PayloadKeys::owner_of(std::string_view stored) {
    if (!is_sealed(stored)) return {};
    const auto end = stored.find('|', prefix.size());
    if (end == std::string_view::npos) return {};
    return std::string(stored.substr(prefix.size(), end - prefix.size()));
}

std::string PayloadKeys::seal(soci::session& sql, const std::string& owner, std::string_view table,
                              std::string_view row, std::string_view column, std::string_view plaintext) const {
    std::map<std::string, Bytes> held;
    keys_of(sql, {owner}, held, true);
    return seal_under(owner, held.at(owner), table, row, column, plaintext);
}

std::string PayloadKeys::new_key(const std::string& owner, Bytes& key) const {
    key.assign(32, 0);
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
        throw std::runtime_error("no random bytes for a payload key");
    return encrypt_field(tenant_keys_, hex_encode(key), key_binding(owner));
}

Bytes PayloadKeys::open_key(const std::string& owner, const std::string& wrapped) const {
    auto key = unwrap(tenant_keys_, owner, wrapped);
    if (!key) throw std::runtime_error("a payload key does not open under the tenant data key");
    return std::move(*key);
}

std::string PayloadKeys::seal_under(const std::string& owner, const Bytes& key, std::string_view table,
                                    std::string_view row, std::string_view column, std::string_view plaintext) {
    auto ring = KeyRing::create({VersionedKey(1, key)}, 1);
    std::string out(prefix);
    out.append(owner).append("|").append(
        encrypt_field(ring.value(), plaintext, payload_binding(owner, table, row, column)));
    return out;
}

std::optional<std::string> PayloadKeys::open_under(const std::string& owner, const Bytes& key, std::string_view table,
                                                   std::string_view row, std::string_view column,
                                                   std::string_view stored) {
    if (!is_sealed(stored) || owner_of(stored) != owner || key.size() != 32) return std::nullopt;
    auto ring = KeyRing::create({VersionedKey(1, key)}, 1);
    const std::string_view sealed = stored.substr(prefix.size() + owner.size() + 1);
    auto text = decrypt_field(ring.value(), sealed, payload_binding(owner, table, row, column));
    if (!text) return std::nullopt;
    return std::move(text).value();
}

void PayloadKeys::keys_of(soci::session& sql, const std::vector<std::string>& owners,
                          std::map<std::string, Bytes>& held, bool make) const {
    std::vector<std::string> wanted;
    for (const std::string& owner : owners) {
        if (!owner.empty() && !held.contains(owner) && std::find(wanted.begin(), wanted.end(), owner) == wanted.end())
            wanted.push_back(owner);
    }
    if (wanted.empty()) return;
    on_key_store(sql, [&](soci::session& keys) {
        const auto read = [&](const std::vector<std::string>& which) {
            select_in(keys, "SELECT owner, wrapped FROM payload_keys WHERE owner", 2, which, {},
                      [&](const CellRow& row) {
                          if (!row[0] || !row[1]) return;
                          if (auto key = unwrap(tenant_keys_, *row[0], *row[1])) held[*row[0]] = std::move(*key);
                      });
        };
        read(wanted);
        if (!make) return 0;
        std::vector<std::string> missing;
        std::map<std::string, Bytes> fresh;
        std::vector<CellRow> rows;
        const std::string at = std::to_string(now_us());
        for (const std::string& owner : wanted) {
            if (held.contains(owner)) continue;
            rows.push_back({owner, new_key(owner, fresh[owner]), at});
            missing.push_back(owner);
        }
        if (missing.empty()) return 0;
        // Two writers making the first key of one owner at once: the second inserts nothing and
        // reads the first one's key.
        const long long inserted = insert_rows(keys, "payload_keys", "owner text, wrapped text, created_at_us bigint",
                                               rows, "ON CONFLICT (owner) DO NOTHING");
        if (inserted == static_cast<long long>(missing.size())) {
            held.merge(fresh);
            return 0;
        }
        read(missing);
        for (const std::string& owner : missing) {
            if (!held.contains(owner))
                throw std::runtime_error("a payload key does not open under the tenant data key");
        }
        return 0;
    });
}

std::optional<std::string> PayloadKeys::open(soci::session& sql, std::string_view table, std::string_view row,
                                             std::string_view column, std::string_view stored) const {
    if (!is_sealed(stored)) return std::string(stored);
    const std::string owner = owner_of(stored);
    if (owner.empty()) return std::nullopt;
    const auto wrapped = on_key_store(sql, [&](soci::session& keys) { return select_wrapped(keys, owner); });
    if (!wrapped) return std::nullopt;
    const auto key = unwrap(tenant_keys_, owner, *wrapped);
    if (!key) return std::nullopt;
    return open_under(owner, *key, table, row, column, stored);
}

long long PayloadKeys::destroy(soci::session& sql, const std::vector<std::string>& owners) const {
    return on_key_store(sql, [&](soci::session& keys) -> long long {
        long long destroyed = 0;
        for (const std::string& owner : owners) {
            soci::statement st = (keys.prepare << "DELETE FROM payload_keys WHERE owner = :o", soci::use(owner));
            st.execute(true);
            destroyed += st.get_affected_rows();
        }
        return destroyed;
    });
}

long long PayloadKeys::count(soci::session& sql, const std::vector<std::string>& owners) const {
    return on_key_store(sql, [&](soci::session& keys) -> long long {
        long long found = 0;
        for (const std::string& owner : owners) {
            long long n = 0;
            keys << "SELECT COUNT(*) FROM payload_keys WHERE owner = :o", soci::use(owner), soci::into(n);
            found += n;
        }
        return found;
    });
}

void install_payload_keys(const PayloadKeys* keys) { installed.store(keys); }
const PayloadKeys* installed_payload_keys() { return installed.load(); }

void PayloadBatch::read(soci::session& sql, const std::vector<std::string>& stored) {
    if (keys_ == nullptr) return;
    std::vector<std::string> owners;
    for (const std::string& value : stored) owners.push_back(PayloadKeys::owner_of(value));
    keys_->keys_of(sql, owners, held_, false);
}

void PayloadBatch::make(soci::session& sql, const std::vector<std::string>& owners) {
    if (keys_ != nullptr) keys_->keys_of(sql, owners, held_, true);
}

std::optional<std::string> PayloadBatch::open(std::string_view table, std::string_view row, std::string_view column,
                                              std::string_view stored) const {
    if (!PayloadKeys::is_sealed(stored)) return std::string(stored);
    if (keys_ == nullptr) return std::nullopt;
    const std::string owner = PayloadKeys::owner_of(stored);
    const auto key = held_.find(owner);
    if (key == held_.end()) return std::nullopt;  // erased (or not read: a caller's mistake, which fails to open)
    return PayloadKeys::open_under(owner, key->second, table, row, column, stored);
}

std::string PayloadBatch::seal(const std::string& owner, std::string_view table, std::string_view row,
                               std::string_view column, std::string_view plaintext) const {
    if (keys_ == nullptr) return std::string(plaintext);
    const auto key = held_.find(owner);
    if (key == held_.end()) throw std::logic_error("a payload sealed for an owner whose key was not made");
    return PayloadKeys::seal_under(owner, key->second, table, row, column, plaintext);
}

std::string seal_payload(soci::session& sql, const std::string& owner, std::string_view table, std::string_view row,
                         std::string_view column, std::string_view plaintext) {
    const PayloadKeys* keys = installed.load();
    if (keys == nullptr) return std::string(plaintext);
    return keys->seal(sql, owner, table, row, column, plaintext);
}

std::optional<std::string> open_payload(soci::session& sql, std::string_view table, std::string_view row,
                                        std::string_view column, std::string_view stored) {
    const PayloadKeys* keys = installed.load();
    if (keys == nullptr) {
        if (PayloadKeys::is_sealed(stored)) return std::nullopt;
        return std::string(stored);
    }
    return keys->open(sql, table, row, column, stored);
}

void seal_stored_signal(soci::session& sql, const std::string& signal_id) {
    if (installed.load() == nullptr) return;
    std::string envelope;
    sql << "SELECT envelope FROM signals WHERE signal_id = :s", soci::use(signal_id), soci::into(envelope);
    if (!sql.got_data() || PayloadKeys::is_sealed(envelope)) return;
    std::string pupil, family;
    soci::indicator ind = soci::i_null;
    sql << "SELECT pupil_id FROM signal_links WHERE signal_id = :s", soci::use(signal_id), soci::into(pupil, ind);
    std::string owner;
    if (sql.got_data() && ind == soci::i_ok) {
        owner = pupil_owner(pupil);
    } else {
        sql << "SELECT family_id FROM household_registrations WHERE signal_id = :s", soci::use(signal_id),
            soci::into(family);
        owner = sql.got_data() ? family_owner(family) : signal_owner(signal_id);
    }
    const std::string sealed = seal_payload(sql, owner, "signals", signal_id, "envelope", envelope);
    sql << "UPDATE signals SET envelope = :e WHERE signal_id = :s", soci::use(sealed), soci::use(signal_id);
}

void seal_stored_signal(soci::session& sql, const std::string& signal_id, const std::string& envelope,
                        const std::string& owner) {
    if (installed.load() == nullptr || PayloadKeys::is_sealed(envelope)) return;
    const std::string sealed = seal_payload(sql, owner, "signals", signal_id, "envelope", envelope);
    sql << "UPDATE signals SET envelope = :e WHERE signal_id = :s", soci::use(sealed), soci::use(signal_id);
}

long long seal_stored_payloads(Database& database) {
    if (installed.load() == nullptr) return 0;
    long long sealed = 0;
    constexpr int batch = 500;
    for (;;) {
        const long long done = database.with_session([&](soci::session& sql) {
            return in_write_transaction(sql, database.backend(), [&]() -> long long {
                std::vector<std::string> ids;
                soci::rowset<std::string> rows =
                    (sql.prepare << "SELECT signal_id FROM signals WHERE envelope NOT LIKE 'pk1|%' ORDER BY signal_id "
                                    "LIMIT :n",
                     soci::use(batch));
                for (const std::string& id : rows) ids.push_back(id);
                for (const std::string& id : ids) seal_stored_signal(sql, id);
                return static_cast<long long>(ids.size());
            });
        });
        sealed += done;
        if (done < batch) break;
    }
    for (;;) {
        const long long done = database.with_session([&](soci::session& sql) {
            return in_write_transaction(sql, database.backend(), [&]() -> long long {
                std::vector<std::pair<std::string, std::string>> plans;
                soci::rowset<soci::row> rows =
                    (sql.prepare << "SELECT family_id, state FROM plans WHERE state NOT LIKE 'pk1|%' ORDER BY "
                                    "family_id LIMIT :n",
                     soci::use(batch));
                for (const soci::row& row : rows) plans.emplace_back(row.get<std::string>(0), row.get<std::string>(1));
                for (const auto& [family, state] : plans) {
                    const std::string value = seal_payload(sql, family_owner(family), "plans", family, "state", state);
                    sql << "UPDATE plans SET state = :s WHERE family_id = :f AND state = :old", soci::use(value),
                        soci::use(family), soci::use(state);
                }
                return static_cast<long long>(plans.size());
            });
        });
        sealed += done;
        if (done < batch) break;
    }
    return sealed;
}

}  // namespace eenplan::service
