// eenplan-school-sim: plays one or more schools' administration systems (LAS) sending signed
// signals to the hub: enrolments, then weeks of absence for some pupils, one explained by illness,
// and one pupil of the first school de-enrolled four weeks ago whom no school has enrolled since.
// A school given with a public key pseudonymises at source: it sends subject.polymorphic, a fresh
// encryption of the BSN per signal, instead of the BSN itself.
#include <chrono>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <vector>

#include <Poco/JSON/Object.h>
#include <Poco/Util/Application.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StringTokenizer.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include "eenplan/core/person_number.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "eenplan/core/routeboek/calendar.hpp"
#include "eenplan/core/standard_webhooks.hpp"
#include "outbound/webhook_sender.hpp"
#include "synthetic_people.hpp"

namespace {

using Poco::Util::Option;

struct School {
    std::string source_id;
    std::string brin;
    std::string gemeentecode;
    eenplan::Bytes secret;
    std::optional<eenplan::PolymorphicPublicKey> public_key;  // set: pseudonymise at source
};

std::string date_plus_days(std::time_t base, int days) {
    const std::time_t t = base + static_cast<std::time_t>(days) * 86400;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[11];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
    return buffer;
}

std::string signal_json(const std::string& type, const eenplan::PersonNumber& pupil, const School& school,
                        Poco::JSON::Object::Ptr data, const std::string& occurred_at) {
    Poco::JSON::Object signal;
    signal.set("type", type);
    signal.set("occurred_at", occurred_at);
    Poco::JSON::Object::Ptr subject = new Poco::JSON::Object;
    if (school.public_key) {
        subject->set("polymorphic", eenplan::encrypt_at_source(*school.public_key, pupil).to_string());
    } else {
        subject->set("bsn", std::string(pupil.digits_for_keyed_use()));
    }
    signal.set("subject", subject);
    Poco::JSON::Object::Ptr school_ref = new Poco::JSON::Object;
    school_ref->set("brin", school.brin);
    school_ref->set("gemeentecode", school.gemeentecode);
    signal.set("school", school_ref);
    signal.set("data", data);
    std::ostringstream out;
    signal.stringify(out);
    return out.str();
}

class SchoolSimulator : public Poco::Util::Application {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override {
        Application::defineOptions(options);
        options.addOption(
            Option("help", "h", "show the options")
                .callback(Poco::Util::OptionCallback<SchoolSimulator>(this, &SchoolSimulator::on_option)));
        options.addOption(
            Option("url", "u", "the hub's base URL, e.g. https://127.0.0.1:8443")
                .required(true)
                .argument("url")
                .callback(Poco::Util::OptionCallback<SchoolSimulator>(this, &SchoolSimulator::on_option)));
        options.addOption(
            Option("ca", "", "PEM certificate to trust for https")
                .argument("file")
                .callback(Poco::Util::OptionCallback<SchoolSimulator>(this, &SchoolSimulator::on_option)));
        options.addOption(
            Option("school", "s",
                   "a school as source-id:BRIN:gemeentecode:whsec_secret[:public-key-hex] (repeatable); "
                   "with the hub's public key the school pseudonymises at source")
                .required(true)
                .repeatable(true)
                .argument("school")
                .callback(Poco::Util::OptionCallback<SchoolSimulator>(this, &SchoolSimulator::on_option)));
        options.addOption(
            Option("pupils", "p", "pupils per school (default 3)")
                .argument("n")
                .callback(Poco::Util::OptionCallback<SchoolSimulator>(this, &SchoolSimulator::on_option)));
    }

    void on_option(const std::string& name, const std::string& value) {
        if (name == "help") {
            Poco::Util::HelpFormatter help(options());
            help.setCommand(commandName());
            help.setHeader("Sends signed signals as two schools' administration systems would.");
            help.format(std::cout);
            stopOptionsProcessing();
            help_ = true;
        } else if (name == "url") {
            url_ = value;
        } else if (name == "ca") {
            ca_ = value;
        } else if (name == "pupils") {
            pupils_ = std::stoi(value);
        } else if (name == "school") {
            Poco::StringTokenizer parts(value, ":");
            if (parts.count() != 4 && parts.count() != 5) {
                throw Poco::InvalidArgumentException("--school wants source-id:BRIN:gemeentecode:secret[:public-key]");
            }
            auto secret = eenplan::webhooks::parse_secret(parts[3]);
            if (!secret) throw Poco::InvalidArgumentException("--school: " + secret.problems()[0].detail);
            std::optional<eenplan::PolymorphicPublicKey> key;
            if (parts.count() == 5) {
                const auto bytes = eenplan::hex_decode(parts[4]);
                auto parsed = eenplan::PolymorphicPublicKey::from_bytes(bytes.value_or(eenplan::Bytes{}), "");
                if (!parsed) throw Poco::InvalidArgumentException("--school: the public key is not a P-256 point");
                key = std::move(parsed).value();
            }
            schools_.push_back({parts[0], parts[1], parts[2], secret.value(), std::move(key)});
        }
    }

