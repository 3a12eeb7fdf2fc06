// A service with two schools, a youth team and a municipality as sources, and small builders for
// the signals and admin requests the record tests send.
#pragma once

#include <string>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include "outbound/webhook_sender.hpp"
#include "support/service_process.hpp"
#include "synthetic_people.hpp"

namespace eenplan::testing {

inline const TestSource& youth_team() {
    static const TestSource source{"jeugdteam-den-haag", {"whsec_amV1Z2R0ZWFtLWRlbi1oYWFnLXRlc3Qtc2VjcmV0ISE="}};
    return source;
}

inline const TestSource& municipality() {
    static const TestSource source{"gemeente-den-haag", {"whsec_Z2VtZWVudGUtZGVuLWhhYWctYnJwLXRlc3Qtc2VjcmV0"}};
    return source;
}

inline Poco::JSON::Object::Ptr json_object(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

inline std::string bsn_subject(const std::string& bsn) { return R"({"bsn":")" + bsn + R"("})"; }
inline std::string onr_subject(const std::string& onr) { return R"({"onderwijsnummer":")" + onr + R"("})"; }

inline std::string enrolment(const std::string& subject, const std::string& brin = "12AB",
                             const std::string& sector = "po") {
    return R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":)" + subject +
           R"(,"school":{"brin":")" + brin +
           R"(","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24","sector":")" + sector + R"("}})";
}

inline std::string support_started(const std::string& subject) {
    return R"({"type":"support.started","occurred_at":"2026-09-01T10:00:00Z","subject":)" + subject +
           R"(,"data":{"start_date":"2026-09-01","provider":"jeugdteam"}})";
}

inline std::string household(const std::vector<std::pair<std::string, std::string>>& members,
                             const std::string& gemeente, const std::string& date) {
    std::string list;
    for (const auto& [role, subject] : members) {
        list += (list.empty() ? "" : ",") + std::string(R"({"role":")") + role + R"(","subject":)" + subject + "}";
    }
    return R"({"type":"household.composition","occurred_at":")" + date + R"(T09:00:00Z","data":{"gemeentecode":")" +
           gemeente + R"(","members":[)" + list + "]}}";
}

inline std::string moved(const std::string& subject, const std::string& gemeente, const std::string& date) {
    return R"({"type":"person.moved","occurred_at":")" + date + R"(T09:00:00Z","subject":)" + subject +
           R"(,"data":{"gemeentecode":")" + gemeente + R"(","date":")" + date + R"("}})";
}

struct RecordFixture {
    TempDir dir;
    TestStore store{dir.path()};
    ServiceProcess service{store, dir.path(), options()};
    const std::string admin = admin_token("admin@gemeente.example", {"admin"});
    int sent = 0;

    static ServiceOptions options() {
        ServiceOptions o;
        o.sources = {school_a(), school_b(), youth_team(), municipality()};
        return o;
    }

    integration::WebhookResponse send(const TestSource& source, const std::string& body) {
        integration::WebhookSender sender({service.signals_url(source.id), std::nullopt, std::chrono::seconds(10)});
        return sender.post("msg_" + std::to_string(++sent), Poco::Timestamp().epochTime(), body, source.secret_bytes());
    }
    // Sends and requires a 202.
    std::string accept(const TestSource& source, const std::string& body) {
        const auto r = send(source, body);
        INFO(r.body);
        REQUIRE(r.status == 202);
        return json_object(r.body)->getValue<std::string>("signal_id");
    }

    HttpAnswer get(const std::string& path, const std::string& token) const {
        return service.request("GET", path, "", token);
    }
    HttpAnswer post(const std::string& path, const std::string& body, const std::string& token) const {
        return service.request("POST", path, body, token);
    }
    Poco::JSON::Object::Ptr get_ok(const std::string& path) const {
        const auto r = get(path, admin);
        INFO(path << ": " << r.body);
        REQUIRE(r.status == 200);
        return json_object(r.body);
    }
    // The pupil record holding a signal.
    std::string pupil_of(const std::string& signal_id) const {
        auto sql = store.session();
        std::string pupil;
        *sql << "SELECT pupil_id FROM signal_links WHERE signal_id = :s", soci::use(signal_id), soci::into(pupil);
        return pupil;
    }
};

// The ids of the signals on a pupil record view, sorted.
inline std::vector<std::string> signal_ids(const Poco::JSON::Object::Ptr& pupil) {
    std::vector<std::string> ids;
    const auto signals = pupil->getArray("signals");
    for (std::size_t i = 0; i < signals->size(); ++i) {
        ids.push_back(signals->getObject(static_cast<unsigned>(i))->getValue<std::string>("signal_id"));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

inline std::vector<std::string> identifier_kinds(const Poco::JSON::Object::Ptr& pupil) {
    std::vector<std::string> kinds;
    const auto ids = pupil->getArray("identifiers");
    for (std::size_t i = 0; i < ids->size(); ++i)
        kinds.push_back(ids->getObject(static_cast<unsigned>(i))->getValue<std::string>("kind"));
    std::sort(kinds.begin(), kinds.end());
    return kinds;
}

}  // namespace eenplan::testing
