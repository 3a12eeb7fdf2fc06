// The routeboek dry run (--check-routeboek): the shipped scenarios pass against the shipped
// routeboeken, a changed routeboek makes a scenario fail with a sentence a coordinator can read,
// and a scenario file is outside input: checked against its schema and the signal schema.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>

#include "routeboek/routeboek_check.hpp"
#include "support/files.hpp"

using namespace eenplan;

namespace {

std::string calendar_path() { return testing::source_file("deploy/config/schoolvakanties-2026-2028.yaml").string(); }

struct Checked {
    int exit = -1;
    std::string out;
};

Checked check(const std::string& routeboek, const std::string& scenarios) {
    std::ostringstream out;
    const int exit = service::check_routeboek({routeboek, scenarios, calendar_path()}, out);
    return {exit, out.str()};
}

std::filesystem::path temp_dir(const std::string& name) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("eenplan-routeboek-check-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace

TEST_CASE("the shipped scenarios pass against the shipped routeboeken", "[routeboek][scenarios]") {
    const auto po = check(testing::shipped_routeboek_path(),
                          testing::source_file("deploy/config/scenarios/haaglanden-po").string());
    INFO(po.out);
    CHECK(po.exit == 0);
    CHECK(po.out.find("PASS kerstvakantie") != std::string::npos);
    CHECK(po.out.find(" 0 failed, 0 invalid") != std::string::npos);
    // What fired and why: the decision, its rule and its reason.
    CHECK(po.out.find("2027-01-15 escalate haaglanden-po/escalation/consecutive_absence: 4 school weeks (20 school "
                      "days)") != std::string::npos);

    const auto vo = check(testing::source_file("deploy/config/routeboek-haaglanden-vo.yaml").string(),
                          testing::source_file("deploy/config/scenarios/haaglanden-vo").string());
    INFO(vo.out);
    CHECK(vo.exit == 0);
}

SCENARIO("a routeboek change is tried with the shipped scenarios before it goes live", "[routeboek][scenarios]") {
    GIVEN("the PO routeboek with its consecutive-absence trigger changed from 4 weeks to 3") {
        std::string text = testing::read_file(testing::shipped_routeboek_path());
        const std::string from = "    weeks: 4\n";
        REQUIRE(text.find(from) != std::string::npos);
        text.replace(text.find(from), from.size(), "    weeks: 3\n");
        const auto dir = temp_dir("weeks");
        testing::write_file(dir / "routeboek.yaml", text);
        WHEN("the shipped scenarios are run against it") {
            const auto result = check((dir / "routeboek.yaml").string(),
                                      testing::source_file("deploy/config/scenarios/haaglanden-po").string());
            THEN("the Christmas scenario fails, and says when the escalation came instead") {
                INFO(result.out);
                CHECK(result.exit == 1);
                CHECK(result.out.find("FAIL kerstvakantie") != std::string::npos);
                CHECK(result.out.find("NOT MET: expected escalate escalation/consecutive_absence on 2027-01-15, but "
                                      "it did not fire; it fired on 2027-01-08 instead (3 school weeks (15 school "
                                      "days) of consecutive absence not explained by illness)") != std::string::npos);
                CHECK(result.out.find("NOT MET: expected no escalate escalation/consecutive_absence not after "
                                      "2027-01-14, but it fired: 2027-01-08 escalate") != std::string::npos);
            }
        }
        std::filesystem::remove_all(dir);
    }
}

SCENARIO("a scenario file is checked like any outside input", "[routeboek][scenarios][security]") {
    const auto dir = temp_dir("invalid");
    GIVEN("a scenario whose signal is not a valid signal") {
        testing::write_file(dir / "bad.yaml", R"(scenario: bad
family: {woongemeente: GM0518, pupils: [{id: pupil-1, brin: 12AB, gemeentecode: GM0518}]}
signals:
  - pupil: pupil-1
    signal: {type: absence.reported, occurred_at: "2026-11-02T08:00:00+01:00", school: {brin: 12AB, gemeentecode: GM0518}, data: {absence_kind: spijbelen, from: "2026-11-02"}}
expect: [{kind: escalate}]
)");
        THEN("it is reported invalid with the pointer into the scenario file, and nothing runs") {
            const auto result = check(testing::shipped_routeboek_path(), dir.string());
            INFO(result.out);
            CHECK(result.exit == 2);
            CHECK(result.out.find("INVALID bad.yaml") != std::string::npos);
            CHECK(result.out.find("/signals/0/signal/data/absence_kind") != std::string::npos);
        }
    }
    GIVEN("scenario documents that are not what the schema allows") {
        const char* documents[] = {
            "",
            "[1, 2",
            "scenario: x\nfamily: {woongemeente: GM0518, pupils: []}\nsignals: []\nexpect: [{kind: escalate}]\n",
            "scenario: x\nfamily: {woongemeente: GM0518, pupils: [{id: p, brin: 12AB, gemeentecode: GM0518}]}\n"
            "signals: [{pupil: q, signal: {type: youthcare.started, occurred_at: \"2026-11-02T08:00:00Z\", data: "
            "{start_date: \"2026-11-02\"}}}]\nexpect: [{kind: task}]\n",
            "scenario: x\nfamily: {woongemeente: GM0518, pupils: [{id: p, brin: 12AB, gemeentecode: GM0518}]}\n"
            "signals: []\nuntil: \"2026-02-30\"\nexpect: [{kind: task}]\n",
            "scenario: x\nscenario: y\nfamily: {woongemeente: GM0518, pupils: [{id: p, brin: 12AB, gemeentecode: "
            "GM0518}]}\nsignals: []\nexpect: [{kind: task}]\n",
        };
        for (const char* document : documents) {
            INFO(document);
            CHECK_FALSE(service::parse_scenario(document).ok());
        }
    }
    std::filesystem::remove_all(dir);
}
