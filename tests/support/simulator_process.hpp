// A simulator executable (integration/simulators/) started for a test: it prints {"port": n} on
// its first line, and is stopped (SIGTERM, then waited for) at the end of its scope. Also a small
// HTTP client for talking to it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <Poco/Process.h>

#include "support/service_process.hpp"

namespace eenplan::testing {

class SimulatorProcess {
public:
    SimulatorProcess(const std::string& binary, const std::vector<std::string>& args);
    ~SimulatorProcess();
    SimulatorProcess(const SimulatorProcess&) = delete;
    SimulatorProcess& operator=(const SimulatorProcess&) = delete;

    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] std::string url(const std::string& path = "") const;

private:
    std::unique_ptr<Poco::ProcessHandle> process_;
    int port_ = 0;
};

// Any request to 127.0.0.1:port with the given headers.
HttpAnswer http_call(int port, const std::string& method, const std::string& path, const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});

// Polls `done` every 20 ms until it is true or `timeout_s` passed; returns its last value.
template <typename Fn>
bool eventually(Fn&& done, int timeout_s);

}  // namespace eenplan::testing

#include <chrono>
#include <thread>

template <typename Fn>
bool eenplan::testing::eventually(Fn&& done, int timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}
