#include "http/privacy_handlers.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include <Poco/JSON/Array.h>

#include "audit/audit_trail.hpp"
#include "common/ids.hpp"
#include "http/audit_handlers.hpp"
#include "eenplan/core/date_time.hpp"
#include "http/problem.hpp"
#include "http/query.hpp"
#include "http/response.hpp"
#include "http/subject_access_page.hpp"
#include "privacy/privacy_codec.hpp"
#include "privacy/privacy_store.hpp"

namespace eenplan::service {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

PrivacyStore& store_of(ServiceContext& context) {
    if (context.privacy == nullptr) throw std::logic_error("the privacy store is not wired");
    return *context.privacy;
}

Poco::JSON::Array::Ptr strings(const std::vector<std::string>& items) {
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    for (const std::string& i : items) a->add(i);
    return a;
}

Poco::JSON::Object::Ptr agreement_json(const StoredAgreement& a) {
    Poco::JSON::Object::Ptr o = parse_object(to_text(a.document));  // a copy
    o->set("created_by", a.created_by);
    o->set("created_at_us", static_cast<Poco::Int64>(a.created_at_us));
    return o;
}

Poco::JSON::Object::Ptr consent_json(const StoredConsent& c) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("consent_id", c.consent_id);
    o->set("pupil", c.pupil_id);
    for (const std::string& key : c.document->getNames()) {
        if (key != "pupil") o->set(key, c.document->get(key));
    }
    o->set("recorded_by", c.recorded_by);
    o->set("given_at_us", static_cast<Poco::Int64>(c.given_at_us));
    if (c.withdrawn_at_us) {
        o->set("withdrawn_at_us", static_cast<Poco::Int64>(*c.withdrawn_at_us));
        o->set("withdrawn_by", c.withdrawn_by.value_or(""));
    }
    o->set("correlation_id", c.correlation_id);
    return o;
}

Poco::JSON::Object::Ptr disclosure_json(const DisclosureRecord& d) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("disclosure_id", d.disclosure_id);
    o->set("disclosed_at_us", static_cast<Poco::Int64>(d.disclosed_at_us));
    o->set("recipient_id", d.recipient_id);
    if (d.pupil_id) o->set("pupil_id", *d.pupil_id);
    o->set("task_id", d.task_id);
    o->set("task_type", d.task_type);
    o->set("delivery_id", d.delivery_id);
    Poco::JSON::Object::Ptr agreement = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    agreement->set("id", d.agreement_id);
    agreement->set("version", d.agreement_version);
    o->set("agreement", agreement);
    Poco::JSON::Object::Ptr basis = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    basis->set("kind", d.legal_basis);
    if (d.basis_article) basis->set("article", *d.basis_article);
    if (d.consent_id) basis->set("consent_id", *d.consent_id);
    o->set("legal_basis", basis);
    o->set("processing_activity", d.processing_activity);
    o->set("purpose", d.purpose);
    o->set("categories", strings(d.categories));
    o->set("correlation_id", d.correlation_id);
    return o;
}

// A CSV cell (RFC 4180), quoted; a cell a spreadsheet would read as a formula is prefixed with '.
std::string csv_cell(const std::string& text) {
    std::string out = "\"";
    if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) out += '\'';
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string joined(const Poco::JSON::Array::Ptr& list) {
    std::string out;
    for (std::size_t i = 0; list && i < list->size(); ++i) {
        out += (i > 0 ? "; " : "") + list->getElement<std::string>(static_cast<unsigned>(i));
    }
    return out;
}

std::string today(ServiceContext& context) {
    return date_time::format_full_date(std::chrono::year_month_day(context.clock->today()));
}

void invalid(Poco::Net::HTTPServerResponse& response, const std::string& detail, Problems problems) {
    send_problem(response, ProblemType::invalid_request, detail, std::move(problems));
}

}  // namespace

void PrivacyHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    switch (action_) {
        case Action::list_agreements: return list_agreements(response, "");
        case Action::create_agreement: return create_agreement(request, response);
        case Action::get_agreement: return list_agreements(response, id_);
        case Action::revoke_agreement: return revoke_agreement(request, response);
        case Action::list_activities: return list_activities(request, response);
        case Action::put_activity: return put_activity(request, response);
        case Action::list_consents: return list_consents(request, response);
        case Action::give_consent: return give_consent(request, response);
        case Action::withdraw_consent: return withdraw_consent(response);
        case Action::list_disclosures: return list_disclosures(request, response);
        case Action::subject_access: return subject_access(request, response);
    }
}

