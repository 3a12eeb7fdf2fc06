// The route table (service/http/routes.cpp): one row per method and pattern, and the matcher that
// the router and the metrics label share.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "http/routes.hpp"

using namespace eenplan::service;

SCENARIO("the route table names every route once", "[http]") {
    std::set<std::string> seen;
    for (const Route& r : routes()) {
        INFO(r.method << " " << r.pattern);
        CHECK(std::string(r.pattern).starts_with("/"));
        CHECK(seen.insert(std::string(r.method) + " " + r.pattern).second);
        CHECK(r.make != nullptr);
    }
    CHECK(seen.count("POST /v1/sources/{sourceId}/signals") == 1);
    CHECK(seen.count("GET /metrics") == 1);
}

SCENARIO("a pattern matches whole segments and hands out its parameters", "[http]") {
    std::vector<std::string> params;
    CHECK(match_pattern("/v1/pupils/{pupilId}", {"v1", "pupils", "p-1"}, params));
    CHECK(params == std::vector<std::string>{"p-1"});
    CHECK(match_pattern("/v1/sources/{sourceId}/las/{vendor}", {"v1", "sources", "s", "las", "magister"}, params));
    CHECK(params == std::vector<std::string>{"s", "magister"});
    CHECK(match_pattern("/healthz", {"healthz"}, params));
    CHECK(params.empty());
    CHECK_FALSE(match_pattern("/v1/pupils/{pupilId}", {"v1", "pupils"}, params));
    CHECK_FALSE(match_pattern("/v1/pupils/{pupilId}", {"v1", "pupils", "p", "merge"}, params));
    CHECK_FALSE(match_pattern("/v1/pupils/{pupilId}", {"v1", "pupils", ""}, params));
    CHECK_FALSE(match_pattern("/v1/pupils/{pupilId}", {"v1", "families", "p"}, params));
    CHECK_FALSE(match_pattern("/healthz", {}, params));
}
