// ParnasSys (Topicus) absence registration -> canonical absence.reported. Assumed shape, after
// ParnasSys's "verzuimregistratie" export (field names as in its Dutch UI; docs/delivery.md):
//   {"registratieId", "geregistreerdOp": date-time,
//    "school": {"brinnummer", "vestigingsnummer"},
//    "leerling": {"bsn" | "onderwijsnummer", "leerlingnummer"},
//    "verzuim": {"soort": "Ongeoorloofd verzuim" | "Geoorloofd verzuim" | "Ziekte" | ...,
//                "datumVan": "16-11-2026", "datumTot": "20-11-2026", "aantalUren": 12.5}}
// leerlingnummer is the school's own number and is dropped.
#pragma once

#include <string>

#include "inbound/canonical.hpp"

namespace eenplan::inbound {

Result<CanonicalRequest> map_parnassys(const std::string& body, const SchoolDefaults& school,
                                       const std::string& received_at);

}  // namespace eenplan::inbound
