#include "record/record_admin.hpp"
#include "store/database.hpp"

#include "eenplan/core/record/merges.hpp"
#include "record/pupil_store.hpp"
#include "store/write_transaction.hpp"

namespace eenplan::service {
namespace {

using namespace records;

AdminOutcome not_found(std::string detail) { return {AdminStatus::not_found, std::move(detail), {}, {}, {}}; }
AdminOutcome conflict(Problems problems) {
    std::string detail = problems.empty() ? "" : problems.front().detail;
    return {AdminStatus::conflict, std::move(detail), std::move(problems), {}, {}};
}

// The merge links among the two roots' ancestry, read under the merge lock, for the core's checks.
record::MergeLinks links_of(soci::session& sql, const std::vector<std::string>& ids) {
    record::MergeLinks links;
    for (const std::string& id : ids) {
        std::string next;
        soci::indicator ind = soci::i_null;
        sql << "SELECT merged_into FROM pupils WHERE pupil_id = :id", soci::use(id), soci::into(next, ind);
        if (sql.got_data() && ind == soci::i_ok) links[id] = next;
    }
    return links;
}

AdminOutcome merge_roots(soci::session& sql, const TextSealer& sealer, const std::string& a, const std::string& b,
                         const std::string& rule, const std::string& reason, const Actor& actor,
                         const std::optional<std::string>& review_id) {
    const std::string survivor = root_of(sql, a);
    const std::string absorbed = root_of(sql, b);
    const Problems problems = record::check_merge(links_of(sql, {survivor, absorbed}), survivor, absorbed);
    if (!problems.empty()) return conflict(problems);
    AdminOutcome out;
    out.merge_id =
        merge(sql, sealer, {survivor, absorbed, rule, reason, actor.subject, std::nullopt, review_id}, actor.now_us);
    out.pupil_id = survivor;
    return out;
}

}  // namespace

AdminOutcome RecordAdmin::merge(const std::string& pupil_id, const std::string& with, const std::string& reason,
                                const Actor& actor) {
    return database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&]() -> AdminOutcome {
            lock_for_transaction(sql, database_.backend(), merge_lock_key);
            if (!pupil_exists(sql, pupil_id)) return not_found("no pupil with this id");
            if (!pupil_exists(sql, with)) return conflict({Problem{"/with", "no pupil with this id"}});
            return merge_roots(sql, sealer_, pupil_id, with, "admin", reason, actor, std::nullopt);
        });
    });
}

AdminOutcome RecordAdmin::undo_merge(const std::string& merge_id, const std::string& reason, const Actor& actor) {
    return database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&]() -> AdminOutcome {
            lock_for_transaction(sql, database_.backend(), merge_lock_key);
            record::MergeState state;
            std::string undone_by;
            soci::indicator undone_ind = soci::i_null;
            sql << "SELECT absorbed_id, survivor_id, undone_by FROM pupil_merges WHERE merge_id = :m",
                soci::use(merge_id), soci::into(state.absorbed), soci::into(state.survivor),
                soci::into(undone_by, undone_ind);
            if (!sql.got_data()) return not_found("no merge with this id");
            state.undone = undone_ind == soci::i_ok;
            const Problems problems = record::check_undo(links_of(sql, {state.absorbed}), state);
            if (!problems.empty()) return conflict(problems);
            const long long now = actor.now_us;
            sql << "UPDATE pupils SET merged_into = NULL WHERE pupil_id = :a", soci::use(state.absorbed);
            const std::string sealed = sealer_.seal("pupil_merges", merge_id, "undo_reason", reason);
            sql << "UPDATE pupil_merges SET undone_by = :who, undone_at_us = :t, undo_reason = :why WHERE merge_id = "
                   ":m",
                soci::use(actor.subject), soci::use(now), soci::use(sealed), soci::use(merge_id);
            AdminOutcome out;
            out.merge_id = merge_id;
            out.pupil_id = state.absorbed;
            return out;
        });
    });
}

AdminOutcome RecordAdmin::decide_review(const std::string& review_id, const std::string& decision,
                                        const std::string& reason, const Actor& actor) {
    return database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&]() -> AdminOutcome {
            lock_for_transaction(sql, database_.backend(), merge_lock_key);
            std::string pupil, candidate, status;
            sql << "SELECT pupil_id, candidate_id, status FROM link_reviews WHERE review_id = :r", soci::use(review_id),
                soci::into(pupil), soci::into(candidate), soci::into(status);
            if (!sql.got_data()) return not_found("no review with this id");
            if (status != "open") return conflict({Problem{"", "this review was decided before"}});
            AdminOutcome out;
            std::string merge_id;
            soci::indicator merge_ind = soci::i_null;
            if (decision == "match") {
                out = merge_roots(sql, sealer_, candidate, pupil, "review", reason, actor, review_id);
                if (out.status != AdminStatus::done) return out;
                merge_id = out.merge_id;
                merge_ind = soci::i_ok;
            } else {
                out.pupil_id = pupil;
            }
            const std::string new_status = decision == "match" ? "matched" : "rejected";
            const long long now = actor.now_us;
            const std::string sealed = sealer_.seal("link_reviews", review_id, "reason", reason);
            sql << "UPDATE link_reviews SET status = :s, decided_by = :who, decided_at_us = :t, reason = :why, "
                   "merge_id = :m WHERE review_id = :r",
                soci::use(new_status), soci::use(actor.subject), soci::use(now), soci::use(sealed),
                soci::use(merge_id, merge_ind), soci::use(review_id);
            return out;
        });
    });
}

}  // namespace eenplan::service
