// The admin API over pupil and family records: read a pupil, read a family, list the review
// queue, decide a possible match, merge two pupils, undo a merge. Every route authenticates
// first (http/admin_auth.hpp); bodies are checked against schemas/api/*.schema.json.
#pragma once

#include <string>

#include <Poco/JSON/Object.h>

#include "http/admin_auth.hpp"
#include "http/route_handler.hpp"

namespace eenplan::service {

// Serves a request the route handler has authenticated (and audits) by the route table's access
// level; the access a subclass names documents what it expects. Subclasses read `actor_` for who acts.
class AdminHandler : public RouteHandler {
public:
    AdminHandler(ServiceContext& context, AdminAccess /*expected*/) : RouteHandler(context) {}

protected:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) final;
    virtual void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) = 0;

    // The body as a JSON object valid under the embedded schema, or null after a problem was sent.
    Poco::JSON::Object::Ptr read_body(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                                      const char* schema);
    void send_json(Poco::Net::HTTPServerResponse& response, const Poco::JSON::Object::Ptr& body,
                   Poco::Net::HTTPResponse::HTTPStatus status = Poco::Net::HTTPResponse::HTTP_OK);

    AdminIdentity actor_;
};

// GET /v1/pupils/{pupilId}
class PupilHandler : public AdminHandler {
public:
    PupilHandler(ServiceContext& context, std::string id)
        : AdminHandler(context, AdminAccess::read), id_(std::move(id)) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string id_;
};

// POST /v1/pupils/{pupilId}/merge  {"with", "reason"}
class PupilMergeHandler : public AdminHandler {
public:
    PupilMergeHandler(ServiceContext& context, std::string id)
        : AdminHandler(context, AdminAccess::write), id_(std::move(id)) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string id_;
};

// POST /v1/merges/{mergeId}/undo  {"reason"}
class MergeUndoHandler : public AdminHandler {
public:
    MergeUndoHandler(ServiceContext& context, std::string id)
        : AdminHandler(context, AdminAccess::write), id_(std::move(id)) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string id_;
};

// GET /v1/families/{familyId}[?on=YYYY-MM-DD]
class FamilyHandler : public AdminHandler {
public:
    FamilyHandler(ServiceContext& context, std::string id)
        : AdminHandler(context, AdminAccess::read), id_(std::move(id)) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string id_;
};

// GET /v1/link-reviews[?status=open|matched|rejected|all]
class LinkReviewsHandler : public AdminHandler {
public:
    explicit LinkReviewsHandler(ServiceContext& context) : AdminHandler(context, AdminAccess::read) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

// POST /v1/link-reviews/{reviewId}/decision  {"decision": "match"|"no_match", "reason"}
class LinkReviewDecisionHandler : public AdminHandler {
public:
    LinkReviewDecisionHandler(ServiceContext& context, std::string id)
        : AdminHandler(context, AdminAccess::write), id_(std::move(id)) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string id_;
};

}  // namespace eenplan::service
