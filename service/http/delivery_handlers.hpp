// The admin API of the delivery side: create a task by hand, list deliveries by state, read one
// with every attempt, retry a dead letter, cancel a delivery. Authenticated as every admin route
// (http/admin_auth.hpp): reading needs admin or privacy_officer, changing needs admin.
#pragma once

#include <string>

#include "http/record_handlers.hpp"

namespace eenplan::service {

// POST /v1/tasks  {"type", "recipient", "pupil", "due_date", "reason", "reference"}
class TaskCreateHandler : public AdminHandler {
public:
    explicit TaskCreateHandler(ServiceContext& context) : AdminHandler(context, AdminAccess::write) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

// GET /v1/deliveries[?state=pending|delivered|dead|cancelled|all][&limit=n]
class DeliveriesHandler : public AdminHandler {
public:
    explicit DeliveriesHandler(ServiceContext& context) : AdminHandler(context, AdminAccess::read) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

// GET /v1/deliveries/{deliveryId}
class DeliveryHandler : public AdminHandler {
public:
    DeliveryHandler(ServiceContext& context, std::string id)
        : AdminHandler(context, AdminAccess::read), id_(std::move(id)) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string id_;
};

// POST /v1/deliveries/{deliveryId}/retry and /cancel
class DeliveryActionHandler : public AdminHandler {
public:
    DeliveryActionHandler(ServiceContext& context, std::string id, std::string action)
        : AdminHandler(context, AdminAccess::write), id_(std::move(id)), action_(std::move(action)) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string id_;
    std::string action_;
};

}  // namespace eenplan::service
