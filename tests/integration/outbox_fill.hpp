// A burst of tasks written straight into the outbox in one transaction, as a burst of routeboek
// decisions would leave them; each webhook task's reference is "<label>/<n>".
#pragma once

#include <string>

#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include "outbox/outbox_store.hpp"
#include "support/test_store.hpp"

namespace eenplan::testing {

inline void fill_outbox(const TestStore& store, int tasks, const std::string& label) {
    auto sql = store.session();
    const std::int64_t now = Poco::Timestamp().epochMicroseconds();
    auto& uuids = Poco::UUIDGenerator::defaultGenerator();
    soci::transaction tx(*sql);
    for (int i = 0; i < tasks; ++i) {
        const std::string task_id = uuids.createRandom().toString();
        const std::string reference = label + "/" + std::to_string(i);
        const std::string payload =
            R"({"type":"continuity.education","task_id":")" + task_id +
            R"(","subject":"kp1:1:aaaabbbbccccddddeeeeffffgggghhhh","due_date":"2026-12-14","reference":")" +
            reference + R"(","correlation_id":"c"})";
        eenplan::service::OutboxStore::insert(
            *sql,
            {task_id, "continuity.education", "gm0518", "kp1:1:hub", "2026-12-14", label, reference, "c", "test", now},
            {uuids.createRandom().toString(), task_id, "gm0518", "webhook", payload, "c", now});
    }
    tx.commit();
}

}  // namespace eenplan::testing
