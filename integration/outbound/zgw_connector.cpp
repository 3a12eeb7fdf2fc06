#include "outbound/zgw_connector.hpp"

#include <ctime>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include "outbound/task_json.hpp"
#include "outbound/webhook_connector.hpp"
#include "outbound/zgw_token.hpp"

namespace eenplan::integration {
namespace {

std::string date_of(std::int64_t epoch_s) {
    const auto t = static_cast<std::time_t>(epoch_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[11];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
    return buffer;
}

std::string datetime_of(std::int64_t epoch_s) {
    const auto t = static_cast<std::time_t>(epoch_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[21];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

std::string encode(const std::string& value) {
    std::string out;
    Poco::URI::encode(value, "&=?/:#+", out);
    return out;
}

// The first result's url of a paginated ZGW list answer ({"count", "results": [...]}), if any.
std::optional<std::string> first_url(const std::string& body) {
    try {
        const auto o = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
        const auto results = o->getArray("results");
        if (!results || results->size() == 0) return std::nullopt;
        return results->getObject(0)->getValue<std::string>("url");
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

ConnectorAnswer failed(const HttpReply& reply, const char* step, std::int64_t now_s) {
    ConnectorAnswer answer;
    answer.status = reply.status;
    answer.error = std::string(step) + ": " + (reply.status == 0 ? reply.error : describe_status(reply.status));
    if (const auto it = reply.headers.find("retry-after"); it != reply.headers.end()) {
        answer.retry_after = parse_retry_after(it->second, now_s);
    }
    return answer;
}

bool ok(const HttpReply& reply) { return reply.status >= 200 && reply.status < 300; }

}  // namespace

std::string zaak_identificatie(const std::string& delivery_id) { return ("EP-" + delivery_id).substr(0, 40); }

ZgwZakenConnector::ZgwZakenConnector(ZgwEndpoint endpoint)
    : endpoint_(std::move(endpoint)),
      root_path_(Poco::URI(endpoint_.zaken_api).getPath()),
      client_(endpoint_.zaken_api, endpoint_.ca_file, endpoint_.timeout) {
    while (!root_path_.empty() && root_path_.back() == '/') root_path_.pop_back();
}

HttpReply ZgwZakenConnector::call(const std::string& method, const std::string& path, const std::string& body,
                                  std::int64_t now_s) {
    std::map<std::string, std::string> headers{
        {"authorization", "Bearer " + zgw_token(endpoint_.client_id, endpoint_.secret, now_s)},
        {"accept", "application/json"},
        {"accept-crs", "EPSG:4326"}};
    if (method != "GET") {
        headers["content-type"] = "application/json";
        headers["content-crs"] = "EPSG:4326";
    }
    return client_.send(method, root_path_ + path, headers, body);
}

ConnectorAnswer ZgwZakenConnector::deliver(const OutboundDelivery& d) {
    const auto task = task_from_json(d.payload);
    if (!task) return {422, "the stored task cannot be read", std::nullopt, std::nullopt};
    const std::string identificatie = zaak_identificatie(d.delivery_id);
    const std::string lookup =
        "/zaken?identificatie=" + encode(identificatie) + "&bronorganisatie=" + encode(endpoint_.bronorganisatie);

    HttpReply found = call("GET", lookup, "", d.now_s);
    if (!ok(found)) return failed(found, "looking up the zaak", d.now_s);
    std::optional<std::string> zaak_url = first_url(found.body);
    if (!zaak_url) {
        Poco::JSON::Object zaak(Poco::JSON_PRESERVE_KEY_ORDER);
        zaak.set("identificatie", identificatie);
        zaak.set("bronorganisatie", endpoint_.bronorganisatie);
        zaak.set("zaaktype", endpoint_.zaaktype);
        zaak.set("verantwoordelijkeOrganisatie", endpoint_.verantwoordelijke_organisatie);
        zaak.set("startdatum", date_of(d.now_s));
        zaak.set("uiterlijkeEinddatumAfdoening", task->due_date);
        zaak.set("omschrijving", task->type.substr(0, 80));
        zaak.set("toelichting", "eenplan-taak " + task->task_id + "; referentie " + task->reference);
        zaak.set("vertrouwelijkheidaanduiding", "vertrouwelijk");
        Poco::JSON::Array::Ptr kenmerken = new Poco::JSON::Array;
        Poco::JSON::Object::Ptr pseudonym = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        pseudonym->set("kenmerk", task->subject);
        pseudonym->set("bron", "eenplan:pseudoniem");
        kenmerken->add(pseudonym);
        Poco::JSON::Object::Ptr task_id = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        task_id->set("kenmerk", task->task_id);
        task_id->set("bron", "eenplan:taak");
        kenmerken->add(task_id);
        // A notification's coded facts (BRIN, date, reason code, woongemeente) as kenmerken too.
        const std::pair<const char*, const std::string*> facts[] = {
            {"eenplan:brin", &task->facts.school_brin},
            {"eenplan:datum", &task->facts.date},
            {"eenplan:reden", &task->facts.reason_code},
            {"eenplan:woongemeente", &task->facts.woongemeente}};
        for (const auto& [bron, value] : facts) {
            if (value->empty()) continue;
            Poco::JSON::Object::Ptr fact = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            fact->set("kenmerk", *value);
            fact->set("bron", std::string(bron));
            kenmerken->add(fact);
        }
        zaak.set("kenmerken", kenmerken);
        const HttpReply created = call("POST", "/zaken", stringify(zaak), d.now_s);
        if (ok(created)) {
            zaak_url = first_url(R"({"results":[)" + created.body + "]}");
        } else if (created.status == 400) {
            // Open Zaak refuses a second zaak with the same identificatie: an earlier attempt whose
            // answer was lost made it. Find that one.
            found = call("GET", lookup, "", d.now_s);
            if (ok(found)) zaak_url = first_url(found.body);
        }
        if (!zaak_url) return failed(created, "creating the zaak", d.now_s);
    }

    const HttpReply statuses = call("GET", "/statussen?zaak=" + encode(*zaak_url), "", d.now_s);
    if (!ok(statuses)) return failed(statuses, "looking up the zaak's status", d.now_s);
    if (!first_url(statuses.body)) {
        Poco::JSON::Object status(Poco::JSON_PRESERVE_KEY_ORDER);
        status.set("zaak", *zaak_url);
        status.set("statustype", endpoint_.statustype);
        status.set("datumStatusGezet", datetime_of(d.now_s));
        status.set("statustoelichting", "aangemaakt door eenplan");
        const HttpReply set = call("POST", "/statussen", stringify(status), d.now_s);
        if (!ok(set)) return failed(set, "setting the zaak's status", d.now_s);
    }
    return {201, {}, std::nullopt, zaak_url};
}

}  // namespace eenplan::integration
