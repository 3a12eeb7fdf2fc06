// Shared pieces of the inbound mappers: building the canonical signal request
// (schemas/signals/signal.schema.json) and reading the date and absence notations vendors use.
// The ingest pipeline validates the result like any signal, so a mapper only has to translate.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <Poco/JSON/Object.h>

#include "eenplan/core/result.hpp"
#include "eenplan/core/signal.hpp"

namespace eenplan::inbound {

// Where the school is, when the payload does not say: from the source's configuration.
struct SchoolDefaults {
    std::optional<std::string> brin;
    std::optional<std::string> gemeentecode;
};

// "2026-11-16", "16-11-2026", "16/11/2026", "2026-11-16T08:30:00+01:00" -> "2026-11-16".
std::optional<std::string> to_iso_date(std::string_view text);

// A vendor's reason text or code for an absence -> ongeoorloofd, geoorloofd or ziekte.
// `authorised` is the vendor's own flag when it has one.
std::optional<std::string> absence_kind(std::string_view reason, std::optional<bool> authorised);

// "GM0603", "0603", "603" -> "GM0603".
std::optional<std::string> gemeentecode(std::string_view text);

// The canonical signal request (what a source would have sent), as an object: the pipeline
// validates it like any sent signal and reads it with the one signal codec, without a round trip
// through text.
using CanonicalRequest = Poco::JSON::Object::Ptr;
CanonicalRequest canonical_request(SignalType type, const std::string& occurred_at,
                                   const Poco::JSON::Object::Ptr& subject, const Poco::JSON::Object::Ptr& school,
                                   const Poco::JSON::Object::Ptr& data);

// A value at a path of object keys, as text, or nullopt when any step is missing or null.
std::optional<std::string> text_at(const Poco::JSON::Object::Ptr& root, std::initializer_list<const char*> path);

// The payload as a JSON object, or a problem.
Result<Poco::JSON::Object::Ptr> parse_payload(const std::string& body);

// subject {"bsn"} or {"onderwijsnummer"} from whichever the payload has, digits only.
Poco::JSON::Object::Ptr person_subject(const std::optional<std::string>& bsn,
                                       const std::optional<std::string>& onderwijsnummer);

// school {"brin", "gemeentecode"} from the payload's BRIN (first four characters of a BRIN with
// branch) and the defaults; problems when neither gives one.
Result<Poco::JSON::Object::Ptr> school_ref(const std::optional<std::string>& brin, const SchoolDefaults& defaults,
                                           const std::string& pointer);

}  // namespace eenplan::inbound
