// Magister (Iddink) absence -> canonical absence.reported. Assumed shape, after Magister's
// "Absenties" resource (PascalCase as its API writes it; docs/delivery.md):
//   {"Id", "Tijdstip": date-time, "School": {"Brin"},
//    "Leerling": {"Stamnummer", "Bsn" | "Onderwijsnummer"},
//    "Absentie": {"Begin": date-time, "Einde": date-time, "Geoorloofd": bool,
//                 "Reden": {"Code", "Omschrijving"}, "Lesuren": number}}
// Stamnummer is the school's own number and is dropped.
#pragma once

#include <string>

#include "inbound/canonical.hpp"

namespace eenplan::inbound {

Result<CanonicalRequest> map_magister(const std::string& body, const SchoolDefaults& school,
                                      const std::string& received_at);

}  // namespace eenplan::inbound
