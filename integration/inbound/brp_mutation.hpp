// Population changes from a municipality's BRP-like source -> canonical person.moved and
// household.composition. The shape is eenplan's own (no standard push exists; it borrows the
// Haal Centraal BRP names), documented in docs/delivery.md:
//   {"mutatie": "verhuizing", "tijdstip": date-time, "burgerservicenummer",
//    "gemeenteVanInschrijving": {"code": "0603"}, "datumAanvangAdreshouding": "2026-11-01"}
//   {"mutatie": "huishouden", "tijdstip": date-time, "gemeenteVanInschrijving": {"code"},
//    "peildatum": "2026-11-01",
//    "leden": [{"burgerservicenummer", "rol": "ouder" | "gezaghouder" | "kind"}]}
// Names, birth dates and addresses are not read, even when a source sends them.
#pragma once

#include <string>

#include "inbound/canonical.hpp"

namespace eenplan::inbound {

Result<CanonicalRequest> map_brp_mutation(const std::string& body, const std::string& received_at);

}  // namespace eenplan::inbound
