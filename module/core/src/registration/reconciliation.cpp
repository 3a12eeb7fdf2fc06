// Reconciliation with the municipal register: see reconciliation.hpp.
#include "eenplan/core/registration/reconciliation.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <unordered_set>

#include <openssl/evp.h>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/policy/sharing_policy.hpp"
#include "openssl_handles.hpp"

namespace eenplan::registration {

bool enrolled_on(const std::vector<routeboek::Enrolment>& enrolments, const std::vector<std::string>& pupil_ids,
                 routeboek::Day day) {
    return std::any_of(enrolments.begin(), enrolments.end(), [&](const routeboek::Enrolment& e) {
        if (std::find(pupil_ids.begin(), pupil_ids.end(), e.pupil) == pupil_ids.end()) return false;
        return (!e.start || *e.start <= day) && (!e.end || *e.end >= day);
    });
}

ReconciliationCounts& ReconciliationCounts::operator+=(const ReconciliationCounts& other) {
    listed += other.listed;
    duplicates += other.duplicates;
    unreadable += other.unreadable;
    enrolled += other.enrolled;
    known_not_enrolled += other.known_not_enrolled;
    unknown += other.unknown;
    return *this;
}

ReconciliationAnswer reconcile(const std::vector<ListedChild>& children,
                               const std::function<ChildStatus(const std::string&)>& status_of,
                               const KeyedPseudonymiser& key, std::string_view recipient_id) {
    ReconciliationAnswer answer;
    answer.counts.listed = children.size();
    std::unordered_set<std::string> seen;
    seen.reserve(children.size());
    std::vector<std::string> as_sent;
    as_sent.reserve(children.size());
    for (const ListedChild& child : children) {
        as_sent.push_back(child.as_sent);
        if (!child.hub_pseudonym) {
            ++answer.counts.unreadable;
            continue;
        }
        if (!seen.insert(*child.hub_pseudonym).second) {
            ++answer.counts.duplicates;
            continue;
        }
        switch (status_of(*child.hub_pseudonym)) {
            case ChildStatus::enrolled: ++answer.counts.enrolled; continue;
            case ChildStatus::not_enrolled: ++answer.counts.known_not_enrolled; break;
            case ChildStatus::unknown: ++answer.counts.unknown; break;
        }
        answer.without_enrolment.push_back(policy::recipient_pseudonym(key, recipient_id, *child.hub_pseudonym));
    }
    // Sorted, so the answer's order says nothing about the list's.
    std::sort(answer.without_enrolment.begin(), answer.without_enrolment.end());
    answer.digest = list_digest(std::move(as_sent));
    return answer;
}

std::string run_proof(std::string_view digest, const ReconciliationCounts& counts, std::int64_t ended_at_s) {
    // One line per fact, in a fixed order: "eenplan-reconciliation-proof-v1", the digest, the
    // counts, the time (Unix seconds); hashed like a list of one entry.
    std::string text = "eenplan-reconciliation-proof-v1\n" + std::string(digest) + "\n";
    for (const std::size_t n : {counts.listed, counts.duplicates, counts.unreadable, counts.enrolled,
                                counts.known_not_enrolled, counts.unknown}) {
        text += std::to_string(n) + "\n";
    }
    text += std::to_string(ended_at_s);
    return list_digest({std::move(text)});
}

std::string list_digest(std::vector<std::string> as_sent) {
    std::sort(as_sent.begin(), as_sent.end());
    ossl::MdCtx md(EVP_MD_CTX_new());
    if (!md || EVP_DigestInit_ex(md.get(), ossl::sha256(), nullptr) != 1) throw std::runtime_error("digest init");
    for (const std::string& entry : as_sent) {
        if (EVP_DigestUpdate(md.get(), entry.data(), entry.size()) != 1 || EVP_DigestUpdate(md.get(), "\n", 1) != 1) {
            throw std::runtime_error("digest update");
        }
    }
    std::array<std::uint8_t, 32> out{};
    if (EVP_DigestFinal_ex(md.get(), out.data(), nullptr) != 1) throw std::runtime_error("digest final");
    return hex_encode(out);
}

}  // namespace eenplan::registration
