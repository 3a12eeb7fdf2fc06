// A one-line progress bar on standard error for long jobs run by hand (re-pseudonymisation).
// On a terminal it redraws in place; otherwise it prints a line per update.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string>

#include <unistd.h>

namespace eenplan::service {

class ProgressBar {
public:
    explicit ProgressBar(std::string label) : label_(std::move(label)), tty_(isatty(STDERR_FILENO) == 1) {}

    void update(std::int64_t done, std::int64_t total) {
        constexpr int width = 30;
        // Rows written while the job runs can make `done` pass the total counted at its start.
        const int percent = total > 0 ? static_cast<int>(100 * std::min(done, total) / total) : 100;
        const int filled = width * percent / 100;
        std::cerr << (tty_ ? "\r" : "") << label_ << " [" << std::string(static_cast<std::size_t>(filled), '#')
                  << std::string(static_cast<std::size_t>(width - filled), '-') << "] " << percent << "% " << done
                  << "/" << total << (tty_ ? "" : "\n") << std::flush;
    }

    void finish() {
        if (tty_) std::cerr << "\n";
    }

private:
    std::string label_;
    bool tty_;
};

}  // namespace eenplan::service
