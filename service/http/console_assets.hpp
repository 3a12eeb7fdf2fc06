// GET /console/ and /console/<asset>: the web console's built assets (console/, built by the CMake
// target eenplan_console_assets) from one directory. Only names of letters, digits, '.', '-' and '_' that
// do not start with a dot are looked up (no "..", no hidden files), only regular files are sent
// (never a directory listing), and a path of one segment without an extension is a page of the
// console itself (/console/storingen): it gets index.html, so a reload stays on its page.
// Content-hashed files under assets/ are cached for a year; everything else is revalidated.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "http/route_handler.hpp"

namespace eenplan::service {

// The directory the assets come from: console.assets_dir when configured, else the first that has
// an index.html of the build tree's output and the installed layout's share/eenplan/console, both
// relative to the running executable (/proc/self/exe), then the configured prefix's.
[[nodiscard]] std::optional<std::filesystem::path> console_assets_dir(const Config& config);

// The Content-Type for a file name by its extension (application/octet-stream when unknown).
[[nodiscard]] std::string console_content_type(const std::string& name);

class ConsoleAssetsHandler : public RouteHandler {
public:
    // `segments`: the path below /console/ (empty for the index).
    ConsoleAssetsHandler(ServiceContext& context, std::vector<std::string> segments)
        : RouteHandler(context), segments_(std::move(segments)) {}

protected:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::vector<std::string> segments_;
};

}  // namespace eenplan::service