void PrivacyHandler::list_agreements(Poco::Net::HTTPServerResponse& response, const std::string& only_id) {
    const auto all = store_of(context_).agreements();
    const std::string date = today(context_);
    // Per agreement: its versions, oldest first, and the one in force today.
    std::map<std::string, std::vector<const StoredAgreement*>> by_id;
    for (const StoredAgreement& a : all) {
        if (only_id.empty() || a.agreement.id == only_id) by_id[a.agreement.id].push_back(&a);
    }
    if (!only_id.empty() && by_id.empty()) return send_not_found(response, "no agreement with this id");
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& [id, versions] : by_id) {
        std::vector<policy::Agreement> values;
        for (const StoredAgreement* v : versions) values.push_back(v->agreement);
        const policy::Agreement* current = policy::applicable_version(values, date);
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("id", id);
        if (current != nullptr) o->set("version_in_force", current->version);
        Poco::JSON::Array::Ptr vs = new Poco::JSON::Array;
        for (const StoredAgreement* v : versions) vs->add(agreement_json(*v));
        o->set("versions", vs);
        list->add(o);
    }
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("date", date);
    if (!only_id.empty()) {
        send_json(response, list->getObject(0));
        return;
    }
    out->set("agreements", list);
    send_json(response, out);
}

void PrivacyHandler::create_agreement(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto body = read_body(request, response, "privacy/agreement.schema.json");
    if (!body) return;
    Problems problems = check_agreement(body);
    PrivacyStore& store = store_of(context_);
    if (!store.activity_exists(body->getValue<std::string>("processing_activity"))) {
        problems.push_back({"/processing_activity", "names no processing activity of the register"});
    }
    if (!problems.empty()) return invalid(response, "the agreement cannot be stored as it is", problems);
    Poco::JSON::Object::Ptr document = body;
    const int version = store.add_agreement_version(document, actor_.subject, context_.clock->now_us());
    response.set("Location", "/v1/privacy/agreements/" + document->getValue<std::string>("id"));
    document->set("created_by", actor_.subject);
    document->set("version", version);
    send_json(response, document, Status::HTTP_CREATED);
}

void PrivacyHandler::revoke_agreement(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto body = read_body(request, response, "privacy/agreement_revocation.schema.json");
    if (!body) return;
    PrivacyStore& store = store_of(context_);
    const StoredAgreement* last = nullptr;
    const auto all = store.agreements();
    for (const StoredAgreement& a : all) {
        if (a.agreement.id == id_ && (last == nullptr || a.agreement.version > last->agreement.version)) last = &a;
    }
    if (last == nullptr) return send_not_found(response, "no agreement with this id");
    if (last->agreement.revoked) {
        return send_problem(response, ProblemType::privacy_conflict,
                            "the agreement's latest version revokes it already");
    }
    // The revocation is the next version: the last one's content, ending validity from valid_from.
    Poco::JSON::Object::Ptr next = parse_object(to_text(last->document));
    next->remove("version");
    next->remove("valid_until");
    next->set("valid_from", body->getValue<std::string>("valid_from"));
    next->set("revoked", true);
    const int version = store.add_agreement_version(next, actor_.subject, context_.clock->now_us());
    next->set("created_by", actor_.subject);
    next->set("version", version);
    send_json(response, next, Status::HTTP_CREATED);
}

void PrivacyHandler::list_activities(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto query = parse_query(request.getURI());
    if (!query) return send_problem(response, ProblemType::invalid_query, "the query cannot be read", query.problems());
    const std::string format = query->value("format", "json");
    if (format != "json" && format != "csv") {
        return send_problem(response, ProblemType::invalid_query, "unknown format",
                            {Problem{"/format", "must be json or csv"}});
    }
    const auto activities = store_of(context_).activities();
    if (format == "csv") {
        std::ostringstream csv;
        csv << "id,name,controller,purpose,legal_basis,data_categories,subject_categories,recipients,retention\r\n";
        for (const auto& a : activities) {
            csv << csv_cell(a->getValue<std::string>("id")) << ',' << csv_cell(a->getValue<std::string>("name")) << ','
                << csv_cell(a->getValue<std::string>("controller")) << ','
                << csv_cell(a->getValue<std::string>("purpose")) << ','
                << csv_cell(a->getValue<std::string>("legal_basis")) << ','
                << csv_cell(joined(a->getArray("data_categories"))) << ','
                << csv_cell(joined(a->getArray("subject_categories"))) << ','
                << csv_cell(joined(a->getArray("recipients"))) << ',' << csv_cell(a->getValue<std::string>("retention"))
                << "\r\n";
        }
        response.set("Cache-Control", "no-store");
        response.set("Content-Disposition", "attachment; filename=\"verwerkingsregister.csv\"");
        send_body(response, "text/csv; charset=utf-8", csv.str());
        return;
    }
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& a : activities) list->add(a);
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("processing_activities", list);
    send_json(response, out);
}