    int main(const std::vector<std::string>&) override {
        if (help_) return EXIT_OK;
        if (url_.rfind("https", 0) == 0) Poco::Net::initializeSSL();
        // Dates are the school's, so Dutch civil dates (the hub plans on them too): "now" on the
        // Amsterdam wall clock, formatted as if it were UTC.
        const auto instant = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        const std::time_t now =
            std::chrono::system_clock::to_time_t(instant + eenplan::routeboek::amsterdam_offset(instant));
        const std::time_t term_start = now - 6 * 7 * 86400;  // six weeks ago
        int failures = 0;
        std::uint32_t pupil_number = 0;

        std::cout << std::left << std::setw(20) << "school" << std::setw(20) << "pupil" << std::setw(19) << "signal"
                  << std::setw(8) << "answer"
                  << "signal_id\n";
        for (const School& school : schools_) {
            eenplan::integration::WebhookSender sender(
                {url_ + "/v1/sources/" + school.source_id + "/signals", ca_, std::chrono::seconds(10)});
            for (int p = 0; p < pupils_; ++p, ++pupil_number) {
                // Pupil 0 of the second school also attended the first: the hub must link them.
                const std::uint32_t who = (p == 0 && &school != &schools_.front()) ? 0 : pupil_number;
                const auto pupil = eenplan::PersonNumber::parse(eenplan::PersonNumberKind::bsn,
                                                                eenplan::simulators::synthetic_bsn(who), "")
                                       .value();
                const std::string shown = pupil.to_string() + (school.public_key ? " (pp)" : "");
                auto send = [&](const std::string& type, Poco::JSON::Object::Ptr data, const std::string& occurred) {
                    const std::string body = signal_json(type, pupil, school, data, occurred);
                    const std::string id = "msg_" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
                    const auto response = sender.post(id, Poco::Timestamp().epochTime(), body, school.secret);
                    std::string signal_id = "-";
                    if (response.status / 100 == 2) {
                        signal_id = response.body.substr(response.body.find(':') + 2, 36);
                    } else {
                        ++failures;
                        signal_id = response.body;
                    }
                    std::cout << std::setw(20) << school.source_id << std::setw(20) << shown << std::setw(19) << type
                              << std::setw(8) << response.status << signal_id << "\n";
                };
                Poco::JSON::Object::Ptr enrol = new Poco::JSON::Object;
                enrol->set("start_date", date_plus_days(term_start, 0));
                enrol->set("sector", "po");
                send("enrolment.started", enrol, date_plus_days(term_start, 0) + "T08:00:00Z");

                // Pupil 0 of each school stops coming: four weekly reports of unexplained absence.
                // Pupil 1 is ill for a week. The others attend.
                for (int week = 0; p == 0 && week < 4; ++week) {
                    Poco::JSON::Object::Ptr absence = new Poco::JSON::Object;
                    absence->set("absence_kind", "ongeoorloofd");
                    absence->set("from", date_plus_days(term_start, 14 + 7 * week));
                    absence->set("to", date_plus_days(term_start, 18 + 7 * week));
                    absence->set("hours", 25);
                    send("absence.reported", absence, date_plus_days(term_start, 18 + 7 * week) + "T16:00:00Z");
                }
                // Pupil 2 of the first school moves away and is de-enrolled four weeks ago; no
                // school reports an enrolment since: absoluut verzuim.
                if (p == 2 && &school == &schools_.front()) {
                    Poco::JSON::Object::Ptr uit = new Poco::JSON::Object;
                    uit->set("end_date", date_plus_days(term_start, 14));
                    uit->set("reason", "verhuizing");
                    send("enrolment.ended", uit, date_plus_days(term_start, 14) + "T12:00:00Z");
                }
                if (p == 1) {
                    Poco::JSON::Object::Ptr illness = new Poco::JSON::Object;
                    illness->set("absence_kind", "ziekte");
                    illness->set("from", date_plus_days(term_start, 21));
                    illness->set("to", date_plus_days(term_start, 25));
                    send("absence.reported", illness, date_plus_days(term_start, 25) + "T16:00:00Z");
                }
            }
        }
        return failures == 0 ? EXIT_OK : EXIT_SOFTWARE;
    }

private:
    bool help_ = false;
    std::string url_;
    std::optional<std::string> ca_;
    int pupils_ = 3;
    std::vector<School> schools_;
};

}  // namespace

POCO_APP_MAIN(SchoolSimulator)
