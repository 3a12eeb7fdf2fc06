// The plan API: read a family's plan as the routeboek engine keeps it (state, actions with owners
// and due dates, participating organisations, timeline), and record a professional's deviation.
#pragma once

#include <string>

#include "http/record_handlers.hpp"

namespace eenplan::service {

// GET /v1/plans/{familyId}
class PlanHandler : public AdminHandler {
public:
    PlanHandler(ServiceContext& context, std::string id)
        : AdminHandler(context, AdminAccess::read), id_(std::move(id)) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string id_;
};

// POST /v1/plans/{familyId}/overrides  {"kind", "table"?, "days"?, "reason"}
class PlanOverrideHandler : public AdminHandler {
public:
    PlanOverrideHandler(ServiceContext& context, std::string id)
        : AdminHandler(context, AdminAccess::write), id_(std::move(id)) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string id_;
};

}  // namespace eenplan::service