void PrivacyHandler::put_activity(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto body = read_body(request, response, "privacy/processing_activity.schema.json");
    if (!body) return;
    store_of(context_).put_activity(body->getValue<std::string>("id"), body, actor_.subject, context_.clock->now_us());
    send_json(response, body, Status::HTTP_CREATED);
}

void PrivacyHandler::list_consents(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto query = parse_query(request.getURI());
    if (!query) return send_problem(response, ProblemType::invalid_query, "the query cannot be read", query.problems());
    const std::string pupil = query->value("pupil", "");
    if (!is_hub_id(pupil)) {
        return send_problem(response, ProblemType::invalid_query, "a pupil is needed",
                            {Problem{"/pupil", "must be a pupil id the hub made"}});
    }
    note_object(pupil);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const StoredConsent& c : store_of(context_).consents_of({pupil})) list->add(consent_json(c));
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("consents", list);
    send_json(response, out);
}

void PrivacyHandler::give_consent(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto body = read_body(request, response, "privacy/consent.schema.json");
    if (!body) return;
    const std::string pupil = body->getValue<std::string>("pupil");
    note_object(pupil);
    PrivacyStore& store = store_of(context_);
    if (!store.pupil_exists(pupil)) return send_not_found(response, "no pupil with this id");
    if (const Problems problems = check_consent(body); !problems.empty()) {
        return invalid(response, "the consent cannot be recorded as it is", problems);
    }
    const std::string id = store.add_consent(pupil, body, actor_.subject, context_.clock->now_us(), new_uuid());
    note_object(id);
    response.set("Location", "/v1/privacy/consents/" + id);
    send_json(response, consent_json(*store.consent(id)), Status::HTTP_CREATED);
}

void PrivacyHandler::withdraw_consent(Poco::Net::HTTPServerResponse& response) {
    PrivacyStore& store = store_of(context_);
    const WithdrawOutcome outcome = store.withdraw_consent(id_, actor_.subject, context_.clock->now_us());
    if (outcome == WithdrawOutcome::not_found) return send_not_found(response, "no consent with this id");
    const auto consent = store.consent(id_);
    note_object(consent->pupil_id);
    if (outcome == WithdrawOutcome::already) {
        return send_problem(response, ProblemType::privacy_conflict, "the consent was withdrawn already");
    }
    send_json(response, consent_json(*consent));
}

