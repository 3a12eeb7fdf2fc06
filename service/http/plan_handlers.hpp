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

// GET /v1/parked: signals and plans the plan worker parked after repeated failures.
class ParkedHandler : public AdminHandler {
public:
    explicit ParkedHandler(ServiceContext& context) : AdminHandler(context, AdminAccess::read) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

// POST /v1/parked/retry: every parked signal and plan is tried again (attempts from zero).
class ParkedRetryHandler : public AdminHandler {
public:
    explicit ParkedRetryHandler(ServiceContext& context) : AdminHandler(context, AdminAccess::write) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

}  // namespace eenplan::service
