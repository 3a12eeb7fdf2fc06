// An explicit write transaction for record-keeping, and the retry around it. SQLite takes its one
// write lock at BEGIN IMMEDIATE, so a transaction that reads and then writes cannot fail half-way
// on a lock upgrade. On PostgreSQL, several instances may race to create the same pupil: the
// loser hits a unique constraint (or a serialisation failure or deadlock), rolls back and runs
// the whole transaction again, and then finds the winner's rows.
#pragma once

#include <string>

#include <soci/soci.h>

#include "config/config.hpp"

namespace eenplan::service {

class WriteTransaction {
public:
    WriteTransaction(soci::session& sql, Backend backend);
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;

    void commit();

private:
    soci::session& sql_;
    bool open_ = true;
};

// Serialises a kind of write across instances until the transaction ends (PostgreSQL advisory
// lock; SQLite's write lock already serialises everything).
void lock_for_transaction(soci::session& sql, Backend backend, long long key);

inline constexpr long long merge_lock_key = 0x65656e6d65726765;   // pupil merges and unmerges
inline constexpr long long family_lock_key = 0x65656e66616d696c;  // family membership

// True for an error after which running the same transaction again may succeed.
bool is_retryable_conflict(const soci::soci_error& error);

// Runs fn() inside a WriteTransaction, again (up to five times in all) after a retryable conflict.
template <typename Fn>
auto in_write_transaction(soci::session& sql, Backend backend, Fn&& fn) -> decltype(fn()) {
    for (int attempt = 1;; ++attempt) {
        try {
            WriteTransaction tx(sql, backend);
            if constexpr (std::is_void_v<decltype(fn())>) {
                fn();
                tx.commit();
                return;
            } else {
                auto result = fn();
                tx.commit();
                return result;
            }
        } catch (const soci::soci_error& error) {
            if (attempt >= 5 || !is_retryable_conflict(error)) throw;
        }
    }
}

}  // namespace eenplan::service
