#include "http/console_assets.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <string_view>
#include <system_error>
#include <utility>

#include "http/problem.hpp"
#include "http/response.hpp"

namespace eenplan::service {
namespace {

namespace fs = std::filesystem;

// One path segment the handler may look up: a plain file or directory name, never "..", ".",
// a hidden file or anything with a separator or an encoded byte in it.
bool plain_name(std::string_view segment) {
    if (segment.empty() || segment.size() > 128 || segment.front() == '.') return false;
    return std::all_of(segment.begin(), segment.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
               c == '_';
    });
}

bool has_index(const fs::path& dir) {
    std::error_code error;
    return fs::is_regular_file(dir / "index.html", error);
}

// esbuild names what it bundles <name>-<hash>.<ext> under assets/ (console/build.mjs).
bool content_hashed(const std::vector<std::string>& segments) {
    return segments.size() == 2 && segments[0] == "assets";
}

std::optional<std::string> read_file(const fs::path& file) {
    std::error_code error;
    if (!fs::is_regular_file(file, error)) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::optional<fs::path> console_assets_dir(const Config& config) {
    if (config.console.assets_dir) return fs::path(*config.console.assets_dir);
    std::error_code error;
    const fs::path executable = fs::read_symlink("/proc/self/exe", error);
    if (!error) {
        for (const char* relative : {EENPLAN_CONSOLE_BUILD_RELATIVE, EENPLAN_CONSOLE_INSTALL_RELATIVE}) {
            const fs::path candidate = (executable.parent_path() / relative).lexically_normal();
            if (has_index(candidate)) return candidate;
        }
    }
    if (has_index(EENPLAN_CONSOLE_INSTALL_DIR)) return fs::path(EENPLAN_CONSOLE_INSTALL_DIR);
    return std::nullopt;
}

std::string console_content_type(const std::string& name) {
    static const std::array<std::pair<std::string_view, std::string_view>, 12> types{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".webmanifest", "application/manifest+json"},
    }};
    const auto dot = name.rfind('.');
    if (dot == std::string::npos) return "application/octet-stream";
    const std::string_view extension(name.data() + dot, name.size() - dot);
    for (const auto& [ext, type] : types) {
        if (ext == extension) return std::string(type);
    }
    return "application/octet-stream";
}

void ConsoleAssetsHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    // /console without its slash: the page's relative links need the directory form.
    if (segments_.empty() && request.getURI() == "/console") {
        response.set("Location", "/console/");
        response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_MOVED_PERMANENTLY);
        response.setContentLength(0);
        response.send();
        return;
    }
    const auto dir = console_assets_dir(context_.config);
    if (!dir) {
        send_not_found(response, "the console is not built (console.assets_dir names the directory of its assets)");
        return;
    }
    if (!std::all_of(segments_.begin(), segments_.end(), plain_name)) {
        send_not_found(response, "no console asset at this path");
        return;
    }
    fs::path file = *dir;
    for (const auto& segment : segments_) file /= segment;
    std::optional<std::string> body = segments_.empty() ? read_file(*dir / "index.html") : read_file(file);
    std::string name = segments_.empty() ? "index.html" : segments_.back();
    // A page of the single-page console (/console/storingen): its index.html.
    if (!body && segments_.size() == 1 && segments_[0].find('.') == std::string::npos) {
        std::error_code error;
        if (!fs::is_directory(file, error)) {
            body = read_file(*dir / "index.html");
            name = "index.html";
        }
    }
    if (!body) {
        send_not_found(response, "no console asset at this path");
        return;
    }
    response.set("Cache-Control", content_hashed(segments_) ? "public, max-age=31536000, immutable" : "no-cache");
    send_body(response, console_content_type(name), *body);
}

}  // namespace eenplan::service
