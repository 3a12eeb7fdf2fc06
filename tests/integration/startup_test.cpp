// Start-up: a bad configuration stops the service before it listens, naming the file, the JSON
// Pointer and what is wrong; --check-config validates without starting.
#include <catch2/catch.hpp>

#include <fstream>

#include "support/files.hpp"
#include "support/service_process.hpp"

using namespace eenplan::testing;

SCENARIO("the service refuses to start half-configured", "[config]") {
    TempDir dir;
    const auto config = dir.path() / "bad.yaml";
    {
        std::ofstream out(config);
        out << "listen: {address: 127.0.0.1, port: 0}\n"
               "database: {backend: sqlite, connection: \"db=x.db\"}\n"
               "keys: {pseudonym_keys: [{version: 1, file: missing.key}]}\n"
               "sources: [{id: school-a, secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw]}]\n";
    }
    WHEN("a key file is missing") {
        const auto [code, stderr_text] = run_service_once(config, "");
        THEN("it exits with EX_CONFIG and says which file and where in the configuration") {
            CHECK(code == 78);
            CHECK_THAT(stderr_text, Catch::Contains(config.string()));
            CHECK_THAT(stderr_text, Catch::Contains("/keys/pseudonym_keys/0/file"));
            CHECK_THAT(stderr_text, Catch::Contains("cannot be read"));
            CHECK_FALSE(std::filesystem::exists(dir.path() / "x.db"));
        }
    }
    WHEN("the key exists") {
        write_secret_file(dir.path() / "missing.key", std::string(64, 'a') + "\n");
        THEN("--check-config passes without creating the database") {
            const auto [code, stderr_text] = run_service_once(config, "--check-config");
            CHECK(code == 0);
            CHECK_FALSE(std::filesystem::exists(dir.path() / "x.db"));
        }
        THEN("a gap in the key versions is refused, since pseudonyms chain from one to the next") {
            write_secret_file(dir.path() / "v3.key", std::string(64, 'b') + "\n");
            std::string text;
            {
                std::ifstream in(config);
                text.assign(std::istreambuf_iterator<char>(in), {});
            }
            text.replace(text.find("file: missing.key}"), 18, "file: missing.key}, {version: 3, file: v3.key}");
            std::ofstream(config) << text;
            const auto [code, output] = run_service_once(config, "--check-config");
            CHECK(code == 78);
            CHECK_THAT(output, Catch::Contains("2 is missing"));
        }
        THEN("a key shorter than 32 bytes is refused") {
            std::ofstream(dir.path() / "missing.key") << "abcd\n";
            const auto [code, stderr_text] = run_service_once(config, "--check-config");
            CHECK(code == 78);
            CHECK_THAT(stderr_text, Catch::Contains("at least 32 bytes"));
            CHECK(stderr_text.find("abcd") == std::string::npos);
        }
    }
}

SCENARIO("a wrong routeboek stops the service before it starts", "[config][routeboek]") {
    TempDir dir;
    write_secret_file(dir.path() / "hub.key", std::string(64, 'a') + "\n");
    // The shipped routeboek with the doorbraaktafel put on Den Haag's ladder, which has no
    // registration for it there.
    std::string routeboek = read_file(shipped_routeboek_path());
    const std::string ladder = "ladder: [management_afstemming, adviestafel, directeurenniveau]";
    REQUIRE(routeboek.find(ladder) != std::string::npos);
    routeboek.replace(routeboek.find(ladder), ladder.size(),
                      "ladder: [management_afstemming, adviestafel, doorbraaktafel]");
    write_file(dir.path() / "routeboek.yaml", routeboek);
    const auto config = dir.path() / "eenplan.yaml";
    write_file(config,
               "listen: {address: 127.0.0.1, port: 0}\n"
               "database: {backend: sqlite, connection: \"db=x.db\"}\n"
               "keys: {pseudonym_keys: [{version: 1, file: hub.key}]}\n"
               "routeboek: routeboek.yaml\n"
               "sources: [{id: school-a, secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw]}]\n");

    const auto [code, output] = run_service_once(config, "");
    CHECK(code == 78);
    CHECK_THAT(output, Catch::Contains((dir.path() / "routeboek.yaml").string()));
    CHECK_THAT(output, Catch::Contains("/municipalities/0/ladder/2"));
    CHECK_THAT(output, Catch::Contains("no registration for GM0518"));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "x.db"));

    WHEN("the shipped routeboek is used as it is") {
        write_file(dir.path() / "routeboek.yaml", read_file(shipped_routeboek_path()));
        const auto [ok, text] = run_service_once(config, "--check-config");
        CHECK(ok == 0);
    }
}

SCENARIO("routeboeken per sector are checked at start-up, each against its sector", "[config][routeboek]") {
    TempDir dir;
    write_secret_file(dir.path() / "hub.key", std::string(64, 'a') + "\n");
    write_file(dir.path() / "po.yaml", read_file(shipped_routeboek_path()));
    write_file(dir.path() / "vo.yaml", read_file(source_file("deploy/config/routeboek-haaglanden-vo.yaml")));
    const auto config = dir.path() / "eenplan.yaml";
    const auto configure = [&](const std::string& vo_sector) {
        write_file(config,
                   "listen: {address: 127.0.0.1, port: 0}\n"
                   "database: {backend: sqlite, connection: \"db=x.db\"}\n"
                   "keys: {pseudonym_keys: [{version: 1, file: hub.key}]}\n"
                   "routeboek: po.yaml\n"
                   "routeboeken: [{file: vo.yaml, sector: " +
                       vo_sector +
                       "}]\n"
                       "school_sectors: {34CD: vo}\n"
                       "sources: [{id: school-a, secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw]}]\n");
    };
    WHEN("the VO routeboek is listed as the VO one") {
        configure("vo");
        const auto [code, output] = run_service_once(config, "--check-config");
        THEN("the configuration is valid") {
            INFO(output);
            CHECK(code == 0);
        }
    }
    WHEN("the VO routeboek is listed as an MBO one") {
        configure("mbo");
        const auto [code, output] = run_service_once(config, "--check-config");
        THEN("start-up stops, naming the file and the disagreement") {
            CHECK(code == 78);
            CHECK_THAT(output, Catch::Contains((dir.path() / "vo.yaml").string()));
            CHECK_THAT(output,
                       Catch::Contains("/routeboek/sector: is vo, but the settings list it as the mbo routeboek"));
        }
    }
}
