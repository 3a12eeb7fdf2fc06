// A LAS's in- or uitschrijving, read into the canonical enrolment.started or enrolment.ended: the
// vendors name the fields differently (las_parnassys, las_magister, las_somtoday pick them out),
// the translation of dates, sectors and reasons is shared here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "inbound/canonical.hpp"

namespace eenplan::inbound {

struct VendorEnrolment {
    bool ended = false;               // an uitschrijving
    std::optional<std::string> date;  // in the vendor's notation
    std::optional<std::string> code;  // the sector of an inschrijving, the reason of an uitschrijving
    std::string date_pointer;         // where the date sits in the vendor's payload, for problems
    std::string occurred_at;
};

// "PO", "Primair onderwijs", "basisschool", "SO", "VO", "havo", "MBO", ... -> po, so, vo, mbo.
std::optional<std::string> enrolment_sector(std::string_view text);
// The vendor's reason for an uitschrijving -> verhuizing, schoolwissel, einde_leerplicht,
// vrijstelling; anything else is "overig".
std::string enrolment_end_reason(std::string_view text);

// The canonical request; `problems` holds what the caller found wrong already (subject, school).
Result<CanonicalRequest> enrolment_request(const VendorEnrolment& enrolment, const Poco::JSON::Object::Ptr& subject,
                                           const Result<Poco::JSON::Object::Ptr>& school, Problems problems);

}  // namespace eenplan::inbound
