// The URL space of the service in one table: method, pattern, who may call, and how to make the
// handler. The router matches requests against it and the metrics label each request with the
// matched pattern, so a route is written once.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "http/route_handler.hpp"
#include "http/route_access.hpp"

namespace eenplan::service {

// Makes the handler for a matched route from the `{...}` segments of the path, in order; null when
// the segments name nothing (e.g. an unknown LAS vendor): the router then answers 404.
using HandlerFactory = RouteHandler* (*)(ServiceContext& context, const std::vector<std::string>& params);

struct Route {
    const char* method;
    const char* pattern;  // "/v1/pupils/{pupilId}": `{name}` matches one non-empty segment
    Access access;
    HandlerFactory make;
};

std::span<const Route> routes();

// True when `segments` (a path split at '/') fits `pattern`; the `{...}` segments go to `params`.
bool match_pattern(const std::string& pattern, const std::vector<std::string>& segments,
                   std::vector<std::string>& params);

}  // namespace eenplan::service
