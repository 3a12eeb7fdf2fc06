// The routeboek the repository ships (deploy/config/routeboek-haaglanden-po.yaml), loaded once
// through the service's own loader, for the engine's scenario tests and its benchmark.
#pragma once

#include <stdexcept>
#include <string>

#include "routeboek/routeboek_loader.hpp"
#include "support/files.hpp"

namespace eenplan::testing {

inline const routeboek::Routeboek& shipped_routeboek() {
    static const routeboek::Routeboek rb = [] {
        auto loaded = service::load_routeboek(shipped_routeboek_path());
        if (!loaded) {
            throw std::runtime_error(shipped_routeboek_path() + ": " + loaded.problems().front().pointer + " " +
                                     loaded.problems().front().detail);
        }
        return std::move(loaded).value();
    }();
    return rb;
}

}  // namespace eenplan::testing
