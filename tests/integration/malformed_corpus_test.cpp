// Runs tests/security/malformed_corpus.sh (bash + curl, as an operator would) against the real
// eenplan-service: every case answers 4xx problem+json and the service stays up; afterwards
// nothing was stored. Store named by EENPLAN_TEST_STORE.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "support/service_process.hpp"

using namespace eenplan::testing;

namespace {
constexpr const char* notification_auth = "Token 0f1e2d3c4b5a69788796a5b4c3d2e1f0";
}

SCENARIO("the malformed-input corpus is refused case by case", "[security][ingest]") {
    TempDir dir;
    TestStore store{dir.path()};
    ServiceOptions options;
    options.source_extra =
        "    school: {brin: 12AB, gemeentecode: GM0518}\n"
        "    notifications:\n"
        "      authorization: \"" +
        std::string(notification_auth) +
        "\"\n"
        "      zaken_api: http://127.0.0.1:9/zaken/api/v1\n"
        "      client_id: eenplan\n      secret: zgw-secret-of-at-least-32-characters-long\n"
        "      zaaktypes: [{zaaktype: \"http://127.0.0.1:9/catalogi/api/v1/zaaktypen/jeugdhulp\", provider: "
        "jeugdteam}]\n";
    ServiceProcess service{store, dir.path(), options};
    const std::string script = std::string(std::getenv("EENPLAN_SOURCE_DIR")) + "/tests/security/malformed_corpus.sh";
    const auto log = dir.path() / "corpus.log";
    const std::string status =
        run_command("bash " + script + " " + service.base_url() + " school-a " + school_a().secrets.at(0) + " '" +
                    notification_auth + "' >" + log.string() + " 2>&1; echo $?");
    std::ifstream in(log);
    const std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO(output);
    CHECK(status == "0\n");
    CHECK(output.find("malformed corpus:") != std::string::npos);
    CHECK(store.count("signals") == 0);
    CHECK(service.get("/healthz").status == 200);
    WARN(output);
}
