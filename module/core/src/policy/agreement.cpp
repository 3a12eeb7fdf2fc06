#include "eenplan/core/policy/agreement.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

namespace eenplan::policy {
namespace {

constexpr std::array<std::pair<Category, std::string_view>, 10> names{{
    {Category::recipient_pseudonym, "recipient_pseudonym"},
    {Category::task_type, "task_type"},
    {Category::due_date, "due_date"},
    {Category::school, "school"},
    {Category::event_date, "event_date"},
    {Category::reason_code, "reason_code"},
    {Category::woongemeente, "woongemeente"},
    {Category::absence_summary, "absence_summary"},
    {Category::youth_care_involvement, "youth_care_involvement"},
    {Category::health, "health"},
}};

bool contains(const std::vector<Category>& set, Category c) {
    return std::find(set.begin(), set.end(), c) != set.end();
}
bool contains(const std::vector<Grantor>& set, Grantor g) { return std::find(set.begin(), set.end(), g) != set.end(); }

// Dates are "YYYY-MM-DD": their text order is their calendar order.
bool in_period(std::string_view date, const std::string& from, const std::string& until) {
    return from <= date && (until.empty() || date <= until);
}

bool type_matches(std::string_view pattern, std::string_view type) {
    if (pattern == "*") return true;
    if (pattern.size() >= 2 && pattern.ends_with(".*")) {
        const std::string_view prefix = pattern.substr(0, pattern.size() - 1);  // keeps the '.'
        return type.starts_with(prefix);
    }
    return pattern == type;
}

bool youth_care_purpose(std::string_view purpose) { return purpose.starts_with("jeugd"); }

// The categories of `carried` an agreement (and for a consent basis, the consent) lets through.
struct Split {
    std::vector<Category> disclosed, stripped;
    bool essential_refused = false;
};

Split split(const std::vector<Category>& carried, const std::vector<Category>& implied, const Agreement& agreement,
            const Consent* consent) {
    Split out;
    for (const Category c : carried) {
        const bool allowed =
            category_allowed_by(agreement, c) && (consent == nullptr || contains(consent->categories, c));
        if (allowed) {
            out.disclosed.push_back(c);
        } else if (is_essential_category(c) || contains(implied, c)) {
            out.essential_refused = true;
        } else {
            out.stripped.push_back(c);
        }
    }
    return out;
}

std::vector<Category> implied_by_type(std::string_view type) {
    std::vector<Category> out;
    if (type.find("verzuim") != std::string_view::npos) out.push_back(Category::absence_summary);
    if (type.starts_with("jeugdhulp.") || type.starts_with("jeugdbescherming.")) {
        out.push_back(Category::youth_care_involvement);
    }
    return out;
}

// How close a blocked candidate came: the most telling reason wins.
int rank(std::string_view code) {
    if (code == reason::essential_category_not_allowed) return 5;
    if (code == reason::consent_withdrawn) return 4;
    if (code == reason::consent_wrong_grantor) return 3;
    if (code == reason::no_consent) return 2;
    if (code == reason::agreement_not_in_force) return 1;
    return 0;
}

}  // namespace

std::optional<Category> category_from_name(std::string_view name) {
    for (const auto& [category, text] : names) {
        if (text == name) return category;
    }
    return std::nullopt;
}

std::string_view category_name(Category category) {
    for (const auto& [c, text] : names) {
        if (c == category) return text;
    }
    return "unknown";
}

bool is_special_category(Category category) { return category == Category::health; }

bool is_essential_category(Category category) {
    return category == Category::recipient_pseudonym || category == Category::task_type ||
           category == Category::due_date;
}

bool category_allowed_by(const Agreement& agreement, Category category) {
    if (!contains(agreement.categories, category)) return false;
    return !is_special_category(category) || !agreement.basis.special_category_basis.empty();
}

bool consent_given_by_the_right_people(const Consent& consent) {
    const bool parent = contains(consent.given_by, Grantor::parent);
    const bool young = contains(consent.given_by, Grantor::young_person);
    switch (consent.age_band) {
        case AgeBand::under_12: return parent;
        case AgeBand::from_12_to_15: return youth_care_purpose(consent.purpose) ? parent && young : parent;
        case AgeBand::from_16: return young;
    }
    return false;
}

const Agreement* applicable_version(const std::vector<Agreement>& versions, std::string_view date) {
    const Agreement* best = nullptr;
    for (const Agreement& a : versions) {
        if (a.valid_from <= date && (best == nullptr || a.version > best->version)) best = &a;
    }
    if (best == nullptr || best->revoked) return nullptr;
    if (!best->valid_until.empty() && date > best->valid_until) return nullptr;
    return best;
}

bool covers(const Agreement& agreement, std::string_view recipient_id, std::string_view recipient_kind,
            std::string_view task_type) {
    const bool party = std::any_of(agreement.parties.begin(), agreement.parties.end(), [&](const Party& p) {
        if (!p.organisation.empty()) return p.organisation == recipient_id;
        return !p.kind.empty() && p.kind == recipient_kind;
    });
    if (!party) return false;
    return std::any_of(agreement.task_types.begin(), agreement.task_types.end(),
                       [&](const std::string& pattern) { return type_matches(pattern, task_type); });
}

SharingDecision decide_disclosure(const DisclosureRequest& request, const std::vector<Agreement>& agreements,
                                  const std::vector<Consent>& consents) {
    std::map<std::string, std::vector<Agreement>> by_id;
    for (const Agreement& a : agreements) by_id[a.id].push_back(a);
    const std::vector<Category> implied = implied_by_type(request.task_type);
    std::vector<Category> carried = request.carried;
    for (const Category c : implied) {
        if (!contains(carried, c)) carried.push_back(c);
    }

    SharingDecision blocked;
    blocked.reason = std::string(reason::no_agreement);
    auto block = [&](std::string_view code) {
        if (rank(code) > rank(blocked.reason)) blocked.reason = std::string(code);
    };
    std::optional<SharingDecision> by_consent;
    for (const auto& [id, versions] : by_id) {
        // Whether any version of this agreement covers the disclosure at all (to tell "not in
        // force today" from "no agreement").
        const bool ever = std::any_of(versions.begin(), versions.end(), [&](const Agreement& a) {
            return covers(a, request.recipient_id, request.recipient_kind, request.task_type);
        });
        if (!ever) continue;
        const Agreement* a = applicable_version(versions, request.date);
        if (a == nullptr || !covers(*a, request.recipient_id, request.recipient_kind, request.task_type)) {
            block(reason::agreement_not_in_force);
            continue;
        }
        SharingDecision d;
        d.allowed = true;
        d.agreement_id = a->id;
        d.agreement_version = a->version;
        d.basis = a->basis;
        d.processing_activity = a->processing_activity;
        d.purpose = a->purpose;
        if (a->basis.kind == BasisKind::statutory_task) {
            const Split s = split(carried, implied, *a, nullptr);
            if (s.essential_refused) {
                block(reason::essential_category_not_allowed);
                continue;
            }
            d.disclosed = s.disclosed;
            d.stripped = s.stripped;
            return d;  // a statutory basis needs nothing more, and wins over consent
        }
        if (by_consent) continue;
        // Consent: one that is in scope, in its period, given by the right people and not withdrawn.
        std::string_view missing = reason::no_consent;
        for (const Consent& c : consents) {
            if (c.purpose != a->purpose) continue;
            if (!c.recipient_kind.empty() && c.recipient_kind != request.recipient_kind) continue;
            if (!in_period(request.date, c.valid_from, c.valid_until)) continue;
            if (c.withdrawn_at_us && *c.withdrawn_at_us <= request.now_us) {
                if (rank(reason::consent_withdrawn) > rank(missing)) missing = reason::consent_withdrawn;
                continue;
            }
            if (!consent_given_by_the_right_people(c)) {
                if (rank(reason::consent_wrong_grantor) > rank(missing)) missing = reason::consent_wrong_grantor;
                continue;
            }
            const Split s = split(carried, implied, *a, &c);
            if (s.essential_refused) {
                missing = reason::essential_category_not_allowed;
                continue;
            }
            d.consent_id = c.id;
            d.disclosed = s.disclosed;
            d.stripped = s.stripped;
            by_consent = d;
            break;
        }
        if (!by_consent) block(missing);
    }
    if (by_consent) return *by_consent;
    return blocked;
}

std::vector<Category> carried_categories(const delivery::SharedTask& task) {
    std::vector<Category> out;
    if (!task.subject.empty()) out.push_back(Category::recipient_pseudonym);
    if (!task.type.empty()) out.push_back(Category::task_type);
    if (!task.due_date.empty()) out.push_back(Category::due_date);
    if (!task.facts.school_brin.empty()) out.push_back(Category::school);
    if (!task.facts.date.empty()) out.push_back(Category::event_date);
    if (!task.facts.reason_code.empty()) out.push_back(Category::reason_code);
    if (!task.facts.woongemeente.empty()) out.push_back(Category::woongemeente);
    for (const Category c : implied_by_type(task.type)) out.push_back(c);
    return out;
}

delivery::SharedTask minimise(delivery::SharedTask task, const std::vector<Category>& allowed) {
    if (!contains(allowed, Category::school)) task.facts.school_brin.clear();
    if (!contains(allowed, Category::event_date)) task.facts.date.clear();
    if (!contains(allowed, Category::reason_code)) task.facts.reason_code.clear();
    if (!contains(allowed, Category::woongemeente)) task.facts.woongemeente.clear();
    return task;
}

}  // namespace eenplan::policy
