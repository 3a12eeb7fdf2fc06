// GET|POST /v1/test/clock: the service's manual clock, for tests against the real binary. The
// route exists only when the test-only setting `testing.manual_clock` is on (which the
// configuration refuses unless the service listens on loopback only); otherwise it is a 404 like
// any unknown path, so no request can move a deployed service's time.
#pragma once

#include "http/route_handler.hpp"

namespace eenplan::service {

class TestClockHandler : public RouteHandler {
public:
    explicit TestClockHandler(ServiceContext& context) : RouteHandler(context) {}

protected:
    // GET: {"now": RFC 3339 UTC, "now_us", "today": the Dutch date}. POST {"advance_seconds": n}
    // (1 .. one year) moves the clock forward, wakes the workers that wait for time, and answers
    // as GET does.
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

}  // namespace eenplan::service
