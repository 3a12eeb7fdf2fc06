// What one source may send: the signal types, and the schools and municipalities it may speak
// for. A compromised school system must not merge families (household.composition), close a
// plan (table.outcome) or report absences under another school; the grant in the source's
// configuration says what it may do, and the pipeline refuses the rest with 403 before anything
// is stored.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "eenplan/core/result.hpp"
#include "eenplan/core/signal.hpp"

namespace eenplan::policy {

// Each dimension left empty (nullopt) is not restricted.
struct SourceGrant {
    std::optional<std::set<SignalType>> signal_types;
    // The BRINs whose signals the source may send: a signal must name one of these schools.
    std::optional<std::set<std::string>> brins;
    // The CBS gemeentecodes ("GM0518") the source may speak for: the municipality of the school
    // (school.gemeentecode), of a household, and the new woongemeente of a move must be among them.
    std::optional<std::set<std::string>> gemeentecodes;

    [[nodiscard]] bool unrestricted() const noexcept { return !signal_types && !brins && !gemeentecodes; }
};

// What of `signal` the grant does not cover, each located by a JSON Pointer into the signal and
// said without repeating the value; empty when the source may send it.
Problems refusals(const SourceGrant& grant, const Signal& signal);

}  // namespace eenplan::policy
