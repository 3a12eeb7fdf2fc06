#include "http/test_clock_handler.hpp"

#include <chrono>
#include <sstream>

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include "http/problem.hpp"
#include "http/request_body.hpp"
#include "http/response.hpp"

namespace eenplan::service {
namespace {

constexpr long long max_step_seconds = 366LL * 24 * 3600;

void send_now(Poco::Net::HTTPServerResponse& response, const Clock& clock) {
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("now", Poco::DateTimeFormatter::format(Poco::Timestamp(clock.now_us()), "%Y-%m-%dT%H:%M:%S.%FZ"));
    body.set("now_us", clock.now_us());
    body.set("today", routeboek::format_day(clock.today()));
    std::ostringstream text;
    body.stringify(text);
    send_body(response, "application/json", text.str());
}

}  // namespace

void TestClockHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    ManualClock* clock = context_.test_clock;
    if (clock == nullptr) return send_not_found(response, "no resource at this path");  // the router never gets here
    if (request.getMethod() == "GET") return send_now(response, *clock);

    const auto text = read_body(request, 1024);
    if (!text) return send_problem(response, ProblemType::body_too_large, "a clock request may be at most 1024 bytes");
    long long step = 0;
    try {
        const auto object = Poco::JSON::Parser().parse(*text).extract<Poco::JSON::Object::Ptr>();
        const Poco::Dynamic::Var value = object ? object->get("advance_seconds") : Poco::Dynamic::Var();
        if (value.isInteger()) step = value.convert<long long>();
    } catch (const Poco::Exception&) {
        return send_problem(response, ProblemType::malformed_json, "the body is not a JSON object");
    }
    if (step < 1 || step > max_step_seconds) {
        return send_problem(response, ProblemType::invalid_request, "the clock only moves forward",
                            {Problem{"/advance_seconds", "must be a whole number of seconds from 1 to one year"}});
    }
    clock->advance(std::chrono::seconds(step));  // its listeners wake the plan worker and the dispatcher
    send_now(response, *clock);
}

}  // namespace eenplan::service
