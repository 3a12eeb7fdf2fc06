// eenplan-keyserver: the one process that holds the polymorphic master keys. It converts batches
// of encryptions for clients that authenticate with a client certificate, and does nothing else.
//   eenplan-keyserver --config <keyserver.yaml>
#include <iostream>

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/ServerApplication.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/log_event.hpp"
#include "identity/key_files.hpp"
#include "keyserver/key_server.hpp"
#include "keyserver/keyserver_config.hpp"
#include "observability/json_log_formatter.hpp"
#include "tls/tls_policy.hpp"

namespace {

using namespace eenplan;

Poco::Logger& setup_logging(const service::LoggingConfig& logging) {
    Poco::AutoPtr<Poco::Channel> sink;
    if (logging.file) {
        Poco::AutoPtr<Poco::FileChannel> file(new Poco::FileChannel(*logging.file));
        file->setProperty("flush", "true");
        sink = file;
    } else {
        sink = new Poco::ConsoleChannel;
    }
    Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(new service::JsonLogFormatter, sink));
    Poco::Logger& root = Poco::Logger::root();
    root.setChannel(channel);
    root.setLevel(logging.level);
    return Poco::Logger::get("eenplan-keyserver");
}

// Every certificate a client presents is checked against the CA's revocation list: a revoked one,
// and any one once the list is past its nextUpdate, fails the handshake.
bool load_crl(Poco::Net::Context& context, const std::string& path) {
    BIO* bio = BIO_new_file(path.c_str(), "r");
    if (bio == nullptr) return false;
    X509_CRL* crl = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (crl == nullptr) return false;
    X509_STORE* store = SSL_CTX_get_cert_store(context.sslContext());
    const bool added = X509_STORE_add_crl(store, crl) == 1;
    X509_CRL_free(crl);
    return added && X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK) == 1;
}

void print_problems(const std::string& path, const Problems& problems) {
    for (const Problem& p : problems)
        std::cerr << path << ": " << (p.pointer.empty() ? "" : p.pointer + ": ") << p.detail << "\n";
}

class KeyServerApplication : public Poco::Util::ServerApplication {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override {
        ServerApplication::defineOptions(options);
        options.addOption(Poco::Util::Option("config", "c", "the key server's settings (YAML)")
                              .required(false)
                              .argument("file")
                              .binding("keyserver.config"));
    }

    int main(const std::vector<std::string>&) override {
        const std::string path = config().getString("keyserver.config", "");
        if (path.empty()) {
            std::cerr << "usage: eenplan-keyserver --config <keyserver.yaml>\n";
            return EXIT_USAGE;
        }
        auto settings = keyserver::load_keyserver_config(path);
        if (!settings) {
            print_problems(path, settings.problems());
            return EXIT_CONFIG;
        }
        auto master = service::load_master_keys(settings->master_key_file);
        if (!master) {
            print_problems(path, {Problem{"/master_key_file", master.problems()[0].detail}});
            return EXIT_CONFIG;
        }
        Poco::Logger& logger = setup_logging(settings->logging);
        Poco::Net::initializeSSL();
        {
            Poco::Net::Context::Params params = integration::tls_params();
            params.privateKeyFile = settings->private_key;
            params.certificateFile = settings->certificate;
            // A client certificate is asked for and, when presented, must chain to the clients' CA;
            // a request without one is answered 401 (health and readiness stay reachable).
            params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
            params.caLocation = settings->client_ca_file;
            Poco::Net::Context::Ptr context = integration::make_tls_context(Poco::Net::Context::TLS_SERVER_USE, params);
            if (settings->client_crl_file && !load_crl(*context, *settings->client_crl_file)) {
                print_problems(path, {Problem{"/listen/tls/client_crl_file", "is not a PEM revocation list"}});
                return EXIT_CONFIG;
            }
            Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress(settings->address, settings->port), 64,
                                                 context);
            keyserver::KeyServer server(std::move(settings).value(), std::move(master).value(), logger);
            Poco::Net::HTTPServerParams::Ptr http = new Poco::Net::HTTPServerParams;
            http->setMaxThreads(server.config().threads);
            http->setKeepAlive(true);
            // A thread serves one connection while it is kept alive: idle ones are closed soon.
            http->setKeepAliveTimeout(Poco::Timespan(5, 0));
            http->setTimeout(Poco::Timespan(10, 0));
            Poco::Net::HTTPServer listener(server.make_factory(), socket, http);
            listener.start();
            service::log_event(logger, Poco::Message::PRIO_NOTICE, "keyserver", "keyserver.listening", "listening",
                               {{"port", std::to_string(socket.address().port())},
                                {"count", std::to_string(server.config().clients.size())}});
            waitForTerminationRequest();
            listener.stopAll(true);
            service::log_event(logger, Poco::Message::PRIO_NOTICE, "keyserver", "keyserver.stopped", "stopped");
        }
        Poco::Net::uninitializeSSL();
        return EXIT_OK;
    }
};

}  // namespace

POCO_SERVER_MAIN(KeyServerApplication)
