#include "http/audit_handlers.hpp"

#include <Poco/JSON/Array.h>

#include "audit/audit_trail.hpp"
#include "common/ids.hpp"
#include "http/problem.hpp"
#include "http/query.hpp"

namespace eenplan::service {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

}  // namespace

Result<AuditQuery> parse_audit_query(const std::string& uri) {
    const auto query = parse_query(uri);
    if (!query) return query.problems();
    AuditQuery out;
    Problems problems;
    for (const auto& [key, value] : query->parameters()) {
        if (key == "after") {
            const auto n = whole_number(value, 0, 1'000'000'000'000'000LL);
            if (n)
                out.after = *n;
            else
                problems.push_back({"/after", "must be a sequence number, 0 or more"});
        } else if (key == "limit") {
            const auto n = whole_number(value, 1, 1000);
            if (n)
                out.limit = static_cast<int>(*n);
            else
                problems.push_back({"/limit", "must be 1 to 1000"});
        } else if (key == "actor") {
            if (value.empty() || value.size() > 256)
                problems.push_back({"/actor", "must be a token subject of 1 to 256 characters"});
            out.actor = value;
        } else if (key == "object") {
            if (!is_hub_id(value)) problems.push_back({"/object", "must be an id the hub made"});
            out.object = value;
        } else {
            problems.push_back({"", "a parameter is not one of this resource's"});
        }
    }
    if (!problems.empty()) return problems;
    return out;
}

Poco::JSON::Object::Ptr audit_entry_json(const audit::ChainedEntry& stored) {
    const audit::AuditEntry& e = stored.entry;
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("sequence", static_cast<Poco::Int64>(e.sequence));
    o->set("at_us", static_cast<Poco::Int64>(e.at_us));
    o->set("actor", e.actor);
    if (!e.on_behalf_of.empty()) o->set("on_behalf_of", e.on_behalf_of);
    o->set("role", e.role);
    o->set("method", e.method);
    o->set("route", e.route);
    Poco::JSON::Array::Ptr ids = new Poco::JSON::Array;
    for (const std::string& id : e.object_ids) ids->add(id);
    o->set("object_ids", ids);
    o->set("outcome", e.outcome);
    return o;
}

void AuditTrailHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto query = parse_audit_query(request.getURI());
    if (!query) {
        return send_problem(response, {Status::HTTP_BAD_REQUEST, "invalid-query", "The query is not valid",
                                       "after, limit, actor and object are the parameters", query.problems()});
    }
    const auto& [after, limit, actor, object] = query.value();
    if (!object.empty()) note_object(object);
    const auto entries = context_.audit->list(after, limit, actor, object);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    long long last = after;
    for (const audit::ChainedEntry& stored : entries) {
        Poco::JSON::Object::Ptr o = audit_entry_json(stored);
        o->set("hash", stored.hash);
        list->add(o);
        last = stored.entry.sequence;
    }
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("entries", list);
    out->set("next_after", static_cast<Poco::Int64>(last));
    send_json(response, out);
}

void AuditVerificationHandler::serve(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    const AuditTrail::Verification result = context_.audit->verify();
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("intact", !result.broken.has_value());
    out->set("checked", static_cast<Poco::Int64>(result.checked));
    out->set("written", static_cast<Poco::Int64>(result.written));
    if (result.broken) {
        Poco::JSON::Object::Ptr broken = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        broken->set("sequence", static_cast<Poco::Int64>(result.broken->sequence));
        broken->set("detail", result.broken->detail);
        out->set("broken", broken);
    }
    send_json(response, out);
}

}  // namespace eenplan::service
