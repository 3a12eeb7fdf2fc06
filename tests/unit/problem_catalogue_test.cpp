// The problem catalogue (service/http/problem.cpp): one problem type, one status, one title.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "http/problem.hpp"

using namespace eenplan::service;

SCENARIO("every problem type has one status", "[http]") {
    std::set<std::string> slugs;
    for (int t = 0; t <= static_cast<int>(ProblemType::not_ready); ++t) {
        const ProblemKind& kind = describe(static_cast<ProblemType>(t));
        INFO(kind.type);
        CHECK(slugs.insert(kind.type).second);
        REQUIRE(find_problem_kind(kind.type) == &kind);
        CHECK(std::string(kind.title).size() > 0);
    }
    THEN("a body that breaks its schema is 422, a bad query parameter or unparsable JSON 400") {
        CHECK(describe(ProblemType::invalid_request).status == Poco::Net::HTTPResponse::HTTP_UNPROCESSABLE_ENTITY);
        CHECK(describe(ProblemType::invalid_signal).status == Poco::Net::HTTPResponse::HTTP_UNPROCESSABLE_ENTITY);
        CHECK(describe(ProblemType::invalid_query).status == Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
        CHECK(describe(ProblemType::malformed_json).status == Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
    }
    CHECK(find_problem_kind("no-such-type") == nullptr);
}
