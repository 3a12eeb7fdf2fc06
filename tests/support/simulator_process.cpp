#include "support/simulator_process.hpp"

#include <regex>
#include <stdexcept>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/StreamCopier.h>

#include "support/tied_process.hpp"

namespace eenplan::testing {

SimulatorProcess::SimulatorProcess(const std::string& binary, const std::vector<std::string>& args) {
    Poco::Pipe out;
    process_ = std::make_unique<Poco::ProcessHandle>(launch_tied(binary, args, ".", &out));
    Poco::PipeInputStream stream(out);
    std::string line;
    std::getline(stream, line);
    static const std::regex port(R"re("port":(\d+))re");
    std::smatch match;
    if (!std::regex_search(line, match, port)) {
        throw std::runtime_error(binary + " did not report its port: " + line);
    }
    port_ = std::stoi(match[1]);
}

SimulatorProcess::~SimulatorProcess() {
    try {
        if (Poco::Process::isRunning(*process_)) Poco::Process::requestTermination(process_->id());
        process_->wait();
    } catch (...) {
    }
}

std::string SimulatorProcess::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

HttpAnswer http_call(int port, const std::string& method, const std::string& path, const std::string& body,
                     const std::map<std::string, std::string>& headers) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (method != Poco::Net::HTTPRequest::HTTP_GET) {
        if (!request.has("Content-Type")) request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpAnswer answer{static_cast<int>(response.getStatus()), response.getContentType(), {}};
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
}

}  // namespace eenplan::testing
