// ZGW Notificaties API callbacks (VNG Notificaties API 1.0: kanaal, hoofdObject, resource,
// resourceUrl, actie, aanmaakdatum, kenmerken) turned into signals. The one case mapped today:
// a youth-care decision registered as a zaak of a configured zaaktype gets its child as a rol
// (kanaal "zaken", resource "rol", actie "create"); the hub fetches that rol from the Zaken API
// for the child's BSN (betrokkeneIdentificatie.inpBsn) and records youthcare.started with the
// configured provider from the notification's date. Other notifications are acknowledged and
// ignored.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "inbound/canonical.hpp"

namespace eenplan::inbound {

struct Notification {
    std::string kanaal, hoofd_object, resource, resource_url, actie, aanmaakdatum;
    std::map<std::string, std::string> kenmerken;
};

Result<Notification> parse_notification(const std::string& body);

// The provider to record when this notification is a rol created on a zaak of one of the
// configured zaaktypes (zaaktype URL -> provider); nullopt for every other notification.
std::optional<std::string> youth_care_provider(const Notification& n,
                                               const std::map<std::string, std::string>& zaaktypes);

// The canonical youthcare.started signal from the notification and the fetched rol (JSON).
Result<CanonicalRequest> map_youth_care_rol(const Notification& n, const std::string& rol_body,
                                            const std::string& provider);

}  // namespace eenplan::inbound
