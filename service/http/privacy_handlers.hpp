// The privacy officer's API (docs/privacy.md): agreements (versioned, never edited), the art. 30
// register, consents, the disclosure log and the subject access export. Writes need the
// privacy_officer role; reads privacy_officer or auditor; the subject access export
// privacy_officer. Every request is in the audit trail (http/route_handler.hpp).
#pragma once

#include <string>

#include "http/record_handlers.hpp"

namespace eenplan::service {

class PrivacyHandler : public AdminHandler {
public:
    enum class Action {
        list_agreements,   // GET  /v1/privacy/agreements
        create_agreement,  // POST /v1/privacy/agreements (a new agreement or its next version)
        get_agreement,     // GET  /v1/privacy/agreements/{agreementId}
        revoke_agreement,  // POST /v1/privacy/agreements/{agreementId}/revoke
        list_activities,   // GET  /v1/privacy/activities[?format=csv]
        put_activity,      // POST /v1/privacy/activities
        list_consents,     // GET  /v1/privacy/consents?pupil=<id>
        give_consent,      // POST /v1/privacy/consents
        withdraw_consent,  // POST /v1/privacy/consents/{consentId}/withdraw
        list_disclosures,  // GET  /v1/privacy/disclosures?pupil|family|recipient|from_us|until_us|limit
        subject_access,    // GET  /v1/privacy/subjects/{subjectId}/access[?format=html]
    };
    PrivacyHandler(ServiceContext& context, Action action, std::string id = {})
        : AdminHandler(context, AdminAccess::privacy), action_(action), id_(std::move(id)) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    void list_agreements(Poco::Net::HTTPServerResponse& response, const std::string& only_id);
    void create_agreement(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void revoke_agreement(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void list_activities(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void put_activity(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void list_consents(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void give_consent(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void withdraw_consent(Poco::Net::HTTPServerResponse& response);
    void list_disclosures(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void subject_access(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

    Action action_;
    std::string id_;
};

}  // namespace eenplan::service
