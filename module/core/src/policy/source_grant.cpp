#include "eenplan/core/policy/source_grant.hpp"

#include <string_view>
#include <utility>
#include <vector>

namespace eenplan::policy {
namespace {

// The municipalities a signal speaks for, by where they stand in the signal.
std::vector<std::pair<std::string_view, const std::string*>> municipalities(const Signal& signal) {
    std::vector<std::pair<std::string_view, const std::string*>> out;
    if (signal.school) out.emplace_back("/school/gemeentecode", &signal.school->gemeentecode);
    if (const auto* household = std::get_if<HouseholdComposition>(&signal.data)) {
        out.emplace_back("/data/gemeentecode", &household->gemeentecode);
    } else if (const auto* moved = std::get_if<PersonMoved>(&signal.data)) {
        out.emplace_back("/data/gemeentecode", &moved->gemeentecode);
    }
    return out;
}

}  // namespace

Problems refusals(const SourceGrant& grant, const Signal& signal) {
    Problems out;
    if (grant.signal_types && !grant.signal_types->contains(signal.type())) {
        out.push_back({"/type", "this source may not send " + std::string(to_string(signal.type())) + " signals"});
    }
    if (grant.brins) {
        if (!signal.school) {
            // A source bound to schools speaks only for them; without gemeentecodes it has no
            // other standing to send a signal that names no school.
            if (!grant.gemeentecodes)
                out.push_back({"/school", "this source may only send signals of its own schools"});
        } else if (!grant.brins->contains(signal.school->brin)) {
            out.push_back({"/school/brin", "this source may not send signals for this school"});
        }
    }
    if (grant.gemeentecodes) {
        const auto named = municipalities(signal);
        if (named.empty() && !grant.brins) {
            out.push_back({"", "this source may only send signals that name one of its municipalities"});
        }
        for (const auto& [pointer, code] : named) {
            if (!grant.gemeentecodes->contains(*code)) {
                out.push_back({std::string(pointer), "this source may not speak for this municipality"});
            }
        }
    }
    return out;
}

}  // namespace eenplan::policy
