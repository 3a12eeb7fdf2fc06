// The console's static assets through the real service: index and pages (the single-page
// fallback), content types, caching of content-hashed files, no directory listing, and no way out
// of the assets directory however the path is spelled.
#include <catch2/catch.hpp>

#include <fstream>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include "support/files.hpp"
#include "support/service_process.hpp"
#include "support/test_store.hpp"

using namespace eenplan::testing;

namespace {

struct Answer {
    int status = 0;
    std::string content_type;
    std::string cache_control;
    std::string location;
    std::string allow;
    std::streamsize content_length = -1;
    std::string body;
};

// A GET with the path sent exactly as written (no client-side normalisation).
Answer fetch(const ServiceProcess& service, const std::string& path, const std::string& method = "GET") {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(service.port()));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (method == "POST") request.setContentLength(0);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer answer{static_cast<int>(response.getStatus()),
                  response.getContentType(),
                  response.get("Cache-Control", ""),
                  response.get("Location", ""),
                  response.get("Allow", ""),
                  response.getContentLength64(),
                  {}};
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
}

void write(const std::filesystem::path& file, const std::string& text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

}  // namespace

SCENARIO("the service serves the console's assets and nothing else", "[console][security]") {
    TempDir dir;
    const auto assets = dir.path() / "www" / "console";
    write(assets / "index.html", "<!doctype html><title>console index</title>");
    write(assets / "favicon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    write(assets / "assets" / "main-ABC123.js", "console.log('bundle')");
    write(assets / "assets" / "main-ABC123.css", "body{}");
    write(assets / ".env", "HIDDEN-SECRET");
    write(dir.path() / "www" / "secret.txt", "OUTSIDE-SECRET");
    write(dir.path() / "secret.txt", "OUTSIDE-SECRET");

    TestStore store(dir.path());
    ServiceOptions options;
    options.extra_config = "console:\n  assets_dir: " + assets.string() + "\n";
    ServiceProcess service(store, dir.path(), options);

    WHEN("the index, a page of the console and its bundled files are asked for") {
        const auto index = fetch(service, "/console/");
        const auto page = fetch(service, "/console/storingen?state=open");
        const auto script = fetch(service, "/console/assets/main-ABC123.js");
        const auto style = fetch(service, "/console/assets/main-ABC123.css");
        const auto icon = fetch(service, "/console/favicon.svg");
        THEN("each comes with its content type, and only hashed files are cached for long") {
            CHECK(index.status == 200);
            CHECK(index.content_type == "text/html; charset=utf-8");
            CHECK(index.cache_control == "no-cache");
            CHECK_THAT(index.body, Catch::Contains("console index"));
            CHECK(page.status == 200);
            CHECK(page.body == index.body);
            CHECK(script.status == 200);
            CHECK(script.content_type == "text/javascript; charset=utf-8");
            CHECK(script.cache_control == "public, max-age=31536000, immutable");
            CHECK(script.body == "console.log('bundle')");
            CHECK(style.content_type == "text/css; charset=utf-8");
            CHECK(icon.content_type == "image/svg+xml");
            CHECK(icon.cache_control == "no-cache");
        }
    }
    WHEN("/console is asked for without its slash") {
        const auto answer = fetch(service, "/console");
        THEN("it is sent to /console/") {
            CHECK(answer.status == 301);
            CHECK(answer.location == "/console/");
        }
    }
    WHEN("a missing file, a directory or another method is asked for") {
        THEN("it is not there, no directory is listed, and nothing but GET is taken") {
            CHECK(fetch(service, "/console/missing.js").status == 404);
            CHECK(fetch(service, "/console/assets/missing-X.js").status == 404);
            const auto listing = fetch(service, "/console/assets");
            CHECK(listing.status == 404);
            CHECK_THAT(listing.body, !Catch::Contains("main-ABC123"));
            CHECK(fetch(service, "/console/assets/").status == 404);
            const auto post = fetch(service, "/console/", "POST");
            CHECK(post.status == 405);
            CHECK(post.allow == "GET, HEAD");
        }
    }
    WHEN("a page and a file are asked for with HEAD") {
        const auto index = fetch(service, "/console/");
        const auto head = fetch(service, "/console/", "HEAD");
        const auto script = fetch(service, "/console/assets/main-ABC123.js", "HEAD");
        THEN("the headers are those of the GET, with the length of its body, and no body follows") {
            CHECK(head.status == 200);
            CHECK(head.content_type == index.content_type);
            CHECK(head.content_length == static_cast<std::streamsize>(index.body.size()));
            CHECK(head.body.empty());
            CHECK(script.status == 200);
            CHECK(script.cache_control == "public, max-age=31536000, immutable");
            CHECK(script.content_length == static_cast<std::streamsize>(std::string("console.log('bundle')").size()));
            CHECK(script.body.empty());
            CHECK(fetch(service, "/console/missing.js", "HEAD").status == 404);
        }
        THEN("a resource that takes POST only answers HEAD as any other method it does not take") {
            const auto ingest = fetch(service, "/v1/sources/school-a/signals", "HEAD");
            CHECK(ingest.status == 405);
            CHECK(ingest.allow == "POST");
            CHECK(ingest.body.empty());
        }
    }
    WHEN("a path tries to leave the assets directory or reach a hidden file") {
        const char* attempts[] = {
            "/console/../secret.txt",
            "/console/assets/../../secret.txt",
            "/console/%2e%2e/secret.txt",
            "/console/assets/%2e%2e/%2e%2e/secret.txt",
            "/console/..%2fsecret.txt",
            "/console/assets/..%2f..%2fsecret.txt",
            "/console/%2e%2e%2f%2e%2e%2fsecret.txt",
            "/console/..%5csecret.txt",
            "/console/assets/..",
            "/console/..",
            "/console/.env",
            "/console/%2eenv",
            "/console/assets/.%2e/.env",
            "/console/secret.txt%00.js",
            "/console/%2fetc%2fpasswd",
            "/console//etc/passwd",
            "/console/assets/%252e%252e/secret.txt",
        };
        THEN("it gets nothing but a 404 or the console's own index") {
            for (const char* path : attempts) {
                INFO(path);
                const auto answer = fetch(service, path);
                CHECK_THAT(answer.body, !Catch::Contains("SECRET"));
                CHECK_THAT(answer.body, !Catch::Contains("root:"));
                CHECK((answer.status == 404 || answer.status == 400 ||
                       (answer.status == 200 && answer.body.find("console index") != std::string::npos)));
            }
        }
    }
}

SCENARIO("without built assets the console answers 404 and the service runs on", "[console]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.extra_config = "console:\n  assets_dir: " + (dir.path() / "not-built").string() + "\n";
    ServiceProcess service(store, dir.path(), options);
    const auto answer = fetch(service, "/console/");
    CHECK(answer.status == 404);
    CHECK(answer.content_type == "application/problem+json");
    CHECK(fetch(service, "/healthz").status == 200);
}
