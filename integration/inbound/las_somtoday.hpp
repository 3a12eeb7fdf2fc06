// Somtoday (Topicus) absence report -> canonical absence.reported. Assumed shape, after the
// Somtoday REST API's "absentiemeldingen" (camelCase as it writes them; docs/delivery.md):
//   {"id", "aangemaaktOp": date-time, "vestiging": {"brinVestigingsnummer": "12AB00"},
//    "leerling": {"leerlingnummer", "bsn" | "onderwijsnummer"},
//    "absentieReden": {"afkorting", "omschrijving", "geoorloofd": bool},
//    "beginDatumTijd": date-time, "eindDatumTijd": date-time, "lesuren": number}
// leerlingnummer is the school's own number and is dropped.
#pragma once

#include <string>

#include "inbound/canonical.hpp"

namespace eenplan::inbound {

Result<CanonicalRequest> map_somtoday(const std::string& body, const SchoolDefaults& school,
                                      const std::string& received_at);

}  // namespace eenplan::inbound
