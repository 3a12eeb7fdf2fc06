// The routeboek the repository ships (deploy/config/routeboek-haaglanden-po.yaml), loaded once
// through the service's own loader, for the engine's scenario tests and its benchmark.
#pragma once

#include <stdexcept>
#include <string>

#include "routeboek/routeboek_loader.hpp"
#include "routeboek/school_calendar_loader.hpp"
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

// The VO routeboek the repository ships as a concept for a region to fill in
// (deploy/config/routeboek-haaglanden-vo.yaml).
inline const routeboek::Routeboek& shipped_vo_routeboek() {
    static const routeboek::Routeboek rb = [] {
        const std::string path = source_file("deploy/config/routeboek-haaglanden-vo.yaml").string();
        auto loaded = service::load_routeboek(path);
        if (!loaded) {
            throw std::runtime_error(path + ": " + loaded.problems().front().pointer + " " +
                                     loaded.problems().front().detail);
        }
        return std::move(loaded).value();
    }();
    return rb;
}

// The school calendar the repository ships (deploy/config/schoolvakanties-2026-2028.yaml).
inline const routeboek::SchoolCalendar& shipped_school_calendar() {
    static const routeboek::SchoolCalendar calendar = [] {
        const std::string path = source_file("deploy/config/schoolvakanties-2026-2028.yaml").string();
        auto loaded = service::load_school_calendar(path);
        if (!loaded) {
            throw std::runtime_error(path + ": " + loaded.problems().front().pointer + " " +
                                     loaded.problems().front().detail);
        }
        return std::move(loaded).value();
    }();
    return calendar;
}

}  // namespace eenplan::testing
