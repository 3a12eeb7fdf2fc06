// Starting a long-running child of a test (the service, a simulator) so that it dies with the
// test process. A child that outlives a crashed test keeps ctest's output pipe open (it inherits
// the test's stderr), and ctest then waits for it for ever: a red test becomes a hung CI run.
// util-linux's setpriv sets the parent-death signal and then executes the program itself, so the
// handle's pid is the program's. Start these from the test's main thread: the signal is sent when
// the thread that started the child ends.
#pragma once

#include <string>
#include <vector>

#include <Poco/Pipe.h>
#include <Poco/Process.h>

namespace eenplan::testing {

inline Poco::ProcessHandle launch_tied(const std::string& binary, const std::vector<std::string>& args,
                                       const std::string& directory, Poco::Pipe* out = nullptr) {
    std::vector<std::string> tied{"--pdeathsig", "TERM", "--", binary};
    tied.insert(tied.end(), args.begin(), args.end());
    return Poco::Process::launch("/usr/bin/setpriv", tied, directory, nullptr, out, nullptr);
}

}  // namespace eenplan::testing
