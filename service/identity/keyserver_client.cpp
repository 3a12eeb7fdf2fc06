#include "identity/keyserver_client.hpp"

#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "common/store_types.hpp"
#include "outbound/http_client.hpp"

namespace eenplan::service {

KeyServerClient::KeyServerClient(KeyServerSettings settings) : settings_(std::move(settings)) {}

KeyServerClient::~KeyServerClient() = default;

std::unique_ptr<integration::KeepAliveClient> KeyServerClient::take() const {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_for(lock, std::chrono::milliseconds(settings_.timeout_ms),
                         [&] { return in_use_ < settings_.connections; })) {
        throw KeyServerUnavailable("every connection to the key server stayed busy");
    }
    ++in_use_;
    if (!idle_.empty()) {
        auto client = std::move(idle_.back());
        idle_.pop_back();
        return client;
    }
    lock.unlock();
    return std::make_unique<integration::KeepAliveClient>(
        settings_.url, settings_.ca_file, std::chrono::milliseconds(settings_.timeout_ms),
        integration::ClientIdentity{settings_.client_certificate_file, settings_.client_key_file});
}

void KeyServerClient::give_back(std::unique_ptr<integration::KeepAliveClient> client) const {
    {
        std::lock_guard lock(mutex_);
        --in_use_;
        idle_.push_back(std::move(client));
    }
    freed_.notify_one();
}

std::vector<PolymorphicCiphertext> KeyServerClient::convert(const std::vector<PolymorphicCiphertext>& batch,
                                                            std::string_view domain) const {
    if (batch.empty()) return {};
    Poco::JSON::Object request;
    request.set("domain", std::string(domain));
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const PolymorphicCiphertext& c : batch) list->add(c.to_string());
    request.set("encryptions", list);
    std::ostringstream body;
    request.stringify(body);

    auto client = take();
    const integration::HttpReply reply =
        client->send("POST", "/v1/convert", {{"content-type", "application/json"}}, body.str());
    give_back(std::move(client));
    if (reply.status == 0) throw KeyServerUnavailable("the key server did not answer: " + reply.error);
    if (reply.status != 200) {
        throw KeyServerUnavailable("the key server answered " + std::to_string(reply.status));
    }
    std::vector<PolymorphicCiphertext> converted;
    try {
        const auto answer = Poco::JSON::Parser().parse(reply.body).extract<Poco::JSON::Object::Ptr>();
        const auto items = answer->getArray("encryptions");
        if (!items || items->size() != batch.size() || answer->optValue<std::string>("domain", "") != domain) {
            throw KeyServerUnavailable("the key server's answer does not match the request");
        }
        for (std::size_t i = 0; i < items->size(); ++i) {
            auto c = PolymorphicCiphertext::parse(items->getElement<std::string>(static_cast<unsigned>(i)), "");
            if (!c) throw KeyServerUnavailable("the key server's answer holds a malformed encryption");
            converted.push_back(std::move(c).value());
        }
    } catch (const Poco::Exception&) {
        throw KeyServerUnavailable("the key server's answer is not JSON of the expected shape");
    }
    return converted;
}

}  // namespace eenplan::service
