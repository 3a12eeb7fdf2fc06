// The metrics' method label (issue 12, finding 5): whatever method a client sends, the label takes
// one of a fixed set of values, so the series stay bounded and the exposition stays valid UTF-8.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include <Poco/UTF8String.h>
#include <Poco/Unicode.h>
#include <Poco/TextIterator.h>
#include <Poco/UTF8Encoding.h>

#include "observability/metrics.hpp"

using eenplan::service::Metrics;

namespace {

bool valid_utf8(const std::string& text) {
    Poco::UTF8Encoding utf8;
    Poco::TextIterator it(text, utf8);
    Poco::TextIterator end(text);
    for (; it != end; ++it) {
        if (*it < 0) return false;
    }
    return true;
}

std::set<std::string> method_labels(const std::string& exposition) {
    std::set<std::string> labels;
    for (std::size_t at = exposition.find("method=\""); at != std::string::npos;
         at = exposition.find("method=\"", at + 1)) {
        const std::size_t start = at + 8;
        labels.insert(exposition.substr(start, exposition.find('"', start) - start));
    }
    return labels;
}

}  // namespace

SCENARIO("unknown methods share one bounded label", "[security][metrics]") {
    GIVEN("the known methods") {
        for (const char* m : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"}) {
            CHECK(Metrics::method_label(m) == m);
        }
    }
    GIVEN("requests with invented, lower-case, binary and huge methods") {
        Metrics metrics;
        metrics.observe_request("unmatched", "GET", 404, 0.001);
        metrics.observe_request("unmatched", "get", 404, 0.001);
        metrics.observe_request("unmatched", "BREW", 404, 0.001);
        metrics.observe_request("unmatched", std::string("\xff\xfe\x80", 3), 404, 0.001);
        metrics.observe_request("unmatched", std::string("G\0T", 3), 404, 0.001);
        metrics.observe_request("unmatched", std::string(10000, 'X'), 404, 0.001);
        for (int i = 0; i < 1000; ++i) metrics.observe_request("unmatched", "M" + std::to_string(i), 404, 0.001);
        const std::string text = metrics.render();
        THEN("they are all counted under \"other\", and the exposition is valid UTF-8") {
            CHECK(method_labels(text) == std::set<std::string>{"GET", "other"});
            CHECK(valid_utf8(text));
            CHECK(text.find(R"(method="other",route="unmatched",status="404"} 1005)") != std::string::npos);
        }
    }
}
