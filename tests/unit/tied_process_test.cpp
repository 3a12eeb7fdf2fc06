// A test's children die with it: if the test process is killed or crashes, the service and the
// simulators it started must not live on holding ctest's output pipe (ctest would wait for ever).
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include "support/tied_process.hpp"

using namespace std::chrono_literals;

namespace {

// A process that has ended but whose new parent has not reaped it yet (PID 1 in a container may
// never do so) still answers kill(pid, 0).
bool zombie(long pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(stat, text);
    const auto close = text.rfind(')');
    return close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'Z';
}

}  // namespace

// Run only by the scenario below, in a child process of its own: starts a long-running program
// tied to it, says its pid, and dies without running any destructor.
TEST_CASE("a process that starts a tied child and dies", "[.tied-child]") {
    const Poco::ProcessHandle child = eenplan::testing::launch_tied("/bin/sleep", {"120"}, ".");
    // setpriv sets the signal and then executes the program: once the child is `sleep`, it is tied.
    const std::string exe = "/proc/" + std::to_string(child.id()) + "/exe";
    for (int i = 0; i < 100; ++i) {
        std::error_code error;
        if (std::filesystem::read_symlink(exe, error).filename() == "sleep") break;
        std::this_thread::sleep_for(20ms);
    }
    std::cout << "pid " << child.id() << std::endl;
    std::_Exit(3);
}

SCENARIO("a child started by a test dies when the test process dies", "[harness]") {
    Poco::Pipe out;
    Poco::ProcessHandle test = Poco::Process::launch(std::filesystem::read_symlink("/proc/self/exe").string(),
                                                     {"[.tied-child]"}, nullptr, &out, nullptr);
    Poco::PipeInputStream stream(out);
    std::string word;
    long pid = 0;
    while (word != "pid" && stream >> word) {
        // Catch2 says its filters first
    }
    stream >> pid;
    REQUIRE(word == "pid");
    REQUIRE(pid > 0);
    CHECK(test.wait() == 3);
    bool gone = false;
    for (int i = 0; i < 50 && !gone; ++i) {
        gone = ::kill(static_cast<pid_t>(pid), 0) != 0 || zombie(pid);
        if (!gone) std::this_thread::sleep_for(100ms);
    }
    if (!gone) ::kill(static_cast<pid_t>(pid), SIGKILL);
    CHECK(gone);
}