void PrivacyHandler::list_disclosures(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto query = parse_query(request.getURI());
    if (!query) return send_problem(response, ProblemType::invalid_query, "the query cannot be read", query.problems());
    DisclosureFilter filter;
    Problems problems;
    std::string pupil, family;
    for (const auto& [key, value] : query->parameters()) {
        if (key == "pupil" || key == "family") {
            if (!is_hub_id(value)) problems.push_back({"/" + key, "must be an id the hub made"});
            (key == "pupil" ? pupil : family) = value;
        } else if (key == "recipient") {
            if (value.empty() || value.size() > 63) problems.push_back({"/recipient", "must be a recipient id"});
            filter.recipient = value;
        } else if (key == "from_us" || key == "until_us") {
            const auto n = whole_number(value, 0, 4'000'000'000'000'000LL);
            if (!n) problems.push_back({"/" + key, "must be microseconds since the epoch"});
            (key == "from_us" ? filter.from_us : filter.until_us) = n.value_or(0);
        } else if (key == "limit") {
            const auto n = whole_number(value, 1, 1000);
            if (!n) problems.push_back({"/limit", "must be 1 to 1000"});
            filter.limit = static_cast<int>(n.value_or(100));
        } else {
            problems.push_back({"", "a parameter is not one of this resource's"});
        }
    }
    if (!problems.empty()) {
        return send_problem(response, ProblemType::invalid_query,
                            "pupil, family, recipient, from_us, until_us and "
                            "limit are the parameters",
                            problems);
    }
    PrivacyStore& store = store_of(context_);
    for (const std::string& id : {pupil, family}) {
        if (id.empty()) continue;
        note_object(id);
        bool is_family = false;
        auto pupils = store.subject_pupils(id, is_family);
        if (pupils.empty() || is_family != (id == family)) pupils = {"-"};  // names nobody: an empty answer
        if (filter.pupil_ids.empty()) {
            filter.pupil_ids = pupils;
        } else {  // both: the pupils in both
            std::vector<std::string> both;
            for (const std::string& p : pupils) {
                if (std::find(filter.pupil_ids.begin(), filter.pupil_ids.end(), p) != filter.pupil_ids.end())
                    both.push_back(p);
            }
            filter.pupil_ids = both.empty() ? std::vector<std::string>{"-"} : both;
        }
    }
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const DisclosureRecord& d : store.disclosures(filter)) list->add(disclosure_json(d));
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("disclosures", list);
    send_json(response, out);
}

void PrivacyHandler::subject_access(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto query = parse_query(request.getURI());
    if (!query) return send_problem(response, ProblemType::invalid_query, "the query cannot be read", query.problems());
    const std::string format = query->value("format", "json");
    if (format != "json" && format != "html") {
        return send_problem(response, ProblemType::invalid_query, "unknown format",
                            {Problem{"/format", "must be json or html"}});
    }
    if (!is_hub_id(id_)) return send_not_found(response, "no pupil or family with this id");
    PrivacyStore& store = store_of(context_);
    bool is_family = false;
    const std::vector<std::string> pupils = store.subject_pupils(id_, is_family);
    if (pupils.empty()) return send_not_found(response, "no pupil or family with this id");

    Poco::JSON::Object::Ptr report = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Object::Ptr subject = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    subject->set("id", id_);
    subject->set("kind", std::string(is_family ? "family" : "pupil"));
    subject->set("pupil_ids", strings(pupils));
    report->set("subject", subject);
    report->set("generated_at_us", static_cast<Poco::Int64>(context_.clock->now_us()));
    report->set("generated_by", actor_.subject);
    const auto held = store.holdings(pupils);
    report->set("held", held);

    Poco::JSON::Array::Ptr consents = new Poco::JSON::Array;
    for (const StoredConsent& c : store.consents_of(pupils)) consents->add(consent_json(c));
    report->set("consents", consents);

    DisclosureFilter filter;
    filter.pupil_ids = pupils;
    filter.limit = 100000;
    Poco::JSON::Array::Ptr disclosures = new Poco::JSON::Array;
    for (const DisclosureRecord& d : store.disclosures(filter)) disclosures->add(disclosure_json(d));
    report->set("disclosures", disclosures);

    // Every access: the audit trail's entries naming the subject, any of its records or families.
    std::set<std::string> ids(pupils.begin(), pupils.end());
    ids.insert(id_);
    const auto records = held->getArray("records");
    for (std::size_t i = 0; records && i < records->size(); ++i) {
        const auto r = records->getObject(static_cast<unsigned>(i));
        if (r->has("family_id")) ids.insert(r->getValue<std::string>("family_id"));
    }
    std::map<std::int64_t, audit::ChainedEntry> entries;
    for (const std::string& id : ids) {
        std::int64_t after = 0;
        for (;;) {
            const auto page = context_.audit->list(after, 1000, "", id);
            for (const auto& e : page) entries.emplace(e.entry.sequence, e);
            if (page.size() < 1000) break;
            after = page.back().entry.sequence;
        }
    }
    Poco::JSON::Array::Ptr accesses = new Poco::JSON::Array;
    for (const auto& [sequence, e] : entries) accesses->add(audit_entry_json(e));
    report->set("accesses", accesses);
    for (const std::string& p : pupils) note_object(p);

    if (format == "html") {
        response.set("Cache-Control", "no-store");
        response.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        response.set("X-Content-Type-Options", "nosniff");
        send_body(response, "text/html; charset=utf-8", subject_access_html(report));
        return;
    }
    send_json(response, report);
}

}  // namespace eenplan::service
