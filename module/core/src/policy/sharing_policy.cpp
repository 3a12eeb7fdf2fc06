#include "eenplan/core/policy/sharing_policy.hpp"

#include <algorithm>
#include <cctype>

#include "eenplan/core/keyed_pseudonym.hpp"

namespace eenplan::policy {
namespace {

bool is_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    }
    const int month = (text[5] - '0') * 10 + (text[6] - '0');
    const int day = (text[8] - '0') * 10 + (text[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// Task types, task ids and references are names the hub makes: lower-case words, digits, '.',
// '-', '_', ':', '/' (and '#' in a reference, for a fragment). Anything else (spaces, capitals,
// free text) is refused, so no name or sentence can reach a recipient through them.
bool is_token(std::string_view text, std::size_t max, bool fragment) {
    if (text.empty() || text.size() > max) return false;
    return std::all_of(text.begin(), text.end(), [&](char c) {
        const auto u = static_cast<unsigned char>(c);
        return std::islower(u) || std::isdigit(u) || c == '.' || c == '-' || c == '_' || c == ':' || c == '/' ||
               (fragment && c == '#');
    });
}

// The facts are codes with a fixed shape, so nothing else can travel in them.
bool is_brin(std::string_view text) {
    return text.size() == 4 && std::isdigit(static_cast<unsigned char>(text[0])) &&
           std::isdigit(static_cast<unsigned char>(text[1])) && std::isupper(static_cast<unsigned char>(text[2])) &&
           std::isupper(static_cast<unsigned char>(text[3]));
}

bool is_gemeentecode(std::string_view text) {
    return text.size() == 6 && text.starts_with("GM") && std::all_of(text.begin() + 2, text.end(), [](char c) {
               return std::isdigit(static_cast<unsigned char>(c));
           });
}

bool is_code(std::string_view text) {
    return !text.empty() && text.size() <= 32 && std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return std::islower(u) || std::isdigit(u) || c == '_';
    });
}

void check_facts(const delivery::TaskFacts& facts, Problems& problems) {
    if (!facts.school_brin.empty() && !is_brin(facts.school_brin)) {
        problems.push_back({"/facts/school_brin", "must be a BRIN: two digits and two capital letters"});
    }
    if (!facts.date.empty() && !is_date(facts.date)) problems.push_back({"/facts/date", "must be a date YYYY-MM-DD"});
    if (!facts.reason_code.empty() && !is_code(facts.reason_code)) {
        problems.push_back({"/facts/reason_code", "must be 1 to 32 characters: lower-case letters, digits or '_'"});
    }
    if (!facts.woongemeente.empty() && !is_gemeentecode(facts.woongemeente)) {
        problems.push_back({"/facts/woongemeente", "must be a CBS gemeentecode GMnnnn"});
    }
}

}  // namespace

std::string recipient_domain(std::string_view recipient_id) { return "org:" + std::string(recipient_id); }

std::string recipient_pseudonym(const KeyedPseudonymiser& key, std::string_view recipient_id,
                                std::string_view hub_pseudonym) {
    return key.pseudonym(recipient_domain(recipient_id), "hub", hub_pseudonym);
}

Result<delivery::SharedTask> share_task(const delivery::TaskDraft& draft, std::string_view task_id,
                                        const KeyedPseudonymiser& key) {
    Problems problems;
    if (!is_token(draft.type, 64, false)) {
        problems.push_back(
            {"/type", "must be 1 to 64 characters: lower-case letters, digits, '.', '-', '_', ':' or '/'"});
    }
    if (draft.recipient_id.empty()) problems.push_back({"/recipient", "names no recipient"});
    if (keyed_pseudonym_version(draft.pupil_pseudonym) == 0) {
        problems.push_back({"/pupil", "is not a hub pseudonym"});
    }
    if (!is_date(draft.due_date)) problems.push_back({"/due_date", "must be a date YYYY-MM-DD"});
    if (!is_token(draft.reference, 160, true)) {
        problems.push_back({"/reference",
                            "must be 1 to 160 characters: lower-case letters, digits, '.', '-', '_', "
                            "':', '/' or '#'"});
    }
    if (!is_token(task_id, 128, false)) {
        problems.push_back(
            {"/task_id", "must be 1 to 128 characters: lower-case letters, digits, '.', '-', '_', ':' or '/'"});
    }
    check_facts(draft.facts, problems);
    if (!problems.empty()) return problems;
    // allow-minimal: the reason stays with the hub; everything else the recipient needs is here.
    return delivery::SharedTask{
        draft.type,     std::string(task_id), recipient_pseudonym(key, draft.recipient_id, draft.pupil_pseudonym),
        draft.due_date, draft.reference,      draft.correlation_id,
        draft.facts};
}

}  // namespace eenplan::policy
