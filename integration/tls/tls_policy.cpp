#include "tls/tls_policy.hpp"

#include <openssl/ssl.h>

#include <Poco/Net/SSLException.h>

namespace eenplan::integration {

Poco::Net::Context::Params tls_params() {
    Poco::Net::Context::Params params;
    params.cipherList = tls12_cipher_list;
    return params;
}

Poco::Net::Context::Ptr make_tls_context(Poco::Net::Context::Usage usage, const Poco::Net::Context::Params& params) {
    Poco::Net::Context::Ptr context = new Poco::Net::Context(usage, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    if (SSL_CTX_set_ciphersuites(context->sslContext(), tls13_cipher_suites) != 1) {
        throw Poco::Net::SSLContextException("cannot set the TLS 1.3 cipher suites");
    }
    if (usage == Poco::Net::Context::TLS_SERVER_USE || usage == Poco::Net::Context::SERVER_USE) {
        context->preferServerCiphers();
    }
    return context;
}

}  // namespace eenplan::integration
